//! Opens a fresh store of each backend for one test.

use std::sync::Arc;

use kiosque_delivery_store::{DeliveryStore, SqliteStore};

pub struct Fresh {
    // Fields drop in order: the store (and its connection) goes before the
    // directory or database it lives in.
    pub store: Arc<dyn DeliveryStore>,
    _dir: Option<tempfile::TempDir>,
    _database: Option<TestDatabase>,
}

pub fn sqlite() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delivery.db");
    Fresh { store: Arc::new(SqliteStore::open(path.to_str().unwrap()).unwrap()), _dir: Some(dir), _database: None }
}

/// A fresh PostgreSQL database, or `None` when no server is configured
/// (which fails when `KIOSQUE_REQUIRE_POSTGRES=1`).
pub fn postgres() -> Option<Fresh> {
    let Ok(url) = std::env::var("KIOSQUE_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("KIOSQUE_REQUIRE_POSTGRES").is_err(),
            "KIOSQUE_REQUIRE_POSTGRES is set but KIOSQUE_TEST_POSTGRES_URL is not"
        );
        return None;
    };
    #[cfg(feature = "postgres")]
    return Some(pg::fresh(&url));
    #[cfg(not(feature = "postgres"))]
    {
        drop(url);
        assert!(
            std::env::var("KIOSQUE_REQUIRE_POSTGRES").is_err(),
            "KIOSQUE_REQUIRE_POSTGRES is set but this build has no `postgres` feature"
        );
        None
    }
}

#[cfg(not(feature = "postgres"))]
type TestDatabase = std::convert::Infallible;
#[cfg(feature = "postgres")]
use pg::TestDatabase;

#[cfg(feature = "postgres")]
mod pg {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};

    use std::sync::Arc;

    use kiosque_delivery_store::{DeliveryStore, PostgresStore};
    use postgres::{Client, NoTls};

    use super::Fresh;

    /// A database created for one test and dropped with it.
    pub struct TestDatabase {
        admin_url: String,
        name: String,
    }

    impl Drop for TestDatabase {
        fn drop(&mut self) {
            let dropped = Client::connect(&self.admin_url, NoTls).and_then(|mut admin| {
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

    /// A new, empty database on the server `admin_url` names, with a store open on it.
    pub fn fresh(admin_url: &str) -> Fresh {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
        let name =
            format!("kiosque_delivery_test_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let mut admin = Client::connect(admin_url, NoTls).unwrap_or_else(|e| {
            panic!("cannot connect to KIOSQUE_TEST_POSTGRES_URL {}: {e}", without_password(admin_url))
        });
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        drop(admin);
        // From here on the guard drops the database, even if opening fails.
        let database = TestDatabase { admin_url: admin_url.to_string(), name };
        let store = PostgresStore::open(&with_database(admin_url, &database.name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.backend(), "postgres");
        Fresh { store: Arc::new(store), _dir: None, _database: Some(database) }
    }

    /// The same URL naming another database: `postgres://u@h:p/old?x` → `postgres://u@h:p/NAME?x`.
    fn with_database(url: &str, name: &str) -> String {
        let authority_end = authority_end(url);
        let query = url[authority_end..].find('?').map_or("", |i| &url[authority_end + i..]);
        format!("{}/{name}{query}", &url[..authority_end])
    }

    /// The URL without its password, for messages.
    fn without_password(url: &str) -> String {
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
}

macro_rules! for_each_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let fresh = super::backends::sqlite();
                    super::$name(&fresh.store);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(fresh) = super::backends::postgres() {
                        super::$name(&fresh.store);
                    }
                }
            )*
        }
    };
}
pub(crate) use for_each_backend;
