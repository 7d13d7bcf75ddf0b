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
        Portal::with_files(&[("catalog-info.yaml", ORG)]).await
    }

    /// An organisation made of these files, relative to its folder.
    async fn with_files(files: &[(&str, &str)]) -> Portal {
        let dir = TempDir::new().expect("temporary directory");
        let org = dir.path().join("org");
        for (name, text) in files {
            let path = org.join(name);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("directory");
            std::fs::write(path, text).expect("write");
        }
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

const DOCUMENTED: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  type: service
  lifecycle: production
  owner: team-a
  providesApis: [billing-api, broken-api]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: billing-api
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition: |
    openapi: 3.0.3
    info:
      title: Billing
      version: 1.2.0
    paths:
      /invoices/{id}:
        get:
          summary: Read an invoice
          parameters:
            - name: id
              in: path
              required: true
              schema:
                type: string
          responses:
            '200':
              description: The invoice
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: broken-api
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition: |
    openapi: 3.0.3
    info: [not, a, mapping
";

const INDEX_MD: &str = "# Billing\n\nStart with the [setup guide](guide/setup.md#install).\n\n## Invoices\n\nEvery invoice is immutable.\n\n<script>alert(1)</script>\n\n![diagram](img/flow.svg)\n";
const SETUP_MD: &str = "# Setup\n\n## Install\n\nRun the reconciliation job nightly.\n\n[Back](../index.md)\n";

#[tokio::test]
async fn docs_render_natively_with_links_resolved_and_assets_sandboxed() {
    let portal = Portal::with_files(&[
        ("billing/catalog-info.yaml", DOCUMENTED),
        ("billing/docs/index.md", INDEX_MD),
        ("billing/docs/guide/setup.md", SETUP_MD),
        ("billing/docs/img/flow.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(2)</script></svg>"),
        ("secret.txt", "do not serve"),
    ])
    .await;
    let index = portal.get("/docs", &[]).await;
    assert!(index.body.contains("href=\"/docs/default/component/billing\""));
    let home = portal.get("/docs/default/component/billing", &[]).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("<h1 id=\"billing\">Billing</h1>") || home.body.contains(">Billing</h1>"));
    assert!(
        home.body.contains("href=\"/docs/default/component/billing/guide/setup#install\""),
        "relative link resolved"
    );
    assert!(home.body.contains("href=\"#invoices\""), "table of contents");
    assert!(!home.body.contains("<script>alert(1)"), "raw HTML is shown as text");
    assert!(home.body.contains("/docs/default/component/billing/_asset/img/flow.svg"));
    let setup = portal.get("/docs/default/component/billing/guide/setup", &[]).await;
    assert!(setup.body.contains("Run the reconciliation job nightly."));
    let svg = portal.get("/docs/default/component/billing/_asset/img/flow.svg", &[]).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert_eq!(svg.headers[header::CONTENT_SECURITY_POLICY], "sandbox");
    for escape in ["_asset/../../secret.txt", "_asset/%2e%2e/%2e%2e/secret.txt", "../../secret.txt"] {
        let page = portal.get(&format!("/docs/default/component/billing/{escape}"), &[]).await;
        assert!(!page.body.contains("do not serve"), "{escape} escaped the docs folder");
    }
    assert_eq!(portal.get("/docs/default/component/billing/no-such-page", &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(portal.get("/docs/default/component/nothing", &[]).await.status, StatusCode::NOT_FOUND);
    let found = portal.get("/search?q=reconciliation", &[]).await;
    assert!(found.body.contains("href=\"/docs/default/component/billing/guide/setup\""), "docs are searched");
}

#[tokio::test]
async fn api_definitions_render_and_broken_ones_say_where() {
    let portal = Portal::with_files(&[("billing/catalog-info.yaml", DOCUMENTED)]).await;
    let api = portal.get("/catalog/default/api/billing-api/definition", &[]).await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.body.contains("/invoices/{id}") && api.body.contains("Read an invoice"));
    let broken = portal.get("/catalog/default/api/broken-api/definition", &[(header::ACCEPT_LANGUAGE, "fr")]).await;
    assert_eq!(broken.status, StatusCode::OK);
    assert!(
        broken.body.contains("Cette définition d'API ne peut pas être affichée")
            || broken.body.contains("définition d&#39;API")
    );
    assert!(broken.body.contains("line 3"), "the error says where: {}", broken.body);
    let component = portal.get("/catalog/default/component/billing/definition", &[]).await;
    assert_eq!(component.status, StatusCode::NOT_FOUND, "only APIs have a definition page");
}

#[tokio::test]
async fn a_team_with_five_thousand_members_and_a_huge_description_renders_bounded() {
    let mut yaml =
        String::from("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: crowd\n  description: \"");
    yaml.push_str(&"very long text ".repeat(20_000));
    yaml.push_str("\"\nspec:\n  type: platform\n  children: []\n");
    for i in 0..5_000 {
        yaml.push_str(&format!(
            "---\napiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: user-{i:04}\nspec:\n  memberOf: [crowd]\n"
        ));
    }
    let portal = Portal::with_files(&[("org.yaml", &yaml)]).await;
    let team = portal.get("/catalog/default/group/crowd", &[]).await;
    assert_eq!(team.status, StatusCode::OK);
    // Every relation list stops at 200 and says how many more there are.
    // Members are listed twice (team section, relations), 200 each; the graph
    // card draws 40 nodes at most, each a link.
    let links = team.body.matches("href=\"/catalog/default/user/user-").count();
    assert!(links <= 2 * 200 + 40, "{links} member links");
    assert!(team.body.contains("and 4,800 more") || team.body.contains("and 4800 more"), "the rest is counted");
    assert!(team.body.len() < 300_000, "the page stays bounded: {} bytes", team.body.len());
    let list = portal.get("/catalog?kind=group", &[]).await;
    assert!(list.body.len() < 100_000, "the list shortens descriptions: {} bytes", list.body.len());
    let graph = portal.get("/catalog/default/group/crowd/graph?depth=1", &[]).await;
    assert_eq!(graph.status, StatusCode::OK);
    assert!(graph.body.contains("Only the first 200 entities are drawn."));
}
