//! OpenSearch: [`mapping`] (the index created when missing, with a `knn_vector` field; an
//! existing one checked for the dimension) → [`bulk`] bodies of at most `--bulk-bytes`, sent
//! `--concurrency` at a time by [`client`] (or written as files for OpenSearch Ingestion or
//! curl) → [`verify`] (`_count`, recall@10 against exact `script_score` search).

pub mod bulk;
pub mod client;
pub mod mapping;
pub mod verify;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use futures::stream::{FuturesUnordered, StreamExt};

use self::bulk::{Bulk, BulkWriter};
pub use self::client::{basic_credentials, service_of_host, Auth};
use self::client::{BulkOutcome, Cluster};
pub use self::mapping::{check_index_name, Engine, IndexParams};
use super::input::{Shape, VectorInput};
use super::parts::{cut, open_part};
use super::report::{InputRecord, LoadReport, Rejected};
use super::{check_cancel, LoadError, LoadOptions};
use crate::error::BoxError;
use crate::progress::Progress;
use crate::storage::Store;

#[derive(Debug, thiserror::Error)]
pub enum OsError {
    #[error("cannot send a request to {url}")]
    Request {
        url: String,
        #[source]
        source: BoxError,
    },
    #[error("{url}: HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    /// `problem` is ours: what about the answer is unusable.
    #[error("{url}: {problem}")]
    Answer { url: String, problem: String },
    /// `problem` is ours: the index is not as a load needs it.
    #[error("index {index}: {problem}")]
    Index { index: String, problem: String },
    #[error(transparent)]
    Write(#[from] crate::storage::StorageError),
}

/// Where the documents go.
pub enum Destination {
    Cluster(Box<Cluster>),
    /// `_bulk` files (and the index body) under a local folder or an S3 prefix.
    Files(Arc<Store>),
}

pub struct OsOptions {
    pub index: String,
    pub params: IndexParams,
    pub bulk_bytes: usize,
    pub verify: Option<verify::VerifySettings>,
}

/// Items the cluster refused, reported with the run.
#[derive(Default)]
struct Tally {
    indexed: u64,
    rejected: Vec<(String, String)>,
    retries: u64,
    files: u64,
}

impl Tally {
    fn add(&mut self, outcome: BulkOutcome) {
        self.indexed += outcome.indexed;
        self.rejected.extend(outcome.rejected);
        self.retries += outcome.retries;
    }
}

pub async fn load(
    inputs: Vec<VectorInput>,
    shape: Shape,
    options: &LoadOptions,
    os: OsOptions,
    destination: Destination,
    progress: Arc<dyn Progress>,
    cancel: Arc<AtomicBool>,
) -> Result<LoadReport, LoadError> {
    let body = mapping::index_body(&shape, &os.params);
    let (target, name) = match &destination {
        Destination::Cluster(cluster) => {
            mapping::ensure_index(cluster, &os.index, &shape, &body).await?;
            (cluster.base.clone(), os.index.clone())
        }
        Destination::Files(store) => {
            let text = serde_json::to_vec_pretty(&body).expect("JSON");
            put(store, format!("{}.index.json", os.index), text).await?;
            (store.root_url(), os.index.clone())
        }
    };
    let total_rows: u64 = inputs.iter().map(|i| i.rows).sum();
    progress.start("loading", Some(total_rows));
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut records = Vec::with_capacity(inputs.len());
    let mut in_flight = FuturesUnordered::new();
    let mut writer = BulkWriter::new(&os.index, &shape, os.bulk_bytes);
    let mut sequence = 0u64;
    let limit = options.concurrency.max(1);
    let send = |bulk: Bulk, sequence: u64| {
        let destination = &destination;
        let index = os.index.clone();
        async move {
            let items = bulk.len() as u64;
            match destination {
                Destination::Cluster(cluster) => cluster.bulk(bulk).await,
                Destination::Files(store) => {
                    put(store, format!("{index}-{sequence:06}.ndjson"), bulk.body)
                        .await
                        .map(|()| BulkOutcome {
                            indexed: items,
                            ..BulkOutcome::default()
                        })
                }
            }
        }
    };
    for (at, input) in inputs.iter().enumerate() {
        let input_started = Instant::now();
        let parts = cut(at, input.rows, options.part_rows);
        let part_count = parts.len() as u64;
        for part in parts {
            let mut reader = open_part(input, &part)?;
            while let Some(rows) = reader.next().await {
                let rows = rows?;
                check_cancel(&cancel)?;
                for row in 0..rows.len() {
                    let full = writer
                        .push(&rows, row)
                        .map_err(|problem| rows.row_error(input, row, problem))?;
                    if let Some(bulk) = full {
                        let items = bulk.len() as u64;
                        if in_flight.len() >= limit {
                            if let Some(done) = in_flight.next().await {
                                tally.add(done?);
                            }
                        }
                        in_flight.push(send(bulk, sequence));
                        sequence += 1;
                        progress.advance(items);
                    }
                }
            }
        }
        records.push(InputRecord {
            input: input.url.clone(),
            rows: input.rows,
            // Sent; what the cluster acknowledged is the summary's `loaded_rows`.
            loaded_rows: input.rows,
            parts: part_count,
            skipped_parts: 0,
            seconds: input_started.elapsed().as_secs_f64(),
        });
    }
    let last = writer.take();
    if !last.is_empty() {
        progress.advance(last.len() as u64);
        in_flight.push(send(last, sequence));
        sequence += 1;
    }
    while let Some(done) = in_flight.next().await {
        tally.add(done?);
    }
    drop(in_flight);
    tally.files = sequence;
    progress.finish();
    let seconds = started.elapsed().as_secs_f64();
    let verify = match (&destination, &os.verify) {
        (Destination::Cluster(cluster), Some(settings)) => Some(
            verify::verify(cluster, &os.index, &shape, &os.params, total_rows, settings).await?,
        ),
        _ => None,
    };
    let report = LoadReport {
        target,
        name,
        dimension: shape.dimension,
        metric: shape.metric.name(),
        model: shape.model.clone(),
        inputs: records,
        rows: total_rows,
        loaded_rows: tally.indexed,
        seconds,
        rows_per_second: if seconds > 0.0 {
            tally.indexed as f64 / seconds
        } else {
            0.0
        },
        index: None,
        vacuum_seconds: None,
        verify,
        rejected: tally
            .rejected
            .into_iter()
            .map(|(id, reason)| Rejected { id, reason })
            .collect(),
    };
    Ok(report)
}

/// `https://user:pass@host/` → (`https://host`, basic credentials): the password never
/// reaches a report or an error.
pub fn split_user(url: &str) -> Result<(String, Option<String>), LoadError> {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let (credentials, host) = match authority.rsplit_once('@') {
        Some((user, host)) => {
            let (name, password) = user.split_once(':').unwrap_or((user, ""));
            (Some(basic_credentials(name, password)), host)
        }
        None => (None, authority),
    };
    if host.is_empty() {
        return Err(LoadError::Options(format!(
            "--to {scheme}://…: no host to send to"
        )));
    }
    Ok((
        format!("{scheme}://{host}{}", path.trim_end_matches('/')),
        credentials,
    ))
}

/// Writes one object through the storage layer (atomic locally, a PUT on S3), off the runtime's
/// workers since the writer blocks.
async fn put(store: &Arc<Store>, key: String, body: Vec<u8>) -> Result<(), OsError> {
    let store = store.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || store.put(&key, &runtime, &body))
        .await
        .map_err(|e| OsError::Answer {
            url: "bulk file".into(),
            problem: e.to_string(),
        })?
        .map_err(OsError::Write)
}
