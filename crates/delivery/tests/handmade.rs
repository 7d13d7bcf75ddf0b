//! A small hand-made history (tests/fixtures/handmade) whose figures are worked out by hand
//! below, from the definitions, with the arithmetic in comments.
//!
//! Window: 2024-04-29 (a Monday) to 2024-05-14 (a Tuesday), 16 days: buckets 2024-W18
//! (Apr 29 - May 5), 2024-W19 (May 6 - 12) and 2024-W20 clipped to May 13 - 14 (2 days).
//! Owners: api and web (team core), jobs (team data); legacy has no owner.
//!
//! api (production deployments, UTC):
//! - 1  Apr 26 12:00 success [a0]: before the window; a0 is never counted in it.
//! - 3  Apr 29 09:00 success [a1]; a1 committed 09:00+02:00 = 07:00Z: lead 2 h = 7200 s.
//! - 4  Apr 30 11:00 FAILURE [a2]; recovered by 5: 1.5 h = 5400 s.
//! - 5  Apr 30 12:30 success [a2] (listed again): a2 committed 10:00, lead 2.5 h = 9000 s.
//! - 6  May 1 09:00 success [] (a redeploy without commits).
//! - 7  May 2 10:00 success [a3], rolled back by 8 AND blamed by incident 1: failed once.
//!   a3 committed 13:00-04:00 = May 1 17:00Z: lead 17 h = 61200 s. Recovery: 8, 1 h.
//! - 8  May 2 11:00 success [], rollback_of 7.
//! - 9  May 2 13:00 success [a3, a4], fixes 7: a3 already counted at 7; a4 committed
//!   11:30: lead 1.5 h = 5400 s.
//! - 11 May 13 10:00 FAILURE [a5], never followed by a success: not recovered.
//! - staging 2 and 10 are ignored.
//!
//! web:
//! - 13 May 1 10:00 success [b1, b2], blamed by incident 2. b1 committed 15:00+05:30 =
//!   Apr 29 09:30Z: lead 48.5 h = 174600 s; b2 committed Apr 30 08:00: 26 h = 93600 s.
//!   Recovery: 14, 2 h = 7200 s.
//! - 14 May 1 12:00 success [b3] fixes 13: a hotfix straight to production (staging 15
//!   brings b3 a week later, ignored). b3 committed 11:00: lead 1 h = 3600 s.
//! - 16 finished 2024-05-12T22:30-03:00 = May 13 01:30Z: in W20, not W19. b4 committed
//!   May 10 10:00: lead 2 days 15.5 h = 63.5 h = 228600 s.
//! - 17 finished 2024-05-15T00:30+02:00 = May 14 22:30Z: the window's last day.
//! - 18 finished 2024-05-15T00:00Z: just after the window; b5 counts nowhere in it.
//!
//! jobs:
//! - 19 Apr 27 10:00 FAILURE [c1]: before the window.
//! - 20 Apr 29 10:00 success [c1]: c1 committed Apr 20 10:00: lead 9 days = 216 h =
//!   777600 s. Blamed by incident 4 (opened later, still open): failed. Recovery: 21, May 14
//!   09:00 - Apr 29 10:00 = 15 days - 1 h = 359 h = 1292400 s.
//! - 21 May 14 09:00 success [].
//! - 22 in environment qa: ignored.
//!
//! legacy: deployment 23 (May 8) and incident 5: no owner, counted nowhere, listed as
//! unmapped. So no owned service deploys to production in W19: the organisation's W19 row is
//! an empty week.
//!
//! Incidents (opened -> resolved): 1 api May 2 10:30 -> 12:30 (7200 s); 2 web May 1
//! 12:30+02:00 = 10:30Z -> 12:15Z (6300 s); 3 jobs May 8 10:00 -> 14:00 (14400 s); 4 jobs
//! May 13 08:00, still open.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use kiosque_delivery::{
    read_changes, read_deployments, read_incidents, report, Date, History, HistoryConfig, Ownership, Report, Row,
    Scope, Window,
};

fn fixture(name: &str) -> BufReader<File> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/handmade").join(name);
    BufReader::new(File::open(path).unwrap())
}

fn load(config: HistoryConfig) -> History {
    let mut history = History::new(config);
    for change in read_changes(fixture("changes.jsonl"), "changes.jsonl") {
        history.insert_change(&change.unwrap());
    }
    for deployment in read_deployments(fixture("deployments.jsonl"), "deployments.jsonl") {
        history.insert_deployment(&deployment.unwrap());
    }
    for incident in read_incidents(fixture("incidents.jsonl"), "incidents.jsonl") {
        history.insert_incident(&incident.unwrap());
    }
    history
}

fn ownership() -> Ownership {
    Ownership::read_csv(fixture("services.csv"), "services.csv").unwrap()
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn window() -> Window {
    Window { end: Some(date("2024-05-14")), days: 16 }
}

/// The figures expected in one row (durations in hours).
#[derive(Debug, Clone, Copy)]
struct Expected {
    days: u32,
    deployments: u64,
    per_day: f64,
    lead_changes: u64,
    lead_median: Option<f64>,
    lead_p90: Option<f64>,
    production: u64,
    failed: u64,
    failure_rate: Option<f64>,
    recovered: u64,
    recovery_median: Option<f64>,
    rework: u64,
    rework_rate: Option<f64>,
    incidents: u64,
    resolved: u64,
    incident_median: Option<f64>,
}

/// A week without any production deployment and without incidents.
const EMPTY_WEEK: Expected = Expected {
    days: 7,
    deployments: 0,
    per_day: 0.0,
    lead_changes: 0,
    lead_median: None,
    lead_p90: None,
    production: 0,
    failed: 0,
    failure_rate: None,
    recovered: 0,
    recovery_median: None,
    rework: 0,
    rework_rate: None,
    incidents: 0,
    resolved: 0,
    incident_median: None,
};

fn close(actual: Option<f64>, expected: Option<f64>) -> bool {
    match (actual, expected) {
        (Some(a), Some(e)) => (a - e).abs() <= 1e-9 * e.abs().max(1.0),
        (None, None) => true,
        _ => false,
    }
}

fn row<'r>(report: &'r Report, scope: Scope, entity: &str, bucket: &str) -> &'r Row {
    report
        .rows
        .iter()
        .find(|r| r.scope == scope && r.entity == entity && r.bucket.to_string() == bucket)
        .unwrap_or_else(|| panic!("no row {scope:?} {entity} {bucket}"))
}

fn check(report: &Report, scope: Scope, entity: &str, bucket: &str, e: Expected) {
    let r = row(report, scope, entity, bucket);
    let what = format!("{scope:?} {entity} {bucket}: {r:#?}");
    assert_eq!(r.days, e.days, "days of {what}");
    assert_eq!(r.deployments, e.deployments, "deployments of {what}");
    assert!(close(Some(r.deployments_per_day), Some(e.per_day)), "per day of {what}");
    assert_eq!(r.lead_time_changes, e.lead_changes, "lead time changes of {what}");
    assert!(close(r.lead_time_median_hours, e.lead_median), "lead time median of {what}");
    assert!(close(r.lead_time_p90_hours, e.lead_p90), "lead time p90 of {what}");
    assert_eq!(r.production_deployments, e.production, "production deployments of {what}");
    assert_eq!(r.failed_deployments, e.failed, "failed of {what}");
    assert!(close(r.change_failure_rate, e.failure_rate), "change failure rate of {what}");
    assert_eq!(r.recovered_deployments, e.recovered, "recovered of {what}");
    assert!(close(r.recovery_median_hours, e.recovery_median), "recovery of {what}");
    assert_eq!(r.rework_deployments, e.rework, "rework of {what}");
    assert!(close(r.rework_rate, e.rework_rate), "rework rate of {what}");
    assert_eq!(r.incidents, e.incidents, "incidents of {what}");
    assert_eq!(r.resolved_incidents, e.resolved, "resolved incidents of {what}");
    assert!(close(r.incident_recovery_median_hours, e.incident_median), "incident recovery of {what}");
}

#[test]
fn rows_come_in_reference_order() {
    let report = report(&load(HistoryConfig::default()), &ownership(), window()).unwrap();
    let keys: Vec<String> =
        report.rows.iter().map(|r| format!("{} {} {}", r.scope.as_str(), r.entity, r.bucket)).collect();
    let mut expected = Vec::new();
    for entity in ["organisation organisation", "team core", "team data", "service api", "service jobs", "service web"]
    {
        for bucket in ["window", "2024-W18", "2024-W19", "2024-W20"] {
            expected.push(format!("{entity} {bucket}"));
        }
    }
    assert_eq!(keys, expected);
    let w20 = row(&report, Scope::Organisation, "organisation", "2024-W20");
    assert_eq!((w20.start, w20.end, w20.days), (date("2024-05-13"), date("2024-05-14"), 2));
    assert_eq!(row(&report, Scope::Service, "web", "window").team.as_deref(), Some("core"));
    assert_eq!(row(&report, Scope::Team, "data", "window").team.as_deref(), Some("data"));
    assert_eq!(row(&report, Scope::Organisation, "organisation", "window").team, None);
}

#[test]
fn organisation() {
    let report = report(&load(HistoryConfig::default()), &ownership(), window()).unwrap();
    let org = |bucket, e| check(&report, Scope::Organisation, "organisation", bucket, e);
    org(
        "window",
        Expected {
            days: 16,
            // Successes: api 3, 5, 6, 7, 8, 9; web 13, 14, 16, 17; jobs 20, 21.
            deployments: 12,
            per_day: 12.0 / 16.0,
            // Sorted: 3600 b3, 5400 a4, 7200 a1, 9000 a2, 61200 a3, 93600 b2, 174600 b1,
            // 228600 b4, 777600 c1. Median: position 4 = 61200 s = 17 h. P90: position 7.2 =
            // 228600 + 0.2 * (777600 - 228600) = 338400 s = 94 h.
            lead_changes: 9,
            lead_median: Some(17.0),
            lead_p90: Some(94.0),
            // api 8 (3, 4, 5, 6, 7, 8, 9, 11) + web 4 (13, 14, 16, 17) + jobs 2 (20, 21).
            production: 14,
            // api 4, 7, 11; web 13; jobs 20.
            failed: 5,
            failure_rate: Some(5.0 / 14.0),
            // 3600 (7), 5400 (4), 7200 (13), 1292400 (20); 11 never recovered. Median at
            // position 1.5: (5400 + 7200) / 2 = 6300 s = 1.75 h.
            recovered: 4,
            recovery_median: Some(1.75),
            // api 9, web 14.
            rework: 2,
            rework_rate: Some(2.0 / 14.0),
            // 1, 2, 3 resolved (7200, 6300, 14400 s), 4 open. Median 7200 s = 2 h.
            incidents: 4,
            resolved: 3,
            incident_median: Some(2.0),
        },
    );
    org(
        "2024-W18",
        Expected {
            days: 7,
            // api 6 + web 2 (13, 14) + jobs 1 (20).
            deployments: 9,
            per_day: 9.0 / 7.0,
            // All but b4: 3600, 5400, 7200, 9000, 61200, 93600, 174600, 777600. Median at 3.5:
            // (9000 + 61200) / 2 = 35100 s = 9.75 h. P90 at 6.3: 174600 + 0.3 * 603000 =
            // 355500 s = 98.75 h.
            lead_changes: 8,
            lead_median: Some(9.75),
            lead_p90: Some(98.75),
            // api 7 + web 2 + jobs 1; failed api 4, 7, web 13, jobs 20.
            production: 10,
            failed: 4,
            failure_rate: Some(0.4),
            // 3600, 5400, 7200, 1292400: median 6300 s = 1.75 h.
            recovered: 4,
            recovery_median: Some(1.75),
            rework: 2,
            rework_rate: Some(0.2),
            // Incidents 1 and 2: (6300 + 7200) / 2 = 6750 s = 1.875 h.
            incidents: 2,
            resolved: 2,
            incident_median: Some(1.875),
        },
    );
    // No owned service deploys to production in W19 (legacy's deployment is not owned, the
    // other deployments are staging or qa): counts 0, ratios and quantiles absent. Incident 3
    // (4 h) is the week's only incident.
    org("2024-W19", Expected { incidents: 1, resolved: 1, incident_median: Some(4.0), ..EMPTY_WEEK });
    org(
        "2024-W20",
        Expected {
            days: 2,
            // web 16, 17 and jobs 21 succeed; api 11 fails.
            deployments: 3,
            per_day: 1.5,
            // b4 alone: 228600 s = 63.5 h.
            lead_changes: 1,
            lead_median: Some(63.5),
            lead_p90: Some(63.5),
            production: 4,
            failed: 1,
            failure_rate: Some(0.25),
            recovered: 0,
            recovery_median: None,
            rework: 0,
            rework_rate: Some(0.0),
            // Incident 4, still open.
            incidents: 1,
            resolved: 0,
            incident_median: None,
        },
    );
}

#[test]
fn teams_pool_their_services() {
    let report = report(&load(HistoryConfig::default()), &ownership(), window()).unwrap();
    check(
        &report,
        Scope::Team,
        "core",
        "window",
        Expected {
            days: 16,
            // api 6 + web 4.
            deployments: 10,
            per_day: 10.0 / 16.0,
            // 3600, 5400, 7200, 9000, 61200, 93600, 174600, 228600: median at 3.5 = 35100 s =
            // 9.75 h (not the mean of the services' medians, 2.25 and 37.25); p90 at 6.3 =
            // 174600 + 0.3 * 54000 = 190800 s = 53 h.
            lead_changes: 8,
            lead_median: Some(9.75),
            lead_p90: Some(53.0),
            production: 12,
            failed: 4,
            failure_rate: Some(4.0 / 12.0),
            // 3600, 5400, 7200: median 5400 s = 1.5 h.
            recovered: 3,
            recovery_median: Some(1.5),
            rework: 2,
            rework_rate: Some(2.0 / 12.0),
            incidents: 2,
            resolved: 2,
            incident_median: Some(1.875),
        },
    );
    check(
        &report,
        Scope::Team,
        "core",
        "2024-W18",
        Expected {
            days: 7,
            deployments: 8,
            per_day: 8.0 / 7.0,
            // 3600, 5400, 7200, 9000, 61200, 93600, 174600: median at 3 = 9000 s = 2.5 h; p90
            // at 5.4 = 93600 + 0.4 * 81000 = 126000 s = 35 h.
            lead_changes: 7,
            lead_median: Some(2.5),
            lead_p90: Some(35.0),
            production: 9,
            failed: 3,
            failure_rate: Some(3.0 / 9.0),
            recovered: 3,
            recovery_median: Some(1.5),
            rework: 2,
            rework_rate: Some(2.0 / 9.0),
            incidents: 2,
            resolved: 2,
            incident_median: Some(1.875),
        },
    );
    check(
        &report,
        Scope::Team,
        "data",
        "2024-W19",
        Expected { incidents: 1, resolved: 1, incident_median: Some(4.0), ..EMPTY_WEEK },
    );
}

#[test]
fn services() {
    let report = report(&load(HistoryConfig::default()), &ownership(), window()).unwrap();
    let api = Expected {
        days: 16,
        deployments: 6,
        per_day: 6.0 / 16.0,
        // 5400, 7200, 9000, 61200: median at 1.5 = 8100 s = 2.25 h; p90 at 2.7 = 9000 + 0.7 *
        // 52200 = 45540 s = 12.65 h.
        lead_changes: 4,
        lead_median: Some(2.25),
        lead_p90: Some(12.65),
        production: 8,
        failed: 3,
        failure_rate: Some(3.0 / 8.0),
        // 5400 and 3600: 4500 s = 1.25 h. Deployment 11 has no successor.
        recovered: 2,
        recovery_median: Some(1.25),
        rework: 1,
        rework_rate: Some(1.0 / 8.0),
        incidents: 1,
        resolved: 1,
        incident_median: Some(2.0),
    };
    check(&report, Scope::Service, "api", "window", api);
    check(
        &report,
        Scope::Service,
        "api",
        "2024-W18",
        Expected {
            days: 7,
            per_day: 6.0 / 7.0,
            production: 7,
            failed: 2,
            failure_rate: Some(2.0 / 7.0),
            rework_rate: Some(1.0 / 7.0),
            ..api
        },
    );
    // Staging deployment 10 only.
    check(&report, Scope::Service, "api", "2024-W19", EMPTY_WEEK);
    check(
        &report,
        Scope::Service,
        "api",
        "2024-W20",
        Expected { days: 2, production: 1, failed: 1, failure_rate: Some(1.0), rework_rate: Some(0.0), ..EMPTY_WEEK },
    );
    check(
        &report,
        Scope::Service,
        "web",
        "window",
        Expected {
            days: 16,
            deployments: 4,
            per_day: 0.25,
            // 3600, 93600, 174600, 228600: median at 1.5 = 134100 s = 37.25 h; p90 at 2.7 =
            // 174600 + 0.7 * 54000 = 212400 s = 59 h.
            lead_changes: 4,
            lead_median: Some(37.25),
            lead_p90: Some(59.0),
            production: 4,
            failed: 1,
            failure_rate: Some(0.25),
            recovered: 1,
            recovery_median: Some(2.0),
            rework: 1,
            rework_rate: Some(0.25),
            incidents: 1,
            resolved: 1,
            incident_median: Some(1.75),
        },
    );
    check(
        &report,
        Scope::Service,
        "web",
        "2024-W20",
        Expected {
            days: 2,
            deployments: 2,
            per_day: 1.0,
            lead_changes: 1,
            lead_median: Some(63.5),
            lead_p90: Some(63.5),
            production: 2,
            failure_rate: Some(0.0),
            rework_rate: Some(0.0),
            ..EMPTY_WEEK
        },
    );
    check(
        &report,
        Scope::Service,
        "jobs",
        "2024-W18",
        Expected {
            days: 7,
            deployments: 1,
            per_day: 1.0 / 7.0,
            lead_changes: 1,
            lead_median: Some(216.0),
            lead_p90: Some(216.0),
            production: 1,
            failed: 1,
            failure_rate: Some(1.0),
            recovered: 1,
            recovery_median: Some(359.0),
            rework_rate: Some(0.0),
            ..EMPTY_WEEK
        },
    );
}

#[test]
fn derived_facts_of_single_events() {
    let history = load(HistoryConfig::default());
    // a2 was listed by failed deployment 4, then by 5.
    let a2 = history.first_deployment("example/api", "a200000000000000000000000000000000000000").unwrap();
    assert_eq!((a2.deployment_id, a2.lead_time_seconds), (5, Some(9000)));
    // a3 was listed by 7 (later rolled back) and again by 9: it counts at 7.
    assert_eq!(
        history.first_deployment("example/api", "a300000000000000000000000000000000000000").unwrap().deployment_id,
        7
    );
    assert_eq!(history.first_deployment("example/api", "a500000000000000000000000000000000000000"), None);
    assert_eq!(history.first_deployment("example/web", "a100000000000000000000000000000000000000"), None);
    let facts = |id| history.deployment_facts(id).unwrap();
    assert_eq!((facts(7).failed, facts(7).recovery_seconds), (true, Some(3600)));
    assert_eq!((facts(11).failed, facts(11).recovery_seconds), (true, None));
    // 19 fails on Apr 27 10:00; 20 succeeds two days later.
    assert_eq!(facts(19).recovery_seconds, Some(2 * 86_400));
    assert_eq!((facts(5).production, facts(5).failed), (true, false));
    assert!(!facts(22).production, "qa is not production");
    assert_eq!(history.deployment_facts(99), None);
    assert_eq!(history.counts(), (14, 23, 5));
    assert_eq!(history.latest_finished_at(), Some(1_715_731_200), "2024-05-15T00:00:00Z");
}

#[test]
fn unowned_services_are_listed_not_counted() {
    let history = load(HistoryConfig::default());
    let unmapped = history.unmapped(&ownership());
    assert_eq!(unmapped.len(), 1);
    assert_eq!((unmapped[0].service.as_str(), unmapped[0].deployments, unmapped[0].incidents), ("legacy", 1, 1));
    assert!(unmapped[0].reason.contains("no owning team"));
}

#[test]
fn the_window_ends_by_default_on_the_latest_deployment_date() {
    let report = report(&load(HistoryConfig::default()), &ownership(), Window { end: None, days: 16 }).unwrap();
    // Deployment 18 finished 2024-05-15T00:00Z.
    assert_eq!((report.start, report.end), (date("2024-04-30"), date("2024-05-15")));
    // The first week is clipped to Tuesday to Sunday.
    let w18 = row(&report, Scope::Organisation, "organisation", "2024-W18");
    assert_eq!((w18.start, w18.days), (date("2024-04-30"), 6));
}

#[test]
fn production_is_whatever_the_configuration_says() {
    let config = HistoryConfig::global(vec!["production".into(), "qa".into()]);
    let report = report(&load(config), &ownership(), window()).unwrap();
    // Deployment 22 (qa, May 7, success, commits [c2]) now counts for jobs in W19: c2
    // committed May 6 10:00, deployed May 7 10:00: 24 h.
    check(
        &report,
        Scope::Service,
        "jobs",
        "2024-W19",
        Expected {
            deployments: 1,
            per_day: 1.0 / 7.0,
            lead_changes: 1,
            lead_median: Some(24.0),
            lead_p90: Some(24.0),
            production: 1,
            failure_rate: Some(0.0),
            rework_rate: Some(0.0),
            incidents: 1,
            resolved: 1,
            incident_median: Some(4.0),
            ..EMPTY_WEEK
        },
    );
}

#[test]
fn a_service_may_declare_its_own_production() {
    // jobs declares qa as its only production: deployment 22 (qa, May 7) counts for it as
    // in the test above, and its production deployments no longer do (21, May 14, in W20).
    let config =
        HistoryConfig { production_by_service: vec![("jobs".into(), vec!["qa".into()])], ..HistoryConfig::default() };
    let declared = report(&load(config), &ownership(), window()).unwrap();
    let w19 = row(&declared, Scope::Service, "jobs", "2024-W19");
    assert_eq!((w19.deployments, w19.production_deployments, w19.lead_time_changes), (1, 1, 1));
    assert_eq!(w19.lead_time_median_hours, Some(24.0));
    let w20 = row(&declared, Scope::Service, "jobs", "2024-W20");
    assert_eq!((w20.deployments, w20.production_deployments), (0, 0));
    let default = report(&load(HistoryConfig::default()), &ownership(), window()).unwrap();
    assert_eq!(row(&default, Scope::Service, "jobs", "2024-W20").deployments, 1);
    // The other services keep the global declaration.
    for service in ["api", "web"] {
        let of = |r: &Report| r.rows.iter().filter(|row| row.entity == service).cloned().collect::<Vec<_>>();
        assert_eq!(of(&declared), of(&default), "{service}");
    }
    // What a store records to notice a change of declarations.
    let config = HistoryConfig {
        production_by_service: vec![("jobs".into(), vec!["qa".into(), "live".into()])],
        ..HistoryConfig::default()
    };
    assert_eq!(config.declarations(), ["jobs=live", "jobs=qa", "production"]);
}

#[test]
fn a_source_may_declare_its_environment_production_and_a_service_s_own_declaration_wins() {
    let deployment = |id, service: &str, environment: &str, production| {
        kiosque_delivery::Event::Deployment(kiosque_delivery::Deployment {
            id,
            repository: format!("example/{service}"),
            service: service.into(),
            environment: environment.into(),
            started_at: kiosque_delivery::timestamp_from_rfc3339("2024-05-07T09:00:00Z").unwrap(),
            finished_at: kiosque_delivery::timestamp_from_rfc3339("2024-05-07T10:00:00Z").unwrap(),
            status: kiosque_delivery::Status::Success,
            commits: vec![],
            rollback_of: None,
            fixes: None,
            production,
        })
    };
    let config =
        HistoryConfig { production_by_service: vec![("jobs".into(), vec!["live".into()])], ..HistoryConfig::default() };
    let mut history = History::new(config);
    for event in [
        // api: "prod-eu" declared production by its source counts; "production" declared
        // not production by its source does not: the source knows its environments.
        deployment(1, "api", "prod-eu", Some(true)),
        deployment(2, "api", "production", Some(false)),
        // jobs: its configured declaration wins over the source's either way.
        deployment(3, "jobs", "prod-eu", Some(true)),
        deployment(4, "jobs", "live", Some(false)),
    ] {
        history.insert(&event);
    }
    let report = report(&history, &ownership(), window()).unwrap();
    let deployments = |service| row(&report, Scope::Service, service, "window").deployments;
    assert_eq!((deployments("api"), deployments("jobs")), (1, 1));
}

#[test]
fn the_csv_matches_the_reference_format() {
    let report = report(&load(HistoryConfig::default()), &ownership(), window()).unwrap();
    let mut out = Vec::new();
    kiosque_delivery::write_csv(&report, kiosque_delivery::CsvColumns::Reference, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 25);
    assert_eq!(
        lines[0],
        "level,entity,team,bucket,bucket_start,bucket_end,days,deployments,deployments_per_day,lead_time_changes,\
         lead_time_median_hours,lead_time_p90_hours,production_deployments,failed_deployments,change_failure_rate,\
         recovered_deployments,recovery_median_hours,rework_deployments,rework_rate"
    );
    // The empty week: zeros for counts, empty fields for what is absent.
    assert_eq!(lines[3], "organisation,organisation,,2024-W19,2024-05-06,2024-05-12,7,0,0.0,0,,,0,0,,0,,0,");
    assert_eq!(lines[16], "service,api,core,2024-W20,2024-05-13,2024-05-14,2,0,0.0,0,,,1,1,1.0,0,,0,0.0");
}

#[test]
fn an_incident_sent_again_when_resolved_replaces_the_open_one() {
    let mut history = load(HistoryConfig::default());
    let resolved = kiosque_delivery::Incident {
        id: 4,
        service: "jobs".into(),
        opened_at: 1_715_587_200, // 2024-05-13T08:00:00Z
        resolved_at: Some(1_715_587_200 + 5400),
        caused_by_deployment: Some(20),
    };
    assert_eq!(history.insert_incident(&resolved), kiosque_delivery::Inserted::Replaced);
    assert_eq!(history.insert_incident(&resolved), kiosque_delivery::Inserted::Unchanged);
    let report = report(&history, &ownership(), window()).unwrap();
    // Incident 4 now resolved after 1.5 h; deployment 20 is still failed.
    let w20 = row(&report, Scope::Team, "data", "2024-W20");
    assert_eq!((w20.incidents, w20.resolved_incidents, w20.incident_recovery_median_hours), (1, 1, Some(1.5)));
    assert_eq!(row(&report, Scope::Team, "data", "window").failed_deployments, 1);
    // Blaming nothing any more, the incident no longer makes deployment 20 failed.
    let unblamed = kiosque_delivery::Incident { caused_by_deployment: None, ..resolved };
    assert_eq!(history.insert_incident(&unblamed), kiosque_delivery::Inserted::Replaced);
    assert!(!history.deployment_facts(20).unwrap().failed);
}

#[test]
fn each_figure_reads_against_the_2024_levels() {
    use kiosque_delivery::{Performance, PerformanceLevels};
    let report = report(&load(HistoryConfig::default()), &ownership(), window()).unwrap();
    let levels = PerformanceLevels::dora();
    let thresholds = levels.year(2024).unwrap();
    let org = thresholds.row_levels(row(&report, Scope::Organisation, "organisation", "window"));
    // 0.75 a day: less than daily, more than weekly.
    assert_eq!(org.deployment_frequency, Some(Performance::High));
    // 17 h median lead time: under a day.
    assert_eq!(org.lead_time, Some(Performance::Elite));
    // 5 / 14 = 0.357: nearest to the low cluster's 40 % (0.043 away; high's 20 % is 0.157).
    assert_eq!(org.change_failure_rate, Some(Performance::Low));
    // 1.75 h and 2 h: under a day, not under an hour.
    assert_eq!(org.recovery_time, Some(Performance::High));
    assert_eq!(org.incident_recovery_time, Some(Performance::High));
    assert_eq!(org.rework_rate, None, "the 2024 report publishes no rework thresholds");
    // The empty week: no change, no failure, no recovery: no level; no deployment: low.
    let empty = thresholds.row_levels(row(&report, Scope::Organisation, "organisation", "2024-W19"));
    assert_eq!(
        (empty.deployment_frequency, empty.lead_time, empty.change_failure_rate, empty.recovery_time),
        (Some(Performance::Low), None, None, None)
    );
}

#[test]
fn extreme_timestamps_from_callers_do_not_panic() {
    let mut history = History::default();
    let change = |sha: &str, committed_at| kiosque_delivery::Change {
        sha: sha.into(),
        repository: "r".into(),
        author: "a".into(),
        authored_at: i64::MIN,
        committed_at,
        merged_at: i64::MAX,
    };
    history.insert_change(&change("aa", i64::MIN));
    history.insert_change(&change("bb", i64::MAX));
    for (id, finished_at) in [(1, i64::MAX), (2, i64::MIN), (3, 1_715_731_200)] {
        history.insert_deployment(&kiosque_delivery::Deployment {
            id,
            repository: "r".into(),
            service: "api".into(),
            environment: "production".into(),
            started_at: i64::MIN,
            finished_at,
            status: kiosque_delivery::Status::Success,
            commits: vec!["aa".into(), "bb".into()],
            rollback_of: Some(id),
            fixes: None,
            production: None,
        });
    }
    assert!(report(&history, &ownership(), Window::default()).is_err(), "the latest deployment is past year 9999");
    let r = report(&history, &ownership(), window()).unwrap();
    assert_eq!(r.rows.len(), 24);
    assert!(report(&history, &ownership(), Window { end: Some(date("0000-01-05")), days: 10 }).is_err());
    assert!(report(&history, &ownership(), Window { end: Some(date("2024-05-14")), days: 0 }).is_err());
    assert!(report(&History::default(), &ownership(), Window::default()).is_err(), "no deployment: no default end");
    let _ = history.deployment_facts(2);
    let _ = history.first_deployment("r", "aa");
}
