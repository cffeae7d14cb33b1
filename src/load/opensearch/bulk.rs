//! `_bulk` bodies: an `index` action and the document for each row, the document `_id` being
//! `doc_id:chunk_index` so that a reload overwrites rather than duplicates. A body is cut when it
//! reaches `--bulk-bytes`, and remembers where each item lies, so that the items a partial
//! response failed can be sent again alone.

use std::ops::Range;

use crate::load::input::Shape;
use crate::load::parts::Rows;

/// One `_bulk` request body and its items.
#[derive(Default, Clone)]
pub struct Bulk {
    pub body: Vec<u8>,
    /// Each item's `_id` and its two lines in `body`.
    pub items: Vec<(String, Range<usize>)>,
}

impl Bulk {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// A body of only the items at `positions` (their order kept).
    pub fn subset(&self, positions: &[usize]) -> Bulk {
        let mut subset = Bulk::default();
        for &at in positions {
            let (id, range) = &self.items[at];
            let start = subset.body.len();
            subset.body.extend_from_slice(&self.body[range.clone()]);
            subset.items.push((id.clone(), start..subset.body.len()));
        }
        subset
    }
}

/// Appends rows to bodies and hands over each body once the next document would not fit.
pub struct BulkWriter {
    index: String,
    kept: Vec<String>,
    max_bytes: usize,
    current: Bulk,
}

fn json_string(out: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(out, text).expect("a string serializes");
}

impl BulkWriter {
    pub fn new(index: &str, shape: &Shape, max_bytes: usize) -> BulkWriter {
        BulkWriter {
            index: index.to_owned(),
            kept: shape.kept.clone(),
            max_bytes,
            current: Bulk::default(),
        }
    }

    /// Adds row `row` of `rows`; a body that is now full comes back. `Err` names a row that
    /// cannot be a document (a null id or vector).
    pub fn push(&mut self, rows: &Rows, row: usize) -> Result<Option<Bulk>, &'static str> {
        let id = rows.id(row).ok_or("the id is null")?;
        let vector = rows.vector(row).ok_or("the vector is null")?;
        let chunk_index = rows.chunk_index(row);
        let document_id = format!("{id}:{chunk_index}");
        let body = &mut self.current.body;
        let start = body.len();
        body.extend_from_slice(b"{\"index\":{\"_index\":");
        json_string(body, &self.index);
        body.extend_from_slice(b",\"_id\":");
        json_string(body, &document_id);
        body.extend_from_slice(b"}}\n{\"doc_id\":");
        json_string(body, id);
        body.extend_from_slice(format!(",\"chunk_index\":{chunk_index}").as_bytes());
        body.extend_from_slice(format!(",\"chunk_start\":{}", rows.chunk_start(row)).as_bytes());
        body.extend_from_slice(b",\"chunk_text\":");
        match rows.text(row) {
            Some(text) => json_string(body, text),
            None => body.extend_from_slice(b"null"),
        }
        for (column, name) in self.kept.iter().enumerate() {
            body.push(b',');
            json_string(body, name);
            body.push(b':');
            match rows.kept(column, row) {
                Some(value) => json_string(body, value),
                None => body.extend_from_slice(b"null"),
            }
        }
        body.extend_from_slice(b",\"embedding\":");
        serde_json::to_writer(&mut *body, vector).expect("floats serialize");
        body.extend_from_slice(b"}\n");
        let end = body.len();
        self.current.items.push((document_id, start..end));
        // A body never passes the bound, unless one document alone does.
        if end > self.max_bytes && self.current.items.len() > 1 {
            let (id, range) = self.current.items.pop().expect("two items");
            let tail = self.current.body.split_off(range.start);
            let full = std::mem::take(&mut self.current);
            self.current = Bulk {
                body: tail,
                items: vec![(id, 0..range.len())],
            };
            return Ok(Some(full));
        }
        Ok((end >= self.max_bytes).then(|| self.take()))
    }

    /// The body begun and not yet full; empty when there is none.
    pub fn take(&mut self) -> Bulk {
        std::mem::take(&mut self.current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_keeps_whole_items() {
        let bulk = Bulk {
            body: b"a1\na2\nb1\nb2\nc1\nc2\n".to_vec(),
            items: vec![
                ("a".into(), 0..6),
                ("b".into(), 6..12),
                ("c".into(), 12..18),
            ],
        };
        let subset = bulk.subset(&[0, 2]);
        assert_eq!(subset.body, b"a1\na2\nc1\nc2\n");
        assert_eq!(
            subset.items,
            vec![("a".to_owned(), 0..6), ("c".to_owned(), 6..12)]
        );
    }
}
