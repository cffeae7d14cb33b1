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

/// Every command a user can reach, and the root, documents its exit codes: they are API.
#[test]
fn every_help_has_an_exit_status_section() {
    let helps = every_help();
    for (path, help) in &helps {
        assert!(
            help.contains("\nExit status"),
            "`lakeops {} --help` has no Exit status section:\n{help}",
            path.join(" ")
        );
    }
    let seen: Vec<String> = helps.iter().map(|(path, _)| path.join(" ")).collect();
    for command in [
        "",
        "convert",
        "crawl",
        "cost",
        "cost plan",
        "embed",
        "query",
        "version",
    ] {
        assert!(seen.iter().any(|s| s == command), "{command} in {seen:?}");
    }
}

/// The root's table is its own, not convert's: it covers what exit 1 means for every command.
#[test]
fn the_root_help_has_its_own_exit_codes() {
    let assert = lakeops().arg("--help").assert().success();
    let root = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let assert = lakeops().args(["convert", "--help"]).assert().success();
    let convert = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let table = |help: &str| help[help.find("Exit status").expect("a table")..].to_owned();
    assert_ne!(table(&root), table(&convert));
    for finding in ["rejected lines", "drift", "budget", "empty result"] {
        assert!(table(&root).contains(finding), "{finding}:\n{root}");
    }
}

#[test]
fn version_subcommand_names_revision_features_and_engines() {
    let assert = lakeops().arg("version").assert().success().stderr("");
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!("lakeops {}", env!("CARGO_PKG_VERSION")),
        "{text}"
    );
    let field = |name: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(name).map(str::trim))
            .unwrap_or_else(|| panic!("no {name} line:\n{text}"))
            .to_owned()
    };
    let revision = field("revision ");
    assert!(
        revision == "unknown"
            || (revision.len() >= 7 && revision.chars().all(|c| c.is_ascii_hexdigit())),
        "{text}"
    );
    assert!(field("features ").starts_with("none"), "{text}");
    assert!(field("candle ").starts_with("0.9."), "{text}");
    assert!(field("datafusion ").starts_with("55."), "{text}");
    assert!(field("arrow ").starts_with("59."), "{text}");

    let assert = lakeops().args(["version", "--json"]).assert().success();
    let record: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout)
        .unwrap_or_else(|e| panic!("one JSON record ({e})"));
    assert_eq!(record["type"], "version");
    assert_eq!(record["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(record["revision"], revision.as_str());
    assert_eq!(record["features"], serde_json::json!([]));
    assert_eq!(record["candle"], field("candle ").as_str());
    assert_eq!(record["datafusion"], field("datafusion ").as_str());
    assert_eq!(record["arrow"], field("arrow ").as_str());

    // The revision is this checkout's HEAD when the test runs from one.
    if let Ok(head) = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo_root())
        .output()
    {
        let head = String::from_utf8_lossy(&head.stdout);
        if head.trim().len() == 40 {
            assert!(head.starts_with(&revision), "{revision} is not HEAD {head}");
        }
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
                "{\"type\":\"row\",\"data\":{\"value\":1}}"
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
