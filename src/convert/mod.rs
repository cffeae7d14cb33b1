//! `convert`: JSON lines (zstd, gzip or plain) to Parquet, streaming.
//!
//! Stages, one file each: [`source`] (open, detect compression, decompress, cut into chunks of whole
//! lines) → [`batch`] (parse and check each line against the schema, build Arrow columns) →
//! [`sink`] (Parquet parts and dead-letter file, renamed into place when complete). [`sample`]
//! infers the schema first; [`plan`] decides inputs and output names.
//!
//! Threads: one reader per input in flight decompresses and splits; a pool of `threads` workers
//! parses chunks; the input's writer takes the parsed chunks back in order, so output is
//! byte-identical from run to run. Memory is bounded by `chunk_bytes × queue depth` plus one row
//! group per open writer, whatever the input size.

pub mod batch;
pub mod manifest;
pub mod plan;
pub mod sample;
pub mod sink;
pub mod source;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use crate::progress::Progress;
use crate::schema::{Conflict, Field};
use crate::text::codec::{Compression, Opened};
use crate::text::lines::{Chunk, Piece, Splitter};
use batch::{BatchContext, ParsedChunk, Reject};
pub use plan::{plan_outputs, resolve_inputs, OutputRoot, PlannedInput, ResolvedInput, Selection};
pub use sample::SampleRows;
pub use sink::{Codec, Destination, OutputFile, RowGroupSize, WriterSettings};
use sink::{DeadLetter, ParquetSink};
use source::Input;

#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("{0}")]
    Options(String),
    #[error(transparent)]
    Pattern(#[from] crate::storage::discover::PatternError),
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

/// What happened to the lines and bytes of one input, or of a whole run.
/// `lines == blank_lines + rows + rejects`, always.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub lines: u64,
    pub blank_lines: u64,
    pub rows: u64,
    pub rejects: u64,
    /// Bytes read from the input as stored (compressed).
    pub bytes_in: u64,
    pub bytes_uncompressed: u64,
    pub bytes_out: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.lines += other.lines;
        self.blank_lines += other.blank_lines;
        self.rows += other.rows;
        self.rejects += other.rejects;
        self.bytes_in += other.bytes_in;
        self.bytes_uncompressed += other.bytes_uncompressed;
        self.bytes_out += other.bytes_out;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub input: String,
    /// Converted by an earlier run with the same settings (see the manifest); nothing was done.
    pub skipped: bool,
    /// `None` when the input could not be read at all (see `error`).
    pub compression: Option<Compression>,
    pub outputs: Vec<OutputFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
}

impl FileReport {
    fn skipped(input: String) -> Self {
        FileReport {
            input,
            skipped: true,
            compression: None,
            outputs: Vec::new(),
            rejected_file: None,
            error: None,
            counts: Counts::default(),
        }
    }

    fn unreadable(input: String, error: String) -> Self {
        FileReport {
            input,
            skipped: false,
            compression: None,
            outputs: Vec::new(),
            rejected_file: None,
            error: Some(error),
            counts: Counts::default(),
        }
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

#[derive(Debug, Clone, Serialize)]
pub struct ConvertReport {
    /// Reported one record each; the summary carries the totals.
    #[serde(skip)]
    pub files: Vec<FileReport>,
    #[serde(flatten)]
    pub totals: Counts,
    /// Inputs that could not be read at all (with `--on-error skip|dead-letter`).
    pub failed_inputs: u64,
    /// Inputs left alone because an earlier run converted them (the manifest).
    pub skipped_inputs: u64,
    pub wall_seconds: f64,
    /// Uncompressed input bytes per second.
    pub throughput_bytes_per_second: f64,
    /// Columns where the lattice fell back to JSON text (`W_KIND_CONFLICT`).
    pub kind_conflicts: Vec<String>,
}

/// The schema the run will use: pinned, or inferred from the inputs.
pub fn resolve_schema(
    inputs: &[Input],
    schema: &SchemaSource,
    threads: usize,
    max_line_bytes: usize,
    cancel: &Arc<AtomicBool>,
    progress: &dyn Progress,
) -> Result<sample::Sampled, ConvertError> {
    match schema {
        SchemaSource::Pinned(fields) => Ok(sample::Sampled {
            fields: fields.clone(),
            conflicts: Vec::new(),
            records: 0,
            stdin: None,
        }),
        SchemaSource::Infer(rows) => {
            if *rows == SampleRows::All {
                if inputs.contains(&Input::Stdin) {
                    return Err(ConvertError::Options("--sample-rows all reads every input twice, which stdin cannot do; pin a schema with --schema".into()));
                }
                progress.start("inferring schema", total_input_bytes(inputs));
            }
            let sampled = sample::infer(inputs, *rows, threads, max_line_bytes, cancel, progress)?;
            for conflict in &sampled.conflicts {
                tracing::warn!(
                    "W_KIND_CONFLICT {}: objects, arrays and scalars met; the column holds JSON text",
                    conflict.path
                );
            }
            if *rows == SampleRows::All {
                progress.finish();
            }
            if sampled.fields.is_empty() && sampled.records > 0 {
                return Err(ConvertError::Options(
                    "the sampled records are all empty objects: there are no columns to write"
                        .into(),
                ));
            }
            Ok(sampled)
        }
    }
}

fn total_input_bytes(inputs: &[Input]) -> Option<u64> {
    inputs.iter().map(Input::size).sum()
}

/// What a run will do, decided before anything is written.
pub struct Prepared {
    pub plan: Vec<PlannedInput>,
    /// Inputs whose output name would be unsafe (see `plan::Refused`): failed, not converted.
    pub refused: Vec<plan::Refused>,
    /// Per planned input: converted already, per the manifest.
    pub done: Vec<bool>,
    fields: Vec<Field>,
    stdin: Option<Opened>,
    kind_conflicts: Vec<String>,
    fingerprint: String,
}

/// One line of `--dry-run`.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    pub input: String,
    pub size: Option<u64>,
    /// The output file, or the first of its numbered parts.
    pub output: String,
    pub action: &'static str,
}

impl Prepared {
    pub fn rows(&self, output: &OutputRoot) -> Vec<PlanRow> {
        self.plan
            .iter()
            .zip(&self.done)
            .map(|(planned, &done)| PlanRow {
                input: planned.input.display_name(),
                size: planned.input.size(),
                output: output.store.display(&planned.target.first_key()),
                action: if done { "skip" } else { "convert" },
            })
            .chain(self.refused.iter().map(|r| PlanRow {
                input: r.input.clone(),
                size: None,
                output: r.reason.clone(),
                action: "refuse",
            }))
            .collect()
    }
}

/// Infers (or takes) the schema, selects this process's inputs, plans their outputs and reads
/// the manifest. Reads inputs' first records; writes nothing.
pub fn prepare(
    options: &ConvertOptions,
    progress: &dyn Progress,
) -> Result<Prepared, ConvertError> {
    let threads = options.threads.max(1);
    let inputs: Vec<Input> = options.inputs.iter().map(|i| i.input.clone()).collect();
    let sampled = resolve_schema(
        &inputs,
        &options.schema,
        threads,
        options.max_line_bytes,
        &options.cancel,
        progress,
    )?;
    let kind_conflicts: Vec<String> = sampled
        .conflicts
        .iter()
        .map(|c: &Conflict| c.path.clone())
        .collect();
    let selected = options.selection.apply(options.inputs.clone());
    let (plan, refused) = plan_outputs(&selected, &options.output, options.writer.splits())?;
    plan::refuse_overwriting_inputs(&options.inputs, &plan, &options.output)?;
    let schema_text =
        serde_json::to_string(&crate::schema::SchemaFile::from_fields(&sampled.fields))
            .map_err(|e| ConvertError::Options(e.to_string()))?;
    let writer = &options.writer;
    let fingerprint = manifest::fingerprint(&[
        &schema_text,
        &writer.codec.to_string(),
        &writer.row_group_size.to_string(),
        &format!("{:?}", writer.max_rows_per_file),
        &format!("{:?}", writer.max_file_bytes),
        &format!("{:?}", options.on_error),
    ]);
    let store = &options.output.store;
    // A single named output file (`-o x.parquet`) has no state and is simply rewritten:
    // resuming is for directories and prefixes of many outputs.
    let done = match &options.output.state {
        Some(state) if !options.overwrite => options.runtime.block_on(async {
            let entries = manifest::load(state).await?;
            let mut done = Vec::with_capacity(plan.len());
            for planned in &plan {
                done.push(manifest::is_done(store, &entries, planned, &fingerprint).await?);
            }
            Ok::<_, ConvertError>(done)
        })?,
        _ => vec![false; plan.len()],
    };
    Ok(Prepared {
        plan,
        refused,
        done,
        fields: sampled.fields,
        stdin: sampled.stdin,
        kind_conflicts,
        fingerprint,
    })
}

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
                let error = error_chain(&err);
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

/// Aborts multipart uploads an earlier, killed run left under this run's output keys (only
/// those: other shards' uploads in the same prefix are theirs).
fn abort_stale_uploads(
    destination: &Destination,
    plan: &[PlannedInput],
) -> Result<(), ConvertError> {
    let aborted = destination
        .runtime
        .block_on(destination.store.abort_uploads(|key| {
            plan.iter()
                .any(|planned| planned.dead_letter == key || planned.target.owns(key))
        }))
        .map_err(|e| ConvertError::Options(format!("cleaning up earlier uploads: {e}")))?;
    if aborted > 0 {
        tracing::warn!("aborted {aborted} multipart upload(s) left by an earlier run");
    }
    Ok(())
}

/// Writes the input's manifest entry, after its outputs were published.
fn record_done(
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
        outputs.push(manifest::Published { key, size, tag });
    }
    let entry = manifest::Entry {
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
    let key = manifest::entry_key(&entry.input);
    let body = serde_json::to_vec(&entry).map_err(|e| ConvertError::Options(e.to_string()))?;
    state
        .put(&key, &destination.runtime, &body)
        .map_err(|e| ConvertError::Write {
            path: state.display(&key).into(),
            source: Box::new(e),
        })
}

fn summarize(
    files: Vec<FileReport>,
    started: Instant,
    kind_conflicts: Vec<String>,
) -> ConvertReport {
    let mut totals = Counts::default();
    files.iter().for_each(|f| totals += f.counts);
    let wall_seconds = started.elapsed().as_secs_f64();
    let throughput_bytes_per_second = if wall_seconds > 0.0 {
        totals.bytes_uncompressed as f64 / wall_seconds
    } else {
        0.0
    };
    let failed_inputs = files.iter().filter(|f| f.error.is_some()).count() as u64;
    let skipped_inputs = files.iter().filter(|f| f.skipped).count() as u64;
    ConvertReport {
        files,
        totals,
        failed_inputs,
        skipped_inputs,
        wall_seconds,
        throughput_bytes_per_second,
        kind_conflicts,
    }
}

struct Job {
    chunk: Chunk,
    context: Arc<BatchContext>,
    /// `None` when the run stopped before the chunk was parsed.
    reply: SyncSender<Option<ParsedChunk>>,
    /// Where the chunk's buffer goes back to its reader once parsed.
    recycle: SyncSender<Vec<u8>>,
}

/// What the reader hands the writer, in input order. Only `End` says the input was read to its
/// end: a writer that sees the queue close without it has a partial input and must not publish it.
enum Pending {
    Parsed {
        reply: Receiver<Option<ParsedChunk>>,
        bytes: u64,
    },
    End,
    Broken {
        error: std::io::Error,
        partial: Chunk,
    },
    Overlong {
        line: Chunk,
        length: u64,
        terminated: bool,
    },
}

fn parse_worker(jobs: &Mutex<Receiver<Job>>, cancel: &AtomicBool, stop: &AtomicBool) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let parsed = if cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
            None
        } else {
            Some(batch::parse_chunk(&job.context, &job.chunk))
        };
        // A full queue means the reader has buffers enough; this one is simply freed.
        let _ = job.recycle.try_send(job.chunk.data);
        // The writer may have given up on this input already; nothing to do then.
        let _ = job.reply.send(parsed);
    }
}

#[allow(clippy::too_many_arguments)]
fn convert_input(
    planned: &PlannedInput,
    opened: Option<Opened>,
    context: &Arc<BatchContext>,
    options: &ConvertOptions,
    destination: &Destination,
    jobs: &Sender<Job>,
    stop: &AtomicBool,
    progress: &dyn Progress,
) -> Result<FileReport, ConvertError> {
    let name = planned.input.display_name();
    let opened = match opened {
        Some(opened) => opened,
        None => {
            source::open(&planned.input, &options.cancel).map_err(|source| {
                // A read given up because of Ctrl-C is the interrupt, not a bad input.
                if options.cancel.load(Ordering::Relaxed) {
                    ConvertError::Interrupted
                } else {
                    ConvertError::Read {
                        path: name.clone().into(),
                        source,
                    }
                }
            })?
        }
    };
    let Opened {
        reader,
        compression,
        bytes_read,
    } = opened;
    let threads = options.threads.max(1);
    let mut report = FileReport {
        input: name.clone(),
        skipped: false,
        compression: Some(compression),
        outputs: Vec::new(),
        rejected_file: None,
        error: None,
        counts: Counts::default(),
    };
    // No columns means no record was ever seen: there is nothing a Parquet file could hold.
    let mut sink = if context.fields.is_empty() {
        None
    } else {
        Some(ParquetSink::new(
            destination.clone(),
            planned.target.clone(),
            &options.writer,
            context.arrow_schema.clone(),
            &name,
        )?)
    };
    let mut dead_letter = (options.on_error == OnError::DeadLetter).then(|| {
        DeadLetter::new(
            destination.clone(),
            planned.dead_letter.clone(),
            name.clone(),
        )
    });
    let input_stop = AtomicBool::new(false);

    let outcome = std::thread::scope(|scope| -> Result<(), ConvertError> {
        let (order_tx, order_rx) = mpsc::sync_channel::<Pending>(threads + 1);
        let input_stop = &input_stop;
        let bytes_read = &bytes_read;
        let (recycle_tx, recycle_rx) = mpsc::sync_channel::<Vec<u8>>(threads + 2);
        scope.spawn(move || {
            let mut reported = 0;
            let splitter = Splitter::new(reader, options.chunk_bytes)
                .max_line(options.max_line_bytes)
                .recycling(recycle_rx);
            for piece in splitter {
                if options.cancel.load(Ordering::Relaxed)
                    || stop.load(Ordering::Relaxed)
                    || input_stop.load(Ordering::Relaxed)
                {
                    return;
                }
                let pending = match piece {
                    Piece::Chunk(chunk) => {
                        let (reply_tx, reply_rx) = mpsc::sync_channel(1);
                        let bytes = chunk.data.len() as u64;
                        if jobs
                            .send(Job {
                                chunk,
                                context: context.clone(),
                                reply: reply_tx,
                                recycle: recycle_tx.clone(),
                            })
                            .is_err()
                        {
                            return;
                        }
                        Pending::Parsed {
                            reply: reply_rx,
                            bytes,
                        }
                    }
                    Piece::Broken { error, partial } => Pending::Broken { error, partial },
                    Piece::Overlong {
                        line,
                        length,
                        terminated,
                    } => Pending::Overlong {
                        line,
                        length,
                        terminated,
                    },
                };
                if order_tx.send(pending).is_err() {
                    return;
                }
                let now = bytes_read.load(Ordering::Relaxed);
                progress.advance(now - reported);
                reported = now;
            }
            let _ = order_tx.send(Pending::End);
        });
        let result = (|| {
            for pending in order_rx {
                if options.cancel.load(Ordering::Relaxed) {
                    return Err(ConvertError::Interrupted);
                }
                let parsed = match pending {
                    Pending::End => return Ok(()),
                    Pending::Parsed { reply, bytes } => {
                        report.counts.bytes_uncompressed += bytes;
                        reply
                            .recv()
                            .ok()
                            .flatten()
                            .ok_or(ConvertError::Interrupted)?
                    }
                    Pending::Overlong {
                        line,
                        length,
                        terminated,
                    } => {
                        report.counts.bytes_uncompressed += length + u64::from(terminated);
                        ParsedChunk {
                            lines: 1,
                            rejects: vec![Reject {
                                line: line.first_line,
                                byte_offset: line.byte_offset,
                                reason: crate::text::lines::overlong_reason(
                                    length,
                                    options.max_line_bytes,
                                ),
                                raw: line.data,
                            }],
                            ..ParsedChunk::default()
                        }
                    }
                    // C05: a compressed stream vouches for its text only at its checksum (a
                    // gzip member's CRC, a zstd frame's), so what was decoded before a break
                    // may be garbage that parsed: the input fails whole and publishes nothing
                    // (per input under skip and dead-letter, the run under fail).
                    Pending::Broken { error, partial } if compression != Compression::None => {
                        return Err(ConvertError::Read {
                            path: name.clone().into(),
                            source: std::io::Error::new(
                                error.kind(),
                                format!(
                                    "corrupt or truncated {} stream at line {} of its text ({error}); none of its rows are kept, as the checksum that vouches for them failed",
                                    compression.name(),
                                    partial.first_line
                                ),
                            ),
                        });
                    }
                    Pending::Broken { error, partial } => {
                        report.counts.bytes_uncompressed += partial.data.len() as u64;
                        ParsedChunk {
                            lines: 1,
                            rejects: vec![Reject {
                                line: partial.first_line,
                                byte_offset: partial.byte_offset,
                                reason: format!(
                                    "read error, the rest of the input cannot be read: {error}"
                                ),
                                raw: partial.data,
                            }],
                            ..ParsedChunk::default()
                        }
                    }
                };
                report.counts.lines += parsed.lines;
                report.counts.blank_lines += parsed.blank_lines;
                for reject in &parsed.rejects {
                    report.counts.rejects += 1;
                    match (options.on_error, dead_letter.as_mut()) {
                        (OnError::Fail, _) => {
                            return Err(ConvertError::BadLine {
                                file: name.clone(),
                                line: reject.line,
                                reason: reject.reason.clone(),
                            });
                        }
                        (OnError::DeadLetter, Some(dead_letter)) => dead_letter.write(reject)?,
                        _ => {}
                    }
                }
                if let Some(batch) = parsed.batch {
                    report.counts.rows += batch.num_rows() as u64;
                    if let Some(sink) = sink.as_mut() {
                        sink.write(batch)?;
                    }
                }
            }
            // The reader stopped before the end of the input.
            Err(ConvertError::Interrupted)
        })();
        if result.is_err() {
            input_stop.store(true, Ordering::Relaxed);
        }
        result
    });
    outcome?;
    if options.cancel.load(Ordering::Relaxed) {
        return Err(ConvertError::Interrupted);
    }
    report.counts.bytes_in = bytes_read.load(Ordering::Relaxed);
    if let Some(sink) = sink {
        report.outputs = sink.finish()?;
    }
    report.counts.bytes_out = report.outputs.iter().map(|o| o.bytes).sum();
    if let Some(dead_letter) = dead_letter {
        report.rejected_file = dead_letter.finish()?;
    }
    tracing::info!(input = %name, rows = report.counts.rows, rejects = report.counts.rejects, "converted");
    Ok(report)
}

#[cfg(test)]
mod tests;
