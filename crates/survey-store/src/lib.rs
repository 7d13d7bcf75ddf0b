//! Durable storage of developer-satisfaction survey responses.
//!
//! # Anonymity by construction
//!
//! A response is stored with its survey, its period, the teams of the person who gave it,
//! its scores and its comment: never who gave it, nor when within the period. Whether a
//! person has answered a survey in a period is stored apart, as an opaque participant key
//! (a keyed hash of the person the caller derives with [`SurveyStore::secret`]), in the
//! same transaction as the response, so that a person answers once per period and nothing
//! links the two rows. Responses are keyed by a random id; on SQLite both tables keep their
//! rows in key order, not arrival order. (On PostgreSQL the physical order of rows follows
//! their arrival: someone holding both the database files and the secret could try to pair
//! them by position. Keep the secret out of the database, see [`SurveyStore::secret`].)
//!
//! Two implementations: SQLite (the default, one file) and PostgreSQL, with the same tables
//! created by migrations recorded under `survey` in `kiosque_migrations`.

mod sqlite;

#[cfg(feature = "postgres")]
mod postgres_store;

use kiosque_storage::{Location, Migration, StorageError};

pub use kiosque_storage::StorageError as Error;

/// One response as stored: no person, no time beyond the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub survey: String,
    /// The period's name, e.g. `2026-Q4`.
    pub period: String,
    /// The teams the person belonged to when answering (references like
    /// `group:default/payments`); a person in no team has none.
    pub teams: Vec<String>,
    /// The answered scale questions: question id and score.
    pub scores: Vec<(String, u8)>,
    pub comment: Option<String>,
}

/// The survey capability's storage.
pub trait SurveyStore: Send + Sync {
    /// Records the response unless `participant` has already answered its survey in its
    /// period; returns false, having written nothing, when they had.
    fn submit(&self, participant: &str, response: &StoredResponse) -> Result<bool, StorageError>;
    /// Whether `participant` has answered `survey` in `period`.
    fn has_answered(&self, survey: &str, period: &str, participant: &str) -> Result<bool, StorageError>;
    /// Every response to `survey`, all periods, in no meaningful order.
    fn responses(&self, survey: &str) -> Result<Vec<StoredResponse>, StorageError>;
    /// The key participant keys are derived with: created at random on first use and kept
    /// in the database, unless the caller configures its own (which keeps it out of the
    /// database and is better).
    fn secret(&self) -> Result<Vec<u8>, StorageError>;
    /// Which backend this is, for logs.
    fn backend(&self) -> &'static str;
}

/// Opens the store a URL names (`sqlite://FILE`, a bare path, or `postgres://…`); its
/// migrations run on open.
pub fn open(url: &str) -> Result<Box<dyn SurveyStore>, StorageError> {
    match Location::parse(url)? {
        Location::Sqlite(path) => Ok(Box::new(sqlite::SqliteStore::open(&path)?)),
        #[cfg(feature = "postgres")]
        Location::Postgres(url) => Ok(Box::new(postgres_store::PostgresStore::open(&url)?)),
        #[cfg(not(feature = "postgres"))]
        Location::Postgres(_) => Err(StorageError::Config("this build of Kiosque has no PostgreSQL support".into())),
    }
}

const COMPONENT: &str = "survey";

/// 32 random bytes, hex-encoded: response ids and the generated secret.
fn random_hex() -> Result<String, StorageError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StorageError::Query(format!("no randomness from the system: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Teams as stored: one per line (references hold no line breaks).
fn join_teams(teams: &[String]) -> String {
    teams.join("\n")
}

fn split_teams(text: &str) -> Vec<String> {
    text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// Scores as stored: a JSON object of question id to score, in the given order.
fn encode_scores(scores: &[(String, u8)]) -> String {
    let object: serde_json::Map<String, serde_json::Value> =
        scores.iter().map(|(question, score)| (question.clone(), serde_json::Value::from(*score))).collect();
    serde_json::Value::Object(object).to_string()
}

fn decode_scores(text: &str) -> Result<Vec<(String, u8)>, StorageError> {
    let bad = || StorageError::Query(format!("stored survey scores are not a JSON object of small numbers: {text}"));
    let value: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
    let object = value.as_object().ok_or_else(bad)?;
    object
        .iter()
        .map(|(question, score)| {
            let score = score.as_u64().and_then(|s| u8::try_from(s).ok()).ok_or_else(bad)?;
            Ok((question.clone(), score))
        })
        .collect()
}

fn decode_secret(hex: &str) -> Result<Vec<u8>, StorageError> {
    let bad = || StorageError::Query("the stored survey secret is not hexadecimal".into());
    if !hex.len().is_multiple_of(2) {
        return Err(bad());
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2).ok_or_else(bad)?, 16).map_err(|_| bad()))
        .collect()
}

const SQLITE_MIGRATIONS: &[Migration] =
    &[Migration { version: 1, sql: include_str!("../migrations/sqlite/0001_survey.sql") }];

#[cfg(feature = "postgres")]
const POSTGRES_MIGRATIONS: &[Migration] =
    &[Migration { version: 1, sql: include_str!("../migrations/postgres/0001_survey.sql") }];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_teams_round_trip() {
        let scores = vec![("ease".to_string(), 4), ("docs".to_string(), 1)];
        let mut decoded = decode_scores(&encode_scores(&scores)).unwrap();
        decoded.sort();
        let mut expected = scores.clone();
        expected.sort();
        assert_eq!(decoded, expected);
        assert!(decode_scores("{\"a\": 300}").is_err());
        assert!(decode_scores("[1]").is_err());
        let teams = vec!["group:default/a".to_string(), "group:default/b".to_string()];
        assert_eq!(split_teams(&join_teams(&teams)), teams);
        assert!(split_teams("").is_empty());
        assert_eq!(decode_secret("00ff10").unwrap(), vec![0, 255, 16]);
        assert!(decode_secret("0g").is_err() && decode_secret("abc").is_err());
    }
}
