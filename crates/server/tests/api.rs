//! The HTTP API end to end, in process: a SQLite store in a temporary
//! directory, a small organisation written there as YAML, one refresh, then
//! requests through the router with `tower::ServiceExt::oneshot`.
//!
//! Every expected value below is worked out from the YAML in this file.
//! The organisation (namespace `default` throughout):
//!
//! - Groups: payments-team and fraud-team (stream-aligned), platform-team
//!   (platform), security-enablers (enabling), risk-engine-team
//!   (complicated-subsystem). payments-team consumes platform-team as a
//!   service, is facilitated by security-enablers and collaborates with
//!   fraud-team; security-enablers facilitates fraud-team; risk-engine-team
//!   provides a service to fraud-team.
//! - Users: alice (payments-team), bob (platform-team).
//! - System payments (payments-team).
//! - Components: payment-gateway (production, payments-team, provides
//!   payments-api, consumes fraud-api, depends on resource payments-db),
//!   fraud-scorer (production, fraud-team, provides fraud-api), ledger
//!   (experimental, payments-team, depends on payment-gateway), deploy-kit
//!   (production library, platform-team).
//! - APIs: payments-api (payments-team), fraud-api (fraud-team).
//! - Resource payments-db (platform-team).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use kiosque_ingest::ScanOptions;
use kiosque_server::{AppState, AuthConfig};
use kiosque_store::{CatalogStore, SqliteStore};
use serde_json::{json, Value};
use tempfile::TempDir;
use tower::ServiceExt;

const TOKEN: &str = "0123456789abcdef-token";

const GROUPS: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments-team
  title: Payments
  description: Stream-aligned team for card payments
spec:
  type: stream-aligned
  children: []
  interactions:
    - with: platform-team
      mode: x-as-a-service
    - with: security-enablers
      mode: facilitating
    - with: fraud-team
      mode: collaboration
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: fraud-team
  title: Fraud
spec:
  type: stream-aligned
  children: []
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
kind: Group
metadata:
  name: security-enablers
  title: Security enablers
spec:
  type: enabling
  children: []
  interactions:
    - with: fraud-team
      mode: facilitating
      role: facilitator
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: risk-engine-team
  title: Risk engine
spec:
  type: complicated-subsystem
  children: []
  interactions:
    - with: fraud-team
      mode: x-as-a-service
      role: provider
";

const USERS: &str = "\
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  profile:
    displayName: Alice Martin
  memberOf: [payments-team]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: bob
spec:
  profile:
    displayName: Bob Durand
  memberOf: [platform-team]
";

const SYSTEM: &str = "\
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: payments
  description: Card payments
spec:
  owner: payments-team
";

const COMPONENTS: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payment-gateway
  description: Accepts card payments and records them in the ledger
  tags: [java]
spec:
  type: service
  lifecycle: production
  owner: payments-team
  system: payments
  providesApis: [payments-api]
  consumesApis: [fraud-api]
  dependsOn: [resource:payments-db]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: fraud-scorer
  description: Scores every payment for fraud risk
  tags: [python]
spec:
  type: service
  lifecycle: production
  owner: fraud-team
  providesApis: [fraud-api]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  description: Double-entry bookkeeping of accounts
spec:
  type: service
  lifecycle: experimental
  owner: payments-team
  system: payments
  dependsOn: [component:payment-gateway]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: deploy-kit
  description: Deployment templates for every service
spec:
  type: library
  lifecycle: production
  owner: platform-team
";

const APIS: &str = "\
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments-api
  title: Payments API
  description: Create and capture card payments
spec:
  type: openapi
  lifecycle: production
  owner: payments-team
  system: payments
  definition: |
    openapi: 3.0.0
    info:
      title: Payments
      version: 1.0.0
    paths: {}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: fraud-api
  description: Fraud risk scores
spec:
  type: grpc
  lifecycle: production
  owner: fraud-team
  definition: 'syntax = \"proto3\";'
";

const RESOURCES: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: payments-db
  description: PostgreSQL cluster of the payments system
spec:
  type: database
  owner: platform-team
  system: payments
";

/// The whole organisation, file by file, under the registered directory.
const ORGANISATION: [(&str, &str); 6] = [
    ("groups.yaml", GROUPS),
    ("users.yaml", USERS),
    ("system.yaml", SYSTEM),
    ("components.yaml", COMPONENTS),
    ("apis.yaml", APIS),
    ("resources.yaml", RESOURCES),
];

/// Every entity of the organisation, in reference order (the API's default order).
const ALL_REFS: [&str; 15] = [
    "api:default/fraud-api",
    "api:default/payments-api",
    "component:default/deploy-kit",
    "component:default/fraud-scorer",
    "component:default/ledger",
    "component:default/payment-gateway",
    "group:default/fraud-team",
    "group:default/payments-team",
    "group:default/platform-team",
    "group:default/risk-engine-team",
    "group:default/security-enablers",
    "resource:default/payments-db",
    "system:default/payments",
    "user:default/alice",
    "user:default/bob",
];

fn token_auth() -> AuthConfig {
    AuthConfig { api_token: Some(TOKEN.into()), read_requires_token: false }
}

/// Writes `yaml` to `dir/name`, creating directories as needed.
fn write(dir: &Path, name: &str, yaml: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("files have a directory")).expect("create directory");
    std::fs::write(&path, yaml).expect("write fixture");
    path
}

fn text(path: &Path) -> String {
    path.to_str().expect("temporary paths are UTF-8").to_string()
}

/// One server over its own temporary directory: `root/org` is the registered
/// location, `root/catalog.db` the store.
struct Server {
    dir: TempDir,
    state: Arc<AppState>,
    app: Router,
}

/// A response: status, headers and body text.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        if self.body.is_empty() {
            return Value::Null;
        }
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }
}

impl Server {
    /// Registers `root/org` holding `files`, builds the state without refreshing it.
    fn unrefreshed(files: &[(&str, &str)], auth: AuthConfig) -> Server {
        let dir = TempDir::new().expect("temporary directory");
        let org = dir.path().join("org");
        for (name, yaml) in files {
            write(&org, name, yaml);
        }
        let store = SqliteStore::open(&text(&dir.path().join("catalog.db"))).expect("open store");
        store.add_location("file", &text(&org)).expect("register location");
        let state = AppState::new(Arc::new(store), auth, ScanOptions::default());
        let app = kiosque_server::api::router(state.clone());
        Server { dir, state, app }
    }

    async fn with(files: &[(&str, &str)], auth: AuthConfig) -> Server {
        let server = Server::unrefreshed(files, auth);
        server.state.refresh().await.expect("first refresh");
        server
    }

    /// The organisation, with writes allowed to the bearer of [`TOKEN`].
    async fn org() -> Server {
        Server::with(&ORGANISATION, token_auth()).await
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn org_dir(&self) -> PathBuf {
        self.root().join("org")
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("read body");
        Reply { status, headers, body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body") }
    }

    async fn request(&self, method: Method, uri: &str, token: Option<&str>, body: Option<String>) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(text) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(text)
            }
            None => Body::empty(),
        };
        self.send(builder.body(body).expect("valid request")).await
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let reply = self.request(Method::GET, uri, None, None).await;
        (reply.status, reply.json())
    }

    async fn get_reply(&self, uri: &str) -> Reply {
        self.request(Method::GET, uri, None, None).await
    }

    async fn post_json(&self, uri: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let reply = self.request(Method::POST, uri, token, Some(body.to_string())).await;
        (reply.status, reply.json())
    }

    async fn post_empty(&self, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
        let reply = self.request(Method::POST, uri, token, None).await;
        (reply.status, reply.json())
    }

    async fn delete(&self, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
        let reply = self.request(Method::DELETE, uri, token, None).await;
        (reply.status, reply.json())
    }

    /// `GET by-name` that must succeed.
    async fn entity(&self, kind: &str, name: &str) -> Value {
        let (status, body) = self.get(&format!("/api/catalog/entities/by-name/{kind}/default/{name}")).await;
        assert_eq!(status, StatusCode::OK, "{kind} {name}: {body}");
        body
    }
}

/// `kind:namespace/name` of an entity's JSON, in canonical (lower) case.
fn entity_ref(entity: &Value) -> String {
    let kind = entity["kind"].as_str().expect("kind").to_ascii_lowercase();
    let namespace = entity["metadata"]["namespace"].as_str().unwrap_or("default");
    let name = entity["metadata"]["name"].as_str().expect("name");
    format!("{kind}:{namespace}/{name}")
}

fn refs(items: &Value) -> Vec<String> {
    items.as_array().expect("an array of entities").iter().map(entity_ref).collect()
}

fn names(items: &Value) -> Vec<String> {
    let items = items.as_array().expect("an array of entities");
    items.iter().map(|e| e["metadata"]["name"].as_str().expect("name").to_string()).collect()
}

/// An entity's relations as sorted `type targetRef` lines.
fn relations(entity: &Value) -> Vec<String> {
    let list = entity["relations"].as_array().expect("relations array");
    let mut lines: Vec<String> = list
        .iter()
        .map(|r| format!("{} {}", r["type"].as_str().expect("type"), r["targetRef"].as_str().expect("targetRef")))
        .collect();
    lines.sort();
    lines
}

fn sorted(lines: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    lines.sort();
    lines
}

/// Backstage's error shape, with the status repeated in the body.
fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, name: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["name"], name, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_eq!(body["response"]["statusCode"], expected.as_u16(), "{body}");
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().expect("error message")
}

/// The `<…>` part of a `Link: <…>; rel="next"` header.
fn next_link(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::LINK)?.to_str().expect("ASCII header");
    let (target, rel) = value.split_once(">;").expect("<url>; rel=…");
    assert_eq!(rel.trim(), "rel=\"next\"", "{value}");
    Some(target.strip_prefix('<').expect("starts with <").to_string())
}

// ---------------------------------------------------------------- listing

#[tokio::test]
async fn a_filter_keeps_entities_matching_all_its_conditions() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities?filter=kind=component,spec.lifecycle=production").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        refs(&body),
        ["component:default/deploy-kit", "component:default/fraud-scorer", "component:default/payment-gateway"]
    );
}

#[tokio::test]
async fn without_a_filter_every_entity_is_listed_in_reference_order() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refs(&body), ALL_REFS);
}

#[tokio::test]
async fn repeated_filters_are_alternatives() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities?filter=kind=api&filter=kind=resource").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refs(&body), ["api:default/fraud-api", "api:default/payments-api", "resource:default/payments-db"]);
}

#[tokio::test]
async fn relations_can_be_filtered_on() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities?filter=relations.ownedBy=group:default/payments-team").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        refs(&body),
        [
            "api:default/payments-api",
            "component:default/ledger",
            "component:default/payment-gateway",
            "system:default/payments"
        ]
    );
}

#[tokio::test]
async fn tags_can_be_filtered_on() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities?filter=metadata.tags=JAVA").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&body), ["payment-gateway"]);
}

#[tokio::test]
async fn fields_reduce_each_entity_to_the_named_paths() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities?filter=kind=api&fields=metadata.name,kind").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!([
            {"metadata": {"name": "fraud-api"}, "kind": "API"},
            {"metadata": {"name": "payments-api"}, "kind": "API"},
        ])
    );
}

#[tokio::test]
async fn limit_and_offset_select_a_slice() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities?filter=kind=component&limit=2&offset=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&body), ["fraud-scorer", "ledger"]);
}

#[tokio::test]
async fn limit_adds_a_link_to_the_next_page_only_when_there_is_one() {
    let server = Server::org().await;
    // Four components: a page of three leaves one.
    let reply = server.get_reply("/api/catalog/entities?filter=kind=component&limit=3").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(names(&reply.json()), ["deploy-kit", "fraud-scorer", "ledger"]);
    let link = next_link(&reply.headers).expect("a Link header");
    assert!(link.starts_with("/api/catalog/entities?"), "{link}");
    assert!(link.contains("after="), "{link}");

    let reply = server.get_reply("/api/catalog/entities?filter=kind=component&limit=4").await;
    assert_eq!(names(&reply.json()).len(), 4);
    assert_eq!(next_link(&reply.headers), None);
}

#[tokio::test]
async fn following_the_link_continues_the_same_listing() {
    let server = Server::org().await;
    let first = server.get_reply("/api/catalog/entities?filter=kind=component&limit=2").await;
    assert_eq!(names(&first.json()), ["deploy-kit", "fraud-scorer"]);
    let link = next_link(&first.headers).expect("a Link header");

    let second = server.get_reply(&link).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(names(&second.json()), ["ledger", "payment-gateway"]);
    assert_eq!(next_link(&second.headers), None);
}

// ---------------------------------------------------------------- by-query

#[tokio::test]
async fn query_cursor_visits_every_entity_exactly_once() {
    let server = Server::org().await;
    let (status, mut page) = server.get("/api/catalog/entities/by-query?limit=4").await;
    let mut visited: Vec<String> = Vec::new();
    let mut pages = 0;
    loop {
        assert_eq!(status, StatusCode::OK);
        pages += 1;
        assert_eq!(page["totalItems"], 15, "page {pages}");
        let items = refs(&page["items"]);
        assert!(items.len() <= 4, "page {pages}: {items:?}");
        visited.extend(items);
        let Some(cursor) = page["pageInfo"]["nextCursor"].as_str() else { break };
        assert!(pages < 10, "the cursor never ends");
        let (next_status, next) = server.get(&format!("/api/catalog/entities/by-query?cursor={cursor}")).await;
        assert_eq!(next_status, StatusCode::OK, "{next}");
        page = next;
    }
    assert_eq!(pages, 4, "15 entities by 4");
    assert_eq!(visited, ALL_REFS);
}

#[tokio::test]
async fn query_counts_all_matches_and_pages_the_filtered_set() {
    let server = Server::org().await;
    let (status, first) = server.get("/api/catalog/entities/by-query?filter=kind=component&limit=3").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["totalItems"], 4);
    assert_eq!(names(&first["items"]), ["deploy-kit", "fraud-scorer", "ledger"]);
    let cursor = first["pageInfo"]["nextCursor"].as_str().expect("a next cursor");

    let (status, last) = server.get(&format!("/api/catalog/entities/by-query?cursor={cursor}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(last["totalItems"], 4);
    assert_eq!(names(&last["items"]), ["payment-gateway"]);
    assert_eq!(last["pageInfo"], json!({}));
}

#[tokio::test]
async fn query_orders_by_name_descending_across_pages() {
    let server = Server::org().await;
    let (status, first) =
        server.get("/api/catalog/entities/by-query?filter=kind=component&orderField=metadata.name,desc&limit=3").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&first["items"]), ["payment-gateway", "ledger", "fraud-scorer"]);
    let cursor = first["pageInfo"]["nextCursor"].as_str().expect("a next cursor");
    let (_, last) = server.get(&format!("/api/catalog/entities/by-query?cursor={cursor}")).await;
    assert_eq!(names(&last["items"]), ["deploy-kit"]);
    assert!(last["pageInfo"]["nextCursor"].is_null());
}

#[tokio::test]
async fn descending_order_puts_a_name_after_its_longer_variants() {
    let server = Server::org().await;
    // "payments" is a prefix of "payments-api": descending, the longer name comes first.
    let (status, body) =
        server.get("/api/catalog/entities/by-query?filter=kind=system,kind=api&orderField=metadata.name,desc").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&body["items"]), ["payments-api", "payments", "fraud-api"]);
}

#[tokio::test]
async fn ascending_order_puts_entities_without_the_field_last() {
    let server = Server::org().await;
    // The system has no lifecycle.
    let (status, body) = server
        .get("/api/catalog/entities/by-query?filter=kind=component,kind=system&orderField=spec.lifecycle,asc")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&body["items"]), ["ledger", "deploy-kit", "fraud-scorer", "payment-gateway", "payments"]);
}

#[tokio::test]
async fn descending_order_puts_entities_without_the_field_last() {
    let server = Server::org().await;
    let (status, body) = server
        .get("/api/catalog/entities/by-query?filter=kind=component,kind=system&orderField=spec.lifecycle,desc")
        .await;
    assert_eq!(status, StatusCode::OK);
    let found = names(&body["items"]);
    assert_eq!(found.len(), 5, "{found:?}");
    let mut production = found[..3].to_vec();
    production.sort();
    assert_eq!(production, ["deploy-kit", "fraud-scorer", "payment-gateway"], "{found:?}");
    assert_eq!(found[3..], ["ledger", "payments"], "{found:?}");
}

#[tokio::test]
async fn full_text_filter_keeps_entities_mentioning_the_term() {
    let server = Server::org().await;
    // fraud-api (name), fraud-scorer (name), fraud-team (name and title).
    let (status, body) = server.get("/api/catalog/entities/by-query?fullTextFilterTerm=fraud").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["totalItems"], 3);
    assert_eq!(
        refs(&body["items"]),
        ["api:default/fraud-api", "component:default/fraud-scorer", "group:default/fraud-team"]
    );

    let (_, narrowed) =
        server.get("/api/catalog/entities/by-query?fullTextFilterTerm=fraud&filter=kind=component").await;
    assert_eq!(narrowed["totalItems"], 1);
    assert_eq!(names(&narrowed["items"]), ["fraud-scorer"]);
}

#[tokio::test]
async fn an_invalid_cursor_is_a_bad_request() {
    let server = Server::org().await;
    for cursor in ["not-a-cursor", "abcd"] {
        let (status, body) = server.get(&format!("/api/catalog/entities/by-query?cursor={cursor}")).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "InputError");
    }
}

// ---------------------------------------------------------------- by-name, by-uid, by-refs

#[tokio::test]
async fn by_name_ignores_the_case_of_kind_namespace_and_name() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities/by-name/COMPONENT/Default/Payment-Gateway").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["kind"], "Component");
    assert_eq!(body["metadata"]["name"], "payment-gateway");
    assert_eq!(body["spec"]["lifecycle"], "production");
}

#[tokio::test]
async fn by_name_of_a_missing_entity_is_not_found() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities/by-name/component/default/no-such-thing").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "NotFoundError");
    assert!(message(&body).contains("no-such-thing"), "{body}");
}

#[tokio::test]
async fn ownership_is_visible_from_both_sides() {
    let server = Server::org().await;
    let ledger = server.entity("component", "ledger").await;
    assert_eq!(
        relations(&ledger),
        sorted(&[
            "dependsOn component:default/payment-gateway",
            "ownedBy group:default/payments-team",
            "partOf system:default/payments",
        ])
    );
    let team = server.entity("group", "payments-team").await;
    let owned: Vec<String> = relations(&team).into_iter().filter(|r| r.starts_with("ownerOf ")).collect();
    assert_eq!(
        owned,
        sorted(&[
            "ownerOf api:default/payments-api",
            "ownerOf component:default/ledger",
            "ownerOf component:default/payment-gateway",
            "ownerOf system:default/payments",
        ])
    );
}

#[tokio::test]
async fn api_and_dependency_relations_have_their_inverses() {
    let server = Server::org().await;
    let gateway = server.entity("component", "payment-gateway").await;
    assert_eq!(
        relations(&gateway),
        sorted(&[
            "consumesApi api:default/fraud-api",
            "dependencyOf component:default/ledger",
            "dependsOn resource:default/payments-db",
            "ownedBy group:default/payments-team",
            "partOf system:default/payments",
            "providesApi api:default/payments-api",
        ])
    );
    let payments_api = server.entity("api", "payments-api").await;
    assert_eq!(
        relations(&payments_api),
        sorted(&[
            "apiProvidedBy component:default/payment-gateway",
            "ownedBy group:default/payments-team",
            "partOf system:default/payments",
        ])
    );
    let fraud_api = server.entity("api", "fraud-api").await;
    assert_eq!(
        relations(&fraud_api),
        sorted(&[
            "apiConsumedBy component:default/payment-gateway",
            "apiProvidedBy component:default/fraud-scorer",
            "ownedBy group:default/fraud-team",
        ])
    );
    let database = server.entity("resource", "payments-db").await;
    assert_eq!(
        relations(&database),
        sorted(&[
            "dependencyOf component:default/payment-gateway",
            "ownedBy group:default/platform-team",
            "partOf system:default/payments",
        ])
    );
}

#[tokio::test]
async fn team_interactions_become_relations_on_both_teams() {
    let server = Server::org().await;
    let payments = server.entity("group", "payments-team").await;
    assert_eq!(
        relations(&payments),
        sorted(&[
            "collaboratesWith group:default/fraud-team",
            "consumesServiceFrom group:default/platform-team",
            "facilitatedBy group:default/security-enablers",
            "hasMember user:default/alice",
            "ownerOf api:default/payments-api",
            "ownerOf component:default/ledger",
            "ownerOf component:default/payment-gateway",
            "ownerOf system:default/payments",
        ])
    );
    let fraud = server.entity("group", "fraud-team").await;
    assert_eq!(
        relations(&fraud),
        sorted(&[
            "collaboratesWith group:default/payments-team",
            "consumesServiceFrom group:default/risk-engine-team",
            "facilitatedBy group:default/security-enablers",
            "ownerOf api:default/fraud-api",
            "ownerOf component:default/fraud-scorer",
        ])
    );
    let platform = server.entity("group", "platform-team").await;
    assert_eq!(
        relations(&platform),
        sorted(&[
            "hasMember user:default/bob",
            "ownerOf component:default/deploy-kit",
            "ownerOf resource:default/payments-db",
            "providesServiceTo group:default/payments-team",
        ])
    );
    let enablers = server.entity("group", "security-enablers").await;
    assert_eq!(
        relations(&enablers),
        sorted(&["facilitates group:default/fraud-team", "facilitates group:default/payments-team"])
    );
    let risk = server.entity("group", "risk-engine-team").await;
    assert_eq!(relations(&risk), ["providesServiceTo group:default/fraud-team"]);
}

#[tokio::test]
async fn relations_carry_the_target_reference_split_into_parts() {
    let server = Server::org().await;
    let alice = server.entity("user", "alice").await;
    assert_eq!(
        alice["relations"],
        json!([{
            "type": "memberOf",
            "targetRef": "group:default/payments-team",
            "target": {"kind": "group", "namespace": "default", "name": "payments-team"},
        }])
    );
}

#[tokio::test]
async fn by_uid_finds_the_entity_a_uid_was_read_from() {
    let server = Server::org().await;
    let ledger = server.entity("component", "ledger").await;
    let uid = ledger["metadata"]["uid"].as_str().expect("every entity has a uid");
    let (status, body) = server.get(&format!("/api/catalog/entities/by-uid/{uid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, ledger);

    let (status, body) = server.get("/api/catalog/entities/by-uid/00000000-0000-4000-a000-000000000000").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "NotFoundError");
}

#[tokio::test]
async fn by_refs_answers_each_reference_in_order_with_null_for_missing_ones() {
    let server = Server::org().await;
    let request =
        json!({"entityRefs": ["component:default/ledger", "component:default/missing", "group:payments-team"]});
    let (status, body) = server.post_json("/api/catalog/entities/by-refs", Some(TOKEN), &request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(entity_ref(&items[0]), "component:default/ledger");
    assert_eq!(items[1], Value::Null);
    assert_eq!(entity_ref(&items[2]), "group:default/payments-team");
}

#[tokio::test]
async fn by_refs_with_fields_projects_the_entities() {
    let server = Server::org().await;
    let request = json!({"entityRefs": ["api:default/fraud-api", "api:default/nope"], "fields": ["metadata.name"]});
    let (status, body) = server.post_json("/api/catalog/entities/by-refs", Some(TOKEN), &request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"items": [{"metadata": {"name": "fraud-api"}}, null]}));
}

#[tokio::test]
async fn by_refs_with_a_malformed_body_is_a_bad_request() {
    let server = Server::org().await;
    let (status, body) = server.post_json("/api/catalog/entities/by-refs", Some(TOKEN), &json!({"refs": 1})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "InputError");
    let reply =
        server.request(Method::POST, "/api/catalog/entities/by-refs", Some(TOKEN), Some("{not json".to_string())).await;
    assert_error(reply.status, &reply.json(), StatusCode::BAD_REQUEST, "InputError");
}

#[tokio::test]
async fn by_refs_is_a_read_and_needs_no_token_when_reads_are_open() {
    let server = Server::org().await;
    let request = json!({"entityRefs": ["component:default/ledger"]});
    let (status, body) = server.post_json("/api/catalog/entities/by-refs", None, &request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(entity_ref(&body["items"][0]), "component:default/ledger");
}

// ---------------------------------------------------------------- facets

#[tokio::test]
async fn facets_count_each_value_most_frequent_first() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entity-facets?facet=kind&facet=spec.owner").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"facets": {
            "kind": [
                {"value": "Group", "count": 5},
                {"value": "Component", "count": 4},
                {"value": "API", "count": 2},
                {"value": "User", "count": 2},
                {"value": "Resource", "count": 1},
                {"value": "System", "count": 1},
            ],
            "spec.owner": [
                {"value": "payments-team", "count": 4},
                {"value": "fraud-team", "count": 2},
                {"value": "platform-team", "count": 2},
            ],
        }})
    );
}

#[tokio::test]
async fn facets_count_only_entities_matching_the_filter() {
    let server = Server::org().await;
    let (status, body) =
        server.get("/api/catalog/entity-facets?facet=kind&facet=spec.owner&filter=kind=component").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"facets": {
            "kind": [{"value": "Component", "count": 4}],
            "spec.owner": [
                {"value": "payments-team", "count": 2},
                {"value": "fraud-team", "count": 1},
                {"value": "platform-team", "count": 1},
            ],
        }})
    );
}

#[tokio::test]
async fn team_type_facet_counts_team_topologies_types() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entity-facets?facet=spec.type&filter=kind=group").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["facets"]["spec.type"],
        json!([
            {"value": "stream-aligned", "count": 2},
            {"value": "complicated-subsystem", "count": 1},
            {"value": "enabling", "count": 1},
            {"value": "platform", "count": 1},
        ])
    );
}

#[tokio::test]
async fn facets_without_a_facet_are_a_bad_request() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entity-facets?filter=kind=group").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "InputError");
}

#[tokio::test]
async fn groups_filter_by_team_topologies_type() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/entities?filter=kind=group,spec.type=stream-aligned").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&body), ["fraud-team", "payments-team"]);
    let (_, enabling) = server.get("/api/catalog/entities?filter=kind=group,spec.type=enabling").await;
    assert_eq!(names(&enabling), ["security-enablers"]);
}

// ---------------------------------------------------------------- locations and authentication

const BILLING: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-worker
spec:
  type: service
  lifecycle: production
  owner: payments-team
";

const REPORTING: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: reporting-job
spec:
  type: service
  lifecycle: experimental
  owner: fraud-team
";

#[tokio::test]
async fn writes_without_a_token_are_unauthenticated() {
    let server = Server::org().await;
    let target = text(&write(&server.root().join("extra"), "billing.yaml", BILLING));
    let (status, body) =
        server.post_json("/api/catalog/locations", None, &json!({"type": "file", "target": target})).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "AuthenticationError");
    let (status, body) = server.post_empty("/api/catalog/refresh", None).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "AuthenticationError");
    let (status, _) = server.get("/api/catalog/entities/by-name/component/default/billing-worker").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn writes_with_a_wrong_token_are_unauthenticated() {
    let server = Server::org().await;
    let target = text(&write(&server.root().join("extra"), "billing.yaml", BILLING));
    let request = json!({"type": "file", "target": target});
    for wrong in ["0123456789abcdef-tokeN", "0123456789abcdef-token-and-more", ""] {
        let (status, body) = server.post_json("/api/catalog/locations", Some(wrong), &request).await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "AuthenticationError");
    }
}

#[tokio::test]
async fn registering_a_location_with_the_token_serves_its_entities() {
    let server = Server::org().await;
    let extra = server.root().join("extra");
    write(&extra, "billing.yaml", BILLING);
    let request = json!({"type": "file", "target": text(&extra)});
    let (status, body) = server.post_json("/api/catalog/locations", Some(TOKEN), &request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["location"]["type"], "file");
    assert_eq!(body["location"]["target"], text(&extra));
    assert!(body["location"]["id"].as_str().is_some_and(|id| !id.is_empty()), "{body}");
    assert_eq!(names(&body["entities"]), ["billing-worker"]);

    let worker = server.entity("component", "billing-worker").await;
    assert_eq!(
        worker["metadata"]["annotations"]["backstage.io/managed-by-origin-location"],
        format!("file:{}", text(&extra))
    );
    let (_, components) = server.get("/api/catalog/entities?filter=kind=component").await;
    assert_eq!(names(&components), ["billing-worker", "deploy-kit", "fraud-scorer", "ledger", "payment-gateway"]);
}

#[tokio::test]
async fn a_dry_run_returns_the_entities_without_registering_anything() {
    let server = Server::org().await;
    let preview = server.root().join("preview");
    write(&preview, "reporting.yaml", REPORTING);
    let request = json!({"type": "file", "target": text(&preview)});
    let (status, body) = server.post_json("/api/catalog/locations?dryRun=true", Some(TOKEN), &request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(names(&body["entities"]), ["reporting-job"]);
    assert_eq!(body["entities"][0]["spec"]["owner"], "fraud-team");

    let (status, _) = server.get("/api/catalog/entities/by-name/component/default/reporting-job").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, locations) = server.get("/api/catalog/locations").await;
    assert_eq!(locations.as_array().expect("array").len(), 1, "{locations}");
}

#[tokio::test]
async fn url_locations_are_refused_with_an_explanation() {
    let server = Server::org().await;
    let request = json!({"type": "url", "target": "https://github.com/acme/repo/blob/main/catalog-info.yaml"});
    let (status, body) = server.post_json("/api/catalog/locations", Some(TOKEN), &request).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "InputError");
    assert!(message(&body).contains("\"url\""), "{body}");
}

#[tokio::test]
async fn relative_file_targets_are_refused() {
    let server = Server::org().await;
    let request = json!({"type": "file", "target": "extra/billing.yaml"});
    let (status, body) = server.post_json("/api/catalog/locations", Some(TOKEN), &request).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "InputError");
    assert!(message(&body).contains("absolute"), "{body}");
}

#[tokio::test]
async fn locations_are_listed_with_their_id_type_and_target() {
    let server = Server::org().await;
    let extra = server.root().join("extra");
    write(&extra, "billing.yaml", BILLING);
    let (status, created) =
        server.post_json("/api/catalog/locations", Some(TOKEN), &json!({"type": "file", "target": text(&extra)})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let new_id = created["location"]["id"].as_str().expect("id").to_string();

    let (status, body) = server.get("/api/catalog/locations").await;
    assert_eq!(status, StatusCode::OK);
    let listed = body.as_array().expect("array");
    assert_eq!(listed.len(), 2, "{body}");
    assert_eq!(listed[0]["data"]["type"], "file");
    assert_eq!(listed[0]["data"]["target"], text(&server.org_dir()));
    assert_eq!(listed[1]["data"], json!({"id": new_id, "type": "file", "target": text(&extra)}));
    assert_ne!(listed[0]["data"]["id"], listed[1]["data"]["id"]);

    let (status, one) = server.get(&format!("/api/catalog/locations/{new_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, json!({"id": new_id, "type": "file", "target": text(&extra)}));
}

#[tokio::test]
async fn deleting_a_location_orphans_its_entities() {
    let server = Server::org().await;
    let extra = server.root().join("extra");
    write(&extra, "billing.yaml", BILLING);
    let (_, created) =
        server.post_json("/api/catalog/locations", Some(TOKEN), &json!({"type": "file", "target": text(&extra)})).await;
    let id = created["location"]["id"].as_str().expect("id").to_string();
    let (_, orphans) = server.get("/api/kiosque/catalog/orphans").await;
    assert_eq!(orphans, json!({"items": []}));

    let (status, body) = server.delete(&format!("/api/catalog/locations/{id}"), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (status, orphans) = server.get("/api/kiosque/catalog/orphans").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&orphans["items"]), ["billing-worker"]);
    assert_eq!(orphans["items"][0]["metadata"]["annotations"]["backstage.io/orphan"], "true");
    // Still served, marked as an orphan; the rest of the catalog is untouched.
    let worker = server.entity("component", "billing-worker").await;
    assert_eq!(worker["metadata"]["annotations"]["backstage.io/orphan"], "true");
    let ledger = server.entity("component", "ledger").await;
    assert!(ledger["metadata"]["annotations"].get("backstage.io/orphan").is_none(), "{ledger}");
    let (_, locations) = server.get("/api/catalog/locations").await;
    assert_eq!(locations.as_array().expect("array").len(), 1);
    let (status, _) = server.get(&format!("/api/catalog/locations/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deleting_an_unknown_location_is_not_found() {
    let server = Server::org().await;
    let (status, body) = server.delete("/api/catalog/locations/no-such-id", Some(TOKEN)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "NotFoundError");
}

#[tokio::test]
async fn without_a_configured_token_writes_are_forbidden_and_say_how_to_enable_them() {
    let server = Server::with(&ORGANISATION, AuthConfig { api_token: None, read_requires_token: false }).await;
    let request = json!({"type": "file", "target": text(&server.org_dir())});
    for token in [None, Some(TOKEN)] {
        let (status, body) = server.post_json("/api/catalog/locations", token, &request).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "NotAllowedError");
        assert!(message(&body).contains("token"), "{body}");
        assert!(message(&body).contains("Authorization: Bearer"), "{body}");
    }
    let (status, body) = server.post_empty("/api/catalog/refresh", None).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "NotAllowedError");
    // Reads stay open.
    let (status, _) = server.get("/api/catalog/entities/by-name/component/default/ledger").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn reads_need_the_token_when_so_configured() {
    let server =
        Server::with(&ORGANISATION, AuthConfig { api_token: Some(TOKEN.into()), read_requires_token: true }).await;
    let uri = "/api/catalog/entities/by-name/component/default/ledger";
    let (status, body) = server.get(uri).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "AuthenticationError");
    let reply = server.request(Method::GET, uri, Some("wrong"), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = server.request(Method::GET, uri, Some(TOKEN), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["metadata"]["name"], "ledger");
    // Probes are outside the API.
    assert_eq!(server.get_reply("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_authorization_scheme_is_case_insensitive() {
    let server = Server::org().await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/catalog/refresh")
        .header(header::AUTHORIZATION, format!("bearer {TOKEN}"))
        .body(Body::empty())
        .expect("valid request");
    assert_eq!(server.send(request).await.status, StatusCode::OK);
}

// ---------------------------------------------------------------- refresh, diagnostics, conflicts

#[tokio::test]
async fn the_organisation_loads_without_diagnostics() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/kiosque/catalog/diagnostics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"items": []}));
    let (_, conflicts) = server.get("/api/kiosque/catalog/conflicts").await;
    assert_eq!(conflicts, json!({"items": []}));
}

#[tokio::test]
async fn refresh_serves_a_file_edited_on_disk() {
    let server = Server::org().await;
    assert_eq!(server.entity("component", "ledger").await["spec"]["lifecycle"], "experimental");
    let edited = COMPONENTS
        .replace("lifecycle: experimental", "lifecycle: production")
        .replace("Double-entry bookkeeping of accounts", "General ledger of every account");
    write(&server.org_dir(), "components.yaml", &edited);

    let (status, _) = server.post_empty("/api/catalog/refresh", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    let ledger = server.entity("component", "ledger").await;
    assert_eq!(ledger["spec"]["lifecycle"], "production");
    assert_eq!(ledger["metadata"]["description"], "General ledger of every account");
    let (_, production) = server.get("/api/catalog/entities?filter=kind=component,spec.lifecycle=production").await;
    assert_eq!(names(&production), ["deploy-kit", "fraud-scorer", "ledger", "payment-gateway"]);
}

/// `apis.yaml` with an unquoted colon in a plain scalar on line 5.
const BROKEN_APIS: &str = "\
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments-api
  title: Payments API: v2
spec:
  type: openapi
  lifecycle: production
  owner: payments-team
  definition: openapi
";

#[tokio::test]
async fn a_file_with_a_syntax_error_keeps_its_entities_and_is_reported() {
    let server = Server::org().await;
    let apis = write(&server.org_dir(), "apis.yaml", BROKEN_APIS);
    let (status, _) = server.post_empty("/api/catalog/refresh", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);

    // Both APIs of the file are still served as they were.
    assert_eq!(server.entity("api", "payments-api").await["metadata"]["title"], "Payments API");
    assert_eq!(server.entity("api", "fraud-api").await["spec"]["type"], "grpc");

    let (status, body) = server.get("/api/kiosque/catalog/diagnostics?severity=error").await;
    assert_eq!(status, StatusCode::OK);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["file"], text(&apis));
    assert_eq!(items[0]["line"], 5);
    assert_eq!(items[0]["severity"], "error");
    assert!(items[0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

#[tokio::test]
async fn restoring_a_broken_file_clears_its_error() {
    let server = Server::org().await;
    write(&server.org_dir(), "apis.yaml", BROKEN_APIS);
    server.post_empty("/api/catalog/refresh", Some(TOKEN)).await;
    let (_, broken) = server.get("/api/kiosque/catalog/diagnostics?severity=error").await;
    assert_eq!(broken["items"].as_array().expect("items").len(), 1, "{broken}");

    write(&server.org_dir(), "apis.yaml", APIS);
    let (status, _) = server.post_empty("/api/catalog/refresh", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, fixed) = server.get("/api/kiosque/catalog/diagnostics?severity=error").await;
    assert_eq!(fixed, json!({"items": []}));
}

const DUPLICATE: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shared-svc
spec:
  type: service
  lifecycle: production
  owner: payments-team
";

#[tokio::test]
async fn two_files_declaring_one_entity_are_a_conflict_won_by_the_first() {
    let mut files = ORGANISATION.to_vec();
    files.push(("a-team/catalog-info.yaml", DUPLICATE));
    files.push(("b-team/catalog-info.yaml", DUPLICATE));
    let server = Server::with(&files, token_auth()).await;
    let winner = text(&server.org_dir().join("a-team/catalog-info.yaml"));
    let loser = text(&server.org_dir().join("b-team/catalog-info.yaml"));

    let (status, body) = server.get("/api/kiosque/catalog/conflicts").await;
    assert_eq!(status, StatusCode::OK);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["entityRef"], "component:default/shared-svc");
    let file = |key: &Value| key.as_str().map(|k| k.strip_prefix("file:").unwrap_or(k).to_string());
    assert_eq!(file(&items[0]["winnerFile"]), Some(winner.clone()));
    assert_eq!(file(&items[0]["loserFile"]), Some(loser));

    let served = server.entity("component", "shared-svc").await;
    assert_eq!(served["metadata"]["annotations"]["backstage.io/managed-by-location"], format!("file:{winner}"));
}

#[tokio::test]
async fn when_the_winner_drops_a_conflicting_entity_the_other_file_gets_it() {
    let mut files = ORGANISATION.to_vec();
    files.push(("a-team/catalog-info.yaml", DUPLICATE));
    files.push(("b-team/catalog-info.yaml", DUPLICATE));
    let server = Server::with(&files, token_auth()).await;
    write(&server.org_dir(), "a-team/catalog-info.yaml", &DUPLICATE.replace("shared-svc", "a-team-svc"));
    let (status, _) = server.post_empty("/api/catalog/refresh", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);

    let served = server.entity("component", "shared-svc").await;
    let loser = text(&server.org_dir().join("b-team/catalog-info.yaml"));
    assert_eq!(served["metadata"]["annotations"]["backstage.io/managed-by-location"], format!("file:{loser}"));
    assert!(served["metadata"]["annotations"].get("backstage.io/orphan").is_none(), "{served}");
    let (_, conflicts) = server.get("/api/kiosque/catalog/conflicts").await;
    assert_eq!(conflicts, json!({"items": []}));
}

#[tokio::test]
async fn an_invalid_entity_keeps_its_previous_version_and_the_rest_of_its_file_is_applied() {
    let server = Server::org().await;
    // Line 35 of components.yaml is ledger's lifecycle.
    let edited = COMPONENTS
        .replace("lifecycle: experimental", "lifecycle: [experimental]")
        .replace("Scores every payment for fraud risk", "Scores every card payment for fraud risk");
    let components = write(&server.org_dir(), "components.yaml", &edited);
    let (status, _) = server.post_empty("/api/catalog/refresh", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);

    assert_eq!(server.entity("component", "ledger").await["spec"]["lifecycle"], "experimental");
    let scorer = server.entity("component", "fraud-scorer").await;
    assert_eq!(scorer["metadata"]["description"], "Scores every card payment for fraud risk");
    let (_, errors) = server.get("/api/kiosque/catalog/diagnostics?severity=error").await;
    let items = errors["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{errors}");
    assert_eq!(items[0]["file"], text(&components));
    assert_eq!(items[0]["line"], 35);
}

#[tokio::test]
async fn entities_of_a_deleted_file_become_orphans() {
    let server = Server::org().await;
    std::fs::remove_file(server.org_dir().join("resources.yaml")).expect("remove file");
    let (status, _) = server.post_empty("/api/catalog/refresh", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);

    let (_, orphans) = server.get("/api/kiosque/catalog/orphans").await;
    assert_eq!(refs(&orphans["items"]), ["resource:default/payments-db"]);
    let database = server.entity("resource", "payments-db").await;
    assert_eq!(database["metadata"]["annotations"]["backstage.io/orphan"], "true");
}

/// A component owned by a group that exists nowhere; the owner is on line 8.
const GHOST_OWNED: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: haunted-svc
spec:
  type: service
  lifecycle: production
  owner: ghost-team
";

#[tokio::test]
async fn a_reference_to_a_missing_entity_is_a_warning_at_its_line() {
    let mut files = ORGANISATION.to_vec();
    files.push(("ghost.yaml", GHOST_OWNED));
    let server = Server::with(&files, token_auth()).await;
    let (status, body) = server.get("/api/kiosque/catalog/diagnostics?severity=warning").await;
    assert_eq!(status, StatusCode::OK);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["file"], text(&server.org_dir().join("ghost.yaml")));
    assert_eq!(items[0]["line"], 8);
    assert_eq!(items[0]["severity"], "warning");
    assert!(items[0]["message"].as_str().is_some_and(|m| m.contains("group:default/ghost-team")), "{body}");
    // The component is served all the same.
    assert_eq!(server.entity("component", "haunted-svc").await["spec"]["owner"], "ghost-team");
}

#[tokio::test]
async fn a_reference_warning_survives_a_refresh_that_changes_nothing() {
    let mut files = ORGANISATION.to_vec();
    files.push(("ghost.yaml", GHOST_OWNED));
    let server = Server::with(&files, token_auth()).await;
    let (_, before) = server.get("/api/kiosque/catalog/diagnostics?severity=warning").await;
    assert_eq!(before["items"].as_array().expect("items").len(), 1, "{before}");

    let (status, _) = server.post_empty("/api/catalog/refresh", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = server.get("/api/kiosque/catalog/diagnostics?severity=warning").await;
    assert_eq!(after, before);
}

// ---------------------------------------------------------------- search and graph

#[tokio::test]
async fn search_ranks_a_name_match_above_a_description_match() {
    let server = Server::org().await;
    // "ledger" is the name of one component and a word of payment-gateway's description.
    let (status, body) = server.get("/api/kiosque/catalog/search?q=ledger").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["query"], "ledger");
    assert_eq!(body["totalItems"], 2);
    let items = body["items"].as_array().expect("items");
    let found: Vec<String> = items.iter().map(|i| entity_ref(&i["entity"])).collect();
    assert_eq!(found, ["component:default/ledger", "component:default/payment-gateway"]);
    let scores: Vec<u64> = items.iter().map(|i| i["score"].as_u64().expect("score")).collect();
    assert!(scores[0] > scores[1], "{scores:?}");
}

#[tokio::test]
async fn graph_returns_the_neighbourhood_to_the_given_depth() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/kiosque/catalog/graph/resource/default/payments-db?depth=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["root"], "resource:default/payments-db");
    assert_eq!(body["truncated"], false);

    let nodes = body["nodes"].as_array().expect("nodes");
    assert_eq!(nodes[0]["entityRef"], "resource:default/payments-db");
    assert_eq!(nodes[0]["type"], "database");
    assert!(nodes.iter().all(|n| n["exists"] == true), "{body}");
    let mut node_refs: Vec<&str> = nodes.iter().map(|n| n["entityRef"].as_str().expect("entityRef")).collect();
    node_refs.sort_unstable();
    assert_eq!(
        node_refs,
        [
            // The root, its three neighbours (payment-gateway, platform-team, payments) and theirs.
            "api:default/fraud-api",
            "api:default/payments-api",
            "component:default/deploy-kit",
            "component:default/ledger",
            "component:default/payment-gateway",
            "group:default/payments-team",
            "group:default/platform-team",
            "resource:default/payments-db",
            "system:default/payments",
            "user:default/bob",
        ]
    );

    let mut edges: Vec<String> = body["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["source"].as_str().unwrap(),
                e["type"].as_str().unwrap(),
                e["target"].as_str().unwrap()
            )
        })
        .collect();
    edges.sort();
    assert_eq!(
        edges,
        sorted(&[
            // from the root
            "resource:default/payments-db dependencyOf component:default/payment-gateway",
            "resource:default/payments-db ownedBy group:default/platform-team",
            "resource:default/payments-db partOf system:default/payments",
            // from the three entities one hop away
            "component:default/payment-gateway consumesApi api:default/fraud-api",
            "component:default/payment-gateway dependencyOf component:default/ledger",
            "component:default/payment-gateway dependsOn resource:default/payments-db",
            "component:default/payment-gateway ownedBy group:default/payments-team",
            "component:default/payment-gateway partOf system:default/payments",
            "component:default/payment-gateway providesApi api:default/payments-api",
            "group:default/platform-team hasMember user:default/bob",
            "group:default/platform-team ownerOf component:default/deploy-kit",
            "group:default/platform-team ownerOf resource:default/payments-db",
            "group:default/platform-team providesServiceTo group:default/payments-team",
            "system:default/payments hasPart api:default/payments-api",
            "system:default/payments hasPart component:default/ledger",
            "system:default/payments hasPart component:default/payment-gateway",
            "system:default/payments hasPart resource:default/payments-db",
            "system:default/payments ownedBy group:default/payments-team",
        ])
    );
}

// ---------------------------------------------------------------- operations

#[tokio::test]
async fn readiness_waits_for_the_first_load_and_health_does_not() {
    let server = Server::unrefreshed(&ORGANISATION, token_auth());
    assert_eq!(server.get_reply("/healthz").await.status, StatusCode::OK);
    assert_eq!(server.get_reply("/readyz").await.status, StatusCode::SERVICE_UNAVAILABLE);
    server.state.refresh().await.expect("refresh");
    assert_eq!(server.get_reply("/healthz").await.status, StatusCode::OK);
    assert_eq!(server.get_reply("/readyz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_expose_entity_counts_and_request_latencies_by_route() {
    let server = Server::org().await;
    assert_eq!(server.get_reply("/api/catalog/entities/by-name/component/default/ledger").await.status, StatusCode::OK);
    let reply = server.get_reply("/metrics").await;
    assert_eq!(reply.status, StatusCode::OK);
    let lines: Vec<&str> = reply.body.lines().collect();
    assert!(lines.contains(&"kiosque_catalog_entities{kind=\"component\"} 4"), "{}", reply.body);
    assert!(lines.contains(&"kiosque_catalog_entities{kind=\"group\"} 5"), "{}", reply.body);
    // Latencies are labelled with the route pattern, not the path requested.
    let route = "route=\"/api/catalog/entities/by-name/{kind}/{namespace}/{name}\",status=\"200\"";
    assert!(
        lines.iter().any(|l| l.starts_with("kiosque_http_request_duration_seconds") && l.contains(route)),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains("ledger"), "{}", reply.body);
}

#[tokio::test]
async fn the_openapi_document_is_served_as_json() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["openapi"].as_str().is_some_and(|v| v.starts_with('3')), "{}", body["openapi"]);
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_not_found() {
    let server = Server::org().await;
    let (status, body) = server.get("/api/catalog/no-such-endpoint").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "NotFoundError");
    let (status, body) = server.get("/api/nothing/here").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "NotFoundError");
}

#[tokio::test]
async fn the_example_organisation_loads_without_errors() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-bank/catalog-info.yaml");
    let example = std::fs::canonicalize(example).expect("the example exists");
    let dir = TempDir::new().expect("temporary directory");
    let store = SqliteStore::open(&text(&dir.path().join("catalog.db"))).expect("open store");
    store.add_location("file", &text(&example)).expect("register location");
    let state = AppState::new(Arc::new(store), token_auth(), ScanOptions::default());
    state.refresh().await.expect("refresh");
    let server = Server { dir, state: state.clone(), app: kiosque_server::api::router(state) };

    let (status, errors) = server.get("/api/kiosque/catalog/diagnostics?severity=error").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(errors, json!({"items": []}));
    let (_, all) = server.get("/api/catalog/entities").await;
    let count = all.as_array().expect("array").len();
    assert!(count >= 80, "only {count} entities");
    let (_, groups) = server.get("/api/catalog/entity-facets?facet=spec.type&filter=kind=group").await;
    assert!(!groups["facets"]["spec.type"].as_array().expect("facet").is_empty(), "{groups}");
}
