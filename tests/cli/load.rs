//! `lakeops load` end to end against a real PostgreSQL 18 + pgvector 0.8.2 (tests/cli/postgres.rs):
//! embed's real output loaded and reloaded, the refusals that must write nothing, a server that
//! goes away mid-load, and the recall check on an index whose exact answer is known. psycopg and
//! pyarrow, not lakeops, read back what was loaded.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::{json, Value};

use crate::common::{lakeops, lakeops_process, py_json, summary, tmp};
use crate::embed::tiny_model;
use crate::postgres::Postgres;

/// Writes `rows` ([doc_id, chunk_index, text, [floats]]) as an embed-shaped Parquet file.
fn write_vectors(path: &Path, rows: &Value, row_group: usize) {
    py_json(
        r#"
import json, sys, pyarrow as pa, pyarrow.parquet as pq
rows = json.loads(sys.argv[2]); dim = len(rows[0][3])
t = pa.table({
    "doc_id": pa.array([r[0] for r in rows], pa.string()),
    "chunk_index": pa.array([r[1] for r in rows], pa.int32()),
    "chunk_start": pa.array([0 for r in rows], pa.int64()),
    "chunk_text": pa.array([r[2] for r in rows], pa.string()),
    "embedding": pa.array([r[3] for r in rows], pa.list_(pa.float32(), dim)),
})
pq.write_table(t, sys.argv[1], row_group_size=int(sys.argv[3]))
print("{}")
"#,
        &[
            path,
            Path::new(&rows.to_string()),
            Path::new(&row_group.to_string()),
        ],
    );
}

/// `rows` random rows of `dim` dimensions (pyarrow's generator), in row groups of `row_group`.
fn write_random(path: &Path, rows: usize, dim: usize, row_group: usize) {
    py_json(
        r#"
import sys, pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq
n, dim, rg = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
values = pc.cast(pc.random(n * dim), pa.float32())
t = pa.table({
    "doc_id": pa.array([f"d{i // 4}" for i in range(n)], pa.string()),
    "chunk_index": pa.array([i % 4 for i in range(n)], pa.int32()),
    "chunk_start": pa.array([0] * n, pa.int64()),
    "chunk_text": pa.array([f"chunk {i}" for i in range(n)], pa.string()),
    "embedding": pa.FixedSizeListArray.from_arrays(values, dim),
})
pq.write_table(t, sys.argv[1], row_group_size=rg)
print("{}")
"#,
        &[
            path,
            Path::new(&rows.to_string()),
            Path::new(&dim.to_string()),
            Path::new(&row_group.to_string()),
        ],
    );
}

fn load(pg: &Postgres, args: &[&str]) -> assert_cmd::assert::Assert {
    lakeops()
        .arg("load")
        .args(args)
        .args(["--to", pg.url()])
        .timeout(std::time::Duration::from_secs(300))
        .assert()
}

/// embed's own output of a small corpus, with a kept column: the pipeline the command is for.
fn embedded(dir: &Path) -> PathBuf {
    let corpus = dir.join("docs.jsonl");
    let records: String = (0..12)
        .map(|i| {
            format!(
                "{}\n",
                json!({
                    "id": format!("doc-{i}"),
                    "lang": if i % 2 == 0 { "en" } else { "fr" },
                    "text": format!("Document {i} talks about lakes. ").repeat(8 + i),
                })
            )
        })
        .collect();
    std::fs::write(&corpus, records).unwrap();
    let out = dir.join("vectors");
    lakeops()
        .args(["embed", corpus.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .args(["--model", tiny_model().to_str().unwrap()])
        .args(["--text-column", "text", "--id-column", "id", "--keep-columns", "lang"])
        .args(["--chunk-size", "120", "--chunk-overlap", "0"])
        .timeout(std::time::Duration::from_secs(300))
        .assert()
        .success();
    out
}

#[test]
fn load_and_reload_keep_one_row_per_chunk_and_replace_changed_inputs() {
    let dir = tmp();
    let vectors = embedded(dir.path());
    let file = vectors.join("docs.parquet");
    let parquet = py_json(
        r#"
import json, sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1]).sort_by([("doc_id", "ascending"), ("chunk_index", "ascending")])
print(json.dumps(t.to_pylist()))
"#,
        &[&file],
    );
    let expected = parquet.as_array().unwrap();
    assert!(expected.len() > 24, "several chunks per document");
    let pg = Postgres::start();
    let first = load(
        &pg,
        &[vectors.to_str().unwrap(), "--table", "rag.chunks", "--part-rows", "10", "--json"],
    );
    let first = summary(&first.get_output().stdout);
    assert_eq!(first["loaded_rows"], expected.len());
    assert_eq!(first["dimension"], 32);
    assert_eq!(first["index"]["action"], "built");
    // psycopg reads back every row: keys, text, kept column and the vector itself.
    let stored = pg.query(
        "SELECT doc_id, chunk_index, chunk_start, chunk_text, lang, embedding::text \
         FROM rag.chunks ORDER BY doc_id, chunk_index",
    );
    assert_eq!(stored.len(), expected.len());
    for (row, want) in stored.iter().zip(expected) {
        assert_eq!(row[0], want["doc_id"]);
        assert_eq!(row[1], want["chunk_index"]);
        assert_eq!(row[2], want["chunk_start"]);
        assert_eq!(row[3], want["chunk_text"]);
        assert_eq!(row[4], want["lang"]);
        let vector: Vec<f64> = serde_json::from_str(row[5].as_str().unwrap()).unwrap();
        let want: Vec<f64> = want["embedding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(vector.len(), want.len());
        for (got, want) in vector.iter().zip(&want) {
            assert!((got - want).abs() <= 1e-6 * want.abs().max(1.0), "{got} vs {want}");
        }
    }
    let index = pg.query(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'rag' AND indexname = 'chunks_embedding_idx'",
    );
    assert!(
        index[0][0]
            .as_str()
            .unwrap()
            .contains("USING hnsw (embedding vector_cosine_ops) WITH (m='16', ef_construction='64')"),
        "{index:?}"
    );
    let parts = expected.len().div_ceil(10) as i64;
    assert_eq!(pg.count("SELECT count(*) FROM rag.lakeops_loads"), parts);

    // The same command again: every part is in the ledger, nothing is sent, nothing doubles.
    let again = load(
        &pg,
        &[vectors.to_str().unwrap(), "--table", "rag.chunks", "--part-rows", "10", "--json"],
    );
    let again = summary(&again.get_output().stdout);
    assert_eq!(again["loaded_rows"], 0);
    assert_eq!(again["inputs"][0]["skipped_parts"], parts);
    assert_eq!(again["index"]["action"], "kept");
    assert_eq!(
        pg.count("SELECT count(*) FROM rag.chunks"),
        expected.len() as i64
    );

    // The input rewritten (same keys, new text): its parts load again and replace the rows.
    py_json(
        r#"
import sys, pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
t = t.set_column(t.schema.get_field_index("chunk_text"), t.schema.field("chunk_text"), pc.utf8_upper(t["chunk_text"]))
pq.write_table(t, sys.argv[1])
print("{}")
"#,
        &[&file],
    );
    let changed = load(
        &pg,
        &[vectors.to_str().unwrap(), "--table", "rag.chunks", "--part-rows", "10", "--json", "--verify"],
    );
    let changed = summary(&changed.get_output().stdout);
    assert_eq!(changed["loaded_rows"], expected.len());
    assert_eq!(changed["verify"]["stored_rows"], expected.len());
    assert_eq!(changed["verify"]["passed"], true);
    assert_eq!(
        pg.count("SELECT count(DISTINCT (doc_id, chunk_index)) FROM rag.chunks"),
        expected.len() as i64
    );
    assert_eq!(
        pg.count("SELECT count(*) FROM rag.chunks WHERE chunk_text <> upper(chunk_text)"),
        0,
        "every row was replaced by the rewritten input's"
    );
}

#[test]
fn load_refuses_a_table_of_another_shape_and_writes_nothing() {
    let dir = tmp();
    let input = dir.path().join("v.parquet");
    write_vectors(
        &input,
        &json!([["a", 0, "alpha", [1.0, 0.0, 0.0, 0.0]], ["b", 0, "beta", [0.0, 1.0, 0.0, 0.0]]]),
        10,
    );
    let pg = Postgres::start();
    pg.execute(
        "CREATE EXTENSION vector; CREATE TABLE docs (doc_id text, chunk_index int, \
         chunk_start bigint, chunk_text text, embedding vector(3), PRIMARY KEY (doc_id, chunk_index))",
    );
    let out = load(&pg, &[input.to_str().unwrap(), "--table", "docs"]).code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("table docs exists with another shape: column embedding is vector(3), the inputs need vector(4)"),
        "{stderr}"
    );
    assert_eq!(pg.count("SELECT count(*) FROM docs"), 0);
    assert_eq!(
        pg.count("SELECT count(*) FROM pg_class WHERE relname = 'lakeops_loads'"),
        0,
        "not even the ledger is created"
    );

    // A key other than (doc_id, chunk_index) is named too.
    pg.execute(
        "CREATE TABLE keyed (doc_id text PRIMARY KEY, chunk_index int, chunk_start bigint, \
         chunk_text text, embedding vector(4))",
    );
    let out = load(&pg, &[input.to_str().unwrap(), "--table", "keyed"]).code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("its primary key is (doc_id), not (doc_id, chunk_index)"),
        "{stderr}"
    );
}

#[test]
fn load_refuses_inputs_whose_dimensions_differ_before_writing() {
    let dir = tmp();
    let four = dir.path().join("a.parquet");
    let three = dir.path().join("b.parquet");
    write_vectors(&four, &json!([["a", 0, "alpha", [1.0, 0.0, 0.0, 0.0]]]), 10);
    write_vectors(&three, &json!([["b", 0, "beta", [0.0, 1.0, 0.0]]]), 10);
    let pg = Postgres::start();
    let out = load(&pg, &[dir.path().to_str().unwrap(), "--table", "docs"]).code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("a.parquet and "), "{stderr}");
    assert!(
        stderr.contains("b.parquet do not agree: dimension 4 against 3"),
        "{stderr}"
    );
    assert_eq!(
        pg.count("SELECT count(*) FROM pg_class WHERE relname IN ('docs', 'lakeops_loads')"),
        0
    );
    // A column that is missing is named with the flag that fixes it.
    let out = load(
        &pg,
        &[four.to_str().unwrap(), "--table", "docs", "--vector-column", "vec"],
    )
    .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("no vector column \"vec\""), "{stderr}");
}

#[test]
fn load_survives_the_server_going_away_and_the_rerun_completes() {
    let dir = tmp();
    let input = dir.path().join("big.parquet");
    let rows = 150_000;
    write_random(&input, rows, 64, 10_000);
    let pg = Postgres::start();
    let args = [
        "load",
        input.to_str().unwrap(),
        "--table",
        "docs",
        "--to",
        pg.url(),
        "--part-rows",
        "5000",
        "--concurrency",
        "1",
        "--index-method",
        "none",
        "--json",
    ];
    let child = lakeops_process()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Crash the server once a few parts are committed, with the load still going.
    py_json(
        r#"
import sys, time, psycopg
deadline = time.time() + 120
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    while time.time() < deadline:
        try:
            if conn.execute("SELECT count(*) FROM lakeops_loads").fetchone()[0] >= 3:
                break
        except psycopg.errors.UndefinedTable:
            pass
        time.sleep(0.01)
print("{}")
"#,
        &[Path::new(pg.url())],
    );
    pg.crash();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("rows were loaded before it stopped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("run the same command again to load the rest"),
        "{stderr}"
    );

    pg.restart();
    let committed = pg.count("SELECT coalesce(sum(rows), 0)::bigint FROM lakeops_loads");
    assert!(committed >= 15_000 && committed < rows as i64, "{committed}");
    assert_eq!(
        pg.count("SELECT count(*) FROM docs"),
        committed,
        "the table holds exactly the committed parts"
    );
    let rerun = lakeops().args(args).assert().success();
    let rerun = summary(&rerun.get_output().stdout);
    assert_eq!(rerun["loaded_rows"], rows as i64 - committed);
    assert_eq!(pg.count("SELECT count(*) FROM docs"), rows as i64);
    assert_eq!(
        pg.count("SELECT count(DISTINCT (doc_id, chunk_index)) FROM docs"),
        rows as i64
    );
}

/// Two tight clusters of five, far apart: the exact top 10 of any point is all ten rows, and an
/// IVFFlat index of two lists probed once can only find the five of its own cluster.
fn clusters(path: &Path) {
    let rows: Vec<Value> = (0..10)
        .map(|i| {
            let (a, b) = if i < 5 { (1.0, 0.0) } else { (0.0, 1.0) };
            let jitter = 0.01 * (i % 5) as f64;
            json!([format!("p{i}"), 0, format!("point {i}"), [a, b, jitter, 0.0]])
        })
        .collect();
    write_vectors(path, &Value::Array(rows), 10);
}

#[test]
fn verify_measures_recall_against_the_exact_answer() {
    let dir = tmp();
    let input = dir.path().join("clusters.parquet");
    clusters(&input);
    let pg = Postgres::start();
    let ivf = load(
        &pg,
        &[
            input.to_str().unwrap(),
            "--table",
            "ivf",
            "--index-method",
            "ivfflat",
            "--lists",
            "2",
            "--probes",
            "1",
            "--min-recall",
            "0.9",
            "--json",
        ],
    )
    .code(1);
    let ivf = summary(&ivf.get_output().stdout);
    assert_eq!(ivf["verify"]["queries"], 10);
    assert_eq!(ivf["verify"]["recall"], 0.5);
    assert_eq!(ivf["verify"]["passed"], false);
    assert_eq!(ivf["verify"]["search_setting"], "ivfflat.probes = 1");
    assert!(ivf["verify"]["p99_ms"].as_f64().unwrap() > 0.0);

    // Probing both lists finds everything.
    let both = load(
        &pg,
        &[
            input.to_str().unwrap(),
            "--table",
            "ivf",
            "--index-method",
            "ivfflat",
            "--lists",
            "2",
            "--probes",
            "2",
            "--min-recall",
            "0.9",
            "--json",
        ],
    )
    .success();
    assert_eq!(summary(&both.get_output().stdout)["verify"]["recall"], 1.0);

    let hnsw = load(
        &pg,
        &[input.to_str().unwrap(), "--table", "hnsw", "--verify"],
    )
    .success();
    let stderr = String::from_utf8_lossy(&hnsw.get_output().stderr).to_string();
    assert!(
        stderr.contains("verify: 10 rows stored, as read; recall@10 1.0000 over 10 queries (hnsw.ef_search = 40)"),
        "{stderr}"
    );
}
