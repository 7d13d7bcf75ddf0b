//! Delivery events from a local git repository's history: a bulk import for teams whose
//! history predates the webhooks, or who have no webhook to send.
//!
//! [`GitHistory::open`] opens a repository (bare or not; the work tree is never read) with
//! `gix`, in isolation: no global or system configuration, no environment variables, no
//! `git` binary, no network. From it:
//!
//! - [`GitHistory::changes`]: one [`Change`] per commit reachable from a ref (`HEAD`, a
//!   branch, a tag or a commit id). `committed_at` (where lead time starts) and
//!   `authored_at` are the commit's UTC seconds: git stores the author's time zone beside
//!   the time, but the time itself is UTC. `merged_at` is when the commit reached the ref's
//!   first-parent line: for a commit a merge brought in, the merge commit's commit time;
//!   for a commit made on that line (a direct push, a squash or rebase merge, or the merge
//!   commit itself), its own commit time. No metric reads `merged_at`; it says when a
//!   change landed, and `since` selects on it. Merge commits are changes too, as in
//!   GitHub's push events. The author is a login when the address is a GitHub no-reply
//!   one, else the email address, else the name.
//! - [`GitHistory::tag_deployments`]: for teams without a deploy webhook, release tags
//!   matching a glob become successful deployments of a service to an environment, at the
//!   tag's time (an annotated tag's tagger time; a lightweight tag's commit time). Tags are
//!   taken in that time order (then by name), and each ships the commits it reaches that no
//!   earlier tag reached — `prev..tag` when releases follow one line — so a change counts in
//!   the first release that holds it. Ids are a hash of repository, service, environment and
//!   tag name: importing again gives the same deployments, and the history keeps one of
//!   each.
//! - [`GitHistory::origin_slug`] and [`slug_from_remote_url`]: a clone does not know the
//!   name its forge gives it (`acme/payments`), which changes must carry to meet the
//!   webhooks' events and the catalog's `github.com/project-slug` annotations; the `origin`
//!   remote's URL usually says it.
//!
//! # Limits
//!
//! Tags only approximate deployments: a tag is a release made, not a release running. Its
//! time is when it was tagged, which may be before (or long after) the deployment; a
//! failed deployment, a rollback or a deployment of an untagged commit is invisible; and
//! every matching tag counts, so a pattern should leave out pre-release tags (`v*` also
//! matches `v2.0.0-rc1`). A deploy webhook, when there is one, says all of this exactly.
//!
//! A shallow clone (`git clone --depth N`) is read down to its boundary, without error:
//! commits beyond it are not there to read, and the oldest matching tag of a shallow clone
//! ships every commit down to the boundary. Tags whose commit lies beyond it are skipped.
//!
//! # Design
//!
//! Both imports read each reachable commit once, decoding only its header (never the
//! message), and keep a set of the commits seen. Changes: the first-parent line of the ref
//! is read from the tip down; then, from its oldest commit up, each first-parent commit
//! takes the commits its other parents reach that are not yet seen, which are exactly the
//! commits its merge brought in. Tags: sorted by time, each takes the commits it reaches
//! that no earlier tag took. Either walk is linear in the commits reachable, whatever the
//! number of merges or tags: the reading of objects from packs dominates.
//!
//! Errors name the repository and what was read (the ref, the tag, the object); a panic
//! inside `gix` on a corrupt repository is caught and reported as an error too.
//!
//! # Example
//!
//! ```no_run
//! use kiosque_delivery_git::{ChangeOptions, GitHistory, TagOptions};
//!
//! let history = GitHistory::open("payments.git")?;
//! let repository = history.origin_slug().unwrap_or_else(|| "acme/payments".to_string());
//! let changes = history.changes(&ChangeOptions::new(&repository))?;
//! let tags = history.tag_deployments(&TagOptions {
//!     repository,
//!     service: "payments".to_string(),
//!     environment: "production".to_string(),
//!     pattern: "v*".to_string(),
//!     since: None,
//! })?;
//! println!("{} changes, {} deployments", changes.len(), tags.deployments.len());
//! # Ok::<(), kiosque_delivery_git::Error>(())
//! ```

mod error;
mod graph;
mod remote;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use gix::hashtable::HashSet;
use gix::ObjectId;
use kiosque_delivery::{Change, Deployment, Status};

pub use error::Error;
pub use remote::slug_from_remote_url;

use error::describe;
use graph::{Objects, Peeled, TaggedCommit};

/// A local git repository, opened for reading its history.
pub struct GitHistory {
    repo: gix::Repository,
    /// The path as the caller gave it, for messages.
    path: PathBuf,
    /// The commits at a shallow clone's boundary (empty for a full clone).
    shallow: HashSet,
}

/// What [`GitHistory::changes`] reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeOptions {
    /// The repository's name in events, like `acme/payments`.
    pub repository: String,
    /// Where to start: `HEAD`, a branch, a tag or a commit id (anything `git rev-parse` takes).
    pub rev: String,
    /// Only changes merged at or after this time (UTC seconds), for an import that goes on
    /// from the previous one: a commit made long ago on a branch merged since is in. The
    /// whole history is read all the same (which merge brought a commit in is known only
    /// from the older ones).
    pub since: Option<i64>,
}

impl ChangeOptions {
    /// Every change reachable from `HEAD`.
    pub fn new(repository: &str) -> Self {
        ChangeOptions { repository: repository.to_string(), rev: "HEAD".to_string(), since: None }
    }
}

/// What [`GitHistory::tag_deployments`] reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagOptions {
    /// The repository's name in events, like `acme/payments`.
    pub repository: String,
    pub service: String,
    pub environment: String,
    /// A glob over tag names without `refs/tags/`, like `v*` or `release-*` (`*` matches `/` too).
    pub pattern: String,
    /// Only deployments at or after this time (UTC seconds). Earlier tags are still walked,
    /// so a later one ships only the commits they did not.
    pub since: Option<i64>,
}

/// The deployments read from tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagDeployments {
    /// Oldest first.
    pub deployments: Vec<Deployment>,
    /// Matching tags that are not deployments, each with the reason: a tag of a tree or a
    /// blob, or of a commit beyond a shallow clone's boundary.
    pub skipped: Vec<String>,
}

impl GitHistory {
    /// Opens the repository at `path`: its work tree, or its git directory (a bare
    /// repository). A directory inside a work tree is not a repository.
    pub fn open(path: impl AsRef<Path>) -> Result<GitHistory, Error> {
        let path = path.as_ref().to_path_buf();
        let open_error = |problem: String| Error::Open { path: path.clone(), problem };
        let opened = catch_unwind(AssertUnwindSafe(|| open(&path)));
        let (repo, shallow) = opened.map_err(|_| open_error(PANIC.to_string()))?.map_err(open_error)?;
        Ok(GitHistory { repo, path, shallow })
    }

    /// Whether the repository is a shallow clone (its history stops at a boundary).
    pub fn is_shallow(&self) -> bool {
        !self.shallow.is_empty()
    }

    /// The slug the `origin` remote's URL names, like `acme/payments` (see
    /// [`slug_from_remote_url`]); `None` without an `origin` remote or when its URL names
    /// no forge.
    pub fn origin_slug(&self) -> Option<String> {
        let url = self.repo.config_snapshot().string("remote.origin.url")?;
        slug_from_remote_url(&String::from_utf8_lossy(url.as_ref()))
    }

    /// Every commit reachable from `options.rev` as a change (see the crate's documentation
    /// for the times and the author), oldest merge first.
    pub fn changes(&self, options: &ChangeOptions) -> Result<Vec<Change>, Error> {
        let at = format!("ref {:?}", options.rev);
        self.guarded(&at, || {
            let tip = self.resolve_commit(&options.rev)?;
            let mut objects = Objects::new(&self.repo, &self.shallow);
            graph::changes(&mut objects, tip, &options.repository, options.since)
                .map_err(|problem| self.read_error(&at, problem))
        })
    }

    /// The tags matching `options.pattern` as successful deployments, oldest first (see the
    /// crate's documentation for their times, commits and ids).
    pub fn tag_deployments(&self, options: &TagOptions) -> Result<TagDeployments, Error> {
        let matcher = globset::Glob::new(&options.pattern)
            .map_err(|err| Error::Pattern { pattern: options.pattern.clone(), problem: err.kind().to_string() })?
            .compile_matcher();
        let at = format!("tags {:?}", options.pattern);
        self.guarded(&at, || {
            let mut objects = Objects::new(&self.repo, &self.shallow);
            let (mut tags, skipped) = self.matching_tags(&mut objects, &matcher)?;
            tags.sort_by(|a, b| (a.at, &a.name).cmp(&(b.at, &b.name)));
            let mut deployments = Vec::new();
            graph::tag_ranges(&mut objects, &tags, |tag, commits| {
                if options.since.is_some_and(|since| tag.at < since) {
                    return;
                }
                deployments.push(Deployment {
                    id: deployment_id(&options.repository, &options.service, &options.environment, &tag.name),
                    repository: options.repository.clone(),
                    service: options.service.clone(),
                    environment: options.environment.clone(),
                    started_at: tag.at,
                    finished_at: tag.at,
                    status: Status::Success,
                    commits,
                    rollback_of: None,
                    fixes: None,
                    production: None,
                });
            })
            .map_err(|(tag, problem)| self.read_error(&format!("tag {tag:?}"), problem))?;
            Ok(TagDeployments { deployments, skipped })
        })
    }

    /// The tags whose name matches, each with its commit and time, and the reasons others
    /// were skipped.
    fn matching_tags(
        &self,
        objects: &mut Objects<'_>,
        matcher: &globset::GlobMatcher,
    ) -> Result<(Vec<TaggedCommit>, Vec<String>), Error> {
        let listing = |err: &dyn std::error::Error| self.read_error("tags", format!("cannot list: {}", describe(err)));
        let references = self.repo.references().map_err(|e| listing(&e))?;
        let mut tags = Vec::new();
        let mut skipped = Vec::new();
        for reference in references.tags().map_err(|e| listing(&e))? {
            let mut reference = reference.map_err(|e| listing(&*e))?;
            let name = String::from_utf8_lossy(reference.name().shorten().as_ref()).into_owned();
            if !matcher.is_match(&name) {
                continue;
            }
            let at = format!("tag {name:?}");
            let target = reference.follow_to_object().map_err(|e| self.read_error(&at, describe(&e)))?.detach();
            match objects.peel_to_commit(target).map_err(|problem| self.read_error(&at, problem))? {
                Ok((commit, tagged_at)) => {
                    let at = match tagged_at {
                        Some(time) => time,
                        None => objects.commit(&commit).map_err(|problem| self.read_error(&at, problem))?.committed_at,
                    };
                    tags.push(TaggedCommit { name, commit, at });
                }
                Err(Peeled::NotACommit(kind)) => skipped.push(format!("tag {name:?} names a {kind}, not a commit")),
                Err(Peeled::Missing(id)) if self.is_shallow() => {
                    skipped.push(format!("tag {name:?} names {id}, beyond the shallow clone's boundary"))
                }
                Err(Peeled::Missing(id)) => {
                    return Err(self.read_error(&at, format!("object {id} is missing from the repository")))
                }
            }
        }
        Ok((tags, skipped))
    }

    /// Resolves `rev` to a commit, following annotated tags.
    fn resolve_commit(&self, rev: &str) -> Result<ObjectId, Error> {
        let at = format!("ref {rev:?}");
        let missing = || Error::MissingRef { path: self.path.clone(), rev: rev.to_string() };
        let id = match self.repo.rev_parse_single(rev) {
            Ok(id) => id.detach(),
            Err(err) if rev_not_found(&err) => return Err(missing()),
            Err(_) if self.repo.head().is_ok_and(|head| head.is_unborn()) => return Err(missing()),
            Err(err) => return Err(self.read_error(&at, describe(&err))),
        };
        let mut objects = Objects::new(&self.repo, &self.shallow);
        match objects.peel_to_commit(id).map_err(|problem| self.read_error(&at, problem))? {
            Ok((commit, _)) => Ok(commit),
            Err(Peeled::NotACommit(kind)) => Err(self.read_error(&at, format!("it names a {kind}, not a commit"))),
            Err(Peeled::Missing(id)) => {
                Err(self.read_error(&at, format!("object {id} is missing from the repository")))
            }
        }
    }

    fn read_error(&self, at: &str, problem: String) -> Error {
        Error::Read { path: self.path.clone(), at: at.to_string(), problem }
    }

    /// Runs `work`, turning a panic inside `gix` (corrupt repositories are inputs like any
    /// other) into an error.
    fn guarded<T>(&self, at: &str, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
        catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| Err(self.read_error(at, PANIC.to_string())))
    }
}

const PANIC: &str = "internal error in the git library (the repository may be corrupt)";

/// Opens the repository without reading anything outside it, and its shallow boundary.
fn open(path: &Path) -> Result<(gix::Repository, HashSet), String> {
    let repo = match gix::open_opts(path, gix::open::Options::isolated()) {
        Ok(repo) => repo,
        Err(gix::open::Error::NotARepository { .. }) => {
            return Err(match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => "not a git repository".to_string(),
                Ok(_) => "not a git repository (it is a file)".to_string(),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => "no such directory".to_string(),
                Err(err) => format!("cannot read: {err}"),
            })
        }
        Err(err) => return Err(format!("cannot open: {}", describe(&err))),
    };
    let shallow = match repo.shallow_commits() {
        Ok(commits) => commits.map(|c| c.iter().copied().collect()).unwrap_or_default(),
        Err(err) => return Err(format!("cannot read the shallow clone's boundary: {}", describe(&err))),
    };
    Ok((repo, shallow))
}

/// Whether a rev-parse failure means the ref or object does not exist, rather than a
/// malformed spec or a damaged repository.
fn rev_not_found(err: &gix::revision::spec::parse::single::Error) -> bool {
    use gix::revision::spec::parse::{single, Error as Parse};
    fn not_found(err: &Parse) -> bool {
        match err {
            Parse::FindReference(gix::refs::file::find::existing::Error::NotFound { .. })
            | Parse::PrefixNotFound { .. } => true,
            // Several readings were tried (a ref name, an object id prefix): none exists.
            Parse::Multi { current, next } => {
                std::iter::once(current).chain(next).all(|e| e.downcast_ref::<Parse>().is_some_and(not_found))
            }
            _ => false,
        }
    }
    matches!(err, single::Error::Parse(e) if not_found(e))
}

/// A deployment id that stays the same from one import to the next: the 64-bit FNV-1a hash
/// of the four names (each followed by a 0 byte), cut to 53 bits so that it survives any
/// JSON reader (JavaScript's numbers hold integers exactly up to 2^53).
fn deployment_id(repository: &str, service: &str, environment: &str, tag: &str) -> i64 {
    let bytes = [repository, service, environment, tag].into_iter().flat_map(|name| name.bytes().chain([0]));
    (fnv1a(bytes) & ((1 << 53) - 1)) as i64
}

/// The 64-bit FNV-1a hash: small, and fixed by its definition, so ids never change with a
/// library's version.
fn fnv1a(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_vectors() {
        assert_eq!(fnv1a("".bytes()), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a".bytes()), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("foobar".bytes()), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn deployment_ids_hash_the_names_apart() {
        let expected = fnv1a(b"acme/payments\0payments\0production\0v1.0.0\0".iter().copied()) & ((1 << 53) - 1);
        assert_eq!(deployment_id("acme/payments", "payments", "production", "v1.0.0"), expected as i64);
        // Names are kept apart: moving a character from one to the next changes the id.
        assert_ne!(deployment_id("ab", "c", "e", "t"), deployment_id("a", "bc", "e", "t"));
        assert_ne!(
            deployment_id("acme/payments", "payments", "staging", "v1.0.0"),
            deployment_id("acme/payments", "payments", "production", "v1.0.0")
        );
    }
}
