//! DORA performance levels, read from one versioned table (`levels.json`, embedded): one
//! entry per report year, so a later report's thresholds are a data change.
//!
//! Rules a metric can have in the table:
//! - `at_least_once_every_days` (deployment frequency, per day): the first level whose
//!   "at least one deployment every N days" holds;
//! - `below_hours` (lead time, recovery time): the first level whose bound exceeds the value;
//! - `nearest` (change failure rate): the level whose typical value is nearest, ties to the
//!   better level.
//!
//! Each gives `elite`, `high` and `medium`, in that order of preference, and a value that
//! meets none is `low`. A metric without a rule has no level.

use std::fmt;

use crate::json::{Scanner, Value};
use crate::report::Row;

const TABLE: &str = include_str!("levels.json");

/// A DORA performance level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Performance {
    Elite,
    High,
    Medium,
    Low,
}

impl Performance {
    pub fn as_str(self) -> &'static str {
        match self {
            Performance::Elite => "elite",
            Performance::High => "high",
            Performance::Medium => "medium",
            Performance::Low => "low",
        }
    }
}

impl fmt::Display for Performance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A figure that can have a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Deployments per day.
    DeploymentFrequency,
    /// Median lead time for changes, hours.
    LeadTime,
    /// Failed over all production deployments.
    ChangeFailureRate,
    /// Median recovery time, hours.
    RecoveryTime,
    /// Rework over all production deployments.
    ReworkRate,
}

impl Metric {
    const ALL: [(Metric, &'static str); 5] = [
        (Metric::DeploymentFrequency, "deployment_frequency"),
        (Metric::LeadTime, "lead_time"),
        (Metric::ChangeFailureRate, "change_failure_rate"),
        (Metric::RecoveryTime, "recovery_time"),
        (Metric::ReworkRate, "rework_rate"),
    ];
}

#[derive(Debug, Clone, PartialEq)]
enum Rule {
    AtLeastOnceEveryDays([f64; 3]),
    BelowHours([f64; 3]),
    Nearest([f64; 4]),
}

const LEVELS: [Performance; 4] = [Performance::Elite, Performance::High, Performance::Medium, Performance::Low];

impl Rule {
    fn level(&self, value: f64) -> Performance {
        match self {
            // A relative margin keeps count / days * N == 1 (say 13 in 91 days, every 7)
            // from missing its level by a rounding error.
            Rule::AtLeastOnceEveryDays(every) => LEVELS
                .into_iter()
                .zip(every)
                .find(|(_, &n)| value * n >= 1.0 - 1e-12)
                .map_or(Performance::Low, |(l, _)| l),
            Rule::BelowHours(bounds) => {
                LEVELS.into_iter().zip(bounds).find(|(_, &b)| value < b).map_or(Performance::Low, |(l, _)| l)
            }
            Rule::Nearest(typical) => {
                let mut best = (f64::INFINITY, Performance::Low);
                for (level, t) in LEVELS.into_iter().zip(typical) {
                    let distance = (value - t).abs();
                    if distance < best.0 {
                        best = (distance, level);
                    }
                }
                best.1
            }
        }
    }
}

/// The thresholds of one report.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub year: u16,
    pub source: String,
    rules: Vec<(Metric, Rule)>,
}

/// The level of each figure of a row (`None`: no figure, or no rule for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowLevels {
    pub deployment_frequency: Option<Performance>,
    pub lead_time: Option<Performance>,
    pub change_failure_rate: Option<Performance>,
    pub recovery_time: Option<Performance>,
    /// The incident-based recovery read against the recovery-time rule.
    pub incident_recovery_time: Option<Performance>,
    pub rework_rate: Option<Performance>,
}

impl Thresholds {
    /// The level of `value` for `metric`, if the table has a rule for it.
    pub fn level(&self, metric: Metric, value: f64) -> Option<Performance> {
        self.rules.iter().find(|(m, _)| *m == metric).map(|(_, rule)| rule.level(value))
    }

    /// The levels of a row's figures: deployment frequency, median lead time, change failure
    /// rate, median recovery times and rework rate.
    pub fn row_levels(&self, row: &Row) -> RowLevels {
        let level = |metric, value: Option<f64>| value.and_then(|v| self.level(metric, v));
        RowLevels {
            deployment_frequency: level(Metric::DeploymentFrequency, Some(row.deployments_per_day)),
            lead_time: level(Metric::LeadTime, row.lead_time_median_hours),
            change_failure_rate: level(Metric::ChangeFailureRate, row.change_failure_rate),
            recovery_time: level(Metric::RecoveryTime, row.recovery_median_hours),
            incident_recovery_time: level(Metric::RecoveryTime, row.incident_recovery_median_hours),
            rework_rate: level(Metric::ReworkRate, row.rework_rate),
        }
    }
}

/// The thresholds of every report year known.
#[derive(Debug, Clone, PartialEq)]
pub struct PerformanceLevels {
    /// By year, oldest first; never empty.
    reports: Vec<Thresholds>,
}

impl PerformanceLevels {
    /// The table shipped with Kiosque.
    pub fn dora() -> PerformanceLevels {
        // The embedded table is checked by a test; an empty set is the fallback, never a panic.
        PerformanceLevels::from_json(TABLE).unwrap_or(PerformanceLevels { reports: Vec::new() })
    }

    /// Reads a table in the format of the embedded one.
    pub fn from_json(text: &str) -> Result<PerformanceLevels, String> {
        let mut s = Scanner::new(text.as_bytes());
        let value = s.value().and_then(|v| s.end().map(|_| v)).map_err(|e| locate(text, e.at, &e.message))?;
        let fail = |at: usize, message: &str| Err(locate(text, at, message));
        let Some(reports) = member(&value, "reports") else {
            return fail(0, "expected an object with a \"reports\" array");
        };
        let Value::Array(reports) = reports else {
            return fail(0, "\"reports\" must be an array");
        };
        let mut out = Vec::new();
        for report in reports {
            let Value::Object(members) = report else {
                return fail(0, "each report must be an object");
            };
            let mut thresholds = Thresholds { year: 0, source: String::new(), rules: Vec::new() };
            for (key, at, value) in members {
                match (key.as_str(), value) {
                    ("year", Value::Number(y)) if y.fract() == 0.0 && (1.0..=9999.0).contains(y) => {
                        thresholds.year = *y as u16
                    }
                    ("source", Value::String(text)) => thresholds.source = text.clone(),
                    ("notes", _) => {}
                    (name, value) => match Metric::ALL.iter().find(|(_, n)| *n == name) {
                        Some(&(metric, _)) => match rule(value) {
                            Some(rule) => thresholds.rules.push((metric, rule)),
                            None => return fail(*at, &format!("bad rule for {name}")),
                        },
                        None => return fail(*at, &format!("unknown or bad field {name:?}")),
                    },
                }
            }
            if thresholds.year == 0 {
                return fail(0, "a report without a year");
            }
            out.push(thresholds);
        }
        if out.is_empty() {
            return fail(0, "no report");
        }
        out.sort_by_key(|t| t.year);
        if out.windows(2).any(|w| w[0].year == w[1].year) {
            return fail(0, "a year listed twice");
        }
        Ok(PerformanceLevels { reports: out })
    }

    /// The thresholds of a report year.
    pub fn year(&self, year: u16) -> Option<&Thresholds> {
        self.reports.iter().find(|t| t.year == year)
    }

    /// The most recent report's thresholds.
    pub fn latest(&self) -> Option<&Thresholds> {
        self.reports.last()
    }
}

fn member<'v>(value: &'v Value, name: &str) -> Option<&'v Value> {
    match value {
        Value::Object(members) => members.iter().find(|(k, _, _)| k == name).map(|(_, _, v)| v),
        _ => None,
    }
}

/// One rule object like `{"below_hours": {"elite": 24, "high": 168, "medium": 720}}`.
fn rule(value: &Value) -> Option<Rule> {
    let Value::Object(members) = value else { return None };
    let [(kind, _, bounds)] = members.as_slice() else { return None };
    let number = |level: &str| match member(bounds, level) {
        Some(Value::Number(n)) if n.is_finite() => Some(*n),
        _ => None,
    };
    let three = || Some([number("elite")?, number("high")?, number("medium")?]);
    match kind.as_str() {
        "at_least_once_every_days" => three().filter(|b| b.iter().all(|&n| n > 0.0)).map(Rule::AtLeastOnceEveryDays),
        "below_hours" => three().map(Rule::BelowHours),
        "nearest" => Some(Rule::Nearest([number("elite")?, number("high")?, number("medium")?, number("low")?])),
        _ => None,
    }
}

/// `line:column: message` for an offset into `text`.
fn locate(text: &str, at: usize, message: &str) -> String {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = 1 + String::from_utf8_lossy(&before[start..]).chars().count();
    format!("{line}:{column}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Performance::*;

    #[test]
    fn the_embedded_table_reads_and_holds_2024() {
        let table = PerformanceLevels::from_json(TABLE).unwrap();
        assert_eq!(table.latest().map(|t| t.year), Some(2024));
        let t = table.year(2024).unwrap();
        // Deployment frequency, per day: 1 a day is elite, 1 a week high, 1 a month medium.
        assert_eq!(t.level(Metric::DeploymentFrequency, 2.6), Some(Elite));
        assert_eq!(t.level(Metric::DeploymentFrequency, 1.0), Some(Elite));
        assert_eq!(t.level(Metric::DeploymentFrequency, 13.0 / 91.0), Some(High), "13 in 91 days: once a week");
        assert_eq!(t.level(Metric::DeploymentFrequency, 3.9 / 7.0), Some(High));
        assert_eq!(t.level(Metric::DeploymentFrequency, 2.7 / 30.0), Some(Medium));
        assert_eq!(t.level(Metric::DeploymentFrequency, 1.0 / 31.0), Some(Low));
        assert_eq!(t.level(Metric::DeploymentFrequency, 0.0), Some(Low));
        // Lead time, hours: below a day, a week, a month.
        assert_eq!(t.level(Metric::LeadTime, 3.7), Some(Elite));
        assert_eq!(t.level(Metric::LeadTime, 24.0), Some(High));
        assert_eq!(t.level(Metric::LeadTime, 11.6 * 24.0), Some(Medium));
        assert_eq!(t.level(Metric::LeadTime, 38.6 * 24.0), Some(Low));
        // Change failure rate: nearest of 5 %, 20 %, 10 %, 40 %.
        assert_eq!(t.level(Metric::ChangeFailureRate, 0.035), Some(Elite));
        assert_eq!(t.level(Metric::ChangeFailureRate, 0.0635), Some(Elite));
        assert_eq!(t.level(Metric::ChangeFailureRate, 0.07), Some(Elite));
        assert_eq!(t.level(Metric::ChangeFailureRate, 0.111), Some(Medium));
        assert_eq!(t.level(Metric::ChangeFailureRate, 0.16), Some(High));
        assert_eq!(t.level(Metric::ChangeFailureRate, 0.31), Some(Low));
        // Recovery, hours: below an hour, below a day; one day to one week is low.
        assert_eq!(t.level(Metric::RecoveryTime, 0.5), Some(Elite));
        assert_eq!(t.level(Metric::RecoveryTime, 2.5), Some(High));
        assert_eq!(t.level(Metric::RecoveryTime, 10.3 * 24.0), Some(Low));
        assert_eq!(t.level(Metric::ReworkRate, 0.02), None, "no published thresholds");
    }

    #[test]
    fn a_later_report_is_a_data_change() {
        let text = TABLE.replacen(
            "\"reports\": [",
            "\"reports\": [{\"year\": 2031, \"source\": \"x\", \"rework_rate\": {\"below_hours\": {\"elite\": 0.02, \"high\": 0.05, \"medium\": 0.1}}},",
            1,
        );
        let table = PerformanceLevels::from_json(&text).unwrap();
        assert_eq!(table.latest().unwrap().year, 2031);
        assert_eq!(table.latest().unwrap().level(Metric::ReworkRate, 0.03), Some(High));
        assert_eq!(table.latest().unwrap().level(Metric::LeadTime, 1.0), None);
        assert!(table.year(2024).is_some());
    }

    #[test]
    fn bad_tables_say_where() {
        assert_eq!(PerformanceLevels::from_json("{\"reports\": [}").unwrap_err(), "1:14: expected a value, found '}'");
        let err = PerformanceLevels::from_json("{\"reports\": [{\"year\": 2024,\n \"lead_tme\": {}}]}").unwrap_err();
        assert_eq!(err, "2:2: unknown or bad field \"lead_tme\"");
        let err =
            PerformanceLevels::from_json("{\"reports\": [{\"year\": 2024, \"lead_time\": {\"below_hours\": {}}}]}")
                .unwrap_err();
        assert!(err.ends_with("bad rule for lead_time"), "{err}");
        assert!(PerformanceLevels::from_json("{\"reports\": []}").is_err());
    }
}
