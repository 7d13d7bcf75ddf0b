-- A random identity for this database, as in SQLite.
INSERT INTO catalog_meta (key, value) VALUES ('store_id', md5(random()::text || clock_timestamp()::text));

-- The latest image of the read model, so that replicas start without
-- re-indexing every entity. Only ever one row.
CREATE TABLE catalog_read_model (
    generation BIGINT PRIMARY KEY,
    image BYTEA NOT NULL
);
