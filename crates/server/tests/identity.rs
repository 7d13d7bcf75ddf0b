//! Who is asking: a proxy's header naming a catalog user, guest sign-in with its signed
//! cookie, and the origin check on posted forms.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use kiosque_ingest::ScanOptions;
use kiosque_server::identity::{same_origin, SignIn, GUEST_COOKIE};
use kiosque_server::{AppState, AuthConfig};
use kiosque_store::{CatalogStore, SqliteStore};
use tempfile::TempDir;
use tower::ServiceExt;

const ORG: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments-team
spec:
  type: stream-aligned
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: guild
spec:
  type: community
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ana.lopez
spec:
  profile:
    displayName: Ana López
    email: Ana.Lopez@Example.org
  memberOf: [payments-team, guild]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: bo
spec:
  memberOf: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
spec:
  type: service
  lifecycle: production
  owner: payments-team
";

async fn state(sign_in: SignIn) -> (Arc<AppState>, TempDir) {
    let dir = TempDir::new().unwrap();
    let org = dir.path().join("org");
    std::fs::create_dir_all(&org).unwrap();
    std::fs::write(org.join("catalog-info.yaml"), ORG).unwrap();
    let store = SqliteStore::open(dir.path().join("c.db").to_str().unwrap()).unwrap();
    store.add_location("file", org.to_str().unwrap()).unwrap();
    let state = AppState::new(Arc::new(store), AuthConfig::default(), ScanOptions::default());
    state.refresh().await.unwrap();
    state.set_sign_in(sign_in);
    (state, dir)
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(header::HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
    }
    map
}

#[tokio::test]
async fn a_proxy_header_names_a_user_by_email_or_name() {
    let (state, _dir) = state(SignIn::Proxy { header: "x-forwarded-email".into() }).await;
    // The e-mail in any case.
    let person = state.person(&headers(&[("x-forwarded-email", "ana.lopez@EXAMPLE.org")])).expect("Ana");
    assert_eq!(person.user_ref, "user:default/ana.lopez");
    assert_eq!(person.display_name, "Ana López");
    // The team first, then the guild, though "guild" sorts first by name.
    assert_eq!(person.teams, ["group:default/payments-team", "group:default/guild"]);
    // A user name; without a display name, the name.
    let person = state.person(&headers(&[("x-forwarded-email", "bo")])).expect("Bo");
    assert_eq!((person.display_name.as_str(), person.teams.len()), ("bo", 0));
    // Nobody the catalog knows, a component's name, no header: nobody.
    assert!(state.person(&headers(&[("x-forwarded-email", "eve@example.org")])).is_none());
    assert!(state.person(&headers(&[("x-forwarded-email", "ledger")])).is_none());
    assert!(state.person(&HeaderMap::new()).is_none());
    // Another header is not the proxy's.
    assert!(state.person(&headers(&[("x-forwarded-user", "bo")])).is_none());
}

#[tokio::test]
async fn a_guest_cookie_holds_only_when_its_signature_does() {
    let (state, _dir) = state(SignIn::Guest).await;
    let set_cookie = state.identity().guest_cookie("user:default/ana.lopez");
    let pair = set_cookie.split(';').next().unwrap().to_string();
    let person = state.person(&headers(&[("cookie", &pair)])).expect("signed in");
    assert_eq!(person.user_ref, "user:default/ana.lopez");
    // Another user's name under Ana's signature, or a made-up signature: nobody.
    let forged = pair.replace("ana.lopez", "bo");
    assert!(state.person(&headers(&[("cookie", &forged)])).is_none());
    let (value, _) = pair.rsplit_once('|').unwrap();
    assert!(state.person(&headers(&[("cookie", &format!("{value}|00"))])).is_none());
    assert!(state.person(&headers(&[("cookie", &format!("{GUEST_COOKIE}=user:default/bo"))])).is_none());
    // A cookie signed by another server (another key) does not hold here.
    let (other, _dir2) = self::state(SignIn::Guest).await;
    let theirs = other.identity().guest_cookie("user:default/bo");
    assert!(state.person(&headers(&[("cookie", theirs.split(';').next().unwrap())])).is_none());
}

#[tokio::test]
async fn guest_sign_in_sets_the_cookie_and_is_off_otherwise() {
    let (state, _dir) = state(SignIn::Guest).await;
    let app = kiosque_server::api::router(Arc::clone(&state));
    let post = |body: &str, site: &str| {
        Request::post("/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", site)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let response = app.clone().oneshot(post("user=user%3Adefault%2Fbo&back=%2Fsurveys", "same-origin")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/surveys");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    assert_eq!(state.person(&headers(&[("cookie", pair)])).unwrap().user_ref, "user:default/bo");
    // Back only to this site; from another site, refused; a user the catalog lacks, refused.
    let response = app.clone().oneshot(post("user=user%3Adefault%2Fbo&back=%2F%2Fevil.example", "same-origin")).await;
    assert_eq!(response.unwrap().headers()[header::LOCATION], "/");
    let response = app.clone().oneshot(post("user=user%3Adefault%2Fbo", "cross-site")).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app.clone().oneshot(post("user=user%3Adefault%2Feve", "same-origin")).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Without guest sign-in the page and the form do not exist.
    let (off, _dir) = self::state(SignIn::Proxy { header: "x-forwarded-email".into() }).await;
    let app = kiosque_server::api::router(off);
    let response = app.clone().oneshot(Request::get("/sign-in").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app.oneshot(post("user=user%3Adefault%2Fbo", "same-origin")).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[test]
fn forms_count_as_the_portal_s_own_only_when_the_browser_says_so() {
    assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
    assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
    assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
    assert!(same_origin(&headers(&[("origin", "https://kiosque.example"), ("host", "kiosque.example")])));
    assert!(!same_origin(&headers(&[("origin", "https://evil.example"), ("host", "kiosque.example")])));
    // No word from a browser at all (a script): allowed, as no browser carries its cookies.
    assert!(same_origin(&HeaderMap::new()));
}
