use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match lakeops::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with status 0; usage errors to stderr with status 2.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    ExitCode::from(lakeops::run(cli) as u8)
}
