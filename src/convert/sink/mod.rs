//! Stage 3: record batches become Parquet files, rejected lines a dead-letter file, in a local
//! directory or under an S3 prefix. Every file is published (renamed into place, or its S3
//! upload completed) only when its input has been converted completely, so a failed or
//! interrupted run leaves nothing that looks finished.
//!
//! [`settings`] (codec, row-group size, file limits) → [`parts`] (one input's Parquet parts,
//! whose names [`Target`] owns, their row groups encoded by [`encode`]) and [`dead_letter`] (its rejected lines); `storage::write`'s
//! `StaleUploads` aborts the uploads a killed run left under this run's keys. This file holds
//! the [`Destination`] they all write through.

mod dead_letter;
mod encode;
mod parts;
mod settings;

use std::sync::Arc;

use super::ConvertError;
use crate::storage::{ObjectWriter, Store, UploadSettings};
pub use dead_letter::DeadLetter;
pub use encode::EncoderSlots;
pub use parts::{OutputFile, ParquetSink, Target};
pub use settings::{Codec, RowGroupSize, WriterSettings};

/// The output store, and how to write to it.
#[derive(Clone)]
pub struct Destination {
    pub store: Arc<Store>,
    pub runtime: tokio::runtime::Handle,
    pub upload: UploadSettings,
    /// Row groups encoded at once over the run (`encode`).
    pub encoders: Arc<EncoderSlots>,
}

impl Destination {
    fn writer(&self, key: &str) -> Result<ObjectWriter, ConvertError> {
        self.store
            .writer(key, &self.runtime, self.upload)
            .map_err(|e| write_error(&self.store.display(key), e))
    }
}

fn write_error(
    path: &str,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> ConvertError {
    ConvertError::Write {
        path: path.into(),
        source: source.into(),
    }
}
