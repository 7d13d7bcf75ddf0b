use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use kiosque_catalog::Diagnostic;
use kiosque_model::Severity;
use rayon::prelude::*;

use crate::ScanOptions;

/// How a location is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocationKind {
    /// A file, a directory (every `*.yaml`/`*.yml` below it) or a glob.
    File,
    /// `REPO[?ref=REF][&path=GLOB]`: a local git repository read at a ref.
    Git,
}

impl LocationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LocationKind::File => "file",
            LocationKind::Git => "git",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "file" => Some(LocationKind::File),
            "git" => Some(LocationKind::Git),
            _ => None,
        }
    }
}

/// A registered source of descriptor files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub kind: LocationKind,
    pub target: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.as_str(), self.target)
    }
}

/// One file to read, and how it was reached.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub key: String,
    /// The path as people read it, for diagnostics.
    pub display: String,
    /// The registered location's key.
    pub origin: String,
    /// Reached by name (a file target) rather than by a directory walk or a
    /// glob: such a file must be a descriptor.
    pub explicit: bool,
    /// Files whose Location entities led here, to detect cycles.
    pub chain: Vec<String>,
    /// Where `$text` placeholders may read from.
    pub root: PathBuf,
    pub source: FileSource,
    /// The file's metadata when the directory walk already had it: an
    /// unchanged file then costs no second look-up of its path.
    pub metadata: Option<std::fs::Metadata>,
}

#[derive(Debug, Clone)]
pub(crate) enum FileSource {
    Disk(PathBuf),
    #[cfg(feature = "git")]
    Git {
        target: crate::git::GitTarget,
        path: String,
        content: Result<Vec<u8>, String>,
    },
}

pub(crate) struct Found {
    pub pending: Vec<Pending>,
    pub diagnostics: Vec<Diagnostic>,
}

fn location_error(display: &str, message: String) -> Diagnostic {
    Diagnostic { file: display.to_string(), line: 1, col: 1, severity: Severity::Error, message }
}

fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

impl Location {
    /// A file location, with its target made absolute (globs stay globs).
    pub fn file(target: &str) -> Location {
        let path = Path::new(target);
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        Location { kind: LocationKind::File, target: absolute.to_string_lossy().into_owned() }
    }

    /// The location's identity, also recorded as the origin of its files.
    pub fn key(&self) -> String {
        self.to_string()
    }

    pub(crate) fn discover(&self, options: &ScanOptions) -> Result<Found, Diagnostic> {
        match self.kind {
            LocationKind::File => discover_path(&self.target, &self.key(), &[], options),
            LocationKind::Git => discover_git(&self.target, Path::new("."), &self.key(), &[], options),
        }
    }
}

impl Pending {
    /// Expands a `Location` entity's target, relative to this file.
    pub(crate) fn follow(&self, target: &LocationTarget, options: &ScanOptions) -> Result<Found, Diagnostic> {
        let mut chain = self.chain.clone();
        chain.push(self.key.clone());
        match (&self.source, target.kind) {
            (FileSource::Disk(path), LocationKind::File) => {
                let base = path.parent().unwrap_or(Path::new("/"));
                let joined = lexical_join(base, &target.target);
                let mut found = discover_path(&joined.to_string_lossy(), &self.origin, &chain, options)?;
                for pending in &mut found.pending {
                    pending.root = self.root.clone();
                }
                Ok(found)
            }
            #[cfg(feature = "git")]
            (FileSource::Git { target: git, path, .. }, LocationKind::File) => {
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                let joined = normalize(&format!("{dir}/{}", target.target));
                let nested = crate::git::GitTarget { pattern: joined, ..git.clone() };
                discover_git_target(nested, &self.origin, &chain, options)
            }
            (FileSource::Disk(path), LocationKind::Git) => {
                discover_git(&target.target, path.parent().unwrap_or(Path::new("/")), &self.origin, &chain, options)
            }
            #[cfg(feature = "git")]
            (FileSource::Git { .. }, LocationKind::Git) => {
                discover_git(&target.target, Path::new("."), &self.origin, &chain, options)
            }
        }
    }
}

/// A Location entity's target, resolved to a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocationTarget {
    pub kind: LocationKind,
    pub target: String,
    /// Where the target is written (1:1 when it comes from a stored state).
    pub line: u32,
    pub col: u32,
}

/// Joins and resolves `.` and `..` without touching the file system, so that
/// one file has one key however a target spells its path.
pub(crate) fn lexical_join(base: &Path, relative: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for component in base.join(relative).components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Resolves `.` and `..` in a slash-separated relative path.
#[cfg(feature = "git")]
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn pending_file(
    path: PathBuf,
    display: String,
    origin: &str,
    explicit: bool,
    chain: &[String],
    root: &Path,
) -> Pending {
    Pending {
        key: format!("file:{}", path.to_string_lossy()),
        display,
        origin: origin.to_string(),
        explicit,
        chain: chain.to_vec(),
        root: root.to_path_buf(),
        source: FileSource::Disk(path),
        metadata: None,
    }
}

/// Diagnostics name files by absolute path; front ends shorten them for display.
fn display_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn is_yaml(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

fn discover_path(target: &str, origin: &str, chain: &[String], _options: &ScanOptions) -> Result<Found, Diagnostic> {
    let mut found = Found { pending: Vec::new(), diagnostics: Vec::new() };
    if has_glob(target) {
        // The walk starts at the longest directory without glob characters.
        let path = Path::new(target);
        let mut base = PathBuf::new();
        let mut rest = Vec::new();
        for component in path.components() {
            let text = component.as_os_str().to_string_lossy();
            if rest.is_empty() && !has_glob(&text) {
                base.push(component);
            } else {
                rest.push(text.into_owned());
            }
        }
        let pattern = rest.join("/");
        let matcher: GlobMatcher = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| location_error(target, format!("invalid glob \"{target}\": {e}")))?
            .compile_matcher();
        if !base.is_dir() {
            return Err(location_error(target, format!("{}: no such directory", base.display())));
        }
        walk(&base, &mut found, |relative| matcher.is_match(relative), origin, chain);
        return Ok(found);
    }
    let path = PathBuf::from(target);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => {
            walk(&path, &mut found, is_yaml, origin, chain);
            Ok(found)
        }
        Ok(_) => {
            let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let root = chain_root(chain).unwrap_or(root);
            found.pending.push(pending_file(path.clone(), display_path(&path), origin, true, chain, &root));
            Ok(found)
        }
        Err(err) => Err(location_error(&display_path(&path), format!("cannot read location target: {err}"))),
    }
}

/// For nested locations, placeholders stay confined to the first location's directory.
fn chain_root(chain: &[String]) -> Option<PathBuf> {
    let first = chain.first()?.strip_prefix("file:")?;
    Path::new(first).parent().map(Path::to_path_buf)
}

/// Walks a directory tree, subdirectories in parallel: hidden entries are
/// skipped, symbolic links are followed, and a link back to a directory being
/// walked is reported as a loop instead of being followed forever. Entry
/// types come from the directory listing and metadata is read relative to the
/// open directory, so no path is looked up twice.
fn walk(base: &Path, found: &mut Found, matches: impl Fn(&Path) -> bool + Sync, origin: &str, chain: &[String]) {
    let root = chain_root(chain).unwrap_or_else(|| base.to_path_buf());
    let make = |path: PathBuf| pending_file(path.clone(), display_path(&path), origin, false, chain, &root);
    let walked = walk_dir(base, base, &[], &matches, &make);
    found.pending.extend(walked.pending);
    found.diagnostics.extend(walked.diagnostics);
}

/// What identifies a directory whatever the path that reaches it.
#[cfg(unix)]
fn dir_id(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn dir_id(dir: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(dir).ok()
}

fn walk_dir(
    base: &Path,
    dir: &Path,
    ancestors: &[PathBuf],
    matches: &(dyn Fn(&Path) -> bool + Sync),
    make: &(dyn Fn(PathBuf) -> Pending + Sync),
) -> Found {
    let mut found = Found { pending: Vec::new(), diagnostics: Vec::new() };
    let warn = |found: &mut Found, at: &Path, message: String| {
        found.diagnostics.push(Diagnostic {
            file: display_path(at),
            line: 1,
            col: 1,
            severity: Severity::Warning,
            message,
        });
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            warn(&mut found, dir, format!("cannot read directory: {err}"));
            return found;
        }
    };
    let mut subdirectories = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else { continue };
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(mut file_type) = entry.file_type() else { continue };
        let mut metadata = None;
        if file_type.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(meta) => {
                    file_type = meta.file_type();
                    metadata = Some(meta);
                }
                Err(err) => {
                    warn(&mut found, &path, format!("cannot follow symbolic link: {err}"));
                    continue;
                }
            }
            // Only a link can lead back up the tree: compare it with the
            // directories being walked, identified by device and inode.
            if file_type.is_dir() {
                let target = dir_id(&path);
                let looped = ancestors.iter().map(PathBuf::as_path).chain([dir]).any(|a| dir_id(a) == target);
                if looped {
                    warn(&mut found, &path, "symbolic link loop; not followed".into());
                    continue;
                }
            }
        }
        if file_type.is_dir() {
            subdirectories.push(path);
        } else if file_type.is_file() {
            let relative = path.strip_prefix(base).unwrap_or(&path);
            if is_yaml(relative) && matches(relative) {
                let mut pending = make(path);
                pending.metadata = metadata.or_else(|| entry.metadata().ok());
                found.pending.push(pending);
            }
        }
    }
    let mut below: Vec<PathBuf> = ancestors.to_vec();
    below.push(dir.to_path_buf());
    let walked: Vec<Found> = subdirectories.par_iter().map(|sub| walk_dir(base, sub, &below, matches, make)).collect();
    for sub in walked {
        found.pending.extend(sub.pending);
        found.diagnostics.extend(sub.diagnostics);
    }
    found
}

#[cfg(feature = "git")]
fn discover_git(
    target: &str,
    base: &Path,
    origin: &str,
    chain: &[String],
    options: &ScanOptions,
) -> Result<Found, Diagnostic> {
    let git = crate::git::GitTarget::parse(target, base).map_err(|e| location_error(target, e))?;
    discover_git_target(git, origin, chain, options)
}

#[cfg(feature = "git")]
fn discover_git_target(
    git: crate::git::GitTarget,
    origin: &str,
    chain: &[String],
    options: &ScanOptions,
) -> Result<Found, Diagnostic> {
    let files = crate::git::read_tree(&git, options.max_file_bytes).map_err(|e| location_error(&git.canonical(), e))?;
    let mut found = Found { pending: Vec::new(), diagnostics: Vec::new() };
    let explicit = !has_glob(&git.pattern);
    for file in files {
        let key = git.file_key(&file.path);
        found.pending.push(Pending {
            display: key.trim_start_matches("git:").to_string(),
            key,
            origin: origin.to_string(),
            explicit,
            chain: chain.to_vec(),
            root: git.repo.clone(),
            source: FileSource::Git { target: git.clone(), path: file.path, content: file.content },
            metadata: None,
        });
    }
    Ok(found)
}

#[cfg(not(feature = "git"))]
fn discover_git(
    target: &str,
    _base: &Path,
    _origin: &str,
    _chain: &[String],
    _options: &ScanOptions,
) -> Result<Found, Diagnostic> {
    Err(location_error(target, "this build of Kiosque has no git support (feature \"git\")".into()))
}
