//! What a load did, for the table people read and the `--json` records CI reads.

use serde::Serialize;

/// One input: its rows, and how many of them this run sent (the rest were already loaded).
#[derive(Debug, Clone, Serialize)]
pub struct InputRecord {
    pub input: String,
    pub rows: u64,
    pub loaded_rows: u64,
    pub parts: u64,
    /// Parts a ledger (or the target) says were loaded by an earlier run.
    pub skipped_parts: u64,
    pub seconds: f64,
}

/// The index build, timed apart from the load.
#[derive(Debug, Clone, Serialize)]
pub struct IndexReport {
    pub name: String,
    pub method: String,
    /// `built`, `kept` (an index of the same definition was there) or `rebuilt`.
    pub action: &'static str,
    pub seconds: f64,
}

/// `--verify`: rows in the store against rows read, and the index's recall@10.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub stored_rows: u64,
    pub expected_rows: u64,
    pub queries: u64,
    pub k: u64,
    /// Mean over the queries of |index top k ∩ exact top k| / |exact top k|.
    pub recall: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// `hnsw.ef_search`, `ivfflat.probes` or OpenSearch's `ef_search`, as queried.
    pub search_setting: Option<String>,
    pub min_recall: Option<f64>,
    /// Counts agree and recall is at least `min_recall`.
    pub passed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    /// The target, without its password.
    pub target: String,
    /// Table (PostgreSQL), index (OpenSearch) or folder (bulk files).
    pub name: String,
    pub dimension: usize,
    pub metric: &'static str,
    pub model: Option<String>,
    pub inputs: Vec<InputRecord>,
    pub rows: u64,
    pub loaded_rows: u64,
    /// The load alone: reading, sending and committing; the index is timed apart.
    pub seconds: f64,
    pub rows_per_second: f64,
    pub index: Option<IndexReport>,
    pub vacuum_seconds: Option<f64>,
    pub verify: Option<VerifyReport>,
    /// Documents OpenSearch refused for good (a mapping conflict, a bad vector), by `_id`.
    pub rejected: Vec<Rejected>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub id: String,
    pub reason: String,
}

impl LoadReport {
    /// Every row stored, and `--verify` (when asked) satisfied.
    pub fn passed(&self) -> bool {
        self.rejected.is_empty() && self.verify.as_ref().is_none_or(|v| v.passed)
    }
}

/// The p-th percentile (0..=100) of `samples` by nearest rank; `None` for none.
pub fn percentile(samples: &mut [f64], p: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    Some(samples[rank.clamp(1, samples.len()) - 1])
}

/// |found ∩ exact| / |exact|; 1 for an empty exact answer.
pub fn recall<T: PartialEq>(found: &[T], exact: &[T]) -> f64 {
    if exact.is_empty() {
        return 1.0;
    }
    let hits = exact.iter().filter(|e| found.contains(e)).count();
    hits as f64 / exact.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_nearest_rank() {
        let mut samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&mut samples, 50.0), Some(50.0));
        assert_eq!(percentile(&mut samples, 99.0), Some(99.0));
        assert_eq!(percentile(&mut [3.0], 99.0), Some(3.0));
        assert_eq!(percentile(&mut [], 50.0), None);
    }

    #[test]
    fn recall_counts_exact_answers_found() {
        assert_eq!(recall(&[1, 2, 3], &[3, 2, 9, 8]), 0.5);
        assert_eq!(recall::<u8>(&[], &[]), 1.0);
    }
}
