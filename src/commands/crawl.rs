//! `lakeops crawl`.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _};

use super::Context;
use crate::catalog::{FileCatalog, GlueCatalog};
use crate::cli::{
    CrawlArgs, DeleteBehaviorArg, FormatArg, HeaderArg, OpenTablesArg, PartitionSchemaArg,
    UpdateBehaviorArg,
};
use crate::crawl::{
    self, csv::Header, CrawlOptions, DeleteBehavior, FormatChoice, Mode, OpenTables,
    PartitionSchema, RunOptions, RunReport, SampleLimits, Target, UpdateBehavior,
};
use crate::output;
use crate::storage::discover::KeyFilter;
use crate::storage::kind::Format;
use crate::storage::{Budget, Location, Store};
use crate::ExitStatus;

pub fn run(args: CrawlArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let locations = args
        .roots
        .iter()
        .map(|root| Location::parse(root))
        .collect::<Result<Vec<_>, _>>()?;
    if locations.len() > 1 && args.table.is_some() {
        bail!("--table names one table; several ROOTs are named after their last components (add --table-prefix)");
    }
    if locations.len() > 1 && args.discover_tables {
        bail!("--discover-tables takes one ROOT, the lake root whose folders are the tables");
    }
    let database = args.database.to_lowercase();
    if database.is_empty() {
        bail!("--database must not be empty");
    }
    let options = CrawlOptions {
        database,
        table: String::new(),
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
        open_tables: match args.open_tables {
            OpenTablesArg::Leave => OpenTables::Leave,
            OpenTablesArg::Register => OpenTables::Register,
        },
        explain: args.explain,
    };
    let single = locations.len() == 1 && !args.discover_tables;
    if single {
        let mut run = ctx.block_on(crawl_many(&args, &locations, &options, ctx))??;
        if let Some(failed) = run.failed.pop() {
            let what = format!("cannot crawl {}", failed.location);
            return Err(anyhow::Error::from(failed.error).context(what));
        }
        let report = run
            .tables
            .pop()
            .context("a crawl of one table reports it")?;
        output::crawl::emit(printer, &report)?;
        let drift = options.mode == Mode::Check && report.changed;
        return Ok(if drift || !report.rejected.is_empty() {
            ExitStatus::Findings
        } else {
            ExitStatus::Success
        });
    }
    let run = ctx.block_on(crawl_many(&args, &locations, &options, ctx))??;
    output::crawl::emit_run(printer, &run)?;
    let drift = options.mode == Mode::Check && run.tables.iter().any(|t| t.changed);
    let findings = !run.failed.is_empty()
        || !run.not_crawled.is_empty()
        || run.tables.iter().any(|t| !t.rejected.is_empty());
    Ok(if drift || findings {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// `--table`, or the root's last component with `--table-prefix` (specs/crawl.md (c)).
fn table_name(args: &CrawlArgs, root: &str, prefix: &str) -> anyhow::Result<String> {
    let location = Location::parse(root)?;
    let table = match &args.table {
        Some(name) => name.to_lowercase(),
        None => {
            let last = location
                .last_component()
                .with_context(|| format!("cannot name a table after {root}; give --table"))?;
            crawl::table_name_for_root(prefix, &last)
        }
    };
    if table.is_empty() || table.len() > crawl::MAX_TABLE_NAME {
        bail!(
            "invalid table name {table:?}: 1 to {} characters",
            crawl::MAX_TABLE_NAME
        );
    }
    Ok(table)
}

/// The store of a root: S3 loads AWS; a local root needs --catalog-file and none of AWS.
async fn open_store(args: &CrawlArgs, location: &Location, ctx: &Context) -> anyhow::Result<Store> {
    if let (Location::Local(path), None) = (location, &args.catalog_file) {
        bail!(
            "{} is a local directory: crawling it needs --catalog-file (Glue tables point at S3)",
            path.display()
        );
    }
    Ok(match location {
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
    })
}

/// Glue's table level of a root: the folders of its prefix under the bucket (a local root is
/// level 0, as a bucket is).
fn root_level(location: &Location) -> usize {
    match location {
        Location::S3 { prefix, .. } => prefix.split('/').filter(|c| !c.is_empty()).count(),
        Location::Local(_) => 0,
    }
}

/// The roots, or the tables under a lake root: one run, each table's failure its own.
async fn crawl_many(
    args: &CrawlArgs,
    locations: &[Location],
    options: &CrawlOptions,
    ctx: &Context,
) -> anyhow::Result<RunReport> {
    let prefix = args.table_prefix.as_deref().unwrap_or_default();
    let mut targets = Vec::with_capacity(locations.len());
    let mut level = None;
    for (root, location) in args.roots.iter().zip(locations) {
        let store = open_store(args, location, ctx).await?;
        if args.discover_tables {
            let filter = KeyFilter::new(&options.include, &options.exclude)?;
            let lake = crawl::discover_tables(
                &store,
                root_level(location),
                args.table_level.map(usize::from),
                prefix,
                &filter,
                &Budget::new(options.concurrency),
            )
            .await
            .with_context(|| format!("cannot find the tables under {}", store.root_url()))?;
            level = Some(lake.level);
            targets.extend(lake.targets);
        } else {
            targets.push(Target::new(table_name(args, root, prefix)?, store));
        }
    }
    // One table shows its sampling; many show tables done.
    let progress = if targets.len() == 1 {
        ctx.printer().progress()
    } else {
        ctx.printer().counter("tables")
    };
    let run = RunOptions {
        fail_fast: args.fail_fast,
    };
    match &args.catalog_file {
        Some(path) => {
            let mut catalog = FileCatalog::open_for_update(path)?;
            Ok(crawl::crawl_tables(targets, level, &mut catalog, options, run, &progress).await?)
        }
        None => {
            let mut catalog = GlueCatalog::new(ctx.aws().await?.glue());
            Ok(crawl::crawl_tables(targets, level, &mut catalog, options, run, &progress).await?)
        }
    }
}
