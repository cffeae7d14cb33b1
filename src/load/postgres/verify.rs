//! `--verify`: the rows in the table against the rows the inputs hold, then recall@k of the
//! index. A sample of stored vectors (the same from run to run: ordered by a hash of their key)
//! is each searched twice: through the index (sequential scans off, so even a tiny table uses
//! it) and exactly (index scans off), and the two top-k lists compared.

use std::time::Instant;

use tokio_postgres::types::Type;
use tokio_postgres::Client;

use super::index::{operator, IndexMethod};
use super::table::TableName;
use super::{sql_error, PgError};
use crate::load::report::{percentile, recall, VerifyReport};
use crate::load::Metric;

pub const K: u64 = 10;

pub struct VerifySettings {
    pub queries: u64,
    pub ef_search: Option<u32>,
    pub probes: Option<u32>,
    pub min_recall: Option<f64>,
}

#[allow(clippy::too_many_arguments)]
pub async fn verify(
    client: &mut Client,
    target: &str,
    table: &TableName,
    metric: Metric,
    method: IndexMethod,
    vector_type: &Type,
    expected_rows: u64,
    settings: &VerifySettings,
) -> Result<VerifyReport, PgError> {
    let failed = |what: &str, e| sql_error(target, what, e);
    let stored: i64 = client
        .query_one(&format!("SELECT count(*) FROM {}", table.sql()), &[])
        .await
        .map_err(|e| failed("count the rows", e))?
        .get(0);
    let stored = stored as u64;
    let search_setting = match method {
        IndexMethod::Hnsw { .. } => Some(format!(
            "hnsw.ef_search = {}",
            settings.ef_search.unwrap_or(40)
        )),
        IndexMethod::IvfFlat { .. } => {
            Some(format!("ivfflat.probes = {}", settings.probes.unwrap_or(1)))
        }
        IndexMethod::None => None,
    };
    let mut report = VerifyReport {
        stored_rows: stored,
        expected_rows,
        queries: 0,
        k: K,
        recall: None,
        p50_ms: None,
        p99_ms: None,
        search_setting: search_setting.clone(),
        min_recall: settings.min_recall,
        passed: stored == expected_rows,
    };
    let Some(search_setting) = search_setting else {
        return Ok(report);
    };
    let sample = client
        .query(
            &format!(
                "SELECT embedding FROM {} ORDER BY md5(doc_id || ':' || chunk_index::text) \
                 LIMIT $1",
                table.sql()
            ),
            &[&(settings.queries as i64)],
        )
        .await
        .map_err(|e| failed("sample query vectors", e))?;
    let search = format!(
        "SELECT doc_id, chunk_index FROM {} ORDER BY embedding {} $1 LIMIT {K}",
        table.sql(),
        operator(metric)
    );
    let mut latencies = Vec::with_capacity(sample.len());
    let mut total_recall = 0.0;
    for row in &sample {
        let query: pgvector::Vector = row.get(0);
        let index_mode = format!("SET LOCAL {search_setting}; SET LOCAL enable_seqscan = off");
        let (indexed, elapsed) = ranked(client, &index_mode, &search, vector_type, &query)
            .await
            .map_err(|e| failed("query the index", e))?;
        latencies.push(elapsed * 1000.0);
        let exact_mode = "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off";
        let (exact, _) = ranked(client, exact_mode, &search, vector_type, &query)
            .await
            .map_err(|e| failed("run the exact search", e))?;
        total_recall += recall(&indexed, &exact);
    }
    report.queries = sample.len() as u64;
    if !sample.is_empty() {
        let mean = total_recall / sample.len() as f64;
        report.recall = Some(mean);
        report.p50_ms = percentile(&mut latencies, 50.0);
        report.p99_ms = percentile(&mut latencies, 99.0);
        if settings.min_recall.is_some_and(|min| mean < min) {
            report.passed = false;
        }
    }
    Ok(report)
}

/// The top keys of `search` for `query` under the planner settings `mode`, in a transaction of
/// its own (so the settings end with it), planned afresh (so no cached plan crosses modes); and
/// the query's seconds as the client sees them.
async fn ranked(
    client: &mut Client,
    mode: &str,
    search: &str,
    vector_type: &Type,
    query: &pgvector::Vector,
) -> Result<(Vec<(String, i32)>, f64), tokio_postgres::Error> {
    let transaction = client.transaction().await?;
    transaction
        .batch_execute(&format!(
            "{mode}; SET LOCAL plan_cache_mode = force_custom_plan"
        ))
        .await?;
    let statement = transaction
        .prepare_typed(search, std::slice::from_ref(vector_type))
        .await?;
    let started = Instant::now();
    let found = transaction.query(&statement, &[query]).await?;
    let elapsed = started.elapsed().as_secs_f64();
    transaction.commit().await?;
    Ok((keys(&found), elapsed))
}

fn keys(rows: &[tokio_postgres::Row]) -> Vec<(String, i32)> {
    rows.iter().map(|row| (row.get(0), row.get(1))).collect()
}
