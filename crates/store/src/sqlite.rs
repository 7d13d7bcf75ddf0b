use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};

use std::sync::Mutex;

use kiosque_catalog::{ChangeSet, Claim, Conflict, Diagnostic, FileState, Snapshot, StoredEntity, StoredRelations};
use kiosque_model::Severity;
use rusqlite::{params, Connection, Transaction};

use crate::migrate::{COMPONENT, SQLITE};
use crate::problems::problem_changes;
use crate::{location_id, CatalogStore, ImageWriter, Problems, StoreError, StoredLocation};

/// The embedded store: one SQLite file in WAL mode.
pub struct SqliteStore {
    path: String,
    /// This database's identity (see the `0002` migration).
    store_id: String,
    connection: Mutex<Connection>,
}

/// Starts a read-model image file, before the database identity and the generation.
const IMAGE_FILE_MAGIC: &[u8; 8] = b"KQIMAGE1";

const SELECT_CONFLICTS: &str =
    "SELECT entity_ref, winner_file, loser_file FROM catalog_conflicts ORDER BY entity_ref, loser_file";

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &str) -> Result<SqliteStore, StoreError> {
        let mut connection = kiosque_storage::sqlite::open(path, 65_536)?;
        kiosque_storage::sqlite::migrate(&mut connection, COMPONENT, SQLITE).map_err(|e| match e {
            kiosque_storage::StorageError::Query(m) => {
                StoreError::Open(format!("cannot prepare SQLite database {path}: {m}"))
            }
            other => other.into(),
        })?;
        let store_id: String = connection
            .query_row("SELECT value FROM catalog_meta WHERE key = 'store_id'", [], |r| r.get(0))
            .map_err(|e| StoreError::from(kiosque_storage::sqlite::open_error(path, e)))?;
        Ok(SqliteStore { path: path.to_string(), store_id, connection: Mutex::new(connection) })
    }

    /// The read-model image lives beside the database file (not in it: it
    /// is rewritten whole, and would bloat the WAL). In-memory databases
    /// keep none.
    fn image_path(&self) -> Option<String> {
        (!self.path.is_empty() && self.path != ":memory:" && !self.path.starts_with("file::memory:"))
            .then(|| format!("{}.read-model", self.path))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction half-applied
        // (SQLite rolls it back), so a poisoned lock is safe to reuse.
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}

/// A conflict from the columns `entity_ref, winner_file, loser_file`.
fn read_problems(tx: &Transaction<'_>) -> Result<(Vec<Conflict>, Vec<Diagnostic>), StoreError> {
    let conflicts = {
        let mut statement = tx.prepare(SELECT_CONFLICTS)?;
        let rows = statement.query_map([], conflict_at)?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    let diagnostics = {
        let mut statement =
            tx.prepare("SELECT file, line, col, severity, message FROM catalog_diagnostics ORDER BY file, line, col")?;
        let rows = statement.query_map([], |r| diagnostic_at(r, 0))?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    Ok((conflicts, diagnostics))
}

fn conflict_at(row: &rusqlite::Row<'_>) -> rusqlite::Result<Conflict> {
    Ok(Conflict { entity_ref: row.get(0)?, winner_file: row.get(1)?, loser_file: row.get(2)? })
}

/// A diagnostic from the columns `file, line, col, severity, message`, the first at `at`.
fn diagnostic_at(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Diagnostic> {
    Ok(Diagnostic {
        file: row.get(at)?,
        line: row.get(at + 1)?,
        col: row.get(at + 2)?,
        severity: parse_severity(&row.get::<_, String>(at + 3)?),
        message: row.get(at + 4)?,
    })
}

pub(crate) fn severity_text(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub(crate) fn parse_severity(text: &str) -> Severity {
    if text == "error" {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// Writes the change set; bumps the generation only when a row actually
/// changed, so a refresh that finds nothing new does not make every replica reload.
fn apply_in(tx: &Transaction<'_>, changes: &ChangeSet) -> Result<(), StoreError> {
    let before = tx.total_changes();
    {
        let mut put_file = tx.prepare_cached(
            "INSERT INTO catalog_files (key, state) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET state = excluded.state WHERE catalog_files.state IS NOT excluded.state",
        )?;
        for state in &changes.files {
            put_file.execute(params![state.key, serde_json::to_string(state)?])?;
        }
        let mut remove_file = tx.prepare_cached("DELETE FROM catalog_files WHERE key = ?1")?;
        for key in &changes.removed_files {
            remove_file.execute(params![key])?;
        }
        let mut put_entity = tx.prepare_cached(
            "INSERT INTO catalog_entities (entity_ref, file_key, line, col, orphan, body, relations, changed_at)
             VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7)
             ON CONFLICT (entity_ref) DO UPDATE SET file_key = excluded.file_key, line = excluded.line, col = excluded.col,
               orphan = 0, body = excluded.body, relations = excluded.relations,
               changed_at = CASE
                 WHEN (catalog_entities.file_key, catalog_entities.line, catalog_entities.col, catalog_entities.orphan,
                       catalog_entities.body)
                   IS NOT (excluded.file_key, excluded.line, excluded.col, 0, excluded.body)
                 THEN excluded.changed_at ELSE catalog_entities.changed_at END
             WHERE (catalog_entities.file_key, catalog_entities.line, catalog_entities.col, catalog_entities.orphan,
                    catalog_entities.body, catalog_entities.relations)
               IS NOT (excluded.file_key, excluded.line, excluded.col, 0, excluded.body, excluded.relations)",
        )?;
        for entity in &changes.upserts {
            put_entity.execute(params![
                entity.entity_ref,
                entity.file_key,
                entity.line,
                entity.col,
                entity.body,
                entity.relations.0,
                changes.changed_at
            ])?;
        }
        let mut orphan = tx.prepare_cached(
            "UPDATE catalog_entities SET orphan = 1, changed_at = ?2 WHERE entity_ref = ?1 AND orphan = 0",
        )?;
        for entity_ref in &changes.orphaned {
            orphan.execute(params![entity_ref, changes.changed_at])?;
        }
        let stored_conflicts = {
            let mut statement = tx.prepare_cached(SELECT_CONFLICTS)?;
            let rows = statement.query_map([], conflict_at)?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let stored_diagnostics = {
            let mut statement =
                tx.prepare_cached("SELECT file_key, file, line, col, severity, message FROM catalog_diagnostics")?;
            let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, diagnostic_at(r, 1)?)))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let problems = problem_changes(changes, &stored_conflicts, &stored_diagnostics);
        let mut clear_conflicts = tx.prepare_cached("DELETE FROM catalog_conflicts WHERE loser_file = ?1")?;
        let mut clear_diagnostics = tx.prepare_cached("DELETE FROM catalog_diagnostics WHERE file_key = ?1")?;
        for key in &problems.clear {
            clear_conflicts.execute(params![key])?;
            clear_diagnostics.execute(params![key])?;
        }
        let mut put_conflict = tx.prepare_cached(
            "INSERT INTO catalog_conflicts (entity_ref, winner_file, loser_file) VALUES (?1, ?2, ?3)",
        )?;
        for c in &problems.conflicts {
            put_conflict.execute(params![c.entity_ref, c.winner_file, c.loser_file])?;
        }
        let mut put_diagnostic = tx.prepare_cached(
            "INSERT INTO catalog_diagnostics (file_key, file, line, col, severity, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (key, d) in &problems.diagnostics {
            put_diagnostic.execute(params![key, d.file, d.line, d.col, severity_text(d.severity), d.message])?;
        }
    }
    if tx.total_changes() != before {
        tx.execute(
            "UPDATE catalog_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'",
            [],
        )?;
    }
    Ok(())
}

impl CatalogStore for SqliteStore {
    fn file_states(&self) -> Result<HashMap<String, FileState>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare("SELECT key, state FROM catalog_files")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (key, state) = row?;
            out.insert(key, serde_json::from_str(&state)?);
        }
        drop(statement);
        conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(out)
    }

    fn claims(&self) -> Result<HashMap<String, Claim>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare("SELECT entity_ref, file_key, orphan FROM catalog_entities")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, Claim { file_key: row.get(1)?, orphan: row.get::<_, i64>(2)? != 0 }))
        })?;
        let claims = rows.collect::<Result<_, _>>()?;
        drop(statement);
        // A refresh reads every claim once: no reason to keep those pages cached.
        conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(claims)
    }

    fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare(SELECT_CONFLICTS)?;
        let rows = statement.query_map([], conflict_at)?;
        rows.collect::<Result<_, _>>().map_err(Into::into)
    }

    fn apply(&self, changes: &ChangeSet) -> Result<u64, StoreError> {
        let mut conn = self.lock();
        if !changes.is_empty() || !changes.diagnostics.is_empty() {
            let tx = conn.transaction()?;
            apply_in(&tx, changes)?;
            tx.commit()?;
        }
        // The pages an import touched are not needed until the next one.
        conn.execute_batch("PRAGMA shrink_memory")?;
        drop(conn);
        self.generation()
    }

    fn generation(&self) -> Result<u64, StoreError> {
        let conn = self.lock();
        let value: String =
            conn.query_row("SELECT value FROM catalog_meta WHERE key = 'generation'", [], |r| r.get(0))?;
        Ok(value.parse().unwrap_or(0))
    }

    fn problems(&self) -> Result<Problems, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let generation: String =
            tx.query_row("SELECT value FROM catalog_meta WHERE key = 'generation'", [], |r| r.get(0))?;
        let (conflicts, diagnostics) = read_problems(&tx)?;
        tx.commit()?;
        Ok(Problems { generation: generation.parse().unwrap_or(0), conflicts, diagnostics })
    }

    fn read_model_image(&self, generation: u64) -> Result<Option<Box<dyn Read + Send>>, StoreError> {
        let Some(path) = self.image_path() else { return Ok(None) };
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::Query(format!("cannot open {path}: {e}"))),
        };
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut header = [0u8; 8 + 32 + 8];
        if reader.read_exact(&mut header).is_err()
            || &header[..8] != IMAGE_FILE_MAGIC
            || header[8..40] != *self.store_id.as_bytes()
            || header[40..] != generation.to_le_bytes()
        {
            return Ok(None);
        }
        Ok(Some(Box::new(reader)))
    }

    fn save_read_model_image(&self, generation: u64, write: &mut ImageWriter<'_>) -> Result<(), StoreError> {
        let Some(path) = self.image_path() else { return Ok(()) };
        if self.store_id.len() != 32 {
            return Ok(());
        }
        // Written aside, then renamed over: a reader never sees half an image.
        // Not synced: it is a cache, and a torn one fails its checksum and is
        // rebuilt.
        let partial = format!("{path}.partial");
        let result = (|| -> std::io::Result<()> {
            let mut out = BufWriter::with_capacity(1 << 20, File::create(&partial)?);
            out.write_all(IMAGE_FILE_MAGIC)?;
            out.write_all(self.store_id.as_bytes())?;
            out.write_all(&generation.to_le_bytes())?;
            write(&mut out)?;
            out.flush()?;
            drop(out);
            std::fs::rename(&partial, &path)
        })();
        result.map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            StoreError::Query(format!("cannot save the read-model image {path}: {e}"))
        })
    }

    fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let mut conn = self.lock();
        // One read transaction: a consistent view even while an import commits.
        let tx = conn.transaction()?;
        let generation: String =
            tx.query_row("SELECT value FROM catalog_meta WHERE key = 'generation'", [], |r| r.get(0))?;
        let mut entities = Vec::new();
        {
            let mut statement =
                tx.prepare("SELECT entity_ref, file_key, line, col, orphan, body, relations, changed_at FROM catalog_entities ORDER BY entity_ref")?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let relations: String = row.get(6)?;
                entities.push(StoredEntity {
                    entity_ref: row.get(0)?,
                    file_key: row.get(1)?,
                    line: row.get(2)?,
                    col: row.get(3)?,
                    orphan: row.get::<_, i64>(4)? != 0,
                    body: row.get(5)?,
                    relations: StoredRelations(relations),
                    changed_at: row.get(7)?,
                });
            }
        }
        let (conflicts, diagnostics) = read_problems(&tx)?;
        tx.commit()?;
        // The pages read for a snapshot are not needed again soon: give the
        // cache back rather than keep tens of megabytes beside the read model.
        conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(Snapshot { generation: generation.parse().unwrap_or(0), entities, conflicts, diagnostics })
    }

    fn locations(&self) -> Result<Vec<StoredLocation>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare("SELECT id, type, target FROM catalog_locations ORDER BY seq")?;
        let rows =
            statement.query_map([], |r| Ok(StoredLocation { id: r.get(0)?, kind: r.get(1)?, target: r.get(2)? }))?;
        rows.collect::<Result<_, _>>().map_err(Into::into)
    }

    fn add_location(&self, kind: &str, target: &str) -> Result<StoredLocation, StoreError> {
        let conn = self.lock();
        let id = location_id(kind, target);
        conn.execute(
            "INSERT INTO catalog_locations (id, seq, type, target, created_at)
             VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM catalog_locations), ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
             ON CONFLICT DO NOTHING",
            params![id, kind, target],
        )?;
        Ok(StoredLocation { id, kind: kind.to_string(), target: target.to_string() })
    }

    fn remove_location(&self, id: &str) -> Result<bool, StoreError> {
        let conn = self.lock();
        Ok(conn.execute("DELETE FROM catalog_locations WHERE id = ?1", params![id])? > 0)
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
