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
