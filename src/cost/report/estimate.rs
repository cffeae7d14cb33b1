//! `lakeops cost <service>`: one workload priced in one or more regions.

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use super::json::{record, Exact, Record, Shown};
use super::{above, Breach, PriceOptions, ReportError};
use crate::cost::workload::Workload;
use crate::cost::{CostError, Estimate, Schedule};

/// `lakeops cost <service>`: one workload, priced in each region asked for.
pub struct EstimateOptions {
    pub workload: Workload,
    pub regions: Vec<String>,
    /// `--hours-per-day`, `--days-per-month`, `--hours-per-month`.
    pub schedule: [Option<Decimal>; 3],
    pub prices: PriceOptions,
    pub explain: bool,
    pub fail_above: Option<Decimal>,
}

/// One estimate per region, in the order asked for (never empty).
pub struct EstimateReport {
    pub estimates: Vec<Estimate>,
    pub explain: bool,
    pub breaches: Vec<Breach>,
}

pub fn estimate(options: &EstimateOptions) -> Result<EstimateReport, ReportError> {
    let prices = options.prices.load()?;
    let [per_day, days, per_month] = options.schedule;
    let schedule = Schedule::new(per_day, days, per_month)?;
    if options.regions.is_empty() {
        return Err(CostError::Invalid("no region given".into()).into());
    }
    let known = prices.regions();
    let mut estimates = Vec::with_capacity(options.regions.len());
    for region in &options.regions {
        if !known.contains(&region.as_str()) {
            return Err(ReportError::UnknownRegion {
                region: region.clone(),
                known: known.join(", "),
            });
        }
        estimates.push(options.workload.estimate(region, schedule, &prices)?);
    }
    let highest = estimates.iter().map(|e| e.total_usd).max();
    Ok(EstimateReport {
        breaches: above(options.fail_above, highest.unwrap_or_default())
            .into_iter()
            .collect(),
        estimates,
        explain: options.explain,
    })
}

/// One region: the estimate itself; several: an array of them.
impl Serialize for EstimateReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shown = |estimate| Shown {
            estimate,
            explain: self.explain,
            name: None,
        };
        match self.estimates.as_slice() {
            [one] => shown(one).serialize(serializer),
            many => serializer.collect_seq(many.iter().map(shown)),
        }
    }
}

impl EstimateReport {
    /// An `estimate` record per region (what the document holds), then the `summary`: how many,
    /// the highest monthly total (what `--fail-above` compares) and the budgets broken.
    pub fn records(&self) -> serde_json::Result<Vec<Record>> {
        let mut records = self
            .estimates
            .iter()
            .map(|estimate| {
                record(
                    "estimate",
                    Shown {
                        estimate,
                        explain: self.explain,
                        name: None,
                    },
                )
            })
            .collect::<serde_json::Result<Vec<_>>>()?;
        let highest = self.estimates.iter().map(|e| e.total_usd).max();
        records.push(record(
            "summary",
            serde_json::json!({
                "estimates": self.estimates.len(),
                "max_total_usd": Exact(highest.unwrap_or_default()),
                "breaches": self.breaches,
            }),
        )?);
        Ok(records)
    }
}
