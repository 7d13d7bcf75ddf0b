//! Walks of the commit graph. Each walk reads every commit it needs once, keeps a set of the
//! commits already seen, and never reads past one: its cost is the number of commits
//! reachable, whatever the number of merges or tags.

use gix::hashtable::HashSet;
use gix::objs::commit::ref_iter::Token;
use gix::objs::{CommitRefIter, Find, Kind, TagRefIter};
use gix::ObjectId;
use kiosque_delivery::Change;

use crate::error::describe;

/// Annotated tags pointing at annotated tags are followed at most this many times.
const MAX_PEEL: usize = 64;

/// What a walk keeps of one commit.
pub(crate) struct Commit {
    /// Empty for a root commit, and for a commit at a shallow clone's boundary.
    pub parents: Vec<ObjectId>,
    pub author: String,
    pub authored_at: i64,
    pub committed_at: i64,
}

/// Reads commits and tags from a repository's object database.
pub(crate) struct Objects<'r> {
    repo: &'r gix::Repository,
    /// Commits whose parents a shallow clone does not hold.
    shallow: &'r HashSet,
    buf: Vec<u8>,
}

impl<'r> Objects<'r> {
    pub fn new(repo: &'r gix::Repository, shallow: &'r HashSet) -> Self {
        Objects { repo, shallow, buf: Vec::new() }
    }

    /// The object `id`, its kind and bytes; `Ok(None)` when the repository does not hold it.
    fn find(&mut self, id: &ObjectId) -> Result<Option<(Kind, &[u8])>, String> {
        match self.repo.objects.try_find(id, &mut self.buf) {
            Ok(Some(data)) => Ok(Some((data.kind, data.data))),
            Ok(None) => Ok(None),
            Err(err) => Err(format!("cannot read object {id}: {}", describe(&*err))),
        }
    }

    /// The bytes of commit `id`; an error when it is missing or not a commit.
    fn commit_bytes(&mut self, id: &ObjectId) -> Result<&[u8], String> {
        match self.find(id)? {
            Some((Kind::Commit, data)) => Ok(data),
            Some((kind, _)) => Err(format!("object {id} is a {kind}, not a commit")),
            None => Err(format!("commit {id} is missing from the repository")),
        }
    }

    /// Reads commit `id` up to its committer line (the message is never decoded).
    pub fn commit(&mut self, id: &ObjectId) -> Result<Commit, String> {
        let at_shallow_boundary = self.shallow.contains(id);
        let data = self.commit_bytes(id)?;
        let corrupt = |err: &dyn std::error::Error| format!("commit {id} is corrupt: {}", describe(err));
        let mut parents = Vec::new();
        let mut author = None;
        let mut committed_at = None;
        for token in CommitRefIter::from_bytes(data) {
            match token.map_err(|e| corrupt(&e))? {
                Token::Tree { .. } => {}
                Token::Parent { id: parent } => parents.push(parent),
                Token::Author { signature } => {
                    let at = seconds(signature.time).ok_or_else(|| bad_date(id, "author", signature.time))?;
                    author = Some((login(signature.name.as_ref(), signature.email.as_ref()), at));
                }
                Token::Committer { signature } => {
                    let at = seconds(signature.time).ok_or_else(|| bad_date(id, "committer", signature.time))?;
                    committed_at = Some(at);
                    break;
                }
                _ => break,
            }
        }
        let ((author, authored_at), Some(committed_at)) = (author.unwrap_or_default(), committed_at) else {
            return Err(format!("commit {id} is corrupt: it has no committer"));
        };
        if at_shallow_boundary {
            parents.clear();
        }
        Ok(Commit { parents, author, authored_at, committed_at })
    }

    /// The parents of commit `id` (none at a shallow boundary).
    pub fn parents(&mut self, id: &ObjectId) -> Result<Vec<ObjectId>, String> {
        if self.shallow.contains(id) {
            return Ok(Vec::new());
        }
        let data = self.commit_bytes(id)?;
        Ok(CommitRefIter::from_bytes(data).parent_ids().collect())
    }

    /// Follows `id` through annotated tags to a commit. Returns the commit and the time of
    /// the outermost annotated tag (its tagger's), or `None` when `id` is the commit itself
    /// or the tag has no tagger. `Ok(Err(kind))` when it ends at something else than a commit.
    pub fn peel_to_commit(&mut self, mut id: ObjectId) -> Result<Result<(ObjectId, Option<i64>), Peeled>, String> {
        let mut tagged_at = None;
        for depth in 0..MAX_PEEL {
            let Some((kind, data)) = self.find(&id)? else {
                return Ok(Err(Peeled::Missing(id)));
            };
            match kind {
                Kind::Commit => return Ok(Ok((id, tagged_at))),
                Kind::Tag => {
                    let corrupt = |err: &dyn std::error::Error| format!("tag {id} is corrupt: {}", describe(err));
                    if depth == 0 {
                        let tagger = TagRefIter::from_bytes(data).tagger().map_err(|e| corrupt(&e))?;
                        if let Some(tagger) = tagger {
                            tagged_at = Some(seconds(tagger.time).ok_or_else(|| bad_date(&id, "tagger", tagger.time))?);
                        }
                    }
                    id = TagRefIter::from_bytes(data).target_id().map_err(|e| corrupt(&e))?;
                }
                other => return Ok(Err(Peeled::NotACommit(other))),
            }
        }
        Err(format!("more than {MAX_PEEL} tags of tags"))
    }
}

/// Where peeling a tag ended when it did not end at a commit.
pub(crate) enum Peeled {
    NotACommit(Kind),
    Missing(ObjectId),
}

/// The UTC seconds of a raw git date, `1709539200 +0200` (the offset is only the author's
/// local time zone: the number is already UTC).
fn seconds(raw: &str) -> Option<i64> {
    raw.split_whitespace().next()?.parse().ok()
}

fn bad_date(id: &ObjectId, role: &str, raw: &str) -> String {
    format!("commit or tag {id} has an unreadable {role} date {raw:?}")
}

/// The author as a `Change` names it: the login in a GitHub no-reply address
/// (`12345+login@users.noreply.github.com`, as web edits and bots commit), so that changes
/// read from git name authors as GitHub's webhooks do; else the email address; else the name.
fn login(name: &[u8], email: &[u8]) -> String {
    let email = String::from_utf8_lossy(email);
    let email = email.trim();
    if let Some(local) = email.strip_suffix("@users.noreply.github.com") {
        let login = local.split_once('+').map_or(local, |(_, login)| login);
        if !login.is_empty() {
            return login.to_string();
        }
    }
    if !email.is_empty() {
        return email.to_string();
    }
    String::from_utf8_lossy(name).trim().to_string()
}

/// Every commit reachable from `tip`, with its merge time: a commit on the first-parent line
/// of `tip` is merged when it is committed; any other is merged by the first-parent commit
/// that brought it in (the merge commit whose first parent does not reach it, but whose
/// other parents do), at that merge commit's commit time.
///
/// Only changes merged at or after `since` are returned, oldest merge first: each merge's
/// commits, then the merge commit. The walk covers the whole history anyway, since which
/// merge brings a commit in is known only once every older merge has taken its own.
pub(crate) fn changes(
    objects: &mut Objects<'_>,
    tip: ObjectId,
    repository: &str,
    since: Option<i64>,
) -> Result<Vec<Change>, String> {
    let mut seen = HashSet::default();
    let mut line = Vec::new();
    let mut next = Some(tip);
    while let Some(id) = next {
        if !seen.insert(id) {
            return Err(format!("commit {id} is its own ancestor (the repository is corrupt)"));
        }
        let commit = objects.commit(&id)?;
        next = commit.parents.first().copied();
        line.push((id, commit));
    }
    // From the oldest first-parent commit on, each one takes the commits its other parents
    // reach that no older one took: those its merge brought in.
    let mut changes = Vec::new();
    let mut pending = Vec::new();
    let mut keep = |id: ObjectId, commit: Commit, merged_at: i64| {
        if since.is_none_or(|since| merged_at >= since) {
            changes.push(Change {
                sha: id.to_hex().to_string(),
                repository: repository.to_string(),
                author: commit.author,
                authored_at: commit.authored_at,
                committed_at: commit.committed_at,
                merged_at,
            });
        }
    };
    for (id, commit) in line.into_iter().rev() {
        let merged_at = commit.committed_at;
        pending.extend(commit.parents.iter().skip(1).filter(|p| !seen.contains(*p)));
        while let Some(brought) = pending.pop() {
            if !seen.insert(brought) {
                continue;
            }
            let found = objects.commit(&brought)?;
            pending.extend(found.parents.iter().filter(|p| !seen.contains(*p)));
            keep(brought, found, merged_at);
        }
        keep(id, commit, merged_at);
    }
    Ok(changes)
}

/// A tag that names a commit.
pub(crate) struct TaggedCommit {
    pub name: String,
    pub commit: ObjectId,
    /// The tagger's time, or the commit's commit time for a lightweight tag.
    pub at: i64,
}

/// Assigns each commit to the first tag (in the given order) whose commit reaches it, and
/// calls `shipped` with each tag and its commits (full hex ids). Each commit is read once:
/// a tag's walk stops at commits an earlier tag took.
pub(crate) fn tag_ranges(
    objects: &mut Objects<'_>,
    tags: &[TaggedCommit],
    mut shipped: impl FnMut(&TaggedCommit, Vec<String>),
) -> Result<(), (String, String)> {
    let mut seen = HashSet::default();
    let mut pending = Vec::new();
    for tag in tags {
        let mut commits = Vec::new();
        pending.push(tag.commit);
        while let Some(id) = pending.pop() {
            if !seen.insert(id) {
                continue;
            }
            let parents = objects.parents(&id).map_err(|problem| (tag.name.clone(), problem))?;
            pending.extend(parents.into_iter().filter(|p| !seen.contains(p)));
            commits.push(id.to_hex().to_string());
        }
        shipped(tag, commits);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_dates_are_utc_seconds() {
        assert_eq!(seconds("1709539200 +0200"), Some(1_709_539_200));
        assert_eq!(seconds("  1709539200 -0530"), Some(1_709_539_200));
        assert_eq!(seconds("-5 +0000"), Some(-5));
        assert_eq!(seconds("0"), Some(0));
        assert_eq!(seconds(""), None);
        assert_eq!(seconds("soon +0100"), None);
    }

    #[test]
    fn authors_are_named_by_login_or_email() {
        let cases: [(&str, &str, &str); 7] = [
            ("Ada", "ada@example.com", "ada@example.com"),
            ("Ada", " ada@example.com ", "ada@example.com"),
            ("Ada", "1234+ada-l@users.noreply.github.com", "ada-l"),
            ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com", "renovate[bot]"),
            ("Old", "old@users.noreply.github.com", "old"),
            ("Ada Lovelace", "", "Ada Lovelace"),
            ("Odd", "1234+@users.noreply.github.com", "1234+@users.noreply.github.com"),
        ];
        for (name, email, expected) in cases {
            assert_eq!(login(name.as_bytes(), email.as_bytes()), expected, "{name} <{email}>");
        }
    }
}
