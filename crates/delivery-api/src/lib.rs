//! The delivery capability over HTTP: webhook receivers for GitHub and GitLab, the events
//! API, the DORA report and the unmapped events as JSON.
//!
//! Routes (see `openapi.json` beside this crate):
//!
//! - `POST /api/webhooks/github`: `X-Hub-Signature-256` checked (HMAC-SHA256 of the raw
//!   body), `X-GitHub-Event` read, `X-GitHub-Delivery` the idempotency key;
//! - `POST /api/webhooks/gitlab`: `X-Gitlab-Token` checked, `Idempotency-Key` (or, from
//!   GitLabs that send none, `X-Gitlab-Event-UUID`) the idempotency key;
//! - `POST /api/delivery/events`: changes, deployments and incidents in the bulk format's
//!   fields;
//! - `GET /api/delivery/report?service=&team=&end=&days=`;
//! - `GET /api/delivery/unmapped`;
//! - `GET /delivery`, `/delivery/teams/{team}`, `/delivery/services/{service}`: the
//!   dashboards in the portal, rendered by `kiosque-portal` (see [`pages_router`]).
//!
//! A bad or missing signature is a 401 and stores nothing; malformed JSON a 400; a payload
//! over 10 MB a 413; any event that carries nothing to record a 200 that says why, counted
//! in [`DeliveryState::ignored_events`]. Handlers never touch SQL: writes go through the
//! [`Recorder`] in a blocking task, reports read the store's facts.

mod events;
mod json;

pub use json::row as report_row_json;
mod pages;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kiosque_delivery::webhooks::{parse_github, parse_gitlab, verify_github_signature, verify_gitlab_token};
use kiosque_delivery::{Bucket, Event, Ownership, Row, Scope, Window};
use kiosque_delivery_store::{Recorded, Recorder, UnmappedEvent, WebhookDelivery};
use serde_json::{json, Value};

pub use kiosque_delivery::webhooks::WebhookConfig;
pub use pages::pages_router;

/// The OpenAPI description of these routes, to merge into the server's.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// The largest request body accepted; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 10 << 20;

/// Secrets and settings of the receivers. A source without a secret accepts nothing.
#[derive(Debug, Clone, Default)]
pub struct DeliveryConfig {
    /// The GitHub webhook secret (`KIOSQUE_GITHUB_WEBHOOK_SECRET`).
    pub github_secret: Option<String>,
    /// The GitLab webhook token (`KIOSQUE_GITLAB_WEBHOOK_TOKEN`).
    pub gitlab_token: Option<String>,
    pub webhooks: WebhookConfig,
}

/// Maps a repository slug (`owner/name`, `group/project`) to a catalog service: the lead
/// application builds it from the `github.com/project-slug` and `gitlab.com/project-slug`
/// annotations.
pub type ServiceOf = dyn Fn(&str) -> Option<String> + Send + Sync;
/// The current ownership of services by teams (from the catalog).
pub type OwnershipOf = dyn Fn() -> Ownership + Send + Sync;
/// The served catalog, for the dashboards' titles and links.
pub type CatalogOf = dyn Fn() -> Arc<kiosque_catalog::Catalog> + Send + Sync;

/// Sections other capabilities draw for a team's dashboard (by team name), in the
/// reader's language: HTML the portal rendered.
pub type TeamPanels = dyn Fn(&str, &kiosque_portal::Context) -> Vec<String> + Send + Sync;

/// What the routes share.
pub struct DeliveryState {
    recorder: Mutex<Recorder>,
    config: DeliveryConfig,
    service_of: Box<ServiceOf>,
    ownership_of: Box<OwnershipOf>,
    catalog_of: Option<Box<CatalogOf>>,
    team_panels: Option<Box<TeamPanels>>,
    ignored: AtomicU64,
    received: AtomicU64,
}

impl DeliveryState {
    pub fn new(
        recorder: Recorder,
        config: DeliveryConfig,
        service_of: Box<ServiceOf>,
        ownership_of: Box<OwnershipOf>,
    ) -> DeliveryState {
        DeliveryState {
            recorder: Mutex::new(recorder),
            config,
            service_of,
            ownership_of,
            catalog_of: None,
            team_panels: None,
            ignored: AtomicU64::new(0),
            received: AtomicU64::new(0),
        }
    }

    /// Gives the dashboards the served catalog: services and teams then show their
    /// titles and link to their catalog pages.
    pub fn with_catalog(mut self, catalog_of: Box<CatalogOf>) -> DeliveryState {
        self.catalog_of = Some(catalog_of);
        self
    }

    /// Gives team dashboards sections drawn by other capabilities (developer satisfaction).
    pub fn with_team_panels(mut self, team_panels: Box<TeamPanels>) -> DeliveryState {
        self.team_panels = Some(team_panels);
        self
    }

    /// The ownership the dashboards show: the catalog's, or, while the catalog owns no
    /// service, the one imported with the events (`services.csv`), as `kiosque dora
    /// report` reads it.
    fn dashboard_ownership(&self) -> Ownership {
        let ownership = (self.ownership_of)();
        if ownership.services().next().is_some() {
            return ownership;
        }
        let store = Arc::clone(self.recorder().store());
        store.ownership().unwrap_or_else(|e| {
            tracing::error!("reading the imported ownership: {e}");
            Ownership::new()
        })
    }

    /// Reads what other writers (replicas on the same database, a `kiosque dora import`)
    /// recorded since the last look, so that the dashboards show it. Blocking.
    pub fn catch_up(&self) -> Result<usize, String> {
        self.recorder().catch_up().map_err(|e| e.to_string())
    }

    /// Webhook events accepted but carrying nothing to record (other event types, pushes to
    /// other branches, statuses not final…), since start.
    pub fn ignored_events(&self) -> u64 {
        self.ignored.load(Ordering::Relaxed)
    }

    /// Webhook deliveries accepted (signature right, payload read), since start.
    pub fn received_deliveries(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    fn recorder(&self) -> std::sync::MutexGuard<'_, Recorder> {
        // A panic mid-record leaves the recorder marked stale at worst: it reloads.
        self.recorder.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The latest figures of each service (its window row over the last 90 days), for
    /// gauges. Blocking: call it from a blocking task.
    pub fn service_figures(&self) -> Result<Vec<Row>, String> {
        let store = Arc::clone(self.recorder().store());
        let ownership = (self.ownership_of)();
        let report =
            kiosque_delivery_store::report(store.as_ref(), &ownership, Window::default()).map_err(|e| e.to_string())?;
        Ok(report.rows.into_iter().filter(|r| r.scope == Scope::Service && r.bucket == Bucket::Window).collect())
    }
}

/// Every route, with full paths and its state applied: merge it into the server's router.
/// The webhook routes authenticate by signature; put the others behind the API's
/// authentication if it has one (see [`webhook_router`] and [`api_router`]).
pub fn router(state: Arc<DeliveryState>) -> Router {
    webhook_router(Arc::clone(&state)).nest("/api/delivery", api_router(Arc::clone(&state))).merge(pages_router(state))
}

/// `POST /api/webhooks/github` and `POST /api/webhooks/gitlab`.
pub fn webhook_router(state: Arc<DeliveryState>) -> Router {
    Router::new()
        .route("/api/webhooks/github", post(github))
        .route("/api/webhooks/gitlab", post(gitlab))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// `POST /events`, `GET /report`, `GET /unmapped`, to nest under `/api/delivery`.
pub fn api_router(state: Arc<DeliveryState>) -> Router {
    Router::new()
        .route("/events", post(post_events))
        .route("/report", get(get_report))
        .route("/unmapped", get(get_unmapped))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// An error in Backstage's shape: `{"error": {"name", "message"}, "response": {"statusCode"}}`.
pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let name = match status {
        StatusCode::BAD_REQUEST => "InputError",
        StatusCode::UNAUTHORIZED => "AuthenticationError",
        StatusCode::NOT_FOUND => "NotFoundError",
        _ => "Error",
    };
    let body = json!({"error": {"name": name, "message": message.into()}, "response": {"statusCode": status.as_u16()}});
    (status, axum::Json(body)).into_response()
}

fn internal(what: &str, detail: impl std::fmt::Display) -> Response {
    tracing::error!("{what}: {detail}");
    error(StatusCode::INTERNAL_SERVER_ERROR, "internal error; see the server log")
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn summary(recorded: &Recorded) -> Value {
    json!({
        "duplicate": recorded.duplicate_delivery,
        "added": recorded.added,
        "replaced": recorded.replaced,
        "unchanged": recorded.unchanged,
        "unmapped": recorded.unmapped,
    })
}

/// How far ahead of this server's clock an event's time may be: clocks drift, but an
/// event hours ahead is wrong, and would move every default window past today.
pub const MAX_CLOCK_AHEAD_SECONDS: i64 = 3_600;

/// The latest time an event carries.
fn latest_time(event: &Event) -> i64 {
    match event {
        Event::Change(c) => c.authored_at.max(c.committed_at).max(c.merged_at),
        Event::Deployment(d) => d.started_at.max(d.finished_at),
        Event::Incident(i) => i.opened_at.max(i.resolved_at.unwrap_or(i.opened_at)),
    }
}

/// Sets aside, as unmapped with the reason, the events dated after `now` by more than
/// [`MAX_CLOCK_AHEAD_SECONDS`]: kept, listed, counted nowhere.
fn set_aside_future(events: Vec<Event>, source: &str, now: i64) -> (Vec<Event>, Vec<UnmappedEvent>) {
    let (future, present): (Vec<Event>, Vec<Event>) =
        events.into_iter().partition(|e| latest_time(e) > now + MAX_CLOCK_AHEAD_SECONDS);
    let unmapped = future
        .iter()
        .map(|event| {
            let ahead = (latest_time(event) - now) as f64 / 3_600.0;
            UnmappedEvent {
                source: source.into(),
                kind: json::kind(event).into(),
                key: json::key(event),
                repository: json::repository(event).to_string(),
                reason: format!(
                    "dated {ahead:.1} hours ahead of this server's clock: a wrong clock or time zone at the source"
                ),
                event: json::event(event).to_string(),
                received_at: now,
            }
        })
        .collect();
    (present, unmapped)
}

/// Records what a webhook payload yielded, in a blocking task.
async fn record_outcome(
    state: Arc<DeliveryState>,
    source: &'static str,
    outcome: kiosque_delivery::webhooks::Outcome,
    delivery: Option<String>,
) -> Response {
    use kiosque_delivery::webhooks::Outcome;
    state.received.fetch_add(1, Ordering::Relaxed);
    let received_at = now();
    let delivery = delivery.map(|id| WebhookDelivery { source: source.into(), id, received_at });
    let (events, unmapped) = match outcome {
        Outcome::Ignored(reason) => {
            state.ignored.fetch_add(1, Ordering::Relaxed);
            return (StatusCode::OK, axum::Json(json!({"ignored": reason}))).into_response();
        }
        Outcome::Events(events) => (events, Vec::new()),
        Outcome::Unmapped { events, repository, reason } => {
            let unmapped = events
                .iter()
                .map(|event| UnmappedEvent {
                    source: source.into(),
                    kind: json::kind(event).into(),
                    key: json::key(event),
                    repository: repository.clone(),
                    reason: reason.clone(),
                    event: json::event(event).to_string(),
                    received_at,
                })
                .collect();
            (Vec::new(), unmapped)
        }
    };
    let (events, future) = set_aside_future(events, source, received_at);
    let unmapped = unmapped.into_iter().chain(future).collect();
    let work = tokio::task::spawn_blocking(move || state.recorder().record(events, unmapped, delivery)).await;
    match work {
        Ok(Ok(recorded)) => (StatusCode::OK, axum::Json(summary(&recorded))).into_response(),
        Ok(Err(e)) => internal("recording webhook events", e),
        Err(e) => internal("recording webhook events", e),
    }
}

async fn github(State(state): State<Arc<DeliveryState>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = state.config.github_secret.as_deref().filter(|s| !s.is_empty()) else {
        return error(StatusCode::UNAUTHORIZED, "no GitHub webhook secret is configured");
    };
    if !verify_github_signature(secret.as_bytes(), &body, header(&headers, "x-hub-signature-256")) {
        return error(StatusCode::UNAUTHORIZED, "missing or wrong X-Hub-Signature-256");
    }
    let Some(event) = header(&headers, "x-github-event") else {
        return error(StatusCode::BAD_REQUEST, "missing X-GitHub-Event");
    };
    let outcome = match parse_github(event, &body, &state.config.webhooks, &*state.service_of) {
        Ok(outcome) => outcome,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let delivery = header(&headers, "x-github-delivery").map(str::to_string);
    record_outcome(Arc::clone(&state), "github", outcome, delivery).await
}

async fn gitlab(State(state): State<Arc<DeliveryState>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(token) = state.config.gitlab_token.as_deref().filter(|s| !s.is_empty()) else {
        return error(StatusCode::UNAUTHORIZED, "no GitLab webhook token is configured");
    };
    if !verify_gitlab_token(token, header(&headers, "x-gitlab-token")) {
        return error(StatusCode::UNAUTHORIZED, "missing or wrong X-Gitlab-Token");
    }
    let outcome = match parse_gitlab(&body, &state.config.webhooks, &*state.service_of) {
        Ok(outcome) => outcome,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    // Idempotency-Key stays the same across retries of one delivery; the event UUID is
    // shared by the webhooks one API call sets off, so it only stands in for older GitLabs.
    let delivery =
        header(&headers, "idempotency-key").or_else(|| header(&headers, "x-gitlab-event-uuid")).map(str::to_string);
    record_outcome(Arc::clone(&state), "gitlab", outcome, delivery).await
}

async fn post_events(State(state): State<Arc<DeliveryState>>, body: Bytes) -> Response {
    let events: Vec<Event> = match events::parse(&body) {
        Ok(events) => events,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let (events, future) = set_aside_future(events, "api", now());
    let work = tokio::task::spawn_blocking(move || state.recorder().record(events, future, None)).await;
    match work {
        Ok(Ok(recorded)) => (StatusCode::OK, axum::Json(summary(&recorded))).into_response(),
        Ok(Err(e)) => internal("recording events", e),
        Err(e) => internal("recording events", e),
    }
}

async fn get_report(
    State(state): State<Arc<DeliveryState>>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let mut window = Window::default();
    if let Some(days) = params.get("days") {
        match days.parse() {
            Ok(days) => window.days = days,
            Err(_) => return error(StatusCode::BAD_REQUEST, format!("days must be a whole number, got {days:?}")),
        }
    }
    if let Some(end) = params.get("end") {
        match end.parse() {
            Ok(end) => window.end = Some(end),
            Err(e) => return error(StatusCode::BAD_REQUEST, format!("end: {e}")),
        }
    }
    let (service, team) = (params.get("service").cloned(), params.get("team").cloned());
    if service.is_some() && team.is_some() {
        return error(StatusCode::BAD_REQUEST, "give a service or a team, not both");
    }
    let work = tokio::task::spawn_blocking(move || {
        let store = Arc::clone(state.recorder().store());
        let ownership = (state.ownership_of)();
        kiosque_delivery_store::report(store.as_ref(), &ownership, window).map(|r| (r, ownership))
    })
    .await;
    let (report, ownership) = match work {
        Ok(Ok(done)) => done,
        Ok(Err(kiosque_delivery_store::StoreError::Report(message))) => {
            return error(StatusCode::BAD_REQUEST, message);
        }
        Ok(Err(e)) => return internal("computing the delivery report", e),
        Err(e) => return internal("computing the delivery report", e),
    };
    let keep = |row: &Row| match (&service, &team) {
        (Some(s), _) => row.scope == Scope::Service && &row.entity == s,
        (_, Some(t)) => row.scope == Scope::Team && &row.entity == t,
        _ => true,
    };
    if let Some(s) = &service {
        if ownership.team_of(s).is_none() {
            return error(StatusCode::NOT_FOUND, format!("service {s:?} has no owner in the catalog"));
        }
    }
    if let Some(t) = &team {
        if !ownership.teams().contains(t.as_str()) {
            return error(StatusCode::NOT_FOUND, format!("team {t:?} owns no service"));
        }
    }
    let rows: Vec<Value> = report.rows.iter().filter(|r| keep(r)).map(json::row).collect();
    let body = json!({
        "start": report.start.to_string(),
        "end": report.end.to_string(),
        "days": report.days,
        "rows": rows,
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

async fn get_unmapped(State(state): State<Arc<DeliveryState>>) -> Response {
    let work = tokio::task::spawn_blocking(move || {
        let ownership = (state.ownership_of)();
        let recorder = state.recorder();
        let services = recorder.history().unmapped(&ownership);
        recorder.store().unmapped_events(1000).map(|events| (services, events))
    })
    .await;
    let (services, events) = match work {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => return internal("listing unmapped events", e),
        Err(e) => return internal("listing unmapped events", e),
    };
    let services: Vec<Value> = services
        .iter()
        .map(|u| json!({"service": u.service, "deployments": u.deployments, "incidents": u.incidents, "reason": u.reason}))
        .collect();
    let events: Vec<Value> = events
        .iter()
        .map(|u| {
            json!({
                "source": u.source,
                "kind": u.kind,
                "key": u.key,
                "repository": u.repository,
                "reason": u.reason,
                "event": serde_json::from_str::<Value>(&u.event).unwrap_or(Value::Null),
                "received_at": json::timestamp(u.received_at),
            })
        })
        .collect();
    (StatusCode::OK, axum::Json(json!({"services": services, "events": events}))).into_response()
}
