//! `lakeops load`.

use std::sync::Arc;

use super::Context;
use crate::aws::needs_aws;
use crate::cli::{IndexMethodArg, LoadArgs, MetricArg};
use crate::load::input::open_inputs;
use crate::load::postgres::{
    self, IndexMethod, IndexSettings, PgOptions, PgTarget, TableName, VerifySettings,
};
use crate::load::{Columns, LoadError, LoadOptions, Metric};
use crate::output;
use crate::storage::discover::Selection;
use crate::ExitStatus;

pub fn run(args: LoadArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let cancel = ctx.cancel();
    let runtime = ctx.runtime()?;
    if !(args.to.starts_with("postgresql://") || args.to.starts_with("postgres://")) {
        return Err(LoadError::Options(format!(
            "--to {}: expected a postgresql:// URL",
            postgres::connect::redact(&args.to)
        ))
        .into());
    }
    let table = args.table.as_deref().ok_or_else(|| {
        LoadError::Options("--table NAME is needed with a postgresql:// target".into())
    })?;
    let table = TableName::parse(table).map_err(LoadError::Options)?;
    let s3 = if needs_aws(args.inputs.iter().map(String::as_str)) {
        Some(ctx.aws_blocking()?.s3())
    } else {
        None
    };
    let iam = if args.rds_iam {
        Some(runtime.block_on(ctx.aws_blocking()?.signing_identity())?)
    } else {
        None
    };
    let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
    let target = PgTarget::parse(&args.to, &env, iam)?;
    let selection = Selection::new(
        &args.selection.include,
        &args.selection.exclude,
        args.selection.shard,
    )?;
    let options = LoadOptions {
        columns: Columns {
            id: args.id_column.clone(),
            text: args.text_column.clone(),
            vector: args.vector_column.clone(),
            keep: args.keep_columns.clone(),
        },
        metric: args.metric.map(|m| match m {
            MetricArg::Cosine => Metric::Cosine,
            MetricArg::L2 => Metric::L2,
            MetricArg::InnerProduct => Metric::InnerProduct,
        }),
        part_rows: args.part_rows,
        concurrency: args.concurrency as usize,
    };
    let pg = PgOptions {
        target,
        table,
        index: IndexSettings {
            method: match args.index_method {
                IndexMethodArg::Hnsw => IndexMethod::Hnsw {
                    m: args.m,
                    ef_construction: args.ef_construction,
                },
                IndexMethodArg::Ivfflat => IndexMethod::IvfFlat { lists: args.lists },
                IndexMethodArg::None => IndexMethod::None,
            },
            maintenance_work_mem: args.maintenance_work_mem.clone(),
            parallel_workers: Some(args.parallel_workers),
        },
        vacuum: args.vacuum,
        verify: (args.verify || args.min_recall.is_some()).then(|| VerifySettings {
            queries: args.verify_queries,
            ef_search: args.ef_search,
            probes: args.probes,
            min_recall: args.min_recall,
        }),
    };
    let progress: Arc<dyn crate::progress::Progress> = Arc::new(printer.counter("rows"));
    let report = runtime.block_on(async {
        let (inputs, shape) = open_inputs(&args.inputs, s3.as_ref(), &selection, &options).await?;
        postgres::load(inputs, shape, &options, pg, progress, cancel).await
    })?;
    output::load::emit(printer, &report)?;
    Ok(if report.passed() {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}
