//! What every command runs with, built once in [`crate::run`]: the printer, one tokio runtime,
//! the Ctrl-C flag and the AWS configuration. The last three start only when a command first asks
//! for them, so a cost estimate starts no threads, a local run never touches the AWS
//! configuration, and a command that never checks the flag keeps Ctrl-C's default (stop now).

use std::future::Future;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use tokio::runtime::Runtime;

use crate::aws::{Aws, AwsError, AwsOptions, LazyAws};
use crate::cli::{Command, CostCommand};
use crate::output::Printer;

pub struct Context {
    printer: Printer,
    /// Worker threads of the runtime; `None`: one per core.
    workers: Option<usize>,
    runtime: OnceLock<Runtime>,
    aws: Arc<LazyAws>,
    cancel: OnceLock<Arc<AtomicBool>>,
}

/// Attempts per S3 request in a conversion: a run of many hours meets throttling (503 SlowDown)
/// and dropped connections in bursts, and giving up costs the object's whole conversion.
const CONVERT_S3_ATTEMPTS: u32 = 10;

impl Context {
    pub fn new(printer: Printer, command: &Command) -> Context {
        Context {
            printer,
            workers: workers(command),
            runtime: OnceLock::new(),
            aws: Arc::new(LazyAws::new(aws_options(command))),
            cancel: OnceLock::new(),
        }
    }

    pub fn printer(&self) -> &Printer {
        &self.printer
    }

    /// The run's one runtime, started on the first call. Call it from the command's thread,
    /// never from inside the runtime (the library's blocking calls take its handle).
    pub fn runtime(&self) -> anyhow::Result<&Runtime> {
        if let Some(runtime) = self.runtime.get() {
            return Ok(runtime);
        }
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.enable_all();
        if let Some(workers) = self.workers {
            builder.worker_threads(workers);
        }
        let runtime = builder.build().context("cannot start the async runtime")?;
        Ok(self.runtime.get_or_init(|| runtime))
    }

    /// Runs `future` to completion on the runtime, blocking the command's thread.
    pub fn block_on<F: Future>(&self, future: F) -> anyhow::Result<F::Output> {
        Ok(self.runtime()?.block_on(future))
    }

    /// The AWS configuration from the command's AWS flags, loaded on the first call.
    pub async fn aws(&self) -> Result<&Aws, AwsError> {
        self.aws.get().await
    }

    /// [`Context::aws`] from the command's thread.
    pub fn aws_blocking(&self) -> anyhow::Result<&Aws> {
        Ok(self.block_on(self.aws.get())??)
    }

    /// The same lazily loaded configuration, for library code that loads it where it meets S3
    /// (a query's s3:// tables).
    pub fn lazy_aws(&self) -> Arc<LazyAws> {
        self.aws.clone()
    }

    /// Set by the first Ctrl-C (or SIGTERM); the handler is installed on the first call, by the
    /// commands that check the flag and clean up (convert, embed).
    pub fn cancel(&self) -> Arc<AtomicBool> {
        self.cancel.get_or_init(super::interrupt_flag).clone()
    }
}

/// Worker threads for `command`, from what each does on the runtime. convert and embed do their
/// CPU work on their own threads (the parse pool, the encoder) and use the runtime for S3 I/O
/// only, so two workers are plenty and do not compete with those threads; cost uses it for a
/// few Price List requests. query runs DataFusion's operators on the runtime's workers and crawl
/// parses its samples in runtime tasks: they get one worker per core.
fn workers(command: &Command) -> Option<usize> {
    match command {
        Command::Query(_) | Command::Crawl(_) | Command::Load(_) => None,
        Command::Convert(_)
        | Command::Embed(_)
        | Command::Cost(_)
        | Command::Generate(_)
        | Command::Version => Some(2),
    }
}

/// The AWS options of the cost commands that read an account.
fn cost_aws(args: &crate::cli::CostAwsArgs, region: Option<String>) -> AwsOptions {
    AwsOptions {
        profile: args.profile.clone(),
        region,
        endpoint_url: args.endpoint_url.clone(),
        s3_path_style: false,
        max_attempts: None,
    }
}

/// The AWS flags `command` was given, as the library's options (the SDK's defaults for a
/// command without AWS flags: it never loads them).
fn aws_options(command: &Command) -> AwsOptions {
    match command {
        Command::Convert(args) => AwsOptions {
            max_attempts: Some(CONVERT_S3_ATTEMPTS),
            ..super::aws_options(&args.aws)
        },
        Command::Crawl(args) => super::aws_options(&args.aws),
        Command::Embed(args) => super::aws_options(&args.aws),
        Command::Load(args) => super::aws_options(&args.aws),
        Command::Query(args) => super::aws_options(&args.aws),
        Command::Cost(args) => match &args.workload {
            // The Price List API answers in us-east-1 for prices of every region.
            CostCommand::Prices {
                profile,
                endpoint_url,
                ..
            } => AwsOptions {
                profile: profile.clone(),
                region: Some("us-east-1".into()),
                endpoint_url: endpoint_url.clone(),
                s3_path_style: false,
                max_attempts: None,
            },
            CostCommand::Live { live, .. } => cost_aws(&live.aws, live.regions.first().cloned()),
            // Cost Explorer answers in us-east-1 for the whole account.
            CostCommand::Actual { aws, .. } => cost_aws(aws, Some("us-east-1".into())),
            CostCommand::Plan { aws, common, .. } => cost_aws(aws, common.region.clone()),
            _ => AwsOptions::default(),
        },
        Command::Generate(_) | Command::Version => AwsOptions::default(),
    }
}
