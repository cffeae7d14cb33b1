//! The S3 side of publishing: one object's multipart upload (parts sent in the background,
//! aborted when dropped unfinished), and the uploads in progress under a store's root.

use std::collections::VecDeque;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::CompletedPart;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::UploadSettings;
use crate::storage::{Backend, StorageError, Store};

impl Store {
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

/// One S3 object's multipart upload, started when its first full part is ready.
pub(super) struct Multipart {
    pub(super) client: aws_sdk_s3::Client,
    pub(super) bucket: String,
    pub(super) key: String,
    pub(super) url: String,
    pub(super) runtime: Handle,
    pub(super) settings: UploadSettings,
    pub(super) buffer: Vec<u8>,
    pub(super) upload_id: Option<String>,
    pub(super) in_flight: VecDeque<JoinHandle<Result<CompletedPart, crate::aws::CallError>>>,
    pub(super) done: Vec<CompletedPart>,
    /// Completed or put: nothing to abort.
    pub(super) finished: bool,
}

impl Multipart {
    pub(super) fn error<E>(
        &self,
        operation: &'static str,
        e: aws_sdk_s3::error::SdkError<E>,
    ) -> StorageError
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
    pub(super) fn send_part(&mut self) -> Result<(), StorageError> {
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
            .map_err(crate::error::BoxError::from)
            .and_then(|r| r.map_err(crate::error::BoxError::from))
            .map_err(|source| StorageError::S3 {
                operation: "UploadPart",
                url: self.url.clone(),
                source,
            })?;
        self.done.push(part);
        Ok(())
    }

    pub(super) fn wait_all(&mut self) -> Result<Vec<CompletedPart>, StorageError> {
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
