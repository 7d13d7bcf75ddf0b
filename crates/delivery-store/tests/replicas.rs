//! Recorders sharing one store, as replicas share one PostgreSQL database: each follows
//! what the others append, and when another writes between its reading and its writing,
//! it reads that first and derives its facts again. The facts stored then equal those the
//! domain computes over every event, whoever received it.

use std::sync::{Arc, Mutex};

use kiosque_delivery::{
    report as memory_report, timestamp_from_rfc3339, Change, Deployment, Event, Facts, History, HistoryConfig,
    Ownership, Status, Window,
};
use kiosque_delivery_store::{report, Batch, DeliveryStore, Recorder, StoreError, UnmappedEvent, Written};

fn open(url: &str) -> Arc<dyn DeliveryStore> {
    Arc::from(kiosque_delivery_store::open(url).unwrap_or_else(|e| panic!("{e}")))
}

kiosque_storage::for_each_backend!(
    shared open;a_replica_sees_what_another_recorded, a_write_between_reading_and_writing_is_read_first);

fn t(text: &str) -> i64 {
    timestamp_from_rfc3339(text).unwrap()
}

fn change(sha: &str, committed_at: &str) -> Event {
    Event::Change(Change {
        sha: sha.into(),
        repository: "example/api".into(),
        author: "ana".into(),
        authored_at: t(committed_at),
        committed_at: t(committed_at),
        merged_at: t(committed_at),
    })
}

fn deployment(id: i64, finished_at: &str, commits: &[&str]) -> Event {
    Event::Deployment(Deployment {
        id,
        repository: "example/api".into(),
        service: "api".into(),
        environment: "production".into(),
        started_at: t(finished_at) - 60,
        finished_at: t(finished_at),
        status: Status::Success,
        commits: commits.iter().map(|c| c.to_string()).collect(),
        rollback_of: None,
        fixes: None,
        production: None,
    })
}

fn ownership() -> Ownership {
    [("api", "team-a")].into_iter().collect()
}

fn window() -> Window {
    Window { end: Some("2024-03-10".parse().unwrap()), days: 7 }
}

fn in_memory(events: &[Event]) -> kiosque_delivery::Report {
    let mut history = History::default();
    events.iter().for_each(|e| {
        history.insert(e);
    });
    memory_report(&history, &ownership(), window()).unwrap()
}

fn a_replica_sees_what_another_recorded(store: &Arc<dyn DeliveryStore>) {
    let mut a = Recorder::open(Arc::clone(store), HistoryConfig::default()).unwrap();
    let mut b = Recorder::open(Arc::clone(store), HistoryConfig::default()).unwrap();
    let first = vec![change("c1", "2024-03-04T08:00:00Z"), deployment(1, "2024-03-04T10:00:00Z", &["c1"])];
    a.record(first.clone(), vec![], None).unwrap();
    assert_eq!(b.history().counts(), (0, 0, 0));
    assert_eq!(b.catch_up().unwrap(), 2);
    assert_eq!(b.catch_up().unwrap(), 0, "nothing new the second time");
    assert_eq!(memory_report(b.history(), &ownership(), window()).unwrap(), in_memory(&first));
    // B records next; A follows.
    let second = vec![change("c2", "2024-03-05T08:00:00Z"), deployment(2, "2024-03-05T12:00:00Z", &["c2"])];
    b.record(second.clone(), vec![], None).unwrap();
    assert_eq!(a.catch_up().unwrap(), 2);
    let all: Vec<Event> = first.into_iter().chain(second).collect();
    assert_eq!(memory_report(a.history(), &ownership(), window()).unwrap(), in_memory(&all));
    assert_eq!(report(store.as_ref(), &ownership(), window()).unwrap(), in_memory(&all));
}

/// A store through which another writer appends just before the first write of events it
/// is given.
struct Racing {
    inner: Arc<dyn DeliveryStore>,
    other: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl DeliveryStore for Racing {
    fn write(&self, batch: &Batch) -> Result<Written, StoreError> {
        let other = if batch.events.is_empty() { None } else { self.other.lock().unwrap().take() };
        if let Some(other) = other {
            other();
        }
        self.inner.write(batch)
    }
    fn write_streaming(
        &self,
        log: &mut dyn Iterator<Item = (u64, Vec<u8>)>,
        rest: &mut dyn FnMut() -> Option<Batch>,
    ) -> Result<(), StoreError> {
        self.inner.write_streaming(log, rest)
    }
    fn read_log(&self, sink: &mut dyn FnMut(Vec<u8>) -> Result<(), StoreError>) -> Result<(), StoreError> {
        self.inner.read_log(sink)
    }
    fn read_log_after(
        &self,
        position: i64,
        sink: &mut dyn FnMut(Vec<u8>) -> Result<(), StoreError>,
    ) -> Result<i64, StoreError> {
        self.inner.read_log_after(position, sink)
    }
    fn log_position(&self) -> Result<i64, StoreError> {
        self.inner.log_position()
    }
    fn window_facts(&self, from: i64, until: i64) -> Result<Facts, StoreError> {
        self.inner.window_facts(from, until)
    }
    fn latest_finished_at(&self) -> Result<Option<i64>, StoreError> {
        self.inner.latest_finished_at()
    }
    fn production_environments(&self) -> Result<Option<Vec<String>>, StoreError> {
        self.inner.production_environments()
    }
    fn ownership(&self) -> Result<Ownership, StoreError> {
        self.inner.ownership()
    }
    fn unmapped_events(&self, limit: usize) -> Result<Vec<UnmappedEvent>, StoreError> {
        self.inner.unmapped_events(limit)
    }
    fn generation(&self) -> Result<u64, StoreError> {
        self.inner.generation()
    }
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
}

fn a_write_between_reading_and_writing_is_read_first(store: &Arc<dyn DeliveryStore>) {
    // The change c1 reaches production first with deployment 2 (Monday 12:00), which B
    // receives; A receives deployment 3 (Tuesday 12:00) carrying c1 too, and B's write lands
    // between A's reading of the log and its writing. A must then count c1 for deployment 2
    // (lead time 4 h), not for its own 3 (28 h): the facts of the whole log.
    let other = Arc::clone(store);
    let racing: Arc<dyn DeliveryStore> = Arc::new(Racing {
        inner: Arc::clone(store),
        other: Mutex::new(Some(Box::new(move || {
            let mut b = Recorder::open(other, HistoryConfig::default()).unwrap();
            b.record(vec![deployment(2, "2024-03-04T12:00:00Z", &["c1"])], vec![], None).unwrap();
        }))),
    });
    let mut a = Recorder::open(Arc::clone(&racing), HistoryConfig::default()).unwrap();
    let received = vec![change("c1", "2024-03-04T08:00:00Z"), deployment(3, "2024-03-05T12:00:00Z", &["c1"])];
    a.record(received.clone(), vec![], None).unwrap();

    let all: Vec<Event> = received.into_iter().chain([deployment(2, "2024-03-04T12:00:00Z", &["c1"])]).collect();
    let expected = in_memory(&all);
    let window_row = expected.rows.iter().find(|r| r.entity == "api" && r.bucket == kiosque_delivery::Bucket::Window);
    assert_eq!(window_row.unwrap().lead_time_median_hours, Some(4.0));
    assert_eq!(memory_report(a.history(), &ownership(), window()).unwrap(), expected);
    assert_eq!(report(store.as_ref(), &ownership(), window()).unwrap(), expected);
    // A recorder opened now rebuilds the same history from the log.
    let fresh = Recorder::open(Arc::clone(store), HistoryConfig::default()).unwrap();
    assert_eq!(memory_report(fresh.history(), &ownership(), window()).unwrap(), expected);
}
