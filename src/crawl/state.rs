//! I7, the state cache (`--state-file`): what each object's sample said, keyed by the object's
//! size and change tag (S3 ETag, local modification time), so that a re-crawl reads only the
//! objects that are new or changed and an unchanged root costs nothing but its listing.
//!
//! The file is a cache, not a record: a missing, unreadable or mismatched one (another root,
//! other sampling settings, another format version) is ignored and rewritten, never an error.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::sample::{ObjectSample, ObjectSchema};
use crate::storage::kind::Compression;
use crate::storage::kind::Format;
use crate::storage::ObjectMeta;

const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
#[error("cannot write the state file {path}")]
pub struct StateError {
    path: PathBuf,
    #[source]
    source: std::io::Error,
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    root: String,
    settings: String,
    /// Distinct schemas: the objects of a lake mostly share a few.
    schemas: Vec<ObjectSchema>,
    objects: Vec<Entry>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Entry {
    key: String,
    size: u64,
    tag: String,
    schema: usize,
    format: Format,
    compression: Compression,
    records: f64,
    record_bytes: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    bad_lines: Vec<(u64, String)>,
}

/// The samples of the previous run, by key.
#[derive(Default)]
pub struct Cached {
    schemas: Vec<ObjectSchema>,
    objects: HashMap<String, Entry>,
}

impl Cached {
    /// Reads the state of `root` taken with `settings`; anything else yields an empty cache.
    pub fn load(path: &Path, root: &str, settings: &str) -> Cached {
        let Ok(bytes) = std::fs::read(path) else {
            return Cached::default();
        };
        match serde_json::from_slice::<StateFile>(&bytes) {
            Ok(file)
                if file.version == VERSION && file.root == root && file.settings == settings =>
            {
                Cached {
                    schemas: file.schemas,
                    objects: file
                        .objects
                        .into_iter()
                        .map(|e| (e.key.clone(), e))
                        .collect(),
                }
            }
            Ok(_) => Cached::default(),
            Err(e) => {
                tracing::warn!("ignoring the state file {}: {e}", path.display());
                Cached::default()
            }
        }
    }

    /// The sample of an object that has not changed since it was taken.
    pub fn lookup(&self, object: &ObjectMeta) -> Option<ObjectSample> {
        let entry = self.objects.get(&object.key)?;
        let tag = object.tag.as_deref()?;
        if entry.size != object.size || entry.tag != tag {
            return None;
        }
        Some(ObjectSample {
            format: entry.format,
            compression: entry.compression,
            schema: self.schemas.get(entry.schema)?.clone(),
            records: entry.records,
            record_bytes: entry.record_bytes,
            bad_lines: entry.bad_lines.clone(),
        })
    }
}

/// The state being built during this run: every object sampled or reused, in key order.
pub struct Recorder {
    file: StateFile,
    interned: HashMap<String, usize>,
}

impl Recorder {
    pub fn new(root: &str, settings: &str) -> Recorder {
        Recorder {
            file: StateFile {
                version: VERSION,
                root: root.to_owned(),
                settings: settings.to_owned(),
                schemas: Vec::new(),
                objects: Vec::new(),
            },
            interned: HashMap::new(),
        }
    }

    pub fn record(&mut self, object: &ObjectMeta, sample: &ObjectSample) {
        // Without a change tag an object cannot be recognised next time.
        let Some(tag) = &object.tag else {
            return;
        };
        let text = serde_json::to_string(&sample.schema).expect("schemas serialise");
        let next = self.file.schemas.len();
        let schema = *self.interned.entry(text).or_insert(next);
        if schema == next {
            self.file.schemas.push(sample.schema.clone());
        }
        self.file.objects.push(Entry {
            key: object.key.clone(),
            size: object.size,
            tag: tag.clone(),
            schema,
            format: sample.format,
            compression: sample.compression,
            records: sample.records,
            record_bytes: sample.record_bytes,
            bad_lines: sample.bad_lines.clone(),
        });
    }

    /// Writes the state (temp file, then rename: an interrupted run leaves the old one).
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let error = |source| StateError {
            path: path.to_owned(),
            source,
        };
        let bytes = serde_json::to_vec(&self.file).expect("state serialises");
        crate::storage::write::write_atomically(path, &bytes).map_err(error)
    }
}
