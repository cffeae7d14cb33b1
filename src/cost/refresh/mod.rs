//! Refreshing the price table from the AWS Price List API (specs/cost.md (c)): which products to
//! ask for per unit, how to read one price out of the `GetProducts` documents, and the refresh of
//! a whole table into the cache file. The requests are made by the caller (through
//! `crate::pricing`): this module does no network I/O.
//!
//! Rules: only `terms.OnDemand`; exactly one product and one USD price dimension per unit and
//! region, else the refresh of that row fails loudly; the offer's publication date is kept.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::report::ReportError;
use super::{CostError, PriceRow, Prices};

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
    CostError::Refresh {
        unit: unit.to_owned(),
        region: region.to_owned(),
        message,
        source: None,
    }
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
        let doc: Value = serde_json::from_str(text).map_err(|e| CostError::Refresh {
            unit: unit.to_owned(),
            region: region.to_owned(),
            message: "a price document is not JSON".into(),
            source: Some(Box::new(e)),
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

/// How a fetched price compares with the row it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    New,
    Same,
    Changed,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::New => "new",
            RowStatus::Same => "same",
            RowStatus::Changed => "changed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Refreshed {
    pub unit: &'static str,
    pub region: String,
    #[serde(serialize_with = "super::report::exact_or_null")]
    pub old_usd: Option<Decimal>,
    #[serde(serialize_with = "super::report::exact")]
    pub new_usd: Decimal,
    pub status: RowStatus,
}

#[derive(Clone, Debug, Serialize)]
pub struct RefreshReport {
    pub rows: Vec<Refreshed>,
    /// Units kept from the table as they were: no exact Price List filter is known for them.
    pub skipped: Vec<&'static str>,
    /// Rows that could not be fetched or read; they keep their old price in the cache file.
    pub failures: Vec<String>,
    pub cache_file: PathBuf,
}

impl RefreshReport {
    /// `--json`: a `refreshed` record per row (unit, region, old_usd, new_usd, status), then the
    /// `summary`: counts, the cache file, the units kept as they were and the rows that failed
    /// (also `error:` lines on stderr).
    pub fn records(&self) -> serde_json::Result<Vec<super::report::Record>> {
        let mut records = self
            .rows
            .iter()
            .map(|row| Ok(("refreshed", serde_json::to_value(row)?)))
            .collect::<serde_json::Result<Vec<_>>>()?;
        let count = |status| self.rows.iter().filter(|r| r.status == status).count();
        records.push((
            "summary",
            serde_json::json!({
                "rows": self.rows.len(),
                "changed": count(RowStatus::Changed),
                "new": count(RowStatus::New),
                "cache_file": self.cache_file.display().to_string(),
                "skipped": self.skipped,
                "failures": self.failures,
            }),
        ));
        Ok(records)
    }
}

/// Refreshes every unit that has a [`query`], in `region` or else in every region of `prices`,
/// with the documents `fetch` returns for a query and a region, then writes the whole table to
/// `cache_file`. A row that fails is reported, and the others are still refreshed and written:
/// one missing product must not cost the rest of the refresh.
pub fn refresh<E: std::error::Error>(
    mut prices: Prices,
    region: Option<&str>,
    cache_file: &Path,
    mut fetch: impl FnMut(&Query, &str) -> Result<Vec<String>, E>,
) -> Result<RefreshReport, ReportError> {
    let regions: Vec<String> = match region {
        Some(r) => vec![r.to_owned()],
        None => prices.regions().into_iter().map(str::to_owned).collect(),
    };
    let mut report = RefreshReport {
        rows: Vec::new(),
        skipped: Vec::new(),
        failures: Vec::new(),
        cache_file: cache_file.to_owned(),
    };
    for region in &regions {
        for unit in super::prices::UNITS {
            let Some(query) = query(unit) else {
                if !report.skipped.contains(unit) {
                    report.skipped.push(unit);
                }
                continue;
            };
            let fetched = fetch(&query, region)
                .map_err(|e| crate::error::chain_text(&e))
                .and_then(|docs| {
                    select(unit, region, &query, &docs).map_err(|e| crate::error::chain_text(&e))
                });
            match fetched {
                Ok(row) => {
                    let old = prices.get(unit, region).ok().map(|r| r.usd);
                    report.rows.push(Refreshed {
                        unit,
                        region: region.clone(),
                        old_usd: old,
                        new_usd: row.usd,
                        status: match old {
                            None => RowStatus::New,
                            Some(old) if old == row.usd => RowStatus::Same,
                            Some(_) => RowStatus::Changed,
                        },
                    });
                    prices.insert(row);
                }
                Err(message) => report.failures.push(message),
            }
        }
    }
    super::cache::write(cache_file, &prices)?;
    Ok(report)
}

#[cfg(test)]
mod tests;
