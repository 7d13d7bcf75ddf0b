//! Refreshing the catalog: every registered location is scanned, the outcome
//! reconciled with what is stored, and the change committed in one
//! transaction. Shared by `kiosque catalog import` and the server's refresh loop.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use kiosque_catalog::{reconcile, Diagnostic, FileOutcome};
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
    let started = Instant::now();
    let locations: Vec<Location> = store.locations()?.iter().filter_map(to_location).collect();
    let previous = store.file_states()?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "refresh: file states loaded");
    let scanned = scan(&locations, &previous, options);
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "refresh: scanned");
    let claims = store.claims()?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "refresh: claims loaded");

    let mut location_diagnostics = scanned.diagnostics.clone();
    // References to entities that exist neither in this import nor in the store.
    let known: HashSet<String> = claims.keys().cloned().collect();
    location_diagnostics.extend(check_references(&scanned.entities().collect::<Vec<_>>(), &known));
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "refresh: references checked");

    let files = scanned.outcomes.iter().filter(|o| !matches!(o, FileOutcome::Removed { .. })).count();
    let (files_read, files_parsed) = (scanned.files_read, scanned.files_parsed);
    let mut changes = reconcile(&claims, scanned.outcomes);
    // Problems of the locations themselves are replaced on every refresh.
    for location in &locations {
        changes.reprocessed_files.push(format!("location:{location}"));
    }
    changes.diagnostics.extend(location_diagnostics.into_iter().map(|d| (location_key_for(&d, &locations), d)));

    let report_diagnostics: Vec<Diagnostic> = changes.diagnostics.iter().map(|(_, d)| d.clone()).collect();
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "refresh: reconciled");
    let generation = store.apply(&changes)?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "refresh: committed");
    Ok(RefreshReport {
        generation,
        files,
        files_read,
        files_parsed,
        entities_written: changes.upserts.len(),
        orphaned: changes.orphaned.len(),
        conflicts: changes.conflicts.len(),
        errors: report_diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
        warnings: report_diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
        duration: started.elapsed(),
        diagnostics: report_diagnostics,
    })
}

/// Location-level diagnostics are filed under the first location (they are
/// replaced as a whole on every refresh anyway).
fn location_key_for(_diagnostic: &Diagnostic, locations: &[Location]) -> String {
    locations.first().map_or_else(|| "location:".to_string(), |l| format!("location:{l}"))
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
