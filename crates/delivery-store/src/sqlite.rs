use std::path::Path;
use std::sync::Mutex;

use kiosque_delivery::{DeploymentFact, Event, Facts, IncidentFact, Ownership};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};

use crate::error::check_not_newer;
use crate::log::read_chunk;
use crate::{
    join_environments, pack_seconds, split_environments, unpack_seconds, Batch, DeliveryStore, FactWrite, StoreError,
    UnmappedEvent, MIGRATION_COMPONENT,
};

const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/sqlite/0001_delivery.sql"))];

/// The embedded store: one SQLite file in WAL mode (shared with the catalog's tables when
/// both use the same file).
pub struct SqliteStore {
    connection: Mutex<Connection>,
}

fn open_error(path: &str, err: rusqlite::Error) -> StoreError {
    StoreError::Open(format!("cannot open SQLite database {path}: {err}"))
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its delivery tables up to
    /// date.
    pub fn open(path: &str) -> Result<SqliteStore, StoreError> {
        if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(StoreError::Open(format!(
                    "cannot open SQLite database {path}: directory {} does not exist",
                    parent.display()
                )));
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut connection = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, e))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; \
                 PRAGMA cache_size = -131072;",
            )
            .map_err(|e| open_error(path, e))?;
        migrate(&mut connection).map_err(|e| match e {
            StoreError::Query(m) => StoreError::Open(format!("cannot prepare SQLite database {path}: {m}")),
            other => other,
        })?;
        Ok(SqliteStore { connection: Mutex::new(connection) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // SQLite rolls back a transaction left open by a panic: a poisoned lock is safe.
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    connection.execute_batch(
        "CREATE TABLE IF NOT EXISTS kiosque_migrations (component TEXT NOT NULL, version INTEGER NOT NULL, \
         applied_at TEXT NOT NULL, PRIMARY KEY (component, version))",
    )?;
    let tx = connection.transaction()?;
    for &(version, sql) in MIGRATIONS {
        let applied: Option<i64> = tx
            .query_row(
                "SELECT version FROM kiosque_migrations WHERE component = ?1 AND version = ?2",
                params![MIGRATION_COMPONENT, version],
                |row| row.get(0),
            )
            .optional()?;
        if applied.is_none() {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO kiosque_migrations (component, version, applied_at) VALUES (?1, ?2, datetime('now'))",
                params![MIGRATION_COMPONENT, version],
            )?;
        }
    }
    let newest: Option<i64> =
        tx.query_row("SELECT MAX(version) FROM kiosque_migrations WHERE component = ?1", [MIGRATION_COMPONENT], |r| {
            r.get(0)
        })?;
    check_not_newer(newest)?;
    tx.commit()?;
    Ok(())
}

fn meta(tx: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(tx.query_row("SELECT value FROM delivery_meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

fn set_meta(tx: &Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO delivery_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn parse_meta_number(value: Option<String>, key: &str) -> Result<Option<i64>, StoreError> {
    value
        .map(|v| v.parse::<i64>().map_err(|_| StoreError::Query(format!("delivery_meta {key} is not a number: {v:?}"))))
        .transpose()
}

/// Raises the latest `finished_at`, moves the generation if anything was written, commits.
fn finish(tx: Transaction<'_>, batch: &Batch, logged: bool) -> Result<(), StoreError> {
    if let Some(latest) = batch.latest_finished_at {
        let held = parse_meta_number(meta(&tx, "latest_finished_at")?, "latest_finished_at")?;
        if held.is_none_or(|h| h < latest) {
            set_meta(&tx, "latest_finished_at", &latest.to_string())?;
        }
    }
    if logged || batch.writes_rows() {
        tx.execute("UPDATE delivery_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'", [])?;
    }
    tx.commit()?;
    Ok(())
}

fn write_rows(tx: &Transaction<'_>, batch: &Batch) -> Result<(), StoreError> {
    if !batch.events.is_empty() {
        let mut insert = tx.prepare_cached("INSERT INTO delivery_event_log (events, body) VALUES (?1, ?2)")?;
        for (events, body) in batch.events.chunks() {
            insert.execute(params![*events as i64, body])?;
        }
    }
    if !batch.incidents.is_empty() {
        let mut insert = tx.prepare_cached(
            "INSERT OR REPLACE INTO delivery_incident_facts (id, service, opened_at, resolved_at) \
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for i in &batch.incidents {
            insert.execute(params![i.id, i.service, i.opened_at, i.resolved_at])?;
        }
    }
    if batch.replace_all_facts {
        tx.execute("DELETE FROM delivery_deployment_facts", [])?;
    }
    if !batch.facts.is_empty() {
        let mut put = tx.prepare_cached(
            "INSERT OR REPLACE INTO delivery_deployment_facts (id, service, finished_at, success, failed, rework, \
             recovery_seconds, lead_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut drop = tx.prepare_cached("DELETE FROM delivery_deployment_facts WHERE id = ?1")?;
        for write in &batch.facts {
            match write {
                FactWrite::Put(f) => {
                    put.execute(params![
                        f.id,
                        f.service,
                        f.finished_at,
                        f.success,
                        f.failed,
                        f.rework,
                        f.recovery_seconds,
                        pack_seconds(&f.lead_seconds)
                    ])?;
                }
                FactWrite::Drop(id) => {
                    drop.execute([id])?;
                }
            }
        }
    }
    if !batch.unmapped.is_empty() {
        let mut insert = tx.prepare_cached(
            "INSERT OR REPLACE INTO delivery_unmapped_events (source, kind, key, repository, reason, event, \
             received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for u in &batch.unmapped {
            insert.execute(params![u.source, u.kind, u.key, u.repository, u.reason, u.event, u.received_at])?;
        }
    }
    if let Some(ownership) = &batch.ownership {
        tx.execute("DELETE FROM delivery_ownership", [])?;
        let mut insert = tx.prepare_cached("INSERT INTO delivery_ownership (service, team) VALUES (?1, ?2)")?;
        for (service, team) in ownership.services() {
            insert.execute([service, team])?;
        }
    }
    if let Some(names) = &batch.production_environments {
        set_meta(tx, "production_environments", &join_environments(names))?;
    }
    Ok(())
}

impl DeliveryStore for SqliteStore {
    fn write(&self, batch: &Batch) -> Result<bool, StoreError> {
        let mut connection = self.lock();
        let tx = connection.transaction()?;
        if let Some(d) = &batch.delivery {
            let inserted = tx.execute(
                "INSERT INTO delivery_webhook_deliveries (source, delivery_id, received_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT DO NOTHING",
                params![d.source, d.id, d.received_at],
            )?;
            if inserted == 0 {
                return Ok(false);
            }
        }
        write_rows(&tx, batch)?;
        finish(tx, batch, false)?;
        Ok(true)
    }

    fn write_streaming(
        &self,
        log: &mut dyn Iterator<Item = (u64, Vec<u8>)>,
        rest: &mut dyn FnMut() -> Option<Batch>,
    ) -> Result<(), StoreError> {
        let mut connection = self.lock();
        let tx = connection.transaction()?;
        let mut logged = false;
        {
            let mut insert = tx.prepare_cached("INSERT INTO delivery_event_log (events, body) VALUES (?1, ?2)")?;
            for (events, body) in log {
                insert.execute(params![events as i64, body])?;
                logged = true;
            }
        }
        let Some(batch) = rest() else {
            return Err(StoreError::Query("the import stopped before it was complete: nothing was written".into()));
        };
        write_rows(&tx, &batch)?;
        finish(tx, &batch, logged)
    }

    fn read_events(&self, sink: &mut dyn FnMut(Event)) -> Result<(), StoreError> {
        let connection = self.lock();
        let mut select = connection.prepare("SELECT body FROM delivery_event_log ORDER BY seq")?;
        let mut rows = select.query([])?;
        while let Some(r) = rows.next()? {
            let body = r.get_ref(0)?.as_blob().map_err(|e| StoreError::Query(format!("SQLite: event log: {e}")))?;
            read_chunk(body, sink)?;
        }
        Ok(())
    }

    fn window_facts(&self, from: i64, until: i64) -> Result<Facts, StoreError> {
        let connection = self.lock();
        let latest = parse_meta_number(meta(&connection, "latest_finished_at")?, "latest_finished_at")?;
        let mut facts = Facts::new(latest);
        let mut deployments = connection.prepare_cached(
            "SELECT id, service, finished_at, success, failed, rework, recovery_seconds, lead_seconds \
             FROM delivery_deployment_facts WHERE finished_at >= ?1 AND finished_at < ?2",
        )?;
        let mut rows = deployments.query([from, until])?;
        while let Some(r) = rows.next()? {
            let lead = r.get_ref(7)?.as_blob().map_err(|e| StoreError::Query(format!("SQLite: lead times: {e}")))?;
            facts.add_deployment(DeploymentFact {
                id: r.get(0)?,
                service: r.get(1)?,
                finished_at: r.get(2)?,
                success: r.get(3)?,
                failed: r.get(4)?,
                rework: r.get(5)?,
                recovery_seconds: r.get(6)?,
                lead_seconds: unpack_seconds(lead)?,
            });
        }
        let mut incidents = connection.prepare_cached(
            "SELECT id, service, opened_at, resolved_at FROM delivery_incident_facts \
             WHERE opened_at >= ?1 AND opened_at < ?2",
        )?;
        let mut rows = incidents.query([from, until])?;
        while let Some(r) = rows.next()? {
            facts.add_incident(IncidentFact {
                id: r.get(0)?,
                service: r.get(1)?,
                opened_at: r.get(2)?,
                resolved_at: r.get(3)?,
            });
        }
        Ok(facts)
    }

    fn latest_finished_at(&self) -> Result<Option<i64>, StoreError> {
        parse_meta_number(meta(&self.lock(), "latest_finished_at")?, "latest_finished_at")
    }

    fn production_environments(&self) -> Result<Option<Vec<String>>, StoreError> {
        Ok(meta(&self.lock(), "production_environments")?.map(|v| split_environments(&v)))
    }

    fn ownership(&self) -> Result<Ownership, StoreError> {
        let connection = self.lock();
        let mut select = connection.prepare("SELECT service, team FROM delivery_ownership")?;
        let pairs = select.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        pairs.collect::<Result<Ownership, _>>().map_err(StoreError::from)
    }

    fn unmapped_events(&self, limit: usize) -> Result<Vec<UnmappedEvent>, StoreError> {
        let connection = self.lock();
        let mut select = connection.prepare(
            "SELECT source, kind, key, repository, reason, event, received_at FROM delivery_unmapped_events \
             ORDER BY received_at DESC, source, kind, key LIMIT ?1",
        )?;
        let rows = select.query_map([limit as i64], |r| {
            Ok(UnmappedEvent {
                source: r.get(0)?,
                kind: r.get(1)?,
                key: r.get(2)?,
                repository: r.get(3)?,
                reason: r.get(4)?,
                event: r.get(5)?,
                received_at: r.get(6)?,
            })
        })?;
        rows.collect::<Result<Vec<_>, _>>().map_err(StoreError::from)
    }

    fn generation(&self) -> Result<u64, StoreError> {
        let value = parse_meta_number(meta(&self.lock(), "generation")?, "generation")?;
        Ok(value.unwrap_or(0).max(0) as u64)
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
