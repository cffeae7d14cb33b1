//! One handler per subcommand: clap arguments -> validated library options -> library call ->
//! output. Handlers add context to errors; they do not print except through the `Printer`. Each
//! takes the run's [`Context`] (printer, runtime, Ctrl-C flag, AWS) and builds none of its own.

pub mod context;
pub mod convert;
pub mod cost;
pub mod crawl;
pub mod embed;
pub mod generate;
pub mod load;
pub mod query;
pub mod version;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub use context::Context;

/// First Ctrl-C: ask the running job to stop and clean up (exit 130 follows). Second: leave now.
/// Installed through [`Context::cancel`], by the commands that check the flag.
// The one exit outside main: a second Ctrl-C means the user will not wait for the cleanup.
#[allow(clippy::exit)]
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = flag.clone();
    let _ = ctrlc::set_handler(move || {
        if handler_flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    flag
}

/// The AWS flags as the library's options.
pub fn aws_options(args: &crate::cli::AwsArgs) -> crate::aws::AwsOptions {
    crate::aws::AwsOptions {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        s3_path_style: args.s3_path_style,
        max_attempts: None,
    }
}
