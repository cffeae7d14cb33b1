//! Where and how to connect, as libpq would: a `postgresql://` URL, then the `PG*` variables for
//! what it leaves out, then `~/.pgpass` (or `PGPASSFILE`, `passfile=`) for a missing password.
//! `sslmode` is libpq's six, over rustls: `require` encrypts without checking the certificate
//! (unless `sslrootcert` is given, as libpq does), `verify-ca` checks the chain, `verify-full`
//! the chain and the host name. `--rds-iam` replaces the password with an RDS auth token signed
//! with the AWS SDK's credentials, fresh for each connection.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::PgError;
use crate::aws::SigningIdentity;

/// Seconds to wait for a connection when neither the URL nor `PGCONNECT_TIMEOUT` says.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// libpq's `sslmode` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl TlsMode {
    fn parse(text: &str) -> Option<TlsMode> {
        Some(match text {
            "disable" => TlsMode::Disable,
            "allow" => TlsMode::Allow,
            "prefer" => TlsMode::Prefer,
            "require" => TlsMode::Require,
            "verify-ca" => TlsMode::VerifyCa,
            "verify-full" => TlsMode::VerifyFull,
            _ => return None,
        })
    }
}

/// A server to connect to, checked, with everything a connection needs.
#[derive(Clone)]
pub struct PgTarget {
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
    /// The URL as reports show it: no password.
    pub display: String,
    /// `--rds-iam`: a token replaces the password at each connection.
    iam: Option<SigningIdentity>,
}

/// The process environment, or a test's.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `url` without the password in its user part.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(name, _)| name);
            format!("{scheme}://{user}@{host}{}", &rest[authority_end..])
        }
        None => url.to_owned(),
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

impl PgTarget {
    /// Parses `url` and fills what it leaves out from `env`. `iam` is the AWS identity to sign
    /// RDS auth tokens with (`--rds-iam`).
    pub fn parse(url: &str, env: Env, iam: Option<SigningIdentity>) -> Result<PgTarget, PgError> {
        let display = redact(url);
        let bad = |problem: String| PgError::Url {
            url: display.clone(),
            problem,
        };
        if !(url.starts_with("postgresql://") || url.starts_with("postgres://")) {
            return Err(bad("not a postgresql:// URL".into()));
        }
        // Parameters libpq knows and tokio-postgres does not are taken out here.
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let (mut sslmode, mut sslrootcert, mut passfile) = (None, None, None);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => sslmode = Some(decode(value)),
                "sslrootcert" => sslrootcert = Some(decode(value)),
                "passfile" => passfile = Some(decode(value)),
                _ => kept.push(pair),
            }
        }
        let rebuilt = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        // tokio-postgres fills in 5432 for a URL without a port; libpq takes PGPORT first.
        let rebuilt = match env("PGPORT") {
            Some(port) if !names_port(url) => {
                port.parse::<u16>()
                    .map_err(|_| bad(format!("PGPORT={port:?} is not a port")))?;
                with_port(&rebuilt, &port)
            }
            _ => rebuilt,
        };
        let mut config =
            tokio_postgres::Config::from_str(&rebuilt).map_err(|e| bad(format!("{e}")))?;
        if config.get_hosts().is_empty() {
            let hosts = env("PGHOST").unwrap_or_else(|| "localhost".into());
            for host in hosts.split(',') {
                if host.starts_with('/') {
                    config.host_path(host);
                } else {
                    config.host(host);
                }
            }
        }
        if config.get_user().is_none() {
            let user = env("PGUSER")
                .or_else(|| env("USER"))
                .ok_or_else(|| bad("no user: put one in the URL or set PGUSER".into()))?;
            config.user(&user);
        }
        if config.get_dbname().is_none() {
            if let Some(db) = env("PGDATABASE") {
                config.dbname(&db);
            }
        }
        if config.get_application_name().is_none() {
            config.application_name("lakeops");
        }
        if config.get_connect_timeout().is_none() {
            let seconds = env("PGCONNECT_TIMEOUT").and_then(|s| s.parse().ok());
            config.connect_timeout(seconds.map_or(CONNECT_TIMEOUT, Duration::from_secs));
        }
        if iam.is_none() && config.get_password().is_none() {
            if let Some(password) = env("PGPASSWORD") {
                config.password(password);
            } else if let Some(file) = passfile
                .map(PathBuf::from)
                .or_else(|| env("PGPASSFILE").map(PathBuf::from))
                .or_else(|| env("HOME").map(|home| Path::new(&home).join(".pgpass")))
            {
                if let Some(password) = pgpass_lookup(&file, &config) {
                    config.password(password);
                }
            }
        }
        let mode_text = sslmode
            .or_else(|| env("PGSSLMODE"))
            .unwrap_or_else(|| "prefer".into());
        let mode = TlsMode::parse(&mode_text).ok_or_else(|| {
            bad(format!(
                "sslmode={mode_text:?}: expected disable, allow, prefer, require, verify-ca or \
                 verify-full"
            ))
        })?;
        config.ssl_mode(match mode {
            TlsMode::Disable => SslMode::Disable,
            TlsMode::Allow | TlsMode::Prefer => SslMode::Prefer,
            TlsMode::Require | TlsMode::VerifyCa | TlsMode::VerifyFull => SslMode::Require,
        });
        let rootcert = sslrootcert.or_else(|| env("PGSSLROOTCERT"));
        let tls = tls_config(mode, rootcert.as_deref(), env).map_err(bad)?;
        if iam.is_some()
            && config
                .get_hosts()
                .iter()
                .any(|h| !matches!(h, Host::Tcp(_)))
        {
            return Err(bad(
                "--rds-iam needs the RDS endpoint's host name, not a Unix socket".into(),
            ));
        }
        Ok(PgTarget {
            config,
            tls: MakeRustlsConnect::new(tls),
            display,
            iam,
        })
    }

    /// A new connection, its driver running on the current runtime until the client drops.
    pub async fn connect(&self) -> Result<tokio_postgres::Client, PgError> {
        let mut config = self.config.clone();
        if let Some(identity) = &self.iam {
            let host = match config.get_hosts().first() {
                Some(Host::Tcp(host)) => host.clone(),
                _ => unreachable!("checked in parse()"),
            };
            let port = config.get_ports().first().copied().unwrap_or(5432);
            let user = config.get_user().unwrap_or_default().to_owned();
            let token = rds_auth_token(identity, &host, port, &user, std::time::SystemTime::now())
                .map_err(|e| PgError::Connect {
                    target: self.display.clone(),
                    source: e,
                })?;
            config.password(token);
        }
        let (client, connection) =
            config
                .connect(self.tls.clone())
                .await
                .map_err(|e| PgError::Connect {
                    target: self.display.clone(),
                    source: Box::new(e),
                })?;
        tokio::spawn(async move {
            // Its error reaches the client's next call, which says what failed.
            let _ = connection.await;
        });
        Ok(client)
    }

    pub fn dbname(&self) -> String {
        self.config
            .get_dbname()
            .or(self.config.get_user())
            .unwrap_or_default()
            .to_owned()
    }
}

/// Whether a URL gives a port: in its authority (`host:5433`, `[::1]:5433`, `a:1,b:2`) or as
/// `port=` in its query.
fn names_port(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authority = before_query.split('/').next().unwrap_or("");
    let hosts = authority
        .rsplit_once('@')
        .map_or(authority, |(_, hosts)| hosts);
    let in_authority = hosts.split(',').any(|host| {
        let after_bracket = host.rsplit_once(']').map_or(host, |(_, tail)| tail);
        after_bracket.contains(':')
    });
    in_authority || query.split('&').any(|pair| pair.starts_with("port="))
}

/// `url` with `:port` after each host of its authority, or `port=` in its query when the
/// authority names none (a socket directory given as `?host=`).
fn with_port(url: &str, port: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgresql", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (user, hosts) = match authority.rsplit_once('@') {
        Some((user, hosts)) => (format!("{user}@"), hosts),
        None => (String::new(), authority),
    };
    if hosts.is_empty() {
        let separator = if tail.contains('?') { '&' } else { '?' };
        return format!("{url}{separator}port={port}");
    }
    let hosts: Vec<String> = hosts
        .split(',')
        .map(|host| format!("{host}:{port}"))
        .collect();
    format!("{scheme}://{user}{}{tail}", hosts.join(","))
}

/// The password `~/.pgpass` holds for `config`'s first host, port, database and user; libpq's
/// rules: `*` matches anything, `\` escapes `:` and `\`, a socket host matches `localhost`, and
/// a file others may read is ignored.
fn pgpass_lookup(file: &Path, config: &tokio_postgres::Config) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(file).ok()?;
    if meta.permissions().mode() & 0o077 != 0 {
        tracing::warn!(
            "password file {} has group or world access; permissions should be u=rw (0600) or \
             less: not used",
            file.display()
        );
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    let host = match config.get_hosts().first()? {
        Host::Tcp(host) => host.clone(),
        Host::Unix(_) => "localhost".to_owned(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user()?.to_owned();
    let db = config.get_dbname().unwrap_or(&user).to_owned();
    let wanted = [host.as_str(), &port, &db, &user];
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let fields = pgpass_fields(line);
            (fields.len() == 5
                && fields[..4]
                    .iter()
                    .zip(wanted)
                    .all(|(field, want)| field == "*" || field == want))
            .then(|| fields[4].clone())
        })
}

fn pgpass_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("one field").push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            _ => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

/// The rustls client for `mode`. Roots for verification: `sslrootcert` (a PEM bundle, e.g. RDS's
/// global-bundle.pem; `system` for the system's), else `~/.postgresql/root.crt` as libpq reads,
/// else the system's roots.
fn tls_config(
    mode: TlsMode,
    rootcert: Option<&str>,
    env: Env,
) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?;
    let default_root = env("HOME")
        .map(|home| Path::new(&home).join(".postgresql/root.crt"))
        .filter(|path| path.is_file());
    let verify = match mode {
        TlsMode::VerifyCa | TlsMode::VerifyFull => true,
        // libpq: with a root certificate given, `require` checks the chain like verify-ca.
        TlsMode::Require => rootcert.is_some(),
        TlsMode::Disable | TlsMode::Allow | TlsMode::Prefer => false,
    };
    if !verify {
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
            .with_no_client_auth());
    }
    let mut roots = RootCertStore::empty();
    match rootcert.map(PathBuf::from).or(default_root) {
        Some(path) if path != Path::new("system") => {
            let pem =
                std::fs::read(&path).map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
            }
        }
        _ => {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
    }
    if roots.is_empty() {
        return Err("no root certificates to verify the server with (sslrootcert)".into());
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| format!("TLS set-up: {e}"))?;
    let builder = builder.dangerous();
    Ok(if mode == TlsMode::VerifyFull {
        builder.with_custom_certificate_verifier(webpki)
    } else {
        builder.with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
    }
    .with_no_client_auth())
}

/// `sslmode=require` without a root certificate, as libpq: encrypted, the certificate unchecked
/// (the handshake's signatures still are).
#[derive(Debug)]
struct Unverified(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `sslmode=verify-ca`: the chain is checked, the host name is not.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// An RDS IAM auth token: a SigV4 presigned `connect` request for `rds-db`, valid 15 minutes,
/// without its scheme (what the AWS CLI's `rds generate-db-auth-token` prints).
pub fn rds_auth_token(
    identity: &SigningIdentity,
    host: &str,
    port: u16,
    user: &str,
    now: std::time::SystemTime,
) -> Result<String, crate::error::BoxError> {
    let query = format!(
        "Action=connect&DBUser={}",
        percent_encoding::utf8_percent_encode(user, crate::aws::QUERY_VALUE)
    );
    let url = format!("https://{host}:{port}/?{query}");
    let signed = identity.presign("rds-db", "GET", &url, Duration::from_secs(900), now)?;
    Ok(signed
        .strip_prefix("https://")
        .unwrap_or(&signed)
        .to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    #[test]
    fn redact_drops_the_password_only() {
        assert_eq!(
            redact("postgresql://me:s3cret@db:5432/x?sslmode=require"),
            "postgresql://me@db:5432/x?sslmode=require"
        );
        assert_eq!(redact("postgresql://db/x"), "postgresql://db/x");
    }

    #[test]
    fn url_then_environment_fill_the_connection() {
        let env = env_of(&[
            ("PGUSER", "envuser"),
            ("PGPORT", "6543"),
            ("PGDATABASE", "envdb"),
            ("PGPASSWORD", "pw"),
        ]);
        let target = PgTarget::parse("postgresql://db.example", &env, None).unwrap();
        assert_eq!(target.config.get_user(), Some("envuser"));
        assert_eq!(target.config.get_ports(), &[6543]);
        assert_eq!(target.config.get_dbname(), Some("envdb"));
        assert_eq!(target.config.get_password(), Some(&b"pw"[..]));
        let target = PgTarget::parse(
            "postgresql://u@db:1/d?sslmode=verify-full&sslrootcert=system",
            &env,
            None,
        )
        .unwrap();
        assert_eq!(target.config.get_user(), Some("u"));
        assert_eq!(target.config.get_ssl_mode(), SslMode::Require);
        let socket =
            PgTarget::parse("postgresql://postgres:@/postgres?host=/tmp/x", &env, None).unwrap();
        assert!(matches!(&socket.config.get_hosts()[0], Host::Unix(p) if p == Path::new("/tmp/x")));
    }

    #[test]
    fn a_port_is_seen_wherever_the_url_gives_it() {
        assert!(names_port("postgresql://u:p@db:5433/x"));
        assert!(names_port("postgresql://[::1]:5433/x"));
        assert!(names_port("postgresql://db/x?port=5433"));
        assert!(!names_port("postgresql://u:p@db/x"));
        assert!(!names_port("postgresql://[::1]/x"));
        assert!(!names_port("postgresql:///x?host=/tmp"));
    }

    #[test]
    fn bad_sslmode_is_named() {
        let env = env_of(&[("PGUSER", "u")]);
        let err = PgTarget::parse("postgresql://db/x?sslmode=sometimes", &env, None)
            .err()
            .unwrap();
        assert!(err.to_string().contains("sslmode=\"sometimes\""), "{err}");
    }

    /// botocore's `generate_db_auth_token` for the same credentials, host, user and time (its
    /// clock fixed at 2026-12-06T00:00:00Z): the reference an RDS token must equal.
    #[test]
    fn rds_auth_token_equals_botocores() {
        let reference = "mydb.abc123.eu-west-1.rds.amazonaws.com:5432/?Action=connect&\
            DBUser=iam_user%40x&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F\
            20261206%2Feu-west-1%2Frds-db%2Faws4_request&X-Amz-Date=20261206T000000Z&\
            X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=session%2Ftoken%2Bx&\
            X-Amz-Signature=fe0bbeaa7cebdb64de19ecb2aa7b2104d4ce771159d08ec98dc31a2ea0a74e4b";
        let identity = SigningIdentity::fixed(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("session/token+x"),
            "eu-west-1",
        );
        let at = std::time::UNIX_EPOCH + Duration::from_secs(1_796_515_200);
        let token = rds_auth_token(
            &identity,
            "mydb.abc123.eu-west-1.rds.amazonaws.com",
            5432,
            "iam_user@x",
            at,
        )
        .unwrap();
        let split = |token: &str| {
            let (path, query) = token.split_once('?').unwrap();
            let mut pairs: Vec<String> = query.split('&').map(str::to_owned).collect();
            pairs.sort();
            (path.to_owned(), pairs)
        };
        assert_eq!(split(&token), split(reference), "{token}");
    }

    #[test]
    fn pgpass_matches_with_wildcards_and_escapes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "# comment\nother:5432:*:u:nope\ndb:*:d:u:pa\\:ss\\\\word\n*:*:*:*:fallback\n",
        )
        .unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let config = tokio_postgres::Config::from_str("postgresql://u@db:5433/d").unwrap();
        assert_eq!(
            pgpass_lookup(&file, &config).as_deref(),
            Some("pa:ss\\word")
        );
        let config = tokio_postgres::Config::from_str("postgresql://v@elsewhere/d").unwrap();
        assert_eq!(pgpass_lookup(&file, &config).as_deref(), Some("fallback"));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            pgpass_lookup(&file, &config),
            None,
            "a readable file is ignored"
        );
    }
}
