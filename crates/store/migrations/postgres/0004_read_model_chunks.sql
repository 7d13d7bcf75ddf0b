-- The read-model image in chunks of a megabyte: one 100 MB value would make
-- the client's buffers grow to its size and keep that memory for good.
DROP TABLE catalog_read_model;
CREATE TABLE catalog_read_model (
    generation BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    chunk BYTEA NOT NULL,
    PRIMARY KEY (generation, seq)
);
