//! The reports' budgets and their `--json` shape, without the binary.

use std::path::Path;

use rust_decimal::dec;
use serde::Serialize;
use serde_json::{json, Value};

use super::json::Exact;
use super::*;
use crate::cost::workload::{FlinkSpec, Workload};

fn flink(parallelism: u32, regions: &[&str], fail_above: Option<Decimal>) -> EstimateOptions {
    EstimateOptions {
        workload: Workload::Flink(FlinkSpec {
            parallelism: Some(parallelism),
            parallelism_per_kpu: 1,
            ..FlinkSpec::default()
        }),
        regions: regions.iter().map(|r| r.to_string()).collect(),
        schedule: [None; 3],
        prices: PriceOptions::default(),
        explain: false,
        fail_above,
    }
}

fn to_json(report: &impl Serialize) -> Value {
    serde_json::to_value(report).unwrap()
}

fn plan_options(fail_above: Option<Decimal>) -> PlanOptions {
    PlanOptions {
        region: Some("us-east-1".into()),
        prices: PriceOptions::default(),
        explain: false,
        fail_above,
    }
}

fn plan_file(dir: &Path, name: &str, ocus: &str) -> PathBuf {
    let path = dir.join(name);
    let text = format!("[[workloads]]\nname = \"logs\"\nservice = \"ingestion\"\nocus = {ocus}\n");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn json_numbers_keep_the_decimal_digits() {
    let number = |d: Decimal| to_json(&Exact(d));
    assert_eq!(number(dec!(0.0184184)).to_string(), "0.0184184");
    assert_eq!(number(dec!(4.000)).to_string(), "4");
    assert_eq!(number(dec!(0.00000000001)).to_string(), "0");
    assert_eq!(
        number(dec!(2300000000000000005.25)).to_string(),
        "2300000000000000000",
        "15 significant digits, the most a double holds, and an integer stays one"
    );
    assert_eq!(to_json(&None::<Decimal>.map(Exact)), Value::Null);
}

#[test]
fn one_region_is_an_object_several_an_array() {
    let one = estimate(&flink(4, &["us-east-2"], None)).unwrap();
    let value = to_json(&one);
    assert_eq!(value["type"], "estimate");
    assert_eq!(value["total_usd"], json!(421.5));
    assert_eq!(
        (value["kpus"].clone(), value["billed_kpus"].clone()),
        (json!(4), json!(5))
    );
    assert!(value["line_items"][0].get("formula").is_none());
    let mut explained = flink(4, &["us-east-2", "eu-central-1"], None);
    explained.explain = true;
    let both = to_json(&estimate(&explained).unwrap());
    assert_eq!(both.as_array().map(Vec::len), Some(2));
    assert_eq!(both[1]["region"], "eu-central-1");
    assert_eq!(both[0]["line_items"][0]["formula"], "5 KPUs × 730 h");
}

#[test]
fn fail_above_checks_the_highest_region() {
    let report = estimate(&flink(4, &["us-east-2", "eu-central-1"], Some(dec!(450)))).unwrap();
    assert_eq!(
        report.breaches,
        [Breach::Above {
            total_usd: dec!(505.6),
            limit_usd: dec!(450)
        }]
    );
    let within = estimate(&flink(4, &["us-east-2", "eu-central-1"], Some(dec!(505.6)))).unwrap();
    assert!(
        within.breaches.is_empty(),
        "equal to the limit is within it"
    );
}

#[test]
fn unknown_regions_and_no_region_are_errors() {
    let err = estimate(&flink(4, &["mars-north-1"], None)).err().unwrap();
    assert!(
        err.to_string()
            .starts_with("unknown region \"mars-north-1\" (the price table has: "),
        "{err}"
    );
    assert!(estimate(&flink(4, &[], None)).is_err());
    let err = prices(Some("nowhere"), &PriceOptions::default())
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .starts_with("no prices for region \"nowhere\""),
        "{err}"
    );
}

#[test]
fn diff_budgets_come_increase_first() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (
        plan_file(dir.path(), "old.toml", "10"),
        plan_file(dir.path(), "new.toml", "12"),
    );
    let report = diff(&old, &new, Some(dec!(10)), &plan_options(Some(dec!(1000)))).unwrap();
    assert_eq!(report.change_pct, Some(dec!(20)));
    assert_eq!(
        report.breaches,
        [
            Breach::Increase {
                limit_pct: dec!(10)
            },
            Breach::Above {
                total_usd: report.diff.new_total_usd,
                limit_usd: dec!(1000)
            }
        ]
    );
    let value = to_json(&report);
    assert_eq!(value["type"], "diff");
    assert_eq!(value["change_pct"], json!(20));
    assert_eq!(
        value["workloads"][0],
        json!({"name": "logs", "old_usd": 1752, "new_usd": 2102.4})
    );
    let within = diff(&old, &new, Some(dec!(20)), &plan_options(None)).unwrap();
    assert!(
        within.breaches.is_empty(),
        "a 20% rise is within a 20% budget"
    );
}

#[test]
fn a_rise_from_zero_breaks_any_increase_budget() {
    let zero = PlanDiff {
        changes: Vec::new(),
        old_total_usd: Decimal::ZERO,
        new_total_usd: dec!(0.01),
    };
    assert!(increase(Some(dec!(1000)), &zero).is_some());
    let flat = PlanDiff {
        new_total_usd: Decimal::ZERO,
        ..zero
    };
    assert!(increase(Some(dec!(0)), &flat).is_none());
    assert!(increase(None, &flat).is_none());
}

#[test]
fn plans_name_their_workloads_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = plan_file(dir.path(), "plan.toml", "10");
    let report = plan(&file, &plan_options(Some(dec!(1000)))).unwrap();
    let value = to_json(&report);
    assert_eq!(
        (value["type"].clone(), value["total_usd"].clone()),
        (json!("plan"), json!(1752))
    );
    assert_eq!(value["workloads"][0]["name"], "logs");
    assert_eq!(value["workloads"][0]["type"], "estimate");
    assert_eq!(report.breaches.len(), 1);
    let missing = plan(&dir.path().join("none.toml"), &plan_options(None))
        .err()
        .unwrap();
    assert!(missing.to_string().contains("none.toml"), "{missing}");
    assert!(
        std::error::Error::source(&missing).is_some(),
        "the I/O error is its cause"
    );
}

#[test]
fn price_files_replace_rows_and_name_themselves_when_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.csv");
    std::fs::write(
        &file,
        "unit,region,usd,source,as_of\nflink.kpu-hour,us-east-2,0.125,t,2026-01-01\n",
    )
    .unwrap();
    let options = PriceOptions {
        file: Some(file.clone()),
        overrides: Vec::new(),
    };
    let report = prices(Some("us-east-2"), &options).unwrap();
    let kpu = report
        .rows
        .iter()
        .find(|r| r.unit == "flink.kpu-hour")
        .unwrap();
    assert_eq!(kpu.usd, dec!(0.125));
    assert!(to_json(&report)[0]["usd"].is_number());
    std::fs::write(
        &file,
        "unit,region,usd,source,as_of\nflink.kpu-hour,us-east-2,abc,t,2026-01-01\n",
    )
    .unwrap();
    let err = options.load().err().unwrap();
    assert!(err.to_string().starts_with("invalid price file "), "{err}");
}
