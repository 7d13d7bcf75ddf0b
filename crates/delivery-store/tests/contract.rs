//! The store's contract, run against every backend: events are kept once, whatever the
//! order and the repeats; unmapped events are kept with their reason; facts kept current at
//! ingest give the report the domain computes in memory, and the figures worked out by hand.

use std::sync::Arc;

use kiosque_delivery::{
    report as memory_report, timestamp_from_rfc3339, Change, Deployment, Event, History, HistoryConfig, Incident,
    Ownership, Row, Scope, Status, Window,
};
use kiosque_delivery_store::{report, DeliveryStore, Recorder, UnmappedEvent, WebhookDelivery};

fn open(url: &str) -> Arc<dyn DeliveryStore> {
    Arc::from(kiosque_delivery_store::open(url).unwrap_or_else(|e| panic!("{e}")))
}

kiosque_storage::for_each_backend!(
    shared open;
    a_hand_worked_week_reads_back_from_the_facts,
    arrival_order_does_not_matter,
    repeats_and_redeliveries_store_nothing_twice,
    unmapped_events_are_kept_with_their_reason,
    a_reopened_store_rebuilds_the_same_history,
    another_production_environment_rewrites_the_facts,
    a_bulk_import_keeps_good_lines_and_reports_bad_ones,
    a_delivery_id_reused_for_other_events_changes_nothing,
);

fn t(text: &str) -> i64 {
    timestamp_from_rfc3339(text).unwrap()
}

fn change(sha: &str, committed_at: &str) -> Event {
    Event::Change(Change {
        sha: sha.into(),
        repository: "example/api".into(),
        author: "ana".into(),
        authored_at: t(committed_at),
        committed_at: t(committed_at),
        merged_at: t(committed_at) + 60,
    })
}

fn deployment(id: i64, service: &str, environment: &str, finished_at: &str, ok: bool, commits: &[&str]) -> Deployment {
    Deployment {
        id,
        repository: format!("example/{service}"),
        service: service.into(),
        environment: environment.into(),
        started_at: t(finished_at) - 300,
        finished_at: t(finished_at),
        status: if ok { Status::Success } else { Status::Failure },
        commits: commits.iter().map(|c| c.to_string()).collect(),
        rollback_of: None,
        fixes: None,
        production: None,
    }
}

/// One week of `api` (team-a), 2024-03-04 (Monday) to 2024-03-10:
/// - c1 committed 08:00 and c2 09:00 on Monday;
/// - deployment 1 at 10:00 fails with c1; deployment 2 at 12:00 brings c1 and c2 and fixes 1;
/// - a staging deployment (ignored), and one of `ghost`, a service nobody owns;
/// - incident 1 opened Tuesday 00:00, resolved 01:30, blames deployment 2;
/// - deployment 4, Wednesday 12:00, succeeds without commits.
fn week() -> Vec<Event> {
    vec![
        change("c1", "2024-03-04T08:00:00Z"),
        change("c2", "2024-03-04T09:00:00Z"),
        Event::Deployment(deployment(1, "api", "production", "2024-03-04T10:00:00Z", false, &["c1"])),
        Event::Deployment(Deployment {
            fixes: Some(1),
            ..deployment(2, "api", "production", "2024-03-04T12:00:00Z", true, &["c1", "c2"])
        }),
        Event::Deployment(deployment(3, "api", "staging", "2024-03-05T09:00:00Z", true, &["c3"])),
        Event::Deployment(deployment(5, "ghost", "production", "2024-03-05T09:00:00Z", true, &[])),
        Event::Incident(Incident {
            id: 1,
            service: "api".into(),
            opened_at: t("2024-03-05T00:00:00Z"),
            resolved_at: Some(t("2024-03-05T01:30:00Z")),
            caused_by_deployment: Some(2),
        }),
        Event::Deployment(deployment(4, "api", "production", "2024-03-06T12:00:00Z", true, &[])),
    ]
}

fn ownership() -> Ownership {
    [("api", "team-a")].into_iter().collect()
}

fn window() -> Window {
    Window { end: Some("2024-03-10".parse().unwrap()), days: 7 }
}

fn recorder(store: &Arc<dyn DeliveryStore>) -> Recorder {
    Recorder::open(Arc::clone(store), HistoryConfig::default()).unwrap()
}

fn service_window(store: &Arc<dyn DeliveryStore>) -> Row {
    let rows = report(store.as_ref(), &ownership(), window()).unwrap().rows;
    rows.into_iter().find(|r| r.scope == Scope::Service && r.bucket == kiosque_delivery::Bucket::Window).unwrap()
}

fn in_memory(events: &[Event]) -> kiosque_delivery::Report {
    let mut history = History::default();
    events.iter().for_each(|e| {
        history.insert(e);
    });
    memory_report(&history, &ownership(), window()).unwrap()
}

fn a_hand_worked_week_reads_back_from_the_facts(store: &Arc<dyn DeliveryStore>) {
    recorder(store).record(week(), vec![], None).unwrap();
    let row = service_window(store);
    // Successful production deployments: 2 and 4; production ones: 1, 2 and 4.
    assert_eq!((row.deployments, row.production_deployments), (2, 3));
    // c1: 12:00 - 08:00 = 4 h, c2: 3 h; median 3.5 h, p90 at 0.9 between them: 3.9 h.
    assert_eq!(row.lead_time_changes, 2);
    assert_eq!(row.lead_time_median_hours, Some(3.5));
    assert!((row.lead_time_p90_hours.unwrap() - 3.9).abs() < 1e-12);
    // Failed: 1 (status) and 2 (blamed by the incident); 1 recovers at 2 (2 h), 2 at 4 (48 h).
    assert_eq!((row.failed_deployments, row.recovered_deployments), (2, 2));
    assert_eq!(row.change_failure_rate, Some(2.0 / 3.0));
    assert_eq!(row.recovery_median_hours, Some(25.0));
    assert_eq!((row.rework_deployments, row.rework_rate), (1, Some(1.0 / 3.0)));
    assert_eq!((row.incidents, row.resolved_incidents, row.incident_recovery_median_hours), (1, 1, Some(1.5)));
    assert_eq!(store.latest_finished_at().unwrap(), Some(t("2024-03-06T12:00:00Z")));
}

fn arrival_order_does_not_matter(store: &Arc<dyn DeliveryStore>) {
    let mut recorder = recorder(store);
    // One event per transaction, last first: every fact is rewritten as later ones arrive.
    for event in week().into_iter().rev() {
        recorder.record(vec![event], vec![], None).unwrap();
    }
    assert_eq!(report(store.as_ref(), &ownership(), window()).unwrap(), in_memory(&week()));
    assert_eq!(service_window(store).recovery_median_hours, Some(25.0));
}

fn repeats_and_redeliveries_store_nothing_twice(store: &Arc<dyn DeliveryStore>) {
    let mut recorder = recorder(store);
    let delivery = |id: &str| Some(WebhookDelivery { source: "github".into(), id: id.into(), received_at: 1 });
    let first = recorder.record(week(), vec![], delivery("d-1")).unwrap();
    assert_eq!((first.added, first.duplicate_delivery), (8, false));
    let generation = store.generation().unwrap();

    let again = recorder.record(week(), vec![], delivery("d-1")).unwrap();
    assert!(again.duplicate_delivery);
    assert_eq!(store.generation().unwrap(), generation, "a redelivery writes nothing");

    let repeat = recorder.record(week(), vec![], delivery("d-2")).unwrap();
    assert_eq!((repeat.added, repeat.replaced, repeat.unchanged), (0, 0, 8));
    let mut logged = 0;
    store.read_events(&mut |_| logged += 1).unwrap();
    assert_eq!(logged, 8, "unchanged events are not logged again");

    // A resolved incident sent again with a later resolution replaces the first version.
    let later = Event::Incident(Incident {
        id: 1,
        service: "api".into(),
        opened_at: t("2024-03-05T00:00:00Z"),
        resolved_at: Some(t("2024-03-05T03:00:00Z")),
        caused_by_deployment: Some(2),
    });
    assert_eq!(recorder.record(vec![later], vec![], None).unwrap().replaced, 1);
    assert_eq!(service_window(store).incident_recovery_median_hours, Some(3.0));
}

fn unmapped_events_are_kept_with_their_reason(store: &Arc<dyn DeliveryStore>) {
    let unmapped = UnmappedEvent {
        source: "github".into(),
        kind: "deployment".into(),
        key: "77".into(),
        repository: "example/unknown".into(),
        reason: "repository example/unknown maps to no catalog service".into(),
        event: r#"{"id":77}"#.into(),
        received_at: 5,
    };
    let recorded = recorder(store).record(week(), vec![unmapped.clone()], None).unwrap();
    assert_eq!(recorded.unmapped, 1);
    assert_eq!(store.unmapped_events(10).unwrap(), vec![unmapped]);
    // Events of a service without an owner are kept too, and listed by the history.
    let reopened = recorder(store);
    let listed = reopened.history().unmapped(&ownership());
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].service.as_str(), listed[0].deployments), ("ghost", 1));
}

fn a_reopened_store_rebuilds_the_same_history(store: &Arc<dyn DeliveryStore>) {
    recorder(store).record(week(), vec![], None).unwrap();
    let reopened = recorder(store);
    assert_eq!(reopened.history().counts(), (2, 5, 1));
    assert_eq!(memory_report(reopened.history(), &ownership(), window()).unwrap(), in_memory(&week()));
}

fn another_production_environment_rewrites_the_facts(store: &Arc<dyn DeliveryStore>) {
    recorder(store).record(week(), vec![], None).unwrap();
    let config = HistoryConfig::global(vec!["production".into(), "staging".into()]);
    Recorder::open(Arc::clone(store), config).unwrap();
    // Staging deployment 3 now counts: three successes of four production deployments.
    let row = service_window(store);
    assert_eq!((row.deployments, row.production_deployments), (3, 4));
    assert_eq!(store.production_environments().unwrap(), Some(vec!["production".into(), "staging".into()]));
}

fn a_bulk_import_keeps_good_lines_and_reports_bad_ones(store: &Arc<dyn DeliveryStore>) {
    let changes = concat!(
        r#"{"sha":"c1","repository":"example/api","author":"ana","authored_at":"2024-03-04T08:00:00Z","committed_at":"2024-03-04T08:00:00Z","merged_at":"2024-03-04T08:01:00Z"}"#,
        "\n{\"sha\":\"c2\",\"repository\":\n",
    );
    let deployments = concat!(
        r#"{"id":2,"repository":"example/api","service":"api","environment":"production","started_at":"2024-03-04T11:55:00Z","finished_at":"2024-03-04T12:00:00Z","status":"success","commits":["c1"],"rollback_of":null,"fixes":null}"#,
        "\n",
    );
    let mut errors = Vec::new();
    let imported = recorder(store)
        .import(
            Some((changes.as_bytes(), "changes.jsonl")),
            Some((deployments.as_bytes(), "deployments.jsonl")),
            None::<(&[u8], &str)>,
            Some(ownership()),
            &mut |e| errors.push(e.to_string()),
        )
        .unwrap();
    assert_eq!((imported.changes.added, imported.deployments.added, imported.bad_lines), (1, 1, 1));
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("changes.jsonl:2:"), "{}", errors[0]);
    assert_eq!(store.ownership().unwrap(), ownership());
    let row = service_window(store);
    assert_eq!((row.deployments, row.lead_time_changes, row.lead_time_median_hours), (1, 1, Some(4.0)));
}

fn a_delivery_id_reused_for_other_events_changes_nothing(store: &Arc<dyn DeliveryStore>) {
    let mut recorder = recorder(store);
    let delivery = || Some(WebhookDelivery { source: "gitlab".into(), id: "d-1".into(), received_at: 1 });
    recorder.record(week(), vec![], delivery()).unwrap();
    let before = (recorder.history().counts(), service_window(store), in_memory(&week()));
    // Another deployment under the same delivery id: refused as a redelivery, and neither
    // the store nor the history the dashboards read takes it.
    let other = Event::Deployment(deployment(99, "api", "production", "2024-03-06T12:00:00Z", true, &[]));
    let again = recorder.record(vec![other], vec![], delivery()).unwrap();
    assert!(again.duplicate_delivery);
    assert_eq!(recorder.history().counts(), before.0);
    assert_eq!(service_window(store), before.1);
    let from_history = memory_report(recorder.history(), &ownership(), window()).unwrap();
    assert_eq!(from_history, before.2);
}
