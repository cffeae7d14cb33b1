//! I7, the state cache (`--state-file`): what each object's sample said, keyed by the object's
//! size and change tag (S3 ETag, local modification time), so that a re-crawl reads only the
//! objects that are new or changed and an unchanged root costs nothing but its listing.
//!
//! One file serves every root of a run (and of other runs): a section per root, read once at
//! the start and written once at the end, so that tables crawled concurrently never race for it.
//! The file is a cache, not a record: a missing, unreadable or mismatched one (other sampling
//! settings, another format version) is ignored and rewritten, never an error; the sections of
//! roots a run did not crawl, or failed to, are kept as they were.
//!
//! An object's entry keeps `--explain`'s notes when the run that sampled it made them. An
//! `--explain` run reads again a text object whose entry has none (an older file, or a run
//! without `--explain`), so what it explains never depends on the state file; the notes then
//! stay in the file for later runs, with or without `--explain`, until the object changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::explain::Provenance;
use super::sample::{ObjectSample, ObjectSchema};
use crate::storage::kind::Compression;
use crate::storage::kind::Format;
use crate::storage::ObjectMeta;

const VERSION: u32 = 2;

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
    roots: Vec<RootState>,
}

#[derive(Clone, Serialize, Deserialize)]
struct RootState {
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
    /// `--explain`'s notes, when the run that sampled the object made them (files written
    /// before `--explain` existed have none, which reads as such).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provenance: Option<Provenance>,
}

/// The samples of the previous run, by key.
#[derive(Default)]
pub struct Cached {
    schemas: Vec<ObjectSchema>,
    objects: HashMap<String, Entry>,
}

/// What a root's samples depend on besides the objects: a section taken with other settings is
/// not used.
pub fn settings(limits: &super::SampleLimits) -> String {
    format!("{limits:?}")
}

/// The state file as the run found it.
#[derive(Default)]
pub struct Previous {
    roots: Vec<RootState>,
}

impl Previous {
    /// Reads the file; a missing, unreadable or other-version one is an empty state.
    pub fn load(path: &Path) -> Previous {
        let Ok(bytes) = std::fs::read(path) else {
            return Previous::default();
        };
        match serde_json::from_slice::<StateFile>(&bytes) {
            Ok(file) if file.version == VERSION => Previous { roots: file.roots },
            Ok(_) => Previous::default(),
            Err(e) => {
                tracing::warn!("ignoring the state file {}: {e}", path.display());
                Previous::default()
            }
        }
    }

    /// The samples of `root` taken with `settings`; anything else yields an empty cache.
    pub fn cached(&self, root: &str, settings: &str) -> Cached {
        let Some(state) = self
            .roots
            .iter()
            .find(|r| r.root == root && r.settings == settings)
        else {
            return Cached::default();
        };
        Cached {
            schemas: state.schemas.clone(),
            objects: state
                .objects
                .iter()
                .map(|e| (e.key.clone(), e.clone()))
                .collect(),
        }
    }

    /// Writes this run's roots over their old sections and keeps the others (temp file, then
    /// rename: an interrupted run leaves the old file).
    pub fn save(self, path: &Path, recorded: Vec<Recorder>) -> Result<(), StateError> {
        let mut roots: Vec<RootState> = recorded.into_iter().map(|r| r.state).collect();
        let kept: Vec<RootState> = self
            .roots
            .into_iter()
            .filter(|old| !roots.iter().any(|new| new.root == old.root))
            .collect();
        roots.extend(kept);
        roots.sort_by(|a, b| a.root.cmp(&b.root));
        let file = StateFile {
            version: VERSION,
            roots,
        };
        let bytes = serde_json::to_vec(&file).expect("state serialises");
        crate::storage::write::write_atomically(path, &bytes).map_err(|source| StateError {
            path: path.to_owned(),
            source,
        })
    }
}

impl Cached {
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
            provenance: entry.provenance.clone(),
        })
    }
}

/// The state of one root being built during this run: every object sampled or reused, in key
/// order.
pub struct Recorder {
    state: RootState,
    interned: HashMap<String, usize>,
}

impl Recorder {
    pub fn new(root: &str, settings: &str) -> Recorder {
        Recorder {
            state: RootState {
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
        let next = self.state.schemas.len();
        let schema = *self.interned.entry(text).or_insert(next);
        if schema == next {
            self.state.schemas.push(sample.schema.clone());
        }
        self.state.objects.push(Entry {
            key: object.key.clone(),
            size: object.size,
            tag: tag.clone(),
            schema,
            format: sample.format,
            compression: sample.compression,
            records: sample.records,
            record_bytes: sample.record_bytes,
            bad_lines: sample.bad_lines.clone(),
            provenance: sample.provenance.clone(),
        });
    }
}
