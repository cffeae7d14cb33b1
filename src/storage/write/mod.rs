//! Writing objects so that nothing half-written is ever visible: a local file goes to a hidden
//! temporary name and is renamed; an S3 object goes up as a multipart upload (or one PutObject
//! when it is smaller than a part) and is completed only when the caller publishes it. Whatever
//! is dropped unpublished is removed or aborted.
//!
//! [`temp`] holds the local side (temporary names, their cleanup, [`write_atomically`]);
//! [`multipart`] the S3 side (the upload an S3 object goes up as, and the listing and aborting of
//! uploads a run left behind). This file holds the entry point, [`Store::writer`], and the
//! [`ObjectWriter`] → [`Unpublished`] → `publish` life of one object over either.

mod multipart;
mod stale;
mod temp;

use std::collections::VecDeque;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use tokio::runtime::Handle;

use super::{Backend, StorageError, Store};
use multipart::Multipart;
pub use stale::StaleUploads;
pub use temp::{remove_stale_temps, temp_path, write_atomically};

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
}

impl ObjectWriter {
    /// Everything written is stored (a local file synced; every S3 part uploaded) but not yet
    /// visible.
    pub fn close(mut self) -> Result<Unpublished, StorageError> {
        let bytes = self.bytes;
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
