//! Requests to an OpenSearch cluster: signed with SigV4 for Amazon OpenSearch Service (`es`) and
//! Serverless (`aoss`), with basic auth from the URL for self-managed clusters, or not at all.
//! 429 and 5xx answers and dropped connections are retried with exponential backoff (honouring
//! `Retry-After`); `_bulk` items that failed with 429 or 5xx are sent again alone, and items
//! the cluster rejected are reported by id.

use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;

use super::bulk::Bulk;
use super::OsError;
use crate::aws::SigningIdentity;

/// How requests are authenticated; credentials are never printed.
#[derive(Clone)]
pub enum Auth {
    None,
    Basic(String),
    SigV4 {
        identity: SigningIdentity,
        service: &'static str,
    },
}

/// The service to sign for, by the host: `*.aoss.amazonaws.com` is Serverless,
/// `*.es.amazonaws.com` OpenSearch Service; other hosts are not AWS.
pub fn service_of_host(host: &str) -> Option<&'static str> {
    if host.ends_with(".aoss.amazonaws.com") {
        Some("aoss")
    } else if host.ends_with(".es.amazonaws.com") || host.ends_with(".es.amazonaws.com.cn") {
        Some("es")
    } else {
        None
    }
}

#[derive(Clone)]
pub struct Cluster {
    client: Client<crate::http::Connector, Full<Bytes>>,
    /// `https://host:port`, no user part, no trailing `/`.
    pub base: String,
    auth: Auth,
    pub max_attempts: u32,
    /// The first backoff; doubled on each retry, capped at [`MAX_BACKOFF`].
    pub backoff: Duration,
}

const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// A response: status and body.
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as an error message shows it: cut short.
    pub fn excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        match text.char_indices().nth(300) {
            Some((at, _)) => format!("{}…", &text[..at]),
            None => text.to_owned(),
        }
    }
}

/// What a `_bulk` request (with its retries) came to.
#[derive(Default)]
pub struct BulkOutcome {
    pub indexed: u64,
    /// Items the cluster refused for good: `_id` and reason.
    pub rejected: Vec<(String, String)>,
    pub retries: u64,
}

impl Cluster {
    pub fn new(base: &str, auth: Auth, max_attempts: u32) -> Result<Cluster, OsError> {
        Ok(Cluster {
            client: crate::http::client().map_err(|e| OsError::Request {
                url: base.to_owned(),
                source: Box::new(e),
            })?,
            base: base.trim_end_matches('/').to_owned(),
            auth,
            max_attempts: max_attempts.max(1),
            backoff: Duration::from_millis(200),
        })
    }

    fn wait_before(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self
            .backoff
            .saturating_mul(1 << attempt.min(16))
            .min(MAX_BACKOFF);
        // A little spread, so that parallel requests do not come back together.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let jitter = exponential.mul_f64(f64::from(nanos % 1000) / 4000.0);
        retry_after
            .unwrap_or(exponential + jitter)
            .min(MAX_BACKOFF * 3)
    }

    /// One request, without retries.
    async fn send_once(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<(Answer, Option<Duration>), OsError> {
        let url = format!("{}{path}", self.base);
        let failed = |e: crate::error::BoxError| OsError::Request {
            url: url.clone(),
            source: e,
        };
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(&url)
            .header("user-agent", concat!("lakeops/", env!("CARGO_PKG_VERSION")));
        let content_type = if path.contains("_bulk") {
            "application/x-ndjson"
        } else {
            "application/json"
        };
        if !body.is_empty() {
            request = request.header("content-type", content_type);
        }
        match &self.auth {
            Auth::None => {}
            Auth::Basic(credentials) => {
                request = request.header("authorization", format!("Basic {credentials}"));
            }
            Auth::SigV4 { identity, service } => {
                let host = url
                    .split_once("://")
                    .map_or("", |(_, rest)| rest.split('/').next().unwrap_or(""));
                let mut headers = vec![("host", host)];
                if !body.is_empty() {
                    headers.push(("content-type", content_type));
                }
                for (name, value) in identity
                    .sign_headers(service, method, &url, &headers, body)
                    .map_err(failed)?
                {
                    request = request.header(name, value);
                }
            }
        }
        let request = request
            .body(Full::new(Bytes::copy_from_slice(body)))
            .map_err(|e| failed(Box::new(e)))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| failed(Box::new(e)))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| failed(Box::new(e)))?
            .to_bytes();
        Ok((Answer { status, body }, retry_after))
    }

    /// A request, retried on 429, 5xx and dropped connections; the last answer otherwise.
    pub async fn send(&self, method: &str, path: &str, body: &[u8]) -> Result<Answer, OsError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.send_once(method, path, body).await;
            let retry_after = match &outcome {
                Ok((answer, retry_after)) if retryable(answer.status) => *retry_after,
                Err(OsError::Request { .. }) => None,
                _ => return outcome.map(|(answer, _)| answer),
            };
            if attempt >= self.max_attempts {
                return match outcome {
                    Ok((answer, _)) => Err(OsError::Status {
                        url: format!("{}{path}", self.base),
                        status: answer.status,
                        body: format!("{} (gave up after {attempt} attempts)", answer.excerpt()),
                    }),
                    Err(e) => Err(e),
                };
            }
            tokio::time::sleep(self.wait_before(attempt - 1, retry_after)).await;
        }
    }

    /// Sends `bulk`, then again only its items that failed with 429 or 5xx, until none is
    /// left or the attempts are spent (those items are then rejected with their last reason).
    pub async fn bulk(&self, mut bulk: Bulk) -> Result<BulkOutcome, OsError> {
        let mut outcome = BulkOutcome::default();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = self.send("POST", "/_bulk", &bulk.body).await?;
            if !(200..300).contains(&answer.status) {
                return Err(OsError::Status {
                    url: format!("{}/_bulk", self.base),
                    status: answer.status,
                    body: answer.excerpt(),
                });
            }
            let parsed = answer.json().ok_or_else(|| OsError::Answer {
                url: format!("{}/_bulk", self.base),
                problem: format!("not a _bulk response: {}", answer.excerpt()),
            })?;
            let items = parsed["items"].as_array().cloned().unwrap_or_default();
            if items.len() != bulk.len() {
                return Err(OsError::Answer {
                    url: format!("{}/_bulk", self.base),
                    problem: format!("{} items answered for {} sent", items.len(), bulk.len()),
                });
            }
            let mut again = Vec::new();
            let mut reasons = Vec::new();
            for (at, item) in items.iter().enumerate() {
                let result = item
                    .as_object()
                    .and_then(|o| o.values().next())
                    .cloned()
                    .unwrap_or_default();
                let status = result["status"].as_u64().unwrap_or(0) as u16;
                if (200..300).contains(&status) {
                    outcome.indexed += 1;
                    continue;
                }
                let reason = match &result["error"] {
                    serde_json::Value::Object(error) => format!(
                        "{}: {}",
                        error
                            .get("type")
                            .and_then(|t| t.as_str())
                            .unwrap_or("error"),
                        error.get("reason").and_then(|r| r.as_str()).unwrap_or("")
                    ),
                    other => format!("status {status} {other}"),
                };
                if retryable(status) {
                    again.push(at);
                    reasons.push(reason);
                } else {
                    outcome.rejected.push((bulk.items[at].0.clone(), reason));
                }
            }
            if again.is_empty() {
                return Ok(outcome);
            }
            if attempt >= self.max_attempts {
                outcome.rejected.extend(
                    again
                        .iter()
                        .zip(reasons)
                        .map(|(&at, reason)| (bulk.items[at].0.clone(), reason)),
                );
                return Ok(outcome);
            }
            outcome.retries += again.len() as u64;
            tokio::time::sleep(self.wait_before(attempt - 1, None)).await;
            bulk = bulk.subset(&again);
        }
    }
}

fn retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// `user:password` from a URL's user part, base64 for the `Authorization` header.
pub fn basic_credentials(user: &str, password: &str) -> String {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        decode(user),
        decode(password)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_hosts_pick_the_service() {
        assert_eq!(
            service_of_host("abc123.us-east-1.aoss.amazonaws.com"),
            Some("aoss")
        );
        assert_eq!(
            service_of_host("search-x-abc.eu-west-1.es.amazonaws.com"),
            Some("es")
        );
        assert_eq!(service_of_host("localhost"), None);
    }

    #[test]
    fn basic_credentials_decode_the_url_form() {
        assert_eq!(basic_credentials("admin", "p%40ss"), "YWRtaW46cEBzcw==");
    }
}
