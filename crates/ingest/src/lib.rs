//! Ingestion: from registered locations to one [`FileOutcome`] per file.
//!
//! The pipeline runs once per change of a source, in plain stages:
//! 1. **discover** the files each location reaches (a file, a directory, a
//!    glob, a git repository at a ref, and the targets of `Location`
//!    entities found on the way, with cycle detection);
//! 2. **read** only what changed: same size and mtime, or same content hash,
//!    means the stored entities stand;
//! 3. **parse** changed files in parallel, with positions;
//! 4. **validate** each entity and **derive** its relations.
//!
//! Reconciling the outcomes with what is stored is the catalog crate's job,
//! and committing them the store's.

mod file;
#[cfg(feature = "git")]
mod git;
mod location;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use kiosque_catalog::{Diagnostic, FileOutcome, FileState, NewEntity};
use kiosque_model::Severity;
use rayon::prelude::*;

pub use file::{check_references, parse_descriptor_text};
pub use location::{Location, LocationKind};

use location::Pending;

/// Limits and switches of one scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Files larger than this are refused with an error (the rest goes on).
    pub max_file_bytes: u64,
    /// Parse every file even when unchanged (used by `validate`).
    pub force: bool,
    /// Counters a front end may watch while a scan runs.
    pub progress: Option<Arc<Progress>>,
    /// Files to parse again even if unchanged (keys).
    pub reread: HashSet<String>,
}

/// Files found and files processed so far, for progress bars.
#[derive(Debug, Default)]
pub struct Progress {
    pub found: AtomicUsize,
    pub processed: AtomicUsize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { max_file_bytes: 16 * 1024 * 1024, force: false, progress: None, reread: HashSet::new() }
    }
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct Scan {
    pub outcomes: Vec<FileOutcome>,
    /// Problems of locations themselves (a missing path, a cycle, a bad ref).
    pub diagnostics: Vec<Diagnostic>,
    /// Files reached by the locations (the ones read or not).
    pub files_reached: usize,
    pub files_read: usize,
    pub files_parsed: usize,
}

impl Scan {
    /// New entities with the display path of their file.
    pub fn entities(&self) -> impl Iterator<Item = (&str, &NewEntity)> {
        self.outcomes.iter().flat_map(|o| match o {
            FileOutcome::Parsed { state, entities, .. } => {
                entities.iter().map(move |e| (state.key.as_str(), e)).collect::<Vec<_>>()
            }
            _ => Vec::new(),
        })
    }
}

/// Reads every location and returns one outcome per file reached, plus a
/// `Removed` outcome for each previously stored file no location reaches now.
/// A location that fails as a whole (missing path, bad git ref) keeps its
/// previous files as they are.
pub fn scan(locations: &[Location], previous: &HashMap<String, FileState>, options: &ScanOptions) -> Scan {
    let mut result = Scan::default();
    let mut reached: HashSet<String> = HashSet::new();
    let mut failed_origins: HashSet<String> = HashSet::new();
    let mut queue: Vec<Pending> = Vec::new();

    for location in locations {
        match location.discover(options) {
            Ok(found) => {
                queue.extend(found.pending);
                result.diagnostics.extend(found.diagnostics);
            }
            Err(diagnostic) => {
                failed_origins.insert(location.key());
                result.diagnostics.push(diagnostic);
            }
        }
    }

    while !queue.is_empty() {
        let mut batch: Vec<Pending> = Vec::new();
        for pending in queue.drain(..) {
            if reached.insert(pending.key.clone()) {
                batch.push(pending);
            }
        }
        if let Some(progress) = &options.progress {
            progress.found.fetch_add(batch.len(), Ordering::Relaxed);
        }
        let processed: Vec<file::Processed> = batch
            .par_iter()
            .map(|pending| {
                let processed = file::process(pending, previous.get(&pending.key), options);
                if let Some(progress) = &options.progress {
                    progress.processed.fetch_add(1, Ordering::Relaxed);
                }
                processed
            })
            .collect();
        for (pending, processed) in batch.iter().zip(processed) {
            result.files_read += processed.read as usize;
            result.files_parsed += processed.parsed as usize;
            for target in &processed.locations {
                match pending.follow(target, options) {
                    Ok(found) => {
                        for next in found.pending {
                            if pending.chain.contains(&next.key) || next.key == pending.key {
                                result.diagnostics.push(Diagnostic {
                                    file: pending.display.clone(),
                                    line: 1,
                                    col: 1,
                                    severity: Severity::Warning,
                                    message: format!(
                                        "location cycle: {} leads back to {}; not followed again",
                                        pending.display, next.display
                                    ),
                                });
                            } else {
                                queue.push(next);
                            }
                        }
                        result.diagnostics.extend(found.diagnostics);
                    }
                    // Said where the target is written, not at the missing path.
                    Err(diagnostic) => result.diagnostics.push(Diagnostic {
                        file: pending.display.clone(),
                        line: target.line,
                        col: target.col,
                        severity: diagnostic.severity,
                        message: format!("location target \"{}\": {}", target.target, diagnostic.message),
                    }),
                }
            }
            if let Some(outcome) = processed.outcome {
                result.outcomes.push(outcome);
            }
        }
    }

    for (key, state) in previous {
        if !reached.contains(key) {
            result.outcomes.push(if failed_origins.contains(&state.origin) {
                FileOutcome::Failed { key: key.clone(), diagnostics: Vec::new(), state: None }
            } else {
                FileOutcome::Removed { key: key.clone() }
            });
        }
    }
    result.files_reached = reached.len();
    result.outcomes.sort_by(|a, b| a.key().cmp(b.key()));
    result
}
