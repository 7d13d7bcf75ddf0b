//! The portal's routes: each maps a request (path, query, language,
//! theme) to a page of `kiosque-portal`, rendered from the served catalog.
//! Pages are compressed when the browser accepts it and carry a strict
//! content security policy: no script or style from anywhere but here.

use std::sync::{Arc, OnceLock};

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use kiosque_catalog::FilterSet;
use kiosque_portal::{asset, Announcement, Context, DocsSite, ListParams, Locale, MkdocsConfig, Portal};

use crate::identity::{Identity, SignIn};
use crate::state::AppState;

use kiosque_portal::web::{LANGUAGE_COOKIE, NEWS_COOKIE, THEME_COOKIE};

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
        .route("/catalog/{namespace}/{kind}/{name}/definition", get(api_definition))
        .route("/docs", get(docs_index))
        .route("/docs/{namespace}/{kind}/{name}", get(docs_page))
        .route("/docs/{namespace}/{kind}/{name}/", get(docs_page))
        .route("/docs/{namespace}/{kind}/{name}/{*path}", get(docs_page))
        .route("/teams", get(teams))
        .route("/whats-new", get(whats_new))
        .route("/whats-new/feed.xml", get(news_feed))
        .route("/search", get(search))
        .route("/prefs", get(prefs))
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", axum::routing::post(sign_out))
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

fn context(state: &AppState, request: &Request, query: Option<String>) -> Context {
    let lang = pairs(request).into_iter().find(|(k, _)| k == "lang").map(|(_, v)| v);
    let mut cx = Context::of_http(request.uri(), lang.as_deref(), request.headers(), state.catalog().generation());
    cx.query = query;
    cx
}

/// The folder of announcements, set once by `serve`.
static NEWS_DIR: OnceLock<std::path::PathBuf> = OnceLock::new();

/// Where "What's new" reads its announcements from.
pub fn set_news_dir(dir: std::path::PathBuf) {
    let _ = NEWS_DIR.set(dir);
}

/// The announcements, read again whenever the folder changes.
fn news() -> Arc<Vec<Announcement>> {
    type Cached = (Option<std::time::SystemTime>, Arc<Vec<Announcement>>);
    static CACHE: std::sync::Mutex<Option<Cached>> = std::sync::Mutex::new(None);
    let Some(dir) = NEWS_DIR.get() else { return Arc::new(Vec::new()) };
    let modified = std::fs::metadata(dir).and_then(|m| m.modified()).ok();
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((when, news)) = cache.as_ref() {
        if *when == modified {
            return news.clone();
        }
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let small = entry.metadata().is_ok_and(|m| m.is_file() && m.len() <= 1 << 20);
        if name.ends_with(".md") && small {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                files.push((name, text));
            }
        }
    }
    let (news, skipped) = Announcement::from_files(&files);
    for reason in skipped {
        tracing::warn!("announcement skipped: {reason}");
    }
    let news = Arc::new(news);
    *cache = Some((modified, news.clone()));
    news
}

/// An HTML page: compressed when accepted, never cached (the catalog
/// moves), with the security headers.
fn page(status: StatusCode, headers: &HeaderMap, locale: Locale, body: String) -> Response {
    kiosque_portal::web::page_response(status, headers, locale, body).map(axum::body::Body::from).into_response()
}

async fn home(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    page(StatusCode::OK, request.headers(), cx.locale, portal().home(&cx, &state.catalog(), &news()))
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
    let docs = docs_catalog(&state).await;
    let docs_url = catalog
        .by_ref_text(&reference)
        .filter(|v| docs.sites.iter().any(|s| s.reference == v.entity_ref))
        .map(|v| kiosque_portal::docs_url(v.entity_ref));
    match portal().entity(&cx, &catalog, &reference, source.as_deref(), docs_url.as_deref()) {
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

async fn api_definition(
    State(state): State<Arc<AppState>>,
    Path((namespace, kind, name)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    let cx = context(&state, &request, None);
    let reference = reference(&namespace, &kind, &name);
    match portal().api_definition(&cx, &state.catalog(), &reference) {
        Some(body) => page(StatusCode::OK, request.headers(), cx.locale, body),
        None => page(StatusCode::NOT_FOUND, request.headers(), cx.locale, portal().not_found(&cx)),
    }
}

/// The annotation naming an entity's docs folder.
const TECHDOCS_REF: &str = "backstage.io/techdocs-ref";

async fn docs_index(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    let catalog = state.catalog();
    let docs = docs_catalog(&state).await;
    let references: Vec<String> = docs.sites.iter().map(|s| s.reference.clone()).collect();
    page(StatusCode::OK, request.headers(), cx.locale, portal().docs_index(&cx, &catalog, &references))
}

/// Every docs site of the catalog, with its pages' text for search. Made
/// once per catalog generation, on first use, off the request threads.
pub struct DocsCatalog {
    generation: u64,
    sites: Vec<SiteText>,
}

struct SiteText {
    reference: String,
    pages: Vec<kiosque_portal::DocHit>,
}

/// The docs of the served catalog. A newer generation is gathered in the
/// background while the previous one keeps answering; only the very first
/// request waits for it.
async fn docs_catalog(state: &Arc<AppState>) -> Arc<DocsCatalog> {
    static CACHE: std::sync::Mutex<Option<Arc<DocsCatalog>>> = std::sync::Mutex::new(None);
    static GATHERING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let catalog = state.catalog();
    let cached = CACHE.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(docs) = &cached {
        if docs.generation == catalog.generation() {
            return docs.clone();
        }
    }
    let gather = move || {
        let built = Arc::new(collect_docs(&catalog));
        *CACHE.lock().unwrap_or_else(|p| p.into_inner()) = Some(built.clone());
        built
    };
    match cached.filter(|docs| docs.generation > 0) {
        Some(stale) => {
            if !GATHERING.swap(true, std::sync::atomic::Ordering::AcqRel) {
                tokio::task::spawn_blocking(move || {
                    gather();
                    GATHERING.store(false, std::sync::atomic::Ordering::Release);
                });
            }
            stale
        }
        None => tokio::task::spawn_blocking(gather)
            .await
            .unwrap_or_else(|_| Arc::new(DocsCatalog { generation: 0, sites: Vec::new() })),
    }
}

/// Gathers the docs of the catalog being served, so that the first search
/// does not wait for it.
pub async fn warm_up(state: Arc<AppState>) {
    if state.catalog().generation() > 0 {
        docs_catalog(&state).await;
    }
}

/// Entities with docs: those naming a folder in `backstage.io/techdocs-ref`,
/// and components with an `mkdocs.yml` or a `docs/` folder beside their
/// descriptor. Each site's pages are rendered once, for their text.
fn collect_docs(catalog: &kiosque_catalog::Catalog) -> DocsCatalog {
    let mut sites = Vec::new();
    let annotated: std::collections::HashSet<u32> = catalog
        .filter(&[FilterSet::parse(&format!("metadata.annotations.{TECHDOCS_REF}")).unwrap_or_default()])
        .into_iter()
        .collect();
    // Without the annotation, a docs folder beside a descriptor is taken to
    // document its component only when the file declares just that one.
    let components = catalog.filter(&[FilterSet::parse("kind=component").unwrap_or_default()]);
    let mut per_file: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for id in &components {
        if let Some(view) = catalog.get(*id) {
            *per_file.entry(view.file_key).or_default() += 1;
        }
    }
    let alone: Vec<u32> =
        components.iter().copied().filter(|id| catalog.get(*id).is_some_and(|v| per_file[v.file_key] == 1)).collect();
    let mut candidates: Vec<u32> = annotated.iter().copied().chain(alone).collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut seen_dirs: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    for id in candidates {
        let Some(view) = catalog.get(id) else { continue };
        let annotation = if annotated.contains(&id) {
            view.value()
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(TECHDOCS_REF))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        } else {
            let dir = view.file_key.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            let has = *seen_dirs.entry(dir.clone()).or_insert_with(|| {
                let dir = std::path::Path::new(dir.strip_prefix("file:").unwrap_or(""));
                dir.join("mkdocs.yml").is_file() || dir.join("docs").is_dir()
            });
            if !has {
                continue;
            }
            None
        };
        let Some(folder) = docs_folder(view.file_key, annotation.as_deref()) else { continue };
        let site = folder.site();
        let base = kiosque_portal::docs_url(view.entity_ref);
        let pages = site
            .pages()
            .iter()
            .filter_map(|p| {
                let markdown = std::fs::read_to_string(folder.docs.join(&p.path)).ok()?;
                let rendered = kiosque_docs::render_markdown(
                    &markdown,
                    &kiosque_docs::PageContext { base_url: &base, page_path: &p.path },
                );
                let url = kiosque_docs::page_url(&base, &p.path);
                Some(kiosque_portal::DocHit {
                    url,
                    title: rendered.title,
                    text: rendered.text,
                    entity: view.entity_ref.to_string(),
                })
            })
            .collect();
        sites.push(SiteText { reference: view.entity_ref.to_string(), pages });
    }
    DocsCatalog { generation: catalog.generation(), sites }
}

async fn docs_page(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    let path = request.uri().path().to_string();
    let mut segments = path.trim_start_matches("/docs/").splitn(4, '/');
    let (namespace, kind, name) = (
        decode(segments.next().unwrap_or("")),
        decode(segments.next().unwrap_or("")),
        decode(segments.next().unwrap_or("")),
    );
    let rest = decode(segments.next().unwrap_or(""));
    let catalog = state.catalog();
    let reference = reference(&namespace, &kind, &name);
    let missing = |status| page(status, request.headers(), cx.locale, portal().docs_missing(&cx, &catalog, &reference));
    let Some(view) = catalog.by_ref_text(&reference) else { return missing(StatusCode::NOT_FOUND) };
    let annotation = view
        .value()
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(TECHDOCS_REF))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let Some(folder) = docs_folder(view.file_key, annotation.as_deref()) else { return missing(StatusCode::NOT_FOUND) };
    let site = folder.site();
    if let Some(asset_path) = rest.strip_prefix("_asset/") {
        return match site.asset(asset_path).and_then(|p| Some((p.to_string(), kiosque_docs::asset_media_type(p)?))) {
            Some((file, media_type)) => match std::fs::read(folder.docs.join(&file)) {
                Ok(bytes) => docs_asset(bytes, media_type),
                Err(_) => missing(StatusCode::NOT_FOUND),
            },
            None => missing(StatusCode::NOT_FOUND),
        };
    }
    let Some(doc) = site.resolve(&rest) else { return missing(StatusCode::NOT_FOUND) };
    let Ok(markdown) = std::fs::read_to_string(folder.docs.join(&doc.path)) else {
        return missing(StatusCode::NOT_FOUND);
    };
    match portal().docs_page(&cx, &catalog, view.entity_ref, &site, doc, &markdown) {
        Some(body) => page(StatusCode::OK, request.headers(), cx.locale, body),
        None => missing(StatusCode::NOT_FOUND),
    }
}

/// A file of a docs folder (an image, mostly): it may be an SVG with a
/// script, so it is sandboxed and never sniffed.
fn docs_asset(bytes: Vec<u8>, media_type: &'static str) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Where an entity's docs are on disk: the folder its `techdocs-ref`
/// annotation names (`dir:…`, relative to the descriptor), or the
/// descriptor's own folder; then `mkdocs.yml`'s `docs_dir` (default `docs`).
/// Local files only, and never outside the descriptor's folder.
struct DocsFolder {
    docs: std::path::PathBuf,
    config: MkdocsConfig,
}

/// Bounds on what one docs site may hold.
const MAX_DOCS_FILES: usize = 5_000;

fn docs_folder(file_key: &str, annotation: Option<&str>) -> Option<DocsFolder> {
    let descriptor = std::path::Path::new(file_key.strip_prefix("file:")?);
    let base = descriptor.parent()?;
    let relative = match annotation {
        Some(annotation) => kiosque_docs::techdocs_dir(annotation).ok()?,
        None => String::new(),
    };
    let site_root = base.join(&relative);
    let config = std::fs::read_to_string(site_root.join("mkdocs.yml"))
        .ok()
        .and_then(|text| MkdocsConfig::parse(&text).ok())
        .unwrap_or_default();
    let docs = site_root.join(&config.docs_dir);
    // Symbolic links or `..` must not lead the docs out of the repository folder.
    let (canonical_base, canonical_docs) = (base.canonicalize().ok()?, docs.canonicalize().ok()?);
    if !canonical_docs.starts_with(&canonical_base) || !canonical_docs.is_dir() {
        return None;
    }
    Some(DocsFolder { docs: canonical_docs, config })
}

impl DocsFolder {
    fn site(&self) -> DocsSite {
        let mut files = Vec::new();
        let mut pending = vec![(self.docs.clone(), String::new())];
        while let Some((dir, prefix)) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let Ok(kind) = entry.file_type() else { continue };
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
                if kind.is_dir() && prefix.matches('/').count() < 8 {
                    pending.push((entry.path(), path));
                } else if kind.is_file() && files.len() < MAX_DOCS_FILES {
                    files.push(path);
                }
            }
        }
        files.sort();
        let docs = self.docs.clone();
        DocsSite::build(files, Some(&self.config), |p| {
            let file = docs.join(p);
            (std::fs::metadata(&file).ok()?.len() <= kiosque_docs::MAX_MARKDOWN_BYTES as u64 * 2)
                .then(|| std::fs::read_to_string(file).ok())
                .flatten()
        })
    }
}

/// Every announcement; visiting marks them read.
async fn whats_new(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    let news = news();
    let mut response = page(StatusCode::OK, request.headers(), cx.locale, portal().whats_new(&cx, &news));
    if let Some(latest) = news.first() {
        if let Ok(value) =
            HeaderValue::from_str(&format!("{NEWS_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", latest.id))
        {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

async fn news_feed(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let site = format!("http://{host}");
    let feed = portal().news_feed(&news(), cx.locale, &site);
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"))], feed).into_response()
}

async fn teams(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    page(StatusCode::OK, request.headers(), cx.locale, portal().teams(&cx, &state.catalog()))
}

async fn search(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let text = pairs(&request).into_iter().find(|(k, _)| k == "q").map(|(_, v)| v).unwrap_or_default();
    let cx = context(&state, &request, Some(text.clone()));
    let docs = docs_catalog(&state).await;
    let pages: Vec<&kiosque_portal::DocHit> = docs.sites.iter().flat_map(|s| &s.pages).collect();
    page(StatusCode::OK, request.headers(), cx.locale, portal().search(&cx, &state.catalog(), &text, &pages))
}

/// A path of this site to come back to: never another site's (`//host`, `/\\host`).
fn local_path(value: &str) -> Option<&str> {
    (value.starts_with('/') && !value.starts_with("//") && !value.contains('\\')).then_some(value)
}

/// `GET /sign-in?q=&back=`: guest sign-in, when it is on.
async fn sign_in_page(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let cx = context(&state, &request, None);
    if *state.identity().sign_in() != SignIn::Guest {
        return page(StatusCode::NOT_FOUND, request.headers(), cx.locale, portal().not_found(&cx));
    }
    let params = pairs(&request);
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("");
    let (query, back) = (param("q").trim().to_lowercase(), local_path(param("back")).unwrap_or("/"));
    let catalog = state.catalog();
    let users: Vec<(String, String)> = FilterSet::parse("kind=user")
        .map(|users| catalog.filter(&[users]))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|id| {
            let person = crate::identity::person_of(&catalog, catalog.get(id)?.entity_ref)?;
            let matches = query.is_empty()
                || person.user_ref.to_lowercase().contains(&query)
                || person.display_name.to_lowercase().contains(&query);
            matches.then_some((person.user_ref, person.display_name))
        })
        .take(kiosque_portal::LISTED_USERS)
        .collect();
    let current = state.person(request.headers());
    let body = portal().sign_in(&cx, &users, &query, back, current.as_ref());
    page(StatusCode::OK, request.headers(), cx.locale, body)
}

/// The fields of a posted form.
async fn form_fields(request: Request) -> Option<Vec<(String, String)>> {
    let body = axum::body::to_bytes(request.into_body(), 64 << 10).await.ok()?;
    let text = std::str::from_utf8(&body).ok()?;
    Some(
        text.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect(),
    )
}

/// `POST /sign-in` (`user`, `back`): signs a guest in as a catalog user.
async fn sign_in(State(state): State<Arc<AppState>>, request: Request) -> Response {
    if *state.identity().sign_in() != SignIn::Guest {
        return (StatusCode::NOT_FOUND, "guest sign-in is off").into_response();
    }
    if !crate::identity::same_origin(request.headers()) {
        return (StatusCode::FORBIDDEN, "this form must be sent from the portal's own page").into_response();
    }
    let Some(fields) = form_fields(request).await else {
        return (StatusCode::BAD_REQUEST, "the form could not be read").into_response();
    };
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("");
    let back = local_path(field("back")).unwrap_or("/").to_string();
    let Some(person) = crate::identity::person_of(&state.catalog(), field("user")) else {
        return (StatusCode::BAD_REQUEST, "no such user in the catalog").into_response();
    };
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&state.identity().guest_cookie(&person.user_ref)) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /sign-out` (`back`).
async fn sign_out(request: Request) -> Response {
    if !crate::identity::same_origin(request.headers()) {
        return (StatusCode::FORBIDDEN, "this form must be sent from the portal's own page").into_response();
    }
    let fields = form_fields(request).await.unwrap_or_default();
    let back = fields.iter().find(|(k, _)| k == "back").and_then(|(_, v)| local_path(v)).unwrap_or("/").to_string();
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&Identity::sign_out_cookie()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
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
            "back" if local_path(&value).is_some() => back = value,
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
    let accepted = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok());
    let (body, encoding) = kiosque_portal::web::encode_body(asset.body.to_string(), accepted);
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    // The URL changes with the content (see `Asset::url`).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(encoding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
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
