//! `cost actual`: a month's bill from Cost Explorer (`GetCostAndUsage`, by service and usage
//! type) against a plan's estimate, per plan service. Pure: the bill's lines are handed in
//! (`crate::fleet::billing` fetches them).
//!
//! Cost Explorer names services its own way; each line goes to the plan service whose usage it
//! is by its service and usage type, and lines of no plan service are listed as "other", never
//! compared.

use rust_decimal::Decimal;

use super::plan::PlanEstimate;
use super::CostError;

/// One line of the bill: Cost Explorer's SERVICE and USAGE_TYPE, and the unblended cost.
#[derive(Clone, Debug, PartialEq)]
pub struct BillLine {
    pub service: String,
    pub usage_type: String,
    pub usd: Decimal,
}

/// A calendar month, `YYYY-MM`, as Cost Explorer's half-open period `[first day, next first)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(text: &str) -> Result<Month, CostError> {
        let invalid = || CostError::Invalid(format!("--month must be YYYY-MM, got {text:?}"));
        let (y, m) = text.split_once('-').ok_or_else(invalid)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(invalid());
        }
        let year: i32 = y.parse().map_err(|_| invalid())?;
        let month: u32 = m.parse().map_err(|_| invalid())?;
        if !(1..=12).contains(&month) {
            return Err(invalid());
        }
        Ok(Month { year, month })
    }

    pub fn start(&self) -> String {
        format!("{:04}-{:02}-01", self.year, self.month)
    }

    pub fn end(&self) -> String {
        if self.month == 12 {
            format!("{:04}-01-01", self.year + 1)
        } else {
            format!("{:04}-{:02}-01", self.year, self.month + 1)
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The plan service a bill line is usage of, if any.
pub fn plan_service(line: &BillLine) -> Option<&'static str> {
    let usage = line.usage_type.as_str();
    match line.service.as_str() {
        "Amazon Kinesis Analytics" | "Amazon Managed Service for Apache Flink" => Some("flink"),
        "Amazon OpenSearch Service" | "Amazon OpenSearch Serverless" => {
            if usage.contains("IngestionOCU") {
                Some("ingestion")
            } else if usage.contains("IndexingOCU")
                || usage.contains("SearchOCU")
                || usage.contains("ManagedStorage")
            {
                Some("serverless")
            } else {
                None
            }
        }
        "AWS Glue" => Some("glue"),
        "Amazon Athena" if usage.contains("DPU") => Some("athena-spark"),
        "Amazon EMR" | "EMR Serverless" if usage.contains("vCPU") || usage.contains("Memory") => {
            Some("emr-serverless")
        }
        _ => None,
    }
}

/// Planned against billed for one service.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceVariance {
    pub service: String,
    pub planned_usd: Decimal,
    pub actual_usd: Decimal,
}

impl ServiceVariance {
    pub fn variance_usd(&self) -> Decimal {
        self.actual_usd - self.planned_usd
    }

    /// `None` when nothing was planned.
    pub fn variance_pct(&self) -> Option<Decimal> {
        (!self.planned_usd.is_zero())
            .then(|| self.variance_usd() / self.planned_usd * Decimal::ONE_HUNDRED)
    }

    /// Over budget by more than `limit_pct` percent, or billed at all with nothing planned.
    pub fn over(&self, limit_pct: Decimal) -> bool {
        match self.variance_pct() {
            Some(pct) => pct > limit_pct,
            None => self.actual_usd > Decimal::ZERO,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Every service of the plan or the bill's plan services, by name.
    pub services: Vec<ServiceVariance>,
    /// Bill lines of no plan service, summed by Cost Explorer service.
    pub other: Vec<(String, Decimal)>,
    pub planned_total_usd: Decimal,
    pub actual_total_usd: Decimal,
}

pub fn compare(plan: &PlanEstimate, bill: &[BillLine]) -> Comparison {
    let mut services: std::collections::BTreeMap<String, ServiceVariance> = Default::default();
    let entry = |services: &mut std::collections::BTreeMap<String, ServiceVariance>, name: &str| {
        services
            .entry(name.to_owned())
            .or_insert_with(|| ServiceVariance {
                service: name.to_owned(),
                planned_usd: Decimal::ZERO,
                actual_usd: Decimal::ZERO,
            })
            .clone()
    };
    for (_, e) in &plan.workloads {
        let mut v = entry(&mut services, e.service);
        v.planned_usd += e.total_usd;
        services.insert(e.service.to_owned(), v);
    }
    let mut other: std::collections::BTreeMap<String, Decimal> = Default::default();
    for line in bill {
        match plan_service(line) {
            Some(service) => {
                let mut v = entry(&mut services, service);
                v.actual_usd += line.usd;
                services.insert(service.to_owned(), v);
            }
            None => *other.entry(line.service.clone()).or_default() += line.usd,
        }
    }
    let services: Vec<ServiceVariance> = services.into_values().collect();
    Comparison {
        planned_total_usd: services.iter().map(|s| s.planned_usd).sum(),
        actual_total_usd: services.iter().map(|s| s.actual_usd).sum(),
        services,
        other: other
            .into_iter()
            .filter(|(_, usd)| !usd.is_zero())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn months_are_half_open_calendar_periods() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(
            (m.start(), m.end()),
            ("2026-12-01".into(), "2027-01-01".into())
        );
        assert_eq!(Month::parse("2026-02").unwrap().end(), "2026-03-01");
        for bad in ["2026-13", "2026-1", "26-01", "2026/01", "", "2026-00"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bill_lines_go_to_their_plan_service() {
        let line = |service: &str, usage: &str| BillLine {
            service: service.into(),
            usage_type: usage.into(),
            usd: dec!(1),
        };
        assert_eq!(
            plan_service(&line("Amazon Kinesis Analytics", "USE1-KPU-Hour-Java")),
            Some("flink")
        );
        assert_eq!(
            plan_service(&line("Amazon OpenSearch Service", "USE1-IngestionOCU")),
            Some("ingestion")
        );
        assert_eq!(
            plan_service(&line("Amazon OpenSearch Service", "USE1-SearchOCU")),
            Some("serverless")
        );
        assert_eq!(
            plan_service(&line(
                "Amazon OpenSearch Service",
                "USE1-ES:r6g.large.search"
            )),
            None
        );
        assert_eq!(
            plan_service(&line("Amazon S3", "USE1-TimedStorage-ByteHrs")),
            None
        );
    }
}
