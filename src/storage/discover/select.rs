//! Which inputs this process takes, one meaning for every command that reads many inputs: the
//! `--include`/`--exclude` filter and the `--shard` share (a hash of each input's relative key).

use sha2::{Digest, Sha256};

use super::{KeyFilter, PatternError};

/// Which of the listed inputs this process takes.
#[derive(Debug, Default)]
pub struct Selection {
    pub filter: KeyFilter,
    /// `(k, n)`: this process is shard k of n (0-based).
    pub shard: Option<(u64, u64)>,
}

impl Selection {
    pub fn new(
        include: &[String],
        exclude: &[String],
        shard: Option<(u64, u64)>,
    ) -> Result<Selection, PatternError> {
        Ok(Selection {
            filter: KeyFilter::new(include, exclude)?,
            shard,
        })
    }

    /// Whether this process takes the input at `relative_key` (its path below the argument it
    /// was found under): one input at a time, so that a listing can be selected from as it
    /// arrives (the shard is a hash of the input's own key).
    pub fn admits(&self, relative_key: &str) -> bool {
        self.filter.admits(relative_key)
            && self
                .shard
                .is_none_or(|(k, n)| shard_of(relative_key, n) == k)
    }
}

/// The shard an input belongs to: a hash of its relative key, the same on every machine and in
/// every release (SHA-256, not std's hasher), so N processes given the same command split the
/// inputs between them with no coordination.
pub fn shard_of(relative_key: &str, shards: u64) -> u64 {
    let digest = Sha256::digest(relative_key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % shards.max(1)
}
