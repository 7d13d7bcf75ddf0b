//! The routes end to end, through the router, on a SQLite store: payloads shaped like the
//! examples in GitHub's and GitLab's webhook documentation (trimmed to the fields that
//! matter, with invented values).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use kiosque_delivery::webhooks::github_signature;
use kiosque_delivery::{HistoryConfig, Ownership};
use kiosque_delivery_api::{router, DeliveryConfig, DeliveryState, WebhookConfig, MAX_BODY_BYTES};
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

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn github(event: &str, delivery: &str, body: &[u8], signature: Option<String>) -> Request<Body> {
    let mut request = Request::post("/api/webhooks/github")
        .header("content-type", "application/json")
        .header("x-github-event", event)
        .header("x-github-delivery", delivery);
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    request.body(Body::from(body.to_vec())).unwrap()
}

fn signed(event: &str, delivery: &str, body: &Value) -> Request<Body> {
    let bytes = body.to_string().into_bytes();
    let signature = github_signature(SECRET.as_bytes(), &bytes);
    github(event, delivery, &bytes, Some(signature))
}

fn gitlab(event: &str, uuid: &str, body: &Value, token: &str) -> Request<Body> {
    Request::post("/api/webhooks/gitlab")
        .header("content-type", "application/json")
        .header("x-gitlab-event", event)
        .header("x-gitlab-event-uuid", uuid)
        .header("x-gitlab-token", token)
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn logged(store: &Arc<dyn DeliveryStore>) -> usize {
    let mut n = 0;
    store.read_events(&mut |_| n += 1).unwrap();
    n
}

fn github_push() -> Value {
    json!({
        "ref": "refs/heads/main",
        "before": "0000000000000000000000000000000000000000",
        "after": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        "repository": {"full_name": "octo-org/checkout-api", "default_branch": "main", "pushed_at": 1_709_550_000},
        "commits": [
            {"id": "5e3a1c2b4d6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b", "timestamp": "2024-03-04T10:00:00+01:00",
             "author": {"name": "Mona Octocat", "username": "octocat"}},
            {"id": "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "timestamp": "2024-03-04T09:30:00Z",
             "author": {"name": "Mona Octocat", "username": "octocat"}}
        ],
        "head_commit": {"id": "6113728f27ae82c7b1a177c8d03f9e96e0adf246"}
    })
}

fn github_deployment_status(id: i64, state: &str, repository: &str) -> Value {
    json!({
        "action": "created",
        "deployment_status": {"id": 1, "state": state, "environment": "production",
                              "created_at": "2024-03-04T12:00:00Z", "updated_at": "2024-03-04T12:00:00Z"},
        "deployment": {"id": id, "sha": "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "ref": "main",
                       "environment": "production", "created_at": "2024-03-04T11:50:00Z"},
        "repository": {"full_name": repository, "default_branch": "main"}
    })
}

#[tokio::test]
async fn a_signed_push_and_deployment_are_stored_and_counted() {
    let s = setup();
    let (status, body) = send(&s.app, signed("push", "d-1", &github_push())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["added"], 2);
    let (status, body) = send(
        &s.app,
        signed("deployment_status", "d-2", &github_deployment_status(42, "success", "octo-org/checkout-api")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(logged(&s.store), 3);

    let request = Request::get("/api/delivery/report?service=checkout-api&end=2024-03-10&days=7").body(Body::empty());
    let (status, report) = send(&s.app, request.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let window = &report["rows"][0];
    assert_eq!((window["entity"].as_str(), window["bucket"].as_str()), (Some("checkout-api"), Some("window")));
    assert_eq!(window["deployments"], 1);
    // The deployment names the second commit only: 09:30 to 12:00 is 2.5 hours.
    assert_eq!(window["lead_time_changes"], 1);
    assert_eq!(window["lead_time_median_hours"], 2.5);
}

#[tokio::test]
async fn a_bad_or_missing_signature_is_refused_and_stores_nothing() {
    let s = setup();
    let generation = s.store.generation().unwrap();
    let body = github_push().to_string().into_bytes();
    let wrong = github_signature(b"another secret", &body);
    let (status, _) = send(&s.app, github("push", "d-1", &body, Some(wrong))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send(&s.app, github("push", "d-2", &body, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send(&s.app, gitlab("Push Hook", "u-1", &json!({"object_kind": "push"}), "nope")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(logged(&s.store), 0);
    assert_eq!(s.store.generation().unwrap(), generation);
}

#[tokio::test]
async fn a_redelivery_counts_once() {
    let s = setup();
    let payload = github_deployment_status(42, "failure", "octo-org/checkout-api");
    let (_, first) = send(&s.app, signed("deployment_status", "same-id", &payload)).await;
    assert_eq!((first["added"].as_u64(), first["duplicate"].as_bool()), (Some(1), Some(false)));
    let (status, again) = send(&s.app, signed("deployment_status", "same-id", &payload)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["duplicate"], true);
    assert_eq!(logged(&s.store), 1);
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let s = setup();
    let body = b"{\"ref\": ".to_vec();
    let signature = github_signature(SECRET.as_bytes(), &body);
    let (status, error) = send(&s.app, github("push", "d-1", &body, Some(signature))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["name"], "InputError");
    assert_eq!(logged(&s.store), 0);
}

#[tokio::test]
async fn other_events_are_accepted_ignored_and_counted() {
    let s = setup();
    let (status, body) = send(&s.app, signed("star", "d-1", &json!({"action": "created"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["ignored"].as_str().unwrap().contains("star"));
    let (status, _) =
        send(&s.app, signed("deployment_status", "d-2", &github_deployment_status(1, "pending", "acme/payments")))
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s.state.ignored_events(), 2);
    assert_eq!(logged(&s.store), 0);
}

#[tokio::test]
async fn a_payload_over_ten_megabytes_is_a_413() {
    let s = setup();
    let body = vec![b' '; MAX_BODY_BYTES + 1];
    let signature = github_signature(SECRET.as_bytes(), &body);
    let (status, _) = send(&s.app, github("push", "d-1", &body, Some(signature))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(logged(&s.store), 0);
}

#[tokio::test]
async fn github_incidents_and_unmapped_repositories() {
    let s = setup();
    let issue = json!({
        "action": "closed",
        "issue": {"id": 1_347, "number": 1, "state": "closed", "created_at": "2024-03-05T00:00:00Z",
                  "closed_at": "2024-03-05T01:30:00Z", "labels": [{"name": "bug"}, {"name": "Incident"}]},
        "repository": {"full_name": "octo-org/checkout-api"}
    });
    let (status, body) = send(&s.app, signed("issues", "d-1", &issue)).await;
    assert_eq!((status, body["added"].as_u64()), (StatusCode::OK, Some(1)));
    let (_, body) =
        send(&s.app, signed("deployment_status", "d-2", &github_deployment_status(7, "success", "octo-org/unknown")))
            .await;
    assert_eq!(body["unmapped"], 1);

    let (status, unmapped) = send(&s.app, Request::get("/api/delivery/unmapped").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let event = &unmapped["events"][0];
    assert_eq!((event["kind"].as_str(), event["repository"].as_str()), (Some("deployment"), Some("octo-org/unknown")));
    assert!(event["reason"].as_str().unwrap().contains("maps to no catalog service"));
    assert_eq!(event["event"]["finished_at"], "2024-03-04T12:00:00Z");
}

#[tokio::test]
async fn gitlab_push_deployment_pipeline_and_incident_are_stored() {
    let s = setup();
    let push = json!({
        "object_kind": "push", "ref": "refs/heads/main",
        "project": {"path_with_namespace": "acme/payments", "default_branch": "main"},
        "commits": [{"id": "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327", "timestamp": "2024-03-04T08:00:00+00:00",
                     "author": {"name": "Jordi Mallach", "email": "jordi@example.com"}}]
    });
    let deployment = json!({
        "object_kind": "deployment", "status": "success", "status_changed_at": "2024-03-04 10:00:00 +0200",
        "deployment_id": 15, "environment": "production", "short_sha": "b6568db1",
        "commit_url": "https://gitlab.example.com/acme/payments/-/commit/b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
        "project": {"path_with_namespace": "acme/payments"}
    });
    let pipeline = json!({
        "object_kind": "pipeline",
        "object_attributes": {"id": 31, "name": "Nightly", "status": "success", "sha": "b6568db1",
                              "created_at": "2024-03-04 08:00:00 UTC", "finished_at": "2024-03-04 09:00:00 UTC"},
        "project": {"path_with_namespace": "acme/payments"}
    });
    let incident = json!({
        "object_kind": "issue",
        "object_attributes": {"id": 301, "issue_type": "incident", "state": "opened",
                              "created_at": "2024-03-05 00:00:00 UTC"},
        "project": {"path_with_namespace": "acme/payments"}
    });
    for (i, (event, body)) in
        [("Push Hook", push), ("Deployment Hook", deployment), ("Pipeline Hook", pipeline), ("Issue Hook", incident)]
            .into_iter()
            .enumerate()
    {
        let (status, reply) = send(&s.app, gitlab(event, &format!("u-{i}"), &body, TOKEN)).await;
        assert_eq!(status, StatusCode::OK, "{event}: {reply}");
    }
    assert_eq!(s.state.ignored_events(), 1, "the pipeline is not declared as a deployment");
    assert_eq!(logged(&s.store), 3);
    let request = Request::get("/api/delivery/report?team=team-pay&end=2024-03-10&days=7").body(Body::empty());
    let (_, report) = send(&s.app, request.unwrap()).await;
    let window = &report["rows"][0];
    // Committed 08:00 UTC, deployed 10:00 +02:00 = 08:00 UTC: a lead time of zero.
    assert_eq!((window["deployments"].as_u64(), window["lead_time_median_hours"].as_f64()), (Some(1), Some(0.0)));
    assert_eq!((window["incidents"].as_u64(), window["resolved_incidents"].as_u64()), (Some(1), Some(0)));
}

#[tokio::test]
async fn the_events_api_takes_the_bulk_fields() {
    let s = setup();
    let body = json!({
        "changes": [{"sha": "c1", "repository": "acme/payments", "author": "ana", "authored_at": "2024-03-04T08:00:00Z",
                     "committed_at": "2024-03-04T08:00:00Z", "merged_at": "2024-03-04T09:00:00Z"}],
        "deployments": [{"id": 1, "repository": "acme/payments", "service": "payments", "environment": "production",
                         "started_at": "2024-03-04T11:00:00Z", "finished_at": "2024-03-04T12:00:00Z",
                         "status": "success", "commits": ["c1"], "rollback_of": null, "fixes": null}]
    });
    let post = |body: String| Request::post("/api/delivery/events").body(Body::from(body)).unwrap();
    let (status, reply) = send(&s.app, post(body.to_string())).await;
    assert_eq!((status, reply["added"].as_u64()), (StatusCode::OK, Some(2)));
    let (status, again) = send(&s.app, post(body.to_string())).await;
    assert_eq!((status, again["unchanged"].as_u64()), (StatusCode::OK, Some(2)));

    let bad = json!({"incidents": [{"id": 1, "service": "payments", "opened_at": "soon"}]});
    let (status, error) = send(&s.app, post(bad.to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["error"]["message"].as_str().unwrap().starts_with("incidents[0]:1:"), "{error}");

    let figures = s.state.service_figures().unwrap();
    let payments = figures.iter().find(|r| r.entity == "payments").unwrap();
    assert_eq!((payments.deployments, payments.lead_time_median_hours), (1, Some(4.0)));
}

#[tokio::test]
async fn events_dated_ahead_of_the_clock_are_kept_aside_not_counted() {
    let s = setup();
    // A deployment finishing in 2099: a clock or time zone is wrong at the source.
    let mut body = github_deployment_status(77, "success", "octo-org/checkout-api");
    body["deployment_status"]["created_at"] = json!("2099-01-01T00:00:00Z");
    let (status, answer) = send(&s.app, signed("deployment_status", "d-future", &body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((answer["added"].as_u64(), answer["unmapped"].as_u64()), (Some(0), Some(1)), "{answer}");
    assert_eq!(logged(&s.store), 0);
    let listed = s.store.unmapped_events(10).unwrap();
    assert_eq!(listed.len(), 1);
    let id = kiosque_delivery::webhooks::IdSeries::GithubDeployment.id(77).to_string();
    assert_eq!((listed[0].kind.as_str(), listed[0].key.as_str()), ("deployment", id.as_str()));
    assert!(listed[0].reason.contains("hours ahead of this server's clock"), "{}", listed[0].reason);

    // Through the events API too; a change of today is recorded beside it.
    let today = start_of_today();
    let events = json!({"changes": [
        {"sha": "a".repeat(40), "repository": "acme/payments", "author": "ana",
         "authored_at": today, "committed_at": today, "merged_at": today},
        {"sha": "b".repeat(40), "repository": "acme/payments", "author": "ana",
         "authored_at": "2099-01-01T00:00:00Z", "committed_at": "2099-01-01T00:00:00Z", "merged_at": "2099-01-01T00:00:00Z"}
    ]});
    let request = Request::post("/api/delivery/events")
        .header("content-type", "application/json")
        .body(Body::from(events.to_string()))
        .unwrap();
    let (status, answer) = send(&s.app, request).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!((answer["added"].as_u64(), answer["unmapped"].as_u64()), (Some(1), Some(1)), "{answer}");
    assert_eq!(s.store.unmapped_events(10).unwrap().len(), 2);
}

/// Now, as the bulk format writes times (the start of today: never ahead of the clock).
fn start_of_today() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    format!("{}T00:00:00Z", kiosque_delivery::Date::of_timestamp(seconds).unwrap())
}

#[tokio::test]
async fn a_pipeline_never_replaces_the_deployment_of_the_same_number() {
    let s = setup();
    // GitLab numbers deployments and pipelines each from 1: deployment 15 and pipeline 15
    // (declared as deploying) are two deployments.
    let deployment = json!({
        "object_kind": "deployment", "status": "success", "status_changed_at": "2024-03-04 10:00:00 +0200",
        "deployment_id": 15, "environment": "production", "short_sha": "b6568db1",
        "project": {"path_with_namespace": "acme/payments"}
    });
    let pipeline = json!({
        "object_kind": "pipeline",
        "object_attributes": {"id": 15, "name": "Deploy to production", "status": "success", "sha": "c0ffee00",
                              "created_at": "2024-03-04 11:00:00 UTC", "finished_at": "2024-03-04 11:10:00 UTC"},
        "project": {"path_with_namespace": "acme/payments"}
    });
    for (uuid, body) in [("p-1", deployment), ("p-2", pipeline)] {
        let (status, reply) = send(&s.app, gitlab("Hook", uuid, &body, TOKEN)).await;
        assert_eq!((status, reply["added"].as_u64()), (StatusCode::OK, Some(1)), "{reply}");
    }
    assert_eq!(logged(&s.store), 2);
}

#[tokio::test]
async fn an_environment_the_source_declares_production_counts_whatever_its_name() {
    let s = setup();
    // Only "production" is configured; GitLab says "live" is of the production tier and
    // "preview" is not, whatever their names.
    let deployment = |id: i64, environment: &str, tier: &str, at: &str| {
        json!({
            "object_kind": "deployment", "status": "success", "status_changed_at": at,
            "deployment_id": id, "environment": environment, "environment_tier": tier, "short_sha": "b6568db1",
            "project": {"path_with_namespace": "acme/payments"}
        })
    };
    let live = deployment(21, "live", "production", "2024-03-05 10:00:00 UTC");
    let preview = deployment(22, "preview", "development", "2024-03-05 11:00:00 UTC");
    for (uuid, body) in [("t-1", live), ("t-2", preview)] {
        let (status, reply) = send(&s.app, gitlab("Deployment Hook", uuid, &body, TOKEN)).await;
        assert_eq!((status, reply["added"].as_u64()), (StatusCode::OK, Some(1)), "{reply}");
    }
    let request = Request::get("/api/delivery/report?service=payments&end=2024-03-10&days=7").body(Body::empty());
    let (status, report) = send(&s.app, request.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let rows = report["rows"].as_array().unwrap();
    let window = rows.iter().find(|r| r["entity"] == "payments" && r["bucket"] == "window").unwrap();
    assert_eq!(window["production_deployments"], 1, "{window}");
}
