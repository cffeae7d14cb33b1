//! The pipeline's reader thread: each input's documents (`input`) → chunks (`chunk`) → token ids,
//! handed to the encoder in windows. Tokenising here, beside reading, keeps the calling thread
//! free to drive the device. An input that fails alone is reported and the next one is read.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

use super::chunk::{Chars, Length, Splitter, TokenLength};
use super::input::{self, Candidate, Columns, Document, InputFile, Inputs};
use super::sink::{self, output_name};
use super::{send, ChunkUnit, EmbedError, EmbedOptions, Embedder, InputReport};
use crate::storage::discover::Order;

/// A chunk on its way through the pipeline.
pub(super) struct Pending {
    pub doc_id: String,
    pub chunk_index: i32,
    pub chunk_start: i64,
    pub text: String,
    pub ids: Vec<u32>,
    /// The document's kept columns, shared by its chunks.
    pub kept: Arc<[Option<String>]>,
}

pub(super) enum ReadMsg {
    /// The next input as listed (its index is the count of those before it): its place in the
    /// report order, whether discovery refused it, and its report so far (final when refused or
    /// skipped as up to date).
    Listed(Order, bool, Box<InputReport>),
    Start(Box<InputFile>),
    Window(usize, Vec<Pending>),
    /// Input finished: documents and empty documents read.
    End(usize, u64, u64),
    /// Input failed alone (see [`EmbedError::fails_alone`]); its windows sent so far are void.
    Failed(usize, String),
}

/// Busy time of the reader thread, by stage.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct ReadTimes {
    pub read: f64,
    pub tokenize: f64,
}

/// Reads the inputs as they are listed, skipping those whose output is up to date; returns early
/// only on an error of the run (or, with `--fail-fast`, of the first input that fails).
pub(super) fn read_all(
    mut inputs: Inputs,
    options: &EmbedOptions,
    embedder: &Embedder,
    runtime: &tokio::runtime::Handle,
    cancel: &AtomicBool,
    tx: mpsc::SyncSender<ReadMsg>,
) -> Result<ReadTimes, EmbedError> {
    let mut times = ReadTimes::default();
    // Time blocked on a full channel: the encoder is behind, the reader is not busy.
    let mut waiting = 0f64;
    let started = Instant::now();
    let window = embedder.window();
    let token_length;
    let length: &dyn Length = match options.chunk_unit {
        ChunkUnit::Chars => &Chars,
        ChunkUnit::Tokens => {
            let mut tokenizer = embedder.model.tokenizer.clone();
            tokenizer
                .with_truncation(None)
                .map_err(super::embedder::tokenizer_error(
                    "cannot set up the tokenizer for token chunks",
                ))?;
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
        keep: &options.keep_columns,
    };
    let mut listed = 0usize;
    while let Some(batch) = inputs.next_batch(cancel) {
        for (order, candidate) in batch? {
            let i = listed;
            listed += 1;
            let input = match candidate {
                Candidate::Refused { url, reason } => {
                    if options.fail_fast {
                        return Err(EmbedError::Input {
                            url,
                            problem: reason,
                        });
                    }
                    let report = InputReport {
                        error: Some(format!("{url}: {reason}")),
                        ..InputReport::new(url, String::new())
                    };
                    timed_send(
                        &tx,
                        ReadMsg::Listed(order, true, Box::new(report)),
                        &mut waiting,
                    )?;
                    continue;
                }
                Candidate::Input(input) => input,
            };
            let skipped = sink::up_to_date(options, embedder, &input, runtime);
            let report = InputReport {
                skipped,
                size: input.size,
                ..InputReport::new(input.url(), output_name(options, &input))
            };
            timed_send(
                &tx,
                ReadMsg::Listed(order, false, Box::new(report)),
                &mut waiting,
            )?;
            if skipped {
                continue;
            }
            timed_send(&tx, ReadMsg::Start(Box::new(input.clone())), &mut waiting)?;
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
                timed_send(&tx, ReadMsg::Window(i, std::mem::take(pending)), waiting)
            };
            let read = (|| -> Result<(u64, u64), EmbedError> {
                let mut pending: Vec<Pending> = Vec::new();
                let (mut documents, mut empty) = (0u64, 0u64);
                input::read_documents(&input, runtime, &columns, &mut |docs: Vec<Document>| {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(EmbedError::Interrupted);
                    }
                    for doc in docs {
                        documents += 1;
                        let text = doc.text.unwrap_or_default();
                        let kept: Arc<[Option<String>]> = doc.kept.into();
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
                                kept: kept.clone(),
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
                Ok((documents, empty))
            })();
            match read {
                Ok((documents, empty)) => {
                    timed_send(&tx, ReadMsg::End(i, documents, empty), &mut waiting)?
                }
                Err(e) if e.fails_alone() && !options.fail_fast => timed_send(
                    &tx,
                    ReadMsg::Failed(i, crate::error::chain_text(&e)),
                    &mut waiting,
                )?,
                Err(e) => return Err(e),
            }
        }
    }
    // Ctrl-C while the listing went on: the inputs not yet listed were never read.
    if cancel.load(Ordering::Relaxed) {
        return Err(EmbedError::Interrupted);
    }
    times.read = (started.elapsed().as_secs_f64() - times.tokenize - waiting).max(0.0);
    Ok(times)
}

/// Sends on to the pipeline, counting the time blocked on a full channel as waiting (the
/// encoders are behind), not as reading.
fn timed_send(
    tx: &mpsc::SyncSender<ReadMsg>,
    msg: ReadMsg,
    waiting: &mut f64,
) -> Result<(), EmbedError> {
    let t = Instant::now();
    let sent = send(tx, msg);
    *waiting += t.elapsed().as_secs_f64();
    sent
}
