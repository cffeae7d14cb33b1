//! `lakeops crawl`.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _};

use super::Context;
use crate::catalog::{FileCatalog, GlueCatalog};
use crate::cli::{
    CrawlArgs, DeleteBehaviorArg, FormatArg, HeaderArg, PartitionSchemaArg, UpdateBehaviorArg,
};
use crate::crawl::{
    self, csv::Header, CrawlOptions, CrawlReport, DeleteBehavior, FormatChoice, Mode,
    PartitionSchema, SampleLimits, UpdateBehavior,
};
use crate::output;
use crate::storage::kind::Format;
use crate::storage::{Location, Store};
use crate::ExitStatus;

pub fn run(args: CrawlArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let location = Location::parse(&args.root)?;
    let table = match &args.table {
        Some(name) => name.to_lowercase(),
        None => {
            let last = location
                .last_component()
                .context("cannot name the table after ROOT; give --table")?;
            crawl::table_name_for_root(args.table_prefix.as_deref().unwrap_or_default(), &last)
        }
    };
    if table.is_empty() || table.len() > crawl::MAX_TABLE_NAME {
        bail!(
            "invalid table name {table:?}: 1 to {} characters",
            crawl::MAX_TABLE_NAME
        );
    }
    let database = args.database.to_lowercase();
    if database.is_empty() {
        bail!("--database must not be empty");
    }
    let options = CrawlOptions {
        database,
        table,
        mode: if args.check {
            Mode::Check
        } else if args.plan {
            Mode::Plan
        } else {
            Mode::Apply
        },
        update: match args.update_behavior {
            UpdateBehaviorArg::Merge => UpdateBehavior::Merge,
            UpdateBehaviorArg::Replace => UpdateBehavior::Replace,
            UpdateBehaviorArg::Log => UpdateBehavior::Log,
        },
        delete: match args.delete_behavior {
            DeleteBehaviorArg::Log => DeleteBehavior::Log,
            DeleteBehaviorArg::Deprecate => DeleteBehavior::Deprecate,
            DeleteBehaviorArg::Delete => DeleteBehavior::Delete,
        },
        partition_schema: match args.partition_schema {
            PartitionSchemaArg::Inherit => PartitionSchema::Inherit,
            PartitionSchemaArg::Own => PartitionSchema::Own,
        },
        limits: SampleLimits {
            bytes: args.sample_bytes,
            records: args.sample_records.max(1),
            format: match args.format {
                FormatArg::Auto => FormatChoice::Auto,
                FormatArg::Json => FormatChoice::Only(Format::Json),
                FormatArg::Parquet => FormatChoice::Only(Format::Parquet),
                FormatArg::Csv => FormatChoice::Only(Format::Csv),
            },
            csv_header: match args.header {
                HeaderArg::Auto => Header::Auto,
                HeaderArg::Yes => Header::Yes,
                HeaderArg::No => Header::No,
            },
            infer_temporal: args.infer_temporal,
        },
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        overrides: args.types.iter().cloned().collect::<BTreeMap<_, _>>(),
        sanitize_names: args.sanitize_names,
        adopt: args.adopt,
        recreate: args.recreate,
        partition_types: args.partition_type.iter().cloned().collect(),
        concurrency: usize::from(args.concurrency),
        skip_mismatched: args.skip_mismatched,
        state_file: args.state_file.clone(),
    };
    let report = ctx.block_on(crawl_with(&args, &location, &options, ctx))??;
    output::crawl::emit(printer, &report)?;
    let drift = options.mode == Mode::Check && report.changed;
    Ok(if drift || !report.rejected.is_empty() {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

async fn crawl_with(
    args: &CrawlArgs,
    location: &Location,
    options: &CrawlOptions,
    ctx: &Context,
) -> anyhow::Result<CrawlReport> {
    if let (Location::Local(path), None) = (location, &args.catalog_file) {
        bail!(
            "{} is a local directory: crawling it needs --catalog-file (Glue tables point at S3)",
            path.display()
        );
    }
    // AWS is loaded only when S3 or Glue is involved: a local root with a catalog file needs
    // neither credentials nor a region.
    let store = match location {
        Location::S3 { bucket, prefix } => {
            Store::s3(ctx.aws().await?.s3(), bucket.clone(), prefix.clone())
        }
        Location::Local(path) => {
            let root = std::fs::canonicalize(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if !root.is_dir() {
                bail!("{} is not a directory", path.display());
            }
            Store::local(root)
        }
    };
    let progress = ctx.printer().progress();
    let what = format!("cannot crawl {}", store.root_url());
    match &args.catalog_file {
        Some(path) => {
            let mut catalog = FileCatalog::open_for_update(path)?;
            Ok(crawl::crawl(&store, &mut catalog, options, &progress)
                .await
                .context(what)?)
        }
        None => {
            let mut catalog = GlueCatalog::new(ctx.aws().await?.glue());
            Ok(crawl::crawl(&store, &mut catalog, options, &progress)
                .await
                .context(what)?)
        }
    }
}
