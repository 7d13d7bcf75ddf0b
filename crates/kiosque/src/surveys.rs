//! The survey capability in the binary: survey files read from a folder, `kiosque survey
//! check`, and the portal's survey routes wired to the store, the sign-in and the catalog.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use kiosque_survey::Survey;
use kiosque_survey_api::SurveyState;

/// Reads every `*.yaml`/`*.yml` file of `dir` (or the one file `dir` names). Returns the
/// surveys of the files without problems, and every problem as `file:line:col: message`.
pub fn read_surveys(path: &Path) -> (Vec<Survey>, Vec<String>) {
    let mut files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    files.sort();
    let mut surveys: Vec<Survey> = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                problems.push(format!("{name}: cannot read: {e}"));
                continue;
            }
        };
        match kiosque_survey::parse_surveys(&text, &name) {
            Ok(found) => {
                for survey in found {
                    if surveys.iter().any(|s| s.id == survey.id) {
                        problems.push(format!("{name}: survey \"{}\" is defined by another file too", survey.id));
                    } else {
                        surveys.push(survey);
                    }
                }
            }
            Err(errors) => problems.extend(errors.iter().map(ToString::to_string)),
        }
    }
    (surveys, problems)
}

/// `kiosque survey check PATH`: exit 1 when a file has a problem.
pub fn check(path: &Path) -> ExitCode {
    if !path.exists() {
        eprintln!("kiosque: {} does not exist", path.display());
        return ExitCode::from(2);
    }
    let (surveys, problems) = read_surveys(path);
    for problem in &problems {
        eprintln!("{problem}");
    }
    for survey in &surveys {
        println!("{}: {} questions, every {}", survey.id, survey.questions.len(), survey.cadence.as_str());
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The survey capability's state, over the surveys of `dir` (none without one).
pub fn state(
    database_url: &str,
    dir: Option<&Path>,
    secret: Option<&str>,
    state: &Arc<kiosque_server::AppState>,
    example: Option<&crate::example_data::ExampleOrganisation>,
) -> Result<Arc<SurveyState>, String> {
    let (surveys, problems) = dir.map(read_surveys).unwrap_or_default();
    for problem in problems {
        tracing::error!("survey skipped: {problem}");
    }
    let store: Arc<dyn kiosque_survey_store::SurveyStore> =
        Arc::from(kiosque_survey_store::open(database_url).map_err(|e| e.to_string())?);
    if let Some(organisation) = example {
        let now = crate::unix_now();
        crate::example_data::seed_surveys(store.as_ref(), &surveys, organisation, now)?;
    }
    let secret = match secret {
        Some(secret) => secret.as_bytes().to_vec(),
        None => store.secret().map_err(|e| e.to_string())?,
    };
    let people = Arc::clone(state);
    let catalog = Arc::clone(state);
    let mut survey_state = SurveyState::new(
        store,
        surveys,
        secret,
        Box::new(move |headers| people.person(headers)),
        Box::new(move || catalog.catalog()),
        kiosque_server::identity::same_origin,
    );
    if *state.identity().sign_in() == kiosque_server::identity::SignIn::Guest {
        survey_state = survey_state.with_sign_in_url("/sign-in");
    }
    Ok(Arc::new(survey_state))
}
