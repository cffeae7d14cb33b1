//! Stage 0 of a lake crawl (`--discover-tables`): which prefixes under a root are tables, and
//! what they are called (specs/crawl.md (c)). One listing of the root serves both the choice of
//! level and every table's scan, so that a lake costs its tables' listings and nothing more.

use std::collections::BTreeMap;

use serde::Serialize;

use super::discover::{self, Listing};
use super::table::table_name_for_root;
use super::{CrawlError, DiscoverError};
use crate::catalog::hive_path;
use crate::storage::discover::{list_tree, KeyFilter};
use crate::storage::{Budget, ObjectMeta, Store};

/// One table of a run: its name, its root, and its objects when a lake's listing holds them.
pub struct Target {
    pub table: String,
    pub store: Store,
    pub(super) listing: Option<Listing>,
}

impl Target {
    /// A table root given by name: its scan lists it.
    pub fn new(table: String, store: Store) -> Target {
        Target {
            table,
            store,
            listing: None,
        }
    }
}

/// Where the tables under a lake root were found, for the plan.
#[derive(Clone, Debug, Serialize)]
pub struct TableLevel {
    pub root: String,
    /// Counted as Glue's TableLevelConfiguration counts: 1 is the first folder under the bucket.
    pub level: usize,
    /// Picked by lakeops, not given with `--table-level`: the shallowest consistent level.
    pub chosen: bool,
    /// Why each shallower level was passed over.
    pub passed_over: Vec<String>,
    /// Data objects above the table level, which belong to no table.
    pub outside: Vec<String>,
    /// Requests the lake's listing made (each table's scan counts its own).
    pub requests: u64,
}

/// The tables under a lake root.
pub struct Lake {
    pub level: TableLevel,
    pub targets: Vec<Target>,
}

#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    #[error("--table-level {level} is not below {root}, which is at level {root_level}")]
    LevelNotBelowRoot {
        level: usize,
        root: String,
        root_level: usize,
    },
    #[error(
        "no level under {root} has a consistent partition layout in every prefix ({}); give \
         --table-level, or crawl the roots one by one",
        reasons.join("; ")
    )]
    NoConsistentLevel { root: String, reasons: Vec<String> },
    #[error("no data objects under {root} at table level {level}")]
    NoTables { root: String, level: usize },
    #[error(
        "{folder} cannot name a table (an empty or unusable folder name); crawl it with --table"
    )]
    Unnameable { folder: String },
    #[error(
        "{first} and {second} would both be table {name}; rename a folder, or crawl them \
         separately with --table"
    )]
    NameClash {
        name: String,
        first: String,
        second: String,
    },
}

impl TablesError {
    pub fn code(&self) -> super::ErrorCode {
        match self {
            TablesError::NameClash { .. } | TablesError::Unnameable { .. } => {
                super::ErrorCode::NameClash
            }
            _ => super::ErrorCode::TableLevel,
        }
    }
}

/// Two targets may not make one table: the first pair that would, in name order.
pub fn check_names(targets: &[Target]) -> Result<(), TablesError> {
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for target in targets {
        let url = target.store.root_url();
        if let Some(first) = seen.insert(&target.table, url.clone()) {
            let (first, second) = if first <= url {
                (first, url)
            } else {
                (url, first)
            };
            return Err(TablesError::NameClash {
                name: target.table.clone(),
                first,
                second,
            });
        }
    }
    Ok(())
}

/// The tables under `store`'s root, which is at `root_level` (0 for a bucket or a local
/// directory): the folders at `level`, or without it the shallowest level at which every folder
/// is a table with a consistent partition layout. Never decided by what the data holds.
pub async fn discover(
    store: &Store,
    root_level: usize,
    level: Option<usize>,
    table_prefix: &str,
    filter: &KeyFilter,
    budget: &Budget,
) -> Result<Lake, CrawlError> {
    let root = store.root_url();
    let mut objects = Vec::new();
    let mut pages = list_tree(store, budget);
    while let Some(page) = pages.recv().await {
        objects.extend(page.map_err(DiscoverError::from)?);
    }
    objects.sort_by(|a, b| a.key.cmp(&b.key));
    let (depth, passed_over) = match level {
        Some(level) if level <= root_level => {
            return Err(TablesError::LevelNotBelowRoot {
                level,
                root,
                root_level,
            }
            .into())
        }
        Some(level) => (level - root_level, Vec::new()),
        None => shallowest_consistent(store, &objects, filter, root_level)?,
    };
    let (folders, outside) = split(objects, depth);
    if folders.is_empty() {
        return Err(TablesError::NoTables {
            root,
            level: root_level + depth,
        }
        .into());
    }
    let mut targets = Vec::with_capacity(folders.len());
    for (folder, objects) in folders {
        let name = last_component(&folder);
        if table_name_for_root("", name).is_empty() {
            return Err(TablesError::Unnameable {
                folder: store.url(&folder),
            }
            .into());
        }
        targets.push(Target {
            table: table_name_for_root(table_prefix, name),
            store: store.folder(&folder),
            listing: Some(Listing::of(objects, filter)),
        });
    }
    Ok(Lake {
        level: TableLevel {
            root,
            level: root_level + depth,
            chosen: level.is_none(),
            passed_over,
            outside: outside.iter().map(|key| store.url(key)).collect(),
            requests: store.requests(),
        },
        targets,
    })
}

/// The folder's own name: `a//` is the folder with an empty name inside `a/`, not `a`.
fn last_component(folder: &str) -> &str {
    let folder = folder.strip_suffix('/').unwrap_or(folder);
    folder.rsplit('/').next().unwrap_or_default()
}

/// The folders `depth` levels down that hold data, each with its objects (keys relative to the
/// folder, ignored ones too, for its counts), and the data objects above them.
fn split(
    objects: Vec<ObjectMeta>,
    depth: usize,
) -> (BTreeMap<String, Vec<ObjectMeta>>, Vec<String>) {
    let mut folders: BTreeMap<String, Vec<ObjectMeta>> = BTreeMap::new();
    let mut outside = Vec::new();
    for object in objects {
        let Some(cut) = object
            .key
            .match_indices('/')
            .nth(depth - 1)
            .map(|(i, _)| i + 1)
        else {
            if !discover::ignored_object(&object) {
                outside.push(object.key);
            }
            continue;
        };
        let folder = object.key[..cut].to_owned();
        let key = object.key[cut..].to_owned();
        folders
            .entry(folder)
            .or_default()
            .push(ObjectMeta { key, ..object });
    }
    folders.retain(|_, objects| objects.iter().any(|o| !discover::ignored_object(o)));
    (folders, outside)
}

/// The shallowest depth below the root at which every folder holding data is a table: not
/// itself a `key=value` partition, and either an Iceberg table's tree or objects with one
/// partition layout. Returns it with the reason each shallower depth failed.
fn shallowest_consistent(
    store: &Store,
    objects: &[ObjectMeta],
    filter: &KeyFilter,
    root_level: usize,
) -> Result<(usize, Vec<String>), TablesError> {
    let deepest = objects
        .iter()
        .filter(|o| !discover::ignored_object(o))
        .map(|o| o.key.matches('/').count())
        .max()
        .unwrap_or(0);
    let mut reasons = Vec::new();
    for depth in 1..=deepest {
        let (folders, _) = split(objects.to_vec(), depth);
        let why_not = folders
            .into_iter()
            .find_map(|(folder, objects)| inconsistent(store, &folder, objects, filter));
        match why_not {
            None => return Ok((depth, reasons)),
            Some(why) => reasons.push(format!("level {}: {why}", root_level + depth)),
        }
    }
    Err(TablesError::NoConsistentLevel {
        root: store.root_url(),
        reasons,
    })
}

/// Why `folder` is not a table with a consistent layout, or `None` when it is.
fn inconsistent(
    store: &Store,
    folder: &str,
    objects: Vec<ObjectMeta>,
    filter: &KeyFilter,
) -> Option<String> {
    if hive_path::is_named(last_component(folder)) {
        return Some(format!("{} is a partition, not a table", store.url(folder)));
    }
    let iceberg = objects.iter().any(|o| {
        o.key
            .strip_prefix("metadata/")
            .is_some_and(|name| !name.contains('/') && name.ends_with(".metadata.json"))
    });
    if iceberg {
        return None;
    }
    let listing = Listing::of(objects, filter);
    discover::partitions(&store.folder(folder), &listing.objects, false)
        .err()
        .map(|e| e.to_string())
}
