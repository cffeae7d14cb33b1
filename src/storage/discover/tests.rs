//! Unit tests of discovery: the glob filter, arguments as a stream of folder batches, and the
//! lister handing over a flat S3 prefix a page at a time.

use super::*;

#[test]
fn globs_follow_glue_semantics() {
    let f = KeyFilter::new(
        &[],
        &["*.tmp".into(), "**/skip/**".into(), "{a,b}.json".into()],
    )
    .unwrap();
    assert!(!f.admits("x.tmp"));
    assert!(f.admits("year=1/x.tmp"), "`*` stays within one component");
    assert!(!f.admits("year=1/skip/x.json"));
    assert!(!f.admits("a.json"));
    assert!(f.admits("c.json"));
    let only = KeyFilter::new(&["**/*.json".into()], &[]).unwrap();
    assert!(only.admits("y=1/a.json"));
    assert!(only.admits("a.json"), "`**/` matches no folder too");
    assert!(!only.admits("y=1/a.csv"));
    let negated = KeyFilter::new(&["[!x]*.json".into()], &["**/*.gz".into()]).unwrap();
    assert!(negated.admits("a.json"));
    assert!(!negated.admits("x.json"));
    let both = KeyFilter::new(&["**".into()], &["**/*.gz".into()]).unwrap();
    assert!(!both.admits("en/c.jsonl.gz"), "exclude wins");
    assert!(both.admits("en/c.jsonl"));
    let error = KeyFilter::new(&["[".into()], &[]).unwrap_err();
    assert_eq!(error.flag, "--include");
    assert_eq!(error.source.glob(), Some("["));
    // The pattern is named once, by the cause.
    crate::error::assert_causes_shown_once(&error);
    assert_eq!(
        crate::error::chain_text(&error),
        "--include: not a glob pattern: error parsing glob '[': unclosed character class; missing ']'"
    );
}

fn json_only(key: &str) -> bool {
    key.ends_with(".jsonl")
}

const JSON_ONLY: Accept<'static> = Accept {
    is_input: &json_only,
    description: "JSON lines",
    named: None,
};

fn batches(args: &[(usize, String)]) -> Result<Vec<Result<Vec<Listed>, String>>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut receiver = discover_each(args, None, JSON_ONLY)
            .await
            .map_err(|e| e.to_string())?;
        let mut batches = Vec::new();
        while let Some(batch) = receiver.recv().await {
            batches.push(batch.map_err(|e| e.to_string()));
        }
        Ok(batches)
    })
}

#[test]
fn directories_come_a_folder_at_a_time_and_named_files_first_in_argument_order() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    for (key, text) in [
        ("a/2.jsonl", "x"),
        ("a/1.jsonl", "x"),
        ("a/skip.txt", "x"),
        ("b/c/3.jsonl", "x"),
        ("_temporary/4.jsonl", "x"),
    ] {
        let path = tree.join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    let named = dir.path().join("named.jsonl");
    std::fs::write(&named, "x").unwrap();
    let arg = |i, path: &std::path::Path| (i, path.display().to_string());

    let got = batches(&[arg(0, &tree), arg(1, &named)]).unwrap();
    let mut folders: Vec<Vec<String>> = got
        .into_iter()
        .map(|batch| {
            batch
                .unwrap()
                .into_iter()
                .map(|l| format!("{}:{}", l.order.arg, l.found.key))
                .collect()
        })
        .collect();
    // The named file comes after the tree it follows on the command line.
    assert_eq!(folders.pop().unwrap(), ["1:named.jsonl"]);
    folders.sort();
    assert_eq!(
        folders,
        [vec!["0:a/1.jsonl", "0:a/2.jsonl"], vec!["0:b/c/3.jsonl"]],
        "one batch per folder, in key order, hidden folders and other names left out"
    );

    let missing = batches(&[arg(0, &tree), arg(1, &dir.path().join("nope.jsonl"))]);
    assert!(
        missing.is_err_and(|e| e.contains("no such file")),
        "a missing argument is an error before any input is handed over"
    );
    let empty = batches(&[arg(0, &named), arg(1, &dir.path().join("empty"))]).unwrap();
    assert_eq!(empty.len(), 2);
    assert!(
        empty[1]
            .as_ref()
            .is_err_and(|e| e.contains("no JSON lines in this directory")),
        "an empty directory ends the stream with its error, after what came before it"
    );
}

/// An S3 endpoint (std TCP in a thread) whose prefix `flat/` lists in two ListObjectsV2 pages;
/// the second page is answered only once `release` gets a message.
fn two_page_s3(release: std::sync::mpsc::Receiver<()>) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let page = |keys: &[&str], next: Option<&str>| {
        let contents: String = keys
            .iter()
            .map(|k| {
                format!("<Contents><Key>flat/{k}</Key><Size>3</Size><ETag>\"e\"</ETag></Contents>")
            })
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult \
             xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>lake</Name>\
             <Prefix>flat/</Prefix><Delimiter>/</Delimiter><EncodingType>url</EncodingType>\
             <KeyCount>{}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>{}</IsTruncated>{}{contents}\
             </ListBucketResult>",
            keys.len(),
            next.is_some(),
            next.map(|t| format!("<NextContinuationToken>{t}</NextContinuationToken>"))
                .unwrap_or_default(),
        )
    };
    let first = page(&["a.jsonl", "b.jsonl"], Some("page-2"));
    let second = page(&["c.jsonl"], None);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                request.push_str(&line);
                line.clear();
            }
            let body = if request.contains("continuation-token=page-2") {
                if release.recv().is_err() {
                    return;
                }
                &second
            } else {
                &first
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    endpoint
}

#[test]
fn a_flat_prefix_arrives_a_listing_page_at_a_time() {
    let (release, released) = std::sync::mpsc::channel();
    let endpoint = two_page_s3(released);
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        .build();
    let store = crate::storage::Store::s3(
        aws_sdk_s3::Client::from_conf(config),
        "lake".into(),
        "flat/".into(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut pages = list_tree(&store, &crate::storage::Budget::new(4));
        let keys = |page: Vec<crate::storage::ObjectMeta>| -> Vec<String> {
            page.into_iter().map(|o| o.key).collect()
        };
        let wait = std::time::Duration::from_secs(20);
        // The second page is not served yet: the first must come without it.
        let first = tokio::time::timeout(wait, pages.recv()).await;
        let first = first.expect("the first page before the second is served");
        assert_eq!(keys(first.unwrap().unwrap()), ["a.jsonl", "b.jsonl"]);
        release.send(()).unwrap();
        let second = tokio::time::timeout(wait, pages.recv()).await.unwrap();
        assert_eq!(keys(second.unwrap().unwrap()), ["c.jsonl"]);
        assert!(tokio::time::timeout(wait, pages.recv())
            .await
            .unwrap()
            .is_none());
    });
}
