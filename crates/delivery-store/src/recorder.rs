//! The write path: events go into the domain history, then the events that changed it and
//! the facts it says were touched go to the store in one transaction.

use std::collections::{BTreeSet, VecDeque};
use std::io::BufRead;
use std::sync::{mpsc, Arc};

use kiosque_delivery::{
    read_changes, read_deployments, read_incidents, Event, History, HistoryConfig, Incident, IncidentFact, Inserted,
    Ownership, ReadError,
};

use crate::log::{self, LogWriter};
use crate::{Batch, DeliveryStore, FactWrite, LogChunks, StoreError, UnmappedEvent, WebhookDelivery, Written};

/// How many times a write is tried again when other writers keep appending to the log.
const WRITE_ATTEMPTS: usize = 20;

/// Keeps a store and the domain history of its events in step. One writer at a time: wrap
/// it in a mutex to share it.
///
/// Several recorders may share one store (replicas on one PostgreSQL database): each
/// follows the log from the position its history has reached ([`Recorder::catch_up`]),
/// and writes only if no other one appended in between; otherwise it reads what they
/// wrote, derives the facts again and tries again. So the facts written are always those
/// of the whole log.
pub struct Recorder {
    store: Arc<dyn DeliveryStore>,
    history: History,
    config: HistoryConfig,
    /// Where in the store's log the history has read up to.
    position: i64,
    /// A write failed after the history took the events: reload before the next one.
    stale: bool,
}

/// What [`Recorder::record`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The delivery had been processed before: nothing was stored.
    pub duplicate_delivery: bool,
    pub added: usize,
    pub replaced: usize,
    /// Events already held as they are.
    pub unchanged: usize,
    pub unmapped: usize,
    /// Deployments whose facts were rewritten.
    pub facts_written: usize,
}

/// What [`Recorder::import`] did: events added, replaced or unchanged per kind, and bad
/// lines (each reported to the caller's error callback).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Imported {
    pub changes: Recorded,
    pub deployments: Recorded,
    pub incidents: Recorded,
    pub bad_lines: usize,
}

fn incident_fact(i: &Incident) -> IncidentFact {
    IncidentFact { id: i.id, service: i.service.clone(), opened_at: i.opened_at, resolved_at: i.resolved_at }
}

fn count(recorded: &mut Recorded, inserted: Inserted) -> bool {
    match inserted {
        Inserted::Added => recorded.added += 1,
        Inserted::Replaced => recorded.replaced += 1,
        Inserted::Unchanged => recorded.unchanged += 1,
    }
    inserted != Inserted::Unchanged
}

impl Recorder {
    /// Rebuilds the history from the stored events. When the stored facts were derived
    /// with other production environments than `config` names, rewrites them all.
    pub fn open(store: Arc<dyn DeliveryStore>, config: HistoryConfig) -> Result<Recorder, StoreError> {
        let mut recorder = Recorder { store, history: History::new(config.clone()), config, position: 0, stale: true };
        recorder.reload()?;
        let stored = recorder.store.production_environments()?;
        if stored.as_deref() != Some(&recorder.config.declarations()[..]) {
            let batch = recorder.full_facts(Batch::default());
            recorder.store.write(&batch)?;
        }
        Ok(recorder)
    }

    /// Rebuilds the history from the log: chunks are decoded on the rayon pool, a few ahead,
    /// while this thread inserts the events of the oldest one.
    fn reload(&mut self) -> Result<(), StoreError> {
        // Read before the log: what is appended meanwhile is read again by the next catch-up,
        // and inserting an event twice changes nothing.
        let position = self.store.log_position()?;
        let mut history = History::new(self.config.clone());
        let mut decoding: VecDeque<Decoding> = VecDeque::new();
        let mut insert_oldest = |decoding: &mut VecDeque<Decoding>| -> Result<(), StoreError> {
            if let Some(oldest) = decoding.pop_front() {
                let events = oldest.recv().map_err(|_| StoreError::Query("decoding the event log failed".into()))??;
                events.iter().for_each(|event| {
                    history.insert(event);
                });
            }
            Ok(())
        };
        self.store.read_log(&mut |chunk| {
            let (done, decoded) = mpsc::sync_channel(1);
            let decode = move || {
                let mut events = Vec::new();
                let _ = done.send(log::read_chunk(&chunk, &mut |event| events.push(event)).map(|()| events));
            };
            // Inside a rayon worker a job waiting behind this thread could deadlock: decode here.
            if rayon::current_thread_index().is_none() {
                rayon::spawn(decode);
            } else {
                decode();
            }
            decoding.push_back(decoded);
            if decoding.len() > CHUNKS_IN_FLIGHT {
                insert_oldest(&mut decoding)?;
            }
            Ok(())
        })?;
        while !decoding.is_empty() {
            insert_oldest(&mut decoding)?;
        }
        history.clear_touched();
        self.history = history;
        self.position = position;
        self.stale = false;
        Ok(())
    }

    /// Reads what other writers appended to the log since the history's position: for
    /// replicas sharing a database, whose dashboards must show every replica's events.
    /// Returns how many events changed the history.
    pub fn catch_up(&mut self) -> Result<usize, StoreError> {
        if self.stale {
            self.reload()?;
            return Ok(0);
        }
        let changed = self.read_ahead()?;
        self.history.clear_touched();
        Ok(changed)
    }

    /// Inserts the events of the log after the history's position, keeping what they touched.
    fn read_ahead(&mut self) -> Result<usize, StoreError> {
        let mut events = Vec::new();
        let position = self
            .store
            .read_log_after(self.position, &mut |chunk| log::read_chunk(&chunk, &mut |event| events.push(event)))?;
        let changed = events.iter().filter(|event| self.history.insert(event) != Inserted::Unchanged).count();
        self.position = position;
        Ok(changed)
    }

    /// Adds every production deployment's facts to `batch`, replacing all stored facts.
    fn full_facts(&mut self, mut batch: Batch) -> Batch {
        self.history.clear_touched();
        batch.replace_all_facts = true;
        batch.facts = self.history.deployment_facts_all().map(FactWrite::Put).collect();
        batch.production_environments = Some(self.config.declarations());
        batch.latest_finished_at = self.history.latest_finished_at();
        batch
    }

    fn touched_facts(&mut self) -> Vec<FactWrite> {
        let touched = self.history.take_touched();
        self.facts_of(touched)
    }

    fn facts_of(&self, ids: impl IntoIterator<Item = i64>) -> Vec<FactWrite> {
        ids.into_iter()
            .map(|id| match self.history.deployment_fact(id) {
                Some(fact) => FactWrite::Put(fact),
                None => FactWrite::Drop(id),
            })
            .collect()
    }

    /// The history of every stored event, current with the store.
    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn store(&self) -> &Arc<dyn DeliveryStore> {
        &self.store
    }

    /// Records events (and events kept unmapped) in one transaction: only the events that
    /// change the history are written, with the facts they touched. With a delivery already
    /// processed, nothing is written.
    pub fn record(
        &mut self,
        events: Vec<Event>,
        unmapped: Vec<UnmappedEvent>,
        delivery: Option<WebhookDelivery>,
    ) -> Result<Recorded, StoreError> {
        if self.stale {
            self.reload()?;
        }
        // Derive from the whole log: first what other writers appended.
        self.read_ahead()?;
        let mut touched: BTreeSet<i64> = self.history.take_touched().into_iter().collect();
        let mut recorded = Recorded { unmapped: unmapped.len(), ..Recorded::default() };
        let mut batch = Batch { delivery, unmapped, ..Batch::default() };
        let mut log = LogWriter::default();
        for event in &events {
            if count(&mut recorded, self.history.insert(event)) {
                log.event(event);
                match event {
                    Event::Change(_) => {}
                    Event::Deployment(d) => {
                        batch.latest_finished_at = batch.latest_finished_at.max(Some(d.finished_at))
                    }
                    Event::Incident(i) => batch.incidents.push(incident_fact(i)),
                }
            }
        }
        batch.events = LogChunks::from_writer(log);
        touched.extend(self.history.take_touched());
        for _ in 0..WRITE_ATTEMPTS {
            batch.facts = self.facts_of(touched.iter().copied());
            batch.log_position = Some(self.position);
            match self.store.write(&batch) {
                Ok(Written::Stored(position)) => {
                    self.position = position;
                    recorded.facts_written = batch.facts.len();
                    return Ok(recorded);
                }
                Ok(Written::DuplicateDelivery) => {
                    // The delivery was processed before, but its events (sent again with
                    // other content under the same id) changed the history: nothing was
                    // stored, so the history goes back to what the store holds.
                    if recorded.added + recorded.replaced > 0 {
                        self.stale = true;
                        self.reload()?;
                    }
                    return Ok(Recorded { duplicate_delivery: true, ..Recorded::default() });
                }
                Ok(Written::LogMoved) => {
                    // Another writer came first: read what it wrote, then this batch's
                    // events again (they come after it in the log), and derive anew.
                    if let Err(e) = self.read_ahead() {
                        self.stale = true;
                        return Err(e);
                    }
                    for event in &events {
                        self.history.insert(event);
                    }
                    touched.extend(self.history.take_touched());
                }
                Err(e) => {
                    self.stale = true;
                    return Err(e);
                }
            }
        }
        self.stale = true;
        Err(StoreError::Query(format!(
            "other writers kept appending to the event log: gave up after {WRITE_ATTEMPTS} attempts"
        )))
    }

    /// Back-fills from the bulk format (any of the three files), and replaces the stored
    /// ownership when one is given, in one transaction. Bad lines go to `bad_line` and are
    /// skipped; the good ones are stored.
    ///
    /// A pipeline: the files are parsed on all cores (rayon), each event goes into the
    /// history on this thread, the events that changed it are encoded for the log in
    /// batches on all cores again, and a writer thread stores the encoded batches in file
    /// order as they come. The store's transaction is mostly written by the time the last
    /// line is read.
    pub fn import(
        &mut self,
        changes: Option<(impl BufRead, &str)>,
        deployments: Option<(impl BufRead, &str)>,
        incidents: Option<(impl BufRead, &str)>,
        ownership: Option<Ownership>,
        bad_line: &mut dyn FnMut(ReadError),
    ) -> Result<Imported, StoreError> {
        if self.stale {
            self.reload()?;
        }
        let was_empty = self.history.counts() == (0, 0, 0);
        let store = Arc::clone(&self.store);
        let result = std::thread::scope(|scope| {
            // Encoded batches, each as the receiving end of its encoding job, in file order.
            // Both senders live in this closure: should it panic, they are dropped and the
            // writer, seeing the import cut short, ends without committing.
            let (batches_in, batches_out) = mpsc::sync_channel::<Encoding>(BATCHES_IN_FLIGHT);
            let (rest_in, rest_out) = mpsc::sync_channel::<Batch>(1);
            let writer = scope.spawn(move || {
                // An encoding job that died (a panic) leaves its batch unwritten: then the
                // whole import must fail rather than store a log with a hole.
                let lost = std::cell::Cell::new(false);
                let mut chunks = batches_out
                    .into_iter()
                    .map_while(|encoding| encoding.recv().inspect_err(|_| lost.set(true)).ok())
                    .flatten();
                store.write_streaming(&mut chunks, &mut || if lost.get() { None } else { rest_out.recv().ok() })
            });
            let mut imported = Imported::default();
            let mut batch = Batch { ownership, ..Batch::default() };
            let mut log = LogBatcher { pending: Vec::with_capacity(BATCH_EVENTS), bytes: 0, out: &batches_in };
            if let Some((input, name)) = changes {
                for change in read_changes(input, name) {
                    match change {
                        Ok(c) => {
                            if count(&mut imported.changes, self.history.insert_change(&c)) {
                                log.push(Event::Change(c));
                            }
                        }
                        Err(e) => {
                            imported.bad_lines += 1;
                            bad_line(e);
                        }
                    }
                }
            }
            if let Some((input, name)) = deployments {
                for deployment in read_deployments(input, name) {
                    match deployment {
                        Ok(d) => {
                            if count(&mut imported.deployments, self.history.insert_deployment(&d)) {
                                batch.latest_finished_at = batch.latest_finished_at.max(Some(d.finished_at));
                                log.push(Event::Deployment(d));
                            }
                        }
                        Err(e) => {
                            imported.bad_lines += 1;
                            bad_line(e);
                        }
                    }
                }
            }
            if let Some((input, name)) = incidents {
                for incident in read_incidents(input, name) {
                    match incident {
                        Ok(i) => {
                            if count(&mut imported.incidents, self.history.insert_incident(&i)) {
                                batch.incidents.push(incident_fact(&i));
                                log.push(Event::Incident(i));
                            }
                        }
                        Err(e) => {
                            imported.bad_lines += 1;
                            bad_line(e);
                        }
                    }
                }
            }
            log.flush();
            drop(batches_in);
            // Into an empty store every fact is new: derive them in one pass rather than one
            // touched deployment at a time.
            let batch = if was_empty {
                self.full_facts(batch)
            } else {
                batch.facts = self.touched_facts();
                batch
            };
            imported.deployments.facts_written = batch.facts.len();
            // A writer gone has failed: its error is returned below.
            let _ = rest_in.send(batch);
            let written = writer.join().unwrap_or_else(|_| Err(StoreError::Query("the store writer panicked".into())));
            written.map(|_| imported)
        });
        // Whatever other writers appended meanwhile is read before the next write.
        self.stale = true;
        result
    }
}

/// The log chunks of a batch of events, once its encoding job is done.
type Encoding = mpsc::Receiver<Vec<(u64, Vec<u8>)>>;

/// Collects the events an import logs into batches of about a chunk, and has each encoded
/// on the rayon pool.
struct LogBatcher<'a> {
    pending: Vec<Event>,
    /// About how many bytes `pending` encodes to.
    bytes: usize,
    out: &'a mpsc::SyncSender<Encoding>,
}

impl LogBatcher<'_> {
    fn push(&mut self, event: Event) {
        self.bytes += log::size_hint(&event);
        self.pending.push(event);
        if self.pending.len() >= BATCH_EVENTS || self.bytes >= log::CHUNK_BYTES {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let events = std::mem::replace(&mut self.pending, Vec::with_capacity(BATCH_EVENTS));
        let capacity = self.bytes + self.bytes / 4 + (4 << 10);
        self.bytes = 0;
        let (done, encoding) = mpsc::sync_channel(1);
        let encode = move || {
            let mut writer = LogWriter::with_capacity(capacity);
            events.iter().for_each(|e| writer.event(e));
            // Nobody waits for it if the writer failed: its error is reported.
            let _ = done.send(writer.finish());
            // The events are dropped here, off the thread that inserts them.
        };
        // Inside a rayon worker a job waiting behind this thread could deadlock: encode here.
        if rayon::current_thread_index().is_none() {
            rayon::spawn(encode);
        } else {
            encode();
        }
        // A writer gone has failed: its error is returned by `import`.
        let _ = self.out.send(encoding);
    }
}

/// Events encoded together at most: few enough that their vector stays under a megabyte,
/// small enough for the allocator to recycle.
const BATCH_EVENTS: usize = 4096;

/// Encoded batches queued for the writer: enough to keep it busy, few enough to bound the
/// memory they hold.
const BATCHES_IN_FLIGHT: usize = 16;

/// The events of a log chunk, once its decoding job is done.
type Decoding = mpsc::Receiver<Result<Vec<Event>, StoreError>>;

/// Log chunks decoded ahead of the one being inserted when the history is rebuilt.
const CHUNKS_IN_FLIGHT: usize = 8;
