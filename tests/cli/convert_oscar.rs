//! OSCAR-like shards and the generator's dirty variant, read back by independent readers.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

/// pyarrow's view compared record by record with Python's own JSON parse of the source.
const COMPARE: &str = r#"
import io, json, sys, zstandard, pyarrow.parquet as pq
src, out = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    text = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(f), encoding="utf-8")
    records = [json.loads(line) for line in text if line.strip()]
t = pq.read_table(out)
rows = t.to_pylist()
mismatches = []
for i, (row, rec) in enumerate(zip(rows, records)):
    if row["content"] != rec["content"]:
        mismatches.append((i, "content"))
    for k, v in rec["warc_headers"].items():
        if row["warc_headers"][k] != v:
            mismatches.append((i, "warc_headers." + k))
    for k in set(row["warc_headers"]) - set(rec["warc_headers"]):
        if row["warc_headers"][k] is not None:
            mismatches.append((i, "extra warc_headers." + k))
    m, rm = rec["metadata"], row["metadata"]
    for k in ("identification", "harmful_pp", "tlsh", "quality_warnings", "categories", "sentence_identifications"):
        if rm[k] != m.get(k):
            mismatches.append((i, "metadata." + k))
print(json.dumps({
    "rows": t.num_rows, "records": len(records), "mismatches": mismatches[:10],
    "non_ascii_rows": sum(1 for r in rows if any(ord(c) > 127 for c in r["content"])),
    "label": str(t.schema.field("metadata").type.field("identification").type),
    "sentence_identifications": str(t.schema.field("metadata").type.field("sentence_identifications").type),
    "warc_record_id": str(t.schema.field("warc_headers").type.field("warc-record-id").type),
}))
"#;

#[test]
fn clean_shards_convert_with_nested_schema_and_exact_values() {
    let corpus = oscar_clean();
    let out = tmp();
    let mut shards: Vec<_> = std::fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".zst"))
        .collect();
    shards.sort();
    let assert = lakeops()
        .arg("convert")
        .args(&shards)
        .arg("-o")
        .arg(out.path())
        .arg("--json")
        .assert()
        .success();
    let summary = summary(&assert.get_output().stdout);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(corpus.join("MANIFEST.json")).unwrap()).unwrap();
    assert_eq!(summary["rows"], manifest["records"]);
    assert_eq!(summary["lines"], manifest["records"]);
    assert_eq!(summary["rejects"], 0);
    assert_eq!(
        summary["bytes_uncompressed"],
        manifest["bytes_uncompressed"]
    );

    for shard in &shards {
        let name = shard
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".jsonl.zst", ".parquet");
        let parquet = out.path().join(&name);
        let result = py_json(COMPARE, &[shard, &parquet]);
        assert_eq!(result["rows"], result["records"], "{name}");
        assert_eq!(result["mismatches"], Value::Array(vec![]), "{name}");
        assert_eq!(result["label"], "struct<label: string, prob: double>");
        assert_eq!(
            result["sentence_identifications"],
            "list<element: struct<label: string, prob: double>>"
        );
        assert_eq!(result["warc_record_id"], "string");
        if !name.starts_with("en") {
            assert!(
                result["non_ascii_rows"].as_u64().unwrap() > 0,
                "{name} has non-ASCII text"
            );
        }
    }
    let first = pyarrow_read(
        &out.path().join(
            shards[0]
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".jsonl.zst", ".parquet"),
        ),
    );
    assert_eq!(first["kv"]["lakeops.version"], env!("CARGO_PKG_VERSION"));
    assert!(first["kv"]["lakeops.source"]
        .as_str()
        .unwrap()
        .ends_with(".jsonl.zst"));
}

#[test]
fn duckdb_and_polars_read_the_output() {
    let corpus = oscar_clean();
    let out = tmp();
    let shard = corpus.join("en_meta_part_1.jsonl.zst");
    let target = out.path().join("en.parquet");
    lakeops()
        .args(["convert", "-q"])
        .arg(&shard)
        .arg("-o")
        .arg(&target)
        .assert()
        .success();
    let counts = py_json(
        r#"
import json, sys, duckdb, polars as pl
p = sys.argv[1]
d = duckdb.sql(f"select count(*), count(metadata.identification.label), max(len(metadata.sentence_identifications)) from read_parquet('{p}')").fetchall()[0]
df = pl.read_parquet(p)
print(json.dumps({"duckdb": d[0], "duckdb_labels": d[1], "polars": df.height,
                  "polars_label": df["metadata"].struct.field("identification").struct.field("label")[0]}))
"#,
        &[&target],
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(corpus.join("MANIFEST.json")).unwrap()).unwrap();
    let records = manifest["shards"][0]["records"].clone();
    assert_eq!(counts["duckdb"], records);
    assert_eq!(counts["duckdb_labels"], records);
    assert_eq!(counts["polars"], records);
    assert_eq!(counts["polars_label"], "en");
}

fn dirty(name: &str) -> std::path::PathBuf {
    oscar_dirty().join(format!("{name}.jsonl.zst"))
}

fn rejected(dir: &Path, stem: &str) -> Vec<Value> {
    let text =
        std::fs::read_to_string(dir.join("_rejected").join(format!("{stem}.jsonl"))).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn dirty_all_every_defect_is_a_row_or_a_reject_at_its_line() {
    let out = tmp();
    let assert = lakeops()
        .arg("convert")
        .arg(dirty("all"))
        .arg("-o")
        .arg(out.path())
        .args(["--on-error", "dead-letter", "--json"])
        .assert()
        .code(1);
    let summary = summary(&assert.get_output().stdout);
    assert_eq!(summary["lines"], 22000);
    assert_eq!(summary["blank_lines"], 1, "line 12000 is blank and skipped");
    assert_eq!(summary["rejects"], 4);
    assert_eq!(summary["rows"], 22000 - 1 - 4);

    let rejects = rejected(out.path(), "all");
    let lines: Vec<u64> = rejects
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [4000, 8000, 21000, 21300]);
    assert!(
        rejects[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("truncated JSON"),
        "{}",
        rejects[0]
    );
    assert!(
        rejects[1]["reason"]
            .as_str()
            .unwrap()
            .starts_with("invalid UTF-8"),
        "{}",
        rejects[1]
    );
    assert!(rejects[1]["raw_base64"].is_string() && rejects[1]["raw"].is_null());
    assert!(rejects[2]["reason"]
        .as_str()
        .unwrap()
        .contains("metadata.harmful_pp: a string does not fit column type double"));
    assert!(rejects[3]["reason"]
        .as_str()
        .unwrap()
        .contains("metadata.quality_warnings: a string does not fit column type array<string>"));
    assert_eq!(rejects[0]["file"], dirty("all").display().to_string());
    assert!(rejects[0]["byte_offset"].as_u64().unwrap() > 0);

    // Line 21600 holds content-length as a number: the column is string, so it is kept as text.
    let check = py_json(
        r#"
import json, sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1], columns=["warc_headers"]).column("warc_headers").to_pylist()
print(json.dumps({"rows": len(t), "values": [r["content-length"] for r in t if r["content-length"] == "35298"]}))
"#,
        &[&out.path().join("all.parquet")],
    );
    assert_eq!(check["rows"], 21995);
    assert_eq!(check["values"], serde_json::json!(["35298"]));
}

#[test]
fn dirty_defects_inside_and_after_the_sample() {
    let out = tmp();
    // Inside the inference sample: harmful_pp widens to string for the whole file, nothing rejected.
    let assert = lakeops()
        .arg("convert")
        .arg(dirty("type_early"))
        .arg("-o")
        .arg(out.path().join("early.parquet"))
        .arg("--json")
        .assert()
        .success();
    assert_eq!(summary(&assert.get_output().stdout)["rows"], 22000);
    let early = py_json(
        r#"
import json, sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
col = t.column("metadata").combine_chunks().field("harmful_pp").to_pylist()
print(json.dumps({"type": str(t.schema.field("metadata").type.field("harmful_pp").type), "line50": col[49], "line1": col[0]}))
"#,
        &[&out.path().join("early.parquet")],
    );
    assert_eq!(early["type"], "string");
    assert_eq!(early["line50"], "4063.1814");
    assert!(
        early["line1"].as_str().unwrap().parse::<f64>().is_ok(),
        "numbers kept as their JSON text: {}",
        early["line1"]
    );

    // After the sample: rejected (never nulled), unless --sample-rows all widens first.
    lakeops()
        .arg("convert")
        .arg(dirty("type_late"))
        .arg("-o")
        .arg(out.path().join("late.parquet"))
        .args(["--on-error", "skip"])
        .assert()
        .code(1);
    let assert = lakeops()
        .arg("convert")
        .arg(dirty("listtype_late"))
        .arg("-o")
        .arg(out.path().join("late-all.parquet"))
        .args(["--sample-rows", "all", "--json"])
        .assert()
        .success();
    assert_eq!(summary(&assert.get_output().stdout)["rows"], 22000);
    assert!(
        pyarrow_read(&out.path().join("late-all.parquet"))["schema"]["metadata"]
            .as_str()
            .unwrap()
            .contains("quality_warnings: string")
    );

    // The default --on-error fail names the file and the physical line, and leaves nothing behind.
    let assert = lakeops()
        .arg("convert")
        .arg(dirty("trunc"))
        .arg("-o")
        .arg(out.path().join("t"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with(&format!(
            "error: {}:13000: truncated JSON",
            dirty("trunc").display()
        )),
        "{stderr}"
    );
    assert!(
        walk(&out.path().join("t")).is_empty(),
        "partial output removed: {:?}",
        walk(&out.path().join("t"))
    );

    let assert = lakeops()
        .arg("convert")
        .arg(dirty("badutf8"))
        .arg("-o")
        .arg(out.path().join("u"))
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&assert.get_output().stderr).contains(":13000: invalid UTF-8"));

    let assert = lakeops()
        .arg("convert")
        .arg(dirty("blankline"))
        .arg("-o")
        .arg(out.path().join("b"))
        .arg("--json")
        .assert()
        .success();
    let s = summary(&assert.get_output().stdout);
    assert_eq!(
        (
            s["rows"].as_u64(),
            s["blank_lines"].as_u64(),
            s["lines"].as_u64()
        ),
        (Some(21999), Some(1), Some(22000))
    );
}
