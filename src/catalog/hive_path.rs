//! Partition folders as Hive, Spark, Glue and Athena name them: `key=value/`, with the value's
//! path-unsafe characters written `%XX`. The catalog holds decoded values (`2024-01-01 00:00:00`)
//! and raw locations (`…/ts=2024-01-01 00%3A00%3A00/`), so whatever compares the two must go
//! through these functions, never through a URL parser (which has its own, different, rules).

/// The Hive placeholder for an empty partition value (P2).
pub const DEFAULT_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// The characters Hive's `FileUtils.escapePathName` (and Spark's `escapePathName`) write as `%XX`.
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{01}'
            ..='\u{1F}'
                | '"'
                | '#'
                | '%'
                | '\''
                | '*'
                | '/'
                | ':'
                | '='
                | '?'
                | '\\'
                | '\u{7F}'
                | '{'
                | '['
                | ']'
                | '^'
    )
}

/// `value` as a folder name writes it (`2024-01-01 00:00:00` → `2024-01-01 00%3A00%3A00`).
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if needs_escape(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A folder name's value: `%XX` decoded; an invalid escape, or one that would not decode to
/// UTF-8, stays as written (Hive does the same).
pub fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Whether a folder name is a named partition (`k=v`), not a plain folder.
pub fn is_named(component: &str) -> bool {
    matches!(component.split_once('='), Some((key, _)) if !key.is_empty())
}

/// P2: one folder name as a partition: `k=v` gives `(lower(k), unescape(v))`, an empty value the
/// Hive default; anything else is the level's `partition_<level>` with the name as its value.
pub fn parse_component(component: &str, level: usize) -> (String, String) {
    match component.split_once('=') {
        Some((key, value)) if is_named(component) => {
            let value = unescape(value);
            let value = if value.is_empty() {
                DEFAULT_PARTITION.to_owned()
            } else {
                value
            };
            (key.to_lowercase(), value)
        }
        _ => (format!("partition_{level}"), component.to_owned()),
    }
}

/// Whether the folder name `component` is partition `key` with value `value`, however its writer
/// escaped it (some escape more than Hive does, e.g. a space as `%20`).
pub fn is_component(component: &str, key: &str, value: &str) -> bool {
    // By the same rules as `parse_component` (found by fuzzing: `Ä=1` is key `ä`, and `k=` is
    // the Hive default partition).
    component.contains('=')
        && parse_component(component, 0) == (key.to_lowercase(), value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for value in [
            "2024-01-01 00:00:00",
            "a/b",
            "100%",
            "x=y",
            "tab\tnew\nline",
            "ü ∑ 🙂",
            "%41",
            "",
        ] {
            assert_eq!(unescape(&escape(value)), value, "{value:?}");
        }
        assert_eq!(escape("2024-01-01 00:00:00"), "2024-01-01 00%3A00%3A00");
        assert_eq!(escape("a/b"), "a%2Fb");
        assert_eq!(escape("plain value"), "plain value");
    }

    #[test]
    fn invalid_escapes_stay_as_written() {
        assert_eq!(unescape("a%2Fb%"), "a/b%");
        assert_eq!(unescape("%zz"), "%zz");
        assert_eq!(unescape("%ff%fe"), "%ff%fe");
    }

    #[test]
    fn components() {
        assert_eq!(
            parse_component("TS=a%2Fb", 0),
            ("ts".to_owned(), "a/b".to_owned())
        );
        assert_eq!(
            parse_component("k=", 1),
            ("k".to_owned(), DEFAULT_PARTITION.to_owned())
        );
        assert_eq!(
            parse_component("2024", 2),
            ("partition_2".to_owned(), "2024".to_owned())
        );
        assert!(is_component("ts=a%2Fb", "ts", "a/b"));
        assert!(is_component("ts=a%20b", "ts", "a b"));
        assert!(!is_component("ts=a%2Fb", "ts", "a%2Fb"));
        assert!(is_component("Ä=1", "ä", "1"));
        assert!(is_component("k=", "k", DEFAULT_PARTITION));
        assert!(!is_component("k", "partition_0", "k"));
    }
}
