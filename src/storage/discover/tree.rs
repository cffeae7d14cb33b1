//! The one lister: every object under a store's root, folders listed concurrently and handed
//! over a listing page at a time, hidden folders never descended into.

use tokio::task::JoinSet;

use super::hidden_component;
use crate::storage::{Budget, ObjectMeta, StorageError, Store};

/// Folders listed at once when a command walks a directory or prefix of inputs.
pub const LIST_CONCURRENCY: usize = 16;

/// The one lister: every object under `store`'s root, all levels, with as many folders listed at
/// a time as `budget` has room for. Hidden folders (`_temporary/`, `.hive-staging/`) are never descended
/// into. Objects arrive a listing page at a time (a folder's, or up to 1,000 keys of an S3
/// prefix), as pages return, in no fixed order, so that a caller may start work before a large
/// listing ends, even a flat one; dropping the receiver stops the listing.
/// Must be called inside a tokio runtime.
pub fn list_tree(
    store: &Store,
    budget: &Budget,
) -> tokio::sync::mpsc::Receiver<Result<Vec<ObjectMeta>, StorageError>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(LIST_CONCURRENCY * 2);
    let store = store.clone();
    let permits = budget.clone();
    tokio::spawn(async move {
        // A folder's sub-folders once it is listed; `None` when the receiver is gone.
        let mut tasks: JoinSet<Result<Option<Vec<String>>, StorageError>> = JoinSet::new();
        let spawn = |tasks: &mut JoinSet<_>, prefix: String| {
            let store = store.clone();
            let permits = permits.clone();
            let sender = sender.clone();
            tasks.spawn(async move {
                let _permit = permits.permit().await;
                store
                    .list_level_pages(&prefix, |objects| {
                        let sender = sender.clone();
                        async move { sender.send(Ok(objects)).await.is_ok() }
                    })
                    .await
            });
        };
        spawn(&mut tasks, String::new());
        while let Some(joined) = tasks.join_next().await {
            let prefixes = match joined {
                Ok(Ok(Some(prefixes))) => prefixes,
                Ok(Ok(None)) => return,
                Ok(Err(e)) => {
                    let _ = sender.send(Err(e)).await;
                    return;
                }
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            };
            for prefix in prefixes {
                let name = prefix
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default();
                if !hidden_component(name) {
                    spawn(&mut tasks, prefix);
                }
            }
        }
    });
    receiver
}
