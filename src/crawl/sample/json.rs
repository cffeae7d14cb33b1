//! JSON lines: the whole lines of a fetched prefix parsed into the schema, the first bad lines
//! kept for the report, and R9's refusal of JSON arrays and records spread over lines.

use crate::schema::{self, JsonValue};
use crate::text::lines;

use super::{JsonSchema, ObjectSchema, Provenance, SampleError, SampleLimits, TextSample};

/// At most this many bad lines are kept per object for the report.
const BAD_LINES_KEPT: usize = 5;

pub(super) fn sample_json(
    text: &[u8],
    complete: bool,
    limits: &SampleLimits,
    url: &str,
    explain: bool,
) -> Result<TextSample, SampleError> {
    let max_records = limits.records;
    let mut schema = JsonSchema {
        inferrer: schema::Inferrer::with_temporal(limits.infer_temporal),
        ..JsonSchema::default()
    };
    let mut provenance = explain.then(|| Provenance::new(limits.infer_temporal));
    let mut bad_lines = Vec::new();
    let mut bytes = 0u64;
    let mut stopped_early = false;
    let mut line_number = 0u64;
    let mut rest = text;
    while !rest.is_empty() {
        let (line, next, terminated) = match memchr::memchr(b'\n', rest) {
            Some(end) => (&rest[..end], &rest[end + 1..], true),
            None => (rest, &rest[rest.len()..], false),
        };
        // The last line of a prefix may be cut anywhere: only whole lines count.
        if !terminated && !complete {
            break;
        }
        if schema.inferrer.records() >= max_records {
            stopped_early = true;
            break;
        }
        line_number += 1;
        rest = next;
        let content = lines::line_content(line, line_number == 1);
        if content.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = schema::line_text(content).and_then(schema::parse_line);
        match parsed {
            Ok(record) => {
                bytes += line.len() as u64 + u64::from(terminated);
                note_keys(&mut schema, &record);
                schema.inferrer.add(&record);
                if let Some(provenance) = &mut provenance {
                    provenance.add_json(line_number, &record);
                }
            }
            Err(error) => {
                let first_record = schema.inferrer.records() == 0 && bad_lines.is_empty();
                let trimmed = content
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|i| content[i]);
                // R9: a JSON array document, or a record spread over lines (pretty-printed JSON).
                if first_record
                    && (trimmed == Some(b'[') || matches!(error, schema::LineError::Truncated(_)))
                {
                    return Err(SampleError::NotJsonLines {
                        url: url.to_owned(),
                    });
                }
                if bad_lines.len() < BAD_LINES_KEPT {
                    bad_lines.push((line_number, error.to_string()));
                }
            }
        }
    }
    let records = schema.inferrer.records();
    Ok(TextSample {
        schema: ObjectSchema::Json(schema),
        records,
        bytes,
        bad_lines,
        stopped_early,
        provenance,
    })
}

fn note_keys(schema: &mut JsonSchema, record: &JsonValue<'_>) {
    let JsonValue::Object(entries) = record else {
        return;
    };
    let mut lowered: Vec<String> = Vec::with_capacity(entries.len());
    for (key, _) in entries {
        if !schema.keys.contains(key.as_ref()) {
            schema.keys.insert(key.to_string());
        }
        let lower = key.to_lowercase();
        if lowered.contains(&lower) {
            schema.same_record_collisions.insert(lower.clone());
        }
        lowered.push(lower);
    }
}
