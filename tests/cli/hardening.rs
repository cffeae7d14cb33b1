//! Regression tests for the defects of ../shared/reports/hostile-probe-2026-12.md, each named
//! after its bug. Outputs are read back by pyarrow or as plain files, never by lakeops.

use std::io::Write;
use std::process::Stdio;

use serde_json::json;

use crate::common::*;
use crate::moto::{lines, Moto};

/// BUG-1: S3 keys starting with `/` or holding `//` wrote Parquet outside `-o` (over any file
/// the user could write). Outputs now mirror the key's normal components only, inside `-o`;
/// `.` and `..` components are hidden names, never inputs, and a `..` that reached the plan
/// would fail that input alone (unit tests in convert::plan and storage).
#[test]
fn bug_1_s3_keys_cannot_write_outside_the_output_directory() {
    let moto = Moto::start();
    moto.create_bucket("lead");
    // Outside the test's own directory, and with no hidden component in its path (those are
    // skipped), so that the attack's key is a real input.
    let outside = tempfile::Builder::new()
        .prefix("lakeops-victim")
        .tempdir()
        .unwrap();
    let victim = outside.path().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::write(victim.join("precious.parquet"), "precious").unwrap();
    let dir = tmp();
    let abs = format!("pre/{}/precious.jsonl", victim.display());
    let keys = [
        abs.as_str(),
        "pre//double.jsonl",
        "pre/a/./dot.jsonl",
        "pre/a/../../up.jsonl",
        "pre/ctl\u{1b}[31m/x.jsonl",
    ];
    let text = vec![json!({"text": "hello"}).to_string()];
    let objects: Vec<_> = keys.iter().map(|k| lines(k, "none", &text)).collect();
    moto.put("lead", &objects);
    for command in ["convert", "embed"] {
        let out = dir.path().join(command);
        let mut cmd = moto.lakeops();
        cmd.arg(command).arg("s3://lead/pre/").arg("-o").arg(&out);
        if command == "embed" {
            let Some(model) = tiny_model() else { continue };
            cmd.args(["--text-column", "text", "--model"]).arg(model);
        }
        let output = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{command}: {stderr}");
        assert_eq!(
            std::fs::read(victim.join("precious.parquet")).unwrap(),
            b"precious",
            "{command} wrote over a file outside -o"
        );
        assert_eq!(walk(outside.path()), vec![victim.join("precious.parquet")]);
        let mut written: Vec<String> = walk(&out)
            .iter()
            .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
            .filter(|p| !p.starts_with("_lakeops"))
            .collect();
        written.sort();
        let mut expected = vec![
            format!("{}/precious.parquet", victim.display().to_string().trim_start_matches('/')),
            "ctl\u{1b}[31m/x.parquet".into(),
            "double.parquet".into(),
        ];
        expected.sort();
        assert_eq!(written, expected, "{command}");
    }
}

fn tiny_model() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(std::env::var_os("LAKEOPS_TEST_MODELS")?).join("tiny-mpnet");
    dir.join("model.safetensors").is_file().then_some(dir)
}

/// BUG-2: `--max-rows-per-file 0` created empty temporary files without end.
#[test]
fn bug_2_zero_counts_are_usage_errors() {
    let dir = tmp();
    let input = dir.path().join("one.jsonl");
    std::fs::write(&input, "{\"a\":1}\n").unwrap();
    for flag in [
        "--max-rows-per-file",
        "--threads",
        "--jobs",
        "--part-concurrency",
    ] {
        let out = dir.path().join("o");
        let output = lakeops()
            .arg("convert")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .args([flag, "0"])
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag}");
        assert!(!out.exists(), "{flag} wrote something");
    }
}

/// BUG-6: `convert y.parquet -o y.parquet` replaced its own JSON-lines input.
#[test]
fn bug_6_convert_refuses_to_write_over_its_input() {
    let dir = tmp();
    let input = dir.path().join("y.parquet");
    let text = "{\"a\":1}\nnot json\n";
    std::fs::write(&input, text).unwrap();
    let output = lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is also an input"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
    // Through another name for the same file, too.
    let link = dir.path().join("link.parquet");
    std::fs::hard_link(&input, &link).unwrap();
    let output = lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
}

/// BUG-7: `--catalog-file package.json` rewrote an unrelated JSON file as a catalog.
#[test]
fn bug_7_catalog_file_refuses_unrelated_json() {
    let dir = tmp();
    let root = dir.path().join("lake/t");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("a.jsonl"), "{\"x\":1}\n").unwrap();
    for content in [
        r#"{"name": "app", "version": "1.0.0"}"#,
        r#"{"Databases": [], "Scripts": {}}"#,
        r#"{"Format": "something-else", "Databases": []}"#,
        "",
    ] {
        let catalog = dir.path().join("package.json");
        std::fs::write(&catalog, content).unwrap();
        let output = lakeops()
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .arg("crawl")
            .arg(&root)
            .args(["--database", "db", "--catalog-file"])
            .arg(&catalog)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{content}: {stderr}");
        assert!(stderr.contains("not a lakeops catalog file"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&catalog).unwrap(), content);
    }
    // A new file gets the format marker; a file without it but with only Databases (written by
    // an earlier lakeops) is still read.
    let catalog = dir.path().join("catalog.json");
    lakeops()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .arg("crawl")
        .arg(&root)
        .args(["--database", "db", "--catalog-file"])
        .arg(&catalog)
        .assert()
        .success();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&catalog).unwrap()).unwrap();
    assert_eq!(written["Format"], "lakeops-catalog/1");
    let mut legacy = written.clone();
    legacy.as_object_mut().unwrap().remove("Format");
    std::fs::write(&catalog, legacy.to_string()).unwrap();
    lakeops()
        .arg("query")
        .arg("SELECT count(*) AS n FROM t")
        .args(["--database", "db", "--catalog-file"])
        .arg(&catalog)
        .assert()
        .success();
}

/// BUG-20: a valid 238-byte output name failed because the temporary name added ~20 bytes.
#[test]
fn bug_20_long_output_names_are_written() {
    let dir = tmp();
    let name = "N".repeat(238);
    let input = dir.path().join(format!("{name}.jsonl"));
    std::fs::write(&input, "{\"a\":1}\n").unwrap();
    let out = dir.path().join("out");
    lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let read = pyarrow_read(&out.join(format!("{name}.parquet")));
    assert_eq!(read["data"][0]["a"], 1);
}

/// Temporary files left by a killed process (kill -9, SIGTERM in the past) are removed by the
/// next run into the same directory; those of a running process are kept.
#[test]
fn stale_temporary_files_of_dead_processes_are_removed() {
    let dir = tmp();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // PIDs above the kernel's pid_max never run.
    let dead = out.join(".lakeops-tmp.2147483000.7");
    let alive = out.join(format!(".lakeops-tmp.{}.0", std::process::id()));
    std::fs::write(&dead, "partial").unwrap();
    std::fs::write(&alive, "in progress").unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"a\":1}\n").unwrap();
    lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(!dead.exists());
    assert!(alive.exists());
}

/// SIGTERM (what Kubernetes and AWS Batch send) stops a run like Ctrl-C: exit 130, no
/// temporary or partial file left.
#[test]
fn sigterm_exits_130_and_leaves_no_temporary_file() {
    let dir = tmp();
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lakeops"))
        .args(["convert", "-", "-o"])
        .arg(&out)
        .arg("-q")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk: String = (0..2000)
            .map(|i| format!("{{\"id\":{i},\"text\":\"record {i}\"}}\n"))
            .collect();
        while stdin.write_all(chunk.as_bytes()).is_ok() {}
    });
    std::thread::sleep(std::time::Duration::from_millis(800));
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let code = child.wait().unwrap().code();
    writer.join().unwrap();
    assert_eq!(code, Some(130));
    assert!(walk(dir.path()).is_empty(), "{:?}", walk(dir.path()));
}
