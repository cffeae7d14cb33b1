//! `lakeops embed`.

use super::Context;
use crate::aws::needs_aws;
use crate::cli::{ChunkUnitArg, EmbedArgs, KernelsArg, PrecisionArg};
use crate::embed::fused::{Act, Choice};
use crate::embed::input;
use crate::embed::{self, ChunkUnit, EmbedError, EmbedOptions, EmbedReport, Embedder, Precision};
use crate::output::{megabytes, thousands, Printer, Table};
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
    print_report(printer, &report)?;
    Ok(if report.failed_inputs > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

fn print_report(printer: &Printer, report: &EmbedReport) -> std::io::Result<()> {
    if printer.json() {
        for input in &report.inputs {
            printer.json_record("input", input)?;
        }
        return printer.json_record("summary", report);
    }
    let mut table = Table::new(&[
        ("input", false),
        ("documents", true),
        ("chunks", true),
        ("tokens", true),
        ("MB out", true),
        ("", false),
    ]);
    for input in &report.inputs {
        table.row(vec![
            input.input.clone(),
            thousands(input.documents),
            thousands(input.chunks),
            thousands(input.tokens),
            megabytes(input.bytes),
            if input.skipped {
                "up to date, skipped".into()
            } else if input.error.is_some() {
                "failed".into()
            } else {
                String::new()
            },
        ]);
    }
    let mut text = table.render();
    text.push_str(&format!(
        "{} documents ({} without text): {} chunks, {} tokens in {:.2} s — {:.1} chunks/s, {} tokens/s \
         on {} ({}, {}, {} dims; encoder {:.2} s)\n",
        thousands(report.documents),
        thousands(report.empty_documents),
        thousands(report.chunks),
        thousands(report.tokens),
        report.seconds,
        report.chunks_per_second,
        thousands(report.tokens_per_second.round() as u64),
        report.device,
        report.dtype,
        report.model,
        report.dimension,
        report.encoder_seconds,
    ));
    for input in report.inputs.iter().filter(|i| i.error.is_some()) {
        text.push_str(&format!(
            "not embedded: {}\n",
            input.error.as_deref().unwrap_or_default()
        ));
    }
    printer.human(&text);
    Ok(())
}

pub fn hint(err: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    match err.downcast_ref::<EmbedError>()? {
        EmbedError::Model { .. } => Some(
            "--model takes a sentence-transformers folder (config.json, tokenizer.json, \
             model.safetensors, modules.json, 1_Pooling/) or a Hugging Face id already in the \
             local cache",
        ),
        EmbedError::Column { .. } => {
            Some("--text-column and --id-column name columns or fields; nested ones as a.b")
        }
        _ => None,
    }
}
