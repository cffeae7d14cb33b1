//! `--verify` against OpenSearch: `_count` after a refresh against the rows read, then recall@k:
//! a sample of stored documents (the first by `doc_id`, `chunk_index`: the same from run to
//! run) are searched through the k-NN index and exactly (`script_score` with `knn_score`), and
//! the two top-k lists of `_id`s compared.

use std::time::Instant;

use serde_json::{json, Value};

use super::client::Cluster;
use super::mapping::{encode, space_type, IndexParams};
use super::OsError;
use crate::load::input::Shape;
use crate::load::report::{percentile, recall, VerifyReport};

pub const K: u64 = 10;

pub struct VerifySettings {
    pub queries: u64,
    pub min_recall: Option<f64>,
}

async fn search(cluster: &Cluster, index: &str, body: &Value) -> Result<Value, OsError> {
    let path = format!("/{}/_search", encode(index));
    let answer = cluster
        .send("POST", &path, &serde_json::to_vec(body).expect("JSON"))
        .await?;
    if !(200..300).contains(&answer.status) {
        return Err(OsError::Status {
            url: format!("{}{path}", cluster.base),
            status: answer.status,
            body: answer.excerpt(),
        });
    }
    answer.json().ok_or_else(|| OsError::Answer {
        url: format!("{}{path}", cluster.base),
        problem: format!("not a search response: {}", answer.excerpt()),
    })
}

fn ids(found: &Value) -> Vec<String> {
    found["hits"]["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|h| h["_id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub async fn verify(
    cluster: &Cluster,
    index: &str,
    shape: &Shape,
    params: &IndexParams,
    expected_rows: u64,
    settings: &VerifySettings,
) -> Result<VerifyReport, OsError> {
    let base = format!("/{}", encode(index));
    cluster
        .send("POST", &format!("{base}/_refresh"), b"")
        .await?;
    let counted = cluster.send("GET", &format!("{base}/_count"), b"").await?;
    let stored = counted
        .json()
        .and_then(|c| c["count"].as_u64())
        .ok_or_else(|| OsError::Answer {
            url: format!("{}{base}/_count", cluster.base),
            problem: format!("no count in {}", counted.excerpt()),
        })?;
    let sample = search(
        cluster,
        index,
        &json!({
            "size": settings.queries,
            "_source": ["embedding"],
            "sort": [{"doc_id": "asc"}, {"chunk_index": "asc"}],
            "query": {"match_all": {}},
        }),
    )
    .await?;
    let queries: Vec<Value> = sample["hits"]["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .map(|h| h["_source"]["embedding"].clone())
                .collect()
        })
        .unwrap_or_default();
    let mut knn = json!({"vector": Value::Null, "k": K});
    if let Some(ef_search) = params.ef_search {
        knn["method_parameters"] = json!({"ef_search": ef_search});
    }
    let mut latencies = Vec::with_capacity(queries.len());
    let mut total = 0.0;
    for query in &queries {
        let mut knn = knn.clone();
        knn["vector"] = query.clone();
        let started = Instant::now();
        let found = search(
            cluster,
            index,
            &json!({"size": K, "_source": false, "query": {"knn": {"embedding": knn}}}),
        )
        .await?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        let exact = search(
            cluster,
            index,
            &json!({
                "size": K,
                "_source": false,
                "query": {"script_score": {
                    "query": {"match_all": {}},
                    "script": {"source": "knn_score", "lang": "knn", "params": {
                        "field": "embedding",
                        "query_value": query,
                        "space_type": space_type(shape.metric),
                    }},
                }},
            }),
        )
        .await?;
        total += recall(&ids(&found), &ids(&exact));
    }
    let mean = (!queries.is_empty()).then(|| total / queries.len() as f64);
    Ok(VerifyReport {
        stored_rows: stored,
        expected_rows,
        queries: queries.len() as u64,
        k: K,
        recall: mean,
        p50_ms: percentile(&mut latencies, 50.0),
        p99_ms: percentile(&mut latencies, 99.0),
        search_setting: Some(format!(
            "ef_search = {}",
            params
                .ef_search
                .map_or("the index's".to_owned(), |e| e.to_string())
        )),
        min_recall: settings.min_recall,
        passed: stored == expected_rows
            && match (mean, settings.min_recall) {
                (Some(mean), Some(min)) => mean >= min,
                _ => true,
            },
    })
}
