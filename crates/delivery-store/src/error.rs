use std::fmt;

/// What can go wrong in the store. Messages name the database and say what to do.
#[derive(Debug)]
pub enum StoreError {
    /// The database URL or configuration is wrong.
    Config(String),
    /// The database cannot be opened (missing directory, permissions, not a database).
    Open(String),
    /// A query failed.
    Query(String),
    /// The database is newer than this binary.
    Schema(String),
    /// The report cannot be made (a bad window, no deployment to end it at).
    Report(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Config(m)
            | StoreError::Open(m)
            | StoreError::Query(m)
            | StoreError::Schema(m)
            | StoreError::Report(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<kiosque_storage::StorageError> for StoreError {
    fn from(err: kiosque_storage::StorageError) -> Self {
        use kiosque_storage::StorageError as E;
        match err {
            E::Config(m) => StoreError::Config(m),
            E::Open(m) => StoreError::Open(m),
            E::Query(m) => StoreError::Query(m),
            E::Schema(m) => StoreError::Schema(m),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Query(format!("SQLite: {err}"))
    }
}

#[cfg(feature = "postgres")]
impl From<postgres::Error> for StoreError {
    fn from(err: postgres::Error) -> Self {
        StoreError::Query(format!(
            "PostgreSQL: {}",
            err.as_db_error().map_or_else(|| err.to_string(), |e| e.message().to_string())
        ))
    }
}
