//! OpenSearch Serverless OCUs (S1–S8), and Glue, Athena Spark and EMR Serverless examples.

use super::*;

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
