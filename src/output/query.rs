//! `lakeops query`'s result on stdout: an aligned table (the default), one JSON array, JSON
//! lines or CSV, or with `--json` a `row` record per row and a summary. Every format but the
//! table is printed batch by batch as the result is computed, so a large result is never held
//! whole; the table needs every row for its column widths.

use std::io;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use arrow::util::display::{ArrayFormatter, FormatOptions};

use super::{Printer, Table};
use crate::query::QuerySummary;

/// How the rows are printed (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned, `NULL` for nulls (the default).
    Table,
    /// One JSON array of row objects.
    Json,
    /// One JSON object per row, a line each.
    Ndjson,
    /// With a header row, even for no rows.
    Csv,
}

/// The result's batches, one per call, `None` at the end.
pub type Batches<'a> = dyn FnMut() -> anyhow::Result<Option<RecordBatch>> + 'a;

/// Prints the result in `format`; returns the number of rows.
pub fn rows(
    printer: &Printer,
    format: Format,
    schema: &SchemaRef,
    next: &mut Batches<'_>,
) -> anyhow::Result<u64> {
    let mut rows = 0u64;
    if format == Format::Table {
        let mut batches = Vec::new();
        while let Some(batch) = next()? {
            rows += batch.num_rows() as u64;
            batches.push(batch);
        }
        printer.data(&table(schema, &batches)?.render())?;
        return Ok(rows);
    }
    let mut first = true;
    while let Some(batch) = next()? {
        if batch.num_rows() == 0 {
            continue;
        }
        let text = render(&batch, format, first)?;
        first = false;
        rows += batch.num_rows() as u64;
        match format {
            // JSON escapes control characters by its own rules; tables escape every cell.
            Format::Csv => printer.data_for_terminal(&text)?,
            _ => printer.data(&text)?,
        }
    }
    // What an empty result still prints, and what closes a JSON array.
    match (format, first) {
        (Format::Json, true) => printer.data("[]\n")?,
        (Format::Json, false) => printer.data("]\n")?,
        (Format::Csv, true) => {
            // A header row even for no rows: consumers read the columns from it.
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            printer.data_for_terminal(&format!("{}\n", names.join(",")))?;
        }
        _ => {}
    }
    Ok(rows)
}

/// `--json`: each row as `{"type":"row","data":{...}}`, batch by batch. The row is nested under
/// `data`, not merged into the record, because its columns are the user's: one may be called
/// `type`. `data` holds the same object `--format ndjson` prints. Returns the number of rows.
pub fn records(printer: &Printer, next: &mut Batches<'_>) -> anyhow::Result<u64> {
    let mut rows = 0u64;
    while let Some(batch) = next()? {
        if batch.num_rows() == 0 {
            continue;
        }
        rows += batch.num_rows() as u64;
        let text = render(&batch, Format::Ndjson, true)?;
        let mut records = String::with_capacity(text.len() + batch.num_rows() * 28);
        for row in text.lines() {
            records.push_str("{\"type\":\"row\",\"data\":");
            records.push_str(row);
            records.push_str("}\n");
        }
        printer.data(&records)?;
    }
    Ok(rows)
}

/// `--json`'s last record, after the rows or after `-o` wrote them.
pub fn summary(printer: &Printer, summary: &QuerySummary) -> io::Result<()> {
    printer.json_record("summary", summary)
}

/// `--fail-if-empty` with no rows: why the exit status is 1.
pub fn empty(printer: &Printer) {
    printer.human("the result has no rows (--fail-if-empty)\n");
}

/// The SQL line an error points at, with a caret under the column.
pub fn caret(sql: &str, line: usize, column: usize) -> String {
    let text = sql.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    format!(
        "  {text}\n  {}^ line {line}, column {column}",
        " ".repeat(column.saturating_sub(1))
    )
}

/// One batch in `format`; `first` says whether it opens the output (CSV's header, JSON's `[`).
/// JSON is an array of the same rows as ndjson, comma-separated, built one batch at a time.
fn render(batch: &RecordBatch, format: Format, first: bool) -> anyhow::Result<String> {
    let mut out = Vec::new();
    match format {
        Format::Table => unreachable!("tables are rendered whole"),
        Format::Json => {
            let mut lines = Vec::new();
            let mut writer = arrow::json::LineDelimitedWriter::new(&mut lines);
            writer.write(batch)?;
            writer.finish()?;
            out.push(if first { b'[' } else { b',' });
            let rows: Vec<&[u8]> = lines
                .split(|b| *b == b'\n')
                .filter(|row| !row.is_empty())
                .collect();
            out.extend(rows.join(&b',').iter());
        }
        Format::Ndjson => {
            let mut writer = arrow::json::LineDelimitedWriter::new(&mut out);
            writer.write(batch)?;
            writer.finish()?;
        }
        Format::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(first)
                .build(&mut out);
            writer.write(batch)?;
        }
    }
    Ok(String::from_utf8(out)?)
}

/// Numbers right-aligned, everything else left; nulls as `NULL`.
fn table(schema: &SchemaRef, batches: &[RecordBatch]) -> anyhow::Result<Table> {
    let columns: Vec<(&str, bool)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().as_str(), f.data_type().is_numeric()))
        .collect();
    let mut table = Table::new(&columns);
    let options = FormatOptions::default().with_null("NULL");
    for batch in batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|column| ArrayFormatter::try_new(column.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..batch.num_rows() {
            table.row(
                formatters
                    .iter()
                    .map(|f| f.value(row).to_string())
                    .collect(),
            );
        }
    }
    Ok(table)
}
