//! DataFusion reads `s3://` tables through the same AWS SDK client as the rest of lakeops (one
//! credential chain with SSO and refresh, `--endpoint-url`, the SDK's retries), not through
//! object_store's own HTTP client: this adapter implements the read half of `ObjectStore`
//! (ranged GETs, HEAD, listings); queries never write to S3.

use std::fmt;
use std::ops::Range;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use futures::stream::{self, BoxStream, StreamExt};
use object_store::path::Path;

use crate::storage::StorageError;
use object_store::{
    Attributes, CopyOptions, GetOptions, GetResult, GetResultPayload, ListResult, MultipartUpload,
    ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};

const STORE: &str = "lakeops-s3";

/// A key that object_store's paths cannot hold (an empty segment, as in `a//b`), so that
/// DataFusion cannot ask for it.
#[derive(Debug, thiserror::Error)]
#[error("{url}: the query engine cannot name this key")]
struct UnnameableKey {
    url: String,
    #[source]
    source: object_store::path::Error,
}

/// One bucket, read through the AWS SDK.
#[derive(Debug)]
pub struct S3ObjectStore {
    client: Client,
    bucket: String,
}

impl S3ObjectStore {
    pub fn new(client: Client, bucket: impl Into<String>) -> S3ObjectStore {
        S3ObjectStore {
            client,
            bucket: bucket.into(),
        }
    }
}

impl fmt::Display for S3ObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S3ObjectStore(s3://{})", self.bucket)
    }
}

fn generic(source: impl Into<crate::error::BoxError>) -> object_store::Error {
    object_store::Error::Generic {
        store: STORE,
        source: source.into(),
    }
}

fn read_only(operation: &str) -> object_store::Error {
    object_store::Error::NotImplemented {
        operation: operation.to_owned(),
        implementer: STORE.to_owned(),
    }
}

fn to_time(time: Option<&aws_sdk_s3::primitives::DateTime>) -> chrono::DateTime<chrono::Utc> {
    time.and_then(|t| chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
        .unwrap_or_default()
}

/// A prefix for ListObjectsV2: `Some("a/b")` lists `a/b/...`.
fn list_prefix(prefix: Option<&Path>) -> String {
    match prefix.map(Path::as_ref) {
        None | Some("") => String::new(),
        Some(p) => format!("{p}/"),
    }
}

impl S3ObjectStore {
    /// The key as object_store's path, written as is: `Path::from` would escape a `%` in it
    /// (so `ts=a%2Fb/` would be fetched as `ts=a%252Fb/`, and its partition value read wrong).
    fn path(&self, key: &str) -> Result<Path> {
        Path::parse(key).map_err(|source| {
            generic(UnnameableKey {
                url: format!("s3://{}/{key}", self.bucket),
                source,
            })
        })
    }

    /// A failed request, named as the rest of lakeops names them (`GetObject s3://bucket/key`),
    /// its cause classified by the one conversion of SDK errors.
    fn failed(
        &self,
        operation: &'static str,
        key: &str,
        source: crate::error::BoxError,
    ) -> StorageError {
        StorageError::S3 {
            operation,
            url: format!("s3://{}/{key}", self.bucket),
            source,
        }
    }

    async fn list_all(&self, prefix: String, delimiter: bool) -> Result<ListResult> {
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(&prefix)
            .set_delimiter(delimiter.then(|| "/".to_owned()))
            .encoding_type(aws_sdk_s3::types::EncodingType::Url)
            .into_paginator()
            .send();
        let mut result = ListResult {
            common_prefixes: Vec::new(),
            objects: Vec::new(),
        };
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                generic(self.failed("ListObjectsV2", &prefix, crate::aws::call_error(e).into()))
            })?;
            for common in page.common_prefixes() {
                if let Some(p) = common.prefix().map(crate::storage::listed_key) {
                    result
                        .common_prefixes
                        .push(self.path(p.trim_end_matches('/'))?);
                }
            }
            for object in page.contents() {
                let Some(key) = object.key().map(crate::storage::listed_key) else {
                    continue;
                };
                result.objects.push(ObjectMeta {
                    location: self.path(&key)?,
                    last_modified: to_time(object.last_modified()),
                    size: object.size().unwrap_or_default().max(0) as u64,
                    e_tag: object.e_tag().map(str::to_owned),
                    version: None,
                });
            }
        }
        Ok(result)
    }
}

#[async_trait]
impl ObjectStore for S3ObjectStore {
    async fn put_opts(&self, _: &Path, _: PutPayload, _: PutOptions) -> Result<PutResult> {
        Err(read_only("put"))
    }

    async fn put_multipart_opts(
        &self,
        _: &Path,
        _: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        Err(read_only("put_multipart"))
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let key = location.as_ref().to_owned();
        let not_found = |source: StorageError| object_store::Error::NotFound {
            path: key.clone(),
            source: source.into(),
        };
        if options.head {
            let head = self
                .client
                .head_object()
                .bucket(&self.bucket)
                .key(&key)
                .send()
                .await
                .map_err(|e| {
                    let missing = e.as_service_error().is_some_and(|s| s.is_not_found());
                    let failed = self.failed("HeadObject", &key, crate::aws::call_error(e).into());
                    if missing {
                        not_found(failed)
                    } else {
                        generic(failed)
                    }
                })?;
            let size = head.content_length().unwrap_or_default().max(0) as u64;
            return Ok(GetResult {
                payload: GetResultPayload::Stream(stream::empty().boxed()),
                meta: ObjectMeta {
                    location: location.clone(),
                    last_modified: to_time(head.last_modified()),
                    size,
                    e_tag: head.e_tag().map(str::to_owned),
                    version: None,
                },
                range: 0..size,
                attributes: Attributes::default(),
            });
        }
        let output = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .set_range(options.range.as_ref().map(ToString::to_string))
            .set_if_match(options.if_match.clone())
            .send()
            .await
            .map_err(|e| {
                let missing = e.as_service_error().is_some_and(|s| s.is_no_such_key());
                let failed = self.failed("GetObject", &key, crate::aws::call_error(e).into());
                if missing {
                    not_found(failed)
                } else {
                    generic(failed)
                }
            })?;
        let length = output.content_length().unwrap_or_default().max(0) as u64;
        // "bytes START-END/TOTAL" for a ranged GET; the whole object otherwise.
        let (range, size): (Range<u64>, u64) = match output.content_range() {
            Some(text) => parse_content_range(text)
                .ok_or_else(|| generic(format!("unexpected Content-Range {text:?} for {key}")))?,
            None => (0..length, length),
        };
        let meta = ObjectMeta {
            location: location.clone(),
            last_modified: to_time(output.last_modified()),
            size,
            e_tag: output.e_tag().map(str::to_owned),
            version: None,
        };
        let body = output.body;
        let url = format!("s3://{}/{key}", self.bucket);
        let chunks = stream::unfold(body, move |mut body| {
            let url = url.clone();
            async move {
                body.next().await.map(|chunk| {
                    let chunk = chunk.map_err(|e| {
                        generic(StorageError::S3 {
                            operation: "GetObject",
                            url,
                            source: e.into(),
                        })
                    });
                    (chunk, body)
                })
            }
        });
        Ok(GetResult {
            payload: GetResultPayload::Stream(chunks.boxed()),
            meta,
            range,
            attributes: Attributes::default(),
        })
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        locations.map(|_| Err(read_only("delete"))).boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        let store = S3ObjectStore::new(self.client.clone(), self.bucket.clone());
        let prefix = list_prefix(prefix);
        stream::once(async move { store.list_all(prefix, false).await })
            .flat_map(|listed| match listed {
                Ok(result) => stream::iter(result.objects.into_iter().map(Ok)).boxed(),
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            })
            .boxed()
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.list_all(list_prefix(prefix), true).await
    }

    async fn copy_opts(&self, _: &Path, _: &Path, _: CopyOptions) -> Result<()> {
        Err(read_only("copy"))
    }
}

/// `bytes 100-199/1000` -> (100..200, 1000).
fn parse_content_range(text: &str) -> Option<(Range<u64>, u64)> {
    let rest = text.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let (start, end) = span.split_once('-')?;
    let start: u64 = start.parse().ok()?;
    let end: u64 = end.parse().ok()?;
    Some((start..end + 1, total.parse().ok()?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn content_ranges_parse() {
        assert_eq!(
            super::parse_content_range("bytes 100-199/1000"),
            Some((100..200, 1000))
        );
        assert_eq!(super::parse_content_range("bytes */1000"), None);
    }

    #[test]
    fn a_key_the_engine_cannot_name_keeps_object_stores_error_as_its_cause() {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .build();
        let store = super::S3ObjectStore::new(aws_sdk_s3::Client::from_conf(config), "lake");
        let err = store.path("a//b.parquet").unwrap_err();
        let object_store::Error::Generic { source, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            crate::error::chain_text(source.as_ref()),
            "s3://lake/a//b.parquet: the query engine cannot name this key: \
             Path \"a//b.parquet\" contained empty path segment"
        );
        crate::error::assert_causes_shown_once(source.as_ref());
    }
}
