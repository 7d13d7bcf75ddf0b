use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Read};

use kiosque_catalog::{ChangeSet, Claim, Conflict, Diagnostic, FileState, Snapshot, StoredEntity, StoredRelations};
use postgres::binary_copy::BinaryCopyInWriter;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{Client, IsolationLevel, Row, RowIter, Transaction};

use crate::migrate::{COMPONENT, POSTGRES};
use crate::problems::problem_changes;
use crate::sqlite::{parse_severity, severity_text};
use crate::{location_id, CatalogStore, ImageWriter, Problems, StoreError, StoredLocation};

/// How many keys one `= ANY($1)` array carries: one parameter whatever its
/// length, but bounded so that no single message grows without limit.
const KEYS_PER_STATEMENT: usize = 10_000;

/// The replicated store: one PostgreSQL database shared by every replica.
///
/// The connection is synchronous (the `postgres` crate runs its own small
/// runtime), so every method must be called outside async code, e.g. through
/// `tokio::task::spawn_blocking`.
pub struct PostgresStore {
    connection: kiosque_storage::postgres::Connection,
}

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names and brings its schema up to date.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let connection = kiosque_storage::postgres::Connection::open(url)?;
        connection.migrate(COMPONENT, POSTGRES)?;
        Ok(PostgresStore { connection })
    }

    /// Where the database is (host, port, database and user; no password).
    pub fn target(&self) -> &str {
        self.connection.target()
    }

    fn with_client<R>(&self, work: impl FnOnce(&mut Client) -> Result<R, StoreError>) -> Result<R, StoreError> {
        self.connection.with_client(work)
    }
}

/// PostgreSQL text cannot hold NUL characters; free-form text (diagnostic
/// messages may quote a binary file) gets U+FFFD instead.
fn pg_text(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', "\u{fffd}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The last item of each key, in their original order: a later row replaces
/// an earlier one, as it would row by row (and `ON CONFLICT DO UPDATE` refuses
/// to touch one row twice in one statement).
fn last_of_each_key<T>(items: &[T], key: fn(&T) -> &str) -> Vec<&T> {
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        last.insert(key(item), i);
    }
    if last.len() == items.len() {
        return items.iter().collect();
    }
    items.iter().enumerate().filter(|(i, item)| last[key(item)] == *i).map(|(_, item)| item).collect()
}

fn line_number(value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Query(format!("stored line or column {value} is out of range")))
}

fn no_params() -> std::iter::Empty<&'static (dyn ToSql + Sync)> {
    std::iter::empty()
}

fn stream<'a>(tx: &'a mut Transaction<'_>, query: &str) -> Result<RowIter<'a>, StoreError> {
    Ok(tx.query_raw(query, no_params())?)
}

/// Streams rows into a table with `COPY … FROM STDIN (FORMAT binary)`: no
/// bind parameters at all, whatever the number of rows.
fn copy_in<'t, T>(
    tx: &'t mut Transaction<'_>,
    table_and_columns: &str,
    types: &[Type],
    rows: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut BinaryCopyInWriter<'t>, T) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    let sink = tx.copy_in(&format!("COPY {table_and_columns} FROM STDIN (FORMAT binary)"))?;
    let mut writer = BinaryCopyInWriter::new(sink, types);
    for row in rows {
        write(&mut writer, row)?;
    }
    Ok(writer.finish()?)
}

/// Runs `statement` (with `$1` an array of keys) over `keys`, in slices;
/// returns the number of rows it touched.
fn for_keys(tx: &mut Transaction<'_>, statement: &str, keys: &[String]) -> Result<u64, StoreError> {
    if keys.is_empty() {
        return Ok(0);
    }
    let statement = tx.prepare(statement)?;
    let mut touched = 0;
    for slice in keys.chunks(KEYS_PER_STATEMENT) {
        touched += tx.execute(&statement, &[&slice])?;
    }
    Ok(touched)
}

/// Writes a change set, in the same order as the SQLite store: files, removed
/// files, entities, orphans, then the conflicts and diagnostics of the files
/// whose problems changed.
///
/// Returns how many rows really changed: rows that would be rewritten with
/// the same values are skipped, so a refresh that finds nothing new writes
/// nothing and leaves the generation alone.
fn apply_in(tx: &mut Transaction<'_>, changes: &ChangeSet) -> Result<u64, StoreError> {
    let mut touched = 0;
    if !changes.files.is_empty() {
        tx.batch_execute(
            "CREATE TEMPORARY TABLE kiosque_incoming_files (key TEXT NOT NULL, state TEXT NOT NULL)
             ON COMMIT DROP",
        )?;
        let files = last_of_each_key(&changes.files, |f| &f.key);
        copy_in(tx, "kiosque_incoming_files (key, state)", &[Type::TEXT, Type::TEXT], files, |w, state| {
            let json = serde_json::to_string(state)?;
            Ok(w.write(&[&state.key, &json])?)
        })?;
        touched += tx.execute(
            "INSERT INTO catalog_files (key, state) SELECT key, state FROM kiosque_incoming_files
             ON CONFLICT (key) DO UPDATE SET state = EXCLUDED.state WHERE catalog_files.state IS DISTINCT FROM EXCLUDED.state",
            &[],
        )?;
        tx.batch_execute("DROP TABLE kiosque_incoming_files")?;
    }
    touched += for_keys(tx, "DELETE FROM catalog_files WHERE key = ANY($1)", &changes.removed_files)?;

    if !changes.upserts.is_empty() {
        tx.batch_execute(
            "CREATE TEMPORARY TABLE kiosque_incoming_entities (
                entity_ref TEXT NOT NULL, file_key TEXT NOT NULL, line BIGINT NOT NULL, col BIGINT NOT NULL,
                body TEXT NOT NULL, relations TEXT NOT NULL
             ) ON COMMIT DROP",
        )?;
        let entities = last_of_each_key(&changes.upserts, |e| &e.entity_ref);
        let types = [Type::TEXT, Type::TEXT, Type::INT8, Type::INT8, Type::TEXT, Type::TEXT];
        copy_in(
            tx,
            "kiosque_incoming_entities (entity_ref, file_key, line, col, body, relations)",
            &types,
            entities,
            |w, e| {
                let (line, col, relations) = (i64::from(e.line), i64::from(e.col), &e.relations.0);
                Ok(w.write(&[&e.entity_ref, &e.file_key, &line, &col, &e.body, &relations])?)
            },
        )?;
        touched += tx.execute(
            "INSERT INTO catalog_entities (entity_ref, file_key, line, col, orphan, body, relations, changed_at)
             SELECT entity_ref, file_key, line, col, FALSE, body, relations, $1 FROM kiosque_incoming_entities
             ON CONFLICT (entity_ref) DO UPDATE SET file_key = EXCLUDED.file_key, line = EXCLUDED.line, col = EXCLUDED.col,
               orphan = FALSE, body = EXCLUDED.body, relations = EXCLUDED.relations,
               changed_at = CASE
                 WHEN (catalog_entities.file_key, catalog_entities.line, catalog_entities.col, catalog_entities.orphan,
                       catalog_entities.body)
                   IS DISTINCT FROM (EXCLUDED.file_key, EXCLUDED.line, EXCLUDED.col, FALSE, EXCLUDED.body)
                 THEN EXCLUDED.changed_at ELSE catalog_entities.changed_at END
             WHERE (catalog_entities.file_key, catalog_entities.line, catalog_entities.col, catalog_entities.orphan,
                    catalog_entities.body, catalog_entities.relations)
               IS DISTINCT FROM (EXCLUDED.file_key, EXCLUDED.line, EXCLUDED.col, FALSE, EXCLUDED.body, EXCLUDED.relations)",
            &[&changes.changed_at],
        )?;
        tx.batch_execute("DROP TABLE kiosque_incoming_entities")?;
    }
    if !changes.orphaned.is_empty() {
        touched += tx.execute(
            "UPDATE catalog_entities SET orphan = TRUE, changed_at = $2 WHERE entity_ref = ANY($1) AND NOT orphan",
            &[&changes.orphaned, &changes.changed_at],
        )?;
    }

    let mut keys: Vec<String> = changes.reprocessed_files.clone();
    keys.extend(changes.conflicts.iter().map(|c| c.loser_file.clone()));
    keys.extend(changes.diagnostics.iter().map(|(k, _)| k.clone()));
    keys.sort();
    keys.dedup();
    let (stored_conflicts, stored_diagnostics) = problems_of(tx, &keys)?;
    let problems = problem_changes(changes, &stored_conflicts, &stored_diagnostics);
    let clear: Vec<String> = problems.clear.iter().map(|k| k.to_string()).collect();
    touched += for_keys(tx, "DELETE FROM catalog_conflicts WHERE loser_file = ANY($1)", &clear)?;
    touched += for_keys(tx, "DELETE FROM catalog_diagnostics WHERE file_key = ANY($1)", &clear)?;
    if !problems.conflicts.is_empty() {
        touched += copy_in(
            tx,
            "catalog_conflicts (entity_ref, winner_file, loser_file)",
            &[Type::TEXT, Type::TEXT, Type::TEXT],
            problems.conflicts.iter().copied(),
            |w, c| Ok(w.write(&[&c.entity_ref, &c.winner_file, &c.loser_file])?),
        )?;
    }
    if !problems.diagnostics.is_empty() {
        let types = [Type::TEXT, Type::TEXT, Type::INT8, Type::INT8, Type::TEXT, Type::TEXT];
        touched += copy_in(
            tx,
            "catalog_diagnostics (file_key, file, line, col, severity, message)",
            &types,
            problems.diagnostics.iter().copied(),
            |w, (key, d)| {
                let (file, message) = (pg_text(&d.file), pg_text(&d.message));
                let (line, col, severity) = (i64::from(d.line), i64::from(d.col), severity_text(d.severity));
                Ok(w.write(&[&key, &file.as_ref(), &line, &col, &severity, &message.as_ref()])?)
            },
        )?;
    }
    Ok(touched)
}

/// Stored conflicts, and diagnostics with the key of their file.
type StoredProblems = (Vec<Conflict>, Vec<(String, Diagnostic)>);

/// The stored conflicts and diagnostics of some files.
fn problems_of(tx: &mut Transaction<'_>, keys: &[String]) -> Result<StoredProblems, StoreError> {
    let mut conflicts = Vec::new();
    let mut diagnostics = Vec::new();
    for slice in keys.chunks(KEYS_PER_STATEMENT) {
        let rows = tx.query(
            "SELECT entity_ref, winner_file, loser_file FROM catalog_conflicts WHERE loser_file = ANY($1)",
            &[&slice],
        )?;
        for row in rows {
            conflicts.push(conflict_of(&row)?);
        }
        let rows = tx.query(
            "SELECT file_key, file, line, col, severity, message FROM catalog_diagnostics WHERE file_key = ANY($1)",
            &[&slice],
        )?;
        for row in rows {
            diagnostics.push((
                row.try_get(0)?,
                Diagnostic {
                    file: row.try_get(1)?,
                    line: line_number(row.try_get(2)?)?,
                    col: line_number(row.try_get(3)?)?,
                    severity: parse_severity(row.try_get(4)?),
                    message: row.try_get(5)?,
                },
            ));
        }
    }
    Ok((conflicts, diagnostics))
}

/// A conflict from the columns `entity_ref, winner_file, loser_file`.
fn conflict_of(row: &Row) -> Result<Conflict, StoreError> {
    Ok(Conflict { entity_ref: row.try_get(0)?, winner_file: row.try_get(1)?, loser_file: row.try_get(2)? })
}

/// Bytes per stored chunk of a read-model image.
const IMAGE_CHUNK: usize = 1 << 20;

/// Sends an image to the database a chunk at a time, as it is written.
struct ChunkSink<'a, 't> {
    tx: &'a mut Transaction<'t>,
    insert: postgres::Statement,
    generation: i64,
    seq: i32,
    current: Vec<u8>,
}

impl ChunkSink<'_, '_> {
    /// Stores the chunk being filled, if it holds anything.
    fn send(&mut self) -> io::Result<()> {
        if self.current.is_empty() {
            return Ok(());
        }
        self.tx.execute(&self.insert, &[&self.generation, &self.seq, &self.current]).map_err(io::Error::other)?;
        self.seq += 1;
        self.current.clear();
        Ok(())
    }
}

impl io::Write for ChunkSink<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let room = IMAGE_CHUNK - self.current.len();
        let taken = bytes.len().min(room);
        self.current.extend_from_slice(&bytes[..taken]);
        if self.current.len() == IMAGE_CHUNK {
            self.send()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads stored chunks back as one stream.
struct Chunks {
    chunks: Vec<Vec<u8>>,
    at: usize,
    offset: usize,
}

impl Read for Chunks {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while let Some(chunk) = self.chunks.get(self.at) {
            if self.offset < chunk.len() {
                let n = out.len().min(chunk.len() - self.offset);
                out[..n].copy_from_slice(&chunk[self.offset..self.offset + n]);
                self.offset += n;
                return Ok(n);
            }
            // A chunk read is freed at once.
            self.chunks[self.at] = Vec::new();
            self.at += 1;
            self.offset = 0;
        }
        Ok(0)
    }
}

fn read_problems(tx: &mut Transaction<'_>) -> Result<(Vec<Conflict>, Vec<Diagnostic>), StoreError> {
    let mut conflicts = Vec::new();
    let mut rows = stream(tx, SELECT_CONFLICTS)?;
    while let Some(row) = rows.next()? {
        conflicts.push(conflict_of(&row)?);
    }
    drop(rows);
    let mut diagnostics = Vec::new();
    let mut rows = stream(tx, SELECT_DIAGNOSTICS)?;
    while let Some(row) = rows.next()? {
        diagnostics.push(Diagnostic {
            file: row.try_get(0)?,
            line: line_number(row.try_get(1)?)?,
            col: line_number(row.try_get(2)?)?,
            severity: parse_severity(row.try_get(3)?),
            message: row.try_get(4)?,
        });
    }
    drop(rows);
    Ok((conflicts, diagnostics))
}

fn generation_of(row: &Row) -> Result<u64, StoreError> {
    let value: String = row.try_get(0)?;
    Ok(value.parse().unwrap_or(0))
}

const SELECT_GENERATION: &str = "SELECT value FROM catalog_meta WHERE key = 'generation'";
const BUMP_GENERATION: &str = "UPDATE catalog_meta SET value = (CAST(value AS BIGINT) + 1)::TEXT
     WHERE key = 'generation' RETURNING value";
// Sorted as the read model wants them (the "C" collation: byte order).
const SELECT_ENTITIES: &str =
    "SELECT entity_ref, file_key, line, col, orphan, body, relations, changed_at FROM catalog_entities ORDER BY entity_ref";
// The text columns use the "C" collation: the same byte order as SQLite's.
const SELECT_CONFLICTS: &str = "SELECT entity_ref, winner_file, loser_file FROM catalog_conflicts
     ORDER BY entity_ref, loser_file";
const SELECT_DIAGNOSTICS: &str = "SELECT file, line, col, severity, message FROM catalog_diagnostics
     ORDER BY file, line, col";

impl CatalogStore for PostgresStore {
    fn file_states(&self) -> Result<HashMap<String, FileState>, StoreError> {
        self.with_client(|client| {
            let mut tx = client.transaction()?;
            let mut out = HashMap::new();
            let mut rows = stream(&mut tx, "SELECT key, state FROM catalog_files")?;
            while let Some(row) = rows.next()? {
                let state: &str = row.try_get(1)?;
                out.insert(row.try_get(0)?, serde_json::from_str(state)?);
            }
            drop(rows);
            tx.commit()?;
            Ok(out)
        })
    }

    fn claims(&self) -> Result<HashMap<String, Claim>, StoreError> {
        self.with_client(|client| {
            let mut tx = client.transaction()?;
            let mut out = HashMap::new();
            let mut rows = stream(&mut tx, "SELECT entity_ref, file_key, orphan FROM catalog_entities")?;
            while let Some(row) = rows.next()? {
                out.insert(row.try_get(0)?, Claim { file_key: row.try_get(1)?, orphan: row.try_get(2)? });
            }
            drop(rows);
            tx.commit()?;
            Ok(out)
        })
    }

    fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        self.with_client(|client| {
            let rows = client.query(SELECT_CONFLICTS, &[])?;
            rows.iter().map(conflict_of).collect()
        })
    }

    fn apply(&self, changes: &ChangeSet) -> Result<u64, StoreError> {
        if changes.is_empty() && changes.diagnostics.is_empty() {
            return self.generation();
        }
        self.with_client(|client| {
            let mut tx = client.transaction()?;
            // As in SQLite: the generation grows only when a row was written,
            // so that a refresh finding nothing new makes no replica reload.
            let row = if apply_in(&mut tx, changes)? > 0 {
                tx.query_one(BUMP_GENERATION, &[])?
            } else {
                tx.query_one(SELECT_GENERATION, &[])?
            };
            let generation = generation_of(&row)?;
            tx.commit()?;
            Ok(generation)
        })
    }

    fn generation(&self) -> Result<u64, StoreError> {
        self.with_client(|client| generation_of(&client.query_one(SELECT_GENERATION, &[])?))
    }

    fn snapshot(&self) -> Result<Snapshot, StoreError> {
        self.with_client(|client| {
            // One read-only transaction on one snapshot of the database: a
            // consistent view even while another replica commits an import.
            let mut tx =
                client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start()?;
            let generation = generation_of(&tx.query_one(SELECT_GENERATION, &[])?)?;
            let mut entities = Vec::new();
            let mut rows = stream(&mut tx, SELECT_ENTITIES)?;
            while let Some(row) = rows.next()? {
                entities.push(StoredEntity {
                    entity_ref: row.try_get(0)?,
                    file_key: row.try_get(1)?,
                    line: line_number(row.try_get(2)?)?,
                    col: line_number(row.try_get(3)?)?,
                    orphan: row.try_get(4)?,
                    body: row.try_get(5)?,
                    relations: StoredRelations(row.try_get(6)?),
                    changed_at: row.try_get(7)?,
                });
            }
            drop(rows);
            let (conflicts, diagnostics) = read_problems(&mut tx)?;
            tx.commit()?;
            Ok(Snapshot { generation, entities, conflicts, diagnostics })
        })
    }

    fn problems(&self) -> Result<Problems, StoreError> {
        self.with_client(|client| {
            let mut tx =
                client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start()?;
            let generation = generation_of(&tx.query_one(SELECT_GENERATION, &[])?)?;
            let (conflicts, diagnostics) = read_problems(&mut tx)?;
            tx.commit()?;
            Ok(Problems { generation, conflicts, diagnostics })
        })
    }

    fn read_model_image(&self, generation: u64) -> Result<Option<Box<dyn Read + Send>>, StoreError> {
        let generation = i64::try_from(generation).unwrap_or(i64::MAX);
        self.with_client(|client| {
            let mut tx = client.build_transaction().read_only(true).start()?;
            let mut chunks: Vec<Vec<u8>> = Vec::new();
            {
                let mut rows = tx.query_raw(
                    "SELECT chunk FROM catalog_read_model WHERE generation = $1 ORDER BY seq",
                    [&generation as &(dyn ToSql + Sync)],
                )?;
                while let Some(row) = rows.next()? {
                    chunks.push(row.try_get(0)?);
                }
            }
            tx.commit()?;
            Ok((!chunks.is_empty()).then(|| Box::new(Chunks { chunks, at: 0, offset: 0 }) as Box<dyn Read + Send>))
        })
    }

    fn save_read_model_image(&self, generation: u64, write: &mut ImageWriter<'_>) -> Result<(), StoreError> {
        let generation = i64::try_from(generation).unwrap_or(i64::MAX);
        // On a connection of its own: writing a hundred megabytes takes a
        // while, and refreshes must not queue behind it for the shared one.
        let mut client = self.connection.connect_new()?;
        // Replicas may save the same generation at once: the last one stays,
        // and an older generation never replaces a newer one.
        let mut tx = client.transaction()?;
        tx.execute("LOCK TABLE catalog_read_model IN EXCLUSIVE MODE", &[])?;
        let newest: Option<i64> = tx.query_one("SELECT MAX(generation) FROM catalog_read_model", &[])?.try_get(0)?;
        if newest.is_some_and(|n| n >= generation) {
            return Ok(());
        }
        tx.execute("DELETE FROM catalog_read_model", &[])?;
        // Each megabyte is sent as soon as it is written: the image is never
        // held whole beside the read model.
        let insert = tx.prepare("INSERT INTO catalog_read_model (generation, seq, chunk) VALUES ($1, $2, $3)")?;
        let mut sink = ChunkSink { tx: &mut tx, insert, generation, seq: 0, current: Vec::with_capacity(IMAGE_CHUNK) };
        write(&mut sink)
            .and_then(|()| sink.send())
            .map_err(|e| StoreError::Query(format!("cannot save the read-model image: {e}")))?;
        tx.commit()?;
        Ok(())
    }

    fn locations(&self) -> Result<Vec<StoredLocation>, StoreError> {
        self.with_client(|client| {
            client
                .query("SELECT id, type, target FROM catalog_locations ORDER BY seq, id", &[])?
                .iter()
                .map(|r| Ok(StoredLocation { id: r.try_get(0)?, kind: r.try_get(1)?, target: r.try_get(2)? }))
                .collect()
        })
    }

    fn add_location(&self, kind: &str, target: &str) -> Result<StoredLocation, StoreError> {
        let id = location_id(kind, target);
        self.with_client(|client| {
            client.execute(
                "INSERT INTO catalog_locations (id, seq, type, target, created_at)
                 VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM catalog_locations), $2, $3, now())
                 ON CONFLICT DO NOTHING",
                &[&id, &kind, &target],
            )?;
            Ok(())
        })?;
        Ok(StoredLocation { id, kind: kind.to_string(), target: target.to_string() })
    }

    fn remove_location(&self, id: &str) -> Result<bool, StoreError> {
        self.with_client(|client| Ok(client.execute("DELETE FROM catalog_locations WHERE id = $1", &[&id])? > 0))
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
