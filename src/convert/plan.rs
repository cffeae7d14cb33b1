//! Which inputs, and where each one's output goes. Missing inputs are usage errors before any
//! work starts; directories and prefixes are planned a folder at a time as they are listed, and
//! the checks across inputs (name clashes, an output that is an input) remember every earlier
//! folder, so they hold for the whole run. `--dry-run` plans the whole listing at once.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::sink::Target;
use super::source::{Input, Object};
use super::ConvertError;
use crate::storage::discover::{discover_each, Accept, Batches, KeyFilter, Order};
use crate::storage::kind::{FileKind, Format};
use crate::storage::{self, Found, Location, Store};

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

const DATA_FILES: &str = "JSON-lines files (*.jsonl, *.json, *.ndjson, optionally .zst or .gz)";

fn is_data_file(key: &str) -> bool {
    FileKind::of(key).is_some_and(|kind| kind.format == Format::Json)
}

const ACCEPT: Accept<'static> = Accept {
    is_input: &is_data_file,
    description: DATA_FILES,
    named: None,
};

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

/// Which of the resolved inputs this process converts.
#[derive(Debug, Default)]
pub struct Selection {
    pub filter: KeyFilter,
    /// `(k, n)`: this process is shard k of n (0-based).
    pub shard: Option<(u64, u64)>,
}

impl Selection {
    pub fn new(
        include: &[String],
        exclude: &[String],
        shard: Option<(u64, u64)>,
    ) -> Result<Selection, ConvertError> {
        Ok(Selection {
            filter: KeyFilter::new(include, exclude)?,
            shard,
        })
    }

    /// Keeps inputs the `--include`/`--exclude` filter admits, then this shard's share.
    pub fn apply(&self, inputs: Vec<ResolvedInput>) -> Vec<ResolvedInput> {
        inputs
            .into_iter()
            .filter(|input| self.admits(input))
            .collect()
    }

    /// Whether this process converts `input`: one input at a time, so that a listing can be
    /// selected from as it arrives (the shard is a hash of the input's own key).
    pub fn admits(&self, input: &ResolvedInput) -> bool {
        let key = input.relative_key();
        self.filter.admits(&key) && self.shard.is_none_or(|(k, n)| shard_of(&key, n) == k)
    }
}

/// The shard an input belongs to: a hash of its relative key, the same on every machine and in
/// every release (SHA-256, not std's hasher), so N processes given the same command split the
/// inputs between them with no coordination.
pub fn shard_of(relative_key: &str, shards: u64) -> u64 {
    let digest = Sha256::digest(relative_key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % shards.max(1)
}

/// Where the output goes: a store (a local directory or an s3:// prefix), plus one exact key
/// when `-o` names a `.parquet` file for a single input.
pub struct OutputRoot {
    pub store: Arc<Store>,
    pub file: Option<String>,
    /// Where the resume manifest lives (`None` for a single named file, which is simply
    /// rewritten): `--state`, else beside the output, never inside it.
    pub state: Option<Arc<Store>>,
}

/// The default state location of an output directory or prefix: a sibling named after it,
/// `out/` -> `out.lakeops-state/`, so that the data prefix holds data files only. At a bucket's
/// root, which has no sibling, it is `.lakeops-state/` (a hidden name, which readers skip).
pub fn default_state(output: &Location) -> Location {
    match output {
        Location::Local(path) => {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match path.parent() {
                Some(parent) if !name.is_empty() => {
                    Location::Local(parent.join(format!("{name}.lakeops-state")))
                }
                _ => Location::Local(path.join(".lakeops-state")),
            }
        }
        Location::S3 { bucket, prefix } => {
            let trimmed = prefix.trim_end_matches('/');
            Location::S3 {
                bucket: bucket.clone(),
                prefix: if trimmed.is_empty() {
                    ".lakeops-state/".to_owned()
                } else {
                    format!("{trimmed}.lakeops-state/")
                },
            }
        }
    }
}

fn store_at(
    location: Location,
    s3: Option<&aws_sdk_s3::Client>,
    what: &str,
) -> Result<Store, ConvertError> {
    Ok(match location {
        Location::Local(path) => Store::local(path),
        Location::S3 { bucket, prefix } => {
            let client =
                s3.ok_or_else(|| ConvertError::Options(format!("{what}: S3 is not configured")))?;
            let prefix = if prefix.is_empty() || prefix.ends_with('/') {
                prefix
            } else {
                format!("{prefix}/")
            };
            Store::s3(client.clone(), bucket, prefix)
        }
    })
}

impl OutputRoot {
    /// `state`: `--state`, a local directory or s3:// prefix for the resume manifest.
    pub fn open(
        output: &str,
        single_input: bool,
        state: Option<&str>,
        s3: Option<&aws_sdk_s3::Client>,
    ) -> Result<OutputRoot, ConvertError> {
        let mut root = Self::open_data(output, single_input, s3)?;
        if root.file.is_none() {
            let location = match state {
                Some(state) => Location::parse(state)?,
                None => default_state(&Location::parse(output)?),
            };
            root.state = Some(Arc::new(store_at(location, s3, state.unwrap_or(output))?));
        }
        Ok(root)
    }

    fn open_data(
        output: &str,
        single_input: bool,
        s3: Option<&aws_sdk_s3::Client>,
    ) -> Result<OutputRoot, ConvertError> {
        let location = Location::parse(output)?;
        let names_a_file = single_input
            && output.to_ascii_lowercase().ends_with(".parquet")
            && !Path::new(output).is_dir();
        match location {
            Location::Local(path) => {
                if names_a_file {
                    let parent = path.parent().unwrap_or(Path::new("")).to_owned();
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    return Ok(OutputRoot {
                        store: Arc::new(Store::local(parent)),
                        file: Some(name),
                        state: None,
                    });
                }
                if path.exists() && !path.is_dir() {
                    return Err(ConvertError::Options(format!(
                        "{}: exists and is not a directory; with several inputs the output must \
                         be a directory",
                        path.display()
                    )));
                }
                Ok(OutputRoot {
                    store: Arc::new(Store::local(path)),
                    file: None,
                    state: None,
                })
            }
            Location::S3 { bucket, prefix } => {
                let client = s3.ok_or_else(|| {
                    ConvertError::Options(format!("{output}: S3 is not configured"))
                })?;
                let (prefix, file) = if names_a_file {
                    let key = prefix.trim_end_matches('/');
                    match key.rsplit_once('/') {
                        Some((dir, name)) => (format!("{dir}/"), Some(name.to_owned())),
                        None => (String::new(), Some(key.to_owned())),
                    }
                } else {
                    (prefix, None)
                };
                Ok(OutputRoot {
                    store: Arc::new(Store::s3(client.clone(), bucket, prefix)),
                    file,
                    state: None,
                })
            }
        }
    }
}

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

/// `-o x.parquet` with one input writes exactly that file; anything else is a directory or
/// prefix holding one file (or numbered parts) per input, named after the input, in the
/// input's folder.
pub fn plan_outputs(
    inputs: &[ResolvedInput],
    output: &OutputRoot,
    splits: bool,
) -> Result<(Vec<PlannedInput>, Vec<Refused>), ConvertError> {
    let selection = Selection::default();
    let mut planner = Planner::new(output, &selection, splits);
    let batch = Listing::from_inputs(inputs.to_vec()).collect_ranked(&AtomicBool::new(false))?;
    let planned = planner.plan(batch)?;
    Ok((
        planned.inputs.into_iter().map(|(_, p)| p).collect(),
        planned.refused.into_iter().map(|(_, r)| r).collect(),
    ))
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
            if !self.selection.admits(&input) {
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn local(path: &str) -> ResolvedInput {
        ResolvedInput {
            input: Input::Path(path.into()),
            rel_dir: String::new(),
        }
    }

    #[test]
    fn one_input_and_a_parquet_name_is_a_file_target() {
        let inputs = vec![local("in.jsonl")];
        let output = OutputRoot::open("/nonexistent/out.parquet", true, None, None).unwrap();
        let plan = plan_outputs(&inputs, &output, false).unwrap().0;
        assert_eq!(plan[0].target, Target::File("out.parquet".into()));
        assert_eq!(
            output.store.display("out.parquet"),
            "/nonexistent/out.parquet"
        );
        let plan = plan_outputs(&inputs, &output, true).unwrap().0;
        assert_eq!(plan[0].target.first_key(), "out-00001.parquet");
    }

    /// BUG-1 of the hostile probe: keys with `/` at the start or `//` inside wrote outside `-o`.
    #[test]
    fn path_traversal_keys_stay_inside_the_output_root_or_are_refused() {
        let input = |rel_dir: &str, name: &str| ResolvedInput {
            input: Input::Path(format!("/data/{name}").into()),
            rel_dir: rel_dir.into(),
        };
        let inputs = vec![
            input("/abs/victim", "x.jsonl"),
            input("a//b", "y.jsonl"),
            input("a/./c", "z.jsonl"),
            input("a/../..", "evil.jsonl"),
            input("..", "evil2.jsonl"),
            input("ctl\u{1b}[31m", "w.jsonl"),
        ];
        let output = OutputRoot::open("/nonexistent/out", false, None, None).unwrap();
        let (plan, refused) = plan_outputs(&inputs, &output, false).unwrap();
        let keys: Vec<String> = plan.iter().map(|p| p.target.first_key()).collect();
        assert_eq!(
            keys,
            [
                "abs/victim/x.parquet",
                "a/b/y.parquet",
                "a/c/z.parquet",
                "ctl\u{1b}[31m/w.parquet"
            ]
        );
        for p in &plan {
            let path = crate::storage::contained_path(
                Path::new("/nonexistent/out"),
                &p.target.first_key(),
            )
            .unwrap();
            assert!(path.starts_with("/nonexistent/out"));
            assert!(!p.dead_letter.contains(".."));
        }
        assert_eq!(refused.len(), 2, "{refused:?}");
        assert!(refused[0].reason.contains("`..`"), "{refused:?}");
    }

    #[test]
    fn clashing_output_names_are_refused() {
        let inputs = vec![local("a/x.jsonl"), local("b/x.jsonl.zst")];
        let output = OutputRoot::open("/nonexistent/out", false, None, None).unwrap();
        let err = plan_outputs(&inputs, &output, false).unwrap_err();
        assert!(
            err.to_string().contains("a/x.jsonl and b/x.jsonl.zst"),
            "{err}"
        );
    }

    #[test]
    fn outputs_mirror_the_input_folders() {
        let inputs = vec![ResolvedInput {
            input: Input::Path("/data/en/part-1.jsonl.zst".into()),
            rel_dir: "en/2024".into(),
        }];
        let output = OutputRoot::open("/nonexistent/out", false, None, None).unwrap();
        let plan = plan_outputs(&inputs, &output, false).unwrap().0;
        assert_eq!(plan[0].target.first_key(), "en/2024/part-1.parquet");
        assert_eq!(plan[0].dead_letter, "_rejected/en/2024/part-1.jsonl");
        let top = vec![local("/data/x.jsonl")];
        assert_eq!(
            plan_outputs(&top, &output, false).unwrap().0[0].dead_letter,
            "_rejected/x.jsonl"
        );
    }

    #[test]
    fn shards_partition_the_inputs_whatever_their_order() {
        let keys: Vec<String> = (0..500).map(|i| format!("en/part-{i}.jsonl.zst")).collect();
        let mut seen = vec![0; 500];
        for k in 0..4 {
            for (i, key) in keys.iter().enumerate() {
                if shard_of(key, 4) == k {
                    seen[i] += 1;
                }
            }
        }
        assert!(
            seen.iter().all(|&n| n == 1),
            "every input in exactly one shard"
        );
        // Stable across releases and machines: SHA-256's first 8 bytes, big-endian, mod N
        // (values computed with Python's hashlib), not std's hasher.
        assert_eq!(shard_of("en/part-0.jsonl.zst", 1000), 554);
        assert_eq!(shard_of("events.jsonl", 4), 3);
        assert_eq!(shard_of("events-eu.jsonl", 4), 1);
        assert_eq!(shard_of("a", 7), 4);
        let sizes: Vec<usize> = (0..4)
            .map(|k| keys.iter().filter(|key| shard_of(key, 4) == k).count())
            .collect();
        assert!(sizes.iter().all(|&n| n > 90), "roughly even: {sizes:?}");
    }

    #[test]
    fn include_and_exclude_look_at_the_path_below_the_argument() {
        let inputs = vec![
            ResolvedInput {
                input: Input::Path("/d/en/a.jsonl".into()),
                rel_dir: "en".into(),
            },
            ResolvedInput {
                input: Input::Path("/d/fr/b.jsonl".into()),
                rel_dir: "fr".into(),
            },
            ResolvedInput {
                input: Input::Path("/d/en/c.jsonl.gz".into()),
                rel_dir: "en".into(),
            },
        ];
        let names = |selection: Selection| -> Vec<String> {
            selection
                .apply(inputs.clone())
                .iter()
                .map(ResolvedInput::relative_key)
                .collect()
        };
        let only_en = Selection::new(&["en/*".into()], &[], None).unwrap();
        assert_eq!(names(only_en), ["en/a.jsonl", "en/c.jsonl.gz"]);
        let no_gz = Selection::new(&[], &["**/*.gz".into()], None).unwrap();
        assert_eq!(names(no_gz), ["en/a.jsonl", "fr/b.jsonl"]);
        // Glue's meaning (a breaking change): `*` no longer crosses folders.
        let top_gz = Selection::new(&[], &["*.gz".into()], None).unwrap();
        assert_eq!(names(top_gz).len(), 3);
        let all: usize = (0..3)
            .map(|k| names(Selection::new(&[], &[], Some((k, 3))).unwrap()).len())
            .sum();
        assert_eq!(all, 3);
        assert!(Selection::new(&["[".into()], &[], None).is_err());
    }
}
