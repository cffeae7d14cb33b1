//! `lakeops version`: the build's `VersionReport` -> `output::version`.

use crate::output::{self, Printer};
use crate::version::VersionReport;
use crate::ExitStatus;

pub fn run(printer: &Printer) -> anyhow::Result<ExitStatus> {
    output::version::emit(printer, &VersionReport::of_this_build())?;
    Ok(ExitStatus::Success)
}
