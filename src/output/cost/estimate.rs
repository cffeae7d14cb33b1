//! An estimate: one workload in one region as line items, or in several regions side by side.

use std::io;

use super::{breaches, csv, exact, json, quantity, records, usd, Format};
use crate::cost::report::EstimateReport;
use crate::cost::Estimate;
use crate::output::{Printer, Table};

pub fn estimate(printer: &Printer, report: &EstimateReport, format: Format) -> io::Result<()> {
    match format {
        Format::Records => records(printer, report.records())?,
        Format::Json => json(printer, report)?,
        Format::Csv => printer.data_for_terminal(&estimate_csv(&report.estimates)?)?,
        Format::Table => printer.data(&estimate_table(&report.estimates, report.explain))?,
    }
    breaches(printer, &report.breaches);
    Ok(())
}

fn estimate_csv(estimates: &[Estimate]) -> io::Result<String> {
    let mut rows = Vec::new();
    for e in estimates {
        for l in &e.line_items {
            rows.push(vec![
                e.region.clone(),
                e.service.to_owned(),
                l.description.clone(),
                exact(l.quantity),
                l.unit.to_owned(),
                exact(l.unit_price_usd),
                exact(l.amount_usd),
                l.price_source.clone(),
                l.price_as_of.clone(),
            ]);
        }
        let mut total = vec![String::new(); 9];
        total[0] = e.region.clone();
        total[1] = e.service.to_owned();
        total[2] = "total".into();
        total[6] = exact(e.total_usd);
        rows.push(total);
    }
    let header = [
        "region",
        "service",
        "description",
        "quantity",
        "unit",
        "unit_price_usd",
        "amount_usd",
        "price_source",
        "price_as_of",
    ];
    csv(&header, rows)
}

fn estimate_table(estimates: &[Estimate], explain: bool) -> String {
    let Some(first) = estimates.first() else {
        return String::new();
    };
    let mut text = String::new();
    if let [e] = estimates {
        text.push_str(&format!("{} in {}, per month\n", e.service, e.region));
        let mut table = Table::new(&[
            ("line item", false),
            ("quantity", true),
            ("unit", false),
            ("unit price", true),
            ("amount", true),
        ]);
        for l in &e.line_items {
            table.row(vec![
                l.description.clone(),
                quantity(l.quantity),
                l.unit.to_owned(),
                format!("${}", exact(l.unit_price_usd)),
                usd(l.amount_usd),
            ]);
            if explain {
                let mut formula = vec![String::new(); 5];
                formula[0] = format!("  = {}", l.formula);
                table.row(formula);
            }
        }
        let mut total = vec![String::new(); 5];
        total[0] = "total".into();
        total[4] = usd(e.total_usd);
        table.row(total);
        text.push_str(&table.render());
    } else {
        // Side by side: the same line items, one amount column per region.
        text.push_str(&format!("{} per month\n", first.service));
        let mut columns: Vec<(&str, bool)> = vec![("line item", false)];
        columns.extend(estimates.iter().map(|e| (e.region.as_str(), true)));
        let mut table = Table::new(&columns);
        for (i, l) in first.line_items.iter().enumerate() {
            let mut row = vec![l.description.clone()];
            row.extend(estimates.iter().map(|e| {
                e.line_items
                    .get(i)
                    .map(|x| usd(x.amount_usd))
                    .unwrap_or_default()
            }));
            table.row(row);
        }
        let mut total = vec!["total".to_owned()];
        total.extend(estimates.iter().map(|e| usd(e.total_usd)));
        table.row(total);
        text.push_str(&table.render());
    }
    let mut seen = Vec::new();
    for e in estimates {
        for (name, value) in &e.sizing {
            if !seen.contains(name) {
                seen.push(*name);
                text.push_str(&format!("{name}: {}\n", quantity(*value)));
            }
        }
    }
    for (title, lines) in [
        ("assumptions", &first.assumptions),
        ("warnings", &first.warnings),
    ] {
        if !lines.is_empty() {
            text.push_str(&format!("{title}:\n"));
            for line in lines.iter() {
                text.push_str(&format!("  - {line}\n"));
            }
        }
    }
    text
}
