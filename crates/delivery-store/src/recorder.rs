//! The write path: events go into the domain history, then the events that changed it and
//! the facts it says were touched go to the store in one transaction.

use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::{mpsc, Arc};

use kiosque_delivery::{
    read_changes, read_deployments, read_incidents, Event, History, HistoryConfig, Incident, IncidentFact, Inserted,
    Ownership, ReadError,
};

use crate::log::LogWriter;
use crate::{Batch, DeliveryStore, FactWrite, LogChunks, StoreError, UnmappedEvent, WebhookDelivery};

/// Keeps a store and the domain history of its events in step. One writer at a time: wrap
/// it in a mutex to share it.
pub struct Recorder {
    store: Arc<dyn DeliveryStore>,
    history: History,
    config: HistoryConfig,
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
        let mut recorder = Recorder { store, history: History::new(config.clone()), config, stale: true };
        recorder.reload()?;
        let stored = recorder.store.production_environments()?;
        if stored.as_deref() != Some(&recorder.config.production_environments[..]) {
            let batch = recorder.full_facts(Batch::default());
            recorder.store.write(&batch)?;
        }
        Ok(recorder)
    }

    fn reload(&mut self) -> Result<(), StoreError> {
        let mut history = History::new(self.config.clone());
        self.store.read_events(&mut |event| {
            history.insert(&event);
        })?;
        history.clear_touched();
        self.history = history;
        self.stale = false;
        Ok(())
    }

    /// Adds every production deployment's facts to `batch`, replacing all stored facts.
    fn full_facts(&mut self, mut batch: Batch) -> Batch {
        self.history.clear_touched();
        batch.replace_all_facts = true;
        batch.facts = self.history.deployment_facts_all().map(FactWrite::Put).collect();
        batch.production_environments = Some(self.config.production_environments.clone());
        batch.latest_finished_at = self.history.latest_finished_at();
        batch
    }

    fn touched_facts(&mut self) -> Vec<FactWrite> {
        let touched = self.history.take_touched();
        touched
            .into_iter()
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
        batch.facts = self.touched_facts();
        recorded.facts_written = batch.facts.len();
        match self.store.write(&batch) {
            Ok(true) => Ok(recorded),
            Ok(false) => Ok(Recorded { duplicate_delivery: true, ..Recorded::default() }),
            Err(e) => {
                self.stale = true;
                Err(e)
            }
        }
    }

    /// Back-fills from the bulk format (any of the three files), and replaces the stored
    /// ownership when one is given, in one transaction. Bad lines go to `bad_line` and are
    /// skipped; the good ones are stored.
    ///
    /// The files are parsed in the background (on all cores), inserted into the history on
    /// this thread, and encoded and written to the store on another as they come, so the
    /// store's transaction is mostly written by the time the last line is read.
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
        let (events_in, events_out) = mpsc::sync_channel::<Vec<Event>>(64);
        let (rest_in, rest_out) = mpsc::sync_channel::<Batch>(1);
        let result = std::thread::scope(|scope| {
            let writer = scope.spawn(move || {
                let mut log = LogWriter::default();
                let mut received = events_out.into_iter();
                let mut ready: VecDeque<(u64, Vec<u8>)> = VecDeque::new();
                let mut drained = false;
                let mut chunks = std::iter::from_fn(|| loop {
                    if let Some(chunk) = ready.pop_front() {
                        return Some(chunk);
                    }
                    if drained {
                        return None;
                    }
                    match received.next() {
                        Some(events) => {
                            events.iter().for_each(|e| log.event(e));
                            ready.extend(log.take_full());
                        }
                        None => {
                            drained = true;
                            ready.extend(std::mem::take(&mut log).finish());
                        }
                    }
                });
                store.write_streaming(&mut chunks, &mut || rest_out.recv().ok())
            });
            let mut imported = Imported::default();
            let mut batch = Batch { ownership, ..Batch::default() };
            let mut pending: Vec<Event> = Vec::with_capacity(SEND_EVERY);
            let send = |pending: &mut Vec<Event>, event: Event| {
                pending.push(event);
                if pending.len() >= SEND_EVERY {
                    // A writer gone has failed: its error is returned below.
                    let _ = events_in.send(std::mem::replace(pending, Vec::with_capacity(SEND_EVERY)));
                }
            };
            if let Some((input, name)) = changes {
                for change in read_changes(input, name) {
                    match change {
                        Ok(c) => {
                            if count(&mut imported.changes, self.history.insert_change(&c)) {
                                send(&mut pending, Event::Change(c));
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
                                send(&mut pending, Event::Deployment(d));
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
                                send(&mut pending, Event::Incident(i));
                            }
                        }
                        Err(e) => {
                            imported.bad_lines += 1;
                            bad_line(e);
                        }
                    }
                }
            }
            let _ = events_in.send(pending);
            drop(events_in);
            // Into an empty store every fact is new: derive them in one pass rather than one
            // touched deployment at a time.
            let batch = if was_empty {
                self.full_facts(batch)
            } else {
                batch.facts = self.touched_facts();
                batch
            };
            imported.deployments.facts_written = batch.facts.len();
            let _ = rest_in.send(batch);
            let written = writer.join().unwrap_or_else(|_| Err(StoreError::Query("the store writer panicked".into())));
            written.map(|_| imported)
        });
        if result.is_err() {
            self.stale = true;
        }
        result
    }
}

/// Events handed to the writer thread at a time.
const SEND_EVERY: usize = 4096;
