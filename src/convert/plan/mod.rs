//! Which inputs, and where each one's output goes. Missing inputs are usage errors before any
//! work starts; directories and prefixes are planned a folder at a time as they are listed, and
//! the checks across inputs (name clashes, an output that is an input) remember every earlier
//! folder, so they hold for the whole run. `--dry-run` plans the whole listing at once.
//!
//! Stages, one file each: [`listing`] (the arguments as a stream of resolved inputs) →
//! `storage::discover::Selection` (`--include`/`--exclude`, `--shard`) → [`output`] (the output root and the state
//! location) → [`planner`] (each input's output keys, the checks across inputs). This file holds
//! the two entry points, [`resolve_inputs`] and [`plan_outputs`].

mod listing;
mod output;
mod planner;
#[cfg(test)]
mod tests;

use super::source::Input;
use super::ConvertError;
#[cfg(test)]
use crate::storage::discover::shard_of;
pub use crate::storage::discover::Selection;
use crate::storage::discover::{discover_each, Accept, Order};
use crate::storage::kind::{FileKind, Format};
pub use listing::{Listing, Ranked, ResolvedInput};
pub use output::OutputRoot;
pub use planner::{Planned, PlannedInput, Planner, Refused};

const DATA_FILES: &str = "JSON-lines files (*.jsonl, *.json, *.ndjson, optionally .zst or .gz)";

fn is_data_file(key: &str) -> bool {
    FileKind::of(key).is_some_and(|kind| kind.format == Format::Json)
}

const ACCEPT: Accept<'static> = Accept {
    is_input: &is_data_file,
    description: DATA_FILES,
    named: None,
};

/// Expands the command-line inputs: files as given, directories and s3:// prefixes recursively
/// (JSON-lines names only, hidden and `_`-prefixed entries skipped), glob patterns, s3://
/// objects, and `-` for stdin. Missing files and bad patterns are errors here; directories and
/// prefixes are listed in the background while the returned `Listing` is consumed.
pub fn resolve_inputs(
    args: &[String],
    s3: Option<&aws_sdk_s3::Client>,
    runtime: &tokio::runtime::Handle,
) -> Result<Listing, ConvertError> {
    let mut first = Vec::new();
    let mut named = Vec::new();
    for (arg, text) in args.iter().enumerate() {
        if text != "-" {
            named.push((arg, text.clone()));
        } else if first.is_empty() {
            first.push(Ranked {
                order: Order {
                    arg,
                    ..Order::default()
                },
                input: ResolvedInput {
                    input: Input::Stdin,
                    rel_dir: String::new(),
                },
            });
        } else {
            return Err(ConvertError::Options(
                "stdin (-) can be given only once".into(),
            ));
        }
    }
    let batches = runtime
        .block_on(discover_each(&named, s3, ACCEPT))
        .map_err(ConvertError::Discover)?;
    Ok(Listing::streamed(first, batches, runtime.clone()))
}

/// `-o x.parquet` with one input writes exactly that file; anything else is a directory or
/// prefix holding one file (or numbered parts) per input, named after the input, in the
/// input's folder. (The run plans as it lists, through [`Planner`]; the tests plan a list.)
#[cfg(test)]
pub fn plan_outputs(
    inputs: &[ResolvedInput],
    output: &OutputRoot,
    splits: bool,
) -> Result<(Vec<PlannedInput>, Vec<Refused>), ConvertError> {
    let selection = Selection::default();
    let mut planner = Planner::new(output, &selection, splits);
    let batch = Listing::from_inputs(inputs.to_vec())
        .collect_ranked(&std::sync::atomic::AtomicBool::new(false))?;
    let planned = planner.plan(batch)?;
    Ok((
        planned.inputs.into_iter().map(|(_, p)| p).collect(),
        planned.refused.into_iter().map(|(_, r)| r).collect(),
    ))
}
