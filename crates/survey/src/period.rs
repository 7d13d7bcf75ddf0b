//! Calendar periods in UTC: months, quarters, half-years and years.
//!
//! Timestamps are whole seconds since 1970-01-01T00:00:00Z. Days are counted with the
//! days-from-civil algorithm over the proleptic Gregorian calendar, so no time-zone
//! database is needed. Years 1 to 9999 are supported, which keeps every period key four
//! digits wide.

use std::fmt;
use std::str::FromStr;

const DAY: i64 = 86_400;
const FIRST_YEAR: i64 = 1;
const LAST_YEAR: i64 = 9999;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// Days since 1970-01-01.
    pub(crate) fn days(self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }

    pub(crate) fn from_days(days: i64) -> Date {
        let (year, month, day) = civil_from_days(days);
        // Callers stay within years 1 to 9999, where the year fits.
        Date { year: year as i32, month, day }
    }
}

/// How often a survey comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cadence {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Cadence {
    /// The name used in survey files: `month`, `quarter`, `half-year`, `year`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Month => "month",
            Cadence::Quarter => "quarter",
            Cadence::HalfYear => "half-year",
            Cadence::Year => "year",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Cadence> {
        [Cadence::Month, Cadence::Quarter, Cadence::HalfYear, Cadence::Year].into_iter().find(|c| c.as_str() == name)
    }

    fn months(self) -> u32 {
        match self {
            Cadence::Month => 1,
            Cadence::Quarter => 3,
            Cadence::HalfYear => 6,
            Cadence::Year => 12,
        }
    }

    /// Days in the shortest period of this cadence (February, the first quarter or
    /// half-year of a common year, a common year).
    pub(crate) fn shortest_days(self) -> u32 {
        match self {
            Cadence::Month => 28,
            Cadence::Quarter => 90,
            Cadence::HalfYear => 181,
            Cadence::Year => 365,
        }
    }
}

/// One occurrence of a survey: `2026-11`, `2026-Q4`, `2026-H2` or `2026`.
///
/// Periods of one cadence sort in time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    cadence: Cadence,
    year: i32,
    /// 1-based rank in the year: month 1 to 12, quarter 1 to 4, half 1 to 2, or 1.
    index: u32,
}

impl Period {
    /// The period of this cadence that holds the timestamp, if its year is 1 to 9999.
    pub fn containing(cadence: Cadence, timestamp: i64) -> Option<Period> {
        let (year, month, _) = civil_from_days(timestamp.div_euclid(DAY));
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return None;
        }
        Some(Period { cadence, year: year as i32, index: (month - 1) / cadence.months() + 1 })
    }

    pub fn cadence(self) -> Cadence {
        self.cadence
    }

    pub fn first_day(self) -> Date {
        Date { year: self.year, month: self.first_month(), day: 1 }
    }

    pub fn last_day(self) -> Date {
        let month = self.first_month() + self.cadence.months() - 1;
        Date { year: self.year, month, day: days_in_month(self.year, month) }
    }

    /// The period before, if it is within the supported years.
    pub fn previous(self) -> Option<Period> {
        if self.index > 1 {
            Some(Period { index: self.index - 1, ..self })
        } else if i64::from(self.year) > FIRST_YEAR {
            Some(Period { year: self.year - 1, index: self.per_year(), ..self })
        } else {
            None
        }
    }

    /// The period after, if it is within the supported years.
    pub fn next(self) -> Option<Period> {
        if self.index < self.per_year() {
            Some(Period { index: self.index + 1, ..self })
        } else if i64::from(self.year) < LAST_YEAR {
            Some(Period { year: self.year + 1, index: 1, ..self })
        } else {
            None
        }
    }

    /// The `count` periods that end with this one, oldest first (fewer near year 1).
    pub fn history(self, count: usize) -> Vec<Period> {
        let mut periods: Vec<Period> = std::iter::successors(Some(self), |p| p.previous()).take(count).collect();
        periods.reverse();
        periods
    }

    fn first_month(self) -> u32 {
        (self.index - 1) * self.cadence.months() + 1
    }

    fn per_year(self) -> u32 {
        12 / self.cadence.months()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cadence {
            Cadence::Month => write!(f, "{:04}-{:02}", self.year, self.index),
            Cadence::Quarter => write!(f, "{:04}-Q{}", self.year, self.index),
            Cadence::HalfYear => write!(f, "{:04}-H{}", self.year, self.index),
            Cadence::Year => write!(f, "{:04}", self.year),
        }
    }
}

impl FromStr for Period {
    type Err = String;

    /// Reads a key as [`Period`]'s `Display` writes it; the cadence follows from its shape.
    fn from_str(s: &str) -> Result<Period, String> {
        let bad = || format!("bad period {s:?}: expected 2026-11, 2026-Q4, 2026-H2 or 2026");
        let b = s.as_bytes();
        if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let year = b[..4].iter().fold(0i32, |n, d| n * 10 + i32::from(d - b'0'));
        let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
        let (cadence, index) = match &b[4..] {
            [] => (Cadence::Year, Some(1)),
            [b'-', b'Q', d] => (Cadence::Quarter, digit(*d)),
            [b'-', b'H', d] => (Cadence::HalfYear, digit(*d)),
            [b'-', d1, d2] => (Cadence::Month, digit(*d1).zip(digit(*d2)).map(|(a, b)| a * 10 + b)),
            _ => return Err(bad()),
        };
        let period = Period { cadence, year, index: index.ok_or_else(bad)? };
        if year < 1 || period.index < 1 || period.index > period.per_year() {
            return Err(bad());
        }
        Ok(period)
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

/// Days since 1970-01-01 of a civil date (the year shifted to start in March, so that
/// the leap day falls at the end).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let m = i64::from(month);
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of a day count; the inverse of [`days_from_civil`]. The year is wide
/// enough for any `i64` timestamp divided into days.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    fn key(cadence: Cadence, timestamp: i64) -> String {
        Period::containing(cadence, timestamp).unwrap().to_string()
    }

    // Hand-worked: 2026-12-31 is day 20818 since 1970-01-01 (56 years of 365 days = 20440,
    // plus 14 leap days 1972..=2024 = 20454 days to 2026-01-01, plus 364).
    const END_OF_2026: i64 = 20_818 * DAY + 86_399;

    #[test]
    fn day_counts_match_hand_worked_dates() {
        assert_eq!(date(1970, 1, 1).days(), 0);
        assert_eq!(date(2026, 1, 1).days(), 20_454);
        assert_eq!(date(2026, 12, 31).days(), 20_818);
        assert_eq!(date(1969, 12, 31).days(), -1);
        // 2000 is a leap year (divisible by 400): 30 years after 1970 with 7 leap days.
        assert_eq!(date(2000, 3, 1).days(), 30 * 365 + 7 + 31 + 29);
        assert_eq!(Date::from_days(20_818), date(2026, 12, 31));
        assert_eq!(Date::from_days(30 * 365 + 7 + 31 + 28), date(2000, 2, 29));
    }

    #[test]
    fn the_last_second_of_a_year_and_the_first_of_the_next() {
        assert_eq!(key(Cadence::Quarter, END_OF_2026), "2026-Q4");
        assert_eq!(key(Cadence::Quarter, END_OF_2026 + 1), "2027-Q1");
        assert_eq!(key(Cadence::Month, END_OF_2026), "2026-12");
        assert_eq!(key(Cadence::Month, END_OF_2026 + 1), "2027-01");
        assert_eq!(key(Cadence::HalfYear, END_OF_2026), "2026-H2");
        assert_eq!(key(Cadence::HalfYear, END_OF_2026 + 1), "2027-H1");
        assert_eq!(key(Cadence::Year, END_OF_2026), "2026");
        assert_eq!(key(Cadence::Year, END_OF_2026 + 1), "2027");
    }

    #[test]
    fn quarter_and_half_year_boundaries() {
        // 2026-04-01 is day 20454 + 31 + 28 + 31 = 20544; 2026-07-01 is 20544 + 30 + 31 + 30.
        assert_eq!(key(Cadence::Quarter, 20_544 * DAY - 1), "2026-Q1");
        assert_eq!(key(Cadence::Quarter, 20_544 * DAY), "2026-Q2");
        assert_eq!(key(Cadence::HalfYear, 20_635 * DAY - 1), "2026-H1");
        assert_eq!(key(Cadence::HalfYear, 20_635 * DAY), "2026-H2");
        assert_eq!(key(Cadence::Quarter, 20_635 * DAY), "2026-Q3");
    }

    #[test]
    fn times_before_1970_fall_in_their_own_period() {
        assert_eq!(key(Cadence::Month, -1), "1969-12");
        assert_eq!(key(Cadence::Quarter, -1), "1969-Q4");
        assert_eq!(key(Cadence::Year, 0), "1970");
    }

    #[test]
    fn first_and_last_days_follow_leap_years() {
        let feb_2024: Period = "2024-02".parse().unwrap();
        assert_eq!(feb_2024.last_day(), date(2024, 2, 29));
        let feb_2026: Period = "2026-02".parse().unwrap();
        assert_eq!(feb_2026.last_day(), date(2026, 2, 28));
        let feb_1900: Period = "1900-02".parse().unwrap();
        assert_eq!(feb_1900.last_day(), date(1900, 2, 28));
        let q4: Period = "2026-Q4".parse().unwrap();
        assert_eq!((q4.first_day(), q4.last_day()), (date(2026, 10, 1), date(2026, 12, 31)));
        let h1: Period = "2026-H1".parse().unwrap();
        assert_eq!((h1.first_day(), h1.last_day()), (date(2026, 1, 1), date(2026, 6, 30)));
        let year: Period = "2026".parse().unwrap();
        assert_eq!(
            (year.first_day().to_string(), year.last_day().to_string()),
            ("2026-01-01".into(), "2026-12-31".into())
        );
        // The leap day itself belongs to February and to the first quarter.
        let leap_day = date(2024, 2, 29).days() * DAY + 43_200;
        assert_eq!(key(Cadence::Month, leap_day), "2024-02");
        assert_eq!(key(Cadence::Quarter, leap_day), "2024-Q1");
    }

    #[test]
    fn previous_next_and_history_cross_years() {
        let q1: Period = "2027-Q1".parse().unwrap();
        assert_eq!(q1.previous().unwrap().to_string(), "2026-Q4");
        assert_eq!(q1.previous().unwrap().next(), Some(q1));
        let history: Vec<String> = q1.history(3).iter().map(Period::to_string).collect();
        assert_eq!(history, ["2026-Q3", "2026-Q4", "2027-Q1"]);
        let jan: Period = "2027-01".parse().unwrap();
        assert_eq!(jan.previous().unwrap().to_string(), "2026-12");
        let h1: Period = "2027-H1".parse().unwrap();
        assert_eq!(h1.previous().unwrap().to_string(), "2026-H2");
        assert_eq!("0001-01".parse::<Period>().unwrap().previous(), None);
        assert_eq!("9999-Q4".parse::<Period>().unwrap().next(), None);
        assert_eq!("0001-Q2".parse::<Period>().unwrap().history(5).len(), 2);
        assert!(q1.history(0).is_empty());
    }

    #[test]
    fn keys_read_back_and_bad_keys_are_refused() {
        for text in ["2026-11", "2026-01", "2026-Q4", "2026-H2", "2026", "0001-Q1", "9999-12"] {
            assert_eq!(text.parse::<Period>().unwrap().to_string(), text);
        }
        for text in [
            "", "26", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "2026-H3", "2026-1", "0000", "2026-q4", "2026-Q4 ",
            "ABCD",
        ] {
            assert!(text.parse::<Period>().is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn extreme_timestamps_have_no_period() {
        assert_eq!(Period::containing(Cadence::Quarter, i64::MIN), None);
        assert_eq!(Period::containing(Cadence::Quarter, i64::MAX), None);
        // 0001-01-01 is day -719162, 9999-12-31 is day 2932896.
        assert_eq!(key(Cadence::Month, -719_162 * DAY), "0001-01");
        assert_eq!(Period::containing(Cadence::Month, -719_162 * DAY - 1), None);
        assert_eq!(key(Cadence::Year, 2_932_896 * DAY + 86_399), "9999");
        assert_eq!(Period::containing(Cadence::Year, 2_932_897 * DAY), None);
    }
}
