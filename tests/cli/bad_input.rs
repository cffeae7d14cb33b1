//! Every kind of bad line, handled by each --on-error mode; nothing lost, nothing half-written.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

const GOOD: &str = r#"{"id":1,"name":"ok"}"#;

fn write(dir: &Path, name: &str, content: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Converts with `--on-error dead-letter` and returns (exit code, summary, rejects).
fn dead_letter(input: &Path, out: &Path) -> (i32, Value, Vec<Value>) {
    let output = lakeops()
        .arg("convert")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(["--on-error", "dead-letter", "--json"])
        .output()
        .unwrap();
    let summary = summary(&output.stdout);
    let stem = input
        .file_name()
        .unwrap()
        .to_string_lossy()
        .split('.')
        .next()
        .unwrap()
        .to_owned();
    let rejects = std::fs::read_to_string(out.join("_rejected").join(format!("{stem}.jsonl")))
        .map(|t| {
            t.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        })
        .unwrap_or_default();
    (output.status.code().unwrap(), summary, rejects)
}

#[test]
fn each_bad_line_kind_is_rejected_with_its_reason() {
    let dir = tmp();
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "invalid",
            br#"{"id":2,"name":}"#.to_vec(),
            "invalid JSON: expected value at column 16",
        ),
        (
            "utf8",
            b"{\"id\":2,\"name\":\"\xff\xfe\"}".to_vec(),
            "invalid UTF-8 at byte 16 of the line",
        ),
        (
            "array",
            br#"[1,2,3]"#.to_vec(),
            "not a JSON object but an array",
        ),
        (
            "scalar",
            br#""just a string""#.to_vec(),
            "not a JSON object but a string",
        ),
        (
            "dupkey",
            br#"{"id":2,"id":3}"#.to_vec(),
            "duplicate key \"id\" in one object",
        ),
        ("nan", br#"{"id":NaN}"#.to_vec(), "invalid JSON"),
        ("infinity", br#"{"id":Infinity}"#.to_vec(), "invalid JSON"),
        ("deep", deep.into_bytes(), "recursion limit exceeded"),
        (
            "misfit",
            br#"{"id":"two","name":"x"}"#.to_vec(),
            "id: a string does not fit column type int",
        ),
        (
            "newfield",
            br#"{"id":2,"extra":true}"#.to_vec(),
            "extra: a new field holding a boolean is not in the schema",
        ),
    ];
    for (name, bad, reason) in cases {
        // Enough good lines first that the inference sample (--sample-rows 1000) never sees the bad one.
        let mut content: Vec<u8> = std::iter::repeat_n(format!("{GOOD}\n"), 1000)
            .collect::<String>()
            .into_bytes();
        content.extend_from_slice(&bad);
        content.extend_from_slice(format!("\n{GOOD}\n").as_bytes());
        let input = write(dir.path(), &format!("{name}.jsonl"), &content);
        let out = dir.path().join(format!("out-{name}"));
        let (code, summary, rejects) = dead_letter(&input, &out);
        assert_eq!(code, 1, "{name}");
        assert_eq!(
            (
                summary["lines"].as_u64(),
                summary["rows"].as_u64(),
                summary["rejects"].as_u64()
            ),
            (Some(1002), Some(1001), Some(1)),
            "{name}"
        );
        assert_eq!(rejects.len(), 1, "{name}");
        assert_eq!(rejects[0]["line"], 1001, "{name}");
        assert_eq!(rejects[0]["byte_offset"], (GOOD.len() + 1) * 1000, "{name}");
        let got = rejects[0]["reason"].as_str().unwrap();
        assert!(got.contains(reason), "{name}: {got}");
        match std::str::from_utf8(&bad) {
            Ok(text) => assert_eq!(rejects[0]["raw"], text, "{name}"),
            Err(_) => assert_eq!(
                rejects[0]["raw_base64"], "eyJpZCI6MiwibmFtZSI6Iv/+In0=",
                "{name}"
            ),
        }
        assert_eq!(
            pyarrow_read(&out.join(format!("{name}.parquet")))["rows"],
            1001,
            "{name}"
        );

        // Skip: same counts, exit 1, no dead-letter file. Fail: exit 2 naming FILE:LINE, no output.
        let skip_out = dir.path().join(format!("skip-{name}"));
        lakeops()
            .arg("convert")
            .arg(&input)
            .arg("-o")
            .arg(&skip_out)
            .args(["--on-error", "skip"])
            .assert()
            .code(1);
        assert!(!skip_out.join("_rejected").exists());
        let fail_out = dir.path().join(format!("fail-{name}"));
        let assert = lakeops()
            .arg("convert")
            .arg(&input)
            .arg("-o")
            .arg(&fail_out)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            stderr.starts_with(&format!("error: {}:1001: ", input.display())),
            "{name}: {stderr}"
        );
        assert!(
            parquet_files(&fail_out).is_empty() && walk(&fail_out).is_empty(),
            "{name}: {:?}",
            walk(&fail_out)
        );
    }
}

#[test]
fn values_that_do_not_fit_a_pinned_schema_are_rejected() {
    let dir = tmp();
    let schema = write(dir.path(), "schema.json", br#"{"fields":[{"name":"id","type":"int"},{"name":"tags","type":"array","element":{"type":"string"}}]}"#);
    let input = write(
        dir.path(),
        "pinned.jsonl",
        b"{\"id\":1,\"tags\":[\"a\"]}\n{\"id\":3000000000}\n{\"id\":2,\"tags\":\"a\"}\n{\"id\":3,\"tags\":[1,true]}\n",
    );
    let out = dir.path().join("out");
    let output = lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--schema")
        .arg(&schema)
        .args(["--on-error", "dead-letter", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let rejects: Vec<Value> = std::fs::read_to_string(out.join("_rejected/pinned.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let reasons: Vec<&str> = rejects
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        rejects
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [2, 3]
    );
    assert!(
        reasons[0].starts_with("id: an integer out of its range does not fit column type int"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("tags: a string does not fit column type array<string>"),
        "{reasons:?}"
    );
    // Scalars in a string column are kept as their JSON text.
    let read = pyarrow_read(&out.join("pinned.parquet"));
    assert_eq!(read["data"][1]["tags"], serde_json::json!(["1", "true"]));
}

#[test]
fn a_truncated_last_line_is_named_as_such() {
    let dir = tmp();
    let input = write(
        dir.path(),
        "cut.jsonl",
        format!("{GOOD}\n{GOOD}\n{{\"id\":3,\"na").as_bytes(),
    );
    let (code, summary, rejects) = dead_letter(&input, &dir.path().join("out"));
    assert_eq!(code, 1);
    assert_eq!(summary["rows"], 2);
    assert_eq!(rejects[0]["line"], 3);
    assert!(
        rejects[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("last line has no newline (truncated input?): truncated JSON"),
        "{}",
        rejects[0]
    );
    // A valid last line without a newline is a normal record.
    let input = write(
        dir.path(),
        "nonl.jsonl",
        format!("{GOOD}\n{GOOD}").as_bytes(),
    );
    lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("nonl.parquet"))
        .assert()
        .success();
    assert_eq!(pyarrow_read(&dir.path().join("nonl.parquet"))["rows"], 2);
}

/// C05: what a compressed stream decoded before it broke is vouched for by no checksum (gzip
/// checks a member's CRC only at its end, so a flipped byte decodes to text that may parse), so
/// the input fails whole and publishes nothing, naming where the stream broke; the other inputs
/// are converted (exit 1). This used to keep the rows decoded before the break.
#[test]
fn a_corrupt_compressed_stream_fails_its_input_whole() {
    let dir = tmp();
    let good: String = (0..20_000)
        .map(|i| format!("{{\"id\":{i},\"text\":\"line {i} with some words to compress\"}}\n"))
        .collect();
    // zstd: a good frame, then a frame whose header is valid and whose blocks are garbage.
    let mut frames = zstd(good.as_bytes());
    frames.extend([0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x58]);
    frames.extend((0u8..200).map(|i| i.wrapping_mul(37)));
    // gzip: a good member, then one with a byte flipped inside its deflate data.
    let gzip = |data: &[u8]| {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    };
    let mut members = gzip(good.as_bytes());
    let mut second = gzip(good.as_bytes());
    let middle = second.len() / 2;
    second[middle] ^= 0x55;
    members.extend(second);
    for (name, bytes, codec) in [
        ("corrupt.jsonl.zst", frames, "zstd"),
        ("corrupt.jsonl.gz", members, "gzip"),
    ] {
        let inputs = dir.path().join(codec);
        std::fs::create_dir_all(&inputs).unwrap();
        write(&inputs, name, &bytes);
        write(&inputs, "good.jsonl", format!("{GOOD}\n").as_bytes());
        let out = dir.path().join(format!("out-{codec}"));
        let output = lakeops()
            .arg("convert")
            .arg(&inputs)
            .arg("-o")
            .arg(format!("{}/", out.display()))
            .args(["--on-error", "dead-letter", "--json"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{codec}");
        let reports: Vec<Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let corrupt = reports
            .iter()
            .find(|r| r["input"].as_str().is_some_and(|i| i.ends_with(name)))
            .unwrap();
        let error = corrupt["error"].as_str().unwrap();
        assert!(
            error.contains(&format!("corrupt or truncated {codec} stream at line ")),
            "{error}"
        );
        assert!(error.contains("none of its rows are kept"), "{error}");
        let written: Vec<_> = walk(&out)
            .iter()
            .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
            .collect();
        assert_eq!(written, ["good.parquet"], "{codec}");
        assert_eq!(summary(&output.stdout)["failed_inputs"], 1);
    }

    // Truncated file (the frame's end is missing) is the same kind of error.
    let whole = zstd(good.as_bytes());
    let input = write(dir.path(), "short.jsonl.zst", &whole[..whole.len() - 100]);
    let assert = lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("short"))
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&assert.get_output().stderr)
        .contains("corrupt or truncated zstd stream"));
}

#[test]
fn an_unreadable_input_does_not_stop_the_others_unless_failing() {
    let dir = tmp();
    let good = write(dir.path(), "good.jsonl", format!("{GOOD}\n").as_bytes());
    // Reading /proc/self/mem at offset 0 fails (EIO): an input that exists but cannot be read.
    let out = dir.path().join("out");
    let assert = lakeops()
        .args(["convert", "/proc/self/mem"])
        .arg(&good)
        .arg("-o")
        .arg(&out)
        .args(["--on-error", "skip", "--json"])
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let records: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        records[0]["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot read /proc/self/mem: "),
        "{stdout}"
    );
    assert_eq!(records[1]["rows"], 1);
    assert_eq!(records[2]["failed_inputs"], 1);
    assert_eq!(pyarrow_read(&out.join("good.parquet"))["rows"], 1);

    let assert = lakeops()
        .args(["convert", "/proc/self/mem"])
        .arg(&good)
        .arg("-o")
        .arg(dir.path().join("fail"))
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&assert.get_output().stderr)
        .starts_with("error: cannot read /proc/self/mem"));
}

#[test]
fn a_pretty_printed_json_document_gets_a_hint() {
    let dir = tmp();
    let input = write(dir.path(), "doc.json", b"{\n  \"a\": 1\n}\n");
    let assert = lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("o"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(":1: truncated JSON")
            && stderr.contains("looks like one pretty-printed JSON document"),
        "{stderr}"
    );
}

#[test]
fn a_byte_order_mark_and_crlf_are_not_part_of_the_record() {
    let dir = tmp();
    let bom = write(
        dir.path(),
        "bom.jsonl",
        format!("\u{feff}{{\"first\":1}}\r\n{GOOD}\r\n").as_bytes(),
    );
    lakeops()
        .arg("convert")
        .arg(&bom)
        .arg("-o")
        .arg(dir.path().join("bom.parquet"))
        .assert()
        .success();
    let read = pyarrow_read(&dir.path().join("bom.parquet"));
    assert_eq!(
        read["data"][0]["first"], 1,
        "the first record's field was inferred"
    );
    assert_eq!(read["data"][1]["name"], "ok");
}

#[test]
fn blank_lines_are_skipped_not_rejected() {
    let dir = tmp();
    let input = write(
        dir.path(),
        "blank.jsonl",
        format!("\n{GOOD}\n   \n\r\n{GOOD}\r\n\n").as_bytes(),
    );
    let assert = lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("b.parquet"))
        .arg("--json")
        .assert()
        .success();
    let s = summary(&assert.get_output().stdout);
    assert_eq!(
        (
            s["lines"].as_u64(),
            s["blank_lines"].as_u64(),
            s["rows"].as_u64(),
            s["rejects"].as_u64()
        ),
        (Some(6), Some(4), Some(2), Some(0))
    );
}

#[test]
fn empty_and_blank_only_files() {
    let dir = tmp();
    for (name, content) in [
        ("empty.jsonl", &b""[..]),
        ("blanks.jsonl", &b"\n\n  \n"[..]),
    ] {
        let input = write(dir.path(), name, content);
        let out = dir.path().join(format!("{name}.out"));
        let assert = lakeops()
            .arg("convert")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("--json")
            .assert()
            .success();
        let s = summary(&assert.get_output().stdout);
        assert_eq!(s["rows"], 0, "{name}");
        assert_eq!(s["rejects"], 0, "{name}");
        assert!(
            parquet_files(&out).is_empty(),
            "no columns, so no file: {name}"
        );
    }
    // With a pinned schema an empty input gives a valid zero-row file.
    let schema = write(
        dir.path(),
        "schema.json",
        br#"{"fields":[{"name":"id","type":"bigint"}]}"#,
    );
    lakeops()
        .arg("convert")
        .arg(dir.path().join("empty.jsonl"))
        .arg("-o")
        .arg(dir.path().join("e.parquet"))
        .arg("--schema")
        .arg(&schema)
        .assert()
        .success();
    let read = pyarrow_read(&dir.path().join("e.parquet"));
    assert_eq!(read["rows"], 0);
    assert_eq!(read["schema"]["id"], "int64");
}

#[test]
fn a_fifty_megabyte_line_converts() {
    let dir = tmp();
    let big = "é".repeat(25 * 1024 * 1024);
    let input = write(
        dir.path(),
        "big.jsonl",
        format!("{GOOD}\n{{\"id\":2,\"name\":\"{big}\"}}\n{GOOD}\n").as_bytes(),
    );
    lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("big.parquet"))
        .assert()
        .success();
    let lengths = py_json(
        "import json, sys, pyarrow.parquet as pq\nprint(json.dumps([len(x or '') for x in pq.read_table(sys.argv[1]).column('name').to_pylist()]))",
        &[&dir.path().join("big.parquet")],
    );
    assert_eq!(lengths, serde_json::json!([2, 25 * 1024 * 1024, 2]));
}

#[test]
fn missing_inputs_and_bad_schema_files_are_usage_errors() {
    let dir = tmp();
    let assert = lakeops()
        .args(["convert", "/nonexistent/x.jsonl", "-o"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&assert.get_output().stderr)
        .contains("error: /nonexistent/x.jsonl: no such file or directory"));
    let input = write(dir.path(), "in.jsonl", GOOD.as_bytes());
    let schema = write(
        dir.path(),
        "bad.json",
        br#"{"fields":[{"name":"id","type":"integer"}]}"#,
    );
    let assert = lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(dir.path())
        .arg("--schema")
        .arg(&schema)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("invalid schema file") && stderr.contains("id: unknown type \"integer\""),
        "{stderr}"
    );
    // Bad usage never panics.
    let assert = lakeops()
        .args(["convert", "--compression", "brotli", "x", "-o", "y"])
        .assert()
        .code(2);
    assert!(!String::from_utf8_lossy(&assert.get_output().stderr).contains("panicked"));
}
