//! Where data lives: a local directory or an `s3://bucket/prefix/`, behind one interface that
//! lists one level at a time (so callers can walk partition prefixes concurrently) and reads byte
//! ranges (so sampling never downloads whole objects).
//!
//! Keys handed out and taken in are relative to the store's root and always use `/`.
//!
//! This file holds the `Store` and its object calls; `location` parses names, `list` lists one
//! level, `read` reads ranges and streams, `parquet` reads Parquet footers and column chunks by range,
//! `discover` walks whole trees, `write` publishes.

mod budget;
pub mod discover;
pub mod kind;
pub mod parquet;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use budget::Budget;
pub use discover::Found;
pub use write::{ObjectWriter, Unpublished, UploadSettings};

mod error;
mod list;
mod location;
mod read;

pub use error::StorageError;
pub use list::listed_key;
pub use location::{contained_path, normal_key, Location};

/// One object (file) under the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Relative to the root, `/`-separated.
    pub key: String,
    pub size: u64,
    /// What changes when the content does: the S3 ETag, or a local file's modification time.
    pub tag: Option<String>,
}

/// What one level of a listing holds: objects directly under the prefix, and sub-prefixes
/// (`/`-terminated, relative to the root).
#[derive(Debug, Default)]
pub struct Level {
    pub objects: Vec<ObjectMeta>,
    pub prefixes: Vec<String>,
}

#[derive(Clone)]
pub struct Store {
    backend: Backend,
    counters: Arc<Counters>,
}

#[derive(Clone)]
enum Backend {
    Local {
        root: PathBuf,
    },
    S3 {
        client: aws_sdk_s3::Client,
        bucket: String,
        prefix: String,
    },
}

#[derive(Default)]
struct Counters {
    bytes_read: AtomicU64,
    requests: AtomicU64,
}

/// What a name refers to, to tell when two names are one object: device and inode of a local
/// file (so links and `./x` vs `x` are seen through), bucket and exact key on S3 (where `a//b`
/// and `a/b` are two objects).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identity {
    File { device: u64, inode: u64 },
    Object { bucket: String, key: String },
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Store").field(&self.root_url()).finish()
    }
}

/// The identity of an existing local file (`None` when there is no file).
pub fn file_identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some(Identity::File {
        device: meta.dev(),
        inode: meta.ino(),
    })
}

impl Store {
    /// The identity of `key` in this store (`None` for a local file that does not exist).
    pub fn identity(&self, key: &str) -> Option<Identity> {
        match &self.backend {
            Backend::Local { root } => file_identity(&root.join(key)),
            Backend::S3 { bucket, prefix, .. } => Some(Identity::Object {
                bucket: bucket.clone(),
                key: format!("{prefix}{key}"),
            }),
        }
    }

    /// The store at `location`; `s3` is the client for an s3:// one (the caller makes it only
    /// when some location needs it).
    pub fn at(location: Location, s3: Option<&aws_sdk_s3::Client>) -> Result<Store, StorageError> {
        Ok(match location {
            // A root is a directory, or nothing yet; a file there would fail at the first
            // object written, naming that object instead of the root.
            Location::Local(path) if path.exists() && !path.is_dir() => {
                return Err(StorageError::NotADirectory { path })
            }
            Location::Local(path) => Store::local(path),
            Location::S3 { bucket, prefix } => {
                let client = s3.ok_or_else(|| StorageError::NoS3 {
                    url: format!("s3://{bucket}/{prefix}"),
                })?;
                let prefix = if prefix.is_empty() || prefix.ends_with('/') {
                    prefix
                } else {
                    format!("{prefix}/")
                };
                Store::s3(client.clone(), bucket, prefix)
            }
        })
    }

    /// Whether `key` of `other` lies under this store's root: an input inside an output
    /// directory or prefix, which a rerun must not take for one of its inputs. Local roots are
    /// compared as they exist now (links resolved); a root that does not exist holds nothing.
    pub fn covers(&self, other: &Store, key: &str) -> bool {
        match (&self.backend, &other.backend) {
            (Backend::Local { root }, Backend::Local { root: other_root }) => {
                let Ok(root) = root.canonicalize() else {
                    return false;
                };
                other_root
                    .join(key)
                    .canonicalize()
                    .is_ok_and(|path| path.starts_with(root))
            }
            (
                Backend::S3 { bucket, prefix, .. },
                Backend::S3 {
                    bucket: other_bucket,
                    prefix: other_prefix,
                    ..
                },
            ) => {
                bucket == other_bucket
                    && format!("{other_prefix}{key}").starts_with(prefix.as_str())
            }
            _ => false,
        }
    }

    pub fn local(root: impl Into<PathBuf>) -> Store {
        Store {
            backend: Backend::Local { root: root.into() },
            counters: Arc::default(),
        }
    }

    pub fn s3(client: aws_sdk_s3::Client, bucket: String, prefix: String) -> Store {
        Store {
            backend: Backend::S3 {
                client,
                bucket,
                prefix,
            },
            counters: Arc::default(),
        }
    }

    /// The store rooted at `folder` (`/`-terminated, relative to this root), with counters of
    /// its own: one table of a lake.
    pub fn folder(&self, folder: &str) -> Store {
        let backend = match &self.backend {
            Backend::Local { root } => Backend::Local {
                root: root.join(folder.trim_end_matches('/')),
            },
            Backend::S3 {
                client,
                bucket,
                prefix,
            } => Backend::S3 {
                client: client.clone(),
                bucket: bucket.clone(),
                prefix: format!("{prefix}{folder}"),
            },
        };
        Store {
            backend,
            counters: Arc::default(),
        }
    }

    /// An object's size and tag (ETag on S3, modification time locally), `None` when it does
    /// not exist: what tells the object this run wrote from another one under the same name.
    pub async fn stat(&self, key: &str) -> Result<Option<(u64, Option<String>)>, StorageError> {
        match &self.backend {
            Backend::Local { root } => match std::fs::metadata(root.join(key)) {
                Ok(meta) if meta.is_file() => Ok(Some((meta.len(), local_tag(&meta)))),
                Ok(_) => Ok(None),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(source) => Err(StorageError::Local {
                    path: root.join(key),
                    source,
                }),
            },
            Backend::S3 {
                client,
                bucket,
                prefix,
            } => {
                self.counters.requests.fetch_add(1, Ordering::Relaxed);
                match client
                    .head_object()
                    .bucket(bucket)
                    .key(format!("{prefix}{key}"))
                    .send()
                    .await
                {
                    Ok(head) => Ok(Some((
                        head.content_length().unwrap_or(0).max(0) as u64,
                        head.e_tag().map(str::to_owned),
                    ))),
                    Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
                    Err(e) => Err(self.s3_error("HeadObject", key, e)),
                }
            }
        }
    }

    /// Removes an object; one that does not exist is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match &self.backend {
            Backend::Local { root } => match std::fs::remove_file(root.join(key)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StorageError::Local {
                    path: root.join(key),
                    source: e,
                }),
                _ => Ok(()),
            },
            Backend::S3 {
                client,
                bucket,
                prefix,
            } => {
                self.counters.requests.fetch_add(1, Ordering::Relaxed);
                client
                    .delete_object()
                    .bucket(bucket)
                    .key(format!("{prefix}{key}"))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| self.s3_error("DeleteObject", key, e))
            }
        }
    }

    /// The file behind a key of a local store (for streaming reads); None on S3.
    pub fn local_file(&self, key: &str) -> Option<PathBuf> {
        match &self.backend {
            Backend::Local { root } => Some(root.join(key)),
            Backend::S3 { .. } => None,
        }
    }

    /// The root as a URL with a trailing `/`: `s3://bucket/prefix/` or `file:///abs/dir/`.
    pub fn root_url(&self) -> String {
        match &self.backend {
            Backend::Local { root } => {
                let mut url = format!("file://{}", root.display());
                if !url.ends_with('/') {
                    url.push('/');
                }
                url
            }
            Backend::S3 { bucket, prefix, .. } => format!("s3://{bucket}/{prefix}"),
        }
    }

    /// How a key is shown to people: a local path, or an s3:// URL.
    pub fn display(&self, key: &str) -> String {
        match &self.backend {
            Backend::Local { root } => root.join(key).display().to_string(),
            Backend::S3 { .. } => self.url(key),
        }
    }

    /// The URL of a key (object or `/`-terminated prefix) under the root.
    pub fn url(&self, key: &str) -> String {
        format!("{}{key}", self.root_url())
    }

    pub fn bytes_read(&self) -> u64 {
        self.counters.bytes_read.load(Ordering::Relaxed)
    }

    pub fn requests(&self) -> u64 {
        self.counters.requests.load(Ordering::Relaxed)
    }

    fn s3_error<E>(
        &self,
        operation: &'static str,
        key: &str,
        err: aws_sdk_s3::error::SdkError<E>,
    ) -> StorageError
    where
        E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        StorageError::S3 {
            operation,
            url: self.url(key),
            source: crate::aws::call_error(err).into(),
        }
    }
}

/// What stands in for an ETag locally: the modification time.
pub fn local_tag(meta: &std::fs::Metadata) -> Option<String> {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| format!("mtime:{}", d.as_nanos()))
}
