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
pub struct Accept<'a> {
    pub is_input: &'a (dyn Fn(&str) -> bool + Sync),
    /// e.g. "JSON-lines files (*.jsonl, *.json, *.ndjson, optionally .zst or .gz)"
    pub description: &'a str,
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

/// Expands one argument. A named file is taken whatever its name; directories, prefixes and
/// globs keep only names `accept` takes. Local paths are made absolute, so that URLs in reports
/// and resume keys do not depend on the working directory. `s3` is needed for s3:// arguments.
pub async fn discover(
    arg: &str,
    s3: Option<&aws_sdk_s3::Client>,
    accept: &Accept<'_>,
) -> Result<Vec<Found>, DiscoverError> {
    let error = |url: &str, problem: String| DiscoverError::Nothing {
        url: url.to_owned(),
        problem,
    };
    match Location::parse(arg)? {
        Location::S3 { bucket, prefix } => {
            let client = s3.ok_or_else(|| error(arg, "S3 is not configured".into()))?;
            let store = Arc::new(Store::s3(client.clone(), bucket.clone(), prefix.clone()));
            let found = walk(store, accept).await?;
            if !found.is_empty() {
                return Ok(found);
            }
            if arg.ends_with('/') || prefix.is_empty() {
                return Err(error(
                    arg,
                    format!("no {} under this prefix", accept.description),
                ));
            }
            let key = prefix.trim_end_matches('/');
            let (parent, name) = key.rsplit_once('/').unwrap_or(("", key));
            let parent = if parent.is_empty() {
                String::new()
            } else {
                format!("{parent}/")
            };
            let store = Arc::new(Store::s3(client.clone(), bucket, parent));
            Ok(vec![single(store, name, arg).await?])
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
            let mut found = Vec::new();
            for path in paths {
                // Absolute, not canonical: a symlinked path keeps the name it was given.
                let path = std::path::absolute(&path).unwrap_or(path);
                if path.is_dir() {
                    let inside = walk(Arc::new(Store::local(&path)), accept).await?;
                    if inside.is_empty() {
                        return Err(error(
                            &path.display().to_string(),
                            format!("no {} in this directory", accept.description),
                        ));
                    }
                    found.extend(inside);
                } else {
                    let parent = path
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .unwrap_or(Path::new("."));
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let store = Arc::new(Store::local(parent));
                    found.push(single(store, &name, &path.display().to_string()).await?);
                }
            }
            Ok(found)
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

/// Every input under a store's root (all levels), in key order.
async fn walk(store: Arc<Store>, accept: &Accept<'_>) -> Result<Vec<Found>, DiscoverError> {
    let mut found = Vec::new();
    let mut levels = list_tree(&store, LIST_CONCURRENCY);
    while let Some(level) = levels.recv().await {
        let objects = level?;
        for object in objects {
            if never_data(&object.key) || !(accept.is_input)(&object.key) {
                continue;
            }
            found.push(Found {
                store: store.clone(),
                key: object.key,
                size: object.size,
                tag: object.tag,
            });
        }
    }
    found.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(found)
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
}
