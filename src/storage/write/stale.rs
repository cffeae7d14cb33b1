//! Multipart uploads a killed run left in an output prefix, aborted only for this run's own keys.
//! Shared by every command that writes objects (convert, embed).

use super::multipart::Upload;
use crate::storage::{StorageError, Store};

/// Multipart uploads an earlier, killed run may have left in the output, listed once before
/// this run starts any, and aborted as the inputs whose keys they are come up (only those:
/// other shards' uploads in the same prefix are theirs). A local store has none.
pub struct StaleUploads {
    open: Vec<Upload>,
    pub aborted: usize,
}

impl StaleUploads {
    pub fn list(
        store: &Store,
        runtime: &tokio::runtime::Handle,
    ) -> Result<StaleUploads, StorageError> {
        let open = runtime.block_on(store.uploads())?;
        Ok(StaleUploads { open, aborted: 0 })
    }

    /// Aborts the uploads whose keys `owned` says are this run's.
    pub fn abort_where(
        &mut self,
        store: &Store,
        runtime: &tokio::runtime::Handle,
        owned: impl Fn(&str) -> bool,
    ) -> Result<(), StorageError> {
        if self.open.is_empty() {
            return Ok(());
        }
        let (stale, others) = std::mem::take(&mut self.open)
            .into_iter()
            .partition(|u: &Upload| owned(&u.key));
        self.open = others;
        for upload in stale {
            runtime.block_on(store.abort_upload(&upload))?;
            self.aborted += 1;
        }
        Ok(())
    }
}
