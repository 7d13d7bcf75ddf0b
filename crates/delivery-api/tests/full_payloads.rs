//! Webhook payloads in the full shape GitHub and GitLab send them: every top-level object and
//! the fields their documentation lists for each event, with invented values. They are read
//! from `tests/fixtures/`, sent through the router exactly as stored (the signature is over
//! those bytes), and followed to the store. Expected events and figures are worked out by
//! hand from the fixtures' values.
//!
//! The fixtures tell one week, 2024-03-04 to 2024-03-10, of two services:
//! `octo-org/checkout-api` on GitHub (service `checkout-api`) and `acme/payments` on GitLab
//! (service `payments`).

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use kiosque_delivery::webhooks::{github_signature, IdSeries};
use kiosque_delivery::{Change, Deployment, Event, HistoryConfig, Incident, Ownership, Status};
use kiosque_delivery_api::{router, DeliveryConfig, DeliveryState, WebhookConfig};
use kiosque_delivery_store::{DeliveryStore, Recorder, SqliteStore};
use serde_json::{json, Value};
use tower::ServiceExt;

const SECRET: &str = "It's a Secret to Everybody";
const TOKEN: &str = "gitlab-token-1";

struct Setup {
    app: axum::Router,
    state: Arc<DeliveryState>,
    store: Arc<dyn DeliveryStore>,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn DeliveryStore> = Arc::new(SqliteStore::open(dir.path().join("d.db").to_str().unwrap()).unwrap());
    let recorder = Recorder::open(Arc::clone(&store), HistoryConfig::default()).unwrap();
    let config = DeliveryConfig {
        github_secret: Some(SECRET.into()),
        gitlab_token: Some(TOKEN.into()),
        webhooks: WebhookConfig {
            deployment_workflows: vec![("Deploy to production".into(), "production".into())],
            ..WebhookConfig::default()
        },
    };
    let service_of = |repository: &str| match repository {
        "octo-org/checkout-api" => Some("checkout-api".to_string()),
        "acme/payments" => Some("payments".to_string()),
        _ => None,
    };
    let ownership =
        || -> Ownership { [("checkout-api", "team-checkout"), ("payments", "team-pay")].into_iter().collect() };
    let state = Arc::new(DeliveryState::new(recorder, config, Box::new(service_of), Box::new(ownership)));
    Setup { app: router(Arc::clone(&state)), state, store, _dir: dir }
}

/// A fixture's bytes, as a sender would put them on the wire.
fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// A delivery with the headers GitHub sets.
fn github(event: &str, delivery: &str, body: &[u8], signature: Option<String>) -> Request<Body> {
    let mut request = Request::post("/api/webhooks/github")
        .header("content-type", "application/json")
        .header("user-agent", "GitHub-Hookshot/7c4f2e1")
        .header("x-github-event", event)
        .header("x-github-delivery", delivery)
        .header("x-github-hook-id", "462201877")
        .header("x-github-hook-installation-target-type", "repository")
        .header("x-github-hook-installation-target-id", "718204551");
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    request.body(Body::from(body.to_vec())).unwrap()
}

fn signed(event: &str, delivery: &str, body: &[u8]) -> Request<Body> {
    github(event, delivery, body, Some(github_signature(SECRET.as_bytes(), body)))
}

/// A delivery with the headers GitLab sets; `key` is both the event UUID and the
/// idempotency key.
fn gitlab(event: &str, key: &str, body: &[u8], token: Option<&str>) -> Request<Body> {
    gitlab_keyed(event, Some(key), Some(key), body, token)
}

fn gitlab_keyed(
    event: &str,
    event_uuid: Option<&str>,
    idempotency_key: Option<&str>,
    body: &[u8],
    token: Option<&str>,
) -> Request<Body> {
    let mut request = Request::post("/api/webhooks/gitlab")
        .header("content-type", "application/json")
        .header("user-agent", "GitLab/17.9.2")
        .header("x-gitlab-event", event)
        .header("x-gitlab-instance", "https://gitlab.acme.example")
        .header("x-gitlab-webhook-uuid", "5b0e7d1c-2a43-4f6e-9c8b-0d1e2f3a4b5c");
    if let Some(uuid) = event_uuid {
        request = request.header("x-gitlab-event-uuid", uuid);
    }
    if let Some(key) = idempotency_key {
        request = request.header("idempotency-key", key);
    }
    if let Some(token) = token {
        request = request.header("x-gitlab-token", token);
    }
    request.body(Body::from(body.to_vec())).unwrap()
}

fn logged(store: &Arc<dyn DeliveryStore>) -> Vec<Event> {
    let mut events = Vec::new();
    store.read_events(&mut |event| events.push(event)).unwrap();
    events
}

/// A delivery id in GitHub's shape, one per fixture.
fn delivery_id(i: usize) -> String {
    format!("7d3e5a10-da21-11ee-8b1f-{i:012x}")
}

/// What the receiver answers to a fixture: what it recorded, or a part of why it ignored it.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Added(u64),
    Replaced(u64),
    Unmapped(u64),
    Ignored(&'static str),
}

fn recorded(added: u64, replaced: u64, unmapped: u64) -> Value {
    json!({"duplicate": false, "added": added, "replaced": replaced, "unchanged": 0, "unmapped": unmapped})
}

fn check_answer(name: &str, status: StatusCode, body: &Value, answer: Answer) {
    assert_eq!(status, StatusCode::OK, "{name}: {body}");
    match answer {
        Answer::Added(n) => assert_eq!(body, &recorded(n, 0, 0), "{name}"),
        Answer::Replaced(n) => assert_eq!(body, &recorded(0, n, 0), "{name}"),
        Answer::Unmapped(n) => assert_eq!(body, &recorded(0, 0, n), "{name}"),
        Answer::Ignored(why) => {
            let reason = body["ignored"].as_str().unwrap_or_else(|| panic!("{name} was not ignored: {body}"));
            assert!(reason.contains(why), "{name}: {reason:?} does not say {why:?}");
            assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{name}: {body}");
        }
    }
}

/// The GitHub week, in the order the deliveries arrive.
const GITHUB_WEEK: &[(&str, &str, Answer)] = &[
    ("push_default_branch.json", "push", Answer::Added(3)),
    ("push_feature_branch.json", "push", Answer::Ignored("refs/heads/feature/express-checkout")),
    ("pull_request_closed_merged.json", "pull_request", Answer::Added(1)),
    ("pull_request_closed_unmerged.json", "pull_request", Answer::Ignored("not merged")),
    ("deployment_created.json", "deployment", Answer::Ignored("deployment_status")),
    ("deployment_status_success.json", "deployment_status", Answer::Added(1)),
    ("deployment_status_in_progress.json", "deployment_status", Answer::Ignored("\"in_progress\"")),
    ("deployment_status_failure.json", "deployment_status", Answer::Added(1)),
    ("issues_opened_incident.json", "issues", Answer::Added(1)),
    ("workflow_run_deploy_completed.json", "workflow_run", Answer::Added(1)),
    ("workflow_run_ci_completed.json", "workflow_run", Answer::Ignored("\"CI\"")),
    ("issues_closed_incident.json", "issues", Answer::Replaced(1)),
    ("issues_opened_without_label.json", "issues", Answer::Ignored("\"incident\" label")),
    ("ping.json", "ping", Answer::Ignored("\"ping\"")),
    ("check_suite_completed.json", "check_suite", Answer::Ignored("\"check_suite\"")),
];

/// The GitLab week, in the order the deliveries arrive.
const GITLAB_WEEK: &[(&str, &str, Answer)] = &[
    ("push_default_branch.json", "Push Hook", Answer::Added(2)),
    ("merge_request_merged.json", "Merge Request Hook", Answer::Added(1)),
    ("merge_request_opened.json", "Merge Request Hook", Answer::Ignored("other than its merge")),
    ("deployment_running.json", "Deployment Hook", Answer::Ignored("\"running\"")),
    ("deployment_success.json", "Deployment Hook", Answer::Added(1)),
    ("pipeline_other_success.json", "Pipeline Hook", Answer::Ignored("\"Nightly tests\"")),
    ("deployment_failed.json", "Deployment Hook", Answer::Added(1)),
    ("issue_incident_opened.json", "Issue Hook", Answer::Added(1)),
    ("pipeline_deploy_success.json", "Pipeline Hook", Answer::Added(1)),
    ("note_on_issue.json", "Note Hook", Answer::Ignored("\"note\"")),
    ("issue_incident_closed.json", "Issue Hook", Answer::Replaced(1)),
    ("issue_labelled_incident_opened.json", "Issue Hook", Answer::Added(1)),
    ("issue_opened_plain.json", "Issue Hook", Answer::Ignored("not an incident")),
    ("deployment_success_unmapped_project.json", "Deployment Hook", Answer::Unmapped(1)),
];

async fn play_github_week(s: &Setup, body_of: impl Fn(&[u8]) -> Vec<u8>) -> Vec<Value> {
    let mut answers = Vec::new();
    for (i, (name, event, _)) in GITHUB_WEEK.iter().enumerate() {
        let body = body_of(&fixture(&format!("github/{name}")));
        let (status, answer) = send(&s.app, signed(event, &delivery_id(i), &body)).await;
        assert_eq!(status, StatusCode::OK, "{name}: {answer}");
        answers.push(answer);
    }
    answers
}

async fn play_gitlab_week(s: &Setup, body_of: impl Fn(&[u8]) -> Vec<u8>) -> Vec<Value> {
    let mut answers = Vec::new();
    for (i, (name, event, _)) in GITLAB_WEEK.iter().enumerate() {
        let body = body_of(&fixture(&format!("gitlab/{name}")));
        let (status, answer) = send(&s.app, gitlab(event, &delivery_id(i), &body, Some(TOKEN))).await;
        assert_eq!(status, StatusCode::OK, "{name}: {answer}");
        answers.push(answer);
    }
    answers
}

/// 2024-03-04T00:00:00Z, the Monday the fixtures' week starts: 19_786 days after 1970-01-01
/// (54 years of 365 days with 13 leap days, then 31 + 29 + 3 days of 2024), × 86_400.
const MONDAY: i64 = 1_709_510_400;

/// UTC seconds of 2024-03-`day` at `hour`:`minute` UTC.
fn march(day: i64, hour: i64, minute: i64) -> i64 {
    MONDAY + (day - 4) * 86_400 + hour * 3_600 + minute * 60
}

fn commit_change(repository: &str, sha: &str, author: &str, at: i64, merged_at: i64) -> Event {
    Event::Change(Change {
        sha: sha.into(),
        repository: repository.into(),
        author: author.into(),
        authored_at: at,
        committed_at: at,
        merged_at,
    })
}

/// A merge: authored when the request was opened, committed and merged at the merge.
fn merge_change(repository: &str, sha: &str, author: &str, opened_at: i64, merged_at: i64) -> Event {
    Event::Change(Change {
        sha: sha.into(),
        repository: repository.into(),
        author: author.into(),
        authored_at: opened_at,
        committed_at: merged_at,
        merged_at,
    })
}

fn deployment(
    id: i64,
    repository: &str,
    service: &str,
    started_at: i64,
    finished_at: i64,
    status: Status,
    commit: &str,
) -> Event {
    Event::Deployment(Deployment {
        id,
        repository: repository.into(),
        service: service.into(),
        environment: "production".into(),
        started_at,
        finished_at,
        status,
        commits: vec![commit.into()],
        rollback_of: None,
        fixes: None,
        production: None,
    })
}

/// The same deployment, its environment declared production by its source (a GitHub
/// deployment's `production_environment`, a GitLab deployment's `environment_tier`).
fn declared(event: Event) -> Event {
    match event {
        Event::Deployment(d) => Event::Deployment(Deployment { production: Some(true), ..d }),
        other => other,
    }
}

fn incident(id: i64, service: &str, opened_at: i64, resolved_at: Option<i64>) -> Event {
    Event::Incident(Incident { id, service: service.into(), opened_at, resolved_at, caused_by_deployment: None })
}

const CHECKOUT: &str = "octo-org/checkout-api";
const GH_C1: &str = "3f1c9a7e52d04b8c9e61a2f47d08b5c3e9a1f604";
const GH_C2: &str = "8b27d0e4c1f5a93602ad7e18c4b95f0d2e63a7c1";
const GH_C3: &str = "c0ffee42d9b1e7a5f3c8d6b2a4e0f19873d5b6a2";
const GH_MERGE: &str = "5a9e3b7c1d2f4a6b8c0e2d4f6a8b0c2e4f6a8b0d";

/// What the GitHub week leaves in the event log, in arrival order.
fn github_week_events() -> Vec<Event> {
    // The push moved `main` at repository.pushed_at = 1_709_547_000 (an integer in push
    // payloads) = MONDAY + 36_600 = 10:10Z; every commit counts as merged then, since none
    // is later.
    let pushed = march(4, 10, 10);
    let service = "checkout-api";
    vec![
        // "2024-03-04T09:15:00+01:00" is 08:15Z.
        commit_change(CHECKOUT, GH_C1, "mona", march(4, 8, 15), pushed),
        // "2024-03-04T10:40:00+01:00" is 09:40Z; the author has no GitHub login: the name.
        commit_change(CHECKOUT, GH_C2, "Priya Raman", march(4, 9, 40), pushed),
        // "2024-03-04T05:05:00-05:00" is 10:05Z.
        commit_change(CHECKOUT, GH_C3, "lin-dev", march(4, 10, 5), pushed),
        // Pull request #42: opened 2024-03-03T16:00:00Z, merged 2024-03-04T11:35:00Z.
        merge_change(CHECKOUT, GH_MERGE, "octocat", march(3, 16, 0), march(4, 11, 35)),
        // Deployment 1290774501 created 11:50Z, status success at 12:05Z, of the push's head.
        declared(deployment(
            IdSeries::GithubDeployment.id(1_290_774_501),
            CHECKOUT,
            service,
            march(4, 11, 50),
            march(4, 12, 5),
            Status::Success,
            GH_C3,
        )),
        // Deployment 1290901377 created 2024-03-05T09:00Z, failure at 09:20Z, of the merge.
        declared(deployment(
            IdSeries::GithubDeployment.id(1_290_901_377),
            CHECKOUT,
            service,
            march(5, 9, 0),
            march(5, 9, 20),
            Status::Failure,
            GH_MERGE,
        )),
        // Issue #57 (id 2171004318) opened 2024-03-05T09:25:00Z with the incident label.
        incident(IdSeries::GithubIssue.id(2_171_004_318), service, march(5, 9, 25), None),
        // Run 8143552907 of "Deploy to production": started 10:00Z, updated 10:20Z.
        deployment(
            IdSeries::GithubWorkflowRun.id(8_143_552_907),
            CHECKOUT,
            service,
            march(5, 10, 0),
            march(5, 10, 20),
            Status::Success,
            GH_MERGE,
        ),
        // The issue closed at 2024-03-05T10:25:00Z: the incident again, resolved.
        incident(IdSeries::GithubIssue.id(2_171_004_318), service, march(5, 9, 25), Some(march(5, 10, 25))),
    ]
}

const PAYMENTS: &str = "acme/payments";
const GL_C1: &str = "4d7e2a9c0b1f38e6a5d4c3b2a19087f6e5d4c3b2";
const GL_C2: &str = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d";
const GL_MERGE: &str = "b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6";

/// What the GitLab week leaves in the event log, in arrival order.
fn gitlab_week_events() -> Vec<Event> {
    vec![
        // GitLab push commits count as merged at their own time; the author is the email.
        // "2024-03-06T10:12:00+02:00" is 08:12Z.
        commit_change(PAYMENTS, GL_C1, "lena@acme.example", march(6, 8, 12), march(6, 8, 12)),
        // "2024-03-06T11:00:00+02:00" is 09:00Z.
        commit_change(PAYMENTS, GL_C2, "omar@acme.example", march(6, 9, 0), march(6, 9, 0)),
        // Merge request !87: created "2024-03-05 15:00:00 UTC"; GitLab sends no merged_at, so
        // the merge is at updated_at, "2024-03-06 09:30:00 UTC"; the author is the user who
        // merged (the payload's `user`).
        merge_change(PAYMENTS, GL_MERGE, "omar", march(5, 15, 0), march(6, 9, 30)),
        // Deployment 4101: "2024-03-06 12:30:00 +0200" is 10:30Z; the full commit id ends
        // commit_url.
        declared(deployment(
            IdSeries::GitlabDeployment.id(4101),
            PAYMENTS,
            "payments",
            march(6, 10, 30),
            march(6, 10, 30),
            Status::Success,
            GL_MERGE,
        )),
        // Deployment 4102: "2024-03-07 08:00:00 +0100" is 07:00Z.
        declared(deployment(
            IdSeries::GitlabDeployment.id(4102),
            PAYMENTS,
            "payments",
            march(7, 7, 0),
            march(7, 7, 0),
            Status::Failure,
            GL_C2,
        )),
        // Incident 7701 (type "Incident") created "2024-03-07 07:05:00 UTC".
        incident(IdSeries::GitlabIssue.id(7701), "payments", march(7, 7, 5), None),
        // Pipeline 90211 "Deploy to production": created 07:30 UTC, finished 08:00 UTC.
        deployment(
            IdSeries::GitlabPipeline.id(90_211),
            PAYMENTS,
            "payments",
            march(7, 7, 30),
            march(7, 8, 0),
            Status::Success,
            GL_C2,
        ),
        // Incident 7701 closed at "2024-03-07 09:05:00 UTC".
        incident(IdSeries::GitlabIssue.id(7701), "payments", march(7, 7, 5), Some(march(7, 9, 5))),
        // Issue 7702 with the "Incident" label (no `type`) created "2024-03-08 12:00:00 UTC".
        incident(IdSeries::GitlabIssue.id(7702), "payments", march(8, 12, 0), None),
    ]
}

/// The window row of a service's report over the fixtures' week.
async fn week_row(s: &Setup, service: &str) -> Value {
    let uri = format!("/api/delivery/report?service={service}&end=2024-03-10&days=7");
    let (status, report) = send(&s.app, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let row = report["rows"][0].clone();
    assert_eq!((row["entity"].as_str(), row["bucket"].as_str()), (Some(service), Some("window")), "{report}");
    row
}

fn assert_hours(row: &Value, field: &str, expected: f64) {
    let got = row[field].as_f64().unwrap_or_else(|| panic!("{field} is not a number: {row}"));
    assert!((got - expected).abs() < 1e-9, "{field}: {got}, expected {expected}");
}

#[test]
fn the_hand_worked_times_hold() {
    // The GitHub push fixture's repository.pushed_at: MONDAY + 10 × 3_600 + 10 × 60.
    assert_eq!(march(4, 10, 10), 1_709_547_000);
    // A day earlier: MONDAY − 86_400 + 16 × 3_600.
    assert_eq!(march(3, 16, 0), 1_709_481_600);
}

#[tokio::test]
async fn the_github_week_is_answered_stored_and_reported() {
    let s = setup();
    for (i, (name, event, answer)) in GITHUB_WEEK.iter().enumerate() {
        let body = fixture(&format!("github/{name}"));
        let (status, reply) = send(&s.app, signed(event, &delivery_id(i), &body)).await;
        check_answer(name, status, &reply, *answer);
    }
    assert_eq!(s.state.received_deliveries(), 15);
    assert_eq!(s.state.ignored_events(), 8);
    assert_eq!(logged(&s.store), github_week_events());

    let row = week_row(&s, "checkout-api").await;
    // Successful production deployments: 1290774501 and run 8143552907; with the failed
    // 1290901377, three in production, one failed.
    assert_eq!(row["deployments"], 2);
    assert_eq!(row["production_deployments"], 3);
    assert_eq!(row["failed_deployments"], 1);
    assert_hours(&row, "change_failure_rate", 1.0 / 3.0);
    // Failed at 09:20Z, next success at 10:20Z: recovered in one hour.
    assert_eq!(row["recovered_deployments"], 1);
    assert_hours(&row, "recovery_median_hours", 1.0);
    // Lead times: c0ffee42 committed 10:05Z, deployed 12:05Z = 2 h; the merge committed
    // 2024-03-04T11:35Z, first deployed with success 2024-03-05T10:20Z = 22 h 45 min = 22.75 h.
    // The other two pushed commits were never deployed.
    assert_eq!(row["lead_time_changes"], 2);
    assert_hours(&row, "lead_time_median_hours", (2.0 + 22.75) / 2.0);
    // p90 of two values: 2 + (22.75 - 2) × 0.9 = 20.675.
    assert_hours(&row, "lead_time_p90_hours", 20.675);
    // Incident opened 09:25Z, closed 10:25Z.
    assert_eq!((row["incidents"].as_u64(), row["resolved_incidents"].as_u64()), (Some(1), Some(1)));
    assert_hours(&row, "incident_recovery_median_hours", 1.0);
    assert_eq!(row["rework_deployments"], 0);
}

#[tokio::test]
async fn the_gitlab_week_is_answered_stored_and_reported() {
    let s = setup();
    for (i, (name, event, answer)) in GITLAB_WEEK.iter().enumerate() {
        let body = fixture(&format!("gitlab/{name}"));
        let (status, reply) = send(&s.app, gitlab(event, &delivery_id(i), &body, Some(TOKEN))).await;
        check_answer(name, status, &reply, *answer);
    }
    assert_eq!(s.state.received_deliveries(), 14);
    assert_eq!(s.state.ignored_events(), 5);
    assert_eq!(logged(&s.store), gitlab_week_events());

    // The deployment of acme/ledger maps to no service: kept aside, times in UTC.
    let (status, unmapped) = send(&s.app, Request::get("/api/delivery/unmapped").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let events = unmapped["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{unmapped}");
    assert_eq!((events[0]["source"].as_str(), events[0]["kind"].as_str()), (Some("gitlab"), Some("deployment")));
    // GitLab deployment 4120, in its own id series.
    let id = IdSeries::GitlabDeployment.id(4120);
    assert_eq!(
        (events[0]["key"].as_str(), events[0]["repository"].as_str()),
        (Some(&*id.to_string()), Some("acme/ledger"))
    );
    // "2024-03-06 23:30:00 -0300" is 2024-03-07T02:30:00Z: the offset moves it to the next day.
    assert_eq!(
        events[0]["event"],
        json!({
            "id": id, "repository": "acme/ledger", "service": "", "environment": "production",
            "started_at": "2024-03-07T02:30:00Z", "finished_at": "2024-03-07T02:30:00Z", "status": "success",
            "commits": ["0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"], "rollback_of": null, "fixes": null,
            "production": true
        })
    );

    let row = week_row(&s, "payments").await;
    // Successful production deployments: 4101 and pipeline 90211; with the failed 4102,
    // three in production, one failed.
    assert_eq!(row["deployments"], 2);
    assert_eq!(row["production_deployments"], 3);
    assert_eq!(row["failed_deployments"], 1);
    assert_hours(&row, "change_failure_rate", 1.0 / 3.0);
    // 4102 failed at 07:00Z, the pipeline succeeded at 08:00Z: one hour.
    assert_eq!(row["recovered_deployments"], 1);
    assert_hours(&row, "recovery_median_hours", 1.0);
    // Lead times: the merge (09:30Z) deployed at 10:30Z = 1 h; 9e8d7c6b committed
    // 2024-03-06T09:00Z, first deployed with success 2024-03-07T08:00Z = 23 h.
    assert_eq!(row["lead_time_changes"], 2);
    assert_hours(&row, "lead_time_median_hours", (1.0 + 23.0) / 2.0);
    // p90 of two values: 1 + (23 - 1) × 0.9 = 20.8.
    assert_hours(&row, "lead_time_p90_hours", 20.8);
    // Incidents 7701 (07:05Z to 09:05Z: 2 h) and 7702 (still open).
    assert_eq!((row["incidents"].as_u64(), row["resolved_incidents"].as_u64()), (Some(2), Some(1)));
    assert_hours(&row, "incident_recovery_median_hours", 2.0);
}

/// The JSON text of `value` with every object's keys in reverse alphabetical order and no
/// whitespace: the same payload serialised another way.
fn reordered(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable_by(|a, b| b.cmp(a));
            let field = |k: &&String| format!("{}:{}", Value::String(k.to_string()), reordered(&map[k.as_str()]));
            let fields: Vec<String> = keys.iter().map(field).collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(reordered).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

fn reserialised(bytes: &[u8]) -> Vec<u8> {
    let value: Value = serde_json::from_slice(bytes).unwrap();
    let text = reordered(&value);
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value, "the same payload");
    assert!(!text.contains('\n') && text.as_bytes() != bytes);
    text.into_bytes()
}

#[test]
fn reordering_puts_keys_last_to_first() {
    let text = reordered(&json!({"action": "closed", "number": 42, "pull_request": {"merged": true, "id": 7}}));
    assert_eq!(text, r#"{"pull_request":{"merged":true,"id":7},"number":42,"action":"closed"}"#);
}

#[tokio::test]
async fn another_key_order_and_spacing_give_the_same_answers_and_events() {
    let (as_sent, reordered) = (setup(), setup());
    let first = play_github_week(&as_sent, <[u8]>::to_vec).await;
    let second = play_github_week(&reordered, reserialised).await;
    assert_eq!(first, second);
    let first = play_gitlab_week(&as_sent, <[u8]>::to_vec).await;
    let second = play_gitlab_week(&reordered, reserialised).await;
    assert_eq!(first, second);
    let expected: Vec<Event> = github_week_events().into_iter().chain(gitlab_week_events()).collect();
    assert_eq!(logged(&reordered.store), expected);
    assert_eq!(logged(&as_sent.store), expected);
}

#[tokio::test]
async fn a_redelivery_is_stored_once() {
    let s = setup();
    let duplicate = json!({"duplicate": true, "added": 0, "replaced": 0, "unchanged": 0, "unmapped": 0});

    let body = fixture("github/deployment_status_success.json");
    let (status, first) = send(&s.app, signed("deployment_status", "redelivered-1", &body)).await;
    check_answer("first delivery", status, &first, Answer::Added(1));
    let (status, again) = send(&s.app, signed("deployment_status", "redelivered-1", &body)).await;
    assert_eq!((status, again), (StatusCode::OK, duplicate.clone()));
    // The same event under a new delivery id is read again, and found unchanged.
    let (status, new_id) = send(&s.app, signed("deployment_status", "redelivered-2", &body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(new_id, json!({"duplicate": false, "added": 0, "replaced": 0, "unchanged": 1, "unmapped": 0}));
    assert_eq!(logged(&s.store).len(), 1);

    let body = fixture("gitlab/push_default_branch.json");
    let (status, first) = send(&s.app, gitlab("Push Hook", "push-1", &body, Some(TOKEN))).await;
    check_answer("first push", status, &first, Answer::Added(2));
    let (status, again) = send(&s.app, gitlab("Push Hook", "push-1", &body, Some(TOKEN))).await;
    assert_eq!((status, again), (StatusCode::OK, duplicate.clone()));

    // A GitLab retry that carries only the Idempotency-Key is recognised by it.
    let body = fixture("gitlab/deployment_success.json");
    let retry = || gitlab_keyed("Deployment Hook", None, Some("f5e0c1d2-retry"), &body, Some(TOKEN));
    let (status, first) = send(&s.app, retry()).await;
    check_answer("first deployment", status, &first, Answer::Added(1));
    let (status, again) = send(&s.app, retry()).await;
    assert_eq!((status, again), (StatusCode::OK, duplicate));

    assert_eq!(logged(&s.store).len(), 4);
}

#[tokio::test]
async fn a_wrong_or_missing_signature_or_token_stores_nothing() {
    let s = setup();
    let generation = s.store.generation().unwrap();
    for (i, (name, event, _)) in GITHUB_WEEK.iter().enumerate() {
        let body = fixture(&format!("github/{name}"));
        let right = github_signature(SECRET.as_bytes(), &body);
        let refused = [
            // Signed under another secret.
            github(event, &delivery_id(i), &body, Some(github_signature(b"another secret", &body))),
            // The right signature of the bytes sent, over another serialisation of them.
            github(event, &delivery_id(i), &reserialised(&body), Some(right)),
            // Only the legacy SHA-1 header.
            Request::post("/api/webhooks/github")
                .header("x-github-event", *event)
                .header("x-hub-signature", "sha1=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")
                .body(Body::from(body.clone()))
                .unwrap(),
            github(event, &delivery_id(i), &body, None),
        ];
        for request in refused {
            let (status, error) = send(&s.app, request).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}: {error}");
            assert_eq!(error["error"]["name"], "AuthenticationError", "{name}");
        }
    }
    for (i, (name, event, _)) in GITLAB_WEEK.iter().enumerate() {
        let body = fixture(&format!("gitlab/{name}"));
        for token in [Some("gitlab-token-2"), Some(""), Some("gitlab-token-1 "), None] {
            let (status, _) = send(&s.app, gitlab(event, &delivery_id(i), &body, token)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{name} with {token:?}");
        }
    }
    assert!(logged(&s.store).is_empty());
    assert!(s.store.unmapped_events(10).unwrap().is_empty());
    assert_eq!(s.store.generation().unwrap(), generation);
    assert_eq!((s.state.received_deliveries(), s.state.ignored_events()), (0, 0));
    // Refused deliveries leave their ids unused: the real ones are then recorded.
    let body = fixture("github/deployment_status_success.json");
    let (status, reply) = send(&s.app, signed("deployment_status", &delivery_id(5), &body)).await;
    check_answer("after the refusals", status, &reply, Answer::Added(1));
}

#[tokio::test]
async fn a_gitlab_incident_sent_as_a_work_item_is_recorded() {
    let s = setup();
    let body = fixture("gitlab/work_item_incident_opened.json");
    let (status, reply) = send(&s.app, gitlab("Issue Hook", "work-item-1", &body, Some(TOKEN))).await;
    check_answer("work item incident", status, &reply, Answer::Added(1));
    // Created "2024-03-08 16:00:00 UTC".
    assert_eq!(logged(&s.store), vec![incident(IdSeries::GitlabIssue.id(7704), "payments", march(8, 16, 0), None)]);
}

#[tokio::test]
async fn a_gitlab_fast_forward_merge_is_accepted() {
    let s = setup();
    let body = fixture("gitlab/merge_request_merged_fast_forward.json");
    let (status, reply) = send(&s.app, gitlab("Merge Request Hook", "ff-1", &body, Some(TOKEN))).await;
    // A 4xx makes GitLab count the hook as failing and, repeated, disable it.
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert!(reply.get("error").is_none(), "{reply}");
}

#[tokio::test]
async fn gitlab_events_sharing_an_event_uuid_are_each_recorded() {
    let s = setup();
    // A webhook receiver that calls the GitLab API passes the event UUID on, so GitLab
    // gives every webhook that call triggers the same X-Gitlab-Event-UUID; each has its
    // own Idempotency-Key.
    let shared = Some("13d2c8a0-5f7e-4b19-a6d3-recursive");
    let deployment = fixture("gitlab/deployment_failed.json");
    let request = gitlab_keyed("Deployment Hook", shared, Some("key-deployment"), &deployment, Some(TOKEN));
    let (status, reply) = send(&s.app, request).await;
    check_answer("deployment", status, &reply, Answer::Added(1));
    let incident = fixture("gitlab/issue_incident_opened.json");
    let request = gitlab_keyed("Issue Hook", shared, Some("key-incident"), &incident, Some(TOKEN));
    let (status, reply) = send(&s.app, request).await;
    check_answer("incident", status, &reply, Answer::Added(1));
    assert_eq!(logged(&s.store).len(), 2);
}
