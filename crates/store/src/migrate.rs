/// One versioned schema change of one capability. Applied migrations are
/// never edited: a change is a new migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub component: &'static str,
    pub version: i64,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] =
    &[Migration { component: "catalog", version: 1, sql: include_str!("../migrations/sqlite/0001_catalog.sql") }];

#[cfg(feature = "postgres")]
pub(crate) const POSTGRES: &[Migration] =
    &[Migration { component: "catalog", version: 1, sql: include_str!("../migrations/postgres/0001_catalog.sql") }];
