//! The portal's pages through the router, on a small organisation written
//! here: languages, filters, escaping of hostile descriptor fields, the
//! preference switch and the security headers.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use kiosque_ingest::ScanOptions;
use kiosque_server::{AppState, AuthConfig};
use kiosque_store::{CatalogStore, SqliteStore};
use tempfile::TempDir;
use tower::ServiceExt;

const ORG: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments-team
  title: Payments
  annotations:
    kiosque.io/title-fr: Paiements
spec:
  type: stream-aligned
  children: []
  interactions:
    - with: platform-team
      mode: x-as-a-service
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: platform-team
  title: Platform
spec:
  type: platform
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payment-gateway
  title: Payment gateway
  description: Takes card payments
  tags: [java]
spec:
  type: service
  lifecycle: production
  owner: payments-team
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  description: Books every movement
spec:
  type: service
  lifecycle: experimental
  owner: payments-team
  dependsOn: [component:payment-gateway]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: hostile
  title: \"<script>alert('title')</script>\"
  description: '\"><img src=x onerror=alert(1)>'
  annotations:
    example.com/note: \"<svg onload=alert(2)>\"
  links:
    - url: \"javascript:alert(3)\"
      title: \"click <i>me</i>\"
    - url: https://example.com/ok
      title: fine
spec:
  type: service
  lifecycle: production
  owner: payments-team
";

struct Portal {
    _dir: TempDir,
    app: Router,
}

struct Page {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Portal {
    async fn new() -> Portal {
        let dir = TempDir::new().expect("temporary directory");
        let org = dir.path().join("org");
        std::fs::create_dir_all(&org).expect("directory");
        std::fs::write(org.join("catalog-info.yaml"), ORG).expect("write");
        let store = SqliteStore::open(dir.path().join("c.db").to_str().expect("UTF-8")).expect("store");
        store.add_location("file", org.to_str().expect("UTF-8")).expect("location");
        let state = AppState::new(Arc::new(store), AuthConfig::default(), ScanOptions::default());
        state.refresh().await.expect("refresh");
        Portal { app: kiosque_server::api::router(state), _dir: dir }
    }

    async fn get(&self, uri: &str, headers: &[(header::HeaderName, &str)]) -> Page {
        let mut request = Request::builder().uri(uri);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let response = self.app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }
}

const PAGES: [&str; 8] = [
    "/",
    "/catalog",
    "/catalog?kind=component&lifecycle=production&sort=name&dir=desc",
    "/catalog/default/component/payment-gateway",
    "/catalog/default/group/payments-team",
    "/catalog/default/component/ledger/graph?depth=2",
    "/teams",
    "/search?q=pay",
];

#[tokio::test]
async fn every_page_renders_in_both_languages_with_every_message() {
    let portal = Portal::new().await;
    for uri in PAGES {
        for (accept, lang, word) in
            [("en-GB,en;q=0.9", "en", "Catalog"), ("fr-FR,fr;q=0.9,en;q=0.5", "fr", "Catalogue")]
        {
            let page = portal.get(uri, &[(header::ACCEPT_LANGUAGE, accept)]).await;
            assert_eq!(page.status, StatusCode::OK, "{uri}");
            assert!(page.body.contains(&format!("<html lang=\"{lang}\"")), "{uri} in {lang}");
            assert!(page.body.contains(word), "{uri} in {lang} lacks {word}");
            assert!(!page.body.contains('\u{27e6}'), "{uri} in {lang} has a missing message");
        }
    }
    // French titles come from the kiosque.io/title-fr annotation.
    let team = portal.get("/catalog/default/group/payments-team", &[(header::ACCEPT_LANGUAGE, "fr")]).await;
    assert!(team.body.contains("<h1>Paiements</h1>"));
    // A chosen language wins over the browser's.
    let chosen = portal.get("/teams", &[(header::ACCEPT_LANGUAGE, "fr"), (header::COOKIE, "kiosque_lang=en")]).await;
    assert!(chosen.body.contains("<html lang=\"en\""));
}

#[tokio::test]
async fn the_list_filters_by_facets_and_text_and_links_every_row() {
    let portal = Portal::new().await;
    let all = portal.get("/catalog?kind=component", &[]).await;
    assert!(all.body.contains("1–3 of 3"), "three components");
    let production = portal.get("/catalog?kind=component&lifecycle=production", &[]).await;
    assert!(production.body.contains("1–2 of 2"));
    assert!(production.body.contains("href=\"/catalog/default/component/payment-gateway\""));
    assert!(!production.body.contains("href=\"/catalog/default/component/ledger\""));
    let text = portal.get("/catalog?q=books", &[]).await;
    assert!(text.body.contains("1–1 of 1") && text.body.contains("<mark>Books</mark>"));
    let none = portal.get("/catalog?kind=api", &[]).await;
    assert!(none.body.contains("No entity matches"));
}

#[tokio::test]
async fn hostile_descriptor_fields_are_shown_as_text_never_run() {
    let portal = Portal::new().await;
    for uri in ["/catalog/default/component/hostile", "/catalog?q=alert", "/search?q=script", "/catalog"] {
        let page = portal.get(uri, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        for forbidden in ["<script>alert", "<img src=x", "<svg onload", "href=\"javascript:", "<i>me"] {
            assert!(!page.body.contains(forbidden), "{uri} contains {forbidden}");
        }
    }
    let entity = portal.get("/catalog/default/component/hostile", &[]).await;
    assert!(entity.body.contains("&lt;script&gt;alert('title')&lt;/script&gt;"));
    assert!(entity.body.contains("href=\"https://example.com/ok\""));
    let policy = entity.headers.get(header::CONTENT_SECURITY_POLICY).expect("a policy").to_str().unwrap();
    assert!(policy.contains("script-src 'self'") && policy.contains("object-src 'none'"));
}

#[tokio::test]
async fn preferences_are_remembered_and_only_lead_back_into_the_site() {
    let portal = Portal::new().await;
    let switched = portal.get("/prefs?lang=fr&back=%2Fcatalog%3Fkind%3Dapi", &[]).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.headers[header::LOCATION], "/catalog?kind=api");
    assert!(switched.headers[header::SET_COOKIE].to_str().unwrap().starts_with("kiosque_lang=fr;"));
    for back in ["https%3A%2F%2Fevil.example", "%2F%2Fevil.example", "%2F%5Cevil.example"] {
        let page = portal.get(&format!("/prefs?theme=dark&back={back}"), &[]).await;
        assert_eq!(page.headers[header::LOCATION], "/", "back={back}");
    }
    let dark = portal.get("/", &[(header::COOKIE, "kiosque_theme=dark")]).await;
    assert!(dark.body.contains("data-theme=\"dark\""));
}

#[tokio::test]
async fn missing_pages_are_404_and_assets_are_cached_for_good() {
    let portal = Portal::new().await;
    let missing = portal.get("/catalog/default/component/nothing-here", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("<h1>Page not found</h1>"));
    assert_eq!(portal.get("/no/such/page", &[]).await.status, StatusCode::NOT_FOUND);
    let home = portal.get("/", &[]).await;
    let css =
        home.body.split("href=\"/assets/portal.css").nth(1).expect("stylesheet linked").split('"').next().unwrap();
    let asset = portal.get(&format!("/assets/portal.css{}", css.replace("&amp;", "&")), &[]).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert!(asset.headers[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    let compressed = portal.get("/catalog", &[(header::ACCEPT_ENCODING, "gzip, br")]).await;
    assert_eq!(compressed.headers[header::CONTENT_ENCODING], "gzip");
}
