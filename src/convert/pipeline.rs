//! One input through the stages: a reader thread splits it into chunks, the shared worker pool
//! parses them, and the input's writer takes the parsed chunks back in order into its sink.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};

use super::batch::{self, BatchContext, ParsedChunk, Reject};
use super::plan::PlannedInput;
use super::report::{Counts, FileReport};
use super::sink::{DeadLetter, Destination, ParquetSink};
use super::source::{self};
use super::{ConvertError, ConvertOptions, OnError};
use crate::progress::Progress;
use crate::text::codec::{Compression, Opened};
use crate::text::lines::{Chunk, Piece, Splitter};

pub(super) struct Job {
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

pub(super) fn parse_worker(jobs: &Mutex<Receiver<Job>>, cancel: &AtomicBool, stop: &AtomicBool) {
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
pub(super) fn convert_input(
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
                        return Err(ConvertError::Corrupt {
                            path: name.clone().into(),
                            codec: compression.name(),
                            line: partial.first_line,
                            source: error,
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
