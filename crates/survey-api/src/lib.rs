//! Developer-satisfaction surveys over HTTP, in the portal:
//!
//! - `GET /surveys`: every survey, whether it is open and whether the reader answered;
//! - `GET /surveys/{id}`: the form (or why it cannot be answered now); `POST` records it;
//! - `GET /surveys/{id}/results`: per team and period, anonymity rules applied;
//! - `GET /surveys/{id}/results.csv` and `/comments.csv`: the same, exported.
//!
//! Who the reader is comes from the caller ([`SurveyState::new`]'s `person_of`): the
//! server's sign-in. A response counts for the person's first team. Its participant key
//! (`kiosque_survey::participation_key`) is all the store learns of the person. Handlers
//! never touch SQL: the store is called in blocking tasks.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use kiosque_catalog::Catalog;
use kiosque_portal::web::Person;
use kiosque_portal::{Context, FormState, Locale, Portal, SignInLink, SurveyEntry, SurveyForm};
use kiosque_survey::{
    participation_key, read_response, summarize, write_comments_csv, write_scores_csv, Period, QuestionKind, Summary,
    Survey, TeamResponse,
};
use kiosque_survey_store::{StoredResponse, SurveyStore};

/// A form is a few short answers and one comment of at most 2,000 characters.
const MAX_FORM_BYTES: usize = 64 << 10;

/// How many periods the results go back.
const RESULT_PERIODS: usize = 8;

type PersonOf = Box<dyn Fn(&HeaderMap) -> Option<Person> + Send + Sync>;
type CatalogOf = Box<dyn Fn() -> Arc<Catalog> + Send + Sync>;
type SameOrigin = fn(&HeaderMap) -> bool;

/// What the survey routes share.
pub struct SurveyState {
    store: Arc<dyn SurveyStore>,
    surveys: Vec<Survey>,
    secret: Vec<u8>,
    person_of: PersonOf,
    catalog_of: CatalogOf,
    same_origin: SameOrigin,
    /// The guest sign-in page, when guests may sign in.
    sign_in_url: Option<String>,
}

impl SurveyState {
    /// `secret` keys participant keys (at least `kiosque_survey::MIN_SECRET_BYTES`);
    /// `same_origin` tells a form posted from the portal's own pages.
    pub fn new(
        store: Arc<dyn SurveyStore>,
        surveys: Vec<Survey>,
        secret: Vec<u8>,
        person_of: PersonOf,
        catalog_of: CatalogOf,
        same_origin: SameOrigin,
    ) -> SurveyState {
        SurveyState { store, surveys, secret, person_of, catalog_of, same_origin, sign_in_url: None }
    }

    pub fn with_sign_in_url(mut self, url: &str) -> SurveyState {
        self.sign_in_url = Some(url.to_string());
        self
    }

    fn survey(&self, id: &str) -> Option<&Survey> {
        self.surveys.iter().find(|s| s.id == id)
    }

    fn participant(&self, survey: &Survey, period: Period, person: &Person) -> Option<String> {
        participation_key(&self.secret, &survey.id, period, &person.user_ref)
    }

    /// A team's latest results of every survey, as sections of its delivery dashboard
    /// (`team` as a catalog reference, `group:default/NAME`).
    pub fn team_panels(&self, team: &str, cx: &Context) -> Vec<String> {
        self.surveys
            .iter()
            .filter_map(|survey| match self.summary(survey) {
                Ok(summary) => Some(portal().survey_team_panel(cx, survey, &summary, team)),
                Err(e) => {
                    tracing::error!("summarising survey {}: {e}", survey.id);
                    None
                }
            })
            .collect()
    }

    /// The survey's results over its last periods, from the stored responses.
    pub fn summary(&self, survey: &Survey) -> Result<Summary, String> {
        let stored = self.store.responses(&survey.id).map_err(|e| e.to_string())?;
        let mut responses = Vec::with_capacity(stored.len());
        for r in stored {
            let Ok(period) = r.period.parse::<Period>() else { continue };
            if period.cadence() != survey.cadence {
                continue;
            }
            // Stored responses were valid when given; one the survey has changed since (a
            // question removed) keeps what still applies.
            let asked =
                |id: &str| survey.questions.iter().any(|q| q.id == id && matches!(q.kind, QuestionKind::Scale { .. }));
            let scores: BTreeMap<String, u8> = r.scores.into_iter().filter(|(q, _)| asked(q)).collect();
            let comment = r.comment.filter(|_| comment_question(survey).is_some());
            if scores.is_empty() && comment.is_none() {
                continue;
            }
            let team = r.teams.into_iter().next();
            responses.push(TeamResponse { team, period, response: kiosque_survey::Response { scores, comment } });
        }
        let latest = responses.iter().map(|r| r.period).max();
        let now = now();
        let current = Period::containing(survey.cadence, now).into_iter();
        let newest = current.chain(latest).max();
        let earliest = responses.iter().map(|r| r.period).min();
        let mut periods = newest.map(|p| p.history(RESULT_PERIODS)).unwrap_or_default();
        // Periods before the first answer would only say "not enough answers".
        periods.retain(|p| earliest.is_some_and(|e| *p >= e));
        Ok(summarize(survey, &responses, &periods, now))
    }
}

fn comment_question(survey: &Survey) -> Option<&str> {
    survey.questions.iter().find(|q| matches!(q.kind, QuestionKind::FreeText)).map(|q| q.id.as_str())
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn portal() -> &'static Portal {
    static PORTAL: std::sync::OnceLock<Portal> = std::sync::OnceLock::new();
    PORTAL.get_or_init(Portal::default)
}

/// The survey pages and exports.
pub fn pages_router(state: Arc<SurveyState>) -> Router {
    Router::new()
        .route("/surveys", get(list))
        .route("/surveys/{id}", get(form).post(submit))
        .route("/surveys/{id}/results", get(results))
        .route("/surveys/{id}/results.csv", get(scores_csv))
        .route("/surveys/{id}/comments.csv", get(comments_csv))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .with_state(state)
}

type Params = Query<HashMap<String, String>>;

fn context(state: &SurveyState, headers: &HeaderMap, uri: &Uri, params: &HashMap<String, String>) -> Context {
    Context::of_http(uri, params.get("lang").map(String::as_str), headers, (state.catalog_of)().generation())
}

fn sign_in(state: &SurveyState) -> Option<SignInLink<'_>> {
    state.sign_in_url.as_deref().map(|url| SignInLink { url })
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(work).await.ok()
}

async fn list(State(state): State<Arc<SurveyState>>, params: Params, headers: HeaderMap, uri: Uri) -> Response {
    let cx = context(&state, &headers, &uri, &params.0);
    let person = (state.person_of)(&headers);
    let now = now();
    let answered = {
        let state = Arc::clone(&state);
        let person = person.clone();
        blocking(move || {
            state
                .surveys
                .iter()
                .map(|s| {
                    let period = s.open_period(now)?;
                    let key = state.participant(s, period, person.as_ref()?)?;
                    state.store.has_answered(&s.id, &period.to_string(), &key).ok()
                })
                .collect::<Vec<Option<bool>>>()
        })
        .await
    };
    let Some(answered) = answered else { return internal("listing surveys") };
    let entries: Vec<SurveyEntry<'_>> = state
        .surveys
        .iter()
        .zip(answered)
        .map(|(survey, answered)| SurveyEntry { survey, open: survey.open_period(now), answered })
        .collect();
    page(StatusCode::OK, &headers, cx.locale, portal().surveys(&cx, &entries, person.as_ref(), sign_in(&state)))
}

/// Where `person` stands with `survey` now.
async fn standing(state: &Arc<SurveyState>, survey: &Survey, person: Option<&Person>) -> Result<Standing, Response> {
    let Some(person) = person else { return Ok(Standing::SignedOut) };
    let Some(period) = survey.open_period(now()) else { return Ok(Standing::Closed) };
    let Some(key) = state.participant(survey, period, person) else { return Err(internal("keying a participant")) };
    let (store, id) = (Arc::clone(&state.store), survey.id.clone());
    match blocking(move || store.has_answered(&id, &period.to_string(), &key)).await {
        Some(Ok(true)) => Ok(Standing::Answered(period)),
        Some(Ok(false)) => Ok(Standing::Open(period)),
        _ => Err(internal("reading survey participation")),
    }
}

enum Standing {
    SignedOut,
    Closed,
    Answered(Period),
    Open(Period),
}

async fn form(
    State(state): State<Arc<SurveyState>>,
    Path(id): Path<String>,
    params: Params,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let cx = context(&state, &headers, &uri, &params.0);
    let Some(survey) = state.survey(&id) else { return not_found(&cx, &headers) };
    let person = (state.person_of)(&headers);
    let empty = HashMap::new();
    let form_state = match standing(&state, survey, person.as_ref()).await {
        Err(response) => return response,
        Ok(Standing::SignedOut) => FormState::SignedOut,
        Ok(Standing::Closed) => FormState::Closed,
        Ok(Standing::Answered(period)) => FormState::Answered { period, thanks: params.0.contains_key("thanks") },
        Ok(Standing::Open(period)) => FormState::Open { period, values: &empty, errors: &[] },
    };
    let form = SurveyForm { survey, person: person.as_ref(), sign_in: sign_in(&state), state: form_state };
    page(StatusCode::OK, &headers, cx.locale, portal().survey_form(&cx, &form))
}

async fn submit(
    State(state): State<Arc<SurveyState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let cx = context(&state, &headers, &uri, &HashMap::new());
    if !(state.same_origin)(&headers) {
        return (StatusCode::FORBIDDEN, "this form must be sent from the portal's own page").into_response();
    }
    let Some(survey) = state.survey(&id) else { return not_found(&cx, &headers) };
    let person = (state.person_of)(&headers);
    let period = match standing(&state, survey, person.as_ref()).await {
        Err(response) => return response,
        Ok(Standing::Open(period)) => period,
        // Already answered, closed or signed out: the form page says which.
        Ok(_) => return see_other(&format!("/surveys/{id}")),
    };
    let Some(person) = person else { return see_other(&format!("/surveys/{id}")) };
    let fields: Vec<(String, String)> = match serde_urlencoded::from_bytes(&body) {
        Ok(fields) => fields,
        Err(_) => return (StatusCode::BAD_REQUEST, "the form could not be read").into_response(),
    };
    match read_response(survey, fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Err(errors) => {
            let values: HashMap<String, String> = fields.into_iter().collect();
            let form = SurveyForm {
                survey,
                person: Some(&person),
                sign_in: sign_in(&state),
                state: FormState::Open { period, values: &values, errors: &errors },
            };
            page(StatusCode::UNPROCESSABLE_ENTITY, &headers, cx.locale, portal().survey_form(&cx, &form))
        }
        Ok(response) => {
            let Some(key) = state.participant(survey, period, &person) else { return internal("keying a participant") };
            let stored = StoredResponse {
                survey: survey.id.clone(),
                period: period.to_string(),
                teams: person.teams.clone(),
                scores: response.scores.into_iter().collect(),
                comment: response.comment,
            };
            let store = Arc::clone(&state.store);
            match blocking(move || store.submit(&key, &stored)).await {
                // Recorded, or recorded earlier (a second tab): either way, answered.
                Some(Ok(_)) => see_other(&format!("/surveys/{id}?thanks")),
                _ => internal("recording a survey response"),
            }
        }
    }
}

async fn summary_of(state: &Arc<SurveyState>, id: &str) -> Option<Result<Summary, String>> {
    let state = Arc::clone(state);
    let id = id.to_string();
    blocking(move || state.survey(&id).map(|survey| state.summary(survey))).await.flatten()
}

async fn results(
    State(state): State<Arc<SurveyState>>,
    Path(id): Path<String>,
    params: Params,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let cx = context(&state, &headers, &uri, &params.0);
    let Some(survey) = state.survey(&id) else { return not_found(&cx, &headers) };
    match summary_of(&state, &id).await {
        Some(Ok(summary)) => {
            let catalog = (state.catalog_of)();
            page(StatusCode::OK, &headers, cx.locale, portal().survey_results(&cx, survey, &summary, Some(&catalog)))
        }
        _ => internal("summarising survey results"),
    }
}

async fn scores_csv(state: State<Arc<SurveyState>>, id: Path<String>) -> Response {
    export(state, id, "results", write_scores_csv).await
}

async fn comments_csv(state: State<Arc<SurveyState>>, id: Path<String>) -> Response {
    export(state, id, "comments", write_comments_csv).await
}

async fn export(
    State(state): State<Arc<SurveyState>>,
    Path(id): Path<String>,
    what: &str,
    write: fn(&Summary, &mut Vec<u8>) -> std::io::Result<()>,
) -> Response {
    if state.survey(&id).is_none() {
        return (StatusCode::NOT_FOUND, "no such survey").into_response();
    }
    let Some(Ok(summary)) = summary_of(&state, &id).await else { return internal("summarising survey results") };
    let mut body = Vec::new();
    if write(&summary, &mut body).is_err() {
        return internal("writing a survey export");
    }
    let disposition = format!("attachment; filename=\"{id}-{what}.csv\"");
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_string())]).into_response()
}

fn not_found(cx: &Context, headers: &HeaderMap) -> Response {
    page(StatusCode::NOT_FOUND, headers, cx.locale, portal().not_found(cx))
}

fn internal(doing: &str) -> Response {
    tracing::error!("failed while {doing}");
    (StatusCode::INTERNAL_SERVER_ERROR, format!("something went wrong while {doing}; the server's log says more"))
        .into_response()
}

/// An HTML page with the portal's headers.
fn page(status: StatusCode, headers: &HeaderMap, locale: Locale, body: String) -> Response {
    kiosque_portal::web::page_response(status, headers, locale, body).map(axum::body::Body::from).into_response()
}
