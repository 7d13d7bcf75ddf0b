//! The catalog's entity model.
//!
//! Kiosque reads Backstage descriptor files unchanged, so this crate follows
//! Backstage's catalog model: the same kinds, the same naming rules, the same
//! reference syntax and defaulting, the same relations. It is pure (no I/O, no
//! YAML, no SQL) so that every other crate can share it.
//!
//! An entity is kept as its JSON object: fields Kiosque does not know are
//! preserved as they came, and typed accessors read the ones it does.

mod entity;
mod entity_ref;
mod names;
mod problem;
mod relations;
mod validate;

pub use entity::{Entity, ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, ANNOTATION_ORPHAN};
pub use entity_ref::{EntityRef, RefError};
pub use names::{
    is_valid_annotation_key, is_valid_api_version, is_valid_kind, is_valid_label_key, is_valid_label_value,
    is_valid_namespace, is_valid_object_name, is_valid_tag,
};
pub use problem::{Problem, Severity};
pub use relations::{derive_relations, Derived, InteractionMode, Relation, RelationType};
pub use validate::{validate_entity, KNOWN_KINDS, TEAM_TOPOLOGIES_TYPES};

/// The namespace used when an entity or reference names none.
pub const DEFAULT_NAMESPACE: &str = "default";
