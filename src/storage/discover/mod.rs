//! Command-line inputs to objects: local files, directories (recursively), glob patterns, and
//! s3:// objects and prefixes. Shared by every command that reads many inputs, so that they all
//! skip the same hidden files and report the same errors.
//!
//! Stages, one file each: [`sources`] (the arguments checked, then a stream of folder batches,
//! [`discover_each`], the entry point) → [`tree`] (the one concurrent lister, [`list_tree`]);
//! [`filter`] holds the rules every command shares (`--include`/`--exclude`, hidden names),
//! [`select`] the `--shard` share built on them.
//! This file holds what they hand over: [`Found`] and [`DiscoverError`].

mod filter;
mod plan;
mod select;
mod sources;
#[cfg(test)]
mod tests;
mod tree;

use std::sync::Arc;

use super::{StorageError, Store};
pub use filter::{hidden_component, never_data, KeyFilter, PatternError};
pub use plan::{DryRun, PlanRow};
#[cfg(test)]
pub use select::shard_of;
pub use select::Selection;
pub use sources::{discover_each, Accept, Batches, Listed, Order};
pub use tree::{list_tree, LIST_CONCURRENCY};

/// One input object. `key` is relative to `store`'s root: for a directory or prefix argument the
/// root is that directory, so the key's folders are the layout to mirror in the output; for a
/// single file or object the root is its parent and the key is its name.
#[derive(Clone)]
pub struct Found {
    pub store: Arc<Store>,
    pub key: String,
    pub size: u64,
    /// ETag on S3, modification time locally: with the size, what tells a changed input apart.
    pub tag: Option<String>,
}

impl Found {
    pub fn url(&self) -> String {
        self.store.url(&self.key)
    }

    /// The folders above the object, relative to the argument it came from (`""` for none).
    pub fn rel_dir(&self) -> &str {
        self.key.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    pub fn name(&self) -> &str {
        self.key
            .rsplit_once('/')
            .map_or(&self.key, |(_, name)| name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// A listing or an argument that failed; the storage error names the location itself.
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{pattern}: not a glob pattern")]
    Glob {
        pattern: String,
        #[source]
        source: glob::PatternError,
    },
    /// The argument names nothing to read.
    #[error("{url}: {problem}")]
    Nothing { url: String, problem: String },
}
