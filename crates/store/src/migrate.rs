use kiosque_storage::Migration;

/// Migrations are recorded under this name in `kiosque_migrations`.
pub(crate) const COMPONENT: &str = "catalog";

pub(crate) const SQLITE: &[Migration] = &[
    Migration { version: 1, sql: include_str!("../migrations/sqlite/0001_catalog.sql") },
    Migration { version: 2, sql: include_str!("../migrations/sqlite/0002_read_model.sql") },
    Migration { version: 3, sql: include_str!("../migrations/sqlite/0003_changed_at.sql") },
    Migration { version: 4, sql: include_str!("../migrations/sqlite/0004_nothing.sql") },
];

#[cfg(feature = "postgres")]
pub(crate) const POSTGRES: &[Migration] = &[
    Migration { version: 1, sql: include_str!("../migrations/postgres/0001_catalog.sql") },
    Migration { version: 2, sql: include_str!("../migrations/postgres/0002_read_model.sql") },
    Migration { version: 3, sql: include_str!("../migrations/postgres/0003_changed_at.sql") },
    Migration { version: 4, sql: include_str!("../migrations/postgres/0004_read_model_chunks.sql") },
];
