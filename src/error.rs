//! What a failed run means to the user: the exit status it ends with, the hint printed under it,
//! and the one way an error chain is written out (by the printer on stderr, and on one line in
//! report fields). Everything here matches on error types, walking the chain, never on message
//! text: the library's errors are typed (AWS errors are classified once, in
//! [`crate::aws::call_error`]; crawl errors carry their codes as data).

use std::error::Error;

use crate::aws::{AwsError, AwsErrorKind, CallError};
use crate::convert::ConvertError;
use crate::crawl::{CrawlError, DiscoverError, PlanError, SampleError};
use crate::embed::EmbedError;
use crate::query::EngineError;

/// A cause of any kind, kept as the source of one of our errors (the SDK and its connectors box
/// theirs this way too).
pub type BoxError = Box<dyn Error + Send + Sync>;

/// Process exit status; the numbers are API (see `lakeops --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command did its job (also `--dry-run`, and a closed stdout).
    Success = 0,
    /// The command ran to the end, and what it found is the reason to fail a script: rejected
    /// lines or inputs that failed alone (convert, embed, crawl's unreadable objects), drift
    /// (`crawl --check`), a breached budget (`cost --fail-above`, `--fail-if-increase-pct`, rows
    /// `cost prices --refresh` could not fetch) or an empty result (`query --fail-if-empty`).
    Findings = 1,
    /// Usage, input, configuration or AWS error: the command did not do its job.
    Error = 2,
    /// Stopped by Ctrl-C, SIGTERM or SIGHUP; what was published stays valid.
    Interrupted = 130,
}

/// How a run that failed with `err` ends: a closed stdout is success (as for `head`), a stop on
/// Ctrl-C or SIGTERM is 130, anything else is an error.
pub fn exit_status(err: &anyhow::Error) -> ExitStatus {
    if causes(err.as_ref()).any(is_broken_pipe) {
        ExitStatus::Success
    } else if causes(err.as_ref()).any(is_interrupt) {
        ExitStatus::Interrupted
    } else {
        ExitStatus::Error
    }
}

fn is_broken_pipe(e: &(dyn Error + 'static)) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn is_interrupt(e: &(dyn Error + 'static)) -> bool {
    matches!(
        e.downcast_ref::<ConvertError>(),
        Some(ConvertError::Interrupted)
    ) || matches!(
        e.downcast_ref::<EmbedError>(),
        Some(EmbedError::Interrupted)
    ) || e
        .downcast_ref::<crate::load::LoadError>()
        .is_some_and(crate::load::LoadError::is_interrupted)
}

pub const NO_REGION: &str = "pass --region, set AWS_REGION, or set region in your AWS profile";
pub const EXPIRED_CREDENTIALS: &str = "the AWS credentials are expired or invalid: refresh them \
     (`aws sso login` for an SSO profile; new session credentials for AWS_SESSION_TOKEN or a \
     credential_process) and run again";
pub const NO_CREDENTIALS: &str = "no AWS credentials were found: pass --profile or set \
     AWS_PROFILE (run `aws sso login` for an SSO profile), or set AWS_ACCESS_KEY_ID and \
     AWS_SECRET_ACCESS_KEY";
pub const NO_SUCH_BUCKET: &str = "check the bucket name in the s3:// URL, and that --endpoint-url \
     and --profile point at the account that has it";
pub const ACCESS_DENIED: &str = "the credentials in use are not allowed this call: check the \
     profile (`aws sts get-caller-identity`) and its IAM and bucket policies";
pub const ACTION_DENIED: &str = "the credentials in use lack the IAM action named above: grant it \
     (cost live, plan --from-live and actual need read-only actions; the README lists them), or \
     pass --profile for other credentials";
pub const WRONG_REGION: &str = "the bucket is in another region: pass that --region";
pub const UNREACHABLE: &str = "check --endpoint-url / AWS_ENDPOINT_URL and your network; an \
     S3-compatible endpoint configured elsewhere (AWS_ENDPOINT_URL_S3, a profile's services \
     section) may need --s3-path-style, as buckets there are not host names";
pub const BAD_LINE: &str =
    "--on-error skip or --on-error dead-letter converts the other lines and reports the bad ones";
pub const PARTITION_LAYOUT: &str =
    "move or --exclude the odd objects, or --skip-mismatched to leave them out with a warning";
pub const NOT_OWNED: &str = "--adopt takes over the table; lakeops keeps its Description, Owner, \
     comments and other parameters";
pub const INCOMPATIBLE: &str = "--recreate drops and recreates the table; or crawl the new data \
     into another table (--table)";
pub const NOT_JSON_LINES: &str =
    "convert the document to one JSON object per line (e.g. jq -c '.[]')";
pub const MODEL: &str = "--model takes a sentence-transformers folder (config.json, \
     tokenizer.json, model.safetensors, modules.json, 1_Pooling/) or a Hugging Face id already \
     in the local cache";
pub const COLUMN: &str = "--text-column and --id-column name columns or fields; nested ones as a.b";
pub const NO_GPU: &str = "--device cpu (or auto, which falls back to the CPU) runs without a GPU; \
     the GPU path needs a build with `--features cuda` (scripts/build-cuda.sh) and a CUDA device";

/// The fix for a known failure, from the first error in the chain that has one.
pub fn hint(err: &anyhow::Error) -> Option<&'static str> {
    causes(err.as_ref()).find_map(hint_for)
}

fn hint_for(e: &(dyn Error + 'static)) -> Option<&'static str> {
    if let Some(AwsError::NoRegion) = e.downcast_ref::<AwsError>() {
        return Some(NO_REGION);
    }
    if let Some(fleet) = e.downcast_ref::<crate::fleet::FleetError>() {
        if fleet.source.kind() == AwsErrorKind::AccessDenied {
            return Some(ACTION_DENIED);
        }
    }
    if let Some(call) = e.downcast_ref::<CallError>() {
        return match call.kind() {
            AwsErrorKind::ExpiredCredentials => Some(EXPIRED_CREDENTIALS),
            AwsErrorKind::NoCredentials => Some(NO_CREDENTIALS),
            AwsErrorKind::NoSuchBucket => Some(NO_SUCH_BUCKET),
            AwsErrorKind::AccessDenied => Some(ACCESS_DENIED),
            AwsErrorKind::WrongRegion => Some(WRONG_REGION),
            AwsErrorKind::Unreachable => Some(UNREACHABLE),
            AwsErrorKind::Other => None,
        };
    }
    if let Some(ConvertError::BadLine { .. }) = e.downcast_ref::<ConvertError>() {
        return Some(BAD_LINE);
    }
    if let Some(crawl) = e.downcast_ref::<CrawlError>() {
        return match crawl {
            CrawlError::Discover(
                DiscoverError::Layout { .. } | DiscoverError::SameValues { .. },
            ) => Some(PARTITION_LAYOUT),
            CrawlError::Plan(PlanError::NotOwned { .. }) => Some(NOT_OWNED),
            CrawlError::Plan(PlanError::Incompatible { .. }) => Some(INCOMPATIBLE),
            CrawlError::Sample(SampleError::NotJsonLines { .. }) => Some(NOT_JSON_LINES),
            _ => None,
        };
    }
    match e.downcast_ref::<EmbedError>()? {
        EmbedError::Model { .. } | EmbedError::ModelFile { .. } => Some(MODEL),
        EmbedError::Column { .. } => Some(COLUMN),
        EmbedError::NoGpu { .. } => Some(NO_GPU),
        _ => None,
    }
}

/// Every error in the chain, outermost first. A query engine error is followed by DataFusion's
/// whole chain, including the causes its message already shows (and its `source` skips): what
/// hints match may be among them.
fn causes<'a>(
    err: &'a (dyn Error + 'static),
) -> impl Iterator<Item = &'a (dyn Error + 'static)> + 'a {
    chain(err).flat_map(|e| {
        let engine = e
            .downcast_ref::<EngineError>()
            .map(|engine| engine.engine() as &(dyn Error + 'static));
        std::iter::once(e).chain(engine.into_iter().flat_map(|df| chain(df).skip(1)))
    })
}

fn chain<'a>(err: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(err), |&e| e.source())
}

/// The texts of an error and of its causes, as they are shown: a cause whose text the error
/// above it already ends with is left out. Ours never do that (a variant shows its source or
/// returns it, never both); some libraries' errors do (`object_store`, `hyper`).
pub fn shown(err: &dyn Error) -> Vec<String> {
    let mut texts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        let last = texts.last().map(String::as_str).unwrap_or_default();
        if !text.is_empty() && !last.ends_with(&text) {
            texts.push(text);
        }
        source = cause.source();
    }
    texts
}

/// `what: why: deeper why`, as an error is written in one field of a report.
pub fn chain_text(err: &dyn Error) -> String {
    shown(err).join(": ")
}

/// Fails when an error in the chain shows its source's text in its own message: the printer
/// would show that text twice.
#[cfg(test)]
pub(crate) fn assert_causes_shown_once(err: &dyn Error) {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        assert!(
            !text.contains(&cause_text),
            "{text:?} shows its source {cause_text:?} too"
        );
        text = cause_text;
        source = cause.source();
    }
}

#[cfg(test)]
mod tests;
