//! Before the first input is written: the schema (pinned, or sampled from every input) and the
//! settings fingerprint, and what the manifest says is done; for `--dry-run`, the whole plan.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::manifest;
use super::plan::{self, OutputRoot, PlannedInput, Planner};
use super::sample::{self, SampleRows};
use super::source::Input;
use super::{ConvertError, ConvertOptions, SchemaSource};
use crate::progress::Progress;
use crate::schema::{Conflict, Field};
use crate::storage::discover::PlanRow;
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

/// What every input of a run is converted with, settled before the first one starts.
pub(super) struct Settings {
    pub fields: Vec<Field>,
    pub stdin: Option<Opened>,
    pub kind_conflicts: Vec<String>,
    pub fingerprint: String,
}

/// The schema (pinned, or inferred from every input the arguments name, so that every
/// `--shard` writes the same one: then the whole listing is read here, and handed back to the
/// listing in report order) and the settings fingerprint.
pub(super) fn settle(
    options: &ConvertOptions,
    progress: &dyn Progress,
) -> Result<Settings, ConvertError> {
    let sampled = match &options.schema {
        SchemaSource::Pinned(_) => resolve_schema(
            &[],
            &options.schema,
            options.threads.max(1),
            options.max_line_bytes,
            &options.cancel,
            progress,
        )?,
        SchemaSource::Infer(_) => {
            let all = options.inputs.collect_ranked(&options.cancel)?;
            let inputs: Vec<Input> = all.iter().map(|r| r.input.input.clone()).collect();
            let sampled = resolve_schema(
                &inputs,
                &options.schema,
                options.threads.max(1),
                options.max_line_bytes,
                &options.cancel,
                progress,
            )?;
            options.inputs.put_back(all);
            sampled
        }
    };
    let kind_conflicts: Vec<String> = sampled
        .conflicts
        .iter()
        .map(|c: &Conflict| c.path.clone())
        .collect();
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
    Ok(Settings {
        fields: sampled.fields,
        stdin: sampled.stdin,
        kind_conflicts,
        fingerprint,
    })
}

/// What the manifest says is done, read once per run.
pub(super) struct Resume {
    /// `None`: nothing is skipped (`--overwrite`, or a single named output file, which has no
    /// state and is simply rewritten: resuming is for directories and prefixes of many outputs).
    entries: Option<HashMap<String, manifest::Entry>>,
    fingerprint: String,
}

impl Resume {
    pub fn load(options: &ConvertOptions, fingerprint: &str) -> Result<Resume, ConvertError> {
        let entries = match &options.output.state {
            Some(state) if !options.overwrite => {
                Some(options.runtime.block_on(manifest::load(state))?)
            }
            _ => None,
        };
        Ok(Resume {
            entries,
            fingerprint: fingerprint.to_owned(),
        })
    }

    /// Whether `planned` was converted by an earlier run with the same settings.
    pub fn is_done(
        &self,
        options: &ConvertOptions,
        planned: &PlannedInput,
    ) -> Result<bool, ConvertError> {
        match &self.entries {
            Some(entries) => options.runtime.block_on(manifest::is_done(
                &options.output.store,
                entries,
                planned,
                &self.fingerprint,
            )),
            None => Ok(false),
        }
    }
}

/// The whole plan (`--dry-run`): the schema, this process's share of every input the arguments
/// name, their outputs, and what the manifest says is done. Reads inputs' first records (unless
/// the schema is pinned); writes nothing.
pub fn prepare(
    options: &ConvertOptions,
    progress: &dyn Progress,
) -> Result<Prepared, ConvertError> {
    let settings = settle(options, progress)?;
    let all = options.inputs.collect_ranked(&options.cancel)?;
    let selection = &options.selection;
    let planned = Planner::new(&options.output, selection, options.writer.splits()).plan(all)?;
    let resume = Resume::load(options, &settings.fingerprint)?;
    let mut plan = Vec::with_capacity(planned.inputs.len());
    let mut done = Vec::with_capacity(planned.inputs.len());
    for (_, input) in planned.inputs {
        done.push(resume.is_done(options, &input)?);
        plan.push(input);
    }
    Ok(Prepared {
        plan,
        refused: planned.refused.into_iter().map(|(_, r)| r).collect(),
        done,
    })
}
