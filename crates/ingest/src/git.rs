//! Reading catalog descriptor files from local git repositories at a ref, without a work tree.
//!
//! A git location is `REPO_PATH[?ref=REF][&path=GLOB]`. The repository is opened with `gix` in
//! isolation (no global or system configuration, no environment variables, no `git` binary, no
//! network), the ref is resolved to a tree, and that tree is walked once, descending only into
//! directories that can hold a match. Blobs are decoded only when their path matches.

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Component, Path, PathBuf};

use gix::objs::tree::EntryKind;
use gix::prelude::{FindExt, HeaderExt};
use gix::ObjectId;

/// The ref read when the target names none.
const DEFAULT_REV: &str = "HEAD";
/// The pattern used when the target names none.
const DEFAULT_PATTERN: &str = "**/catalog-info.yaml";
/// Trees nested deeper than this are treated as corrupt (git itself stops at 4096 by default).
const MAX_TREE_DEPTH: usize = 4096;
/// Tree entries visited in one walk before giving up: a guard against "git bombs", trees that
/// reuse subtrees to describe billions of paths in a few kilobytes.
const MAX_TREE_ENTRIES: usize = 20_000_000;
/// Annotated tags pointing at annotated tags are followed at most this many times.
const MAX_PEEL: usize = 64;

/// A git location target: `REPO_PATH[?ref=REF][&path=GLOB]`.
///
/// REPO_PATH is a local repository (bare or with a work tree; the work tree is never read).
/// REF defaults to `HEAD`; it may be a branch, tag, or commit id (anything gix's rev-parse takes).
/// GLOB defaults to `**/catalog-info.yaml`; it is matched against paths inside the repository
/// with `globset` (`*` does not cross `/`), or is a literal path. A pattern that is not a valid
/// glob is only compared literally.
///
/// The text is split at the first `?`, and parameters at `&`; values are taken as written (no
/// percent-decoding), so a repository path cannot contain `?` and a value cannot contain `&`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GitTarget {
    pub repo: PathBuf,
    pub rev: String,
    pub pattern: String,
}

impl GitTarget {
    /// Parses the target text. A relative REPO_PATH is resolved against `base` (a directory).
    ///
    /// The repository path is made absolute and normalized lexically (`.` and `..` components
    /// resolved, no file system access), so equal locations get equal [`canonical`](Self::canonical)
    /// texts. Leading `/` and `./` are removed from the pattern, since paths inside a repository are
    /// relative to its root.
    ///
    /// Errors are one-line human messages, e.g. `invalid git target "…": unknown parameter "foo"`.
    pub fn parse(target: &str, base: &Path) -> Result<GitTarget, String> {
        let invalid = |reason: String| format!("invalid git target {target:?}: {reason}");
        let (repo_text, query) = match target.split_once('?') {
            Some((repo, query)) => (repo, Some(query)),
            None => (target, None),
        };
        if repo_text.is_empty() {
            return Err(invalid("the repository path is missing".to_string()));
        }
        let mut rev = None;
        let mut pattern = None;
        for param in query.into_iter().flat_map(|q| q.split('&')) {
            if param.is_empty() {
                continue;
            }
            let Some((name, value)) = param.split_once('=') else {
                return Err(invalid(format!("parameter {param:?} has no value (expected NAME=VALUE)")));
            };
            let slot = match name {
                "ref" => &mut rev,
                "path" => &mut pattern,
                _ => return Err(invalid(format!("unknown parameter {name:?}"))),
            };
            if slot.is_some() {
                return Err(invalid(format!("parameter {name:?} is given more than once")));
            }
            *slot = Some(value);
        }
        let rev = rev.unwrap_or(DEFAULT_REV);
        if rev.is_empty() {
            return Err(invalid("the ref is empty".to_string()));
        }
        let pattern = match pattern {
            Some(pattern) => trim_leading_root(pattern),
            None => DEFAULT_PATTERN,
        };
        if pattern.is_empty() {
            return Err(invalid("the path pattern is empty".to_string()));
        }
        Ok(GitTarget {
            repo: absolute_repo_path(Path::new(repo_text), base),
            rev: rev.to_string(),
            pattern: pattern.to_string(),
        })
    }

    /// The location's canonical text, `ABSOLUTE_REPO_PATH?ref=REF&path=GLOB`, used as its identity.
    pub fn canonical(&self) -> String {
        format!("{}?ref={}&path={}", self.repo.display(), self.rev, self.pattern)
    }

    /// The key of one file inside it: `git:ABSOLUTE_REPO_PATH@REF:PATH_IN_REPO`.
    pub fn file_key(&self, path_in_repo: &str) -> String {
        format!("git:{}@{}:{}", self.repo.display(), self.rev, path_in_repo)
    }

    /// The start of every error message about this location.
    fn context(&self) -> String {
        format!("git repository {}", self.repo.display())
    }
}

/// Removes leading `/` and `./` from a pattern.
fn trim_leading_root(mut pattern: &str) -> &str {
    loop {
        if let Some(rest) = pattern.strip_prefix('/') {
            pattern = rest;
        } else if let Some(rest) = pattern.strip_prefix("./") {
            pattern = rest;
        } else {
            return pattern;
        }
    }
}

/// `repo` made absolute against `base` (and the current directory, if `base` is relative), with
/// `.` and `..` resolved lexically.
fn absolute_repo_path(repo: &Path, base: &Path) -> PathBuf {
    let joined = if repo.is_absolute() { repo.to_path_buf() } else { base.join(repo) };
    let joined = if joined.is_absolute() { joined } else { std::path::absolute(&joined).unwrap_or(joined) };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `..` at the root stays at the root; in a relative path (only when the current
                // directory is unknown) it is kept.
                if matches!(normal.components().next_back(), Some(Component::Normal(_))) {
                    normal.pop();
                } else if !normal.has_root() {
                    normal.push("..");
                }
            }
            other => normal.push(other),
        }
    }
    normal
}

/// One blob read from the repository.
pub(crate) struct GitFile {
    /// Path inside the repository, with '/' separators, e.g. `services/a/catalog-info.yaml`.
    pub path: String,
    // Not read by the crate's callers yet; kept because the API promises it.
    #[allow(dead_code)]
    pub size: u64,
    /// The blob's bytes; `Err(message)` when this one blob could not be read or is larger than `max_bytes`
    /// (e.g. `file is 52.4 MB, over the 16.0 MB limit`), without failing the others.
    pub content: Result<Vec<u8>, String>,
}

/// Resolves `target.rev` and returns every blob of its tree whose path matches `target.pattern`
/// (sorted by path). Submodules and symlinks are skipped. Errors (not a repository, a ref that does not
/// exist, a corrupt object) are one-line messages naming the repository and the ref, e.g.
/// `git repository /srv/repos/a.git: ref "nope" does not exist`.
pub(crate) fn read_tree(target: &GitTarget, max_bytes: u64) -> Result<Vec<GitFile>, String> {
    guarded(target, || {
        let repo = open(target)?;
        let root = resolve_tree(&repo, target)?;
        let matcher = PathMatcher::new(&target.pattern);
        let mut found = walk_tree(&repo, root, &matcher).map_err(|e| at_ref(target, e))?;
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut buf = Vec::new();
        Ok(found
            .into_iter()
            .map(|(path, id)| match read_blob(&repo, &id, max_bytes, &mut buf) {
                Ok(bytes) => GitFile { path, size: bytes.len() as u64, content: Ok(bytes) },
                Err(err) => GitFile { path, size: err.size, content: Err(err.message) },
            })
            .collect())
    })
}

/// Reads one file at the same repository and ref (for `$text` placeholders and nested Location
/// targets that point at a literal path). `Ok(None)` when the path does not exist at that ref.
///
/// `.` and `..` components of `path_in_repo` are resolved lexically; a path that leaves the
/// repository's root does not exist. A directory, symbolic link or submodule at that path, or a
/// file larger than `max_bytes`, is an error.
pub(crate) fn read_file(target: &GitTarget, path_in_repo: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, String> {
    guarded(target, || {
        let repo = open(target)?;
        let mut tree = resolve_tree(&repo, target)?;
        let Some(components) = split_repo_path(path_in_repo) else {
            return Ok(None);
        };
        let mut buf = Vec::new();
        let Some((file_name, dirs)) = components.split_last() else {
            return Err(format!(
                "{}: {path_in_repo:?} at ref {:?} is a directory, not a file",
                target.context(),
                target.rev
            ));
        };
        for dir in dirs {
            let entries = repo.objects.find_tree(&tree, &mut buf).map_err(|e| at_ref(target, tree_error(&tree, &e)))?;
            match entries.entries.iter().find(|entry| entry.filename == dir.as_bytes()) {
                Some(entry) if entry.mode.is_tree() => tree = entry.oid.to_owned(),
                _ => return Ok(None),
            }
        }
        let entries = repo.objects.find_tree(&tree, &mut buf).map_err(|e| at_ref(target, tree_error(&tree, &e)))?;
        let Some(entry) = entries.entries.iter().find(|entry| entry.filename == file_name.as_bytes()) else {
            return Ok(None);
        };
        let what = match entry.mode.kind() {
            EntryKind::Blob | EntryKind::BlobExecutable => None,
            EntryKind::Tree => Some("a directory"),
            EntryKind::Link => Some("a symbolic link (links are not followed)"),
            EntryKind::Commit => Some("a submodule"),
        };
        if let Some(what) = what {
            return Err(format!(
                "{}: {path_in_repo:?} at ref {:?} is {what}, not a file",
                target.context(),
                target.rev
            ));
        }
        let id = entry.oid.to_owned();
        read_blob(&repo, &id, max_bytes, &mut buf).map(Some).map_err(|err| {
            if err.too_large {
                err.message
            } else {
                let (context, rev) = (target.context(), &target.rev);
                format!("{context}: {path_in_repo:?} at ref {rev:?}: {}", err.message)
            }
        })
    })
}

/// Splits a path inside the repository into its components, resolving `.` and `..`.
/// `None` when the path climbs above the root.
fn split_repo_path(path: &str) -> Option<Vec<&str>> {
    let mut components = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                components.pop()?;
            }
            name => components.push(name),
        }
    }
    Some(components)
}

/// Runs `work`, turning a panic inside `gix` (which should not happen, but corrupt repositories
/// are inputs like any other) into an error message.
fn guarded<T>(target: &GitTarget, work: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| {
        Err(at_ref(target, "internal error in the git library (the repository may be corrupt)".to_string()))
    })
}

/// `git repository PATH: cannot read ref "REF": PROBLEM`.
fn at_ref(target: &GitTarget, problem: String) -> String {
    format!("{}: cannot read ref {:?}: {problem}", target.context(), target.rev)
}

/// Opens the repository without consulting anything outside it.
fn open(target: &GitTarget) -> Result<gix::Repository, String> {
    match gix::open_opts(&target.repo, gix::open::Options::isolated()) {
        Ok(repo) => Ok(repo),
        Err(gix::open::Error::NotARepository { .. }) => {
            let problem = match std::fs::metadata(&target.repo) {
                Ok(meta) if meta.is_dir() => "not a git repository".to_string(),
                Ok(_) => "not a git repository (it is a file, not a directory)".to_string(),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => "no such directory".to_string(),
                Err(err) => format!("not readable: {err}"),
            };
            Err(at_ref(target, problem))
        }
        Err(err) => Err(at_ref(target, format!("cannot open the repository: {}", describe(&err)))),
    }
}

/// Resolves the target's ref to the id of a tree, following tags and commits.
fn resolve_tree(repo: &gix::Repository, target: &GitTarget) -> Result<ObjectId, String> {
    let mut id = match repo.rev_parse_single(target.rev.as_str()) {
        Ok(id) => id.detach(),
        Err(err) => {
            let names_head = target.rev.starts_with("HEAD") || target.rev.starts_with('@');
            return Err(if names_head && repo.head().is_ok_and(|head| head.is_unborn()) {
                format!("{}: ref {:?} does not exist (the repository has no commits yet)", target.context(), target.rev)
            } else if rev_not_found(&err) {
                format!("{}: ref {:?} does not exist", target.context(), target.rev)
            } else {
                at_ref(target, describe(&err))
            });
        }
    };
    let mut buf = Vec::new();
    for _ in 0..MAX_PEEL {
        if id == ObjectId::empty_tree(id.kind()) {
            return Ok(id);
        }
        let object = repo.objects.find(&id, &mut buf).map_err(|e| at_ref(target, object_error(&id, &e)))?;
        let next = match object.kind {
            gix::objs::Kind::Tree => return Ok(id),
            gix::objs::Kind::Commit => gix::objs::CommitRefIter::from_bytes(object.data).tree_id(),
            gix::objs::Kind::Tag => gix::objs::TagRefIter::from_bytes(object.data).target_id(),
            gix::objs::Kind::Blob => {
                return Err(at_ref(target, format!("it names a file (blob {id}), not a commit or tree")))
            }
        };
        id = next.map_err(|e| at_ref(target, format!("{} {id} is corrupt: {}", object.kind, describe(&e))))?;
    }
    Err(at_ref(target, format!("more than {MAX_PEEL} nested tags")))
}

/// Whether a rev-parse failure means that the ref (or object id) simply does not exist, as opposed
/// to a malformed ref or a damaged repository.
fn rev_not_found(err: &gix::revision::spec::parse::single::Error) -> bool {
    use gix::revision::spec::parse::{single, Error};
    fn not_found(err: &Error) -> bool {
        match err {
            Error::FindReference(gix::refs::file::find::existing::Error::NotFound { .. })
            | Error::PrefixNotFound { .. } => true,
            // Several interpretations were tried (an object id prefix, a ref name): not found if none exists.
            Error::Multi { current, next } => {
                std::iter::once(current).chain(next).all(|e| e.downcast_ref::<Error>().is_some_and(not_found))
            }
            _ => false,
        }
    }
    matches!(err, single::Error::Parse(e) if not_found(e))
}

/// Matches paths inside the repository against a location's pattern.
struct PathMatcher<'a> {
    literal: &'a str,
    glob: Option<globset::GlobMatcher>,
    /// The leading directories every match lies in (the pattern's components before the first
    /// one with glob syntax); the walk descends only into these.
    prefix: Vec<&'a str>,
}

impl<'a> PathMatcher<'a> {
    fn new(pattern: &'a str) -> Self {
        let glob = globset::GlobBuilder::new(pattern).literal_separator(true).build().ok().map(|g| g.compile_matcher());
        let mut components: Vec<&str> = pattern.split('/').collect();
        components.pop();
        let prefix = match glob {
            // Without a glob the pattern is only compared literally, so all its directories count.
            None => components,
            Some(_) => {
                components.into_iter().take_while(|c| !c.contains(['*', '?', '[', ']', '{', '}', '\\'])).collect()
            }
        };
        PathMatcher { literal: pattern, glob, prefix }
    }

    /// Whether the directory `name`, at `depth` (0 for the root's children), can hold a match.
    fn may_descend(&self, depth: usize, name: &str) -> bool {
        self.prefix.get(depth).is_none_or(|expected| *expected == name)
    }

    fn is_match(&self, path: &str) -> bool {
        path == self.literal || self.glob.as_ref().is_some_and(|glob| glob.is_match(path))
    }
}

/// Walks the tree `root` once and returns the path and blob id of every regular file that matches.
fn walk_tree(
    repo: &gix::Repository,
    root: ObjectId,
    matcher: &PathMatcher<'_>,
) -> Result<Vec<(String, ObjectId)>, String> {
    let mut found = Vec::new();
    let mut pending = vec![(root, String::new(), 0usize)];
    let mut buf = Vec::new();
    let mut path = String::new();
    let mut visited = 0usize;
    while let Some((id, dir, depth)) = pending.pop() {
        let tree = repo.objects.find_tree(&id, &mut buf).map_err(|e| tree_error(&id, &e))?;
        visited += tree.entries.len();
        if visited > MAX_TREE_ENTRIES {
            return Err(format!("the tree has more than {MAX_TREE_ENTRIES} entries"));
        }
        for entry in &tree.entries {
            let name = String::from_utf8_lossy(entry.filename);
            path.clear();
            if !dir.is_empty() {
                path.push_str(&dir);
                path.push('/');
            }
            path.push_str(&name);
            match entry.mode.kind() {
                EntryKind::Tree if matcher.may_descend(depth, &name) => {
                    if depth + 1 >= MAX_TREE_DEPTH {
                        return Err(format!("{path:?} is nested more than {MAX_TREE_DEPTH} directories deep"));
                    }
                    pending.push((entry.oid.to_owned(), path.clone(), depth + 1));
                }
                EntryKind::Blob | EntryKind::BlobExecutable if matcher.is_match(&path) => {
                    found.push((path.clone(), entry.oid.to_owned()));
                }
                // Other directories, other files, symbolic links and submodules.
                _ => {}
            }
        }
    }
    Ok(found)
}

/// Why one blob was not read.
struct BlobError {
    /// The blob's size, when known.
    size: u64,
    /// Whether it was only too large (it exists and could be read).
    too_large: bool,
    message: String,
}

/// Reads one blob, unless it is larger than `max_bytes`.
fn read_blob(repo: &gix::Repository, id: &ObjectId, max_bytes: u64, buf: &mut Vec<u8>) -> Result<Vec<u8>, BlobError> {
    if *id == ObjectId::empty_blob(id.kind()) {
        return Ok(Vec::new());
    }
    let unreadable = |size, err: &dyn std::error::Error| BlobError {
        size,
        too_large: false,
        message: format!("cannot read blob {id}: {}", describe(err)),
    };
    let size = repo.objects.header(id).map_err(|e| unreadable(0, &e))?.size();
    if size > max_bytes {
        let message = format!("file is {}, over the {} limit", megabytes(size), megabytes(max_bytes));
        return Err(BlobError { size, too_large: true, message });
    }
    match repo.objects.find_blob(id, buf) {
        Ok(blob) => Ok(blob.data.to_vec()),
        Err(err) => Err(unreadable(size, &err)),
    }
}

/// A size for messages: `52.4 MB`, or `640 bytes` below 0.1 MB.
fn megabytes(bytes: u64) -> String {
    match bytes {
        0..100_000 => format!("{bytes} bytes"),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

fn object_error(id: &ObjectId, err: &dyn std::error::Error) -> String {
    format!("cannot read object {id}: {}", describe(err))
}

fn tree_error(id: &ObjectId, err: &dyn std::error::Error) -> String {
    format!("cannot read tree {id}: {}", describe(err))
}

/// An error and its causes on one line, skipping causes its message already includes.
fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !more.is_empty() && !text.contains(&more) {
            let _ = write!(text, ": {more}");
        }
        source = cause.source();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use tempfile::TempDir;

    /// Runs `git` in `dir` with a fixed identity and no user or system configuration; returns its
    /// trimmed standard output.
    fn git(dir: &Path, args: &[&str]) -> String {
        let output = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@e", "-c", "init.defaultBranch=main"])
            .args(["-c", "commit.gpgSign=false", "-c", "tag.gpgSign=false", "-c", "advice.nestedTag=false"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("the git command-line runs");
        assert!(output.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("git prints UTF-8").trim().to_string()
    }

    fn write(root: &Path, path: &str, content: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    fn commit(root: &Path, message: &str) -> String {
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", message]);
        git(root, &["rev-parse", "HEAD"])
    }

    /// A repository with some history:
    /// - `first` (tagged `v1`, lightweight): root, services/a, org/team.yaml, org/nested/deep.yaml;
    /// - `second` (tagged `v2`, annotated, and `v2-again`, a tag of that tag): root and services/b change;
    /// - `release` branch from `second`: the root changes again;
    /// - `main` (HEAD) from `second`: services/a removed, plus a symlink and a submodule that the
    ///   default pattern would match, a large file, and a file whose name has glob syntax.
    struct History {
        dir: TempDir,
        first: String,
    }

    fn history() -> History {
        let dir = TempDir::new().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        write(root, "catalog-info.yaml", "root 1\n");
        write(root, "services/a/catalog-info.yaml", "a 1\n");
        write(root, "org/team.yaml", "team 1\n");
        write(root, "org/nested/deep.yaml", "deep 1\n");
        write(root, "docs/index.md", "# docs\n");
        let first = commit(root, "first");
        git(root, &["tag", "v1"]);

        write(root, "catalog-info.yaml", "root 2\n");
        write(root, "services/b/catalog-info.yaml", "b 2\n");
        commit(root, "second");
        git(root, &["tag", "-a", "v2", "-m", "two"]);
        git(root, &["tag", "-a", "v2-again", "-m", "two again", "v2"]);

        git(root, &["checkout", "-q", "-b", "release"]);
        write(root, "catalog-info.yaml", "root release\n");
        commit(root, "release");
        git(root, &["checkout", "-q", "main"]);

        std::fs::remove_dir_all(root.join("services/a")).unwrap();
        write(root, "catalog-info.yaml", "root 3\n");
        write(root, "org/big.yaml", &"x".repeat(2000));
        write(root, "org/odd[1].yaml", "odd\n");
        std::fs::create_dir_all(root.join("linked")).unwrap();
        std::os::unix::fs::symlink("../catalog-info.yaml", root.join("linked/catalog-info.yaml")).unwrap();
        git(root, &["add", "-A"]);
        let gitlink = format!("160000,{first},vendor/catalog-info.yaml");
        git(root, &["update-index", "--add", "--cacheinfo", &gitlink]);
        git(root, &["commit", "-q", "-m", "third"]);
        // The work tree is never read: change it after the last commit.
        write(root, "catalog-info.yaml", "not committed\n");
        write(root, "services/c/catalog-info.yaml", "not committed\n");
        History { dir, first }
    }

    fn target(repo: &Path, rev: &str, pattern: &str) -> GitTarget {
        GitTarget { repo: repo.to_path_buf(), rev: rev.to_string(), pattern: pattern.to_string() }
    }

    /// `(path, content)` of every file read, failing on any per-file error.
    fn contents(files: Vec<GitFile>) -> Vec<(String, String)> {
        files
            .into_iter()
            .map(|file| {
                let bytes = file.content.unwrap_or_else(|e| panic!("{}: {e}", file.path));
                assert_eq!(file.size, bytes.len() as u64);
                (file.path, String::from_utf8(bytes).unwrap())
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect()
    }

    const LIMIT: u64 = 1 << 20;

    #[test]
    fn reads_head_of_the_default_branch_skipping_links_and_submodules() {
        let repo = history();
        let files = read_tree(&target(repo.dir.path(), "HEAD", DEFAULT_PATTERN), LIMIT).unwrap();
        assert_eq!(
            contents(files),
            pairs(&[("catalog-info.yaml", "root 3\n"), ("services/b/catalog-info.yaml", "b 2\n")])
        );
    }

    #[test]
    fn reads_at_a_branch() {
        let repo = history();
        let files = read_tree(&target(repo.dir.path(), "release", DEFAULT_PATTERN), LIMIT).unwrap();
        assert_eq!(
            contents(files),
            pairs(&[
                ("catalog-info.yaml", "root release\n"),
                ("services/a/catalog-info.yaml", "a 1\n"),
                ("services/b/catalog-info.yaml", "b 2\n"),
            ])
        );
    }

    #[test]
    fn reads_at_tags() {
        let repo = history();
        let expected_v2 = pairs(&[
            ("catalog-info.yaml", "root 2\n"),
            ("services/a/catalog-info.yaml", "a 1\n"),
            ("services/b/catalog-info.yaml", "b 2\n"),
        ]);
        for tag in ["v2", "v2-again", "refs/tags/v2"] {
            let files = read_tree(&target(repo.dir.path(), tag, DEFAULT_PATTERN), LIMIT).unwrap();
            assert_eq!(contents(files), expected_v2, "at {tag}");
        }
        let files = read_tree(&target(repo.dir.path(), "v1", DEFAULT_PATTERN), LIMIT).unwrap();
        assert_eq!(
            contents(files),
            pairs(&[("catalog-info.yaml", "root 1\n"), ("services/a/catalog-info.yaml", "a 1\n")])
        );
    }

    #[test]
    fn reads_at_an_older_commit_id_full_or_abbreviated() {
        let repo = history();
        let expected = pairs(&[("catalog-info.yaml", "root 1\n"), ("services/a/catalog-info.yaml", "a 1\n")]);
        for rev in [repo.first.as_str(), &repo.first[..10], "main~1~1"] {
            let files = read_tree(&target(repo.dir.path(), rev, DEFAULT_PATTERN), LIMIT).unwrap();
            assert_eq!(contents(files), expected, "at {rev}");
        }
    }

    #[test]
    fn custom_glob_does_not_cross_directories() {
        let repo = history();
        let files = read_tree(&target(repo.dir.path(), "v1", "org/*.yaml"), LIMIT).unwrap();
        assert_eq!(contents(files), pairs(&[("org/team.yaml", "team 1\n")]));
        let files = read_tree(&target(repo.dir.path(), "v1", "org/**/*.yaml"), LIMIT).unwrap();
        assert_eq!(contents(files), pairs(&[("org/nested/deep.yaml", "deep 1\n"), ("org/team.yaml", "team 1\n")]));
        let files = read_tree(&target(repo.dir.path(), "v1", "*/*/catalog-info.yaml"), LIMIT).unwrap();
        assert_eq!(contents(files), pairs(&[("services/a/catalog-info.yaml", "a 1\n")]));
        let files = read_tree(&target(repo.dir.path(), "v1", "nothing/**"), LIMIT).unwrap();
        assert!(files.is_empty());
    }

    #[test]
    fn literal_paths() {
        let repo = history();
        let files = read_tree(&target(repo.dir.path(), "v1", "services/a/catalog-info.yaml"), LIMIT).unwrap();
        assert_eq!(contents(files), pairs(&[("services/a/catalog-info.yaml", "a 1\n")]));
        // Only the root's file, not every `catalog-info.yaml`.
        let files = read_tree(&target(repo.dir.path(), "v1", "catalog-info.yaml"), LIMIT).unwrap();
        assert_eq!(contents(files), pairs(&[("catalog-info.yaml", "root 1\n")]));
        // A name with glob syntax matches itself.
        let files = read_tree(&target(repo.dir.path(), "HEAD", "org/odd[1].yaml"), LIMIT).unwrap();
        assert_eq!(contents(files), pairs(&[("org/odd[1].yaml", "odd\n")]));
        // A pattern that is not a valid glob is only a literal path.
        let files = read_tree(&target(repo.dir.path(), "HEAD", "org/odd[1.yaml"), LIMIT).unwrap();
        assert!(files.is_empty());
        // A symbolic link named literally is still skipped.
        let files = read_tree(&target(repo.dir.path(), "HEAD", "linked/catalog-info.yaml"), LIMIT).unwrap();
        assert!(files.is_empty());
    }

    #[test]
    fn reads_a_bare_repository() {
        let repo = history();
        let bare = TempDir::new().unwrap();
        let source = repo.dir.path().to_str().unwrap();
        git(bare.path(), &["clone", "-q", "--bare", "--no-local", source, "copy.git"]);
        let copy = bare.path().join("copy.git");
        let files = read_tree(&target(&copy, "HEAD", DEFAULT_PATTERN), LIMIT).unwrap();
        assert_eq!(
            contents(files),
            pairs(&[("catalog-info.yaml", "root 3\n"), ("services/b/catalog-info.yaml", "b 2\n")])
        );
        let files = read_tree(&target(&copy, "v2", "services/**/catalog-info.yaml"), LIMIT).unwrap();
        assert_eq!(
            contents(files),
            pairs(&[("services/a/catalog-info.yaml", "a 1\n"), ("services/b/catalog-info.yaml", "b 2\n")])
        );
        assert_eq!(
            read_file(&target(&copy, "release", DEFAULT_PATTERN), "catalog-info.yaml", LIMIT).unwrap().unwrap(),
            b"root release\n"
        );
    }

    #[test]
    fn a_blob_over_the_limit_fails_alone() {
        let repo = history();
        let files = read_tree(&target(repo.dir.path(), "HEAD", "org/*.yaml"), 1000).unwrap();
        let summary: Vec<_> =
            files.iter().map(|f| (f.path.as_str(), f.size, f.content.as_ref().map(Vec::as_slice))).collect();
        assert_eq!(
            summary,
            [
                ("org/big.yaml", 2000, Err(&"file is 2000 bytes, over the 1000 bytes limit".to_string())),
                ("org/odd[1].yaml", 4, Ok(&b"odd\n"[..])),
                ("org/team.yaml", 7, Ok(&b"team 1\n"[..])),
            ]
        );
        let err = read_file(&target(repo.dir.path(), "HEAD", DEFAULT_PATTERN), "org/big.yaml", 1000).unwrap_err();
        assert_eq!(err, "file is 2000 bytes, over the 1000 bytes limit");
        assert_eq!(megabytes(52_400_000), "52.4 MB");
    }

    #[test]
    fn a_missing_ref_is_an_error_naming_repository_and_ref() {
        let repo = history();
        let path = repo.dir.path().display().to_string();
        for rev in ["nope", "refs/heads/nope", "0123456789abcdef0123456789abcdef01234567", "deadbeef"] {
            let err = read_tree(&target(repo.dir.path(), rev, DEFAULT_PATTERN), LIMIT).err().unwrap();
            assert_eq!(err, format!("git repository {path}: ref {rev:?} does not exist"));
            let err =
                read_file(&target(repo.dir.path(), rev, DEFAULT_PATTERN), "catalog-info.yaml", LIMIT).unwrap_err();
            assert_eq!(err, format!("git repository {path}: ref {rev:?} does not exist"));
        }
        // Malformed or unsatisfiable revisions are errors too, on one line.
        for rev in ["main~9", "a b", "main..release", "HEAD:org/team.yaml", "@{-5}", "HEAD^{", "\n"] {
            let Err(err) = read_tree(&target(repo.dir.path(), rev, DEFAULT_PATTERN), LIMIT) else {
                panic!("{rev:?} resolved")
            };
            assert!(err.starts_with(&format!("git repository {path}: ")), "{err}");
            assert!(err.contains(&format!("{rev:?}")), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn a_repository_without_commits() {
        let dir = TempDir::new().unwrap();
        git(dir.path(), &["init", "-q"]);
        let err = read_tree(&target(dir.path(), "HEAD", DEFAULT_PATTERN), LIMIT).err().unwrap();
        assert!(err.contains("ref \"HEAD\" does not exist"), "{err}");
    }

    #[test]
    fn a_path_that_is_not_a_repository() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "catalog-info.yaml", "plain\n");
        let path = dir.path().display();
        let err = read_tree(&target(dir.path(), "HEAD", DEFAULT_PATTERN), LIMIT).err().unwrap();
        assert_eq!(err, format!("git repository {path}: cannot read ref \"HEAD\": not a git repository"));
        let file = dir.path().join("catalog-info.yaml");
        let err = read_tree(&target(&file, "HEAD", DEFAULT_PATTERN), LIMIT).err().unwrap();
        assert!(err.contains("not a git repository"), "{err}");
        let missing = dir.path().join("missing");
        let err = read_file(&target(&missing, "HEAD", DEFAULT_PATTERN), "catalog-info.yaml", LIMIT).unwrap_err();
        assert_eq!(err, format!("git repository {}: cannot read ref \"HEAD\": no such directory", missing.display()));
        // A directory inside a repository is not the repository.
        let repo = history();
        let err = read_tree(&target(&repo.dir.path().join("org"), "HEAD", DEFAULT_PATTERN), LIMIT).err().unwrap();
        assert!(err.contains("not a git repository"), "{err}");
    }

    #[test]
    fn a_corrupt_repository_fails_without_panicking() {
        let repo = history();
        let root = repo.dir.path();
        let org = git(root, &["rev-parse", "HEAD:org"]);
        std::fs::remove_file(root.join(".git/objects").join(&org[..2]).join(&org[2..])).unwrap();
        let err = read_tree(&target(root, "HEAD", DEFAULT_PATTERN), LIMIT).err().unwrap();
        assert!(err.contains("cannot read ref \"HEAD\"") && err.contains(&org), "{err}");
        // Directories the pattern cannot reach are not read.
        let files = read_tree(&target(root, "HEAD", "services/**/*.yaml"), LIMIT).unwrap();
        assert_eq!(contents(files), pairs(&[("services/b/catalog-info.yaml", "b 2\n")]));

        let team = git(root, &["rev-parse", "v1:org/team.yaml"]);
        std::fs::write(root.join(".git/objects").join(&team[..2]).join(&team[2..]), b"garbage").unwrap();
        let files = read_tree(&target(root, "v1", "org/*.yaml"), LIMIT).unwrap();
        assert_eq!(files.len(), 1);
        let err = files[0].content.as_ref().unwrap_err();
        assert!(err.contains(&team), "{err}");
        let err = read_file(&target(root, "v1", DEFAULT_PATTERN), "org/team.yaml", LIMIT).unwrap_err();
        assert!(err.contains("\"org/team.yaml\" at ref \"v1\"") && err.contains(&team), "{err}");

        std::fs::write(root.join(".git/HEAD"), b"garbage").unwrap();
        assert!(read_tree(&target(root, "HEAD", DEFAULT_PATTERN), LIMIT).is_err());
    }

    #[test]
    fn read_file_at_a_ref() {
        let repo = history();
        let at = |rev: &str| target(repo.dir.path(), rev, DEFAULT_PATTERN);
        assert_eq!(read_file(&at("HEAD"), "catalog-info.yaml", LIMIT).unwrap().unwrap(), b"root 3\n");
        assert_eq!(read_file(&at("v1"), "catalog-info.yaml", LIMIT).unwrap().unwrap(), b"root 1\n");
        assert_eq!(read_file(&at("v1"), "org/nested/deep.yaml", LIMIT).unwrap().unwrap(), b"deep 1\n");
        assert_eq!(read_file(&at("v1"), "./org/../org/team.yaml", LIMIT).unwrap().unwrap(), b"team 1\n");
        // Missing at this ref, or not there at all.
        assert_eq!(read_file(&at("HEAD"), "services/a/catalog-info.yaml", LIMIT).unwrap(), None);
        assert_eq!(read_file(&at("HEAD"), "nope.yaml", LIMIT).unwrap(), None);
        assert_eq!(read_file(&at("HEAD"), "catalog-info.yaml/x", LIMIT).unwrap(), None);
        assert_eq!(read_file(&at("HEAD"), "../catalog-info.yaml", LIMIT).unwrap(), None);
        // Present, but not a file.
        let err = read_file(&at("HEAD"), "org", LIMIT).unwrap_err();
        assert!(err.ends_with("\"org\" at ref \"HEAD\" is a directory, not a file"), "{err}");
        assert!(read_file(&at("HEAD"), "", LIMIT).unwrap_err().contains("is a directory"));
        assert!(read_file(&at("HEAD"), "linked/catalog-info.yaml", LIMIT).unwrap_err().contains("symbolic link"));
        assert!(read_file(&at("HEAD"), "vendor/catalog-info.yaml", LIMIT).unwrap_err().contains("submodule"));
    }

    #[test]
    fn parse_targets() {
        let base = Path::new("/srv/catalog");
        let parsed = GitTarget::parse("repos/a", base).unwrap();
        assert_eq!(parsed, target(Path::new("/srv/catalog/repos/a"), "HEAD", "**/catalog-info.yaml"));
        assert_eq!(parsed.canonical(), "/srv/catalog/repos/a?ref=HEAD&path=**/catalog-info.yaml");
        assert_eq!(
            parsed.file_key("services/a/catalog-info.yaml"),
            "git:/srv/catalog/repos/a@HEAD:services/a/catalog-info.yaml"
        );

        let parsed = GitTarget::parse("/data/b.git?ref=v1.2&path=org/*.yaml", base).unwrap();
        assert_eq!(parsed, target(Path::new("/data/b.git"), "v1.2", "org/*.yaml"));
        assert_eq!(parsed.canonical(), "/data/b.git?ref=v1.2&path=org/*.yaml");
        assert_eq!(parsed.file_key("org/x.yaml"), "git:/data/b.git@v1.2:org/x.yaml");
        assert_eq!(GitTarget::parse(&parsed.canonical(), Path::new("/elsewhere")).unwrap(), parsed);

        let parsed = GitTarget::parse("./x/../y/?path=/catalog-info.yaml&ref=main", base).unwrap();
        assert_eq!(parsed, target(Path::new("/srv/catalog/y"), "main", "catalog-info.yaml"));
        let parsed = GitTarget::parse("../../../r?path=./a/b.yaml", base).unwrap();
        assert_eq!(parsed, target(Path::new("/r"), "HEAD", "a/b.yaml"));
        let parsed = GitTarget::parse("r?ref=feature/x", Path::new("/")).unwrap();
        assert_eq!(parsed, target(Path::new("/r"), "feature/x", "**/catalog-info.yaml"));
        let parsed = GitTarget::parse("r?", Path::new("/")).unwrap();
        assert_eq!(parsed, target(Path::new("/r"), "HEAD", "**/catalog-info.yaml"));
        // A relative base is made absolute against the current directory.
        let parsed = GitTarget::parse("r", Path::new("rel")).unwrap();
        assert_eq!(parsed.repo, std::env::current_dir().unwrap().join("rel/r"));

        let err = |text: &str| GitTarget::parse(text, base).unwrap_err();
        assert_eq!(err("r?foo=1"), r#"invalid git target "r?foo=1": unknown parameter "foo""#);
        assert_eq!(err("r?ref=a&foo=1"), r#"invalid git target "r?ref=a&foo=1": unknown parameter "foo""#);
        assert_eq!(err("r?ref"), r#"invalid git target "r?ref": parameter "ref" has no value (expected NAME=VALUE)"#);
        assert_eq!(
            err("r?ref=a&ref=b"),
            r#"invalid git target "r?ref=a&ref=b": parameter "ref" is given more than once"#
        );
        assert_eq!(err("r?ref="), r#"invalid git target "r?ref=": the ref is empty"#);
        assert_eq!(err("r?path=/"), r#"invalid git target "r?path=/": the path pattern is empty"#);
        assert_eq!(err("?ref=main"), r#"invalid git target "?ref=main": the repository path is missing"#);
        assert_eq!(err(""), r#"invalid git target "": the repository path is missing"#);
        assert!(!err("r?\n=1").contains('\n'));
    }

    #[test]
    fn parsed_relative_target_reads_the_repository() {
        let repo = history();
        let parent = repo.dir.path().parent().unwrap();
        let name = repo.dir.path().file_name().unwrap().to_str().unwrap();
        let parsed = GitTarget::parse(&format!("{name}?ref=v1&path=org/*.yaml"), parent).unwrap();
        assert_eq!(parsed.repo, repo.dir.path());
        assert_eq!(contents(read_tree(&parsed, LIMIT).unwrap()), pairs(&[("org/team.yaml", "team 1\n")]));
    }

    #[test]
    fn pattern_prefixes() {
        assert_eq!(PathMatcher::new("**/catalog-info.yaml").prefix, Vec::<&str>::new());
        assert_eq!(PathMatcher::new("org/*.yaml").prefix, ["org"]);
        assert_eq!(PathMatcher::new("a/b/{c,d}/*.yaml").prefix, ["a", "b"]);
        assert_eq!(PathMatcher::new("a/b[/c.yaml").prefix, ["a", "b["]);
        assert_eq!(PathMatcher::new("catalog-info.yaml").prefix, Vec::<&str>::new());
        assert!(PathMatcher::new("").prefix.is_empty());
    }
}
