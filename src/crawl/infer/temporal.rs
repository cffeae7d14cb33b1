//! `--infer-temporal` against the table's SerDe: a `timestamp` column keeps its type only when
//! the SerDe reads every form its values were written in; the forms kept become the SerDe's
//! `timestamp.formats` (see `table.rs`).
//!
//! What reads what, from Trino's `lib/trino-hive-formats` (Athena engine 3 is Trino):
//! - OpenX JSON (`openxjson/OpenXJsonDeserializer`): the `timestamp.formats` patterns first
//!   (java.time), then, always, ISO `yyyy-MM-dd'T'HH:mm:ss[.f]` with `Z` or `±HH:MM` and Hive's
//!   `yyyy-MM-dd HH:mm:ss[.f]`. A space before the time *and* an offset matches none of these
//!   (its pattern, Joda `ZZ`, means `+HHMM` to java.time), so such a column stays `string`.
//! - LazySimpleSerDe (`HiveFormatUtils.createTimestampParser`): the `timestamp.formats` patterns
//!   (Joda), then Hive's default; every form here has a Joda pattern.
//! - OpenCSVSerDe (quoted CSV): `date` only as days since 1970-01-01 and `timestamp` only as UNIX
//!   milliseconds (Athena's "CSV SerDe libraries" page); lakeops already types its columns
//!   `string` (R10).

use std::collections::{BTreeMap, BTreeSet};

use crate::crawl::{Warning, WarningCode};
use crate::schema::{push_path, DataType, Field, TimestampForm, Zone};

/// The pattern `timestamp.formats` gives for `form`. It must not fail to compile in either
/// pattern language (Joda in Hive and LazySimpleSerDe, java.time in Trino's OpenX reader):
/// letters mean the same in both here, except `ZZ`, which java.time reads as `+HHMM`, where the
/// OpenX reader's built-in ISO parser takes over.
pub fn timestamp_pattern(form: &TimestampForm) -> String {
    let mut pattern = String::from(if form.t_separator {
        "yyyy-MM-dd'T'HH:mm:ss"
    } else {
        "yyyy-MM-dd HH:mm:ss"
    });
    if form.fraction_digits > 0 {
        pattern.push('.');
        pattern.extend(std::iter::repeat_n('S', usize::from(form.fraction_digits)));
    }
    pattern.push_str(match form.zone {
        Zone::None => "",
        // A literal: java.time's `ZZ` would not take `Z`, and both pattern languages read a
        // zone-less value in UTC, which is what `Z` means.
        Zone::Utc => "'Z'",
        Zone::Offset => "ZZ",
    });
    pattern
}

/// The form every text SerDe reads without being told (`java.sql.Timestamp`'s): listing it
/// would only make Joda-based readers parse it first, to milliseconds.
pub fn needs_pattern(form: &TimestampForm) -> bool {
    form.t_separator || form.zone != Zone::None
}

/// Whether Athena's OpenX JSON SerDe reads `form` (given `timestamp.formats`).
fn openx_reads(form: &TimestampForm) -> bool {
    form.t_separator || form.zone != Zone::Offset
}

/// JSON: every `timestamp` field whose forms the OpenX SerDe cannot all read becomes `string`,
/// with a warning; returns the forms of the fields that stay `timestamp`.
pub(super) fn settle_json(
    fields: &mut [Field],
    forms: &BTreeMap<String, BTreeSet<TimestampForm>>,
    warnings: &mut Vec<Warning>,
) -> BTreeSet<TimestampForm> {
    let mut kept = BTreeSet::new();
    let mut path = String::new();
    for field in fields {
        let len = path.len();
        push_path(&mut path, &field.name);
        settle(&mut field.data_type, &mut path, forms, &mut kept, warnings);
        path.truncate(len);
    }
    kept
}

fn settle(
    ty: &mut DataType,
    path: &mut String,
    forms: &BTreeMap<String, BTreeSet<TimestampForm>>,
    kept: &mut BTreeSet<TimestampForm>,
    warnings: &mut Vec<Warning>,
) {
    match ty {
        DataType::Timestamp => {
            let seen = forms.get(path.as_str());
            match seen.into_iter().flatten().find(|f| !openx_reads(f)) {
                Some(unread) => {
                    warnings.push(Warning::new(
                        WarningCode::TemporalUnreadable,
                        format!(
                            "{path}: timestamps written as {} (a space before the time and a UTC offset) are read as NULL by Athena's OpenX JSON SerDe; the column stays string",
                            timestamp_pattern(unread)
                        ),
                    ));
                    *ty = DataType::String;
                }
                None => kept.extend(seen.into_iter().flatten().copied()),
            }
        }
        DataType::Array(element) => {
            path.push_str("[]");
            settle(element, path, forms, kept, warnings);
            path.truncate(path.len() - 2);
        }
        DataType::Struct(fields) => {
            for field in fields {
                let len = path.len();
                push_path(path, &field.name);
                settle(&mut field.data_type, path, forms, kept, warnings);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// CSV: quoted files need OpenCSVSerDe, which reads no ISO-8601 text as `date` or `timestamp`;
/// the warning says why a column that looked temporal is `string`.
pub(super) fn opencsv_warning(column: &str, ty: &DataType) -> Option<Warning> {
    matches!(ty, DataType::Date | DataType::Timestamp).then(|| {
        Warning::new(
            WarningCode::TemporalUnreadable,
            format!(
                "{column}: ISO-8601 {ty} values, but the file has quoted fields, so the table uses OpenCSVSerDe, which reads date only as days since 1970-01-01 and timestamp only as UNIX milliseconds; the column stays string"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{temporal, Temporal};

    fn form(text: &str) -> TimestampForm {
        match temporal(text) {
            Some(Temporal::Timestamp(form)) => form,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn patterns_spell_each_form() {
        for (text, pattern) in [
            ("2024-01-31T10:00:00", "yyyy-MM-dd'T'HH:mm:ss"),
            ("2024-01-31T10:00:00Z", "yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ("2024-01-31T10:00:00.123Z", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"),
            (
                "2024-01-31T10:00:00.123456+02:00",
                "yyyy-MM-dd'T'HH:mm:ss.SSSSSSZZ",
            ),
            ("2024-01-31 10:00:00.5", "yyyy-MM-dd HH:mm:ss.S"),
            ("2024-01-31 10:00:00-08:00", "yyyy-MM-dd HH:mm:ssZZ"),
        ] {
            assert_eq!(timestamp_pattern(&form(text)), pattern, "{text}");
        }
        assert!(!needs_pattern(&form("2024-01-31 10:00:00.5")));
        assert!(needs_pattern(&form("2024-01-31T10:00:00")));
        assert!(needs_pattern(&form("2024-01-31 10:00:00Z")));
    }

    #[test]
    fn a_space_and_an_offset_keep_a_json_column_string() {
        let mut fields = vec![
            Field::new("ok", DataType::Timestamp),
            Field::new(
                "s",
                DataType::Struct(vec![Field::new(
                    "when",
                    DataType::Array(Box::new(DataType::Timestamp)),
                )]),
            ),
        ];
        let forms = BTreeMap::from([
            (
                "ok".to_owned(),
                BTreeSet::from([form("2024-01-31T10:00:00Z"), form("2024-01-31 10:00:00")]),
            ),
            (
                "s.when[]".to_owned(),
                BTreeSet::from([form("2024-01-31 10:00:00+02:00")]),
            ),
        ]);
        let mut warnings = Vec::new();
        let kept = settle_json(&mut fields, &forms, &mut warnings);
        assert_eq!(fields[0].data_type, DataType::Timestamp);
        assert_eq!(
            fields[1].data_type.to_string(),
            "struct<when:array<string>>"
        );
        assert_eq!(
            kept,
            BTreeSet::from([form("2024-01-31T10:00:00Z"), form("2024-01-31 10:00:00")])
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code(), WarningCode::TemporalUnreadable);
        assert!(
            warnings[0]
                .message
                .starts_with("s.when[]: timestamps written as yyyy-MM-dd HH:mm:ssZZ"),
            "{}",
            warnings[0].message
        );
    }
}
