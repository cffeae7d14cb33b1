//! `embed`: text from Parquet or JSON lines → chunks → token ids → sentence embeddings → Parquet.
//!
//! Stages, one file each: `input` (find inputs, read documents), `chunk` (LangChain-compatible
//! recursive splitting), `model` (a sentence-transformers folder and its tokenizer), `encoder`
//! (BERT/MPNet on candle, CPU or CUDA), `sink` (the output files). This file runs them as a
//! pipeline: a reader thread reads, chunks and tokenises windows of chunks; the calling thread
//! sorts each window by length and runs the encoder batch by batch; a writer thread encodes
//! Parquet behind it, so the device never waits on I/O.

pub mod chunk;
pub mod encoder;
pub mod fused;
mod hub;
pub mod input;
pub mod model;
mod ops;
pub mod sink;

#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use candle_core::{DType, Device};
use serde::Serialize;
use tokenizers::Tokenizer;

use crate::progress::Progress;
use chunk::{Chars, Length, Splitter};
use encoder::Encoder;
use input::{Columns, Document, InputFile};
use model::ModelDir;
use sink::{EmbeddingSink, Row};

#[derive(Debug, Clone, thiserror::Error)]
pub enum EmbedError {
    #[error("model {model}: {message}")]
    Model { model: String, message: String },
    #[error("{url}: column {column}: {message}")]
    Column {
        url: String,
        column: String,
        message: String,
    },
    #[error("{url}: {message}")]
    Input { url: String, message: String },
    #[error("cannot write {}: {message}", path.display())]
    Write { path: PathBuf, message: String },
    #[error("{0}")]
    Device(String),
    #[error("{0}")]
    Options(String),
    #[error("the encoder failed: {0}")]
    Compute(String),
    #[error("interrupted")]
    Interrupted,
}

fn compute(e: candle_core::Error) -> EmbedError {
    // candle's errors may carry a backtrace; the first line is the message.
    EmbedError::Compute(e.to_string().lines().next().unwrap_or_default().to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceChoice {
    Auto,
    Cpu,
    Cuda(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    F32,
    F16,
    Bf16,
}

impl Precision {
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F16 => "f16",
            Precision::Bf16 => "bf16",
        }
    }

    fn dtype(self) -> DType {
        match self {
            Precision::F32 => DType::F32,
            Precision::F16 => DType::F16,
            Precision::Bf16 => DType::BF16,
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
    pub chunk_size: usize,
    pub chunk_overlap: usize,
    pub chunk_unit: ChunkUnit,
    pub device: DeviceChoice,
    /// None: f32 on the CPU, bf16 on a GPU.
    pub precision: Option<Precision>,
    /// Most chunks per encoder call (None: 32 on the CPU, 512 on a GPU).
    pub batch_size: Option<usize>,
    /// Most padded tokens (chunks × longest) per encoder call (None: 8,192 CPU, 131,072 GPU).
    pub batch_tokens: Option<usize>,
    pub max_seq_length: Option<usize>,
    pub output: PathBuf,
    /// Re-embed inputs whose output is already complete with the same run key.
    pub overwrite: bool,
    /// The encoder's kernels on a GPU (see [`fused::Choice`]).
    pub kernels: fused::Choice,
}

/// What happened to one input.
#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    pub input: String,
    pub output: String,
    /// Skipped: the output exists with the same run key.
    pub skipped: bool,
    pub documents: u64,
    pub chunks: u64,
    pub tokens: u64,
    pub bytes: u64,
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
    pub chunks: u64,
    pub tokens: u64,
    pub seconds: f64,
    pub chunks_per_second: f64,
    pub tokens_per_second: f64,
    /// Time spent in the encoder (the device), so users can see what bounds the run.
    pub encoder_seconds: f64,
    /// The other stages, each on its own thread beside the encoder: reading and chunking,
    /// tokenising (both on the reader thread, so their sum bounds it), writing Parquet.
    pub read_seconds: f64,
    pub tokenize_seconds: f64,
    pub write_seconds: f64,
}

/// Busy time of the reader thread, by stage.
#[derive(Debug, Default, Clone, Copy)]
struct ReadTimes {
    read: f64,
    tokenize: f64,
}

/// The resolved device and the precision it runs in.
pub fn select_device(choice: DeviceChoice) -> Result<(Device, String, Option<String>), EmbedError> {
    #[cfg(feature = "cuda")]
    {
        let ordinal = match choice {
            DeviceChoice::Cpu => return Ok((Device::Cpu, "cpu".into(), None)),
            DeviceChoice::Auto => 0,
            DeviceChoice::Cuda(n) => n,
        };
        match Device::new_cuda(ordinal) {
            Ok(device) => Ok((device, format!("cuda:{ordinal}"), None)),
            Err(e) if choice == DeviceChoice::Auto => Ok((
                Device::Cpu,
                "cpu".into(),
                Some(format!(
                    "no usable CUDA device ({}); running on the CPU",
                    e.to_string().lines().next().unwrap_or_default()
                )),
            )),
            Err(e) => Err(EmbedError::Device(format!(
                "--device cuda:{ordinal}: {}",
                e.to_string().lines().next().unwrap_or_default()
            ))),
        }
    }
    #[cfg(not(feature = "cuda"))]
    match choice {
        DeviceChoice::Auto | DeviceChoice::Cpu => Ok((Device::Cpu, "cpu".into(), None)),
        DeviceChoice::Cuda(_) => Err(EmbedError::Device(
            "--device cuda: this lakeops was built without CUDA support (build it with \
             `--features cuda`, see scripts/build-cuda.sh); use --device cpu or auto"
                .into(),
        )),
    }
}

/// Token counts for `--chunk-unit tokens`: the tokenizer without special tokens or truncation.
struct TokenLength(Tokenizer);

impl Length for TokenLength {
    fn len(&self, text: &str) -> usize {
        self.0
            .encode_fast(text, false)
            .map(|e| e.len())
            .unwrap_or_else(|_| text.chars().count())
    }
}

/// A chunk on its way through the pipeline.
struct Pending {
    doc_id: String,
    chunk_index: i32,
    chunk_start: i64,
    text: String,
    ids: Vec<u32>,
}

enum ReadMsg {
    Start(usize),
    Window(usize, Vec<Pending>),
    /// Input finished: documents and empty documents read.
    End(usize, u64, u64),
}

enum WriteMsg {
    Start(usize),
    Rows(Vec<Row>),
    End(usize),
}

pub struct Embedder {
    pub model: ModelDir,
    encoder: Encoder,
    pub device_name: String,
    pub precision: Precision,
    batch_size: usize,
    batch_tokens: usize,
}

impl Embedder {
    /// Loads the model on the chosen device; the warning says why `auto` fell back to the CPU.
    pub fn load(options: &EmbedOptions) -> Result<(Embedder, Option<String>), EmbedError> {
        let model = ModelDir::open(&options.model, options.max_seq_length)?;
        let (device, device_name, warning) = select_device(options.device)?;
        let gpu = !device.is_cpu();
        let precision =
            options
                .precision
                .unwrap_or(if gpu { Precision::Bf16 } else { Precision::F32 });
        if !gpu && precision == Precision::Bf16 {
            return Err(EmbedError::Options(
                "--dtype bf16 needs a GPU: the CPU kernels have no bf16 matrix multiply; use f32 \
                 (the CPU default) or f16"
                    .into(),
            ));
        }
        let encoder =
            Encoder::load(&model, precision.dtype(), &device, options.kernels).map_err(|e| {
                EmbedError::Model {
                    model: options.model.clone(),
                    message: format!(
                        "{}: {}",
                        model.weights.display(),
                        e.to_string().lines().next().unwrap_or_default()
                    ),
                }
            })?;
        let batch_size = options
            .batch_size
            .unwrap_or(if gpu { 512 } else { 32 })
            .max(1);
        let batch_tokens = options
            .batch_tokens
            .unwrap_or(if gpu { 131_072 } else { 8_192 })
            .max(model.max_seq_length);
        Ok((
            Embedder {
                model,
                encoder,
                device_name,
                precision,
                batch_size,
                batch_tokens,
            },
            warning,
        ))
    }

    /// Token ids as sentence-transformers makes them (stripped, optionally lowercased, truncated).
    pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>, EmbedError> {
        let tokenizer = &self.model.tokenizer;
        let trimmed: Vec<&str> = texts.iter().map(|t| t.trim()).collect();
        // Only lowercasing models need copies of the texts.
        let encodings = if self.model.lowercase {
            let lowered: Vec<String> = trimmed.iter().map(|t| t.to_lowercase()).collect();
            tokenizer.encode_batch_fast(lowered, true)
        } else {
            tokenizer.encode_batch_fast(trimmed, true)
        }
        .map_err(|e| EmbedError::Compute(format!("tokenizer: {e}")))?;
        Ok(encodings
            .into_iter()
            .map(|e| e.get_ids().to_vec())
            .collect())
    }

    /// Embeds token-id sequences in length-sorted batches; vectors come back in input order.
    pub fn embed_ids(
        &self,
        ids: &[&[u32]],
        cancel: &AtomicBool,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(ids[i].len()));
        let mut out = vec![Vec::new(); ids.len()];
        let mut at = 0;
        while at < order.len() {
            if cancel.load(Ordering::Relaxed) {
                return Err(EmbedError::Interrupted);
            }
            // Sorted longest first, so the first member sets the padded length of the batch.
            let longest = ids[order[at]].len().max(1);
            let fit = (self.batch_tokens / longest).clamp(1, self.batch_size);
            let end = (at + fit).min(order.len());
            let batch: Vec<&[u32]> = order[at..end].iter().map(|&i| ids[i]).collect();
            let vectors = self.encoder.embed(&batch).map_err(compute)?;
            for (&i, v) in order[at..end].iter().zip(vectors) {
                out[i] = v;
            }
            at = end;
        }
        Ok(out)
    }

    pub fn embed_texts(
        &self,
        texts: &[&str],
        cancel: &AtomicBool,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let ids = self.tokenize(texts)?;
        let refs: Vec<&[u32]> = ids.iter().map(Vec::as_slice).collect();
        self.embed_ids(&refs, cancel)
    }
}

/// Where an input's embeddings go.
pub fn output_path(options: &EmbedOptions, input: &InputFile) -> PathBuf {
    options
        .output
        .join(format!("{}.parquet", input.output_stem))
}

/// Everything that decides an output file's content, as stored in its metadata.
fn run_key(options: &EmbedOptions, embedder: &Embedder, input: &InputFile) -> String {
    serde_json::json!({
        "input": input.url(),
        "input_size": input.size,
        "input_tag": input.tag,
        "model": embedder.model.name,
        "model_revision": embedder.model.revision,
        "model_fingerprint": embedder.model.fingerprint(),
        "dtype": embedder.precision.name(),
        "max_seq_length": embedder.model.max_seq_length,
        "chunk_size": options.chunk_size,
        "chunk_overlap": options.chunk_overlap,
        "chunk_unit": options.chunk_unit.name(),
        "text_column": options.text_column,
        "id_column": options.id_column,
    })
    .to_string()
}

fn file_metadata(
    options: &EmbedOptions,
    embedder: &Embedder,
    input: &InputFile,
) -> std::collections::HashMap<String, String> {
    let model = &embedder.model;
    [
        ("lakeops.embed.model", model.name.clone()),
        (
            "lakeops.embed.model_revision",
            model.revision.clone().unwrap_or_default(),
        ),
        ("lakeops.embed.dimension", model.dim().to_string()),
        ("lakeops.embed.pooling", model.pooling.name().to_owned()),
        ("lakeops.embed.normalized", model.normalize.to_string()),
        ("lakeops.embed.dtype", embedder.precision.name().to_owned()),
        (
            "lakeops.embed.max_seq_length",
            model.max_seq_length.to_string(),
        ),
        ("lakeops.embed.chunk_size", options.chunk_size.to_string()),
        (
            "lakeops.embed.chunk_overlap",
            options.chunk_overlap.to_string(),
        ),
        (
            "lakeops.embed.chunk_unit",
            options.chunk_unit.name().to_owned(),
        ),
        (
            "lakeops.embed.chunker",
            "langchain RecursiveCharacterTextSplitter".to_owned(),
        ),
        ("lakeops.embed.source", input.url()),
        (sink::RUN_KEY, run_key(options, embedder, input)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub fn run(
    inputs: &[InputFile],
    options: &EmbedOptions,
    embedder: &Embedder,
    runtime: &tokio::runtime::Handle,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<EmbedReport, EmbedError> {
    if options.chunk_size == 0 {
        return Err(EmbedError::Options(
            "--chunk-size must be at least 1".into(),
        ));
    }
    if options.chunk_overlap > options.chunk_size {
        return Err(EmbedError::Options(format!(
            "--chunk-overlap {} is larger than --chunk-size {}",
            options.chunk_overlap, options.chunk_size
        )));
    }
    let started = Instant::now();
    let mut reports: Vec<InputReport> = inputs
        .iter()
        .map(|input| InputReport {
            input: input.url(),
            output: output_path(options, input).display().to_string(),
            skipped: false,
            documents: 0,
            chunks: 0,
            tokens: 0,
            bytes: 0,
        })
        .collect();
    let mut todo = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let path = output_path(options, input);
        let done = !options.overwrite
            && sink::stored_run_key(&path).as_deref()
                == Some(run_key(options, embedder, input).as_str());
        if done {
            reports[i].skipped = true;
        } else {
            todo.push(i);
        }
    }
    progress.start("embedding", None);
    let mut empty_documents = 0u64;
    let mut encoder_seconds = 0f64;
    let window = (embedder.batch_size * 8).max(1024);
    let (read_times, write_seconds) = std::thread::scope(|scope| -> Result<_, EmbedError> {
        let (read_tx, read_rx) = mpsc::sync_channel::<ReadMsg>(2);
        let (write_tx, write_rx) = mpsc::sync_channel::<WriteMsg>(4);
        let reader = scope.spawn(|| {
            read_all(
                inputs, &todo, options, embedder, window, runtime, cancel, read_tx,
            )
        });
        let writer = scope.spawn(|| write_all(inputs, options, embedder, write_rx));
        let pumped = (|| -> Result<(), EmbedError> {
            for msg in read_rx {
                match msg {
                    ReadMsg::Start(i) => send(&write_tx, WriteMsg::Start(i))?,
                    ReadMsg::Window(i, chunks) => {
                        let ids: Vec<&[u32]> = chunks.iter().map(|c| c.ids.as_slice()).collect();
                        let t = Instant::now();
                        let vectors = embedder.embed_ids(&ids, cancel)?;
                        encoder_seconds += t.elapsed().as_secs_f64();
                        reports[i].tokens += ids.iter().map(|s| s.len() as u64).sum::<u64>();
                        reports[i].chunks += chunks.len() as u64;
                        progress.advance(chunks.len() as u64);
                        let rows = chunks
                            .into_iter()
                            .zip(vectors)
                            .map(|(c, embedding)| Row {
                                doc_id: c.doc_id,
                                chunk_index: c.chunk_index,
                                chunk_start: c.chunk_start,
                                chunk_text: c.text,
                                embedding,
                            })
                            .collect();
                        send(&write_tx, WriteMsg::Rows(rows))?;
                    }
                    ReadMsg::End(i, documents, empty) => {
                        reports[i].documents = documents;
                        empty_documents += empty;
                        send(&write_tx, WriteMsg::End(i))?;
                    }
                }
            }
            Ok(())
        })();
        drop(write_tx);
        let read = reader.join().expect("reader thread does not panic");
        let written = writer.join().expect("writer thread does not panic");
        // A stage that stops closes its channels, so the others fail with Interrupted: report
        // the error that started it.
        let errors = [
            written.as_ref().err(),
            read.as_ref().err(),
            pumped.as_ref().err(),
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
            reports[i].bytes = bytes;
        }
        Ok((read?, write_seconds))
    })?;
    progress.finish();
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
        kernels: embedder.encoder.kernels(),
        documents: sum(|r| r.documents),
        empty_documents,
        chunks: sum(|r| r.chunks),
        tokens: sum(|r| r.tokens),
        chunks_per_second: rate(sum(|r| r.chunks)),
        tokens_per_second: rate(sum(|r| r.tokens)),
        inputs: reports,
        seconds,
        encoder_seconds,
        read_seconds: read_times.read,
        tokenize_seconds: read_times.tokenize,
        write_seconds,
    })
}

/// A closed channel means the other side stopped on an error, which it reports itself.
fn send<T>(tx: &mpsc::SyncSender<T>, msg: T) -> Result<(), EmbedError> {
    tx.send(msg).map_err(|_| EmbedError::Interrupted)
}

/// The reader thread: documents → chunks → token ids, in windows of about `window` chunks.
#[allow(clippy::too_many_arguments)]
fn read_all(
    inputs: &[InputFile],
    todo: &[usize],
    options: &EmbedOptions,
    embedder: &Embedder,
    window: usize,
    runtime: &tokio::runtime::Handle,
    cancel: &AtomicBool,
    tx: mpsc::SyncSender<ReadMsg>,
) -> Result<ReadTimes, EmbedError> {
    let mut times = ReadTimes::default();
    // Time blocked on a full channel: the encoder is behind, the reader is not busy.
    let mut waiting = 0f64;
    let started = Instant::now();
    let token_length;
    let length: &dyn Length = match options.chunk_unit {
        ChunkUnit::Chars => &Chars,
        ChunkUnit::Tokens => {
            let mut tokenizer = embedder.model.tokenizer.clone();
            tokenizer
                .with_truncation(None)
                .map_err(|e| EmbedError::Compute(format!("tokenizer: {e}")))?;
            token_length = TokenLength(tokenizer);
            &token_length
        }
    };
    let splitter = Splitter {
        size: options.chunk_size,
        overlap: options.chunk_overlap,
        length,
    };
    let columns = Columns {
        text: &options.text_column,
        id: options.id_column.as_deref(),
    };
    for &i in todo {
        let input = &inputs[i];
        send(&tx, ReadMsg::Start(i))?;
        let mut pending: Vec<Pending> = Vec::new();
        let (mut documents, mut empty) = (0u64, 0u64);
        let flush = |pending: &mut Vec<Pending>,
                     times: &mut ReadTimes,
                     waiting: &mut f64|
         -> Result<(), EmbedError> {
            let t = Instant::now();
            let texts: Vec<&str> = pending.iter().map(|p| p.text.as_str()).collect();
            let ids = embedder.tokenize(&texts)?;
            for (p, ids) in pending.iter_mut().zip(ids) {
                p.ids = ids;
            }
            times.tokenize += t.elapsed().as_secs_f64();
            let t = Instant::now();
            send(&tx, ReadMsg::Window(i, std::mem::take(pending)))?;
            *waiting += t.elapsed().as_secs_f64();
            Ok(())
        };
        input::read_documents(input, runtime, &columns, &mut |docs: Vec<Document>| {
            if cancel.load(Ordering::Relaxed) {
                return Err(EmbedError::Interrupted);
            }
            for doc in docs {
                documents += 1;
                let text = doc.text.unwrap_or_default();
                let chunks = splitter.split(&text);
                if chunks.is_empty() {
                    empty += 1;
                }
                for (index, chunk) in chunks.into_iter().enumerate() {
                    pending.push(Pending {
                        doc_id: doc.id.clone(),
                        chunk_index: index as i32,
                        chunk_start: chunk.char_start as i64,
                        text: text[chunk.bytes].to_owned(),
                        ids: Vec::new(),
                    });
                }
                if pending.len() >= window {
                    flush(&mut pending, &mut times, &mut waiting)?;
                }
            }
            Ok(())
        })?;
        if !pending.is_empty() {
            flush(&mut pending, &mut times, &mut waiting)?;
        }
        send(&tx, ReadMsg::End(i, documents, empty))?;
    }
    times.read = (started.elapsed().as_secs_f64() - times.tokenize - waiting).max(0.0);
    Ok(times)
}

/// The writer thread: one file per input, moved into place when the input ends. Returns the
/// bytes written per input.
fn write_all(
    inputs: &[InputFile],
    options: &EmbedOptions,
    embedder: &Embedder,
    rx: mpsc::Receiver<WriteMsg>,
) -> Result<(Vec<(usize, u64)>, f64), EmbedError> {
    let mut written = Vec::new();
    let mut open: Option<EmbeddingSink> = None;
    let mut busy = 0f64;
    for msg in rx {
        let t = Instant::now();
        match msg {
            WriteMsg::Start(i) => {
                let input = &inputs[i];
                open = Some(EmbeddingSink::create(
                    output_path(options, input),
                    embedder.model.dim(),
                    file_metadata(options, embedder, input),
                )?);
            }
            WriteMsg::Rows(rows) => open.as_mut().expect("started").write(rows)?,
            WriteMsg::End(i) => {
                let (_, bytes) = open.take().expect("started").finish()?;
                written.push((i, bytes));
            }
        }
        busy += t.elapsed().as_secs_f64();
    }
    Ok((written, busy))
}
