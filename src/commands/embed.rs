//! `lakeops embed`.

use super::Context;
use crate::aws::needs_aws;
use crate::cli::{ChunkUnitArg, EmbedArgs, KernelsArg, PrecisionArg};
use crate::embed::fused::{Act, Choice};
use crate::embed::input;
use crate::embed::{self, ChunkUnit, EmbedOptions, Embedder, Precision};
use crate::output;
use crate::storage::discover::{DryRun, Selection};
use crate::storage::{Location, Store};
use crate::ExitStatus;
use std::sync::Arc;

pub fn run(args: EmbedArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let cancel = ctx.cancel();
    let runtime = ctx.runtime()?;
    // AWS is loaded only for s3:// inputs or output: local runs need neither credentials nor a
    // region.
    let locations = || args.inputs.iter().chain([&args.output]).map(String::as_str);
    let s3 = if needs_aws(locations()) {
        Some(ctx.aws_blocking()?.s3())
    } else {
        None
    };
    let output = Arc::new(Store::at(Location::parse(&args.output)?, s3.as_ref())?);
    let selection = Selection::new(
        &args.selection.include,
        &args.selection.exclude,
        args.selection.shard,
    )?;
    let options = EmbedOptions {
        model: args.model.clone(),
        text_column: args.text_column.clone(),
        id_column: args.id_column.clone(),
        keep_columns: args.keep_columns.clone(),
        chunk_size: args.chunk_size,
        chunk_overlap: args.chunk_overlap,
        chunk_unit: match args.chunk_unit {
            ChunkUnitArg::Chars => ChunkUnit::Chars,
            ChunkUnitArg::Tokens => ChunkUnit::Tokens,
        },
        device: args.device.clone(),
        precision: args.dtype.map(|d| match d {
            PrecisionArg::F32 => Precision::F32,
            PrecisionArg::F16 => Precision::F16,
            PrecisionArg::Bf16 => Precision::Bf16,
        }),
        batch_size: args.batch_size,
        batch_tokens: args.batch_tokens,
        max_seq_length: args.max_seq_length,
        overwrite: args.overwrite,
        kernels: match args.kernels {
            KernelsArg::Fused => Choice::Fused(Act::GeluTanh),
            KernelsArg::FusedErf => Choice::Fused(Act::GeluErf),
            KernelsArg::Generic => Choice::Generic,
        },
        fail_fast: args.fail_fast,
        output: output.clone(),
    };
    // Listed while the model loads; missing files and bad patterns are errors before it.
    let inputs = runtime.block_on(input::discover(
        &args.inputs,
        s3.as_ref(),
        &output,
        selection,
    ))?;
    let (embedder, warning) = Embedder::load(&options)?;
    if let Some(warning) = warning {
        tracing::warn!("{warning}");
    }
    if args.dry_run {
        let rows = embed::plan(inputs, &options, &embedder, runtime.handle(), &cancel)?;
        output::plan::emit(
            printer,
            &DryRun {
                verb: "embed",
                done: "embedded",
                rows,
            },
        )?;
        return Ok(ExitStatus::Success);
    }
    let progress = printer.progress();
    let report = embed::run(
        inputs,
        &options,
        &embedder,
        runtime.handle(),
        &progress,
        &cancel,
    )?;
    output::embed::emit(printer, &report)?;
    Ok(if report.failed_inputs > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
