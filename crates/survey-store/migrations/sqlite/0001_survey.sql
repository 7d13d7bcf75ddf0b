-- Who answered which survey in which period, as an opaque keyed hash: never linked to an
-- answer. WITHOUT ROWID so that the table's order is the keys' order, not arrival order.
CREATE TABLE survey_participation (
    survey TEXT NOT NULL,
    period TEXT NOT NULL,
    participant TEXT NOT NULL,
    PRIMARY KEY (survey, period, participant)
) WITHOUT ROWID;

-- Responses, without who gave them or when (beyond the period): a random id orders them.
CREATE TABLE survey_responses (
    id TEXT NOT NULL PRIMARY KEY,
    survey TEXT NOT NULL,
    period TEXT NOT NULL,
    teams TEXT NOT NULL,
    scores TEXT NOT NULL,
    comment TEXT
) WITHOUT ROWID;
CREATE INDEX survey_responses_by_survey ON survey_responses (survey, period);

CREATE TABLE survey_meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
