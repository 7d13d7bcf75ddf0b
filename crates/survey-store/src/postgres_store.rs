use kiosque_storage::postgres::Connection;

use crate::{
    decode_scores, decode_secret, encode_scores, join_teams, random_hex, split_teams, StorageError, StoredResponse,
    SurveyStore, COMPONENT, POSTGRES_MIGRATIONS,
};

pub(crate) struct PostgresStore {
    connection: Connection,
}

impl PostgresStore {
    pub(crate) fn open(url: &str) -> Result<PostgresStore, StorageError> {
        let connection = Connection::open(url)?;
        connection.migrate(COMPONENT, POSTGRES_MIGRATIONS)?;
        Ok(PostgresStore { connection })
    }
}

impl SurveyStore for PostgresStore {
    fn submit(&self, participant: &str, response: &StoredResponse) -> Result<bool, StorageError> {
        self.connection.with_client(|client| {
            let mut tx = client.transaction()?;
            let first = tx.execute(
                "INSERT INTO survey_participation (survey, period, participant) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
                &[&response.survey, &response.period, &participant],
            )? == 1;
            if first {
                tx.execute(
                    "INSERT INTO survey_responses (id, survey, period, teams, scores, comment) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        &random_hex()?,
                        &response.survey,
                        &response.period,
                        &join_teams(&response.teams),
                        &encode_scores(&response.scores),
                        &response.comment,
                    ],
                )?;
            }
            tx.commit()?;
            Ok(first)
        })
    }

    fn has_answered(&self, survey: &str, period: &str, participant: &str) -> Result<bool, StorageError> {
        self.connection.with_client(|client| {
            Ok(client
                .query_opt(
                    "SELECT 1 FROM survey_participation WHERE survey = $1 AND period = $2 AND participant = $3",
                    &[&survey, &period, &participant],
                )?
                .is_some())
        })
    }

    fn responses(&self, survey: &str) -> Result<Vec<StoredResponse>, StorageError> {
        self.connection.with_client(|client| {
            let rows = client
                .query("SELECT period, teams, scores, comment FROM survey_responses WHERE survey = $1", &[&survey])?;
            rows.iter()
                .map(|row| {
                    Ok(StoredResponse {
                        survey: survey.to_string(),
                        period: row.try_get(0)?,
                        teams: split_teams(row.try_get(1)?),
                        scores: decode_scores(row.try_get(2)?)?,
                        comment: row.try_get(3)?,
                    })
                })
                .collect()
        })
    }

    fn secret(&self) -> Result<Vec<u8>, StorageError> {
        self.connection.with_client(|client| {
            client.execute(
                "INSERT INTO survey_meta (key, value) VALUES ('secret', $1) ON CONFLICT DO NOTHING",
                &[&random_hex()?],
            )?;
            let hex: String =
                client.query_one("SELECT value FROM survey_meta WHERE key = 'secret'", &[])?.try_get(0)?;
            decode_secret(&hex)
        })
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
