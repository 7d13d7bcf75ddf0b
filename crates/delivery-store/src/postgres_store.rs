use kiosque_delivery::{DeploymentFact, Facts, IncidentFact, Ownership};
use postgres::{Client, Transaction};

use crate::{
    join_environments, pack_seconds, split_environments, unpack_seconds, Batch, DeliveryStore, FactWrite, StoreError,
    UnmappedEvent, Written, MIGRATION_COMPONENT,
};

const MIGRATIONS: &[kiosque_storage::Migration] =
    &[kiosque_storage::Migration { version: 1, sql: include_str!("../migrations/postgres/0001_delivery.sql") }];

/// Serialises writes between replicas ("kiosque" + 2; migrations take "kiosque").
const WRITE_LOCK: i64 = 0x6b_69_6f_73_71_75_67;

/// The replicated store: one PostgreSQL database shared by every replica. The connection is
/// synchronous: call it outside async code (e.g. `tokio::task::spawn_blocking`).
pub struct PostgresStore {
    connection: kiosque_storage::postgres::Connection,
}

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names and brings its delivery tables up
    /// to date.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let connection = kiosque_storage::postgres::Connection::open(url)?;
        connection.migrate(MIGRATION_COMPONENT, MIGRATIONS)?;
        Ok(PostgresStore { connection })
    }

    fn with_client<R>(&self, work: impl FnOnce(&mut Client) -> Result<R, StoreError>) -> Result<R, StoreError> {
        self.connection.with_client(work)
    }
}

fn meta(client: &mut impl postgres::GenericClient, key: &str) -> Result<Option<String>, StoreError> {
    Ok(client.query_opt("SELECT value FROM delivery_meta WHERE key = $1", &[&key])?.map(|r| r.get(0)))
}

fn set_meta(tx: &mut Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO delivery_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&key, &value],
    )?;
    Ok(())
}

fn number(value: Option<String>, key: &str) -> Result<Option<i64>, StoreError> {
    value
        .map(|v| v.parse::<i64>().map_err(|_| StoreError::Query(format!("delivery_meta {key} is not a number: {v:?}"))))
        .transpose()
}

/// Writers take turns (one transaction-scoped advisory lock), so that the log's positions,
/// handed out as chunks are appended, follow the order in which writes commit: a replica
/// reading the log after a position then misses no chunk another one commits later.
fn take_write_turn(tx: &mut Transaction<'_>) -> Result<(), StoreError> {
    tx.batch_execute(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})"))?;
    Ok(())
}

/// The position of the log's last chunk, 0 when it is empty.
fn log_end(tx: &mut Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx.query_one("SELECT COALESCE(MAX(seq), 0) FROM delivery_event_log", &[])?.try_get(0)?)
}

fn write_log(tx: &mut Transaction<'_>, log: &mut dyn Iterator<Item = (u64, Vec<u8>)>) -> Result<bool, StoreError> {
    let insert = tx.prepare("INSERT INTO delivery_event_log (events, body) VALUES ($1, $2)")?;
    let mut logged = false;
    for (events, body) in log {
        tx.execute(&insert, &[&(events as i64), &body])?;
        logged = true;
    }
    Ok(logged)
}

fn write_rows(tx: &mut Transaction<'_>, batch: &Batch) -> Result<(), StoreError> {
    write_log(tx, &mut batch.events.chunks().iter().cloned())?;
    if !batch.incidents.is_empty() {
        let insert = tx.prepare(
            "INSERT INTO delivery_incident_facts (id, service, opened_at, resolved_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET service = excluded.service, opened_at = excluded.opened_at, \
             resolved_at = excluded.resolved_at",
        )?;
        for i in &batch.incidents {
            tx.execute(&insert, &[&i.id, &i.service, &i.opened_at, &i.resolved_at])?;
        }
    }
    if batch.replace_all_facts {
        tx.execute("DELETE FROM delivery_deployment_facts", &[])?;
    }
    if !batch.facts.is_empty() {
        let put = tx.prepare(
            "INSERT INTO delivery_deployment_facts (id, service, finished_at, success, failed, rework, \
             recovery_seconds, lead_seconds) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET \
             service = excluded.service, finished_at = excluded.finished_at, success = excluded.success, \
             failed = excluded.failed, rework = excluded.rework, recovery_seconds = excluded.recovery_seconds, \
             lead_seconds = excluded.lead_seconds",
        )?;
        let drop = tx.prepare("DELETE FROM delivery_deployment_facts WHERE id = $1")?;
        for write in &batch.facts {
            match write {
                FactWrite::Put(f) => {
                    let lead = pack_seconds(&f.lead_seconds);
                    tx.execute(
                        &put,
                        &[
                            &f.id,
                            &f.service,
                            &f.finished_at,
                            &f.success,
                            &f.failed,
                            &f.rework,
                            &f.recovery_seconds,
                            &lead,
                        ],
                    )?;
                }
                FactWrite::Drop(id) => {
                    tx.execute(&drop, &[id])?;
                }
            }
        }
    }
    if !batch.unmapped.is_empty() {
        let insert = tx.prepare(
            "INSERT INTO delivery_unmapped_events (source, kind, key, repository, reason, event, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source, kind, key) DO UPDATE SET \
             repository = excluded.repository, reason = excluded.reason, event = excluded.event, \
             received_at = excluded.received_at",
        )?;
        for u in &batch.unmapped {
            let event = u.event.replace('\0', "\u{fffd}");
            tx.execute(&insert, &[&u.source, &u.kind, &u.key, &u.repository, &u.reason, &event, &u.received_at])?;
        }
    }
    if let Some(ownership) = &batch.ownership {
        tx.execute("DELETE FROM delivery_ownership", &[])?;
        let insert = tx.prepare("INSERT INTO delivery_ownership (service, team) VALUES ($1, $2)")?;
        for (service, team) in ownership.services() {
            tx.execute(&insert, &[&service, &team])?;
        }
    }
    if let Some(names) = &batch.production_environments {
        set_meta(tx, "production_environments", &join_environments(names))?;
    }
    Ok(())
}

fn finish(mut tx: Transaction<'_>, batch: &Batch, logged: bool) -> Result<(), StoreError> {
    if let Some(latest) = batch.latest_finished_at {
        let held = number(meta(&mut tx, "latest_finished_at")?, "latest_finished_at")?;
        if held.is_none_or(|h| h < latest) {
            set_meta(&mut tx, "latest_finished_at", &latest.to_string())?;
        }
    }
    if logged || batch.writes_rows() {
        tx.execute("UPDATE delivery_meta SET value = (value::BIGINT + 1)::TEXT WHERE key = 'generation'", &[])?;
    }
    tx.commit()?;
    Ok(())
}

impl DeliveryStore for PostgresStore {
    fn write(&self, batch: &Batch) -> Result<Written, StoreError> {
        self.with_client(|client| {
            let mut tx = client.transaction()?;
            take_write_turn(&mut tx)?;
            if let Some(expected) = batch.log_position {
                if log_end(&mut tx)? != expected {
                    return Ok(Written::LogMoved);
                }
            }
            if let Some(d) = &batch.delivery {
                let inserted = tx.execute(
                    "INSERT INTO delivery_webhook_deliveries (source, delivery_id, received_at) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING",
                    &[&d.source, &d.id, &d.received_at],
                )?;
                if inserted == 0 {
                    return Ok(Written::DuplicateDelivery);
                }
            }
            write_rows(&mut tx, batch)?;
            let position = log_end(&mut tx)?;
            finish(tx, batch, false)?;
            Ok(Written::Stored(position))
        })
    }

    fn write_streaming(
        &self,
        log: &mut dyn Iterator<Item = (u64, Vec<u8>)>,
        rest: &mut dyn FnMut() -> Option<Batch>,
    ) -> Result<(), StoreError> {
        self.with_client(|client| {
            let mut tx = client.transaction()?;
            take_write_turn(&mut tx)?;
            let logged = write_log(&mut tx, log)?;
            let Some(batch) = rest() else {
                return Err(StoreError::Query("the import stopped before it was complete: nothing was written".into()));
            };
            write_rows(&mut tx, &batch)?;
            finish(tx, &batch, logged)
        })
    }

    fn read_log_after(
        &self,
        position: i64,
        sink: &mut dyn FnMut(Vec<u8>) -> Result<(), StoreError>,
    ) -> Result<i64, StoreError> {
        self.with_client(|client| {
            let mut end = position;
            for row in
                client.query("SELECT seq, body FROM delivery_event_log WHERE seq > $1 ORDER BY seq", &[&position])?
            {
                end = row.try_get(0)?;
                sink(row.try_get(1)?)?;
            }
            Ok(end)
        })
    }

    fn log_position(&self) -> Result<i64, StoreError> {
        self.with_client(|client| {
            Ok(client.query_one("SELECT COALESCE(MAX(seq), 0) FROM delivery_event_log", &[])?.try_get(0)?)
        })
    }

    fn read_log(&self, sink: &mut dyn FnMut(Vec<u8>) -> Result<(), StoreError>) -> Result<(), StoreError> {
        self.with_client(|client| {
            for row in client.query("SELECT body FROM delivery_event_log ORDER BY seq", &[])? {
                sink(row.try_get(0)?)?;
            }
            Ok(())
        })
    }

    fn window_facts(&self, from: i64, until: i64) -> Result<Facts, StoreError> {
        self.with_client(|client| {
            let latest = number(meta(client, "latest_finished_at")?, "latest_finished_at")?;
            let mut facts = Facts::new(latest);
            let rows = client.query(
                "SELECT id, service, finished_at, success, failed, rework, recovery_seconds, lead_seconds \
                 FROM delivery_deployment_facts WHERE finished_at >= $1 AND finished_at < $2",
                &[&from, &until],
            )?;
            for r in rows {
                let lead: &[u8] = r.try_get(7)?;
                facts.add_deployment(DeploymentFact {
                    id: r.try_get(0)?,
                    service: r.try_get(1)?,
                    finished_at: r.try_get(2)?,
                    success: r.try_get(3)?,
                    failed: r.try_get(4)?,
                    rework: r.try_get(5)?,
                    recovery_seconds: r.try_get(6)?,
                    lead_seconds: unpack_seconds(lead)?,
                });
            }
            let rows = client.query(
                "SELECT id, service, opened_at, resolved_at FROM delivery_incident_facts \
                 WHERE opened_at >= $1 AND opened_at < $2",
                &[&from, &until],
            )?;
            for r in rows {
                facts.add_incident(IncidentFact {
                    id: r.try_get(0)?,
                    service: r.try_get(1)?,
                    opened_at: r.try_get(2)?,
                    resolved_at: r.try_get(3)?,
                });
            }
            Ok(facts)
        })
    }

    fn latest_finished_at(&self) -> Result<Option<i64>, StoreError> {
        self.with_client(|client| number(meta(client, "latest_finished_at")?, "latest_finished_at"))
    }

    fn production_environments(&self) -> Result<Option<Vec<String>>, StoreError> {
        self.with_client(|client| Ok(meta(client, "production_environments")?.map(|v| split_environments(&v))))
    }

    fn ownership(&self) -> Result<Ownership, StoreError> {
        self.with_client(|client| {
            let rows = client.query("SELECT service, team FROM delivery_ownership", &[])?;
            rows.iter().map(|r| Ok((r.try_get::<_, String>(0)?, r.try_get::<_, String>(1)?))).collect()
        })
    }

    fn unmapped_events(&self, limit: usize) -> Result<Vec<UnmappedEvent>, StoreError> {
        self.with_client(|client| {
            let rows = client.query(
                "SELECT source, kind, key, repository, reason, event, received_at FROM delivery_unmapped_events \
                 ORDER BY received_at DESC, source, kind, key LIMIT $1",
                &[&(limit.min(i64::MAX as usize) as i64)],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(UnmappedEvent {
                        source: r.try_get(0)?,
                        kind: r.try_get(1)?,
                        key: r.try_get(2)?,
                        repository: r.try_get(3)?,
                        reason: r.try_get(4)?,
                        event: r.try_get(5)?,
                        received_at: r.try_get(6)?,
                    })
                })
                .collect()
        })
    }

    fn generation(&self) -> Result<u64, StoreError> {
        self.with_client(|client| Ok(number(meta(client, "generation")?, "generation")?.unwrap_or(0).max(0) as u64))
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
