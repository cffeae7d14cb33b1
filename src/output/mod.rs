//! The only module that writes to stdout and stderr: the printer decides what reaches each stream,
//! renders errors, tables, JSON lines and progress bars, and escapes what it prints to a terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod convert;
pub mod cost;
pub mod crawl;
pub mod embed;
pub mod generate;
pub mod load;
pub mod plan;
mod progress;
pub mod query;
mod table;
pub mod version;

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::cli::{ColorChoice, GlobalArgs};
pub use progress::BarProgress;
pub use table::Table;

#[derive(Debug, Clone)]
pub struct Printer {
    quiet: bool,
    json: bool,
    color: bool,
    progress: bool,
}

impl Printer {
    pub fn new(global: &GlobalArgs) -> Self {
        let stderr_tty = io::stderr().is_terminal();
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stderr_tty
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        let progress = stderr_tty
            && !global.quiet
            && global.verbose == 0
            && std::env::var_os("LAKEOPS_NO_PROGRESS").is_none();
        Printer {
            quiet: global.quiet,
            json: global.json,
            color,
            progress,
        }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    pub fn color(&self) -> bool {
        self.color
    }

    /// One JSON-lines record on stdout, `{"type": kind, ...value}`.
    pub fn json_record<T: Serialize>(&self, kind: &str, value: &T) -> io::Result<()> {
        let mut object = serde_json::to_value(value).map_err(io::Error::other)?;
        let mut record = serde_json::Map::new();
        record.insert("type".into(), kind.into());
        if let serde_json::Value::Object(fields) = &mut object {
            record.append(fields);
        }
        let mut out = io::stdout().lock();
        serde_json::to_writer(&mut out, &record).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
        out.flush()
    }

    /// A run's `--json` report: an `input` record per input, then the `summary`.
    pub fn json_report<I: Serialize, S: Serialize>(
        &self,
        inputs: &[I],
        summary: &S,
    ) -> io::Result<()> {
        for input in inputs {
            self.json_record("input", input)?;
        }
        self.json_record("summary", summary)
    }

    /// Data for stdout, as is (a schema, a query result).
    pub fn data(&self, text: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// Data for stdout that a person may be reading (CSV): exact into a pipe or a file, with
    /// control characters and bidi overrides escaped on a terminal, where a value from the data
    /// must not drive the operator's terminal.
    pub fn data_for_terminal(&self, text: &str) -> io::Result<()> {
        if io::stdout().is_terminal() {
            self.data(&sanitize(text))
        } else {
            self.data(text)
        }
    }

    /// Human-readable text for stderr, unless `--quiet`.
    pub fn human(&self, text: &str) {
        if !self.quiet {
            let _ = io::stderr().lock().write_all(sanitize(text).as_bytes());
        }
    }

    pub fn progress(&self) -> BarProgress {
        BarProgress::new(self.progress)
    }

    /// A progress counter of `unit`s, for work whose total is unknown up front.
    pub fn counter(&self, unit: &'static str) -> BarProgress {
        BarProgress::counting(self.progress, unit)
    }

    fn paint(&self, text: &str, style: &str) -> String {
        if self.color {
            format!("\x1b[{style}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// `error: what` / `  Caused by: why` / `hint: fix`, on stderr, even with `--quiet`.
    pub fn error(&self, err: &anyhow::Error, hint: Option<&str>) {
        self.error_lines(None, err.as_ref(), hint);
    }

    /// One part of a run failed while the rest went on: `error: what: its error`, with causes.
    pub fn failure(&self, what: &str, err: &(dyn std::error::Error + 'static)) {
        self.error_lines(Some(what), err, None);
    }

    fn error_lines(
        &self,
        what: Option<&str>,
        err: &(dyn std::error::Error + 'static),
        hint: Option<&str>,
    ) {
        let shown = crate::error::shown(err);
        let first = match what {
            Some(what) => format!("{what}: {}", shown[0]),
            None => shown[0].clone(),
        };
        let mut text = format!("{} {}\n", self.paint("error:", "1;31"), sanitize(&first));
        for cause in &shown[1..] {
            text.push_str(&format!(
                "  {} {}\n",
                self.paint("Caused by:", "1"),
                sanitize(cause)
            ));
        }
        if let Some(hint) = hint {
            text.push_str(&format!(
                "{} {}\n",
                self.paint("hint:", "1;36"),
                sanitize(hint)
            ));
        }
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }
}

/// Characters that change how a terminal shows what follows: C0 and C1 controls, DEL, and the
/// Unicode bidi overrides and isolates (which can make `txt.exe` read as `exe.txt`).
fn unsafe_for_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_where(text: &str, keep: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| unsafe_for_terminal(c) && !keep(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_for_terminal(c) && !keep(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Control characters in file names, keys or input lines cannot reach the terminal raw. Text we
/// lay out ourselves keeps its newlines and tabs; values from the data never do (see
/// [`escape_cell`]).
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    escape_where(text, |c| c == '\n' || c == '\t')
}

/// A value from the data (a name, a key, a cell) for a person: everything that could move the
/// cursor, break the line or reorder text is escaped, so a name can never fake an `error:` line.
pub fn escape_cell(text: &str) -> std::borrow::Cow<'_, str> {
    escape_where(text, |_| false)
}

/// aws-config's credential chains warn with the very failure they then return, which lakeops
/// reports as the error's cause (with a hint): shown as a warning too, an expired SSO login is
/// said three times. Its other warnings (a profile file that does not parse, an invalid setting)
/// are news, and stay.
const REPORTED_AS_ERRORS: &str =
    "aws_config::meta::credentials=error,aws_config::meta::token=error,aws_config::profile::credentials=error";

/// `tracing` to stderr: warnings by default, errors only with `-q`, more with `-v`; `RUST_LOG`
/// takes precedence.
pub fn init_logging(global: &GlobalArgs, color: bool) {
    use tracing_subscriber::EnvFilter;
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => EnvFilter::new(spec),
        _ => EnvFilter::new(format!("lakeops={level},warn,{REPORTED_AS_ERRORS}")),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(color)
        .event_format(CliEvents {
            color,
            target: global.verbose > 1,
        })
        .try_init();
}

/// Log lines in the CLI's own voice: `warning: ...`, `info: ...`, like `error:` and `hint:`.
struct CliEvents {
    color: bool,
    target: bool,
}

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for CliEvents
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let (label, style) = match *event.metadata().level() {
            tracing::Level::ERROR => ("error:", "1;31"),
            tracing::Level::WARN => ("warning:", "1;33"),
            tracing::Level::INFO => ("info:", "1;32"),
            tracing::Level::DEBUG => ("debug:", "1;34"),
            tracing::Level::TRACE => ("trace:", "1;35"),
        };
        if self.color {
            write!(writer, "\x1b[{style}m{label}\x1b[0m ")?;
        } else {
            write!(writer, "{label} ")?;
        }
        if self.target {
            write!(writer, "{}: ", event.metadata().target())?;
        }
        // Messages carry field names and paths from the input: escaped like everything we print.
        let mut text = String::new();
        tracing_subscriber::fmt::FormatFields::format_fields(
            ctx,
            tracing_subscriber::fmt::format::Writer::new(&mut text),
            event,
        )?;
        writeln!(writer, "{}", sanitize(&text))
    }
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    group_digits(&n.to_string())
}

/// `1 input`, `1,234 inputs`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Commas every three digits of a run of digits: `"1234567"` -> `"1,234,567"`.
pub fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Decimal megabytes with one digit, as throughput figures are usually quoted.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("plain\n"), "plain\n");
        assert_eq!(sanitize("c1\u{9b}2J"), "c1\\u{9b}2J");
        assert_eq!(sanitize("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(escape_cell("two\nlines\t"), "two\\nlines\\t");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
