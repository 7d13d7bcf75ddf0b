use std::collections::HashSet;
use std::path::Path;
use std::time::UNIX_EPOCH;

use kiosque_catalog::{Dependency, Diagnostic, FileOutcome, FileState, NewEntity};
use kiosque_descriptor::{decode_utf8, parse_documents, Document};
use kiosque_model::{derive_relations, validate_entity, Entity, Problem, Severity};
use serde_json::Value;
use xxhash_rust::xxh3::xxh3_64;

use crate::location::{lexical_join, FileSource, LocationKind, LocationTarget, Pending};
use crate::ScanOptions;

/// What processing one file produced.
pub(crate) struct Processed {
    pub outcome: Option<FileOutcome>,
    /// Targets of the file's Location entities, to follow.
    pub locations: Vec<LocationTarget>,
    pub read: bool,
    pub parsed: bool,
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i64)
}

/// A size as people read it: bytes, kB or MB.
fn megabytes(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1_000.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

fn file_error(display: &str, message: String) -> Diagnostic {
    Diagnostic { file: display.to_string(), line: 1, col: 1, severity: Severity::Error, message }
}

fn stored_locations(state: &FileState) -> Vec<LocationTarget> {
    state
        .locations
        .iter()
        .filter_map(|text| {
            let (kind, target) = text.split_once(':')?;
            Some(LocationTarget { kind: LocationKind::parse(kind)?, target: target.to_string(), line: 1, col: 1 })
        })
        .collect()
}

fn dependencies_unchanged(state: &FileState) -> bool {
    state.dependencies.iter().all(|dep| {
        let Some(path) = dep.key.strip_prefix("file:") else { return true };
        std::fs::metadata(path).is_ok_and(|m| m.len() == dep.size && mtime_ns(&m) == dep.mtime_ns)
    })
}

/// Reads one file if it changed, and parses it.
pub(crate) fn process(pending: &Pending, previous: Option<&FileState>, options: &ScanOptions) -> Processed {
    let force = options.force || options.reread.contains(&pending.key);
    // The broken version, remembered so that it is not read again until it changes.
    let broken_state = |hash: u64, size: u64, mtime_ns: i64| {
        let previous = previous.cloned().unwrap_or_else(|| FileState {
            key: pending.key.clone(),
            origin: pending.origin.clone(),
            hash: 0,
            size: 0,
            mtime_ns: 0,
            dependencies: Vec::new(),
            locations: Vec::new(),
        });
        Some(FileState { hash, size, mtime_ns, ..previous })
    };
    let failed = |message: String, state: Option<FileState>| Processed {
        outcome: Some(FileOutcome::Failed {
            key: pending.key.clone(),
            diagnostics: vec![file_error(&pending.display, message)],
            state,
        }),
        // A file that cannot be read keeps leading where it led.
        locations: previous.map(stored_locations).unwrap_or_default(),
        read: false,
        parsed: false,
    };
    let (bytes, size, mtime) = match &pending.source {
        FileSource::Disk(path) => {
            let meta = match pending.metadata.clone().map_or_else(|| std::fs::metadata(path), Ok) {
                Ok(meta) => meta,
                Err(err) => return failed(format!("cannot read: {err}"), None),
            };
            let mtime = mtime_ns(&meta);
            if let Some(prev) = previous {
                if !force && prev.size == meta.len() && prev.mtime_ns == mtime && dependencies_unchanged(prev) {
                    return Processed {
                        outcome: Some(FileOutcome::Unchanged { state: prev.clone(), touched: false }),
                        locations: stored_locations(prev),
                        read: false,
                        parsed: false,
                    };
                }
            }
            if meta.len() > options.max_file_bytes {
                return failed(
                    format!(
                        "file is {}, over the {} limit for one descriptor file",
                        megabytes(meta.len()),
                        megabytes(options.max_file_bytes)
                    ),
                    broken_state(0, meta.len(), mtime),
                );
            }
            match std::fs::read(path) {
                Ok(bytes) => (bytes, meta.len(), mtime),
                Err(err) => return failed(format!("cannot read: {err}"), None),
            }
        }
        #[cfg(feature = "git")]
        FileSource::Git { content, .. } => match content {
            Ok(bytes) if bytes.len() as u64 > options.max_file_bytes => {
                return failed(
                    format!(
                        "file is {}, over the {} limit for one descriptor file",
                        megabytes(bytes.len() as u64),
                        megabytes(options.max_file_bytes)
                    ),
                    None,
                )
            }
            Ok(bytes) => (bytes.clone(), bytes.len() as u64, 0),
            Err(message) => return failed(message.clone(), None),
        },
    };
    let hash = xxh3_64(&bytes);
    if let Some(prev) = previous {
        if !force && prev.hash == hash && dependencies_unchanged(prev) {
            let state = FileState { size, mtime_ns: mtime, ..prev.clone() };
            let touched = state != *prev;
            return Processed {
                outcome: Some(FileOutcome::Unchanged { state, touched }),
                locations: stored_locations(prev),
                read: true,
                parsed: false,
            };
        }
    }

    let mut resolver = PlaceholderResolver { pending, dependencies: Vec::new() };
    let mut analysis =
        analyse(&bytes, &pending.display, pending.explicit, &mut |kind, target| resolver.resolve(kind, target));
    if analysis.failed {
        return Processed {
            outcome: Some(FileOutcome::Failed {
                key: pending.key.clone(),
                diagnostics: analysis.diagnostics,
                state: broken_state(hash, size, mtime),
            }),
            locations: previous.map(stored_locations).unwrap_or_default(),
            read: true,
            parsed: true,
        };
    }
    if analysis.kept_location {
        for stored in previous.map(stored_locations).unwrap_or_default() {
            if !analysis.locations.iter().any(|l| l.kind == stored.kind && l.target == stored.target) {
                analysis.locations.push(stored);
            }
        }
    }
    let state = FileState {
        key: pending.key.clone(),
        origin: pending.origin.clone(),
        hash,
        size,
        mtime_ns: mtime,
        dependencies: resolver.dependencies,
        locations: analysis.locations.iter().map(|l| format!("{}:{}", l.kind.as_str(), l.target)).collect(),
    };
    Processed {
        outcome: Some(FileOutcome::Parsed {
            state,
            entities: analysis.entities,
            kept: analysis.kept,
            diagnostics: analysis.diagnostics,
        }),
        locations: analysis.locations,
        read: true,
        parsed: true,
    }
}

/// Resolves `$text`, `$json` and `$yaml` placeholders relative to the file,
/// never outside the location's root directory (a descriptor must not be
/// able to publish arbitrary files of the server through the API).
struct PlaceholderResolver<'a> {
    pending: &'a Pending,
    dependencies: Vec<Dependency>,
}

impl PlaceholderResolver<'_> {
    fn resolve(&mut self, kind: &str, target: &str) -> Result<Value, String> {
        if target.contains("://") {
            return Err(format!(
                "{kind} placeholder \"{target}\": remote URLs are not fetched; use a path relative to this file"
            ));
        }
        let text = match &self.pending.source {
            FileSource::Disk(path) => {
                let base = path.parent().unwrap_or(Path::new("/"));
                let resolved = lexical_join(base, target);
                // Checked twice: as written, and once symbolic links are resolved.
                let outside = || format!("{kind} placeholder \"{target}\" points outside the location's directory");
                if !resolved.starts_with(&self.pending.root) {
                    return Err(outside());
                }
                let real =
                    std::fs::canonicalize(&resolved).map_err(|e| format!("{kind} placeholder \"{target}\": {e}"))?;
                let real_root = std::fs::canonicalize(&self.pending.root).unwrap_or_else(|_| self.pending.root.clone());
                if !real.starts_with(&real_root) {
                    return Err(outside());
                }
                let meta = std::fs::metadata(&resolved).map_err(|e| format!("{kind} placeholder \"{target}\": {e}"))?;
                if meta.len() > 16 * 1024 * 1024 {
                    return Err(format!(
                        "{kind} placeholder \"{target}\": file is {}, too large",
                        megabytes(meta.len())
                    ));
                }
                let bytes = std::fs::read(&resolved).map_err(|e| format!("{kind} placeholder \"{target}\": {e}"))?;
                self.dependencies.push(Dependency {
                    key: format!("file:{}", resolved.to_string_lossy()),
                    size: meta.len(),
                    mtime_ns: mtime_ns(&meta),
                });
                String::from_utf8(bytes).map_err(|_| format!("{kind} placeholder \"{target}\": not UTF-8 text"))?
            }
            #[cfg(feature = "git")]
            FileSource::Git { target: git, path, .. } => {
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                let joined = lexical_join(Path::new("/"), &format!("{dir}/{target}"));
                let inside = joined.to_string_lossy().trim_start_matches('/').to_string();
                let bytes = crate::git::read_file(git, &inside, 16 * 1024 * 1024)
                    .map_err(|e| format!("{kind} placeholder \"{target}\": {e}"))?
                    .ok_or_else(|| format!("{kind} placeholder \"{target}\": no such file at this ref"))?;
                String::from_utf8(bytes).map_err(|_| format!("{kind} placeholder \"{target}\": not UTF-8 text"))?
            }
        };
        match kind {
            "$text" => Ok(Value::String(text)),
            "$json" => serde_json::from_str(&text).map_err(|e| format!("$json placeholder \"{target}\": {e}")),
            _ => match parse_documents(&text) {
                Ok(mut docs) if docs.len() == 1 => Ok(docs.remove(0).value),
                Ok(docs) => Err(format!("$yaml placeholder \"{target}\": expected one document, found {}", docs.len())),
                Err(e) => Err(format!("$yaml placeholder \"{target}\": {e}")),
            },
        }
    }
}

/// The result of reading one file's text.
pub(crate) struct Analysis {
    pub entities: Vec<NewEntity>,
    pub kept: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    pub locations: Vec<LocationTarget>,
    /// The file as a whole could not be read (not UTF-8, YAML syntax).
    pub failed: bool,
    /// An invalid Location entity was kept in its stored version.
    pub kept_location: bool,
}

type Resolve<'a> = dyn FnMut(&str, &str) -> Result<Value, String> + 'a;

pub(crate) fn analyse(bytes: &[u8], display: &str, explicit: bool, resolve: &mut Resolve<'_>) -> Analysis {
    let mut analysis = Analysis {
        entities: Vec::new(),
        kept: Vec::new(),
        diagnostics: Vec::new(),
        locations: Vec::new(),
        failed: false,
        kept_location: false,
    };
    let parsed = decode_utf8(bytes).and_then(parse_documents);
    let documents = match parsed {
        Ok(documents) => documents,
        Err(err) => {
            analysis.failed = true;
            analysis.diagnostics.push(Diagnostic {
                file: display.to_string(),
                line: err.position.line,
                col: err.position.col,
                severity: Severity::Error,
                message: err.message,
            });
            return analysis;
        }
    };
    // Found by a walk or a glob, a YAML file none of whose documents looks
    // like an entity (an OpenAPI file next to the descriptor) is not one.
    let looks_like_entity = |d: &Document| d.value.get("apiVersion").is_some() || d.value.get("kind").is_some();
    if !explicit && !documents.iter().any(looks_like_entity) {
        return analysis;
    }
    for document in documents {
        analyse_document(document, display, resolve, &mut analysis);
    }
    analysis
}

fn analyse_document(mut document: Document, display: &str, resolve: &mut Resolve<'_>, analysis: &mut Analysis) {
    let position = document.position();
    let mut value = std::mem::take(&mut document.value);
    let mut problems: Vec<Problem> = Vec::new();
    substitute(&mut value, &mut String::new(), resolve, &mut problems);
    // A failed placeholder is the problem; validating what is left of it
    // would only repeat it in other words.
    if problems.is_empty() {
        problems.extend(validate_entity(&value));
    }
    let entity = Entity::from_value(value);
    let derived = entity.as_ref().map(derive_relations).unwrap_or_default();
    problems.extend(derived.problems.iter().cloned());

    let has_error = problems.iter().any(|p| p.severity == Severity::Error);
    for problem in problems {
        let at = document.locate(&problem.pointer);
        analysis.diagnostics.push(Diagnostic {
            file: display.to_string(),
            line: at.line,
            col: at.col,
            severity: problem.severity,
            message: problem.message,
        });
    }
    let Some(entity) = entity else { return };
    let entity_ref = match (entity.kind(), entity.name()) {
        (Some(_), Some(_)) => entity.entity_ref().map(|r| r.to_string()),
        _ => None,
    };
    if has_error {
        // Keep the stored version of an entity whose new version is invalid;
        // a kept Location keeps leading where it led.
        if let Some(r) = entity_ref {
            analysis.kept_location |= r.starts_with("location:");
            analysis.kept.push(r);
        }
        return;
    }
    let Some(entity_ref) = entity_ref else { return };
    if entity.kind().is_some_and(|k| k.eq_ignore_ascii_case("location")) {
        collect_location_targets(&entity, &document, display, analysis);
    }
    let references = derived
        .references
        .iter()
        .map(|(pointer, target)| {
            let at = document.locate(pointer);
            (at.line, at.col, target.to_string())
        })
        .collect();
    analysis.entities.push(NewEntity {
        entity_ref,
        body: entity.into_value(),
        line: position.line,
        col: position.col,
        relations: derived.relations,
        references,
    });
}

fn collect_location_targets(entity: &Entity, document: &Document, display: &str, analysis: &mut Analysis) {
    let spec = entity.spec();
    let kind_text = spec.and_then(|s| s.get("type")).and_then(Value::as_str).unwrap_or("file");
    let mut targets: Vec<(String, String)> = Vec::new();
    if let Some(Value::String(t)) = spec.and_then(|s| s.get("target")) {
        targets.push(("/spec/target".into(), t.clone()));
    }
    if let Some(Value::Array(items)) = spec.and_then(|s| s.get("targets")) {
        for (i, item) in items.iter().enumerate() {
            if let Value::String(t) = item {
                targets.push((format!("/spec/targets/{i}"), t.clone()));
            }
        }
    }
    for (pointer, target) in targets {
        match LocationKind::parse(kind_text) {
            Some(kind) => {
                let at = document.locate(&pointer);
                analysis.locations.push(LocationTarget { kind, target, line: at.line, col: at.col })
            }
            None => {
                let at = document.locate(&pointer);
                analysis.diagnostics.push(Diagnostic {
                    file: display.to_string(),
                    line: at.line,
                    col: at.col,
                    severity: Severity::Warning,
                    message: format!(
                        "location type \"{kind_text}\" is not read by Kiosque (it reads \"file\" and \"git\" locations; remote URLs are not fetched): {target}"
                    ),
                });
            }
        }
    }
}

/// Replaces `{$text: path}`, `{$json: path}` and `{$yaml: path}` anywhere in the entity.
fn substitute(value: &mut Value, pointer: &mut String, resolve: &mut Resolve<'_>, problems: &mut Vec<Problem>) {
    match value {
        Value::Object(map) => {
            if map.len() == 1 {
                let (key, target) = map.iter().next().expect("one entry");
                if let ("$text" | "$json" | "$yaml", Value::String(target)) = (key.as_str(), target) {
                    match resolve(key, target) {
                        Ok(resolved) => *value = resolved,
                        Err(message) => problems.push(Problem::error(pointer.clone(), message)),
                    }
                    return;
                }
            }
            for (key, child) in map.iter_mut() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                substitute(child, pointer, resolve, problems);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                substitute(child, pointer, resolve, problems);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Parses one descriptor text without touching the file system
/// (placeholders are reported, not resolved): for tools and fuzzing.
pub fn parse_descriptor_text(bytes: &[u8], display: &str) -> (Vec<NewEntity>, Vec<Diagnostic>) {
    let analysis = analyse(bytes, display, true, &mut |kind, target| {
        Err(format!("{kind} placeholder \"{target}\" is not resolved here"))
    });
    (analysis.entities, analysis.diagnostics)
}

/// Warnings for references to entities that exist nowhere: neither among
/// `entities` nor in `known` (already stored references).
pub fn check_references(entities: &[(&str, &NewEntity)], known: &HashSet<String>) -> Vec<Diagnostic> {
    let declared: HashSet<&str> = entities.iter().map(|(_, e)| e.entity_ref.as_str()).collect();
    let mut out = Vec::new();
    for (file, entity) in entities {
        for (line, col, target) in &entity.references {
            if !declared.contains(target.as_str()) && !known.contains(target) {
                out.push(Diagnostic {
                    file: kiosque_catalog::display_key(file).to_string(),
                    line: *line,
                    col: *col,
                    severity: Severity::Warning,
                    message: format!("{} refers to {target}, which does not exist in the catalog", entity.entity_ref),
                });
            }
        }
    }
    out
}
