//! The catalog's domain, between ingestion and storage on one side and the
//! API on the other.
//!
//! - [`reconcile`] turns what ingestion found in changed files into one
//!   [`ChangeSet`]: upserts, orphans and conflicts, decided against the
//!   claims already stored. The store applies it in one transaction.
//! - [`Catalog`] is the read model: every entity of a stored [`Snapshot`]
//!   indexed in memory for lookups by reference, Backstage-style filters,
//!   full-text search, facets and relation graphs.
//!
//! No I/O happens here.

mod apply;
#[cfg(test)]
mod apply_tests;
mod change;
mod diagnostic;
mod image;
mod index;
mod query;
mod table;
mod text;

pub use change::{
    display_key, reconcile, ChangeSet, Claim, Conflict, Dependency, FileOutcome, FileState, NewEntity, Snapshot,
    StoredEntity, StoredRelations,
};
pub use diagnostic::Diagnostic;
pub use image::ImageError;
pub use index::{push_json_string, Catalog, CatalogStats, EntityId, EntityView, RelationView};
pub use query::{Filter, FilterSet, Graph, GraphEdge, Order, Page, Query, QueryError, SortPosition};
