//! The CLI's side of `progress::Progress`: an indicatif bar on stderr, or nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::Progress;

pub struct BarProgress {
    bar: Option<ProgressBar>,
    /// What `start` named, kept in front of the counts.
    phase: std::sync::Mutex<&'static str>,
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
        BarProgress {
            bar,
            phase: std::sync::Mutex::new(""),
        }
    }

    fn phase(&self) -> &'static str {
        *self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for BarProgress {
    fn start(&self, phase: &'static str, total_bytes: Option<u64>) {
        *self.phase.lock().unwrap_or_else(|e| e.into_inner()) = phase;
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

    fn counts(&self, counts: &[(&'static str, u64)], rate_of: &'static str) {
        let Some(bar) = &self.bar else { return };
        let mut text: Vec<String> = counts
            .iter()
            .map(|(name, n)| format!("{} {name}", super::thousands(*n)))
            .collect();
        let seconds = bar.elapsed().as_secs_f64();
        if let Some((_, n)) = counts.iter().find(|(name, _)| *name == rate_of) {
            if seconds > 0.0 {
                let rate = (*n as f64 / seconds).round() as u64;
                text.push(format!("{} {rate_of}/s", super::thousands(rate)));
            }
        }
        bar.set_message(format!("{}: {}", self.phase(), text.join(", ")));
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
