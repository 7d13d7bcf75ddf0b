//! Properties over random histories drawn from a small seeded generator: arrival order and
//! repeats change nothing, a new successful deployment never lengthens a lead time, a
//! replaced event can be restored, facts kept up to date through the touched deployments
//! equal facts derived afresh, and the organisation's figures agree with a direct
//! (quadratic) reading of the definitions.

use std::collections::BTreeMap;

use kiosque_delivery::{
    report, report_facts, Change, Date, Deployment, DeploymentFact, Facts, History, Incident, Inserted, Ownership,
    Report, Scope, Status, Window,
};

/// SplitMix64: small, seedable, good enough to shuffle test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i as u64 + 1) as usize);
        }
    }
}

/// 2024-03-04T00:00:00Z, a Monday.
const START: i64 = 1_709_510_400;
const HOUR: i64 = 3600;

#[derive(Clone)]
enum Event {
    Change(Change),
    Deployment(Deployment),
    Incident(Incident),
}

fn insert(history: &mut History, event: &Event) -> Inserted {
    match event {
        Event::Change(c) => history.insert_change(c),
        Event::Deployment(d) => history.insert_deployment(d),
        Event::Incident(i) => history.insert_incident(i),
    }
}

const SERVICES: [&str; 4] = ["svc-a", "svc-b", "svc-c", "svc-unowned"];

/// About 30 days of events for four services; times fall on a half-hour grid so that
/// deployments often finish at the same instant.
fn random_history(rng: &mut Rng) -> Vec<Event> {
    let mut events = Vec::new();
    let mut changes: Vec<Change> = Vec::new();
    for n in 0..(20 + rng.below(40)) {
        let service = SERVICES[rng.below(4) as usize];
        let committed_at = START + rng.below(30 * 48) as i64 * 1800;
        changes.push(Change {
            sha: format!("{:040x}", u128::from(rng.next()) << 32 | n as u128),
            repository: format!("example/{service}"),
            author: format!("dev{}", rng.below(5)),
            authored_at: committed_at - rng.below(4) as i64 * HOUR,
            committed_at,
            merged_at: committed_at + rng.below(10) as i64 * HOUR,
        });
    }
    let deployment_count = 20 + rng.below(40) as i64;
    for id in 1..=deployment_count {
        let service = SERVICES[rng.below(4) as usize];
        let repository = format!("example/{service}");
        let finished_at = START + rng.below(32 * 48) as i64 * 1800;
        let mut commits: Vec<String> = changes
            .iter()
            .filter(|c| c.repository == repository && c.committed_at <= finished_at && rng.chance(30))
            .map(|c| c.sha.clone())
            .collect();
        if rng.chance(10) {
            commits.push(format!("{:040x}", rng.next())); // a commit no change describes
        }
        if let (true, Some(first)) = (rng.chance(10), commits.first().cloned()) {
            commits.push(first); // listed twice
        }
        let environment = ["production", "production", "staging", "canary"][rng.below(4) as usize];
        events.push(Event::Deployment(Deployment {
            id,
            repository,
            service: service.to_string(),
            environment: environment.to_string(),
            started_at: finished_at - 600,
            finished_at,
            status: if rng.chance(80) { Status::Success } else { Status::Failure },
            commits,
            rollback_of: rng.chance(10).then(|| 1 + rng.below(deployment_count as u64) as i64),
            fixes: rng.chance(10).then(|| 1 + rng.below(deployment_count as u64) as i64),
            production: None,
        }));
    }
    for id in 1..=(rng.below(10) as i64) {
        let opened_at = START + rng.below(30 * 48) as i64 * 1800;
        events.push(Event::Incident(Incident {
            id,
            service: SERVICES[rng.below(4) as usize].to_string(),
            opened_at,
            resolved_at: rng.chance(70).then(|| opened_at + rng.below(20) as i64 * 1800),
            caused_by_deployment: rng.chance(50).then(|| 1 + rng.below(deployment_count as u64) as i64),
        }));
    }
    events.extend(changes.into_iter().map(Event::Change));
    events
}

fn ownership() -> Ownership {
    [("svc-a", "team-1"), ("svc-b", "team-1"), ("svc-c", "team-2")].into_iter().collect()
}

fn window() -> Window {
    // 2024-03-10 (a Sunday) to 2024-03-29: the history starts before and ends after.
    Window { end: Some("2024-03-29".parse::<Date>().unwrap()), days: 20 }
}

fn build(events: &[Event]) -> History {
    let mut history = History::default();
    for event in events {
        insert(&mut history, event);
    }
    history
}

fn report_of(history: &History) -> Report {
    report(history, &ownership(), window()).unwrap()
}

const SEEDS: std::ops::Range<u64> = 0..200;

#[test]
fn arrival_order_never_changes_results() {
    for seed in SEEDS {
        let mut rng = Rng(seed);
        let events = random_history(&mut rng);
        let expected = report_of(&build(&events));
        for _ in 0..3 {
            let mut shuffled = events.clone();
            rng.shuffle(&mut shuffled);
            assert_eq!(report_of(&build(&shuffled)), expected, "seed {seed}");
        }
    }
}

#[test]
fn inserting_the_same_events_again_changes_nothing() {
    for seed in SEEDS {
        let mut rng = Rng(seed);
        let events = random_history(&mut rng);
        let mut history = build(&events);
        let expected = report_of(&history);
        let counts = history.counts();
        let mut again = events.clone();
        rng.shuffle(&mut again);
        for event in &again {
            assert_eq!(insert(&mut history, event), Inserted::Unchanged, "seed {seed}");
        }
        assert_eq!(report_of(&history), expected, "seed {seed}");
        assert_eq!(history.counts(), counts);
    }
}

#[test]
fn a_new_successful_deployment_never_lengthens_a_lead_time() {
    for seed in SEEDS {
        let mut rng = Rng(seed);
        let events = random_history(&mut rng);
        let mut history = build(&events);
        let changes: Vec<&Change> =
            events.iter().filter_map(|e| if let Event::Change(c) = e { Some(c) } else { None }).collect();
        let lead =
            |h: &History, c: &Change| h.first_deployment(&c.repository, &c.sha).and_then(|f| f.lead_time_seconds);
        let before: Vec<Option<i64>> = changes.iter().map(|c| lead(&history, c)).collect();
        let repository = &changes[rng.below(changes.len() as u64) as usize].repository;
        let commits: Vec<String> =
            changes.iter().filter(|c| &c.repository == repository && rng.chance(50)).map(|c| c.sha.clone()).collect();
        history.insert_deployment(&Deployment {
            id: 1000,
            repository: repository.clone(),
            service: repository.trim_start_matches("example/").to_string(),
            environment: "production".into(),
            started_at: START,
            finished_at: START + rng.below(32 * 48) as i64 * 1800,
            status: Status::Success,
            commits,
            rollback_of: None,
            fixes: None,
            production: None,
        });
        for (change, old) in changes.iter().zip(before) {
            if let Some(old) = old {
                let new = lead(&history, change).expect("a deployed change stays deployed");
                assert!(new <= old, "seed {seed}: {} went from {old} to {new}", change.sha);
            }
        }
    }
}

#[test]
fn a_replaced_event_can_be_restored() {
    for seed in SEEDS {
        let mut rng = Rng(seed);
        let events = random_history(&mut rng);
        let mut history = build(&events);
        let expected = report_of(&history);
        // Replace a few events with altered versions, then send the originals again.
        let mut picked: Vec<&Event> = events.iter().filter(|_| rng.chance(20)).collect();
        rng.shuffle(&mut picked);
        for &event in &picked {
            let altered = match event.clone() {
                Event::Change(mut c) => {
                    c.committed_at -= 7 * HOUR;
                    Event::Change(c)
                }
                Event::Deployment(mut d) => {
                    d.status = if d.status == Status::Success { Status::Failure } else { Status::Success };
                    d.finished_at += 3 * HOUR;
                    d.commits.pop();
                    d.rollback_of = d.rollback_of.xor(Some(1));
                    d.environment = if d.environment == "production" { "staging".into() } else { "production".into() };
                    Event::Deployment(d)
                }
                Event::Incident(mut i) => {
                    i.resolved_at = i.resolved_at.xor(Some(i.opened_at + HOUR));
                    i.caused_by_deployment = i.caused_by_deployment.xor(Some(2));
                    i.opened_at -= HOUR;
                    Event::Incident(i)
                }
            };
            assert_eq!(insert(&mut history, &altered), Inserted::Replaced, "seed {seed}");
        }
        for &event in picked.iter().rev() {
            assert_eq!(insert(&mut history, event), Inserted::Replaced, "seed {seed}");
        }
        assert_eq!(report_of(&history), expected, "seed {seed}");
    }
}

/// Quantile by linear interpolation at q * (n - 1), straight from the definition.
fn quantile(mut values: Vec<i64>, q: f64) -> Option<f64> {
    values.sort();
    let n = values.len();
    if n == 0 {
        return None;
    }
    let position = q * (n - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    let fraction = position - low as f64;
    Some((values[low] as f64 + (values[high] - values[low]) as f64 * fraction) / 3600.0)
}

#[test]
fn the_organisation_agrees_with_a_direct_reading_of_the_definitions() {
    let owned = ["svc-a", "svc-b", "svc-c"];
    let (from, until) = (START + 6 * 86_400, START + 26 * 86_400); // 2024-03-10 .. 2024-03-30
    for seed in SEEDS {
        let events = random_history(&mut Rng(seed));
        let deployments: Vec<&Deployment> =
            events.iter().filter_map(|e| if let Event::Deployment(d) = e { Some(d) } else { None }).collect();
        let incidents: Vec<&Incident> =
            events.iter().filter_map(|e| if let Event::Incident(i) = e { Some(i) } else { None }).collect();
        let production: Vec<&&Deployment> = deployments.iter().filter(|d| d.environment == "production").collect();
        let in_window = |t: i64| from <= t && t < until;
        let counted: Vec<&&&Deployment> =
            production.iter().filter(|d| owned.contains(&d.service.as_str()) && in_window(d.finished_at)).collect();
        let failed = |d: &Deployment| {
            d.status == Status::Failure
                || deployments.iter().any(|o| o.rollback_of == Some(d.id))
                || incidents.iter().any(|i| i.caused_by_deployment == Some(d.id))
        };
        let mut recoveries = Vec::new();
        for d in counted.iter().filter(|d| failed(d)) {
            let next = production
                .iter()
                .filter(|o| o.service == d.service && o.status == Status::Success && o.finished_at > d.finished_at)
                .map(|o| o.finished_at)
                .min();
            recoveries.extend(next.map(|t| t - d.finished_at));
        }
        let mut leads = Vec::new();
        for event in &events {
            let Event::Change(c) = event else { continue };
            let first = production
                .iter()
                .filter(|d| d.status == Status::Success && d.repository == c.repository && d.commits.contains(&c.sha))
                .min_by_key(|d| (d.finished_at, d.id));
            if let Some(d) = first.filter(|d| owned.contains(&d.service.as_str()) && in_window(d.finished_at)) {
                leads.push(d.finished_at - c.committed_at);
            }
        }
        let report = report_of(&build(&events));
        let org = &report.rows[0];
        assert_eq!((org.scope, org.bucket.to_string()), (Scope::Organisation, "window".to_string()));
        let successes = counted.iter().filter(|d| d.status == Status::Success).count() as u64;
        assert_eq!(org.deployments, successes, "seed {seed}");
        assert_eq!(org.production_deployments, counted.len() as u64, "seed {seed}");
        assert_eq!(org.failed_deployments, counted.iter().filter(|d| failed(d)).count() as u64, "seed {seed}");
        assert_eq!(org.rework_deployments, counted.iter().filter(|d| d.fixes.is_some()).count() as u64);
        assert_eq!(org.recovered_deployments, recoveries.len() as u64, "seed {seed}");
        assert_eq!(org.recovery_median_hours, quantile(recoveries, 0.5), "seed {seed}");
        assert_eq!(org.lead_time_changes, leads.len() as u64, "seed {seed}");
        assert_eq!(org.lead_time_median_hours, quantile(leads.clone(), 0.5), "seed {seed}");
        assert_eq!(org.lead_time_p90_hours, quantile(leads, 0.9), "seed {seed}");
    }
}

/// A version of an event with other content under the same identity.
fn altered(event: &Event, rng: &mut Rng) -> Event {
    let mut event = event.clone();
    match &mut event {
        Event::Change(c) => c.committed_at -= rng.below(48) as i64 * 1800,
        Event::Deployment(d) => {
            d.finished_at += (rng.below(96) as i64 - 48) * 1800;
            if rng.chance(50) {
                d.status = if d.status == Status::Success { Status::Failure } else { Status::Success };
            }
            if rng.chance(30) {
                d.environment = if d.environment == "production" { "staging" } else { "production" }.to_string();
            }
            if rng.chance(30) {
                d.commits.clear();
            }
        }
        Event::Incident(i) => i.caused_by_deployment = i.caused_by_deployment.map_or(Some(1), |_| None),
    }
    event
}

#[test]
fn facts_kept_through_touched_deployments_equal_facts_derived_afresh() {
    for seed in SEEDS {
        let mut rng = Rng(seed);
        let mut events = random_history(&mut rng);
        rng.shuffle(&mut events);
        // Some events arrive twice, in another version first or last.
        let mut arrivals = events.clone();
        for event in &events {
            if rng.chance(15) {
                let at = rng.below(arrivals.len() as u64 + 1) as usize;
                arrivals.insert(at, altered(event, &mut rng));
            }
        }
        // What a store would hold: facts rewritten for each touched id after each insertion.
        let mut kept: BTreeMap<i64, DeploymentFact> = BTreeMap::new();
        let mut history = History::default();
        for event in &arrivals {
            insert(&mut history, event);
            for id in history.take_touched() {
                match history.deployment_fact(id) {
                    Some(fact) => kept.insert(id, fact),
                    None => kept.remove(&id),
                };
            }
        }
        let afresh: BTreeMap<i64, DeploymentFact> = history.deployment_facts_all().map(|f| (f.id, f)).collect();
        assert_eq!(kept, afresh, "seed {seed}");

        let mut facts = Facts::new(history.latest_finished_at());
        kept.into_values().for_each(|f| facts.add_deployment(f));
        history.incident_facts().for_each(|f| facts.add_incident(f));
        assert_eq!(report_facts(facts, &ownership(), window()).unwrap(), report_of(&history), "seed {seed}");
    }
}
