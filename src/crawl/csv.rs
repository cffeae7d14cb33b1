//! CSV objects (R10): delimiter, header, and one of boolean/bigint/double/string per column.
//! A header is assumed when every cell of the first row is text and some later row has a cell
//! that is not (Glue's rule), unless `--header yes|no` says otherwise. Under `--infer-temporal`,
//! ISO-8601 cells are `date` or `timestamp` too.

use std::collections::BTreeSet;

use super::explain::Provenance;
use crate::schema::{temporal, DataType, Temporal, TimestampForm};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    Auto,
    Yes,
    No,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CsvSample {
    pub delimiter: u8,
    /// Column names from the header, or `None` when the object has none.
    pub header: Option<Vec<String>>,
    /// One type per column position, merged over the sampled rows (R2).
    pub types: Vec<DataType>,
    /// Some field was quoted: the table needs OpenCSVSerDe, which reads every column as string.
    pub quoted: bool,
    /// Per column position, how its timestamp cells were written (`--infer-temporal`).
    #[serde(default)]
    pub timestamp_forms: Vec<BTreeSet<TimestampForm>>,
    pub records: u64,
    pub data_bytes: u64,
}

impl CsvSample {
    /// The table's column names, one per position: the header's, trimmed and lowercased, or
    /// `colN` where there is no header or its cell is empty.
    pub fn column_names(&self) -> Vec<String> {
        (0..self.types.len())
            .map(|i| {
                self.header
                    .as_ref()
                    .and_then(|h| h.get(i))
                    .map(|n| n.trim().to_lowercase())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("col{i}"))
            })
            .collect()
    }
}

const DELIMITERS: [u8; 4] = [b',', b'\t', b'|', b';'];

/// The candidate that splits the first line most often; `,` when none appears.
fn detect_delimiter(first_line: &[u8]) -> u8 {
    DELIMITERS
        .iter()
        .copied()
        .max_by_key(|d| (first_line.iter().filter(|b| *b == d).count(), d == &b','))
        .filter(|d| first_line.contains(d))
        .unwrap_or(b',')
}

/// A cell's type; `temporal` (`--infer-temporal`) also tells dates and timestamps, whose form
/// is returned beside.
pub fn cell_type(cell: &str, infer_temporal: bool) -> (DataType, Option<TimestampForm>) {
    let cell = cell.trim();
    let ty = if cell.is_empty() {
        DataType::Unknown
    } else if cell.eq_ignore_ascii_case("true") || cell.eq_ignore_ascii_case("false") {
        DataType::Boolean
    } else if cell.parse::<i64>().is_ok() {
        DataType::Bigint
    } else if cell.bytes().any(|b| b.is_ascii_digit()) && cell.parse::<f64>().is_ok() {
        DataType::Double
    } else {
        match infer_temporal.then(|| temporal(cell)).flatten() {
            Some(Temporal::Timestamp(form)) => return (DataType::Timestamp, Some(form)),
            Some(Temporal::Date) => DataType::Date,
            None => DataType::String,
        }
    };
    (ty, None)
}

#[cfg(test)]
pub fn sample(
    text: &[u8],
    complete: bool,
    max_records: u64,
    header: Header,
    infer_temporal: bool,
) -> CsvSample {
    sample_explained(text, complete, max_records, header, infer_temporal, false).0
}

/// [`sample`], and with `explain` the rows' [`Provenance`] (1-based lines as records).
pub fn sample_explained(
    text: &[u8],
    complete: bool,
    max_records: u64,
    header: Header,
    infer_temporal: bool,
    explain: bool,
) -> (CsvSample, Option<Provenance>) {
    let cell_kind = |cell: &str| cell_type(cell, infer_temporal).0;
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    // A prefix may end inside a row: only whole lines are read.
    let text = match (complete, memchr::memrchr(b'\n', text)) {
        (false, Some(end)) => &text[..=end],
        (false, None) => &text[..0],
        (true, _) => text,
    };
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = detect_delimiter(first_line);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut rows: Vec<Vec<String>> = Vec::new();
    // Each row's 1-based line, for --explain.
    let mut lines: Vec<u64> = Vec::new();
    let mut data_bytes = 0u64;
    let mut last_end = 0u64;
    for record in reader.records() {
        // A malformed row ends the sample; what came before still describes the object.
        let Ok(record) = record else { break };
        let end = record.position().map_or(last_end, |p| p.byte());
        if !rows.is_empty() {
            data_bytes += end.saturating_sub(last_end);
        }
        last_end = end;
        lines.push(record.position().map_or(0, |p| p.line()));
        rows.push(record.iter().map(str::to_owned).collect());
        if rows.len() as u64 > max_records {
            break;
        }
    }
    data_bytes += (text.len() as u64).saturating_sub(last_end).min(1 << 20);
    let first_is_text = rows.first().is_some_and(|row| {
        row.iter()
            .all(|cell| matches!(cell_kind(cell), DataType::String))
    });
    let later_has_non_text = rows.iter().skip(1).any(|row| {
        row.iter()
            .any(|cell| !matches!(cell_kind(cell), DataType::String | DataType::Unknown))
    });
    let has_header = match header {
        Header::Yes => !rows.is_empty(),
        Header::No => false,
        Header::Auto => first_is_text && later_has_non_text,
    };
    let mut header_line = 1;
    let header_row = if has_header {
        header_line = lines.remove(0);
        Some(rows.remove(0))
    } else {
        None
    };
    let width = rows
        .iter()
        .map(Vec::len)
        .chain(header_row.as_ref().map(Vec::len))
        .max()
        .unwrap_or(0);
    let mut types = vec![DataType::Unknown; width];
    let mut timestamp_forms = vec![BTreeSet::new(); if infer_temporal { width } else { 0 }];
    for row in &rows {
        for (position, (ty, cell)) in types.iter_mut().zip(row).enumerate() {
            let (cell_ty, form) = cell_type(cell, infer_temporal);
            if let (Some(form), Some(forms)) = (form, timestamp_forms.get_mut(position)) {
                forms.insert(form);
            }
            ty.widen(&cell_ty, &mut |_| {});
        }
    }
    if !has_header {
        data_bytes += first_line.len() as u64 + 1;
    }
    let sample = CsvSample {
        delimiter,
        header: header_row,
        types,
        quoted: text.contains(&b'"'),
        timestamp_forms,
        records: rows.len() as u64,
        data_bytes,
    };
    let provenance = explain.then(|| {
        let names = sample.column_names();
        let mut provenance = Provenance::new(infer_temporal);
        for (row, line) in rows.iter().zip(&lines) {
            provenance.add_csv(*line, row, &names);
        }
        // Header names over no cell are columns too; the header is where they appear.
        if !names.is_empty() {
            provenance.csv_position(names.len() - 1, &names, header_line);
        }
        provenance
    });
    (sample, provenance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_detected_by_glues_rule() {
        let s = sample(
            b"id,name,score\n1,ann,2.5\n2,bob,3\n",
            true,
            100,
            Header::Auto,
            false,
        );
        assert_eq!(
            s.header,
            Some(vec!["id".into(), "name".into(), "score".into()])
        );
        assert_eq!(
            s.types,
            vec![DataType::Bigint, DataType::String, DataType::Double]
        );
        assert_eq!(s.records, 2);
        assert!(!s.quoted);
    }

    #[test]
    fn all_text_files_have_no_header() {
        let s = sample(b"a,b\nc,d\n", true, 100, Header::Auto, false);
        assert_eq!(s.header, None);
        assert_eq!(s.types, vec![DataType::String, DataType::String]);
        assert_eq!(s.records, 2);
        let forced = sample(b"a,b\nc,d\n", true, 100, Header::Yes, false);
        assert_eq!(forced.header, Some(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn delimiters_booleans_and_quotes() {
        let s = sample(b"x\ty\n1\ttrue\n2\tFALSE\n", true, 100, Header::Auto, false);
        assert_eq!(s.delimiter, b'\t');
        assert_eq!(s.types, vec![DataType::Bigint, DataType::Boolean]);
        let q = sample(b"a,b\n1,\"x, y\"\n", true, 100, Header::Auto, false);
        assert!(q.quoted);
    }

    #[test]
    fn a_cut_prefix_drops_the_partial_row() {
        let s = sample(b"id,v\n1,2\n3,4.5\n5,", false, 100, Header::Auto, false);
        assert_eq!(s.records, 2);
        assert_eq!(s.types, vec![DataType::Bigint, DataType::Double]);
    }
}
