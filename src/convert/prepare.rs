//! Before anything is written: the schema (pinned, or sampled from the inputs), this process's
//! share of the inputs, their planned outputs, and which of them the manifest says are done.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde::Serialize;

use super::manifest;
use super::plan::{self, plan_outputs, OutputRoot, PlannedInput};
use super::sample::{self, SampleRows};
use super::source::Input;
use super::{ConvertError, ConvertOptions, SchemaSource};
use crate::progress::Progress;
use crate::schema::{Conflict, Field};
use crate::text::codec::Opened;

/// The schema the run will use: pinned, or inferred from the inputs.
pub fn resolve_schema(
    inputs: &[Input],
    schema: &SchemaSource,
    threads: usize,
    max_line_bytes: usize,
    cancel: &Arc<AtomicBool>,
    progress: &dyn Progress,
) -> Result<sample::Sampled, ConvertError> {
    match schema {
        SchemaSource::Pinned(fields) => Ok(sample::Sampled {
            fields: fields.clone(),
            conflicts: Vec::new(),
            records: 0,
            stdin: None,
        }),
        SchemaSource::Infer(rows) => {
            if *rows == SampleRows::All {
                if inputs.contains(&Input::Stdin) {
                    return Err(ConvertError::Options("--sample-rows all reads every input twice, which stdin cannot do; pin a schema with --schema".into()));
                }
                progress.start("inferring schema", total_input_bytes(inputs));
            }
            let sampled = sample::infer(inputs, *rows, threads, max_line_bytes, cancel, progress)?;
            for conflict in &sampled.conflicts {
                tracing::warn!(
                    "W_KIND_CONFLICT {}: objects, arrays and scalars met; the column holds JSON text",
                    conflict.path
                );
            }
            if *rows == SampleRows::All {
                progress.finish();
            }
            if sampled.fields.is_empty() && sampled.records > 0 {
                return Err(ConvertError::Options(
                    "the sampled records are all empty objects: there are no columns to write"
                        .into(),
                ));
            }
            Ok(sampled)
        }
    }
}

fn total_input_bytes(inputs: &[Input]) -> Option<u64> {
    inputs.iter().map(Input::size).sum()
}

/// What a run will do, decided before anything is written.
pub struct Prepared {
    pub plan: Vec<PlannedInput>,
    /// Inputs whose output name would be unsafe (see `plan::Refused`): failed, not converted.
    pub refused: Vec<plan::Refused>,
    /// Per planned input: converted already, per the manifest.
    pub done: Vec<bool>,
    pub(super) fields: Vec<Field>,
    pub(super) stdin: Option<Opened>,
    pub(super) kind_conflicts: Vec<String>,
    pub(super) fingerprint: String,
}

/// One line of `--dry-run`.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    pub input: String,
    pub size: Option<u64>,
    /// The output file, or the first of its numbered parts.
    pub output: String,
    pub action: &'static str,
}

impl Prepared {
    pub fn rows(&self, output: &OutputRoot) -> Vec<PlanRow> {
        self.plan
            .iter()
            .zip(&self.done)
            .map(|(planned, &done)| PlanRow {
                input: planned.input.display_name(),
                size: planned.input.size(),
                output: output.store.display(&planned.target.first_key()),
                action: if done { "skip" } else { "convert" },
            })
            .chain(self.refused.iter().map(|r| PlanRow {
                input: r.input.clone(),
                size: None,
                output: r.reason.clone(),
                action: "refuse",
            }))
            .collect()
    }
}

/// Infers (or takes) the schema, selects this process's inputs, plans their outputs and reads
/// the manifest. Reads inputs' first records; writes nothing.
pub fn prepare(
    options: &ConvertOptions,
    progress: &dyn Progress,
) -> Result<Prepared, ConvertError> {
    let threads = options.threads.max(1);
    let inputs: Vec<Input> = options.inputs.iter().map(|i| i.input.clone()).collect();
    let sampled = resolve_schema(
        &inputs,
        &options.schema,
        threads,
        options.max_line_bytes,
        &options.cancel,
        progress,
    )?;
    let kind_conflicts: Vec<String> = sampled
        .conflicts
        .iter()
        .map(|c: &Conflict| c.path.clone())
        .collect();
    let selected = options.selection.apply(options.inputs.clone());
    let (plan, refused) = plan_outputs(&selected, &options.output, options.writer.splits())?;
    plan::refuse_overwriting_inputs(&options.inputs, &plan, &options.output)?;
    let schema_text = serde_json::to_string(&crate::schema::SchemaFile::from_fields(
        &sampled.fields,
    ))
    .map_err(|e| ConvertError::Step {
        what: "cannot record the schema",
        source: e.into(),
    })?;
    let writer = &options.writer;
    let fingerprint = manifest::fingerprint(&[
        &schema_text,
        &writer.codec.to_string(),
        &writer.row_group_size.to_string(),
        &format!("{:?}", writer.max_rows_per_file),
        &format!("{:?}", writer.max_file_bytes),
        &format!("{:?}", options.on_error),
    ]);
    let store = &options.output.store;
    // A single named output file (`-o x.parquet`) has no state and is simply rewritten:
    // resuming is for directories and prefixes of many outputs.
    let done = match &options.output.state {
        Some(state) if !options.overwrite => options.runtime.block_on(async {
            let entries = manifest::load(state).await?;
            let mut done = Vec::with_capacity(plan.len());
            for planned in &plan {
                done.push(manifest::is_done(store, &entries, planned, &fingerprint).await?);
            }
            Ok::<_, ConvertError>(done)
        })?,
        _ => vec![false; plan.len()],
    };
    Ok(Prepared {
        plan,
        refused,
        done,
        fields: sampled.fields,
        stdin: sampled.stdin,
        kind_conflicts,
        fingerprint,
    })
}
