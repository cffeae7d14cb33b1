//! Reads: byte ranges (sampling never downloads a whole object) and whole objects as blocking
//! streams, where an S3 body that breaks is resumed from the first byte not yet read.

use std::ops::Range;
use std::path::Path;
use std::sync::atomic::Ordering;

use super::{Backend, StorageError, Store};

impl Store {
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

    /// A whole (small) object.
    pub async fn read_all(&self, key: &str, size: u64) -> Result<Vec<u8>, StorageError> {
        if size == 0 {
            return Ok(Vec::new());
        }
        self.read_range(key, 0..size).await
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
    fn resume(&mut self, mut cause: crate::error::BoxError) -> std::io::Result<()> {
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
