//! How long-running library work reports progress: the library calls a `Progress`, the CLI renders
//! it (`output::progress`, an indicatif bar on stderr) or not. Shared by convert, crawl and embed.

/// Library-side progress reporting; the CLI renders it (or not).
pub trait Progress: Send + Sync {
    fn start(&self, phase: &'static str, total_bytes: Option<u64>);
    /// Compressed input bytes consumed since the last call.
    fn advance(&self, bytes: u64);
    /// More work than `start` said: inputs planned while the listing goes on.
    fn grow(&self, _bytes: u64) {}
    /// Running totals of the work beside the bytes (`documents`, `chunks`), and which of them
    /// to show a rate for.
    fn counts(&self, _counts: &[(&'static str, u64)], _rate_of: &'static str) {}
    fn finish(&self);
}

/// For callers that want no progress.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &'static str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// For tests: says once, on the first `advance`, that work has started (the streaming tests
/// hold the listing back until then).
#[cfg(test)]
pub(crate) struct FirstAdvance(std::sync::Mutex<Option<std::sync::mpsc::Sender<()>>>);

#[cfg(test)]
impl FirstAdvance {
    pub(crate) fn new(started: std::sync::mpsc::Sender<()>) -> Self {
        FirstAdvance(std::sync::Mutex::new(Some(started)))
    }
}

#[cfg(test)]
impl Progress for FirstAdvance {
    fn start(&self, _: &'static str, _: Option<u64>) {}
    fn advance(&self, _: u64) {
        if let Some(started) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = started.send(());
        }
    }
    fn finish(&self) {}
}
