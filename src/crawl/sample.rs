//! Stage 2: what one object says about the schema, read with as few bytes as possible: the start
//! of a text object (ranged GETs that grow until the record sample is full), or the footer of a
//! Parquet object (one suffix-range GET, two when the footer is larger than the first guess).

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use crate::schema::{self, Field, Inferrer, JsonValue};
use crate::storage::kind::{Compression, FileKind, Format};
use crate::storage::{ObjectMeta, StorageError, Store};
use crate::text::{codec, lines};

use super::csv::{self as csv_sample, CsvSample};

/// What `--format` allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatChoice {
    Auto,
    Only(Format),
}

#[derive(Clone, Debug)]
pub struct SampleLimits {
    /// Most bytes read from the start of one text object.
    pub bytes: u64,
    /// Most records parsed from one text object.
    pub records: u64,
    pub format: FormatChoice,
    pub csv_header: csv_sample::Header,
}

/// The first ranged read of a text object; later reads double it up to `SampleLimits::bytes`.
const FIRST_READ: u64 = 64 << 10;
/// The first guess at a Parquet footer's size (metadata plus the 8-byte trailer).
const FOOTER_GUESS: u64 = 64 << 10;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ObjectSample {
    pub format: Format,
    pub compression: Compression,
    pub schema: ObjectSchema,
    /// Records in the object: exact for Parquet and fully read text, else estimated (S6).
    pub records: f64,
    /// Uncompressed bytes per record in the sample (S6).
    pub record_bytes: f64,
    /// Lines in the sample that were not JSON objects, with their 1-based line numbers.
    pub bad_lines: Vec<(u64, String)>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum ObjectSchema {
    Json(JsonSchema),
    Parquet(Vec<Field>),
    Csv(CsvSample),
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct JsonSchema {
    pub inferrer: Inferrer,
    /// Top-level keys in their original case (R8 `paths`).
    pub keys: BTreeSet<String>,
    /// Keys that differ only in case within one record (R6: Athena rejects such rows).
    pub same_record_collisions: BTreeSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{url} holds a JSON array document or records that span lines; the OpenX SerDe needs one object per line")]
    NotJsonLines { url: String },
    /// `problem` is ours: what about the object's size or footer is wrong.
    #[error("{url}: not a Parquet file: {problem}")]
    BadParquet { url: String, problem: String },
    #[error("{url}: not a Parquet file")]
    Parquet {
        url: String,
        #[source]
        source: parquet::errors::ParquetError,
    },
    #[error("{url}: Parquet column {column} has a type Glue cannot name ({arrow_type})")]
    UnsupportedParquetType {
        url: String,
        column: String,
        arrow_type: String,
    },
    #[error("{url}: the object is shorter than its listed size")]
    Short { url: String },
    /// The compressed data does not decode (`codec` names the compression, when known).
    #[error("{url}: corrupt {codec} data")]
    Corrupt {
        url: String,
        codec: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl SampleError {
    pub fn code(&self) -> Option<super::ErrorCode> {
        match self {
            SampleError::NotJsonLines { .. } => Some(super::ErrorCode::NotJsonLines),
            _ => None,
        }
    }
}

pub async fn sample_object(
    store: &Store,
    object: &ObjectMeta,
    limits: &SampleLimits,
) -> Result<ObjectSample, SampleError> {
    let url = store.url(&object.key);
    let wants_parquet = match limits.format {
        FormatChoice::Only(format) => format == Format::Parquet,
        FormatChoice::Auto => false,
    };
    if wants_parquet || (limits.format == FormatChoice::Auto && is_parquet_name(&object.key)) {
        return sample_parquet(store, object, &url).await;
    }
    let mut fetched = store
        .read_range(
            &object.key,
            0..object.size.min(FIRST_READ.min(limits.bytes)),
        )
        .await?;
    if limits.format == FormatChoice::Auto && fetched.starts_with(b"PAR1") {
        return sample_parquet(store, object, &url).await;
    }
    loop {
        let complete = fetched.len() as u64 >= object.size;
        let (text, compression) = decompress(&fetched, complete, &url)?;
        let format = match limits.format {
            FormatChoice::Only(format) => format,
            FormatChoice::Auto => sniff_text(&object.key, &text),
        };
        let sample = match format {
            Format::Json => sample_json(&text, complete, limits.records, &url)?,
            Format::Csv => {
                let csv = csv_sample::sample(&text, complete, limits.records, limits.csv_header);
                let records = csv.records;
                let bytes = csv.data_bytes;
                TextSample {
                    schema: ObjectSchema::Csv(csv),
                    records,
                    bytes,
                    bad_lines: Vec::new(),
                    stopped_early: records >= limits.records,
                }
            }
            Format::Parquet => unreachable!("Parquet objects are sampled from their footer"),
        };
        let enough = complete || sample.stopped_early || fetched.len() as u64 >= limits.bytes;
        if !enough {
            let end = object.size.min(limits.bytes).min(fetched.len() as u64 * 2);
            let more = store
                .read_range(&object.key, fetched.len() as u64..end)
                .await?;
            if more.is_empty() {
                return Err(SampleError::Short { url });
            }
            fetched.extend_from_slice(&more);
            continue;
        }
        let record_bytes = if sample.records > 0 {
            sample.bytes as f64 / sample.records as f64
        } else {
            0.0
        };
        // S6: a text object not read to its end is estimated from the sample's compression
        // ratio; deterministic because the same bytes are read on every run.
        let records = if complete && !sample.stopped_early {
            sample.records as f64
        } else if record_bytes > 0.0 {
            let consumed = fetched.len() as f64 * (sample.bytes as f64 / text.len().max(1) as f64);
            let ratio = sample.bytes as f64 / consumed.max(1.0);
            (object.size as f64 * ratio / record_bytes).max(sample.records as f64)
        } else {
            0.0
        };
        return Ok(ObjectSample {
            format,
            compression,
            schema: sample.schema,
            records,
            record_bytes,
            bad_lines: sample.bad_lines,
        });
    }
}

fn is_parquet_name(key: &str) -> bool {
    FileKind::of(key).is_some_and(|kind| kind.format == Format::Parquet)
}

/// Decompresses what was fetched. A prefix of a compressed stream ends in a truncated frame: the
/// text decoded before that point is kept, and only a complete object must decode cleanly.
fn decompress(
    fetched: &[u8],
    complete: bool,
    url: &str,
) -> Result<(Vec<u8>, Compression), SampleError> {
    let opened = codec::open_reader(Box::new(Cursor::new(fetched.to_vec()))).map_err(|source| {
        SampleError::Corrupt {
            url: url.to_owned(),
            codec: "compressed",
            source,
        }
    })?;
    let mut text = Vec::new();
    let mut reader = opened.reader;
    if let Err(source) = reader.read_to_end(&mut text) {
        if complete {
            return Err(SampleError::Corrupt {
                url: url.to_owned(),
                codec: opened.compression.name(),
                source,
            });
        }
    }
    Ok((text, opened.compression))
}

/// JSON lines start with `{` (or `[`, which R9 refuses); anything else is read as CSV unless the
/// name says otherwise.
fn sniff_text(key: &str, text: &[u8]) -> Format {
    if FileKind::of(key).is_some_and(|kind| kind.format == Format::Csv) {
        return Format::Csv;
    }
    let start = text
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(text)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    match start {
        Some(b'{') | Some(b'[') | None => Format::Json,
        Some(_) => Format::Csv,
    }
}

struct TextSample {
    schema: ObjectSchema,
    records: u64,
    /// Uncompressed bytes of the sampled records, line terminators included.
    bytes: u64,
    bad_lines: Vec<(u64, String)>,
    /// The record limit was reached before the end of the fetched text.
    stopped_early: bool,
}

/// At most this many bad lines are kept per object for the report.
const BAD_LINES_KEPT: usize = 5;

fn sample_json(
    text: &[u8],
    complete: bool,
    max_records: u64,
    url: &str,
) -> Result<TextSample, SampleError> {
    let mut schema = JsonSchema::default();
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

async fn sample_parquet(
    store: &Store,
    object: &ObjectMeta,
    url: &str,
) -> Result<ObjectSample, SampleError> {
    let bad = |problem: String| SampleError::BadParquet {
        url: url.to_owned(),
        problem,
    };
    let parquet = |source| SampleError::Parquet {
        url: url.to_owned(),
        source,
    };
    if object.size < 12 {
        return Err(bad(format!("{} bytes is too short", object.size)));
    }
    let mut tail = store
        .read_tail(&object.key, object.size, FOOTER_GUESS)
        .await?;
    if tail.len() < 8 {
        return Err(bad("the object is shorter than its listed size".into()));
    }
    let footer = parquet::file::metadata::FooterTail::try_new(
        tail[tail.len() - 8..].try_into().expect("8 bytes"),
    )
    .map_err(parquet)?;
    let needed = footer.metadata_length() as u64 + 8;
    if needed > object.size {
        return Err(bad("the footer is longer than the file".into()));
    }
    if needed > tail.len() as u64 {
        tail = store.read_tail(&object.key, object.size, needed).await?;
    }
    let metadata_bytes = &tail[tail.len() - needed as usize..tail.len() - 8];
    let metadata = parquet::file::metadata::ParquetMetaDataReader::decode_metadata(metadata_bytes)
        .map_err(parquet)?;
    let file = metadata.file_metadata();
    let arrow_schema =
        parquet::arrow::parquet_to_arrow_schema(file.schema_descr(), file.key_value_metadata())
            .map_err(parquet)?;
    let mut fields = Vec::with_capacity(arrow_schema.fields().len());
    for field in arrow_schema.fields() {
        let data_type = schema::from_arrow_type(field.data_type()).ok_or_else(|| {
            SampleError::UnsupportedParquetType {
                url: url.to_owned(),
                column: field.name().clone(),
                arrow_type: field.data_type().to_string(),
            }
        })?;
        fields.push(Field::new(field.name().as_str(), data_type));
    }
    let rows = file.num_rows().max(0) as f64;
    let uncompressed: i64 = metadata
        .row_groups()
        .iter()
        .map(|rg| rg.total_byte_size())
        .sum();
    Ok(ObjectSample {
        format: Format::Parquet,
        compression: Compression::None,
        schema: ObjectSchema::Parquet(fields),
        records: rows,
        record_bytes: if rows > 0.0 {
            uncompressed as f64 / rows
        } else {
            0.0
        },
        bad_lines: Vec::new(),
    })
}
