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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use crate::progress::Progress;
use crate::schema::Field;
use batch::BatchContext;
use manifest::record_done;
use pipeline::{convert_input, parse_worker, Job};
pub use plan::{plan_outputs, resolve_inputs, OutputRoot, PlannedInput, ResolvedInput, Selection};
pub use prepare::{prepare, resolve_schema, PlanRow, Prepared};
use report::summarize;
pub use report::{ConvertReport, Counts, DryRunReport, FileReport};
pub use sample::SampleRows;
use sink::abort_stale_uploads;
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
        source: crate::aws::BoxError,
    },
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
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
    /// Every input the arguments name. The schema is inferred from all of them, so that every
    /// `--shard` writes the same schema.
    pub inputs: Vec<ResolvedInput>,
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

pub fn run(
    options: ConvertOptions,
    progress: &dyn Progress,
) -> Result<ConvertReport, ConvertError> {
    let started = Instant::now();
    let threads = options.threads.max(1);
    let Prepared {
        plan,
        refused,
        done,
        fields,
        stdin,
        kind_conflicts,
        fingerprint,
    } = prepare(&options, progress)?;
    let context = Arc::new(BatchContext::new(fields).max_line_bytes(options.max_line_bytes));
    let destination = Destination {
        store: options.output.store.clone(),
        runtime: options.runtime.clone(),
        upload: options.upload,
    };
    abort_stale_uploads(&destination, &plan)?;
    let state = options.output.state.clone();

    let todo: Vec<usize> = (0..plan.len()).filter(|&i| !done[i]).collect();
    progress.start(
        "converting",
        todo.iter().map(|&i| plan[i].input.size()).sum(),
    );
    let (job_tx, job_rx) = mpsc::channel::<Job>();
    let job_rx = Mutex::new(job_rx);
    let stop = AtomicBool::new(false);
    let stdin = Mutex::new(stdin);
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Result<FileReport, ConvertError>>>> =
        Mutex::new((0..plan.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| parse_worker(&job_rx, &options.cancel, &stop));
        }
        // Each input's writer encodes and compresses on one thread, and holds one row group.
        let in_flight = options.jobs.clamp(1, todo.len().max(1));
        let file_workers: Vec<_> = (0..in_flight)
            .map(|_| {
                let job_tx = job_tx.clone();
                scope.spawn(|| {
                    let job_tx = job_tx;
                    while let Some(&index) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let planned = &plan[index];
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let opened = match planned.input {
                            Input::Stdin => stdin.lock().expect("no panics while held").take(),
                            Input::Path(_) | Input::Object(_) => None,
                        };
                        let outcome = convert_input(
                            planned,
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
                                record_done(state, &destination, planned, &report, &fingerprint)?;
                            }
                            Ok(report)
                        });
                        let fatal = match &outcome {
                            Ok(_) => false,
                            Err(ConvertError::Read { .. }) => options.on_error == OnError::Fail,
                            Err(_) => true,
                        };
                        outcomes.lock().expect("no panics while held")[index] = Some(outcome);
                        if fatal {
                            stop.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(job_tx);
        for worker in file_workers {
            let _ = worker.join();
        }
        stop.store(true, Ordering::Relaxed);
    });
    progress.finish();

    let mut files = Vec::with_capacity(plan.len() + refused.len());
    for r in refused {
        tracing::error!("{}: {}", r.input, r.reason);
        files.push(FileReport::unreadable(r.input, r.reason));
    }
    let mut interrupted = false;
    let mut first_error = None;
    for ((planned, outcome), done) in plan
        .iter()
        .zip(outcomes.into_inner().expect("threads joined"))
        .zip(done)
    {
        if done {
            files.push(FileReport::skipped(planned.input.display_name()));
            continue;
        }
        match outcome {
            Some(Ok(report)) => files.push(report),
            // An input that cannot be read at all does not stop the others unless asked to.
            Some(Err(err @ ConvertError::Read { .. })) if options.on_error != OnError::Fail => {
                let error = crate::error::chain_text(&err);
                tracing::error!("{error}");
                files.push(FileReport::unreadable(planned.input.display_name(), error));
            }
            // Inputs stopped because another one failed report that one's error, not their own.
            Some(Err(ConvertError::Interrupted)) => interrupted = true,
            Some(Err(err)) => {
                first_error.get_or_insert(err);
            }
            None => {}
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

#[cfg(test)]
mod tests;
