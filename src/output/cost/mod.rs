//! `lakeops cost` reports as an aligned table (the default), one JSON document (`--format
//! json`), CSV, or typed JSON lines (`--json`: records, then a summary). A table shows money in
//! cents with thousands separators; JSON and CSV carry the exact amounts (JSON numbers with the
//! decimal's own digits, CSV every digit), since programs add them up. A broken budget is an
//! `error:` line on stderr after the data, even with `--quiet`: it is why the exit status is 1.
//!
//! One file per report; the money formats, CSV and records they share are here, so every report
//! prints an amount the same way.

use std::io;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{group_digits, Printer};
use crate::cost::cents;
use crate::cost::report::{Breach, Record};

mod estimate;
mod live;
mod plan;
mod prices;

pub use estimate::estimate;
pub use live::{actual, live, plan_file};
pub use plan::{diff, plan};
pub use prices::{prices, refresh};

/// How a report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned, for people (the default).
    Table,
    /// One JSON document (`--format json`).
    Json,
    Csv,
    /// `--json`: typed JSON lines ending with a summary.
    Records,
}

fn failures(printer: &Printer, failures: &[String]) {
    for failure in failures {
        printer.error(&anyhow::anyhow!("{failure}"), None);
    }
}

fn breaches(printer: &Printer, breaches: &[Breach]) {
    for breach in breaches {
        let message = match breach {
            Breach::Above {
                total_usd,
                limit_usd,
            } => format!(
                "the monthly total {} is above --fail-above {}",
                usd(*total_usd),
                usd(*limit_usd)
            ),
            Breach::Increase { limit_pct } => {
                format!("the monthly total rose by more than --fail-if-increase-pct {limit_pct}%")
            }
            Breach::Waste {
                waste_usd,
                limit_usd,
            } => format!(
                "over-provisioned capacity wastes {} a month, above --fail-if-waste-above {}",
                usd(*waste_usd),
                usd(*limit_usd)
            ),
            Breach::Variance {
                service,
                variance_pct: Some(pct),
                limit_pct,
            } => format!(
                "{service} was billed {}% over its plan, above --fail-if-variance-pct {limit_pct}%",
                pct.round_dp(1)
            ),
            Breach::Variance {
                service, limit_pct, ..
            } => format!(
                "{service} was billed with nothing planned for it (--fail-if-variance-pct {limit_pct}%)"
            ),
        };
        printer.error(&anyhow::anyhow!(message), None);
    }
}

/// `--json`: each record a line, the summary last.
fn records(printer: &Printer, records: serde_json::Result<Vec<Record>>) -> io::Result<()> {
    for (kind, fields) in records.map_err(io::Error::other)? {
        printer.json_record(kind, &fields)?;
    }
    Ok(())
}

/// One JSON document. It goes through `serde_json::Value`, whose objects keep their keys sorted:
/// the field order `--json` has always had.
fn json(printer: &Printer, report: &impl Serialize) -> io::Result<()> {
    let value = serde_json::to_value(report).map_err(io::Error::other)?;
    printer.data(&format!("{value}\n"))
}

fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> io::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(&row)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// Every digit, no trailing zeros: what CSV carries, and unit prices everywhere.
fn exact(d: Decimal) -> String {
    d.normalize().to_string()
}

/// `$1,234.57`: cents, half away from zero, with thousands separators.
fn usd(amount: Decimal) -> String {
    let text = format!("{:.2}", cents(amount));
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    format!("{sign}${}.{fraction}", group_digits(whole))
}

/// Up to four decimal places, with thousands separators: quantities for a person to read.
fn quantity(q: Decimal) -> String {
    let text = q.round_dp(4).normalize().to_string();
    match text.split_once('.') {
        Some((whole, fraction)) => format!("{}.{fraction}", group_digits(whole)),
        None => group_digits(&text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn money_is_shown_in_cents_with_separators() {
        assert_eq!(usd(dec!(57600)), "$57,600.00");
        assert_eq!(usd(dec!(0.0733333)), "$0.07");
        assert_eq!(usd(dec!(2.475)), "$2.48", "half away from zero");
        assert_eq!(usd(dec!(1663.2)), "$1,663.20");
        assert_eq!(quantity(dec!(3650.000)), "3,650");
        assert_eq!(quantity(dec!(22.5)), "22.5");
    }
}
