//! `lakeops cost live`, `cost plan --from-live` and `cost actual` against moto's Flink
//! (kinesisanalyticsv2), Ingestion (osis), Serverless (opensearchserverless), CloudWatch and
//! Cost Explorer: resources created and metrics seeded with boto3, the verdicts, savings and
//! totals checked to the cent against the price table (us-east-1: $0.11 per KPU-hour, $0.10 per
//! running-storage GB-month, $0.24 per Ingestion and Serverless OCU-hour, 730 hours).

use serde_json::{json, Value};

use crate::common::outcome;
use crate::moto::Moto;

/// Creates what `inp` lists and seeds hourly datapoints at :30 of each of the last hours, so
/// that every clock hour of the window holds one point.
const SEED: &str = r#"
import datetime
def c(name):
    return boto3.client(name, endpoint_url=_ep, region_name="us-east-1")
kda, osis, aoss, cw = c("kinesisanalyticsv2"), c("osis"), c("opensearchserverless"), c("cloudwatch")
for a in inp.get("apps", []):
    studio = {"ApplicationMode": "INTERACTIVE"} if a.get("studio") else {}
    kda.create_application(
        **studio,
        ApplicationName=a["name"], RuntimeEnvironment="ZEPPELIN-FLINK-3_0" if studio else "FLINK-1_18",
        ServiceExecutionRole="arn:aws:iam::123456789012:role/flink",
        ApplicationConfiguration={"FlinkApplicationConfiguration": {
            "ParallelismConfiguration": {"ConfigurationType": "CUSTOM", "Parallelism": a["p"],
                                         "ParallelismPerKPU": a["ppk"], "AutoScalingEnabled": False},
            # moto describes the parallelism only when monitoring is configured too.
            "MonitoringConfiguration": {"ConfigurationType": "DEFAULT"}}})
body = 'version: "2"\nlog-pipeline:\n  source:\n    http:\n      path: "/logs"\n  sink:\n    - stdout: {}\n'
for p in inp.get("pipelines", []):
    osis.create_pipeline(PipelineName=p["name"], MinUnits=p["min"], MaxUnits=p["max"],
                         PipelineConfigurationBody=body)
if inp.get("collections"):
    aoss.create_security_policy(name="enc", type="encryption", policy=json.dumps({
        "Rules": [{"ResourceType": "collection", "Resource": ["collection/" + n for n in inp["collections"]]}],
        "AWSOwnedKey": False, "KmsARN": "arn:aws:kms:us-east-1:123456789012:key/lake"}))
    for n in inp["collections"]:
        aoss.create_collection(name=n, type="SEARCH")
now = datetime.datetime.now(datetime.timezone.utc).replace(minute=30, second=0, microsecond=0)
for s in inp.get("series", []):
    data = [{"MetricName": s["metric"], "Dimensions": [{"Name": s["dim"], "Value": s["value"]}],
             "Timestamp": now - datetime.timedelta(hours=h + 1), "Value": s["v"]} for h in range(s["n"])]
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace=s["ns"], MetricData=data[i:i + 500])
out(True)
"#;

fn flink(app: &str, metric: &str, v: f64, n: usize) -> Value {
    json!({"ns": "AWS/KinesisAnalytics", "metric": metric, "dim": "Application", "value": app, "v": v, "n": n})
}

fn run(moto: &Moto, args: &[&str]) -> (i32, String, String) {
    outcome(
        moto.lakeops()
            .arg("cost")
            .args(args)
            .output()
            .expect("run lakeops"),
    )
}

fn records(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn usd(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn cents(v: &Value, expected: f64) {
    assert!((usd(v) - expected).abs() < 0.005, "{v} != {expected}");
}

/// Seven Flink applications (idle, busy, right-sized, I/O-bound, too few points, no metrics, a
/// Studio notebook), a pipeline and a Serverless collection, with 14 days of hourly metrics.
fn seeded() -> Moto {
    let moto = Moto::start();
    let mut series = Vec::new();
    for (app, cpu, memory) in [
        ("idle", 10.0, 15.0),
        ("busy", 85.0, 60.0),
        ("right", 60.0, 40.0),
        ("io", 10.0, 30.0),
    ] {
        series.push(flink(app, "containerCPUUtilization", cpu, 336));
        series.push(flink(app, "containerMemoryUtilization", memory, 336));
    }
    series.push(flink("idle", "KPUs", 9.0, 336));
    series.push(flink("sparse", "containerCPUUtilization", 5.0, 10));
    series.push(flink("sparse", "containerMemoryUtilization", 5.0, 10));
    series.push(json!({"ns": "AWS/OSIS", "metric": "computeUnits", "dim": "PipelineName", "value": "logs", "v": 2.0, "n": 336}));
    for metric in ["IndexingOCU", "SearchOCU"] {
        series.push(json!({"ns": "AWS/AOSS", "metric": metric, "dim": "ClientId", "value": "123456789012", "v": 2.0, "n": 336}));
    }
    moto.py(
        SEED,
        &json!({
            "apps": [
                {"name": "idle", "p": 8, "ppk": 1},
                {"name": "busy", "p": 4, "ppk": 1},
                {"name": "right", "p": 4, "ppk": 2},
                {"name": "io", "p": 4, "ppk": 1},
                {"name": "sparse", "p": 2, "ppk": 1},
                {"name": "silent", "p": 1, "ppk": 1},
                {"name": "notebook", "p": 1, "ppk": 1, "studio": true},
            ],
            "pipelines": [{"name": "logs", "min": 2, "max": 20}],
            "collections": ["docs"],
            "series": series,
        }),
    );
    moto
}

#[test]
fn cost_live_verdicts_savings_budget_and_plan_round_trip() {
    let moto = seeded();
    let (code, stdout, stderr) = run(&moto, &["live", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let all = records(&stdout);
    let resource = |name: &str| {
        all.iter()
            .find(|r| r["type"] == "resource" && r["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {stdout}"))
    };
    // (name, verdict, configured, recommended, saving)
    let expected = [
        // 8 + 1 KPUs; CPU 10%, memory 15% -> ceil(8 × 15 / 50) = 3 KPUs + 1.
        ("idle", "over-provisioned", 762.70, Some(336.20), 426.50),
        // CPU p50 85% -> parallelism doubled to 8.
        ("busy", "under-provisioned", 421.50, Some(762.70), -341.20),
        // 4 tasks at 2 per KPU: 2 + 1 KPUs, CPU 60%.
        ("right", "right-sized", 250.90, None, 0.0),
        // CPU 10% with memory 30% at one task per KPU -> 2 per KPU.
        (
            "io",
            "consider-parallelism-per-kpu",
            421.50,
            Some(250.90),
            170.60,
        ),
        ("sparse", "not-enough-data", 250.90, None, 0.0),
        ("silent", "not-enough-data", 165.60, None, 0.0),
        // A Studio notebook: 1 KPU + 2.
        ("notebook", "not-enough-data", 245.90, None, 0.0),
        // 20 OCUs configured, 2 used (10%) -> a maximum of 4.
        ("logs", "over-provisioned", 3504.00, Some(700.80), 2803.20),
        // Capacity limits 20 + 20 (the recorded GetAccountSettings), 2 + 2 used -> 4 + 4.
        (
            "account 123456789012",
            "over-provisioned",
            7008.00,
            Some(1401.60),
            5606.40,
        ),
    ];
    for (name, verdict, configured, recommended, saving) in expected {
        let r = resource(name);
        assert_eq!(r["verdict"], verdict, "{r}");
        cents(&r["configured_usd"], configured);
        match recommended {
            Some(v) => cents(&r["recommended_usd"], v),
            None => assert!(r["recommended_usd"].is_null(), "{r}"),
        }
        cents(&r["saving_usd"], saving);
        assert!(
            r["reason"].as_str().unwrap().contains("starting point")
                || verdict == "not-enough-data",
            "{r}"
        );
    }
    // Evidence: p50/p95 and datapoints per metric.
    let idle = resource("idle");
    assert_eq!(idle["evidence"][0]["metric"], "containerCPUUtilization");
    assert_eq!(idle["evidence"][0]["datapoints"], 336);
    assert_eq!(idle["evidence"][1]["p95"], 15.0);
    // Used capacity, time-weighted: the KPUs metric says 9 billed KPUs all along.
    cents(&idle["used_usd"], 762.70);
    cents(&resource("logs")["used_usd"], 350.40);
    assert!(resource("silent")["used_usd"].is_null());
    assert!(resource("sparse")["reason"]
        .as_str()
        .unwrap()
        .starts_with("10 hourly datapoints in 14 days"));

    let summary = all.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["resources"], 9);
    cents(&summary["configured_usd"], 13031.00);
    cents(&summary["waste_usd"], 9006.70);
    assert_eq!(summary["get_metric_data_requests"], 1);

    // The budget, for cron and CI.
    let (code, _, stderr) = run(&moto, &["live", "--fail-if-waste-above", "9006.69"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("wastes $9,006.70 a month"), "{stderr}");
    let (code, stdout, stderr) = run(&moto, &["live", "--fail-if-waste-above", "9006.70"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("consider parallelism per KPU > 1"),
        "{stdout}"
    );

    // The running resources as a plan, priced by `cost plan`: the same total.
    let (code, plan, stderr) = run(&moto, &["plan", "--from-live", "--region", "us-east-1"]);
    assert_eq!(code, 0, "{stderr}");
    let dir = crate::common::tmp();
    let file = dir.path().join("live.toml");
    std::fs::write(&file, &plan).unwrap();
    let (code, priced, stderr) = run(&moto, &["plan", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}\n{plan}");
    let priced: Value = serde_json::from_str(&priced).unwrap();
    cents(&priced["total_usd"], 13031.00);
    assert_eq!(priced["workloads"].as_array().unwrap().len(), 9, "{priced}");
    assert!(plan.contains("name = \"us-east-1/flink/notebook\"\nparallelism = 1\nparallelism_per_kpu = 1\nregion = \"us-east-1\"\nservice = \"flink\"\nstudio = true"), "{plan}");
    // And `cost diff` shows what the recommended change to `idle` saves.
    let proposed = dir.path().join("proposed.toml");
    let idle_block = "name = \"us-east-1/flink/idle\"\nparallelism = 8";
    assert!(plan.contains(idle_block), "{plan}");
    std::fs::write(
        &proposed,
        plan.replace(
            idle_block,
            "name = \"us-east-1/flink/idle\"\nparallelism = 3",
        ),
    )
    .unwrap();
    let (code, diff, stderr) = run(
        &moto,
        &[
            "diff",
            file.to_str().unwrap(),
            proposed.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let diff: Value = serde_json::from_str(&diff).unwrap();
    cents(&diff["change_usd"], -426.50);
}

#[test]
fn cost_live_in_a_region_with_nothing_running_reports_nothing() {
    let moto = seeded();
    let (code, stdout, stderr) = run(&moto, &["live", "--region", "eu-west-1", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let all = records(&stdout);
    assert_eq!(all.len(), 1, "{stdout}");
    assert_eq!(all[0]["resources"], 0);
    assert_eq!(all[0]["get_metric_data_requests"], 0);
    cents(&all[0]["configured_usd"], 0.0);
    let (code, stdout, _) = run(&moto, &["live", "--region", "eu-west-1"]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("nothing running in eu-west-1"),
        "{stdout}"
    );
}

#[test]
fn cost_live_reads_a_region_named_twice_once_and_refuses_odd_arguments() {
    let moto = seeded();
    let (code, stdout, stderr) = run(
        &moto,
        &[
            "live",
            "--region",
            "us-east-1,eu-west-1,us-east-1",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let summary = records(&stdout).pop().unwrap();
    assert_eq!(summary["resources"], 9, "{summary}");
    assert_eq!(summary["regions"], json!(["us-east-1", "eu-west-1"]));
    for (args, message) in [
        (&["live", "--region", ""][..], "an empty region name"),
        (&["live", "--days", "0"][..], "--days must be 1..=455"),
        (&["live", "--days", "456"][..], "--days must be 1..=455"),
    ] {
        let (code, _, stderr) = run(&moto, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn cost_live_over_two_hundred_resources_batches_get_metric_data() {
    let moto = Moto::start();
    let apps: Vec<Value> = (0..170)
        .map(|i| json!({"name": format!("app-{i:03}"), "p": 2, "ppk": 1}))
        .collect();
    let pipelines: Vec<Value> = (0..30)
        .map(|i| json!({"name": format!("pipe-{i:02}"), "min": 1, "max": 4}))
        .collect();
    moto.py(SEED, &json!({"apps": apps, "pipelines": pipelines}));
    let ((code, stdout, stderr), rec) = moto.record(|| run(&moto, &["live", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    let summary = records(&stdout).pop().unwrap();
    assert_eq!(summary["resources"], 200);
    // 170 × 3 + 30 series: 540, in batches of 500.
    assert_eq!(summary["get_metric_data_requests"], 2);
    let metric_calls = rec
        .0
        .iter()
        .filter(|r| r.url.ends_with("/GetMetricData"))
        .count();
    assert_eq!(metric_calls, 2);
    // One list page per service, one describe per resource, and the two metric batches.
    assert!(rec.0.len() <= 200 + 3 + 2, "{} requests", rec.0.len());
}

#[test]
fn cost_live_names_the_iam_action_of_a_refused_call() {
    let moto = Moto::start();
    // Nothing listens on port 9 (discard): the first call fails, and the error says which.
    let (code, _, stderr) = run(
        &moto,
        &[
            "live",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--service",
            "ingestion",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("osis:ListPipelines in us-east-1"),
        "{stderr}"
    );
}

#[test]
fn cost_actual_variance_against_the_bill_and_its_budget() {
    let moto = Moto::start();
    let dir = crate::common::tmp();
    let plan = dir.path().join("plan.toml");
    // Flink 4 + 1 KPUs: $421.50; Ingestion 2 OCUs: $350.40.
    std::fs::write(
        &plan,
        "region = \"us-east-1\"\n[[workloads]]\nname = \"clicks\"\nservice = \"flink\"\nparallelism = 4\n\
         [[workloads]]\nname = \"logs\"\nservice = \"ingestion\"\nocus = 2\n",
    )
    .unwrap();
    let group = |service: &str, usage: &str, amount: &str| json!({"Keys": [service, usage], "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}});
    let result = json!({"results": [{
        "ResultsByTime": [{
            "TimePeriod": {"Start": "2026-11-01", "End": "2026-12-01"}, "Total": {}, "Estimated": false,
            "Groups": [
                group("Amazon Kinesis Analytics", "USE1-KPU-Hour-Java", "480.00"),
                group("Amazon Kinesis Analytics", "USE1-RunningApplicationStorage", "20.00"),
                group("Amazon OpenSearch Service", "USE1-IngestionOCU", "300.00"),
                group("Amazon Simple Storage Service", "USE1-TimedStorage-ByteHrs", "12.34"),
            ]}],
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
        "DimensionValueAttributes": []},
        // moto hands out queued results in order, one per distinct request body: this one goes
        // to the first request whose REGION filter differs from us-east-1's.
        {"ResultsByTime": [{
            "TimePeriod": {"Start": "2026-11-01", "End": "2026-12-01"}, "Total": {}, "Estimated": true,
            "Groups": [group("Amazon Kinesis Analytics", "EU-KPU-Hour-Java", "99.00")]}],
        "GroupDefinitions": [], "DimensionValueAttributes": []}]});
    moto.py(
        r#"
import requests
r = requests.post(_ep + "/moto-api/static/ce/cost-and-usage-results", json=inp)
out(r.status_code)
"#,
        &result,
    );
    let plan = plan.to_str().unwrap();
    let (code, stdout, stderr) = run(&moto, &["actual", plan, "--month", "2026-11", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let all = records(&stdout);
    let service = |name: &str| {
        all.iter()
            .find(|r| r["type"] == "service" && r["service"] == name)
            .unwrap_or_else(|| panic!("no {name} in {stdout}"))
    };
    cents(&service("flink")["planned_usd"], 421.50);
    cents(&service("flink")["actual_usd"], 500.00);
    cents(&service("flink")["variance_usd"], 78.50);
    cents(&service("flink")["variance_pct"], 18.62);
    cents(&service("ingestion")["variance_usd"], -50.40);
    let other = all.iter().find(|r| r["type"] == "other").unwrap();
    assert_eq!(other["ce_service"], "Amazon Simple Storage Service");
    let summary = all.last().unwrap();
    cents(&summary["planned_usd"], 771.90);
    cents(&summary["actual_usd"], 800.00);
    cents(&summary["other_usd"], 12.34);
    assert_eq!(summary["regions"], json!(["us-east-1"]));
    assert_eq!(summary["estimated"], json!(false));

    // Flink is 18.6% over: a 10% budget fails, a 20% one passes.
    let (code, _, stderr) = run(
        &moto,
        &[
            "actual",
            plan,
            "--month",
            "2026-11",
            "--fail-if-variance-pct",
            "10",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("flink was billed 18.6% over its plan"),
        "{stderr}"
    );
    let (code, stdout, stderr) = run(
        &moto,
        &[
            "actual",
            plan,
            "--month",
            "2026-11",
            "--fail-if-variance-pct",
            "20",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("total (2026-11)"), "{stdout}");
    let (code, _, stderr) = run(&moto, &["actual", plan, "--month", "2026-13"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--month must be YYYY-MM"), "{stderr}");
    // The bill is read for the plan's regions only: a plan in eu-west-1 sends another REGION
    // filter (so moto answers with the next queued result), and us-east-1's plan gets its own
    // result again.
    let eu_plan = dir.path().join("eu.toml");
    std::fs::write(
        &eu_plan,
        "region = \"eu-west-1\"\n[[workloads]]\nname = \"clicks\"\nservice = \"flink\"\nparallelism = 4\n",
    )
    .unwrap();
    let eu_plan = eu_plan.to_str().unwrap();
    let (code, stdout, stderr) = run(&moto, &["actual", eu_plan, "--month", "2026-11", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let summary = records(&stdout).pop().unwrap();
    assert_eq!(summary["regions"], json!(["eu-west-1"]));
    cents(&summary["actual_usd"], 99.00);
    // Cost Explorer called that bill an estimate, and the report says so.
    assert_eq!(summary["estimated"], json!(true));
    let (_, stdout, _) = run(&moto, &["actual", eu_plan, "--month", "2026-11"]);
    assert!(stdout.contains("marks this bill as estimated"), "{stdout}");
    let (_, stdout, _) = run(&moto, &["actual", plan, "--month", "2026-11"]);
    assert!(
        stdout.contains("bill read for the plan's regions only: us-east-1"),
        "{stdout}"
    );
    assert!(stdout.contains("$800.00"), "{stdout}");

    // A month that has not started has no bill: refused before Cost Explorer is asked.
    let (code, _, stderr) = run(&moto, &["actual", plan, "--month", "2999-01"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--month 2999-01 has not started"),
        "{stderr}"
    );
}

#[test]
fn cost_live_names_the_iam_action_a_policy_denies() {
    let moto = seeded();
    // A user whose policy denies OpenSearch Ingestion, then moto's IAM checks switched on.
    let keys = moto.py(
        r#"
iam = boto3.client("iam", endpoint_url=_ep, region_name="us-east-1")
iam.create_user(UserName="viewer")
iam.put_user_policy(UserName="viewer", PolicyName="no-osis", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                  {"Effect": "Deny", "Action": "osis:*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="viewer")["AccessKey"]
import urllib.request
# A form content type would hide the body from moto (it reads the raw data).
urllib.request.urlopen(urllib.request.Request(_ep + "/moto-api/reset-auth", data=b"0", method="POST",
                                              headers={"Content-Type": "text/plain"})).read()
out({"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]})
"#,
        &json!({}),
    );
    let as_viewer = |args: &[&str]| {
        let output = moto
            .lakeops()
            .env("AWS_ACCESS_KEY_ID", keys["id"].as_str().unwrap())
            .env("AWS_SECRET_ACCESS_KEY", keys["secret"].as_str().unwrap())
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.code(), stderr)
    };
    let (code, stderr) = as_viewer(&["cost", "live"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("osis:ListPipelines in us-east-1"),
        "{stderr}"
    );
    // moto answers 403 without an error code; AWS's AccessDeniedException gets the same hint.
    assert!(
        stderr.contains("lack the IAM action named above"),
        "{stderr}"
    );
    // The Flink calls it may make went through: only the denied action fails the run.
    let (code, stderr) = as_viewer(&["cost", "live", "--service", "flink,serverless", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
}
