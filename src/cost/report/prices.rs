//! `lakeops cost prices`: the price table's rows, after a price file and overrides.

use serde::Serialize;

use super::json::{record, Record};
use super::{PriceOptions, ReportError};
use crate::cost::PriceRow;

/// `lakeops cost prices`: rows of the table, with their sources and dates.
#[derive(Serialize)]
#[serde(transparent)]
pub struct PricesReport {
    pub rows: Vec<PriceRow>,
}

pub fn prices(region: Option<&str>, options: &PriceOptions) -> Result<PricesReport, ReportError> {
    let prices = options.load()?;
    let rows: Vec<PriceRow> = prices.rows(region).into_iter().cloned().collect();
    if rows.is_empty() {
        return Err(ReportError::NoPrices {
            region: region.unwrap_or_default().to_owned(),
            known: prices.regions().join(", "),
        });
    }
    Ok(PricesReport { rows })
}

impl PricesReport {
    /// A `price` record per row (unit, region, usd, source, as_of), then the `summary`.
    pub fn records(&self) -> serde_json::Result<Vec<Record>> {
        let mut records = self
            .rows
            .iter()
            .map(|row| record("price", row))
            .collect::<serde_json::Result<Vec<_>>>()?;
        records.push(record(
            "summary",
            serde_json::json!({ "rows": self.rows.len() }),
        )?);
        Ok(records)
    }
}
