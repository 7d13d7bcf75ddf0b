//! Calendar arithmetic in UTC: RFC 3339 timestamps, dates and ISO weeks.
//!
//! Timestamps are whole seconds since 1970-01-01T00:00:00Z (`i64`). The calendar is the
//! proleptic Gregorian one; day counts use the civil-from-days algorithm, so no table and
//! no time-zone database is needed.

use std::fmt;
use std::str::FromStr;

pub(crate) const DAY: i64 = 86_400;

/// A calendar date in UTC, from 0000-01-01 to 9999-12-31.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since 1970-01-01.
    days: i32,
}

const MIN_DAYS: i64 = -719_528; // 0000-01-01
const MAX_DAYS: i64 = 2_932_896; // 9999-12-31

impl Date {
    /// The date of a year, month (1 to 12) and day, if it exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(0..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { days: days_from_civil(year, month, day) as i32 })
    }

    /// The UTC date of a timestamp (seconds since the epoch), if within the supported years.
    pub fn of_timestamp(seconds: i64) -> Option<Date> {
        Date::from_days(seconds.div_euclid(DAY))
    }

    pub(crate) fn from_days(days: i64) -> Option<Date> {
        (MIN_DAYS..=MAX_DAYS).contains(&days).then_some(Date { days: days as i32 })
    }

    /// Year, month, day.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(i64::from(self.days))
    }

    /// Days since 1970-01-01.
    pub(crate) fn days(self) -> i64 {
        i64::from(self.days)
    }

    /// The first second of the day, as a timestamp.
    pub(crate) fn start(self) -> i64 {
        self.days() * DAY
    }

    /// Days since Monday: 0 for Monday to 6 for Sunday.
    pub(crate) fn weekday(self) -> i64 {
        // 1970-01-01 was a Thursday.
        (self.days() + 3).rem_euclid(7)
    }

    /// The ISO 8601 week-numbering year and week (1 to 53) of the date.
    pub(crate) fn iso_week(self) -> (i32, u32) {
        // The ISO year is the one of the week's Thursday.
        let thursday = self.days() - self.weekday() + 3;
        let (year, _, _) = civil_from_days(thursday);
        let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
        (year, week as u32)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Date {
    type Err = String;

    /// Reads `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let bad = || format!("bad date {s:?}: expected YYYY-MM-DD");
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let year = digits(&b[0..4]).ok_or_else(bad)?;
        let month = digits(&b[5..7]).ok_or_else(bad)?;
        let day = digits(&b[8..10]).ok_or_else(bad)?;
        Date::from_ymd(year as i32, month, day).ok_or_else(|| format!("bad date {s:?}: no such day"))
    }
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a valid civil date.
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// The value of a run of ASCII digits, if all are digits.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}

/// Reads an RFC 3339 timestamp (`2024-03-04T10:40:00Z`, `2024-03-04T11:40:00+01:00`) into
/// UTC seconds since the epoch, as the bulk reader does: for adapters that build events from
/// other sources. The error says what is wrong.
pub fn timestamp_from_rfc3339(text: &str) -> Result<i64, &'static str> {
    parse_timestamp(text.as_bytes())
}

/// Reads an RFC 3339 timestamp (`2024-03-04T10:40:00Z`, `2024-03-04T11:40:00.5+01:00`) into
/// UTC seconds. A fraction of a second is dropped (the time is floored to its second);
/// `t` and a space are accepted for `T`, `z` for `Z`; a leap second (`:60`) counts as the
/// first second of the next minute.
pub(crate) fn parse_timestamp(s: &[u8]) -> Result<i64, &'static str> {
    const SHAPE: &str = "expected an RFC 3339 timestamp like 2024-03-04T10:40:00Z";
    if s.len() < 20 || s[4] != b'-' || s[7] != b'-' || s[13] != b':' || s[16] != b':' {
        return Err(SHAPE);
    }
    if !matches!(s[10], b'T' | b't' | b' ') {
        return Err(SHAPE);
    }
    let field = |r: std::ops::Range<usize>| digits(&s[r]).ok_or(SHAPE);
    let (year, month, day) = (field(0..4)?, field(5..7)?, field(8..10)?);
    let (hour, minute, second) = (field(11..13)?, field(14..16)?, field(17..19)?);
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    if day == 0 || day > days_in_month(year as i32, month) {
        return Err("day out of range");
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err("time of day out of range");
    }
    let mut rest = &s[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(SHAPE);
        }
        rest = &rest[1 + n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = digits(&[*h1, *h2]).ok_or(SHAPE)?;
            let m = digits(&[*m1, *m2]).ok_or(SHAPE)?;
            if h > 23 || m > 59 {
                return Err("time zone offset out of range");
            }
            let seconds = i64::from(h * 3600 + m * 60);
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return Err("expected a time zone: Z or an offset like +01:00"),
    };
    let days = days_from_civil(year as i32, month, day);
    Ok(days * DAY + i64::from(hour * 3600 + minute * 60 + second) - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Result<i64, &'static str> {
        parse_timestamp(s.as_bytes())
    }

    #[test]
    fn epoch_and_known_instants() {
        assert_eq!(ts("1970-01-01T00:00:00Z"), Ok(0));
        // 2024-03-04 is 19786 days after the epoch: 54 years of 365 days = 19710, plus 13
        // leap days (1972..=2020), plus 31 (January) + 29 (February 2024) + 3.
        assert_eq!(ts("2024-03-04T10:40:00Z"), Ok(19_786 * DAY + 10 * 3600 + 40 * 60));
        assert_eq!(ts("2024-03-04t10:40:00z"), ts("2024-03-04T10:40:00Z"));
        assert_eq!(ts("2024-03-04 10:40:00Z"), ts("2024-03-04T10:40:00Z"));
        assert_eq!(timestamp_from_rfc3339("2024-03-04T10:40:00Z"), ts("2024-03-04T10:40:00Z"));
    }

    #[test]
    fn offsets_convert_to_utc() {
        assert_eq!(ts("2024-03-04T11:40:00+01:00"), ts("2024-03-04T10:40:00Z"));
        assert_eq!(ts("2024-03-03T23:10:00-11:30"), ts("2024-03-04T10:40:00Z"));
        assert_eq!(ts("2024-03-04T10:40:00.999Z"), ts("2024-03-04T10:40:00Z"));
        assert_eq!(ts("2024-03-04T10:40:00.5+00:00"), ts("2024-03-04T10:40:00Z"));
    }

    #[test]
    fn rejects_malformed_timestamps() {
        for bad in [
            "2024-03-04",
            "2024-03-04T10:40:00",
            "2024-13-04T10:40:00Z",
            "2023-02-29T10:40:00Z",
            "2024-03-04T24:00:00Z",
            "2024-03-04T10:40:00+1:00",
            "2024-03-04T10:40:00+24:00",
            "2024-03-04T10:40:00.Z",
            "2024-03-04X10:40:00Z",
            "２024-03-04T10:40:00Z",
            "2024-03-04T10:40:00Zjunk",
        ] {
            assert!(ts(bad).is_err(), "{bad} accepted");
        }
        assert!(ts("2024-02-29T10:40:00Z").is_ok());
    }

    #[test]
    fn dates_round_trip_and_iso_weeks() {
        let d: Date = "2024-03-04".parse().unwrap();
        assert_eq!(d.days(), 19_786);
        assert_eq!(d.weekday(), 0, "a Monday");
        assert_eq!(d.to_string(), "2024-03-04");
        assert_eq!(d.iso_week(), (2024, 10));
        // 2024-12-30 is the Monday of week 1 of 2025; 2021-01-03 (a Sunday) in 2020-W53.
        assert_eq!("2024-12-30".parse::<Date>().unwrap().iso_week(), (2025, 1));
        assert_eq!("2021-01-03".parse::<Date>().unwrap().iso_week(), (2020, 53));
        assert_eq!(Date::from_ymd(2023, 2, 29), None);
        assert!("2024-3-04".parse::<Date>().is_err());
        for days in [-719_528, -1, 0, 59, 60, 11_016, 2_932_896] {
            let d = Date::from_days(days).unwrap();
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(d));
        }
    }
}
