//! `--infer-temporal`: which strings are ISO-8601 dates and timestamps, and in which written form.
//!
//! Only the strict shapes `YYYY-MM-DD` and `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|±HH:MM]` count, with
//! the calendar checked (`2024-02-30` is text). Anything looser (`2024-1-5`, `+0200`, week dates)
//! stays `string`: every reader a crawled table is meant for parses these shapes the same way, and
//! a column is typed temporal only when each sampled value parses. The form (separator, digits of
//! the fraction, zone) is kept because text SerDes need to be told the patterns they meet.

use chrono::{NaiveDate, NaiveTime};

use super::DataType;

/// What a timestamp says about its time zone.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Zone {
    /// No zone: a local time, read as is.
    None,
    /// `Z`.
    Utc,
    /// `+HH:MM` or `-HH:MM`.
    Offset,
}

/// How one timestamp string is written.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct TimestampForm {
    /// `T` between date and time (else a space).
    pub t_separator: bool,
    /// Digits after the seconds' decimal point; 0 when there is none.
    pub fraction_digits: u8,
    pub zone: Zone,
}

/// A string's temporal reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Temporal {
    Date,
    Timestamp(TimestampForm),
}

impl Temporal {
    pub fn data_type(self) -> DataType {
        match self {
            Temporal::Date => DataType::Date,
            Temporal::Timestamp(_) => DataType::Timestamp,
        }
    }
}

/// `text` as a date or timestamp, or `None` when it is neither (or not a real calendar day/time).
pub fn temporal(text: &str) -> Option<Temporal> {
    let bytes = text.as_bytes();
    let date = parse_date(bytes.get(..10)?)?;
    if bytes.len() == 10 {
        return date.map(|_| Temporal::Date);
    }
    date?;
    let t_separator = match bytes[10] {
        b'T' => true,
        b' ' => false,
        _ => return None,
    };
    let time = bytes.get(11..19)?;
    if time[2] != b':' || time[5] != b':' {
        return None;
    }
    let (hour, minute, second) = (
        two_digits(&time[0..2])?,
        two_digits(&time[3..5])?,
        two_digits(&time[6..8])?,
    );
    // chrono takes second 60 as a leap second; Athena and Arrow do not.
    if second > 59 {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, second)?;
    let mut rest = &bytes[19..];
    let mut fraction_digits = 0u8;
    if let Some(after_point) = rest.strip_prefix(b".") {
        let digits = after_point
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        fraction_digits = digits as u8;
        rest = &after_point[digits..];
    }
    let zone = match rest {
        [] => Zone::None,
        [b'Z'] => Zone::Utc,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let hours = two_digits(&[*h1, *h2])?;
            let minutes = two_digits(&[*m1, *m2])?;
            if hours > 18 || minutes > 59 {
                return None;
            }
            Zone::Offset
        }
        _ => return None,
    };
    Some(Temporal::Timestamp(TimestampForm {
        t_separator,
        fraction_digits,
        zone,
    }))
}

/// `Some(Some(date))` for a valid `YYYY-MM-DD`, `Some(None)` for the right shape on a day the
/// calendar lacks, `None` for another shape.
fn parse_date(bytes: &[u8]) -> Option<Option<NaiveDate>> {
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = bytes[..4].iter().try_fold(0i32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i32::from(b - b'0'))
    })?;
    let month = two_digits(&bytes[5..7])?;
    let day = two_digits(&bytes[8..10])?;
    Some(NaiveDate::from_ymd_opt(year, month, day))
}

fn two_digits(bytes: &[u8]) -> Option<u32> {
    match bytes {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(t_separator: bool, fraction_digits: u8, zone: Zone) -> Option<Temporal> {
        Some(Temporal::Timestamp(TimestampForm {
            t_separator,
            fraction_digits,
            zone,
        }))
    }

    #[test]
    fn dates_are_full_calendar_days() {
        assert_eq!(temporal("2024-01-01"), Some(Temporal::Date));
        assert_eq!(temporal("2024-02-29"), Some(Temporal::Date), "leap year");
        assert_eq!(temporal("2023-02-29"), None, "not a leap year");
        assert_eq!(temporal("2024-13-01"), None);
        assert_eq!(temporal("2024-1-05"), None);
        assert_eq!(temporal("20240105"), None);
        assert_eq!(temporal("2024-01-05 "), None, "trailing space");
        assert_eq!(temporal(" 2024-01-05"), None);
        assert_eq!(temporal("２０２４-01-05"), None, "non-ASCII digits");
    }

    #[test]
    fn timestamps_record_their_form() {
        assert_eq!(temporal("2024-01-01 10:11:12"), form(false, 0, Zone::None));
        assert_eq!(temporal("2024-01-01T10:11:12"), form(true, 0, Zone::None));
        assert_eq!(temporal("2024-01-01T10:11:12.5Z"), form(true, 1, Zone::Utc));
        assert_eq!(
            temporal("2024-01-01T10:11:12.123456789+05:30"),
            form(true, 9, Zone::Offset)
        );
        assert_eq!(
            temporal("2024-01-01 10:11:12.123-08:00"),
            form(false, 3, Zone::Offset)
        );
    }

    #[test]
    fn near_misses_stay_text() {
        for text in [
            "2024-01-01T10:11",
            "2024-01-01T24:00:00",
            "2024-01-01T10:60:00",
            "2024-12-31T23:59:60Z",
            "2024-01-01T10:11:12.",
            "2024-01-01T10:11:12.1234567890",
            "2024-01-01T10:11:12+0200",
            "2024-01-01T10:11:12+02",
            "2024-01-01T10:11:12z",
            "2024-01-01T10:11:12 UTC",
            "2024-01-01T10:11:12+19:00",
            "2024-01-01X10:11:12",
            "2024-02-30T10:11:12",
            "",
            "2024",
            "x",
        ] {
            assert_eq!(temporal(text), None, "{text:?}");
        }
    }
}
