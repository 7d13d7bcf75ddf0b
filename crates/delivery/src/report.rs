//! The report: figures per entity (organisation, team, service) and bucket (the window,
//! then each ISO week clipped to it).
//!
//! Each owned service is summed up once, week by week, from the slices of its sorted
//! production deployments and incidents that fall in the window: counts per week and the
//! durations (lead times, recovery times) in week order. A team or the organisation adds
//! its services' counts and pools their durations before taking quantiles, so a median is
//! over all the changes, never a median of medians.

use std::fmt;

use rayon::prelude::*;

use crate::facts::{Facts, IncidentFact, ServiceWindow};
use crate::history::History;
use crate::ownership::Ownership;
use crate::time::{Date, DAY};

/// The longest window accepted: about a century.
const MAX_DAYS: u32 = 36_600;

/// The days a report covers: `days` days up to and including `end`, in UTC. Without an
/// end, the window ends on the date of the latest deployment's `finished_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub end: Option<Date>,
    pub days: u32,
}

impl Window {
    /// The instants `[from, until)` the window covers, its end defaulting to the date of
    /// `latest_finished_at`: what a store selects facts by.
    pub fn bounds(self, latest_finished_at: Option<i64>) -> Result<(i64, i64), ReportError> {
        let b = Buckets::new(latest_finished_at, self)?;
        Ok((b.from, b.until))
    }
}

impl Default for Window {
    /// The 90 days up to the latest deployment.
    fn default() -> Self {
        Window { end: None, days: 90 }
    }
}

/// Why no report could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportError {
    /// The window has no end and the history no deployment to take it from.
    NoDeployment,
    /// Days must be between 1 and 36,600, and the window within years 0 to 9999.
    BadWindow(String),
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::NoDeployment => write!(f, "no window end given and no deployment to take it from"),
            ReportError::BadWindow(why) => write!(f, "bad window: {why}"),
        }
    }
}

impl std::error::Error for ReportError {}

/// What a row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Organisation,
    Team,
    Service,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Organisation => "organisation",
            Scope::Team => "team",
            Scope::Service => "service",
        }
    }
}

/// The whole window, or one ISO week of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    Window,
    Week { year: i32, week: u32 },
}

impl fmt::Display for Bucket {
    /// `window`, or the ISO week like `2024-W07`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bucket::Window => f.write_str("window"),
            Bucket::Week { year, week } => write!(f, "{year:04}-W{week:02}"),
        }
    }
}

/// The figures of one entity over one bucket. Counts are never absent; a ratio with nothing
/// to divide by and a quantile of nothing are `None`. Durations are in hours.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub scope: Scope,
    /// The service's or team's name, or `organisation`.
    pub entity: String,
    /// The owning team of a service, the team itself on a team row, `None` for the
    /// organisation.
    pub team: Option<String>,
    pub bucket: Bucket,
    /// First and last day of the bucket within the window, and their number.
    pub start: Date,
    pub end: Date,
    pub days: u32,
    /// Successful production deployments.
    pub deployments: u64,
    pub deployments_per_day: f64,
    /// Changes first deployed to production in the bucket.
    pub lead_time_changes: u64,
    pub lead_time_median_hours: Option<f64>,
    pub lead_time_p90_hours: Option<f64>,
    /// Production deployments of any status.
    pub production_deployments: u64,
    pub failed_deployments: u64,
    pub change_failure_rate: Option<f64>,
    /// Failed deployments followed by a successful one of the same service.
    pub recovered_deployments: u64,
    pub recovery_median_hours: Option<f64>,
    /// Production deployments with `fixes` set.
    pub rework_deployments: u64,
    pub rework_rate: Option<f64>,
    /// Incidents opened in the bucket, those of them resolved, and the median time from
    /// opened to resolved.
    pub incidents: u64,
    pub resolved_incidents: u64,
    pub incident_recovery_median_hours: Option<f64>,
}

/// All rows: organisation, then teams, then services (each by name in byte order), and for
/// each the window row followed by its weeks in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub start: Date,
    pub end: Date,
    pub days: u32,
    pub rows: Vec<Row>,
}

/// The window's days and weeks as instants.
struct Buckets {
    start: Date,
    end: Date,
    days: u32,
    /// The window is the instants `from <= t < until`.
    from: i64,
    until: i64,
    /// Day number of the Monday of the first week.
    first_monday: i64,
    weeks: usize,
}

impl Buckets {
    fn new(latest_finished_at: Option<i64>, window: Window) -> Result<Buckets, ReportError> {
        if window.days == 0 || window.days > MAX_DAYS {
            return Err(ReportError::BadWindow(format!("{} days (1 to {MAX_DAYS})", window.days)));
        }
        let end = match window.end {
            Some(end) => end,
            None => {
                let latest = latest_finished_at.ok_or(ReportError::NoDeployment)?;
                Date::of_timestamp(latest)
                    .ok_or_else(|| ReportError::BadWindow("the latest deployment is outside years 0 to 9999".into()))?
            }
        };
        let start = Date::from_days(end.days() - i64::from(window.days) + 1)
            .ok_or_else(|| ReportError::BadWindow("the window starts before year 0".into()))?;
        let first_monday = start.days() - start.weekday();
        Ok(Buckets {
            start,
            end,
            days: window.days,
            from: start.start(),
            until: end.start() + DAY,
            first_monday,
            weeks: ((end.days() - first_monday) / 7 + 1) as usize,
        })
    }

    fn week_of(&self, t: i64) -> usize {
        ((t.div_euclid(DAY) - self.first_monday) / 7) as usize
    }

    /// Bucket, first day, last day and number of days of week `w`.
    fn week(&self, w: usize) -> (Bucket, Date, Date, u32) {
        let monday = self.first_monday + 7 * w as i64;
        let first = monday.max(self.start.days());
        let last = (monday + 6).min(self.end.days());
        let (year, week) = Date::from_days(monday).unwrap_or(self.start).iso_week();
        let day = |d| Date::from_days(d).unwrap_or(self.start);
        (Bucket::Week { year, week }, day(first), day(last), (last - first + 1) as u32)
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    deployments: u64,
    production: u64,
    failed: u64,
    recovered: u64,
    rework: u64,
    lead_changes: u64,
    incidents: u64,
    resolved: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.deployments += o.deployments;
        self.production += o.production;
        self.failed += o.failed;
        self.recovered += o.recovered;
        self.rework += o.rework;
        self.lead_changes += o.lead_changes;
        self.incidents += o.incidents;
        self.resolved += o.resolved;
    }
}

/// One service's week counts and durations (seconds). Each duration list is in week order;
/// the counts say how many of its entries belong to each week.
struct ServiceSummary {
    weeks: Vec<Counts>,
    lead: Vec<i64>,
    recovery: Vec<i64>,
    incident: Vec<i64>,
}

/// Sums up one service's facts (each list sorted by time) over the window's weeks.
fn summarize(service: Option<&ServiceWindow>, b: &Buckets) -> ServiceSummary {
    let mut sum =
        ServiceSummary { weeks: vec![Counts::default(); b.weeks], lead: vec![], recovery: vec![], incident: vec![] };
    let Some(service) = service else {
        return sum;
    };
    let deployments = &service.deployments;
    let lo = deployments.partition_point(|d| d.finished_at < b.from);
    let hi = deployments.partition_point(|d| d.finished_at < b.until);
    for d in &deployments[lo..hi] {
        let week = &mut sum.weeks[b.week_of(d.finished_at)];
        week.production += 1;
        week.rework += u64::from(d.rework);
        if d.failed {
            week.failed += 1;
            if let Some(seconds) = d.recovery_seconds {
                week.recovered += 1;
                sum.recovery.push(seconds);
            }
        }
        if d.success {
            week.deployments += 1;
            week.lead_changes += d.lead_seconds.len() as u64;
            sum.lead.extend_from_slice(&d.lead_seconds);
        }
    }
    let incidents = &service.incidents;
    let lo = incidents.partition_point(|i| i.opened_at < b.from);
    let hi = incidents.partition_point(|i| i.opened_at < b.until);
    for i in &incidents[lo..hi] {
        let week = &mut sum.weeks[b.week_of(i.opened_at)];
        week.incidents += 1;
        if let Some(resolved) = i.resolved_at {
            week.resolved += 1;
            sum.incident.push(resolved.saturating_sub(i.opened_at));
        }
    }
    sum
}

/// Linear interpolation between closest ranks at position `q * (n - 1)` (numpy's default),
/// in hours. Reorders `values`.
fn quantile_hours(values: &mut [i64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let position = q * (values.len() - 1) as f64;
    let below = position.floor() as usize;
    let fraction = position - below as f64;
    let (_, low, above) = values.select_nth_unstable(below);
    let low = *low as f64;
    let value = match above.iter().min() {
        Some(&high) if fraction > 0.0 => low + (high as f64 - low) * fraction,
        _ => low,
    };
    Some(value / 3600.0)
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Durations pooled from several services.
#[derive(Default)]
struct Pools {
    lead: Vec<i64>,
    recovery: Vec<i64>,
    incident: Vec<i64>,
}

impl Pools {
    fn clear(&mut self) {
        self.lead.clear();
        self.recovery.clear();
        self.incident.clear();
    }
}

/// The rows of one entity, made of the summaries of its services.
fn entity_rows(scope: Scope, entity: &str, team: Option<&str>, parts: &[&ServiceSummary], b: &Buckets) -> Vec<Row> {
    let row = |bucket, start, end, days: u32, c: Counts, pools: &mut Pools| Row {
        scope,
        entity: entity.to_string(),
        team: team.map(str::to_string),
        bucket,
        start,
        end,
        days,
        deployments: c.deployments,
        deployments_per_day: c.deployments as f64 / f64::from(days),
        lead_time_changes: c.lead_changes,
        lead_time_median_hours: quantile_hours(&mut pools.lead, 0.5),
        lead_time_p90_hours: quantile_hours(&mut pools.lead, 0.9),
        production_deployments: c.production,
        failed_deployments: c.failed,
        change_failure_rate: ratio(c.failed, c.production),
        recovered_deployments: c.recovered,
        recovery_median_hours: quantile_hours(&mut pools.recovery, 0.5),
        rework_deployments: c.rework,
        rework_rate: ratio(c.rework, c.production),
        incidents: c.incidents,
        resolved_incidents: c.resolved,
        incident_recovery_median_hours: quantile_hours(&mut pools.incident, 0.5),
    };
    let mut rows = Vec::with_capacity(b.weeks + 1);
    let mut pools = Pools::default();
    let mut total = Counts::default();
    for part in parts {
        part.weeks.iter().for_each(|&c| total += c);
        pools.lead.extend_from_slice(&part.lead);
        pools.recovery.extend_from_slice(&part.recovery);
        pools.incident.extend_from_slice(&part.incident);
    }
    rows.push(row(Bucket::Window, b.start, b.end, b.days, total, &mut pools));
    // Where each part's durations of the current week start.
    let mut cursors = vec![(0usize, 0usize, 0usize); parts.len()];
    for w in 0..b.weeks {
        pools.clear();
        let mut counts = Counts::default();
        for (part, cursor) in parts.iter().zip(cursors.iter_mut()) {
            let c = part.weeks[w];
            counts += c;
            let take = |list: &[i64], at: &mut usize, n: u64, pool: &mut Vec<i64>| {
                pool.extend_from_slice(&list[*at..*at + n as usize]);
                *at += n as usize;
            };
            take(&part.lead, &mut cursor.0, c.lead_changes, &mut pools.lead);
            take(&part.recovery, &mut cursor.1, c.recovered, &mut pools.recovery);
            take(&part.incident, &mut cursor.2, c.resolved, &mut pools.incident);
        }
        let (bucket, start, end, days) = b.week(w);
        rows.push(row(bucket, start, end, days, counts, &mut pools));
    }
    rows
}

/// Computes every row for the organisation, each team and each service of `ownership` over
/// `window`. Events of services without an owner count nowhere (see
/// [`History::unmapped`]).
pub fn report(history: &History, ownership: &Ownership, window: Window) -> Result<Report, ReportError> {
    let (from, until) = window.bounds(history.latest_finished_at())?;
    let mut facts = Facts::new(history.latest_finished_at());
    for (service, _) in ownership.services() {
        let Some(id) = history.services.get(service) else { continue };
        let own = &history.service_facts[id as usize];
        let lo = own.production.partition_point(|&(t, _)| t < from);
        let hi = own.production.partition_point(|&(t, _)| t < until);
        own.production[lo..hi]
            .iter()
            .filter_map(|&(_, index)| history.fact_at(index))
            .for_each(|f| facts.add_deployment(f));
        let lo = own.incidents.partition_point(|&(t, _)| t < from);
        let hi = own.incidents.partition_point(|&(t, _)| t < until);
        for &(_, index) in &own.incidents[lo..hi] {
            let i = &history.incidents[index as usize];
            facts.add_incident(IncidentFact {
                id: i.id,
                service: service.to_string(),
                opened_at: i.opened_at,
                resolved_at: i.resolved_at,
            });
        }
    }
    report_facts(facts, ownership, window)
}

/// The same report made from derived facts (see [`Facts`]), such as those a store keeps:
/// only the facts of the window's instants count.
pub fn report_facts(mut facts: Facts, ownership: &Ownership, window: Window) -> Result<Report, ReportError> {
    facts.sort();
    let b = Buckets::new(facts.latest_finished_at, window)?;
    let services: Vec<(&str, &str)> = ownership.services().collect();
    let summaries: Vec<ServiceSummary> =
        services.par_iter().map(|(service, _)| summarize(facts.services.get(*service), &b)).collect();

    let mut entities: Vec<(Scope, &str, Option<&str>, Vec<&ServiceSummary>)> = Vec::new();
    entities.push((Scope::Organisation, "organisation", None, summaries.iter().collect()));
    for team in ownership.teams() {
        let parts = services.iter().zip(&summaries).filter(|((_, t), _)| *t == team).map(|(_, s)| s).collect();
        entities.push((Scope::Team, team, Some(team), parts));
    }
    for ((service, team), summary) in services.iter().zip(&summaries) {
        entities.push((Scope::Service, service, Some(team), vec![summary]));
    }
    let rows: Vec<Vec<Row>> =
        entities.par_iter().map(|(scope, entity, team, parts)| entity_rows(*scope, entity, *team, parts, &b)).collect();
    Ok(Report { start: b.start, end: b.end, days: b.days, rows: rows.into_iter().flatten().collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        // Positions: median of 4 values at 1.5, p90 at 2.7.
        let mut v = vec![3600 * 4, 3600, 3600 * 3, 3600 * 2];
        assert_eq!(quantile_hours(&mut v, 0.5), Some(2.5));
        let p90 = quantile_hours(&mut v, 0.9).unwrap();
        assert!((p90 - 3.7).abs() < 1e-12, "{p90}");
        assert_eq!(quantile_hours(&mut [7200], 0.9), Some(2.0));
        assert_eq!(quantile_hours(&mut [], 0.5), None);
        // Position 0.9 * 10 = 9: exactly the tenth value, no interpolation.
        let mut v: Vec<i64> = (0..11).map(|h| h * 3600).collect();
        assert_eq!(quantile_hours(&mut v, 0.9), Some(9.0));
    }
}
