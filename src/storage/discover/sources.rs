//! Command-line arguments to inputs: each argument checked up front (files, globs, directories,
//! s3:// objects and prefixes), then handed over as a stream of folder batches in report order.

use std::path::Path;
use std::sync::Arc;

use super::{list_tree, never_data, DiscoverError, Found, LIST_CONCURRENCY};
use crate::storage::{Budget, Location, Store};

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

/// For tests that feed a consumer a listing by hand: `key` under `store`, ranked by its key.
#[cfg(test)]
impl Listed {
    pub(crate) fn at(store: &Arc<Store>, key: &str, size: u64) -> Listed {
        Listed {
            order: Order {
                key: key.into(),
                ..Order::default()
            },
            found: Found {
                store: store.clone(),
                key: key.into(),
                size,
                tag: None,
            },
        }
    }
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
    let mut levels = list_tree(&store, &Budget::new(LIST_CONCURRENCY));
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
