//! Selecting one price from Price List documents, and a refresh that outlives failed rows.

use super::*;

/// A Price List document as GetProducts returns it (shape of the us-east-2 KPU offer).
fn document(sku: &str, usage: &str, usd: &str) -> String {
    serde_json::json!({
        "product": {"productFamily": "Kinesis Analytics", "sku": sku,
                    "attributes": {"usagetype": usage, "regionCode": "us-east-2"}},
        "serviceCode": "AmazonKinesisAnalytics",
        "terms": {"OnDemand": {format!("{sku}.JRTCKXETXF"): {
            "effectiveDate": "2025-04-01T00:00:00Z",
            "priceDimensions": {format!("{sku}.JRTCKXETXF.6YS6EN2CT7"): {
                "unit": "KPU-Hr", "pricePerUnit": {"USD": usd}}}}}},
        "publicationDate": "2025-04-09T18:30:00Z"
    })
    .to_string()
}

#[test]
fn one_on_demand_price_is_selected() {
    let q = query("flink.kpu-hour").unwrap();
    let docs = [
        document("CTM45M8ZR5DRHWBM", "USE2-KPU-Hour-Java", "0.1100000000"),
        document(
            "ZHYCH4C4YXD2UBZ7",
            "USE2-KPU-Hour-Interactive",
            "0.1100000000",
        ),
        document(
            "VUFU5CSK4J95P7G7",
            "USE2-RunningApplicationStorage",
            "0.1000000000",
        ),
    ];
    let row = select("flink.kpu-hour", "us-east-2", &q, &docs).unwrap();
    assert_eq!(row.usd, Decimal::from_str("0.11").unwrap());
    assert_eq!(row.as_of, "2025-04-09");
    assert!(row.source.contains("CTM45M8ZR5DRHWBM"));
    let studio = select(
        "flink.studio-kpu-hour",
        "us-east-2",
        &query("flink.studio-kpu-hour").unwrap(),
        &docs,
    )
    .unwrap();
    assert!(studio.source.contains("ZHYCH4C4YXD2UBZ7"));
}

#[test]
fn ambiguity_and_absence_fail_loudly() {
    let q = query("flink.kpu-hour").unwrap();
    let two = [
        document("A", "USE2-KPU-Hour-Java", "0.11"),
        document("B", "USE2-KPU-Hour-Java-Legacy", "0.12"),
    ];
    let err = select("flink.kpu-hour", "us-east-2", &q, &two)
        .unwrap_err()
        .to_string();
    assert!(err.contains("2 products matched (A, B)"), "{err}");
    assert!(select("flink.kpu-hour", "us-east-2", &q, &[]).is_err());
    assert!(
        query("glue.flex-dpu-hour").is_none(),
        "no exact filter known: kept from the table"
    );
}

#[derive(Debug, thiserror::Error)]
#[error("GetProducts {0} in us-east-2: throttled")]
struct Refused(&'static str);

#[test]
fn a_refresh_keeps_going_past_failed_rows_and_writes_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache").join("prices.csv");
    let flink = vec![
        document("K", "USE2-KPU-Hour-Java", "0.1200000000"),
        document("S", "USE2-KPU-Hour-Interactive", "0.1100000000"),
        document("R", "USE2-RunningApplicationStorage", "0.1000000000"),
        document("B", "USE2-DurableApplicationBackups", "0.0230000000"),
    ];
    let report = refresh(
        Prices::embedded(),
        Some("us-east-2"),
        &cache,
        |query, region| {
            assert_eq!(region, "us-east-2");
            match query.service_code {
                "AmazonKinesisAnalytics" => Ok(flink.clone()),
                other => Err(Refused(other)),
            }
        },
    )
    .unwrap();
    let kpu = &report.rows[0];
    assert_eq!(
        (kpu.unit, kpu.old_usd, kpu.new_usd, kpu.status),
        (
            "flink.kpu-hour",
            Some(Decimal::from_str("0.11").unwrap()),
            Decimal::from_str("0.12").unwrap(),
            RowStatus::Changed
        )
    );
    assert_eq!(report.rows.len(), 4, "{:?}", report.rows);
    assert_eq!(report.failures.len(), 3, "{:?}", report.failures);
    assert!(report.failures[0].contains("GetProducts AmazonES in us-east-2: throttled"));
    assert!(report.skipped.contains(&"glue.dpu-hour"));
    let written = Prices::parse(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    let usd = |unit| written.get(unit, "us-east-2").unwrap().usd;
    assert_eq!(usd("flink.kpu-hour"), Decimal::from_str("0.12").unwrap());
    assert_eq!(
        usd("flink.backup-gb-month"),
        Decimal::from_str("0.023").unwrap()
    );
    assert!(
        written
            .get("serverless.indexing-ocu-hour", "us-east-2")
            .is_err(),
        "a failed row stays as it was (here: absent)"
    );
}
