//! insta snapshots of what a person reads (tests/cli/snapshots/): every `--help`, and the exit
//! code, stdout and stderr of one small run of each command. Durations, rates, temporary paths,
//! model paths and versions are redacted, so the snapshots are the same on every run and machine.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test cli snapshot` (or `cargo
//! insta review`), then read the diff of the .snap files before committing them.

use std::path::Path;

use crate::common::*;

/// `text` with every regex metacharacter escaped (insta's filters are regexes).
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The redactions every snapshot gets; `paths` are replaced by their placeholders first.
fn settings(paths: &[(&Path, &str)]) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    for (path, placeholder) in paths {
        settings.add_filter(&literal(&path.display().to_string()), *placeholder);
    }
    // 0.02 s, 12.5 s, 3 s: wall and encoder times.
    settings.add_filter(r"\b\d+(\.\d+)? s\b", "[DURATION] s");
    // 0.0 MB/s, 327.1 chunks/s, 1,906 tokens/s: throughput is a size in a time.
    settings.add_filter(r"\b\d[\d,]*(\.\d+)? ([A-Za-z]+)/s\b", "[RATE] $2/s");
    settings.add_filter(
        &format!(r"\b{}\b", literal(env!("CARGO_PKG_VERSION"))),
        "[VERSION]",
    );
    settings
}

/// Exit code, stdout and stderr of a finished command, as one text.
fn transcript(cmd: &mut assert_cmd::Command) -> String {
    let output = cmd.output().expect("run lakeops");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Tables pad a path column to its longest path, whose length depends on where the test's
/// temporary folder is: runs of spaces become two, so the snapshot does not.
fn without_padding(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut out = String::with_capacity(line.len());
            let mut spaces = 0;
            for c in line.chars() {
                if c == ' ' {
                    spaces += 1;
                    continue;
                }
                out.extend(std::iter::repeat_n(
                    ' ',
                    if spaces > 1 { 2 } else { spaces },
                ));
                spaces = 0;
                out.push(c);
            }
            out + "\n"
        })
        .collect()
}

#[test]
fn help_of_every_command() {
    settings(&[]).bind(|| {
        for (path, help) in every_help() {
            let name = if path.is_empty() {
                "help_root".to_owned()
            } else {
                format!("help_{}", path.join("_"))
            };
            insta::assert_snapshot!(name, help);
        }
    });
}

/// A local folder (canonical, as lakeops prints it) with `events.jsonl`: two good records, a
/// blank line, and a record whose id does not fit the type sampled from the first two.
fn events() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tmp();
    let base = std::fs::canonicalize(dir.path()).expect("canonical temp dir");
    std::fs::create_dir_all(base.join("in")).unwrap();
    std::fs::write(
        base.join("in/events.jsonl"),
        "{\"id\":1,\"name\":\"alpha\"}\n{\"id\":2,\"name\":\"beta\"}\n\n{\"id\":\"x\",\"name\":\"gamma\"}\n",
    )
    .unwrap();
    (dir, base)
}

#[test]
fn human_output_of_convert() {
    let (_dir, base) = events();
    let text = transcript(
        lakeops()
            .current_dir(&base)
            .args(["convert", "in", "-o", "out", "--sample-rows", "2"])
            .args(["--on-error", "dead-letter"]),
    );
    settings(&[(&base, "[TMP]")]).bind(|| {
        insta::assert_snapshot!("convert", without_padding(&text));
    });
}

#[test]
fn human_output_of_crawl() {
    let (_dir, base) = events();
    let lake = base.join("lake/sales");
    for (day, line) in [
        ("2024-01-01", "{\"id\":1,\"amount\":2.5}\n"),
        ("2024-01-02", "{\"id\":2,\"amount\":3,\"note\":\"late\"}\n"),
    ] {
        std::fs::create_dir_all(lake.join(format!("dt={day}"))).unwrap();
        std::fs::write(lake.join(format!("dt={day}/part.json")), line).unwrap();
    }
    let crawl = |extra: &[&str]| {
        transcript(
            lakeops()
                .current_dir(&base)
                .args(["crawl", "lake/sales", "--database", "shop"])
                .args(["--catalog-file", "catalog.json"])
                .args(extra),
        )
    };
    let first = crawl(&[]);
    std::fs::write(
        lake.join("dt=2024-01-02/more.json"),
        "{\"id\":3,\"extra\":true}\n",
    )
    .unwrap();
    let drift = crawl(&["--check"]);
    settings(&[(&base, "[TMP]")]).bind(|| {
        insta::assert_snapshot!("crawl", first);
        insta::assert_snapshot!("crawl_check_drift", drift);
    });
}

#[test]
fn human_output_of_cost() {
    let text = transcript(lakeops().args([
        "cost",
        "flink",
        "--parallelism",
        "4",
        "--region",
        "us-east-1",
        "--fail-above",
        "100",
    ]));
    settings(&[]).bind(|| {
        insta::assert_snapshot!("cost_flink", text);
    });
}

#[test]
fn human_output_of_query() {
    let (_dir, base) = events();
    std::fs::write(
        base.join("in/events.jsonl"),
        "{\"id\":1,\"name\":\"alpha\",\"score\":0.5}\n{\"id\":2,\"name\":null,\"score\":12.25}\n",
    )
    .unwrap();
    let text = transcript(
        lakeops()
            .current_dir(&base)
            .args(["query", "--table", "e=in/events.jsonl"])
            .arg("SELECT id, name, score FROM e ORDER BY id"),
    );
    let empty = transcript(
        lakeops()
            .current_dir(&base)
            .args(["query", "--table", "e=in/events.jsonl", "--fail-if-empty"])
            .arg("SELECT id FROM e WHERE id > 2"),
    );
    settings(&[(&base, "[TMP]")]).bind(|| {
        insta::assert_snapshot!("query", text);
        insta::assert_snapshot!("query_fail_if_empty", empty);
    });
}

/// Only where the test models are (`LAKEOPS_TEST_MODELS` with tiny-mpnet); skipped elsewhere.
#[test]
fn human_output_of_embed() {
    let Some(models) = std::env::var_os("LAKEOPS_TEST_MODELS").map(std::path::PathBuf::from) else {
        eprintln!("skipped: LAKEOPS_TEST_MODELS is unset");
        return;
    };
    let model = models.join("tiny-mpnet");
    if !model.join("model.safetensors").is_file() {
        eprintln!("skipped: no {}", model.display());
        return;
    }
    let models = std::fs::canonicalize(&models).unwrap();
    let (_dir, base) = events();
    let text = transcript(
        lakeops()
            .current_dir(&base)
            .args(["embed", "in", "-o", "vectors", "--text-column", "name"])
            .args(["--device", "cpu", "--model"])
            .arg(models.join("tiny-mpnet")),
    );
    settings(&[(&base, "[TMP]"), (&models, "[MODELS]")]).bind(|| {
        insta::assert_snapshot!("embed", without_padding(&text));
    });
}
