//! Bytes → JSON line → schema inference → Arrow batch, through the same functions `convert` runs:
//! `schema::{line_text, parse_line, Inferrer}` for the sample, then `convert::batch::parse_chunk`.
//!
//! The schema is inferred from the first line alone; the whole input is then parsed as one chunk.
//! Invariants: every line is counted once (row, reject or blank); a line that parsed and gave the
//! schema becomes a row (the sample never rejects itself); every reject says why.
#![no_main]

use libfuzzer_sys::fuzz_target;

use lakeops::internals::{
    line_content, line_text, parse_chunk, parse_line, BatchContext, Chunk, Inferrer,
};

fuzz_target!(|data: &[u8]| {
    let first = match memchr_newline(data) {
        Some(i) => &data[..i],
        None => data,
    };
    let first = line_content(first, true);
    let mut inferrer = Inferrer::new();
    let parsed = line_text(first).and_then(parse_line);
    if let Ok(record) = &parsed {
        inferrer.add(record);
    }
    let (fields, _conflicts) = inferrer.finish();
    for field in &fields {
        assert!(
            field.data_type.is_json_type(),
            "inference gave a type convert cannot build: {}: {}",
            field.name,
            field.data_type
        );
    }

    let ctx = BatchContext::new(fields);
    let chunk = Chunk {
        data: data.to_vec(),
        first_line: 1,
        byte_offset: 0,
    };
    let out = parse_chunk(&ctx, &chunk);

    // Lines as parse_chunk counts them: pieces between '\n', the last one only when not empty.
    let newlines = data.iter().filter(|&&b| b == b'\n').count() as u64;
    let lines = newlines + u64::from(!data.is_empty() && data.last() != Some(&b'\n'));
    assert_eq!(out.lines, lines, "line count");
    let rows = out.batch.as_ref().map_or(0, |b| b.num_rows()) as u64;
    assert_eq!(
        rows + out.rejects.len() as u64 + out.blank_lines,
        out.lines,
        "rows + rejects + blank lines = lines"
    );
    for reject in &out.rejects {
        assert!(
            !reject.reason.is_empty(),
            "reject without a reason: {reject:?}"
        );
        assert!(
            reject.line >= 1 && reject.line <= lines,
            "reject line number: {reject:?}"
        );
    }
    let first_rejected = out.rejects.iter().find(|r| r.line == 1);
    match &parsed {
        Ok(_) => assert!(
            first_rejected.is_none(),
            "the line the schema was inferred from was rejected: {first_rejected:?} (schema {:?})",
            ctx.fields
        ),
        Err(_) if first.iter().all(u8::is_ascii_whitespace) => {}
        Err(e) => assert!(
            first_rejected.is_some(),
            "a line that does not parse ({e}) was not rejected"
        ),
    }
    if let Some(batch) = &out.batch {
        assert_eq!(batch.schema(), ctx.arrow_schema, "batch schema");
    }
});

fn memchr_newline(data: &[u8]) -> Option<usize> {
    data.iter().position(|&b| b == b'\n')
}
