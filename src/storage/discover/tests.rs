//! Unit tests of discovery: the glob filter, and arguments as a stream of folder batches.

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
    assert_eq!(error.pattern, "[");
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
