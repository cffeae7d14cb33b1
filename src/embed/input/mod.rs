//! Stage 1: find the inputs (local files, directories, globs, s3:// objects and prefixes) and read
//! each one's documents — an id and a text, from Parquet columns or JSON-lines fields, nested
//! names addressed as `metadata.title`.
//!
//! [`listing`] (the arguments as a stream of inputs, [`discover`], the entry point; each input's
//! output name checked) → [`documents`] (one input's documents, [`read_documents`]). This file
//! holds what they share: [`InputFile`] and which names are inputs.

mod documents;
mod listing;

use std::sync::Arc;

use crate::storage::kind::{FileKind, Format};
use crate::storage::Store;
pub use documents::{read_documents, Columns, Document};
pub use listing::{discover, Candidate, Inputs};

/// What embed reads: Parquet, or JSON lines (optionally `.zst`/`.gz`), by name.
fn embeddable(name: &str) -> Option<FileKind> {
    FileKind::of(name).filter(|kind| matches!(kind.format, Format::Parquet | Format::Json))
}

/// One input object and where it lives.
#[derive(Clone)]
pub struct InputFile {
    pub store: Arc<Store>,
    pub key: String,
    pub size: u64,
    /// ETag on S3, modification time locally: with the size, what tells a changed input apart.
    pub tag: Option<String>,
    pub format: Format,
    /// Output path relative to the output directory, without extension.
    pub output_stem: String,
}

impl InputFile {
    pub fn url(&self) -> String {
        self.store.url(&self.key)
    }
}
