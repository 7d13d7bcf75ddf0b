use std::fmt;

/// How serious a problem is: errors reject an entity, warnings only inform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem found in an entity, located by a JSON pointer (RFC 6901) into it.
///
/// The model knows nothing of files; the descriptor layer turns the pointer
/// into a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub pointer: String,
    pub message: String,
}

impl Problem {
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { severity: Severity::Error, pointer: pointer.into(), message: message.into() }
    }

    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { severity: Severity::Warning, pointer: pointer.into(), message: message.into() }
    }
}
