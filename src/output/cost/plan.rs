//! A plan's workloads and total, and the change between two plans.

use std::io;

use rust_decimal::Decimal;

use super::{breaches, csv, exact, json, records, usd, Format};
use crate::cost::report::{DiffReport, PlanReport};
use crate::output::{Printer, Table};

pub fn plan(printer: &Printer, report: &PlanReport, format: Format) -> io::Result<()> {
    let plan = &report.plan;
    match format {
        Format::Records => records(printer, report.records())?,
        Format::Json => json(printer, report)?,
        Format::Csv => {
            let rows = plan.workloads.iter().map(|(name, e)| {
                vec![
                    name.clone(),
                    e.service.to_owned(),
                    e.region.clone(),
                    exact(e.total_usd),
                ]
            });
            let total = vec![
                "total".into(),
                String::new(),
                String::new(),
                exact(plan.total_usd),
            ];
            let header = ["workload", "service", "region", "amount_usd"];
            printer.data_for_terminal(&csv(&header, rows.chain([total]))?)?;
        }
        Format::Table => {
            let mut table = Table::new(&[
                ("workload", false),
                ("service", false),
                ("region", false),
                ("per month", true),
            ]);
            for (name, e) in &plan.workloads {
                table.row(vec![
                    name.clone(),
                    e.service.to_owned(),
                    e.region.clone(),
                    usd(e.total_usd),
                ]);
            }
            table.row(vec![
                "total".into(),
                String::new(),
                String::new(),
                usd(plan.total_usd),
            ]);
            let mut text = table.render();
            for (name, e) in &plan.workloads {
                for warning in &e.warnings {
                    text.push_str(&format!("warning: {name}: {warning}\n"));
                }
            }
            printer.data(&text)?;
        }
    }
    breaches(printer, &report.breaches);
    Ok(())
}

pub fn diff(printer: &Printer, report: &DiffReport, format: Format) -> io::Result<()> {
    let diff = &report.diff;
    match format {
        Format::Records => records(printer, report.records())?,
        Format::Json => json(printer, report)?,
        Format::Csv => {
            let or_empty = |v: Option<Decimal>| v.map(exact).unwrap_or_default();
            let rows = diff.changes.iter().map(|c| {
                vec![
                    c.name.clone(),
                    or_empty(c.old_usd),
                    or_empty(c.new_usd),
                    exact(c.change_usd()),
                ]
            });
            let total = vec![
                "total".into(),
                exact(diff.old_total_usd),
                exact(diff.new_total_usd),
                exact(report.change_usd),
            ];
            let header = ["workload", "old_usd", "new_usd", "change_usd"];
            printer.data_for_terminal(&csv(&header, rows.chain([total]))?)?;
        }
        Format::Table => {
            let amount = |v: Option<Decimal>| v.map(usd).unwrap_or_else(|| "-".into());
            let mut table = Table::new(&[
                ("workload", false),
                ("old", true),
                ("new", true),
                ("change", true),
            ]);
            for c in &diff.changes {
                table.row(vec![
                    c.name.clone(),
                    amount(c.old_usd),
                    amount(c.new_usd),
                    usd(c.change_usd()),
                ]);
            }
            let pct = report
                .change_pct
                .map(|p| format!(" ({}%)", p.round_dp(1)))
                .unwrap_or_default();
            table.row(vec![
                "total".into(),
                usd(diff.old_total_usd),
                usd(diff.new_total_usd),
                format!("{}{pct}", usd(report.change_usd)),
            ]);
            printer.data(&table.render())?;
        }
    }
    breaches(printer, &report.breaches);
    Ok(())
}
