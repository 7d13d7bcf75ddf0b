//! The survey routes over a real store: answering once per period, refusals, and results
//! withheld for small groups. Who is asking comes from a test header standing in for the
//! server's sign-in.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use kiosque_catalog::{Catalog, Snapshot};
use kiosque_portal::web::Person;
use kiosque_survey::{Cadence, Period};
use kiosque_survey_api::{pages_router, SurveyState};
use kiosque_survey_store::{StoredResponse, SurveyStore};
use tower::ServiceExt;

const SURVEY: &str = "
id: pulse
title: { en: Pulse, fr: Pouls }
period: quarter
questions:
  - id: ease
    scale: { en: How easy is shipping?, fr: Est-il facile de livrer ? }
  - id: improve
    text: { en: What should we improve?, fr: Que devrions-nous améliorer ? }
";

struct Setup {
    app: axum::Router,
    store: Arc<dyn SurveyStore>,
    _database: kiosque_storage::testing::FreshDatabase,
}

fn person(headers: &HeaderMap) -> Option<Person> {
    let user = headers.get("x-test-user")?.to_str().ok()?;
    Some(Person {
        user_ref: format!("user:default/{user}"),
        display_name: user.to_string(),
        teams: vec!["group:default/payments".into()],
    })
}

fn same_origin(headers: &HeaderMap) -> bool {
    headers.get("sec-fetch-site").is_none_or(|site| site == "same-origin")
}

fn setup() -> Setup {
    let database = kiosque_storage::testing::sqlite();
    let store: Arc<dyn SurveyStore> = Arc::from(kiosque_survey_store::open(&database.url).unwrap());
    let surveys = kiosque_survey::parse_surveys(SURVEY, "pulse.yaml").unwrap();
    let catalog = Arc::new(Catalog::build(Snapshot::default()));
    let state = SurveyState::new(
        Arc::clone(&store),
        surveys,
        vec![7; 32],
        Box::new(person),
        Box::new(move || Arc::clone(&catalog)),
        same_origin,
    );
    Setup { app: pages_router(Arc::new(state)), store, _database: database }
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

fn post(user: &str, form: &str) -> Request<Body> {
    Request::post("/surveys/pulse")
        .header("x-test-user", user)
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap()
}

#[tokio::test]
async fn a_person_answers_once_per_period() {
    let setup = setup();
    let (status, headers, _) = send(&setup.app, post("ana", "ease=4&improve=Faster+CI")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/surveys/pulse?thanks");
    // A second answer in the same period records nothing.
    let (status, headers, _) = send(&setup.app, post("ana", "ease=1")).await;
    assert_eq!((status, headers[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/surveys/pulse"));
    let stored = setup.store.responses("pulse").unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].scores, vec![("ease".to_string(), 4)]);
    assert_eq!(stored[0].comment.as_deref(), Some("Faster CI"));
    assert_eq!(stored[0].teams, vec!["group:default/payments".to_string()]);
    // The form page now says so.
    let request = Request::get("/surveys/pulse").header("x-test-user", "ana").body(Body::empty()).unwrap();
    let (_, _, body) = send(&setup.app, request).await;
    assert!(body.contains("You have answered for"), "{body}");
    assert!(!body.contains("<form class=\"survey\""));
}

#[tokio::test]
async fn bad_forms_are_refused_and_nothing_is_stored() {
    let setup = setup();
    // Out of range: the form comes back with the error, 422.
    let (status, _, body) = send(&setup.app, post("bo", "ease=9")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Pick a score from 1 to 5."), "{body}");
    // Nothing answered.
    let (status, _, body) = send(&setup.app, post("bo", "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Answer at least one question."));
    // From another site.
    let mut forged = post("bo", "ease=3");
    forged.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(&setup.app, forged).await.0, StatusCode::FORBIDDEN);
    // Nobody signed in: back to the page, which asks to sign in.
    let anonymous = Request::post("/surveys/pulse")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("ease=3"))
        .unwrap();
    assert_eq!(send(&setup.app, anonymous).await.0, StatusCode::SEE_OTHER);
    // An unknown survey.
    let request = Request::post("/surveys/nope").header("x-test-user", "bo").body(Body::from("ease=3")).unwrap();
    assert_eq!(send(&setup.app, request).await.0, StatusCode::NOT_FOUND);
    assert!(setup.store.responses("pulse").unwrap().is_empty());
}

/// Stores `count` responses for `team` in a closed period, each scoring `score`.
fn answers(store: &dyn SurveyStore, period: &str, team: &str, scores: &[u8]) {
    for (n, score) in scores.iter().enumerate() {
        let response = StoredResponse {
            survey: "pulse".into(),
            period: period.into(),
            teams: vec![team.into()],
            scores: vec![("ease".into(), *score)],
            comment: Some(format!("comment {n} of {team}")),
        };
        assert!(store.submit(&format!("{team}-{period}-{n}"), &response).unwrap());
    }
}

#[tokio::test]
async fn results_show_groups_of_five_and_hide_smaller_ones() {
    let setup = setup();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let current = Period::containing(Cadence::Quarter, now).unwrap();
    let (q2, q1) = (current.previous().unwrap(), current.previous().unwrap().previous().unwrap());
    let (q1, q2) = (q1.to_string(), q2.to_string());
    // Q1 (two quarters ago) is closed. Payments: five answers, 5+4+4+3+2 = 18, mean 3.6, three of
    // five favourable (60 %). Cards: four answers, hidden; the organisation's nine
    // answers minus payments' five would give the cards' four, so payments is hidden too.
    answers(setup.store.as_ref(), &q1, "group:default/payments", &[5, 4, 4, 3, 2]);
    answers(setup.store.as_ref(), &q1, "group:default/cards", &[1, 1, 2, 2]);
    // Platform: six answers of 4 in Q2 (last quarter), with cards absent: everything shown there.
    answers(setup.store.as_ref(), &q2, "group:default/platform", &[4, 4, 4, 4, 4, 4]);
    let (status, headers, csv) =
        send(&setup.app, Request::get("/surveys/pulse/results.csv").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let rows: Vec<&str> = csv.lines().collect();
    let row = |period: &String, team: &str| {
        rows.iter()
            .find(|r| r.starts_with(&format!("pulse,{period},")) && r.contains(&format!(",{team},")))
            .unwrap_or_else(|| panic!("no row for {period} {team} in\n{csv}"))
            .to_string()
    };
    assert!(row(&q1, "group:default/cards").ends_with(",true"), "{csv}");
    assert!(row(&q1, "group:default/payments").ends_with(",true"), "{csv}");
    // The organisation, nine answers: (18 + 6) / 9 = 2.67; favourable 3 of 9.
    let organisation = rows.iter().find(|r| r.starts_with(&format!("pulse,{q1},organisation,"))).unwrap();
    assert!(organisation.contains(",9,2.67,0.333,"), "{organisation}");
    let platform = row(&q2, "group:default/platform");
    assert!(platform.contains(",6,4.00,1.000,0,0,0,6,0,false"), "{platform}");

    let (_, _, page) = send(&setup.app, Request::get("/surveys/pulse/results").body(Body::empty()).unwrap()).await;
    assert!(page.contains("not enough answers"));
    // The organisation's comments are shown with its figures, sorted by text, not by team.
    assert!(page.contains("comment 0 of group:default/platform"));
    // By team, only the comments of teams whose results are shown.
    let (_, _, comments) =
        send(&setup.app, Request::get("/surveys/pulse/comments.csv").body(Body::empty()).unwrap()).await;
    assert!(comments.contains(&format!("pulse,{q2},team,group:default/platform,comment 5 of")), "{comments}");
    assert!(!comments.contains(",team,group:default/cards,"), "a hidden team's comments leak:\n{comments}");
    assert!(!comments.contains(",team,group:default/payments,"), "{comments}");
}
