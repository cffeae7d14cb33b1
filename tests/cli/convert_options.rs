//! Compression detection, output naming and splitting, row groups, stdin, determinism, global
//! flags, interruption.

use std::io::Write;
use std::process::Stdio;

use crate::common::*;

fn records(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!("{{\"id\":{i},\"text\":\"record {i} – ünïcode\",\"tags\":[\"a\",null]}}\n")
        })
        .collect()
}

#[test]
fn compression_is_detected_from_magic_bytes() {
    let dir = tmp();
    let text = records(3000);
    let (a, b) = text.split_at(text.len() / 2 + text[text.len() / 2..].find('\n').unwrap() + 1);

    // Long-window zstd (what `zstd --long=27` writes) must decode.
    let mut long = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
    long.long_distance_matching(true).unwrap();
    long.window_log(27).unwrap();
    long.write_all(text.as_bytes()).unwrap();
    std::fs::write(dir.path().join("long.jsonl.zst"), long.finish().unwrap()).unwrap();
    // Two frames back to back, under a name that does not say zstd.
    let mut multi = zstd(a.as_bytes());
    multi.extend(zstd(b.as_bytes()));
    std::fs::write(dir.path().join("multi.jsonl"), multi).unwrap();
    // Two gzip members.
    let mut gz = Vec::new();
    for part in [a, b] {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(part.as_bytes()).unwrap();
        gz.extend(e.finish().unwrap());
    }
    std::fs::write(dir.path().join("members.ndjson.gz"), gz).unwrap();
    std::fs::write(dir.path().join("plain.json"), &text).unwrap();

    let out = dir.path().join("out");
    let assert = lakeops()
        .arg("convert")
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let files: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["type"] == "file")
        .collect();
    let compressions: Vec<&str> = files
        .iter()
        .map(|f| f["compression"].as_str().unwrap())
        .collect();
    assert_eq!(
        compressions,
        ["zstd", "gzip", "zstd", "uncompressed"],
        "long, members, multi, plain (sorted by name)"
    );
    for stem in ["long", "members", "multi", "plain"] {
        let read = pyarrow_read(&out.join(format!("{stem}.parquet")));
        assert_eq!(read["rows"], 3000, "{stem}");
        assert_eq!(
            read["data"][2999]["text"], "record 2999 – ünïcode",
            "{stem}"
        );
        assert_eq!(
            read["data"][0]["tags"],
            serde_json::json!(["a", null]),
            "{stem}"
        );
    }
}

#[test]
fn directories_are_mirrored_and_globs_expand() {
    let dir = tmp();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("2024/01")).unwrap();
    std::fs::create_dir_all(input.join("_skip")).unwrap();
    std::fs::write(input.join("2024/01/a.jsonl"), records(5)).unwrap();
    std::fs::write(input.join("2024/b.ndjson"), records(6)).unwrap();
    std::fs::write(input.join("_skip/c.jsonl"), records(7)).unwrap();
    std::fs::write(input.join("notes.txt"), "not data").unwrap();
    let out = dir.path().join("out");
    lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let found: Vec<String> = parquet_files(&out)
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    assert_eq!(found, ["2024/01/a.parquet", "2024/b.parquet"]);

    let out = dir.path().join("glob");
    lakeops()
        .arg("convert")
        .arg(format!("{}/2024/*/*.jsonl", input.display()))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(parquet_files(&out).len(), 1);
}

#[test]
fn large_inputs_split_into_numbered_parts() {
    let dir = tmp();
    std::fs::write(dir.path().join("big.jsonl"), records(2500)).unwrap();
    let out = dir.path().join("out");
    lakeops()
        .arg("convert")
        .arg(dir.path().join("big.jsonl"))
        .arg("-o")
        .arg(&out)
        .args(["--max-rows-per-file", "1000"])
        .assert()
        .success();
    let parts: Vec<String> = parquet_files(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        parts,
        [
            "big-00001.parquet",
            "big-00002.parquet",
            "big-00003.parquet"
        ]
    );
    let rows: Vec<u64> = parquet_files(&out)
        .iter()
        .map(|p| pyarrow_read(p)["rows"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, [1000, 1000, 500]);
    // Exactly on a boundary: two parts, no empty third one.
    std::fs::write(dir.path().join("even.jsonl"), records(2000)).unwrap();
    let even = dir.path().join("even");
    lakeops()
        .arg("convert")
        .arg(dir.path().join("even.jsonl"))
        .arg("-o")
        .arg(&even)
        .args(["--max-rows-per-file", "1000"])
        .assert()
        .success();
    assert_eq!(parquet_files(&even).len(), 2);
    let first = pyarrow_read(&parquet_files(&out)[1]);
    assert_eq!(first["data"][0]["id"], 1000, "parts keep input order");

    let out = dir.path().join("bysize");
    lakeops()
        .arg("convert")
        .arg(dir.path().join("big.jsonl"))
        .arg("-o")
        .arg(&out)
        .args([
            "--max-file-size",
            "20KB",
            "--row-group-size",
            "200",
            "--compression",
            "none",
        ])
        .assert()
        .success();
    let parts = parquet_files(&out);
    assert!(parts.len() > 3, "{parts:?}");
    for part in &parts[..parts.len() - 1] {
        let size = std::fs::metadata(part).unwrap().len();
        assert!(
            (20_000..60_000).contains(&size),
            "a part closes after the row group that reaches the limit: {size}"
        );
    }
    let total: u64 = parts
        .iter()
        .map(|p| pyarrow_read(p)["rows"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 2500);
}

#[test]
fn row_groups_follow_the_byte_size_and_the_codec_applies() {
    let corpus = oscar_clean();
    let dir = tmp();
    let shard = corpus.join("en_meta_part_1.jsonl.zst");
    let one = dir.path().join("one.parquet");
    lakeops()
        .arg("convert")
        .arg(&shard)
        .arg("-o")
        .arg(&one)
        .args(["--compression", "snappy"])
        .assert()
        .success();
    assert_eq!(
        pyarrow_read(&one)["row_groups"],
        1,
        "3 MB of text is one row group at the 32 MiB default"
    );
    let many = dir.path().join("many.parquet");
    lakeops()
        .arg("convert")
        .arg(&shard)
        .arg("-o")
        .arg(&many)
        .args(["--row-group-size", "256KiB", "--compression", "zstd=9"])
        .assert()
        .success();
    let codecs = py_json(
        r#"
import json, sys, pyarrow.parquet as pq
md = pq.ParquetFile(sys.argv[1]).metadata
print(json.dumps({"codecs": sorted({md.row_group(i).column(j).compression for i in range(md.num_row_groups) for j in range(md.num_columns)}),
                  "groups": md.num_row_groups,
                  "encoded": [md.row_group(i).total_byte_size for i in range(md.num_row_groups)]}))
"#,
        &[&many],
    );
    assert_eq!(codecs["codecs"], serde_json::json!(["ZSTD"]));
    let groups = codecs["groups"].as_u64().unwrap();
    assert!(groups > 3, "{codecs}");
    // Every row group but the last holds about the requested encoded size (before compression):
    // no storm of tiny groups, no giant one.
    for size in codecs["encoded"].as_array().unwrap().iter().rev().skip(1) {
        assert!(
            (192 * 1024..400 * 1024).contains(&size.as_u64().unwrap()),
            "{codecs}"
        );
    }
}

/// Issue 19: row groups are encoded on their own threads, the one just closed while the next
/// fills; where each row group ends, and the bytes, must not depend on the thread count.
#[test]
fn row_groups_encoded_in_parallel_give_the_same_bytes_at_any_thread_count() {
    let corpus = oscar_clean();
    let dir = tmp();
    let shard = corpus.join("en_meta_part_1.jsonl.zst");
    let mut outputs = Vec::new();
    for (threads, jobs) in [("1", "1"), ("2", "1"), ("4", "3")] {
        let out = dir.path().join(format!("t{threads}-j{jobs}.parquet"));
        lakeops()
            .arg("convert")
            .arg(&shard)
            .arg("-o")
            .arg(&out)
            .args(["--row-group-size", "128KiB", "--compression", "snappy"])
            .args(["--threads", threads, "--jobs", jobs, "-q"])
            .assert()
            .success();
        outputs.push(out);
    }
    let first = std::fs::read(&outputs[0]).unwrap();
    for other in &outputs[1..] {
        assert!(
            first == std::fs::read(other).unwrap(),
            "{} differs from {}",
            other.display(),
            outputs[0].display()
        );
    }
    let read = py_json(
        r#"
import json, sys, pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
md = f.metadata
t = f.read()
print(json.dumps({"groups": md.num_row_groups, "rows": t.num_rows,
                  "sizes": [md.row_group(i).total_byte_size for i in range(md.num_row_groups)],
                  "first": t.column("content")[0].as_py()[:40], "last_id": t.column("warc_headers")[t.num_rows - 1].as_py()["warc-record-id"]}))
"#,
        &[&outputs[0]],
    );
    let groups = read["groups"].as_u64().unwrap();
    assert!(groups > 8, "{read}");
    // Every row group but the last closes at the first slice past 128 KiB held in memory.
    for size in read["sizes"].as_array().unwrap().iter().rev().skip(1) {
        assert!(
            (96 * 1024..400 * 1024).contains(&size.as_u64().unwrap()),
            "{read}"
        );
    }
    let decoded = zstd::stream::decode_all(std::fs::File::open(&shard).unwrap()).unwrap();
    let text: Vec<&str> = std::str::from_utf8(&decoded)
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(read["rows"].as_u64().unwrap() as usize, text.len());
    let first_record: serde_json::Value = serde_json::from_str(text[0]).unwrap();
    let last_record: serde_json::Value = serde_json::from_str(text[text.len() - 1]).unwrap();
    assert!(first_record["content"]
        .as_str()
        .unwrap()
        .starts_with(read["first"].as_str().unwrap()));
    assert_eq!(
        read["last_id"], last_record["warc_headers"]["warc-record-id"],
        "row groups appended in input order"
    );
}

#[test]
fn stdin_converts_with_inference_and_output_is_deterministic() {
    let dir = tmp();
    let text = records(4000);
    let run = |name: &str| {
        let mut child = crate::common::lakeops_process()
            .args(["convert", "-", "-o"])
            .arg(dir.path().join(name))
            .args(["--sample-rows", "10", "-q"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
        std::fs::read(dir.path().join(name)).unwrap()
    };
    let a = run("a.parquet");
    let b = run("b.parquet");
    assert_eq!(a, b, "byte-identical output");
    let read = pyarrow_read(&dir.path().join("a.parquet"));
    assert_eq!(read["rows"], 4000);
    assert_eq!(read["kv"]["lakeops.source"], "-");
}

#[test]
fn print_schema_shows_the_inferred_schema_and_it_can_be_pinned() {
    let corpus = oscar_clean();
    let dir = tmp();
    let assert = lakeops()
        .arg("convert")
        .arg(corpus.join("zh_meta_part_3.jsonl.zst"))
        .arg(corpus.join("en_meta_part_1.jsonl.zst"))
        .arg("--print-schema")
        .assert()
        .success();
    let schema: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let fields: Vec<&str> = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["content", "warc_headers", "metadata"]);
    assert!(
        schema["fields"][2]["hive"]
            .as_str()
            .unwrap()
            .contains("harmful_pp:double"),
        "zh has only nulls, en numbers"
    );
    assert!(parquet_files(dir.path()).is_empty(), "nothing written");

    let schema_file = dir.path().join("schema.json");
    std::fs::write(&schema_file, &assert.get_output().stdout).unwrap();
    let out = dir.path().join("zh.parquet");
    lakeops()
        .arg("convert")
        .arg(corpus.join("zh_meta_part_3.jsonl.zst"))
        .arg("-o")
        .arg(&out)
        .arg("--schema")
        .arg(&schema_file)
        .assert()
        .success();
    assert!(pyarrow_read(&out)["schema"]["metadata"]
        .as_str()
        .unwrap()
        .contains("harmful_pp: double"));
}

#[test]
fn global_flags_work_after_the_subcommand() {
    let dir = tmp();
    std::fs::write(dir.path().join("x.jsonl"), records(10)).unwrap();
    let assert = lakeops()
        .arg("convert")
        .arg(dir.path().join("x.jsonl"))
        .arg("-o")
        .arg(dir.path().join("o"))
        .args(["-q", "--json", "--color", "never"])
        .assert()
        .success();
    assert!(assert.get_output().stderr.is_empty(), "quiet");
    assert_eq!(summary(&assert.get_output().stdout)["rows"], 10);
    // Without --json the summary is for people, on stderr; stdout stays empty.
    let assert = lakeops()
        .arg("convert")
        .arg(dir.path().join("x.jsonl"))
        .arg("-o")
        .arg(dir.path().join("o2"))
        .assert()
        .success();
    assert!(assert.get_output().stdout.is_empty());
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("10 lines: 10 rows written, 0 rejected"),
        "{stderr}"
    );
}

#[test]
fn interrupt_exits_130_and_leaves_nothing_that_looks_complete() {
    let dir = tmp();
    let out = dir.path().join("out.parquet");
    let schema = dir.path().join("schema.json");
    std::fs::write(&schema, r#"{"fields":[{"name":"id","type":"bigint"},{"name":"text","type":"string"},{"name":"tags","type":"array","element":{"type":"string"}}]}"#).unwrap();
    let code =
        convert_stdin_until_signalled("INT", &out, &["-q", "--schema", schema.to_str().unwrap()]);
    assert_eq!(code, Some(130));
    assert!(
        walk(dir.path())
            .iter()
            .all(|p| p.file_name().unwrap() == "schema.json"),
        "{:?}",
        walk(dir.path())
    );
}

#[test]
fn kind_conflicts_are_warned_and_reported() {
    let dir = tmp();
    std::fs::write(
        dir.path().join("k.jsonl"),
        "{\"a\":1,\"b\":2}\n{\"a\":{\"x\":1},\"b\":3}\n",
    )
    .unwrap();
    let assert = lakeops()
        .arg("convert")
        .arg(dir.path().join("k.jsonl"))
        .arg("-o")
        .arg(dir.path().join("k.parquet"))
        .arg("--json")
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with("warning: W_KIND_CONFLICT a: "),
        "{stderr}"
    );
    assert_eq!(
        summary(&assert.get_output().stdout)["kind_conflicts"],
        serde_json::json!(["a"])
    );
    let read = pyarrow_read(&dir.path().join("k.parquet"));
    assert_eq!(read["data"][0]["a"], "1");
    assert_eq!(read["data"][1]["a"], "{\"x\":1}");
}
