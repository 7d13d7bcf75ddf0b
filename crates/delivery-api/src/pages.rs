//! The delivery dashboards in the portal: `GET /delivery` (the organisation),
//! `/delivery/teams/{team}` and `/delivery/services/{service}`, each over the window the
//! query names (`end=YYYY-MM-DD`, `days=`; by default the 90 days up to the latest
//! deployment).
//!
//! A page's report is computed from the recorder's history over only the services it
//! shows (one service, a team's services, or all), which binary-searches each service's
//! sorted facts for the window: a service page costs what its own events in the window
//! cost, whatever the size of the history. The words, layout and escaping are the portal's
//! (`kiosque_portal::Portal::delivery_*`); this module only reads the request (language,
//! theme, window) and answers with the same security headers as every portal page.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use kiosque_delivery::{
    report, DeploymentFact, IncidentFact, Ownership, PerformanceLevels, Report, ReportError, Window,
};
use kiosque_portal::{Context, Dashboard, DeploymentPage, Locale, Notice, Portal};

use crate::DeliveryState;

fn portal() -> &'static Portal {
    static PORTAL: OnceLock<Portal> = OnceLock::new();
    PORTAL.get_or_init(Portal::default)
}

fn levels() -> &'static PerformanceLevels {
    static LEVELS: OnceLock<PerformanceLevels> = OnceLock::new();
    LEVELS.get_or_init(PerformanceLevels::dora)
}

/// `GET /delivery`, `/delivery/teams/{team}`, `/delivery/services/{service}`.
pub fn pages_router(state: Arc<DeliveryState>) -> Router {
    Router::new()
        .route("/delivery", get(organisation))
        .route("/delivery/teams/{team}", get(team))
        .route("/delivery/services/{service}", get(service))
        .route("/delivery/services/{service}/deployments/{id}", get(deployment))
        .with_state(state)
}

/// Which dashboard a request asks for.
enum Focus {
    Organisation,
    Team(String),
    Service(String),
}

/// What the computation came to.
enum Outcome {
    /// The report, and a service's deployments and incidents in the window.
    Report(Report, Vec<DeploymentFact>, Vec<IncidentFact>),
    NotFound,
    Notice(Notice),
}

type Params = Query<HashMap<String, String>>;

async fn organisation(
    State(state): State<Arc<DeliveryState>>,
    params: Params,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    dashboard(state, Focus::Organisation, params.0, &headers, &uri).await
}

async fn team(
    State(state): State<Arc<DeliveryState>>,
    Path(team): Path<String>,
    params: Params,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    dashboard(state, Focus::Team(team), params.0, &headers, &uri).await
}

async fn service(
    State(state): State<Arc<DeliveryState>>,
    Path(service): Path<String>,
    params: Params,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    dashboard(state, Focus::Service(service), params.0, &headers, &uri).await
}

/// `GET /delivery/services/{service}/deployments/{id}`: one production deployment of the
/// service, with the changes it first brought to production and the incidents it caused.
async fn deployment(
    State(state): State<Arc<DeliveryState>>,
    Path((service, id)): Path<(String, i64)>,
    params: Params,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let catalog = state.catalog_of.as_ref().map(|catalog_of| catalog_of());
    let generation = catalog.as_ref().map_or(0, |c| c.generation());
    let cx = Context::of_http(&uri, params.get("lang").map(String::as_str), &headers, generation);
    let found = {
        let state = Arc::clone(&state);
        tokio::task::spawn_blocking(move || {
            let team = state.dashboard_ownership().team_of(&service).map(str::to_string);
            let recorder = state.recorder();
            let history = recorder.history();
            // A production deployment of this service: found by id, not by listing the service's.
            let fact = history.deployment_fact(id).filter(|f| f.service == service)?;
            Some((fact, team, history.changes_first_deployed_by(id), history.incidents_caused_by(id)))
        })
        .await
    };
    match found {
        Ok(Some((fact, team, changes, incidents))) => {
            let page_data = DeploymentPage {
                fact: &fact,
                team: team.as_deref(),
                changes: &changes,
                incidents: &incidents,
                catalog: catalog.as_deref(),
            };
            page(StatusCode::OK, &headers, cx.locale, portal().delivery_deployment(&cx, &page_data))
        }
        Ok(None) => page(StatusCode::NOT_FOUND, &headers, cx.locale, portal().not_found(&cx)),
        Err(e) => crate::internal("drawing a deployment", e),
    }
}

/// The window the query names; `None` when it names a bad one.
fn window(params: &HashMap<String, String>) -> Option<Window> {
    let mut window = Window::default();
    if let Some(days) = params.get("days").filter(|d| !d.is_empty()) {
        window.days = days.trim().parse().ok().filter(|d| (1..=36_600).contains(d))?;
    }
    if let Some(end) = params.get("end").filter(|e| !e.is_empty()) {
        window.end = Some(end.trim().parse().ok()?);
    }
    Some(window)
}

async fn dashboard(
    state: Arc<DeliveryState>,
    focus: Focus,
    params: HashMap<String, String>,
    headers: &HeaderMap,
    uri: &Uri,
) -> Response {
    let catalog = state.catalog_of.as_ref().map(|catalog_of| catalog_of());
    let generation = catalog.as_ref().map_or(0, |c| c.generation());
    let cx = Context::of_http(uri, params.get("lang").map(String::as_str), headers, generation);
    let locale = cx.locale;
    let Some(window) = window(&params) else {
        return page(StatusCode::BAD_REQUEST, headers, locale, portal().delivery_notice(&cx, Notice::BadWindow));
    };
    let work = {
        let state = Arc::clone(&state);
        let focus = match &focus {
            Focus::Organisation => Focus::Organisation,
            Focus::Team(t) => Focus::Team(t.clone()),
            Focus::Service(s) => Focus::Service(s.clone()),
        };
        tokio::task::spawn_blocking(move || compute(&state, &focus, window)).await
    };
    let (report, deployments, incidents) = match work {
        Ok(Outcome::Report(report, deployments, incidents)) => (report, deployments, incidents),
        Ok(Outcome::NotFound) => return page(StatusCode::NOT_FOUND, headers, locale, portal().not_found(&cx)),
        Ok(Outcome::Notice(notice)) => {
            let status = if notice == Notice::BadWindow { StatusCode::BAD_REQUEST } else { StatusCode::OK };
            return page(status, headers, locale, portal().delivery_notice(&cx, notice));
        }
        Err(e) => return crate::internal("drawing a delivery dashboard", e),
    };
    // Other capabilities' sections read their own stores: off the async threads.
    let team_panels = match &focus {
        Focus::Team(team) if state.team_panels.is_some() => {
            let (state, team, cx) = (Arc::clone(&state), team.clone(), cx.clone());
            tokio::task::spawn_blocking(move || state.team_panels.as_ref().map(|f| f(&team, &cx)).unwrap_or_default())
                .await
                .unwrap_or_else(|e| {
                    tracing::error!("drawing a team's panels: {e}");
                    Vec::new()
                })
        }
        _ => Vec::new(),
    };
    let d = Dashboard {
        report: &report,
        window,
        thresholds: levels().latest(),
        catalog: catalog.as_deref(),
        deployments: &deployments,
        incidents: &incidents,
        team_panels: &team_panels,
    };
    let body = match &focus {
        Focus::Organisation => Some(portal().delivery_organisation(&cx, &d)),
        Focus::Team(t) => portal().delivery_team(&cx, &d, t),
        Focus::Service(s) => portal().delivery_service(&cx, &d, s),
    };
    match body {
        Some(body) => page(StatusCode::OK, headers, locale, body),
        None => page(StatusCode::NOT_FOUND, headers, locale, portal().not_found(&cx)),
    }
}

/// The report over only the services the dashboard shows.
fn compute(state: &DeliveryState, focus: &Focus, window: Window) -> Outcome {
    let ownership = state.dashboard_ownership();
    let shown: Ownership = match focus {
        Focus::Organisation => ownership,
        Focus::Team(team) => {
            let services: Ownership = ownership.services().filter(|(_, t)| t == team).collect();
            if services.services().next().is_none() {
                return Outcome::NotFound;
            }
            services
        }
        Focus::Service(service) => match ownership.team_of(service) {
            Some(team) => [(service.as_str(), team)].into_iter().collect(),
            None => return Outcome::NotFound,
        },
    };
    let recorder = state.recorder();
    match report(recorder.history(), &shown, window) {
        Ok(report) => {
            let (deployments, incidents) = match (focus, window.bounds(recorder.history().latest_finished_at())) {
                (Focus::Service(service), Ok((from, until))) => {
                    let history = recorder.history();
                    let mut incidents: Vec<IncidentFact> = history
                        .incident_facts()
                        .filter(|i| i.service == *service && (from..until).contains(&i.opened_at))
                        .collect();
                    incidents.sort_by_key(|i| (i.opened_at, i.id));
                    (history.service_deployment_facts(service, from, until), incidents)
                }
                _ => (Vec::new(), Vec::new()),
            };
            Outcome::Report(report, deployments, incidents)
        }
        Err(ReportError::NoDeployment) => Outcome::Notice(Notice::NoData),
        Err(ReportError::BadWindow(_)) => Outcome::Notice(Notice::BadWindow),
    }
}

/// An HTML page, never cached (events keep arriving), with the portal's security headers.
fn page(status: StatusCode, headers: &HeaderMap, locale: Locale, body: String) -> Response {
    kiosque_portal::web::page_response(status, headers, locale, body).map(axum::body::Body::from).into_response()
}
