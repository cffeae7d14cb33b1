//! The index: created when missing with a `knn_vector` field (HNSW, the engine and space type
//! from `--engine` and the metric, `m` and `ef_construction`) and the text and kept fields
//! mapped; an existing index is checked for a `knn_vector` field of the inputs' dimension.

use serde_json::{json, Value};

use super::client::Cluster;
use super::OsError;
use crate::load::input::Shape;
use crate::load::Metric;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Faiss,
    Lucene,
}

#[derive(Clone, Debug)]
pub struct IndexParams {
    pub engine: Engine,
    pub m: u32,
    pub ef_construction: u32,
    pub ef_search: Option<u32>,
}

/// OpenSearch's name for `metric`.
pub fn space_type(metric: Metric) -> &'static str {
    match metric {
        Metric::Cosine => "cosinesimil",
        Metric::L2 => "l2",
        Metric::InnerProduct => "innerproduct",
    }
}

/// The body of `PUT /INDEX`.
pub fn index_body(shape: &Shape, params: &IndexParams) -> Value {
    let mut properties = serde_json::Map::new();
    properties.insert("doc_id".into(), json!({"type": "keyword"}));
    properties.insert("chunk_index".into(), json!({"type": "integer"}));
    properties.insert("chunk_start".into(), json!({"type": "long"}));
    properties.insert("chunk_text".into(), json!({"type": "text"}));
    for name in &shape.kept {
        properties.insert(name.clone(), json!({"type": "keyword"}));
    }
    properties.insert(
        "embedding".into(),
        json!({
            "type": "knn_vector",
            "dimension": shape.dimension,
            "method": {
                "name": "hnsw",
                "engine": match params.engine {
                    Engine::Faiss => "faiss",
                    Engine::Lucene => "lucene",
                },
                "space_type": space_type(shape.metric),
                "parameters": {"m": params.m, "ef_construction": params.ef_construction},
            },
        }),
    );
    let mut settings = json!({"index": {"knn": true}});
    if let Some(ef_search) = params.ef_search {
        settings["index"]["knn.algo_param.ef_search"] = json!(ef_search);
    }
    json!({"settings": settings, "mappings": {"properties": properties}})
}

/// Creates `index` with `body` when missing; checks the vector field of one that exists.
pub async fn ensure_index(
    cluster: &Cluster,
    index: &str,
    shape: &Shape,
    body: &Value,
) -> Result<(), OsError> {
    let path = format!("/{}", encode(index));
    let exists = cluster.send("HEAD", &path, b"").await?;
    let problem = |problem: String| OsError::Index {
        index: index.to_owned(),
        problem,
    };
    match exists.status {
        404 => {
            let created = cluster
                .send("PUT", &path, &serde_json::to_vec(body).expect("JSON"))
                .await?;
            // Another loader may have created it in between.
            let raced = created.status == 400
                && created
                    .excerpt()
                    .contains("resource_already_exists_exception");
            if !(200..300).contains(&created.status) && !raced {
                return Err(OsError::Status {
                    url: format!("{}{path}", cluster.base),
                    status: created.status,
                    body: created.excerpt(),
                });
            }
            Ok(())
        }
        200 => {
            let answer = cluster
                .send("GET", &format!("{path}/_mapping"), b"")
                .await?;
            let mapping = answer.json().unwrap_or_default();
            let field = mapping
                .as_object()
                .and_then(|indices| indices.values().next())
                .map(|m| m["mappings"]["properties"]["embedding"].clone())
                .unwrap_or_default();
            match (field["type"].as_str(), field["dimension"].as_u64()) {
                (Some("knn_vector"), Some(dim)) if dim as usize == shape.dimension => Ok(()),
                (Some("knn_vector"), Some(dim)) => Err(problem(format!(
                    "its embedding field has dimension {dim}, the inputs {}; load into another \
                     --index",
                    shape.dimension
                ))),
                _ => Err(problem(
                    "it exists without a knn_vector field named embedding; load into another \
                     --index"
                        .into(),
                )),
            }
        }
        status => Err(OsError::Status {
            url: format!("{}{path}", cluster.base),
            status,
            body: exists.excerpt(),
        }),
    }
}

/// An index name as a path segment.
pub fn encode(index: &str) -> String {
    percent_encoding::utf8_percent_encode(index, crate::aws::QUERY_VALUE).to_string()
}

/// OpenSearch's rules for index names: lowercase, no `\ / * ? " < > | , #` or spaces, not
/// starting with `-`, `_` or `+`, not `.` or `..`, at most 255 bytes.
pub fn check_index_name(name: &str) -> Result<(), String> {
    let bad = name.is_empty()
        || name.len() > 255
        || name == "."
        || name == ".."
        || name.starts_with(['-', '_', '+'])
        || name
            .chars()
            .any(|c| c.is_uppercase() || c.is_control() || " \\/*?\"<>|,#:".contains(c));
    if bad {
        return Err(format!(
            "--index {name:?}: OpenSearch index names are lowercase, without spaces or \
             \\ / * ? \" < > | , # :, and do not start with -, _ or +"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_body_maps_the_vector_for_the_metric() {
        let shape = Shape {
            dimension: 768,
            metric: Metric::InnerProduct,
            model: None,
            kept: vec!["lang".into()],
            chunked: true,
        };
        let params = IndexParams {
            engine: Engine::Lucene,
            m: 24,
            ef_construction: 128,
            ef_search: None,
        };
        let body = index_body(&shape, &params);
        let vector = &body["mappings"]["properties"]["embedding"];
        assert_eq!(vector["dimension"], 768);
        assert_eq!(vector["method"]["engine"], "lucene");
        assert_eq!(vector["method"]["space_type"], "innerproduct");
        assert_eq!(vector["method"]["parameters"]["m"], 24);
        assert_eq!(body["mappings"]["properties"]["lang"]["type"], "keyword");
        assert_eq!(body["settings"]["index"]["knn"], true);
    }

    #[test]
    fn index_names_follow_opensearch() {
        assert!(check_index_name("rag-chunks.v1").is_ok());
        for bad in ["", "Upper", "a b", "_x", "a/b", "a#b", ".."] {
            assert!(check_index_name(bad).is_err(), "{bad}");
        }
    }
}
