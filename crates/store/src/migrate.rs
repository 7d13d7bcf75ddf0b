/// One versioned schema change of one capability. Applied migrations are
/// never edited: a change is a new migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub component: &'static str,
    pub version: i64,
    pub sql: &'static str,
}

/// Refuses a database whose catalog schema is newer than this binary knows.
pub(crate) fn check_not_newer(newest: Option<i64>, migrations: &[Migration]) -> Result<(), crate::StoreError> {
    let newest = newest.unwrap_or(0);
    let known = migrations.iter().filter(|m| m.component == "catalog").map(|m| m.version).max().unwrap_or(0);
    if newest > known {
        return Err(crate::StoreError::Schema(format!(
            "the database schema (catalog version {newest}) is newer than this Kiosque (version {known}); upgrade Kiosque"
        )));
    }
    Ok(())
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration { component: "catalog", version: 1, sql: include_str!("../migrations/sqlite/0001_catalog.sql") },
    Migration { component: "catalog", version: 2, sql: include_str!("../migrations/sqlite/0002_read_model.sql") },
    Migration { component: "catalog", version: 3, sql: include_str!("../migrations/sqlite/0003_changed_at.sql") },
    Migration { component: "catalog", version: 4, sql: include_str!("../migrations/sqlite/0004_nothing.sql") },
];

#[cfg(feature = "postgres")]
pub(crate) const POSTGRES: &[Migration] = &[
    Migration { component: "catalog", version: 1, sql: include_str!("../migrations/postgres/0001_catalog.sql") },
    Migration { component: "catalog", version: 2, sql: include_str!("../migrations/postgres/0002_read_model.sql") },
    Migration { component: "catalog", version: 3, sql: include_str!("../migrations/postgres/0003_changed_at.sql") },
    Migration {
        component: "catalog",
        version: 4,
        sql: include_str!("../migrations/postgres/0004_read_model_chunks.sql"),
    },
];
