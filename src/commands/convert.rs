//! `lakeops convert`.

use anyhow::Context as _;

use super::Context;
use crate::aws::needs_aws;
use crate::cli::ConvertArgs;
use crate::convert::{self, ConvertOptions, OutputRoot, SchemaSource, Selection};
use crate::output;
use crate::progress::NoProgress;
use crate::schema::SchemaFile;
use crate::storage::discover::DryRun;
use crate::storage::write::MIN_PART_SIZE;
use crate::storage::UploadSettings;
use crate::ExitStatus;

pub fn run(args: ConvertArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let cancel = ctx.cancel();
    let runtime = ctx.runtime()?;
    // AWS is loaded only when S3 is involved: local runs need neither credentials nor a region.
    let locations = args.inputs.iter().chain(&args.output).chain(&args.state);
    let s3 = if needs_aws(locations.map(String::as_str)) {
        Some(ctx.aws_blocking()?.s3())
    } else {
        None
    };
    let inputs = convert::resolve_inputs(&args.inputs, s3.as_ref(), runtime.handle())?;
    let threads = args
        .threads
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let schema = match &args.schema {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read schema file {}", path.display()))?;
            let fields = SchemaFile::parse(&text)
                .with_context(|| format!("invalid schema file {}", path.display()))?;
            SchemaSource::Pinned(fields)
        }
        None => SchemaSource::Infer(args.sample_rows),
    };

    if args.print_schema {
        let plain: Vec<_> = inputs
            .collect(&cancel)?
            .into_iter()
            .map(|i| i.input)
            .collect();
        let max_line = usize::try_from(args.max_line_bytes).unwrap_or(usize::MAX);
        let sampled =
            convert::resolve_schema(&plain, &schema, threads, max_line, &cancel, &NoProgress)?;
        output::convert::schema(printer, &SchemaFile::from_fields(&sampled.fields))?;
        return Ok(ExitStatus::Success);
    }

    let output = args.output.clone().context("--output is required")?;
    if (args.part_size as usize) < MIN_PART_SIZE {
        anyhow::bail!("--part-size must be at least 5MiB (S3's smallest multipart part)");
    }
    let options = ConvertOptions {
        selection: Selection::new(
            &args.selection.include,
            &args.selection.exclude,
            args.selection.shard,
        )?,
        output: OutputRoot::open(
            &output,
            inputs.single()?,
            args.state.as_deref(),
            s3.as_ref(),
        )?,
        inputs,
        runtime: runtime.handle().clone(),
        upload: UploadSettings {
            part_size: args.part_size as usize,
            concurrency: args.part_concurrency.max(1),
        },
        jobs: args.jobs.max(1),
        overwrite: args.overwrite,
        schema,
        on_error: args.on_error.into(),
        writer: convert::WriterSettings {
            codec: args.compression,
            row_group_size: args.row_group_size,
            max_rows_per_file: args.max_rows_per_file,
            max_file_bytes: args.max_file_size,
        },
        threads,
        chunk_bytes: convert::DEFAULT_CHUNK_BYTES,
        max_line_bytes: usize::try_from(args.max_line_bytes).unwrap_or(usize::MAX),
        cancel,
    };
    if args.dry_run {
        let prepared = convert::prepare(&options, &NoProgress)?;
        output::plan::emit(
            printer,
            &DryRun {
                verb: "convert",
                done: "converted",
                rows: prepared.rows(&options.output),
            },
        )?;
        return Ok(ExitStatus::Success);
    }
    let progress = printer.progress();
    let report = convert::run(options, &progress)?;
    output::convert::emit(printer, &report)?;
    Ok(if report.totals.rejects > 0 || report.failed_inputs > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
