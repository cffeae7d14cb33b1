//! Multipart uploads a killed run left in the output, aborted only for this run's own keys.

use super::Destination;
use crate::convert::{ConvertError, PlannedInput};

/// Multipart uploads an earlier, killed run may have left in the output, listed once before
/// this run starts any, and aborted as the inputs whose keys they are are planned (only those:
/// other shards' uploads in the same prefix are theirs).
pub(in crate::convert) struct StaleUploads {
    open: Vec<crate::storage::write::Upload>,
    pub aborted: usize,
}

impl StaleUploads {
    pub fn list(destination: &Destination) -> Result<StaleUploads, ConvertError> {
        let open = destination
            .runtime
            .block_on(destination.store.uploads())
            .map_err(cleaning)?;
        Ok(StaleUploads { open, aborted: 0 })
    }

    /// Aborts the uploads under `planned`'s output keys.
    pub fn abort_for(
        &mut self,
        destination: &Destination,
        planned: &PlannedInput,
    ) -> Result<(), ConvertError> {
        if self.open.is_empty() {
            return Ok(());
        }
        let (stale, others) = std::mem::take(&mut self.open)
            .into_iter()
            .partition(|u| planned.dead_letter == u.key || planned.target.owns(&u.key));
        self.open = others;
        for upload in stale {
            destination
                .runtime
                .block_on(destination.store.abort_upload(&upload))
                .map_err(cleaning)?;
            self.aborted += 1;
        }
        Ok(())
    }
}

fn cleaning(e: crate::storage::StorageError) -> ConvertError {
    ConvertError::Step {
        what: "cannot clean up earlier uploads",
        source: e.into(),
    }
}
