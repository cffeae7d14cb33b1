//! The CLI surface: help, version, subcommands not built yet, generated completions and man pages.

use crate::common::*;

#[test]
fn help_lists_every_subcommand_and_exit_codes() {
    let assert = lakeops().arg("--help").assert().success();
    let help = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for sub in ["convert", "crawl", "cost", "embed", "query"] {
        assert!(
            help.contains(&format!("\n  {sub} ")),
            "{sub} in help:\n{help}"
        );
    }
    assert!(help.contains("130  interrupted"));
    assert!(
        !help.contains("generate"),
        "maintainer command stays hidden"
    );
}

#[test]
fn version_prints_the_crate_version() {
    lakeops()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("lakeops {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_2() {
    lakeops().arg("convert").assert().code(2);
    lakeops().arg("frobnicate").assert().code(2);
}

/// Regenerate with `cargo run -- generate` when this fails.
#[test]
fn completions_and_man_pages_are_up_to_date() {
    let dir = tmp();
    lakeops()
        .args(["generate", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    let generated = walk(dir.path());
    assert!(generated.len() >= 11, "{generated:?}");
    for path in generated {
        let relative = path.strip_prefix(dir.path()).unwrap();
        let committed = std::fs::read(repo_root().join(relative)).unwrap_or_default();
        assert!(
            committed == std::fs::read(&path).unwrap(),
            "{} is stale: run `cargo run -- generate`",
            relative.display()
        );
    }
}

/// A closed pipe is how `| head` says "enough": the reader got what it wanted, so lakeops exits
/// 0 and says nothing (no `error: Broken pipe`).
#[test]
fn a_closed_stdout_pipe_exits_0_quietly() {
    use std::process::Stdio;
    for format in [None, Some("--json")] {
        let mut lakeops = lakeops_process()
            .args(["query", "SELECT * FROM generate_series(1, 1000000)"])
            .args(format)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let head = std::process::Command::new("head")
            .arg("-1")
            .stdin(lakeops.stdout.take().unwrap())
            .output()
            .unwrap();
        let lakeops = lakeops.wait_with_output().unwrap();
        assert!(head.status.success());
        assert_eq!(
            String::from_utf8_lossy(&head.stdout).trim(),
            if format.is_some() {
                "{\"value\":1}"
            } else {
                "value"
            },
            "{format:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&lakeops.stderr),
            "",
            "{format:?}: stderr"
        );
        assert_eq!(lakeops.status.code(), Some(0), "{format:?}");
    }
}
