//! The delivery dashboards through the router, over a small history whose figures are
//! worked out by hand below.
//!
//! Window: the 14 days up to Sunday 2024-03-10, that is ISO weeks 2024-W09 (26 Feb to
//! 3 Mar, empty) and 2024-W10 (4 to 10 Mar).
//!
//! checkout-api (team-checkout), in production:
//! - deployment 1, 4 Mar 12:00, success, brings c1 (committed 08:00) and c2 (10:00):
//!   lead times 4 h and 2 h;
//! - deployment 2, 5 Mar 06:00, failure, with c3 (committed 5 Mar 00:00);
//! - deployment 3, 5 Mar 09:00, success, fixes 2, brings c3: lead time 9 h; recovers 2
//!   after 3 h; rework;
//! - a staging deployment, which counts nowhere;
//! - incident 1, opened 5 Mar 07:00, resolved 09:30 (2.5 h), caused by deployment 2.
//!
//! So over the window: 2 successful deployments in 14 days (1.0 a week, "high": once a
//! week); lead times 2, 4, 9 h: median 4.0 h ("elite", under a day), 90th percentile at
//! position 0.9 × 2 = 1.8, 4 + 0.8 × 5 = 8.0 h; change failure rate 1 of 3 = 33.3 %
//! (nearest typical value 40 %: "low"); recovery median 3.0 h ("high", under a day);
//! rework 1 of 3 = 33.3 %; incident recovery 2.5 h.
//!
//! payments (team-pay) and a service with a hostile name (team-x): one successful
//! deployment each, without commits. The organisation: 5 production deployments, 1
//! failed: 20.0 % (nearest typical value 20 %: "high").

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use kiosque_delivery::{timestamp_from_rfc3339, Change, Deployment, Event, HistoryConfig, Incident, Ownership, Status};
use kiosque_delivery_api::{router, DeliveryConfig, DeliveryState};
use kiosque_delivery_store::{DeliveryStore, Recorder, SqliteStore};
use tower::ServiceExt;

const HOSTILE: &str = "<script>alert(1)</script>";
const WINDOW: &str = "end=2024-03-10&days=14";

fn at(text: &str) -> i64 {
    timestamp_from_rfc3339(text).unwrap()
}

fn change(sha: &str, committed: &str) -> Event {
    Event::Change(Change {
        sha: sha.into(),
        repository: "octo/checkout".into(),
        author: "dev".into(),
        authored_at: at(committed),
        committed_at: at(committed),
        merged_at: at(committed),
    })
}

fn deployment(
    id: i64,
    service: &str,
    environment: &str,
    finished: &str,
    status: Status,
    commits: &[&str],
) -> Deployment {
    Deployment {
        id,
        repository: "octo/checkout".into(),
        service: service.into(),
        environment: environment.into(),
        started_at: at(finished) - 600,
        finished_at: at(finished),
        status,
        commits: commits.iter().map(|c| c.to_string()).collect(),
        rollback_of: None,
        fixes: None,
        production: None,
    }
}

fn history() -> Vec<Event> {
    let mut fix = deployment(3, "checkout-api", "production", "2024-03-05T09:00:00Z", Status::Success, &["c3"]);
    fix.fixes = Some(2);
    vec![
        change("c1", "2024-03-04T08:00:00Z"),
        change("c2", "2024-03-04T10:00:00Z"),
        change("c3", "2024-03-05T00:00:00Z"),
        Event::Deployment(deployment(
            1,
            "checkout-api",
            "production",
            "2024-03-04T12:00:00Z",
            Status::Success,
            &["c1", "c2"],
        )),
        Event::Deployment(deployment(
            2,
            "checkout-api",
            "production",
            "2024-03-05T06:00:00Z",
            Status::Failure,
            &["c3"],
        )),
        Event::Deployment(fix),
        Event::Deployment(deployment(4, "checkout-api", "staging", "2024-03-04T11:00:00Z", Status::Success, &["c1"])),
        Event::Deployment(deployment(5, "payments", "production", "2024-03-08T00:00:00Z", Status::Success, &[])),
        Event::Deployment(deployment(6, HOSTILE, "production", "2024-03-07T00:00:00Z", Status::Success, &[])),
        Event::Incident(Incident {
            id: 1,
            service: "checkout-api".into(),
            opened_at: at("2024-03-05T07:00:00Z"),
            resolved_at: Some(at("2024-03-05T09:30:00Z")),
            caused_by_deployment: Some(2),
        }),
    ]
}

struct Setup {
    app: axum::Router,
    _dir: tempfile::TempDir,
}

fn setup(events: Vec<Event>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn DeliveryStore> = Arc::new(SqliteStore::open(dir.path().join("d.db").to_str().unwrap()).unwrap());
    let mut recorder = Recorder::open(Arc::clone(&store), HistoryConfig::default()).unwrap();
    recorder.record(events, Vec::new(), None).unwrap();
    let ownership = || -> Ownership {
        [("checkout-api", "team-checkout"), ("payments", "team-pay"), (HOSTILE, "team-x")].into_iter().collect()
    };
    let state = DeliveryState::new(recorder, DeliveryConfig::default(), Box::new(|_: &str| None), Box::new(ownership));
    Setup { app: router(Arc::new(state)), _dir: dir }
}

async fn get(app: &axum::Router, uri: &str, language: Option<&str>) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::get(uri);
    if let Some(language) = language {
        request = request.header(header::ACCEPT_LANGUAGE, language);
    }
    let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

/// The text of the figure card of a metric, tags removed.
fn card(body: &str, metric: &str) -> String {
    let start = body.find(&format!("id=\"dora-{metric}\"")).unwrap_or_else(|| panic!("no card for {metric}"));
    let end = body[start..].find("</li>").unwrap() + start;
    let mut text = String::new();
    let mut in_tag = false;
    for c in body[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[tokio::test]
async fn the_service_page_shows_the_figures_worked_out_by_hand() {
    let s = setup(history());
    let (status, headers, body) = get(&s.app, &format!("/delivery/services/checkout-api?{WINDOW}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"en\""));
    assert!(!body.contains('\u{27e6}'), "a message is missing");
    assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("default-src 'self'"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let frequency = card(&body, "deployment-frequency");
    assert!(frequency.contains("1.0 a week"), "{frequency}");
    assert!(frequency.contains("High"), "{frequency}");
    let lead = card(&body, "lead-time");
    assert!(lead.contains("4.0 h") && lead.contains("Elite"), "{lead}");
    assert!(lead.contains("8.0 h") && lead.contains("3 changes"), "{lead}");
    let failure = card(&body, "change-failure-rate");
    assert!(failure.contains("33.3%") && failure.contains("Low"), "{failure}");
    assert!(failure.contains("1 failed of 3"), "{failure}");
    let recovery = card(&body, "recovery-time");
    assert!(recovery.contains("3.0 h") && recovery.contains("High"), "{recovery}");
    let rework = card(&body, "rework-rate");
    assert!(rework.contains("33.3%"), "{rework}");
    let incidents = card(&body, "incident-recovery");
    assert!(incidents.contains("2.5 h"), "{incidents}");

    // Both weeks are in the table and the charts; the empty one shows no figure.
    assert!(body.contains("2024-W09") && body.contains("2024-W10"));
    let w09 = &body[body.rfind("2024-W09").unwrap()..];
    let w09 = &w09[..w09.find("</tr>").unwrap()];
    assert!(w09.contains("—") && !w09.contains('%'), "{w09}");
    assert!(body.contains("<svg") && body.contains("<title"), "charts are drawn with titles");

    // The drill-down: the three production deployments, newest first. #3 at
    // 09:00 brought c3 (9 h) and recovered nothing itself; #2 failed and was
    // recovered 3 h later; #1 brought c1 and c2 (4 h and 2 h: median 3 h).
    let start = body.find("id=\"dora-deployments\"").expect("the deployments' section");
    let end = body.find("id=\"dora-incidents\"").expect("the incidents' section");
    let drill = &body[start..end];
    let rows: Vec<&str> = drill.split("<tr>").skip(2).map(|r| &r[..r.find("</tr>").unwrap()]).collect();
    assert_eq!(rows.len(), 3, "{drill}");
    assert!(rows[0].contains("#3") && rows[0].contains("09:00 UTC") && rows[0].contains("9.0 h"), "{}", rows[0]);
    assert!(rows[0].contains("fix"), "deployment 3 is rework: {}", rows[0]);
    assert!(rows[1].contains("#2") && rows[1].contains("Failed") && rows[1].contains("3.0 h"), "{}", rows[1]);
    assert!(rows[2].contains("#1") && rows[2].contains("4 Mar 2024") && rows[2].contains("3.0 h"), "{}", rows[2]);
    // Moments are machine-readable too.
    assert!(rows[2].contains("datetime=\"2024-03-04T12:00:00Z\""), "{}", rows[2]);
    // The incidents of the window: incident 1, opened 5 Mar 07:00, resolved 09:30: 2.5 h.
    let incidents = &body[end..];
    let rows: Vec<&str> = incidents.split("<tr>").skip(2).map(|r| &r[..r.find("</tr>").unwrap()]).collect();
    assert_eq!(rows.len(), 1, "{incidents}");
    assert!(rows[0].contains("#1") && rows[0].contains("07:00 UTC") && rows[0].contains("09:30 UTC"), "{}", rows[0]);
    assert!(rows[0].contains("2.5 h"), "{}", rows[0]);
    // The owning team is linked, with the window kept.
    assert!(body.contains("href=\"/delivery/teams/team-checkout?end=2024-03-10&amp;days=14\""));
}

#[tokio::test]
async fn pages_speak_french_when_asked() {
    let s = setup(history());
    for uri in ["/delivery", "/delivery/teams/team-checkout", "/delivery/services/checkout-api"] {
        let (status, headers, body) = get(&s.app, &format!("{uri}?{WINDOW}"), Some("fr-FR,fr;q=0.9")).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(body.contains("<html lang=\"fr\""), "{uri}");
        assert!(!body.contains('\u{27e6}'), "a message is missing on {uri}");
        assert_eq!(headers[header::CONTENT_LANGUAGE], "fr");
    }
    let (_, _, body) = get(&s.app, &format!("/delivery/services/checkout-api?{WINDOW}&lang=fr"), None).await;
    assert!(card(&body, "change-failure-rate").contains("33,3\u{202f}%"));
    assert!(card(&body, "deployment-frequency").contains("1,0 par semaine"));
    assert!(card(&body, "lead-time").contains("4,0 h"));
}

#[tokio::test]
async fn the_organisation_pools_every_service_and_ranks_teams_and_services() {
    let s = setup(history());
    let (status, _, body) = get(&s.app, &format!("/delivery?{WINDOW}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains('\u{27e6}'));
    // 1 failed of 5 production deployments.
    let failure = card(&body, "change-failure-rate");
    assert!(failure.contains("20.0%") && failure.contains("High") && failure.contains("1 failed of 5"), "{failure}");
    for link in ["/delivery/teams/team-checkout", "/delivery/teams/team-pay", "/delivery/services/payments"] {
        assert!(body.contains(&format!("href=\"{link}?end=2024-03-10&amp;days=14\"")), "{link}");
    }
    // Most deployments first: checkout-api (2) before payments (1).
    assert!(body.find("/delivery/services/checkout-api").unwrap() < body.find("/delivery/services/payments").unwrap());
    assert!(body.contains("aria-current=\"page\">Delivery<"), "the navigation marks the section");
}

#[tokio::test]
async fn a_team_page_lists_only_its_services() {
    let s = setup(history());
    let (status, _, body) = get(&s.app, &format!("/delivery/teams/team-pay?{WINDOW}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("/delivery/services/payments"));
    assert!(!body.contains("/delivery/services/checkout-api"));
    // One successful deployment, none failed, no change: no lead time, a 0 % failure rate.
    assert!(card(&body, "lead-time").contains('—'));
    assert!(card(&body, "change-failure-rate").contains("0.0%"));
}

#[tokio::test]
async fn an_empty_window_shows_no_figure_rather_than_zero() {
    let s = setup(history());
    let (status, _, body) = get(&s.app, "/delivery/services/checkout-api?end=2024-02-25&days=7", None).await;
    assert_eq!(status, StatusCode::OK);
    for metric in ["lead-time", "change-failure-rate", "recovery-time", "rework-rate", "incident-recovery"] {
        let text = card(&body, metric);
        assert!(text.contains('—'), "{metric}: {text}");
        assert!(!text.contains("0.0"), "{metric}: {text}");
    }
    assert!(card(&body, "deployment-frequency").contains("No successful production deployment"));
}

#[tokio::test]
async fn hostile_names_are_escaped() {
    let s = setup(history());
    let uri = "/delivery/services/%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let (status, _, body) = get(&s.app, &format!("{uri}?{WINDOW}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("<script>alert"), "unescaped");
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let (_, _, body) = get(&s.app, &format!("/delivery?{WINDOW}"), None).await;
    assert!(!body.contains("<script>alert"));
    assert!(
        body.contains("href=\"/delivery/services/%3Cscript%3Ealert%281%29%3C%2Fscript%3E?end=2024-03-10&amp;days=14\"")
    );
}

#[tokio::test]
async fn unknown_teams_and_services_are_404_and_bad_windows_400() {
    let s = setup(history());
    for uri in ["/delivery/teams/nobody", "/delivery/services/nothing"] {
        let (status, _, body) = get(&s.app, uri, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.contains("<html lang=\"en\""));
    }
    for query in ["days=0", "days=many", "end=2024-02-30", "days=40000"] {
        let (status, _, body) = get(&s.app, &format!("/delivery?{query}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(!body.contains('\u{27e6}'));
    }
}

#[tokio::test]
async fn without_any_deployment_the_page_says_so() {
    let s = setup(Vec::new());
    let (status, _, body) = get(&s.app, "/delivery", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("No deployment is recorded yet"));
}

/// The rows of a page's table under the heading with `id`, up to the next section.
fn table_rows<'b>(body: &'b str, id: &str) -> Vec<&'b str> {
    let start = body.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}"));
    let section = &body[start..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    section.split("<tr>").skip(2).map(|r| &r[..r.find("</tr>").unwrap()]).collect()
}

#[tokio::test]
async fn a_deployment_page_lists_the_changes_it_brought_and_the_incidents_it_caused() {
    let s = setup(history());
    // Deployment 1 (4 Mar 12:00) first brought c1 (committed 08:00: 4 h) and c2 (10:00:
    // 2 h), oldest commit first.
    let (status, _, body) = get(&s.app, "/delivery/services/checkout-api/deployments/1", None).await;
    assert_eq!(status, StatusCode::OK);
    let changes = table_rows(&body, "dora-changes");
    assert_eq!(changes.len(), 2, "{body}");
    assert!(changes[0].contains(">c1<") && changes[0].contains("08:00 UTC") && changes[0].contains("4.0 h"));
    assert!(changes[1].contains(">c2<") && changes[1].contains("10:00 UTC") && changes[1].contains("2.0 h"));
    assert!(body.contains("No incident names this deployment as its cause."));
    // Deployment 2 failed, brought nothing to production (c3 first reached it with 3), and
    // caused incident 1, restored after 2.5 h; it was recovered after 3 h.
    let (_, _, body) = get(&s.app, "/delivery/services/checkout-api/deployments/2", None).await;
    assert!(body.contains("Failed") && body.contains("3.0 h"), "{body}");
    assert!(table_rows(&body, "dora-changes").is_empty());
    let caused = table_rows(&body, "dora-caused");
    assert_eq!(caused.len(), 1);
    assert!(caused[0].contains("#1") && caused[0].contains("2.5 h"), "{}", caused[0]);
    // The service page links each deployment to its page.
    let (_, _, body) = get(&s.app, &format!("/delivery/services/checkout-api?{WINDOW}"), None).await;
    assert!(body.contains("href=\"/delivery/services/checkout-api/deployments/3\""));
    // A staging deployment, another service's, an unknown one, a bad id: not found.
    for uri in ["checkout-api/deployments/4", "checkout-api/deployments/5", "checkout-api/deployments/99"] {
        let (status, _, _) = get(&s.app, &format!("/delivery/services/{uri}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    let (status, _, _) = get(&s.app, "/delivery/services/checkout-api/deployments/x", None).await;
    assert!(status.is_client_error());
}
