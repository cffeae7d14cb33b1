//! What a file is by its name: format, compression, the extension that says so, and the stem left
//! without it. Every command reads names here, so that `x.JSONL.gz` is one kind of file to
//! convert, crawl, embed and query alike. (What a file holds is decided by its bytes where that
//! matters: `text::codec` detects compression from magic bytes, crawl sniffs text formats.)

/// A file format lakeops reads.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Parquet,
    Csv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

/// A whole-file compression of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    Zstd,
    Gzip,
    #[serde(rename = "uncompressed")]
    None,
}

impl Compression {
    pub fn name(self) -> &'static str {
        match self {
            Compression::Zstd => "zstd",
            Compression::Gzip => "gzip",
            Compression::None => "uncompressed",
        }
    }

    /// Glue's `compressionType` table parameter.
    pub fn glue_name(self) -> &'static str {
        match self {
            Compression::Zstd => "zstd",
            Compression::Gzip => "gzip",
            Compression::None => "none",
        }
    }

    /// From Glue's `compressionType` (any case); anything else is uncompressed.
    pub fn from_glue(value: &str) -> Compression {
        match value.to_ascii_lowercase().as_str() {
            "zstd" => Compression::Zstd,
            "gzip" => Compression::Gzip,
            _ => Compression::None,
        }
    }

    /// The name suffix that says so: `.zst`, `.gz`, or nothing.
    pub fn extension(self) -> &'static str {
        match self {
            Compression::Zstd => ".zst",
            Compression::Gzip => ".gz",
            Compression::None => "",
        }
    }
}

const COMPRESSIONS: [(Compression, &str); 2] =
    [(Compression::Zstd, ".zst"), (Compression::Gzip, ".gz")];

/// Format extensions; `.ndjson` comes before `.json`, which it ends with.
const FORMATS: [(Format, &str); 8] = [
    (Format::Parquet, ".parquet"),
    (Format::Parquet, ".parq"),
    (Format::Parquet, ".pqt"),
    (Format::Json, ".jsonl"),
    (Format::Json, ".ndjson"),
    (Format::Json, ".json"),
    (Format::Csv, ".csv"),
    (Format::Csv, ".tsv"),
];

/// A file's kind from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKind {
    pub format: Format,
    pub compression: Compression,
    /// The ending that says so, lower case: `.jsonl.zst`, `.parquet`. Empty for a kind that comes
    /// from a catalog rather than a name (plain JSON or CSV files may be named anything).
    pub extension: String,
    /// The name without that ending, as written: `Part-0.JSONL.gz` → `Part-0`.
    pub stem: String,
}

impl FileKind {
    /// `x.parquet` (`.parq`, `.pqt`), `x.jsonl` (`.json`, `.ndjson`), `x.csv` (`.tsv`), text
    /// optionally `.zst` or `.gz`; any case. Compressed Parquet names are no kind: Parquet
    /// compresses inside the file. Only the last path component is read.
    pub fn of(name: &str) -> Option<FileKind> {
        let name = base_name(name);
        let (rest, compression) = strip_compression(name);
        let (stem, format, format_ext) = strip_format(rest)?;
        if format == Format::Parquet && compression != Compression::None {
            return None;
        }
        Some(FileKind {
            format,
            compression,
            extension: format!("{format_ext}{}", compression.extension()),
            stem: stem.to_owned(),
        })
    }

    /// Whether the file is tab-separated (`.tsv`): CSV read with another delimiter.
    pub fn is_tab_separated(&self) -> bool {
        self.extension.starts_with(".tsv")
    }
}

/// The name an output takes after its input: the last component without a known compression and
/// then a known format extension (`en_part_1.jsonl.zst` → `en_part_1`, `notes.txt.gz` →
/// `notes.txt`). A name that is nothing but an extension is kept whole.
pub fn stem(name: &str) -> &str {
    let name = base_name(name);
    let (rest, _) = strip_compression(name);
    strip_format(rest).map_or(rest, |(stem, _, _)| stem)
}

fn base_name(name: &str) -> &str {
    name.rsplit_once('/').map_or(name, |(_, last)| last)
}

/// Strips a case-insensitive ASCII `suffix`, unless nothing would be left.
fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let split = name.len().checked_sub(suffix.len())?;
    let (stem, tail) = (name.get(..split)?, name.get(split..)?);
    (!stem.is_empty() && tail.eq_ignore_ascii_case(suffix)).then_some(stem)
}

fn strip_compression(name: &str) -> (&str, Compression) {
    COMPRESSIONS
        .iter()
        .find_map(|&(compression, ext)| {
            strip_suffix_ignore_case(name, ext).map(|rest| (rest, compression))
        })
        .unwrap_or((name, Compression::None))
}

fn strip_format(name: &str) -> Option<(&str, Format, &'static str)> {
    FORMATS.iter().find_map(|&(format, ext)| {
        strip_suffix_ignore_case(name, ext).map(|stem| (stem, format, ext))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_last_component_in_any_case() {
        let kind = FileKind::of("s3://b/a.b/Part-0.JSONL.Gz").unwrap();
        assert_eq!(
            kind,
            FileKind {
                format: Format::Json,
                compression: Compression::Gzip,
                extension: ".jsonl.gz".into(),
                stem: "Part-0".into(),
            }
        );
        for (name, format, compression, extension) in [
            ("x.parquet", Format::Parquet, Compression::None, ".parquet"),
            ("x.pqt", Format::Parquet, Compression::None, ".pqt"),
            (
                "x.ndjson.zst",
                Format::Json,
                Compression::Zstd,
                ".ndjson.zst",
            ),
            ("x.json", Format::Json, Compression::None, ".json"),
            ("x.csv.gz", Format::Csv, Compression::Gzip, ".csv.gz"),
            ("x.tsv", Format::Csv, Compression::None, ".tsv"),
        ] {
            let kind = FileKind::of(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(
                (kind.format, kind.compression, kind.extension.as_str()),
                (format, compression, extension),
                "{name}"
            );
            assert_eq!(kind.stem, "x");
        }
        for name in [
            "x.parquet.gz",
            "x.txt",
            "x.gz",
            ".jsonl",
            "jsonl",
            "dir.jsonl/",
            "",
        ] {
            assert_eq!(FileKind::of(name), None, "{name:?}");
        }
    }

    #[test]
    fn stems_drop_compression_then_format() {
        assert_eq!(stem("a/en_meta_part_1.jsonl.zst"), "en_meta_part_1");
        assert_eq!(stem("x.ndjson.gz"), "x");
        assert_eq!(stem("x.json"), "x");
        assert_eq!(stem("docs.parquet"), "docs");
        assert_eq!(stem("notes.txt"), "notes.txt");
        assert_eq!(stem("notes.txt.gz"), "notes.txt");
        assert_eq!(stem(".jsonl"), ".jsonl");
        assert_eq!(stem("x.jsonl.jsonl"), "x.jsonl");
        assert_eq!(stem("é.JSON"), "é");
    }

    #[test]
    fn glue_compression_names_round_trip() {
        for c in [Compression::Zstd, Compression::Gzip, Compression::None] {
            assert_eq!(Compression::from_glue(c.glue_name()), c);
        }
        assert_eq!(Compression::from_glue("GZIP"), Compression::Gzip);
    }
}
