use std::sync::Mutex;
use std::time::Duration;

use kiosque_delivery::{DeploymentFact, Facts, IncidentFact, Ownership};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::{
    join_environments, pack_seconds, split_environments, unpack_seconds, Batch, DeliveryStore, FactWrite, StoreError,
    UnmappedEvent, Written, MIGRATION_COMPONENT,
};

const MIGRATIONS: &[kiosque_storage::Migration] =
    &[kiosque_storage::Migration { version: 1, sql: include_str!("../migrations/sqlite/0001_delivery.sql") }];

/// The embedded store: one SQLite file in WAL mode (shared with the catalog's tables when
/// both use the same file).
pub struct SqliteStore {
    connection: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its delivery tables up to
    /// date.
    pub fn open(path: &str) -> Result<SqliteStore, StoreError> {
        let mut connection = kiosque_storage::sqlite::open(path, CACHE_KIB)?;
        kiosque_storage::sqlite::migrate(&mut connection, MIGRATION_COMPONENT, MIGRATIONS).map_err(|e| match e {
            kiosque_storage::StorageError::Query(m) => {
                StoreError::Open(format!("cannot prepare SQLite database {path}: {m}"))
            }
            other => other.into(),
        })?;
        Ok(SqliteStore { connection: Mutex::new(connection) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // SQLite rolls back a transaction left open by a panic: a poisoned lock is safe.
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
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

/// The position of the log's last chunk, 0 when it is empty.
fn log_end(connection: &Connection) -> Result<i64, StoreError> {
    Ok(connection.query_row("SELECT COALESCE(MAX(seq), 0) FROM delivery_event_log", [], |r| r.get(0))?)
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
        insert_facts(tx, &batch.facts)?;
    } else if !batch.facts.is_empty() {
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

/// Facts written by one statement of a full rewrite.
const FACT_ROWS: usize = 64;

/// Writes the facts into an emptied table: plain inserts, many rows a statement, where an
/// update writes one row at a time and replaces what is there.
fn insert_facts(tx: &Transaction<'_>, facts: &[FactWrite]) -> Result<(), StoreError> {
    let sql = |rows: usize| {
        let row = "(?, ?, ?, ?, ?, ?, ?, ?)";
        format!(
            "INSERT INTO delivery_deployment_facts (id, service, finished_at, success, failed, rework, \
             recovery_seconds, lead_seconds) VALUES {}",
            vec![row; rows].join(", ")
        )
    };
    let puts: Vec<&DeploymentFact> =
        facts.iter().filter_map(|w| if let FactWrite::Put(f) = w { Some(f) } else { None }).collect();
    let mut full = tx.prepare_cached(&sql(FACT_ROWS))?;
    let mut lead = Vec::new();
    for group in puts.chunks(FACT_ROWS) {
        let mut last;
        let statement = if group.len() == FACT_ROWS {
            &mut full
        } else {
            last = tx.prepare(&sql(group.len()))?;
            &mut last
        };
        for (row, f) in group.iter().enumerate() {
            let at = row * 8;
            statement.raw_bind_parameter(at + 1, f.id)?;
            statement.raw_bind_parameter(at + 2, &f.service)?;
            statement.raw_bind_parameter(at + 3, f.finished_at)?;
            statement.raw_bind_parameter(at + 4, f.success)?;
            statement.raw_bind_parameter(at + 5, f.failed)?;
            statement.raw_bind_parameter(at + 6, f.rework)?;
            statement.raw_bind_parameter(at + 7, f.recovery_seconds)?;
            // Bound by copy: one buffer serves every row.
            lead.clear();
            lead.extend(f.lead_seconds.iter().flat_map(|v| v.to_le_bytes()));
            statement.raw_bind_parameter(at + 8, &lead[..])?;
        }
        statement.raw_execute()?;
    }
    Ok(())
}

/// The body of [`DeliveryStore::write_streaming`]: the log as it comes, then the rest, in one
/// transaction.
fn write_streaming(
    connection: &mut Connection,
    log: &mut dyn Iterator<Item = (u64, Vec<u8>)>,
    rest: &mut dyn FnMut() -> Option<Batch>,
) -> Result<(), StoreError> {
    let tx = connection.transaction()?;
    let mut logged = false;
    {
        // The body is written into its pages directly, not copied into a bound parameter.
        let mut insert =
            tx.prepare_cached("INSERT INTO delivery_event_log (events, body) VALUES (?1, zeroblob(?2))")?;
        for (events, body) in log {
            insert.execute(params![events as i64, body.len() as i64])?;
            let mut blob = tx.blob_open("main", "delivery_event_log", "body", tx.last_insert_rowid(), false)?;
            blob.write_all_at(&body, 0)?;
            logged = true;
        }
    }
    let Some(batch) = rest() else {
        return Err(StoreError::Query("the import stopped before it was complete: nothing was written".into()));
    };
    write_rows(&tx, &batch)?;
    finish(tx, &batch, logged)
}

/// The page cache of a connection, and of a bulk import, in KiB.
const CACHE_KIB: u32 = 128 << 10;
const IMPORT_CACHE_KIB: u32 = 8 << 10;

/// How long a connection waits for another one's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A bulk import's way of writing its pages once. In WAL mode every page goes to the
/// write-ahead log first and is copied into the database at the checkpoint: twice the tens
/// of megabytes of a large import's event log. In rollback-journal mode SQLite journals
/// only the original content of the pages that existed when the transaction began; the
/// new pages, appended to the file, are written once.
///
/// Crash safety is the same as in WAL mode. An import killed before its commit leaves a
/// hot journal, which the next connection plays back before it reads anything (opening
/// the store included), restoring the changed pages and truncating the file to its former
/// size: the previous data is intact. `synchronous = FULL` syncs the journal before the
/// database file is changed, so this holds across a power loss too. Afterwards the
/// database goes back to WAL mode; if that fails, the next open does it.
///
/// Leaving WAL mode needs the database to itself: when another connection has it open,
/// the import stays in WAL mode, slower and just as safe.
struct RollbackJournal {
    entered: bool,
}

impl RollbackJournal {
    fn enter(connection: &Connection) -> RollbackJournal {
        // Another connection is the reason not to leave WAL mode: do not wait for it.
        let mode = connection
            .busy_timeout(Duration::ZERO)
            .and_then(|()| connection.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)));
        let entered = mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete"))
            && connection.execute_batch("PRAGMA synchronous = FULL").is_ok();
        let _ = connection.busy_timeout(BUSY_TIMEOUT);
        RollbackJournal { entered }
    }

    /// Returns to WAL mode, and hands on the result of the import.
    fn leave(self, connection: &Connection, written: Result<(), StoreError>) -> Result<(), StoreError> {
        if self.entered {
            let wal = connection.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
            if wal.is_ok_and(|m| m.eq_ignore_ascii_case("wal")) {
                let _ = connection.execute_batch("PRAGMA synchronous = NORMAL");
            }
        }
        written
    }
}

impl DeliveryStore for SqliteStore {
    fn write(&self, batch: &Batch) -> Result<Written, StoreError> {
        let mut connection = self.lock();
        // IMMEDIATE: the position is checked and the log appended under one write lock.
        let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(expected) = batch.log_position {
            if log_end(&tx)? != expected {
                return Ok(Written::LogMoved);
            }
        }
        if let Some(d) = &batch.delivery {
            let inserted = tx.execute(
                "INSERT INTO delivery_webhook_deliveries (source, delivery_id, received_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT DO NOTHING",
                params![d.source, d.id, d.received_at],
            )?;
            if inserted == 0 {
                return Ok(Written::DuplicateDelivery);
            }
        }
        write_rows(&tx, batch)?;
        let position = log_end(&tx)?;
        finish(tx, batch, false)?;
        Ok(Written::Stored(position))
    }

    fn write_streaming(
        &self,
        log: &mut dyn Iterator<Item = (u64, Vec<u8>)>,
        rest: &mut dyn FnMut() -> Option<Batch>,
    ) -> Result<(), StoreError> {
        let mut connection = self.lock();
        let journal = RollbackJournal::enter(&connection);
        // A small page cache: the import's pages are written once and not read again, and
        // recycling a few megabytes of pages costs less than allocating all of them.
        let _ = connection.execute_batch(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"));
        let written = write_streaming(&mut connection, log, rest);
        let _ = connection.execute_batch(&format!("PRAGMA cache_size = -{CACHE_KIB}"));
        journal.leave(&connection, written)
    }

    fn read_log_after(
        &self,
        position: i64,
        sink: &mut dyn FnMut(Vec<u8>) -> Result<(), StoreError>,
    ) -> Result<i64, StoreError> {
        let connection = self.lock();
        let mut select =
            connection.prepare_cached("SELECT seq, body FROM delivery_event_log WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = select.query([position])?;
        let mut end = position;
        while let Some(r) = rows.next()? {
            end = r.get(0)?;
            let body = r.get_ref(1)?.as_blob().map_err(|e| StoreError::Query(format!("SQLite: event log: {e}")))?;
            sink(body.to_vec())?;
        }
        Ok(end)
    }

    fn log_position(&self) -> Result<i64, StoreError> {
        log_end(&self.lock())
    }

    fn read_log(&self, sink: &mut dyn FnMut(Vec<u8>) -> Result<(), StoreError>) -> Result<(), StoreError> {
        let connection = self.lock();
        let mut select = connection.prepare("SELECT body FROM delivery_event_log ORDER BY seq")?;
        let mut rows = select.query([])?;
        while let Some(r) = rows.next()? {
            let body = r.get_ref(0)?.as_blob().map_err(|e| StoreError::Query(format!("SQLite: event log: {e}")))?;
            sink(body.to_vec())?;
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
