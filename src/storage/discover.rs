//! Command-line inputs to objects: local files, directories (recursively), glob patterns, and
//! s3:// objects and prefixes. Shared by every command that reads many inputs, so that they all
//! skip the same hidden files and report the same errors.

use std::path::Path;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{Level, Location, ObjectMeta, StorageError, Store};

/// One input object. `key` is relative to `store`'s root: for a directory or prefix argument the
/// root is that directory, so the key's folders are the layout to mirror in the output; for a
/// single file or object the root is its parent and the key is its name.
#[derive(Clone)]
pub struct Found {
    pub store: Arc<Store>,
    pub key: String,
    pub size: u64,
    /// ETag on S3, modification time locally: with the size, what tells a changed input apart.
    pub tag: Option<String>,
}

impl Found {
    pub fn url(&self) -> String {
        self.store.url(&self.key)
    }

    /// The folders above the object, relative to the argument it came from (`""` for none).
    pub fn rel_dir(&self) -> &str {
        self.key.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    pub fn name(&self) -> &str {
        self.key
            .rsplit_once('/')
            .map_or(&self.key, |(_, name)| name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// A listing or an argument that failed; the storage error names the location itself.
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{pattern}: not a glob pattern")]
    Glob {
        pattern: String,
        #[source]
        source: glob::PatternError,
    },
    /// The argument names nothing to read.
    #[error("{url}: {problem}")]
    Nothing { url: String, problem: String },
}

/// What a command reads: which names are inputs, and how to describe them in errors.
#[derive(Clone, Copy)]
pub struct Accept<'a> {
    pub is_input: &'a (dyn Fn(&str) -> bool + Sync),
    /// e.g. "JSON-lines files (*.jsonl, *.json, *.ndjson, optionally .zst or .gz)"
    pub description: &'a str,
    /// `None`: a file named on the command line (or matched by a glob) is read whatever its
    /// name. `Some(why)`: one whose name `is_input` does not take is an error saying `why`.
    pub named: Option<&'a str>,
}

impl Accept<'_> {
    fn named(&self, found: Found) -> Result<Found, DiscoverError> {
        match self.named {
            Some(why) if !(self.is_input)(&found.key) => Err(DiscoverError::Nothing {
                url: found.url(),
                problem: why.to_owned(),
            }),
            _ => Ok(found),
        }
    }
}

/// `--include` / `--exclude`, one meaning in every command, Glue's: patterns match the key below
/// the argument (or crawl root); `*` and `?` stay within one folder, `**` crosses folders, `{a,b}`
/// is either, `[!x]` any character but x; with includes given a key must match one, and an
/// exclude always wins.
#[derive(Debug, Default)]
pub struct KeyFilter {
    include: Option<globset::GlobSet>,
    exclude: Option<globset::GlobSet>,
}

#[derive(Debug, thiserror::Error)]
#[error("{flag} {pattern:?}: {message}")]
pub struct PatternError {
    pub flag: &'static str,
    pub pattern: String,
    pub message: String,
}

impl KeyFilter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<KeyFilter, PatternError> {
        Ok(KeyFilter {
            include: glob_set(include, "--include")?,
            exclude: glob_set(exclude, "--exclude")?,
        })
    }

    pub fn admits(&self, key: &str) -> bool {
        self.include.as_ref().is_none_or(|set| set.is_match(key))
            && !self.exclude.as_ref().is_some_and(|set| set.is_match(key))
    }
}

fn glob_set(
    patterns: &[String],
    flag: &'static str,
) -> Result<Option<globset::GlobSet>, PatternError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| PatternError {
                flag,
                pattern: pattern.clone(),
                message: e.kind().to_string(),
            })?;
        builder.add(glob);
    }
    let set = builder.build().map_err(|e| PatternError {
        flag,
        pattern: patterns.join(" "),
        message: e.to_string(),
    })?;
    Ok(Some(set))
}

/// The one rule for what is never data, in every command. Files and folders whose name starts
/// with `.` or `_`: temporary files (ours, Spark's `_temporary/`, Hive's `.hive-staging`), Spark's
/// `_SUCCESS`, our own `_rejected/` and `.lakeops-state/`. A key is hidden when any of its
/// components is.
pub fn hidden(key: &str) -> bool {
    key.split('/').any(hidden_component)
}

/// One name (file or folder) that marks a job's scratch or metadata space.
pub fn hidden_component(name: &str) -> bool {
    name.starts_with(['.', '_'])
}

/// Objects that stand for folders rather than hold data: `dir/` (the S3 console's) and
/// `dir_$folder$` (Hadoop's and EMR's).
pub fn is_folder_marker(key: &str) -> bool {
    key.ends_with('/') || key.ends_with("_$folder$")
}

/// Whether a listed object is never an input: hidden, or a folder marker.
pub fn never_data(key: &str) -> bool {
    hidden(key) || is_folder_marker(key)
}

/// Where an input stands in the one order commands report in: argument order, then match order
/// within a glob, then key order within a directory or prefix. Listings hand inputs over in no
/// fixed order (folders as their listings return), so a command that wants results the same
/// from run to run sorts by this.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Order {
    /// The argument's position on the command line.
    pub arg: usize,
    /// The match's position among a glob's (sorted) matches; 0 for a directory or prefix.
    pub matched: usize,
    /// The key below a directory or prefix argument; empty for files named or matched.
    pub key: String,
}

/// One input as listed, with its place in the report order.
#[derive(Clone)]
pub struct Listed {
    pub order: Order,
    pub found: Found,
}

/// Inputs a batch at a time: one argument's named or matched files, or one folder's inputs of a
/// directory or prefix argument. A listing error ends the stream.
pub type Batches = tokio::sync::mpsc::Receiver<Result<Vec<Listed>, DiscoverError>>;

/// An argument, checked: the files it names, or the tree to walk for them.
enum Source {
    Files(Vec<Listed>),
    Tree {
        arg: usize,
        store: Arc<Store>,
        when_empty: WhenEmpty,
    },
}

/// What an argument whose tree holds no inputs means.
enum WhenEmpty {
    Error(DiscoverError),
    /// `s3://bucket/key` without a trailing `/` may name one object rather than a prefix.
    Object {
        store: Arc<Store>,
        name: String,
        url: String,
    },
}

/// Expands the arguments (each with its position on the command line) as a stream. Every
/// argument is checked first, and a missing file, a glob matching nothing or a bad location is
/// the error of this call, before any input is handed over. Directories and prefixes are then
/// walked in the background, in argument order, with `LIST_CONCURRENCY` folders listed at a
/// time; the channel holds a few batches, so a consumer slower than the listing holds the
/// listing back rather than memory taking all of it. An argument whose tree holds no inputs
/// ends the stream with its error there. Dropping the receiver stops the listing.
///
/// Directories and prefixes keep only names `accept` takes; a file named or matched by a glob
/// is taken as `accept.named` says. Local paths are made absolute, so that URLs in reports and resume keys do
/// not depend on the working directory. `s3` is needed for s3:// arguments.
pub async fn discover_each(
    args: &[(usize, String)],
    s3: Option<&aws_sdk_s3::Client>,
    accept: Accept<'static>,
) -> Result<Batches, DiscoverError> {
    let mut sources = Vec::with_capacity(args.len());
    for (position, arg) in args {
        sources.push(check(*position, arg, s3, &accept).await?);
    }
    let (sender, receiver) = tokio::sync::mpsc::channel(LIST_CONCURRENCY);
    tokio::spawn(async move {
        for source in sources {
            if send_source(source, &accept, &sender).await.is_err() {
                return;
            }
        }
    });
    Ok(receiver)
}

/// The stream ended early: the consumer is gone, or the listing failed (and said so).
struct Ended;

async fn send_source(
    source: Source,
    accept: &Accept<'_>,
    sender: &tokio::sync::mpsc::Sender<Result<Vec<Listed>, DiscoverError>>,
) -> Result<(), Ended> {
    let send = |batch| async { sender.send(batch).await.map_err(|_| Ended) };
    let (arg, store, when_empty) = match source {
        Source::Files(files) => return send(Ok(files)).await,
        Source::Tree {
            arg,
            store,
            when_empty,
        } => (arg, store, when_empty),
    };
    let mut inputs = 0usize;
    let mut levels = list_tree(&store, LIST_CONCURRENCY);
    while let Some(level) = levels.recv().await {
        let objects = match level {
            Ok(objects) => objects,
            Err(e) => {
                send(Err(e.into())).await?;
                return Err(Ended);
            }
        };
        let mut batch: Vec<Listed> = objects
            .into_iter()
            .filter(|object| !never_data(&object.key) && (accept.is_input)(&object.key))
            .map(|object| Listed {
                order: Order {
                    arg,
                    matched: 0,
                    key: object.key.clone(),
                },
                found: Found {
                    store: store.clone(),
                    key: object.key,
                    size: object.size,
                    tag: object.tag,
                },
            })
            .collect();
        if batch.is_empty() {
            continue;
        }
        batch.sort_by(|a, b| a.order.cmp(&b.order));
        inputs += batch.len();
        send(Ok(batch)).await?;
    }
    if inputs > 0 {
        return Ok(());
    }
    match when_empty {
        WhenEmpty::Error(error) => {
            send(Err(error)).await?;
            Err(Ended)
        }
        WhenEmpty::Object { store, name, url } => match single(store, &name, &url)
            .await
            .and_then(|found| accept.named(found))
        {
            Ok(found) => {
                let order = Order {
                    arg,
                    ..Order::default()
                };
                send(Ok(vec![Listed { order, found }])).await
            }
            Err(error) => {
                send(Err(error)).await?;
                Err(Ended)
            }
        },
    }
}

/// Checks one argument: a named file or glob is expanded now (a missing one is an error before
/// any work), a directory or prefix is left to walk.
async fn check(
    position: usize,
    arg: &str,
    s3: Option<&aws_sdk_s3::Client>,
    accept: &Accept<'_>,
) -> Result<Source, DiscoverError> {
    let error = |url: &str, problem: String| DiscoverError::Nothing {
        url: url.to_owned(),
        problem,
    };
    let file = |matched: usize, found: Found| Listed {
        order: Order {
            arg: position,
            matched,
            key: String::new(),
        },
        found,
    };
    match Location::parse(arg)? {
        Location::S3 { bucket, prefix } => {
            let client = s3.ok_or_else(|| error(arg, "S3 is not configured".into()))?;
            let store = Arc::new(Store::s3(client.clone(), bucket.clone(), prefix.clone()));
            let when_empty = if arg.ends_with('/') || prefix.is_empty() {
                WhenEmpty::Error(error(
                    arg,
                    format!("no {} under this prefix", accept.description),
                ))
            } else {
                let key = prefix.trim_end_matches('/');
                let (parent, name) = key.rsplit_once('/').unwrap_or(("", key));
                let parent = if parent.is_empty() {
                    String::new()
                } else {
                    format!("{parent}/")
                };
                WhenEmpty::Object {
                    store: Arc::new(Store::s3(client.clone(), bucket, parent)),
                    name: name.to_owned(),
                    url: arg.to_owned(),
                }
            };
            Ok(Source::Tree {
                arg: position,
                store,
                when_empty,
            })
        }
        Location::Local(path) => {
            let paths = if path.exists() {
                vec![path]
            } else if !arg.contains(['*', '?', '[']) {
                return Err(error(arg, "no such file or directory".into()));
            } else {
                let mut matched: Vec<_> = glob::glob(arg)
                    .map_err(|source| DiscoverError::Glob {
                        pattern: arg.to_owned(),
                        source,
                    })?
                    .filter_map(Result::ok)
                    .filter(|p| p.is_file())
                    .collect();
                matched.sort();
                if matched.is_empty() {
                    return Err(error(arg, "the pattern matches no files".into()));
                }
                matched
            };
            let mut files = Vec::new();
            for (matched, path) in paths.into_iter().enumerate() {
                // Absolute, not canonical: a symlinked path keeps the name it was given.
                let path = std::path::absolute(&path).unwrap_or(path);
                if path.is_dir() {
                    // Only an existing path is a directory; a glob's matches are files.
                    let url = path.display().to_string();
                    return Ok(Source::Tree {
                        arg: position,
                        store: Arc::new(Store::local(&path)),
                        when_empty: WhenEmpty::Error(error(
                            &url,
                            format!("no {} in this directory", accept.description),
                        )),
                    });
                }
                let parent = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let store = Arc::new(Store::local(parent));
                let found = single(store, &name, &path.display().to_string()).await?;
                files.push(file(matched, accept.named(found)?));
            }
            Ok(Source::Files(files))
        }
    }
}

/// Folders listed at once when a command walks a directory or prefix of inputs.
pub const LIST_CONCURRENCY: usize = 16;

/// The one lister: every object under `store`'s root, all levels, with up to `concurrency`
/// folders listed at a time. Hidden folders (`_temporary/`, `.hive-staging/`) are never descended
/// into. Objects arrive a folder at a time, as listings return, in no fixed order, so that a
/// caller may start work before a large listing ends; dropping the receiver stops the listing.
/// Must be called inside a tokio runtime.
pub fn list_tree(
    store: &Store,
    concurrency: usize,
) -> tokio::sync::mpsc::Receiver<Result<Vec<ObjectMeta>, StorageError>> {
    let concurrency = concurrency.max(1);
    let (sender, receiver) = tokio::sync::mpsc::channel(concurrency * 2);
    let store = store.clone();
    tokio::spawn(async move {
        let permits = Arc::new(Semaphore::new(concurrency));
        let mut tasks: JoinSet<Result<Level, StorageError>> = JoinSet::new();
        let spawn = |tasks: &mut JoinSet<_>, prefix: String| {
            let store = store.clone();
            let permits = permits.clone();
            tasks.spawn(async move {
                let _permit = permits
                    .acquire_owned()
                    .await
                    .expect("semaphore is never closed");
                store.list_level(&prefix).await
            });
        };
        spawn(&mut tasks, String::new());
        while let Some(joined) = tasks.join_next().await {
            let level = match joined {
                Ok(Ok(level)) => level,
                Ok(Err(e)) => {
                    let _ = sender.send(Err(e)).await;
                    return;
                }
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            };
            for prefix in level.prefixes {
                let name = prefix
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default();
                if !hidden_component(name) {
                    spawn(&mut tasks, prefix);
                }
            }
            if sender.send(Ok(level.objects)).await.is_err() {
                return;
            }
        }
    });
    receiver
}

/// One named object, found by listing its parent (which also gives its size and tag).
async fn single(store: Arc<Store>, name: &str, url: &str) -> Result<Found, DiscoverError> {
    let level = store.list_level("").await?;
    let object = level
        .objects
        .into_iter()
        .find(|o| o.key == name)
        .ok_or_else(|| DiscoverError::Nothing {
            url: url.to_owned(),
            problem: "no such file or object".into(),
        })?;
    Ok(Found {
        store,
        key: object.key,
        size: object.size,
        tag: object.tag,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_follow_glue_semantics() {
        let f = KeyFilter::new(
            &[],
            &["*.tmp".into(), "**/skip/**".into(), "{a,b}.json".into()],
        )
        .unwrap();
        assert!(!f.admits("x.tmp"));
        assert!(f.admits("year=1/x.tmp"), "`*` stays within one component");
        assert!(!f.admits("year=1/skip/x.json"));
        assert!(!f.admits("a.json"));
        assert!(f.admits("c.json"));
        let only = KeyFilter::new(&["**/*.json".into()], &[]).unwrap();
        assert!(only.admits("y=1/a.json"));
        assert!(only.admits("a.json"), "`**/` matches no folder too");
        assert!(!only.admits("y=1/a.csv"));
        let negated = KeyFilter::new(&["[!x]*.json".into()], &["**/*.gz".into()]).unwrap();
        assert!(negated.admits("a.json"));
        assert!(!negated.admits("x.json"));
        let both = KeyFilter::new(&["**".into()], &["**/*.gz".into()]).unwrap();
        assert!(!both.admits("en/c.jsonl.gz"), "exclude wins");
        assert!(both.admits("en/c.jsonl"));
        let error = KeyFilter::new(&["[".into()], &[]).unwrap_err();
        assert_eq!(error.flag, "--include");
        assert_eq!(error.pattern, "[");
    }

    fn json_only(key: &str) -> bool {
        key.ends_with(".jsonl")
    }

    const JSON_ONLY: Accept<'static> = Accept {
        is_input: &json_only,
        description: "JSON lines",
        named: None,
    };

    fn batches(args: &[(usize, String)]) -> Result<Vec<Result<Vec<Listed>, String>>, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut receiver = discover_each(args, None, JSON_ONLY)
                .await
                .map_err(|e| e.to_string())?;
            let mut batches = Vec::new();
            while let Some(batch) = receiver.recv().await {
                batches.push(batch.map_err(|e| e.to_string()));
            }
            Ok(batches)
        })
    }

    #[test]
    fn directories_come_a_folder_at_a_time_and_named_files_first_in_argument_order() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        for (key, text) in [
            ("a/2.jsonl", "x"),
            ("a/1.jsonl", "x"),
            ("a/skip.txt", "x"),
            ("b/c/3.jsonl", "x"),
            ("_temporary/4.jsonl", "x"),
        ] {
            let path = tree.join(key);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        let named = dir.path().join("named.jsonl");
        std::fs::write(&named, "x").unwrap();
        let arg = |i, path: &std::path::Path| (i, path.display().to_string());

        let got = batches(&[arg(0, &tree), arg(1, &named)]).unwrap();
        let mut folders: Vec<Vec<String>> = got
            .into_iter()
            .map(|batch| {
                batch
                    .unwrap()
                    .into_iter()
                    .map(|l| format!("{}:{}", l.order.arg, l.found.key))
                    .collect()
            })
            .collect();
        // The named file comes after the tree it follows on the command line.
        assert_eq!(folders.pop().unwrap(), ["1:named.jsonl"]);
        folders.sort();
        assert_eq!(
            folders,
            [vec!["0:a/1.jsonl", "0:a/2.jsonl"], vec!["0:b/c/3.jsonl"]],
            "one batch per folder, in key order, hidden folders and other names left out"
        );

        let missing = batches(&[arg(0, &tree), arg(1, &dir.path().join("nope.jsonl"))]);
        assert!(
            missing.is_err_and(|e| e.contains("no such file")),
            "a missing argument is an error before any input is handed over"
        );
        let empty = batches(&[arg(0, &named), arg(1, &dir.path().join("empty"))]).unwrap();
        assert_eq!(empty.len(), 2);
        assert!(
            empty[1]
                .as_ref()
                .is_err_and(|e| e.contains("no JSON lines in this directory")),
            "an empty directory ends the stream with its error, after what came before it"
        );
    }
}
