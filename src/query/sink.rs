//! `query -o FILE.parquet`: the result written as it is computed, through storage's object
//! writer like convert's and embed's sinks, and published (renamed into place) only once every
//! batch is in, so a query that fails or is interrupted leaves no file that looks finished.

use std::path::Path;

use parquet::arrow::ArrowWriter;
use tokio::runtime::Handle;

use super::{QueryError, QueryStream};
use crate::storage::{Store, UploadSettings};

/// Writes the rest of `stream` to `path`; returns the number of rows.
pub fn write_parquet(
    path: &Path,
    stream: &mut QueryStream,
    runtime: &Handle,
) -> Result<u64, QueryError> {
    let cannot_write = |source: Box<dyn std::error::Error + Send + Sync>| QueryError::Write {
        path: path.to_owned(),
        source,
    };
    let name = path
        .file_name()
        .ok_or_else(|| cannot_write("no file name".into()))?
        .to_string_lossy();
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let object = Store::local(parent)
        .writer(&name, runtime, UploadSettings::default())
        .map_err(|e| cannot_write(e.into()))?;
    let mut writer = ArrowWriter::try_new(object, stream.schema.clone(), None)
        .map_err(|e| cannot_write(e.into()))?;
    let mut rows = 0u64;
    while let Some(batch) = runtime.block_on(stream.next_batch())? {
        rows += batch.num_rows() as u64;
        // A full disk shows here first: name the file (the writer's own error says "External").
        writer.write(&batch).map_err(|e| cannot_write(e.into()))?;
    }
    writer
        .into_inner()
        .map_err(|e| cannot_write(e.into()))?
        .close()
        .map_err(|e| cannot_write(e.into()))?
        .publish()
        .map_err(|e| cannot_write(e.into()))?;
    Ok(rows)
}
