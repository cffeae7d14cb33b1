//! `lakeops embed` end to end: real sentence-transformers weights (all-MiniLM-L6-v2 always in CI,
//! all-mpnet-base-v2 when fetched) compared with sentence-transformers' reference vectors, the
//! LangChain chunk references through Parquet input, resume, S3 input, and the error paths. The
//! output is read back by pyarrow, DuckDB and polars.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common::{lakeops, py_json, repo_root, tmp, zstd};
use crate::moto::{raw, Moto};

fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures")
}

/// The random-weight MPNet behind reference-tiny-mpnet.jsonl. No weights are tracked in git:
/// scripts/fetch-models.sh copies it into $LAKEOPS_TEST_MODELS (./.ci/run does); without that
/// variable, the team's shared fixtures next to the repository are used.
pub fn tiny_model() -> PathBuf {
    let dir = match std::env::var_os("LAKEOPS_TEST_MODELS") {
        Some(models) => PathBuf::from(models).join("tiny-mpnet"),
        None => repo_root().join("../shared/fixtures/embed/tiny-mpnet"),
    };
    assert!(
        dir.join("model.safetensors").is_file(),
        "{} is missing: run scripts/fetch-models.sh DIR and set LAKEOPS_TEST_MODELS=DIR",
        dir.display()
    );
    dir
}

/// A real model fetched by `.ci/run` (scripts/fetch-models.sh) into $LAKEOPS_TEST_MODELS.
fn real_model(name: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("LAKEOPS_TEST_MODELS")?).join(name);
    dir.join("model.safetensors").is_file().then_some(dir)
}

fn reference(name: &str) -> Vec<Value> {
    std::fs::read_to_string(fixtures().join("embed").join(name))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_jsonl(path: &Path, records: &[Value]) {
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// Every row of the output file, as pyarrow reads it, plus its schema and key-value metadata;
/// DuckDB and polars must open it too and count the same rows.
fn read_output(path: &Path) -> Value {
    py_json(
        r#"
import json, sys, duckdb, polars, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
con = duckdb.connect()
duck = con.execute("select count(*), min(len(embedding)) from read_parquet(?)", [sys.argv[1]]).fetchone()
duck_kv = con.execute("select count(*) from parquet_kv_metadata(?) where key = 'lakeops.embed.model'", [sys.argv[1]]).fetchone()[0]
pl = polars.read_parquet(sys.argv[1])
print(json.dumps({
    "rows": t.num_rows,
    "duckdb_rows": duck[0],
    "duckdb_dim": duck[1],
    "duckdb_model_keys": duck_kv,
    "polars_rows": pl.height,
    "schema": {f.name: str(f.type) for f in t.schema},
    "kv": {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items() if not k.startswith(b"ARROW")},
    "data": t.to_pylist(),
}))
"#,
        &[path],
    )
}

fn cosine(a: &Value, b: &Value) -> f64 {
    let a: Vec<f64> = a
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let b: Vec<f64> = b
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(a.len(), b.len());
    let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    dot / (norm(&a) * norm(&b))
}

/// Embeds the reference texts, one chunk per text, and compares every vector.
fn matches_reference(model: &Path, reference_file: &str, dim: usize) {
    let dir = tmp();
    let cases = reference(reference_file);
    let records: Vec<Value> = cases
        .iter()
        .map(|c| json!({ "id": c["id"], "body": { "text": c["text"] } }))
        .collect();
    write_jsonl(&dir.path().join("texts.jsonl"), &records);
    let out = dir.path().join("out");
    let run = lakeops()
        .args(["embed", "--text-column", "body.text", "--id-column", "id"])
        .args([
            "--chunk-size",
            "100000000",
            "--chunk-overlap",
            "0",
            "--json",
        ])
        .arg("--model")
        .arg(model)
        .arg(dir.path().join("texts.jsonl"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    succeeded(&run);
    let summary = crate::common::summary(&run.stdout);
    // Empty and whitespace-only texts have no chunks (LangChain gives none), so no rows.
    let empty = cases
        .iter()
        .filter(|c| c["text"].as_str().unwrap().trim().is_empty())
        .count();
    assert_eq!(summary["documents"], cases.len());
    assert_eq!(summary["empty_documents"], empty);
    assert_eq!(summary["chunks"], cases.len() - empty);
    assert_eq!(summary["device"], "cpu");
    let rate = summary["chunks"].as_f64().unwrap() / summary["seconds"].as_f64().unwrap();
    assert!((summary["chunks_per_second"].as_f64().unwrap() - rate).abs() <= rate * 1e-6);
    let tokens: u64 = cases
        .iter()
        .filter(|c| !c["text"].as_str().unwrap().trim().is_empty())
        .map(|c| c["n_tokens"].as_u64().unwrap())
        .sum();
    assert_eq!(
        summary["tokens"], tokens,
        "token counts equal sentence-transformers'"
    );

    let got = read_output(&out.join("texts.parquet"));
    assert_eq!(got["rows"], cases.len() - empty);
    assert_eq!(got["duckdb_rows"], cases.len() - empty);
    assert_eq!(got["polars_rows"], cases.len() - empty);
    assert_eq!(got["duckdb_dim"], dim);
    assert_eq!(
        got["duckdb_model_keys"], 1,
        "key-value metadata in the Parquet footer"
    );
    assert_eq!(
        got["schema"]["embedding"],
        format!("fixed_size_list<item: float not null>[{dim}]")
    );
    assert_eq!(got["kv"]["lakeops.embed.dimension"], dim.to_string());
    assert_eq!(got["kv"]["lakeops.embed.pooling"], "mean");
    assert_eq!(got["kv"]["lakeops.embed.dtype"], "f32");
    let rows = got["data"].as_array().unwrap();
    for case in cases
        .iter()
        .filter(|c| !c["text"].as_str().unwrap().trim().is_empty())
    {
        let row = rows
            .iter()
            .find(|r| r["doc_id"] == case["id"])
            .unwrap_or_else(|| panic!("no row for {}", case["id"]));
        let text = case["text"].as_str().unwrap();
        assert_eq!(row["chunk_index"], 0);
        assert_eq!(row["chunk_text"], text.trim());
        let leading = text.chars().take_while(|c| c.is_whitespace()).count();
        assert_eq!(row["chunk_start"], leading);
        let cos = cosine(&row["embedding"], &case["embedding"]);
        assert!(cos >= 0.9999, "{}: cosine {cos}", case["id"]);
    }
}

#[test]
fn all_minilm_l6_v2_matches_sentence_transformers() {
    let Some(model) = real_model("all-MiniLM-L6-v2") else {
        assert!(
            std::env::var_os("LAKEOPS_TEST_MODELS").is_none(),
            "LAKEOPS_TEST_MODELS is set but has no all-MiniLM-L6-v2 (scripts/fetch-models.sh)"
        );
        eprintln!("skipped: set LAKEOPS_TEST_MODELS (./.ci/run does) for the real-weights test");
        return;
    };
    matches_reference(&model, "reference-all-minilm-l6-v2.jsonl", 384);
}

#[test]
fn all_mpnet_base_v2_matches_sentence_transformers() {
    let Some(model) = real_model("all-mpnet-base-v2") else {
        eprintln!("skipped: all-mpnet-base-v2 weights are not in LAKEOPS_TEST_MODELS");
        return;
    };
    matches_reference(&model, "reference-all-mpnet-base-v2.jsonl", 768);
}

#[test]
fn tiny_mpnet_through_the_cli_matches_sentence_transformers() {
    matches_reference(&tiny_model(), "reference-tiny-mpnet.jsonl", 32);
}

/// Writes the LangChain chunking references as a Parquet file with a nested text column.
fn chunking_parquet(path: &Path) -> Vec<Value> {
    let cases: Vec<Value> =
        std::fs::read_to_string(fixtures().join("chunking/reference-recursive.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|c: &Value| c["chunk_size"] == 1000)
            .collect();
    let input = path.with_extension("json");
    std::fs::write(&input, serde_json::to_string(&cases).unwrap()).unwrap();
    py_json(
        r#"
import json, sys, pyarrow as pa, pyarrow.parquet as pq
cases = json.load(open(sys.argv[1]))
t = pa.table({
    "key": pa.array([i * 10 for i in range(len(cases))], pa.int64()),
    "doc": pa.array([{"title": c["id"], "content": c["text"]} for c in cases]),
})
pq.write_table(t, sys.argv[2], row_group_size=3)
print(json.dumps(True))
"#,
        &[&input, path],
    );
    cases
}

#[test]
fn parquet_input_with_nested_columns_chunks_like_langchain() {
    let dir = tmp();
    let input = dir.path().join("docs.parquet");
    let cases = chunking_parquet(&input);
    let out = dir.path().join("out");
    lakeops()
        .args([
            "embed",
            "--text-column",
            "doc.content",
            "--id-column",
            "key",
        ])
        .arg("--model")
        .arg(tiny_model())
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let got = read_output(&out.join("docs.parquet"));
    let rows = got["data"].as_array().unwrap();
    assert_eq!(got["kv"]["lakeops.embed.chunk_size"], "1000");
    assert_eq!(got["kv"]["lakeops.embed.chunk_overlap"], "100");
    for (i, case) in cases.iter().enumerate() {
        let id = (i * 10).to_string();
        let mine: Vec<&Value> = rows.iter().filter(|r| r["doc_id"] == id.as_str()).collect();
        let want = case["chunks"].as_array().unwrap();
        let texts: Vec<&Value> = mine.iter().map(|r| &r["chunk_text"]).collect();
        assert_eq!(texts, want.iter().collect::<Vec<_>>(), "{}", case["id"]);
        let text: Vec<char> = case["text"].as_str().unwrap().chars().collect();
        for (n, row) in mine.iter().enumerate() {
            assert_eq!(row["chunk_index"], n);
            let start = row["chunk_start"].as_u64().unwrap() as usize;
            let chunk: Vec<char> = row["chunk_text"].as_str().unwrap().chars().collect();
            assert_eq!(
                &text[start..start + chunk.len()],
                &chunk[..],
                "offset in characters"
            );
        }
    }
}

fn embed_tiny(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    lakeops()
        .args(["embed", "--text-column", "text", "--json"])
        .arg("--model")
        .arg(tiny_model())
        .args(extra)
        .arg(input)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_rerun_skips_inputs_already_embedded_with_the_same_parameters() {
    let dir = tmp();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(inputs.join("sub")).unwrap();
    let doc = |i: usize| json!({ "text": format!("document number {i} about data lakes") });
    write_jsonl(
        &inputs.join("a.jsonl"),
        &(0..5).map(doc).collect::<Vec<_>>(),
    );
    let b: String = (0..7).map(|i| format!("{}\n", doc(i))).collect();
    std::fs::write(inputs.join("sub/b.jsonl.zst"), zstd(b.as_bytes())).unwrap();
    let out = dir.path().join("out");

    let first = embed_tiny(&inputs, &out, &[]);
    succeeded(&first);
    assert_eq!(crate::common::summary(&first.stdout)["chunks"], 12);
    let b_out = out.join("sub/b.parquet");
    assert_eq!(read_output(&b_out)["rows"], 7);
    let modified = std::fs::metadata(&b_out).unwrap().modified().unwrap();

    let second = embed_tiny(&inputs, &out, &[]);
    assert!(second.status.success());
    let skipped: Vec<Value> = String::from_utf8_lossy(&second.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["type"] == "input")
        .map(|r| r["skipped"].clone())
        .collect();
    assert_eq!(skipped, [true, true]);
    assert_eq!(crate::common::summary(&second.stdout)["chunks"], 0);
    assert_eq!(
        std::fs::metadata(&b_out).unwrap().modified().unwrap(),
        modified
    );

    // A changed input, or a changed parameter, is embedded again; --overwrite redoes everything.
    write_jsonl(
        &inputs.join("a.jsonl"),
        &(0..6).map(doc).collect::<Vec<_>>(),
    );
    let third = embed_tiny(&inputs, &out, &[]);
    assert_eq!(crate::common::summary(&third.stdout)["chunks"], 6);
    let fourth = embed_tiny(
        &inputs,
        &out,
        &["--chunk-size", "10", "--chunk-overlap", "2"],
    );
    assert!(
        crate::common::summary(&fourth.stdout)["chunks"]
            .as_u64()
            .unwrap()
            > 13
    );
    let fifth = embed_tiny(
        &inputs,
        &out,
        &["--chunk-size", "10", "--chunk-overlap", "2", "--overwrite"],
    );
    assert_eq!(
        crate::common::summary(&fifth.stdout)["chunks"],
        crate::common::summary(&fourth.stdout)["chunks"]
    );
}

#[test]
fn a_failing_input_leaves_completed_files_and_no_partial_ones() {
    let dir = tmp();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    write_jsonl(&inputs.join("a.jsonl"), &[json!({ "text": "fine" })]);
    std::fs::write(
        inputs.join("b.jsonl"),
        "{\"text\": \"fine\"}\n{\"text\": 42}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    // --fail-fast: the failing input stops the run, as every failure did before inputs failed
    // alone.
    let run = embed_tiny(&inputs, &out, &["--fail-fast"]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("b.jsonl:2") && stderr.contains("field text is a number, not a string"),
        "{stderr}"
    );
    let files: Vec<String> = crate::common::walk(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files,
        vec!["a.parquet".to_owned()],
        "no partial or temporary file"
    );
}

/// Regression: embed stopped at the first input that failed (exit 2), leaving the inputs after
/// it unembedded; a batch now embeds the others, names the failures and exits 1.
#[test]
fn a_failing_input_does_not_stop_the_others_unless_fail_fast() {
    let dir = tmp();
    // Gzip's magic and header, then bytes that are no deflate stream: fails at its first read.
    let corrupt = dir.path().join("corrupt.jsonl.gz");
    std::fs::write(
        &corrupt,
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03not a deflate stream",
    )
    .unwrap();
    let good = dir.path().join("good.jsonl");
    write_jsonl(
        &good,
        &[
            json!({ "text": "Data lakes hold documents." }),
            json!({ "text": "Embeddings make them searchable." }),
        ],
    );
    // Fails after a whole window of its chunks was encoded and written to its temporary file.
    let late = dir.path().join("late.jsonl");
    let mut records: Vec<Value> = (0..1100)
        .map(|i| json!({ "text": format!("record {i}") }))
        .collect();
    records.push(json!({ "text": 42 }));
    write_jsonl(&late, &records);
    let embed = |out: &Path, extra: &[&str]| {
        lakeops()
            .args(["embed", "--text-column", "text", "--json", "--model"])
            .arg(tiny_model())
            .args(extra)
            .args([&corrupt, &good, &late])
            .arg("-o")
            .arg(out)
            .output()
            .unwrap()
    };

    let out = dir.path().join("out");
    let run = embed(&out, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: file://") && stderr.contains("corrupt.jsonl.gz:1: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("late.jsonl:1101: field text is a number, not a string"),
        "{stderr}"
    );
    let records: Vec<Value> = String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let input = |name: &str| {
        records
            .iter()
            .find(|r| r["type"] == "input" && r["input"].as_str().unwrap().ends_with(name))
            .unwrap()
    };
    assert!(
        input("corrupt.jsonl.gz")["error"]
            .as_str()
            .unwrap()
            .contains("corrupt.jsonl.gz:1: "),
        "{records:?}"
    );
    assert_eq!(
        input("late.jsonl")["chunks"],
        0,
        "nothing of it was written"
    );
    assert!(input("good.jsonl").get("error").is_none());
    let summary = crate::common::summary(&run.stdout);
    assert_eq!(summary["failed_inputs"], 2);
    assert_eq!(summary["documents"], 2);
    assert_eq!(summary["chunks"], 2);
    let written: Vec<PathBuf> = crate::common::walk(&out);
    assert_eq!(
        written,
        [out.join("good.parquet")],
        "no partial or temporary file"
    );
    let output = read_output(&out.join("good.parquet"));
    assert_eq!(output["rows"], 2);
    assert_eq!(
        output["data"][1]["chunk_text"],
        "Embeddings make them searchable."
    );

    // The report for people (on stderr) lists the failures after the totals.
    let human = lakeops()
        .args(["embed", "--text-column", "text", "--model"])
        .arg(tiny_model())
        .args([&corrupt, &good])
        .arg("-o")
        .arg(dir.path().join("human"))
        .output()
        .unwrap();
    assert_eq!(human.status.code(), Some(1));
    let report = String::from_utf8_lossy(&human.stderr);
    assert!(report.contains("not embedded: file://"), "{report}");

    // --fail-fast stops at the first failed input: nothing after it is embedded.
    let out = dir.path().join("fail-fast");
    let run = embed(&out, &["--fail-fast"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("corrupt.jsonl.gz:1: "), "{stderr}");
    assert!(run.stdout.is_empty());
    assert!(crate::common::walk(&out).is_empty());
}

#[test]
fn bad_columns_models_and_devices_are_clear_errors() {
    let dir = tmp();
    let input = dir.path().join("docs.parquet");
    chunking_parquet(&input);
    let out = dir.path().join("out");
    let expect = |args: &[&str], model: &Path, needle: &str| {
        let run = lakeops()
            .arg("embed")
            .args(args)
            .arg("--model")
            .arg(model)
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("backtrace"),
            "{stderr}"
        );
    };
    let tiny = tiny_model();
    expect(
        &["--text-column", "body"],
        &tiny,
        "column body: no such column (columns: key, doc.title, doc.content)",
    );
    expect(
        &["--text-column", "key"],
        &tiny,
        "column key: the text column is Int64, not a string",
    );
    expect(
        &["--text-column", "doc.content", "--id-column", "nope"],
        &tiny,
        "column nope: no such column",
    );
    expect(
        &["--text-column", "doc.content", "--device", "cuda"],
        &tiny,
        "built without CUDA support",
    );
    expect(
        &[
            "--text-column",
            "doc.content",
            "--dtype",
            "bf16",
            "--device",
            "cpu",
        ],
        &tiny,
        "--dtype bf16 needs a GPU",
    );
    expect(
        &["--text-column", "doc.content", "--chunk-overlap", "2000"],
        &tiny,
        "--chunk-overlap 2000 is larger than --chunk-size 1000",
    );
    let broken = dir.path().join("model");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::copy(tiny.join("config.json"), broken.join("config.json")).unwrap();
    expect(
        &["--text-column", "doc.content"],
        &broken,
        "has no tokenizer.json",
    );
    expect(
        &["--text-column", "doc.content"],
        &dir.path().join("missing-model"),
        "no such folder",
    );
    assert!(!out.exists() || crate::common::walk(&out).is_empty());
}

#[test]
fn s3_inputs_are_read_from_a_prefix() {
    let moto = Moto::start();
    moto.create_bucket("corpus");
    let jsonl: String = (0..4)
        .map(|i| {
            format!(
                "{}\n",
                json!({ "id": format!("d{i}"), "text": format!("text {i}") })
            )
        })
        .collect();
    let dir = tmp();
    let parquet = dir.path().join("part-2.parquet");
    py_json(
        r#"
import json, sys, pyarrow as pa, pyarrow.parquet as pq
pq.write_table(pa.table({"id": [f"d{i}" for i in range(4)], "text": [f"text {i}" for i in range(4)]}), sys.argv[1])
print(json.dumps(True))
"#,
        &[&parquet],
    );
    moto.put(
        "corpus",
        &[
            raw("docs/part-0.jsonl.zst", &zstd(jsonl.as_bytes())),
            raw("docs/part-1.jsonl", jsonl.as_bytes()),
            raw("docs/part-2.parquet", &std::fs::read(&parquet).unwrap()),
            raw("docs/_SUCCESS", b""),
        ],
    );
    let out = dir.path().join("out");
    let run = embed_moto(&moto, &["s3://corpus/docs/", "-o", out.to_str().unwrap()]);
    succeeded(&run);
    assert_eq!(crate::common::summary(&run.stdout)["chunks"], 12);
    for (part, ext) in [
        ("part-0", ".jsonl.zst"),
        ("part-1", ".jsonl"),
        ("part-2", ".parquet"),
    ] {
        let got = read_output(&out.join(format!("{part}.parquet")));
        let ids: Vec<&str> = got["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["doc_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["d0", "d1", "d2", "d3"]);
        assert_eq!(
            got["kv"]["lakeops.embed.source"],
            format!("s3://corpus/docs/{part}{ext}")
        );
    }
}

#[test]
fn interrupt_exits_130_and_leaves_no_partial_file() {
    let dir = tmp();
    let input = dir.path().join("big.jsonl");
    let text = "Data lakes hold documents in many languages. ".repeat(60);
    let records: String = (0..20_000)
        .map(|i| format!("{}\n", json!({ "text": format!("{i} {text}") })))
        .collect();
    std::fs::write(&input, records).unwrap();
    let out = dir.path().join("out");
    let mut child = crate::common::lakeops_process()
        .args(["embed", "-q", "--text-column", "text", "--model"])
        .arg(tiny_model())
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "still running when interrupted"
    );
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert!(
        crate::common::walk(&out).is_empty(),
        "{:?}",
        crate::common::walk(&out)
    );
}

/// The fake hub (tests/cli/support/fake_hub.py) serving the tiny MPNet; killed on drop.
struct FakeHub {
    child: std::process::Child,
    port: u16,
    log: PathBuf,
}

impl FakeHub {
    fn start(dir: &Path) -> FakeHub {
        let log = dir.join("hub-requests.log");
        let (child, port) = crate::common::start_support_server(
            "fake_hub.py",
            &[tiny_model().as_os_str(), log.as_os_str()],
        );
        FakeHub { child, port, log }
    }

    fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for FakeHub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_hugging_face_id_is_downloaded_into_the_cache_once() {
    let dir = tmp();
    let hub = FakeHub::start(dir.path());
    let cache = dir.path().join("hf-cache");
    let input = dir.path().join("docs.jsonl");
    write_jsonl(&input, &[json!({ "text": "Hello World! Data lakes." })]);
    let run = |endpoint: &str, offline: bool| {
        let mut cmd = lakeops();
        cmd.env("HF_ENDPOINT", endpoint)
            .env("HF_HUB_CACHE", &cache)
            .env_remove("HF_TOKEN");
        if offline {
            cmd.env("HF_HUB_OFFLINE", "1");
        } else {
            cmd.env_remove("HF_HUB_OFFLINE");
        }
        cmd.args(["embed", "--text-column", "text", "--json", "--overwrite"])
            .args(["--model", "acme/tiny-mpnet"])
            .arg(&input)
            .arg("-o")
            .arg(dir.path().join("out"))
            .output()
            .unwrap()
    };
    let endpoint = format!("http://127.0.0.1:{}", hub.port);
    let first = run(&endpoint, false);
    succeeded(&first);
    let requests = hub.requests();
    for file in [
        "config.json",
        "modules.json",
        "tokenizer.json",
        "model.safetensors",
        "1_Pooling/config.json",
    ] {
        assert!(
            requests.iter().any(|r| r.ends_with(&format!("/{file}"))),
            "{file}: {requests:?}"
        );
    }
    assert!(
        requests.iter().any(|r| r.starts_with("/cdn/")),
        "followed the redirect: {requests:?}"
    );

    // The cache has huggingface_hub's layout: refs/main, the snapshot, blobs named by ETag.
    let repo = cache.join("models--acme--tiny-mpnet");
    let commit = "0123456789abcdef0123456789abcdef01234567";
    assert_eq!(
        std::fs::read_to_string(repo.join("refs/main")).unwrap(),
        commit
    );
    let snapshot = repo.join("snapshots").join(commit);
    assert_eq!(
        std::fs::read(snapshot.join("model.safetensors")).unwrap(),
        std::fs::read(tiny_model().join("model.safetensors")).unwrap()
    );
    assert!(
        std::fs::symlink_metadata(snapshot.join("1_Pooling/config.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let got = read_output(&dir.path().join("out/docs.parquet"));
    assert_eq!(got["kv"]["lakeops.embed.model"], "acme/tiny-mpnet");
    assert_eq!(got["kv"]["lakeops.embed.model_revision"], commit);

    // Second run: from the cache, no request, even with the hub gone or offline.
    let before = hub.requests().len();
    let again = run("http://127.0.0.1:9", true);
    succeeded(&again);
    assert_eq!(hub.requests().len(), before);

    // A model the hub does not have, or no hub at all: exit 2 naming the model.
    let missing = lakeops()
        .env("HF_ENDPOINT", "http://127.0.0.1:9")
        .env("HF_HUB_CACHE", &cache)
        .env_remove("HF_HUB_OFFLINE")
        .args(["embed", "--text-column", "text", "--model", "acme/other"])
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("out2"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("model acme/other: not in the Hugging Face cache and cannot be downloaded"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Lake scale (issue 17): S3 output, resume from the outputs' own footers, --dry-run, --shard,
// --include/--exclude.
// ---------------------------------------------------------------------------------------------

fn docs(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{}\n",
                json!({"id": format!("{prefix}{i}"), "text": format!("{prefix} text number {i}")})
            )
        })
        .collect()
}

/// The rows of every Parquet object under an S3 prefix, as pyarrow reads them, by key.
fn s3_outputs(moto: &Moto, bucket: &str, prefix: &str) -> Value {
    moto.py(
        r#"
import io, pyarrow.parquet as pq
files = {}
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=inp["bucket"], Prefix=inp["prefix"]):
    for o in page.get("Contents", []):
        body = s3.get_object(Bucket=inp["bucket"], Key=o["Key"])["Body"].read()
        t = pq.read_table(io.BytesIO(body), use_threads=False)
        meta = {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items() if k.startswith(b"lakeops")}
        files[o["Key"][len(inp["prefix"]):]] = {"rows": t.select(["doc_id", "chunk_index", "chunk_text", "embedding"]).to_pylist(), "source": meta.get("lakeops.embed.source")}
out(files)
"#,
        &json!({"bucket": bucket, "prefix": prefix}),
    )
}

/// Asserts that a run exited 0, showing its stderr when it did not.
fn succeeded(run: &std::process::Output) {
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

fn embed_moto(moto: &Moto, args: &[&str]) -> std::process::Output {
    moto.lakeops()
        .args([
            "embed",
            "--text-column",
            "text",
            "--id-column",
            "id",
            "--json",
        ])
        .arg("--model")
        .arg(tiny_model())
        .args(args)
        .output()
        .unwrap()
}

fn records(stdout: &[u8], kind: &str) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["type"] == kind)
        .collect()
}

#[test]
fn embed_s3_to_s3_mirrors_the_layout_and_resumes_from_the_outputs_footers() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    moto.put(
        "lake",
        &[
            raw("corpus/en/a.jsonl", docs("a", 3).as_bytes()),
            raw("corpus/fr/b.jsonl.zst", &zstd(docs("b", 2).as_bytes())),
        ],
    );
    let run = embed_moto(&moto, &["s3://lake/corpus/", "-o", "s3://lake/vectors/"]);
    succeeded(&run);
    let outputs = s3_outputs(&moto, "lake", "vectors/");
    // Data files only: no state, manifest or temporary object in the data prefix.
    let keys: Vec<&String> = outputs.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["en/a.parquet", "fr/b.parquet"]);
    assert_eq!(
        outputs["en/a.parquet"]["source"],
        "s3://lake/corpus/en/a.jsonl"
    );
    let ids: Vec<&str> = outputs["fr/b.parquet"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["b0", "b1"]);
    assert_eq!(
        outputs["en/a.parquet"]["rows"][0]["embedding"]
            .as_array()
            .unwrap()
            .len(),
        32
    );
    let reported: Vec<Value> = records(&run.stdout, "input")
        .iter()
        .map(|r| r["output"].clone())
        .collect();
    assert_eq!(
        reported,
        [
            json!("s3://lake/vectors/en/a.parquet"),
            json!("s3://lake/vectors/fr/b.parquet")
        ]
    );

    // A rerun reads the outputs' footers and writes nothing.
    let (rerun, rec) =
        moto.record(|| embed_moto(&moto, &["s3://lake/corpus/", "-o", "s3://lake/vectors/"]));
    assert!(rerun.status.success());
    assert!(records(&rerun.stdout, "input")
        .iter()
        .all(|r| r["skipped"] == true));
    let writes: Vec<String> = rec
        .s3_requests()
        .into_iter()
        .filter(|r| r.starts_with("PUT") || r.starts_with("POST") || r.starts_with("DELETE"))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");

    // One input changes: --dry-run says so and writes nothing; the run then redoes only it.
    moto.put("lake", &[raw("corpus/en/a.jsonl", docs("a", 4).as_bytes())]);
    let (plan, rec) = moto.record(|| {
        embed_moto(
            &moto,
            &["s3://lake/corpus/", "-o", "s3://lake/vectors/", "--dry-run"],
        )
    });
    succeeded(&plan);
    let actions: Vec<(String, String)> = records(&plan.stdout, "plan")
        .iter()
        .map(|r| {
            (
                r["input"].as_str().unwrap().to_owned(),
                r["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("s3://lake/corpus/en/a.jsonl".to_owned(), "embed".to_owned()),
            (
                "s3://lake/corpus/fr/b.jsonl.zst".to_owned(),
                "skip".to_owned()
            )
        ]
    );
    let summary = crate::common::summary(&plan.stdout);
    assert_eq!(
        (summary["to_embed"].as_u64(), summary["to_skip"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(rec
        .s3_requests()
        .iter()
        .all(|r| r.starts_with("GET") || r.starts_with("HEAD")));
    let run = embed_moto(&moto, &["s3://lake/corpus/", "-o", "s3://lake/vectors/"]);
    let skipped: Vec<bool> = records(&run.stdout, "input")
        .iter()
        .map(|r| r["skipped"].as_bool().unwrap())
        .collect();
    assert_eq!(skipped, [false, true]);
    assert_eq!(
        s3_outputs(&moto, "lake", "vectors/")["en/a.parquet"]["rows"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // An output prefix inside the input prefix: a rerun does not take its own outputs for
    // documents.
    for _ in 0..2 {
        let run = embed_moto(
            &moto,
            &["s3://lake/corpus/", "-o", "s3://lake/corpus/vectors/"],
        );
        succeeded(&run);
        assert_eq!(records(&run.stdout, "input").len(), 2);
    }

    // Local in, S3 out.
    let dir = tmp();
    std::fs::create_dir_all(dir.path().join("in/x")).unwrap();
    std::fs::write(dir.path().join("in/x/c.jsonl"), docs("c", 2)).unwrap();
    let input = dir.path().join("in");
    let run = embed_moto(
        &moto,
        &[input.to_str().unwrap(), "-o", "s3://lake/from-local/"],
    );
    succeeded(&run);
    let outputs = s3_outputs(&moto, "lake", "from-local/");
    assert_eq!(outputs["x/c.parquet"]["rows"].as_array().unwrap().len(), 2);
}

#[test]
fn embed_two_shards_give_exactly_the_rows_of_one_unsharded_run() {
    let moto = Moto::start();
    moto.create_bucket("shards");
    let objects: Vec<_> = (0..6)
        .map(|i| {
            raw(
                &format!("in/p{i}/part-{i}.jsonl"),
                docs(&format!("d{i}-"), 3).as_bytes(),
            )
        })
        .collect();
    moto.put("shards", &objects);
    let whole = embed_moto(&moto, &["s3://shards/in/", "-o", "s3://shards/whole/"]);
    succeeded(&whole);
    let mut taken = Vec::new();
    for shard in ["0/2", "1/2"] {
        let run = embed_moto(
            &moto,
            &[
                "s3://shards/in/",
                "-o",
                "s3://shards/sharded/",
                "--shard",
                shard,
            ],
        );
        succeeded(&run);
        taken.push(records(&run.stdout, "input").len());
    }
    // Each shard took some and together all, with no coordination.
    assert!(
        taken.iter().all(|&n| n > 0) && taken.iter().sum::<usize>() == 6,
        "{taken:?}"
    );
    assert_eq!(
        s3_outputs(&moto, "shards", "sharded/"),
        s3_outputs(&moto, "shards", "whole/")
    );

    // A shard with nothing to do is a run with nothing to do.
    let run = embed_moto(
        &moto,
        &[
            "s3://shards/in/p0/",
            "-o",
            "s3://shards/none/",
            "--shard",
            "1/2",
            "--include",
            "nothing*",
        ],
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(records(&run.stdout, "input").is_empty());

    // --include and --exclude match the path below the argument.
    let run = embed_moto(
        &moto,
        &[
            "s3://shards/in/",
            "-o",
            "s3://shards/some/",
            "--include",
            "p[0-3]/**",
            "--exclude",
            "**/part-1.jsonl",
            "--dry-run",
        ],
    );
    let inputs: Vec<&str> = records(&run.stdout, "plan")
        .iter()
        .map(|r| r["input"].as_str().unwrap().rsplit('/').next().unwrap())
        .map(|s| Box::leak(s.to_owned().into_boxed_str()) as &str)
        .collect();
    assert_eq!(inputs, ["part-0.jsonl", "part-2.jsonl", "part-3.jsonl"]);
}

#[test]
fn keep_columns_copy_source_values_onto_every_chunk() {
    let dir = tmp();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let long = "Lakes keep many documents. ".repeat(12);
    py_json(
        r#"
import json, sys, pyarrow as pa, pyarrow.parquet as pq
long = sys.argv[2]
t = pa.table({
    "text": [long, "short text"],
    "url": ["https://a.example/1", None],
    "metadata": [{"identification": {"label": "en", "prob": 0.5}, "year": 2024},
                 {"identification": None, "year": 2023}],
    "tags": [["x", "y"], []],
})
pq.write_table(t, sys.argv[1] + "/docs.parquet")
print(json.dumps(True))
"#,
        &[&input, Path::new(&long)],
    );
    write_jsonl(
        &input.join("lines.jsonl"),
        &[
            json!({"text": long, "url": "https://b.example/2", "metadata": {"identification": {"label": "fr"}, "year": 2022}, "tags": ["z"]}),
            json!({"text": "no url here", "metadata": {"year": 2021}}),
        ],
    );
    let out = dir.path().join("out");
    let keep = "url,metadata.identification.label,metadata.year,tags";
    let run = embed_tiny(
        &input,
        &out,
        &[
            "--chunk-size",
            "100",
            "--chunk-overlap",
            "0",
            "--keep-columns",
            keep,
        ],
    );
    succeeded(&run);
    let got = py_json(
        r#"
import json, sys, pyarrow.parquet as pq
files = {}
for name in ["docs", "lines"]:
    t = pq.read_table(sys.argv[1] + "/" + name + ".parquet")
    files[name] = {
        "schema": [[f.name, str(f.type), (f.metadata or {}).get(b"lakeops.embed.source_column", b"").decode()] for f in t.schema],
        "rows": t.drop(["embedding", "chunk_text", "chunk_start"]).to_pylist(),
    }
print(json.dumps(files))
"#,
        &[&out],
    );
    assert_eq!(
        got["docs"]["schema"],
        json!([
            ["doc_id", "string", ""],
            ["chunk_index", "int32", ""],
            ["chunk_start", "int64", ""],
            ["chunk_text", "string", ""],
            ["embedding", "fixed_size_list<item: float not null>[32]", ""],
            ["url", "string", "url"],
            [
                "metadata_identification_label",
                "string",
                "metadata.identification.label"
            ],
            ["metadata_year", "string", "metadata.year"],
            ["tags", "string", "tags"],
        ])
    );
    for (file, first) in [
        (
            "docs",
            json!(["https://a.example/1", "en", "2024", "[\"x\",\"y\"]"]),
        ),
        (
            "lines",
            json!(["https://b.example/2", "fr", "2022", "[\"z\"]"]),
        ),
    ] {
        let rows = got[file]["rows"].as_array().unwrap();
        let of_doc =
            |id: &str| -> Vec<&Value> { rows.iter().filter(|r| r["doc_id"] == id).collect() };
        // The long document has several chunks, each with its document's values.
        assert!(of_doc("0").len() > 2, "{file}: {rows:?}");
        for row in of_doc("0") {
            let values = json!([
                row["url"],
                row["metadata_identification_label"],
                row["metadata_year"],
                row["tags"]
            ]);
            assert_eq!(values, first, "{file}");
        }
        let second = of_doc("1");
        assert_eq!(second.len(), 1, "{file}");
        assert_eq!(second[0]["url"], Value::Null, "{file}");
        assert_eq!(
            second[0]["metadata_identification_label"],
            Value::Null,
            "{file}"
        );
    }

    // An output that is a file is refused before the model loads, naming it.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let refused = embed_tiny(&input, &file, &[]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("a-file: exists and is not a directory"),
        "{stderr}"
    );

    // A name clash with lakeops' own columns, and a column no input has, are errors.
    let clash = embed_tiny(
        &input,
        &dir.path().join("o2"),
        &["--keep-columns", "doc.id"],
    );
    assert_eq!(clash.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&clash.stderr).contains("would be the output column doc_id"),
        "{}",
        String::from_utf8_lossy(&clash.stderr)
    );
    let missing = embed_tiny(&input, &dir.path().join("o3"), &["--keep-columns", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("nope"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}

#[test]
fn two_cpu_encoders_write_exactly_what_one_writes_in_document_order() {
    let dir = tmp();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    for f in 0..3 {
        let records: Vec<Value> = (0..2500)
            .map(|i| json!({"text": format!("file {f} document {i}: {}", "word ".repeat(i % 17))}))
            .collect();
        write_jsonl(&input.join(format!("part-{f}.jsonl")), &records);
    }
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    let run_one = embed_tiny(&input, &one, &["--device", "cpu"]);
    succeeded(&run_one);
    let run_two = embed_tiny(&input, &two, &["--device", "cpu,cpu"]);
    succeeded(&run_two);
    let summary = crate::common::summary(&run_two.stdout);
    assert_eq!(summary["device"], "cpu,cpu");
    let encoders = summary["encoders"].as_array().unwrap();
    assert_eq!(encoders.len(), 2, "{summary}");
    // Both encoders took windows, and together every chunk.
    assert!(
        encoders.iter().all(|e| e["chunks"].as_u64().unwrap() > 0),
        "{summary}"
    );
    assert_eq!(
        encoders
            .iter()
            .map(|e| e["chunks"].as_u64().unwrap())
            .sum::<u64>(),
        summary["chunks"].as_u64().unwrap()
    );
    let same = py_json(
        r#"
import json, sys, pyarrow.parquet as pq
ok = []
for f in range(3):
    a = pq.read_table(f"{sys.argv[1]}/part-{f}.parquet")
    b = pq.read_table(f"{sys.argv[2]}/part-{f}.parquet")
    ok.append([a.num_rows, a.equals(b)])
print(json.dumps(ok))
"#,
        &[&one, &two],
    );
    assert_eq!(same, json!([[2500, true], [2500, true], [2500, true]]));

    // Lists that cannot work are usage errors.
    for (device, message) in [
        ("auto,cpu", "stand alone"),
        ("cuda:all", "cuda:all"),
        ("cpu,tpu", "expected auto, cpu, cuda, cuda:N or cuda:all"),
    ] {
        let run = embed_tiny(&input, &dir.path().join("bad"), &["--device", device]);
        assert_eq!(run.status.code(), Some(2), "{device}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains(message), "{device}: {stderr}");
    }
}

fn s3_parquet_keys(moto: &Moto, bucket: &str, prefix: &str) -> Vec<String> {
    let (status, body) = moto
        .http("GET", &format!("/{bucket}?list-type=2&prefix={prefix}"))
        .unwrap();
    assert_eq!(status, 200);
    let body = String::from_utf8_lossy(&body);
    body.split("<Key>")
        .skip(1)
        .filter_map(|s| s.split("</Key>").next())
        .map(str::to_owned)
        .collect()
}

/// `files` JSON-lines objects `in/part-N.jsonl` of `docs` documents each (ids `N-i`), long
/// enough together that a run over them can be stopped part-way.
fn part_objects(files: usize, docs: usize) -> Vec<crate::moto::Obj> {
    let text = "Lakes hold many documents in many languages. ".repeat(2);
    (0..files)
        .map(|f| {
            let lines: String = (0..docs)
                .map(|i| {
                    format!(
                        "{}\n",
                        json!({"id": format!("{f}-{i}"), "text": format!("{i} {text}")})
                    )
                })
                .collect();
            raw(&format!("in/part-{f}.jsonl"), lines.as_bytes())
        })
        .collect()
}

/// Starts `embed s3://BUCKET/in/ -o s3://BUCKET/out/` and returns it once its first output
/// object is published, with the keys published by then.
fn embed_until_first_output(moto: &Moto, bucket: &str) -> (std::process::Child, Vec<String>) {
    let mut child = moto
        .process()
        .args([
            "embed",
            "-q",
            "--text-column",
            "text",
            "--id-column",
            "id",
            "--model",
        ])
        .arg(tiny_model())
        .arg(format!("s3://{bucket}/in/"))
        .arg("-o")
        .arg(format!("s3://{bucket}/out/"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let keys = s3_parquet_keys(moto, bucket, "out/");
        if !keys.is_empty() {
            return (child, keys);
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before any output appeared"
        );
        assert!(started.elapsed().as_secs() < 120, "no output within 120 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// kill -9 in the middle of an S3 -> S3 run: the rerun skips every input whose object was
/// published and redoes the rest; the unreadable input among them fails alone (exit 1).
#[test]
fn embed_resumes_after_kill_9_redoing_only_the_unfinished_inputs() {
    let moto = Moto::start();
    moto.create_bucket("killed");
    let mut objects = part_objects(6, 3000);
    objects.push(raw(
        "in/part-9-bad.jsonl.zst",
        b"\x28\xb5\x2f\xfdgarbage that is not zstd",
    ));
    moto.put("killed", &objects);
    let (mut child, finished) = embed_until_first_output(&moto, "killed");
    child.kill().unwrap();
    child.wait().unwrap();
    let after_kill = s3_parquet_keys(&moto, "killed", "out/");
    assert!(
        after_kill.len() < 6,
        "every input finished before the kill: {after_kill:?}"
    );
    assert!(after_kill.starts_with(&finished), "{after_kill:?}");

    // Uploads a killed run left: this run's key is aborted, another shard's is left alone.
    moto.start_uploads("killed", &["out/part-5.parquet", "out/elsewhere.parquet"]);
    let rerun = embed_moto(&moto, &["s3://killed/in/", "-o", "s3://killed/out/"]);
    assert_eq!(
        moto.open_uploads("killed"),
        json!(["out/elsewhere.parquet"])
    );
    assert_eq!(
        rerun.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    for input in records(&rerun.stdout, "input") {
        let name = input["input"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let output = format!("out/{}", name.replace(".jsonl", ".parquet"));
        if name.contains("bad") {
            assert!(
                input["error"]
                    .as_str()
                    .unwrap()
                    .contains("part-9-bad.jsonl.zst"),
                "{input}"
            );
            continue;
        }
        // Skipped exactly when its output was published before the kill.
        assert_eq!(input["skipped"], after_kill.contains(&output), "{input}");
    }
    let outputs = s3_outputs(&moto, "killed", "out/");
    let keys: Vec<&String> = outputs.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "part-0.parquet",
            "part-1.parquet",
            "part-2.parquet",
            "part-3.parquet",
            "part-4.parquet",
            "part-5.parquet"
        ]
    );
    for (key, file) in outputs.as_object().unwrap() {
        assert_eq!(file["rows"].as_array().unwrap().len(), 3000, "{key}");
    }
}

/// A credential process that hands out a new key at each call, each valid for 5 seconds, less
/// than the SDK's 10-second refresh margin: the identity cache fetches new credentials for
/// every request of the run (as a day-long run does each hour with assumed-role or SSO
/// credentials), and the run finishes with nothing lost.
#[test]
fn embed_finishes_while_its_credentials_rotate() {
    let moto = Moto::start();
    moto.create_bucket("rotating");
    moto.put("rotating", &part_objects(8, 1500));
    let dir = tmp();
    let log = dir.path().join("calls.log");
    let script = dir.path().join("credentials.py");
    std::fs::write(
        &script,
        r#"
import datetime, json, sys
with open(sys.argv[1], "a") as log:
    log.write("call\n")
calls = sum(1 for _ in open(sys.argv[1]))
expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5)
print(json.dumps({"Version": 1, "AccessKeyId": f"ROTATING{calls}", "SecretAccessKey": "secret",
                  "SessionToken": f"token-{calls}", "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}))
"#,
    )
    .unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[default]\ncredential_process = {} {} {}\nregion = us-east-1\n",
            crate::common::python(),
            script.display(),
            log.display()
        ),
    )
    .unwrap();
    let mut process = moto.process();
    process
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .args([
            "embed",
            "--json",
            "--text-column",
            "text",
            "--id-column",
            "id",
            "--model",
        ])
        .arg(tiny_model())
        .args(["s3://rotating/in/", "-o", "s3://rotating/out/"]);
    let run = process.output().unwrap();
    succeeded(&run);
    let calls = std::fs::read_to_string(&log).unwrap().lines().count();
    let seconds = crate::common::summary(&run.stdout)["seconds"]
        .as_f64()
        .unwrap();
    assert!(
        calls >= 2,
        "the credentials were fetched {calls} times in a {seconds:.1} s run"
    );
    let outputs = s3_outputs(&moto, "rotating", "out/");
    assert_eq!(outputs.as_object().unwrap().len(), 8);
    for (key, file) in outputs.as_object().unwrap() {
        assert_eq!(file["rows"].as_array().unwrap().len(), 1500, "{key}");
    }
}

/// Ctrl-C in an S3 -> S3 run: exit 130, the outputs published before it stay whole, and no
/// object or multipart upload is left for the input in flight.
#[test]
fn interrupting_an_s3_run_leaves_only_whole_objects() {
    let moto = Moto::start();
    moto.create_bucket("stopped");
    moto.put("stopped", &part_objects(4, 3000));
    let (mut child, _) = embed_until_first_output(&moto, "stopped");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let outputs = s3_outputs(&moto, "stopped", "out/");
    let outputs = outputs.as_object().unwrap();
    assert!(
        !outputs.is_empty() && outputs.len() < 4,
        "{:?}",
        outputs.keys()
    );
    for (key, file) in outputs {
        assert_eq!(
            file["rows"].as_array().unwrap().len(),
            3000,
            "{key} is whole"
        );
    }
    assert_eq!(moto.open_uploads("stopped"), json!([]));
}
