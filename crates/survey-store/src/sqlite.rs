use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use crate::{
    decode_scores, decode_secret, encode_scores, join_teams, random_hex, split_teams, StorageError, StoredResponse,
    SurveyStore, COMPONENT, SQLITE_MIGRATIONS,
};

pub(crate) struct SqliteStore {
    connection: Mutex<Connection>,
}

impl SqliteStore {
    pub(crate) fn open(path: &str) -> Result<SqliteStore, StorageError> {
        let mut connection = kiosque_storage::sqlite::open(path, 4_096)?;
        kiosque_storage::sqlite::migrate(&mut connection, COMPONENT, SQLITE_MIGRATIONS)?;
        Ok(SqliteStore { connection: Mutex::new(connection) })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // SQLite rolls back a transaction a panic interrupted: a poisoned lock is safe to reuse.
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SurveyStore for SqliteStore {
    fn submit(&self, participant: &str, response: &StoredResponse) -> Result<bool, StorageError> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let first = tx.execute(
            "INSERT INTO survey_participation (survey, period, participant) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![response.survey, response.period, participant],
        )? == 1;
        if first {
            tx.execute(
                "INSERT INTO survey_responses (id, survey, period, teams, scores, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    random_hex()?,
                    response.survey,
                    response.period,
                    join_teams(&response.teams),
                    encode_scores(&response.scores),
                    response.comment
                ],
            )?;
        }
        tx.commit()?;
        Ok(first)
    }

    fn has_answered(&self, survey: &str, period: &str, participant: &str) -> Result<bool, StorageError> {
        let found: Option<i64> = self
            .lock()
            .query_row(
                "SELECT 1 FROM survey_participation WHERE survey = ?1 AND period = ?2 AND participant = ?3",
                params![survey, period, participant],
                |r| r.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    fn responses(&self, survey: &str) -> Result<Vec<StoredResponse>, StorageError> {
        let connection = self.lock();
        let mut statement =
            connection.prepare("SELECT period, teams, scores, comment FROM survey_responses WHERE survey = ?1")?;
        let rows = statement.query_map([survey], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
        })?;
        let mut responses = Vec::new();
        for row in rows {
            let (period, teams, scores, comment) = row?;
            responses.push(StoredResponse {
                survey: survey.to_string(),
                period,
                teams: split_teams(&teams),
                scores: decode_scores(&scores)?,
                comment,
            });
        }
        Ok(responses)
    }

    fn secret(&self) -> Result<Vec<u8>, StorageError> {
        let connection = self.lock();
        connection.execute(
            "INSERT INTO survey_meta (key, value) VALUES ('secret', ?1) ON CONFLICT DO NOTHING",
            [random_hex()?],
        )?;
        let hex: String =
            connection.query_row("SELECT value FROM survey_meta WHERE key = 'secret'", [], |r| r.get(0))?;
        decode_secret(&hex)
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
