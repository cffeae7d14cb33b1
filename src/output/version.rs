//! `lakeops version` as aligned lines for a bug report, or one `version` record with `--json`.
//! It goes to stdout even for people: it is what they were asked to paste.

use std::io;

use super::Printer;
use crate::version::VersionReport;

pub fn emit(printer: &Printer, report: &VersionReport) -> io::Result<()> {
    if printer.json() {
        printer.json_record("version", report)
    } else {
        printer.data(&text(report))
    }
}

fn text(report: &VersionReport) -> String {
    let features = if report.features.is_empty() {
        "none (embed runs on the CPU; build with --features cuda for the GPU)".to_owned()
    } else {
        report.features.join(", ")
    };
    format!(
        "lakeops {}\n\
         revision    {}\n\
         features    {features}\n\
         candle      {}\n\
         datafusion  {}\n\
         arrow       {}\n",
        report.version, report.revision, report.candle, report.datafusion, report.arrow
    )
}
