//! Writing objects so that nothing half-written is ever visible: a local file goes to a hidden
//! temporary name and is renamed; an S3 object goes up as a multipart upload (or one PutObject
//! when it is smaller than a part) and is completed only when the caller publishes it. Whatever
//! is dropped unpublished is removed or aborted.

use std::collections::VecDeque;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::{Backend, StorageError, Store};

/// How S3 uploads are cut and how many parts of one object travel at once. Memory per object
/// being written is at most `part_size × (concurrency + 1)`.
#[derive(Debug, Clone, Copy)]
pub struct UploadSettings {
    pub part_size: usize,
    pub concurrency: usize,
}

/// S3's smallest part (all but the last).
pub const MIN_PART_SIZE: usize = 5 << 20;

impl Default for UploadSettings {
    /// 16 MiB parts reach 160 GB objects within S3's 10,000-part limit; four in flight keep one
    /// object's upload near a connection's bandwidth four times over.
    fn default() -> Self {
        UploadSettings {
            part_size: 16 << 20,
            concurrency: 4,
        }
    }
}

/// Every temporary file lakeops writes starts with this, then `PID.N.HOST`.
pub const TEMP_PREFIX: &str = ".lakeops-tmp.";

/// This machine's name as temporary names carry it: at most 16 of its letters, digits and `-`.
/// On a file system shared by several machines (NFS, EFS), a process id means something only
/// on the machine that wrote it.
pub fn temp_host() -> &'static str {
    static HOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HOST.get_or_init(|| {
        let mut buf = [0u8; 256];
        // SAFETY: gethostname writes at most `buf.len()` bytes into the buffer it is given.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        let name = if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            String::from_utf8_lossy(&buf[..end]).into_owned()
        } else {
            String::new()
        };
        name.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(16)
            .collect()
    })
}

/// The hidden name a local file is written under until it is complete, beside it. Short and
/// independent of the final name, so a final name near the file-system limit (255 bytes) still
/// has a temporary one; the process id and host in it let a later run tell a dead process's
/// leftovers apart (see [`remove_stale_temps`]).
pub fn temp_path(final_path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    final_path.with_file_name(format!(
        "{TEMP_PREFIX}{}.{n}.{}",
        std::process::id(),
        temp_host()
    ))
}

/// Whether process `pid` still runs (on this machine).
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Removes the temporary files in `dir` that lakeops processes of this machine which no longer
/// run left behind (kill -9, a full disk). Another machine's are left alone: their process ids
/// cannot be checked from here. Done once per directory and process, before the first file is
/// written there. Returns how many were removed.
pub fn remove_stale_temps(dir: &Path) -> usize {
    static CLEANED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    {
        let mut cleaned = CLEANED.lock().unwrap_or_else(|e| e.into_inner());
        if cleaned.iter().any(|d| d == dir) {
            return 0;
        }
        cleaned.push(dir.to_owned());
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let mut fields = rest.splitn(3, '.');
        let (Some(Ok(pid)), Some(_), Some(host)) = (
            fields.next().map(str::parse::<i32>),
            fields.next(),
            fields.next(),
        ) else {
            continue;
        };
        if host != temp_host() {
            continue;
        }
        if pid > 0 && !alive(pid) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(
            "removed {removed} temporary file(s) left in {} by processes that no longer run",
            dir.display()
        );
    }
    removed
}

/// Writes a whole small file so that readers see the old content or the new, never a part:
/// a temporary file beside it, flushed, then renamed over it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        remove_stale_temps(dir);
    }
    let temp = temp_path(path);
    let written = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    Ok(())
}

/// An object being written (`std::io::Write`); `close` it, then `publish` what it returns.
pub struct ObjectWriter {
    url: String,
    /// Taken by `close`.
    inner: Option<Inner>,
    bytes: u64,
}

enum Inner {
    Local {
        file: BufWriter<File>,
        temp: PathBuf,
        path: PathBuf,
    },
    S3(Multipart),
}

/// A closed object not yet visible.
pub struct Unpublished {
    url: String,
    bytes: u64,
    state: Option<Closed>,
}

enum Closed {
    Local {
        temp: PathBuf,
        path: PathBuf,
    },
    Put {
        upload: Multipart,
        body: Vec<u8>,
    },
    Multipart {
        upload: Multipart,
        parts: Vec<CompletedPart>,
    },
}

impl Store {
    /// Starts writing `key`. S3 requests go through `runtime`, blocking the calling thread, which
    /// must not be one of the runtime's own.
    pub fn writer(
        &self,
        key: &str,
        runtime: &Handle,
        settings: UploadSettings,
    ) -> Result<ObjectWriter, StorageError> {
        let url = self.url(key);
        let inner = match &self.backend {
            Backend::Local { root } => {
                let path = super::contained_path(root, key)?;
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    fs::create_dir_all(dir).map_err(|source| StorageError::Local {
                        path: dir.to_owned(),
                        source,
                    })?;
                    remove_stale_temps(dir);
                }
                let temp = temp_path(&path);
                let file = File::create(&temp).map_err(|source| StorageError::Local {
                    path: temp.clone(),
                    source,
                })?;
                Inner::Local {
                    file: BufWriter::with_capacity(1 << 20, file),
                    temp,
                    path,
                }
            }
            Backend::S3 {
                client,
                bucket,
                prefix,
            } => Inner::S3(Multipart {
                client: client.clone(),
                bucket: bucket.clone(),
                key: format!("{prefix}{key}"),
                url: url.clone(),
                runtime: runtime.clone(),
                settings: UploadSettings {
                    part_size: settings.part_size.max(MIN_PART_SIZE),
                    concurrency: settings.concurrency.max(1),
                },
                buffer: Vec::new(),
                upload_id: None,
                in_flight: VecDeque::new(),
                done: Vec::new(),
                finished: false,
            }),
        };
        Ok(ObjectWriter {
            url,
            inner: Some(inner),
            bytes: 0,
        })
    }

    /// Writes a small object whole (same visibility rules as `writer`).
    pub fn put(&self, key: &str, runtime: &Handle, body: &[u8]) -> Result<(), StorageError> {
        let mut writer = self.writer(key, runtime, UploadSettings::default())?;
        if let Err(source) = writer.write_all(body) {
            return Err(match writer.inner.as_ref().expect("open") {
                Inner::Local { temp, .. } => StorageError::Local {
                    path: temp.clone(),
                    source,
                },
                // A failed part comes back through `Write` as the StorageError it was.
                Inner::S3(_) => match source.into_inner().map(|e| e.downcast::<StorageError>()) {
                    Some(Ok(storage)) => *storage,
                    Some(Err(other)) => StorageError::S3 {
                        operation: "UploadPart",
                        url: writer.url.clone(),
                        source: other,
                    },
                    None => StorageError::S3Answer {
                        operation: "UploadPart",
                        url: writer.url.clone(),
                        problem: "the write failed",
                    },
                },
            });
        }
        writer.close()?.publish()
    }

    /// The multipart uploads in progress under the root. Local stores have none.
    pub async fn uploads(&self) -> Result<Vec<Upload>, StorageError> {
        let Backend::S3 {
            client,
            bucket,
            prefix,
        } = &self.backend
        else {
            return Ok(Vec::new());
        };
        let mut uploads = Vec::new();
        let (mut key_marker, mut id_marker) = (None::<String>, None::<String>);
        loop {
            let page = client
                .list_multipart_uploads()
                .bucket(bucket)
                .prefix(prefix)
                .set_key_marker(key_marker.clone())
                .set_upload_id_marker(id_marker.clone())
                .send()
                .await
                .map_err(|e| self.s3_error("ListMultipartUploads", "", e))?;
            for upload in page.uploads() {
                let (Some(key), Some(id)) = (upload.key(), upload.upload_id()) else {
                    continue;
                };
                uploads.push(Upload {
                    key: key.strip_prefix(prefix.as_str()).unwrap_or(key).to_owned(),
                    id: id.to_owned(),
                });
            }
            if page.is_truncated() != Some(true) {
                return Ok(uploads);
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            id_marker = page.next_upload_id_marker().map(str::to_owned);
        }
    }

    /// Aborts one upload that [`Store::uploads`] listed.
    pub async fn abort_upload(&self, upload: &Upload) -> Result<(), StorageError> {
        let Backend::S3 {
            client,
            bucket,
            prefix,
        } = &self.backend
        else {
            return Ok(());
        };
        client
            .abort_multipart_upload()
            .bucket(bucket)
            .key(format!("{prefix}{}", upload.key))
            .upload_id(&upload.id)
            .send()
            .await
            .map_err(|e| self.s3_error("AbortMultipartUpload", &upload.key, e))?;
        tracing::info!(key = upload.key, "aborted a stale multipart upload");
        Ok(())
    }
}

/// A multipart upload in progress: its key, relative to the store's root.
#[derive(Debug, Clone)]
pub struct Upload {
    pub key: String,
    id: String,
}

impl ObjectWriter {
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Everything written is stored (a local file synced; every S3 part uploaded) but not yet
    /// visible.
    pub fn close(mut self) -> Result<Unpublished, StorageError> {
        let (url, bytes) = (self.url.clone(), self.bytes);
        let state = match self.inner.take().expect("closed once") {
            Inner::Local { file, temp, path } => {
                let stored = file
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(|file| file.sync_all());
                // The temp file left `self` with `inner`, so Drop can no longer remove it (a
                // full disk failing the last flush left it behind).
                if let Err(source) = stored {
                    let _ = fs::remove_file(&temp);
                    return Err(StorageError::Local { path: temp, source });
                }
                Closed::Local { temp, path }
            }
            Inner::S3(mut upload) => {
                if upload.upload_id.is_none() {
                    let body = std::mem::take(&mut upload.buffer);
                    Closed::Put { upload, body }
                } else {
                    if !upload.buffer.is_empty() {
                        upload.send_part()?;
                    }
                    let parts = upload.wait_all()?;
                    Closed::Multipart { upload, parts }
                }
            }
        };
        Ok(Unpublished {
            url,
            bytes,
            state: Some(state),
        })
    }
}

impl Write for ObjectWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = match self.inner.as_mut().expect("open until closed") {
            Inner::Local { file, .. } => file.write(buf)?,
            Inner::S3(upload) => {
                upload.buffer.extend_from_slice(buf);
                if upload.buffer.len() >= upload.settings.part_size {
                    upload.send_part().map_err(io::Error::other)?;
                }
                buf.len()
            }
        };
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.inner.as_mut().expect("open until closed") {
            Inner::Local { file, .. } => file.flush(),
            Inner::S3(_) => Ok(()),
        }
    }
}

impl Drop for ObjectWriter {
    fn drop(&mut self) {
        if let Some(Inner::Local { temp, .. }) = &self.inner {
            let _ = fs::remove_file(temp);
        }
        // An S3 upload aborts itself (Multipart's Drop).
    }
}

impl Unpublished {
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Makes the object visible under its final name, whole.
    pub fn publish(mut self) -> Result<(), StorageError> {
        match self.state.take().expect("published once") {
            Closed::Local { temp, path } => {
                fs::rename(&temp, &path).map_err(|source| StorageError::Local { path, source })
            }
            Closed::Put { mut upload, body } => {
                let result = upload.runtime.block_on(
                    upload
                        .client
                        .put_object()
                        .bucket(&upload.bucket)
                        .key(&upload.key)
                        .body(ByteStream::from(body))
                        .send(),
                );
                upload.finished = true;
                result.map(|_| ()).map_err(|e| upload.error("PutObject", e))
            }
            Closed::Multipart { mut upload, parts } => {
                let id = upload
                    .upload_id
                    .clone()
                    .expect("a multipart upload has an id");
                let result = upload.runtime.block_on(
                    upload
                        .client
                        .complete_multipart_upload()
                        .bucket(&upload.bucket)
                        .key(&upload.key)
                        .upload_id(id)
                        .multipart_upload(
                            CompletedMultipartUpload::builder()
                                .set_parts(Some(parts))
                                .build(),
                        )
                        .send(),
                );
                if result.is_ok() {
                    upload.finished = true;
                }
                result
                    .map(|_| ())
                    .map_err(|e| upload.error("CompleteMultipartUpload", e))
            }
        }
    }
}

impl Drop for Unpublished {
    fn drop(&mut self) {
        if let Some(Closed::Local { temp, .. }) = &self.state {
            let _ = fs::remove_file(temp);
        }
    }
}

/// One S3 object's multipart upload, started when its first full part is ready.
struct Multipart {
    client: aws_sdk_s3::Client,
    bucket: String,
    key: String,
    url: String,
    runtime: Handle,
    settings: UploadSettings,
    buffer: Vec<u8>,
    upload_id: Option<String>,
    in_flight: VecDeque<JoinHandle<Result<CompletedPart, crate::aws::CallError>>>,
    done: Vec<CompletedPart>,
    /// Completed or put: nothing to abort.
    finished: bool,
}

impl Multipart {
    fn error<E>(&self, operation: &'static str, e: aws_sdk_s3::error::SdkError<E>) -> StorageError
    where
        E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        StorageError::S3 {
            operation,
            url: self.url.clone(),
            source: crate::aws::call_error(e).into(),
        }
    }

    fn part_number(&self) -> i32 {
        (self.done.len() + self.in_flight.len() + 1) as i32
    }

    /// Uploads the buffer as the next part, in the background; waits for the oldest part first
    /// when `concurrency` parts are already in flight.
    fn send_part(&mut self) -> Result<(), StorageError> {
        if self.upload_id.is_none() {
            let created = self
                .runtime
                .block_on(
                    self.client
                        .create_multipart_upload()
                        .bucket(&self.bucket)
                        .key(&self.key)
                        .send(),
                )
                .map_err(|e| self.error("CreateMultipartUpload", e))?;
            self.upload_id = created.upload_id().map(str::to_owned);
            if self.upload_id.is_none() {
                return Err(StorageError::S3Answer {
                    operation: "CreateMultipartUpload",
                    url: self.url.clone(),
                    problem: "no upload id in the response",
                });
            }
        }
        while self.in_flight.len() >= self.settings.concurrency {
            self.wait_oldest()?;
        }
        let number = self.part_number();
        let body = std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(self.settings.part_size),
        );
        let request = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(self.upload_id.clone().expect("created above"))
            .part_number(number)
            .body(ByteStream::from(body));
        self.in_flight.push_back(self.runtime.spawn(async move {
            let sent = request.send().await.map_err(crate::aws::call_error)?;
            Ok(CompletedPart::builder()
                .part_number(number)
                .set_e_tag(sent.e_tag().map(str::to_owned))
                .build())
        }));
        Ok(())
    }

    fn wait_oldest(&mut self) -> Result<(), StorageError> {
        let Some(task) = self.in_flight.pop_front() else {
            return Ok(());
        };
        let part = self
            .runtime
            .block_on(task)
            .map_err(crate::aws::BoxError::from)
            .and_then(|r| r.map_err(crate::aws::BoxError::from))
            .map_err(|source| StorageError::S3 {
                operation: "UploadPart",
                url: self.url.clone(),
                source,
            })?;
        self.done.push(part);
        Ok(())
    }

    fn wait_all(&mut self) -> Result<Vec<CompletedPart>, StorageError> {
        while !self.in_flight.is_empty() {
            self.wait_oldest()?;
        }
        Ok(std::mem::take(&mut self.done))
    }
}

impl Drop for Multipart {
    /// An upload neither completed nor put is aborted, so that S3 keeps (and bills) no parts.
    fn drop(&mut self) {
        for task in self.in_flight.drain(..) {
            task.abort();
        }
        if self.finished {
            return;
        }
        if let Some(id) = self.upload_id.take() {
            let aborted = self.runtime.block_on(
                self.client
                    .abort_multipart_upload()
                    .bucket(&self.bucket)
                    .key(&self.key)
                    .upload_id(id)
                    .send(),
            );
            if let Err(e) = aborted {
                tracing::warn!(
                    "could not abort the multipart upload of {}: {}; a later run to the same \
                     output aborts it",
                    self.url,
                    crate::error::chain_text(&crate::aws::call_error(e))
                );
            }
        }
    }
}
