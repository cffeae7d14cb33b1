//! `lakeops embed`.

use super::Context;
use crate::aws::needs_aws;
use crate::cli::{ChunkUnitArg, EmbedArgs, KernelsArg, PrecisionArg};
use crate::embed::fused::{Act, Choice};
use crate::embed::input;
use crate::embed::{self, ChunkUnit, EmbedOptions, Embedder, Precision};
use crate::output;
use crate::ExitStatus;

pub fn run(args: EmbedArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let cancel = ctx.cancel();
    let options = EmbedOptions {
        model: args.model.clone(),
        text_column: args.text_column.clone(),
        id_column: args.id_column.clone(),
        chunk_size: args.chunk_size,
        chunk_overlap: args.chunk_overlap,
        chunk_unit: match args.chunk_unit {
            ChunkUnitArg::Chars => ChunkUnit::Chars,
            ChunkUnitArg::Tokens => ChunkUnit::Tokens,
        },
        device: args.device,
        precision: args.dtype.map(|d| match d {
            PrecisionArg::F32 => Precision::F32,
            PrecisionArg::F16 => Precision::F16,
            PrecisionArg::Bf16 => Precision::Bf16,
        }),
        batch_size: args.batch_size,
        batch_tokens: args.batch_tokens,
        max_seq_length: args.max_seq_length,
        output: args.output.clone(),
        overwrite: args.overwrite,
        kernels: match args.kernels {
            KernelsArg::Fused => Choice::Fused(Act::GeluTanh),
            KernelsArg::FusedErf => Choice::Fused(Act::GeluErf),
            KernelsArg::Generic => Choice::Generic,
        },
        fail_fast: args.fail_fast,
    };
    let runtime = ctx.runtime()?;
    // AWS is loaded only for s3:// inputs: local runs need neither credentials nor a region.
    let s3 = if needs_aws(args.inputs.iter().map(String::as_str)) {
        Some(ctx.aws_blocking()?.s3())
    } else {
        None
    };
    // Listed while the model loads; missing files and bad patterns are errors before it.
    let inputs = runtime.block_on(input::discover(&args.inputs, s3.as_ref(), &args.output))?;
    let (embedder, warning) = Embedder::load(&options)?;
    if let Some(warning) = warning {
        tracing::warn!("{warning}");
    }
    let progress = printer.counter("chunks");
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
