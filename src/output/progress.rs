//! The CLI's side of `progress::Progress`: an indicatif bar on stderr, or nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::Progress;

pub struct BarProgress {
    bar: Option<ProgressBar>,
}

const BYTES_TEMPLATE: &str =
    "{msg} [{wide_bar}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})";
/// For work whose total is not known up front (embedded chunks): a running count and rate.
const COUNT_TEMPLATE: &str = "{spinner} {msg}: {human_pos} {prefix} ({per_sec}, {elapsed})";

impl BarProgress {
    pub fn new(enabled: bool) -> Self {
        Self::with_template(enabled, BYTES_TEMPLATE, "")
    }

    /// Counts `unit`s (e.g. "chunks") instead of bytes.
    pub fn counting(enabled: bool, unit: &'static str) -> Self {
        Self::with_template(enabled, COUNT_TEMPLATE, unit)
    }

    fn with_template(enabled: bool, template: &str, unit: &'static str) -> Self {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(template)
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.set_prefix(unit);
            bar
        });
        BarProgress { bar }
    }
}

impl Progress for BarProgress {
    fn start(&self, phase: &'static str, total_bytes: Option<u64>) {
        if let Some(bar) = &self.bar {
            bar.set_message(phase);
            match total_bytes {
                Some(total) => bar.set_length(total),
                None => bar.unset_length(),
            }
            bar.reset();
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
        }
    }

    fn advance(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn grow(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc_length(bytes);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
