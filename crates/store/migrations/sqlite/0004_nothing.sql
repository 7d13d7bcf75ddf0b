-- Kept in step with the PostgreSQL migrations (version 4 reshapes a table
-- SQLite does not have: its read-model image is a file).
SELECT 1;
