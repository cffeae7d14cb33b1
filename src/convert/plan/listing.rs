//! The resolved inputs and the `Listing` that hands them over a folder at a time as
//! `discover_each` lists them.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::convert::source::{Input, Object};
use crate::convert::ConvertError;
use crate::storage::discover::{Batches, Order};
use crate::storage::Found;

/// An input and the folder (relative to the output root, `/`-separated, `""` for none) its
/// output mirrors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedInput {
    pub input: Input,
    pub rel_dir: String,
}

impl ResolvedInput {
    /// The key `--include`, `--exclude` and `--shard` look at: the input's path below the
    /// argument it was found under (its name, for an input named directly).
    pub fn relative_key(&self) -> String {
        let name = match &self.input {
            Input::Path(path) => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Input::Stdin => "-".to_owned(),
            Input::Object(object) => object.found.name().to_owned(),
        };
        if self.rel_dir.is_empty() {
            name
        } else {
            format!("{}/{name}", self.rel_dir)
        }
    }
}

/// A resolved input with its place in the report order.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub order: Order,
    pub input: ResolvedInput,
}

/// The inputs the arguments name, handed over as they are listed: a directory or prefix a folder
/// at a time (`discover_each`), so that conversion starts before a large listing ends.
pub struct Listing {
    state: Mutex<ListingState>,
    stdin: bool,
}

struct ListingState {
    /// Batches taken ahead of the consumer (to tell one input from several): handed over first.
    ahead: VecDeque<Vec<Ranked>>,
    rest: Option<(Batches, tokio::runtime::Handle)>,
}

/// How often a consumer waiting on a slow listing looks at Ctrl-C.
const CANCEL_POLL: std::time::Duration = std::time::Duration::from_millis(200);

impl Listing {
    /// Inputs known already, in this order.
    #[cfg(test)]
    pub fn from_inputs(inputs: Vec<ResolvedInput>) -> Listing {
        let stdin = inputs.iter().any(|i| i.input == Input::Stdin);
        let ranked = inputs
            .into_iter()
            .enumerate()
            .map(|(matched, input)| Ranked {
                order: Order {
                    matched,
                    ..Order::default()
                },
                input,
            })
            .collect();
        Listing {
            state: Mutex::new(ListingState {
                ahead: VecDeque::from([ranked]),
                rest: None,
            }),
            stdin,
        }
    }

    /// `first` (stdin, when given), then what the listing sends.
    pub fn streamed(
        first: Vec<Ranked>,
        batches: Batches,
        runtime: tokio::runtime::Handle,
    ) -> Listing {
        let stdin = first.iter().any(|r| r.input.input == Input::Stdin);
        let mut ahead = VecDeque::new();
        if !first.is_empty() {
            ahead.push_back(first);
        }
        Listing {
            stdin,
            state: Mutex::new(ListingState {
                ahead,
                rest: Some((batches, runtime)),
            }),
        }
    }

    /// Whether stdin is among the inputs (its size is unknown).
    pub fn has_stdin(&self) -> bool {
        self.stdin
    }

    /// The next batch, as soon as it is listed; `None` at the end, or once `cancel` is set.
    pub fn next_batch(&self, cancel: &AtomicBool) -> Option<Result<Vec<Ranked>, ConvertError>> {
        let mut state = self.state.lock().expect("no panics while held");
        if let Some(batch) = state.ahead.pop_front() {
            return Some(Ok(batch));
        }
        let (batches, runtime) = state.rest.as_mut()?;
        let received = loop {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            // Inside the runtime: a timer needs its context to be made.
            let next =
                runtime.block_on(async { tokio::time::timeout(CANCEL_POLL, batches.recv()).await });
            if let Ok(received) = next {
                break received;
            }
        };
        let runtime = runtime.clone();
        match received {
            Some(Ok(listed)) => Some(Ok(listed
                .into_iter()
                .map(|listed| Ranked {
                    order: listed.order,
                    input: resolved(listed.found, &runtime),
                })
                .collect())),
            Some(Err(e)) => {
                state.rest = None;
                Some(Err(ConvertError::Discover(e)))
            }
            None => {
                state.rest = None;
                None
            }
        }
    }

    /// Whether there is exactly one input (`-o x.parquet` then names the file): lists until a
    /// second input is found or the listing ends.
    pub fn single(&self) -> Result<bool, ConvertError> {
        let never = AtomicBool::new(false);
        let mut taken = Vec::new();
        let mut count = 0;
        let result = loop {
            if count > 1 {
                break Ok(false);
            }
            match self.next_batch(&never) {
                Some(Ok(batch)) => {
                    count += batch.len();
                    taken.push(batch);
                }
                Some(Err(e)) => break Err(e),
                None => break Ok(count == 1),
            }
        };
        let mut state = self.state.lock().expect("no panics while held");
        for batch in taken.into_iter().rev() {
            state.ahead.push_front(batch);
        }
        result
    }

    /// Every input, in report order: the whole listing, for what needs all of it (a schema
    /// inferred from every input, `--dry-run`'s plan).
    pub fn collect_ranked(&self, cancel: &AtomicBool) -> Result<Vec<Ranked>, ConvertError> {
        let mut all = Vec::new();
        while let Some(batch) = self.next_batch(cancel) {
            all.extend(batch?);
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(ConvertError::Interrupted);
        }
        all.sort_by(|a, b| a.order.cmp(&b.order));
        Ok(all)
    }

    /// Every input, in report order.
    pub fn collect(&self, cancel: &AtomicBool) -> Result<Vec<ResolvedInput>, ConvertError> {
        Ok(self
            .collect_ranked(cancel)?
            .into_iter()
            .map(|r| r.input)
            .collect())
    }

    /// Hands `batch` over again, ahead of anything not yet taken.
    pub fn put_back(&self, batch: Vec<Ranked>) {
        let mut state = self.state.lock().expect("no panics while held");
        state.ahead.push_front(batch);
    }
}

fn resolved(found: Found, runtime: &tokio::runtime::Handle) -> ResolvedInput {
    let rel_dir = found.rel_dir().to_owned();
    let input = match found.store.local_file(&found.key) {
        Some(path) => Input::Path(path),
        None => Input::Object(Arc::new(Object {
            found,
            runtime: runtime.clone(),
        })),
    };
    ResolvedInput { input, rel_dir }
}
