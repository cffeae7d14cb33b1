//! `lakeops cost` end to end: the issue's golden figures through the CLI, every output format
//! read back as data (JSON parsed, CSV parsed), and the exit codes.

use serde_json::Value;

use crate::common::lakeops;

fn cost(args: &[&str]) -> (i32, String, String) {
    let output = lakeops()
        .env_remove("AWS_REGION")
        .arg("cost")
        .args(args)
        .output()
        .expect("run lakeops");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, stdout, stderr) = cost(&all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn close(value: &Value, expected: f64) -> bool {
    (value.as_f64().expect("a number") - expected).abs() < 1e-9
}

#[test]
fn ingestion_golden_figures_and_warnings() {
    for (ocus, total) in [
        ("10", 576.0),
        ("100", 5760.0),
        ("500", 28800.0),
        ("1000", 57600.0),
        ("5000", 288000.0),
    ] {
        let e = json(&[
            "ingestion",
            "--ocus",
            ocus,
            "--hours-per-day",
            "12",
            "--days-per-month",
            "20",
            "--region",
            "us-east-1",
            "--allow-over-limit",
            "--throughput",
            "1Gbps",
        ]);
        assert!(close(&e["total_usd"], total), "{ocus}: {e}");
        let warnings = e["warnings"].to_string();
        assert_eq!(
            warnings.contains("exceed one pipeline"),
            ocus.parse::<u32>().unwrap() > 96,
            "{ocus}: {warnings}"
        );
        if ocus == "10" {
            assert!(
                warnings.contains("near 60 OCUs rather than 10"),
                "{warnings}"
            );
        }
        assert_eq!(e["line_items"][0]["unit"], "OCU-hour");
        assert_eq!(
            e["line_items"][0]["price_as_of"].as_str().map(str::len),
            Some(10)
        );
    }
    let (code, _, stderr) = cost(&["ingestion", "--ocus", "1000", "--region", "us-east-1"]);
    assert_eq!(
        code, 2,
        "over one pipeline's limit without --allow-over-limit"
    );
    assert!(stderr.contains("11 pipelines"), "{stderr}");
}

#[test]
fn flink_and_serverless_golden_figures() {
    let five = json(&["flink", "--parallelism", "4", "--region", "us-east-2"]);
    assert!(close(&five["billed_kpus"], 5.0) && close(&five["kpus"], 4.0));
    assert!(close(&five["total_usd"], 421.5));
    let three = json(&[
        "flink",
        "--parallelism",
        "4",
        "--parallelism-per-kpu",
        "2",
        "--region",
        "us-east-2",
    ]);
    assert!(close(&three["billed_kpus"], 3.0));
    let redundant = json(&["serverless", "--region", "us-east-1"]);
    assert!(close(&redundant["total_usd"], 350.4));
    let dev = json(&["serverless", "--no-redundancy", "--region", "us-east-1"]);
    assert!(close(&dev["total_usd"], 175.2));
    assert!(close(&dev["indexing_ocus"], 0.5) && close(&dev["search_ocus"], 0.5));
    let glue = json(&[
        "glue",
        "--worker-type",
        "G.2X",
        "--workers",
        "3",
        "--minutes",
        "15",
        "--region",
        "us-east-1",
    ]);
    assert!(close(&glue["dpus"], 6.0) && close(&glue["total_usd"], 0.66));
}

#[test]
fn several_regions_side_by_side() {
    let both = json(&[
        "flink",
        "--parallelism",
        "4",
        "--region",
        "us-east-2,eu-central-1",
    ]);
    let totals: Vec<f64> = both
        .as_array()
        .expect("an array for several regions")
        .iter()
        .map(|e| e["total_usd"].as_f64().unwrap())
        .collect();
    assert_eq!(totals, [421.5, 505.6]);
    let (code, table, _) = cost(&[
        "flink",
        "--parallelism",
        "4",
        "--region",
        "us-east-2,eu-central-1",
    ]);
    assert_eq!(code, 0);
    let total_line = table
        .lines()
        .find(|l| l.starts_with("total"))
        .expect("a total row");
    assert!(
        total_line.contains("$421.50") && total_line.contains("$505.60"),
        "{table}"
    );
}

#[test]
fn table_and_csv_outputs() {
    let (code, table, _) = cost(&[
        "ingestion",
        "--ocus",
        "10",
        "--hours-per-day",
        "12",
        "--days-per-month",
        "20",
        "--region",
        "us-east-1",
        "--explain",
    ]);
    assert_eq!(code, 0);
    assert!(
        table.contains("$576.00") && table.contains("= 10 OCUs × 240 h"),
        "{table}"
    );
    let (code, csv, _) = cost(&[
        "glue",
        "--dpus",
        "6",
        "--minutes",
        "15",
        "--region",
        "us-east-1",
        "--output",
        "csv",
    ]);
    assert_eq!(code, 0);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[6], "amount_usd");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][3], "1.5");
    assert_eq!(&rows[1][2], "total");
    assert_eq!(&rows[1][6], "0.66");
}

#[test]
fn prices_are_listed_with_sources() {
    let rows = json(&["prices", "--region", "us-east-2"]);
    let kpu = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "flink.kpu-hour")
        .expect("a KPU row");
    assert!(close(&kpu["usd"], 0.11));
    assert!(kpu["source"].as_str().unwrap().contains("price-watcher"));
}

#[test]
fn errors_and_ci_gates() {
    for (args, needle) in [
        (
            &["flink", "--parallelism", "0", "--region", "us-east-1"][..],
            "parallelism",
        ),
        (
            &[
                "flink",
                "--parallelism",
                "4",
                "--parallelism-per-kpu",
                "9",
                "--region",
                "us-east-1",
            ][..],
            "1..=8",
        ),
        (
            &["flink", "--parallelism", "4", "--region", "mars-north-1"][..],
            "unknown region",
        ),
        (
            &["serverless", "--region", "eu-west-1"][..],
            "--price serverless.indexing-ocu-hour=USD",
        ),
        (&["flink", "--parallelism", "4"][..], "--region"),
        (
            &["flink", "--price", "flink.kpu=1", "--region", "us-east-1"][..],
            "unknown price unit",
        ),
    ] {
        let (code, stdout, stderr) = cost(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(stdout.is_empty() && !stderr.contains("panicked"));
    }
    let (code, _, stderr) = cost(&[
        "flink",
        "--parallelism",
        "4",
        "--region",
        "us-east-2",
        "--fail-above",
        "400",
        "-q",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--fail-above"));
    let (code, _, _) = cost(&[
        "flink",
        "--parallelism",
        "4",
        "--region",
        "us-east-2",
        "--fail-above",
        "500",
        "-q",
    ]);
    assert_eq!(code, 0);
    let priced = json(&[
        "serverless",
        "--region",
        "eu-west-1",
        "--price",
        "serverless.indexing-ocu-hour=0.26",
        "--price",
        "serverless.search-ocu-hour=0.26",
    ]);
    assert!(close(&priced["total_usd"], 379.6));
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const OLD_PLAN: &str = r#"
region = "us-east-1"

[[workloads]]
name = "clickstream"
service = "flink"
parallelism = 4
region = "us-east-2"

[[workloads]]
name = "logs"
service = "ingestion"
ocus = 10
hours_per_day = 12
days_per_month = 20
"#;

const NEW_PLAN: &str = "
region: us-east-1
workloads:
  - name: clickstream
    service: flink
    parallelism: 8
    region: us-east-2
  - name: logs
    service: ingestion
    ocus: 10
    hours_per_day: 12
    days_per_month: 20
  - name: search
    service: serverless
";

#[test]
fn plans_in_toml_and_yaml_and_their_diff() {
    let dir = crate::common::tmp();
    let old = write(dir.path(), "old.toml", OLD_PLAN);
    let new = write(dir.path(), "new.yaml", NEW_PLAN);
    let plan = json(&["plan", &old]);
    assert!(close(&plan["total_usd"], 997.5), "{plan}");
    let names: Vec<&str> = plan["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["clickstream", "logs"]);
    assert!(close(&plan["workloads"][1]["total_usd"], 576.0));

    let diff = json(&["diff", &old, &new]);
    assert!(
        close(&diff["old_total_usd"], 997.5) && close(&diff["new_total_usd"], 1689.1),
        "{diff}"
    );
    assert!(diff["workloads"][2]["old_usd"].is_null());
    let (code, _, stderr) = cost(&["diff", &old, &new, "--fail-if-increase-pct", "50"]);
    assert_eq!(code, 1, "a 69% rise breaks a 50% budget: {stderr}");
    let (code, table, _) = cost(&["diff", &old, &new, "--fail-if-increase-pct", "70"]);
    assert_eq!(code, 0);
    assert!(table.contains("(69.3%)"), "{table}");
    let (code, _, _) = cost(&["plan", &old, "--fail-above", "900"]);
    assert_eq!(code, 1);
}

#[test]
fn malformed_plans_name_the_file_and_the_problem() {
    let dir = crate::common::tmp();
    for (name, text, needle) in [
        ("syntax.toml", "region = \"us-east-1\"\n[[workloads]\nname = \"x\"\n", "line 2"),
        ("typo.toml", "region = \"us-east-1\"\n[[workloads]]\nname = \"x\"\nservice = \"flink\"\nparalelism = 4\n", "unknown field `paralelism`"),
        ("service.yaml", "workloads:\n  - name: x\n    service: redshift\n", "redshift"),
        ("noregion.yaml", "workloads:\n  - name: x\n    service: flink\n", "has no region"),
        ("empty.toml", "region = \"us-east-1\"\n", "workloads"),
    ] {
        let path = write(dir.path(), name, text);
        let (code, _, stderr) = cost(&["plan", &path]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(needle), "{name}: {stderr}");
        if name != "noregion.yaml" {
            assert!(stderr.contains(name), "names the file: {stderr}");
        }
    }
}
