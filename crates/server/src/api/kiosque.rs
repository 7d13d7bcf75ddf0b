//! What Kiosque adds to the catalog API, under `/api/kiosque/catalog`.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::IntoResponse;
use axum::Json;
use kiosque_model::{EntityRef, RelationType, Severity};
use serde_json::{json, Value};

use super::catalog::{json_response, render, ApiResult};
use super::error::ApiError;
use super::params::Params;
use crate::state::AppState;

/// `GET /search?q=…[&limit=20][&kind=component]`: ranked full-text search.
pub async fn search(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> ApiResult {
    let params = Params::parse(raw.as_deref());
    let q = params.get("q").unwrap_or("").trim().to_string();
    if q.is_empty() {
        return Err(ApiError::bad_request("parameter q (the words to search for) is required"));
    }
    let limit = params.number("limit").map_err(ApiError::bad_request)?.unwrap_or(20).min(1000);
    let kinds: Vec<String> = params.list("kind").into_iter().map(|k| k.to_ascii_lowercase()).collect();
    let catalog = state.catalog();
    let ranked: Vec<(u32, u32)> = catalog
        .search(&q)
        .into_iter()
        .filter(|(id, _)| kinds.is_empty() || kinds.iter().any(|k| k == catalog.get(*id).map_or("", |v| v.kind())))
        .collect();
    let total = ranked.len();
    let mut items = String::from("[");
    for (i, (id, score)) in ranked.iter().take(limit).enumerate() {
        if i > 0 {
            items.push(',');
        }
        items.push_str(&format!("{{\"score\":{score},\"entity\":{}}}", render(&catalog, *id, &[])));
    }
    items.push(']');
    Ok(json_response(format!("{{\"query\":{},\"totalItems\":{total},\"items\":{items}}}", Value::String(q))))
}

/// `GET /graph/{kind}/{namespace}/{name}?depth=2&relation=ownedBy`: an entity's neighbourhood.
pub async fn graph(
    State(state): State<Arc<AppState>>,
    Path((kind, namespace, name)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let params = Params::parse(raw.as_deref());
    let depth = params.number("depth").map_err(ApiError::bad_request)?.unwrap_or(1).min(10);
    let mut kinds = Vec::new();
    for text in params.list("relation") {
        kinds.push(
            RelationType::parse(&text)
                .ok_or_else(|| ApiError::bad_request(format!("unknown relation type \"{text}\"")))?,
        );
    }
    let max_nodes = params.number("maxNodes").map_err(ApiError::bad_request)?.unwrap_or(500).min(5000);
    let catalog = state.catalog();
    let root = EntityRef::new(&kind, &namespace, &name);
    let view = catalog.by_ref(&root).ok_or_else(|| ApiError::not_found(format!("no entity named {root}")))?;
    let graph = catalog.graph(view.id, depth, &kinds, max_nodes);
    let nodes: Vec<Value> = graph
        .nodes
        .iter()
        .map(|r| {
            let found = catalog.by_ref_text(r).map(|v| v.value());
            json!({
                "entityRef": r,
                "exists": found.is_some(),
                "title": found.as_ref().and_then(|v| v["metadata"]["title"].as_str()),
                "type": found.as_ref().and_then(|v| v["spec"]["type"].as_str()),
            })
        })
        .collect();
    let edges: Vec<Value> =
        graph.edges.iter().map(|e| json!({"source": e.source, "type": e.kind.as_str(), "target": e.target})).collect();
    Ok(Json(json!({"root": root.to_string(), "nodes": nodes, "edges": edges, "truncated": graph.truncated}))
        .into_response())
}

/// `GET /orphans`: entities whose source no longer declares them.
pub async fn orphans(State(state): State<Arc<AppState>>) -> ApiResult {
    let catalog = state.catalog();
    let ids: Vec<u32> = catalog.orphans().map(|v| v.id).collect();
    let items: Vec<String> = ids.iter().map(|id| render(&catalog, *id, &[])).collect();
    Ok(json_response(format!("{{\"items\":[{}]}}", items.join(","))))
}

/// `GET /conflicts`: references declared by two files; the first claim won.
pub async fn conflicts(State(state): State<Arc<AppState>>) -> ApiResult {
    let catalog = state.catalog();
    let items: Vec<Value> = catalog
        .conflicts()
        .iter()
        .map(|c| json!({"entityRef": c.entity_ref, "winnerFile": c.winner_file, "loserFile": c.loser_file}))
        .collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `GET /diagnostics[?severity=error]`: problems in the sources, as `file:line:col`.
pub async fn diagnostics(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> ApiResult {
    let params = Params::parse(raw.as_deref());
    let wanted = match params.get("severity") {
        None => None,
        Some("error") => Some(Severity::Error),
        Some("warning") => Some(Severity::Warning),
        Some(other) => {
            return Err(ApiError::bad_request(format!("severity must be error or warning, got \"{other}\"")))
        }
    };
    let catalog = state.catalog();
    let items: Vec<&kiosque_catalog::Diagnostic> =
        catalog.diagnostics().iter().filter(|d| wanted.is_none_or(|w| d.severity == w)).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `POST /refresh`: refreshes now and returns what changed.
pub async fn refresh(State(state): State<Arc<AppState>>) -> ApiResult {
    let report = state.refresh().await.map_err(|e| ApiError::unavailable(format!("refresh failed: {e}")))?;
    Ok(Json(report).into_response())
}

/// `GET /status`: what is being served.
pub async fn status(State(state): State<Arc<AppState>>) -> ApiResult {
    let catalog = state.catalog();
    let kinds: serde_json::Map<String, Value> =
        catalog.counts_by_kind().into_iter().map(|(k, v)| (k, json!(v))).collect();
    Ok(Json(json!({
        "generation": catalog.generation(),
        "entities": catalog.len(),
        "kinds": kinds,
        "orphans": catalog.orphans().count(),
        "conflicts": catalog.conflicts().len(),
        "errors": catalog.diagnostics().iter().filter(|d| d.severity == Severity::Error).count(),
        "warnings": catalog.diagnostics().iter().filter(|d| d.severity == Severity::Warning).count(),
        "store": state.store.backend(),
        "uptimeSeconds": state.started.elapsed().as_secs(),
    }))
    .into_response())
}
