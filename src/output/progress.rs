//! The CLI's side of `convert::Progress`: an indicatif bar on stderr, or nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::convert::Progress;

pub struct BarProgress {
    bar: Option<ProgressBar>,
}

impl BarProgress {
    pub fn new(enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg} [{wide_bar}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar
        });
        BarProgress { bar }
    }
}

impl Progress for BarProgress {
    fn start(&self, phase: &'static str, total_bytes: Option<u64>) {
        if let Some(bar) = &self.bar {
            bar.set_message(phase);
            bar.set_length(total_bytes.unwrap_or(0));
            bar.reset();
        }
    }

    fn advance(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
