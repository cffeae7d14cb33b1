//! Shared helpers: the binary under test, the Python readers, generated corpora.

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;

/// The binary under test, run with nothing from the developer's environment (see [`isolate`]).
pub fn lakeops() -> Command {
    Command::from_std(lakeops_process())
}

/// A finished run as (exit code, stdout, stderr); -1 for a run ended by a signal.
pub fn outcome(output: std::process::Output) -> (i32, String, String) {
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The same, as a plain process (to spawn, feed, signal or kill it).
pub fn lakeops_process() -> Process {
    let mut cmd = Process::new(assert_cmd::cargo::cargo_bin("lakeops"));
    isolate(&mut cmd);
    cmd
}

/// Clears the environment of a command that runs lakeops, so that a developer's `~/.aws`,
/// `AWS_REGION`, `AWS_PROFILE`, `RUST_LOG`, `HF_*` or `LAKEOPS_*` settings never reach it: only
/// `PATH`, `TMPDIR` and `RUST_BACKTRACE` pass through, `HOME` is a fresh empty folder, and
/// progress bars and colours are off. A test adds the `AWS_*` (moto's endpoint, fake
/// credentials, a region) and other variables it needs.
pub fn isolate(cmd: &mut Process) {
    cmd.env_clear();
    for var in ["PATH", "TMPDIR", "RUST_BACKTRACE"] {
        if let Some(value) = std::env::var_os(var) {
            cmd.env(var, value);
        }
    }
    cmd.env("HOME", fresh_home())
        .env("LAKEOPS_NO_PROGRESS", "1")
        .env("NO_COLOR", "1");
}

/// A new empty folder for each command's `HOME`, under `homes/<pid>/` of the test temp dir.
/// Each command needs its own for as long as it runs, so they are kept until the next test run
/// removes the folders of test processes that have ended.
fn fresh_home() -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    let root = ROOT.get_or_init(|| {
        let homes = Path::new(env!("CARGO_TARGET_TMPDIR")).join("homes");
        // Whether a test process still runs is read from /proc; elsewhere nothing is removed.
        let listed = Path::new("/proc/self")
            .exists()
            .then(|| std::fs::read_dir(&homes));
        for entry in listed.into_iter().flatten().flatten().flatten() {
            let ended = entry
                .file_name()
                .to_str()
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
            if ended {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let root = homes.join(std::process::id().to_string());
        std::fs::create_dir_all(&root).expect("homes folder");
        root
    });
    tempfile::Builder::new()
        .prefix("home")
        .tempdir_in(root)
        .expect("home folder")
        .keep()
}

/// The subcommands a `--help` lists under "Commands:" (without `help`).
pub fn listed_subcommands(help: &str) -> Vec<String> {
    help.split("\nCommands:\n")
        .nth(1)
        .map(|rest| {
            rest.lines()
                .take_while(|line| line.starts_with("  "))
                // A name is indented by two; a wrapped description further.
                .filter(|line| !line.starts_with("   "))
                .filter_map(|line| line.split_whitespace().next())
                .filter(|name| *name != "help")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Every command a user can reach (the root first, as an empty path) with its `--help`, found
/// by following each help's "Commands:" list; 100 columns wide.
pub fn every_help() -> Vec<(Vec<String>, String)> {
    let mut pending = vec![Vec::<String>::new()];
    let mut found = Vec::new();
    while let Some(path) = pending.pop() {
        let assert = lakeops()
            .env("COLUMNS", "100")
            .args(&path)
            .arg("--help")
            .assert()
            .success();
        let help = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        for sub in listed_subcommands(&help).into_iter().rev() {
            let mut next = path.clone();
            next.push(sub);
            pending.push(next);
        }
        found.push((path, help));
    }
    found
}

/// `lakeops convert - -o OUT ARGS` fed JSON lines on stdin without end, sent `signal` (`INT`,
/// `TERM`) after 800 ms; returns its exit code.
pub fn convert_stdin_until_signalled(signal: &str, out: &Path, args: &[&str]) -> Option<i32> {
    use std::io::Write;
    let mut child = lakeops_process()
        .args(["convert", "-", "-o"])
        .arg(out)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk: String = (0..2000)
            .map(|i| {
                format!("{{\"id\":{i},\"text\":\"record {i} – ünïcode\",\"tags\":[\"a\",null]}}\n")
            })
            .collect();
        // Feeds until lakeops stops reading.
        while stdin.write_all(chunk.as_bytes()).is_ok() {}
    });
    std::thread::sleep(std::time::Duration::from_millis(800));
    let status = Process::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let code = child.wait().unwrap().code();
    writer.join().unwrap();
    code
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python with pyarrow, duckdb, polars and zstandard (`.ci/run` builds it and sets this).
pub fn python() -> String {
    std::env::var("LAKEOPS_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Starts a server script of tests/cli/support/ that prints its port as its first line, and
/// returns it running with that port; the caller kills it.
pub fn start_support_server(script: &str, args: &[&std::ffi::OsStr]) -> (std::process::Child, u16) {
    use std::io::BufRead;
    let mut child = Process::new(python())
        .arg(repo_root().join("tests/cli/support").join(script))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {script}: {e}"));
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("{script} printed no port: {e}"));
    let port = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{script} printed {line:?}, not a port"));
    (child, port)
}

/// Runs a Python snippet that prints one JSON document; `args` become `sys.argv[1:]`.
pub fn py_json(script: &str, args: &[&Path]) -> Value {
    let output = Process::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} (set LAKEOPS_TEST_PYTHON or run ./.ci/run): {e}",
                python()
            )
        });
    assert!(
        output.status.success(),
        "python failed (needs pyarrow, duckdb, polars, zstandard; ./.ci/run installs them):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("python printed JSON")
}

/// Row count, row groups, schema and rows of a Parquet file, as pyarrow reads them.
pub fn pyarrow_read(path: &Path) -> Value {
    py_json(
        r#"
import json, sys, pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
t = f.read()
md = f.metadata
print(json.dumps({
    "rows": t.num_rows,
    "row_groups": md.num_row_groups,
    "row_group_bytes": [md.row_group(i).total_byte_size for i in range(md.num_row_groups)],
    "schema": {n: str(t.schema.field(n).type) for n in t.schema.names},
    "kv": {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items() if not k.startswith(b"ARROW")},
    "data": t.to_pylist() if t.num_rows <= 5000 else None,
}, default=str))
"#,
        &[path],
    )
}

pub fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("lakeops-test")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
}

fn generate(dir: &Path, args: &[&str]) {
    let status = Process::new(python())
        .arg(repo_root().join("bench/gen_oscar.py"))
        .arg("--out")
        .arg(dir)
        .args(args)
        .status()
        .expect("run gen_oscar.py");
    assert!(status.success(), "gen_oscar.py failed");
}

/// A small OSCAR-like corpus (clean shards in four languages), generated once per test run.
pub fn oscar_clean() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("oscar-clean-12M");
        if !dir.join("clean/MANIFEST.json").exists() {
            generate(
                &dir,
                &["--size", "12M", "--shards", "4", "--langs", "en,ru,zh,ar"],
            );
        }
        dir.join("clean")
    })
}

/// The generator's dirty variant at full size (22,000 records per file, defects at known lines).
pub fn oscar_dirty() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("oscar-dirty");
        if !dir.join("dirty/MANIFEST.json").exists() {
            generate(&dir, &["--dirty-only"]);
        }
        dir.join("dirty")
    })
}

pub fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    files.sort();
    files
}

/// Every file under `dir`, hidden ones included.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The JSON summary record of a `--json` run.
pub fn summary(stdout: &[u8]) -> Value {
    let text = String::from_utf8_lossy(stdout);
    let last = text
        .lines()
        .last()
        .unwrap_or_else(|| panic!("no JSON output"));
    let value: Value =
        serde_json::from_str(last).unwrap_or_else(|e| panic!("not JSON ({e}): {last}"));
    assert_eq!(value["type"], "summary", "{text}");
    value
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 3).expect("zstd encode")
}
