-- The catalog's tables. Relations are stored in the row of the entity that
-- declares them, both directions, so that replacing an entity replaces
-- exactly the relations it caused.
CREATE TABLE catalog_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO catalog_meta (key, value) VALUES ('generation', '0');

CREATE TABLE catalog_locations (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    target TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (type, target)
);

CREATE TABLE catalog_files (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL
);

CREATE TABLE catalog_entities (
    entity_ref TEXT PRIMARY KEY,
    file_key TEXT NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    orphan INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    relations TEXT NOT NULL
);

CREATE TABLE catalog_conflicts (
    entity_ref TEXT NOT NULL,
    winner_file TEXT NOT NULL,
    loser_file TEXT NOT NULL
);
CREATE INDEX catalog_conflicts_loser ON catalog_conflicts (loser_file);

CREATE TABLE catalog_diagnostics (
    file_key TEXT NOT NULL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX catalog_diagnostics_file ON catalog_diagnostics (file_key);
