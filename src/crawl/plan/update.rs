//! The table half of the diff: what a table cannot change into in place (S2), and the existing
//! table with lakeops' fields brought up to date, its columns merged or replaced (S1, S5).

use std::collections::BTreeSet;

use crate::catalog::{Column, TableDef};
use crate::crawl::table;
use crate::crawl::{Warning, WarningCode};
use crate::schema::{parse_hive_type, DataType};

use super::{owns_table_parameter, replace_owned, Desired, PlanError, UpdateBehavior};

/// S2: what a table cannot change into without being recreated.
pub(super) fn check_compatible(
    qualified: &str,
    current: &TableDef,
    wanted: &TableDef,
) -> Result<(), PlanError> {
    let keys = |t: &TableDef| {
        t.partition_keys
            .iter()
            .map(|k| format!("{} {}", k.name, k.type_name))
            .collect::<Vec<_>>()
    };
    if keys(current) != keys(wanted) {
        return Err(PlanError::Incompatible {
            table: qualified.to_owned(),
            what: "partition keys",
            current: keys(current).join(","),
            found: keys(wanted).join(","),
        });
    }
    for key in ["classification", "compressionType", "delimiter"] {
        if let (Some(current_value), found) =
            (current.parameters.get(key), wanted.parameters.get(key))
        {
            let found = found.cloned().unwrap_or_default();
            if *current_value != found {
                return Err(PlanError::Incompatible {
                    table: qualified.to_owned(),
                    what: key,
                    current: current_value.clone(),
                    found,
                });
            }
        }
    }
    Ok(())
}

/// The existing table with lakeops' fields brought up to date and everything else kept (S1, S5).
pub(super) fn updated_table(
    current: &TableDef,
    desired: &Desired,
    behavior: UpdateBehavior,
    warnings: &mut Vec<Warning>,
    qualified: &str,
) -> Result<TableDef, PlanError> {
    let wanted = &desired.table;
    let mut after = current.clone();
    after.table_type = wanted.table_type.clone();
    after.parameters = replace_owned(
        &current.parameters,
        &wanted.parameters,
        owns_table_parameter,
    );
    let sd = &mut after.storage_descriptor;
    let wanted_sd = &wanted.storage_descriptor;
    sd.columns = match behavior {
        UpdateBehavior::Replace => {
            replace_columns(&current.storage_descriptor.columns, &wanted_sd.columns)
        }
        _ => merge_columns(
            &current.storage_descriptor.columns,
            &wanted_sd.columns,
            desired,
            warnings,
            qualified,
        )?,
    };
    sd.location = wanted_sd.location.clone();
    sd.input_format = wanted_sd.input_format.clone();
    sd.output_format = wanted_sd.output_format.clone();
    sd.serde_info.serialization_library = wanted_sd.serde_info.serialization_library.clone();
    let mut serde_wanted = wanted_sd.serde_info.parameters.clone();
    if behavior == UpdateBehavior::Merge {
        // R8: every top-level key ever seen, so rows of older files keep their columns.
        if let (Some(old), Some(new)) = (
            current
                .storage_descriptor
                .serde_info
                .parameters
                .get("paths"),
            serde_wanted.get_mut("paths"),
        ) {
            let union: BTreeSet<&str> = old
                .split(',')
                .chain(new.split(','))
                .filter(|p| !p.is_empty())
                .collect();
            *new = union.into_iter().collect::<Vec<_>>().join(",");
        }
    }
    sd.serde_info.parameters = replace_owned(
        &current.storage_descriptor.serde_info.parameters,
        &serde_wanted,
        table::owns_serde_parameter,
    );
    sd.parameters = replace_owned(
        &current.storage_descriptor.parameters,
        &wanted_sd.parameters,
        owns_table_parameter,
    );
    Ok(after)
}

/// `replace`: the data's columns, keeping comments of columns that stay.
fn replace_columns(current: &[Column], wanted: &[Column]) -> Vec<Column> {
    wanted
        .iter()
        .map(|w| match current.iter().find(|c| c.name == w.name) {
            Some(c) => Column {
                type_name: w.type_name.clone(),
                ..c.clone()
            },
            None => w.clone(),
        })
        .collect()
}

/// `merge`: existing columns in their order, widened (never narrowed); new ones appended.
fn merge_columns(
    current: &[Column],
    wanted: &[Column],
    desired: &Desired,
    warnings: &mut Vec<Warning>,
    qualified: &str,
) -> Result<Vec<Column>, PlanError> {
    let mut merged: Vec<Column> = current.to_vec();
    for column in &mut merged {
        let Some(found) = wanted.iter().find(|w| w.name == column.name) else {
            continue;
        };
        if desired.pinned.contains(&column.name) {
            column.type_name = found.type_name.clone();
            continue;
        }
        let (Ok(current_type), Ok(found_type)) = (
            parse_hive_type(&column.type_name),
            parse_hive_type(&found.type_name),
        ) else {
            if !column.type_name.eq_ignore_ascii_case(&found.type_name) {
                warnings.push(Warning::new(
                    WarningCode::ForeignType,
                    format!(
                        "column {} of {qualified} is {} in the catalog and {} in the data; kept as written",
                        column.name, column.type_name, found.type_name
                    ),
                ));
            }
            continue;
        };
        let merged_type: DataType = if desired.strict_types {
            current_type
                .merge_strict(&found_type)
                .map_err(|_| PlanError::TypeConflict {
                    table: qualified.to_owned(),
                    column: column.name.clone(),
                    current: column.type_name.clone(),
                    found: found.type_name.clone(),
                })?
        } else {
            current_type.merge(&found_type)
        };
        // Keep the catalog's spelling (`INTEGER`) when the type does not change.
        if merged_type != current_type {
            column.type_name = merged_type.to_string();
        }
    }
    for column in wanted {
        if !merged.iter().any(|c| c.name == column.name) {
            merged.push(column.clone());
        }
    }
    Ok(merged)
}
