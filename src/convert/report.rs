//! What a run reports: counts per input and in total, the per-input record and the summary; and
//! what `--dry-run` reports instead.

use std::time::Instant;

use serde::Serialize;

use super::OutputFile;
use crate::text::codec::Compression;

/// What happened to the lines and bytes of one input, or of a whole run.
/// `lines == blank_lines + rows + rejects`, always.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub lines: u64,
    pub blank_lines: u64,
    pub rows: u64,
    pub rejects: u64,
    /// Bytes read from the input as stored (compressed).
    pub bytes_in: u64,
    pub bytes_uncompressed: u64,
    pub bytes_out: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.lines += other.lines;
        self.blank_lines += other.blank_lines;
        self.rows += other.rows;
        self.rejects += other.rejects;
        self.bytes_in += other.bytes_in;
        self.bytes_uncompressed += other.bytes_uncompressed;
        self.bytes_out += other.bytes_out;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub input: String,
    /// Converted by an earlier run with the same settings (see the manifest); nothing was done.
    pub skipped: bool,
    /// `None` when the input could not be read at all (see `error`).
    pub compression: Option<Compression>,
    pub outputs: Vec<OutputFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
}

impl FileReport {
    pub(super) fn skipped(input: String) -> Self {
        FileReport {
            input,
            skipped: true,
            compression: None,
            outputs: Vec::new(),
            rejected_file: None,
            error: None,
            counts: Counts::default(),
        }
    }

    pub(super) fn unreadable(input: String, error: String) -> Self {
        FileReport {
            input,
            skipped: false,
            compression: None,
            outputs: Vec::new(),
            rejected_file: None,
            error: Some(error),
            counts: Counts::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ConvertReport {
    /// Reported one record each; the summary carries the totals.
    #[serde(skip)]
    pub files: Vec<FileReport>,
    #[serde(flatten)]
    pub totals: Counts,
    /// Inputs that could not be read at all (with `--on-error skip|dead-letter`).
    pub failed_inputs: u64,
    /// Inputs left alone because an earlier run converted them (the manifest).
    pub skipped_inputs: u64,
    pub wall_seconds: f64,
    /// Uncompressed input bytes per second.
    pub throughput_bytes_per_second: f64,
    /// Columns where the lattice fell back to JSON text (`W_KIND_CONFLICT`).
    pub kind_conflicts: Vec<String>,
}

pub(super) fn summarize(
    files: Vec<FileReport>,
    started: Instant,
    kind_conflicts: Vec<String>,
) -> ConvertReport {
    let mut totals = Counts::default();
    files.iter().for_each(|f| totals += f.counts);
    let wall_seconds = started.elapsed().as_secs_f64();
    let throughput_bytes_per_second = if wall_seconds > 0.0 {
        totals.bytes_uncompressed as f64 / wall_seconds
    } else {
        0.0
    };
    let failed_inputs = files.iter().filter(|f| f.error.is_some()).count() as u64;
    let skipped_inputs = files.iter().filter(|f| f.skipped).count() as u64;
    ConvertReport {
        files,
        totals,
        failed_inputs,
        skipped_inputs,
        wall_seconds,
        throughput_bytes_per_second,
        kind_conflicts,
    }
}
