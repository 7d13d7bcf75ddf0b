//! PostgreSQL: one synchronous connection per store that comes back after a loss, and
//! migrations that replicas starting together apply once.

use std::io;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use postgres::config::Host;
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

use crate::{check_not_newer, Migration, StorageError};

/// The key of the advisory lock every capability's migrations take, so that replicas (and
/// capabilities) starting together take turns ("kiosque" in ASCII).
const MIGRATION_LOCK: i64 = 0x6b_69_6f_73_71_75_65;

/// One connection to one database. It is synchronous (the `postgres` crate runs its own
/// small runtime): call it outside async code, e.g. through `tokio::task::spawn_blocking`.
pub struct Connection {
    config: Config,
    /// Where the database is, for messages: never the password.
    target: String,
    /// `None` once the connection is lost: the next call reconnects.
    client: Mutex<Option<Client>>,
}

impl Connection {
    /// Connects to the database a `postgres://` URL names.
    pub fn open(url: &str) -> Result<Connection, StorageError> {
        let mut config = Config::from_str(url).map_err(|e| {
            StorageError::Config(format!(
                "invalid PostgreSQL URL (expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE): {}",
                with_causes(&e)
            ))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("kiosque");
        }
        let target = describe(&config);
        let client = connect(&config, &target)?;
        Ok(Connection { config, target, client: Mutex::new(Some(client)) })
    }

    /// Where the database is (host, port, database and user; no password).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Runs `work` with the client, reconnecting first if the connection was lost.
    pub fn with_client<R, E: From<StorageError>>(
        &self,
        work: impl FnOnce(&mut Client) -> Result<R, E>,
    ) -> Result<R, E> {
        // Dropping a `Transaction` rolls it back and dropping a COPY aborts it, so a lock
        // poisoned by a panic is safe to reuse.
        let mut slot = self.client.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let client = match slot.take() {
            Some(client) if !client.is_closed() => slot.insert(client),
            _ => slot.insert(connect(&self.config, &self.target)?),
        };
        let result = work(client);
        if client.is_closed() {
            *slot = None;
        }
        result
    }

    /// A connection of its own, for long writes that must not hold up the shared one.
    pub fn connect_new(&self) -> Result<Client, StorageError> {
        connect(&self.config, &self.target)
    }

    /// Applies the migrations of `component` not yet recorded (see [`migrate`]).
    pub fn migrate(&self, component: &str, migrations: &[Migration]) -> Result<(), StorageError> {
        self.with_client(|client| migrate(client, component, migrations)).map_err(|e| match e {
            StorageError::Query(m) => {
                StorageError::Open(format!("cannot prepare PostgreSQL database {}: {m}", self.target))
            }
            other => other,
        })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Closing blocks on the client's own runtime, which panics inside async code:
        // close it on a thread of its own so that a store can be dropped from anywhere.
        let slot = self.client.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(client) = slot.take() {
            let _ = std::thread::Builder::new()
                .name("kiosque-pg-close".into())
                .spawn(move || drop(client))
                .map(|t| t.join());
        }
    }
}

/// Applies the migrations of `component` not yet recorded, in one transaction under an
/// advisory lock, and refuses a database whose `component` schema is newer than
/// `migrations` know.
pub fn migrate(client: &mut Client, component: &str, migrations: &[Migration]) -> Result<(), StorageError> {
    let mut tx = client.transaction()?;
    tx.batch_execute(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS kiosque_migrations (component TEXT NOT NULL, version BIGINT NOT NULL, \
         applied_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (component, version))",
    )?;
    for migration in migrations {
        let applied = tx.query_opt(
            "SELECT version FROM kiosque_migrations WHERE component = $1 AND version = $2",
            &[&component, &migration.version],
        )?;
        if applied.is_none() {
            tx.batch_execute(migration.sql)?;
            tx.execute(
                "INSERT INTO kiosque_migrations (component, version, applied_at) VALUES ($1, $2, now())",
                &[&component, &migration.version],
            )?;
        }
    }
    let newest: Option<i64> =
        tx.query_one("SELECT MAX(version) FROM kiosque_migrations WHERE component = $1", &[&component])?.try_get(0)?;
    check_not_newer(component, newest, migrations)?;
    tx.commit()?;
    Ok(())
}

/// `"kiosque" on db.internal:5432 (user kiosque)`.
fn describe(config: &Config) -> String {
    let ports = config.get_ports();
    let port = |i: usize| ports.get(i).or(ports.first()).copied().unwrap_or(5432);
    let mut hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| match host {
            Host::Tcp(name) => format!("{name}:{}", port(i)),
            Host::Unix(dir) => format!("{}/.s.PGSQL.{}", dir.display(), port(i)),
        })
        .collect();
    if hosts.is_empty() {
        hosts = config.get_hostaddrs().iter().enumerate().map(|(i, addr)| format!("{addr}:{}", port(i))).collect();
    }
    let hosts = if hosts.is_empty() { "(no host)".to_string() } else { hosts.join(",") };
    let user = config.get_user().unwrap_or("(no user)");
    let database = config.get_dbname().or(config.get_user()).unwrap_or("(none)");
    format!("\"{database}\" on {hosts} (user {user})")
}

fn connect(config: &Config, target: &str) -> Result<Client, StorageError> {
    config.connect(NoTls).map_err(|err| {
        let hint = connect_hint(&err);
        let detail = err.as_db_error().map_or_else(|| with_causes(&err), |e| e.message().to_string());
        if hint.is_empty() {
            StorageError::Open(format!("cannot connect to PostgreSQL database {target}: {detail}"))
        } else {
            StorageError::Open(format!("cannot connect to PostgreSQL database {target}: {hint} ({detail})"))
        }
    })
}

/// `error connecting to server: Connection refused (os error 111)`.
fn with_causes(err: &postgres::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}

/// What a failed connection most likely means, in words an operator acts on.
fn connect_hint(err: &postgres::Error) -> &'static str {
    if let Some(db) = err.as_db_error() {
        return match db.code() {
            c if *c == SqlState::INVALID_CATALOG_NAME => {
                "the database does not exist (create it first, e.g. with createdb)"
            }
            c if *c == SqlState::INVALID_PASSWORD || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                "authentication failed: check the user and password"
            }
            c if *c == SqlState::TOO_MANY_CONNECTIONS => "the server has no connection slot left",
            c if *c == SqlState::CANNOT_CONNECT_NOW => "the server is starting up or shutting down",
            _ => "",
        };
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            return match io.kind() {
                io::ErrorKind::ConnectionRefused => {
                    "connection refused: is the server running and listening on that address?"
                }
                io::ErrorKind::TimedOut => "the server did not answer in time",
                io::ErrorKind::NotFound => "no such host or socket",
                io::ErrorKind::PermissionDenied => "permission denied",
                _ => "",
            };
        }
        source = cause.source();
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_connection_says_so_without_the_password() {
        // Port 1 on loopback: nothing listens there.
        let err = Connection::open("postgres://kiosque:secret@127.0.0.1:1/catalog?connect_timeout=2")
            .err()
            .expect("nothing listens on port 1")
            .to_string();
        assert!(err.contains("\"catalog\" on 127.0.0.1:1 (user kiosque)"), "{err}");
        assert!(err.contains("connection refused"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn a_malformed_url_is_a_configuration_error() {
        let err = Connection::open("postgres://h/d?sslmode=sometimes").err().expect("bad option");
        assert!(matches!(err, StorageError::Config(_)), "{err}");
    }
}
