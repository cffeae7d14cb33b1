//! `lakeops cost` end to end: the issue's golden figures through the CLI, every output format
//! read back as data (JSON parsed, CSV parsed), and the exit codes.

use serde_json::Value;

use crate::common::{lakeops, outcome};

fn cost(args: &[&str]) -> (i32, String, String) {
    outcome(
        lakeops()
            .env_remove("AWS_REGION")
            .arg("cost")
            .args(args)
            .output()
            .expect("run lakeops"),
    )
}

/// The one JSON document `--format json` prints.
fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
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
        "--format",
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

/// `cost --help` gives every exit status the command can end with, each budget flag by name.
#[test]
fn help_lists_every_exit_status() {
    let (code, help, stderr) = cost(&["--help"]);
    assert_eq!(code, 0, "{stderr}");
    let table = help
        .split("Exit status:")
        .nth(1)
        .unwrap_or_else(|| panic!("no exit status table: {help}"));
    for needle in [
        "\n  0  ",
        "\n  1  ",
        "\n  2  ",
        "--fail-above",
        "--fail-if-increase-pct",
        "--refresh",
    ] {
        assert!(table.contains(needle), "{needle} in {table}");
    }
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
    // `diff --format csv` is CSV with exact decimals, not the text table.
    let (code, csv, stderr) = cost(&["diff", &old, &new, "--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "workload,old_usd,new_usd,change_usd", "{csv}");
    assert_eq!(lines.last().unwrap(), &"total,997.5,1689.1,691.6", "{csv}");
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

/// A stand-in for the AWS Price List API: answers GetProducts from recorded documents (the shape
/// of the us-east-2 offers, with the KPU price moved to 0.12), so `--refresh` runs the real SDK
/// request path without AWS.
const FAKE_PRICE_LIST: &str = r#"
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

def doc(service, family, sku, usage, operation, unit, usd):
    return json.dumps({
        "product": {"productFamily": family, "sku": sku,
                    "attributes": {"usagetype": usage, "regionCode": "us-east-2", "operation": operation}},
        "serviceCode": service,
        "terms": {"OnDemand": {sku + ".JRTCKXETXF": {"effectiveDate": "2026-11-01T00:00:00Z",
            "priceDimensions": {sku + ".JRTCKXETXF.6YS6EN2CT7": {"unit": unit, "pricePerUnit": {"USD": usd}}}}}},
        "publicationDate": "2026-11-20T00:00:00Z"})

FLINK = [
    doc("AmazonKinesisAnalytics", "Kinesis Analytics", "CTM45M8ZR5DRHWBM", "USE2-KPU-Hour-Java", "", "KPU-Hr", "0.1200000000"),
    doc("AmazonKinesisAnalytics", "Kinesis Analytics", "ZHYCH4C4YXD2UBZ7", "USE2-KPU-Hour-Interactive", "", "KPU-Hr", "0.1100000000"),
    doc("AmazonKinesisAnalytics", "Kinesis Analytics", "VUFU5CSK4J95P7G7", "USE2-RunningApplicationStorage", "", "GB-Mo", "0.1000000000"),
    doc("AmazonKinesisAnalytics", "Kinesis Analytics", "6XASVCZ66P7378J6", "USE2-DurableApplicationBackups", "", "GB-Mo", "0.0230000000"),
]
ES = {
    "IndexingOCU": doc("AmazonES", "", "IDX", "USE2-IndexingOCU", "IndexingOCU", "OCU-hours", "0.2400000000"),
    "SearchOCU": doc("AmazonES", "", "SRCH", "USE2-SearchOCU", "SearchOCU", "OCU-hours", "0.2400000000"),
}

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        filters = {f["Field"]: f["Value"] for f in body.get("Filters", [])}
        docs = []
        if filters.get("regionCode") == "us-east-2":
            if body["ServiceCode"] == "AmazonKinesisAnalytics":
                docs = FLINK
            elif body["ServiceCode"] == "AmazonES" and filters.get("operation") in ES:
                docs = [ES[filters["operation"]]]
        out = json.dumps({"FormatVersion": "aws_v1", "PriceList": docs}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_port, flush=True)
server.serve_forever()
"#;

#[test]
fn refresh_reads_the_price_list_api_and_reports_changes() {
    use std::io::BufRead;
    let mut server = std::process::Command::new(crate::common::python())
        .args(["-c", FAKE_PRICE_LIST])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the fake Price List API");
    let mut port = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let dir = crate::common::tmp();
    let cache = dir.path().join("prices.csv");
    let refresh = |cache: &std::path::Path, json: bool| {
        lakeops()
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", dir.path().join("none"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
            .args([
                "cost",
                "prices",
                "--refresh",
                "--region",
                "us-east-2",
                "--cache-file",
            ])
            .arg(cache)
            .args([
                "--endpoint-url",
                &format!("http://127.0.0.1:{}", port.trim()),
            ])
            .args(json.then_some("--json"))
            .output()
            .unwrap()
    };
    let output = refresh(&cache, false);
    // --json: a `refreshed` record per row, then the summary; the failed row on stderr as well.
    let records = refresh(&dir.path().join("prices-json.csv"), true);
    let _ = server.kill();
    let _ = server.wait();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The storage price has no recorded document here: that row fails loudly, the rest refresh.
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("serverless.storage-gb-month") && stderr.contains("no product matched"),
        "{stderr}"
    );
    let kpu = stdout
        .lines()
        .find(|l| l.starts_with("flink.kpu-hour "))
        .expect("a KPU row");
    assert!(
        kpu.contains("0.11") && kpu.contains("0.12") && kpu.contains("changed"),
        "{kpu}"
    );
    let indexing = stdout
        .lines()
        .find(|l| l.starts_with("serverless.indexing-ocu-hour"))
        .expect("a new row");
    assert!(indexing.contains("new"), "{indexing}");
    assert!(stdout.contains("kept from the embedded table"), "{stdout}");
    assert_eq!(records.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&records.stderr).contains("no product matched"));
    let records: Vec<Value> = String::from_utf8_lossy(&records.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kpu = records
        .iter()
        .find(|r| r["unit"] == "flink.kpu-hour")
        .expect("a KPU record");
    assert_eq!(
        kpu,
        &serde_json::json!({"type": "refreshed", "unit": "flink.kpu-hour", "region": "us-east-2",
                            "old_usd": 0.11, "new_usd": 0.12, "status": "changed"})
    );
    let summary = records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["rows"], records.len() - 1);
    assert!(summary["changed"].as_u64().unwrap() >= 1, "{summary}");
    assert!(summary["failures"][0]
        .as_str()
        .unwrap()
        .contains("serverless.storage-gb-month"));
    assert!(summary["cache_file"]
        .as_str()
        .unwrap()
        .ends_with("prices-json.csv"));

    // The cache is a price file: estimates read it with --price-file.
    let (code, json_out, stderr) = cost(&[
        "flink",
        "--parallelism",
        "4",
        "--region",
        "us-east-2",
        "--format",
        "json",
        "--price-file",
        cache.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let e: Value = serde_json::from_str(&json_out).unwrap();
    assert!(close(&e["line_items"][0]["unit_price_usd"], 0.12), "{e}");
    assert_eq!(e["line_items"][0]["price_as_of"], "2026-11-20");
    assert!(e["line_items"][0]["price_source"]
        .as_str()
        .unwrap()
        .contains("CTM45M8ZR5DRHWBM"));
}

/// `--json`: each line one JSON object with a `type`, the last the summary.
fn records(args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, stdout, stderr) = cost(&all);
    let records: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        records.iter().all(|r| r["type"].is_string()),
        "{stdout}{stderr}"
    );
    assert_eq!(
        records.last().map(|r| &r["type"]),
        Some(&Value::from("summary"))
    );
    (code, records)
}

/// `--json` is the record stream every command prints: the document's estimates, workloads and
/// price rows as typed records, with the same exact numbers, then a summary with the totals and
/// the budgets broken. `--format json` keeps the one document.
#[test]
fn json_is_typed_records_with_the_document_s_values_and_a_summary() {
    use serde_json::json as j;
    let one = ["flink", "--parallelism", "4", "--region", "us-east-2"];
    let (code, r) = records(&one);
    assert_eq!(code, 0);
    assert_eq!(r[0], json(&one), "the estimate record is the document");
    assert_eq!(
        r[1],
        j!({"type": "summary", "estimates": 1, "max_total_usd": 421.5, "breaches": []})
    );

    let two = [
        "flink",
        "--parallelism",
        "4",
        "--region",
        "us-east-2,eu-central-1",
    ];
    let document = json(&two);
    let (code, r) = records(&two);
    assert_eq!(code, 0);
    assert_eq!(r.len(), 3);
    assert_eq!(
        Value::from(r[..2].to_vec()),
        document,
        "one record per region"
    );
    let highest = document[0]["total_usd"]
        .as_f64()
        .unwrap()
        .max(document[1]["total_usd"].as_f64().unwrap());
    assert!(close(&r[2]["max_total_usd"], highest), "{}", r[2]);
    let (code, r) = records(&[&two[..], &["--fail-above", "100"]].concat());
    assert_eq!(code, 1);
    assert_eq!(
        r.last().unwrap()["breaches"],
        j!([{"budget": "fail_above", "total_usd": highest, "limit_usd": 100}])
    );

    let dir = crate::common::tmp();
    let old = write(dir.path(), "old.toml", OLD_PLAN);
    let new = write(dir.path(), "new.yaml", NEW_PLAN);
    let document = json(&["plan", &old]);
    let (code, r) = records(&["plan", &old]);
    assert_eq!(code, 0);
    assert_eq!(Value::from(r[..2].to_vec()), document["workloads"]);
    assert_eq!(
        r[2],
        j!({"type": "summary", "workloads": 2, "total_usd": 997.5, "breaches": []})
    );

    let document = json(&["diff", &old, &new]);
    let (code, r) = records(&["diff", &old, &new, "--fail-if-increase-pct", "50"]);
    assert_eq!(code, 1, "a 69% rise breaks a 50% budget");
    let workloads = document["workloads"].as_array().unwrap();
    assert_eq!(r.len(), workloads.len() + 1);
    for (record, workload) in r.iter().zip(workloads) {
        let change = workload["new_usd"].as_f64().unwrap_or(0.0)
            - workload["old_usd"].as_f64().unwrap_or(0.0);
        assert!(close(&record["change_usd"], change), "{record}");
        let mut expected = workload.clone();
        expected["type"] = j!("workload");
        expected["change_usd"] = record["change_usd"].clone();
        assert_eq!(record, &expected);
    }
    let summary = r.last().unwrap();
    for key in ["old_total_usd", "new_total_usd", "change_usd", "change_pct"] {
        assert_eq!(summary[key], document[key], "{key}");
    }
    assert_eq!(summary["workloads"], 3);
    assert_eq!(
        summary["breaches"],
        j!([{"budget": "fail_if_increase_pct", "limit_pct": 50}])
    );

    let document = json(&["prices", "--region", "us-east-2"]);
    let (code, r) = records(&["prices", "--region", "us-east-2"]);
    assert_eq!(code, 0);
    let rows = document.as_array().unwrap();
    assert_eq!(r.len(), rows.len() + 1);
    for (record, row) in r.iter().zip(rows) {
        let mut expected = row.clone();
        expected["type"] = j!("price");
        assert_eq!(record, &expected);
    }
    assert_eq!(
        r.last().unwrap(),
        &j!({"type": "summary", "rows": rows.len()})
    );
}

/// `--output FORMAT` is the old spelling of `--format FORMAT`: it still works for a release,
/// prints the same, and says so on stderr.
#[test]
fn the_old_output_spelling_still_works_with_a_warning() {
    let dir = crate::common::tmp();
    let old_plan = write(dir.path(), "old.toml", OLD_PLAN);
    for args in [
        vec![
            "glue",
            "--dpus",
            "6",
            "--minutes",
            "15",
            "--region",
            "us-east-1",
        ],
        vec!["plan", &old_plan],
        vec!["prices", "--region", "us-east-2"],
    ] {
        for format in ["table", "json", "csv"] {
            let (new_code, new, new_err) = cost(&[&args[..], &["--format", format]].concat());
            let (old_code, old, old_err) = cost(&[&args[..], &["--output", format]].concat());
            assert_eq!((new_code, old_code), (0, 0), "{args:?} {format}: {old_err}");
            assert_eq!(old, new, "{args:?} {format}");
            assert_eq!(new_err, "", "{args:?} {format}");
            assert_eq!(
                old_err,
                format!("warning: --output {format} is deprecated; use --format {format}\n"),
                "{args:?}"
            );
        }
    }
    let (code, _, stderr) = cost(&[
        "prices",
        "--region",
        "us-east-2",
        "--output",
        "json",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 2, "{stderr}");
}

/// Found by `cost live`'s saturation test: a parallelism near u32::MAX overflowed the billed
/// KPUs (+1 orchestration) and the autoscaling what-if (× 2).
#[test]
fn a_parallelism_near_u32_max_prices_without_overflow() {
    let e = json(&[
        "flink",
        "--parallelism",
        "4294967295",
        "--region",
        "us-east-1",
    ]);
    assert_eq!(e["billed_kpus"], 4294967296_u64, "{e}");
    // 4294967296 KPUs × $0.11 × 730 h + 4294967295 × 50 GB × $0.10.
    assert!(
        close(
            &e["total_usd"],
            4294967296.0 * 0.11 * 730.0 + 4294967295.0 * 5.0
        ),
        "{e}"
    );
}
