//! What every capability's store shares, so that a capability's store holds only its own
//! tables and queries.
//!
//! - [`Location::parse`] reads a database URL: `sqlite://FILE` (or a bare path) or
//!   `postgres://…`, the same URL for every capability of one Kiosque.
//! - [`sqlite::open`] opens a file in WAL mode with errors that say what to do;
//!   [`sqlite::migrate`] and [`postgres::migrate`] apply a capability's versioned
//!   [`Migration`]s, recorded under its name in the shared `kiosque_migrations` table, and
//!   refuse a database a newer Kiosque has migrated.
//! - [`postgres::Connection`] is one synchronous connection that reconnects after a loss.
//! - With the `testing` feature, [`testing`] gives each test a fresh SQLite file or a
//!   fresh PostgreSQL database, dropped with it.
//!
//! Capabilities share a database but never each other's tables: each names its tables with
//! its own prefix and reaches another capability only through that capability's crate.

mod error;
pub mod sqlite;

#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::StorageError;

/// One versioned schema change of one capability. An applied migration is never edited:
/// a change is a new migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file (or `:memory:`).
    Sqlite(String),
    /// A `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl Location {
    /// Reads `sqlite://FILE`, `sqlite:FILE`, a bare path, or a PostgreSQL URL.
    pub fn parse(url: &str) -> Result<Location, StorageError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres(url.to_string()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        if path.contains("://") {
            return Err(StorageError::Config(format!(
                "unsupported database URL \"{url}\": expected sqlite://FILE or postgres://…"
            )));
        }
        if path.is_empty() {
            return Err(StorageError::Config("the database URL names no file: expected sqlite://FILE".into()));
        }
        Ok(Location::Sqlite(path.to_string()))
    }
}

/// Refuses a database whose schema for `component` is newer than this binary knows.
fn check_not_newer(component: &str, newest: Option<i64>, migrations: &[Migration]) -> Result<(), StorageError> {
    let newest = newest.unwrap_or(0);
    let known = migrations.iter().map(|m| m.version).max().unwrap_or(0);
    if newest > known {
        return Err(StorageError::Schema(format!(
            "the database schema ({component} version {newest}) is newer than this Kiosque ({component} version \
             {known}); upgrade Kiosque"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(Location::parse("sqlite://a/b.db").unwrap(), Location::Sqlite("a/b.db".into()));
        assert_eq!(Location::parse("sqlite:b.db").unwrap(), Location::Sqlite("b.db".into()));
        assert_eq!(Location::parse("kiosque.db").unwrap(), Location::Sqlite("kiosque.db".into()));
        assert_eq!(Location::parse("postgres://u@h/d").unwrap(), Location::Postgres("postgres://u@h/d".into()));
        assert_eq!(Location::parse("postgresql://h/d").unwrap(), Location::Postgres("postgresql://h/d".into()));
        let err = Location::parse("mysql://h/d").unwrap_err().to_string();
        assert!(err.contains("unsupported database URL \"mysql://h/d\""), "{err}");
        assert!(Location::parse("sqlite://").is_err());
    }

    #[test]
    fn a_newer_schema_is_refused_by_name() {
        let known = [Migration { version: 1, sql: "" }, Migration { version: 2, sql: "" }];
        assert!(check_not_newer("survey", Some(2), &known).is_ok());
        assert!(check_not_newer("survey", None, &known).is_ok());
        let err = check_not_newer("survey", Some(3), &known).unwrap_err().to_string();
        assert!(err.contains("survey version 3") && err.contains("survey version 2"), "{err}");
    }
}
