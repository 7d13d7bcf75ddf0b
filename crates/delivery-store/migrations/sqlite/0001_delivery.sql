-- Delivery events as received, and the facts the report reads, kept current at ingest.
CREATE TABLE delivery_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO delivery_meta (key, value) VALUES ('generation', '0');

-- Every change, deployment and incident received, in arrival order, in the compact binary
-- format of the store's `log` module, a few megabytes a row. An event sent again with other
-- content is appended again: the later one wins when the log is read back.
CREATE TABLE delivery_event_log (
    seq INTEGER PRIMARY KEY,
    events INTEGER NOT NULL,
    body BLOB NOT NULL
);

-- Derived: one row per production deployment, rewritten whenever an event changes it.
-- `lead_seconds` packs the lead times of the changes it first deployed, 8 bytes each,
-- little-endian.
CREATE TABLE delivery_deployment_facts (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    finished_at INTEGER NOT NULL,
    success INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    rework INTEGER NOT NULL,
    recovery_seconds INTEGER,
    lead_seconds BLOB NOT NULL
);
CREATE INDEX delivery_deployment_facts_by_finished_at ON delivery_deployment_facts (finished_at);

-- Derived: the current version of each incident.
CREATE TABLE delivery_incident_facts (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    resolved_at INTEGER
);
CREATE INDEX delivery_incident_facts_by_opened_at ON delivery_incident_facts (opened_at);

-- Which team owns which service, as last imported (the catalog may say otherwise).
CREATE TABLE delivery_ownership (
    service TEXT PRIMARY KEY,
    team TEXT NOT NULL
);

-- Webhook deliveries already processed, by source and delivery id.
CREATE TABLE delivery_webhook_deliveries (
    source TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (source, delivery_id)
);

-- Events that could not be tied to a service, kept with the reason.
CREATE TABLE delivery_unmapped_events (
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    repository TEXT NOT NULL,
    reason TEXT NOT NULL,
    event TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (source, kind, key)
);
