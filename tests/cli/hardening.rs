//! Regression tests for the defects of ../shared/reports/hostile-probe-2026-12.md, each named
//! after its bug. Outputs are read back by pyarrow or as plain files, never by lakeops.

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
            .collect();
        written.sort();
        let mut expected = vec![
            format!(
                "{}/precious.parquet",
                victim.display().to_string().trim_start_matches('/')
            ),
            "ctl\u{1b}[31m/x.parquet".into(),
            "double.parquet".into(),
        ];
        expected.sort();
        assert_eq!(written, expected, "{command}");
    }
}

/// `lakeops crawl ROOT --database DB --catalog-file CATALOG`, with an AWS endpoint that refuses
/// connections: a local crawl must not need AWS.
fn crawl_into_file(
    root: impl AsRef<std::path::Path>,
    database: &str,
    catalog: impl AsRef<std::path::Path>,
) -> assert_cmd::Command {
    let mut cmd = lakeops();
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .arg("crawl")
        .arg(root.as_ref())
        .args(["--database", database, "--catalog-file"])
        .arg(catalog.as_ref());
    cmd
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
        let output = crawl_into_file(&root, "db", &catalog).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{content}: {stderr}");
        assert!(stderr.contains("not a lakeops catalog file"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&catalog).unwrap(), content);
    }
    // A new file gets the format marker; a file without it but with only Databases (written by
    // an earlier lakeops) is still read.
    let catalog = dir.path().join("catalog.json");
    crawl_into_file(&root, "db", &catalog).assert().success();
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
    // This machine's name as lakeops puts it in temporary names.
    let host: String = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(16)
        .collect();
    // PIDs above the kernel's pid_max never run.
    let dead = out.join(format!(".lakeops-tmp.2147483000.7.{host}"));
    let alive = out.join(format!(".lakeops-tmp.{}.0.{host}", std::process::id()));
    // Another machine's leftover (a shared file system): its process id means nothing here.
    let elsewhere = out.join(".lakeops-tmp.2147483000.3.other-machine");
    for (path, text) in [
        (&dead, "partial"),
        (&alive, "in progress"),
        (&elsewhere, "theirs"),
    ] {
        std::fs::write(path, text).unwrap();
    }
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
    assert!(elsewhere.exists());
}

/// SIGTERM (what Kubernetes and AWS Batch send) stops a run like Ctrl-C: exit 130, no
/// temporary or partial file left.
#[test]
fn sigterm_exits_130_and_leaves_no_temporary_file() {
    let dir = tmp();
    let out = dir.path().join("out");
    let code = convert_stdin_until_signalled("TERM", &out, &["-q"]);
    assert_eq!(code, Some(130));
    assert!(walk(dir.path()).is_empty(), "{:?}", walk(dir.path()));
}

/// BUG-10: `query` on a file `PAR1PAR1` panicked in the parquet crate's footer reader (exit
/// 101). Any panic now ends as an `error:` with exit 2.
#[test]
fn bug_10_a_corrupt_parquet_footer_is_an_error_not_a_panic() {
    let dir = tmp();
    let bad = dir.path().join("bad.parquet");
    std::fs::write(&bad, "PAR1PAR1").unwrap();
    let output = lakeops()
        .arg("query")
        .arg(format!("SELECT * FROM '{}'", bad.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// BUG-11: a cell wider than 65,535 characters panicked the table renderer (query and cost).
#[test]
fn bug_11_huge_cells_render() {
    let wide = "x".repeat(70_000);
    let output = lakeops()
        .arg("query")
        .arg(format!("SELECT '{wide}' AS w, 1 AS n"))
        .args(["--format", "table"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains(&wide));
}

/// BUG-12: generated SQL with thousands of terms overflowed the stack (exit 134).
#[test]
fn bug_12_deeply_nested_sql_is_planned() {
    let ors: Vec<String> = (0..4000).map(|i| format!("x = {i}")).collect();
    let sql = format!(
        "SELECT count(*) AS n FROM (VALUES (1), (3999), (9000)) AS t(x) WHERE {}",
        ors.join(" OR ")
    );
    let output = lakeops()
        .arg("query")
        .arg(&sql)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows[0]["n"], 2);
    let plus = vec!["1"; 10_000].join(" + ");
    let output = lakeops()
        .arg("query")
        .arg(format!("SELECT {plus} AS s"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0) | Some(2)),
        "{stderr}"
    );
    if output.status.code() == Some(0) {
        let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(rows[0]["s"], 10_000);
    }
}

/// BUG-5: resume skipped an input whose output had since been rewritten by another input of the
/// same name, or truncated. Outputs are now checked against the size and tag recorded when they
/// were published.
#[test]
fn bug_5_resume_checks_that_the_output_is_the_one_it_wrote() {
    let dir = tmp();
    for (sub, src) in [("a", "a"), ("b", "b")] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(
            dir.path().join(sub).join("x.jsonl"),
            format!("{{\"src\":\"{src}\"}}\n"),
        )
        .unwrap();
    }
    let out = dir.path().join("o");
    let convert = |sub: &str| {
        let output = lakeops()
            .arg("convert")
            .arg(dir.path().join(sub).join("x.jsonl"))
            .arg("-o")
            .arg(&out)
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let file = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["type"] == "file")
            .unwrap();
        file["skipped"].as_bool().unwrap()
    };
    assert!(!convert("a"));
    assert!(convert("a"), "an unchanged rerun is skipped");
    assert!(!convert("b"));
    assert!(
        !convert("a"),
        "x.parquet now holds b's rows: a is converted again"
    );
    assert_eq!(pyarrow_read(&out.join("x.parquet"))["data"][0]["src"], "a");
    // A truncated output is converted again.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(out.join("x.parquet"))
        .unwrap();
    file.set_len(10).unwrap();
    drop(file);
    assert!(!convert("a"));
    assert_eq!(pyarrow_read(&out.join("x.parquet"))["data"][0]["src"], "a");
}

/// The resume state lives beside the output, not in it: polars reads the output directory
/// with no extra arguments (it failed on `_lakeops/manifest/*.json`).
#[test]
fn resume_state_does_not_break_readers_of_the_output() {
    let dir = tmp();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::write(input.join("p1.jsonl"), "{\"n\":1}\n{\"n\":2}\n").unwrap();
    std::fs::write(input.join("sub/p2.jsonl"), "{\"n\":3}\n").unwrap();
    let out = dir.path().join("out");
    lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(
        walk(&out)
            .iter()
            .all(|p| p.extension().unwrap() == "parquet"),
        "{:?}",
        walk(&out)
    );
    assert!(dir.path().join("out.lakeops-state/manifest").is_dir());
    let read = py_json(
        "import sys, json, polars as pl; \
         df = pl.scan_parquet(sys.argv[1] + '/**/*.parquet').collect(); \
         print(json.dumps(sorted(df['n'].to_list())))",
        &[&out],
    );
    assert_eq!(read, json!([1, 2, 3]));
    let read = py_json(
        "import sys, json, polars as pl; \
         df = pl.scan_parquet(sys.argv[1]).collect(); \
         print(json.dumps(sorted(df['n'].to_list())))",
        &[&out],
    );
    assert_eq!(read, json!([1, 2, 3]));
}

/// Starts every command at once and checks that each one succeeds.
fn succeed_together(commands: Vec<std::process::Command>, what: &str) {
    let children: Vec<_> = commands
        .into_iter()
        .map(|mut cmd| {
            cmd.stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// BUG-4: two crawls into one `--catalog-file` at once both exited 0, but one table was lost.
#[test]
fn bug_4_concurrent_crawls_into_one_catalog_file_keep_both_tables() {
    let dir = tmp();
    for table in ["ta", "tb"] {
        for p in 0..40 {
            let part = dir.path().join(format!("lake/{table}/p={p}"));
            std::fs::create_dir_all(&part).unwrap();
            std::fs::write(part.join("a.jsonl"), "{\"x\":1}\n").unwrap();
        }
    }
    for round in 0..3 {
        let catalog = dir.path().join(format!("race{round}.json"));
        succeed_together(
            ["ta", "tb"]
                .iter()
                .map(|table| {
                    let mut cmd = crate::common::lakeops_process();
                    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
                        .env("AWS_EC2_METADATA_DISABLED", "true")
                        .arg("crawl")
                        .arg(dir.path().join("lake").join(table))
                        .args(["--database", "db", "--catalog-file"])
                        .arg(&catalog);
                    cmd
                })
                .collect(),
            &format!("round {round}"),
        );
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&catalog).unwrap()).unwrap();
        let mut tables: Vec<String> = written["Databases"][0]["Tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["Name"].as_str().unwrap().to_owned())
            .collect();
        tables.sort();
        assert_eq!(tables, ["ta", "tb"], "round {round}");
    }
}

/// BUG-15: two crawls of a new Glue table at once: one failed with AlreadyExistsException on
/// CreateTable or CreateDatabase. Now the loser re-reads and plans an update.
#[test]
fn bug_15_concurrent_crawls_of_a_new_glue_table_both_succeed() {
    let moto = Moto::start();
    moto.create_bucket("crawlb");
    let objects: Vec<_> = (0..20)
        .map(|p| {
            lines(
                &format!("t/p={p}/a.jsonl"),
                "none",
                &[json!({"x": p}).to_string()],
            )
        })
        .collect();
    moto.put("crawlb", &objects);
    for round in 0..3 {
        let database = format!("gconc{round}");
        succeed_together(
            (0..2)
                .map(|_| {
                    let mut cmd = moto.process();
                    cmd.args(["crawl", "s3://crawlb/t/", "--database", &database]);
                    cmd
                })
                .collect(),
            &format!("round {round}"),
        );
        let glue = moto.glue(&database, "t");
        assert_eq!(glue.partition_values().len(), 20);
    }
}

/// BUG-14: control characters from folder names reached stdout raw in crawl plans (`%1b` drove
/// the terminal, `%0A` printed a real newline that could fake a line).
#[test]
fn bug_14_crawl_plans_escape_names_from_the_data() {
    let dir = tmp();
    for folder in ["dt=%1b[31mX", "dt=%0Aerror: fake", "dt=plain"] {
        let part = dir.path().join("lake/t").join(folder);
        std::fs::create_dir_all(&part).unwrap();
        std::fs::write(part.join("a.jsonl"), "{\"x\":1}\n").unwrap();
    }
    let output = crawl_into_file(dir.path().join("lake/t"), "db", dir.path().join("c.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains('\x1b'), "{text}");
        assert!(
            !text.lines().any(|l| l.starts_with("error: fake")),
            "{text}"
        );
    }
    assert!(stdout.contains("\\u{1b}[31mX"), "{stdout}");
}

/// BUG-16: a negative `--scan-hours` was accepted and lowered the total; utilisations took any
/// number.
#[test]
fn bug_16_negative_quantities_and_out_of_range_percentages_are_usage_errors() {
    for args in [
        vec![
            "cost",
            "ingestion",
            "--ocus",
            "4",
            "--region",
            "us-east-1",
            "--scan-hours=-1",
        ],
        vec![
            "cost",
            "flink",
            "--parallelism",
            "4",
            "--cpu-utilization",
            "150",
        ],
        vec![
            "cost",
            "flink",
            "--parallelism",
            "4",
            "--memory-utilization=-1",
        ],
    ] {
        let output = lakeops().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("negative") || stderr.contains("at most 100"),
            "{args:?}: {stderr}"
        );
    }
}

/// BUG-19: JSON cost amounts went through binary floats (`0.018418399999999998`,
/// `2.3000000000000005e+18`) and counts printed as `4.0`.
#[test]
fn bug_19_cost_json_amounts_keep_their_decimal_digits() {
    let output = lakeops()
        .args([
            "cost",
            "emr-serverless",
            "--workers",
            "3",
            "--vcpu",
            "1",
            "--memory-gb",
            "3",
            "--minutes",
            "7",
            "--region",
            "us-east-1",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!stdout.contains("99999999"), "{stdout}");
    assert!(!stdout.contains("00000000001"), "{stdout}");
    let output = lakeops()
        .args([
            "cost",
            "flink",
            "--parallelism",
            "4",
            "--region",
            "us-east-1",
            "--snapshot-gb",
            "99999999999999999999",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!stdout.contains("0000000005"), "{stdout}");
    assert!(
        !stdout.contains(".0,") && !stdout.contains(".0}"),
        "{stdout}"
    );
}

/// BUG-18: `--json` `row_groups` left out the last row group (0 for a one-group file).
#[test]
fn bug_18_row_groups_count_the_last_group() {
    let dir = tmp();
    let input = dir.path().join("in.jsonl");
    let text: String = (0..2500).map(|i| format!("{{\"i\":{i}}}\n")).collect();
    std::fs::write(&input, text).unwrap();
    for (size, expected) in [("64MiB", 1), ("1000", 3)] {
        let out = dir.path().join(format!("out-{size}"));
        let assert = lakeops()
            .arg("convert")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .args(["--row-group-size", size, "--json"])
            .assert()
            .success();
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        let file: serde_json::Value = stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["type"] == "file")
            .unwrap();
        assert_eq!(file["outputs"][0]["row_groups"], expected, "{stdout}");
        let read = pyarrow_read(&out.join("in.parquet"));
        assert_eq!(read["row_groups"], expected);
    }
}

/// Interop 1: struct fields of tables registered from a catalog failed with DataFusion's
/// "ambiguous field" error (`select s.a from t` worked with `--table`, not after a crawl).
#[test]
fn struct_fields_of_catalog_tables_can_be_queried() {
    let dir = tmp();
    let root = dir.path().join("t");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("part-0.jsonl"),
        "{\"id\":1,\"s\":{\"a\":\"x\"}}\n{\"id\":2,\"s\":{\"a\":\"y\"}}\n",
    )
    .unwrap();
    let catalog = dir.path().join("cat.json");
    crawl_into_file(&root, "d", &catalog).assert().success();
    for sql in [
        "SELECT s.a AS a FROM t ORDER BY id",
        "SELECT s['a'] AS a FROM t ORDER BY id",
    ] {
        let output = lakeops()
            .arg("query")
            .args(["--catalog-file"])
            .arg(&catalog)
            .args(["--database", "d", sql, "--format", "json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{sql}: {stderr}");
        let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(rows, json!([{"a": "x"}, {"a": "y"}]), "{sql}");
    }
}

/// `ts, count(*)` grouped, as JSON rows, through `query ARGS`.
fn groups_by_ts(mut cmd: assert_cmd::Command) -> serde_json::Value {
    let output = cmd
        .args([
            "SELECT ts, count(*) AS c FROM hive GROUP BY ts ORDER BY ts",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// BUG-3: after a crawl of `ts=2024-01-01 00%3A00%3A00/`, `ts=a%2Fb/` and `ts=plain/`, a query
/// through the catalog returned only `plain` (exit 0): the catalog holds decoded values and raw
/// locations, and the escaped folders were read through a URL parser that decoded them.
#[test]
fn bug_3_hive_escaped_partitions_round_trip_through_catalogs() {
    let folders = ["ts=2024-01-01 00%3A00%3A00", "ts=a%2Fb", "ts=plain"];
    let expected = json!([
        {"ts": "2024-01-01 00:00:00", "c": 2},
        {"ts": "a/b", "c": 2},
        {"ts": "plain", "c": 2},
    ]);
    let rows = [json!({"id": 1}).to_string(), json!({"id": 2}).to_string()];

    let dir = tmp();
    let root = dir.path().join("hive");
    for folder in folders {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        std::fs::write(root.join(folder).join("d.jsonl"), rows.join("\n")).unwrap();
    }
    let catalog = dir.path().join("cat.json");
    crawl_into_file(&root, "db", &catalog).assert().success();
    let mut query = lakeops();
    query
        .args(["query", "--database", "db", "--catalog-file"])
        .arg(&catalog);
    assert_eq!(groups_by_ts(query), expected, "local catalog");

    let moto = Moto::start();
    moto.create_bucket("hivesc");
    let objects: Vec<_> = folders
        .iter()
        .map(|f| lines(&format!("hive/{f}/d.jsonl"), "none", &rows))
        .collect();
    moto.put("hivesc", &objects);
    moto.lakeops()
        .args(["crawl", "s3://hivesc/hive/", "--database", "gdb"])
        .assert()
        .success();
    let mut values = moto.glue("gdb", "hive").partition_values();
    values.sort();
    assert_eq!(
        values,
        [["2024-01-01 00:00:00"], ["a/b"], ["plain"]].map(|v| v.map(str::to_owned).to_vec())
    );
    let mut query = moto.lakeops();
    query.args(["query", "--glue-database", "gdb"]);
    assert_eq!(groups_by_ts(query), expected, "Glue");
    // A table's own listing decodes the folders the same way, on S3 as on disk.
    let mut query = moto.lakeops();
    query.args(["query", "--table", "hive=s3://hivesc/hive/"]);
    assert_eq!(groups_by_ts(query), expected, "--table on S3");
}

/// S13: a query of local files through a local catalog resolved the AWS configuration, printed
/// three IMDS warnings and tried the instance metadata address. Now AWS is loaded at the first
/// s3:// location only: here no metadata request arrives and stderr stays empty.
#[test]
fn a_local_catalog_query_loads_no_aws_configuration() {
    let dir = tmp();
    let root = dir.path().join("t");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("a.jsonl"), "{\"id\":1}\n").unwrap();
    let catalog = dir.path().join("cat.json");
    crawl_into_file(&root, "d", &catalog).assert().success();
    let metadata = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    metadata.set_nonblocking(true).unwrap();
    let output = lakeops()
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_CONFIG_FILE", dir.path().join("no-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-credentials"),
        )
        .env(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            format!("http://{}", metadata.local_addr().unwrap()),
        )
        .args(["query", "SELECT count(*) AS n FROM t", "--format", "json"])
        .args(["--database", "d", "--catalog-file"])
        .arg(&catalog)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "a local query printed to stderr"
    );
    assert!(output.status.success());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap(),
        json!([{"n": 1}])
    );
    assert!(
        metadata.accept().is_err(),
        "a local query connected to the instance metadata service"
    );
}

/// BUG-13: crawl typed `{"t":1.5}` + `{"t":"hot"}` as `string`, as the lattice says, and query
/// then failed with "expected string got 1.5" (also with `--table`). Query now reads JSON by the
/// same lattice as convert: a number, or an object, in a string column is its JSON text.
#[test]
fn bug_13_query_reads_mixed_json_types_by_the_lattice() {
    let dir = tmp();
    let root = dir.path().join("w");
    std::fs::create_dir_all(&root).unwrap();
    let text = "{\"t\":1.5,\"n\":1}\n{\"t\":\"hot\",\"n\":2}\n{\"t\":{\"a\":[1,2]},\"n\":3.5}\n";
    std::fs::write(root.join("d.jsonl"), text).unwrap();
    std::fs::write(dir.path().join("d.jsonl.zst"), zstd(text.as_bytes())).unwrap();
    let catalog = dir.path().join("cat.json");
    crawl_into_file(&root, "db", &catalog).assert().success();
    let expected = json!([
        {"t": "1.5", "n": 1.0},
        {"t": "hot", "n": 2.0},
        {"t": "{\"a\":[1,2]}", "n": 3.5},
    ]);
    let zst = dir.path().join("d.jsonl.zst");
    let from_path = format!("SELECT t, n FROM '{}' ORDER BY n", zst.display());
    let runs: [(&str, Vec<std::ffi::OsString>); 3] = [
        (
            "catalog",
            vec![
                "SELECT t, n FROM w ORDER BY n".into(),
                "--database".into(),
                "db".into(),
                "--catalog-file".into(),
                catalog.clone().into(),
            ],
        ),
        (
            "--table",
            vec![
                "SELECT t, n FROM w ORDER BY n".into(),
                "--table".into(),
                format!("w={}", root.display()).into(),
            ],
        ),
        ("FROM path", vec![from_path.into()]),
    ];
    for (how, args) in runs {
        let output = lakeops()
            .arg("query")
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{how}: {stderr}");
        let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(rows, expected, "{how}");
    }
    // A projection of no columns still counts every row.
    let output = lakeops()
        .arg("query")
        .arg(format!("SELECT count(*) AS c FROM '{}'", zst.display()))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap(),
        json!([{"c": 3}])
    );
    // A line the table's types cannot hold names its file and line, and fails the query.
    std::fs::write(root.join("e.jsonl"), "{\"t\":\"x\",\"n\":1}\nnot json\n").unwrap();
    let output = lakeops()
        .arg("query")
        .args(["SELECT count(*) FROM w", "--table"])
        .arg(format!("w={}", root.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: line 2: invalid JSON",
            root.join("e.jsonl").display()
        )),
        "{stderr}"
    );
}

/// BUG-17: a rerun of a finished convert said "0 lines … inputs without records and without a
/// --schema get no Parquet file" instead of saying that the input was skipped as up to date.
#[test]
fn bug_17_a_rerun_says_its_inputs_are_up_to_date() {
    let dir = tmp();
    let input = dir.path().join("good.jsonl");
    std::fs::write(&input, "{\"a\":1}\n").unwrap();
    let out = dir.path().join("out/");
    let run = || {
        let output = lakeops()
            .arg("convert")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        // The report is for a person: on stderr, stdout stays for data.
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(output.status.success(), "{stderr}");
        stderr
    };
    let first = run();
    assert!(first.contains("1 lines: 1 rows written"), "{first}");
    let second = run();
    assert_eq!(
        second,
        "1 input skipped (up to date: converted by an earlier run with the same settings)\n"
    );
}

/// BUG-8: crawl merged Parquet columns `a` (int) and `A` (string) into one `a int`, silently.
/// Columns differing only in case are one column in Glue and Athena: now a type conflict is an
/// E_TYPE_CONFLICT naming both spellings, and a merge that works is a W_CASE_COLLISION.
#[test]
fn bug_8_parquet_columns_differing_in_case_are_reported() {
    let dir = tmp();
    let conflict = dir.path().join("conflict");
    let same = dir.path().join("same");
    std::fs::create_dir_all(&conflict).unwrap();
    std::fs::create_dir_all(&same).unwrap();
    // Written by pyarrow, so that the files are not lakeops' own.
    py_json(
        r#"
import json, sys, pyarrow as pa, pyarrow.parquet as pq
pq.write_table(pa.table({"a": pa.array([1, 2], pa.int32()), "A": ["x", "y"]}), sys.argv[1] + "/d.parquet")
pq.write_table(pa.table({"a": pa.array([1], pa.int32()), "A": pa.array([2], pa.int32())}), sys.argv[2] + "/d.parquet")
print("{}")
"#,
        &[&conflict, &same],
    );
    let catalog = dir.path().join("cat.json");
    let output = crawl_into_file(&conflict, "db", &catalog).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("E_TYPE_CONFLICT: Parquet columns \"a\" and \"A\""),
        "{stderr}"
    );
    assert!(!catalog.exists(), "a failed crawl wrote the catalog");

    let output = crawl_into_file(&same, "db", &catalog)
        .arg("--json")
        .output()
        .unwrap();
    assert!(output.status.success());
    let summary = summary(&output.stdout);
    assert_eq!(summary["columns"], json!([{"name": "a", "type": "int"}]));
    assert_eq!(summary["warnings"][0]["code"], "W_CASE_COLLISION");
}

/// BUG-9: convert accepted lines nested up to 127 levels and wrote Parquet that pyarrow (from
/// about 50 list levels) and lakeops' own query (from 64) could not open. Lines nested deeper
/// than 32 levels are now rejected with their reason, like any line that cannot be a row.
#[test]
fn bug_9_nesting_beyond_what_readers_open_is_rejected() {
    let dir = tmp();
    let nested = |depth: usize| format!("{{\"e\":{}1{}}}", "[".repeat(depth), "]".repeat(depth));
    let input = dir.path().join("deep.jsonl");
    std::fs::write(
        &input,
        format!(
            "{}\n{}\n{{\"e\":{}}}\n",
            nested(32),
            nested(33),
            nested(40).replace("\"e\"", "\"f\"")
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = lakeops()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--on-error", "dead-letter", "--json"])
        .output()
        .unwrap();
    // Exit 1: some lines were rejected.
    assert_eq!(output.status.code(), Some(1));
    let summary = summary(&output.stdout);
    assert_eq!(summary["rows"], 1, "{summary}");
    assert_eq!(summary["rejects"], 2, "{summary}");
    let rejected = std::fs::read_to_string(out.join("_rejected/deep.jsonl")).unwrap();
    let reasons: Vec<String> = rejected
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["reason"].to_string())
        .collect();
    assert_eq!(reasons.len(), 2);
    assert!(reasons[0].contains("nested 33 levels deep"), "{reasons:?}");
    assert!(reasons[1].contains("nested 41 levels deep"), "{reasons:?}");
    // The row that was written opens in pyarrow and in lakeops' query.
    let parquet = out.join("deep.parquet");
    assert_eq!(pyarrow_read(&parquet)["rows"], 1);
    let output = lakeops()
        .arg("query")
        .arg(format!("SELECT count(*) AS n FROM '{}'", parquet.display()))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap(),
        json!([{"n": 1}])
    );
}

/// C11: there was no bound on line length, and a newline-free input of N bytes cost about 2N of
/// memory. `--max-line-bytes` (default 64 MiB) rejects longer lines, counted like any reject,
/// whether the line sits inside a chunk, spans chunks (read past, never held) or comes first on
/// stdin while the schema is sampled.
#[test]
fn overlong_lines_are_rejected_not_held() {
    let dir = tmp();
    let long_inside = format!("{{\"a\":\"{}\"}}", "x".repeat(10_000));
    let long_spanning = "y".repeat(5 << 20);
    let text = format!("{{\"a\":\"one\"}}\n{long_inside}\n{{\"a\":\"two\"}}\n{long_spanning}\n{{\"a\":\"three\"}}\n");
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, &text).unwrap();
    for (how, stdin) in [("file", false), ("stdin", true)] {
        let out = dir.path().join(how);
        let mut cmd = lakeops();
        cmd.arg("convert");
        if stdin {
            cmd.arg("-").write_stdin(text.clone());
        } else {
            cmd.arg(&input);
        }
        let output = cmd
            .arg("-o")
            .arg(format!("{}/", out.display()))
            .args([
                "--max-line-bytes",
                "4KiB",
                "--on-error",
                "dead-letter",
                "--json",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{how}");
        let summary = summary(&output.stdout);
        assert_eq!(
            (&summary["lines"], &summary["rows"], &summary["rejects"]),
            (&json!(5), &json!(3), &json!(2)),
            "{how}: {summary}"
        );
        assert_eq!(summary["bytes_uncompressed"], text.len(), "{how}");
        let parquet = parquet_files(&out);
        assert_eq!(parquet.len(), 1, "{how}");
        let read = pyarrow_read(&parquet[0]);
        assert_eq!(
            read["data"],
            json!([{"a": "one"}, {"a": "two"}, {"a": "three"}]),
            "{how}"
        );
        let rejected = walk(&out.join("_rejected"));
        let records: Vec<serde_json::Value> = std::fs::read_to_string(&rejected[0])
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(records[0]["line"], 2, "{how}");
        assert_eq!(records[1]["line"], 4, "{how}");
        assert!(records[1]["reason"].as_str().unwrap().starts_with(&format!(
            "line of {} bytes is longer than --max-line-bytes (4096)",
            5 << 20
        )));
        assert_eq!(records[1]["raw"].as_str().unwrap().len(), 1024);
    }
    lakeops()
        .arg("convert")
        .arg(&input)
        .args(["-o", "x/", "--max-line-bytes", "0"])
        .assert()
        .code(2);
}

/// C32: Ctrl-C (and SIGTERM) were ignored while convert waited on a stdin that sent nothing,
/// first while sampling the schema, then while converting (a pinned schema skips the sample).
#[test]
fn a_signal_stops_convert_waiting_on_a_silent_stdin() {
    let dir = tmp();
    let schema = dir.path().join("schema.json");
    std::fs::write(&schema, r#"{"fields":[{"name":"id","type":"int"}]}"#).unwrap();
    let pinned = ["--schema", schema.to_str().unwrap()];
    for (signal, args) in [("INT", &[][..]), ("TERM", &[][..]), ("INT", &pinned[..])] {
        let out = dir.path().join(format!("out-{signal}-{}", args.len()));
        let mut child = crate::common::lakeops_process()
            .args(["convert", "-", "-o"])
            .arg(format!("{}/", out.display()))
            .args(args)
            .env("LAKEOPS_NO_PROGRESS", "1")
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Held open and silent, as a terminal or an idle pipe is.
        let _stdin = child.stdin.take().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(800));
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let started = std::time::Instant::now();
        let code = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status.code();
            }
            if started.elapsed() > std::time::Duration::from_secs(10) {
                child.kill().unwrap();
                panic!("SIG{signal} {args:?}: still waiting on stdin after 10 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(code, Some(130), "SIG{signal} {args:?}");
        assert!(
            walk(&out).is_empty(),
            "SIG{signal} {args:?}: left {:?}",
            walk(&out)
        );
    }
}

/// C43: a dangling symlink aborted a local run with a message naming its directory, and
/// directory symlinks were followed outside the root (and a link to an ancestor never ended).
/// Now links to files are followed, links to directories are not, and a dangling link is an
/// input that fails by its own name.
#[test]
fn symlinks_under_a_local_root() {
    use std::os::unix::fs::symlink;
    let dir = tmp();
    let root = dir.path().join("lake/t");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(root.join("real.jsonl"), "{\"a\":1}\n").unwrap();
    std::fs::write(outside.join("o.jsonl"), "{\"a\":2}\n").unwrap();
    symlink(&outside, root.join("escape")).unwrap();
    symlink("..", root.join("loop")).unwrap();
    symlink(outside.join("o.jsonl"), root.join("linked.jsonl")).unwrap();
    let out = dir.path().join("out");
    lakeops()
        .arg("convert")
        .arg(&root)
        .arg("-o")
        .arg(format!("{}/", out.display()))
        .assert()
        .success();
    let mut written: Vec<_> = walk(&out)
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    written.sort();
    assert_eq!(written, ["linked.parquet", "real.parquet"]);

    symlink(dir.path().join("nowhere"), root.join("dangling.jsonl")).unwrap();
    let output = lakeops()
        .arg("convert")
        .arg(&root)
        .arg("-o")
        .arg(format!("{}/", dir.path().join("out2").display()))
        .args(["--on-error", "skip"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "not converted: cannot read {}",
            root.join("dangling.jsonl").display()
        )),
        "{stderr}"
    );
    assert_eq!(parquet_files(&dir.path().join("out2")).len(), 2);

    let catalog = dir.path().join("cat.json");
    let output = crawl_into_file(&root, "d", &catalog)
        .arg("--json")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(summary(&output.stdout)["objects_sampled"], 2);
}

/// K05/K06: the plan size limit differed by format: TOML parsing was quadratic (100,000 workloads
/// took 50 s) while YAML refused about 22,000 at its node budget. Now both take 20,000 workloads
/// and refuse 20,001 with the same message, and a file over 16 MiB is refused unread.
#[test]
fn cost_plans_have_one_size_limit_in_every_format() {
    let dir = tmp();
    let workload = |i: usize, yaml: bool| {
        if yaml {
            format!("  - name: w{i}\n    service: flink\n    parallelism: 8\n    parallelism_per_kpu: 2\n    hours_per_day: 12\n    days_per_month: 20\n")
        } else {
            format!("[[workloads]]\nname = \"w{i}\"\nservice = \"flink\"\nparallelism = 8\nparallelism_per_kpu = 2\nhours_per_day = 12\ndays_per_month = 20\n")
        }
    };
    for yaml in [true, false] {
        for n in [20_000, 20_001] {
            let mut text = String::from(if yaml {
                "region: us-east-1\nworkloads:\n"
            } else {
                "region = \"us-east-1\"\n"
            });
            for i in 0..n {
                text.push_str(&workload(i, yaml));
            }
            let file = dir
                .path()
                .join(format!("p{n}.{}", if yaml { "yaml" } else { "toml" }));
            std::fs::write(&file, text).unwrap();
            let output = lakeops()
                .args(["cost", "plan", "--json"])
                .arg(&file)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            if n == 20_000 {
                assert!(output.status.success(), "{}: {stderr}", file.display());
            } else {
                assert_eq!(output.status.code(), Some(2));
                assert!(
                    stderr.contains("20001 workloads; plans are limited to 20000"),
                    "{stderr}"
                );
            }
        }
    }
    let big = dir.path().join("big.toml");
    std::fs::write(&big, "#".repeat((16 << 20) + 10)).unwrap();
    let output = lakeops().args(["cost", "plan"]).arg(&big).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("larger than 16777216 bytes"));
}

/// Interop (resume state): awswrangler's `wr.s3.read_parquet_table(database, table)` with its
/// defaults failed on the manifest that convert kept under the output prefix. Now S3→S3
/// convert, a rerun, then crawl, and awswrangler reads every row with no extra arguments.
#[test]
fn awswrangler_reads_a_converted_and_crawled_table_with_its_defaults() {
    let moto = Moto::start();
    moto.create_bucket("wrangled");
    let rows = |range: std::ops::Range<i32>| -> Vec<String> {
        range
            .map(|n| json!({"n": n, "s": format!("row {n}")}).to_string())
            .collect()
    };
    moto.put(
        "wrangled",
        &[
            lines("in/a.jsonl", "none", &rows(1..4)),
            lines("in/b.jsonl.zst", "zstd", &rows(4..6)),
        ],
    );
    for _ in 0..2 {
        moto.lakeops()
            .args([
                "convert",
                "s3://wrangled/in/",
                "-o",
                "s3://wrangled/events/",
            ])
            .assert()
            .success();
    }
    moto.lakeops()
        .args(["crawl", "s3://wrangled/events/", "--database", "wrdb"])
        .assert()
        .success();
    let read = moto.wrangler(
        r#"
import awswrangler as wr
df = wr.s3.read_parquet_table(database=inp["db"], table=inp["table"])
out(sorted(int(n) for n in df["n"].tolist()))
"#,
        &json!({"db": "wrdb", "table": "events"}),
    );
    assert_eq!(read, json!([1, 2, 3, 4, 5]));
}

/// Q02: query held its whole result in memory, even for `--format ndjson|csv`. Now rows are
/// written as they are computed: the first rows of a result that never ends (10^15 rows) arrive
/// while the query still runs, in every streamed format.
#[test]
fn query_output_streams_while_the_query_runs() {
    use std::io::Read;
    for (format, expected) in [
        ("ndjson", "{\"value\":0}\n{\"value\":1}\n"),
        ("csv", "value\n0\n1\n2\n"),
        ("json", "[{\"value\":0},{\"value\":1},"),
    ] {
        let mut child = crate::common::lakeops_process()
            .args([
                "query",
                "SELECT value FROM range(1000000000000000)",
                "--format",
                format,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (sender, received) = std::sync::mpsc::channel();
        let length = expected.len();
        std::thread::spawn(move || {
            let mut first = vec![0; length];
            let _ = sender.send(stdout.read_exact(&mut first).map(|_| first));
        });
        let first = received.recv_timeout(std::time::Duration::from_secs(60));
        child.kill().unwrap();
        child.wait().unwrap();
        let first = first
            .unwrap_or_else(|_| panic!("{format}: no rows within 60 s"))
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&first), expected, "{format}");
    }
}

/// A full disk failing the last flush of a local output left its `.lakeops-tmp` file behind
/// (the temp had already left the writer that removes it on drop), and `query -o` said only
/// "External: No space left on device". Probed on a 1 MiB tmpfs,
/// mounted in a private user and mount namespace (`unshare -rm`), so no privilege is needed.
#[test]
fn a_full_disk_leaves_no_temporary_file() {
    let dir = tmp();
    let input = dir.path().join("big.jsonl");
    // Text that does not compress, so that the Parquet file outgrows the disk.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let text: String = (0..20_000)
        .map(|_| {
            let cell: String = (0..50)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    format!("{:08x}", state as u32)
                })
                .collect();
            format!("{{\"text\":\"{cell}\"}}\n")
        })
        .collect();
    std::fs::write(&input, text).unwrap();
    let small = dir.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    let script = format!(
        "mount -t tmpfs -o size=1M tmpfs {small} && {{ {lakeops} convert {input} -o {small}/o/ -q; echo \"rc=$?\"; ls -A {small}/o; {lakeops} query 'SELECT * FROM range(10000000)' -o {small}/q.parquet; echo \"rc=$?\"; ls -A {small}; }}",
        small = small.display(),
        lakeops = assert_cmd::cargo::cargo_bin("lakeops").display(),
        input = input.display(),
    );
    let mut unshare = std::process::Command::new("unshare");
    crate::common::isolate(&mut unshare);
    let output = unshare
        .args(["-rm", "sh", "-c", &script])
        .env("LAKEOPS_NO_PROGRESS", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "unshare: {stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot write {}/q.parquet", small.display())),
        "{stderr}"
    );
    // convert's output folder is empty; the query left nothing beside it.
    assert_eq!(
        stdout, "rc=2\nrc=2\no\n",
        "files left on the full disk: {stdout}"
    );
}

/// Fuzz finding `hive_type`: a nested JSON key such as `k:v` was written to Glue as
/// `struct<k:v:bigint>`, which no parser (ours, Hive's, Spark's) reads back as that field. It is
/// now backquoted, Hive DDL's quoting, while `detail-type` stays bare as Glue's crawler writes it;
/// a query through the Glue table finds both fields.
#[test]
fn fuzz_hive_type_nested_names_with_separators_reach_glue_quoted() {
    let moto = Moto::start();
    moto.create_bucket("quoted");
    let rows = [json!({"id": 1, "s": {"k:v": 7, "detail-type": "x", "a`b": true}}).to_string()];
    moto.put("quoted", &[lines("t/d.jsonl", "none", &rows)]);
    moto.lakeops()
        .args(["crawl", "s3://quoted/t/", "--database", "qdb"])
        .assert()
        .success();
    let glue = moto.glue("qdb", "t");
    let columns = crate::moto::columns(&glue.table()["StorageDescriptor"]["Columns"]);
    assert_eq!(
        columns[1],
        (
            "s".to_owned(),
            "struct<`a``b`:boolean,detail-type:string,`k:v`:int>".to_owned()
        )
    );
    let output = moto
        .lakeops()
        .args([
            "query",
            "--glue-database",
            "qdb",
            "SELECT s['k:v'] AS kv, s['detail-type'] AS dt, s['a`b'] AS ab FROM t",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows, json!([{"kv": 7, "dt": "x", "ab": true}]));
}
