//! Refreshing the catalog: every registered location is scanned, the outcome
//! reconciled with what is stored, and the change committed in one
//! transaction. Shared by `kiosque catalog import` and the server's refresh loop.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use kiosque_catalog::{reconcile, ChangeSet, Diagnostic};
use kiosque_ingest::{check_references, scan, Location, LocationKind, ScanOptions};
use kiosque_model::Severity;
use kiosque_store::{CatalogStore, StoreError, StoredLocation};
use serde::Serialize;

/// What one refresh did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RefreshReport {
    pub generation: u64,
    pub files: usize,
    pub files_read: usize,
    pub files_parsed: usize,
    pub entities_written: usize,
    pub orphaned: usize,
    pub conflicts: usize,
    pub errors: usize,
    pub warnings: usize,
    #[serde(serialize_with = "seconds")]
    pub duration: Duration,
    /// Errors and warnings found in this refresh (unchanged files keep theirs in the store).
    pub diagnostics: Vec<Diagnostic>,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Turns a stored location into one ingestion reads.
pub fn to_location(stored: &StoredLocation) -> Option<Location> {
    Some(Location { kind: LocationKind::parse(&stored.kind)?, target: stored.target.clone() })
}

/// Scans every registered location and commits what changed.
pub fn refresh(store: &dyn CatalogStore, options: &ScanOptions) -> Result<RefreshReport, StoreError> {
    refresh_changes(store, options).map(|(report, _)| report)
}

/// As [`refresh`], with the change set committed: a server moves its read
/// model forward by it instead of reloading everything.
pub fn refresh_changes(
    store: &dyn CatalogStore,
    options: &ScanOptions,
) -> Result<(RefreshReport, ChangeSet), StoreError> {
    let started = Instant::now();
    let locations: Vec<Location> = store.locations()?.iter().filter_map(to_location).collect();
    let previous = store.file_states()?;
    let claims = store.claims()?;
    let mut scanned = scan(&locations, &previous, options);
    let mut changes = reconcile(&claims, std::mem::take(&mut scanned.outcomes));

    // An entity its first file stopped declaring passes to a file that lost
    // the conflict for it: those files are read again, and the import decided anew.
    if !changes.orphaned.is_empty() {
        let orphaned: HashSet<&str> = changes.orphaned.iter().map(String::as_str).collect();
        let reread: HashSet<String> = store
            .conflicts()?
            .into_iter()
            .filter(|c| orphaned.contains(c.entity_ref.as_str()))
            .map(|c| c.loser_file)
            .collect();
        if !reread.is_empty() {
            let options = ScanOptions { reread, ..options.clone() };
            scanned = scan(&locations, &previous, &options);
            changes = reconcile(&claims, std::mem::take(&mut scanned.outcomes));
        }
    }
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "refresh: scanned and reconciled");

    // Problems of the locations themselves are replaced on every refresh.
    // References to entities that do not exist are not stored: the read
    // model finds them on every load, so they never go stale.
    for location in &locations {
        changes.reprocessed_files.push(format!("location:{location}"));
    }
    let location_key = locations.first().map_or_else(|| "location:".to_string(), |l| format!("location:{l}"));
    changes.diagnostics.extend(scanned.diagnostics.iter().map(|d| (location_key.clone(), d.clone())));

    let report_diagnostics: Vec<Diagnostic> = changes.diagnostics.iter().map(|(_, d)| d.clone()).collect();
    changes.changed_at =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let generation = store.apply(&changes)?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "refresh: committed");
    let report = RefreshReport {
        generation,
        files: scanned.files_reached,
        files_read: scanned.files_read,
        files_parsed: scanned.files_parsed,
        entities_written: changes.upserts.len(),
        orphaned: changes.orphaned.len(),
        conflicts: changes.conflicts.len(),
        errors: report_diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
        warnings: report_diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
        duration: started.elapsed(),
        diagnostics: report_diagnostics,
    };
    Ok((report, changes))
}

/// Validates paths without a store: every file is parsed, every problem reported.
pub fn validate(locations: &[Location], options: &ScanOptions) -> Vec<Diagnostic> {
    let options = ScanOptions { force: true, ..options.clone() };
    let scanned = scan(locations, &HashMap::new(), &options);
    let mut diagnostics = scanned.diagnostics.clone();
    diagnostics.extend(check_references(&scanned.entities().collect::<Vec<_>>(), &HashSet::new()));
    // Reconciling against an empty store adds duplicate declarations across files.
    let changes = reconcile(&HashMap::new(), scanned.outcomes);
    diagnostics.extend(changes.diagnostics.into_iter().map(|(_, d)| d));
    diagnostics.sort();
    diagnostics.dedup();
    diagnostics
}
