-- A random identity for this database: a saved read-model image names the
-- database it was made from, so that an image never loads over another one.
INSERT INTO catalog_meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))));
