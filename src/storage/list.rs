//! Listing one level at a time (a folder read locally, ListObjectsV2 with a delimiter on S3),
//! so that discover.rs can walk partition prefixes concurrently.

use std::path::Path;
use std::sync::atomic::Ordering;

use super::{local_tag, Backend, Level, ObjectMeta, StorageError, Store};

impl Store {
    /// One level under `prefix` (`""` for the root, else `/`-terminated), all pages.
    pub async fn list_level(&self, prefix: &str) -> Result<Level, StorageError> {
        let mut objects = Vec::new();
        let prefixes = self
            .list_level_pages(prefix, |page| {
                objects.extend(page);
                std::future::ready(true)
            })
            .await?;
        Ok(Level {
            objects,
            prefixes: prefixes.unwrap_or_default(),
        })
    }

    /// Whether anything lies under the folder `prefix` (`/`-terminated): one request however
    /// large the store, where listing the level above it would page through all of it.
    pub async fn has_folder(&self, prefix: &str) -> Result<bool, StorageError> {
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        match &self.backend {
            Backend::Local { root } => {
                // A link to a folder is not followed, as in listings.
                let path = root.join(prefix);
                Ok(std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()))
            }
            Backend::S3 {
                client,
                bucket,
                prefix: root,
            } => {
                let listed = client
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(format!("{root}{prefix}"))
                    .max_keys(1)
                    // The response echoes the prefix; raw, a control character in it is not
                    // XML and the reply cannot be parsed.
                    .encoding_type(aws_sdk_s3::types::EncodingType::Url)
                    .send()
                    .await
                    .map_err(|e| self.s3_error("ListObjectsV2", prefix, e))?;
                Ok(listed.key_count().unwrap_or(0) > 0 || !listed.contents().is_empty())
            }
        }
    }

    /// One level under `prefix`, its objects handed to `page` a ListObjectsV2 page (up to 1,000
    /// keys) at a time as each arrives, so that a flat prefix of millions of keys is worked on
    /// while it is still being listed; a local folder is one page. The sub-folders come back
    /// at the end, or `None` when `page` returned false (its consumer is gone) and listing
    /// stopped.
    pub async fn list_level_pages<F, Next>(
        &self,
        prefix: &str,
        mut page: F,
    ) -> Result<Option<Vec<String>>, StorageError>
    where
        F: FnMut(Vec<ObjectMeta>) -> Next,
        Next: std::future::Future<Output = bool>,
    {
        match &self.backend {
            Backend::Local { root } => {
                self.counters.requests.fetch_add(1, Ordering::Relaxed);
                let level = list_local(root, prefix)?;
                Ok(page(level.objects).await.then_some(level.prefixes))
            }
            Backend::S3 {
                client,
                bucket,
                prefix: root,
            } => {
                let mut prefixes = Vec::new();
                let mut pages = client
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(format!("{root}{prefix}"))
                    .delimiter("/")
                    .encoding_type(aws_sdk_s3::types::EncodingType::Url)
                    .into_paginator()
                    .send();
                while let Some(listed) = pages.next().await {
                    self.counters.requests.fetch_add(1, Ordering::Relaxed);
                    let listed = listed.map_err(|e| self.s3_error("ListObjectsV2", prefix, e))?;
                    let mut objects = Vec::with_capacity(listed.contents().len());
                    for object in listed.contents() {
                        let Some(key) = object.key().map(listed_key) else {
                            continue;
                        };
                        let Some(key) = key.strip_prefix(root.as_str()) else {
                            continue;
                        };
                        objects.push(ObjectMeta {
                            key: key.to_owned(),
                            size: object.size().unwrap_or(0).max(0) as u64,
                            tag: object.e_tag().map(str::to_owned),
                        });
                    }
                    for common in listed.common_prefixes() {
                        let Some(p) = common.prefix().map(listed_key) else {
                            continue;
                        };
                        if let Some(p) = p.strip_prefix(root.as_str()) {
                            prefixes.push(p.to_owned());
                        }
                    }
                    if !objects.is_empty() && !page(objects).await {
                        return Ok(None);
                    }
                }
                Ok(Some(prefixes))
            }
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
