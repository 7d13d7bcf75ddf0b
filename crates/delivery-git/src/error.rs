//! The one error type of the crate: every message names the repository and what was read.

use std::fmt;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Why a repository's history could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The path is not a git repository, or the repository cannot be opened.
    Open { path: PathBuf, problem: String },
    /// The ref to read from does not exist (or the repository has no commit yet).
    MissingRef { path: PathBuf, rev: String },
    /// Something reachable could not be read: a missing or corrupt object, a malformed ref.
    /// `at` says what was being read, like `ref "main"` or `tag "v1.2"`.
    Read { path: PathBuf, at: String, problem: String },
    /// The tag pattern is not a valid glob.
    Pattern { pattern: String, problem: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Open { path, problem } => write!(f, "git repository {}: {problem}", path.display()),
            Error::MissingRef { path, rev } => {
                write!(f, "git repository {}: ref {rev:?} does not exist", path.display())
            }
            Error::Read { path, at, problem } => write!(f, "git repository {}: {at}: {problem}", path.display()),
            Error::Pattern { pattern, problem } => write!(f, "invalid tag pattern {pattern:?}: {problem}"),
        }
    }
}

impl std::error::Error for Error {}

/// An error and its causes on one line, without repeating a cause its message already holds.
pub(crate) fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        let more = inner.to_string();
        if !more.is_empty() && !text.contains(&more) {
            let _ = write!(text, ": {more}");
        }
        cause = inner.source();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
