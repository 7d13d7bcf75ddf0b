//! The HTTP API: routes, authentication, metrics and health.

mod catalog;
mod error;
mod kiosque;
mod params;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub use error::ApiError;

use crate::metrics::RouteLabels;
use crate::state::AppState;

const OPENAPI: &str = include_str!("../../openapi.json");

/// Every route of the server.
pub fn router(state: Arc<AppState>) -> Router {
    router_with(state, Vec::new())
}

/// Every route of the server, with other capabilities' API routes (their
/// state applied) nested under `/api/{prefix}`, behind the same
/// authentication as the catalog's.
pub fn router_with(state: Arc<AppState>, apis: Vec<(String, Router)>) -> Router {
    let catalog = Router::new()
        .route("/entities", get(catalog::list_entities))
        .route("/entities/by-query", get(catalog::query_entities))
        .route("/entities/by-name/{kind}/{namespace}/{name}", get(catalog::entity_by_name))
        .route("/entities/by-uid/{uid}", get(catalog::entity_by_uid))
        .route("/entities/by-refs", post(catalog::entities_by_refs))
        .route("/entity-facets", get(catalog::facets))
        .route("/locations", get(catalog::list_locations).post(catalog::add_location))
        .route("/locations/{id}", get(catalog::get_location).delete(catalog::delete_location))
        .route("/refresh", post(catalog::refresh));
    let kiosque = Router::new()
        .route("/search", get(kiosque::search))
        .route("/graph/{kind}/{namespace}/{name}", get(kiosque::graph))
        .route("/orphans", get(kiosque::orphans))
        .route("/conflicts", get(kiosque::conflicts))
        .route("/diagnostics", get(kiosque::diagnostics))
        .route("/refresh", post(kiosque::refresh))
        .route("/status", get(kiosque::status));
    let mut api = Router::new().nest("/catalog", catalog).nest("/kiosque/catalog", kiosque);
    for (prefix, routes) in apis {
        api = api.nest_service(&format!("/{prefix}"), routes);
    }
    let api = api
        .route("/openapi.json", get(openapi))
        .fallback(api_not_found)
        .layer(middleware::from_fn_with_state(state.clone(), authorize));
    Router::new()
        .nest("/api", api)
        .merge(crate::portal::router())
        .fallback(crate::portal::not_found)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API path; see /api/openapi.json")
}

/// OpenAPI documents of other capabilities' routes, merged into the
/// server's at the first request.
static FRAGMENTS: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// Adds a capability's OpenAPI document (its paths and components) to
/// `/api/openapi.json`. Call before serving.
pub fn add_openapi_fragment(document: &'static str) {
    FRAGMENTS.lock().unwrap_or_else(|p| p.into_inner()).push(document);
}

fn merged_openapi() -> &'static str {
    static MERGED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MERGED.get_or_init(|| {
        let Ok(mut document) = serde_json::from_str::<serde_json::Value>(OPENAPI) else { return OPENAPI.to_string() };
        for fragment in FRAGMENTS.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let Ok(fragment) = serde_json::from_str::<serde_json::Value>(fragment) else { continue };
            for section in ["paths", "components"] {
                let (Some(into), Some(from)) = (document.get_mut(section), fragment.get(section)) else { continue };
                merge_objects(into, from);
            }
        }
        document.to_string()
    })
}

/// Adds `from`'s entries to `into`, recursively for objects both hold.
fn merge_objects(into: &mut serde_json::Value, from: &serde_json::Value) {
    let (Some(into), Some(from)) = (into.as_object_mut(), from.as_object()) else { return };
    for (key, value) in from {
        match into.get_mut(key) {
            Some(existing) if existing.is_object() && value.is_object() => merge_objects(existing, value),
            Some(_) => {}
            None => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], merged_openapi()).into_response()
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.is_ready() {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "loading the catalog").into_response()
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let mut text = state.metrics.encode();
    // Other capabilities' samples (they may read their store: off the async threads).
    let extra = tokio::task::spawn_blocking(move || state.extra_metrics()).await.unwrap_or_default();
    if !extra.is_empty() {
        let end = text.rfind("# EOF").unwrap_or(text.len());
        text.insert_str(end, &extra);
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// Writes need the API token; reads too when so configured. Tokens are
/// compared in constant time.
async fn authorize(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Result<Response, ApiError> {
    // `POST /entities/by-refs` is a read that sends its references in a body.
    let write = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !request.uri().path().ends_with("/entities/by-refs");
    if !write && !state.auth.read_requires_token {
        return Ok(next.run(request).await);
    }
    let Some(expected) = state.auth.api_token.as_deref() else {
        return Err(ApiError::forbidden(
            "writes are disabled: configure an API token (auth.api_token in the config file, or KIOSQUE_API_TOKEN) and send it as \"Authorization: Bearer TOKEN\"",
        ));
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, token)| token.trim());
    if !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(ApiError::unauthorized("missing or invalid API token: send \"Authorization: Bearer TOKEN\""));
    }
    Ok(next.run(request).await)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Records each request's latency under its route pattern (not its raw path,
/// which would make one series per entity).
async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    let labels = RouteLabels { method, route, status: response.status().as_u16() };
    state.metrics.requests.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
    response
}
