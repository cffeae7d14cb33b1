//! The worked examples of specs/cost.md (b) as golden tests (exact decimals), every rule's
//! limits, and the property that cost never falls when a quantity rises. This file holds the
//! helpers, the price table, schedules, that property and parse errors; the examples are in
//! `streaming` (Flink, OpenSearch Ingestion) and `search_and_batch` (OpenSearch Serverless,
//! Glue, Athena, EMR Serverless).

mod search_and_batch;
mod streaming;

use proptest::prelude::*;
use rust_decimal::dec;
use rust_decimal::Decimal;

use super::emr::{emr_serverless, emr_usage, Arch, EmrRun, EmrUsage};
use super::flink::{self, Flink};
use super::glue::{athena_spark, dpus_per_worker, glue, AthenaSpark, GlueRun};
use super::opensearch::{ingestion, parse_rate, serverless, Ingestion, Serverless};
use super::*;

fn prices() -> Prices {
    Prices::embedded()
}

fn month(days: u32) -> Schedule {
    Schedule::new(None, Some(days.into()), None).unwrap()
}

fn line(e: &Estimate, unit: &str) -> Decimal {
    e.line_items
        .iter()
        .find(|l| l.unit == unit)
        .map(|l| l.amount_usd)
        .unwrap_or_else(|| panic!("no {unit} line in {e:?}"))
}

#[test]
fn embedded_table_is_valid_and_dated() {
    let p = prices();
    for row in p.rows(None) {
        assert!(!row.source.is_empty() && row.as_of.len() == 10, "{row:?}");
    }
    for region in [
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-1",
        "ap-northeast-1",
    ] {
        for unit in [
            "flink.kpu-hour",
            "glue.dpu-hour",
            "athena.spark-dpu-hour",
            "emr.arm64-vcpu-hour",
        ] {
            p.get(unit, region).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    assert_eq!(
        p.get("flink.kpu-hour", "us-east-2").unwrap().usd,
        dec!(0.11)
    );
}

#[test]
fn a_missing_price_is_an_error_never_a_fallback() {
    let err = prices()
        .get("serverless.indexing-ocu-hour", "eu-west-1")
        .unwrap_err();
    assert!(
        matches!(
            &err,
            CostError::MissingPrice { unit, region }
                if unit == "serverless.indexing-ocu-hour" && region == "eu-west-1"
        ),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("--price serverless.indexing-ocu-hour=USD"));
    let mut p = prices();
    p.set_override("serverless.indexing-ocu-hour", dec!(0.26))
        .unwrap();
    assert_eq!(
        p.get("serverless.indexing-ocu-hour", "eu-west-1")
            .unwrap()
            .usd,
        dec!(0.26)
    );
    assert!(p.set_override("flink.kpu", dec!(1)).is_err());
    assert!(
        Prices::parse("unit,region,usd,source,as_of\nflink.kpu-hour,us-east-1,x,s,d\n").is_err()
    );
}

#[test]
fn schedules() {
    assert_eq!(
        Schedule::new(None, None, None).unwrap(),
        Schedule::ALWAYS_ON
    );
    let s = Schedule::new(Some(dec!(12)), Some(dec!(20)), None).unwrap();
    assert_eq!((s.running_hours, s.month_hours), (dec!(240), dec!(480)));
    assert!(Schedule::new(Some(dec!(25)), None, None).is_err());
    assert!(Schedule::new(Some(dec!(1)), None, Some(dec!(10))).is_err());
}

fn money() -> impl Strategy<Value = Decimal> {
    (1u32..10_000).prop_map(|n| Decimal::from(n) / dec!(100))
}

proptest! {
    /// Cost never decreases when any quantity increases.
    #[test]
    fn cost_is_monotonic(
        parallelism in 1u32..200,
        per_kpu in 1u32..=8,
        extra in 1u32..50,
        hours in money(),
        more in money(),
        ocus in 1u32..90,
        gb in money(),
    ) {
        let p = prices();
        let schedule = Schedule::new(None, None, Some(hours.min(dec!(700)))).unwrap();
        let longer = Schedule::new(None, None, Some((hours + more).min(dec!(744)))).unwrap();
        let f = |parallelism, s| flink::estimate(&Flink { parallelism, parallelism_per_kpu: per_kpu, snapshot_gb: gb, ..Flink::default() }, "us-east-1", s, &p).unwrap().total_usd;
        prop_assert!(f(parallelism + extra, schedule) >= f(parallelism, schedule));
        prop_assert!(f(parallelism, longer) >= f(parallelism, schedule));
        let i = |ocus: u32, s| ingestion(&Ingestion { ocus: Some(ocus.into()), ..Ingestion::default() }, "us-east-1", s, &p).unwrap().total_usd;
        prop_assert!(i(ocus + 1, schedule) >= i(ocus, schedule));
        prop_assert!(i(ocus, longer) >= i(ocus, schedule));
        let s = |storage_gb| serverless(&Serverless { storage_gb, ..Serverless::default() }, "us-east-1", schedule, &p).unwrap().total_usd;
        prop_assert!(s(gb + more) >= s(gb));
        let g = |dpus, minutes| glue(&GlueRun { dpus, worker_type: None, minutes, runs_per_month: dec!(1), flex: false, crawler: false }, "us-east-1", &p).unwrap().total_usd;
        prop_assert!(g(gb + more, hours) >= g(gb, hours));
        prop_assert!(g(gb, hours + more) >= g(gb, hours));
        let e = |workers| emr_serverless(&EmrRun { workers, vcpu: dec!(4), memory_gb: dec!(16), storage_gb: dec!(40), minutes: hours, runs_per_month: dec!(1), arch: Arch::Arm64 }, "us-east-1", &p).unwrap().total_usd;
        prop_assert!(e(gb + more) >= e(gb));
    }
}

#[test]
fn plan_and_price_table_parse_errors_keep_the_parser_error_as_their_cause() {
    use std::error::Error as _;
    let toml = plan::parse(
        "p.toml",
        "region = \"us-east-1\"\n[[workloads]\nname = \"x\"\n",
    )
    .unwrap_err();
    assert!(
        toml.to_string().starts_with("plan p.toml: not valid TOML"),
        "{toml}"
    );
    let cause = toml.source().expect("the TOML parser's error is the cause");
    assert!(cause.to_string().contains("line 2"), "{cause}");
    crate::error::assert_causes_shown_once(&toml);

    let typo = plan::parse(
        "p.toml",
        "region = \"us-east-1\"\n[[workloads]]\nname = \"x\"\nservice = \"flink\"\nparalelism = 4\n",
    )
    .unwrap_err();
    assert_eq!(typo.to_string(), "plan p.toml: workload \"x\"");
    let cause = typo.source().expect("serde's error is the cause");
    assert!(
        cause.to_string().contains("unknown field `paralelism`"),
        "{cause}"
    );

    let table = Prices::parse("unit,region,usd,source,as_of\nflink.kpu-hour,us-east-1,abc,x,y\n")
        .unwrap_err();
    assert!(
        table
            .to_string()
            .starts_with("price table line 2: price \"abc\""),
        "{table}"
    );
    assert!(
        table.source().is_some(),
        "the decimal parser's error is the cause"
    );
    crate::error::assert_causes_shown_once(&table);
}
