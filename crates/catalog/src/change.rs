use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use kiosque_model::{Relation, Severity};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use crate::diagnostic::Diagnostic;

/// What the store remembers of one source file between imports, so that an
/// unchanged file is neither read again (same size and mtime) nor parsed
/// again (same content hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    /// `file:/absolute/path` or `git:/repository@ref:path`.
    pub key: String,
    /// The registered location this file was reached from.
    pub origin: String,
    pub hash: u64,
    pub size: u64,
    /// Modification time in nanoseconds; 0 where there is none (git blobs).
    pub mtime_ns: i64,
    /// Files substituted into entities (`$text`, `$json`, `$yaml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    /// Targets of the Location entities this file declares, resolved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
}

/// A file read to substitute a placeholder, with what identifies its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub key: String,
    pub size: u64,
    pub mtime_ns: i64,
}

/// A valid entity read from a changed file.
#[derive(Debug, Clone)]
pub struct NewEntity {
    /// Canonical reference (`kind:namespace/name`, lower case).
    pub entity_ref: String,
    pub body: Value,
    pub line: u32,
    pub col: u32,
    pub relations: Vec<Relation>,
    /// Every reference the entity writes, with where: `(line, col, target)`.
    pub references: Vec<(u32, u32, String)>,
}

/// What ingestion found for one file.
#[derive(Debug, Clone)]
pub enum FileOutcome {
    /// Same content as stored: its entities stay as they are. `touched`
    /// says the state itself changed (a new mtime) and must be written.
    Unchanged { state: FileState, touched: bool },
    /// New content, parsed. `kept` lists references whose new version is
    /// invalid: their stored version is kept rather than lost.
    Parsed { state: FileState, entities: Vec<NewEntity>, kept: Vec<String>, diagnostics: Vec<Diagnostic> },
    /// Could not be read or parsed at all: the stored entities stay. `state`,
    /// when the content could be identified, records that broken version, so
    /// that it is not parsed again until it changes, and restoring the last
    /// good version is seen as a change that clears the error.
    Failed { key: String, diagnostics: Vec<Diagnostic>, state: Option<FileState> },
    /// No longer reached by any location: its entities become orphans.
    Removed { key: String },
}

impl FileOutcome {
    pub fn key(&self) -> &str {
        match self {
            FileOutcome::Unchanged { state, .. } | FileOutcome::Parsed { state, .. } => &state.key,
            FileOutcome::Failed { key, .. } | FileOutcome::Removed { key } => key,
        }
    }
}

/// Which file an already stored entity belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub file_key: String,
    pub orphan: bool,
}

/// Two files declaring the same entity: the first claim wins.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Conflict {
    pub entity_ref: String,
    pub winner_file: String,
    pub loser_file: String,
}

/// Relations as stored: one `type<TAB>source<TAB>target[<TAB>line<TAB>col]`
/// line each, the position being where the declaring entity writes the
/// reference. Text, so that writing and loading 800,000 of them costs one
/// string per entity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredRelations(pub String);

impl StoredRelations {
    /// Relations of `declarer`, with the positions of the references it wrote.
    pub fn from_relations(declarer: &str, relations: &[Relation], references: &[(u32, u32, String)]) -> Self {
        let mut text = String::with_capacity(relations.len() * 64);
        for r in relations {
            // Written straight into the text: no string per relation.
            text.push_str(r.kind.as_str());
            text.push('\t');
            let source_start = text.len();
            let _ = write!(text, "{}", r.source);
            let declared_here = &text[source_start..] == declarer;
            text.push('\t');
            let target_start = text.len();
            let _ = write!(text, "{}", r.target);
            if declared_here {
                let target = &text[target_start..];
                if let Some((line, col, _)) = references.iter().find(|(_, _, t)| t == target) {
                    let (line, col) = (*line, *col);
                    let _ = write!(text, "\t{line}\t{col}");
                }
            }
            text.push('\n');
        }
        StoredRelations(text)
    }

    /// `(type, source, target)` of each relation; malformed lines are skipped.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.iter_with_positions().map(|(kind, source, target, _)| (kind, source, target))
    }

    /// As [`Self::iter`], with the position of the reference when known.
    pub fn iter_with_positions(&self) -> impl Iterator<Item = (&str, &str, &str, Option<(u32, u32)>)> {
        self.0.lines().filter_map(|line| {
            let mut parts = line.split('\t');
            let (kind, source, target) = (parts.next()?, parts.next()?, parts.next()?);
            let position = match (parts.next().and_then(|l| l.parse().ok()), parts.next().and_then(|c| c.parse().ok()))
            {
                (Some(line), Some(col)) => Some((line, col)),
                _ => None,
            };
            Some((kind, source, target, position))
        })
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An entity as stored: its final JSON body and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntity {
    pub entity_ref: String,
    pub file_key: String,
    pub line: u32,
    pub col: u32,
    pub orphan: bool,
    /// The entity as JSON text, with `metadata.uid`, `metadata.etag` and the
    /// location annotations filled in.
    pub body: String,
    /// Relations this entity declares, both directions.
    pub relations: StoredRelations,
    /// When its content (body, file, position or orphan flag) last changed,
    /// in seconds since 1970; set by the store from [`ChangeSet::changed_at`].
    pub changed_at: i64,
}

/// Everything the store holds of the catalog, as the read model loads it.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub generation: u64,
    pub entities: Vec<StoredEntity>,
    pub conflicts: Vec<Conflict>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The outcome of one import, applied by the store in one transaction.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    /// File states to write (new or updated).
    pub files: Vec<FileState>,
    pub removed_files: Vec<String>,
    pub upserts: Vec<StoredEntity>,
    /// References to flag as orphans.
    pub orphaned: Vec<String>,
    /// Files whose conflicts and diagnostics are replaced by the ones below.
    pub reprocessed_files: Vec<String>,
    pub conflicts: Vec<Conflict>,
    /// Diagnostics with the key of the file they belong to.
    pub diagnostics: Vec<(String, Diagnostic)>,
    /// When this change happens (seconds since 1970): the store records it
    /// on every entity whose content it changes.
    pub changed_at: i64,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty()
            && self.orphaned.is_empty()
            && self.removed_files.is_empty()
            && self.reprocessed_files.is_empty()
            && self.files.is_empty()
    }
}

/// Decides what an import changes, given the claims already stored.
///
/// Rules: an entity belongs to the first file that declared it and is still
/// declaring it; a later claim from another file is a conflict reported on
/// both; an entity whose file stops declaring it (or disappears) becomes an
/// orphan, never deleted; a file that fails to parse changes nothing.
pub fn reconcile(previous: &HashMap<String, Claim>, mut outcomes: Vec<FileOutcome>) -> ChangeSet {
    outcomes.sort_by(|a, b| a.key().cmp(b.key()));
    let mut changes = ChangeSet::default();

    // Files that keep their previous entities whatever happens.
    let stable: HashSet<String> = outcomes
        .iter()
        .filter(|o| matches!(o, FileOutcome::Unchanged { .. } | FileOutcome::Failed { .. }))
        .map(|o| o.key().to_string())
        .collect();
    let removed: HashSet<String> =
        outcomes.iter().filter(|o| matches!(o, FileOutcome::Removed { .. })).map(|o| o.key().to_string()).collect();
    let mut declared: HashMap<String, HashSet<String>> = HashMap::new();
    for outcome in &outcomes {
        if let FileOutcome::Parsed { state, entities, kept, .. } = outcome {
            let set = declared.entry(state.key.clone()).or_default();
            set.extend(entities.iter().map(|e| e.entity_ref.clone()));
            set.extend(kept.iter().cloned());
        }
    }

    // Claims changed by this import, over the stored ones.
    let mut claims: HashMap<String, Claim> = HashMap::new();
    let mut orphaned: HashSet<String> = HashSet::new();
    for (entity_ref, claim) in previous {
        if claim.orphan || stable.contains(&claim.file_key) {
            continue;
        }
        let gone = removed.contains(&claim.file_key)
            || declared.get(&claim.file_key).is_some_and(|set| !set.contains(entity_ref));
        if gone {
            claims.insert(entity_ref.clone(), Claim { file_key: claim.file_key.clone(), orphan: true });
            orphaned.insert(entity_ref.clone());
        }
    }

    let mut accepted: Vec<(NewEntity, String, String)> = Vec::new();
    for outcome in outcomes {
        match outcome {
            FileOutcome::Unchanged { state, touched } => {
                if touched {
                    changes.files.push(state);
                }
            }
            FileOutcome::Removed { key } => {
                changes.reprocessed_files.push(key.clone());
                changes.removed_files.push(key);
            }
            FileOutcome::Failed { key, diagnostics, state } => {
                changes.diagnostics.extend(diagnostics.into_iter().map(|d| (key.clone(), d)));
                changes.files.extend(state);
                changes.reprocessed_files.push(key);
            }
            FileOutcome::Parsed { state, entities, diagnostics, .. } => {
                changes.reprocessed_files.push(state.key.clone());
                changes.diagnostics.extend(diagnostics.into_iter().map(|d| (state.key.clone(), d)));
                let mut seen_here: HashSet<String> = HashSet::new();
                for entity in entities {
                    let diagnostic = |message: String| {
                        (
                            state.key.clone(),
                            Diagnostic {
                                file: display_key(&state.key).to_string(),
                                line: entity.line,
                                col: entity.col,
                                severity: Severity::Error,
                                message,
                            },
                        )
                    };
                    if !seen_here.insert(entity.entity_ref.clone()) {
                        changes.diagnostics.push(diagnostic(format!(
                            "{} is declared twice in this file; the first declaration is used",
                            entity.entity_ref
                        )));
                        continue;
                    }
                    let current = claims.get(&entity.entity_ref).or_else(|| previous.get(&entity.entity_ref));
                    match current {
                        Some(claim) if !claim.orphan && claim.file_key != state.key => {
                            changes.diagnostics.push(diagnostic(format!(
                                "{} is already declared by {}; the first claim wins, this one is ignored",
                                entity.entity_ref,
                                display_key(&claim.file_key)
                            )));
                            changes.conflicts.push(Conflict {
                                entity_ref: entity.entity_ref.clone(),
                                winner_file: claim.file_key.clone(),
                                loser_file: state.key.clone(),
                            });
                        }
                        _ => {
                            orphaned.remove(&entity.entity_ref);
                            claims.insert(
                                entity.entity_ref.clone(),
                                Claim { file_key: state.key.clone(), orphan: false },
                            );
                            accepted.push((entity, state.key.clone(), state.origin.clone()));
                        }
                    }
                }
                changes.files.push(state);
            }
        }
    }
    // Serializing the accepted entities is the expensive part: in parallel.
    changes.upserts = accepted.into_par_iter().map(|(entity, key, origin)| stored(entity, &key, &origin)).collect();
    let mut orphaned: Vec<String> = orphaned.into_iter().collect();
    orphaned.sort();
    changes.orphaned = orphaned;
    changes
}

/// A file key as people read it: the path, without the `file:` scheme.
pub fn display_key(key: &str) -> &str {
    key.strip_prefix("file:").unwrap_or(key)
}

fn stored(entity: NewEntity, file_key: &str, origin: &str) -> StoredEntity {
    let NewEntity { entity_ref, mut body, line, col, relations, references } = entity;
    if let Some(metadata) = body.get_mut("metadata").and_then(Value::as_object_mut) {
        let annotations = metadata.entry("annotations").or_insert_with(|| Value::Object(Default::default()));
        if let Some(annotations) = annotations.as_object_mut() {
            annotations.insert(kiosque_model::ANNOTATION_LOCATION.into(), Value::String(file_key.to_string()));
            annotations.insert(kiosque_model::ANNOTATION_ORIGIN_LOCATION.into(), Value::String(origin.to_string()));
        }
        metadata.insert("uid".into(), Value::String(uid_for(&entity_ref)));
    }
    let body = serialize_with_etag(&body);
    StoredEntity {
        file_key: file_key.to_string(),
        line,
        col,
        orphan: false,
        body,
        relations: StoredRelations::from_relations(&entity_ref, &relations, &references),
        entity_ref,
        changed_at: 0,
    }
}

/// Serializes the entity once and adds `metadata.etag`, a hash of that
/// serialization: the etag changes whenever the entity's content does.
fn serialize_with_etag(body: &Value) -> String {
    let Value::Object(map) = body else { return body.to_string() };
    let mut out = String::with_capacity(1024);
    out.push('{');
    let mut metadata_end = None;
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(key.clone()).to_string());
        out.push(':');
        let text = value.to_string();
        if key == "metadata" && value.as_object().is_some_and(|m| !m.is_empty()) {
            metadata_end = Some(out.len() + text.len() - 1);
        }
        out.push_str(&text);
    }
    out.push('}');
    if let Some(at) = metadata_end {
        let etag = format!(",\"etag\":\"{:016x}\"", xxh3_64(out.as_bytes()));
        out.insert_str(at, &etag);
    }
    out
}

/// A stable UUID-shaped identifier derived from the reference, so that the
/// same entity keeps its uid across imports and replicas.
fn uid_for(entity_ref: &str) -> String {
    let hex = format!("{:032x}", xxh3_128(entity_ref.as_bytes()));
    format!("{}-{}-4{}-a{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state(key: &str) -> FileState {
        FileState {
            key: key.into(),
            origin: "file:/root.yaml".into(),
            hash: 1,
            size: 1,
            mtime_ns: 1,
            dependencies: vec![],
            locations: vec![],
        }
    }

    fn entity(r: &str) -> NewEntity {
        NewEntity {
            entity_ref: r.into(),
            body: json!({"kind": "Component", "metadata": {"name": r}}),
            line: 1,
            col: 1,
            relations: vec![],
            references: vec![],
        }
    }

    fn parsed(key: &str, refs: &[&str]) -> FileOutcome {
        FileOutcome::Parsed {
            state: state(key),
            entities: refs.iter().map(|r| entity(r)).collect(),
            kept: vec![],
            diagnostics: vec![],
        }
    }

    fn claims(pairs: &[(&str, &str, bool)]) -> HashMap<String, Claim> {
        pairs.iter().map(|(r, f, o)| (r.to_string(), Claim { file_key: f.to_string(), orphan: *o })).collect()
    }

    #[test]
    fn first_claim_wins_and_conflict_is_reported_on_both() {
        let changes = reconcile(&HashMap::new(), vec![parsed("b", &["x"]), parsed("a", &["x", "y"])]);
        let upserted: Vec<(&str, &str)> =
            changes.upserts.iter().map(|e| (e.entity_ref.as_str(), e.file_key.as_str())).collect();
        assert_eq!(upserted, vec![("x", "a"), ("y", "a")]);
        assert_eq!(
            changes.conflicts,
            vec![Conflict { entity_ref: "x".into(), winner_file: "a".into(), loser_file: "b".into() }]
        );
        assert_eq!(changes.diagnostics.len(), 1);
        assert_eq!(changes.diagnostics[0].0, "b");
    }

    #[test]
    fn stored_claims_win_over_new_files() {
        let previous = claims(&[("x", "z", false)]);
        let changes = reconcile(
            &previous,
            vec![FileOutcome::Unchanged { state: state("z"), touched: false }, parsed("a", &["x"])],
        );
        assert!(changes.upserts.is_empty());
        assert_eq!(changes.conflicts[0].winner_file, "z");
    }

    #[test]
    fn vanished_entities_become_orphans_and_can_be_reclaimed() {
        let previous = claims(&[("x", "a", false), ("y", "a", false), ("z", "gone", false)]);
        let changes = reconcile(&previous, vec![parsed("a", &["x"]), FileOutcome::Removed { key: "gone".into() }]);
        assert_eq!(changes.orphaned, vec!["y".to_string(), "z".to_string()]);
        // An orphan declared again by another file is claimed by it.
        let previous = claims(&[("y", "a", true)]);
        let changes = reconcile(&previous, vec![parsed("b", &["y"])]);
        assert!(changes.orphaned.is_empty());
        assert_eq!(changes.upserts[0].file_key, "b");
    }

    #[test]
    fn failed_files_keep_their_entities_and_invalid_entities_are_kept() {
        let previous = claims(&[("x", "a", false), ("y", "b", false)]);
        let failed = FileOutcome::Failed { key: "a".into(), diagnostics: vec![], state: None };
        let with_kept =
            FileOutcome::Parsed { state: state("b"), entities: vec![], kept: vec!["y".into()], diagnostics: vec![] };
        let changes = reconcile(&previous, vec![failed, with_kept]);
        assert!(changes.orphaned.is_empty());
        assert!(changes.upserts.is_empty());
    }

    #[test]
    fn stored_bodies_carry_uid_etag_and_location() {
        let changes = reconcile(&HashMap::new(), vec![parsed("file:/r/c.yaml", &["component:default/x"])]);
        let body: Value = serde_json::from_str(&changes.upserts[0].body).unwrap();
        assert_eq!(body["metadata"]["annotations"]["backstage.io/managed-by-location"], "file:/r/c.yaml");
        assert_eq!(body["metadata"]["uid"].as_str().unwrap().len(), 36);
        let again = reconcile(&HashMap::new(), vec![parsed("file:/r/c.yaml", &["component:default/x"])]);
        assert_eq!(again.upserts[0].body, changes.upserts[0].body, "uid and etag are stable");
    }
}
