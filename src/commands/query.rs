//! `lakeops query`.

use std::path::PathBuf;

use anyhow::Context as _;
use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, SchemaRef};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use clap::ValueEnum;

use super::Context;
use crate::catalog::{FileCatalog, GlueCatalog};
use crate::cli::{QueryArgs, QueryOutput};
use crate::output::{Printer, Table};
use crate::query::catalog::register_database;
use crate::query::{sources::parse_table_spec, QueryError, QueryStream, Session};
use crate::storage::{Store, UploadSettings};
use crate::ExitStatus;

pub fn run(args: QueryArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let destination = destination(&args, printer.json())?;
    let sql = match (&args.sql, &args.file) {
        (Some(sql), _) => sql.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read SQL file {}", path.display()))?,
        (None, None) => anyhow::bail!("give the SQL, or -f FILE.sql"),
    };
    let runtime = ctx.runtime()?;
    let database = args.glue_database.as_ref().or(args.database.as_ref());
    let mut session = match database {
        Some(database) => Session::with_default_schema(database),
        None => Session::new(),
    };
    // AWS is loaded for Glue now, and for S3 at the first s3:// location: a query of local
    // files through a local catalog resolves no AWS configuration at all.
    let glue = match &args.glue_database {
        Some(_) => Some(GlueCatalog::new(ctx.aws_blocking()?.glue())),
        None => None,
    };
    session = session.with_aws(ctx.lazy_aws());
    let result = runtime.block_on(async {
        if let (Some(mut glue), Some(database)) = (glue, &args.glue_database) {
            register_database(&session, &mut glue, database).await?;
        }
        if let (Some(path), Some(database)) = (&args.catalog_file, &args.database) {
            if !path.is_file() {
                return Err(QueryError::Catalog(format!(
                    "{}: no such catalog file",
                    path.display()
                )));
            }
            let mut catalog = FileCatalog::open(path).map_err(QueryError::CatalogRead)?;
            register_database(&session, &mut catalog, database).await?;
        }
        for spec in &args.tables {
            let (name, location) = parse_table_spec(spec)?;
            session.register_location(&name, &location).await?;
        }
        session.stream(&sql).await
    });
    let result = match result {
        Ok(result) => result,
        Err(QueryError::Sql {
            message,
            position: Some((line, column)),
        }) => {
            anyhow::bail!("{message}\n{}", caret(&sql, line, column))
        }
        Err(err) => return Err(err.into()),
    };
    let schema = result.schema.clone();
    let mut next = batches_of(result, runtime);
    let rows = match &destination {
        Destination::Parquet(path) => {
            let rows = write_parquet(path, schema.clone(), &mut next, runtime)?;
            if printer.json() {
                summary(printer, &schema, rows, Some(path))?;
            }
            rows
        }
        Destination::Records => {
            let rows = write_records(printer, &mut next)?;
            summary(printer, &schema, rows, None)?;
            rows
        }
        Destination::Print(format) => write_output(printer, *format, &schema, &mut next)?,
    };
    Ok(if args.fail_if_empty && rows == 0 {
        printer.human("the result has no rows (--fail-if-empty)\n");
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// Where the result goes.
#[derive(Debug, PartialEq)]
enum Destination {
    /// `--format` (a table by default).
    Print(QueryOutput),
    /// `--json`: a `row` record per row and a summary.
    Records,
    /// `-o FILE.parquet` (with `--json`, a summary on stdout too).
    Parquet(PathBuf),
}

/// `--format`, `-o/--output` and `--json` as one destination. `--output` took the format until
/// `-o` became the path everywhere: a format name there is still read as the format, with a
/// warning, for one release; `--out FILE` likewise.
fn destination(args: &QueryArgs, json: bool) -> anyhow::Result<Destination> {
    let mut format = args.format;
    let mut path = args.output.clone();
    let old_format = args
        .output
        .as_deref()
        .and_then(|p| p.to_str())
        .and_then(|text| QueryOutput::from_str(text, false).ok());
    if let Some(old) = old_format {
        let name = old
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        if format.is_some() {
            anyhow::bail!(
                "--output {name} is the old spelling of --format {name}: give the format once, \
                 with --format (a Parquet file named {name} is -o ./{name})"
            );
        }
        tracing::warn!("--output {name} is deprecated; use --format {name}");
        format = Some(old);
        path = None;
    }
    if let Some(out) = &args.out {
        tracing::warn!("--out is deprecated; use -o/--output {}", out.display());
        path = Some(out.clone());
    }
    Ok(match (path, format) {
        (Some(_), Some(format)) => {
            let name = format
                .to_possible_value()
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default();
            anyhow::bail!("-o/--output writes Parquet and --format {name} prints: give one of them")
        }
        (Some(path), None) => Destination::Parquet(path),
        (None, _) if json => Destination::Records,
        (None, format) => Destination::Print(format.unwrap_or(QueryOutput::Table)),
    })
}

/// The result's batches, one per call, as they are computed.
fn batches_of<'a>(
    mut stream: QueryStream,
    runtime: &'a tokio::runtime::Runtime,
) -> impl FnMut() -> anyhow::Result<Option<RecordBatch>> + 'a {
    move || Ok(runtime.block_on(stream.next_batch())?)
}

/// Prints the result in `format`, batch by batch except for the aligned table (which needs every
/// row for its widths); returns the number of rows.
fn write_output(
    printer: &Printer,
    format: QueryOutput,
    schema: &SchemaRef,
    next: &mut dyn FnMut() -> anyhow::Result<Option<RecordBatch>>,
) -> anyhow::Result<u64> {
    let mut rows = 0u64;
    if format == QueryOutput::Table {
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
            QueryOutput::Csv => printer.data_for_terminal(&text)?,
            _ => printer.data(&text)?,
        }
    }
    // What an empty result still prints, and what closes a JSON array.
    match (format, first) {
        (QueryOutput::Json, true) => printer.data("[]\n")?,
        (QueryOutput::Json, false) => printer.data("]\n")?,
        (QueryOutput::Csv, true) => {
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
fn write_records(
    printer: &Printer,
    next: &mut dyn FnMut() -> anyhow::Result<Option<RecordBatch>>,
) -> anyhow::Result<u64> {
    let mut rows = 0u64;
    while let Some(batch) = next()? {
        if batch.num_rows() == 0 {
            continue;
        }
        rows += batch.num_rows() as u64;
        let text = render(&batch, QueryOutput::Ndjson, true)?;
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

/// `--json`'s last record: how many rows, the result's columns (also when there are no rows),
/// and the Parquet file written with `-o` (null when the rows were printed).
fn summary(
    printer: &Printer,
    schema: &SchemaRef,
    rows: u64,
    output: Option<&std::path::Path>,
) -> std::io::Result<()> {
    let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    printer.json_record(
        "summary",
        &serde_json::json!({
            "rows": rows,
            "columns": columns,
            "output": output.map(|path| path.display().to_string()),
        }),
    )
}

/// The SQL line an error points at, with a caret under the column.
fn caret(sql: &str, line: usize, column: usize) -> String {
    let text = sql.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    format!(
        "  {text}\n  {}^ line {line}, column {column}",
        " ".repeat(column.saturating_sub(1))
    )
}

/// One batch in `format`; `first` says whether it opens the output (CSV's header, JSON's `[`).
/// JSON is an array of the same rows as ndjson, comma-separated, built one batch at a time.
fn render(batch: &RecordBatch, format: QueryOutput, first: bool) -> anyhow::Result<String> {
    let mut out = Vec::new();
    match format {
        QueryOutput::Table => unreachable!("tables are rendered whole"),
        QueryOutput::Json => {
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
        QueryOutput::Ndjson => {
            let mut writer = arrow::json::LineDelimitedWriter::new(&mut out);
            writer.write(batch)?;
            writer.finish()?;
        }
        QueryOutput::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(first)
                .build(&mut out);
            writer.write(batch)?;
        }
    }
    Ok(String::from_utf8(out)?)
}

fn table(schema: &SchemaRef, batches: &[RecordBatch]) -> anyhow::Result<Table> {
    let fields = schema.fields();
    let columns: Vec<(&str, bool)> = fields
        .iter()
        .map(|f| (f.name().as_str(), is_numeric(f.data_type())))
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

fn is_numeric(data_type: &DataType) -> bool {
    data_type.is_numeric()
}

/// `-o FILE.parquet`: written batch by batch, published whole or not at all; returns the
/// number of rows.
fn write_parquet(
    path: &std::path::Path,
    schema: SchemaRef,
    next: &mut dyn FnMut() -> anyhow::Result<Option<RecordBatch>>,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<u64> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .context("-o/--output needs a file name")?
        .to_string_lossy()
        .into_owned();
    let store = Store::local(parent);
    let cannot_write = || format!("cannot write {}", path.display());
    let object = store.writer(&name, runtime.handle(), UploadSettings::default())?;
    let mut writer = parquet::arrow::ArrowWriter::try_new(object, schema, None)?;
    let mut rows = 0u64;
    while let Some(batch) = next()? {
        rows += batch.num_rows() as u64;
        // A full disk shows here first: name the file (the writer's own error says "External").
        writer.write(&batch).with_context(cannot_write)?;
    }
    writer
        .into_inner()
        .with_context(cannot_write)?
        .close()
        .with_context(cannot_write)?
        .publish()
        .with_context(cannot_write)?;
    Ok(rows)
}
