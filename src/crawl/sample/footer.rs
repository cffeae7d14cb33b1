//! Parquet: the schema and row count from the footer alone, read by suffix range (one GET, two
//! when the footer is larger than the first guess).

use crate::schema::{self, Field};
use crate::storage::kind::{Compression, Format};
use crate::storage::parquet::ParquetObject;
use crate::storage::{ObjectMeta, Store};

use super::{ObjectSample, ObjectSchema, SampleError};

pub(super) async fn sample_parquet(
    store: &Store,
    object: &ObjectMeta,
    url: &str,
) -> Result<ObjectSample, SampleError> {
    let parquet = |source| SampleError::Parquet {
        url: url.to_owned(),
        source,
    };
    let file = ParquetObject::open(store, object).await?;
    let metadata = file.metadata();
    let file = metadata.file_metadata();
    let arrow_schema =
        parquet::arrow::parquet_to_arrow_schema(file.schema_descr(), file.key_value_metadata())
            .map_err(parquet)?;
    let mut fields = Vec::with_capacity(arrow_schema.fields().len());
    for field in arrow_schema.fields() {
        let data_type = schema::from_arrow_type(field.data_type()).ok_or_else(|| {
            SampleError::UnsupportedParquetType {
                url: url.to_owned(),
                column: field.name().clone(),
                arrow_type: field.data_type().to_string(),
            }
        })?;
        fields.push(Field::new(field.name().as_str(), data_type));
    }
    let rows = file.num_rows().max(0) as f64;
    let uncompressed: i64 = metadata
        .row_groups()
        .iter()
        .map(|rg| rg.total_byte_size())
        .sum();
    Ok(ObjectSample {
        format: Format::Parquet,
        compression: Compression::None,
        schema: ObjectSchema::Parquet(fields),
        records: rows,
        record_bytes: if rows > 0.0 {
            uncompressed as f64 / rows
        } else {
            0.0
        },
        bad_lines: Vec::new(),
        provenance: None,
    })
}
