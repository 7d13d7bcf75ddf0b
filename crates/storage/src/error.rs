use std::fmt;

/// What can go wrong in a store. Messages name the database and say what to do.
#[derive(Debug)]
pub enum StorageError {
    /// The database URL or configuration is wrong.
    Config(String),
    /// The database cannot be opened (missing directory, permissions, not a database, no server).
    Open(String),
    /// A query failed.
    Query(String),
    /// The database is newer than this binary.
    Schema(String),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Config(m) | StorageError::Open(m) | StorageError::Query(m) | StorageError::Schema(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for StorageError {}

impl From<rusqlite::Error> for StorageError {
    fn from(err: rusqlite::Error) -> Self {
        StorageError::Query(format!("SQLite: {err}"))
    }
}

#[cfg(feature = "postgres")]
impl From<postgres::Error> for StorageError {
    fn from(err: postgres::Error) -> Self {
        StorageError::Query(format!(
            "PostgreSQL: {}",
            err.as_db_error().map_or_else(|| err.to_string(), |e| e.message().to_string())
        ))
    }
}
