//! Column names as Glue and Athena take them: lower case at every level, names that collide
//! merged into one field (R6), and `--sanitize-names`' safe spelling.

use crate::schema::{DataType, Field};

/// Glue/Athena-safe name: lowercase, `[^a-z0-9_]` → `_`.
pub fn sanitize_name(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// R6: lowercases names at every level, merging fields that collide. `strict` merges with R5
/// (Parquet; a collision that cannot merge keeps the first field and goes to `on_conflict` with
/// the lowered path and both types); otherwise R2.
pub(super) fn lowercase_fields(
    fields: &[Field],
    out: &mut Vec<Field>,
    on_collision: &mut dyn FnMut(String, &str),
    on_conflict: &mut dyn FnMut(&str, &DataType, &DataType),
    spellings: &mut Vec<(String, String)>,
    strict: bool,
) {
    for field in fields {
        let name = field.name.to_lowercase();
        let mut data_type = field.data_type.clone();
        lowercase_type(&mut data_type, on_collision, on_conflict, strict);
        match out.iter_mut().find(|f| f.name == name) {
            Some(existing) => {
                let first = spellings
                    .iter()
                    .find(|(lower, _)| *lower == name)
                    .map(|(_, original)| original.clone())
                    .unwrap_or_else(|| name.clone());
                on_collision(format!("{first:?} and {:?}", field.name), &name);
                if strict {
                    match existing.data_type.merge_strict(&data_type) {
                        Ok(merged) => existing.data_type = merged,
                        Err(_) => on_conflict(&name, &existing.data_type, &data_type),
                    }
                } else {
                    existing.data_type.widen(&data_type, &mut |_| {});
                }
            }
            None => {
                spellings.push((name.clone(), field.name.clone()));
                out.push(Field::new(name, data_type));
            }
        }
    }
}

fn lowercase_type(
    ty: &mut DataType,
    on_collision: &mut dyn FnMut(String, &str),
    on_conflict: &mut dyn FnMut(&str, &DataType, &DataType),
    strict: bool,
) {
    match ty {
        DataType::Struct(fields) => {
            let mut lowered = Vec::with_capacity(fields.len());
            lowercase_fields(
                fields,
                &mut lowered,
                on_collision,
                on_conflict,
                &mut Vec::new(),
                strict,
            );
            *fields = lowered;
        }
        DataType::Array(element) => lowercase_type(element, on_collision, on_conflict, strict),
        DataType::Map(key, value) => {
            lowercase_type(key, on_collision, on_conflict, strict);
            lowercase_type(value, on_collision, on_conflict, strict);
        }
        _ => {}
    }
}
