//! What `--dry-run` of a command that reads many inputs (convert, embed) reports: a row per
//! input with its output and what a run would do with it. `output::plan` shows it.

use serde::ser::SerializeMap;
use serde::Serialize;

/// One input of a dry run.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    pub input: String,
    pub size: Option<u64>,
    /// The output file (the first of its numbered parts), or why the input is refused.
    pub output: String,
    /// The command's verb (`convert`, `embed`), `skip` (up to date), or `refuse`.
    pub action: &'static str,
}

/// What a dry run reports. `verb` is the command's work: the action of an input to do, and the
/// summary's `to_<verb>` and `bytes_to_<verb>` fields; `done` says it in the past tense.
#[derive(Debug, Clone)]
pub struct DryRun {
    pub verb: &'static str,
    pub done: &'static str,
    pub rows: Vec<PlanRow>,
}

impl DryRun {
    pub fn to_do(&self) -> impl Iterator<Item = &PlanRow> {
        self.rows.iter().filter(|r| r.action == self.verb)
    }
}

impl Serialize for DryRun {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let inputs = self.rows.len() as u64;
        let to_do = self.to_do().count() as u64;
        let mut map = serializer.serialize_map(Some(5))?;
        // Always true: what tells this summary from a run's.
        map.serialize_entry("dry_run", &true)?;
        map.serialize_entry("inputs", &inputs)?;
        map.serialize_entry(&format!("to_{}", self.verb), &to_do)?;
        map.serialize_entry("to_skip", &(inputs - to_do))?;
        map.serialize_entry(
            &format!("bytes_to_{}", self.verb),
            &self.to_do().filter_map(|r| r.size).sum::<u64>(),
        )?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The summary `--dry-run --json` prints: convert's fields as they always were, embed's
    /// named after its verb.
    #[test]
    fn dry_run_summary_counts_what_would_be_done() {
        let row = |action, size| PlanRow {
            input: "in".into(),
            size,
            output: "out".into(),
            action,
        };
        let rows = vec![
            row("convert", Some(5)),
            row("skip", Some(7)),
            row("convert", None),
        ];
        let report = DryRun {
            verb: "convert",
            done: "converted",
            rows,
        };
        assert_eq!(
            serde_json::to_value(&report).unwrap(),
            serde_json::json!({
                "dry_run": true,
                "inputs": 3,
                "to_convert": 2,
                "to_skip": 1,
                "bytes_to_convert": 5,
            })
        );
        let embed = DryRun {
            verb: "embed",
            done: "embedded",
            rows: vec![row("embed", Some(3)), row("refuse", None)],
        };
        assert_eq!(
            serde_json::to_value(&embed).unwrap(),
            serde_json::json!({
                "dry_run": true,
                "inputs": 2,
                "to_embed": 1,
                "to_skip": 1,
                "bytes_to_embed": 3,
            })
        );
    }
}
