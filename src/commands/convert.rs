//! `lakeops convert`.

use anyhow::Context as _;

use super::Context;
use crate::aws::needs_aws;
use crate::cli::ConvertArgs;
use crate::convert::{
    self, ConvertOptions, ConvertReport, OutputRoot, PlanRow, SchemaSource, Selection,
};
use crate::output::{megabytes, plural, thousands, Printer, Table};
use crate::progress::NoProgress;
use crate::schema::SchemaFile;
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
        let text = serde_json::to_string_pretty(&SchemaFile::from_fields(&sampled.fields))?;
        printer.data(&format!("{text}\n"))?;
        return Ok(ExitStatus::Success);
    }

    let output = args.output.clone().context("--output is required")?;
    if (args.part_size as usize) < MIN_PART_SIZE {
        anyhow::bail!("--part-size must be at least 5MiB (S3's smallest multipart part)");
    }
    let options = ConvertOptions {
        selection: Selection::new(&args.include, &args.exclude, args.shard)?,
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
        print_plan(printer, &prepared.rows(&options.output))?;
        return Ok(ExitStatus::Success);
    }
    let progress = printer.progress();
    let report = convert::run(options, &progress)?;
    print_report(printer, &report)?;
    Ok(if report.totals.rejects > 0 || report.failed_inputs > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

fn print_plan(printer: &Printer, rows: &[PlanRow]) -> std::io::Result<()> {
    let convert = rows.iter().filter(|r| r.action == "convert").count();
    let bytes: u64 = rows
        .iter()
        .filter(|r| r.action == "convert")
        .filter_map(|r| r.size)
        .sum();
    if printer.json() {
        for row in rows {
            printer.json_record("plan", row)?;
        }
        return printer.json_record(
            "summary",
            &serde_json::json!({
                "dry_run": true,
                "inputs": rows.len(),
                "to_convert": convert,
                "to_skip": rows.len() - convert,
                "bytes_to_convert": bytes,
            }),
        );
    }
    let mut table = Table::new(&[
        ("input", false),
        ("MB", true),
        ("output", false),
        ("action", false),
    ]);
    for row in rows {
        table.row(vec![
            row.input.clone(),
            row.size.map(megabytes).unwrap_or_default(),
            row.output.clone(),
            row.action.to_owned(),
        ]);
    }
    let mut text = table.render();
    text.push_str(&format!(
        "dry run: {} of {} inputs to convert ({} MB), {} already converted; nothing written\n",
        thousands(convert as u64),
        thousands(rows.len() as u64),
        megabytes(bytes),
        thousands((rows.len() - convert) as u64),
    ));
    printer.human(&text);
    Ok(())
}

fn print_report(printer: &Printer, report: &ConvertReport) -> std::io::Result<()> {
    if printer.json() {
        for file in &report.files {
            printer.json_record("file", file)?;
        }
        return printer.json_record("summary", report);
    }
    let mut table = Table::new(&[
        ("input", false),
        ("lines", true),
        ("rows", true),
        ("rejects", true),
        ("MB in", true),
        ("MB out", true),
    ]);
    let converted: Vec<_> = report.files.iter().filter(|f| !f.skipped).collect();
    for file in &converted {
        table.row(vec![
            file.input.clone(),
            thousands(file.counts.lines),
            thousands(file.counts.rows),
            thousands(file.counts.rejects),
            megabytes(file.counts.bytes_uncompressed),
            megabytes(file.counts.bytes_out),
        ]);
    }
    let mut text = String::new();
    if !converted.is_empty() || report.skipped_inputs == 0 {
        text.push_str(&table.render());
        text.push_str(&format!(
        "{} lines: {} rows written, {} rejected, {} blank; {} MB in ({} MB uncompressed), {} MB out, {:.2} s, {:.1} MB/s\n",
        thousands(report.totals.lines),
        thousands(report.totals.rows),
        thousands(report.totals.rejects),
        thousands(report.totals.blank_lines),
        megabytes(report.totals.bytes_in),
        megabytes(report.totals.bytes_uncompressed),
        megabytes(report.totals.bytes_out),
        report.wall_seconds,
        report.throughput_bytes_per_second / 1e6,
    ));
    }
    if report.skipped_inputs > 0 {
        text.push_str(&format!(
            "{} skipped (up to date: converted by an earlier run with the same settings)\n",
            plural(report.skipped_inputs, "input", "inputs"),
        ));
    }
    for file in report.files.iter().filter(|f| f.rejected_file.is_some()) {
        text.push_str(&format!(
            "rejected lines of {}: {}\n",
            file.input,
            file.rejected_file.as_deref().unwrap_or_default()
        ));
    }
    for file in report.files.iter().filter(|f| f.error.is_some()) {
        text.push_str(&format!(
            "not converted: {}\n",
            file.error.as_deref().unwrap_or_default()
        ));
    }
    if report
        .files
        .iter()
        .any(|f| f.outputs.is_empty() && f.error.is_none() && !f.skipped)
    {
        text.push_str("inputs without records and without a --schema get no Parquet file (there are no columns to write)\n");
    }
    printer.human(&text);
    Ok(())
}
