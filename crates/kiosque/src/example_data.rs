//! Data that makes the example organisation look lived in: a delivery history for its
//! services and past survey answers for its teams, generated (deterministically) at the
//! first `kiosque serve --example` on a database and written through the capabilities'
//! own stores, exactly as real events and answers would be.

use std::collections::BTreeMap;

use kiosque_delivery::Event;
use kiosque_delivery_store::Recorder;
use kiosque_survey::{Period, QuestionKind, Survey};
use kiosque_survey_store::{StoredResponse, SurveyStore};
use serde_json::Value;

use crate::example::EXAMPLE_FILES;

/// Team Topologies team types: the groups people answer surveys as members of.
const TEAM_TYPES: [&str; 5] = ["stream-aligned", "platform", "enabling", "complicated-subsystem", "team"];

/// What the generators need from the example's descriptors.
pub struct ExampleOrganisation {
    /// Each component with a repository: (name, `owner/repository`).
    pub services: Vec<(String, String)>,
    /// Each team (`group:default/NAME`) with its number of members in the catalog.
    pub teams: Vec<(String, usize)>,
}

/// Reads the example's descriptors (embedded in the binary).
pub fn example_organisation() -> ExampleOrganisation {
    let mut services = Vec::new();
    let mut team_names = Vec::new();
    let mut memberships: BTreeMap<String, usize> = BTreeMap::new();
    for (path, content) in EXAMPLE_FILES {
        if !path.ends_with(".yaml") || path.starts_with("surveys/") {
            continue;
        }
        let Ok(text) = std::str::from_utf8(content) else { continue };
        let Ok(documents) = kiosque_descriptor::parse_documents(text) else { continue };
        for document in documents {
            let value = &document.value;
            let text_at = |pointer: &str| value.pointer(pointer).and_then(Value::as_str);
            let Some(name) = text_at("/metadata/name") else { continue };
            match text_at("/kind") {
                Some("Component") => {
                    if let Some(slug) = text_at("/metadata/annotations/github.com~1project-slug") {
                        services.push((name.to_string(), slug.to_string()));
                    }
                }
                Some("Group") if text_at("/spec/type").is_some_and(|t| TEAM_TYPES.contains(&t)) => {
                    team_names.push(name.to_string());
                }
                Some("User") => {
                    for team in value.pointer("/spec/memberOf").and_then(Value::as_array).into_iter().flatten() {
                        if let Some(team) = team.as_str() {
                            *memberships.entry(team.rsplit('/').next().unwrap_or(team).to_string()).or_default() += 1;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    services.sort();
    services.dedup();
    team_names.sort();
    let teams = team_names
        .into_iter()
        .map(|t| (format!("group:default/{t}"), memberships.get(&t).copied().unwrap_or(0)))
        .collect();
    ExampleOrganisation { services, teams }
}

/// Records the example's delivery history when the store holds no event yet.
pub fn seed_delivery(recorder: &mut Recorder, organisation: &ExampleOrganisation, now: i64) -> Result<(), String> {
    if recorder.history().counts() != (0, 0, 0) {
        return Ok(());
    }
    let (changes, deployments, incidents) = crate::example_history::example_history(&organisation.services, now);
    let events: Vec<Event> = changes
        .into_iter()
        .map(Event::Change)
        .chain(deployments.into_iter().map(Event::Deployment))
        .chain(incidents.into_iter().map(Event::Incident))
        .collect();
    recorder.record(events, Vec::new(), None).map(|_| ()).map_err(|e| e.to_string())
}

/// Records past answers to each survey that has none yet. The catalog lists a few people
/// per team; the answers stand for whole teams (five people a listed member), so that some
/// teams are large enough to show results and the smallest are not.
pub fn seed_surveys(
    store: &dyn SurveyStore,
    surveys: &[Survey],
    organisation: &ExampleOrganisation,
    now: i64,
) -> Result<(), String> {
    let headcounts: Vec<(String, usize)> =
        organisation.teams.iter().map(|(team, members)| (team.clone(), members * 5)).collect();
    for survey in surveys {
        if !store.responses(&survey.id).map_err(|e| e.to_string())?.is_empty() {
            continue;
        }
        let Some(current) = Period::containing(survey.cadence, now) else { continue };
        // The last four closed periods.
        let periods: Vec<String> =
            current.history(5).into_iter().filter(|p| *p != current).map(|p| p.to_string()).collect();
        let scales: Vec<String> = survey
            .questions
            .iter()
            .filter(|q| matches!(q.kind, QuestionKind::Scale { .. }))
            .map(|q| q.id.clone())
            .collect();
        let comment = survey.questions.iter().find(|q| q.kind == QuestionKind::FreeText).map(|q| q.id.as_str());
        let answers = crate::example_survey_answers::example_answers(&headcounts, &periods, &scales, comment);
        for (n, answer) in answers.into_iter().enumerate() {
            let response = StoredResponse {
                survey: survey.id.clone(),
                period: answer.period,
                teams: vec![answer.team],
                scores: answer.scores,
                comment: answer.comment,
            };
            store.submit(&format!("example-participant-{n}"), &response).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
