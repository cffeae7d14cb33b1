//! The model loaded on its device, behind one facade: tokenising as sentence-transformers does
//! and encoding in length-sorted batches. The pipeline, the unit tests and any caller that wants
//! vectors for a few texts all go through it, so batching and device rules live in one place.

use std::sync::atomic::{AtomicBool, Ordering};

use super::device::{select_devices, Precision};
use super::encoder::Encoder;
use super::model::ModelDir;
use super::{EmbedError, EmbedOptions};

pub(super) fn compute(e: candle_core::Error) -> EmbedError {
    EmbedError::Compute {
        what: "the encoder failed",
        source: std::sync::Arc::new(without_backtrace(e)),
    }
}

/// candle appends a backtrace to its error's text when `RUST_BACKTRACE` is set: a user's error
/// message is the error, not where candle was when it made it.
fn without_backtrace(e: candle_core::Error) -> candle_core::Error {
    use candle_core::Error;
    match e {
        Error::WithBacktrace { inner, .. } => without_backtrace(*inner),
        Error::Context { inner, context } => Error::Context {
            inner: Box::new(without_backtrace(*inner)),
            context,
        },
        Error::WithPath { inner, path } => Error::WithPath {
            inner: Box::new(without_backtrace(*inner)),
            path,
        },
        e => e,
    }
}

/// A tokenizer failure; `what` says what was being done.
pub(super) fn tokenizer_error(what: &'static str) -> impl Fn(tokenizers::Error) -> EmbedError {
    move |e| EmbedError::Compute {
        what,
        source: std::sync::Arc::from(e),
    }
}

/// The model, its tokenizer and one encoder per device (`--device cpu,cpu`, `cuda:all`).
pub struct Embedder {
    pub model: ModelDir,
    /// Each encoder with its device's name.
    encoders: Vec<(Encoder, String)>,
    /// The devices' names, comma-separated, for the report.
    pub device_name: String,
    pub precision: Precision,
    batch_size: usize,
    batch_tokens: usize,
}

impl Embedder {
    pub fn load(options: &EmbedOptions) -> Result<(Embedder, Option<String>), EmbedError> {
        let model = ModelDir::open(&options.model, options.max_seq_length)?;
        let (devices, warning) = select_devices(&options.device)?;
        let gpu = !devices[0].0.is_cpu();
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
        let mut encoders = Vec::with_capacity(devices.len());
        for (device, name) in devices {
            let encoder = Encoder::load(&model, precision.dtype(), &device, options.kernels)
                .map_err(|e| EmbedError::Model {
                    model: options.model.clone(),
                    problem: format!(
                        "{}: {}",
                        model.weights.display(),
                        e.to_string().lines().next().unwrap_or_default()
                    ),
                })?;
            encoders.push((encoder, name));
        }
        let batch_size = options
            .batch_size
            .unwrap_or(if gpu { 512 } else { 32 })
            .max(1);
        let batch_tokens = options
            .batch_tokens
            .unwrap_or(if gpu { 131_072 } else { 8_192 })
            .max(model.max_seq_length);
        let device_name = encoders
            .iter()
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
            .join(",");
        Ok((
            Embedder {
                model,
                encoders,
                device_name,
                precision,
                batch_size,
                batch_tokens,
            },
            warning,
        ))
    }

    /// How many encoders run at once.
    pub fn encoders(&self) -> usize {
        self.encoders.len()
    }

    /// The name of encoder `k`'s device.
    pub fn encoder_device(&self, k: usize) -> &str {
        &self.encoders[k].1
    }

    pub fn kernels(&self) -> &'static str {
        self.encoders[0].0.kernels()
    }

    /// Chunks the reader tokenises at once: about eight batches, so that sorting a window by
    /// length gives the encoder batches with little padding.
    pub(super) fn window(&self) -> usize {
        (self.batch_size * 8).max(1024)
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
        .map_err(tokenizer_error("cannot tokenize the batch"))?;
        Ok(encodings
            .into_iter()
            .map(|e| e.get_ids().to_vec())
            .collect())
    }

    /// Vectors for token ids on encoder `k`, in batches sorted by length; vectors come back in
    /// input order.
    pub fn embed_ids(
        &self,
        k: usize,
        ids: &[&[u32]],
        cancel: &AtomicBool,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(ids[i].len()));
        let mut batches = Vec::new();
        let mut at = 0;
        while at < order.len() {
            // Sorted longest first, so the first member sets the padded length of the batch.
            let longest = ids[order[at]].len().max(1);
            let fit = (self.batch_tokens / longest).clamp(1, self.batch_size);
            let end = (at + fit).min(order.len());
            batches.push(&order[at..end]);
            at = end;
        }
        let encoder = &self.encoders[k].0;
        let mut out = vec![Vec::new(); ids.len()];
        one_ahead(
            batches,
            |members| {
                if cancel.load(Ordering::Relaxed) {
                    return Err(EmbedError::Interrupted);
                }
                let batch: Vec<&[u32]> = members.iter().map(|&i| ids[i]).collect();
                encoder.submit(&batch).map_err(compute)
            },
            |members, pending| {
                let vectors = pending.wait().map_err(compute)?;
                for (&i, v) in members.iter().zip(vectors) {
                    out[i] = v;
                }
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Texts to vectors in one call (the pipeline tokenises and batches on its own).
    #[cfg(test)]
    pub fn embed_texts(
        &self,
        texts: &[&str],
        cancel: &AtomicBool,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let ids = self.tokenize(texts)?;
        let refs: Vec<&[u32]> = ids.iter().map(Vec::as_slice).collect();
        self.embed_ids(0, &refs, cancel)
    }
}

/// Submits each batch before finishing the one before it, so a GPU has the next batch queued
/// while the host reads the last one back: the device never idles between batches. At most two
/// batches are in flight; they finish in order.
fn one_ahead<B, P>(
    batches: impl IntoIterator<Item = B>,
    mut submit: impl FnMut(&B) -> Result<P, EmbedError>,
    mut finish: impl FnMut(B, P) -> Result<(), EmbedError>,
) -> Result<(), EmbedError> {
    let mut in_flight = None;
    for batch in batches {
        let pending = submit(&batch)?;
        if let Some((earlier, earlier_pending)) = in_flight.replace((batch, pending)) {
            finish(earlier, earlier_pending)?;
        }
    }
    match in_flight {
        Some((last, pending)) => finish(last, pending),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// The order a GPU needs: batch n+1 queued before batch n is read back, every batch finished
    /// once, in order.
    #[test]
    fn batches_are_submitted_one_ahead_of_finishing() {
        let log = RefCell::new(Vec::new());
        one_ahead(
            0..4,
            |&b| {
                log.borrow_mut().push(format!("submit {b}"));
                Ok(b * 10)
            },
            |b, p| {
                assert_eq!(p, b * 10);
                log.borrow_mut().push(format!("finish {b}"));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            log.into_inner(),
            [
                "submit 0", "submit 1", "finish 0", "submit 2", "finish 1", "submit 3", "finish 2",
                "finish 3"
            ]
        );
    }

    #[test]
    fn one_ahead_stops_at_the_first_error_and_finishes_nothing_after_it() {
        let finished = RefCell::new(Vec::new());
        let err = one_ahead(
            0..5,
            |&b| {
                if b == 2 {
                    Err(EmbedError::Interrupted)
                } else {
                    Ok(b)
                }
            },
            |b, _| {
                finished.borrow_mut().push(b);
                Ok(())
            },
        )
        .unwrap_err();
        assert!(matches!(err, EmbedError::Interrupted));
        assert_eq!(finished.into_inner(), [0]);
        let none = one_ahead(
            std::iter::empty::<u32>(),
            |_| Ok(()),
            |_, _| panic!("nothing"),
        );
        assert!(none.is_ok());
    }
}
