//! Refreshing the price table from the AWS Price List API (specs/cost.md (c)): which products to
//! ask for per unit, and how to read one price out of the `GetProducts` documents. The request
//! itself is made by `crate::pricing`; this module does no I/O.
//!
//! Rules: only `terms.OnDemand`; exactly one product and one USD price dimension per unit and
//! region, else the refresh of that row fails loudly; the offer's publication date is kept.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use super::{CostError, PriceRow};

/// What to ask `GetProducts` for, and which of the returned products is the unit's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub service_code: &'static str,
    /// `TERM_MATCH` filters besides `regionCode`.
    pub filters: Vec<(&'static str, &'static str)>,
    /// The `usagetype` must contain all of these and none of `excludes`.
    pub contains: &'static [&'static str],
    pub excludes: &'static [&'static str],
}

/// The query for a unit, for the units whose Price List identity the spec pins down. Others
/// (Glue Flex, Athena Spark, EMR Serverless, Ingestion) have no exact filter yet and are kept
/// from the embedded table.
pub fn query(unit: &str) -> Option<Query> {
    let flink = |contains: &'static [&'static str], excludes: &'static [&'static str]| Query {
        service_code: "AmazonKinesisAnalytics",
        filters: vec![("productFamily", "Kinesis Analytics")],
        contains,
        excludes,
    };
    let opensearch = |operation: &'static str| Query {
        service_code: "AmazonES",
        filters: vec![("operation", operation)],
        contains: &[],
        excludes: &[],
    };
    Some(match unit {
        "flink.kpu-hour" => flink(&["KPU-Hour-Java"], &["Interactive"]),
        "flink.studio-kpu-hour" => flink(&["KPU-Hour", "Interactive"], &[]),
        "flink.running-storage-gb-month" => flink(&["RunningApplicationStorage"], &["Interactive"]),
        "flink.backup-gb-month" => flink(&["DurableApplicationBackups"], &[]),
        "serverless.indexing-ocu-hour" => opensearch("IndexingOCU"),
        "serverless.search-ocu-hour" => opensearch("SearchOCU"),
        "serverless.storage-gb-month" => opensearch("StorageUsedInS3ByteHour"),
        _ => return None,
    })
}

fn refresh_error(unit: &str, region: &str, message: String) -> CostError {
    CostError::Invalid(format!("refreshing {unit} in {region}: {message}"))
}

/// The one price among `documents` (GetProducts' `PriceList` entries) that `query` selects.
pub fn select(
    unit: &str,
    region: &str,
    query: &Query,
    documents: &[String],
) -> Result<PriceRow, CostError> {
    let mut matches = Vec::new();
    for text in documents {
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            refresh_error(unit, region, format!("a price document is not JSON: {e}"))
        })?;
        let usage = doc["product"]["attributes"]["usagetype"]
            .as_str()
            .unwrap_or_default();
        if query.contains.iter().all(|c| usage.contains(c))
            && !query.excludes.iter().any(|x| usage.contains(x))
        {
            matches.push(doc);
        }
    }
    let doc = match matches.as_slice() {
        [one] => one,
        [] => return Err(refresh_error(unit, region, "no product matched".into())),
        many => {
            let skus: Vec<&str> = many
                .iter()
                .map(|d| d["product"]["sku"].as_str().unwrap_or("?"))
                .collect();
            return Err(refresh_error(
                unit,
                region,
                format!(
                    "{} products matched ({}); expected one",
                    many.len(),
                    skus.join(", ")
                ),
            ));
        }
    };
    let sku = doc["product"]["sku"].as_str().unwrap_or("?");
    let terms: Vec<&Value> = doc["terms"]["OnDemand"]
        .as_object()
        .map(|t| t.values().collect())
        .unwrap_or_default();
    let [term] = terms.as_slice() else {
        return Err(refresh_error(
            unit,
            region,
            format!(
                "SKU {sku} has {} on-demand terms; expected one",
                terms.len()
            ),
        ));
    };
    let dimensions: Vec<&Value> = term["priceDimensions"]
        .as_object()
        .map(|d| d.values().collect())
        .unwrap_or_default();
    let [dimension] = dimensions.as_slice() else {
        return Err(refresh_error(
            unit,
            region,
            format!(
                "SKU {sku} has {} price dimensions (tiered?); expected one",
                dimensions.len()
            ),
        ));
    };
    let usd = dimension["pricePerUnit"]["USD"]
        .as_str()
        .and_then(|p| Decimal::from_str(p).ok())
        .ok_or_else(|| refresh_error(unit, region, format!("SKU {sku} has no USD price")))?;
    let date = doc["publicationDate"]
        .as_str()
        .or_else(|| term["effectiveDate"].as_str())
        .unwrap_or_default();
    Ok(PriceRow {
        unit: unit.to_owned(),
        region: region.to_owned(),
        usd: usd.normalize(),
        source: format!(
            "AWS Price List API GetProducts {} SKU {sku} ({})",
            query.service_code,
            dimension["unit"].as_str().unwrap_or("?")
        ),
        as_of: date.get(..10).unwrap_or(date).to_owned(),
    })
}

#[cfg(test)]
mod tests {
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
}
