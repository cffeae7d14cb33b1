//! The schema as JSON: what `convert --print-schema` prints and `--schema FILE` reads back.
//!
//! ```json
//! {"fields": [
//!   {"name": "content", "type": "string"},
//!   {"name": "metadata", "type": "struct", "fields": [{"name": "harmful_pp", "type": "double"}]},
//!   {"name": "tags", "type": "array", "element": {"type": "string"}}
//! ]}
//! ```
//! Each field also carries `hive`, its Glue/Hive spelling, for people; it is ignored on input.

use serde::{Deserialize, Serialize};

use super::{DataType, Field};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaFile {
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    #[serde(flatten)]
    pub spec: TypeSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeSpec {
    #[serde(rename = "type")]
    pub type_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldSpec>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<Box<TypeSpec>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hive: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SchemaFileError {
    #[error("not a schema file")]
    Json(#[from] serde_json::Error),
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("the schema has no fields")]
    Empty,
}

impl SchemaFile {
    pub fn from_fields(fields: &[Field]) -> Self {
        SchemaFile {
            fields: fields
                .iter()
                .map(|f| {
                    let mut spec = TypeSpec::from_type(&f.data_type);
                    spec.hive = Some(f.data_type.to_string());
                    FieldSpec {
                        name: f.name.clone(),
                        spec,
                    }
                })
                .collect(),
        }
    }

    pub fn parse(text: &str) -> Result<Vec<Field>, SchemaFileError> {
        let file: SchemaFile = serde_json::from_str(text)?;
        if file.fields.is_empty() {
            return Err(SchemaFileError::Empty);
        }
        fields_from_specs(&file.fields, "")
    }
}

impl TypeSpec {
    fn from_type(ty: &DataType) -> Self {
        let mut spec = TypeSpec {
            type_name: ty.to_string(),
            fields: None,
            element: None,
            hive: None,
        };
        match ty {
            DataType::Array(element) => {
                spec.type_name = "array".into();
                spec.element = Some(Box::new(TypeSpec::from_type(element)));
            }
            DataType::Struct(fields) => {
                spec.type_name = "struct".into();
                spec.fields = Some(
                    fields
                        .iter()
                        .map(|f| FieldSpec {
                            name: f.name.clone(),
                            spec: TypeSpec::from_type(&f.data_type),
                        })
                        .collect(),
                );
            }
            _ => {}
        }
        spec
    }

    fn to_type(&self, path: &str) -> Result<DataType, SchemaFileError> {
        let invalid = |message: String| SchemaFileError::Invalid {
            path: path.to_owned(),
            message,
        };
        Ok(match self.type_name.trim() {
            "boolean" => DataType::Boolean,
            "int" => DataType::Int,
            "bigint" => DataType::Bigint,
            "double" => DataType::Double,
            "string" => DataType::String,
            "array" => {
                let element = self.element.as_ref().ok_or_else(|| invalid("an array needs \"element\"".into()))?;
                DataType::Array(Box::new(element.to_type(&format!("{path}[]"))?))
            }
            "struct" => {
                let fields = self.fields.as_ref().ok_or_else(|| invalid("a struct needs \"fields\"".into()))?;
                if fields.is_empty() {
                    return Err(invalid("a struct needs at least one field (Parquet has no empty groups)".into()));
                }
                DataType::Struct(fields_from_specs(fields, path)?)
            }
            other => parse_decimal(other).ok_or_else(|| {
                invalid(format!(
                    "unknown type {other:?} (expected boolean, int, bigint, double, decimal(p,s), string, array or struct)"
                ))
            })?,
        })
    }
}

fn fields_from_specs(specs: &[FieldSpec], parent: &str) -> Result<Vec<Field>, SchemaFileError> {
    let mut fields: Vec<Field> = Vec::with_capacity(specs.len());
    for spec in specs {
        let path = if parent.is_empty() {
            spec.name.clone()
        } else {
            format!("{parent}.{}", spec.name)
        };
        if fields.iter().any(|f| f.name == spec.name) {
            return Err(SchemaFileError::Invalid {
                path,
                message: "duplicate field name".into(),
            });
        }
        fields.push(Field::new(spec.name.clone(), spec.spec.to_type(&path)?));
    }
    Ok(fields)
}

fn parse_decimal(text: &str) -> Option<DataType> {
    let inner = text.strip_prefix("decimal(")?.strip_suffix(')')?;
    let (p, s) = inner.split_once(',')?;
    let precision: u8 = p.trim().parse().ok()?;
    let scale: i8 = s.trim().parse().ok()?;
    ((1..=38).contains(&precision) && scale >= 0 && scale as u8 <= precision)
        .then_some(DataType::Decimal { precision, scale })
}
