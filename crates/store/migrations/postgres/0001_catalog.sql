-- The catalog's tables. Relations are stored in the row of the entity that
-- declares them, both directions, so that replacing an entity replaces
-- exactly the relations it caused.
--
-- The same tables as the SQLite schema, in PostgreSQL's types: lines and
-- sequence numbers are BIGINT (Rust writes u32 and i64), flags BOOLEAN,
-- times TIMESTAMPTZ. Keys, references and paths use the "C" collation: they
-- sort byte by byte as in SQLite, whatever the database's locale, and their
-- indexes compare faster. Bodies, relations and file states stay TEXT (not
-- JSONB), so that they come back byte for byte as written.
CREATE TABLE catalog_meta (
    key TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO catalog_meta (key, value) VALUES ('generation', '0');

CREATE TABLE catalog_locations (
    id TEXT COLLATE "C" PRIMARY KEY,
    seq BIGINT NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    target TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (type, target)
);

CREATE TABLE catalog_files (
    key TEXT COLLATE "C" PRIMARY KEY,
    state TEXT NOT NULL
);

CREATE TABLE catalog_entities (
    entity_ref TEXT COLLATE "C" PRIMARY KEY,
    file_key TEXT COLLATE "C" NOT NULL,
    line BIGINT NOT NULL,
    col BIGINT NOT NULL,
    orphan BOOLEAN NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL,
    relations TEXT NOT NULL
);

CREATE TABLE catalog_conflicts (
    entity_ref TEXT COLLATE "C" NOT NULL,
    winner_file TEXT COLLATE "C" NOT NULL,
    loser_file TEXT COLLATE "C" NOT NULL
);
CREATE INDEX catalog_conflicts_loser ON catalog_conflicts (loser_file);

CREATE TABLE catalog_diagnostics (
    file_key TEXT COLLATE "C" NOT NULL,
    file TEXT COLLATE "C" NOT NULL,
    line BIGINT NOT NULL,
    col BIGINT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX catalog_diagnostics_file ON catalog_diagnostics (file_key);
