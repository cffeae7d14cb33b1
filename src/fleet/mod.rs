//! What runs in an account, read through the AWS APIs for `cost live` and `cost actual`: Flink
//! applications, Ingestion pipelines and Serverless collections (`discover`), their CloudWatch
//! series (`metrics`) and a month's bill (`billing`). Read-only calls only; kept out of `cost/`,
//! which does no network I/O (as `pricing` is): this module fetches, `cost::live` and
//! `cost::actual` assess.

pub mod billing;
pub mod discover;
pub mod metrics;

/// A call that failed, named by the IAM action it needs, so a missing permission says which
/// one to grant.
#[derive(Debug, thiserror::Error)]
#[error("{action} in {region}")]
pub struct FleetError {
    pub action: &'static str,
    pub region: String,
    #[source]
    pub source: crate::aws::CallError,
}

fn failed<'a, E>(
    action: &'static str,
    region: &'a str,
) -> impl FnOnce(aws_sdk_s3::error::SdkError<E>) -> FleetError + 'a
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    move |err| FleetError {
        action,
        region: region.to_owned(),
        source: crate::aws::call_error(err),
    }
}
