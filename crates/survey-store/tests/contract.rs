//! The survey store's behaviour, on SQLite always and on PostgreSQL when a server is
//! configured (see `kiosque_storage::testing`).

use kiosque_survey_store::{StoredResponse, SurveyStore};

fn open(url: &str) -> Box<dyn SurveyStore> {
    kiosque_survey_store::open(url).unwrap_or_else(|e| panic!("{e}"))
}

fn response(period: &str, teams: &[&str], scores: &[(&str, u8)], comment: Option<&str>) -> StoredResponse {
    StoredResponse {
        survey: "developer-experience".into(),
        period: period.into(),
        teams: teams.iter().map(|t| t.to_string()).collect(),
        scores: scores.iter().map(|(q, s)| (q.to_string(), *s)).collect(),
        comment: comment.map(str::to_string),
    }
}

fn sorted(mut responses: Vec<StoredResponse>) -> Vec<StoredResponse> {
    responses.iter_mut().for_each(|r| r.scores.sort());
    responses.sort_by(|a, b| (&a.period, &a.teams, &a.scores).cmp(&(&b.period, &b.teams, &b.scores)));
    responses
}

fn a_person_answers_once_per_period(store: &dyn SurveyStore) {
    let first = response("2026-Q4", &["group:default/payments"], &[("ease", 4)], None);
    assert!(!store.has_answered("developer-experience", "2026-Q4", "p1").unwrap());
    assert!(store.submit("p1", &first).unwrap());
    assert!(store.has_answered("developer-experience", "2026-Q4", "p1").unwrap());
    // The same person again, even with other answers: nothing is written.
    let again = response("2026-Q4", &["group:default/payments"], &[("ease", 1)], Some("changed my mind"));
    assert!(!store.submit("p1", &again).unwrap());
    // Next period, or another person: recorded.
    assert!(store.submit("p1", &response("2027-Q1", &[], &[("ease", 5)], None)).unwrap());
    assert!(store.submit("p2", &response("2026-Q4", &[], &[("ease", 2)], None)).unwrap());
    assert!(!store.has_answered("developer-experience", "2027-Q1", "p2").unwrap());
    let stored = sorted(store.responses("developer-experience").unwrap());
    assert_eq!(
        stored,
        sorted(vec![
            first,
            response("2027-Q1", &[], &[("ease", 5)], None),
            response("2026-Q4", &[], &[("ease", 2)], None)
        ])
    );
}

fn responses_keep_teams_scores_and_comments(store: &dyn SurveyStore) {
    let given = response(
        "2026-11",
        &["group:default/payments", "group:default/platform"],
        &[("ease", 5), ("docs", 1), ("on-call", 3)],
        Some("Déploiements « lents », merci d'y regarder.\nSecond line, \"quoted\"."),
    );
    assert!(store.submit("someone", &given).unwrap());
    assert_eq!(sorted(store.responses("developer-experience").unwrap()), sorted(vec![given]));
    // Another survey's responses are its own.
    assert!(store.responses("other-survey").unwrap().is_empty());
    let mut other = response("2026-11", &[], &[("x", 3)], None);
    other.survey = "other-survey".into();
    assert!(store.submit("someone", &other).unwrap());
    assert_eq!(store.responses("other-survey").unwrap(), vec![other]);
}

fn the_secret_is_made_once(store: &dyn SurveyStore) {
    let secret = store.secret().unwrap();
    assert_eq!(secret.len(), 32);
    assert_eq!(store.secret().unwrap(), secret);
}

kiosque_storage::for_each_backend!(
    open;
    a_person_answers_once_per_period,
    responses_keep_teams_scores_and_comments,
    the_secret_is_made_once,
);

#[test]
fn responses_and_the_secret_survive_reopening() {
    let database = kiosque_storage::testing::sqlite();
    let (secret, given) = {
        let store = open(&database.url);
        let given = response("2026-Q4", &["group:default/a"], &[("ease", 3)], Some("ok"));
        assert!(store.submit("p", &given).unwrap());
        (store.secret().unwrap(), given)
    };
    let store = open(&database.url);
    assert_eq!(store.secret().unwrap(), secret);
    assert_eq!(store.responses("developer-experience").unwrap(), vec![given]);
    assert!(store.has_answered("developer-experience", "2026-Q4", "p").unwrap());
}
