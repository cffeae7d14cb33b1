//! `lakeops load`.

use std::sync::Arc;

use super::Context;
use crate::aws::needs_aws;
use crate::cli::{EngineArg, IndexMethodArg, LoadArgs, MetricArg, ServiceArg};
use crate::load::input::open_inputs;
use crate::load::opensearch::{self, Auth, Destination, Engine, IndexParams, OsOptions};
use crate::load::postgres::{
    self, IndexMethod, IndexSettings, PgOptions, PgTarget, TableName, VerifySettings,
};
use crate::load::{Columns, LoadError, LoadOptions, Metric, TargetKind};
use crate::output;
use crate::storage::discover::Selection;
use crate::storage::{Location, Store};
use crate::ExitStatus;

pub fn run(args: LoadArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let cancel = ctx.cancel();
    let runtime = ctx.runtime()?;
    let kind = TargetKind::of(&args.to)?;
    let locations = || {
        let files = match &kind {
            TargetKind::BulkFiles(location) => Some(location.as_str()),
            _ => None,
        };
        args.inputs.iter().map(String::as_str).chain(files)
    };
    let s3 = if needs_aws(locations()) {
        Some(ctx.aws_blocking()?.s3())
    } else {
        None
    };
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
    let progress: Arc<dyn crate::progress::Progress> = Arc::new(printer.counter("rows"));
    let report = match kind {
        TargetKind::Postgres => {
            let table = args.table.as_deref().ok_or_else(|| {
                LoadError::Options("--table NAME is needed with a postgresql:// target".into())
            })?;
            let table = TableName::parse(table).map_err(LoadError::Options)?;
            if args.min_recall.is_some() && args.index_method == IndexMethodArg::None {
                return Err(LoadError::Options(
                    "--min-recall needs an index to measure: --index-method hnsw or ivfflat".into(),
                )
                .into());
            }
            let iam = if args.rds_iam {
                Some(runtime.block_on(ctx.aws_blocking()?.signing_identity())?)
            } else {
                None
            };
            let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
            let pg = PgOptions {
                target: PgTarget::parse(&args.to, &env, iam)?,
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
                verify: (args.verify || args.min_recall.is_some()).then_some(VerifySettings {
                    queries: args.verify_queries,
                    ef_search: args.ef_search,
                    probes: args.probes,
                    min_recall: args.min_recall,
                }),
            };
            runtime.block_on(async {
                let (inputs, shape) =
                    open_inputs(&args.inputs, s3.as_ref(), &selection, &options).await?;
                postgres::load(inputs, shape, &options, pg, progress, cancel).await
            })?
        }
        TargetKind::OpenSearch | TargetKind::BulkFiles(_) => {
            let index = args.index.as_deref().ok_or_else(|| {
                LoadError::Options("--index NAME is needed with an OpenSearch target".into())
            })?;
            opensearch::check_index_name(index).map_err(LoadError::Options)?;
            if args.index_method == IndexMethodArg::Ivfflat {
                return Err(LoadError::Options(
                    "--index-method ivfflat is PostgreSQL's; OpenSearch indexes use HNSW".into(),
                )
                .into());
            }
            let destination = match &kind {
                TargetKind::BulkFiles(location) => Destination::Files(Arc::new(Store::at(
                    Location::parse(location)?,
                    s3.as_ref(),
                )?)),
                _ => {
                    let (base, basic) = opensearch::split_user(&args.to)?;
                    let host = base
                        .split_once("://")
                        .map_or("", |(_, rest)| rest.split(['/', ':']).next().unwrap_or(""));
                    let service = args
                        .service
                        .map(|s| match s {
                            ServiceArg::Es => "es",
                            ServiceArg::Aoss => "aoss",
                        })
                        .or_else(|| opensearch::service_of_host(host));
                    let auth = match (service, basic) {
                        (Some(service), _) => Auth::SigV4 {
                            identity: runtime.block_on(ctx.aws_blocking()?.signing_identity())?,
                            service,
                        },
                        (None, Some(credentials)) => Auth::Basic(credentials),
                        (None, None) => Auth::None,
                    };
                    Destination::Cluster(Box::new(opensearch::client::Cluster::new(
                        &base,
                        auth,
                        args.max_attempts,
                    )?))
                }
            };
            let os = OsOptions {
                index: index.to_owned(),
                params: IndexParams {
                    engine: match args.engine {
                        EngineArg::Faiss => Engine::Faiss,
                        EngineArg::Lucene => Engine::Lucene,
                    },
                    m: args.m,
                    ef_construction: args.ef_construction,
                    ef_search: args.ef_search,
                },
                bulk_bytes: args.bulk_bytes as usize,
                verify: (args.verify || args.min_recall.is_some()).then_some(
                    opensearch::verify::VerifySettings {
                        queries: args.verify_queries,
                        min_recall: args.min_recall,
                    },
                ),
            };
            runtime.block_on(async {
                let (inputs, shape) =
                    open_inputs(&args.inputs, s3.as_ref(), &selection, &options).await?;
                opensearch::load(inputs, shape, &options, os, destination, progress, cancel).await
            })?
        }
    };
    output::load::emit(printer, &report)?;
    Ok(if report.passed() {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}
