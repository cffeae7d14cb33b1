//! `convert`: JSON lines (zstd, gzip or plain) to Parquet, streaming.
//!
//! Stages, one file each: [`prepare`] (the schema from [`sample`], this process's inputs and
//! their outputs from [`plan`], what the [`manifest`] says is done) → [`pipeline`], one input at a
//! time: [`source`] (open and decompress, `text::lines` cuts chunks of whole lines) → [`batch`]
//! (parse and check each line against the schema, build Arrow columns) → [`sink`] (Parquet parts
//! and dead-letter file, published when complete) → [`manifest`] (the input recorded as done) →
//! [`report`]. This file holds the options and [`run`], which wires the stages to threads.
//!
//! Threads: one reader per input in flight decompresses and splits; a pool of `threads` workers
//! parses chunks; the input's writer takes the parsed chunks back in order, so output is
//! byte-identical from run to run. Memory is bounded by `chunk_bytes × queue depth` plus one row
//! group per open writer, whatever the input size.

pub mod batch;
pub mod manifest;
mod pipeline;
pub mod plan;
mod prepare;
mod report;
pub mod sample;
pub mod sink;
pub mod source;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use crate::progress::Progress;
use crate::schema::Field;
use crate::storage::discover::Order;
use crate::storage::write::StaleUploads;
use batch::BatchContext;
use manifest::record_done;
use pipeline::{convert_input, parse_worker, Job};
#[cfg(test)]
use plan::ResolvedInput;
pub use plan::{resolve_inputs, Listing, OutputRoot, Planned, PlannedInput, Planner, Selection};
pub use prepare::{prepare, resolve_schema};
use prepare::{settle, Resume, Settings};
use report::summarize;
pub use report::{ConvertReport, FileReport};
pub use sample::SampleRows;
use sink::EncoderSlots;
pub use sink::{Codec, Destination, OutputFile, RowGroupSize, WriterSettings};
use source::Input;

#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("{0}")]
    Options(String),
    #[error(transparent)]
    Pattern(#[from] crate::storage::discover::PatternError),
    #[error(transparent)]
    Discover(#[from] crate::storage::discover::DiscoverError),
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    /// A step of the run that failed: `what` says which, `source` why.
    #[error("{what}")]
    Step {
        what: &'static str,
        #[source]
        source: crate::error::BoxError,
    },
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A compressed input whose stream broke (C05): a gzip member's CRC or a zstd frame's
    /// checksum is what vouches for the text decoded before it, so none of it is kept.
    #[error("cannot read {path}: corrupt or truncated {codec} stream at line {line} of its text; none of its rows are kept, as the checksum that vouches for them failed")]
    Corrupt {
        path: PathBuf,
        codec: &'static str,
        line: u64,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{file}:{line}: {reason}")]
    BadLine {
        file: String,
        line: u64,
        reason: String,
    },
    #[error("interrupted; outputs in progress were removed (S3 uploads aborted)")]
    Interrupted,
}

impl ConvertError {
    /// An input that cannot be read (or whose compressed stream broke): under `--on-error skip`
    /// or `dead-letter` it fails alone and the run goes on.
    fn is_unreadable_input(&self) -> bool {
        matches!(
            self,
            ConvertError::Read { .. } | ConvertError::Corrupt { .. }
        )
    }
}

/// What to do with a line that cannot become a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnError {
    /// Stop at the first bad line, remove the output in progress, exit 2.
    Fail,
    /// Count it and go on.
    Skip,
    /// Write it to `OUTPUT/_rejected/<stem>.jsonl` and go on.
    DeadLetter,
}

#[derive(Debug, Clone)]
pub enum SchemaSource {
    Infer(SampleRows),
    Pinned(Vec<Field>),
}

pub struct ConvertOptions {
    /// Every input the arguments name, as listed. A schema is inferred from all of them, so that
    /// every `--shard` writes the same schema.
    pub inputs: Listing,
    /// The ones this process converts (`--include`, `--exclude`, `--shard`).
    pub selection: Selection,
    pub output: OutputRoot,
    pub runtime: tokio::runtime::Handle,
    pub upload: crate::storage::UploadSettings,
    /// Inputs converted at the same time, each with its reader and writer.
    pub jobs: usize,
    /// Convert every input, even those the manifest says are done.
    pub overwrite: bool,
    pub schema: SchemaSource,
    pub on_error: OnError,
    pub writer: WriterSettings,
    pub threads: usize,
    /// Decompressed bytes per parse job.
    pub chunk_bytes: usize,
    /// Longest line taken (C11: a newline-free input must not be held whole in memory).
    pub max_line_bytes: usize,
    /// Set by the caller (Ctrl-C) to stop; temporary files are removed.
    pub cancel: Arc<AtomicBool>,
}

pub const DEFAULT_CHUNK_BYTES: usize = 2 << 20;

/// Inputs converted at the same time (each with its own reader and writer thread): two keep two
/// cores busy encoding; S3 runs gain from more.
pub const DEFAULT_JOBS: usize = 2;

/// What became of one input, with its place in the report order.
enum Outcome {
    Refused(plan::Refused),
    Skipped(String),
    /// The input's name, and how its conversion ended.
    Converted(String, Result<FileReport, ConvertError>),
}

/// Converts the inputs as they are listed: each folder of a directory or prefix is planned
/// (and checked against the folders before it) as its listing returns, and its inputs go to the
/// file workers through a queue a few inputs deep, so that the first conversions run while later
/// folders are still being listed, and the listing waits while the workers are busy. A schema
/// inferred from the inputs needs every one of them first: then the whole listing is sampled,
/// and planned, before the first conversion. Reports come back in report order (argument, then
/// key), whatever order the inputs were listed and converted in.
pub fn run(
    options: ConvertOptions,
    progress: &dyn Progress,
) -> Result<ConvertReport, ConvertError> {
    let started = Instant::now();
    let threads = options.threads.max(1);
    let Settings {
        fields,
        stdin,
        kind_conflicts,
        fingerprint,
    } = settle(&options, progress)?;
    let context = Arc::new(BatchContext::new(fields).max_line_bytes(options.max_line_bytes));
    let destination = Destination {
        store: options.output.store.clone(),
        runtime: options.runtime.clone(),
        upload: options.upload,
        // As many row groups encoding as inputs in flight or cores, whichever is more, so that
        // one input alone compresses on every core; rows waiting for them are bounded by one
        // row group's size over the whole run.
        encoders: EncoderSlots::new(
            threads.max(options.jobs),
            options.writer.row_group_size.queued_bytes(),
        )
        .map_err(|e| ConvertError::Step {
            what: "cannot start the encoder threads",
            source: e.into(),
        })?,
    };
    let resume = Resume::load(&options, &fingerprint)?;
    let mut stale =
        StaleUploads::list(&destination.store, &destination.runtime).map_err(cleaning)?;
    let state = options.output.state.clone();

    // The total grows as inputs are planned; stdin's size is unknown, and with it the total.
    progress.start("converting", (!options.inputs.has_stdin()).then_some(0));
    let (job_tx, job_rx) = mpsc::channel::<Job>();
    let job_rx = Mutex::new(job_rx);
    let jobs = options.jobs.max(1);
    let (work_tx, work_rx) = mpsc::sync_channel::<(Order, PlannedInput)>(jobs);
    let work_rx = Mutex::new(work_rx);
    let stop = AtomicBool::new(false);
    let stdin = Mutex::new(stdin);
    let outcomes: Mutex<Vec<(Order, Outcome)>> = Mutex::new(Vec::new());
    let fed = std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| parse_worker(&job_rx, &options.cancel, &stop));
        }
        // Each input's writer encodes and compresses on one thread, and holds one row group.
        let file_workers: Vec<_> = (0..jobs)
            .map(|_| {
                let job_tx = job_tx.clone();
                scope.spawn(|| {
                    let job_tx = job_tx;
                    loop {
                        let work = work_rx.lock().expect("no panics while held").recv();
                        let Ok((order, planned)) = work else { break };
                        // Drained, not converted, so that the feeder never waits on a full
                        // queue nobody takes from.
                        if stop.load(Ordering::Relaxed) {
                            continue;
                        }
                        let name = planned.input.display_name();
                        let opened = match planned.input {
                            Input::Stdin => stdin.lock().expect("no panics while held").take(),
                            Input::Path(_) | Input::Object(_) => None,
                        };
                        let outcome = convert_input(
                            &planned,
                            opened,
                            &context,
                            &options,
                            &destination,
                            &job_tx,
                            &stop,
                            progress,
                        )
                        .and_then(|report| {
                            if let Some(state) = &state {
                                record_done(state, &destination, &planned, &report, &fingerprint)?;
                            }
                            Ok(report)
                        });
                        let fatal = match &outcome {
                            Ok(_) => false,
                            Err(e) if e.is_unreadable_input() => options.on_error == OnError::Fail,
                            Err(_) => true,
                        };
                        outcomes
                            .lock()
                            .expect("no panics while held")
                            .push((order, Outcome::Converted(name, outcome)));
                        if fatal {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        drop(job_tx);
        let fed = feed(
            &options,
            &resume,
            &mut stale,
            &destination,
            work_tx,
            &outcomes,
            &stop,
            progress,
        );
        if fed.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        for worker in file_workers {
            let _ = worker.join();
        }
        stop.store(true, Ordering::Relaxed);
        fed
    });
    progress.finish();
    if stale.aborted > 0 {
        tracing::warn!(
            "aborted {} multipart upload(s) left by an earlier run",
            stale.aborted
        );
    }
    // A listing or plan error stopped the run: it is the run's error, and the inputs it stopped
    // in flight (published nothing, Interrupted) are not.
    fed?;

    let mut outcomes = outcomes.into_inner().expect("threads joined");
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    // Refused inputs first, as the plan turned them away; then report order.
    let (refused, planned): (Vec<_>, Vec<_>) = outcomes
        .into_iter()
        .partition(|(_, outcome)| matches!(outcome, Outcome::Refused(_)));
    let mut files = Vec::with_capacity(refused.len() + planned.len());
    let mut interrupted = false;
    let mut first_error = None;
    for (_, outcome) in refused.into_iter().chain(planned) {
        match outcome {
            Outcome::Refused(r) => {
                tracing::error!("{}: {}", r.input, r.reason);
                files.push(FileReport::unreadable(r.input, r.reason));
            }
            Outcome::Skipped(input) => files.push(FileReport::skipped(input)),
            Outcome::Converted(_, Ok(report)) => files.push(report),
            // An input that cannot be read at all does not stop the others unless asked to.
            Outcome::Converted(input, Err(err))
                if err.is_unreadable_input() && options.on_error != OnError::Fail =>
            {
                let error = crate::error::chain_text(&err);
                tracing::error!("{error}");
                files.push(FileReport::unreadable(input, error));
            }
            // Inputs stopped because another one failed report that one's error, not their own.
            Outcome::Converted(_, Err(ConvertError::Interrupted)) => interrupted = true,
            Outcome::Converted(_, Err(err)) => {
                first_error.get_or_insert(err);
            }
        }
    }
    if let Some(err) = first_error {
        return Err(err);
    }
    if interrupted || options.cancel.load(Ordering::Relaxed) {
        return Err(ConvertError::Interrupted);
    }
    Ok(summarize(files, started, kind_conflicts))
}

/// The feeder: takes the listing a batch at a time, plans it, settles what is skipped or
/// refused, and queues the rest for the file workers. Stops at the first listing or plan error,
/// which is the run's, or when the workers stop.
#[allow(clippy::too_many_arguments)]
fn feed(
    options: &ConvertOptions,
    resume: &Resume,
    stale: &mut StaleUploads,
    destination: &Destination,
    work: mpsc::SyncSender<(Order, PlannedInput)>,
    outcomes: &Mutex<Vec<(Order, Outcome)>>,
    stop: &AtomicBool,
    progress: &dyn Progress,
) -> Result<(), ConvertError> {
    let mut planner = Planner::new(&options.output, &options.selection, options.writer.splits());
    while let Some(batch) = options.inputs.next_batch(&options.cancel) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Planned { inputs, refused } = planner.plan(batch?)?;
        let mut settled: Vec<_> = refused
            .into_iter()
            .map(|(order, r)| (order, Outcome::Refused(r)))
            .collect();
        let mut queued = Vec::with_capacity(inputs.len());
        for (order, planned) in inputs {
            // A killed earlier run's upload of a key is stale whether or not the input is done.
            stale
                .abort_where(&destination.store, &destination.runtime, |key| {
                    planned.dead_letter == key || planned.target.owns(key)
                })
                .map_err(cleaning)?;
            if resume.is_done(options, &planned)? {
                settled.push((order, Outcome::Skipped(planned.input.display_name())));
            } else {
                queued.push((order, planned));
            }
        }
        outcomes
            .lock()
            .expect("no panics while held")
            .extend(settled);
        for (order, planned) in queued {
            if let Some(size) = planned.input.size() {
                progress.grow(size);
            }
            if stop.load(Ordering::Relaxed) || work.send((order, planned)).is_err() {
                return Ok(());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

fn cleaning(e: crate::storage::StorageError) -> ConvertError {
    ConvertError::Step {
        what: "cannot clean up earlier uploads",
        source: e.into(),
    }
}
