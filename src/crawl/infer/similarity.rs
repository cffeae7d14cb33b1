//! Where a Glue crawler would have split the table: two partitions whose column sets have a
//! Jaccard similarity below 0.7 (specs/crawl.md (c)). lakeops never splits on it; the plan
//! says so, so that a team moving off a crawler knows where its tables would differ.

use std::collections::{BTreeMap, BTreeSet};

/// Below this, Glue's crawler groups two partitions into separate tables.
pub const SPLIT_BELOW: f64 = 0.7;

/// Distinct column sets compared pairwise; past this many, each is compared with the most
/// common one only, so that 100,000 partitions of drifting schemas stay linear.
const PAIRWISE_MAX: usize = 256;

/// Two partitions (indexes into the input) and their similarity.
#[derive(Debug, PartialEq)]
pub struct LeastSimilar {
    pub first: usize,
    pub second: usize,
    pub shared: usize,
    pub total: usize,
}

impl LeastSimilar {
    pub fn similarity(&self) -> f64 {
        self.shared as f64 / self.total as f64
    }
}

/// The least similar pair of partitions, by the Jaccard similarity of their column sets, when
/// it is below [`SPLIT_BELOW`]. Ties go to the pair that comes first in partition order.
pub fn least_similar(columns: &[&BTreeSet<String>]) -> Option<LeastSimilar> {
    // One representative (its first partition) and a count per distinct set.
    let mut distinct: BTreeMap<&BTreeSet<String>, (usize, usize)> = BTreeMap::new();
    for (index, set) in columns.iter().enumerate() {
        distinct.entry(set).or_insert((index, 0)).1 += 1;
    }
    let mut sets: Vec<(usize, usize, &BTreeSet<String>)> = distinct
        .into_iter()
        .map(|(set, (first, count))| (first, count, set))
        .collect();
    sets.sort_by_key(|(first, _, _)| *first);
    let mut worst: Option<LeastSimilar> = None;
    let mut consider = |a: &(usize, usize, &BTreeSet<String>),
                        b: &(usize, usize, &BTreeSet<String>)| {
        let shared = a.2.intersection(b.2).count();
        let total = a.2.union(b.2).count();
        if total == 0 {
            return;
        }
        let (first, second) = (a.0.min(b.0), a.0.max(b.0));
        let pair = LeastSimilar {
            first,
            second,
            shared,
            total,
        };
        let lower = match &worst {
            None => true,
            Some(w) => {
                let (this, that) = (pair.similarity(), w.similarity());
                this < that || (this == that && (first, second) < (w.first, w.second))
            }
        };
        if lower {
            worst = Some(pair);
        }
    };
    if sets.len() <= PAIRWISE_MAX {
        for (i, a) in sets.iter().enumerate() {
            for b in &sets[i + 1..] {
                consider(a, b);
            }
        }
    } else if let Some(common) = sets
        .iter()
        .max_by_key(|(first, count, _)| (*count, std::cmp::Reverse(*first)))
    {
        let common = *common;
        for other in sets.iter().filter(|s| s.0 != common.0) {
            consider(&common, other);
        }
    }
    worst.filter(|w| w.similarity() < SPLIT_BELOW)
}
