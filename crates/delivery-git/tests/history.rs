//! Reading real repositories, made in each test with the `git` command line. Dates are given
//! with explicit time zones; the expected UTC seconds are worked out in the comments.

use std::path::{Path, PathBuf};
use std::process::Command;

use kiosque_delivery::{Change, Deployment, Status};
use kiosque_delivery_git::{ChangeOptions, Error, GitHistory, TagOptions};
use tempfile::TempDir;

/// 2024-03-04T00:00:00Z: 2024-01-01 is 1,704,067,200; then 31 + 29 + 3 days.
const DAY0: i64 = 1_704_067_200 + 63 * 86_400;

/// UTC seconds of day `day` after 2024-03-04, at `hour`:`minute` UTC.
fn utc(day: i64, hour: i64, minute: i64) -> i64 {
    DAY0 + day * 86_400 + hour * 3_600 + minute * 60
}

const EMAIL: &str = "ada@example.com";

/// A repository made with the git command line in a temporary directory.
struct Repo {
    dir: TempDir,
}

impl Repo {
    /// A new repository, or `None` (with a note) when the git command line is not installed.
    fn init() -> Option<Repo> {
        if Command::new("git").arg("--version").output().is_err() {
            eprintln!("note: the git command line is not installed; test skipped");
            return None;
        }
        let repo = Repo { dir: TempDir::new().unwrap() };
        repo.git(&["init", "-q"]);
        Some(repo)
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), "2024-01-01T00:00:00+00:00", args)
    }

    /// Runs git with both the author and committer (or tagger) date set to `date`.
    fn git_at(&self, date: &str, args: &[&str]) -> String {
        git_in(self.path(), date, args)
    }

    /// An empty commit on the current branch, authored at `authored` and committed at `committed`.
    fn commit(&self, message: &str, authored: &str, committed: &str) -> String {
        run(self.path(), committed, Some(authored), &["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Merges `branch` into the current branch with a merge commit made at `date`.
    fn merge(&self, branch: &str, date: &str) -> String {
        self.git_at(date, &["merge", "-q", "--no-ff", "-m", &format!("merge {branch}"), branch]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn open(&self) -> GitHistory {
        GitHistory::open(self.path()).unwrap()
    }
}

fn git_in(dir: &Path, date: &str, args: &[&str]) -> String {
    run(dir, date, None, args)
}

/// Runs git in `dir` with a fixed identity and no user or system configuration; returns its
/// trimmed standard output.
fn run(dir: &Path, committed: &str, authored: Option<&str>, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "init.defaultBranch=main", "-c", "commit.gpgSign=false", "-c", "tag.gpgSign=false"])
        .args(["-c", "advice.nestedTag=false", "-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", EMAIL)
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", EMAIL)
        .env("GIT_AUTHOR_DATE", authored.unwrap_or(committed))
        .env("GIT_COMMITTER_DATE", committed)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("the git command line runs");
    assert!(output.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn change(sha: &str, authored_at: i64, committed_at: i64, merged_at: i64) -> Change {
    Change {
        sha: sha.to_string(),
        repository: "acme/payments".to_string(),
        author: EMAIL.to_string(),
        authored_at,
        committed_at,
        merged_at,
    }
}

/// Changes keyed by sha, so that a comparison does not depend on the walk's order.
fn by_sha(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort_by(|a, b| a.sha.cmp(&b.sha));
    changes
}

fn options() -> ChangeOptions {
    ChangeOptions::new("acme/payments")
}

fn tag_options(pattern: &str) -> TagOptions {
    TagOptions {
        repository: "acme/payments".to_string(),
        service: "payments".to_string(),
        environment: "production".to_string(),
        pattern: pattern.to_string(),
        since: None,
    }
}

/// Each deployment as (time, sorted commits), the fields the history gives it.
fn shipped(deployments: &[Deployment]) -> Vec<(i64, Vec<String>)> {
    deployments
        .iter()
        .map(|d| {
            let mut commits = d.commits.clone();
            commits.sort();
            (d.finished_at, commits)
        })
        .collect()
}

fn sorted(shas: &[&str]) -> Vec<String> {
    let mut shas: Vec<String> = shas.iter().map(|s| s.to_string()).collect();
    shas.sort();
    shas
}

#[test]
fn linear_history_in_utc() {
    let Some(repo) = Repo::init() else { return };
    // 10:00+02:00 is 08:00Z; 10:30+02:00 is 08:30Z.
    let c1 = repo.commit("one", "2024-03-04T10:00:00+02:00", "2024-03-04T10:30:00+02:00");
    // 09:00-05:00 is 14:00Z.
    let c2 = repo.commit("two", "2024-03-04T09:00:00-05:00", "2024-03-04T15:00:00+00:00");
    // 2024-03-05T01:30+05:30 is 2024-03-04T20:00Z.
    let c3 = repo.commit("three", "2024-03-05T01:30:00+05:30", "2024-03-05T01:30:00+05:30");

    let changes = repo.open().changes(&options()).unwrap();
    assert_eq!(
        changes,
        [
            change(&c1, utc(0, 8, 0), utc(0, 8, 30), utc(0, 8, 30)),
            change(&c2, utc(0, 14, 0), utc(0, 15, 0), utc(0, 15, 0)),
            change(&c3, utc(0, 20, 0), utc(0, 20, 0), utc(0, 20, 0)),
        ]
    );
    // A branch name and a commit id are refs too.
    let at_main = repo.open().changes(&ChangeOptions { rev: "main".to_string(), ..options() }).unwrap();
    assert_eq!(at_main, changes);
    let at_c2 = repo.open().changes(&ChangeOptions { rev: c2.clone(), ..options() }).unwrap();
    assert_eq!(at_c2, changes[..2]);
}

/// main: m1 ─ m2 ─────────── M1 ─ m3 ─ M2
///         \      \         /    \     /
/// feature: f1 ──── S ─ f2 ─      h1 ─   (hotfix)
///
/// S merges main into the feature branch; M1 merges the feature into main, M2 the hotfix.
struct Merges {
    repo: Repo,
    m1: String,
    f1: String,
    m2: String,
    s: String,
    f2: String,
    m1_merge: String,
    h1: String,
    m3: String,
    m2_merge: String,
}

fn merges() -> Option<Merges> {
    let repo = Repo::init()?;
    let m1 = repo.commit("m1", "2024-03-04T09:00:00+01:00", "2024-03-04T09:00:00+01:00"); // 08:00Z
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let f1 = repo.commit("f1", "2024-03-04T09:00:00+00:00", "2024-03-04T09:30:00+00:00"); // 09:30Z
    repo.git(&["checkout", "-q", "main"]);
    let m2 = repo.commit("m2", "2024-03-04T12:00:00+02:00", "2024-03-04T12:00:00+02:00"); // 10:00Z
    repo.git(&["checkout", "-q", "feature"]);
    let s = repo.merge("main", "2024-03-04T11:00:00+00:00"); // 11:00Z
    let f2 = repo.commit("f2", "2024-03-04T12:00:00+00:00", "2024-03-04T12:00:00+00:00"); // 12:00Z
    repo.git(&["checkout", "-q", "main"]);
    let m1_merge = repo.merge("feature", "2024-03-05T09:00:00+09:00"); // 2024-03-05T00:00Z
    repo.git(&["checkout", "-q", "-b", "hotfix"]);
    let h1 = repo.commit("h1", "2024-03-05T01:00:00+00:00", "2024-03-05T01:00:00+00:00");
    repo.git(&["checkout", "-q", "main"]);
    let m3 = repo.commit("m3", "2024-03-05T02:00:00+00:00", "2024-03-05T02:00:00+00:00");
    let m2_merge = repo.merge("hotfix", "2024-03-04T22:00:00-05:00"); // 2024-03-05T03:00Z
    Some(Merges { repo, m1, f1, m2, s, f2, m1_merge, h1, m3, m2_merge })
}

#[test]
fn commits_brought_in_by_a_merge_are_merged_at_the_merge() {
    let Some(g) = merges() else { return };
    let changes = g.repo.open().changes(&options()).unwrap();
    let merged = utc(1, 0, 0);
    let hotfix = utc(1, 3, 0);
    assert_eq!(
        by_sha(changes),
        by_sha(vec![
            change(&g.m1, utc(0, 8, 0), utc(0, 8, 0), utc(0, 8, 0)),
            // Made on the feature branch: merged when M1 merged it.
            change(&g.f1, utc(0, 9, 0), utc(0, 9, 30), merged),
            // On main's first-parent line: merged when committed, though S reached it too.
            change(&g.m2, utc(0, 10, 0), utc(0, 10, 0), utc(0, 10, 0)),
            change(&g.s, utc(0, 11, 0), utc(0, 11, 0), merged),
            change(&g.f2, utc(0, 12, 0), utc(0, 12, 0), merged),
            change(&g.m1_merge, merged, merged, merged),
            change(&g.h1, utc(1, 1, 0), utc(1, 1, 0), hotfix),
            change(&g.m3, utc(1, 2, 0), utc(1, 2, 0), utc(1, 2, 0)),
            change(&g.m2_merge, hotfix, hotfix, hotfix),
        ])
    );
}

#[test]
fn merge_times_follow_the_named_branch() {
    let Some(g) = merges() else { return };
    let rev = ChangeOptions { rev: "feature".to_string(), ..options() };
    let changes = g.repo.open().changes(&rev).unwrap();
    // On the feature branch's own line, m2 is what S brought in.
    assert_eq!(
        by_sha(changes),
        by_sha(vec![
            change(&g.m1, utc(0, 8, 0), utc(0, 8, 0), utc(0, 8, 0)),
            change(&g.f1, utc(0, 9, 0), utc(0, 9, 30), utc(0, 9, 30)),
            change(&g.m2, utc(0, 10, 0), utc(0, 10, 0), utc(0, 11, 0)),
            change(&g.s, utc(0, 11, 0), utc(0, 11, 0), utc(0, 11, 0)),
            change(&g.f2, utc(0, 12, 0), utc(0, 12, 0), utc(0, 12, 0)),
        ])
    );
}

#[test]
fn since_selects_by_merge_time() {
    let Some(g) = merges() else { return };
    let history = g.repo.open();
    let since = |at: i64| {
        let changes = history.changes(&ChangeOptions { since: Some(at), ..options() }).unwrap();
        let mut shas: Vec<String> = changes.into_iter().map(|c| c.sha).collect();
        shas.sort();
        shas
    };
    // f1 was committed on day 0 but merged on day 1: it is in, m2 is not.
    assert_eq!(since(utc(1, 0, 0)), sorted(&[&g.f1, &g.s, &g.f2, &g.m1_merge, &g.h1, &g.m3, &g.m2_merge]));
    // The bound is inclusive.
    assert_eq!(since(utc(1, 3, 0)), sorted(&[&g.h1, &g.m2_merge]));
    assert_eq!(since(utc(1, 3, 1)), Vec::<String>::new());
    assert_eq!(since(utc(0, 0, 0)).len(), 9);
}

/// main: c1 ─ c2 ─ c3 ─ c4 ─ c5 ─ M ─ c6
///             \          \      /
///              r1         b1 ──
///
/// Tags: v1 (lightweight) on c2; v1.0.1 (annotated) on r1, a release branch; v2 (annotated)
/// on c4, and v2-again, an annotated tag of that tag; release-x (not matching) on c5; v3
/// (annotated) on M; v-tree on a tree.
struct Tagged {
    repo: Repo,
    c: Vec<String>,
    r1: String,
    b1: String,
    merge: String,
}

fn tagged() -> Option<Tagged> {
    let repo = Repo::init()?;
    let mut c = Vec::new();
    c.push(repo.commit("c1", "2024-03-04T08:00:00+00:00", "2024-03-04T08:00:00+00:00"));
    c.push(repo.commit("c2", "2024-03-04T09:00:00+00:00", "2024-03-04T10:00:00+01:00")); // 09:00Z
    repo.git(&["tag", "v1"]);
    repo.git(&["checkout", "-q", "-b", "release-1", "v1"]);
    let r1 = repo.commit("r1", "2024-03-04T10:00:00+00:00", "2024-03-04T10:00:00+00:00");
    // Tagged at 2024-03-04T12:00Z.
    repo.git_at("2024-03-04T07:00:00-05:00", &["tag", "-a", "v1.0.1", "-m", "hotfix"]);
    repo.git(&["checkout", "-q", "main"]);
    c.push(repo.commit("c3", "2024-03-04T11:00:00+00:00", "2024-03-04T11:00:00+00:00"));
    c.push(repo.commit("c4", "2024-03-04T13:00:00+00:00", "2024-03-04T13:00:00+00:00"));
    // Tagged at 2024-03-05T00:00Z, long after its commit.
    repo.git_at("2024-03-05T01:00:00+01:00", &["tag", "-a", "v2", "-m", "two"]);
    repo.git_at("2024-03-05T06:00:00+00:00", &["tag", "-a", "v2-again", "-m", "two again", "v2"]);
    repo.git(&["checkout", "-q", "-b", "topic"]);
    let b1 = repo.commit("b1", "2024-03-05T08:00:00+00:00", "2024-03-05T08:00:00+00:00");
    repo.git(&["checkout", "-q", "main"]);
    c.push(repo.commit("c5", "2024-03-05T09:00:00+00:00", "2024-03-05T09:00:00+00:00"));
    repo.git(&["tag", "release-x"]);
    let merge = repo.merge("topic", "2024-03-05T10:00:00+00:00");
    repo.git_at("2024-03-06T10:00:00+00:00", &["tag", "-a", "v3", "-m", "three"]);
    c.push(repo.commit("c6", "2024-03-06T11:00:00+00:00", "2024-03-06T11:00:00+00:00"));
    repo.git(&["tag", "v-tree", "HEAD^{tree}"]);
    Some(Tagged { repo, c, r1, b1, merge })
}

#[test]
fn tags_become_deployments_of_the_commits_they_bring() {
    let Some(t) = tagged() else { return };
    let c = &t.c;
    let found = t.repo.open().tag_deployments(&tag_options("v*")).unwrap();
    assert_eq!(
        shipped(&found.deployments),
        [
            // Lightweight: the commit's time, 09:00Z. Everything before it.
            (utc(0, 9, 0), sorted(&[&c[0], &c[1]])),
            // Annotated: the tagger's time. Only what v1 did not ship.
            (utc(0, 12, 0), sorted(&[&t.r1])),
            // Not r1: the release branch never reached main.
            (utc(1, 0, 0), sorted(&[&c[2], &c[3]])),
            // A tag of the same commit: a redeploy that ships nothing new.
            (utc(1, 6, 0), vec![]),
            // The merge brings the topic branch's commit.
            (utc(2, 10, 0), sorted(&[&c[4], &t.b1, &t.merge])),
        ]
    );
    assert_eq!(found.skipped, ["tag \"v-tree\" names a tree, not a commit"]);
    for deployment in &found.deployments {
        assert_eq!(
            (deployment.repository.as_str(), deployment.service.as_str(), deployment.environment.as_str()),
            ("acme/payments", "payments", "production")
        );
        assert_eq!(deployment.started_at, deployment.finished_at);
        assert_eq!(deployment.status, Status::Success);
        assert_eq!((deployment.rollback_of, deployment.fixes), (None, None));
    }
    let mut ids: Vec<i64> = found.deployments.iter().map(|d| d.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "ids are distinct");

    // Another pattern: only the tags it matches, each range still from the previous one.
    let releases = t.repo.open().tag_deployments(&tag_options("v?")).unwrap();
    assert_eq!(
        shipped(&releases.deployments),
        [
            (utc(0, 9, 0), sorted(&[&c[0], &c[1]])),
            (utc(1, 0, 0), sorted(&[&c[2], &c[3]])),
            (utc(2, 10, 0), sorted(&[&c[4], &t.b1, &t.merge])),
        ]
    );
    assert!(releases.skipped.is_empty());
    let none = t.repo.open().tag_deployments(&tag_options("nothing-*")).unwrap();
    assert_eq!((none.deployments.len(), none.skipped.len()), (0, 0));
}

#[test]
fn tags_are_taken_in_time_order_not_name_order() {
    let Some(repo) = Repo::init() else { return };
    let c1 = repo.commit("c1", "2024-03-04T08:00:00+00:00", "2024-03-04T08:00:00+00:00");
    repo.git(&["tag", "v9"]);
    let c2 = repo.commit("c2", "2024-03-04T09:00:00+00:00", "2024-03-04T09:00:00+00:00");
    let c3 = repo.commit("c3", "2024-03-04T10:00:00+00:00", "2024-03-04T10:00:00+00:00");
    repo.git(&["tag", "v10"]);
    // Tagged last, on an older commit: everything it holds was released already.
    repo.git_at("2024-03-04T12:00:00+00:00", &["tag", "-a", "v8", "-m", "late", &c2]);
    let found = repo.open().tag_deployments(&tag_options("v*")).unwrap();
    assert_eq!(
        shipped(&found.deployments),
        [(utc(0, 8, 0), sorted(&[&c1])), (utc(0, 10, 0), sorted(&[&c2, &c3])), (utc(0, 12, 0), vec![])]
    );
}

#[test]
fn a_reimport_gives_the_same_deployments() {
    let Some(t) = tagged() else { return };
    let first = t.repo.open().tag_deployments(&tag_options("v*")).unwrap();
    let again = t.repo.open().tag_deployments(&tag_options("v*")).unwrap();
    assert_eq!(first, again);
    // A new release changes none of the earlier ones.
    t.repo.commit("c7", "2024-03-07T09:00:00+00:00", "2024-03-07T09:00:00+00:00");
    t.repo.git(&["tag", "v4"]);
    let later = t.repo.open().tag_deployments(&tag_options("v*")).unwrap();
    assert_eq!(later.deployments[..5], first.deployments[..]);
    assert_eq!(later.deployments.len(), 6);
    assert!(first.deployments.iter().all(|d| d.id != later.deployments[5].id));
    // The same tags deployed elsewhere are other deployments.
    let staging = TagOptions { environment: "staging".to_string(), ..tag_options("v*") };
    let staging = t.repo.open().tag_deployments(&staging).unwrap();
    assert_eq!(shipped(&staging.deployments), shipped(&later.deployments));
    for (a, b) in staging.deployments.iter().zip(&later.deployments) {
        assert_ne!(a.id, b.id);
    }
}

#[test]
fn since_keeps_later_tags_with_their_own_ranges() {
    let Some(t) = tagged() else { return };
    let options = TagOptions { since: Some(utc(1, 0, 0)), ..tag_options("v*") };
    let found = t.repo.open().tag_deployments(&options).unwrap();
    let c = &t.c;
    assert_eq!(
        shipped(&found.deployments),
        [
            (utc(1, 0, 0), sorted(&[&c[2], &c[3]])),
            (utc(1, 6, 0), vec![]),
            (utc(2, 10, 0), sorted(&[&c[4], &t.b1, &t.merge])),
        ]
    );
    let all = t.repo.open().tag_deployments(&tag_options("v*")).unwrap();
    assert_eq!(found.deployments[..], all.deployments[2..]);
}

#[test]
fn a_bare_clone_reads_the_same_and_names_its_origin() {
    let Some(g) = merges() else { return };
    let parent = TempDir::new().unwrap();
    let source = g.repo.path().to_str().unwrap();
    git_in(parent.path(), "2024-01-01T00:00:00+00:00", &["clone", "-q", "--bare", "--no-local", source, "copy.git"]);
    let bare = parent.path().join("copy.git");
    let copy = GitHistory::open(&bare).unwrap();
    assert_eq!(by_sha(copy.changes(&options()).unwrap()), by_sha(g.repo.open().changes(&options()).unwrap()));
    assert!(!copy.is_shallow());
    // Cloned from a path: the origin names no forge.
    assert_eq!(copy.origin_slug(), None);
    git_in(&bare, "2024-01-01T00:00:00+00:00", &["remote", "set-url", "origin", "git@github.com:acme/payments.git"]);
    assert_eq!(GitHistory::open(&bare).unwrap().origin_slug().as_deref(), Some("acme/payments"));
    // Without an origin remote.
    assert_eq!(g.repo.open().origin_slug(), None);
}

#[test]
fn a_shallow_clone_stops_at_its_boundary() {
    let Some(repo) = Repo::init() else { return };
    let c1 = repo.commit("c1", "2024-03-04T08:00:00+00:00", "2024-03-04T08:00:00+00:00");
    repo.commit("c2", "2024-03-04T09:00:00+00:00", "2024-03-04T09:00:00+00:00");
    let c3 = repo.commit("c3", "2024-03-04T10:00:00+00:00", "2024-03-04T10:00:00+00:00");
    let c4 = repo.commit("c4", "2024-03-04T11:00:00+00:00", "2024-03-04T11:00:00+00:00");
    repo.git(&["tag", "v2"]);
    let parent = TempDir::new().unwrap();
    let url = format!("file://{}", repo.path().display());
    git_in(parent.path(), "2024-01-01T00:00:00+00:00", &["clone", "-q", "--depth", "2", &url, "shallow"]);
    let clone = parent.path().join("shallow");
    // A tag of a commit the clone does not hold.
    std::fs::write(clone.join(".git/refs/tags/v1"), format!("{c1}\n")).unwrap();

    let history = GitHistory::open(&clone).unwrap();
    assert!(history.is_shallow());
    assert_eq!(
        history.changes(&options()).unwrap(),
        [
            change(&c3, utc(0, 10, 0), utc(0, 10, 0), utc(0, 10, 0)),
            change(&c4, utc(0, 11, 0), utc(0, 11, 0), utc(0, 11, 0)),
        ]
    );
    let found = history.tag_deployments(&tag_options("v*")).unwrap();
    assert_eq!(shipped(&found.deployments), [(utc(0, 11, 0), sorted(&[&c3, &c4]))]);
    assert_eq!(found.skipped, [format!("tag \"v1\" names {c1}, beyond the shallow clone's boundary")]);
}

#[test]
fn a_path_that_is_not_a_repository() {
    let Some(_) = Repo::init() else { return };
    let dir = TempDir::new().unwrap();
    let message = |path: &Path| GitHistory::open(path).err().map(|e| e.to_string());
    let plain = dir.path().to_path_buf();
    assert_eq!(message(&plain), Some(format!("git repository {}: not a git repository", plain.display())));
    let missing = dir.path().join("missing");
    assert_eq!(message(&missing), Some(format!("git repository {}: no such directory", missing.display())));
    let file = dir.path().join("file");
    std::fs::write(&file, "text").unwrap();
    assert_eq!(message(&file), Some(format!("git repository {}: not a git repository (it is a file)", file.display())));
    assert!(matches!(GitHistory::open(&plain), Err(Error::Open { path, .. }) if path == plain));
    // A directory inside a work tree is not the repository.
    let Some(repo) = Repo::init() else { return };
    let inner = repo.path().join("src");
    std::fs::create_dir(&inner).unwrap();
    assert_eq!(message(&inner), Some(format!("git repository {}: not a git repository", inner.display())));
    // Its git directory is.
    repo.commit("c1", "2024-03-04T08:00:00+00:00", "2024-03-04T08:00:00+00:00");
    assert_eq!(GitHistory::open(repo.path().join(".git")).unwrap().changes(&options()).unwrap().len(), 1);
}

#[test]
fn a_missing_ref_names_the_repository_and_the_ref() {
    let Some(repo) = Repo::init() else { return };
    // No commit yet: HEAD names nothing.
    let empty = repo.open().changes(&options()).unwrap_err();
    assert_eq!(empty, Error::MissingRef { path: repo.path().to_path_buf(), rev: "HEAD".to_string() });
    assert_eq!(empty.to_string(), format!("git repository {}: ref \"HEAD\" does not exist", repo.path().display()));
    assert_eq!(repo.open().tag_deployments(&tag_options("v*")).unwrap().deployments, []);

    repo.commit("c1", "2024-03-04T08:00:00+00:00", "2024-03-04T08:00:00+00:00");
    for rev in ["nope", "refs/heads/nope", "0123456789abcdef0123456789abcdef01234567"] {
        let err = repo.open().changes(&ChangeOptions { rev: rev.to_string(), ..options() }).unwrap_err();
        assert_eq!(err, Error::MissingRef { path: repo.path().to_path_buf(), rev: rev.to_string() });
    }
    // A malformed revision, or one that names no commit, is an error on one line naming it.
    for rev in ["HEAD~5", "a b", "HEAD^{tree}"] {
        let err = repo.open().changes(&ChangeOptions { rev: rev.to_string(), ..options() }).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with(&format!("git repository {}: ", repo.path().display())), "{text}");
        assert!(text.contains(&format!("{rev:?}")) && !text.contains('\n'), "{text}");
    }
    let err = repo.open().changes(&ChangeOptions { rev: "HEAD^{tree}".to_string(), ..options() }).unwrap_err();
    assert!(err.to_string().ends_with("it names a tree, not a commit"), "{err}");
}

#[test]
fn an_invalid_tag_pattern() {
    let Some(repo) = Repo::init() else { return };
    let err = repo.open().tag_deployments(&tag_options("v[")).unwrap_err();
    assert!(matches!(&err, Error::Pattern { pattern, .. } if pattern == "v["), "{err:?}");
    assert!(err.to_string().starts_with("invalid tag pattern \"v[\": "), "{err}");
}

/// The path of the loose object file of `id`.
fn object_file(git_dir: &Path, id: &str) -> PathBuf {
    git_dir.join("objects").join(&id[..2]).join(&id[2..])
}

#[test]
fn a_missing_or_corrupt_commit_is_an_error_naming_it() {
    let Some(t) = tagged() else { return };
    let git_dir = t.repo.path().join(".git");
    let path = t.repo.path().display().to_string();
    let c3 = &t.c[2];
    std::fs::remove_file(object_file(&git_dir, c3)).unwrap();
    let err = t.repo.open().changes(&options()).unwrap_err().to_string();
    assert!(err.starts_with(&format!("git repository {path}: ref \"HEAD\": ")) && err.contains(c3.as_str()), "{err}");
    let err = t.repo.open().tag_deployments(&tag_options("v*")).unwrap_err().to_string();
    assert!(err.starts_with(&format!("git repository {path}: tag \"v2\": ")) && err.contains(c3.as_str()), "{err}");
    // A shallow boundary is declared: a hole elsewhere is not taken for one.
    assert!(!t.repo.open().is_shallow());

    let c2 = &t.c[1];
    std::fs::write(object_file(&git_dir, c2), b"garbage").unwrap();
    let err = t.repo.open().changes(&ChangeOptions { rev: "v1".to_string(), ..options() }).unwrap_err();
    assert!(err.to_string().contains(c2.as_str()), "{err}");
}

#[test]
fn authors_from_a_github_noreply_address_are_logins() {
    let Some(repo) = Repo::init() else { return };
    repo.git_at(
        "2024-03-04T08:00:00+00:00",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "bump",
            "--author",
            "bot <29139614+renovate[bot]@users.noreply.github.com>",
        ],
    );
    let changes = repo.open().changes(&options()).unwrap();
    assert_eq!(changes[0].author, "renovate[bot]");
}
