//! The dead-letter file: one JSON object per rejected line, published with the input's Parquet.

use std::io::Write;

use base64::Engine;
use serde::Serialize;

use super::{write_error, Destination};
use crate::convert::batch::Reject;
use crate::convert::ConvertError;
use crate::storage::{ObjectWriter, StorageError, Unpublished};

/// `OUTPUT/_rejected/<stem>.jsonl`: one JSON object per rejected line.
pub struct DeadLetter {
    destination: Destination,
    key: String,
    writer: Option<std::io::BufWriter<ObjectWriter>>,
    source: String,
}

#[derive(Serialize)]
struct DeadLetterRecord<'a> {
    file: &'a str,
    line: u64,
    byte_offset: u64,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_base64: Option<String>,
}

impl DeadLetter {
    pub fn new(destination: Destination, key: String, source: String) -> Self {
        DeadLetter {
            destination,
            key,
            writer: None,
            source,
        }
    }

    fn path(&self) -> String {
        self.destination.store.display(&self.key)
    }

    pub fn write(&mut self, reject: &Reject) -> Result<(), ConvertError> {
        if self.writer.is_none() {
            let object = self.destination.writer(&self.key)?;
            self.writer = Some(std::io::BufWriter::with_capacity(1 << 16, object));
        }
        let (raw, raw_base64) = match std::str::from_utf8(&reject.raw) {
            Ok(text) => (Some(text), None),
            Err(_) => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(&reject.raw)),
            ),
        };
        let record = DeadLetterRecord {
            file: &self.source,
            line: reject.line,
            byte_offset: reject.byte_offset,
            reason: &reject.reason,
            raw,
            raw_base64,
        };
        let path = self.path();
        let out = self.writer.as_mut().expect("opened above");
        serde_json::to_writer(&mut *out, &record).map_err(|e| write_error(&path, e))?;
        out.write_all(b"\n").map_err(|e| write_error(&path, e))
    }

    /// Publishes the file; with no rejects, removes a stale one from an earlier run.
    pub fn finish(mut self) -> Result<Option<String>, ConvertError> {
        let path = self.path();
        match self.writer.take() {
            Some(out) => {
                let object = out
                    .into_inner()
                    .map_err(|e| write_error(&path, e.into_error()))?;
                object
                    .close()
                    .and_then(Unpublished::publish)
                    .map_err(|e| write_error(&path, e))?;
                Ok(Some(path))
            }
            None => {
                self.destination
                    .runtime
                    .block_on(self.destination.store.delete(&self.key))
                    .map_err(|e: StorageError| write_error(&path, e))?;
                Ok(None)
            }
        }
    }
}
