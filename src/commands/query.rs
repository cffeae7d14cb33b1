//! `lakeops query`: tables and catalogs -> `Session` -> the result, streamed to
//! `output::query` or written by `query::sink` (`-o`).

use std::path::PathBuf;

use anyhow::Context as _;
use arrow::array::RecordBatch;
use clap::ValueEnum;

use super::Context;
use crate::catalog::{FileCatalog, GlueCatalog};
use crate::cli::{QueryArgs, QueryOutput};
use crate::output::{self, query::Format};
use crate::query::catalog::register_database;
use crate::query::{
    sink, sources::parse_table_spec, QueryError, QueryStream, QuerySummary, Session,
};
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
    let mut result = match result {
        Ok(result) => result,
        Err(QueryError::Sql {
            message,
            position: Some((line, column)),
        }) => {
            anyhow::bail!("{message}\n{}", output::query::caret(&sql, line, column))
        }
        Err(err) => return Err(err.into()),
    };
    let schema = result.schema.clone();
    let rows = match &destination {
        Destination::Parquet(path) => {
            let rows = sink::write_parquet(path, &mut result, runtime.handle())?;
            if printer.json() {
                output::query::summary(printer, &QuerySummary::new(&schema, rows, Some(path)))?;
            }
            rows
        }
        Destination::Records => {
            let rows = output::query::records(printer, &mut batches_of(result, runtime))?;
            output::query::summary(printer, &QuerySummary::new(&schema, rows, None))?;
            rows
        }
        Destination::Print(format) => {
            output::query::rows(printer, *format, &schema, &mut batches_of(result, runtime))?
        }
    };
    Ok(if args.fail_if_empty && rows == 0 {
        output::query::empty(printer);
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// Where the result goes.
#[derive(Debug, PartialEq)]
enum Destination {
    /// `--format` (a table by default).
    Print(Format),
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
        (Some(path), None) if path.file_name().is_none() => {
            anyhow::bail!("-o/--output needs a file name")
        }
        (Some(path), None) => Destination::Parquet(path),
        (None, _) if json => Destination::Records,
        (None, format) => Destination::Print(match format.unwrap_or(QueryOutput::Table) {
            QueryOutput::Table => Format::Table,
            QueryOutput::Json => Format::Json,
            QueryOutput::Ndjson => Format::Ndjson,
            QueryOutput::Csv => Format::Csv,
        }),
    })
}

/// The result's batches, one per call, as they are computed.
fn batches_of<'a>(
    mut stream: QueryStream,
    runtime: &'a tokio::runtime::Runtime,
) -> impl FnMut() -> anyhow::Result<Option<RecordBatch>> + 'a {
    move || Ok(runtime.block_on(stream.next_batch())?)
}
