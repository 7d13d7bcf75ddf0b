//! A believable delivery history for the example organisation, generated at start-up so the
//! DORA dashboards have something to show without shipping event files.
//!
//! Each service gets a personality by its rank among the services sorted by name, from a
//! cycle that holds every DORA level and three services that improve over the 26 weeks:
//! elite ones release several times a working day with lead times of hours, low ones
//! release every few months with lead times of weeks and long recoveries. The history is
//! then simulated day by day, from a small generator seeded by the service's name, so the
//! same services and the same `now` always give the same events.
//!
//! The simulation follows how a team works: commits on working days and hours, fewer in
//! August and at the end of the year; releases at a steady cadence, each shipping to
//! production what was merged when it was cut (through staging first for the slower
//! teams, for some releases of the faster ones); a failed deployment is followed by a
//! redeploy or a fix; some successful ones are rolled back or cause an incident that a fix
//! resolves, and a few incidents have no deployment to blame.
//! Nothing happens after `now`: a fix that would come later is not there yet, and an
//! incident resolved later is still open.

use kiosque_delivery::{Change, Date, Deployment, Incident, Status};

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// How far back the history goes.
const HISTORY_DAYS: i64 = 26 * 7;

/// What a service's team is like. Pairs are values at the start and at the end of the
/// history, linearly in between: equal for a steady team, different for one that improves.
#[derive(Debug, Clone, Copy)]
struct Personality {
    /// Planned production releases per working day.
    releases: (f64, f64),
    /// Commits merged per working day.
    changes: (f64, f64),
    /// Mean hours from commit to merge (review).
    review_hours: (f64, f64),
    /// Share of production releases that fail, are rolled back or cause an incident.
    failure: (f64, f64),
    /// Mean hours to restore service after a failure.
    recovery_hours: (f64, f64),
    /// Share of releases that go through staging first (the others are checked by the
    /// pipeline and a canary in production).
    staging_share: (f64, f64),
    /// How long before its production deployment a release goes to staging, hours.
    staging_hours: (f64, f64),
    /// How long one deployment runs, minutes.
    deploy_minutes: (i64, i64),
    /// Whether the team sometimes releases on a weekend.
    weekend_releases: bool,
    /// Unplanned incidents (not caused by a deployment) per week.
    outages_per_week: f64,
}

const ELITE: Personality = Personality {
    releases: (2.0, 2.0),
    changes: (5.0, 5.0),
    review_hours: (1.5, 1.5),
    failure: (0.04, 0.04),
    recovery_hours: (0.6, 0.6),
    staging_share: (0.25, 0.25),
    staging_hours: (0.3, 1.5),
    deploy_minutes: (4, 12),
    weekend_releases: true,
    outages_per_week: 0.03,
};

const HIGH: Personality = Personality {
    releases: (0.5, 0.5),
    changes: (3.0, 3.0),
    review_hours: (14.0, 14.0),
    failure: (0.18, 0.18),
    recovery_hours: (6.0, 6.0),
    staging_share: (0.6, 0.6),
    staging_hours: (2.0, 20.0),
    deploy_minutes: (8, 25),
    weekend_releases: false,
    outages_per_week: 0.05,
};

const MEDIUM: Personality = Personality {
    releases: (0.1, 0.1),
    changes: (2.5, 2.5),
    review_hours: (30.0, 30.0),
    failure: (0.11, 0.11),
    recovery_hours: (14.0, 14.0),
    staging_share: (1.0, 1.0),
    staging_hours: (24.0, 96.0),
    deploy_minutes: (20, 60),
    weekend_releases: false,
    outages_per_week: 0.06,
};

const LOW: Personality = Personality {
    releases: (0.017, 0.017),
    changes: (1.5, 1.5),
    review_hours: (60.0, 60.0),
    failure: (0.38, 0.38),
    recovery_hours: (60.0, 60.0),
    staging_share: (1.0, 1.0),
    staging_hours: (72.0, 240.0),
    deploy_minutes: (40, 120),
    weekend_releases: false,
    outages_per_week: 0.08,
};

const HIGH_TO_ELITE: Personality = Personality {
    releases: (0.45, 2.0),
    changes: (3.5, 5.0),
    review_hours: (16.0, 2.0),
    failure: (0.18, 0.05),
    recovery_hours: (8.0, 0.8),
    staging_share: (0.7, 0.25),
    staging_hours: (0.5, 4.0),
    deploy_minutes: (5, 15),
    weekend_releases: false,
    outages_per_week: 0.04,
};

const MEDIUM_TO_ELITE: Personality = Personality {
    releases: (0.1, 1.8),
    changes: (2.5, 4.0),
    review_hours: (36.0, 3.0),
    failure: (0.2, 0.06),
    recovery_hours: (16.0, 1.0),
    staging_share: (1.0, 0.25),
    staging_hours: (1.0, 12.0),
    deploy_minutes: (10, 30),
    weekend_releases: false,
    outages_per_week: 0.05,
};

const LOW_TO_MEDIUM: Personality = Personality {
    releases: (0.02, 0.12),
    changes: (1.5, 2.0),
    review_hours: (72.0, 30.0),
    failure: (0.4, 0.15),
    recovery_hours: (72.0, 16.0),
    staging_share: (1.0, 1.0),
    staging_hours: (48.0, 120.0),
    deploy_minutes: (30, 90),
    weekend_releases: false,
    outages_per_week: 0.07,
};

/// Personalities by rank of the service name: any four services cover three levels, any
/// five all four, any seven the three improving teams too.
const CYCLE: [Personality; 8] = [ELITE, MEDIUM, LOW, LOW_TO_MEDIUM, HIGH, MEDIUM_TO_ELITE, HIGH_TO_ELITE, HIGH];

/// Plausible logins of the example's engineers; each service draws its team from them.
const LOGINS: [&str; 18] = [
    "alaurent",
    "lbernard",
    "srossi",
    "cmartin",
    "jkowalski",
    "hgarcia",
    "efernandez",
    "amuller",
    "ibenali",
    "pdevries",
    "nfontaine",
    "mgirard",
    "ljensen",
    "slambert",
    "amercier",
    "khaddad",
    "enovak",
    "tmoreau",
];
const BOTS: [&str; 2] = ["renovate[bot]", "dependabot[bot]"];

/// The delivery history of `services` (name, repository) over the 26 weeks up to `now`
/// (UTC seconds): changes, deployments to `staging` and `production`, and incidents.
/// Deployment and incident ids are unique, numbered from 1 in the order of the sorted
/// service names; the same input (in any order) gives the same history. A name listed
/// twice counts once; a `now` outside the calendar gives nothing.
pub fn example_history(services: &[(String, String)], now: i64) -> (Vec<Change>, Vec<Deployment>, Vec<Incident>) {
    let mut out = Output::default();
    let Some(start_day) = first_day(now) else { return (out.changes, out.deployments, out.incidents) };
    let mut sorted: Vec<&(String, String)> = services.iter().collect();
    sorted.sort();
    sorted.dedup_by(|a, b| a.0 == b.0);
    let mut slow_service = None;
    for (rank, (name, repository)) in sorted.iter().enumerate() {
        let personality = CYCLE[rank % CYCLE.len()];
        if slow_service.is_none() && personality.releases.1 < 0.05 {
            slow_service = Some(name.as_str());
        }
        Simulation::new(name, repository, personality, start_day, now, &mut out).run();
    }
    // Always one incident under investigation, on a slow service if there is one.
    if let Some(service) = slow_service.or(sorted.first().map(|s| s.0.as_str())) {
        let mut rng = Rng::seeded(&format!("open incident {service}"));
        let opened_at = now - rng.seconds(HOUR, 5 * HOUR);
        out.add_incident(service, opened_at, None, None);
    }
    (out.changes, out.deployments, out.incidents)
}

/// The first day of the history, if the whole of it is within the calendar.
fn first_day(now: i64) -> Option<i64> {
    let within = |at: i64| Date::of_timestamp(at).is_some();
    // Checked first, so that the arithmetic below cannot overflow.
    if !within(now) {
        return None;
    }
    let day = now.div_euclid(DAY) - HISTORY_DAYS;
    (within(now + DAY) && within(day * DAY)).then_some(day)
}

#[derive(Default)]
struct Output {
    changes: Vec<Change>,
    deployments: Vec<Deployment>,
    incidents: Vec<Incident>,
}

impl Output {
    fn add_incident(&mut self, service: &str, opened_at: i64, resolved_at: Option<i64>, caused_by: Option<i64>) {
        self.incidents.push(Incident {
            id: self.incidents.len() as i64 + 1,
            service: service.to_string(),
            opened_at,
            resolved_at,
            caused_by_deployment: caused_by,
        });
    }
}

/// One service's history being written.
struct Simulation<'a> {
    service: &'a str,
    repository: &'a str,
    personality: Personality,
    start_day: i64,
    now: i64,
    rng: Rng,
    authors: [&'static str; 4],
    /// This service's changes; the first `regular` sorted by merge time, fix commits after.
    changes: Vec<Change>,
    out: &'a mut Output,
}

/// What a production deployment leads to.
enum Outcome {
    Fine,
    /// The deployment fails; a redeploy of the same commits restores service.
    FailedThenRedeployed,
    /// The deployment fails; a new commit fixes it.
    FailedThenFixed,
    /// The deployment succeeds but is rolled back, sometimes after an incident.
    RolledBack {
        incident: bool,
    },
    /// The deployment succeeds but causes an incident that a new commit fixes.
    Incident,
}

impl<'a> Simulation<'a> {
    fn new(
        service: &'a str,
        repository: &'a str,
        personality: Personality,
        start_day: i64,
        now: i64,
        out: &'a mut Output,
    ) -> Self {
        let mut rng = Rng::seeded(service);
        let first = rng.below(LOGINS.len());
        let authors = [0, 1, 2, 3].map(|i| LOGINS[(first + i * 5) % LOGINS.len()]);
        Simulation { service, repository, personality, start_day, now, rng, authors, changes: Vec::new(), out }
    }

    /// How far into the history a time is, 0 to 1.
    fn progress(&self, at: i64) -> f64 {
        ((at.div_euclid(DAY) - self.start_day) as f64 / HISTORY_DAYS as f64).clamp(0.0, 1.0)
    }

    fn trend(&self, (start, end): (f64, f64), at: i64) -> f64 {
        start + (end - start) * self.progress(at)
    }

    fn run(mut self) {
        self.write_changes();
        let regular = self.changes.len();
        let releases = self.plan_releases();
        self.release(&releases, regular);
        self.outages();
        self.out.changes.append(&mut self.changes);
    }

    fn author(&mut self) -> &'static str {
        if self.rng.chance(0.08) {
            BOTS[self.rng.below(BOTS.len())]
        } else {
            self.authors[self.rng.below(self.authors.len())]
        }
    }

    /// Commits made on working hours, reviewed, merged before `now`.
    fn write_changes(&mut self) {
        for day in self.start_day..=self.now.div_euclid(DAY) {
            let at = day * DAY;
            let rate = self.trend(self.personality.changes, at) * activity(day);
            let count = (rate * self.rng.between(0.4, 1.6) + self.rng.unit()) as usize;
            for _ in 0..count {
                let committed_at = at + self.rng.seconds(8 * HOUR, 18 * HOUR + 30 * MINUTE);
                let review = self.trend(self.personality.review_hours, at) * self.rng.between(0.2, 1.8);
                let merged_at = committed_at + (review * HOUR as f64) as i64;
                if merged_at > self.now {
                    continue;
                }
                let authored_at = committed_at - self.rng.seconds(0, 3 * HOUR);
                let author = self.author();
                self.changes.push(Change {
                    sha: self.rng.sha(),
                    repository: self.repository.to_string(),
                    author: author.to_string(),
                    authored_at,
                    committed_at,
                    merged_at,
                });
            }
        }
        self.changes.sort_by_key(|c| c.merged_at);
    }

    /// Start times of the planned production releases: a steady cadence (credit added each
    /// working day, a release for each whole unit) rather than a random one, so a slow team
    /// is slow every month.
    fn plan_releases(&mut self) -> Vec<i64> {
        let mut credit = self.rng.unit();
        let mut planned = Vec::new();
        for day in self.start_day..=self.now.div_euclid(DAY) {
            let at = day * DAY;
            if is_weekend(day) {
                if self.personality.weekend_releases && self.rng.chance(0.08) {
                    planned.push(at + self.rng.seconds(10 * HOUR, 16 * HOUR));
                }
                continue;
            }
            credit += self.trend(self.personality.releases, at) * activity(day) * self.rng.between(0.6, 1.4);
            // The day's releases spread over working hours, one in each equal slot.
            let count = credit.floor() as i64;
            credit -= count as f64;
            let slot = (17 * HOUR - (8 * HOUR + 30 * MINUTE)) / count.max(1);
            for i in 0..count {
                planned.push(at + 8 * HOUR + 30 * MINUTE + i * slot + self.rng.seconds(0, slot));
            }
        }
        planned
    }

    fn deploy_seconds(&mut self) -> i64 {
        let (low, high) = self.personality.deploy_minutes;
        self.rng.seconds(low * MINUTE, high * MINUTE)
    }

    fn recovery_seconds(&mut self, at: i64) -> i64 {
        let mean = self.trend(self.personality.recovery_hours, at);
        (mean * self.rng.between(0.4, 1.6) * HOUR as f64) as i64
    }

    fn deploy(
        &mut self,
        environment: &str,
        started_at: i64,
        status: Status,
        commits: Vec<String>,
        rollback_of: Option<i64>,
        fixes: Option<i64>,
    ) -> Option<(i64, i64)> {
        let finished_at = started_at + self.deploy_seconds();
        if finished_at > self.now {
            return None;
        }
        let id = self.out.deployments.len() as i64 + 1;
        self.out.deployments.push(Deployment {
            id,
            repository: self.repository.to_string(),
            service: self.service.to_string(),
            environment: environment.to_string(),
            started_at,
            finished_at,
            status,
            commits,
            rollback_of,
            fixes,
            production: None,
        });
        Some((id, finished_at))
    }

    /// A fix commit made and merged between `from` and `until`.
    fn fix_commit(&mut self, from: i64, until: i64) -> String {
        let committed_at = from + (until - from) / 2;
        let author = self.authors[self.rng.below(self.authors.len())];
        let sha = self.rng.sha();
        self.changes.push(Change {
            sha: sha.clone(),
            repository: self.repository.to_string(),
            author: author.to_string(),
            authored_at: committed_at - self.rng.seconds(0, 10 * MINUTE),
            committed_at,
            merged_at: until - self.rng.seconds(0, (until - committed_at) / 2),
        });
        sha
    }

    fn shas(&self, indexes: &[usize]) -> Vec<String> {
        indexes.iter().map(|&i| self.changes[i].sha.clone()).collect()
    }

    /// Walks the planned releases: staging, then production, then what the outcome calls for.
    fn release(&mut self, planned: &[i64], regular: usize) {
        let mut next_change = 0;
        // Changes sent to production but not in the version running there.
        let mut pending: Vec<usize> = Vec::new();
        let mut busy_until = i64::MIN;
        for &planned_at in planned {
            if planned_at < busy_until {
                continue;
            }
            let through_staging = self.rng.chance(self.trend(self.personality.staging_share, planned_at));
            let (low, high) = self.personality.staging_hours;
            let lead = if through_staging { self.rng.between(low, high) * HOUR as f64 } else { 20.0 * MINUTE as f64 };
            // What the release ships is what was merged when it was cut.
            let cut_at = (planned_at - lead as i64).max(busy_until);
            let mut new = Vec::new();
            while next_change < regular && self.changes[next_change].merged_at <= cut_at {
                new.push(next_change);
                next_change += 1;
            }
            if new.is_empty() && pending.is_empty() {
                continue;
            }
            let mut ready_at = cut_at;
            if through_staging {
                let commits = self.shas(&new);
                match self.stage(cut_at, commits) {
                    Some(staged_at) => ready_at = staged_at + 5 * MINUTE,
                    None => break,
                }
            }
            pending.extend(new);
            let started_at = planned_at.max(ready_at);
            let outcome = self.outcome(started_at);
            let status = match outcome {
                Outcome::FailedThenRedeployed | Outcome::FailedThenFixed => Status::Failure,
                _ => Status::Success,
            };
            let commits = self.shas(&pending);
            let Some((id, finished_at)) = self.deploy("production", started_at, status, commits, None, None) else {
                break;
            };
            busy_until = finished_at + 10 * MINUTE;
            let shipped = std::mem::take(&mut pending);
            if status == Status::Failure {
                pending = shipped.clone();
            }
            let recovered_at = finished_at + self.recovery_seconds(finished_at);
            match outcome {
                Outcome::Fine => {}
                Outcome::FailedThenRedeployed => {
                    let commits = self.shas(&pending);
                    if let Some((_, done)) =
                        self.deploy("production", recovered_at, Status::Success, commits, None, None)
                    {
                        pending.clear();
                        busy_until = done + 10 * MINUTE;
                    }
                }
                Outcome::FailedThenFixed => {
                    if recovered_at > self.now {
                        continue;
                    }
                    let mut commits = self.shas(&pending);
                    commits.push(self.fix_commit(finished_at, recovered_at));
                    if let Some((_, done)) =
                        self.deploy("production", recovered_at, Status::Success, commits, None, Some(id))
                    {
                        pending.clear();
                        busy_until = done + 10 * MINUTE;
                    }
                }
                Outcome::RolledBack { incident } => {
                    let rollback_at = finished_at + (recovered_at - finished_at) / 2;
                    let opened_at =
                        finished_at + self.rng.seconds(5 * MINUTE, (rollback_at - finished_at).max(6 * MINUTE));
                    match self.deploy("production", rollback_at, Status::Success, Vec::new(), Some(id), None) {
                        Some((_, done)) => {
                            // The rolled-back commits are no longer in production.
                            pending = shipped;
                            busy_until = done + 10 * MINUTE;
                            if incident {
                                let resolved_at = done + self.rng.seconds(5 * MINUTE, 30 * MINUTE);
                                let resolved_at = (resolved_at <= self.now).then_some(resolved_at);
                                self.out.add_incident(self.service, opened_at, resolved_at, Some(id));
                            }
                        }
                        None if incident && opened_at <= self.now => {
                            self.out.add_incident(self.service, opened_at, None, Some(id))
                        }
                        None => {}
                    }
                }
                Outcome::Incident => {
                    let opened_at = finished_at + self.rng.seconds(10 * MINUTE, 3 * HOUR);
                    if opened_at > self.now {
                        continue;
                    }
                    let fixed_at = opened_at + self.recovery_seconds(opened_at);
                    let mut resolved_at = None;
                    if fixed_at <= self.now {
                        let commits = vec![self.fix_commit(opened_at, fixed_at)];
                        if let Some((_, done)) =
                            self.deploy("production", fixed_at, Status::Success, commits, None, Some(id))
                        {
                            busy_until = done + 10 * MINUTE;
                            let at = done + self.rng.seconds(5 * MINUTE, 20 * MINUTE);
                            resolved_at = (at <= self.now).then_some(at);
                        }
                    }
                    self.out.add_incident(self.service, opened_at, resolved_at, Some(id));
                }
            }
        }
    }

    /// Deploys `commits` to staging, again after a failure; when staging has them, if before
    /// `now`.
    fn stage(&mut self, at: i64, commits: Vec<String>) -> Option<i64> {
        if self.rng.chance(0.04) {
            let (_, failed_at) = self.deploy("staging", at, Status::Failure, commits.clone(), None, None)?;
            let retry_at = failed_at + self.rng.seconds(15 * MINUTE, 45 * MINUTE);
            return self.deploy("staging", retry_at, Status::Success, commits, None, None).map(|(_, done)| done);
        }
        self.deploy("staging", at, Status::Success, commits, None, None).map(|(_, done)| done)
    }

    fn outcome(&mut self, at: i64) -> Outcome {
        let failure = self.trend(self.personality.failure, at);
        let roll = self.rng.unit();
        if roll >= failure {
            Outcome::Fine
        } else if roll < failure * 0.15 {
            Outcome::FailedThenRedeployed
        } else if roll < failure * 0.5 {
            Outcome::FailedThenFixed
        } else if roll < failure * 0.75 {
            Outcome::RolledBack { incident: self.rng.chance(0.5) }
        } else {
            Outcome::Incident
        }
    }

    /// Incidents no deployment caused: a database, a certificate, a partner's outage.
    fn outages(&mut self) {
        let mut week = self.start_day;
        while week * DAY < self.now {
            if self.rng.chance(self.personality.outages_per_week) {
                let opened_at = week * DAY + self.rng.seconds(0, 7 * DAY);
                let resolved_at = opened_at + self.recovery_seconds(opened_at);
                if opened_at <= self.now {
                    let resolved_at = (resolved_at <= self.now).then_some(resolved_at);
                    self.out.add_incident(self.service, opened_at, resolved_at, None);
                }
            }
            week += 7;
        }
    }
}

/// 1970-01-01 was a Thursday.
fn is_weekend(day: i64) -> bool {
    (day + 3).rem_euclid(7) >= 5
}

/// How busy a day is: weekends are quiet, August and the end of the year quieter.
fn activity(day: i64) -> f64 {
    if is_weekend(day) {
        return 0.06;
    }
    match Date::of_timestamp(day * DAY).map(Date::ymd) {
        Some((_, 8, _)) => 0.55,
        Some((_, 12, d)) if d >= 21 => 0.3,
        Some((_, 1, 1)) => 0.3,
        _ => 1.0,
    }
}

/// splitmix64: small, fast and good enough for example data; seeded by FNV-1a of a text.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn seeded(text: &str) -> Rng {
        let hash =
            text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        Rng(hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Uniform whole seconds in [low, high).
    fn seconds(&mut self, low: i64, high: i64) -> i64 {
        low + (self.unit() * (high - low) as f64) as i64
    }

    /// A commit id: 40 hexadecimal digits.
    fn sha(&mut self) -> String {
        let (a, b, c) = (self.next(), self.next(), self.next() >> 32);
        format!("{a:016x}{b:016x}{c:08x}")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap, HashSet};

    use kiosque_delivery::{report, Bucket, History, Ownership, PerformanceLevels, Scope, Window};

    use super::*;

    /// 2026-11-23T10:00:00Z, a Monday.
    const NOW: i64 = 1_795_428_000;

    /// The example catalog's components and their repositories.
    fn services() -> Vec<(String, String)> {
        [
            ("accounts-service", "accounts-service"),
            ("card-management-service", "card-management"),
            ("customer-profile-service", "customer-profile"),
            ("fraud-scoring-service", "fraud-scoring"),
            ("fraud-model-training", "fraud-scoring"),
            ("horizon-design-system", "horizon-design-system"),
            ("kiosque-portal", "kiosque-portal"),
            ("ledger-core", "ledger-core"),
            ("end-of-day-batch", "ledger-core"),
            ("mainframe-gateway", "mainframe-gateway"),
            ("mortgage-origination", "mortgage-origination"),
            ("observability-sdk", "observability-sdk"),
            ("payments-service", "payments-service"),
            ("sepa-instant-gateway", "sepa-instant-gateway"),
            ("web-banking", "web-banking"),
            ("banking-bff", "web-banking"),
        ]
        .into_iter()
        .map(|(s, r)| (s.to_string(), format!("horizon-bank/{r}")))
        .collect()
    }

    #[test]
    fn example_history_is_the_same_for_the_same_input_in_any_order() {
        let first = example_history(&services(), NOW);
        let mut reversed = services();
        reversed.reverse();
        assert_eq!(first, example_history(&reversed, NOW));
        assert_eq!(first, example_history(&services(), NOW));
        assert_ne!(first.1, example_history(&services(), NOW + 7 * DAY).1, "a week later, a week more");
    }

    #[test]
    fn example_history_is_consistent_and_within_its_26_weeks() {
        let (changes, deployments, incidents) = example_history(&services(), NOW);
        let earliest = NOW - 27 * 7 * DAY;
        let known: HashSet<(&str, &str)> = changes.iter().map(|c| (c.repository.as_str(), c.sha.as_str())).collect();
        assert_eq!(known.len(), changes.len(), "a commit is listed once per repository");
        for c in &changes {
            assert!(c.sha.len() == 40 && c.sha.bytes().all(|b| b.is_ascii_hexdigit()), "{}", c.sha);
            assert!(earliest <= c.authored_at && c.authored_at <= c.committed_at, "{c:?}");
            assert!(c.committed_at <= c.merged_at && c.merged_at <= NOW, "{c:?}");
        }
        let catalog: HashMap<String, String> = services().into_iter().collect();
        let ids: HashSet<i64> = deployments.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), deployments.len(), "deployment ids are unique");
        for d in &deployments {
            assert_eq!(catalog[&d.service], d.repository);
            assert!(d.environment == "production" || d.environment == "staging", "{}", d.environment);
            assert!(earliest <= d.started_at && d.started_at < d.finished_at && d.finished_at <= NOW, "{d:?}");
            for sha in &d.commits {
                assert!(known.contains(&(d.repository.as_str(), sha.as_str())), "deployment {} ships {sha}", d.id);
            }
            for target in d.rollback_of.iter().chain(&d.fixes) {
                assert!(ids.contains(target), "deployment {} points at {target}", d.id);
            }
        }
        let incident_ids: HashSet<i64> = incidents.iter().map(|i| i.id).collect();
        assert_eq!(incident_ids.len(), incidents.len(), "incident ids are unique");
        for i in &incidents {
            assert!(catalog.contains_key(&i.service));
            assert!(earliest <= i.opened_at && i.opened_at <= NOW, "{i:?}");
            if let Some(resolved_at) = i.resolved_at {
                assert!(i.opened_at <= resolved_at && resolved_at <= NOW, "{i:?}");
            }
            if let Some(cause) = i.caused_by_deployment {
                assert!(ids.contains(&cause));
            }
        }
    }

    #[test]
    fn example_history_has_every_kind_of_event_in_modest_numbers() {
        let (changes, deployments, incidents) = example_history(&services(), NOW);
        let production = || deployments.iter().filter(|d| d.environment == "production");
        assert!(production().any(|d| d.status == Status::Failure));
        assert!(deployments.iter().any(|d| d.environment == "staging"));
        assert!(production().any(|d| d.rollback_of.is_some()));
        assert!(production().any(|d| d.fixes.is_some()));
        assert!(incidents.iter().any(|i| i.caused_by_deployment.is_some() && i.resolved_at.is_some()));
        assert!(incidents.iter().any(|i| i.caused_by_deployment.is_none()));
        assert!(incidents.iter().any(|i| i.resolved_at.is_none()));
        let weekend = production().filter(|d| is_weekend(d.started_at.div_euclid(DAY))).count();
        assert!(weekend * 10 < production().count(), "weekdays are busier: {weekend} at weekends");
        assert!((1_000..8_000).contains(&changes.len()), "{} changes", changes.len());
        assert!((1_000..3_500).contains(&deployments.len()), "{} deployments", deployments.len());
    }

    #[test]
    fn example_history_shows_several_performance_levels() {
        let services = services();
        let (changes, deployments, incidents) = example_history(&services, NOW);
        let mut history = History::default();
        for change in &changes {
            history.insert_change(change);
        }
        for deployment in &deployments {
            history.insert_deployment(deployment);
        }
        for incident in &incidents {
            history.insert_incident(incident);
        }
        let ownership: Ownership = services.iter().map(|(s, _)| (s.as_str(), "team")).collect();
        let report = report(&history, &ownership, Window::default()).unwrap();
        let levels = PerformanceLevels::dora();
        let thresholds = levels.latest().unwrap();
        let rows: Vec<_> =
            report.rows.iter().filter(|r| r.scope == Scope::Service && r.bucket == Bucket::Window).collect();
        assert_eq!(rows.len(), services.len());
        let frequency: BTreeSet<_> =
            rows.iter().filter_map(|r| thresholds.row_levels(r).deployment_frequency).collect();
        let lead_time: BTreeSet<_> = rows.iter().filter_map(|r| thresholds.row_levels(r).lead_time).collect();
        assert!(frequency.len() >= 3, "deployment frequency levels: {frequency:?}");
        assert!(lead_time.len() >= 3, "lead time levels: {lead_time:?}");
    }

    #[test]
    fn an_improving_service_deploys_more_often_at_the_end() {
        // Rank 5 of the cycle improves from medium to elite.
        let services = ["a", "b", "c", "d", "e", "f"].map(|s| (s.to_string(), format!("r/{s}")));
        let (_, deployments, _) = example_history(&services, NOW);
        let count = |from: i64, until: i64| {
            deployments
                .iter()
                .filter(|d| d.service == "f" && d.environment == "production")
                .filter(|d| (from..until).contains(&d.finished_at))
                .count()
        };
        let (first, last) = (count(NOW - 26 * 7 * DAY, NOW - 22 * 7 * DAY), count(NOW - 4 * 7 * DAY, NOW));
        assert!(first * 2 < last, "first four weeks {first}, last four {last}");
    }

    #[test]
    fn no_service_or_an_impossible_time_gives_nothing_but_never_panics() {
        assert_eq!(example_history(&[], NOW), (Vec::new(), Vec::new(), Vec::new()));
        let services = services();
        assert_eq!(example_history(&services, i64::MAX).1, Vec::new());
        assert_eq!(example_history(&services, i64::MIN).1, Vec::new());
    }
}
