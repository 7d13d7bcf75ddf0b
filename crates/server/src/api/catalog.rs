//! Backstage-compatible catalog API, under `/api/catalog`.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kiosque_catalog::{push_json_string, Catalog, EntityId, FilterSet, Order, Query, SortPosition};
use kiosque_ingest::{LocationKind, ScanOptions};
use kiosque_model::EntityRef;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::error::ApiError;
use super::params::{from_hex, to_hex, Params};
use crate::state::AppState;

pub(crate) type ApiResult = Result<Response, ApiError>;

const MAX_LIMIT: usize = 10_000;

/// A JSON body assembled from entity texts without re-parsing them.
pub(crate) fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

pub(crate) fn parse_filters(params: &Params) -> Result<Vec<FilterSet>, ApiError> {
    params.all("filter").map(|f| FilterSet::parse(f).map_err(|e| ApiError::bad_request(e.to_string()))).collect()
}

/// The entity's JSON, reduced to `fields` (dotted paths) when given.
pub(crate) fn render(catalog: &Catalog, id: EntityId, fields: &[String]) -> String {
    let view = catalog.get(id).expect("ids come from the catalog");
    if fields.is_empty() {
        return view.to_json();
    }
    let full = view.value();
    let mut out = Value::Object(Map::new());
    for field in fields {
        let path: Vec<&str> = field.split('.').collect();
        if let Some(value) = lookup(&full, &path) {
            insert(&mut out, &path, value.clone());
        }
    }
    out.to_string()
}

fn lookup<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut current = value;
    for (i, segment) in path.iter().enumerate() {
        match current.get(*segment) {
            Some(next) => current = next,
            // Annotation keys contain dots: try the rest of the path as one key.
            None => return current.get(path[i..].join(".")),
        }
    }
    Some(current)
}

fn insert(target: &mut Value, path: &[&str], value: Value) {
    let Some((first, rest)) = path.split_first() else { return };
    let Value::Object(map) = target else { return };
    if rest.is_empty() {
        map.insert((*first).to_string(), value);
    } else {
        let child = map.entry((*first).to_string()).or_insert_with(|| Value::Object(Map::new()));
        insert(child, rest, value);
    }
}

fn join_entities(catalog: &Catalog, ids: &[EntityId], fields: &[String]) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&render(catalog, *id, fields));
    }
    out.push(']');
    out
}

/// `order=asc:metadata.name` or `orderField=metadata.name,desc`.
fn parse_order(params: &Params) -> Result<Option<Order>, ApiError> {
    if let Some(text) = params.get("orderField") {
        let (field, direction) = text.split_once(',').unwrap_or((text, "asc"));
        return match direction.trim() {
            "asc" | "desc" => {
                Ok(Some(Order { field: field.trim().to_string(), descending: direction.trim() == "desc" }))
            }
            other => Err(ApiError::bad_request(format!("orderField direction must be asc or desc, got \"{other}\""))),
        };
    }
    if let Some(text) = params.get("order") {
        let (direction, field) = text.split_once(':').unwrap_or(("asc", text));
        return match direction {
            "asc" | "desc" => Ok(Some(Order { field: field.to_string(), descending: direction == "desc" })),
            other => Err(ApiError::bad_request(format!("order direction must be asc or desc, got \"{other}\""))),
        };
    }
    Ok(None)
}

fn limit(params: &Params) -> Result<Option<usize>, ApiError> {
    let limit = params.number("limit").map_err(ApiError::bad_request)?;
    Ok(limit.map(|l| l.min(MAX_LIMIT)))
}

/// A listing's parameters; a cursor carries them from page to page.
#[derive(Clone, Serialize, Deserialize)]
struct Listing {
    filters: Vec<String>,
    text: Option<String>,
    order: Option<(String, bool)>,
    limit: Option<usize>,
    fields: Vec<String>,
    after: Option<SortPosition>,
}

impl Listing {
    /// From the request, or from its cursor (`cursor` or `after`) when it has one.
    fn from_params(
        params: &Params,
        cursor_key: &str,
        default_limit: Option<usize>,
    ) -> Result<(Listing, usize), ApiError> {
        if let Some(text) = params.get(cursor_key) {
            let listing: Listing =
                from_hex(text).and_then(|bytes| serde_json::from_slice(&bytes).ok()).ok_or_else(|| {
                    ApiError::bad_request("invalid cursor: pass back the cursor of a previous page unchanged")
                })?;
            return Ok((listing, 0));
        }
        let listing = Listing {
            filters: params.all("filter").map(String::from).collect(),
            text: params.get("fullTextFilterTerm").map(String::from),
            order: parse_order(params)?.map(|o| (o.field, o.descending)),
            limit: limit(params)?.or(default_limit),
            fields: params.list("fields"),
            after: None,
        };
        let offset = params.number("offset").map_err(ApiError::bad_request)?.unwrap_or(0);
        Ok((listing, offset))
    }

    fn run(
        &self,
        catalog: &Catalog,
        offset: usize,
        count_total: bool,
    ) -> Result<(kiosque_catalog::Page, Option<String>), ApiError> {
        let filters = self
            .filters
            .iter()
            .map(|f| FilterSet::parse(f).map_err(|e| ApiError::bad_request(e.to_string())))
            .collect::<Result<_, _>>()?;
        let query = Query {
            filters,
            text: self.text.clone(),
            order: self.order.clone().map(|(field, descending)| Order { field, descending }),
            after: self.after.clone(),
            limit: self.limit,
            offset,
            count_total,
        };
        let page = catalog.query(&query);
        let next = page.next.clone().map(|after| {
            let next = Listing { after: Some(after), ..self.clone() };
            to_hex(serde_json::to_string(&next).unwrap_or_default().as_bytes())
        });
        Ok((page, next))
    }
}

/// `GET /entities`: a JSON array, Backstage's original listing; a `Link`
/// header points at the next page when `limit` cut it.
pub async fn list_entities(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> ApiResult {
    let params = Params::parse(raw.as_deref());
    let catalog = state.catalog();
    let (listing, offset) = Listing::from_params(&params, "after", None)?;
    let (page, next) = listing.run(&catalog, offset, false)?;
    let mut response = json_response(join_entities(&catalog, &page.ids, &listing.fields));
    if let Some(cursor) = next {
        if let Ok(link) = HeaderValue::from_str(&format!("</api/catalog/entities?after={cursor}>; rel=\"next\"")) {
            response.headers_mut().insert(header::LINK, link);
        }
    }
    Ok(response)
}

/// `GET /entities/by-query`: cursor pagination, total count, full-text filter.
pub async fn query_entities(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> ApiResult {
    let params = Params::parse(raw.as_deref());
    let catalog = state.catalog();
    let (listing, offset) = Listing::from_params(&params, "cursor", Some(20))?;
    let (page, next) = listing.run(&catalog, offset, true)?;
    let items = join_entities(&catalog, &page.ids, &listing.fields);
    let page_info = match next {
        Some(cursor) => json!({ "nextCursor": cursor }),
        None => json!({}),
    };
    Ok(json_response(format!("{{\"items\":{items},\"totalItems\":{},\"pageInfo\":{page_info}}}", page.total)))
}

/// `GET /entities/by-name/{kind}/{namespace}/{name}`.
pub async fn entity_by_name(
    State(state): State<Arc<AppState>>,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> ApiResult {
    let catalog = state.catalog();
    let entity_ref = EntityRef::new(&kind, &namespace, &name);
    match catalog.by_ref(&entity_ref) {
        Some(view) => Ok(json_response(view.to_json())),
        None => Err(ApiError::not_found(format!("no entity named {entity_ref}"))),
    }
}

/// `GET /entities/by-uid/{uid}`.
pub async fn entity_by_uid(State(state): State<Arc<AppState>>, Path(uid): Path<String>) -> ApiResult {
    let catalog = state.catalog();
    let found = catalog
        .filter(&[FilterSet::parse(&format!("metadata.uid={uid}")).map_err(|e| ApiError::bad_request(e.to_string()))?]);
    match found.first() {
        Some(id) => Ok(json_response(render(&catalog, *id, &[]))),
        None => Err(ApiError::not_found(format!("no entity with uid {uid}"))),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByRefs {
    entity_refs: Vec<String>,
    #[serde(default)]
    fields: Vec<String>,
}

/// `POST /entities/by-refs`: one item per reference, `null` where none exists.
pub async fn entities_by_refs(
    State(state): State<Arc<AppState>>,
    body: Result<Json<ByRefs>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let Json(body) = body.map_err(|e| {
        ApiError::bad_request(format!("expected {{\"entityRefs\": [\"kind:namespace/name\", …]}}: {e}"))
    })?;
    if body.entity_refs.len() > MAX_LIMIT {
        return Err(ApiError::bad_request(format!("at most {MAX_LIMIT} references per request")));
    }
    let catalog = state.catalog();
    let mut out = String::from("{\"items\":[");
    for (i, text) in body.entity_refs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match catalog.by_ref_text(text) {
            Some(view) => out.push_str(&render(&catalog, view.id, &body.fields)),
            None => out.push_str("null"),
        }
    }
    out.push_str("]}");
    Ok(json_response(out))
}

/// `GET /entity-facets?facet=kind&facet=spec.owner[&filter=…]`.
pub async fn facets(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> ApiResult {
    let params = Params::parse(raw.as_deref());
    let facet_names: Vec<&str> = params.all("facet").collect();
    if facet_names.is_empty() {
        return Err(ApiError::bad_request("at least one facet parameter is required, e.g. facet=kind"));
    }
    let catalog = state.catalog();
    let filters = parse_filters(&params)?;
    let within = if filters.is_empty() { None } else { Some(catalog.filter(&filters)) };
    // Written directly: a facet may have thousands of values.
    let mut out = String::from("{\"facets\":{");
    for (i, name) in facet_names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, name);
        out.push_str(":[");
        for (j, (value, count)) in catalog.facets(name, within.as_deref()).iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str("{\"value\":");
            push_json_string(&mut out, value);
            out.push_str(",\"count\":");
            out.push_str(&count.to_string());
            out.push('}');
        }
        out.push(']');
    }
    out.push_str("}}");
    Ok(json_response(out))
}

#[derive(Deserialize)]
pub struct NewLocation {
    #[serde(rename = "type")]
    kind: String,
    target: String,
}

fn check_location(kind: &str, target: &str) -> Result<LocationKind, ApiError> {
    let parsed = LocationKind::parse(kind).ok_or_else(|| {
        ApiError::bad_request(format!(
            "location type \"{kind}\" is not supported: Kiosque reads \"file\" (a path, directory or glob on the server) and \"git\" (a repository on the server, REPO[?ref=REF][&path=GLOB]); remote URLs are not fetched"
        ))
    })?;
    if parsed == LocationKind::File && !std::path::Path::new(target).is_absolute() {
        return Err(ApiError::bad_request(format!(
            "file location target \"{target}\" must be an absolute path on the server"
        )));
    }
    Ok(parsed)
}

fn location_json(location: &kiosque_store::StoredLocation) -> Value {
    json!({"id": location.id, "type": location.kind, "target": location.target})
}

/// `GET /locations`.
pub async fn list_locations(State(state): State<Arc<AppState>>) -> ApiResult {
    let store = state.store.clone();
    let locations = tokio::task::spawn_blocking(move || store.locations())
        .await
        .map_err(|e| ApiError::internal("listing locations failed", e))?
        .map_err(|e| ApiError::internal("listing locations failed", e))?;
    let items: Vec<Value> = locations.iter().map(|l| json!({"data": location_json(l)})).collect();
    Ok(Json(items).into_response())
}

/// `GET /locations/{id}`.
pub async fn get_location(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> ApiResult {
    let store = state.store.clone();
    let locations = tokio::task::spawn_blocking(move || store.locations())
        .await
        .map_err(|e| ApiError::internal("reading locations failed", e))?
        .map_err(|e| ApiError::internal("reading locations failed", e))?;
    match locations.iter().find(|l| l.id == id) {
        Some(location) => Ok(Json(location_json(location)).into_response()),
        None => Err(ApiError::not_found(format!("no location with id {id}"))),
    }
}

/// `POST /locations[?dryRun=true]`: registers a location and reads it at once.
pub async fn add_location(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    body: Result<Json<NewLocation>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let Json(body) = body
        .map_err(|e| ApiError::bad_request(format!("expected {{\"type\": \"file\", \"target\": \"/path\"}}: {e}")))?;
    let kind = check_location(&body.kind, &body.target)?;
    let params = Params::parse(raw.as_deref());
    let location = kiosque_ingest::Location { kind, target: body.target.clone() };
    if params.get("dryRun") == Some("true") {
        let options = state.scan.clone();
        let scanned = tokio::task::spawn_blocking(move || {
            kiosque_ingest::scan(&[location], &Default::default(), &ScanOptions { force: true, ..options })
        })
        .await
        .map_err(|e| ApiError::internal("reading the location failed", e))?;
        let entities: Vec<Value> = scanned.entities().map(|(_, e)| e.body.clone()).collect();
        let id = kiosque_store::location_id(&body.kind, &body.target);
        let errors: Vec<String> = scanned.diagnostics.iter().map(ToString::to_string).collect();
        return Ok((StatusCode::CREATED, Json(json!({"location": {"id": id, "type": body.kind, "target": body.target}, "entities": entities, "errors": errors}))).into_response());
    }
    let store = state.store.clone();
    let (kind_text, target) = (body.kind.clone(), body.target.clone());
    let stored = tokio::task::spawn_blocking(move || store.add_location(&kind_text, &target))
        .await
        .map_err(|e| ApiError::internal("registering the location failed", e))?
        .map_err(|e| ApiError::internal("registering the location failed", e))?;
    state.refresh().await.map_err(|e| ApiError::internal("reading the new location failed", e))?;
    let catalog = state.catalog();
    let origin = format!("{}:{}", stored.kind, stored.target);
    let ids = catalog.filter(&[FilterSet {
        filters: vec![kiosque_catalog::Filter {
            key: "metadata.annotations.backstage.io/managed-by-origin-location".into(),
            values: vec![origin.to_lowercase()],
        }],
    }]);
    let entities = join_entities(&catalog, &ids, &[]);
    let body = format!("{{\"location\":{},\"entities\":{entities}}}", location_json(&stored));
    let mut response = json_response(body);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `DELETE /locations/{id}`: its entities become orphans at once.
pub async fn delete_location(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> ApiResult {
    let store = state.store.clone();
    let removed = tokio::task::spawn_blocking(move || store.remove_location(&id))
        .await
        .map_err(|e| ApiError::internal("removing the location failed", e))?
        .map_err(|e| ApiError::internal("removing the location failed", e))?;
    if !removed {
        return Err(ApiError::not_found("no location with that id"));
    }
    state.refresh().await.map_err(|e| ApiError::internal("refresh after removing the location failed", e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /refresh`: reads every source again (unchanged files cost a stat)
/// and answers once the result is visible.
pub async fn refresh(State(state): State<Arc<AppState>>, _headers: HeaderMap) -> ApiResult {
    state.refresh().await.map_err(|e| ApiError::internal("refresh failed", e))?;
    Ok(StatusCode::OK.into_response())
}
