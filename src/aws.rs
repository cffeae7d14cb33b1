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
