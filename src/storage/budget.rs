//! One bound on requests in flight, shared by everything a run does to storage: a crawl of fifty
//! tables lists and samples them all at once within the `--concurrency` it was given, instead of
//! fifty times it.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Requests in flight at once; clones share the bound.
#[derive(Clone, Debug)]
pub struct Budget(Arc<Semaphore>);

impl Budget {
    pub fn new(requests: usize) -> Budget {
        Budget(Arc::new(Semaphore::new(requests.max(1))))
    }

    /// Waits for room for one more request; the room is given back when the permit drops.
    pub async fn permit(&self) -> OwnedSemaphorePermit {
        self.0
            .clone()
            .acquire_owned()
            .await
            .expect("the budget's semaphore is never closed")
    }
}
