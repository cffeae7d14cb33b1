//! lakeops: data-lake operations from the shell.
//!
//! The binary is a thin wrapper over [`run`]. Capabilities live in their own modules (`convert`,
//! `crawl`, `cost`, `embed`, with `query` to come); `schema` holds the type lattice they share;
//! `storage` (local or S3), `catalog` (Glue or a file) and `aws` are shared plumbing; `output` is
//! the only place that prints; `cli` and `commands` are the only places that know clap.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

pub mod aws;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod convert;
pub mod cost;
pub mod crawl;
pub mod embed;
pub mod output;
pub mod pricing;
pub mod query;
pub mod schema;
pub mod storage;

use cli::{Cli, Command};
use output::Printer;

/// Process exit status; the numbers are API (see `lakeops --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    /// The job finished but rejected some input.
    Rejects = 1,
    /// Usage, input or configuration error.
    Error = 2,
    Interrupted = 130,
}

pub fn run(cli: Cli) -> ExitStatus {
    let printer = Printer::new(&cli.global);
    output::init_logging(&cli.global, printer.color());
    let result = match cli.command {
        Command::Convert(args) => {
            commands::convert::run(args, &printer, commands::interrupt_flag())
        }
        Command::Crawl(args) => commands::crawl::run(args, &printer),
        Command::Cost(args) => commands::cost::run(args, &printer),
        Command::Embed(args) => commands::embed::run(args, &printer, commands::interrupt_flag()),
        Command::Query(args) => commands::query::run(args, &printer),
        Command::Generate(args) => commands::generate::run(&args).map(|written| {
            printer.human(
                &written
                    .iter()
                    .map(|p| format!("wrote {}\n", p.display()))
                    .collect::<String>(),
            );
            ExitStatus::Success
        }),
    };
    match result {
        Ok(status) => status,
        Err(err) if is_broken_pipe(&err) => ExitStatus::Success,
        Err(err) if is_interrupted(&err) => {
            printer.error(&err, None);
            ExitStatus::Interrupted
        }
        Err(err) => {
            printer.error(&err, hint(&err));
            ExitStatus::Error
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn is_interrupted(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        matches!(
            e.downcast_ref::<convert::ConvertError>(),
            Some(convert::ConvertError::Interrupted)
        ) || matches!(
            e.downcast_ref::<embed::EmbedError>(),
            Some(embed::EmbedError::Interrupted)
        )
    })
}

fn hint(err: &anyhow::Error) -> Option<&'static str> {
    err.chain().find_map(|e| match e.downcast_ref::<convert::ConvertError>() {
        Some(convert::ConvertError::BadLine { .. }) => {
            Some("--on-error skip or --on-error dead-letter converts the other lines and reports the bad ones")
        }
        Some(_) => None,
        None => commands::crawl::hint(e).or_else(|| commands::embed::hint(e)),
    })
}
