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
    load_to(pg.url(), args)
}

fn load_to(to: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    lakeops()
        .arg("load")
        .args(args)
        .args(["--to", to])
        .timeout(std::time::Duration::from_secs(300))
        .assert()
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
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
        .args([
            "embed",
            corpus.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args(["--model", tiny_model().to_str().unwrap()])
        .args([
            "--text-column",
            "text",
            "--id-column",
            "id",
            "--keep-columns",
            "lang",
        ])
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
    // The same command each time: the pipeline's last step, rerun.
    let load_chunks = |extra: &[&str]| {
        let mut args = vec![vectors.to_str().unwrap(), "--table", "rag.chunks"];
        args.extend(["--part-rows", "10", "--json"]);
        args.extend(extra);
        summary(&load(&pg, &args).get_output().stdout)
    };
    let first = load_chunks(&[]);
    assert_eq!(first["loaded_rows"], expected.len());
    assert_eq!(first["dimension"], 32);
    assert_eq!(
        first["metric"], "cosine",
        "embed wrote the model's similarity"
    );
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
            assert!(
                (got - want).abs() <= 1e-6 * want.abs().max(1.0),
                "{got} vs {want}"
            );
        }
    }
    let index = pg.query(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'rag' AND indexname = 'chunks_embedding_idx'",
    );
    assert!(
        index[0][0].as_str().unwrap().contains(
            "USING hnsw (embedding vector_cosine_ops) WITH (m='16', ef_construction='64')"
        ),
        "{index:?}"
    );
    let parts = expected.len().div_ceil(10) as i64;
    assert_eq!(pg.count("SELECT count(*) FROM rag.lakeops_loads"), parts);

    // The same command again: every part is in the ledger, nothing is sent, nothing doubles.
    let again = load_chunks(&[]);
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
    let changed = load_chunks(&["--verify"]);
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
        &json!([
            ["a", 0, "alpha", [1.0, 0.0, 0.0, 0.0]],
            ["b", 0, "beta", [0.0, 1.0, 0.0, 0.0]]
        ]),
        10,
    );
    let pg = Postgres::start();
    pg.execute(
        "CREATE EXTENSION vector; CREATE TABLE docs (doc_id text, chunk_index int, \
         chunk_start bigint, chunk_text text, embedding vector(3), PRIMARY KEY (doc_id, chunk_index))",
    );
    let out = load(&pg, &[input.to_str().unwrap(), "--table", "docs"]).code(2);
    let stderr = stderr_of(&out);
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
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("its primary key is (doc_id), not (doc_id, chunk_index)"),
        "{stderr}"
    );
}

#[test]
fn a_user_who_may_not_create_the_extension_is_told_what_to_run() {
    let dir = tmp();
    let input = dir.path().join("v.parquet");
    write_vectors(&input, &json!([["a", 0, "alpha", [1.0, 0.0]]]), 10);
    let pg = Postgres::start();
    pg.execute("CREATE ROLE loader LOGIN");
    pg.execute("CREATE DATABASE rag OWNER loader");
    let url = pg.url().replace("postgres:@/postgres", "loader@/rag");
    let out = load_to(&url, &[input.to_str().unwrap(), "--table", "t"]).code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(
            "the pgvector extension is not enabled in database \"rag\", and this user may not \
             enable it (permission denied to create extension \"vector\"); have a superuser \
             (rds_superuser on RDS) run: CREATE EXTENSION vector;  -- in database \"rag\""
        ),
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
    let stderr = stderr_of(&out);
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
        &[
            four.to_str().unwrap(),
            "--table",
            "docs",
            "--vector-column",
            "vec",
        ],
    )
    .code(2);
    let stderr = stderr_of(&out);
    assert!(stderr.contains("no vector column \"vec\""), "{stderr}");
}

/// Starts a load of 150,000 rows in parts of 5,000 over one connection, waits until three parts
/// are committed, and stops it with `stop` (the server or the process); then checks the message
/// and exit status, and that the rerun loads exactly the rest.
fn stop_mid_load_then_rerun(stop: impl FnOnce(&Postgres, &mut std::process::Child), code: i32) {
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
    let mut child = lakeops_process()
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
    stop(&pg, &mut child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(
        stderr.contains("rows were loaded before it stopped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("run the same command again to load the rest"),
        "{stderr}"
    );

    if code == 2 {
        pg.restart();
    }
    let committed = pg.count("SELECT coalesce(sum(rows), 0)::bigint FROM lakeops_loads");
    assert!(
        committed >= 15_000 && committed < rows as i64,
        "{committed}"
    );
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

#[test]
fn load_survives_the_server_going_away_and_the_rerun_completes() {
    stop_mid_load_then_rerun(|pg, _| pg.crash(), 2);
}

#[test]
fn sigterm_mid_load_exits_130_keeping_committed_parts() {
    stop_mid_load_then_rerun(
        |_, child| {
            let status = std::process::Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
        },
        130,
    );
}

#[test]
fn a_nul_in_text_is_named_by_row_not_sent() {
    let dir = tmp();
    let input = dir.path().join("nul.parquet");
    write_vectors(
        &input,
        &json!([
            ["a", 0, "fine", [1.0, 0.0]],
            ["b", 0, "bad\u{0}text", [0.0, 1.0]]
        ]),
        10,
    );
    let pg = Postgres::start();
    let out = load(&pg, &[input.to_str().unwrap(), "--table", "t"]).code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("nul.parquet: row 1: the text holds a NUL character, which PostgreSQL text cannot store"),
        "{stderr}"
    );
    assert_eq!(
        pg.count("SELECT count(*) FROM t"),
        0,
        "the part rolled back"
    );
}

/// Two tight clusters of five, far apart: the exact top 10 of any point is all ten rows, and an
/// IVFFlat index of two lists probed once can only find the five of its own cluster.
fn clusters(path: &Path) {
    let rows: Vec<Value> = (0..10)
        .map(|i| {
            let (a, b) = if i < 5 { (1.0, 0.0) } else { (0.0, 1.0) };
            let jitter = 0.01 * (i % 5) as f64;
            json!([
                format!("p{i}"),
                0,
                format!("point {i}"),
                [a, b, jitter, 0.0]
            ])
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
    let stderr = stderr_of(&hnsw);
    assert!(
        stderr.contains("verify: 10 rows stored, as read; recall@10 1.0000 over 10 queries (hnsw.ef_search = 40)"),
        "{stderr}"
    );
}

/// The recording OpenSearch stand-in (tests/cli/support/fake_opensearch.py); killed on drop.
struct FakeOpenSearch {
    child: std::process::Child,
    port: u16,
    log: PathBuf,
}

impl FakeOpenSearch {
    fn start(dir: &Path, faults: Value) -> FakeOpenSearch {
        let log = dir.join(format!("opensearch-{}.log", rand_suffix()));
        let faults = faults.to_string();
        let (child, port) = crate::common::start_support_server(
            "fake_opensearch.py",
            &[log.as_os_str(), std::ffi::OsStr::new(&faults)],
        );
        FakeOpenSearch { child, port, log }
    }

    fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

impl Drop for FakeOpenSearch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The documents of `_bulk` bodies: (action, document) pairs, every line parsed.
fn bulk_items(body: &str) -> Vec<(Value, Value)> {
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len() % 2, 0, "{body}");
    lines
        .chunks(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect()
}

#[test]
fn bulk_files_hold_every_row_once_within_the_byte_bound() {
    let dir = tmp();
    let input = dir.path().join("clusters.parquet");
    clusters(&input);
    let out = dir.path().join("bulk");
    let run = lakeops()
        .args([
            "load",
            input.to_str().unwrap(),
            "--index",
            "rag",
            "--bulk-bytes",
            "1024",
        ])
        .args(["--to", &format!("file://{}", out.display()), "--json"])
        .assert()
        .success();
    assert_eq!(summary(&run.get_output().stdout)["loaded_rows"], 10);
    let mapping: Value =
        serde_json::from_slice(&std::fs::read(out.join("rag.index.json")).unwrap()).unwrap();
    let vector = &mapping["mappings"]["properties"]["embedding"];
    assert_eq!(vector["type"], "knn_vector");
    assert_eq!(vector["dimension"], 4);
    assert_eq!(vector["method"]["engine"], "faiss");
    assert_eq!(vector["method"]["space_type"], "cosinesimil");
    let mut files: Vec<PathBuf> = crate::common::walk(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ndjson"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    let mut seen = Vec::new();
    for file in &files {
        let body = std::fs::read_to_string(file).unwrap();
        assert!(
            body.len() <= 1024,
            "{} is {} bytes",
            file.display(),
            body.len()
        );
        for (action, doc) in bulk_items(&body) {
            assert_eq!(action["index"]["_index"], "rag");
            let id = action["index"]["_id"].as_str().unwrap().to_owned();
            assert_eq!(
                id,
                format!("{}:{}", doc["doc_id"].as_str().unwrap(), doc["chunk_index"])
            );
            let i: usize = doc["doc_id"].as_str().unwrap()[1..].parse().unwrap();
            assert_eq!(doc["chunk_text"], format!("point {i}"));
            let (a, b) = if i < 5 { (1.0, 0.0) } else { (0.0, 1.0) };
            let jitter = (0.01 * (i % 5) as f64) as f32;
            // Each float as written: the shortest text that reads back as the same f32.
            let written: Vec<f32> = doc["embedding"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32)
                .collect();
            assert_eq!(written, vec![a, b, jitter, 0.0]);
            seen.push(id);
        }
    }
    seen.sort();
    let mut expected: Vec<String> = (0..10).map(|i| format!("p{i}:0")).collect();
    expected.sort();
    assert_eq!(seen, expected, "every row once");
}

#[test]
fn opensearch_retries_429_and_failed_items_and_reports_rejected_ids() {
    let dir = tmp();
    let input = dir.path().join("clusters.parquet");
    clusters(&input);
    let os = FakeOpenSearch::start(
        dir.path(),
        json!({"bulk_429": 1, "item_503": ["p3:0"], "item_400": ["p7:0"]}),
    );
    let to = format!("http://admin:s3cr%40t@127.0.0.1:{}", os.port);
    let run = lakeops()
        .args([
            "load",
            input.to_str().unwrap(),
            "--index",
            "rag",
            "--to",
            &to,
        ])
        .args(["--bulk-bytes", "4096", "--verify", "--json"])
        .assert()
        .code(1);
    let output = run.get_output();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !all.contains("s3cr"),
        "the password is never printed: {all}"
    );
    let report = summary(&output.stdout);
    assert_eq!(report["loaded_rows"], 9);
    assert_eq!(report["rejected"][0]["id"], "p7:0");
    assert!(report["rejected"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("mapper_parsing_exception"));
    assert_eq!(report["verify"]["stored_rows"], 9);
    assert_eq!(report["verify"]["expected_rows"], 10);
    assert_eq!(report["verify"]["passed"], false);

    let requests = os.requests();
    // Basic auth on every request, from the URL's user part (decoded).
    for request in &requests {
        assert_eq!(
            request["headers"]["authorization"],
            "Basic YWRtaW46czNjckB0"
        );
    }
    assert_eq!(
        (&requests[0]["method"], &requests[0]["path"]),
        (&json!("HEAD"), &json!("/rag"))
    );
    assert_eq!(requests[1]["method"], "PUT");
    let mapping: Value = serde_json::from_str(requests[1]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        mapping["mappings"]["properties"]["embedding"]["dimension"],
        4
    );
    let bulks: Vec<&Value> = requests.iter().filter(|r| r["path"] == "/_bulk").collect();
    assert_eq!(
        bulks.len(),
        3,
        "the 429, its retry, and the failed item alone"
    );
    assert_eq!(
        bulks[0]["body"], bulks[1]["body"],
        "a 429 resends the whole body"
    );
    assert_eq!(bulks[0]["headers"]["content-type"], "application/x-ndjson");
    let first: Vec<String> = bulk_items(bulks[1]["body"].as_str().unwrap())
        .iter()
        .map(|(a, _)| a["index"]["_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(first.len(), 10);
    let retried = bulk_items(bulks[2]["body"].as_str().unwrap());
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].0["index"]["_id"], "p3:0");
    assert_eq!(retried[0].1["chunk_text"], "point 3");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let human = stderr_of(&load_to(&to, &[input.to_str().unwrap(), "--index", "rag"]).code(1));
    assert!(
        human.contains(
            "not indexed: p7:0: mapper_parsing_exception: failed to parse field [embedding]"
        ),
        "{human}{stderr}"
    );
}

#[test]
fn opensearch_reload_is_idempotent_and_recall_is_measured() {
    let dir = tmp();
    let input = dir.path().join("clusters.parquet");
    clusters(&input);
    let os = FakeOpenSearch::start(dir.path(), json!({}));
    let to = format!("http://127.0.0.1:{}", os.port);
    for _ in 0..2 {
        let run = lakeops()
            .args([
                "load",
                input.to_str().unwrap(),
                "--index",
                "rag",
                "--to",
                &to,
            ])
            .args([
                "--engine",
                "lucene",
                "--metric",
                "l2",
                "--min-recall",
                "0.99",
                "--json",
            ])
            .assert()
            .success();
        let report = summary(&run.get_output().stdout);
        assert_eq!(
            report["verify"]["stored_rows"], 10,
            "ids are doc_id:chunk_index"
        );
        assert_eq!(report["verify"]["queries"], 10);
        assert_eq!(report["verify"]["recall"], 1.0);
    }
    let requests = os.requests();
    let puts: Vec<&Value> = requests.iter().filter(|r| r["method"] == "PUT").collect();
    assert_eq!(puts.len(), 1, "the index is created once");
    let mapping: Value = serde_json::from_str(puts[0]["body"].as_str().unwrap()).unwrap();
    let method = &mapping["mappings"]["properties"]["embedding"]["method"];
    assert_eq!(method["engine"], "lucene");
    assert_eq!(method["space_type"], "l2");
    assert!(requests
        .iter()
        .all(|r| r["headers"].get("authorization").is_none()));
    let exact = requests
        .iter()
        .filter(|r| r["body"].as_str().unwrap_or("").contains("knn_score"))
        .count();
    assert_eq!(exact, 20, "one exact search per query per run");
}

#[test]
fn opensearch_requests_are_signed_with_sigv4_as_botocore_signs_them() {
    let dir = tmp();
    let input = dir.path().join("clusters.parquet");
    clusters(&input);
    let os = FakeOpenSearch::start(dir.path(), json!({}));
    lakeops()
        .args([
            "load",
            input.to_str().unwrap(),
            "--index",
            "rag",
            "--service",
            "aoss",
        ])
        .args(["--to", &format!("http://127.0.0.1:{}", os.port)])
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_SESSION_TOKEN", "session-token")
        .env("AWS_REGION", "eu-west-1")
        .assert()
        .success();
    let log = dir.path().join("requests.json");
    std::fs::write(&log, Value::Array(os.requests()).to_string()).unwrap();
    // Each request re-signed by botocore at the time it carries: the signatures must agree.
    let checked = py_json(
        r#"
import datetime, json, sys
from unittest import mock
import botocore.auth, botocore.awsrequest, botocore.credentials
requests = json.load(open(sys.argv[1])); port = sys.argv[2]
creds = botocore.credentials.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token")
out = []
for r in requests:
    auth = r["headers"]["authorization"]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    stamp = datetime.datetime.strptime(r["headers"]["x-amz-date"], "%Y%m%dT%H%M%SZ")
    class Fixed(datetime.datetime):
        @classmethod
        def utcnow(cls): return stamp
        @classmethod
        def now(cls, tz=None): return stamp.replace(tzinfo=tz) if tz else stamp
    headers = {h: r["headers"][h] for h in signed if h not in ("authorization",)}
    request = botocore.awsrequest.AWSRequest(method=r["method"], url=f"http://127.0.0.1:{port}{r['path']}", data=r["body"].encode(), headers=headers)
    with mock.patch("botocore.auth.datetime.datetime", Fixed):
        botocore.auth.SigV4Auth(creds, "aoss", "eu-west-1").add_auth(request)
    out.append({"ours": auth, "botocore": request.headers["Authorization"], "signed": signed})
print(json.dumps(out))
"#,
        &[&log, Path::new(&os.port.to_string())],
    );
    let checked = checked.as_array().unwrap();
    assert!(checked.len() >= 3, "HEAD, PUT and _bulk at least");
    for request in checked {
        assert_eq!(request["ours"], request["botocore"]);
        let signed = request["signed"].as_array().unwrap();
        assert!(
            signed.contains(&json!("x-amz-content-sha256")),
            "aoss needs the payload hash"
        );
        assert!(signed.contains(&json!("x-amz-security-token")));
        assert!(request["ours"]
            .as_str()
            .unwrap()
            .contains("/eu-west-1/aoss/aws4_request"));
    }
}

#[test]
fn tls_modes_encrypt_and_verify_as_libpq_does() {
    let dir = tmp();
    let input = dir.path().join("clusters.parquet");
    clusters(&input);
    let (pg, port, ca) = Postgres::start_tls();
    let ca = ca.to_str().unwrap();
    let run = |host: &str, query: &str| {
        lakeops()
            .args([
                "load",
                input.to_str().unwrap(),
                "--table",
                "t",
                "--index-method",
                "none",
            ])
            .args([
                "--to",
                &format!("postgresql://postgres@{host}:{port}/postgres?{query}"),
            ])
            .timeout(std::time::Duration::from_secs(120))
            .assert()
    };
    // This server has no pgvector, and refuses unencrypted connections: a run that gets as far
    // as the extension connected over TLS; one that does not connect says so.
    let stderr = |assert: assert_cmd::assert::Assert| stderr_of(&assert.code(2));
    let connected = |text: &str| {
        assert!(
            text.contains("the pgvector extension is not installed on this server")
                && text.contains("then run CREATE EXTENSION vector; in database \"postgres\""),
            "{text}"
        );
    };
    let refused = |text: &str| {
        assert!(
            text.contains("cannot connect to postgresql://postgres@"),
            "{text}"
        )
    };
    refused(&stderr(run("localhost", "sslmode=disable")));
    connected(&stderr(run("localhost", "sslmode=require")));
    connected(&stderr(run(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    )));
    // The certificate names localhost, not 127.0.0.1: verify-full refuses, verify-ca does not.
    refused(&stderr(run(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    )));
    connected(&stderr(run(
        "127.0.0.1",
        &format!("sslmode=verify-ca&sslrootcert={ca}"),
    )));
    // A CA that did not sign the server's certificate fails verification.
    let other = dir.path().join("other-ca.pem");
    std::fs::write(&other, include_str!("../fixtures/load/other-ca.pem")).unwrap();
    refused(&stderr(run(
        "localhost",
        &format!("sslmode=verify-ca&sslrootcert={}", other.display()),
    )));
    assert!(pg.url().contains(&port.to_string()));
}

#[test]
fn s3_inputs_to_bulk_files_on_s3_read_back_by_boto3() {
    let dir = tmp();
    let input = dir.path().join("clusters.parquet");
    clusters(&input);
    let moto = crate::moto::Moto::start();
    moto.create_bucket("lake");
    moto.py(
        r#"s3.upload_file(inp["path"], "lake", "vectors/part-0.parquet"); out(True)"#,
        &json!({ "path": input }),
    );
    moto.lakeops()
        .args([
            "load",
            "s3://lake/vectors/",
            "--index",
            "rag",
            "--to",
            "s3://lake/bulk/",
        ])
        .args(["--bulk-bytes", "1024"])
        .assert()
        .success();
    let read = moto.py(
        r#"
keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="lake", Prefix="bulk/")["Contents"])
bodies = {k: s3.get_object(Bucket="lake", Key=k)["Body"].read().decode() for k in keys}
out({"keys": keys, "bodies": bodies})
"#,
        &json!({}),
    );
    let keys: Vec<&str> = read["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(
        keys[..3],
        [
            "bulk/rag-000000.ndjson",
            "bulk/rag-000001.ndjson",
            "bulk/rag.index.json"
        ]
    );
    let mut ids: Vec<String> = keys
        .iter()
        .filter(|k| k.ends_with(".ndjson"))
        .flat_map(|k| bulk_items(read["bodies"][k].as_str().unwrap()))
        .map(|(action, _)| action["index"]["_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let mut expected: Vec<String> = (0..10).map(|i| format!("p{i}:0")).collect();
    expected.sort();
    assert_eq!(ids, expected);
}

#[test]
fn duplicate_keys_an_empty_input_and_a_recall_without_index_are_told_apart() {
    let dir = tmp();
    let pg = Postgres::start();
    let twice = dir.path().join("twice.parquet");
    write_vectors(
        &twice,
        &json!([
            ["a", 0, "x", [1.0, 0.0]],
            ["a", 0, "y", [0.0, 1.0]],
            ["b", 0, "z", [1.0, 1.0]]
        ]),
        10,
    );
    let out = load(&pg, &[twice.to_str().unwrap(), "--table", "dup"]).code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("twice.parquet: rows 0..3 hold one (doc_id, chunk_index) twice"),
        "{stderr}"
    );
    assert_eq!(pg.count("SELECT count(*) FROM dup"), 0);

    let empty = dir.path().join("empty.parquet");
    write_random(&empty, 0, 4, 10);
    let run = load(
        &pg,
        &[
            empty.to_str().unwrap(),
            "--table",
            "empty",
            "--verify",
            "--json",
        ],
    )
    .success();
    let report = summary(&run.get_output().stdout);
    assert_eq!(report["rows"], 0);
    assert_eq!(report["verify"]["stored_rows"], 0);
    assert_eq!(report["verify"]["recall"], Value::Null);
    assert_eq!(report["verify"]["passed"], true);

    let out = load(
        &pg,
        &[
            empty.to_str().unwrap(),
            "--table",
            "empty",
            "--index-method",
            "none",
            "--min-recall",
            "0.5",
        ],
    )
    .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("--min-recall needs an index to measure"),
        "{stderr}"
    );
}
