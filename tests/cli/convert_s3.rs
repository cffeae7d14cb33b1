//! `convert` at lake scale, against moto: S3 in and out (multipart and single-request objects),
//! resume after a killed run, shards into one prefix, S3 faults injected by a proxy, bad objects.
//! Every output is read back by pyarrow (through boto3 for S3) and compared with a local run.

use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{self, tmp};
use crate::moto::{lines, write_local, Moto, Obj};

/// `n` records with ids from `first`, about `text_len` characters of text each that compress
/// poorly (so a few MB of input make Parquet files larger than one 5 MiB part).
fn records(first: u64, n: u64, text_len: usize) -> Vec<String> {
    let mut state = first
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (first..first + n)
        .map(|id| {
            let mut text = String::with_capacity(text_len);
            while text.len() < text_len {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(&format!("{:016x} ", state >> 1));
            }
            let lang = ["en", "fr", "de"][(id % 3) as usize];
            json!({"id": id, "lang": lang, "meta": {"n": id * 7, "ok": id % 2 == 0}, "text": text})
                .to_string()
        })
        .collect()
}

/// Three inputs in two folders under `dir`, one large enough for a multipart output at 5 MiB
/// parts.
fn corpus(dir: &str) -> Vec<Obj> {
    vec![
        lines(&format!("{dir}a.jsonl"), "none", &records(0, 5, 40)),
        lines(
            &format!("{dir}big.jsonl.zst"),
            "zstd",
            &records(100, 10_000, 1200),
        ),
        lines(
            &format!("{dir}sub/c.jsonl.gz"),
            "gzip",
            &records(10_000, 300, 200),
        ),
    ]
}

/// Many small inputs under `in/`, for resume and shards.
fn many() -> Vec<Obj> {
    (0..16)
        .map(|i| {
            let key = format!("in/part-{i:02}.jsonl.zst");
            lines(&key, "zstd", &records(i * 1000, 400, 300))
        })
        .collect()
}

const READ_S3: &str = r#"
import hashlib, io, json
import pyarrow.parquet as pq
keys, rows, md5 = [], [], {}
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=inp["bucket"], Prefix=inp["prefix"]):
    for o in page.get("Contents", []):
        rel = o["Key"][len(inp["prefix"]):]
        if any(p.startswith(("_", ".")) for p in rel.split("/")) or not rel.endswith(".parquet"):
            continue
        body = s3.get_object(Bucket=inp["bucket"], Key=o["Key"])["Body"].read()
        keys.append(rel)
        md5[rel] = hashlib.md5(body).hexdigest()
        rows.extend(pq.read_table(io.BytesIO(body)).to_pylist())
rows.sort(key=lambda r: r["id"])
uploads = s3.list_multipart_uploads(Bucket=inp["bucket"]).get("Uploads", [])
out({"keys": sorted(keys), "rows": rows, "md5": md5, "uploads": len(uploads)})
"#;

/// Every Parquet object under the prefix (hidden folders left out): keys, rows sorted by id,
/// MD5 per key, and how many multipart uploads are still open in the bucket.
fn read_s3(moto: &Moto, bucket: &str, prefix: &str) -> Value {
    moto.py(READ_S3, &json!({"bucket": bucket, "prefix": prefix}))
}

fn read_local(dir: &Path) -> Value {
    common::py_json(
        r#"
import hashlib, json, os, sys
import pyarrow.parquet as pq
root = sys.argv[1]
keys, rows, md5 = [], [], {}
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if not x.startswith(("_", "."))]
    for f in files:
        if f.endswith(".parquet") and not f.startswith((".", "_")):
            path = os.path.join(d, f)
            rel = os.path.relpath(path, root)
            keys.append(rel)
            md5[rel] = hashlib.md5(open(path, "rb").read()).hexdigest()
            rows.extend(pq.read_table(path).to_pylist())
rows.sort(key=lambda r: r["id"])
print(json.dumps({"keys": sorted(keys), "rows": rows, "md5": md5}))
"#,
        &[dir],
    )
}

fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn summary_of(stdout: &[u8]) -> Value {
    json_lines(stdout)
        .into_iter()
        .find(|r| r["type"] == "summary")
        .expect("a summary record")
}

#[test]
fn s3_in_and_out_equal_a_local_run_across_part_boundaries() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    let dir = tmp();
    let input = dir.path().join("in");
    write_local(&input, &corpus(""));
    moto.put("lake", &corpus("in/"));

    let local_out = dir.path().join("local");
    common::lakeops()
        .args(["convert", "--json", "-o"])
        .arg(&local_out)
        .arg(&input)
        .assert()
        .success();
    let reference = read_local(&local_out);
    assert_eq!(
        reference["keys"],
        json!(["a.parquet", "big.parquet", "sub/c.parquet"])
    );
    assert_eq!(reference["rows"].as_array().unwrap().len(), 10_305);

    // S3 -> S3, 5 MiB parts: big.parquet is several parts, the others one PutObject each.
    let assert = moto
        .lakeops()
        .args(["convert", "s3://lake/in/", "-o", "s3://lake/out/", "--json"])
        .args(["--part-size", "5MiB", "--part-concurrency", "2"])
        .assert()
        .success();
    assert_eq!(summary_of(&assert.get_output().stdout)["rows"], 10_305);
    let s3 = read_s3(&moto, "lake", "out/");
    assert_eq!(s3["keys"], reference["keys"]);
    assert_eq!(s3["rows"], reference["rows"]);
    assert_eq!(s3["uploads"], 0, "no multipart upload left open");
    let etags = moto.py(
        r#"out({k: s3.head_object(Bucket="lake", Key="out/" + k)["ETag"] for k in inp})"#,
        &json!(["a.parquet", "big.parquet"]),
    );
    let size = moto.list("lake", "out/big.parquet").total();
    assert!(size > 5 << 20, "big.parquet spans parts: {size} bytes");
    assert!(
        etags["big.parquet"].as_str().unwrap().contains('-'),
        "multipart ETag: {etags}"
    );
    assert!(
        !etags["a.parquet"].as_str().unwrap().contains('-'),
        "single PutObject: {etags}"
    );
    // The manifest has one entry per input, beside the output prefix, not in it: the prefix
    // holds data files only.
    assert_eq!(
        moto.list("lake", "out.lakeops-state/manifest/")
            .keys()
            .len(),
        3
    );
    assert!(moto
        .list("lake", "out/")
        .keys()
        .iter()
        .all(|k| k.ends_with(".parquet")));

    // S3 -> local and local -> S3.
    let from_s3 = dir.path().join("from-s3");
    moto.lakeops()
        .args(["convert", "s3://lake/in/", "-o"])
        .arg(&from_s3)
        .assert()
        .success();
    assert_eq!(read_local(&from_s3)["rows"], reference["rows"]);
    moto.lakeops()
        .args(["convert", "-o", "s3://lake/up/"])
        .arg(&input)
        .assert()
        .success();
    let up = read_s3(&moto, "lake", "up/");
    assert_eq!(up["rows"], reference["rows"]);
}

#[test]
fn dry_run_include_exclude_and_a_rerun_that_skips() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    moto.put("lake", &corpus("in/"));
    let plan = |extra: &[&str]| -> Vec<Value> {
        let assert = moto
            .lakeops()
            .args([
                "convert",
                "s3://lake/in/",
                "-o",
                "s3://lake/out/",
                "--json",
                "--dry-run",
            ])
            .args(extra)
            .assert()
            .success();
        json_lines(&assert.get_output().stdout)
    };
    let first = plan(&[]);
    let rows: Vec<&Value> = first.iter().filter(|r| r["type"] == "plan").collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2]["input"], "s3://lake/in/sub/c.jsonl.gz");
    assert_eq!(rows[2]["output"], "s3://lake/out/sub/c.parquet");
    assert_eq!(rows[2]["action"], "convert");
    assert!(rows[1]["size"].as_u64().unwrap() > 1000);
    assert!(
        moto.list("lake", "out/").keys().is_empty(),
        "dry run wrote nothing"
    );

    let only_sub = plan(&["--include", "sub/*"]);
    assert_eq!(only_sub.iter().filter(|r| r["type"] == "plan").count(), 1);
    let no_zst = plan(&["--exclude", "**/*.zst", "--exclude", "**/*.gz"]);
    let inputs: Vec<&Value> = no_zst
        .iter()
        .filter(|r| r["type"] == "plan")
        .map(|r| &r["input"])
        .collect();
    assert_eq!(inputs, [&json!("s3://lake/in/a.jsonl")]);

    moto.lakeops()
        .args(["convert", "s3://lake/in/", "-o", "s3://lake/out/"])
        .assert()
        .success();
    let after = plan(&[]);
    assert!(after
        .iter()
        .filter(|r| r["type"] == "plan")
        .all(|r| r["action"] == "skip"));
    // A rerun converts nothing; --overwrite converts everything again.
    let skipped_and_rows = || {
        let run = moto
            .lakeops()
            .args(["convert", "s3://lake/in/", "-o", "s3://lake/out/", "--json"])
            .assert()
            .success();
        let summary = summary_of(&run.get_output().stdout);
        (summary["skipped_inputs"].clone(), summary["rows"].clone())
    };
    assert_eq!(skipped_and_rows(), (json!(3), json!(0)));
    // A changed input is converted again; the others are still skipped.
    moto.put("lake", &[lines("in/a.jsonl", "none", &records(0, 6, 40))]);
    assert_eq!(skipped_and_rows(), (json!(2), json!(6)));
    let overwrite = moto
        .lakeops()
        .args([
            "convert",
            "s3://lake/in/",
            "-o",
            "s3://lake/out/",
            "--json",
            "--overwrite",
        ])
        .assert()
        .success();
    assert_eq!(
        summary_of(&overwrite.get_output().stdout)["skipped_inputs"],
        0
    );
}

#[test]
fn a_killed_run_resumes_without_duplicates_or_gaps() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    moto.put("lake", &many());
    let dir = tmp();
    let reference = dir.path().join("ref");
    moto.lakeops()
        .args(["convert", "s3://lake/in/", "--compression", "zstd=19", "-o"])
        .arg(&reference)
        .assert()
        .success();
    let reference = read_local(&reference);

    // One input at a time, killed (SIGKILL: no cleanup at all) once a few inputs are done.
    let mut child = moto
        .process()
        .args([
            "convert",
            "s3://lake/in/",
            "-o",
            "s3://lake/out/",
            "-j",
            "1",
            "--threads",
            "1",
        ])
        .args(["--compression", "zstd=19", "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        // A raw ListObjectsV2 (moto takes it unsigned): polling through boto3 is too slow.
        let (_, listing) = moto
            .http(
                "GET",
                "/lake?list-type=2&prefix=out.lakeops-state/manifest/",
            )
            .unwrap();
        let done = String::from_utf8_lossy(&listing).matches("<Key>").count();
        if done >= 4 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed ({done} done)"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = read_s3(&moto, "lake", "out/");
    let done_before = partial["keys"].as_array().unwrap().len();
    assert!((4..16).contains(&done_before), "{done_before} outputs");

    let rerun = moto
        .lakeops()
        .args(["convert", "s3://lake/in/", "-o", "s3://lake/out/", "--json"])
        .args(["--compression", "zstd=19"])
        .assert()
        .success();
    let summary = summary_of(&rerun.get_output().stdout);
    let skipped = summary["skipped_inputs"].as_u64().unwrap();
    assert!(skipped >= 4, "{summary}");
    assert_eq!(
        summary["rows"].as_u64().unwrap(),
        (16 - skipped) * 400,
        "only the rest was converted"
    );
    let after = read_s3(&moto, "lake", "out/");
    assert_eq!(after["keys"], reference["keys"]);
    assert_eq!(
        after["rows"], reference["rows"],
        "no duplicate or missing row"
    );
    assert_eq!(after["md5"], reference["md5"]);
    assert_eq!(after["uploads"], 0);
}

#[test]
fn two_shards_into_one_prefix_equal_one_unsharded_run() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    moto.put("lake", &many());
    moto.lakeops()
        .args(["convert", "s3://lake/in/", "-o", "s3://lake/whole/"])
        .assert()
        .success();
    let mut shares = Vec::new();
    for shard in ["0/2", "1/2"] {
        let assert = moto
            .lakeops()
            .args([
                "convert",
                "s3://lake/in/",
                "-o",
                "s3://lake/sharded/",
                "--json",
            ])
            .args(["--shard", shard])
            .assert()
            .success();
        shares.push(
            summary_of(&assert.get_output().stdout)["rows"]
                .as_u64()
                .unwrap(),
        );
    }
    assert!(
        shares.iter().all(|&rows| rows > 0),
        "both shards had work: {shares:?}"
    );
    assert_eq!(shares.iter().sum::<u64>(), 16 * 400);
    let whole = read_s3(&moto, "lake", "whole/");
    let sharded = read_s3(&moto, "lake", "sharded/");
    assert_eq!(sharded["keys"], whole["keys"]);
    assert_eq!(sharded["md5"], whole["md5"], "byte-identical files");
    // The shards' manifests merge: an unsharded rerun finds every input done.
    let rerun = moto
        .lakeops()
        .args([
            "convert",
            "s3://lake/in/",
            "-o",
            "s3://lake/sharded/",
            "--json",
        ])
        .assert()
        .success();
    assert_eq!(summary_of(&rerun.get_output().stdout)["skipped_inputs"], 16);

    moto.lakeops()
        .args([
            "convert",
            "s3://lake/in/",
            "-o",
            "s3://lake/x/",
            "--shard",
            "2/2",
        ])
        .assert()
        .code(2);
}

/// Starts tests/cli/support/fault_proxy.py in front of moto; returns it and its endpoint.
fn fault_proxy(moto: &Moto, log: &Path, rates: [&str; 3]) -> (std::process::Child, String) {
    let script = common::repo_root().join("tests/cli/support/fault_proxy.py");
    let mut child = Process::new(common::python())
        .arg(script)
        .args(["--target", &moto.endpoint(), "--port", "0", "--seed", "7"])
        .args(["--fail-rate", rates[0], "--reset-rate", rates[1]])
        .args(["--truncate-rate", rates[2], "--log"])
        .arg(log)
        .stdout(Stdio::piped())
        .spawn()
        .expect("fault proxy starts");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port: u16 = line.trim().parse().expect("the proxy prints its port");
    (child, format!("http://127.0.0.1:{port}"))
}

#[test]
fn s3_faults_do_not_change_the_output() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    moto.put("lake", &corpus("in/"));
    moto.put("lake", &many()[..6]);
    moto.lakeops()
        .args([
            "convert",
            "s3://lake/in/",
            "-o",
            "s3://lake/clean/",
            "--part-size",
            "5MiB",
        ])
        .assert()
        .success();
    let dir = tmp();
    let log = dir.path().join("faults.log");
    let (mut proxy, endpoint) = fault_proxy(&moto, &log, ["0.1", "0.05", "0.3"]);
    let assert = moto
        .lakeops()
        .env("AWS_ENDPOINT_URL", &endpoint)
        .args([
            "convert",
            "s3://lake/in/",
            "-o",
            "s3://lake/faulty/",
            "--json",
        ])
        .args(["--part-size", "5MiB", "-j", "3"])
        .assert();
    let _ = proxy.kill();
    let _ = proxy.wait();
    let assert = assert.success();
    assert_eq!(summary_of(&assert.get_output().stdout)["rejects"], 0);
    let log = std::fs::read_to_string(&log).unwrap();
    for fault in ["-> 503", "-> reset", "-> truncated"] {
        assert!(log.contains(fault), "the proxy injected {fault}:\n{log}");
    }
    let clean = read_s3(&moto, "lake", "clean/");
    let faulty = read_s3(&moto, "lake", "faulty/");
    assert_eq!(faulty["keys"], clean["keys"]);
    assert_eq!(
        faulty["rows"].as_array().unwrap().len(),
        clean["rows"].as_array().unwrap().len()
    );
    assert!(faulty["rows"] == clean["rows"], "the same rows");
    assert_eq!(
        faulty["md5"], clean["md5"],
        "byte-identical to the clean run"
    );
    assert_eq!(faulty["uploads"], 0);
}

#[test]
fn bad_objects_are_reported_while_the_others_complete() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    let mut corrupt = common::zstd(records(0, 200, 100).join("\n").as_bytes());
    let half = corrupt.len() / 2;
    corrupt[half..].iter_mut().for_each(|b| *b ^= 0x5a);
    moto.put(
        "lake",
        &[
            lines("in/good.jsonl", "none", &records(0, 10, 20)),
            crate::moto::raw("in/corrupt.jsonl.zst", &corrupt),
            lines(
                "in/prose.jsonl",
                "none",
                &["just words".into(), "more words".into()],
            ),
        ],
    );
    let assert = moto
        .lakeops()
        .args(["convert", "s3://lake/in/", "-o", "s3://lake/out/", "--json"])
        .args(["--on-error", "dead-letter"])
        .assert()
        .code(1);
    let reports: Vec<Value> = json_lines(&assert.get_output().stdout);
    let file = |name: &str| -> &Value {
        reports
            .iter()
            .find(|r| r["type"] == "file" && r["input"] == format!("s3://lake/in/{name}"))
            .unwrap()
    };
    assert_eq!(file("good.jsonl")["rows"], 10);
    assert_eq!(file("good.jsonl")["rejects"], 0);
    assert_eq!(file("prose.jsonl")["rejects"], 2);
    // A broken compressed stream fails its input whole (C05): no rows, no output.
    assert!(
        file("corrupt.jsonl.zst")["error"]
            .as_str()
            .unwrap()
            .contains("corrupt or truncated zstd stream"),
        "{}",
        file("corrupt.jsonl.zst")
    );
    assert_eq!(file("corrupt.jsonl.zst")["outputs"], json!([]));
    let out = read_s3(&moto, "lake", "out/");
    assert!(out["keys"]
        .as_array()
        .unwrap()
        .contains(&json!("good.parquet")));
}

#[test]
fn ctrl_c_aborts_the_upload_and_exits_130() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    let mut child = moto
        .process()
        .args(["convert", "-", "-o", "s3://lake/out/stream.parquet", "-q"])
        .args(["--part-size", "5MiB", "--compression", "none"])
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = records(0, 2000, 500).join("\n") + "\n";
        // Feeds until lakeops stops reading.
        while std::io::Write::write_all(&mut stdin, chunk.as_bytes()).is_ok() {}
    });
    // Wait until parts are being uploaded.
    let started = Instant::now();
    loop {
        let (_, uploads) = moto.http("GET", "/lake?uploads").unwrap();
        if String::from_utf8_lossy(&uploads).contains("<UploadId>") {
            break;
        }
        // Generous: on two loaded cores the first part takes a while to fill.
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "no upload started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let status = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    writer.join().unwrap();
    let left = read_s3(&moto, "lake", "out/");
    assert_eq!(left["keys"], json!([]), "nothing visible");
    assert_eq!(left["uploads"], 0, "the multipart upload was aborted");
}

#[test]
fn uploads_left_by_a_killed_run_are_aborted_and_others_kept() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    moto.put("lake", &corpus("in/"));
    // What a `kill -9` mid-upload leaves behind, for one of this run's keys and for a key that
    // belongs to somebody else (another shard, another tool).
    moto.start_uploads("lake", &["out/big.parquet", "out/not-ours.parquet"]);
    moto.lakeops()
        .args(["convert", "s3://lake/in/", "-o", "s3://lake/out/"])
        .assert()
        .success();
    let left = moto.open_uploads("lake");
    assert_eq!(left, json!(["out/not-ours.parquet"]));
}

/// Part names have one owner (`sink::Target`): the stale-upload cleanup of shard 3/4, which
/// converts `events` into `events-0000N.parquet`, read any upload starting `events-` as its own and
/// aborted shard 1/4's live upload of `events-eu-00001.parquet`.
#[test]
fn stale_upload_cleanup_keeps_another_shards_parts_with_a_longer_stem() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    let rows: Vec<String> = (0..50).map(|i| json!({"id": i}).to_string()).collect();
    moto.put(
        "lake",
        &[
            lines("in/events.jsonl", "none", &rows),
            lines("in/events-eu.jsonl", "none", &rows),
        ],
    );
    let shard_inputs = |shard: &str| -> Vec<Value> {
        let assert = moto
            .lakeops()
            .args([
                "convert",
                "s3://lake/in/",
                "-o",
                "s3://lake/out/",
                "--dry-run",
            ])
            .args(["--max-rows-per-file", "20", "--shard", shard, "--json"])
            .assert()
            .success();
        json_lines(&assert.get_output().stdout)
            .into_iter()
            .filter(|r| r["type"] == "plan")
            .map(|r| r["input"].clone())
            .collect()
    };
    assert_eq!(shard_inputs("3/4"), [json!("s3://lake/in/events.jsonl")]);
    assert_eq!(shard_inputs("1/4"), [json!("s3://lake/in/events-eu.jsonl")]);
    // Shard 1's upload in flight, and one that shard 3's killed run left.
    moto.start_uploads(
        "lake",
        &["out/events-eu-00001.parquet", "out/events-00002.parquet"],
    );
    moto.lakeops()
        .args(["convert", "s3://lake/in/", "-o", "s3://lake/out/"])
        .args(["--max-rows-per-file", "20", "--shard", "3/4"])
        .assert()
        .success();
    let left = moto.open_uploads("lake");
    assert_eq!(left, json!(["out/events-eu-00001.parquet"]));
    let written = moto.list("lake", "out/").keys();
    assert_eq!(
        written,
        [
            "out/events-00001.parquet",
            "out/events-00002.parquet",
            "out/events-00003.parquet"
        ]
    );
}

/// `--state s3://...` with local inputs and a local output: the state location alone needs AWS
/// (one rule, `aws::needs_aws`, over every location). It used to fail with "S3 is not
/// configured"; now the manifest goes to S3 and a rerun reads it back and skips.
#[test]
fn a_local_run_keeps_its_resume_state_on_s3() {
    let moto = Moto::start();
    moto.create_bucket("lake");
    let dir = tmp();
    let input = dir.path().join("in");
    write_local(&input, &corpus(""));
    let out = dir.path().join("out");
    let run = || {
        let assert = moto
            .lakeops()
            .arg("convert")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .args(["--state", "s3://lake/state/", "--json"])
            .assert()
            .success();
        summary_of(&assert.get_output().stdout)
    };
    let first = run();
    assert_eq!(first["skipped_inputs"], 0, "{first}");
    assert_eq!(common::parquet_files(&out).len(), 3);
    let state = moto.list("lake", "state/").keys();
    assert!(
        state.iter().any(|k| k.starts_with("state/manifest/")),
        "{state:?}"
    );
    assert!(
        !dir.path().join("out.lakeops-state").exists(),
        "the state went to S3"
    );
    let second = run();
    assert_eq!(second["skipped_inputs"], 3, "{second}");
}
