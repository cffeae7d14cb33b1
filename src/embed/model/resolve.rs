//! `--model` to a folder: one given as a path, or a Hugging Face id found in (or downloaded into)
//! the Hugging Face cache, at the revision `refs/main` names.

use std::path::{Path, PathBuf};

use crate::embed::{hub, EmbedError};

/// A folder as given, or `org/name` in the Hugging Face cache (`$HF_HUB_CACHE`, else
/// `$HF_HOME/hub`, else `~/.cache/huggingface/hub`), at the revision `refs/main` names.
pub(super) fn resolve(spec: &str) -> Result<(PathBuf, Option<String>), EmbedError> {
    let path = Path::new(spec);
    if path.is_dir() {
        return Ok((path.to_owned(), None));
    }
    let id = if spec.contains('/') {
        spec.to_owned()
    } else {
        format!("sentence-transformers/{spec}")
    };
    let looks_like_id = id.split('/').count() == 2 && !spec.starts_with(['.', '/', '~']);
    let cache = hf_cache_dir();
    if looks_like_id {
        if let Some(cache) = &cache {
            let repo = cache.join(format!("models--{}", id.replace('/', "--")));
            let revision = std::fs::read_to_string(repo.join("refs/main"))
                .ok()
                .map(|r| r.trim().to_owned());
            let snapshot = revision
                .as_ref()
                .map(|r| repo.join("snapshots").join(r))
                .filter(|p| p.is_dir())
                .or_else(|| newest_snapshot(&repo.join("snapshots")));
            if let Some(snapshot) = snapshot {
                let revision = snapshot
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned());
                return Ok((snapshot, revision));
            }
            if !hub::offline() {
                let (snapshot, revision) = hub::download(&id, cache)?;
                return Ok((snapshot, Some(revision)));
            }
        }
    }
    Err(EmbedError::Model {
        model: spec.to_owned(),
        problem: if looks_like_id {
            format!(
                "no such folder, and {id} is not in the Hugging Face cache ({}) and HF_HUB_OFFLINE \
                 forbids downloading it; pass a folder",
                cache.map_or("not found".into(), |c| c.display().to_string())
            )
        } else {
            "no such folder".into()
        },
    })
}

fn hf_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    var("HF_HUB_CACHE")
        .map(PathBuf::from)
        .or_else(|| var("HF_HOME").map(|h| PathBuf::from(h).join("hub")))
        .or_else(|| {
            var("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .map(|c| c.join("huggingface").join("hub"))
        })
}

fn newest_snapshot(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}
