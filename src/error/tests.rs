//! Each hint on an error built the way the library builds it, wrapped as commands wrap it.

use super::*;
use crate::aws::call_error;
use crate::crawl::InferError;
use crate::storage::StorageError;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::error::{ConnectorError, ErrorMetadata, SdkError};
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Error;
use aws_sdk_s3::primitives::SdkBody;
use aws_smithy_runtime_api::http::{Response, StatusCode};

fn answer<E>(err: E, status: u16) -> SdkError<E> {
    let status = StatusCode::try_from(status).expect("a valid status");
    SdkError::service_error(err, Response::new(status, SdkBody::empty()))
}

fn meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

/// A failed S3 listing as `Store::list_level` reports it, inside a crawl, under the command's
/// context.
fn s3_listing(err: SdkError<ListObjectsV2Error>) -> anyhow::Error {
    let storage = StorageError::S3 {
        operation: "ListObjectsV2",
        url: "s3://lake/events/".into(),
        source: call_error(err).into(),
    };
    anyhow::Error::new(CrawlError::from(DiscoverError::Storage(storage)))
        .context("cannot crawl s3://lake/events/")
}

fn lines(err: &anyhow::Error) -> Vec<String> {
    shown(err.as_ref())
}

#[test]
fn an_expired_s3_token_says_to_refresh_sso_or_the_session() {
    for (code, status) in [("ExpiredToken", 400), ("InvalidToken", 400)] {
        let err = s3_listing(answer(
            ListObjectsV2Error::generic(meta(code, "The provided token has expired.")),
            status,
        ));
        assert_eq!(hint(&err), Some(EXPIRED_CREDENTIALS), "{code}");
        assert_eq!(exit_status(&err), ExitStatus::Error);
        assert_eq!(
            lines(&err),
            [
                "cannot crawl s3://lake/events/",
                "ListObjectsV2 s3://lake/events/",
                &format!("{code}: The provided token has expired."),
            ]
        );
        assert_causes_shown_once(err.as_ref());
    }
    assert!(EXPIRED_CREDENTIALS.contains("aws sso login"));
    assert!(EXPIRED_CREDENTIALS.contains("session credentials"));
}

#[test]
fn an_expired_glue_token_says_to_refresh_sso_or_the_session() {
    use aws_sdk_glue::operation::get_table::GetTableError;
    let glue = crate::catalog::CatalogError::Glue {
        operation: "GetTable",
        target: "lake.events".into(),
        source: call_error(answer(
            GetTableError::generic(meta(
                "ExpiredTokenException",
                "The security token included in the request is expired",
            )),
            400,
        )),
    };
    let err = anyhow::Error::new(CrawlError::from(glue)).context("cannot crawl");
    assert_eq!(hint(&err), Some(EXPIRED_CREDENTIALS));
    assert_causes_shown_once(err.as_ref());
}

#[test]
fn an_invalid_pricing_token_says_to_refresh_sso_or_the_session() {
    use aws_sdk_pricing::operation::get_products::GetProductsError;
    let err = anyhow::Error::new(call_error(answer(
        GetProductsError::generic(meta(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )),
        403,
    )))
    .context("GetProducts AmazonES in us-east-2");
    assert_eq!(hint(&err), Some(EXPIRED_CREDENTIALS));
}

#[test]
fn a_credential_provider_failure_says_to_refresh_sso_or_the_session() {
    // What the SDK returns when the identity resolver fails (an SSO token past its expiry).
    let failed = SdkError::<GetObjectError>::dispatch_failure(ConnectorError::other(
        Box::new(CredentialsError::provider_error(
            "the SSO token has expired and cannot be refreshed",
        )),
        None,
    ));
    let call = call_error(failed);
    assert_eq!(call.kind(), AwsErrorKind::ExpiredCredentials);
    let err = anyhow::Error::new(call).context("cannot convert");
    assert_eq!(hint(&err), Some(EXPIRED_CREDENTIALS));
    let shown = lines(&err);
    assert!(
        shown
            .iter()
            .any(|l| l.contains("the SSO token has expired")),
        "the provider's reason is kept: {shown:?}"
    );
}

#[test]
fn no_credentials_say_how_to_configure_them() {
    let failed = SdkError::<GetObjectError>::dispatch_failure(ConnectorError::other(
        Box::new(CredentialsError::not_loaded(
            "no providers in chain provided credentials",
        )),
        None,
    ));
    let err = anyhow::Error::new(call_error(failed));
    assert_eq!(hint(&err), Some(NO_CREDENTIALS));
}

#[test]
fn a_missing_bucket_says_to_check_its_name_and_endpoint() {
    let err = s3_listing(answer(
        ListObjectsV2Error::generic(meta("NoSuchBucket", "The specified bucket does not exist")),
        404,
    ));
    assert_eq!(hint(&err), Some(NO_SUCH_BUCKET));
}

#[test]
fn access_denied_and_wrong_region_have_their_hints() {
    let denied = s3_listing(answer(
        ListObjectsV2Error::generic(meta("AccessDenied", "Access Denied")),
        403,
    ));
    assert_eq!(hint(&denied), Some(ACCESS_DENIED));
    // HEAD answers have no body: the status alone says it.
    let head = anyhow::Error::new(call_error(answer(
        GetObjectError::generic(ErrorMetadata::builder().build()),
        403,
    )));
    assert_eq!(hint(&head), Some(ACCESS_DENIED));
    let moved = s3_listing(answer(
        ListObjectsV2Error::generic(meta(
            "PermanentRedirect",
            "The bucket you are attempting to access must be addressed using the specified endpoint.",
        )),
        301,
    ));
    assert_eq!(hint(&moved), Some(WRONG_REGION));
    let other = s3_listing(answer(
        ListObjectsV2Error::generic(meta("InternalError", "We encountered an internal error.")),
        500,
    ));
    assert_eq!(hint(&other), None);
}

#[test]
fn an_unreachable_endpoint_mentions_path_style() {
    let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
    let failed =
        SdkError::<ListObjectsV2Error>::dispatch_failure(ConnectorError::io(Box::new(refused)));
    let err = s3_listing(failed);
    assert_eq!(hint(&err), Some(UNREACHABLE));
    assert!(UNREACHABLE.contains("--s3-path-style"));
    let shown = lines(&err);
    assert_eq!(shown.last().map(String::as_str), Some("connection refused"));
    assert!(
        !shown.iter().any(|l| l == "io error"),
        "the connector's own layer says nothing: {shown:?}"
    );
}

#[test]
fn no_region_has_its_hint() {
    let err = anyhow::Error::new(AwsError::NoRegion).context("s3://lake/: cannot load AWS");
    assert_eq!(hint(&err), Some(NO_REGION));
}

#[test]
fn an_s3_error_under_the_query_engine_keeps_its_hint_and_shows_once() {
    let expired = StorageError::S3 {
        operation: "ListObjectsV2",
        url: "s3://lake/events/".into(),
        source: call_error(answer(
            ListObjectsV2Error::generic(meta("ExpiredToken", "The provided token has expired.")),
            400,
        ))
        .into(),
    };
    let store = object_store::Error::Generic {
        store: "lakeops-s3",
        source: Box::new(expired),
    };
    let engine = EngineError::from(datafusion::error::DataFusionError::ObjectStore(Box::new(
        store,
    )));
    let err = anyhow::Error::new(crate::query::QueryError::TableFailed {
        spec: "events=s3://lake/events/".into(),
        source: Box::new(engine),
    });
    assert_eq!(hint(&err), Some(EXPIRED_CREDENTIALS));
    let shown = lines(&err);
    let all = shown.join("\n");
    assert_eq!(
        all.matches("ExpiredToken").count(),
        1,
        "the service's answer once: {shown:?}"
    );
    assert_eq!(all.matches("s3://lake/events/").count(), 2, "{shown:?}");
    assert_causes_shown_once(err.as_ref());
}

#[test]
fn crawl_codes_choose_the_hints() {
    let wrap = |e: CrawlError| anyhow::Error::new(e).context("cannot crawl s3://lake/t/");
    let layout = wrap(
        DiscoverError::Layout {
            first: "s3://lake/t/x.json".into(),
            second: "s3://lake/t/year=2024/y.json".into(),
            first_layout: "()".into(),
            second_layout: "(year)".into(),
        }
        .into(),
    );
    assert_eq!(hint(&layout), Some(PARTITION_LAYOUT));
    assert!(lines(&layout)[1].starts_with("E_PARTITION_LAYOUT: s3://lake/t/x.json and"));
    let not_owned = wrap(
        PlanError::NotOwned {
            table: "lake.t".into(),
        }
        .into(),
    );
    assert_eq!(hint(&not_owned), Some(NOT_OWNED));
    assert!(lines(&not_owned)[1].starts_with("E_NOT_OWNED: table lake.t"));
    let incompatible = wrap(
        PlanError::Incompatible {
            table: "lake.t".into(),
            what: "classification",
            current: "json".into(),
            found: "parquet".into(),
        }
        .into(),
    );
    assert_eq!(hint(&incompatible), Some(INCOMPATIBLE));
    let array = wrap(
        SampleError::NotJsonLines {
            url: "s3://lake/t/doc.json".into(),
        }
        .into(),
    );
    assert_eq!(hint(&array), Some(NOT_JSON_LINES));
    // E_INCOMPATIBLE too, but --recreate does not help mixed CSV delimiters.
    let delimiters = CrawlError::from(InferError::MixedDelimiter {
        first: "a.csv".into(),
        first_delimiter: ',',
        second: "b.csv".into(),
        second_delimiter: ';',
    });
    assert_eq!(
        delimiters.code(),
        Some(crate::crawl::ErrorCode::Incompatible)
    );
    assert_eq!(hint(&wrap(delimiters)), None);
}

#[test]
fn a_bad_line_suggests_on_error() {
    let err = anyhow::Error::new(ConvertError::BadLine {
        file: "a.jsonl".into(),
        line: 3,
        reason: "invalid JSON".into(),
    });
    assert_eq!(hint(&err), Some(BAD_LINE));
}

#[test]
fn embed_models_and_columns_have_hints() {
    let model = anyhow::Error::new(EmbedError::Model {
        model: "x".into(),
        problem: "no config.json".into(),
    });
    assert_eq!(hint(&model), Some(MODEL));
    let column = anyhow::Error::new(EmbedError::Column {
        url: "a.jsonl".into(),
        column: "body".into(),
        message: "no such column".into(),
    });
    assert_eq!(hint(&column), Some(COLUMN));
}

#[cfg(not(feature = "cuda"))]
#[test]
fn cuda_without_the_cuda_build_says_how_to_get_it() {
    let refused = match crate::embed::select_device(crate::embed::DeviceChoice::Cuda(0)) {
        Err(e) => e,
        Ok(_) => panic!("a build without `cuda` has no GPU path"),
    };
    assert!(matches!(refused, EmbedError::NoGpu { .. }), "{refused}");
    let err = anyhow::Error::new(refused).context("cannot embed");
    assert_eq!(hint(&err), Some(NO_GPU));
    assert!(NO_GPU.contains("--features cuda") && NO_GPU.contains("--device cpu"));
}

#[test]
fn exit_statuses_follow_the_chain() {
    let pipe = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
        .context("writing the result");
    assert_eq!(exit_status(&pipe), ExitStatus::Success);
    let stopped = anyhow::Error::new(ConvertError::Interrupted).context("cannot convert");
    assert_eq!(exit_status(&stopped), ExitStatus::Interrupted);
    let embed_stopped = anyhow::Error::new(EmbedError::Interrupted);
    assert_eq!(exit_status(&embed_stopped), ExitStatus::Interrupted);
    let failed = anyhow::anyhow!("no such table");
    assert_eq!(exit_status(&failed), ExitStatus::Error);
}

#[test]
fn shown_leaves_out_a_cause_its_error_already_ends_with() {
    // object_store's errors print their source in their message and return it too.
    let store = object_store::Error::Generic {
        store: "lakeops-s3",
        source: "connection reset".into(),
    };
    assert_eq!(
        shown(&store),
        ["Generic lakeops-s3 error: connection reset"]
    );
    assert_eq!(
        chain_text(&store),
        "Generic lakeops-s3 error: connection reset"
    );
}

#[test]
fn storage_local_error_shows_its_io_cause_once() {
    let err = StorageError::Local {
        path: "/lake/a.json".into(),
        source: std::io::Error::from(std::io::ErrorKind::NotFound),
    };
    assert_causes_shown_once(&err);
    assert_eq!(chain_text(&err), "/lake/a.json: entity not found");
}

#[test]
fn schema_file_error_shows_its_json_cause_once() {
    let err = crate::schema::SchemaFile::parse("{not json").unwrap_err();
    assert_causes_shown_once(&err);
    assert!(chain_text(&err).starts_with("not a schema file: key must be a string"));
}

#[test]
fn catalog_file_errors_show_their_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.json");
    std::fs::write(&path, "[1, 2]").unwrap();
    let err = crate::catalog::FileCatalog::open(&path)
        .err()
        .expect("not a catalog");
    assert_causes_shown_once(&err);
    assert!(
        chain_text(&err).contains("not a lakeops catalog file"),
        "{err}"
    );
}
