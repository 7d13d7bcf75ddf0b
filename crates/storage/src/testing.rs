//! Fresh databases for a store's contract tests: a SQLite file in a temporary directory,
//! and, when `KIOSQUE_TEST_POSTGRES_URL` names a server, a PostgreSQL database created for
//! the test and dropped with it. `KIOSQUE_REQUIRE_POSTGRES=1` (set by `scripts/with-postgres`)
//! turns a missing server into a failure instead of a skipped backend.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A database that exists as long as this value does. Open the store on [`Self::url`] and
/// drop the store first (declare it after this).
pub struct FreshDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    #[cfg(feature = "postgres")]
    _database: Option<DroppedDatabase>,
}

/// A SQLite file in a new temporary directory.
pub fn sqlite() -> FreshDatabase {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("kiosque.db").display());
    FreshDatabase {
        url,
        _dir: Some(dir),
        #[cfg(feature = "postgres")]
        _database: None,
    }
}

/// A new, empty PostgreSQL database, or `None` when no server is configured.
pub fn postgres() -> Option<FreshDatabase> {
    let required = std::env::var("KIOSQUE_REQUIRE_POSTGRES").is_ok();
    let Ok(admin_url) = std::env::var("KIOSQUE_TEST_POSTGRES_URL") else {
        assert!(!required, "KIOSQUE_REQUIRE_POSTGRES is set but KIOSQUE_TEST_POSTGRES_URL is not");
        return None;
    };
    #[cfg(feature = "postgres")]
    return Some(create_postgres(&admin_url));
    #[cfg(not(feature = "postgres"))]
    {
        drop(admin_url);
        assert!(!required, "KIOSQUE_REQUIRE_POSTGRES is set but this build has no `postgres` feature");
        None
    }
}

/// A name no other test (of this or another process) uses.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("kiosque_test_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

#[cfg(feature = "postgres")]
struct DroppedDatabase {
    admin_url: String,
    name: String,
}

#[cfg(feature = "postgres")]
impl Drop for DroppedDatabase {
    fn drop(&mut self) {
        let dropped = postgres::Client::connect(&self.admin_url, postgres::NoTls).and_then(|mut admin| {
            // FORCE (PostgreSQL 13+) ends any connection still open on it.
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
                .or_else(|_| admin.batch_execute(&format!("DROP DATABASE IF EXISTS {}", self.name)))
        });
        if let Err(e) = dropped {
            eprintln!("warning: test database {} was not dropped: {e}", self.name);
        }
    }
}

#[cfg(feature = "postgres")]
fn create_postgres(admin_url: &str) -> FreshDatabase {
    let name = unique_name();
    let mut admin = postgres::Client::connect(admin_url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to KIOSQUE_TEST_POSTGRES_URL {}: {e}", without_password(admin_url)));
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap_or_else(|e| panic!("cannot create {name}: {e}"));
    drop(admin);
    let url = with_database(admin_url, &name);
    FreshDatabase { url, _dir: None, _database: Some(DroppedDatabase { admin_url: admin_url.to_string(), name }) }
}

/// The same URL naming another database: `postgres://u@h:p/old?x` → `postgres://u@h:p/NAME?x`.
pub fn with_database(url: &str, name: &str) -> String {
    let end = authority_end(url);
    let query = url[end..].find('?').map_or("", |i| &url[end + i..]);
    format!("{}/{name}{query}", &url[..end])
}

/// The URL without its password, for messages.
pub fn without_password(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority = &url[start..authority_end(url)];
    match authority.rfind('@').and_then(|at| authority[..at].find(':').map(|colon| (colon, at))) {
        Some((colon, at)) => format!("{}:***{}", &url[..start + colon], &url[start + at..]),
        None => url.to_string(),
    }
}

/// Where the `user:password@host:port` part of a URL ends.
fn authority_end(url: &str) -> usize {
    let start = url.find("://").map_or(0, |i| i + 3);
    start + url[start..].find(['/', '?']).unwrap_or(url.len() - start)
}

/// Runs each named test function once per backend: `fn name(store: &dyn Store)`, the store
/// opened by `open(url: &str) -> Box<dyn Store>` on a fresh database; or, after `shared`,
/// `fn name(store: &Arc<dyn Store>)` with `open(url: &str) -> Arc<dyn Store>`, for tests
/// that hand the store on. PostgreSQL runs are skipped
/// without a server (see the module documentation).
#[macro_export]
macro_rules! for_each_backend {
    (shared $open:ident; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let database = $crate::testing::sqlite();
                    let store = super::$open(&database.url);
                    super::$name(&store);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(database) = $crate::testing::postgres() {
                        let store = super::$open(&database.url);
                        super::$name(&store);
                    }
                }
            )*
        }
    };
    ($open:ident; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let database = $crate::testing::sqlite();
                    let store = super::$open(&database.url);
                    super::$name(&*store);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(database) = $crate::testing::postgres() {
                        let store = super::$open(&database.url);
                        super::$name(&*store);
                    }
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_change_database_and_hide_passwords() {
        assert_eq!(with_database("postgres://u:p@h:5/old?x=1", "new"), "postgres://u:p@h:5/new?x=1");
        assert_eq!(with_database("postgres://h", "new"), "postgres://h/new");
        assert_eq!(without_password("postgres://u:secret@h/d"), "postgres://u:***@h/d");
        assert_eq!(without_password("postgres://u@h/d"), "postgres://u@h/d");
    }
}
