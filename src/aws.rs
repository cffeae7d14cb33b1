//! The one place that builds the AWS SDK configuration: aws-config's default chain (environment,
//! profiles, SSO, credential_process, IMDS) with only the flags the user gave applied on top.
//! Credentials stay in the SDK's identity cache, which refreshes them during long runs; nothing
//! here copies or prints them.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::error::{ConnectorError, ProvideErrorMetadata, SdkError};

#[derive(Clone, Debug, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Path-style S3 addressing even without a custom endpoint.
    pub s3_path_style: bool,
    /// Attempts per request, the first included (default [`MAX_ATTEMPTS`]).
    pub max_attempts: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("no AWS region configured")]
    NoRegion,
    /// The credential chain failed (none found, an expired SSO token, a failing
    /// `credential_process`) where lakeops signs a request itself.
    #[error("cannot get AWS credentials")]
    Credentials(#[source] CredentialsError),
}

pub struct Aws {
    config: SdkConfig,
    path_style: bool,
}

/// Attempts per request, the first included: the SDK's standard mode backs off on throttling,
/// 5xx and connection resets, never on expired credentials.
pub const MAX_ATTEMPTS: u32 = 5;

impl Aws {
    pub async fn load(options: &AwsOptions) -> Result<Aws, AwsError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(
            RetryConfig::standard().with_max_attempts(options.max_attempts.unwrap_or(MAX_ATTEMPTS)),
        );
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &options.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let config = loader.load().await;
        if config.region().is_none() {
            return Err(AwsError::NoRegion);
        }
        // Anything but AWS itself (moto, MinIO, LocalStack) serves buckets on paths: a
        // virtual-hosted name like `bucket.127.0.0.1` does not resolve.
        let path_style = options.s3_path_style
            || config.endpoint_url().is_some()
            || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
        Ok(Aws { config, path_style })
    }

    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.config)
            .force_path_style(self.path_style)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    pub fn glue(&self) -> aws_sdk_glue::Client {
        aws_sdk_glue::Client::new(&self.config)
    }

    /// The same configuration in another region (`cost live --region a,b`).
    pub fn in_region(&self, region: &str) -> Aws {
        Aws {
            config: self
                .config
                .to_builder()
                .region(Region::new(region.to_owned()))
                .build(),
            path_style: self.path_style,
        }
    }

    /// The configured region.
    pub fn region(&self) -> Option<&str> {
        self.config.region().map(|r| r.as_ref())
    }

    pub fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.config)
    }

    /// Managed Service for Apache Flink (the kinesisanalyticsv2 API).
    pub fn flink(&self) -> aws_sdk_kinesisanalyticsv2::Client {
        aws_sdk_kinesisanalyticsv2::Client::new(&self.config)
    }

    /// OpenSearch Ingestion.
    pub fn ingestion(&self) -> aws_sdk_osis::Client {
        aws_sdk_osis::Client::new(&self.config)
    }

    pub fn serverless(&self) -> aws_sdk_opensearchserverless::Client {
        aws_sdk_opensearchserverless::Client::new(&self.config)
    }

    /// Cost Explorer is served from us-east-1 for the whole account.
    pub fn cost_explorer(&self) -> aws_sdk_costexplorer::Client {
        let config = aws_sdk_costexplorer::config::Builder::from(&self.config)
            .region(Region::new("us-east-1"))
            .build();
        aws_sdk_costexplorer::Client::from_conf(config)
    }

    /// The Price List API is served from us-east-1, whatever region the prices are for.
    pub fn pricing(&self) -> aws_sdk_pricing::Client {
        let config = aws_sdk_pricing::config::Builder::from(&self.config)
            .region(Region::new("us-east-1"))
            .build();
        aws_sdk_pricing::Client::from_conf(config)
    }
}

impl Aws {
    /// The credentials and region to sign requests with that no SDK client makes: OpenSearch
    /// `_bulk` calls and RDS auth tokens. Resolved now, through the same chain as the clients.
    pub async fn signing_identity(&self) -> Result<SigningIdentity, AwsError> {
        use aws_credential_types::provider::ProvideCredentials;
        let region = self
            .config
            .region()
            .ok_or(AwsError::NoRegion)?
            .as_ref()
            .to_owned();
        let provider = self
            .config
            .credentials_provider()
            .ok_or(AwsError::Credentials(CredentialsError::not_loaded(
                "no credentials provider",
            )))?;
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(AwsError::Credentials)?;
        Ok(SigningIdentity {
            credentials,
            region,
        })
    }
}

/// Characters SigV4 leaves unescaped in a query value (RFC 3986 unreserved).
pub const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A request to sign: what SigV4 covers of it.
struct Unsigned<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a [(&'a str, &'a str)],
    body: &'a [u8],
}

/// Credentials and a region, for the requests lakeops signs itself with SigV4.
#[derive(Clone)]
pub struct SigningIdentity {
    credentials: aws_credential_types::Credentials,
    pub region: String,
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The credentials' own Debug redacts the secret; the region is all a reader needs.
        f.debug_struct("SigningIdentity")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl SigningIdentity {
    #[cfg(test)]
    pub fn fixed(access_key: &str, secret: &str, token: Option<&str>, region: &str) -> Self {
        SigningIdentity {
            credentials: aws_credential_types::Credentials::new(
                access_key,
                secret,
                token.map(str::to_owned),
                None,
                "test",
            ),
            region: region.to_owned(),
        }
    }

    fn sign(
        &self,
        service: &str,
        request: Unsigned<'_>,
        settings: aws_sigv4::http_request::SigningSettings,
        now: std::time::SystemTime,
    ) -> Result<aws_sigv4::http_request::SigningInstructions, crate::error::BoxError> {
        let Unsigned {
            method,
            url,
            headers,
            body,
        } = request;
        use aws_sigv4::http_request::{sign, SignableBody, SignableRequest};
        let identity = self.credentials.clone().into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(service)
            .time(now)
            .settings(settings)
            .build()?
            .into();
        let request = SignableRequest::new(
            method,
            url,
            headers.iter().copied(),
            SignableBody::Bytes(body),
        )?;
        Ok(sign(request, &params)?.into_parts().0)
    }

    /// `url` presigned for `expires`: the signature in its query (an RDS auth token).
    pub fn presign(
        &self,
        service: &str,
        method: &str,
        url: &str,
        expires: std::time::Duration,
        now: std::time::SystemTime,
    ) -> Result<String, crate::error::BoxError> {
        let mut settings = aws_sigv4::http_request::SigningSettings::default();
        settings.signature_location = aws_sigv4::http_request::SignatureLocation::QueryParams;
        settings.expires_in = Some(expires);
        let request = Unsigned {
            method,
            url,
            headers: &[],
            body: &[],
        };
        let instructions = self.sign(service, request, settings, now)?;
        let mut request = hyper::Request::builder().uri(url).body(())?;
        instructions.apply_to_request_http1x(&mut request);
        Ok(request.uri().to_string())
    }

    /// The headers that sign a request (`Authorization`, `X-Amz-Date`, the session token and,
    /// for `aoss`, the payload hash), to add to it.
    pub fn sign_headers(
        &self,
        service: &str,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Vec<(String, String)>, crate::error::BoxError> {
        let mut settings = aws_sigv4::http_request::SigningSettings::default();
        // OpenSearch Serverless wants the payload hash as a header.
        settings.payload_checksum_kind = aws_sigv4::http_request::PayloadChecksumKind::XAmzSha256;
        let request = Unsigned {
            method,
            url,
            headers,
            body,
        };
        let instructions = self.sign(service, request, settings, std::time::SystemTime::now())?;
        Ok(instructions
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect())
    }
}

/// The AWS configuration of a run, loaded the first time something needs it: a run that stays
/// local (files and a `--catalog-file`) resolves no profile and no region, and never asks the
/// instance metadata service. Shared by every part of a command (a query's Glue catalog and its
/// S3 tables load it once between them).
pub struct LazyAws {
    options: AwsOptions,
    loaded: tokio::sync::OnceCell<Aws>,
}

impl LazyAws {
    pub fn new(options: AwsOptions) -> LazyAws {
        LazyAws {
            options,
            loaded: tokio::sync::OnceCell::new(),
        }
    }

    /// The configuration, loaded on the first call; a failure is returned and tried again on the
    /// next call.
    pub async fn get(&self) -> Result<&Aws, AwsError> {
        self.loaded
            .get_or_try_init(|| Aws::load(&self.options))
            .await
    }
}

/// Whether a command given these locations (inputs, outputs, state folders, as written on the
/// command line) needs AWS: when one is an `s3://` URL. Local paths, globs and `-` (stdin) need
/// neither credentials nor a region. The one rule convert and embed decide by, before they list
/// anything; crawl and query, which load AWS lazily where they meet S3 or Glue, follow it too.
pub fn needs_aws<'a>(locations: impl IntoIterator<Item = &'a str>) -> bool {
    locations
        .into_iter()
        .any(|location| location.starts_with("s3://"))
}

/// What went wrong with an AWS request, as far as the user can act on it: what hints are chosen
/// by. Decided once, where the SDK's typed error is still at hand ([`call_error`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwsErrorKind {
    /// The service refused the credentials as expired or invalid (`ExpiredToken`,
    /// `ExpiredTokenException`, `InvalidClientTokenId`, ...), or the credential provider failed
    /// to produce them (an SSO token that expired, a failing `credential_process`).
    ExpiredCredentials,
    /// No provider of the default chain had credentials.
    NoCredentials,
    NoSuchBucket,
    AccessDenied,
    /// The bucket is in another region than the one the request was signed for.
    WrongRegion,
    /// No answer came: the endpoint's name does not resolve, the connection is refused or
    /// reset, TLS fails.
    Unreachable,
    Other,
}

impl AwsErrorKind {
    /// The kind of an error code the service answered with (S3's XML `Code`, Glue's and
    /// Pricing's `__type`).
    pub fn of_code(code: &str) -> AwsErrorKind {
        match code {
            "ExpiredToken"
            | "ExpiredTokenException"
            | "InvalidClientTokenId"
            | "InvalidToken"
            | "TokenRefreshRequired"
            | "UnrecognizedClientException" => AwsErrorKind::ExpiredCredentials,
            "NoSuchBucket" => AwsErrorKind::NoSuchBucket,
            "AccessDenied" | "AccessDeniedException" | "AllAccessDisabled" => {
                AwsErrorKind::AccessDenied
            }
            "PermanentRedirect" | "AuthorizationHeaderMalformed" => AwsErrorKind::WrongRegion,
            _ => AwsErrorKind::Other,
        }
    }
}

/// A failed AWS request. What the service answered is kept as data (its code, message and HTTP
/// status; the SDK's own error types display as "service error" or "unhandled error", and their
/// debug output dumps whole responses); a request that got no answer keeps why as its source.
#[derive(Debug)]
pub struct CallError {
    kind: AwsErrorKind,
    detail: Detail,
}

#[derive(Debug)]
enum Detail {
    Answered {
        code: Option<String>,
        message: Option<String>,
        status: u16,
    },
    Unanswered {
        what: &'static str,
        status: Option<u16>,
        source: crate::error::BoxError,
    },
}

impl CallError {
    pub fn kind(&self) -> AwsErrorKind {
        self.kind
    }

    /// An answer the service gave: `code` and `message` as it sent them.
    pub fn answered(code: Option<&str>, message: Option<&str>, status: u16) -> CallError {
        CallError {
            kind: code.map_or(
                match status {
                    403 => AwsErrorKind::AccessDenied,
                    _ => AwsErrorKind::Other,
                },
                AwsErrorKind::of_code,
            ),
            detail: Detail::Answered {
                code: code.map(str::to_owned),
                message: message.map(str::to_owned),
                status,
            },
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.detail {
            Detail::Answered {
                code: Some(code),
                message: Some(message),
                ..
            } => write!(f, "{code}: {message}"),
            Detail::Answered {
                code: Some(code), ..
            } => f.write_str(code),
            Detail::Answered { status, .. } => write!(f, "HTTP {status}"),
            Detail::Unanswered {
                what,
                status: Some(status),
                ..
            } => write!(f, "{what} (HTTP {status})"),
            Detail::Unanswered { what, .. } => f.write_str(what),
        }
    }
}

impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.detail {
            Detail::Answered { .. } => None,
            Detail::Unanswered { source, .. } => Some(source.as_ref()),
        }
    }
}

/// The one conversion of an SDK error (S3, Glue, Pricing: they share the type) into a
/// [`CallError`], classified here, where its variants and the service's code are known.
pub fn call_error<E>(err: SdkError<E>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (what, status) = match &err {
        SdkError::ServiceError(service) => {
            let inner = service.err();
            return CallError::answered(
                inner.code(),
                inner.message(),
                service.raw().status().as_u16(),
            );
        }
        SdkError::DispatchFailure(_) => ("the request was not sent", None),
        SdkError::TimeoutError(_) => ("the request timed out", None),
        SdkError::ResponseError(response) => (
            "the response could not be read",
            Some(response.raw().status().as_u16()),
        ),
        SdkError::ConstructionFailure(_) => ("the request could not be built", None),
        _ => ("the request failed", None),
    };
    let dispatch = matches!(err, SdkError::DispatchFailure(_));
    let source = match err.into_source() {
        Ok(source) => source,
        Err(err) => format!("{err:?}").into(),
    };
    // The connector's own layer says only "io error" or "other": its cause is the news.
    let source = match source.downcast::<ConnectorError>() {
        Ok(connector) => connector.into_source(),
        Err(source) => source,
    };
    let credentials = std::iter::successors(
        Some(source.as_ref() as &(dyn std::error::Error + 'static)),
        |e| e.source(),
    )
    .find_map(|e| e.downcast_ref::<CredentialsError>());
    let (kind, what) = match credentials {
        Some(CredentialsError::CredentialsNotLoaded(_)) => {
            (AwsErrorKind::NoCredentials, "no AWS credentials were found")
        }
        Some(_) => (
            AwsErrorKind::ExpiredCredentials,
            "the AWS credentials could not be loaded",
        ),
        None if dispatch => (AwsErrorKind::Unreachable, "the endpoint cannot be reached"),
        None => (AwsErrorKind::Other, what),
    };
    CallError {
        kind,
        detail: Detail::Unanswered {
            what,
            status,
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_s3_locations_need_aws() {
        assert!(!needs_aws([
            "data/",
            "-",
            "*.jsonl.zst",
            "/tmp/s3:/x",
            "out.parquet"
        ]));
        assert!(needs_aws(["data/", "s3://lake/out/"]));
        assert!(needs_aws(["s3://lake"]));
        assert!(!needs_aws([]));
    }
}
