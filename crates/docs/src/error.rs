use std::fmt;

use kiosque_descriptor::{ParseError, Position};

/// Why a document (an API definition, an `mkdocs.yml`) cannot be used, with
/// where the problem is when that is known. Its `Display` is meant to be
/// shown on the page as it is: `line 12, column 3: …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsError {
    /// 1-based line and column (columns count characters).
    pub position: Option<Position>,
    pub message: String,
}

impl DocsError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        DocsError { position: None, message: message.into() }
    }

    pub(crate) fn at(position: Option<Position>, message: impl Into<String>) -> Self {
        DocsError { position, message: message.into() }
    }
}

impl fmt::Display for DocsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(Position { line, col }) => write!(f, "line {line}, column {col}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DocsError {}

impl From<ParseError> for DocsError {
    fn from(err: ParseError) -> Self {
        DocsError { position: Some(err.position), message: err.message }
    }
}
