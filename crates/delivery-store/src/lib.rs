//! Durable storage of delivery events and of the facts the DORA report reads.
//!
//! # What is stored
//!
//! Every change, deployment and incident received, appended to an event log in a compact
//! binary form (a million changes take about 35 MB; see the `log` module), the webhook
//! deliveries already
//! processed (so a redelivery stores nothing twice), events that could not be tied to a
//! service (with the reason), the ownership last imported, and one row of derived facts per
//! production deployment ([`DeploymentFact`]): failed or not, its recovery time, and the lead
//! times of the changes it first brought to production.
//!
//! # Why derived facts
//!
//! A report over 90 days needs about 13,000 production deployments and 130,000 lead times
//! out of a history of a million changes. Reading the facts of the window through an index
//! on `finished_at` costs milliseconds, where rebuilding the history from its events costs
//! seconds. The facts are kept current at ingest by a [`Recorder`]: it holds the domain
//! [`History`], inserts each event in it, and rewrites only the facts of the deployments
//! the history says were touched ([`History::take_touched`]). [`report`] reads the facts
//! of the window and hands them to the same computation as the in-memory report
//! ([`kiosque_delivery::report_facts`]): one computation, many views.
//!
//! Two implementations of [`DeliveryStore`]: SQLite (one file, WAL; the default) and
//! PostgreSQL, with the same tables created by migrations recorded under the `delivery`
//! component in `kiosque_migrations`. Each [`Batch`] is written in one transaction.
//!
//! A bulk import ([`Recorder::import`]) is a pipeline: parsing and encoding on all cores,
//! the history on one thread, the store's writes on another. Into SQLite, its transaction
//! runs in rollback-journal mode when no other connection has the file open, so that its
//! pages are written once rather than to the write-ahead log and again at the checkpoint;
//! killed half-way, it leaves the previous data intact, as in WAL mode.

mod error;
mod log;
#[cfg(feature = "postgres")]
mod postgres_store;
mod recorder;
mod sqlite;

use kiosque_delivery::{DeploymentFact, Event, Facts, IncidentFact, Ownership, Report, Window};

pub use error::StoreError;
#[cfg(feature = "postgres")]
pub use postgres_store::PostgresStore;
pub use recorder::{Imported, Recorded, Recorder};
pub use sqlite::SqliteStore;

/// A webhook delivery: its source (`github`, `gitlab`) and the id the sender gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub source: String,
    pub id: String,
    /// UTC seconds.
    pub received_at: i64,
}

/// An event that names no known service, kept so that people see why a figure is missing
/// and so that it can be replayed once the mapping exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmappedEvent {
    /// Where it came from: `github`, `gitlab`, `api`.
    pub source: String,
    /// `deployment`, `incident`, …
    pub kind: String,
    /// Its identity within source and kind (an id): a repeat replaces it.
    pub key: String,
    pub repository: String,
    pub reason: String,
    /// The event as JSON, in the bulk format where it has one.
    pub event: String,
    pub received_at: i64,
}

/// One write of a fact: put a deployment's facts, or drop those of a deployment that is no
/// longer a production one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactWrite {
    Put(DeploymentFact),
    Drop(i64),
}

/// Events encoded for the log, up to about a megabyte a chunk (see the `log` module).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogChunks {
    /// Each chunk with its number of events.
    chunks: Vec<(u64, Vec<u8>)>,
}

impl LogChunks {
    pub fn encode<'a>(events: impl IntoIterator<Item = &'a Event>) -> LogChunks {
        let mut writer = log::LogWriter::default();
        events.into_iter().for_each(|e| writer.event(e));
        LogChunks { chunks: writer.finish() }
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    pub(crate) fn chunks(&self) -> &[(u64, Vec<u8>)] {
        &self.chunks
    }

    pub(crate) fn from_writer(writer: log::LogWriter) -> LogChunks {
        LogChunks { chunks: writer.finish() }
    }
}

/// Everything one transaction writes.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// When set and already recorded, the batch writes nothing.
    pub delivery: Option<WebhookDelivery>,
    /// Events appended to the log.
    pub events: LogChunks,
    /// The current version of incidents added or replaced.
    pub incidents: Vec<IncidentFact>,
    pub facts: Vec<FactWrite>,
    /// Drop every deployment fact before writing `facts` (a full rewrite).
    pub replace_all_facts: bool,
    pub unmapped: Vec<UnmappedEvent>,
    /// Replaces the stored ownership.
    pub ownership: Option<Ownership>,
    /// Raises the stored latest `finished_at` to this.
    pub latest_finished_at: Option<i64>,
    /// Records the production environment names the facts were derived with.
    pub production_environments: Option<Vec<String>>,
    /// When set, the batch is written only if the log still ends at this position (no
    /// other writer appended since the history it was derived from): otherwise nothing is
    /// written and [`Written::LogMoved`] says so.
    pub log_position: Option<i64>,
}

/// What [`DeliveryStore::write`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Stored; the log now ends at this position.
    Stored(i64),
    /// Its delivery was recorded before: nothing was written.
    DuplicateDelivery,
    /// The log has moved past [`Batch::log_position`]: nothing was written.
    LogMoved,
}

impl Batch {
    fn writes_rows(&self) -> bool {
        !(self.events.is_empty()
            && self.incidents.is_empty()
            && self.facts.is_empty()
            && !self.replace_all_facts
            && self.unmapped.is_empty()
            && self.ownership.is_none()
            && self.production_environments.is_none())
    }
}

/// The delivery capability's storage.
pub trait DeliveryStore: Send + Sync {
    /// Writes the batch in one transaction, unless its delivery was recorded before or the
    /// log has moved past its `log_position`. Writers take turns, so that the log's
    /// positions follow the order in which writes commit.
    fn write(&self, batch: &Batch) -> Result<Written, StoreError>;
    /// Writes log chunks as `log` yields them, then the batch `rest` returns, in one
    /// transaction (nothing at all when `rest` returns `None`). The log of `rest` itself
    /// is ignored, as is its delivery: this is for bulk imports.
    fn write_streaming(
        &self,
        log: &mut dyn Iterator<Item = (u64, Vec<u8>)>,
        rest: &mut dyn FnMut() -> Option<Batch>,
    ) -> Result<(), StoreError>;
    /// Hands the event log to `sink` in arrival order, a chunk at a time, still encoded
    /// (for a caller that decodes on several threads). An error from `sink` ends the read.
    fn read_log(&self, sink: &mut dyn FnMut(Vec<u8>) -> Result<(), StoreError>) -> Result<(), StoreError>;
    /// Hands the chunks of the log after `position` to `sink`, in order; returns the
    /// position the log ends at (`position` when nothing followed it).
    fn read_log_after(
        &self,
        position: i64,
        sink: &mut dyn FnMut(Vec<u8>) -> Result<(), StoreError>,
    ) -> Result<i64, StoreError>;
    /// Where the log ends (0 when empty): the position of its last chunk.
    fn log_position(&self) -> Result<i64, StoreError>;
    /// Hands every logged event to `sink`, in arrival order.
    fn read_events(&self, sink: &mut dyn FnMut(Event)) -> Result<(), StoreError> {
        self.read_log(&mut |chunk| log::read_chunk(&chunk, sink))
    }
    /// The facts of production deployments finished, and incidents opened, in
    /// `from <= t < until`, with the latest `finished_at` of all deployments.
    fn window_facts(&self, from: i64, until: i64) -> Result<Facts, StoreError>;
    /// The latest `finished_at` of any stored deployment.
    fn latest_finished_at(&self) -> Result<Option<i64>, StoreError>;
    /// The production environment names the stored facts were derived with, if any.
    fn production_environments(&self) -> Result<Option<Vec<String>>, StoreError>;
    /// The ownership last imported (empty if none).
    fn ownership(&self) -> Result<Ownership, StoreError>;
    /// Events kept without a service, newest first, at most `limit`.
    fn unmapped_events(&self, limit: usize) -> Result<Vec<UnmappedEvent>, StoreError>;
    /// A number that grows with every write that changed something.
    fn generation(&self) -> Result<u64, StoreError>;
    /// Which backend this is, for logs and metrics.
    fn backend(&self) -> &'static str;
}

/// Opens the store a URL names: `sqlite://FILE` (or a bare path), `postgres://…` /
/// `postgresql://…`. Migrations run on open.
pub fn open(url: &str) -> Result<Box<dyn DeliveryStore>, StoreError> {
    match kiosque_storage::Location::parse(url)? {
        kiosque_storage::Location::Sqlite(path) => Ok(Box::new(SqliteStore::open(&path)?)),
        #[cfg(feature = "postgres")]
        kiosque_storage::Location::Postgres(url) => Ok(Box::new(PostgresStore::open(&url)?)),
        #[cfg(not(feature = "postgres"))]
        kiosque_storage::Location::Postgres(_) => {
            Err(StoreError::Config("this build of Kiosque has no PostgreSQL support".into()))
        }
    }
}

/// The report over `window` from the stored facts alone: reads the window's facts through
/// the time index, then computes as [`kiosque_delivery::report`] does.
pub fn report(store: &dyn DeliveryStore, ownership: &Ownership, window: Window) -> Result<Report, StoreError> {
    let latest = store.latest_finished_at()?;
    let (from, until) = window.bounds(latest).map_err(|e| StoreError::Report(e.to_string()))?;
    let facts = store.window_facts(from, until)?;
    kiosque_delivery::report_facts(facts, ownership, window).map_err(|e| StoreError::Report(e.to_string()))
}

/// Packs lead times for the `lead_seconds` column: 8 bytes each, little-endian.
pub(crate) fn pack_seconds(values: &[i64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub(crate) fn unpack_seconds(bytes: &[u8]) -> Result<Vec<i64>, StoreError> {
    if !bytes.len().is_multiple_of(8) {
        return Err(StoreError::Query(format!("stored lead times have {} bytes, not a multiple of 8", bytes.len())));
    }
    Ok(bytes.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect())
}

/// Production environment names as stored in the meta table: one per line.
pub(crate) fn join_environments(names: &[String]) -> String {
    names.join("\n")
}

pub(crate) fn split_environments(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

pub(crate) const MIGRATION_COMPONENT: &str = "delivery";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_times_pack_and_unpack() {
        let values = [0, 1, -1, i64::MAX, 3_600];
        assert_eq!(unpack_seconds(&pack_seconds(&values)).unwrap(), values);
        assert!(unpack_seconds(&[1, 2, 3]).is_err());
    }
}
