//! Schema inference before conversion: the first `--sample-rows` records of every input (or all of
//! them), merged in input order. Bad lines are skipped here; the conversion pass reports them.

use std::io::{BufReader, Cursor, Read};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::schema::{line_text, parse_line, Conflict, Field, Inferrer};

use super::source::{self, Input};
use super::ConvertError;
use crate::progress::Progress;
use crate::text::codec::Opened;
use crate::text::lines;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleRows {
    /// Records per input.
    First(u64),
    /// A full pass over every input before converting it.
    All,
}

impl std::fmt::Display for SampleRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SampleRows::First(n) => write!(f, "{n}"),
            SampleRows::All => f.write_str("all"),
        }
    }
}

impl SampleRows {
    pub const DEFAULT: SampleRows = SampleRows::First(1000);

    fn limit(self) -> u64 {
        match self {
            SampleRows::First(n) => n,
            SampleRows::All => u64::MAX,
        }
    }
}

pub struct Sampled {
    pub fields: Vec<Field>,
    pub conflicts: Vec<Conflict>,
    pub records: u64,
    /// Stdin cannot be read twice: what the sample consumed, replayed ahead of the rest.
    pub stdin: Option<Opened>,
}

pub fn infer(
    inputs: &[Input],
    sample: SampleRows,
    threads: usize,
    max_line_bytes: usize,
    cancel: &Arc<AtomicBool>,
    progress: &dyn Progress,
) -> Result<Sampled, ConvertError> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Inferrer>>> =
        Mutex::new((0..inputs.len()).map(|_| None).collect());
    let stdin_rest: Mutex<Option<Opened>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, inputs.len().max(1)) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(index) else {
                    break;
                };
                let (inferrer, rest) =
                    sample_one(input, sample.limit(), max_line_bytes, cancel, progress);
                if let Some(rest) = rest {
                    *stdin_rest.lock().expect("no panics while held") = Some(rest);
                }
                results.lock().expect("no panics while held")[index] = Some(inferrer);
            });
        }
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(ConvertError::Interrupted);
    }
    let mut merged = Inferrer::new();
    for result in results.into_inner().expect("threads joined") {
        merged.merge(result.expect("every input sampled"));
    }
    let records = merged.records();
    let (fields, conflicts) = merged.finish();
    Ok(Sampled {
        fields,
        conflicts,
        records,
        stdin: stdin_rest.into_inner().expect("threads joined"),
    })
}

fn sample_one(
    input: &Input,
    limit: u64,
    max_line_bytes: usize,
    cancel: &Arc<AtomicBool>,
    progress: &dyn Progress,
) -> (Inferrer, Option<Opened>) {
    // An unreadable input is reported by the conversion pass, which knows what --on-error says.
    let Ok(opened) = source::open(input, cancel) else {
        return (Inferrer::new(), None);
    };
    let Opened {
        reader,
        compression,
        bytes_read,
    } = opened;
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut inferrer = Inferrer::new();
    let keep = matches!(input, Input::Stdin);
    let mut consumed = Vec::new();
    let mut line = Vec::new();
    let mut reported = 0;
    let mut at_start = true;
    while inferrer.records() < limit && !cancel.load(Ordering::Relaxed) {
        // A broken stream ends the sample; the conversion pass reports it as a reject.
        let overlong = match lines::read_line_bounded(&mut reader, &mut line, max_line_bytes) {
            Ok((0, _)) | Err(_) => break,
            Ok((_, overlong)) => overlong,
        };
        if keep {
            consumed.extend_from_slice(&line);
        }
        // An overlong line ends the sample; the conversion pass rejects it. (Stdin's replay
        // holds at most its first `max_line_bytes`.)
        if overlong {
            break;
        }
        let text = lines::line_content(line.strip_suffix(b"\n").unwrap_or(&line), at_start);
        at_start = false;
        if let Ok(record) = line_text(text).and_then(parse_line) {
            inferrer.add(&record);
        }
        if limit == u64::MAX {
            let now = bytes_read.load(Ordering::Relaxed);
            progress.advance(now - reported);
            reported = now;
        }
    }
    let rest = keep.then(|| Opened {
        reader: Box::new(Cursor::new(consumed).chain(reader)) as Box<dyn Read + Send>,
        compression,
        bytes_read,
    });
    (inferrer, rest)
}
