//! The portal's routes: each maps a request (path, query, language,
//! theme) to a page of `kiosque-portal`, rendered from the served catalog.
//! Pages are compressed when the browser accepts it and carry a strict
//! content security policy: no script or style from anywhere but here.

use std::io::Write;
use std::sync::{Arc, OnceLock};

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use kiosque_portal::{asset, Context, ListParams, Locale, Portal};

use crate::state::AppState;

const LANGUAGE_COOKIE: &str = "kiosque_lang";
const THEME_COOKIE: &str = "kiosque_theme";
const POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

fn portal() -> &'static Portal {
    static PORTAL: OnceLock<Portal> = OnceLock::new();
    PORTAL.get_or_init(Portal::default)
}

/// The portal's routes, under the site's root.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(home))
        .route("/catalog", get(catalog_list))
        .route("/catalog/{namespace}/{kind}/{name}", get(entity))
        .route("/catalog/{namespace}/{kind}/{name}/graph", get(graph))
        .route("/teams", get(teams))
        .route("/search", get(search))
        .route("/prefs", get(prefs))
        .route("/assets/{name}", get(static_asset))
}

/// The query string's pairs, percent-decoded.
fn pairs(request: &Request) -> Vec<(String, String)> {
    request.uri().query().map_or_else(Vec::new, |q| {
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect()
    })
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

fn context(state: &AppState, request: &Request, query: Option<String>) -> Context {
    let headers = request.headers();
    let chosen = pairs(request).into_iter().find(|(k, _)| k == "lang").map(|(_, v)| v);
    let locale = Locale::negotiate(
        chosen.as_deref().or(cookie(headers, LANGUAGE_COOKIE)),
        headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    );
    Context {
        locale,
        path: request.uri().path_and_query().map_or("/", |p| p.as_str()).to_string(),
        theme: cookie(headers, THEME_COOKIE).map(str::to_string),
        query,
        generation: state.catalog().generation(),
    }
}

/// An HTML page: compressed when accepted, never cached (the catalog
/// moves), with the security headers.
fn page(status: StatusCode, headers: &HeaderMap, locale: Locale, body: String) -> Response {
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut response_headers = vec![
        (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
        (header::CONTENT_LANGUAGE, HeaderValue::from_static(if locale == Locale::Fr { "fr" } else { "en" })),
        (header::VARY, HeaderValue::from_static("Accept-Encoding, Accept-Language, Cookie")),
    ];
    let body = if gzip && body.len() > 1024 {
        response_headers.push((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
        compress(body.as_bytes())
    } else {
        body.into_bytes()
    };
    let mut response = (status, body).into_response();
    for (name, value) in response_headers {
        response.headers_mut().insert(name, value);
    }
    response
}

fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4), flate2::Compression::fast());
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

async fn home(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    page(StatusCode::OK, request.headers(), cx.locale, portal().home(&cx, &state.catalog()))
}

async fn catalog_list(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let query = pairs(&request);
    let params = ListParams::from_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let cx = context(&state, &request, None);
    page(StatusCode::OK, request.headers(), cx.locale, portal().catalog(&cx, &state.catalog(), &params))
}

fn reference(namespace: &str, kind: &str, name: &str) -> String {
    format!("{}:{}/{}", kind.to_ascii_lowercase(), namespace.to_ascii_lowercase(), name.to_ascii_lowercase())
}

async fn entity(
    State(state): State<Arc<AppState>>,
    Path((namespace, kind, name)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    let cx = context(&state, &request, None);
    let catalog = state.catalog();
    let reference = reference(&namespace, &kind, &name);
    let source = catalog.by_ref_text(&reference).and_then(|v| descriptor_text(v.file_key, v.line));
    match portal().entity(&cx, &catalog, &reference, source.as_deref()) {
        Some(body) => page(StatusCode::OK, request.headers(), cx.locale, body),
        None => page(StatusCode::NOT_FOUND, request.headers(), cx.locale, portal().not_found(&cx)),
    }
}

async fn graph(
    State(state): State<Arc<AppState>>,
    Path((namespace, kind, name)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    let cx = context(&state, &request, None);
    let depth = pairs(&request).into_iter().find(|(k, _)| k == "depth").and_then(|(_, v)| v.parse().ok()).unwrap_or(2);
    let reference = reference(&namespace, &kind, &name);
    match portal().graph(&cx, &state.catalog(), &reference, depth) {
        Some(body) => page(StatusCode::OK, request.headers(), cx.locale, body),
        None => page(StatusCode::NOT_FOUND, request.headers(), cx.locale, portal().not_found(&cx)),
    }
}

async fn teams(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    page(StatusCode::OK, request.headers(), cx.locale, portal().teams(&cx, &state.catalog()))
}

async fn search(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let text = pairs(&request).into_iter().find(|(k, _)| k == "q").map(|(_, v)| v).unwrap_or_default();
    let cx = context(&state, &request, Some(text.clone()));
    page(StatusCode::OK, request.headers(), cx.locale, portal().search(&cx, &state.catalog(), &text))
}

/// Records a language or theme choice in a cookie and goes back to the
/// page it was made on (a path of this site only).
async fn prefs(request: Request) -> Response {
    let mut back = "/".to_string();
    let mut cookies = Vec::new();
    for (key, value) in pairs(&request) {
        match key.as_str() {
            "lang" => {
                if let Some(locale) = Locale::parse(&value) {
                    cookies
                        .push(format!("{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.code()));
                }
            }
            "theme" if matches!(value.as_str(), "light" | "dark") => {
                cookies.push(format!("{THEME_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax"));
            }
            "back" if value.starts_with('/') && !value.starts_with("//") && !value.contains('\\') => back = value,
            _ => {}
        }
    }
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

async fn static_asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = asset(&name) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut response = if gzip { compress(asset.body.as_bytes()).into_response() } else { asset.body.into_response() };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    // The URL changes with the content (see `Asset::url`).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

/// The YAML document an entity was declared in, as written: the file is
/// read again (sources stay where they are), and cut at the document
/// separators around the entity's line. Only local files; bounded.
fn descriptor_text(file_key: &str, line: u32) -> Option<String> {
    let path = file_key.strip_prefix("file:")?;
    let metadata = std::fs::metadata(path).ok()?;
    if metadata.len() > 1 << 20 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let at = (line as usize).saturating_sub(1).min(lines.len().saturating_sub(1));
    let is_separator = |l: &&str| l.starts_with("---") || l.starts_with("...");
    let start = lines[..at].iter().rposition(is_separator).map_or(0, |i| i + 1);
    let end = lines[at..].iter().position(is_separator).map_or(lines.len(), |i| at + i);
    (start < end).then(|| lines[start..end].join("\n"))
}

/// The portal's page for paths that lead nowhere (the API has its own).
pub async fn not_found(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    page(StatusCode::NOT_FOUND, request.headers(), cx.locale, portal().not_found(&cx))
}
