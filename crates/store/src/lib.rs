//! Durable storage of the catalog behind one interface, [`CatalogStore`].
//!
//! Two implementations: embedded SQLite (one file, WAL; the default) and
//! PostgreSQL (for several replicas). Both keep the same tables, created by
//! versioned migrations embedded in the binary, and apply an import's
//! [`ChangeSet`] in one transaction: a crash mid-import leaves the previous
//! catalog intact.
//!
//! Every capability owns its tables and migrations; migrations are recorded
//! per capability in `kiosque_migrations`, so a later capability adds its own
//! set without touching the catalog's.

mod error;
mod migrate;
#[cfg(feature = "postgres")]
mod postgres_store;
mod problems;
mod sqlite;

use std::collections::HashMap;
use std::io::{Read, Write};

use kiosque_catalog::{ChangeSet, Claim, Conflict, Diagnostic, FileState, Snapshot};

pub use error::StoreError;
#[cfg(feature = "postgres")]
pub use postgres_store::PostgresStore;
pub use sqlite::SqliteStore;

/// A location registered through the API or the configuration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredLocation {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub target: String,
}

/// The catalog's storage.
pub trait CatalogStore: Send + Sync {
    /// What is remembered of each source file, by key.
    fn file_states(&self) -> Result<HashMap<String, FileState>, StoreError>;
    /// Which file each stored entity belongs to.
    fn claims(&self) -> Result<HashMap<String, Claim>, StoreError>;
    /// Files declaring an entity another file declared first.
    fn conflicts(&self) -> Result<Vec<Conflict>, StoreError>;
    /// Applies an import in one transaction; returns the new generation
    /// (unchanged when the change set is empty).
    fn apply(&self, changes: &ChangeSet) -> Result<u64, StoreError>;
    /// A number that grows with every applied change: replicas poll it to
    /// know when to reload.
    fn generation(&self) -> Result<u64, StoreError>;
    /// Everything, for the read model.
    fn snapshot(&self) -> Result<Snapshot, StoreError>;
    /// The generation with the conflicts and diagnostics, read together:
    /// what a read model moved forward by a change set needs besides it.
    fn problems(&self) -> Result<Problems, StoreError>;
    /// The saved image of the read model, if one of `generation` is kept.
    fn read_model_image(&self, generation: u64) -> Result<Option<Box<dyn Read + Send>>, StoreError>;
    /// Saves the image `write` produces as the one of `generation`,
    /// replacing any older one.
    fn save_read_model_image(&self, generation: u64, write: &mut ImageWriter<'_>) -> Result<(), StoreError>;
    fn locations(&self) -> Result<Vec<StoredLocation>, StoreError>;
    /// Registers a location; registering the same one twice returns the first.
    fn add_location(&self, kind: &str, target: &str) -> Result<StoredLocation, StoreError>;
    /// Unregisters a location; false when there was none with that id.
    fn remove_location(&self, id: &str) -> Result<bool, StoreError>;
    /// Which backend this is, for logs and metrics.
    fn backend(&self) -> &'static str;
}

/// Writes a read-model image into the sink it is given.
pub type ImageWriter<'a> = dyn FnMut(&mut dyn Write) -> std::io::Result<()> + 'a;

/// Conflicts and diagnostics as of one generation.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    pub generation: u64,
    pub conflicts: Vec<Conflict>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Opens the store a URL names: `sqlite://FILE` (or a bare path),
/// `postgres://…` / `postgresql://…`. Migrations run on open.
pub fn open(url: &str) -> Result<Box<dyn CatalogStore>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        return Ok(Box::new(PostgresStore::open(url)?));
        #[cfg(not(feature = "postgres"))]
        return Err(StoreError::Config("this build of Kiosque has no PostgreSQL support".into()));
    }
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if path.contains("://") {
        return Err(StoreError::Config(format!(
            "unsupported database URL \"{url}\": expected sqlite://FILE or postgres://…"
        )));
    }
    Ok(Box::new(SqliteStore::open(path)?))
}

/// A location's id: stable for the same type and target, so every replica
/// and every restart agrees on it.
pub fn location_id(kind: &str, target: &str) -> String {
    // FNV-1a, twice with different offsets: enough for ids, no hash dependency.
    let fnv =
        |seed: u64| format!("{kind}:{target}").bytes().fold(seed, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3));
    let (a, b) = (fnv(0xcbf29ce484222325), fnv(0x84222325cbf29ce4));
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}
