//! Stage 1: list the table root one level at a time, concurrently over sub-prefixes, drop what
//! is not data (P5), and read partitions from the directory components (P1–P4, P6, P7).

use std::collections::BTreeMap;

use crate::catalog::hive_path;
use crate::storage::{discover, Budget, ObjectMeta, StorageError, Store};

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Pattern(#[from] discover::PatternError),
    #[error(
        "{first} and {second} have different partition layouts ({first_layout} vs {second_layout})"
    )]
    Layout {
        first: String,
        second: String,
        first_layout: String,
        second_layout: String,
    },
    #[error("{first} and {second} are the same partition ({values}) spelled differently")]
    SameValues {
        first: String,
        second: String,
        values: String,
    },
}

impl DiscoverError {
    pub fn code(&self) -> Option<super::ErrorCode> {
        match self {
            DiscoverError::Layout { .. } | DiscoverError::SameValues { .. } => {
                Some(super::ErrorCode::PartitionLayout)
            }
            DiscoverError::Storage(_) | DiscoverError::Pattern(_) => None,
        }
    }
}

/// A table format whose data files are not the table: a log or a metadata tree says which of
/// them are live, so crawling them as plain Parquet would bring deleted and replaced rows back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpenTableFormat {
    Iceberg,
    Delta,
    Hudi,
}

impl OpenTableFormat {
    /// The name with its article, for a sentence: "an Apache Iceberg".
    pub fn a_name(self) -> &'static str {
        match self {
            OpenTableFormat::Iceberg => "an Apache Iceberg",
            OpenTableFormat::Delta => "a Delta Lake",
            OpenTableFormat::Hudi => "an Apache Hudi",
        }
    }
}

/// An open table format found at a table root, and the key that gives it away.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OpenTable {
    pub format: OpenTableFormat,
    pub marker: String,
    /// With `--open-tables register`: the metadata file or commit the table was registered from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered: Option<String>,
}

/// Whether the root holds an open table format's own layout: `_delta_log/` (Delta Lake),
/// `.hoodie/` (Hudi), or `metadata/` with `*.metadata.json` files (Iceberg). The shared lister
/// never descends into hidden folders, so each folder is asked for by name: a request each,
/// whatever the size of the root (listing the root's level would page through a flat root
/// twice), and Iceberg's metadata pages only until a metadata file turns up.
pub async fn open_table(store: &Store) -> Result<Option<OpenTable>, StorageError> {
    let found = |format, marker: &str| {
        Some(OpenTable {
            format,
            marker: marker.to_owned(),
            registered: None,
        })
    };
    if store.has_folder("_delta_log/").await? {
        return Ok(found(OpenTableFormat::Delta, "_delta_log/"));
    }
    if store.has_folder(".hoodie/").await? {
        return Ok(found(OpenTableFormat::Hudi, ".hoodie/"));
    }
    if !store.has_folder("metadata/").await? {
        return Ok(None);
    }
    let mut first: Option<String> = None;
    store
        .list_level_pages("metadata/", |page| {
            first = page
                .into_iter()
                .map(|o| o.key)
                .filter(|key| key.ends_with(".metadata.json"))
                .min();
            std::future::ready(first.is_none())
        })
        .await?;
    Ok(first.and_then(|file| found(OpenTableFormat::Iceberg, &file)))
}

/// P5: hidden names and folder markers are never data (the rule every command shares); nor,
/// for a crawl, is an empty object, which has no schema to sample.
pub(super) fn ignored_object(object: &ObjectMeta) -> bool {
    object.size == 0 || discover::never_data(&object.key)
}

#[derive(Debug, Default)]
pub struct Listing {
    /// Data objects in key order.
    pub objects: Vec<ObjectMeta>,
    pub listed: u64,
    pub ignored: u64,
}

/// Lists everything under the root through the shared lister (`storage::discover::list_tree`),
/// within the run's request budget, keeping data objects the filter admits.
pub async fn list(
    store: &Store,
    filter: &discover::KeyFilter,
    budget: &Budget,
) -> Result<Listing, DiscoverError> {
    let mut objects = Vec::new();
    let mut levels = discover::list_tree(store, budget);
    while let Some(level) = levels.recv().await {
        objects.extend(level?);
    }
    Ok(Listing::of(objects, filter))
}

impl Listing {
    /// The data objects among `objects` that the filter admits, in key order.
    pub fn of(objects: Vec<ObjectMeta>, filter: &discover::KeyFilter) -> Listing {
        let mut listing = Listing::default();
        for object in objects {
            listing.listed += 1;
            if ignored_object(&object) || !filter.admits(&object.key) {
                listing.ignored += 1;
            } else {
                listing.objects.push(object);
            }
        }
        listing.objects.sort_by(|a, b| a.key.cmp(&b.key));
        listing
    }
}

/// One partition: its values in key order (P7) and its raw prefix under the root (P6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionPath {
    pub values: Vec<String>,
    /// `year=2024/month=01/`, as in the object keys.
    pub prefix: String,
}

#[derive(Debug, Default)]
pub struct Layout {
    pub keys: Vec<String>,
    /// Partitions in value order, each with the indexes of its objects in the listing.
    pub partitions: BTreeMap<Vec<String>, (PartitionPath, Vec<usize>)>,
    /// Objects left out by `--skip-mismatched`, with the reason.
    pub skipped: Vec<(String, String)>,
}

fn parse_path(key: &str) -> (Vec<String>, PartitionPath) {
    let components: Vec<&str> = key.split('/').collect();
    let dirs = &components[..components.len() - 1];
    let mut keys = Vec::with_capacity(dirs.len());
    let mut values = Vec::with_capacity(dirs.len());
    for (level, component) in dirs.iter().enumerate() {
        let (k, v) = hive_path::parse_component(component, level);
        keys.push(k);
        values.push(v);
    }
    let prefix = dirs.iter().map(|d| format!("{d}/")).collect();
    (keys, PartitionPath { values, prefix })
}

fn describe_keys(keys: &[String]) -> String {
    if keys.is_empty() {
        "no partitions".to_owned()
    } else {
        keys.join("/")
    }
}

/// P1–P4 over the listing. With `skip_mismatched`, objects whose layout differs from the most
/// common one (ties: the first in key order) are left out and reported instead of failing.
pub fn partitions(
    store: &Store,
    objects: &[ObjectMeta],
    skip_mismatched: bool,
) -> Result<Layout, DiscoverError> {
    let parsed: Vec<(Vec<String>, PartitionPath)> =
        objects.iter().map(|o| parse_path(&o.key)).collect();
    let mut layout = Layout::default();
    let Some((first_keys, _)) = parsed.first() else {
        return Ok(layout);
    };
    let expected: Vec<String> = if skip_mismatched {
        let mut counts: Vec<(&Vec<String>, usize)> = Vec::new();
        for (keys, _) in &parsed {
            match counts.iter_mut().find(|(k, _)| *k == keys) {
                Some((_, n)) => *n += 1,
                None => counts.push((keys, 1)),
            }
        }
        let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
        counts
            .iter()
            .find(|(_, n)| *n == best)
            .map(|(k, _)| (*k).clone())
            .unwrap_or_default()
    } else {
        first_keys.clone()
    };
    let first_with = |keys: &Vec<String>| {
        parsed
            .iter()
            .position(|(k, _)| k == keys)
            .map(|i| store.url(&objects[i].key))
            .unwrap_or_default()
    };
    for (index, (keys, path)) in parsed.iter().enumerate() {
        if *keys != expected {
            if skip_mismatched {
                layout.skipped.push((
                    store.url(&objects[index].key),
                    format!(
                        "partition layout {} instead of {}",
                        describe_keys(keys),
                        describe_keys(&expected)
                    ),
                ));
                continue;
            }
            return Err(DiscoverError::Layout {
                first: first_with(&expected),
                second: store.url(&objects[index].key),
                first_layout: describe_keys(&expected),
                second_layout: describe_keys(keys),
            });
        }
        let entry = layout
            .partitions
            .entry(path.values.clone())
            .or_insert_with(|| (path.clone(), Vec::new()));
        if entry.0.prefix != path.prefix {
            return Err(DiscoverError::SameValues {
                first: store.url(&entry.0.prefix),
                second: store.url(&path.prefix),
                values: path.values.join("/"),
            });
        }
        entry.1.push(index);
    }
    layout.keys = expected;
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(key: &str, size: u64) -> ObjectMeta {
        ObjectMeta {
            key: key.to_owned(),
            size,
            tag: None,
        }
    }

    fn objects(keys: &[&str]) -> Vec<ObjectMeta> {
        keys.iter().map(|k| object(k, 10)).collect()
    }

    fn layout_of(keys: &[&str]) -> Result<Layout, DiscoverError> {
        partitions(&Store::local("/lake"), &objects(keys), false)
    }

    /// The partition table of specs/crawl.md (c), row by row.
    #[test]
    fn spec_partition_table() {
        let l = layout_of(
            &["iot/year=2024/month=01/day=01/hour=00/a.json.gz"]
                .map(|k| k.strip_prefix("iot/").unwrap()),
        )
        .unwrap();
        assert_eq!(l.keys, ["year", "month", "day", "hour"]);
        assert_eq!(
            l.partitions.keys().next().unwrap(),
            &["2024", "01", "01", "00"]
        );

        let l = layout_of(&["2024/01/01/00/f-1.gz"]).unwrap();
        assert_eq!(
            l.keys,
            ["partition_0", "partition_1", "partition_2", "partition_3"]
        );
        assert_eq!(
            l.partitions.keys().next().unwrap(),
            &["2024", "01", "01", "00"]
        );

        let l = layout_of(&["2024/region=eu/x.json"]).unwrap();
        assert_eq!(l.keys, ["partition_0", "region"]);
        assert_eq!(l.partitions.keys().next().unwrap(), &["2024", "eu"]);

        let l = layout_of(&["Dt=2024-01-01%2000%3A00/x.json"]).unwrap();
        assert_eq!(l.keys, ["dt"]);
        let (path, _) = l.partitions.values().next().unwrap();
        assert_eq!(path.values, ["2024-01-01 00:00"]);
        assert_eq!(
            path.prefix, "Dt=2024-01-01%2000%3A00/",
            "Location keeps the raw key"
        );

        for bad in [
            &["year=2024/month=01/y.json", "year=2024/x.json"][..],
            &["year=2024/mon=01/x", "year=2024/month=01/y"][..],
            &["x.json", "year=2024/y.json"][..],
        ] {
            let err = layout_of(bad).unwrap_err();
            assert_eq!(err.code(), Some(crate::crawl::ErrorCode::PartitionLayout));
            let err = err.to_string();
            let first = format!("file:///lake/{}", bad[0]);
            let second = format!("file:///lake/{}", bad[1]);
            assert!(
                err.contains(&first) && err.contains(&second),
                "names both: {err}"
            );
        }
    }

    #[test]
    fn ignored_keys() {
        for key in [
            "year=2024/_SUCCESS",
            "year=2024/_temporary/0/p",
            "year=2024/.hive-staging/x",
            "year=2024/x_$folder$",
            "year=2024/",
        ] {
            assert!(ignored_object(&object(key, 5)), "{key}");
        }
        assert!(ignored_object(&object("year=2024/empty.json", 0)));
        assert!(!ignored_object(&object("year=2024/a.json", 5)));
    }

    #[test]
    fn empty_values_and_hive_default() {
        let l = layout_of(&["k=/a.json"]).unwrap();
        assert_eq!(
            l.partitions.keys().next().unwrap(),
            &[hive_path::DEFAULT_PARTITION]
        );
    }

    #[test]
    fn values_compare_as_exact_strings() {
        let l = layout_of(&["month=1/a.json", "month=01/b.json"]).unwrap();
        assert_eq!(
            l.partitions.len(),
            2,
            "month=1 and month=01 are different partitions"
        );
    }

    #[test]
    fn skip_mismatched_keeps_the_majority_layout() {
        let l = partitions(
            &Store::local("/lake"),
            &objects(&["a.json", "year=2024/b.json", "year=2025/c.json"]),
            true,
        )
        .unwrap();
        assert_eq!(l.keys, ["year"]);
        assert_eq!(l.skipped.len(), 1);
        assert!(l.skipped[0].0.ends_with("/a.json"));
    }
}
