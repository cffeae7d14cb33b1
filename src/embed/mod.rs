//! `embed`: text from Parquet or JSON lines → chunks → token ids → sentence embeddings → Parquet.
//!
//! Stages, one file each: `input` (find inputs, read documents), `chunk` (LangChain-compatible
//! recursive splitting), `model` (a sentence-transformers folder and its tokenizer), `device`
//! (CPU or CUDA, and the precision), `encoder` (BERT/MPNet on candle) behind the `embedder`
//! facade, `sink` (the output files and the run key that resume compares). This file runs them
//! as a pipeline: a reader thread (`read`) reads, chunks and tokenises windows of chunks; a
//! dispatcher hands each window to the next free encoder thread, one per device (`--device
//! cpu,cpu`, `cuda:all`), which sorts it by length and runs it batch by batch; the calling
//! thread takes the results in the reader's order and passes them to a writer thread (`sink`)
//! that encodes Parquet behind it, so the devices never wait on I/O and the output is the same
//! whatever the number of devices.
//!
//! An input that fails alone (unreadable, corrupt, a record that does not fit) is reported and
//! the run goes on; everything else stops it.

pub mod chunk;
mod device;
mod embedder;
pub mod encoder;
// Without `cuda`, the fused path's plan, weights and CPU reference serve the tests and
// examples/kernel_check.rs only; the GPU build runs them.
#[cfg_attr(not(feature = "cuda"), allow(dead_code))]
pub mod fused;
mod hub;
pub mod input;
pub mod model;
mod ops;
mod read;
pub mod sink;

#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::Instant;

use serde::Serialize;

use crate::progress::Progress;
use crate::storage::discover::{Order, PlanRow};
#[cfg(test)]
pub(crate) use device::select_device;
pub use device::{DeviceChoice, Precision};
pub use embedder::Embedder;
use read::ReadMsg;
use sink::{Row, WriteMsg};

/// The cause of an [`EmbedError`]: shared, as the error is cloned to every stage it stops.
pub type Cause = std::sync::Arc<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum EmbedError {
    /// `problem` is ours: what about the model's files is wrong or unsupported.
    #[error("model {model}: {problem}")]
    Model { model: String, problem: String },
    /// A model file that cannot be read or parsed: `what` names it.
    #[error("model {model}: {what}")]
    ModelFile {
        model: String,
        what: String,
        #[source]
        source: Cause,
    },
    #[error("{url}: column {column}: {message}")]
    Column {
        url: String,
        column: String,
        message: String,
    },
    /// `problem` is ours: what about the input (or its line, `url:line`) is wrong.
    #[error("{url}: {problem}")]
    Input { url: String, problem: String },
    /// An input (or its line, `url:line`) that cannot be read: `what` says what failed.
    #[error("{url}: {what}")]
    Unreadable {
        url: String,
        what: &'static str,
        #[source]
        source: Cause,
    },
    /// An input whose listing or reading failed in storage, which names the location itself.
    #[error(transparent)]
    Storage(std::sync::Arc<crate::storage::StorageError>),
    #[error(transparent)]
    Discover(std::sync::Arc<crate::storage::discover::DiscoverError>),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: Cause,
    },
    /// `--device cuda` where there is no GPU to run on: a build without the `cuda` feature, or
    /// no CUDA device this build can open (`reason` is CUDA's, first line).
    #[error("--device {device}: {reason}")]
    NoGpu { device: String, reason: String },
    #[error("{0}")]
    Options(String),
    /// The tokenizer or the encoder failed: `what` says which.
    #[error("{what}")]
    Compute {
        what: &'static str,
        #[source]
        source: Cause,
    },
    #[error("interrupted")]
    Interrupted,
}

impl EmbedError {
    /// An error of one input rather than of the run: the others are still embedded (unless
    /// `--fail-fast`). A column that is missing or not text is the run's: every input is read
    /// with the same `--text-column`/`--id-column`, so it is a setting to fix, said once.
    pub fn fails_alone(&self) -> bool {
        matches!(
            self,
            EmbedError::Input { .. } | EmbedError::Unreadable { .. } | EmbedError::Storage(_)
        )
    }

    pub(crate) fn unreadable(
        url: impl Into<String>,
        what: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> EmbedError {
        EmbedError::Unreadable {
            url: url.into(),
            what,
            source: source.into().into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChunkUnit {
    Chars,
    Tokens,
}

impl ChunkUnit {
    pub fn name(self) -> &'static str {
        match self {
            ChunkUnit::Chars => "chars",
            ChunkUnit::Tokens => "tokens",
        }
    }
}

#[derive(Debug, Clone)]
pub struct EmbedOptions {
    pub model: String,
    pub text_column: String,
    pub id_column: Option<String>,
    /// Source columns (nested as `metadata.title`) copied onto every chunk row, as text.
    pub keep_columns: Vec<String>,
    pub chunk_size: usize,
    pub chunk_overlap: usize,
    pub chunk_unit: ChunkUnit,
    /// One encoder per device listed (`cpu,cpu`; `cuda:all`).
    pub device: Vec<DeviceChoice>,
    /// None: f32 on the CPU, bf16 on a GPU.
    pub precision: Option<Precision>,
    /// Most chunks per encoder call (None: 32 on the CPU, 512 on a GPU).
    pub batch_size: Option<usize>,
    /// Most padded tokens (chunks × longest) per encoder call (None: 8,192 CPU, 131,072 GPU).
    pub batch_tokens: Option<usize>,
    pub max_seq_length: Option<usize>,
    /// The output directory or s3:// prefix: one Parquet file per input, the inputs' layout
    /// mirrored.
    pub output: std::sync::Arc<crate::storage::Store>,
    /// Re-embed inputs whose output is already complete with the same run key.
    pub overwrite: bool,
    /// The encoder's kernels on a GPU (see [`fused::Choice`]).
    pub kernels: fused::Choice,
    /// Stop at the first input that fails alone instead of embedding the others.
    pub fail_fast: bool,
}

impl EmbedOptions {
    /// Settings that cannot work together, refused before anything is read.
    pub fn check(&self) -> Result<(), EmbedError> {
        if self.chunk_size == 0 {
            return Err(EmbedError::Options(
                "--chunk-size must be at least 1".into(),
            ));
        }
        if self.chunk_overlap > self.chunk_size {
            return Err(EmbedError::Options(format!(
                "--chunk-overlap {} is larger than --chunk-size {}",
                self.chunk_overlap, self.chunk_size
            )));
        }
        let mut names: Vec<(String, &str)> = sink::FIXED_COLUMNS
            .iter()
            .map(|c| (c.to_string(), "lakeops' own column"))
            .collect();
        for path in &self.keep_columns {
            if path.is_empty() || path.split('.').any(str::is_empty) {
                return Err(EmbedError::Options(format!(
                    "--keep-columns {path:?}: not a column name (nested names are a.b)"
                )));
            }
            let name = sink::kept_column_name(path);
            if let Some((_, other)) = names.iter().find(|(n, _)| *n == name) {
                return Err(EmbedError::Options(format!(
                    "--keep-columns {path} would be the output column {name}, as is {other}"
                )));
            }
            names.push((name, path));
        }
        Ok(())
    }
}

/// What happened to one input.
#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    pub input: String,
    pub output: String,
    /// The input's size in bytes, as listed.
    pub size: u64,
    /// Skipped: the output exists with the same run key.
    pub skipped: bool,
    pub documents: u64,
    pub chunks: u64,
    pub tokens: u64,
    pub bytes: u64,
    /// Why the input was not embedded (its counts are then 0: nothing of it was written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl InputReport {
    /// An input's report before anything of it was read.
    fn new(input: String, output: String) -> InputReport {
        InputReport {
            input,
            output,
            size: 0,
            skipped: false,
            documents: 0,
            chunks: 0,
            tokens: 0,
            bytes: 0,
            error: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EmbedReport {
    pub model: String,
    pub dimension: usize,
    pub device: String,
    pub dtype: &'static str,
    /// The encoder's kernels: `fused` (the GPU path) or `generic`.
    pub kernels: &'static str,
    pub inputs: Vec<InputReport>,
    pub documents: u64,
    /// Documents whose text was null, empty or only whitespace: they have no chunks.
    pub empty_documents: u64,
    /// Inputs that failed alone (unreadable, corrupt, a record that does not fit, or an output
    /// name refused as unsafe); the others were embedded.
    pub failed_inputs: u64,
    pub chunks: u64,
    pub tokens: u64,
    pub seconds: f64,
    pub chunks_per_second: f64,
    pub tokens_per_second: f64,
    /// Time spent in the encoders (the devices), summed over them, so users can see what
    /// bounds the run.
    pub encoder_seconds: f64,
    /// Each encoder: its device, the chunks it embedded and its busy seconds.
    pub encoders: Vec<EncoderReport>,
    /// The other stages, each on its own thread beside the encoder: reading and chunking,
    /// tokenising (both on the reader thread, so their sum bounds it), writing Parquet.
    pub read_seconds: f64,
    pub tokenize_seconds: f64,
    pub write_seconds: f64,
}

/// One encoder's share of a run.
#[derive(Debug, Clone, Serialize)]
pub struct EncoderReport {
    pub device: String,
    pub chunks: u64,
    pub seconds: f64,
}

/// Embeds `inputs` into `options.output` as they are listed: the reader thread takes the
/// listing a folder at a time, so the first inputs are embedded while later folders are still
/// being listed. Inputs refused by discovery (an unsafe output name) are reported as failed, like
/// an input that fails while it is read. Reports come back in report order (refused ones first,
/// then argument and key order), whatever order the inputs were listed in.
pub fn run(
    inputs: input::Inputs,
    options: &EmbedOptions,
    embedder: &Embedder,
    runtime: &tokio::runtime::Handle,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<EmbedReport, EmbedError> {
    options.check()?;
    let started = Instant::now();
    // Per input in the order listed: its place in the report order, whether discovery refused
    // it, and its report.
    let mut listed: Vec<(Order, bool, InputReport)> = Vec::new();
    progress.start("embedding", Some(0));
    let mut empty_documents = 0u64;
    let encoders = embedder.encoders();
    let mut encoder_times = vec![(0u64, 0f64); encoders];
    // One encoder thread per device, taking windows from one queue as each comes free.
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(encoders);
    let job_rx = std::sync::Mutex::new(job_rx);
    let (read_times, write_seconds) = std::thread::scope(|scope| -> Result<_, EmbedError> {
        let (read_tx, read_rx) = mpsc::sync_channel::<ReadMsg>(2);
        let (write_tx, write_rx) = mpsc::sync_channel::<WriteMsg>(4);
        let reader =
            scope.spawn(|| read::read_all(inputs, options, embedder, runtime, cancel, read_tx));
        let writer = scope.spawn(|| sink::write_all(options, embedder, runtime, write_rx));
        let workers: Vec<_> = (0..encoders)
            .map(|k| {
                let job_rx = &job_rx;
                scope.spawn(move || encode_jobs(embedder, k, job_rx, cancel))
            })
            .collect();
        // The dispatcher hands windows to the encoders as the reader sends them, and every
        // message, in the reader's order, to this thread, which writes each window's vectors
        // as soon as they and those before them are done, whichever encoder finishes first. Its
        // queue holds two windows per encoder: enough to keep every device busy.
        let (step_tx, step_rx) = mpsc::sync_channel::<Step>(2 * encoders);
        let dispatcher = scope.spawn(move || -> Result<(), EmbedError> {
            for msg in read_rx {
                let step = match msg {
                    ReadMsg::Listed(order, refused, report) => Step::Listed(order, refused, report),
                    ReadMsg::Window(i, chunks) => {
                        let (reply, result) = mpsc::sync_channel(1);
                        send(&job_tx, Job { chunks, reply })?;
                        Step::Window(i, result)
                    }
                    ReadMsg::Start(input) => Step::Start(input),
                    ReadMsg::End(i, documents, empty) => Step::End(i, documents, empty),
                    ReadMsg::Failed(i, error) => Step::Failed(i, error),
                };
                send(&step_tx, step)?;
            }
            Ok(())
        });
        let pumped = (|| -> Result<(), EmbedError> {
            let mut totals = Totals::default();
            let mut apply = |step: Step| -> Result<(), EmbedError> {
                let msg = match step {
                    Step::Window(i, reply) => {
                        let (chunks, vectors) =
                            reply.recv().map_err(|_| EmbedError::Interrupted)?;
                        let vectors = vectors?;
                        let report = &mut listed[i].2;
                        report.tokens += chunks.iter().map(|c| c.ids.len() as u64).sum::<u64>();
                        report.chunks += chunks.len() as u64;
                        totals.chunks += chunks.len() as u64;
                        totals.tokens += chunks.iter().map(|c| c.ids.len() as u64).sum::<u64>();
                        progress.counts(
                            &[
                                ("documents", totals.documents),
                                ("chunks", totals.chunks),
                                ("tokens", totals.tokens),
                            ],
                            "chunks",
                        );
                        let rows = chunks
                            .into_iter()
                            .zip(vectors)
                            .map(|(c, embedding)| Row {
                                doc_id: c.doc_id,
                                chunk_index: c.chunk_index,
                                chunk_start: c.chunk_start,
                                chunk_text: c.text,
                                embedding,
                                kept: c.kept,
                            })
                            .collect();
                        WriteMsg::Rows(rows)
                    }
                    Step::Listed(order, refused, report) => {
                        // The bar measures the input bytes still to embed, so its rate and ETA
                        // leave out inputs skipped as up to date.
                        if !refused && !report.skipped {
                            progress.grow(report.size);
                        }
                        listed.push((order, refused, *report));
                        return Ok(());
                    }
                    Step::Start(input) => WriteMsg::Start(input),
                    Step::End(i, documents, empty) => {
                        listed[i].2.documents = documents;
                        totals.documents += documents;
                        empty_documents += empty;
                        progress.advance(listed[i].2.size);
                        WriteMsg::End(i)
                    }
                    Step::Failed(i, error) => {
                        progress.advance(listed[i].2.size);
                        let report = &mut listed[i].2;
                        (report.documents, report.chunks, report.tokens) = (0, 0, 0);
                        report.error = Some(error);
                        WriteMsg::Discard
                    }
                };
                send(&write_tx, msg)
            };
            for step in step_rx {
                apply(step)?;
            }
            Ok(())
        })();
        let dispatched = dispatcher.join().expect("dispatcher thread does not panic");
        for (k, worker) in workers.into_iter().enumerate() {
            encoder_times[k] = worker.join().expect("encoder thread does not panic");
        }
        drop(write_tx);
        let read = reader.join().expect("reader thread does not panic");
        let written = writer.join().expect("writer thread does not panic");
        // A stage that stops closes its channels, so the others fail with Interrupted: report
        // the error that started it.
        let errors = [
            written.as_ref().err(),
            read.as_ref().err(),
            pumped.as_ref().err(),
            dispatched.as_ref().err(),
        ];
        if let Some(first) = errors
            .iter()
            .flatten()
            .find(|e| !matches!(e, EmbedError::Interrupted))
        {
            return Err((*first).clone());
        }
        if errors.iter().any(Option::is_some) {
            return Err(EmbedError::Interrupted);
        }
        let (written, write_seconds) = written?;
        for (i, bytes) in written {
            listed[i].2.bytes = bytes;
        }
        Ok((read?, write_seconds))
    })?;
    progress.finish();
    // Refused inputs first, as discovery turned them away; then report order.
    listed.sort_by(|a, b| (!a.1, &a.0).cmp(&(!b.1, &b.0)));
    let reports: Vec<InputReport> = listed.into_iter().map(|(_, _, r)| r).collect();
    // After the progress line is gone, so that it cannot overwrite them.
    for report in &reports {
        if let Some(error) = &report.error {
            tracing::error!("{error}");
        }
    }
    let sum = |f: fn(&InputReport) -> u64| reports.iter().map(f).sum::<u64>();
    let seconds = started.elapsed().as_secs_f64();
    let rate = |n: u64| {
        if seconds > 0.0 {
            n as f64 / seconds
        } else {
            0.0
        }
    };
    Ok(EmbedReport {
        model: embedder.model.name.clone(),
        dimension: embedder.model.dim(),
        device: embedder.device_name.clone(),
        dtype: embedder.precision.name(),
        kernels: embedder.kernels(),
        documents: sum(|r| r.documents),
        empty_documents,
        failed_inputs: reports.iter().filter(|r| r.error.is_some()).count() as u64,
        chunks: sum(|r| r.chunks),
        tokens: sum(|r| r.tokens),
        chunks_per_second: rate(sum(|r| r.chunks)),
        tokens_per_second: rate(sum(|r| r.tokens)),
        inputs: reports,
        seconds,
        encoder_seconds: encoder_times.iter().map(|(_, seconds)| seconds).sum(),
        encoders: encoder_times
            .iter()
            .enumerate()
            .map(|(k, &(chunks, seconds))| EncoderReport {
                device: embedder.encoder_device(k).to_owned(),
                chunks,
                seconds,
            })
            .collect(),
        read_seconds: read_times.read,
        tokenize_seconds: read_times.tokenize,
        write_seconds,
    })
}

/// `--dry-run`: each input with its output and whether a run would embed it or skip it (its
/// output up to date), in report order; nothing is read or written but the outputs' footers.
pub fn plan(
    mut inputs: input::Inputs,
    options: &EmbedOptions,
    embedder: &Embedder,
    runtime: &tokio::runtime::Handle,
    cancel: &AtomicBool,
) -> Result<Vec<PlanRow>, EmbedError> {
    options.check()?;
    let mut rows = Vec::new();
    while let Some(batch) = inputs.next_batch(cancel) {
        for (order, candidate) in batch? {
            let row = match candidate {
                input::Candidate::Refused { url, reason } => PlanRow {
                    input: url,
                    size: None,
                    output: reason,
                    action: "refuse",
                },
                input::Candidate::Input(input) => PlanRow {
                    input: input.url(),
                    size: Some(input.size),
                    output: sink::output_name(options, &input),
                    action: if sink::up_to_date(options, embedder, &input, runtime) {
                        "skip"
                    } else {
                        "embed"
                    },
                },
            };
            rows.push((row.action != "refuse", order, row));
        }
    }
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(EmbedError::Interrupted);
    }
    // Refused inputs first, as a run reports them.
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    Ok(rows.into_iter().map(|(_, _, row)| row).collect())
}

/// What the progress line counts besides the input bytes.
#[derive(Default)]
struct Totals {
    documents: u64,
    chunks: u64,
    tokens: u64,
}

/// A window back from its encoder, with its vectors.
type Encoded = (Vec<read::Pending>, Result<Vec<Vec<f32>>, EmbedError>);

/// A window for an encoder, and where its vectors go back (with the window, to be written).
struct Job {
    chunks: Vec<read::Pending>,
    reply: mpsc::SyncSender<Encoded>,
}

/// What the pipeline hands on to the writer, in the reader's order.
enum Step {
    Listed(Order, bool, Box<InputReport>),
    Window(usize, mpsc::Receiver<Encoded>),
    Start(Box<input::InputFile>),
    End(usize, u64, u64),
    Failed(usize, String),
}

/// Encoder `k`'s thread: windows from the shared queue until it closes; returns the chunks it
/// embedded and its busy seconds.
fn encode_jobs(
    embedder: &Embedder,
    k: usize,
    jobs: &std::sync::Mutex<mpsc::Receiver<Job>>,
    cancel: &AtomicBool,
) -> (u64, f64) {
    let (mut chunks, mut seconds) = (0u64, 0f64);
    loop {
        // The lock is held only while waiting for the next job, never while encoding.
        let job = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => break,
        };
        let Ok(Job {
            chunks: window,
            reply,
        }) = job
        else {
            break;
        };
        let t = Instant::now();
        let ids: Vec<&[u32]> = window.iter().map(|c| c.ids.as_slice()).collect();
        let vectors = embedder.embed_ids(k, &ids, cancel);
        seconds += t.elapsed().as_secs_f64();
        chunks += window.len() as u64;
        // The writer's side stopped (an error or Ctrl-C): keep taking jobs until the queue
        // closes, so the dispatcher never blocks on a full queue that nobody reads (it closes
        // the queue as soon as the writer's side is gone). Stopping here deadlocked a
        // cancelled run.
        let _ = reply.send((window, vectors));
    }
    (chunks, seconds)
}

/// A closed channel means the other side stopped on an error, which it reports itself.
fn send<T>(tx: &mpsc::SyncSender<T>, msg: T) -> Result<(), EmbedError> {
    tx.send(msg).map_err(|_| EmbedError::Interrupted)
}
