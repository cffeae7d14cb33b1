//! AWS errors as users meet them: a real HTTP server (a few lines of std TCP in a thread) that
//! answers every S3 request with one error, and lakeops pointed at it with `--endpoint-url`.
//! What is checked is what the user reads: exit 2, an `error:` naming the S3 location, the
//! service's answer, the hint, and no line said twice.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Output;

use crate::common::{lakeops_process, tmp};

/// A server on a free local port answering every request with `status` and an S3 `<Error>`
/// document of `code`; returns its endpoint. It lives as long as the test process.
fn failing_s3(status: u16, code: &str, message: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
         <Message>{message}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>"
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            // The request line and headers; S3 reads (GET, HEAD, list) have no body.
            let mut reader = BufReader::new(match stream.try_clone() {
                Ok(s) => s,
                Err(_) => continue,
            });
            let mut head = false;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                head |= line.starts_with("HEAD ");
                if line == "\r\n" {
                    break;
                }
                line.clear();
            }
            let response = format!(
                "HTTP/1.1 {status} Error\r\nContent-Type: application/xml\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                body.len(),
                if head { "" } else { body.as_str() }
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    endpoint
}

/// `lakeops ARGS --endpoint-url ENDPOINT` with keys, a region and no profile files.
fn run(endpoint: &str, args: &[&str]) -> Output {
    let home = tmp();
    for file in ["config", "credentials"] {
        std::fs::write(home.path().join(file), "").unwrap();
    }
    lakeops_process()
        .args(args)
        .args(["--endpoint-url", endpoint])
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_SESSION_TOKEN", "session")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("credentials"),
        )
        .output()
        .expect("lakeops runs")
}

/// Exit 2, each needle in stderr, and no stderr line twice.
fn refused(output: &Output, needles: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr names {needle:?}:\n{stderr}"
        );
    }
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    for (i, line) in lines.iter().enumerate() {
        assert!(
            !lines[i + 1..].contains(line),
            "{line:?} is said twice:\n{stderr}"
        );
        // A cause printed inside the line above it, and again on its own.
        if let Some(next) = lines.get(i + 1).and_then(|l| l.strip_prefix("Caused by: ")) {
            assert!(!line.contains(next), "{next:?} is said twice:\n{stderr}");
        }
    }
    stderr
}

fn hint_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("hint: "))
        .unwrap_or_else(|| panic!("no hint:\n{stderr}"))
}

#[test]
fn an_expired_token_gets_a_hint_to_refresh_sso_or_the_session() {
    let endpoint = failing_s3(400, "ExpiredToken", "The provided token has expired.");
    let dir = tmp();
    let catalog = dir.path().join("catalog.json");
    let catalog = catalog.to_str().unwrap();
    // The crawl reads S3 and writes a local catalog; the query reads S3 through DataFusion.
    for args in [
        &[
            "crawl",
            "s3://lake/events/",
            "--database",
            "db",
            "--catalog-file",
            catalog,
        ][..],
        &[
            "convert",
            "s3://lake/events/",
            "-o",
            dir.path().to_str().unwrap(),
        ][..],
        &["query", "select 1 from t", "--table", "t=s3://lake/events/"][..],
    ] {
        let stderr = refused(
            &run(&endpoint, args),
            &[
                "ListObjectsV2 s3://lake/events/",
                "ExpiredToken: The provided token has expired.",
            ],
        );
        let hint = hint_line(&stderr);
        assert!(
            hint.contains("aws sso login") && hint.contains("session credentials"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn an_invalid_token_id_gets_the_same_hint() {
    let endpoint = failing_s3(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    );
    let dir = tmp();
    let stderr = refused(
        &run(
            &endpoint,
            &[
                "convert",
                "s3://lake/events/",
                "-o",
                dir.path().to_str().unwrap(),
            ],
        ),
        &["InvalidClientTokenId"],
    );
    assert!(hint_line(&stderr).contains("aws sso login"), "{stderr}");
}

#[test]
fn storage_walk_error_names_the_location_once() {
    // The error of a listing met while walking inputs once read
    // `s3://lake/events/: ListObjectsV2 s3://lake/events/: NoSuchBucket: ...`.
    let endpoint = failing_s3(404, "NoSuchBucket", "The specified bucket does not exist");
    let dir = tmp();
    let stderr = refused(
        &run(
            &endpoint,
            &[
                "convert",
                "s3://lake/events/",
                "-o",
                dir.path().to_str().unwrap(),
            ],
        ),
        &["NoSuchBucket: The specified bucket does not exist"],
    );
    assert_eq!(
        stderr.matches("s3://lake/events/").count(),
        1,
        "the location once:\n{stderr}"
    );
    assert!(hint_line(&stderr).contains("bucket name"), "{stderr}");
}

#[test]
fn an_expired_sso_login_gets_a_hint_to_refresh_it() {
    // An SSO profile whose cached token expired and has no refresh token: the SDK's credential
    // provider fails before any request is sent.
    let endpoint = failing_s3(500, "InternalError", "no request should get here");
    let home = tmp();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).unwrap();
    std::fs::write(
        aws.join("config"),
        "[profile dev]\nsso_session = lakeops-sso\nsso_account_id = 123456789012\n\
         sso_role_name = Admin\nregion = us-east-1\n\n[sso-session lakeops-sso]\n\
         sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    std::fs::write(aws.join("credentials"), "").unwrap();
    // The cache file is named by the SHA-1 of the session name.
    std::fs::write(
        aws.join("sso/cache/eeaeeeb031a469540575a2aff3fc5c212162bb37.json"),
        r#"{"accessToken":"expired","expiresAt":"2020-01-01T00:00:00Z","region":"us-east-1","startUrl":"https://example.awsapps.com/start"}"#,
    )
    .unwrap();
    let out = tmp();
    let output = lakeops_process()
        .args(["convert", "s3://lake/events/", "-o"])
        .arg(out.path())
        .args(["--endpoint-url", &endpoint])
        .env("HOME", home.path())
        .env("AWS_PROFILE", "dev")
        .env("AWS_CONFIG_FILE", aws.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", aws.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("lakeops runs");
    let stderr = refused(
        &output,
        &[
            "ListObjectsV2 s3://lake/events/",
            "Caused by: the SSO token has expired and cannot be refreshed",
        ],
    );
    assert!(hint_line(&stderr).contains("aws sso login"), "{stderr}");
    // aws-config's own warnings of the same failure are not shown: the error says it once.
    assert!(!stderr.contains("warning:"), "{stderr}");
}
