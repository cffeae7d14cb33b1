//! Unit tests of the planner: output keys, clashes, path safety, shards and filters.

use std::path::Path;

use super::*;
use crate::convert::sink::Target;

fn local(path: &str) -> ResolvedInput {
    ResolvedInput {
        input: Input::Path(path.into()),
        rel_dir: String::new(),
    }
}

#[test]
fn one_input_and_a_parquet_name_is_a_file_target() {
    let inputs = vec![local("in.jsonl")];
    let output = OutputRoot::open("/nonexistent/out.parquet", true, None, None).unwrap();
    let plan = plan_outputs(&inputs, &output, false).unwrap().0;
    assert_eq!(plan[0].target, Target::File("out.parquet".into()));
    assert_eq!(
        output.store.display("out.parquet"),
        "/nonexistent/out.parquet"
    );
    let plan = plan_outputs(&inputs, &output, true).unwrap().0;
    assert_eq!(plan[0].target.first_key(), "out-00001.parquet");
}

/// BUG-1 of the hostile probe: keys with `/` at the start or `//` inside wrote outside `-o`.
#[test]
fn path_traversal_keys_stay_inside_the_output_root_or_are_refused() {
    let input = |rel_dir: &str, name: &str| ResolvedInput {
        input: Input::Path(format!("/data/{name}").into()),
        rel_dir: rel_dir.into(),
    };
    let inputs = vec![
        input("/abs/victim", "x.jsonl"),
        input("a//b", "y.jsonl"),
        input("a/./c", "z.jsonl"),
        input("a/../..", "evil.jsonl"),
        input("..", "evil2.jsonl"),
        input("ctl\u{1b}[31m", "w.jsonl"),
    ];
    let output = OutputRoot::open("/nonexistent/out", false, None, None).unwrap();
    let (plan, refused) = plan_outputs(&inputs, &output, false).unwrap();
    let keys: Vec<String> = plan.iter().map(|p| p.target.first_key()).collect();
    assert_eq!(
        keys,
        [
            "abs/victim/x.parquet",
            "a/b/y.parquet",
            "a/c/z.parquet",
            "ctl\u{1b}[31m/w.parquet"
        ]
    );
    for p in &plan {
        let path =
            crate::storage::contained_path(Path::new("/nonexistent/out"), &p.target.first_key())
                .unwrap();
        assert!(path.starts_with("/nonexistent/out"));
        assert!(!p.dead_letter.contains(".."));
    }
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].reason.contains("`..`"), "{refused:?}");
}

#[test]
fn clashing_output_names_are_refused() {
    let inputs = vec![local("a/x.jsonl"), local("b/x.jsonl.zst")];
    let output = OutputRoot::open("/nonexistent/out", false, None, None).unwrap();
    let err = plan_outputs(&inputs, &output, false).unwrap_err();
    assert!(
        err.to_string().contains("a/x.jsonl and b/x.jsonl.zst"),
        "{err}"
    );
}

#[test]
fn outputs_mirror_the_input_folders() {
    let inputs = vec![ResolvedInput {
        input: Input::Path("/data/en/part-1.jsonl.zst".into()),
        rel_dir: "en/2024".into(),
    }];
    let output = OutputRoot::open("/nonexistent/out", false, None, None).unwrap();
    let plan = plan_outputs(&inputs, &output, false).unwrap().0;
    assert_eq!(plan[0].target.first_key(), "en/2024/part-1.parquet");
    assert_eq!(plan[0].dead_letter, "_rejected/en/2024/part-1.jsonl");
    let top = vec![local("/data/x.jsonl")];
    assert_eq!(
        plan_outputs(&top, &output, false).unwrap().0[0].dead_letter,
        "_rejected/x.jsonl"
    );
}

#[test]
fn shards_partition_the_inputs_whatever_their_order() {
    let keys: Vec<String> = (0..500).map(|i| format!("en/part-{i}.jsonl.zst")).collect();
    let mut seen = vec![0; 500];
    for k in 0..4 {
        for (i, key) in keys.iter().enumerate() {
            if shard_of(key, 4) == k {
                seen[i] += 1;
            }
        }
    }
    assert!(
        seen.iter().all(|&n| n == 1),
        "every input in exactly one shard"
    );
    // Stable across releases and machines: SHA-256's first 8 bytes, big-endian, mod N
    // (values computed with Python's hashlib), not std's hasher.
    assert_eq!(shard_of("en/part-0.jsonl.zst", 1000), 554);
    assert_eq!(shard_of("events.jsonl", 4), 3);
    assert_eq!(shard_of("events-eu.jsonl", 4), 1);
    assert_eq!(shard_of("a", 7), 4);
    let sizes: Vec<usize> = (0..4)
        .map(|k| keys.iter().filter(|key| shard_of(key, 4) == k).count())
        .collect();
    assert!(sizes.iter().all(|&n| n > 90), "roughly even: {sizes:?}");
}

#[test]
fn include_and_exclude_look_at_the_path_below_the_argument() {
    let inputs = [
        ResolvedInput {
            input: Input::Path("/d/en/a.jsonl".into()),
            rel_dir: "en".into(),
        },
        ResolvedInput {
            input: Input::Path("/d/fr/b.jsonl".into()),
            rel_dir: "fr".into(),
        },
        ResolvedInput {
            input: Input::Path("/d/en/c.jsonl.gz".into()),
            rel_dir: "en".into(),
        },
    ];
    let names = |selection: Selection| -> Vec<String> {
        inputs
            .iter()
            .filter(|input| selection.admits(&input.relative_key()))
            .map(ResolvedInput::relative_key)
            .collect()
    };
    let only_en = Selection::new(&["en/*".into()], &[], None).unwrap();
    assert_eq!(names(only_en), ["en/a.jsonl", "en/c.jsonl.gz"]);
    let no_gz = Selection::new(&[], &["**/*.gz".into()], None).unwrap();
    assert_eq!(names(no_gz), ["en/a.jsonl", "fr/b.jsonl"]);
    // Glue's meaning (a breaking change): `*` no longer crosses folders.
    let top_gz = Selection::new(&[], &["*.gz".into()], None).unwrap();
    assert_eq!(names(top_gz).len(), 3);
    let all: usize = (0..3)
        .map(|k| names(Selection::new(&[], &[], Some((k, 3))).unwrap()).len())
        .sum();
    assert_eq!(all, 3);
    assert!(Selection::new(&["[".into()], &[], None).is_err());
}
