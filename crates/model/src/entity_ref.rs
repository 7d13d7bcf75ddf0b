use std::fmt;

use crate::names::{is_valid_kind, is_valid_namespace, is_valid_object_name};
use crate::DEFAULT_NAMESPACE;

/// A reference to an entity, `kind:namespace/name`, in canonical form.
///
/// As in Backstage, the canonical form is entirely lower case, so references
/// compare case-insensitively; the original spelling lives in the entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityRef {
    kind: String,
    namespace: String,
    name: String,
}

/// Why a textual reference could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    Empty,
    EmptyPart(String),
    MissingKind(String),
    InvalidKind(String),
    InvalidNamespace(String),
    InvalidName(String),
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefError::Empty => write!(f, "entity reference must not be empty"),
            RefError::EmptyPart(r) => {
                write!(f, "entity reference \"{r}\" is not of the form [kind:][namespace/]name")
            }
            RefError::MissingKind(r) => {
                write!(f, "entity reference \"{r}\" needs a kind here (e.g. \"component:{r}\")")
            }
            RefError::InvalidKind(r) => write!(f, "entity reference \"{r}\" has an invalid kind"),
            RefError::InvalidNamespace(r) => write!(
                f,
                "entity reference \"{r}\" has an invalid namespace (expected [a-z0-9] runs separated by '-')"
            ),
            RefError::InvalidName(r) => write!(
                f,
                "entity reference \"{r}\" has an invalid name (expected [a-zA-Z0-9] runs separated by [-_.], at most 63 characters)"
            ),
        }
    }
}

impl std::error::Error for RefError {}

impl EntityRef {
    /// Builds a reference from parts, normalising case. Parts are not validated.
    pub fn new(kind: &str, namespace: &str, name: &str) -> Self {
        EntityRef {
            kind: kind.to_ascii_lowercase(),
            namespace: namespace.to_ascii_lowercase(),
            name: name.to_lowercase(),
        }
    }

    /// Parses `[kind:][namespace/]name` with Backstage's defaulting rules: a
    /// missing kind takes `default_kind` (an error when there is none), a
    /// missing namespace takes `default_namespace` (or `default`).
    pub fn parse(text: &str, default_kind: Option<&str>, default_namespace: Option<&str>) -> Result<Self, RefError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RefError::Empty);
        }
        let mut colon = text.find(':');
        let slash = text.find('/');
        // A slash before the colon means the colon belongs to the name.
        if let (Some(s), Some(c)) = (slash, colon) {
            if s < c {
                colon = None;
            }
        }
        let kind = colon.map(|c| &text[..c]);
        let namespace = slash.map(|s| &text[colon.map_or(0, |c| c + 1)..s]);
        let name_start = colon.map_or(0, |c| c + 1).max(slash.map_or(0, |s| s + 1));
        let name = &text[name_start..];
        if kind == Some("") || namespace == Some("") || name.is_empty() {
            return Err(RefError::EmptyPart(text.to_string()));
        }
        let kind = kind.or(default_kind).ok_or_else(|| RefError::MissingKind(text.to_string()))?;
        let namespace = namespace.or(default_namespace).unwrap_or(DEFAULT_NAMESPACE);
        if !is_valid_kind(kind) {
            return Err(RefError::InvalidKind(text.to_string()));
        }
        if !is_valid_namespace(&namespace.to_ascii_lowercase()) {
            return Err(RefError::InvalidNamespace(text.to_string()));
        }
        if !is_valid_object_name(name) {
            return Err(RefError::InvalidName(text.to_string()));
        }
        Ok(EntityRef::new(kind, namespace, name))
    }

    pub fn kind(&self) -> &str {
        &self.kind
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}/{}", self.kind, self.namespace, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, kind: Option<&str>) -> Result<String, RefError> {
        EntityRef::parse(text, kind, None).map(|r| r.to_string())
    }

    #[test]
    fn defaults_fill_missing_parts() {
        assert_eq!(parse("team-a", Some("Group")).unwrap(), "group:default/team-a");
        assert_eq!(parse("ops/team-a", Some("group")).unwrap(), "group:ops/team-a");
        assert_eq!(parse("user:jdoe", Some("group")).unwrap(), "user:default/jdoe");
        assert_eq!(parse("Component:Ops/My_Svc", None).unwrap(), "component:ops/my_svc");
        let in_ns = EntityRef::parse("svc", Some("component"), Some("billing")).unwrap();
        assert_eq!(in_ns.to_string(), "component:billing/svc");
    }

    #[test]
    fn kind_is_required_without_default() {
        assert_eq!(parse("svc-1", None), Err(RefError::MissingKind("svc-1".into())));
    }

    #[test]
    fn malformed_references_are_rejected() {
        assert_eq!(parse("", Some("x")), Err(RefError::Empty));
        assert!(matches!(parse(":a", Some("x")), Err(RefError::EmptyPart(_))));
        assert!(matches!(parse("a:/b", None), Err(RefError::EmptyPart(_))));
        assert!(matches!(parse("component:a/", None), Err(RefError::EmptyPart(_))));
        assert!(matches!(parse("component:Bad_Ns/a", None), Err(RefError::InvalidNamespace(_))));
        assert!(matches!(parse("component:a b", None), Err(RefError::InvalidName(_))));
        assert!(matches!(parse("9x:a", None), Err(RefError::InvalidKind(_))));
    }

    #[test]
    fn slash_before_colon_keeps_colon_in_name() {
        // "ns/a:b" has no kind; the name "a:b" is then invalid as an object name.
        assert!(matches!(parse("ns/a:b", Some("component")), Err(RefError::InvalidName(_))));
    }
}
