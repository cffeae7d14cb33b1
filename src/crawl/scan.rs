//! Stages 1–3 for one table root, before the catalog is consulted: list (`discover`), sample
//! objects in windows (`sample`, from the state cache where unchanged), merge in key order
//! (`infer`) and shape the table (`table`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::explain::{self, Explain};
use super::table::partition_key_columns;
use super::{
    discover, infer, plan, sample, state, table, CrawlError, CrawlOptions, DiscoverError,
    PartitionSchema, Rejected, SampleError, SampleLimits, Warning, WarningCode,
};
use crate::progress::Progress;
use crate::storage::discover::KeyFilter;
use crate::storage::kind::Format;
use crate::storage::{Budget, ObjectMeta, Store};

/// What sampling found, before the catalog is consulted.
pub(super) struct Scan {
    pub(super) desired: Option<plan::Desired>,
    pub(super) format: Option<Format>,
    pub(super) compression: Option<String>,
    pub(super) partitions: usize,
    pub(super) listed: u64,
    pub(super) ignored: u64,
    pub(super) sampled: u64,
    pub(super) reused: u64,
    pub(super) bytes_stored: u64,
    pub(super) records: u64,
    pub(super) warnings: Vec<Warning>,
    pub(super) rejected: Vec<Rejected>,
    /// `--explain`: the columns', then the partition keys', provenance.
    pub(super) explain: Vec<Explain>,
    /// This root's samples for `--state-file`, written once the run is over.
    pub(super) recorded: Option<state::Recorder>,
}

/// What a table's scan starts from, besides its store and options.
pub(super) struct Start<'a> {
    /// The table's objects when a lake's listing already holds them; else the scan lists.
    pub(super) listing: Option<discover::Listing>,
    pub(super) cached: &'a state::Cached,
    pub(super) budget: &'a Budget,
}

/// Objects sampled per window: the window's results are merged in key order before the next
/// starts, which bounds memory on 100,000-object roots while keeping `concurrency` reads busy.
const WINDOW_PER_TASK: usize = 8;

/// Per-partition accumulation while samples arrive in key order.
#[derive(Default)]
struct PartitionAcc {
    objects: u64,
    bytes: u64,
    merger: infer::Merger,
    /// Top-level column names of its objects, for the split diagnostic.
    columns: BTreeSet<String>,
}

pub(super) async fn scan(
    store: &Store,
    options: &CrawlOptions,
    start: Start<'_>,
    progress: &dyn Progress,
) -> Result<Scan, CrawlError> {
    let Start {
        listing,
        cached,
        budget,
    } = start;
    let listing = match listing {
        Some(listing) => listing,
        None => {
            let filter =
                KeyFilter::new(&options.include, &options.exclude).map_err(DiscoverError::from)?;
            discover::list(store, &filter, budget).await?
        }
    };
    tracing::info!(
        "listed {} objects under {} ({} ignored)",
        listing.listed,
        store.root_url(),
        listing.ignored
    );
    let layout = discover::partitions(store, &listing.objects, options.skip_mismatched)?;
    let mut warnings: Vec<Warning> = layout
        .skipped
        .iter()
        .map(|(url, why)| Warning::new(WarningCode::SkippedMismatched, format!("{url}: {why}")))
        .collect();
    let mut rejected = Vec::new();

    // Objects in key order with the partition each belongs to.
    let mut members: Vec<(usize, Vec<String>)> = layout
        .partitions
        .iter()
        .flat_map(|(values, (_, indexes))| indexes.iter().map(move |i| (*i, values.clone())))
        .collect();
    members.sort_by_key(|(i, _)| *i);
    let bytes_stored: u64 = members.iter().map(|(i, _)| listing.objects[*i].size).sum();
    progress.start("sampling", Some(bytes_stored));

    let mut table_merger = infer::Merger::default();
    let mut tracker = options.explain.then(explain::Tracker::default);
    let mut partitions: BTreeMap<Vec<String>, PartitionAcc> = BTreeMap::new();
    let own = options.partition_schema == PartitionSchema::Own;
    let limits = Arc::new(options.limits.clone());
    let mut sampled = 0u64;
    let mut reused = 0u64;
    let mut recorder = options
        .state_file
        .as_ref()
        .map(|_| state::Recorder::new(&store.root_url(), &state::settings(&options.limits)));
    let window = options.concurrency.max(1) * WINDOW_PER_TASK;
    for batch in members.chunks(window) {
        let sampling = Sampling {
            limits: &limits,
            budget,
            cached,
            explain: options.explain,
        };
        let results = sample_window(store, &listing.objects, batch, &sampling).await;
        for ((index, values), (result, from_cache)) in batch.iter().zip(results) {
            let object = &listing.objects[*index];
            let url = store.url(&object.key);
            progress.advance(object.size);
            let acc = partitions.entry(values.clone()).or_default();
            acc.objects += 1;
            acc.bytes += object.size;
            let sample = match result {
                Ok(sample) => sample,
                Err(
                    e @ (SampleError::NotJsonLines { .. }
                    | SampleError::UnsupportedParquetType { .. }),
                ) => return Err(e.into()),
                Err(e) => {
                    rejected.push(Rejected {
                        url,
                        line: None,
                        error: crate::error::chain_text(&e),
                    });
                    continue;
                }
            };
            if from_cache {
                reused += 1;
            } else {
                sampled += 1;
            }
            if let Some(recorder) = &mut recorder {
                recorder.record(object, &sample);
            }
            for (line, error) in &sample.bad_lines {
                rejected.push(Rejected {
                    url: url.clone(),
                    line: Some(*line),
                    error: error.clone(),
                });
            }
            acc.columns.extend(sample.column_names());
            if own {
                acc.merger.add(&url, sample.clone(), &options.overrides)?;
            } else {
                // Only the statistics are needed per partition.
                acc.merger.add_stats(&sample);
            }
            if let Some(tracker) = &mut tracker {
                tracker.add(&url, &sample);
            }
            table_merger.add(&url, sample, &options.overrides)?;
        }
    }
    progress.finish();
    tracing::info!(
        "sampled {sampled} objects ({reused} unchanged since the state file), {} bytes read",
        store.bytes_read()
    );

    let location = store.root_url();
    if table_merger.is_empty() {
        if !members.is_empty() {
            return Err(CrawlError::NothingReadable {
                objects: members.len(),
                location,
            });
        }
        return Ok(Scan {
            desired: None,
            format: None,
            compression: None,
            partitions: 0,
            listed: listing.listed,
            ignored: listing.ignored,
            sampled,
            reused,
            bytes_stored,
            records: 0,
            warnings,
            rejected,
            explain: Vec::new(),
            recorded: recorder,
        });
    }
    let inferred = table_merger
        .finish(options.sanitize_names, &options.overrides, &mut warnings)
        .expect("a merger with samples yields a schema");
    if inferred.columns.is_empty() {
        return Err(CrawlError::NoColumns { location });
    }
    if own && inferred.format != Format::Parquet {
        return Err(CrawlError::OwnNeedsParquet {
            location,
            format: inferred.format.name(),
        });
    }
    let total = table::Stats {
        objects: members.len() as u64,
        bytes: bytes_stored,
        records: inferred.records,
        average_record_size: inferred.average_record_size,
    };
    warnings.extend(split_diagnostic(&layout, &partitions));
    let keys = partition_key_columns(&layout, &options.partition_types)?;
    let table = table::table(&options.table, &location, &inferred, &keys, total);
    let mut explained = Vec::new();
    if let Some(tracker) = tracker {
        explained = tracker.finish(
            &inferred.columns,
            inferred.format == Format::Csv,
            options.sanitize_names,
            &options.overrides,
        );
        explained.extend(explain::partition_keys(
            store,
            &layout,
            &keys,
            &options.partition_types,
        ));
    }
    let mut wanted = Vec::new();
    if !layout.keys.is_empty() {
        for (values, (path, _)) in &layout.partitions {
            let Some(acc) = partitions.remove(values) else {
                continue;
            };
            let (records, average) = acc.merger.record_stats();
            let own_columns = if own {
                acc.merger
                    .finish(options.sanitize_names, &options.overrides, &mut Vec::new())
                    .map(|i| table::columns(&i))
            } else {
                None
            };
            wanted.push(plan::WantedPartition {
                values: values.clone(),
                location: store.url(&path.prefix),
                stats: table::Stats {
                    objects: acc.objects,
                    bytes: acc.bytes,
                    records,
                    average_record_size: average,
                },
                own_columns,
            });
        }
    }
    let locations: Vec<String> = wanted.iter().map(|p| p.location.clone()).collect();
    table::check_limits(&table, &locations)?;
    Ok(Scan {
        format: Some(inferred.format),
        compression: Some(inferred.compression.clone()),
        partitions: wanted.len(),
        listed: listing.listed,
        ignored: listing.ignored,
        sampled,
        reused,
        bytes_stored,
        records: inferred.records,
        desired: Some(plan::Desired {
            partition_parameters: table::data_parameters(&inferred),
            table,
            partitions: wanted,
            strict_types: inferred.format == Format::Parquet,
            pinned: options.overrides.keys().cloned().collect(),
        }),
        warnings,
        rejected,
        explain: explained,
        recorded: recorder,
    })
}

/// How a window's objects are sampled.
struct Sampling<'a> {
    limits: &'a Arc<SampleLimits>,
    budget: &'a Budget,
    cached: &'a state::Cached,
    /// `--explain`: text samples carry their provenance.
    explain: bool,
}

/// Samples a window of objects, as many at a time as `budget` allows; results in the window's order,
/// each marked whether it came from the state cache instead of a read.
async fn sample_window(
    store: &Store,
    objects: &[ObjectMeta],
    batch: &[(usize, Vec<String>)],
    sampling: &Sampling<'_>,
) -> Vec<(Result<sample::ObjectSample, SampleError>, bool)> {
    let Sampling {
        limits,
        budget,
        cached,
        explain,
    } = *sampling;
    enum Pending {
        Cached(Box<sample::ObjectSample>),
        Reading(tokio::task::JoinHandle<Result<sample::ObjectSample, SampleError>>),
    }
    let pending: Vec<Pending> = batch
        .iter()
        .map(|(index, _)| {
            let object = objects[*index].clone();
            if let Some(sample) = cached.lookup(&object) {
                // A text sample remembered without --explain's notes is read again, so that
                // what --explain says never depends on the state file.
                let explained = sample.provenance.is_some() || sample.format == Format::Parquet;
                if !explain || explained {
                    return Pending::Cached(Box::new(sample));
                }
            }
            let store = store.clone();
            let limits = limits.clone();
            let budget = budget.clone();
            Pending::Reading(tokio::spawn(async move {
                let _permit = budget.permit().await;
                sample::sample_object(&store, &object, &limits, explain).await
            }))
        })
        .collect();
    let mut results = Vec::with_capacity(pending.len());
    for item in pending {
        results.push(match item {
            Pending::Reading(handle) => (handle.await.expect("sampling tasks do not panic"), false),
            Pending::Cached(sample) => (Ok(*sample), true),
        });
    }
    results
}

/// The two partitions a Glue crawler would most likely have put in separate tables, when their
/// column sets are less than 70% alike; lakeops keeps one table and merges their columns.
fn split_diagnostic(
    layout: &discover::Layout,
    partitions: &BTreeMap<Vec<String>, PartitionAcc>,
) -> Option<Warning> {
    let sampled: Vec<(&str, &BTreeSet<String>)> = layout
        .partitions
        .iter()
        .filter_map(|(values, (path, _))| {
            let acc = partitions.get(values)?;
            (!acc.columns.is_empty()).then_some((path.prefix.as_str(), &acc.columns))
        })
        .collect();
    let sets: Vec<&BTreeSet<String>> = sampled.iter().map(|(_, set)| *set).collect();
    let pair = infer::similarity::least_similar(&sets)?;
    Some(Warning::new(
        WarningCode::DissimilarPartitions,
        format!(
            "partitions {} and {} share {} of {} columns (Jaccard similarity {:.2}, below {}): \
             a Glue crawler would likely have made separate tables of them; lakeops keeps one \
             table with the columns of both",
            sampled[pair.first].0,
            sampled[pair.second].0,
            pair.shared,
            pair.total,
            pair.similarity(),
            infer::similarity::SPLIT_BELOW,
        ),
    ))
}
