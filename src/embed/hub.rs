//! Fetching a model from the Hugging Face Hub into the local Hugging Face cache, in the layout
//! `huggingface_hub` itself writes (`models--ORG--NAME/{blobs,snapshots/REV,refs/main}`), so that
//! Python tools and lakeops share one copy. Only the files an encoder needs are fetched.
//!
//! `HF_ENDPOINT` moves the hub (a mirror, or the tests' local server); `HF_HUB_OFFLINE=1` forbids
//! any request; `HF_TOKEN` is sent for gated or private models. The HTTP stack is the one the AWS
//! SDK already brings (hyper + rustls with the system's roots).

use std::path::{Path, PathBuf};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;

use super::EmbedError;

const DEFAULT_ENDPOINT: &str = "https://huggingface.co";
const MAX_REDIRECTS: usize = 5;

/// Files without which no model loads, then those a sentence-transformers folder may have.
const REQUIRED: [&str; 4] = [
    "config.json",
    "modules.json",
    "tokenizer.json",
    "model.safetensors",
];
const OPTIONAL: [&str; 2] = [
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
];

pub fn offline() -> bool {
    std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| matches!(v.as_str(), "1" | "true" | "TRUE"))
}

type HttpsClient = Client<crate::http::Connector, Empty<Bytes>>;

struct Hub {
    client: HttpsClient,
    endpoint: String,
    token: Option<String>,
}

struct Fetched {
    body: Vec<u8>,
    commit: Option<String>,
    etag: Option<String>,
}

/// Why a file could not be fetched from the hub.
#[derive(Debug, thiserror::Error)]
enum HubError {
    #[error("{url}")]
    Request {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `problem` is ours: what about the answer is unusable.
    #[error("{url}: {problem}")]
    Answer { url: String, problem: String },
}

impl Hub {
    /// GET with redirects followed; Ok(None) for 404 (a file the repository does not have).
    async fn get(&self, url: &str) -> Result<Option<Fetched>, HubError> {
        let mut url = url.to_owned();
        let mut commit = None;
        let mut etag = None;
        for _ in 0..=MAX_REDIRECTS {
            let failed =
                |url: &str, e: Box<dyn std::error::Error + Send + Sync>| HubError::Request {
                    url: url.to_owned(),
                    source: e,
                };
            let uri: hyper::Uri = url.parse().map_err(|e| failed(&url, Box::new(e)))?;
            let mut request = hyper::Request::get(&uri);
            // The token goes to the hub only, never to the storage a redirect points at.
            if let (Some(token), true) = (&self.token, url.starts_with(&self.endpoint)) {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            let request = request
                .header("user-agent", concat!("lakeops/", env!("CARGO_PKG_VERSION")))
                .body(Empty::<Bytes>::new())
                .map_err(|e| failed(&url, Box::new(e)))?;
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| failed(&url, Box::new(e)))?;
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            commit = commit.or_else(|| header("x-repo-commit"));
            etag = etag
                .or_else(|| header("x-linked-etag"))
                .or_else(|| header("etag"));
            let status = response.status();
            if status.is_redirection() {
                let location = header("location").ok_or_else(|| HubError::Answer {
                    url: url.clone(),
                    problem: "redirect without a location".into(),
                })?;
                url = if location.starts_with('/') {
                    format!(
                        "{}://{}{location}",
                        uri.scheme_str().unwrap_or("https"),
                        uri.authority().map_or("", |a| a.as_str())
                    )
                } else {
                    location
                };
                continue;
            }
            if status == hyper::StatusCode::NOT_FOUND {
                return Ok(None);
            }
            if !status.is_success() {
                return Err(HubError::Answer {
                    url,
                    problem: format!(
                        "HTTP {status}{}",
                        if status == hyper::StatusCode::UNAUTHORIZED
                            || status == hyper::StatusCode::FORBIDDEN
                        {
                            " (gated or private model: set HF_TOKEN)"
                        } else {
                            ""
                        }
                    ),
                });
            }
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| failed(&url, Box::new(e)))?
                .to_bytes()
                .to_vec();
            return Ok(Some(Fetched { body, commit, etag }));
        }
        Err(HubError::Answer {
            url,
            problem: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }
}

/// Downloads `id` (`org/name`) at `main` into `cache`; returns the snapshot folder and revision.
fn model_file(
    id: &str,
    what: String,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> EmbedError {
    EmbedError::ModelFile {
        model: id.to_owned(),
        what,
        source: source.into().into(),
    }
}

pub fn download(id: &str, cache: &Path) -> Result<(PathBuf, String), EmbedError> {
    let fail = |problem: String| EmbedError::Model {
        model: id.to_owned(),
        problem,
    };
    // Its own small runtime, not the command's: this is reached from `ModelDir::open`, a
    // synchronous library call that examples/kernel_check.rs, the model_config fuzz target and
    // unit tests make with no runtime at all, and a handle passed down every model-loading call for a few HTTP requests made once
    // per model would put a runtime into an API that otherwise needs none. It runs on the
    // caller's thread, which is never a runtime worker (a worker could not block on it).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| model_file(id, "cannot start a runtime to download it".into(), e))?;
    runtime.block_on(async {
        let hub = Hub {
            client: crate::http::client()
                .map_err(|e| model_file(id, "no TLS roots to download it".into(), e))?,
            endpoint: std::env::var("HF_ENDPOINT")
                .ok()
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned())
                .trim_end_matches('/')
                .to_owned(),
            token: std::env::var("HF_TOKEN").ok().filter(|t| !t.is_empty()),
        };
        let repo = cache.join(format!("models--{}", id.replace('/', "--")));
        let mut files: Vec<(String, bool)> =
            REQUIRED.iter().map(|f| (f.to_string(), true)).collect();
        files.extend(OPTIONAL.iter().map(|f| (f.to_string(), false)));
        let mut commit: Option<String> = None;
        let mut index = 0;
        while index < files.len() {
            let (file, required) = files[index].clone();
            index += 1;
            let url = format!(
                "{}/{id}/resolve/{}/{file}",
                hub.endpoint,
                commit.as_deref().unwrap_or("main")
            );
            let fetched = hub.get(&url).await.map_err(|e| {
                model_file(
                    id,
                    "not in the Hugging Face cache and cannot be downloaded (offline? pass a \
                     model folder, or set HF_ENDPOINT to a mirror)"
                        .into(),
                    e,
                )
            })?;
            let Some(fetched) = fetched else {
                if required {
                    return Err(fail(format!(
                        "{}/{id} has no {file}: not a sentence-transformers model lakeops can load",
                        hub.endpoint
                    )));
                }
                continue;
            };
            let revision = match (&commit, &fetched.commit) {
                (Some(c), _) => c.clone(),
                (None, Some(c)) => c.clone(),
                (None, None) => {
                    return Err(fail(format!(
                        "{url}: the hub named no revision (X-Repo-Commit)"
                    )))
                }
            };
            commit = Some(revision.clone());
            store(&repo, &revision, &file, &fetched).map_err(|e| {
                model_file(id, format!("cannot write the cache {}", repo.display()), e)
            })?;
            // Pooling settings live in the folder modules.json names.
            if file == "modules.json" {
                for path in pooling_paths(&fetched.body) {
                    files.push((format!("{path}/config.json"), true));
                }
            }
        }
        let revision = commit.ok_or_else(|| fail("nothing downloaded".into()))?;
        let refs = |e| model_file(id, format!("cannot write the cache {}", repo.display()), e);
        std::fs::create_dir_all(repo.join("refs")).map_err(refs)?;
        std::fs::write(repo.join("refs/main"), &revision).map_err(refs)?;
        Ok((repo.join("snapshots").join(&revision), revision))
    })
}

fn pooling_paths(modules: &[u8]) -> Vec<String> {
    let Ok(serde_json::Value::Array(modules)) = serde_json::from_slice(modules) else {
        return Vec::new();
    };
    modules
        .iter()
        .filter(|m| m["type"].as_str().is_some_and(|t| t.ends_with("Pooling")))
        .filter_map(|m| m["path"].as_str().map(str::to_owned))
        .filter(|p| !p.is_empty() && !p.contains(".."))
        .collect()
}

/// `blobs/ETAG` written under a temporary name, then `snapshots/REV/FILE` linking to it.
fn store(repo: &Path, revision: &str, file: &str, fetched: &Fetched) -> std::io::Result<()> {
    let blob_name = fetched
        .etag
        .as_deref()
        .map(|e| e.trim_start_matches("W/").trim_matches('"').to_owned())
        .filter(|e| !e.is_empty() && !e.contains(['/', '.']))
        .unwrap_or_else(|| format!("{revision}-{}", file.replace('/', "-")));
    let blobs = repo.join("blobs");
    std::fs::create_dir_all(&blobs)?;
    let blob = blobs.join(&blob_name);
    let temp = blobs.join(format!("{blob_name}.{}.incomplete", std::process::id()));
    std::fs::write(&temp, &fetched.body)?;
    std::fs::rename(&temp, &blob)?;
    let link = repo.join("snapshots").join(revision).join(file);
    let dir = link.parent().expect("a file in a snapshot");
    std::fs::create_dir_all(dir)?;
    let depth = file.matches('/').count() + 2;
    let target = PathBuf::from("../".repeat(depth))
        .join("blobs")
        .join(&blob_name);
    let _ = std::fs::remove_file(&link);
    #[cfg(unix)]
    return std::os::unix::fs::symlink(target, &link);
    #[cfg(not(unix))]
    return std::fs::copy(dir.join(target), &link).map(|_| ());
}
