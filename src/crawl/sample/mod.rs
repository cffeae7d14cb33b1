//! Stage 2: what one object says about the schema, read with as few bytes as possible: the start
//! of a text object (ranged GETs that grow until the record sample is full), or the footer of a
//! Parquet object (one suffix-range GET, two when the footer is larger than the first guess).
//!
//! This file picks the format and reads text; `json` samples JSON lines (CSV is `crawl::csv`),
//! `footer` reads Parquet footers.

mod footer;
mod json;

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use crate::schema::{Field, Inferrer};
use crate::storage::kind::{Compression, FileKind, Format};
use crate::storage::parquet::ParquetFileError;
use crate::storage::{ObjectMeta, StorageError, Store};
use crate::text::codec;

use super::csv::{self as csv_sample, CsvSample};
use super::explain::Provenance;
use footer::sample_parquet;
use json::sample_json;

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
    /// `--infer-temporal`: ISO-8601 date and timestamp strings are typed, not `string`.
    pub infer_temporal: bool,
}

/// The first ranged read of a text object; later reads double it up to `SampleLimits::bytes`.
const FIRST_READ: u64 = 64 << 10;

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
    /// `--explain`'s notes on a text object (never made for Parquet, whose footer says it all).
    #[serde(default)]
    pub provenance: Option<Provenance>,
}

impl ObjectSample {
    /// Its top-level column names as the table names them (lowercase): what the similarity of
    /// two partitions is measured on.
    pub fn column_names(&self) -> BTreeSet<String> {
        match &self.schema {
            ObjectSchema::Json(json) => json.keys.iter().map(|k| k.to_lowercase()).collect(),
            ObjectSchema::Parquet(fields) => fields.iter().map(|f| f.name.to_lowercase()).collect(),
            ObjectSchema::Csv(csv) => csv.column_names().into_iter().collect(),
        }
    }
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
    #[error(transparent)]
    ParquetFile(#[from] ParquetFileError),
    /// A footer that decodes but whose schema arrow cannot read.
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

/// Samples one object; with `explain`, a text object's sample carries its [`Provenance`].
pub async fn sample_object(
    store: &Store,
    object: &ObjectMeta,
    limits: &SampleLimits,
    explain: bool,
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
            Format::Json => sample_json(&text, complete, limits, &url, explain)?,
            Format::Csv => {
                let (csv, provenance) = csv_sample::sample_explained(
                    &text,
                    complete,
                    limits.records,
                    limits.csv_header,
                    limits.infer_temporal,
                    explain,
                );
                let records = csv.records;
                let bytes = csv.data_bytes;
                TextSample {
                    schema: ObjectSchema::Csv(csv),
                    records,
                    bytes,
                    bad_lines: Vec::new(),
                    stopped_early: records >= limits.records,
                    provenance,
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
            provenance: sample.provenance,
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
    provenance: Option<Provenance>,
}
