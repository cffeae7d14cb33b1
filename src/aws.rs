//! The one place that builds the AWS SDK configuration: aws-config's default chain (environment,
//! profiles, SSO, credential_process, IMDS) with only the flags the user gave applied on top.
//! Credentials stay in the SDK's identity cache, which refreshes them during long runs; nothing
//! here copies or prints them.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

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

    /// The Price List API is served from us-east-1, whatever region the prices are for.
    pub fn pricing(&self) -> aws_sdk_pricing::Client {
        let config = aws_sdk_pricing::config::Builder::from(&self.config)
            .region(Region::new("us-east-1"))
            .build();
        aws_sdk_pricing::Client::from_conf(config)
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

/// One line for an SDK error: `Code: message` for what the service said, else the transport's
/// cause chain (timeouts, DNS, refused connections). The SDK's own `Display` says only
/// "service error", and its debug output dumps whole responses.
pub fn describe<E>(err: &aws_sdk_s3::error::SdkError<E>) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sdk_s3::error::SdkError;
    match err {
        SdkError::ServiceError(service) => {
            let inner = service.err();
            match (inner.code(), inner.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_owned(),
                _ => format!("{inner} (HTTP {})", service.raw().status().as_u16()),
            }
        }
        other => aws_sdk_s3::error::DisplayErrorContext(other).to_string(),
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
