//! SQLite: one file in WAL mode, opened with errors that say what to do.

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::{check_not_newer, Migration, StorageError};

/// Opens (creating if needed) the database file in WAL mode, with `cache_kib` of page cache.
pub fn open(path: &str, cache_kib: u32) -> Result<Connection, StorageError> {
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            return Err(StorageError::Open(format!(
                "cannot open SQLite database {path}: directory {} does not exist",
                parent.display()
            )));
        }
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, e))?;
    connection
        .execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; \
             PRAGMA cache_size = -{cache_kib};"
        ))
        .map_err(|e| open_error(path, e))?;
    Ok(connection)
}

/// An error opening `path`, with what it most likely means.
pub fn open_error(path: &str, err: rusqlite::Error) -> StorageError {
    let hint = match &err {
        rusqlite::Error::SqliteFailure(e, _) => match e.code {
            rusqlite::ErrorCode::NotADatabase => "the file is not a SQLite database (corrupt, or another kind of file)",
            rusqlite::ErrorCode::ReadOnly => "the database file or its directory is read-only",
            rusqlite::ErrorCode::CannotOpen => {
                "the file cannot be opened (does its directory exist and is it writable?)"
            }
            rusqlite::ErrorCode::PermissionDenied => "permission denied",
            rusqlite::ErrorCode::DatabaseBusy => "the database is locked by another process",
            _ => "",
        },
        _ => "",
    };
    if hint.is_empty() {
        StorageError::Open(format!("cannot open SQLite database {path}: {err}"))
    } else {
        StorageError::Open(format!("cannot open SQLite database {path}: {hint} ({err})"))
    }
}

/// Applies the migrations of `component` not yet recorded, in one transaction, and refuses
/// a database whose `component` schema is newer than `migrations` know.
pub fn migrate(connection: &mut Connection, component: &str, migrations: &[Migration]) -> Result<(), StorageError> {
    connection.execute_batch(
        "CREATE TABLE IF NOT EXISTS kiosque_migrations (component TEXT NOT NULL, version INTEGER NOT NULL, \
         applied_at TEXT NOT NULL, PRIMARY KEY (component, version))",
    )?;
    // IMMEDIATE: two processes opening a new file at once take turns here.
    let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for migration in migrations {
        let applied: Option<i64> = tx
            .query_row(
                "SELECT version FROM kiosque_migrations WHERE component = ?1 AND version = ?2",
                params![component, migration.version],
                |row| row.get(0),
            )
            .optional()?;
        if applied.is_none() {
            tx.execute_batch(migration.sql)?;
            tx.execute(
                "INSERT INTO kiosque_migrations (component, version, applied_at) VALUES (?1, ?2, datetime('now'))",
                params![component, migration.version],
            )?;
        }
    }
    let newest: Option<i64> =
        tx.query_row("SELECT MAX(version) FROM kiosque_migrations WHERE component = ?1", [component], |r| r.get(0))?;
    check_not_newer(component, newest, migrations)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: Migration = Migration { version: 1, sql: "CREATE TABLE things (id INTEGER PRIMARY KEY);" };
    const V2: Migration = Migration { version: 2, sql: "ALTER TABLE things ADD COLUMN name TEXT;" };

    #[test]
    fn migrations_apply_once_each_and_per_component() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let path = path.to_str().unwrap();
        let mut connection = open(path, 1024).unwrap();
        migrate(&mut connection, "things", &[V1]).unwrap();
        // Again with one more: only the new one runs (running V1 twice would fail).
        migrate(&mut connection, "things", &[V1, V2]).unwrap();
        connection.execute("INSERT INTO things (id, name) VALUES (1, 'a')", []).unwrap();
        // Another component's versions are its own.
        migrate(&mut connection, "other", &[Migration { version: 1, sql: "CREATE TABLE other (x);" }]).unwrap();
        let versions: i64 = connection.query_row("SELECT COUNT(*) FROM kiosque_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(versions, 3);
        // An older binary knows only V1: refused, nothing changed.
        drop(connection);
        let mut connection = open(path, 1024).unwrap();
        let err = migrate(&mut connection, "things", &[V1]).unwrap_err();
        assert!(matches!(err, StorageError::Schema(_)), "{err}");
    }

    #[test]
    fn a_missing_directory_or_a_foreign_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope/a.db");
        let err = open(missing.to_str().unwrap(), 1024).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "this is not a database, it is a long enough text file to have a header").unwrap();
        let err = open(text.to_str().unwrap(), 1024).unwrap_err().to_string();
        assert!(err.contains("not a SQLite database"), "{err}");
    }
}
