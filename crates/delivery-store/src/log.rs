//! The event log's binary format: events in chunks of up to about a megabyte, each chunk a blob row.
//!
//! A chunk starts with its format version, then holds records. Names (repositories,
//! services, environments, authors) are written once per chunk and then referred to by
//! number; lower-case hexadecimal commit ids (git's) are packed two digits a byte; numbers
//! are LEB128 varints, signed ones zigzag-encoded, and a change's later timestamps are
//! written as differences from its first. A million changes take about 35 MB where their
//! JSON lines take 220 MB, so the log costs little to write and to read back.

use kiosque_delivery::{Change, Deployment, Event, Incident, Status};
use rustc_hash::FxHashMap;

use crate::StoreError;

const VERSION: u8 = 2;

/// Chunks of this format version are read too: their deployments declare nothing.
const READABLE_VERSIONS: [u8; 2] = [1, VERSION];

/// A deployment's status, and its source's declaration of the environment in the next two
/// bits (version 2): 0 none, 1 production, 2 not production.
fn status_byte(status: Status, production: Option<bool>) -> u8 {
    let declared = match production {
        None => 0,
        Some(true) => 1,
        Some(false) => 2,
    };
    u8::from(status == Status::Success) | declared << 1
}

fn read_status_byte(byte: u8) -> (Status, Option<bool>) {
    let status = if byte & 1 == 1 { Status::Success } else { Status::Failure };
    let production = match byte >> 1 & 3 {
        1 => Some(true),
        2 => Some(false),
        _ => None,
    };
    (status, production)
}
/// Past this size the writer starts a new chunk. Under a megabyte, so that the buffers of
/// a bulk import are recycled by the allocator rather than mapped afresh.
pub(crate) const CHUNK_BYTES: usize = 768 << 10;

/// No name is cached (see `LogWriter::recent`).
const NO_NAME: u32 = u32::MAX;

const NAME: u8 = 0;
const CHANGE: u8 = 1;
const DEPLOYMENT: u8 = 2;
const INCIDENT: u8 = 3;

/// Accumulates events into chunks.
pub(crate) struct LogWriter {
    chunks: Vec<(u64, Vec<u8>)>,
    buf: Vec<u8>,
    events: u64,
    names: FxHashMap<String, u32>,
    /// The last name written or referred to in each field position, with its number:
    /// consecutive events mostly repeat them (a repository's changes come together), and
    /// comparing spares hashing.
    recent: [(u32, String); 3],
}

impl Default for LogWriter {
    fn default() -> Self {
        LogWriter::with_capacity(0)
    }
}

fn put_u64(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push(v as u8 | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn put_i64(buf: &mut Vec<u8>, v: i64) {
    put_u64(buf, ((v << 1) ^ (v >> 63)) as u64);
}

fn put_option(buf: &mut Vec<u8>, v: Option<i64>) {
    match v {
        None => buf.push(0),
        Some(v) => {
            buf.push(1);
            put_i64(buf, v);
        }
    }
}

/// The value of each lower-case hexadecimal digit; 0xff for any other byte.
const HEX: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < 16 {
        table[b"0123456789abcdef"[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// A commit id: its length and a flag (packed or not), then the bytes. Ids of up to 64
/// digits (git's SHA-1 and SHA-256 ids) are packed on the stack, then copied at once.
fn put_commit(buf: &mut Vec<u8>, sha: &str) {
    let b = sha.as_bytes();
    if b.len().is_multiple_of(2) && b.len() <= 64 {
        let mut packed = [0u8; 32];
        let mut bad = 0u8;
        for (pair, out) in b.chunks_exact(2).zip(packed.iter_mut()) {
            let (high, low) = (HEX[pair[0] as usize], HEX[pair[1] as usize]);
            bad |= high | low;
            *out = high << 4 | (low & 0x0f);
        }
        if bad & 0xf0 == 0 {
            put_u64(buf, (b.len() as u64) << 1 | 1);
            buf.extend_from_slice(&packed[..b.len() / 2]);
            return;
        }
    }
    put_u64(buf, (b.len() as u64) << 1);
    buf.extend_from_slice(b);
}

impl LogWriter {
    /// A writer whose first chunk has room for about `bytes`.
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        let mut buf = Vec::with_capacity(bytes.min(CHUNK_BYTES + (64 << 10)));
        buf.push(VERSION);
        LogWriter {
            chunks: Vec::new(),
            buf,
            events: 0,
            names: FxHashMap::default(),
            recent: [(NO_NAME, String::new()), (NO_NAME, String::new()), (NO_NAME, String::new())],
        }
    }

    /// The number of `name` in this chunk, writing it first if new. `field` is the name's
    /// position in its event, for the cache of recent names.
    fn name(&mut self, field: usize, name: &str) -> u64 {
        let (recent_number, recent_name) = &self.recent[field];
        if *recent_number != NO_NAME && recent_name == name {
            return u64::from(*recent_number);
        }
        let n = match self.names.get(name) {
            Some(&n) => n,
            None => {
                let n = self.names.len() as u32;
                self.names.insert(name.to_string(), n);
                self.buf.push(NAME);
                put_u64(&mut self.buf, name.len() as u64);
                self.buf.extend_from_slice(name.as_bytes());
                n
            }
        };
        let recent = &mut self.recent[field];
        recent.0 = n;
        recent.1.clear();
        recent.1.push_str(name);
        u64::from(n)
    }

    pub(crate) fn change(&mut self, c: &Change) {
        let (repository, author) = (self.name(0, &c.repository), self.name(1, &c.author));
        let buf = &mut self.buf;
        buf.push(CHANGE);
        put_u64(buf, repository);
        put_commit(buf, &c.sha);
        put_u64(buf, author);
        put_i64(buf, c.authored_at);
        put_i64(buf, c.committed_at.wrapping_sub(c.authored_at));
        put_i64(buf, c.merged_at.wrapping_sub(c.committed_at));
        self.end_event();
    }

    pub(crate) fn deployment(&mut self, d: &Deployment) {
        let repository = self.name(0, &d.repository);
        let service = self.name(1, &d.service);
        let environment = self.name(2, &d.environment);
        let buf = &mut self.buf;
        buf.push(DEPLOYMENT);
        put_i64(buf, d.id);
        put_u64(buf, repository);
        put_u64(buf, service);
        put_u64(buf, environment);
        put_i64(buf, d.started_at);
        put_i64(buf, d.finished_at.wrapping_sub(d.started_at));
        buf.push(status_byte(d.status, d.production));
        put_u64(buf, d.commits.len() as u64);
        for sha in &d.commits {
            put_commit(buf, sha);
        }
        put_option(buf, d.rollback_of);
        put_option(buf, d.fixes);
        self.end_event();
    }

    pub(crate) fn incident(&mut self, i: &Incident) {
        let service = self.name(1, &i.service);
        let buf = &mut self.buf;
        buf.push(INCIDENT);
        put_i64(buf, i.id);
        put_u64(buf, service);
        put_i64(buf, i.opened_at);
        put_option(buf, i.resolved_at);
        put_option(buf, i.caused_by_deployment);
        self.end_event();
    }

    pub(crate) fn event(&mut self, event: &Event) {
        match event {
            Event::Change(c) => self.change(c),
            Event::Deployment(d) => self.deployment(d),
            Event::Incident(i) => self.incident(i),
        }
    }

    fn end_event(&mut self) {
        self.events += 1;
        if self.buf.len() >= CHUNK_BYTES {
            self.cut();
        }
    }

    fn cut(&mut self) {
        if self.events > 0 {
            // The next chunk will likely be as large: allocate it whole.
            let next = Vec::with_capacity(self.buf.len());
            let chunk = std::mem::replace(&mut self.buf, next);
            self.chunks.push((self.events, chunk));
            self.buf.push(VERSION);
        }
        self.events = 0;
        self.names.clear();
        self.recent.iter_mut().for_each(|(number, _)| *number = NO_NAME);
    }

    /// The chunks, each with its number of events.
    pub(crate) fn finish(mut self) -> Vec<(u64, Vec<u8>)> {
        self.cut();
        self.chunks
    }
}

/// About how many bytes an event takes in the log (names aside, written once a chunk).
pub(crate) fn size_hint(event: &Event) -> usize {
    match event {
        Event::Change(_) => 36,
        Event::Deployment(d) => 24 + 21 * d.commits.len(),
        Event::Incident(_) => 16,
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn corrupt(what: &str, at: usize) -> StoreError {
    StoreError::Query(format!("the stored event log is damaged: {what} at byte {at} of a chunk"))
}

impl Cursor<'_> {
    fn byte(&mut self) -> Result<u8, StoreError> {
        let b = *self.bytes.get(self.at).ok_or_else(|| corrupt("unexpected end", self.at))?;
        self.at += 1;
        Ok(b)
    }

    fn u64(&mut self) -> Result<u64, StoreError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(corrupt("overlong number", self.at))
    }

    fn i64(&mut self) -> Result<i64, StoreError> {
        let v = self.u64()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn option(&mut self) -> Result<Option<i64>, StoreError> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(self.i64()?)),
            _ => Err(corrupt("bad optional flag", self.at)),
        }
    }

    fn bytes(&mut self, n: usize) -> Result<&[u8], StoreError> {
        let end =
            self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| corrupt("length", self.at))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn commit(&mut self) -> Result<String, StoreError> {
        let head = self.u64()?;
        let (len, packed) = ((head >> 1) as usize, head & 1 == 1);
        if packed {
            const DIGITS: &[u8; 16] = b"0123456789abcdef";
            let bytes = self.bytes(len / 2)?;
            let mut sha = String::with_capacity(len);
            for b in bytes {
                sha.push(DIGITS[usize::from(b >> 4)] as char);
                sha.push(DIGITS[usize::from(b & 15)] as char);
            }
            Ok(sha)
        } else {
            let at = self.at;
            String::from_utf8(self.bytes(len)?.to_vec()).map_err(|_| corrupt("commit id not UTF-8", at))
        }
    }
}

/// Reads a chunk's events in order.
pub(crate) fn read_chunk(bytes: &[u8], sink: &mut dyn FnMut(Event)) -> Result<(), StoreError> {
    let mut c = Cursor { bytes, at: 0 };
    if !READABLE_VERSIONS.contains(&c.byte()?) {
        return Err(corrupt("unknown format version", 0));
    }
    let mut names: Vec<String> = Vec::new();
    let name = |names: &Vec<String>, n: u64, at: usize| -> Result<String, StoreError> {
        names.get(n as usize).cloned().ok_or_else(|| corrupt("unknown name", at))
    };
    while c.at < bytes.len() {
        let at = c.at;
        match c.byte()? {
            NAME => {
                let len = c.u64()? as usize;
                let text = std::str::from_utf8(c.bytes(len)?).map_err(|_| corrupt("name not UTF-8", at))?;
                names.push(text.to_string());
            }
            CHANGE => {
                let repository = name(&names, c.u64()?, at)?;
                let sha = c.commit()?;
                let author = name(&names, c.u64()?, at)?;
                let authored_at = c.i64()?;
                let committed_at = authored_at.wrapping_add(c.i64()?);
                let merged_at = committed_at.wrapping_add(c.i64()?);
                sink(Event::Change(Change { sha, repository, author, authored_at, committed_at, merged_at }));
            }
            DEPLOYMENT => {
                let id = c.i64()?;
                let repository = name(&names, c.u64()?, at)?;
                let service = name(&names, c.u64()?, at)?;
                let environment = name(&names, c.u64()?, at)?;
                let started_at = c.i64()?;
                let finished_at = started_at.wrapping_add(c.i64()?);
                let (status, production) = read_status_byte(c.byte()?);
                let n = c.u64()? as usize;
                let mut commits = Vec::with_capacity(n.min(1 << 16));
                for _ in 0..n {
                    commits.push(c.commit()?);
                }
                let rollback_of = c.option()?;
                let fixes = c.option()?;
                sink(Event::Deployment(Deployment {
                    id,
                    repository,
                    service,
                    environment,
                    started_at,
                    finished_at,
                    status,
                    commits,
                    rollback_of,
                    fixes,
                    production,
                }));
            }
            INCIDENT => {
                let id = c.i64()?;
                let service = name(&names, c.u64()?, at)?;
                let opened_at = c.i64()?;
                let resolved_at = c.option()?;
                let caused_by_deployment = c.option()?;
                sink(Event::Incident(Incident { id, service, opened_at, resolved_at, caused_by_deployment }));
            }
            _ => return Err(corrupt("unknown record", at)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events() -> Vec<Event> {
        vec![
            Event::Change(Change {
                sha: "0123456789abcdef0123456789abcdef01234567".into(),
                repository: "example/api".into(),
                author: "ana".into(),
                authored_at: 1_709_550_000,
                committed_at: 1_709_550_060,
                merged_at: 1_709_560_000,
            }),
            Event::Change(Change {
                sha: "Not-Hex".into(),
                repository: "example/api".into(),
                author: "renovate[bot]".into(),
                authored_at: -5,
                committed_at: i64::MAX,
                merged_at: i64::MIN,
            }),
            Event::Deployment(Deployment {
                id: -3,
                repository: "example/api".into(),
                service: "api".into(),
                environment: "production".into(),
                started_at: 100,
                finished_at: 50,
                status: Status::Failure,
                commits: vec!["abc".into(), "ab".into(), String::new()],
                rollback_of: Some(2),
                fixes: None,
                production: None,
            }),
            Event::Incident(Incident {
                id: 9,
                service: "api".into(),
                opened_at: 7,
                resolved_at: None,
                caused_by_deployment: Some(-3),
            }),
        ]
    }

    #[test]
    fn names_are_written_again_in_each_chunk() {
        // About 1.4 MB of changes: two chunks at least, the same names on both sides.
        let events: Vec<Event> = (0..40_000u32)
            .map(|n| {
                Event::Change(Change {
                    sha: format!("{n:040x}"),
                    repository: "example/api".into(),
                    author: if n % 3 == 0 { "ana" } else { "bo" }.into(),
                    authored_at: i64::from(n),
                    committed_at: i64::from(n) + 60,
                    merged_at: i64::from(n) + 120,
                })
            })
            .collect();
        let mut writer = LogWriter::default();
        events.iter().for_each(|e| writer.event(e));
        let chunks = writer.finish();
        assert!(chunks.len() >= 2);
        let mut back = Vec::new();
        for (count, chunk) in &chunks {
            let before = back.len();
            read_chunk(chunk, &mut |e| back.push(e)).unwrap();
            assert_eq!((back.len() - before) as u64, *count);
        }
        assert_eq!(back, events);
    }

    #[test]
    fn events_come_back_as_written() {
        let mut writer = LogWriter::default();
        events().iter().for_each(|e| writer.event(e));
        let chunks = writer.finish();
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].0, 4);
        let mut back = Vec::new();
        read_chunk(&chunks[0].1, &mut |e| back.push(e)).unwrap();
        assert_eq!(back, events());
    }

    #[test]
    fn a_damaged_chunk_is_an_error_not_a_panic() {
        let mut writer = LogWriter::default();
        events().iter().for_each(|e| writer.event(e));
        let chunk = writer.finish().remove(0).1;
        for cut in 0..chunk.len() {
            let _ = read_chunk(&chunk[..cut], &mut |_| {});
        }
        let mut flipped = chunk.clone();
        flipped[0] = 99;
        assert!(read_chunk(&flipped, &mut |_| {}).is_err());
        assert!(read_chunk(&chunk[..chunk.len() - 1], &mut |_| {}).is_err());
    }

    #[test]
    fn declarations_of_production_come_back_and_older_chunks_still_read() {
        let deployment = |production| {
            Event::Deployment(Deployment {
                id: 1,
                repository: "example/api".into(),
                service: "api".into(),
                environment: "prod-eu".into(),
                started_at: 10,
                finished_at: 20,
                status: Status::Success,
                commits: vec![],
                rollback_of: None,
                fixes: None,
                production,
            })
        };
        let declared = [deployment(None), deployment(Some(true)), deployment(Some(false))];
        let mut writer = LogWriter::default();
        declared.iter().for_each(|e| writer.event(e));
        let chunk = writer.finish().remove(0).1;
        let mut back = Vec::new();
        read_chunk(&chunk, &mut |e| back.push(e)).unwrap();
        assert_eq!(back, declared);
        // A chunk of version 1 (before declarations) reads as declaring nothing: the same
        // bytes but for the version, as its status bytes only held 0 or 1.
        let mut writer = LogWriter::default();
        writer.event(&deployment(None));
        let mut old = writer.finish().remove(0).1;
        old[0] = 1;
        let mut back = Vec::new();
        read_chunk(&old, &mut |e| back.push(e)).unwrap();
        assert_eq!(back, [deployment(None)]);
    }
}
