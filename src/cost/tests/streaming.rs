//! Flink KPUs and OpenSearch Ingestion OCUs: the spec's examples, AWS's billing examples, limits.

use super::*;

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
