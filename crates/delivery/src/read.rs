//! The bulk format: JSON lines, one event per line (`changes.jsonl`, `deployments.jsonl`,
//! `incidents.jsonl`).
//!
//! The reader takes the input in chunks of a few megabytes cut at line ends, parses each
//! chunk's lines on all cores (rayon), then hands the events out in file order. A bad line
//! yields an error naming `file:line:column` and reading goes on with the next line, so a
//! caller can stop at the first error or collect them all.

use std::fmt;
use std::io::{self, BufRead};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::event::{Change, Deployment, Incident, Status};
use crate::json::{self, JsonError, Scanner};
use crate::time::parse_timestamp;

/// Bytes read before a chunk is parsed: small enough that the buffers of each chunk are
/// recycled by the allocator rather than mapped afresh.
const CHUNK: usize = 256 << 10;
/// A line longer than this ends the reading with an error instead of filling memory.
const MAX_LINE: usize = 256 << 20;

/// A bad line (or a failed read), located in its file. Line and column count from 1; the
/// column counts characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

impl std::error::Error for ReadError {}

/// Reads `changes.jsonl` lines: `sha`, `repository`, `author`, `authored_at`,
/// `committed_at`, `merged_at`. `file` names the input in errors.
pub fn read_changes<R: BufRead>(input: R, file: &str) -> EventReader<R, Change> {
    EventReader::new(input, file, Change::parse)
}

/// Reads `deployments.jsonl` lines: `id`, `repository`, `service`, `environment`,
/// `started_at`, `finished_at`, `status` (`success` or `failure`), `commits` (an array of
/// commit ids), `rollback_of` and `fixes` (a deployment id, or null or absent), and
/// `production` (true or false when the source declares its environment; null or absent
/// otherwise: Kiosque's addition to the format).
pub fn read_deployments<R: BufRead>(input: R, file: &str) -> EventReader<R, Deployment> {
    EventReader::new(input, file, Deployment::parse)
}

/// Reads `incidents.jsonl` lines: `id`, `service`, `opened_at`, `resolved_at` and
/// `caused_by_deployment` (null or absent when unknown).
pub fn read_incidents<R: BufRead>(input: R, file: &str) -> EventReader<R, Incident> {
    EventReader::new(input, file, Incident::parse)
}

/// Events of one file, in file order, each parsed or the error of its line. Blank lines
/// are skipped; fields other than the documented ones are ignored.
///
/// Outside a rayon worker, the next chunk is parsed in the background while the caller
/// consumes the current one; inside a worker (where blocking on the pool could deadlock),
/// chunks are parsed on demand.
pub struct EventReader<R, E> {
    input: R,
    file: String,
    /// The number of the first line of the next piece handed out.
    next_line: u64,
    /// Bytes read past the last complete line, and where its last line feed is.
    carry: Vec<u8>,
    last_newline: Option<usize>,
    /// The pieces of the chunk being handed out, and the results of the current one with
    /// the number of its first line.
    pieces: std::vec::IntoIter<(Vec<Result<E, LineError>>, u64)>,
    current: std::vec::IntoIter<Result<E, LineError>>,
    current_line: u64,
    in_flight: Option<InFlight<E>>,
    /// The buffer of the last chunk parsed, to read the next one into: allocating each
    /// chunk afresh would cost the system's zeroing of new memory, chunk after chunk.
    spare: Option<Vec<u8>>,
    /// The input is exhausted (or failed).
    drained: bool,
    /// A read failure, reported after the lines read before it.
    failure: Option<String>,
    parse: Parser<E>,
}

type Parser<E> = fn(&mut Scanner<'_>, &mut Days) -> json::Result<E>;

/// A chunk's results, per piece, with the number of lines of each piece.
type Parsed<E> = Vec<(Vec<Result<E, LineError>>, u64)>;

/// A chunk being parsed or parsed, with its buffer given back for the next chunk.
enum InFlight<E> {
    Background(mpsc::Receiver<(Parsed<E>, Vec<u8>)>),
    Done((Parsed<E>, Vec<u8>)),
}

impl<R: BufRead, E: Send + 'static> EventReader<R, E> {
    fn new(input: R, file: &str, parse: Parser<E>) -> Self {
        EventReader {
            input,
            file: file.to_string(),
            next_line: 1,
            carry: Vec::new(),
            last_newline: None,
            pieces: Vec::new().into_iter(),
            current: Vec::new().into_iter(),
            current_line: 1,
            in_flight: None,
            spare: None,
            drained: false,
            failure: None,
            parse,
        }
    }

    /// The next chunk of whole lines, `None` at the end of the input or on a failure.
    fn next_chunk(&mut self) -> Option<Vec<u8>> {
        loop {
            let buf = match self.input.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return self.fail(format!("read error: {e}")),
            };
            if buf.is_empty() {
                self.drained = true;
                return (!self.carry.is_empty()).then(|| std::mem::take(&mut self.carry));
            }
            // Take no more than the chunk needs: a chunk much larger than `CHUNK` would be
            // a fresh allocation of its own rather than a recycled one.
            let n = buf.len().min(CHUNK.saturating_sub(self.carry.len()).max(4 << 10));
            let old = self.carry.len();
            self.carry.extend_from_slice(&buf[..n]);
            self.input.consume(n);
            if let Some(p) = self.carry[old..].iter().rposition(|&b| b == b'\n') {
                self.last_newline = Some(old + p);
            }
            match self.last_newline {
                Some(p) if self.carry.len() >= CHUNK => {
                    let mut tail = self.spare.take().unwrap_or_else(|| Vec::with_capacity(CHUNK + (8 << 10)));
                    tail.clear();
                    tail.extend_from_slice(&self.carry[p + 1..]);
                    let mut chunk = std::mem::replace(&mut self.carry, tail);
                    chunk.truncate(p + 1);
                    self.last_newline = None;
                    return Some(chunk);
                }
                None if self.carry.len() > MAX_LINE => {
                    return self.fail(format!("line longer than {} MiB", MAX_LINE >> 20));
                }
                _ => {}
            }
        }
    }

    /// Ends the input: the complete lines read so far are still parsed, the failure is
    /// reported after them.
    fn fail(&mut self, message: String) -> Option<Vec<u8>> {
        self.drained = true;
        self.failure = Some(message);
        let complete = self.last_newline.take()?;
        let mut chunk = std::mem::take(&mut self.carry);
        chunk.truncate(complete + 1);
        Some(chunk)
    }

    /// Reads the next chunk and starts parsing it.
    fn launch(&mut self) {
        let Some(chunk) = self.next_chunk() else { return };
        let parse = self.parse;
        self.in_flight = Some(if rayon::current_thread_index().is_none() {
            let (send, receive) = mpsc::sync_channel(1);
            rayon::spawn(move || {
                // The reader may have been dropped meanwhile: then nobody wants the result.
                let _ = send.send((parse_chunk(&chunk, parse), chunk));
            });
            InFlight::Background(receive)
        } else {
            InFlight::Done((parse_chunk(&chunk, parse), chunk))
        });
    }

    /// Gives a line's error its file name and absolute line number.
    fn locate(&self, e: LineError) -> ReadError {
        ReadError { file: self.file.clone(), line: self.current_line + e.line, column: e.column, message: e.message }
    }
}

/// Parses a chunk's pieces on all cores.
fn parse_chunk<E: Send>(chunk: &[u8], parse: Parser<E>) -> Parsed<E> {
    let pieces = split_at_lines(chunk, rayon::current_num_threads() * 4);
    pieces.par_iter().map(|p| parse_lines(p, parse)).collect()
}

impl<R: BufRead, E: Send + 'static> Iterator for EventReader<R, E> {
    type Item = Result<E, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(item.map_err(|e| self.locate(e)));
            }
            if let Some((items, lines)) = self.pieces.next() {
                self.current = items.into_iter();
                self.current_line = self.next_line;
                self.next_line += lines;
                continue;
            }
            if self.in_flight.is_none() && !self.drained {
                self.launch();
            }
            let (parsed, buffer) = match self.in_flight.take() {
                Some(InFlight::Done(done)) => done,
                // A send fails only if the parsing job panicked; end as at a read failure.
                Some(InFlight::Background(receive)) => receive.recv().unwrap_or_else(|_| {
                    self.drained = true;
                    self.failure = Some("internal error while parsing".into());
                    (Vec::new(), Vec::new())
                }),
                None => {
                    let message = self.failure.take()?;
                    return Some(Err(ReadError { file: self.file.clone(), line: self.next_line, column: 1, message }));
                }
            };
            self.spare = Some(buffer);
            // Start on the following chunk before handing these events out.
            if !self.drained {
                self.launch();
            }
            self.pieces = parsed.into_iter();
        }
    }
}

/// Cuts `chunk` into about `n` pieces, each ending at a line end.
fn split_at_lines(chunk: &[u8], n: usize) -> Vec<&[u8]> {
    let target = (chunk.len() / n.max(1)).max(64 << 10);
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < chunk.len() {
        let mut end = (start + target).min(chunk.len());
        if let Some(p) = chunk[end..].iter().position(|&b| b == b'\n') {
            end += p + 1;
        } else {
            end = chunk.len();
        }
        pieces.push(&chunk[start..end]);
        start = end;
    }
    pieces
}

/// A line's error before the chunk's line numbers are known: `line` counts from 0 within
/// the piece.
struct LineError {
    line: u64,
    column: u64,
    message: String,
}

/// Parses each line of `text`; returns the results and the number of lines.
fn parse_lines<E>(text: &[u8], parse: Parser<E>) -> (Vec<Result<E, LineError>>, u64) {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut line = 0;
    // Checking the whole piece at once is faster than string by string.
    let valid = std::str::from_utf8(text).ok();
    let mut s = Scanner::line(text, valid, 0);
    let mut days = Days::default();
    while pos < text.len() {
        let start = pos;
        s.pos = pos;
        s.skip_whitespace();
        if s.peek() == Some(b'\n') || s.at_end() {
            // A blank line.
        } else {
            let parsed = parse(&mut s, &mut days).and_then(|event| {
                s.skip_whitespace();
                match s.peek() {
                    None | Some(b'\n') => Ok(event),
                    Some(_) => s.error(s.pos, "unexpected text after the object"),
                }
            });
            out.push(parsed.map_err(|e| LineError {
                line,
                column: column(&text[start..], e.at - start),
                message: e.message,
            }));
        }
        pos = match text[s.pos.min(text.len())..].iter().position(|&b| b == b'\n') {
            Some(p) => s.pos + p + 1,
            None => text.len(),
        };
        line += 1;
    }
    (out, line)
}

/// The 1-based character column of byte `at` of a line.
fn column(line: &[u8], at: usize) -> u64 {
    let prefix = &line[..at.min(line.len())];
    1 + prefix.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64
}

/// An event type read from one JSON object.
trait Record: Sized {
    fn parse(s: &mut Scanner<'_>, days: &mut Days) -> json::Result<Self>;
}

/// The day of the last timestamp read, and its first second: the lines of a file mostly
/// repeat it, and reading the time of day alone is quicker than a whole timestamp.
#[derive(Default)]
struct Days {
    last: Option<([u8; 10], i64)>,
}

impl Days {
    /// The value of a timestamp in the usual shape, `2024-03-04T10:40:00Z`; `None` for any
    /// other (which the full reader then handles, errors included).
    fn usual(&mut self, text: &[u8]) -> Option<i64> {
        let [date @ .., b'T', h1, h2, b':', m1, m2, b':', s1, s2, b'Z'] = text else { return None };
        let date: [u8; 10] = date.try_into().ok()?;
        let two =
            |a: u8, b: u8| (a.is_ascii_digit() && b.is_ascii_digit()).then(|| i64::from((a - b'0') * 10 + b - b'0'));
        let (hour, minute, second) = (two(*h1, *h2)?, two(*m1, *m2)?, two(*s1, *s2)?);
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let start = match self.last {
            Some((day, start)) if day == date => start,
            _ => {
                let mut midnight = [0u8; 20];
                midnight[..10].copy_from_slice(&date);
                midnight[10..].copy_from_slice(b"T00:00:00Z");
                let start = parse_timestamp(&midnight).ok()?;
                self.last = Some((date, start));
                start
            }
        };
        Some(start + hour * 3600 + minute * 60 + second)
    }
}

/// Prefixes a value's error with its field name.
fn field<T>(name: &str, value: json::Result<T>) -> json::Result<T> {
    value.map_err(|e| JsonError { at: e.at, message: format!("field \"{name}\": {}", e.message) })
}

fn once<T>(slot: &mut Option<T>, value: T, name: &str, at: usize) -> json::Result<()> {
    if slot.is_some() {
        return Err(JsonError { at, message: format!("duplicate field \"{name}\"") });
    }
    *slot = Some(value);
    Ok(())
}

fn required<T>(slot: Option<T>, name: &str, at: usize) -> json::Result<T> {
    slot.ok_or_else(|| JsonError { at, message: format!("missing field \"{name}\"") })
}

fn string(s: &mut Scanner<'_>, name: &str) -> json::Result<String> {
    field(name, s.string().map(|v| v.into_owned()))
}

fn timestamp(s: &mut Scanner<'_>, days: &mut Days, name: &str) -> json::Result<i64> {
    let at = s.pos;
    let text = field(name, s.string())?;
    if let Some(value) = days.usual(text.as_bytes()) {
        return Ok(value);
    }
    parse_timestamp(text.as_bytes())
        .map_err(|why| JsonError { at, message: format!("field \"{name}\": bad timestamp {text:?}: {why}") })
}

fn optional_timestamp(s: &mut Scanner<'_>, days: &mut Days, name: &str) -> json::Result<Option<i64>> {
    if field(name, s.null())? {
        return Ok(None);
    }
    if s.peek() != Some(b'"') {
        return s.error(s.pos, format!("field \"{name}\": expected a timestamp or null, found {}", s.found()));
    }
    timestamp(s, days, name).map(Some)
}

fn integer(s: &mut Scanner<'_>, name: &str) -> json::Result<i64> {
    field(name, s.integer())
}

fn optional_integer(s: &mut Scanner<'_>, name: &str) -> json::Result<Option<i64>> {
    if field(name, s.null())? {
        return Ok(None);
    }
    if !matches!(s.peek(), Some(b'-' | b'0'..=b'9')) {
        return s.error(s.pos, format!("field \"{name}\": expected an integer or null, found {}", s.found()));
    }
    integer(s, name).map(Some)
}

fn optional_boolean(s: &mut Scanner<'_>, name: &str) -> json::Result<Option<bool>> {
    if field(name, s.null())? {
        return Ok(None);
    }
    match field(name, s.boolean())? {
        Some(value) => Ok(Some(value)),
        None => s.error(s.pos, format!("field \"{name}\": expected true, false or null, found {}", s.found())),
    }
}

fn string_array(s: &mut Scanner<'_>, name: &str) -> json::Result<Vec<String>> {
    field(name, s.begin_array())?;
    let mut items = Vec::new();
    let mut first = true;
    while field(name, s.next_item(&mut first))? {
        items.push(string(s, name)?);
    }
    Ok(items)
}

fn status(s: &mut Scanner<'_>) -> json::Result<Status> {
    let at = s.pos;
    match &*field("status", s.string())? {
        "success" => Ok(Status::Success),
        "failure" => Ok(Status::Failure),
        other => s.error(at, format!("field \"status\": expected \"success\" or \"failure\", found {other:?}")),
    }
}

impl Record for Change {
    fn parse(s: &mut Scanner<'_>, days: &mut Days) -> json::Result<Self> {
        s.begin_object()?;
        let (mut sha, mut repository, mut author) = (None, None, None);
        let (mut authored_at, mut committed_at, mut merged_at) = (None, None, None);
        let mut first = true;
        let mut keys = ["sha", "repository", "author", "authored_at", "committed_at", "merged_at"].into_iter();
        while let Some((key, at)) = s.next_key_expecting(&mut first, keys.next())? {
            match &*key {
                "sha" => once(&mut sha, string(s, "sha")?, "sha", at)?,
                "repository" => once(&mut repository, string(s, "repository")?, "repository", at)?,
                "author" => once(&mut author, string(s, "author")?, "author", at)?,
                "authored_at" => once(&mut authored_at, timestamp(s, days, "authored_at")?, "authored_at", at)?,
                "committed_at" => once(&mut committed_at, timestamp(s, days, "committed_at")?, "committed_at", at)?,
                "merged_at" => once(&mut merged_at, timestamp(s, days, "merged_at")?, "merged_at", at)?,
                _ => s.skip_value()?,
            }
        }
        let end = s.pos - 1;
        Ok(Change {
            sha: required(sha, "sha", end)?,
            repository: required(repository, "repository", end)?,
            author: required(author, "author", end)?,
            authored_at: required(authored_at, "authored_at", end)?,
            committed_at: required(committed_at, "committed_at", end)?,
            merged_at: required(merged_at, "merged_at", end)?,
        })
    }
}

impl Record for Deployment {
    fn parse(s: &mut Scanner<'_>, days: &mut Days) -> json::Result<Self> {
        s.begin_object()?;
        let (mut id, mut repository, mut service, mut environment) = (None, None, None, None);
        let (mut started_at, mut finished_at, mut status_, mut commits) = (None, None, None, None);
        let (mut rollback_of, mut fixes, mut production) = (None, None, None);
        let mut first = true;
        let mut keys = [
            "id",
            "repository",
            "service",
            "environment",
            "started_at",
            "finished_at",
            "status",
            "commits",
            "rollback_of",
            "fixes",
        ]
        .into_iter();
        while let Some((key, at)) = s.next_key_expecting(&mut first, keys.next())? {
            match &*key {
                "id" => once(&mut id, integer(s, "id")?, "id", at)?,
                "repository" => once(&mut repository, string(s, "repository")?, "repository", at)?,
                "service" => once(&mut service, string(s, "service")?, "service", at)?,
                "environment" => once(&mut environment, string(s, "environment")?, "environment", at)?,
                "started_at" => once(&mut started_at, timestamp(s, days, "started_at")?, "started_at", at)?,
                "finished_at" => once(&mut finished_at, timestamp(s, days, "finished_at")?, "finished_at", at)?,
                "status" => once(&mut status_, status(s)?, "status", at)?,
                "commits" => once(&mut commits, string_array(s, "commits")?, "commits", at)?,
                "rollback_of" => once(&mut rollback_of, optional_integer(s, "rollback_of")?, "rollback_of", at)?,
                "fixes" => once(&mut fixes, optional_integer(s, "fixes")?, "fixes", at)?,
                "production" => once(&mut production, optional_boolean(s, "production")?, "production", at)?,
                _ => s.skip_value()?,
            }
        }
        let end = s.pos - 1;
        Ok(Deployment {
            id: required(id, "id", end)?,
            repository: required(repository, "repository", end)?,
            service: required(service, "service", end)?,
            environment: required(environment, "environment", end)?,
            started_at: required(started_at, "started_at", end)?,
            finished_at: required(finished_at, "finished_at", end)?,
            status: required(status_, "status", end)?,
            commits: required(commits, "commits", end)?,
            rollback_of: rollback_of.flatten(),
            fixes: fixes.flatten(),
            production: production.flatten(),
        })
    }
}

impl Record for Incident {
    fn parse(s: &mut Scanner<'_>, days: &mut Days) -> json::Result<Self> {
        s.begin_object()?;
        let (mut id, mut service, mut opened_at, mut resolved_at, mut caused_by) = (None, None, None, None, None);
        let mut first = true;
        let mut keys = ["id", "service", "opened_at", "resolved_at", "caused_by_deployment"].into_iter();
        while let Some((key, at)) = s.next_key_expecting(&mut first, keys.next())? {
            match &*key {
                "id" => once(&mut id, integer(s, "id")?, "id", at)?,
                "service" => once(&mut service, string(s, "service")?, "service", at)?,
                "opened_at" => once(&mut opened_at, timestamp(s, days, "opened_at")?, "opened_at", at)?,
                "resolved_at" => {
                    once(&mut resolved_at, optional_timestamp(s, days, "resolved_at")?, "resolved_at", at)?
                }
                "caused_by_deployment" => {
                    let value = optional_integer(s, "caused_by_deployment")?;
                    once(&mut caused_by, value, "caused_by_deployment", at)?
                }
                _ => s.skip_value()?,
            }
        }
        let end = s.pos - 1;
        Ok(Incident {
            id: required(id, "id", end)?,
            service: required(service, "service", end)?,
            opened_at: required(opened_at, "opened_at", end)?,
            resolved_at: resolved_at.flatten(),
            caused_by_deployment: caused_by.flatten(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-03-04T00:00:00Z: 19786 days after the epoch.
    const MARCH_4: i64 = 19_786 * 86_400;

    #[test]
    fn usual_timestamps_read_without_the_full_reader() {
        let mut days = Days::default();
        assert_eq!(days.usual(b"2024-03-04T10:40:00Z"), Some(MARCH_4 + 10 * 3600 + 40 * 60));
        // The same day again, from the memo; then the next day; a leap second is the first
        // second of the next minute, as for the full reader.
        assert_eq!(days.usual(b"2024-03-04T00:00:01Z"), Some(MARCH_4 + 1));
        assert_eq!(days.usual(b"2024-03-05T00:00:00Z"), Some(MARCH_4 + 86_400));
        assert_eq!(days.usual(b"2024-03-05T23:59:60Z"), Some(MARCH_4 + 2 * 86_400));
        // Other shapes, and bad values, are left to the full reader and its messages.
        for text in [
            "2024-03-04T10:40:00+01:00",
            "2024-03-04T10:40:00.5Z",
            "2024-03-04t10:40:00Z",
            "2024-03-04T24:00:00Z",
            "2023-02-29T10:00:00Z",
            "2024-03-04T1a:40:00Z",
            "24-03-04T10:40:00Z",
        ] {
            assert_eq!(days.usual(text.as_bytes()), None, "{text}");
        }
    }

    fn changes(text: &str) -> Vec<Result<Change, ReadError>> {
        read_changes(text.as_bytes(), "changes.jsonl").collect()
    }

    #[test]
    fn fields_read_the_same_in_any_order() {
        let usual = concat!(
            r#"{"sha":"ab","repository":"example/api","author":"ana","authored_at":"2024-03-04T10:00:00Z","#,
            r#""committed_at":"2024-03-04T10:40:00Z","merged_at":"2024-03-04T11:00:00Z"}"#
        );
        // Shuffled, one key escaped, and an unknown key that starts like a known one.
        let shuffled = concat!(
            r#"{"merged_at":"2024-03-04T11:00:00Z","shax":1,"author":"ana","s\u0068a":"ab","#,
            r#""committed_at":"2024-03-04T10:40:00Z","repository":"example/api","authored_at":"2024-03-04T10:00:00Z"}"#
        );
        let expected = Change {
            sha: "ab".into(),
            repository: "example/api".into(),
            author: "ana".into(),
            authored_at: MARCH_4 + 10 * 3600,
            committed_at: MARCH_4 + 10 * 3600 + 40 * 60,
            merged_at: MARCH_4 + 11 * 3600,
        };
        assert_eq!(changes(usual), vec![Ok(expected.clone())]);
        assert_eq!(changes(shuffled), vec![Ok(expected)]);
    }

    #[test]
    fn a_deployment_may_carry_its_source_s_declaration() {
        let line = |production: &str| {
            format!(
                r#"{{"id":1,"repository":"r","service":"s","environment":"live","started_at":"2024-03-04T10:00:00Z","finished_at":"2024-03-04T10:00:00Z","status":"success","commits":[],"rollback_of":null,"fixes":null{production}}}"#
            )
        };
        let read = |text: String| read_deployments(text.as_bytes(), "d.jsonl").next().unwrap().map(|d| d.production);
        assert_eq!(read(line("")), Ok(None));
        assert_eq!(read(line(r#","production":null"#)), Ok(None));
        assert_eq!(read(line(r#","production":true"#)), Ok(Some(true)));
        assert_eq!(read(line(r#","production":false"#)), Ok(Some(false)));
        let error = read(line(r#","production":"yes""#)).unwrap_err().to_string();
        assert!(error.starts_with("d.jsonl:1:") && error.contains("expected true, false or null"), "{error}");
    }
}
