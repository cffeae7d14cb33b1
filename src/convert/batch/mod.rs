//! Stage 2: a chunk of whole lines becomes one Arrow record batch plus the lines it rejects.
//!
//! A record is checked against the schema before any column is touched, so a rejected line never
//! leaves half a row behind. "Fits" means what the lattice says: a value fits a column when
//! widening the column by the value's type leaves the column unchanged (an integer fits `double`,
//! anything fits `string` as JSON text); anything else is a reject, never a silent null.

use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;

use crate::schema::{self, line_text, parse_line, Field, JsonValue};
use crate::text::lines::{self, Chunk};
use check::check_entries;
use columns::RecordBuilder;

mod check;
mod columns;

/// One input line that did not become a row.
#[derive(Debug, Clone)]
pub struct Reject {
    /// Physical, 1-based line number in the decompressed input (blank lines counted).
    pub line: u64,
    /// Offset of the line's first byte in the decompressed input.
    pub byte_offset: u64,
    pub reason: String,
    pub raw: Vec<u8>,
}

/// What a chunk turned into.
#[derive(Debug, Default)]
pub struct ParsedChunk {
    pub batch: Option<RecordBatch>,
    pub rejects: Vec<Reject>,
    /// Physical lines in the chunk, blank ones included.
    pub lines: u64,
    pub blank_lines: u64,
}

/// Everything a parse worker needs, shared by all chunks of a run.
pub struct BatchContext {
    pub fields: Vec<Field>,
    pub arrow_schema: SchemaRef,
    /// What a key the schema does not name (with a non-null value) does to its line.
    pub unknown_keys: UnknownKeys,
    /// Longer lines are rejected (the splitter reads past those longer than a chunk).
    pub max_line_bytes: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnknownKeys {
    /// convert: the schema is the output's, so a value it cannot hold is a reject, never lost.
    Reject,
    /// query: the table (or the query's projection) names the columns it reads, and a record's
    /// other keys are not part of the answer, as with Athena's JSON SerDes.
    Ignore,
}

impl BatchContext {
    pub fn new(fields: Vec<Field>) -> Self {
        let arrow_schema = Arc::new(schema::to_arrow_schema(&fields));
        BatchContext {
            fields,
            arrow_schema,
            unknown_keys: UnknownKeys::Reject,
            max_line_bytes: usize::MAX,
        }
    }

    pub fn max_line_bytes(mut self, max: usize) -> Self {
        self.max_line_bytes = max;
        self
    }

    pub fn ignoring_unknown_keys(mut self) -> Self {
        self.unknown_keys = UnknownKeys::Ignore;
        self
    }
}

pub fn parse_chunk(ctx: &BatchContext, chunk: &Chunk) -> ParsedChunk {
    let mut builder = RecordBuilder::new(&ctx.fields);
    let mut out = ParsedChunk::default();
    let data = &chunk.data[..];
    let mut start = 0usize;
    let mut line_no = chunk.first_line;
    while start < data.len() {
        let (end, next, terminated) = match memchr::memchr(b'\n', &data[start..]) {
            Some(i) => (start + i, start + i + 1, true),
            None => (data.len(), data.len(), false),
        };
        let line = lines::line_content(&data[start..end], chunk.byte_offset == 0 && start == 0);
        out.lines += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            out.blank_lines += 1;
        } else if line.len() > ctx.max_line_bytes {
            out.rejects.push(Reject {
                line: line_no,
                byte_offset: chunk.byte_offset + start as u64,
                reason: lines::overlong_reason(line.len() as u64, ctx.max_line_bytes),
                raw: line[..lines::OVERLONG_HEAD.min(line.len())].to_vec(),
            });
        } else if let Err(reason) = append_line(&mut builder, ctx, line) {
            let reason = if !terminated {
                format!("last line has no newline (truncated input?): {reason}")
            } else if line_no == 1 && matches!(line.trim_ascii(), b"{" | b"[") {
                format!("{reason} (the input looks like one pretty-printed JSON document, not JSON lines)")
            } else {
                reason
            };
            out.rejects.push(Reject {
                line: line_no,
                byte_offset: chunk.byte_offset + start as u64,
                reason,
                raw: line.to_vec(),
            });
        }
        start = next;
        line_no += 1;
    }
    if builder.rows > 0 {
        out.batch = Some(builder.finish(&ctx.arrow_schema));
    }
    out
}

fn append_line(builder: &mut RecordBuilder, ctx: &BatchContext, line: &[u8]) -> Result<(), String> {
    let record = line_text(line)
        .and_then(parse_line)
        .map_err(|e| e.to_string())?;
    let JsonValue::Object(entries) = &record else {
        unreachable!("parse_line returns objects")
    };
    let mut path = String::new();
    check_entries(&ctx.fields, entries, &mut path, ctx.unknown_keys).map_err(|m| m.to_string())?;
    builder.append(entries);
    Ok(())
}
