//! The inputs the arguments name, handed over as they are listed: those `--include`,
//! `--exclude` and `--shard` admit, each checked for a safe and unique output name, and left out
//! when it lies under the output directory or prefix.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{embeddable, InputFile};
use crate::embed::EmbedError;
use crate::storage::discover::{discover_each, Accept, Batches, Listed, Order, Selection};
use crate::storage::{Found, Store};

/// What embed reads, for the lister.
fn is_embeddable(key: &str) -> bool {
    embeddable(key).is_some()
}

const NOT_AN_INPUT: &str = "not an input this command reads (*.parquet, or JSON lines: *.jsonl, \
                            *.json, *.ndjson, optionally .zst or .gz)";

const ACCEPT: Accept<'static> = Accept {
    is_input: &is_embeddable,
    description: "inputs (*.parquet, or JSON lines: *.jsonl, *.json, *.ndjson, optionally .zst \
                  or .gz)",
    named: Some(NOT_AN_INPUT),
};

/// An input as listed: to embed, or refused because its output name would be unsafe (see
/// `storage::normal_key`; it fails alone, exit 1, and the others run).
pub enum Candidate {
    Input(InputFile),
    Refused { url: String, reason: String },
}

/// The inputs the arguments name, handed over as they are listed: a directory or prefix a folder
/// at a time (`discover_each`), so that embedding starts before a large listing ends.
pub struct Inputs {
    batches: Batches,
    runtime: tokio::runtime::Handle,
    output: Arc<Store>,
    selection: Selection,
    /// Every output stem handed over, with the input that writes it: a clash in any two
    /// batches is caught.
    writers: HashMap<String, (Order, String)>,
    /// Inputs handed over (refused ones included).
    handed: usize,
    /// Inputs `selection` left out.
    deselected: usize,
}

/// How often a consumer waiting on a slow listing looks at Ctrl-C.
const CANCEL_POLL: std::time::Duration = std::time::Duration::from_millis(200);

/// Expands the command-line inputs: local files, directories (recursively) and globs, s3://
/// objects and prefixes. `s3` is needed only when an s3:// input is given. Missing files and
/// bad patterns are errors here; directories and prefixes are listed in the background while
/// the returned `Inputs` are consumed. Inputs under the output are left out: with the output
/// inside an input directory or prefix, a rerun must not take its own Parquet files for
/// documents.
pub async fn discover(
    args: &[String],
    s3: Option<&aws_sdk_s3::Client>,
    output: &Arc<Store>,
    selection: Selection,
) -> Result<Inputs, EmbedError> {
    let args: Vec<(usize, String)> = args.iter().cloned().enumerate().collect();
    let batches = discover_each(&args, s3, ACCEPT)
        .await
        .map_err(|e| EmbedError::Discover(std::sync::Arc::new(e)))?;
    Ok(Inputs::streamed(
        batches,
        tokio::runtime::Handle::current(),
        output,
        selection,
    ))
}

impl Inputs {
    /// What `batches` hands over and `selection` admits, for a run writing into `output`.
    pub fn streamed(
        batches: Batches,
        runtime: tokio::runtime::Handle,
        output: &Arc<Store>,
        selection: Selection,
    ) -> Inputs {
        Inputs {
            batches,
            runtime,
            output: output.clone(),
            selection,
            writers: HashMap::new(),
            handed: 0,
            deselected: 0,
        }
    }

    /// The next batch, in key order, as soon as it is listed; `None` at the end, or once
    /// `cancel` is set. Two inputs that would write one file are an error when the second is
    /// listed, and so is a listing whose every input is inside the output directory.
    pub fn next_batch(
        &mut self,
        cancel: &AtomicBool,
    ) -> Option<Result<Vec<(Order, Candidate)>, EmbedError>> {
        let received = loop {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            // Inside the runtime: a timer needs its context to be made.
            let next = self
                .runtime
                .block_on(async { tokio::time::timeout(CANCEL_POLL, self.batches.recv()).await });
            if let Ok(received) = next {
                break received;
            }
        };
        let listed = match received {
            Some(Ok(listed)) => listed,
            Some(Err(e)) => return Some(Err(EmbedError::Discover(std::sync::Arc::new(e)))),
            // A shard or filter that takes nothing is a run with nothing to do, not an error.
            None if self.handed == 0 && self.deselected == 0 => {
                return Some(Err(EmbedError::Options(format!(
                    "every input is inside the output {}: nothing to embed",
                    self.output.root_url()
                ))))
            }
            None => return None,
        };
        let mut batch = Vec::with_capacity(listed.len());
        for Listed { order, found } in listed {
            if self.output.covers(&found.store, &found.key) {
                continue;
            }
            if !self.selection.admits(&found.key) {
                self.deselected += 1;
                continue;
            }
            let candidate = match candidate(found) {
                Ok(candidate) => candidate,
                Err(e) => return Some(Err(e)),
            };
            if let Candidate::Input(input) = &candidate {
                let url = input.url();
                if let Some((other_order, other)) = self.writers.get(&input.output_stem) {
                    // Named in report order, whichever was listed first.
                    let (first, second) = if *other_order <= order {
                        (other.as_str(), url.as_str())
                    } else {
                        (url.as_str(), other.as_str())
                    };
                    return Some(Err(EmbedError::Options(format!(
                        "{first} and {second} would both write {}.parquet; embed them in \
                         separate runs or rename one",
                        input.output_stem
                    ))));
                }
                self.writers
                    .insert(input.output_stem.clone(), (order.clone(), url));
            }
            self.handed += 1;
            batch.push((order, candidate));
        }
        Some(Ok(batch))
    }
}

fn candidate(found: Found) -> Result<Candidate, EmbedError> {
    // The lister took only such names (`ACCEPT.named` for files named on the command line).
    let kind = embeddable(&found.key).ok_or_else(|| EmbedError::Input {
        url: found.url(),
        problem: NOT_AN_INPUT.into(),
    })?;
    // The key without its extension keeps its folders: `a/part-0.jsonl.zst` -> `a/part-0`.
    let without_extension = &found.key[..found.key.len() - kind.extension.len()];
    // The output mirrors the key from its normal components only: an S3 key is any string, and
    // `/x` or `a//b` must not name a file outside the output directory.
    let output_stem = match crate::storage::normal_key(without_extension) {
        Ok(stem) => stem,
        Err(e) => {
            return Ok(Candidate::Refused {
                url: found.url(),
                reason: e.to_string(),
            })
        }
    };
    Ok(Candidate::Input(InputFile {
        output_stem,
        format: kind.format,
        store: found.store,
        key: found.key,
        size: found.size,
        tag: found.tag,
    }))
}
