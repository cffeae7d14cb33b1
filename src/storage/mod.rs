//! Where data lives: a local directory or an `s3://bucket/prefix/`, behind one interface that
//! lists one level at a time (so callers can walk partition prefixes concurrently) and reads byte
//! ranges (so sampling never downloads whole objects).
//!
//! Keys handed out and taken in are relative to the store's root and always use `/`.

pub mod discover;
pub mod kind;
pub mod write;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use discover::Found;
pub use write::{ObjectWriter, Unpublished, UploadSettings};

/// A parsed location: `s3://bucket/prefix` or a local path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("invalid S3 location {0:?}: expected s3://BUCKET/PREFIX/")]
    InvalidS3(String),
    #[error("{path}")]
    Local {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{key:?}: refused as an output name: {reason}")]
    UnsafeKey { key: String, reason: &'static str },
    /// A request that failed: an AWS call ([`crate::aws::CallError`]) or the body it streams.
    #[error("{operation} {url}")]
    S3 {
        operation: &'static str,
        url: String,
        #[source]
        source: crate::aws::BoxError,
    },
    /// An answer S3 should not give.
    #[error("{operation} {url}: {problem}")]
    S3Answer {
        operation: &'static str,
        url: String,
        problem: &'static str,
    },
    /// A body that kept breaking: `source` is why it broke the last time.
    #[error("GetObject {url}: gave up after {resumes} resumed reads")]
    Resumes {
        url: String,
        resumes: u32,
        #[source]
        source: crate::aws::BoxError,
    },
}

impl Location {
    pub fn parse(text: &str) -> Result<Location, StorageError> {
        match text.strip_prefix("s3://") {
            Some(rest) => {
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err(StorageError::InvalidS3(text.to_owned()));
                }
                let prefix = prefix.trim_end_matches('/');
                Ok(Location::S3 {
                    bucket: bucket.to_owned(),
                    prefix: if prefix.is_empty() {
                        String::new()
                    } else {
                        format!("{prefix}/")
                    },
                })
            }
            None => Ok(Location::Local(PathBuf::from(text))),
        }
    }

    /// The last path component: the default table name.
    pub fn last_component(&self) -> Option<String> {
        match self {
            Location::S3 { bucket, prefix } => prefix
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .filter(|c| !c.is_empty())
                .or(Some(bucket.as_str()))
                .map(str::to_owned),
            Location::Local(path) => path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned()),
        }
    }
}

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

/// A key from its normal components only: empty and `.` components are dropped, so `a//b`,
/// `a/./b` and `/a/b` are all `a/b`. A `..` component, a NUL, or a key with nothing left is
/// refused. Every output name derived from an input's key goes through here: an S3 key is any
/// string, and whoever can write into the bucket must not be able to name a file outside the
/// output directory.
pub fn normal_key(key: &str) -> Result<String, StorageError> {
    let refuse = |reason| StorageError::UnsafeKey {
        key: key.to_owned(),
        reason,
    };
    let mut parts = Vec::new();
    for part in key.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(refuse(
                    "it has a `..` component, which would leave the output root",
                ))
            }
            p if p.contains('\0') => return Err(refuse("it holds a NUL character")),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(refuse("it has no name in it"));
    }
    Ok(parts.join("/"))
}

/// The local file for `key` under `root`, built from the key's normal components, and checked
/// to be inside `root` after joining.
pub fn contained_path(root: &Path, key: &str) -> Result<PathBuf, StorageError> {
    let normal = normal_key(key)?;
    let path = root.join(&normal);
    if !path.starts_with(root)
        || path.components().count() != root.components().count() + normal.split('/').count()
    {
        return Err(StorageError::UnsafeKey {
            key: key.to_owned(),
            reason: "it would leave the output root",
        });
    }
    Ok(path)
}

/// What a name refers to, to tell when two names are one object: device and inode of a local
/// file (so links and `./x` vs `x` are seen through), bucket and exact key on S3 (where `a//b`
/// and `a/b` are two objects).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identity {
    File { device: u64, inode: u64 },
    Object { bucket: String, key: String },
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

    /// A whole object as a blocking stream, for a thread outside the runtime: a local file, or an
    /// S3 GetObject body pulled chunk by chunk through `runtime`, so memory stays at one chunk
    /// whatever the object's size.
    pub fn reader(
        &self,
        key: &str,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Box<dyn std::io::Read + Send>, StorageError> {
        match &self.backend {
            Backend::Local { root } => {
                let path = root.join(key);
                let file = std::fs::File::open(&path)
                    .map_err(|source| StorageError::Local { path, source })?;
                Ok(Box::new(file))
            }
            Backend::S3 { .. } => {
                let (body, etag, total) = runtime.block_on(self.get_stream(key, 0, None))?;
                Ok(Box::new(BodyReader {
                    store: self.clone(),
                    key: key.to_owned(),
                    etag,
                    body,
                    offset: 0,
                    total,
                    retries: 0,
                    runtime: runtime.clone(),
                    chunk: Default::default(),
                }))
            }
        }
    }

    /// A GetObject from `offset` on, as a stream; with `etag`, only of that version of the object
    /// (a changed object fails instead of splicing two versions together). Returns the body, the
    /// ETag and the object's size.
    async fn get_stream(
        &self,
        key: &str,
        offset: u64,
        etag: Option<&str>,
    ) -> Result<
        (
            aws_sdk_s3::primitives::ByteStream,
            Option<String>,
            Option<u64>,
        ),
        StorageError,
    > {
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let range = (offset > 0).then(|| format!("bytes={offset}-"));
        let output = self.get_object(key, range, etag).await?;
        let etag = output.e_tag().map(str::to_owned);
        let total = output
            .content_length()
            .and_then(|len| u64::try_from(len).ok())
            .map(|len| offset + len);
        Ok((output.body, etag, total))
    }

    /// The one place a GetObject request is built.
    async fn get_object(
        &self,
        key: &str,
        range: Option<String>,
        etag: Option<&str>,
    ) -> Result<aws_sdk_s3::operation::get_object::GetObjectOutput, StorageError> {
        let Backend::S3 {
            client,
            bucket,
            prefix,
        } = &self.backend
        else {
            unreachable!("only called for S3 stores")
        };
        client
            .get_object()
            .bucket(bucket)
            .key(format!("{prefix}{key}"))
            .set_range(range)
            .set_if_match(etag.map(str::to_owned))
            .send()
            .await
            .map_err(|e| self.s3_error("GetObject", key, e))
    }

    /// Whether an object exists (HeadObject on S3).
    pub async fn exists(&self, key: &str) -> Result<bool, StorageError> {
        Ok(self.stat(key).await?.is_some())
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

    /// A whole (small) object.
    pub async fn read_all(&self, key: &str, size: u64) -> Result<Vec<u8>, StorageError> {
        if size == 0 {
            return Ok(Vec::new());
        }
        self.read_range(key, 0..size).await
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

    /// One level under `prefix` (`""` for the root, else `/`-terminated), all pages.
    pub async fn list_level(&self, prefix: &str) -> Result<Level, StorageError> {
        match &self.backend {
            Backend::Local { root } => {
                self.counters.requests.fetch_add(1, Ordering::Relaxed);
                list_local(root, prefix)
            }
            Backend::S3 {
                client,
                bucket,
                prefix: root,
            } => {
                let mut level = Level::default();
                let mut pages = client
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(format!("{root}{prefix}"))
                    .delimiter("/")
                    .encoding_type(aws_sdk_s3::types::EncodingType::Url)
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    self.counters.requests.fetch_add(1, Ordering::Relaxed);
                    let page = page.map_err(|e| self.s3_error("ListObjectsV2", prefix, e))?;
                    for object in page.contents() {
                        let Some(key) = object.key().map(listed_key) else {
                            continue;
                        };
                        let Some(key) = key.strip_prefix(root.as_str()) else {
                            continue;
                        };
                        level.objects.push(ObjectMeta {
                            key: key.to_owned(),
                            size: object.size().unwrap_or(0).max(0) as u64,
                            tag: object.e_tag().map(str::to_owned),
                        });
                    }
                    for common in page.common_prefixes() {
                        let Some(p) = common.prefix().map(listed_key) else {
                            continue;
                        };
                        if let Some(p) = p.strip_prefix(root.as_str()) {
                            level.prefixes.push(p.to_owned());
                        }
                    }
                }
                Ok(level)
            }
        }
    }

    /// Bytes `range` of an object (fewer when the object is shorter).
    pub async fn read_range(&self, key: &str, range: Range<u64>) -> Result<Vec<u8>, StorageError> {
        if range.is_empty() {
            return Ok(Vec::new());
        }
        let bytes = match &self.backend {
            Backend::Local { root } => read_local(&root.join(key), range)?,
            Backend::S3 { .. } => {
                self.get_s3(key, format!("bytes={}-{}", range.start, range.end - 1))
                    .await?
            }
        };
        self.count_read(bytes.len());
        Ok(bytes)
    }

    /// The last `len` bytes of an object of `size` bytes (a Parquet footer).
    pub async fn read_tail(&self, key: &str, size: u64, len: u64) -> Result<Vec<u8>, StorageError> {
        let len = len.min(size);
        match &self.backend {
            Backend::Local { .. } => self.read_range(key, size - len..size).await,
            Backend::S3 { .. } => {
                let bytes = self.get_s3(key, format!("bytes=-{len}")).await?;
                self.count_read(bytes.len());
                Ok(bytes)
            }
        }
    }

    fn count_read(&self, len: usize) {
        self.counters
            .bytes_read
            .fetch_add(len as u64, Ordering::Relaxed);
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
    }

    async fn get_s3(&self, key: &str, range: String) -> Result<Vec<u8>, StorageError> {
        let mut retries = 0;
        loop {
            let output = self.get_object(key, Some(range.clone()), None).await?;
            match output.body.collect().await {
                Ok(body) => return Ok(body.into_bytes().to_vec()),
                Err(e) if retries < BODY_RETRIES => {
                    retries += 1;
                    tracing::debug!("GetObject {}: {e}; retry {retries}", self.url(key));
                    tokio::time::sleep(body_backoff(retries)).await;
                }
                Err(e) => {
                    return Err(StorageError::S3 {
                        operation: "GetObject",
                        url: self.url(key),
                        source: e.into(),
                    })
                }
            }
        }
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

fn list_local(root: &Path, prefix: &str) -> Result<Level, StorageError> {
    let dir = root.join(prefix);
    let io = |source| StorageError::Local {
        path: dir.clone(),
        source,
    };
    let mut level = Level::default();
    for entry in std::fs::read_dir(&dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let linked = entry.file_type().map_err(io)?.is_symlink();
        let meta = match std::fs::metadata(entry.path()) {
            Ok(meta) => meta,
            // C43: a dangling link is listed as an empty object, so that whoever reads it
            // names it in a per-input error, instead of the whole listing failing.
            Err(_) if linked => {
                level.objects.push(ObjectMeta {
                    key: format!("{prefix}{name}"),
                    size: 0,
                    tag: None,
                });
                continue;
            }
            Err(source) => return Err(io(source)),
        };
        // Links to files are followed: a lake assembled from links is still the lake. Links to
        // directories are not (as with fd and ripgrep): one inside the root lists its data
        // twice, one outside it escapes the root, and one to an ancestor never ends.
        if meta.is_dir() && !linked {
            level.prefixes.push(format!("{prefix}{name}/"));
        } else if meta.is_file() {
            level.objects.push(ObjectMeta {
                key: format!("{prefix}{name}"),
                size: meta.len(),
                tag: local_tag(&meta),
            });
        }
    }
    Ok(level)
}

/// A key from a ListObjectsV2 response made with `encoding-type=url`. Listings are asked for
/// URL-encoded because XML 1.0 cannot carry some characters a key may hold (most C0 controls):
/// S3 then fails the whole listing, which the SDK reports as an opaque "HTTP 200" error. S3
/// encodes like a form (a space is `+`, a `+` is `%2B`).
pub fn listed_key(encoded: &str) -> String {
    let spaced = encoded.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// What stands in for an ETag locally: the modification time.
pub fn local_tag(meta: &std::fs::Metadata) -> Option<String> {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| format!("mtime:{}", d.as_nanos()))
}

fn read_local(path: &Path, range: Range<u64>) -> Result<Vec<u8>, StorageError> {
    use std::io::{Read, Seek, SeekFrom};
    let io = |source| StorageError::Local {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(range.start)).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(range.end - range.start)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}

/// Times a body stream that broke (connection reset, timeout) is picked up again where it broke,
/// per object. The SDK retries whole requests; it cannot retry a body already being read.
const BODY_RETRIES: u32 = 10;

fn body_backoff(retry: u32) -> std::time::Duration {
    std::time::Duration::from_millis((100u64 << retry.min(6)).min(5_000))
}

/// An S3 object body read synchronously, one network chunk at a time. A broken stream is resumed
/// with a ranged GetObject from the first byte not yet read, pinned to the object's ETag.
struct BodyReader {
    store: Store,
    key: String,
    etag: Option<String>,
    body: aws_sdk_s3::primitives::ByteStream,
    /// Bytes of the object received so far.
    offset: u64,
    /// The object's size, from the first response: a body that ends before it broke.
    total: Option<u64>,
    retries: u32,
    runtime: tokio::runtime::Handle,
    chunk: std::io::Cursor<bytes::Bytes>,
}

impl std::io::Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.chunk.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            match self.runtime.block_on(self.body.next()) {
                None if self.total.is_none_or(|total| self.offset >= total) => return Ok(0),
                None => self.resume(
                    format!(
                        "the body ended at byte {} of {}",
                        self.offset,
                        self.total.unwrap_or_default()
                    )
                    .into(),
                )?,
                Some(Ok(bytes)) => {
                    self.offset += bytes.len() as u64;
                    self.store
                        .counters
                        .bytes_read
                        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    self.chunk = std::io::Cursor::new(bytes);
                }
                Some(Err(e)) => self.resume(e.into())?,
            }
        }
    }
}

impl BodyReader {
    /// Replaces a broken body with a new GetObject from the first byte not yet read.
    fn resume(&mut self, mut cause: crate::aws::BoxError) -> std::io::Result<()> {
        while self.retries < BODY_RETRIES {
            self.retries += 1;
            tracing::debug!(
                "GetObject {}: {cause}; resuming at byte {} (retry {})",
                self.store.url(&self.key),
                self.offset,
                self.retries
            );
            std::thread::sleep(body_backoff(self.retries));
            let resumed = self.runtime.block_on(self.store.get_stream(
                &self.key,
                self.offset,
                self.etag.as_deref(),
            ));
            match resumed {
                Ok((body, _, _)) => {
                    self.body = body;
                    return Ok(());
                }
                Err(e) => cause = e.into(),
            }
        }
        Err(std::io::Error::other(StorageError::Resumes {
            url: self.store.url(&self.key),
            resumes: self.retries,
            source: cause,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_locations_parse() {
        assert_eq!(
            Location::parse("s3://b/iot").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                prefix: "iot/".into()
            }
        );
        assert_eq!(
            Location::parse("s3://b/a/b/").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                prefix: "a/b/".into()
            }
        );
        assert_eq!(
            Location::parse("s3://b").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                prefix: "".into()
            }
        );
        assert!(Location::parse("s3:///x").is_err());
        assert_eq!(
            Location::parse("s3://b/Sales-2024/")
                .unwrap()
                .last_component(),
            Some("Sales-2024".into())
        );
        assert_eq!(
            Location::parse("s3://b").unwrap().last_component(),
            Some("b".into())
        );
    }
}
