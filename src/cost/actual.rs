//! `cost actual`: a month's bill from Cost Explorer (`GetCostAndUsage`, by service and usage
//! type) against a plan's estimate, per plan service. Pure: the bill's lines are handed in
//! (`crate::fleet::billing` fetches them).
//!
//! Cost Explorer names services its own way; each line goes to the plan service whose usage it
//! is by its service and usage type, and lines of no plan service are listed as "other", never
//! compared.

use chrono::{Days, Months, NaiveDate};
use rust_decimal::Decimal;

use super::plan::PlanEstimate;
use super::CostError;

/// A period's bill: its lines, and whether Cost Explorer still calls any of it an estimate (a
/// month is estimated until AWS finalises it, some days after it ends).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bill {
    pub lines: Vec<BillLine>,
    pub estimated: bool,
}

/// One line of the bill: Cost Explorer's SERVICE and USAGE_TYPE, and the unblended cost.
#[derive(Clone, Debug, PartialEq)]
pub struct BillLine {
    pub service: String,
    pub usage_type: String,
    pub usd: Decimal,
}

/// A calendar month, `YYYY-MM`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(text: &str) -> Result<Month, CostError> {
        let invalid = || CostError::Invalid(format!("--month must be YYYY-MM, got {text:?}"));
        let (y, m) = text.split_once('-').ok_or_else(invalid)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) {
            return Err(invalid());
        }
        let year: i32 = y.parse().map_err(|_| invalid())?;
        let month: u32 = m.parse().map_err(|_| invalid())?;
        if !(1..=12).contains(&month) {
            return Err(invalid());
        }
        Ok(Month { year, month })
    }

    fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The days of this month a bill read on `today` (UTC) covers. A month that has not started,
    /// or whose first day is today, has no complete day to compare and is refused.
    pub fn period(&self, today: NaiveDate) -> Result<Period, CostError> {
        let first = self.first_day();
        let next = first + Months::new(1);
        let days_in_month = (next - first).num_days() as u32;
        if today >= next {
            return Ok(Period {
                month: self.clone(),
                days: days_in_month,
                days_in_month,
            });
        }
        if today < first {
            return Err(CostError::Invalid(format!(
                "--month {self} has not started (today is {today} UTC)"
            )));
        }
        let days = (today - first).num_days() as u32;
        if days == 0 {
            return Err(CostError::Invalid(format!(
                "--month {self} began today (UTC): Cost Explorer bills a day once it is over, so \
                 there is no complete day to compare yet"
            )));
        }
        Ok(Period {
            month: self.clone(),
            days,
            days_in_month,
        })
    }
}

/// The days of a month a bill covers, from the first: all of them once the month is over; while
/// it runs, those before today (the day in progress is not billed in full yet), with the plan
/// prorated to them, so a check in the middle of a month compares like with like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub month: Month,
    pub days: u32,
    pub days_in_month: u32,
}

impl Period {
    /// Cost Explorer's half-open period: the first day, and the day after the last one billed.
    pub fn start(&self) -> String {
        self.month.first_day().to_string()
    }

    pub fn end(&self) -> String {
        (self.month.first_day() + Days::new(self.days.into())).to_string()
    }

    /// Whether the month is still running (a month to date).
    pub fn partial(&self) -> bool {
        self.days < self.days_in_month
    }

    /// A monthly amount's share for the days billed, to the cent.
    pub fn share(&self, monthly: Decimal) -> Decimal {
        if !self.partial() {
            return monthly;
        }
        (monthly * Decimal::from(self.days) / Decimal::from(self.days_in_month)).round_dp(2)
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

/// The plan, prorated to `period`, against the bill's lines for it.
pub fn compare(plan: &PlanEstimate, bill: &[BillLine], period: &Period) -> Comparison {
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
    let services: Vec<ServiceVariance> = services
        .into_values()
        .map(|v| ServiceVariance {
            planned_usd: period.share(v.planned_usd),
            ..v
        })
        .collect();
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
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let p = Month::parse("2026-12")
            .unwrap()
            .period(day(2027, 3, 1))
            .unwrap();
        assert_eq!(
            (p.start(), p.end()),
            ("2026-12-01".into(), "2027-01-01".into())
        );
        assert!(!p.partial());
        let p = Month::parse("2028-02")
            .unwrap()
            .period(day(2028, 3, 1))
            .unwrap();
        assert_eq!((p.end(), p.days), ("2028-03-01".into(), 29));
        for bad in [
            "2026-13",
            "2026-1",
            "26-01",
            "2026/01",
            "",
            "2026-00",
            "+202-01",
            "2026-+1",
            "２０２６-01",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    /// A month in progress was compared whole: six days of bill against a full month of plan
    /// read as a large underspend. It is now the days before today against the plan prorated
    /// to them; a month not started, or started today, is refused.
    #[test]
    fn a_month_in_progress_is_compared_to_date_with_the_plan_prorated() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let december = Month::parse("2026-12").unwrap();
        let p = december.period(day(2026, 12, 7)).unwrap();
        assert_eq!(
            (p.start(), p.end()),
            ("2026-12-01".into(), "2026-12-07".into())
        );
        assert_eq!((p.days, p.days_in_month, p.partial()), (6, 31, true));
        assert_eq!(p.share(dec!(310)), dec!(60));
        assert_eq!(p.share(dec!(100)), dec!(19.35));
        let last = december.period(day(2026, 12, 31)).unwrap();
        assert_eq!((last.end(), last.days), ("2026-12-31".into(), 30));
        let err = december.period(day(2026, 12, 1)).unwrap_err().to_string();
        assert!(err.contains("began today"), "{err}");
        let err = december.period(day(2026, 11, 30)).unwrap_err().to_string();
        assert!(
            err.contains("has not started (today is 2026-11-30 UTC)"),
            "{err}"
        );

        let mut flink = crate::cost::Estimate::new("flink", "us-east-1");
        flink.total_usd = dec!(310);
        let plan = PlanEstimate {
            workloads: vec![("clicks".into(), flink)],
            total_usd: dec!(310),
        };
        let bill = [BillLine {
            service: "Amazon Kinesis Analytics".into(),
            usage_type: "USE1-KPU-Hour-Java".into(),
            usd: dec!(66),
        }];
        let c = compare(&plan, &bill, &p);
        assert_eq!(
            (
                c.planned_total_usd,
                c.actual_total_usd,
                c.services[0].variance_pct()
            ),
            (dec!(60), dec!(66), Some(dec!(10)))
        );
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
