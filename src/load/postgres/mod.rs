//! PostgreSQL + pgvector: [`connect`] (libpq URLs, `PG*`, `.pgpass`, TLS, RDS IAM) →
//! [`table`] (extension, table and ledger made sure of) → [`copy`] (parts by binary COPY over
//! `--concurrency` connections, each part its own transaction) → [`index`] (HNSW or IVFFlat,
//! ANALYZE, VACUUM) → [`verify`] (row count, recall@10, latency).
//!
//! Reloads are idempotent: a part the ledger records with the same input identity is skipped,
//! and a part whose keys are already in the table replaces those rows (see [`copy`]).

pub mod connect;
pub mod copy;
pub mod index;
pub mod table;
pub mod verify;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub use connect::PgTarget;
use copy::CopyTarget;
pub use index::{IndexMethod, IndexSettings};
pub use table::TableName;
pub use verify::VerifySettings;

use super::input::{Shape, VectorInput};
use super::parts::{cut, Part};
use super::report::{InputRecord, LoadReport};
use super::{LoadError, LoadOptions};
use crate::error::BoxError;
use crate::progress::Progress;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// `problem` is ours: what about the URL or its settings is wrong.
    #[error("{url}: {problem}")]
    Url { url: String, problem: String },
    #[error("cannot connect to {target}")]
    Connect {
        target: String,
        #[source]
        source: BoxError,
    },
    /// A statement failed: `what` says which, in the user's terms.
    #[error("{target}: cannot {what}")]
    Sql {
        target: String,
        what: String,
        #[source]
        source: tokio_postgres::Error,
    },
    /// `problem` is ours: the database is not as a load needs it (and what to do).
    #[error("{target}: {problem}")]
    Setup { target: String, problem: String },
}

pub fn sql_error(target: &str, what: &str, source: tokio_postgres::Error) -> PgError {
    PgError::Sql {
        target: target.to_owned(),
        what: what.to_owned(),
        source,
    }
}

pub struct PgOptions {
    pub target: PgTarget,
    pub table: TableName,
    pub index: IndexSettings,
    pub vacuum: bool,
    pub verify: Option<VerifySettings>,
}

/// Loads `inputs` into the table, builds the index, and verifies when asked.
pub async fn load(
    inputs: Vec<VectorInput>,
    shape: Shape,
    options: &LoadOptions,
    pg: PgOptions,
    progress: Arc<dyn Progress>,
    cancel: Arc<AtomicBool>,
) -> Result<LoadReport, LoadError> {
    let target = pg.target.display.clone();
    let setup = pg.target.connect().await?;
    table::ensure_extension(&setup, &target, &pg.target.dbname()).await?;
    table::ensure_table(&setup, &target, &pg.table, &shape).await?;
    let to = Arc::new(CopyTarget {
        target: target.clone(),
        table: pg.table.clone(),
        shape: shape.clone(),
        vector_type: table::vector_type(&setup, &target).await?,
    });
    let done = copy::ledger(&setup, &to).await?;
    let mut records: Vec<InputRecord> = Vec::with_capacity(inputs.len());
    let mut queue = VecDeque::new();
    for (at, input) in inputs.iter().enumerate() {
        let parts = cut(at, input.rows, options.part_rows);
        let mut record = InputRecord {
            input: input.url.clone(),
            rows: input.rows,
            loaded_rows: 0,
            parts: parts.len() as u64,
            skipped_parts: 0,
            seconds: 0.0,
        };
        let identity = input.identity();
        for part in parts {
            let recorded = done.get(&(input.url.clone(), part.rows.start));
            if recorded.is_some_and(|(rows, id)| *rows == part.len() && *id == identity) {
                record.skipped_parts += 1;
            } else {
                queue.push_back(part);
            }
        }
        records.push(record);
    }
    let total_rows: u64 = inputs.iter().map(|i| i.rows).sum();
    let to_load: u64 = queue.iter().map(Part::len).sum();
    progress.start("loading", Some(to_load));
    let started = Instant::now();
    let inputs = Arc::new(inputs);
    let workers = options.concurrency.clamp(1, queue.len().max(1));
    let shared = Arc::new(Shared {
        queue: Mutex::new(queue),
        stop: AtomicBool::new(false),
        loaded: Mutex::new(vec![(0, 0.0); inputs.len()]),
        committed_parts: AtomicU64::new(0),
        committed_rows: AtomicU64::new(0),
    });
    let mut handles = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (shared, inputs, to, target, progress, cancel) = (
            shared.clone(),
            inputs.clone(),
            to.clone(),
            pg.target.clone(),
            progress.clone(),
            cancel.clone(),
        );
        handles.push(tokio::spawn(async move {
            let result = worker(&shared, &inputs, &to, &target, &*progress, &cancel).await;
            if result.is_err() {
                shared.stop.store(true, Ordering::SeqCst);
            }
            result
        }));
    }
    let mut first_error = None;
    for handle in handles {
        let result = handle
            .await
            .unwrap_or_else(|e| Err(LoadError::Options(format!("a load worker failed: {e}"))));
        if let Err(e) = result {
            // Ctrl-C is what the user did; any other error is what they need to read.
            if first_error.is_none() || matches!(first_error, Some(LoadError::Interrupted)) {
                first_error = Some(e);
            }
        }
    }
    progress.finish();
    let loaded_now = shared.committed_rows.load(Ordering::SeqCst);
    if let Some(error) = first_error {
        let committed_parts = shared.committed_parts.load(Ordering::SeqCst);
        return Err(error.after(loaded_now, to_load, committed_parts));
    }
    let seconds = started.elapsed().as_secs_f64();
    for (record, (rows, secs)) in records.iter_mut().zip(
        shared
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter(),
    ) {
        record.loaded_rows = *rows;
        record.seconds = *secs;
    }
    let index = index::build(
        &setup,
        &target,
        &pg.table,
        shape.metric,
        &pg.index,
        total_rows,
    )
    .await?;
    let vacuum_seconds = if pg.vacuum {
        Some(index::vacuum(&setup, &target, &pg.table).await?)
    } else {
        None
    };
    let verify = match &pg.verify {
        Some(settings) => {
            let mut client = setup;
            Some(
                verify::verify(
                    &mut client,
                    &target,
                    &pg.table,
                    shape.metric,
                    pg.index.method,
                    &to.vector_type,
                    total_rows,
                    settings,
                )
                .await?,
            )
        }
        None => None,
    };
    Ok(LoadReport {
        target,
        name: pg.table.display(),
        dimension: shape.dimension,
        metric: shape.metric.name(),
        model: shape.model.clone(),
        inputs: records,
        rows: total_rows,
        loaded_rows: loaded_now,
        seconds,
        rows_per_second: if seconds > 0.0 {
            loaded_now as f64 / seconds
        } else {
            0.0
        },
        index,
        vacuum_seconds,
        verify,
        rejected: Vec::new(),
    })
}

/// What the workers share: the parts left, and what they committed.
struct Shared {
    queue: Mutex<VecDeque<Part>>,
    /// Set on the first failure: the others finish their part and take no more.
    stop: AtomicBool,
    /// Per input: rows committed and seconds spent.
    loaded: Mutex<Vec<(u64, f64)>>,
    committed_parts: AtomicU64,
    committed_rows: AtomicU64,
}

async fn worker(
    shared: &Shared,
    inputs: &[VectorInput],
    to: &CopyTarget,
    target: &PgTarget,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<(), LoadError> {
    let mut client = None;
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        super::check_cancel(cancel)?;
        let Some(part) = shared
            .queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
        else {
            return Ok(());
        };
        let client = match &mut client {
            Some(client) => client,
            None => client.insert(target.connect().await?),
        };
        let started = Instant::now();
        let rows = copy::load_part(client, to, &inputs[part.input], &part, cancel).await?;
        {
            let mut loaded = shared.loaded.lock().unwrap_or_else(|e| e.into_inner());
            loaded[part.input].0 += rows;
            loaded[part.input].1 += started.elapsed().as_secs_f64();
        }
        shared.committed_parts.fetch_add(1, Ordering::SeqCst);
        shared.committed_rows.fetch_add(rows, Ordering::SeqCst);
        progress.advance(rows);
    }
}
