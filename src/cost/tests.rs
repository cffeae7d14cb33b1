//! The worked examples of specs/cost.md (b) as golden tests (exact decimals), every rule's
//! limits, and the property that cost never falls when a quantity rises.

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

#[test]
fn flink_f2_f3_f5_f6_f7_f8() {
    let p = prices();
    let cases = [
        (4, 1, "us-east-2", 5, dec!(401.50), dec!(20.00)),
        (4, 2, "us-east-2", 3, dec!(240.90), dec!(10.00)),
        (4, 1, "eu-central-1", 5, dec!(481.80), dec!(23.80)),
        (4, 1, "ap-northeast-1", 5, dec!(518.30), dec!(24.00)),
        (10, 1, "us-east-2", 11, dec!(883.30), dec!(50.00)),
        (8, 1, "us-east-2", 9, dec!(722.70), dec!(40.00)),
    ];
    for (parallelism, per_kpu, region, billed, compute, storage) in cases {
        let input = Flink {
            parallelism,
            parallelism_per_kpu: per_kpu,
            ..Flink::default()
        };
        let e = flink::estimate(&input, region, Schedule::ALWAYS_ON, &p).unwrap();
        assert_eq!(e.sizing("billed_kpus"), Some(Decimal::from(billed)));
        assert_eq!(
            line(&e, "KPU-hour"),
            compute,
            "{parallelism}/{per_kpu} {region}"
        );
        assert_eq!(line(&e, "GB-month"), storage);
        assert_eq!(e.total_usd, compute + storage);
    }
    assert_eq!(flink::parallelism_for_throughput(dec!(10)).unwrap(), 10);
}

#[test]
fn flink_aws_billing_doc_examples_exactly_not_as_printed() {
    let p = prices();
    let thirty_days = month(30);
    let big = Flink {
        parallelism: 20,
        snapshot_gb: dec!(1),
        ..Flink::default()
    };
    let e = flink::estimate(&big, "us-east-1", thirty_days, &p).unwrap();
    assert_eq!(e.line_items[0].quantity, dec!(15120));
    assert_eq!(
        line(&e, "KPU-hour"),
        dec!(1663.20),
        "the doc prints $1,584.00 (20 × 720 × 0.11)"
    );
    assert_eq!(e.line_items[1].amount_usd, dec!(100.00));
    assert_eq!(
        e.line_items[2].amount_usd,
        dec!(0.023),
        "the doc rounds up to $0.03"
    );

    let batch = Flink {
        parallelism: 2,
        runs: Some((dec!(30), dec!(15))),
        ..Flink::default()
    };
    let e = flink::estimate(&batch, "us-east-1", thirty_days, &p).unwrap();
    assert_eq!(e.line_items[0].quantity, dec!(22.5));
    assert_eq!(e.line_items[0].amount_usd, dec!(2.475));
    assert_eq!(
        cents(e.line_items[1].amount_usd),
        dec!(0.10),
        "100 GB × 7.5/720 × 0.10 = 0.1042"
    );

    // Dev runs of 30, 5 and 2 minutes with 4 KPUs: billed 30 + 10 + 10 = 50 minutes.
    let dev = |minutes: Decimal| Flink {
        parallelism: 4,
        runs: Some((dec!(1), minutes)),
        ..Flink::default()
    };
    let total: Decimal = [dec!(30), dec!(5), dec!(2)]
        .into_iter()
        .map(|m| {
            line(
                &flink::estimate(&dev(m), "us-east-1", thirty_days, &p).unwrap(),
                "KPU-hour",
            )
        })
        .sum();
    assert_eq!(cents(total), dec!(0.46));
    assert_eq!(total.round_dp(4), dec!(0.4583));
}

#[test]
fn flink_limits_and_advice() {
    let p = prices();
    let run = |f: Flink| flink::estimate(&f, "us-east-1", Schedule::ALWAYS_ON, &p);
    assert!(run(Flink {
        parallelism: 0,
        ..Flink::default()
    })
    .is_err());
    assert!(run(Flink {
        parallelism_per_kpu: 9,
        ..Flink::default()
    })
    .is_err());
    assert!(run(Flink {
        parallelism_per_kpu: 0,
        ..Flink::default()
    })
    .is_err());
    let studio = run(Flink {
        studio: true,
        ..Flink::default()
    })
    .unwrap();
    assert_eq!(
        studio.sizing("billed_kpus"),
        Some(dec!(3)),
        "Studio adds 2 KPUs"
    );
    let idle = run(Flink {
        cpu_utilization: Some(dec!(12)),
        memory_utilization: Some(dec!(15)),
        ..Flink::default()
    })
    .unwrap();
    assert!(idle.warnings[0].contains("over-provisioned"));
    let fine = run(Flink {
        cpu_utilization: Some(dec!(60)),
        ..Flink::default()
    })
    .unwrap();
    assert!(fine.warnings.is_empty());
    assert!(fine.assumptions.iter().any(|a| a.contains("right-sized")));
}

#[test]
fn ingestion_source_table() {
    let p = prices();
    let schedule = Schedule::new(Some(dec!(12)), Some(dec!(20)), None).unwrap();
    for (ocus, expected, pipelines) in [
        (10, dec!(576), 1),
        (100, dec!(5760), 2),
        (500, dec!(28800), 6),
        (1000, dec!(57600), 11),
        (5000, dec!(288000), 53),
    ] {
        let input = Ingestion {
            ocus: Some(ocus.into()),
            allow_over_limit: true,
            ..Ingestion::default()
        };
        let e = ingestion(&input, "us-east-1", schedule, &p).unwrap();
        assert_eq!(e.total_usd, expected, "{ocus} OCUs");
        assert_eq!(e.sizing("pipelines_needed"), Some(Decimal::from(pipelines)));
        assert_eq!(
            e.warnings.iter().any(|w| w.contains("exceed one pipeline")),
            ocus > 96
        );
    }
    let gbps = parse_rate("1Gbps").unwrap();
    let at_1gbps = |ocus: Option<Decimal>| {
        let input = Ingestion {
            ocus,
            throughput_mib_s: Some(gbps),
            ..Ingestion::default()
        };
        ingestion(&input, "us-east-1", schedule, &p).unwrap()
    };
    let e = at_1gbps(Some(dec!(10)));
    assert!(
        e.warnings
            .iter()
            .any(|w| w.contains("near 60 OCUs rather than 10")),
        "{:?}",
        e.warnings
    );
    let sized = at_1gbps(None);
    assert_eq!(sized.sizing("ocus"), Some(dec!(60)));
}

#[test]
fn ingestion_limits_and_schedules() {
    let p = prices();
    let run = |i: Ingestion, s: Schedule| ingestion(&i, "us-east-1", s, &p);
    assert_eq!(
        run(Ingestion::default(), Schedule::ALWAYS_ON)
            .unwrap()
            .total_usd,
        dec!(175.20)
    );
    let buffered = run(
        Ingestion {
            persistent_buffer: true,
            ..Ingestion::default()
        },
        Schedule::ALWAYS_ON,
    )
    .unwrap();
    assert_eq!(
        buffered.total_usd,
        dec!(350.40),
        "persistent buffering needs 2 OCUs"
    );
    let office = Schedule::new(Some(dec!(8)), Some(dec!(22)), None).unwrap();
    assert_eq!(
        run(
            Ingestion {
                ocus: Some(dec!(2)),
                ..Ingestion::default()
            },
            office
        )
        .unwrap()
        .total_usd,
        dec!(84.48)
    );
    let limits = [
        (
            dec!(97),
            false,
            false,
            None,
            false,
            "over 96 needs --allow-over-limit",
        ),
        (
            dec!(49),
            true,
            false,
            None,
            false,
            "stateful pipelines stop at 48",
        ),
        (
            dec!(300),
            false,
            true,
            None,
            true,
            "persistent buffering allows 384",
        ),
        (
            dec!(2),
            false,
            true,
            Some(dec!(1)),
            false,
            "persistent buffering needs min 2",
        ),
        (dec!(0), false, false, None, false, "zero OCUs"),
    ];
    for (ocus, stateful, persistent_buffer, min_ocus, ok, why) in limits {
        let input = Ingestion {
            ocus: Some(ocus),
            stateful,
            persistent_buffer,
            min_ocus,
            ..Ingestion::default()
        };
        assert_eq!(run(input, office).is_ok(), ok, "{why}");
    }
    let scan = run(
        Ingestion {
            ocus: Some(dec!(10)),
            scan_hours: Some(dec!(30)),
            ..Ingestion::default()
        },
        Schedule::ALWAYS_ON,
    )
    .unwrap();
    assert_eq!(
        scan.total_usd,
        dec!(10) * dec!(30) * dec!(0.24) + dec!(700) * dec!(0.24)
    );
    assert!(parse_rate("fast").is_err());
    assert_eq!(parse_rate("500MiB/s").unwrap(), dec!(500));
}

#[test]
fn serverless_s1_to_s8() {
    let p = prices();
    let run = |s: Serverless, region: &str| serverless(&s, region, Schedule::ALWAYS_ON, &p);
    assert_eq!(
        run(Serverless::default(), "us-east-1").unwrap().total_usd,
        dec!(350.40)
    );
    let dev = run(
        Serverless {
            redundancy: false,
            ..Serverless::default()
        },
        "us-east-1",
    )
    .unwrap();
    assert_eq!(dev.total_usd, dec!(175.20));
    assert_eq!(
        (dev.sizing("indexing_ocus"), dev.sizing("search_ocus")),
        (Some(dec!(0.5)), Some(dec!(0.5)))
    );
    let old_floor = run(
        Serverless {
            indexing_ocus: Some(dec!(2)),
            search_ocus: Some(dec!(2)),
            ..Serverless::default()
        },
        "us-east-1",
    )
    .unwrap();
    assert_eq!(old_floor.total_usd, dec!(700.80));
    assert_eq!(
        cents(
            run(Serverless::default(), "ap-northeast-1")
                .unwrap()
                .total_usd
        ),
        dec!(487.64)
    );
    assert_eq!(
        cents(
            run(
                Serverless {
                    redundancy: false,
                    ..Serverless::default()
                },
                "ap-northeast-2"
            )
            .unwrap()
            .total_usd
        ),
        dec!(213.89)
    );
    let stored = run(
        Serverless {
            storage_gb: dec!(100),
            ..Serverless::default()
        },
        "us-east-1",
    )
    .unwrap();
    assert_eq!(line(&stored, "GB-month"), dec!(2.40));
    let two_keys = run(
        Serverless {
            kms_keys: 2,
            ..Serverless::default()
        },
        "us-east-1",
    )
    .unwrap();
    assert_eq!(
        two_keys.total_usd,
        dec!(700.80),
        "one minimum set per KMS key"
    );
    assert!(run(
        Serverless {
            indexing_ocus: Some(dec!(1.5)),
            ..Serverless::default()
        },
        "us-east-1"
    )
    .is_err());
    assert!(
        run(
            Serverless {
                indexing_ocus: Some(dec!(0.5)),
                ..Serverless::default()
            },
            "us-east-1"
        )
        .is_err(),
        "below the redundant minimum"
    );
    assert!(matches!(
        run(Serverless::default(), "eu-west-1"),
        Err(CostError::MissingPrice { .. })
    ));

    // S-8: NextGen has no published price: an error until one is given.
    let nextgen = Serverless {
        indexing_ocus: Some(dec!(2)),
        search_ocus: Some(dec!(2)),
        nextgen_busy_hours_per_day: Some(dec!(3)),
        ..Serverless::default()
    };
    let weekdays = month(22);
    assert!(matches!(
        serverless(&nextgen, "us-east-1", weekdays, &p),
        Err(CostError::MissingPrice { .. })
    ));
    let mut injected = prices();
    injected
        .set_override("serverless.nextgen-indexing-ocu-hour", dec!(0.24))
        .unwrap();
    injected
        .set_override("serverless.nextgen-search-ocu-hour", dec!(0.24))
        .unwrap();
    let e = serverless(&nextgen, "us-east-1", weekdays, &injected).unwrap();
    assert_eq!(cents(e.total_usd), dec!(66.88));
}

#[test]
fn glue_athena_and_emr_examples() {
    let p = prices();
    let job = |dpus: Decimal, minutes: Decimal| GlueRun {
        dpus,
        worker_type: None,
        minutes,
        runs_per_month: dec!(1),
        flex: false,
        crawler: false,
    };
    let cost = |run: GlueRun| glue(&run, "us-east-1", &p).unwrap().total_usd;
    assert_eq!(cost(job(dec!(6), dec!(15))), dec!(0.66));
    assert_eq!(cost(job(dec!(5), dec!(24))), dec!(0.88));
    assert_eq!(
        cost(GlueRun {
            flex: true,
            ..job(dec!(6), dec!(15))
        }),
        dec!(0.435)
    );
    assert_eq!(
        cents(cost(job(dec!(10), dec!(0.5)))),
        dec!(0.07),
        "30 s billed as 60 s: 0.0733"
    );
    assert_eq!(cost(job(dec!(0.0625), dec!(60))), dec!(0.0275));
    assert_eq!(cost(job(dec!(20), dec!(3600))), dec!(528.00));
    assert_eq!(cost(job(dec!(10), dec!(3600))), dec!(264.00));
    assert_eq!(
        cost(GlueRun {
            crawler: true,
            ..job(dec!(1), dec!(3600))
        }),
        dec!(26.40)
    );
    assert_eq!(
        cost(GlueRun {
            crawler: true,
            ..job(dec!(1), dec!(2))
        }),
        dec!(0.44) / dec!(6),
        "10-minute crawler minimum"
    );
    assert_eq!(dpus_per_worker("G.2X").unwrap() * dec!(10), dec!(20));
    assert!(dpus_per_worker("G.16X").is_err());
    assert!(glue(
        &GlueRun {
            worker_type: Some("G.4X".into()),
            flex: true,
            ..job(dec!(4), dec!(5))
        },
        "us-east-1",
        &p
    )
    .is_err());

    let spark = |region: &str| {
        athena_spark(
            &AthenaSpark {
                dpus: dec!(20),
                minutes: dec!(60),
                runs_per_month: dec!(1),
            },
            region,
            &p,
        )
        .unwrap()
        .total_usd
    };
    assert_eq!(spark("us-east-1"), dec!(7.00));
    assert_eq!(spark("eu-central-1"), dec!(10.00));

    let e1 = EmrRun {
        workers: dec!(10),
        vcpu: dec!(4),
        memory_gb: dec!(16),
        storage_gb: dec!(20),
        minutes: dec!(60),
        runs_per_month: dec!(1),
        arch: Arch::X86_64,
    };
    assert_eq!(
        emr_serverless(&e1, "us-east-1", &p).unwrap().total_usd,
        dec!(3.02952)
    );
    let arm = emr_serverless(
        &EmrRun {
            arch: Arch::Arm64,
            ..e1.clone()
        },
        "us-east-1",
        &p,
    )
    .unwrap();
    assert_eq!(arm.total_usd, dec!(2.42424));
    let bigger_disk = emr_serverless(
        &EmrRun {
            storage_gb: dec!(50),
            ..e1
        },
        "us-east-1",
        &p,
    )
    .unwrap();
    assert_eq!(
        bigger_disk.line_items[2].quantity,
        dec!(300),
        "30 GB beyond the free 20, × 10 worker-hours"
    );
    let e2 = emr_usage(
        &EmrUsage {
            vcpu_hours: dec!(2399.311),
            memory_gb_hours: dec!(17994.833),
            storage_gb_hours: dec!(138542.617),
            arch: Arch::Arm64,
        },
        "us-east-1",
        &p,
    )
    .unwrap();
    assert_eq!(e2.total_usd, dec!(199.654914845));
    assert_eq!(
        cents(e2.total_usd),
        dec!(199.65),
        "rounded once, not per line"
    );
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
