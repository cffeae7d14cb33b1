//! Each input's output keys, planned a batch at a time, with the checks across inputs that
//! must remember every earlier batch (two inputs writing one output, an output that is an input).

use std::collections::HashMap;

use super::{OutputRoot, Ranked, ResolvedInput, Selection};
use crate::convert::sink::Target;
use crate::convert::source::Input;
use crate::convert::ConvertError;
use crate::storage;
use crate::storage::discover::Order;

/// One input with its destinations (keys in the output store).
#[derive(Debug, Clone)]
pub struct PlannedInput {
    pub input: Input,
    pub target: Target,
    pub dead_letter: String,
}

/// `dir/name` for keys, where either may be empty.
fn join(dir: &str, name: &str) -> String {
    match (dir.is_empty(), name.is_empty()) {
        (true, _) => name.to_owned(),
        (false, true) => dir.to_owned(),
        (false, false) => format!("{dir}/{name}"),
    }
}

/// One batch, planned: the inputs this process converts, and those refused.
#[derive(Default)]
pub struct Planned {
    pub inputs: Vec<(Order, PlannedInput)>,
    pub refused: Vec<(Order, Refused)>,
}

/// Plans inputs a batch at a time as they are listed: this process's share, and each one's
/// outputs. The checks across inputs remember every earlier batch: two inputs writing one
/// output, and an output that is one of the inputs (the same file through any name, or the same
/// S3 object), whose data and rejected lines would be lost.
pub struct Planner<'a> {
    output: &'a OutputRoot,
    selection: &'a Selection,
    splits: bool,
    /// Every planned output key, with the input that writes it.
    writers: HashMap<String, (Order, String)>,
    /// Every input listed so far, selected or not, by identity.
    inputs: HashMap<storage::Identity, String>,
    /// Every planned output that has an identity (on S3 all; locally those that exist), shown.
    outputs: HashMap<storage::Identity, String>,
}

impl<'a> Planner<'a> {
    pub fn new(output: &'a OutputRoot, selection: &'a Selection, splits: bool) -> Planner<'a> {
        Planner {
            output,
            selection,
            splits,
            writers: HashMap::new(),
            inputs: HashMap::new(),
            outputs: HashMap::new(),
        }
    }

    pub fn plan(&mut self, batch: Vec<Ranked>) -> Result<Planned, ConvertError> {
        for ranked in &batch {
            let identity = match &ranked.input.input {
                Input::Path(path) => storage::file_identity(path),
                Input::Object(object) => object.found.store.identity(&object.found.key),
                Input::Stdin => None,
            };
            let Some(identity) = identity else { continue };
            let name = ranked.input.input.display_name();
            // An input listed after an output that is it was planned.
            if let Some(output) = self.outputs.get(&identity) {
                return Err(overwrites(output, &name));
            }
            self.inputs.insert(identity, name);
        }
        let mut planned = Planned::default();
        for Ranked { order, input } in batch {
            if !self.selection.admits(&input.relative_key()) {
                continue;
            }
            match self.target(&input) {
                Ok(target) => planned.inputs.push((order, target)),
                Err(refused) => planned.refused.push((order, refused)),
            }
        }
        for (order, target) in &planned.inputs {
            let name = target.input.display_name();
            let key = target.target.first_key();
            if let Some((other_order, other)) = self.writers.get(&key) {
                // Named in report order, whichever was listed first.
                let (first, second) = if other_order <= order {
                    (other.as_str(), name.as_str())
                } else {
                    (name.as_str(), other.as_str())
                };
                return Err(ConvertError::Options(format!(
                    "{first} and {second} would both write {}; convert them in separate runs or \
                     into separate directories",
                    self.output.store.display(&key)
                )));
            }
            self.writers.insert(key.clone(), (order.clone(), name));
            for key in [key, target.dead_letter.clone()] {
                let Some(identity) = self.output.store.identity(&key) else {
                    continue;
                };
                let shown = self.output.store.display(&key);
                if let Some(input) = self.inputs.get(&identity) {
                    return Err(overwrites(&shown, input));
                }
                self.outputs.insert(identity, shown);
            }
        }
        Ok(planned)
    }

    fn target(&self, resolved: &ResolvedInput) -> Result<PlannedInput, Refused> {
        if let Some(file) = &self.output.file {
            // Set only when the arguments name exactly one input.
            let stem = file
                .strip_suffix(".parquet")
                .or_else(|| file.strip_suffix(".PARQUET"))
                .unwrap_or(file)
                .to_owned();
            let target = if self.splits {
                Target::Parts {
                    dir: String::new(),
                    stem: stem.clone(),
                }
            } else {
                Target::File(file.clone())
            };
            return Ok(PlannedInput {
                input: resolved.input.clone(),
                target,
                dead_letter: format!("_rejected/{stem}.jsonl"),
            });
        }
        let stem = resolved.input.stem();
        // The output mirrors the input's key from its normal components only (an S3 key is any
        // string): `a//b` and `/a` stay inside the output root, `..` is refused for this input.
        let dir = match storage::normal_key(&resolved.relative_key()) {
            Ok(key) => key
                .rsplit_once('/')
                .map_or(String::new(), |(dir, _)| dir.to_owned()),
            Err(e) => {
                return Err(Refused {
                    input: resolved.input.display_name(),
                    reason: e.to_string(),
                })
            }
        };
        let target = if self.splits {
            Target::Parts {
                dir: dir.clone(),
                stem: stem.clone(),
            }
        } else {
            Target::File(join(&dir, &format!("{stem}.parquet")))
        };
        Ok(PlannedInput {
            input: resolved.input.clone(),
            target,
            dead_letter: join(&join("_rejected", &dir), &format!("{stem}.jsonl")),
        })
    }
}

fn overwrites(output: &str, input: &str) -> ConvertError {
    ConvertError::Options(format!(
        "{output} is also an input ({input}): writing it would replace the data being \
         converted; choose another output"
    ))
}

/// An input whose output name would be unsafe: it fails alone (exit 1), the others run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub input: String,
    pub reason: String,
}
