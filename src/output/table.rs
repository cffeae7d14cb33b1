//! Aligned plain-text tables for people (stderr summaries, query results on a terminal).
//!
//! Cells come from file names, S3 keys, JSON keys and values: whoever wrote them must not control
//! the operator's terminal, and a cell must stay on its line. So every cell is escaped (C0 and C1
//! controls, newlines and tabs included, and bidi overrides) before it is measured, and padding
//! is written by hand: `format!("{:<w$}")` panics for widths above 65,535, and real documents
//! are that long.

use super::escape_cell;

pub struct Table {
    headers: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// `columns`: (header, right-aligned).
    pub fn new(columns: &[(&str, bool)]) -> Self {
        Table {
            headers: columns
                .iter()
                .map(|c| escape_cell(c.0).into_owned())
                .collect(),
            right: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| match escape_cell(&c) {
                    std::borrow::Cow::Borrowed(_) => c,
                    std::borrow::Cow::Owned(escaped) => escaped,
                })
                .collect(),
        );
    }

    pub fn render(&self) -> String {
        let width = |i: usize| {
            std::iter::once(&self.headers[i])
                .chain(self.rows.iter().map(|r| &r[i]))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.headers.len()).map(width).collect();
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(self.rows.iter()) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = widths[i].saturating_sub(cell.chars().count());
                if self.right[i] {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BUG-11 of the hostile probe: a cell or header wider than 65,535 characters panicked.
    #[test]
    fn table_renders_cells_wider_than_65535_characters() {
        let wide = "x".repeat(70_000);
        let mut table = Table::new(&[(&wide, false), ("n", true)]);
        table.row(vec!["short".into(), "1".into()]);
        table.row(vec![wide.clone(), "22".into()]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("short "));
        assert!(lines[1].ends_with(" 1"));
        assert_eq!(lines[2], format!("{wide}  22"));
    }

    /// BUG-14: a cell cannot carry terminal escapes, break its line, or reorder text.
    #[test]
    fn table_cells_are_escaped_for_the_terminal() {
        let mut table = Table::new(&[("name", false)]);
        table.row(vec!["dt=\x1b[31mX\nerror: fake\u{202e}txt.exe\u{9b}".into()]);
        let text = table.render();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(!text.contains('\x1b') && !text.contains('\u{202e}') && !text.contains('\u{9b}'));
        assert!(
            text.contains("\\u{1b}[31mX\\nerror: fake\\u{202e}txt.exe\\u{9b}"),
            "{text}"
        );
    }
}
