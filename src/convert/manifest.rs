//! The resume state: `manifest/<id>.json` in the state location, one small object per
//! converted input, written right after the input's outputs were published. The state lives
//! outside the data prefix (by default beside it, `OUTPUT.lakeops-state/`; `--state` moves it),
//! so readers of the output (awswrangler, polars, Athena) see nothing but data files. One object
//! per input (rather than one appended file) because S3 cannot append, and because any number
//! of `--shard` processes writing into the same prefix then never touch the same object: their
//! manifests merge by construction.
//!
//! A rerun skips an input only when its entry has the same size, ETag (or modification time)
//! and settings fingerprint, and every output it recorded is still there with the size and
//! ETag (or modification time) it had when this run published it: an output rewritten by
//! another input of the same name, or truncated, is converted again.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::plan::PlannedInput;
use super::report::FileReport;
use super::sink::Destination;
use super::ConvertError;
use crate::storage::{StorageError, Store};

pub const MANIFEST_PREFIX: &str = "manifest/";

/// An output as published: its key relative to the output root, size and tag.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Published {
    pub key: String,
    pub size: u64,
    pub tag: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub input: String,
    pub size: u64,
    pub tag: Option<String>,
    /// Schema and writer settings the outputs were written with (see [`fingerprint`]).
    pub fingerprint: String,
    /// The Parquet outputs, and the rejected lines' file when there is one.
    pub outputs: Vec<Published>,
    pub lines: u64,
    pub rows: u64,
    pub rejects: u64,
    /// Seconds since the Unix epoch.
    pub completed_at: u64,
}

/// The key of an input's entry: a hash of its URL, so any URL maps to one safe object name.
pub fn entry_key(input: &str) -> String {
    format!("{MANIFEST_PREFIX}{}.json", hex16(input.as_bytes()))
}

fn hex16(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What makes two runs' outputs of the same input interchangeable: the schema and every writer
/// setting. Anything else (threads, jobs, part sizes) changes how, not what, is written.
pub fn fingerprint(parts: &[&str]) -> String {
    hex16(parts.join("\u{1f}").as_bytes())
}

/// Every entry in the state location, by input URL. Unreadable entries are ignored (the input is
/// converted again), with a warning.
pub async fn load(store: &Store) -> Result<HashMap<String, Entry>, ConvertError> {
    let storage = |e: StorageError| ConvertError::Step {
        what: "cannot read the manifest",
        source: e.into(),
    };
    let level = match store.list_level(MANIFEST_PREFIX).await {
        Ok(level) => level,
        // No manifest folder yet (a local output never converted into).
        Err(StorageError::Local { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return Ok(HashMap::new())
        }
        Err(e) => return Err(storage(e)),
    };
    let mut entries = HashMap::new();
    // Entries are small; a few at a time keeps the start of a big resumed run short.
    let mut reads = tokio::task::JoinSet::new();
    let mut pending = level.objects.into_iter();
    loop {
        while reads.len() < 16 {
            let Some(object) = pending.next() else { break };
            let store = store.clone();
            reads.spawn(async move {
                let bytes = store.read_all(&object.key, object.size).await;
                (object.key, bytes)
            });
        }
        let Some(done) = reads.join_next().await else {
            break;
        };
        let (key, bytes) = done.map_err(|e| ConvertError::Step {
            what: "cannot read the manifest",
            source: e.into(),
        })?;
        let bytes = bytes.map_err(storage)?;
        match serde_json::from_slice::<Entry>(&bytes) {
            Ok(entry) => {
                entries.insert(entry.input.clone(), entry);
            }
            Err(e) => tracing::warn!(
                "ignoring manifest entry {}: {e}; its input is converted again",
                store.display(&key)
            ),
        }
    }
    Ok(entries)
}

/// Whether `planned` was already converted with the same settings and its outputs are all there,
/// unchanged since they were published.
pub async fn is_done(
    output: &Store,
    entries: &HashMap<String, Entry>,
    planned: &PlannedInput,
    fingerprint: &str,
) -> Result<bool, ConvertError> {
    let Some((size, tag)) = planned.input.identity() else {
        return Ok(false);
    };
    let Some(entry) = entries.get(&planned.input.display_name()) else {
        return Ok(false);
    };
    if entry.size != size || entry.tag != tag || entry.fingerprint != fingerprint {
        return Ok(false);
    }
    for published in &entry.outputs {
        let now = output
            .stat(&published.key)
            .await
            .map_err(|e| ConvertError::Step {
                what: "cannot check earlier outputs",
                source: e.into(),
            })?;
        if now != Some((published.size, published.tag.clone())) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes the input's manifest entry, after its outputs were published.
pub(super) fn record_done(
    state: &crate::storage::Store,
    destination: &Destination,
    planned: &PlannedInput,
    report: &FileReport,
    fingerprint: &str,
) -> Result<(), ConvertError> {
    let Some((size, tag)) = planned.input.identity() else {
        return Ok(());
    };
    let keys = report.outputs.iter().map(|o| o.key.clone()).chain(
        report
            .rejected_file
            .as_ref()
            .map(|_| planned.dead_letter.clone()),
    );
    let mut outputs = Vec::new();
    for key in keys {
        // What was just published, as the store sees it now: a rerun compares with this.
        let stat = destination
            .runtime
            .block_on(destination.store.stat(&key))
            .map_err(|e| ConvertError::Write {
                path: destination.store.display(&key).into(),
                source: Box::new(e),
            })?;
        let Some((size, tag)) = stat else { continue };
        outputs.push(Published { key, size, tag });
    }
    let entry = Entry {
        input: planned.input.display_name(),
        size,
        tag,
        fingerprint: fingerprint.to_owned(),
        outputs,
        lines: report.counts.lines,
        rows: report.counts.rows,
        rejects: report.counts.rejects,
        completed_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    };
    let key = entry_key(&entry.input);
    let body = serde_json::to_vec(&entry).map_err(|e| ConvertError::Step {
        what: "cannot record the manifest entry",
        source: e.into(),
    })?;
    state
        .put(&key, &destination.runtime, &body)
        .map_err(|e| ConvertError::Write {
            path: state.display(&key).into(),
            source: Box::new(e),
        })
}
