//! What `lakeops generate` wrote: a line per file on stderr, or `--json` records.

use std::io;
use std::path::PathBuf;

use super::Printer;

/// A `file` record per file and a summary, or `wrote PATH` lines.
pub fn emit(printer: &Printer, written: &[PathBuf]) -> io::Result<()> {
    if printer.json() {
        for path in written {
            printer.json_record("file", &serde_json::json!({ "path": path }))?;
        }
        printer.json_record("summary", &serde_json::json!({ "files": written.len() }))?;
    } else {
        printer.human(
            &written
                .iter()
                .map(|p| format!("wrote {}\n", p.display()))
                .collect::<String>(),
        );
    }
    Ok(())
}
