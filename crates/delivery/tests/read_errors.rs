//! The bulk reader on bad input: every error names file:line:column, reading goes on with
//! the next line, and nothing panics.

use std::io::{self, BufReader, Read};

use kiosque_delivery::{read_changes, read_deployments, read_incidents, Change, Ownership, ReadError, Status};

const CHANGE: &str = r#"{"sha":"a1","repository":"example/api","author":"ana","authored_at":"2024-03-04T09:00:00Z","committed_at":"2024-03-04T09:30:00Z","merged_at":"2024-03-04T10:00:00Z"}"#;

fn changes(text: &str) -> Vec<Result<Change, ReadError>> {
    read_changes(text.as_bytes(), "changes.jsonl").collect()
}

fn error_text(result: &Result<Change, ReadError>) -> String {
    match result {
        Ok(change) => panic!("expected an error, got {change:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_good_line_reads_with_offsets_converted() {
    let line = CHANGE.replace("2024-03-04T09:30:00Z", "2024-03-04T10:30:00+01:00");
    let read = changes(&format!("{line}\n"));
    let change = read[0].as_ref().unwrap();
    assert_eq!(change.sha, "a1");
    // 2024-03-04T09:30:00Z: 19786 days after the epoch, plus 9.5 hours.
    assert_eq!(change.committed_at, 19_786 * 86_400 + 9 * 3600 + 1800);
    assert_eq!(change.authored_at, change.committed_at - 1800);
}

#[test]
fn each_kind_of_error_names_its_place() {
    let cases = [
        // Malformed JSON: the line ends inside the object (column 13 is the line feed).
        (r#"{"sha":"a1",
"#
        .to_string(), "changes.jsonl:1:13: expected a field name, found the end of the line"),
        (r#"{"sha":"a1"
"#
        .to_string(), "changes.jsonl:1:12: expected ',' or '}', found the end of the line"),
        (CHANGE.replace(r#","merged_at":"2024-03-04T10:00:00Z""#, ""), "changes.jsonl:1:129: missing field \"merged_at\""),
        (CHANGE.replace(r#""author":"ana""#, r#""author":7"#), "changes.jsonl:1:49: field \"author\": expected a string, found a number"),
        (
            CHANGE.replace("2024-03-04T09:30:00Z", "2024-02-30T09:30:00Z"),
            "changes.jsonl:1:107: field \"committed_at\": bad timestamp \"2024-02-30T09:30:00Z\": day out of range",
        ),
        (
            CHANGE.replace("2024-03-04T09:30:00Z", "2024-03-04 09:30"),
            "changes.jsonl:1:107: field \"committed_at\": bad timestamp \"2024-03-04 09:30\": expected an RFC 3339 timestamp like 2024-03-04T10:40:00Z",
        ),
        (format!("{CHANGE} x"), "changes.jsonl:1:166: unexpected text after the object"),
        ("[1, 2]".to_string(), "changes.jsonl:1:1: expected an object, found an array"),
        (CHANGE.replace(r#""author":"ana""#, r#""author":"ana","author":"bob""#), "changes.jsonl:1:55: duplicate field \"author\""),
        (CHANGE.replace("\"ana\"", "\"a\\qa\""), "changes.jsonl:1:51: field \"author\": invalid escape"),
    ];
    for (text, expected) in cases {
        let read = changes(&text);
        assert_eq!(read.len(), 1, "{text}");
        assert_eq!(error_text(&read[0]), expected, "{text}");
    }
}

#[test]
fn columns_count_characters_and_lines_count_from_one() {
    let bad = CHANGE.replace(r#""author":"ana""#, r#""author":"zoé","x":tru"#);
    let text = format!("{CHANGE}\n\n{bad}\r\n{CHANGE}\r\n");
    let read = changes(&text);
    assert_eq!(read.len(), 3, "the blank line is skipped, the CRLF lines read");
    assert!(read[0].is_ok() && read[2].is_ok());
    // `tru` starts at character 59 (byte 60: é takes two bytes).
    assert_eq!(error_text(&read[1]), "changes.jsonl:3:59: invalid literal");
}

#[test]
fn invalid_utf8_is_located() {
    let mut bytes = CHANGE.as_bytes().to_vec();
    let at = CHANGE.find("ana").unwrap();
    bytes[at + 1] = 0xff;
    bytes.push(b'\n');
    bytes.extend_from_slice(CHANGE.as_bytes());
    let read: Vec<_> = read_changes(&bytes[..], "changes.jsonl").collect();
    assert_eq!(error_text(&read[0]), format!("changes.jsonl:1:{}: field \"author\": invalid UTF-8", at + 2));
    assert!(read[1].is_ok(), "the next line still reads");
}

#[test]
fn deployments_and_incidents_check_their_fields() {
    let deployment = r#"{"id":7,"repository":"example/api","service":"api","environment":"production","started_at":"2024-03-04T09:00:00Z","finished_at":"2024-03-04T09:10:00Z","status":"success","commits":["a1","b2"],"rollback_of":null,"fixes":3}"#;
    let good: Vec<_> = read_deployments(deployment.as_bytes(), "deployments.jsonl").collect();
    let d = good[0].as_ref().unwrap();
    assert_eq!((d.id, d.status, d.commits.len(), d.rollback_of, d.fixes), (7, Status::Success, 2, None, Some(3)));
    let cases = [
        (
            deployment.replace(r#""id":7"#, r#""id":"7""#),
            "deployments.jsonl:1:7: field \"id\": expected an integer, found a string",
        ),
        (
            deployment.replace(r#""id":7"#, r#""id":7.5"#),
            "deployments.jsonl:1:7: field \"id\": expected an integer, found a fractional number",
        ),
        (
            deployment.replace("\"success\"", "\"ok\""),
            "deployments.jsonl:1:161: field \"status\": expected \"success\" or \"failure\", found \"ok\"",
        ),
        (
            deployment.replace(r#"["a1","b2"]"#, r#"["a1",2]"#),
            "deployments.jsonl:1:187: field \"commits\": expected a string, found a number",
        ),
        (
            deployment.replace(r#""fixes":3"#, r#""fixes":"3""#),
            "deployments.jsonl:1:220: field \"fixes\": expected an integer or null, found a string",
        ),
        (
            deployment.replace(r#""id":7"#, r#""id":99999999999999999999"#),
            "deployments.jsonl:1:7: field \"id\": integer out of range",
        ),
    ];
    for (text, expected) in cases {
        let read: Vec<_> = read_deployments(text.as_bytes(), "deployments.jsonl").collect();
        assert_eq!(read[0].as_ref().map(|_| ()).unwrap_err().to_string(), expected, "{text}");
    }
    let incident = r#"{"id":1,"service":"api","opened_at":"2024-03-04T09:00:00Z","resolved_at":"soon"}"#;
    let read: Vec<_> = read_incidents(incident.as_bytes(), "incidents.jsonl").collect();
    assert_eq!(
        read[0].as_ref().map(|_| ()).unwrap_err().to_string(),
        "incidents.jsonl:1:74: field \"resolved_at\": bad timestamp \"soon\": expected an RFC 3339 timestamp like 2024-03-04T10:40:00Z"
    );
}

#[test]
fn line_numbers_hold_across_chunks_and_without_a_final_line_feed() {
    // About 9 MB: the reader parses it in several chunks.
    let lines = 50_000;
    let mut text = String::new();
    for n in 0..lines {
        if n == 31_337 {
            text.push_str("{\"sha\": nope}\n");
        } else {
            text.push_str(&CHANGE.replace("\"a1\"", &format!("\"{n:040x}\"")));
            text.push('\n');
        }
    }
    text.push_str(&CHANGE.replace(r#""sha":"a1""#, r#""sha":1"#)); // no final line feed
    assert!(text.len() > 8 << 20);
    let read = changes(&text);
    assert_eq!(read.len(), lines + 1);
    assert_eq!(
        error_text(&read[31_337]),
        "changes.jsonl:31338:9: field \"sha\": expected a string, found an unexpected character"
    );
    assert_eq!(
        error_text(&read[lines]),
        format!("changes.jsonl:{}:8: field \"sha\": expected a string, found a number", lines + 1)
    );
    // Events come in file order.
    assert_eq!(read[31_338].as_ref().unwrap().sha, format!("{:040x}", 31_338));
    assert_eq!(read.iter().filter(|r| r.is_ok()).count(), lines - 1);
}

/// Fails after handing out `good` bytes.
struct Failing<'a> {
    good: &'a [u8],
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.good.is_empty() {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf.len().min(self.good.len());
        buf[..n].copy_from_slice(&self.good[..n]);
        self.good = &self.good[n..];
        Ok(n)
    }
}

#[test]
fn a_read_failure_ends_the_stream_with_an_error() {
    let text = format!("{CHANGE}\n{CHANGE}\n");
    let reader = BufReader::new(Failing { good: text.as_bytes() });
    let read: Vec<_> = read_changes(reader, "changes.jsonl").collect();
    assert_eq!(read.len(), 3);
    assert!(read[0].is_ok() && read[1].is_ok());
    assert_eq!(error_text(&read[2]), "changes.jsonl:3:1: read error: disk on fire");
}

#[test]
fn no_input_panics() {
    // Every truncation, and many random byte changes, of valid lines.
    let deployment = r#"{"id":7,"repository":"r","service":"s","environment":"production","started_at":"2024-03-04T09:00:00+01:00","finished_at":"2024-03-04T09:10:00.25Z","status":"failure","commits":["a1","b\u00e9"],"rollback_of":null,"fixes":3,"extra":{"a":[1,-2.5e3,true,false,null,"\ud83d\ude00"]}}"#;
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let samples: Vec<Vec<u8>> = (0..deployment.len())
        .map(|cut| deployment.as_bytes()[..cut].to_vec())
        .chain((0..5000).map(|_| {
            let mut bytes = deployment.as_bytes().to_vec();
            for _ in 0..1 + next() % 3 {
                let at = next() % bytes.len();
                let replacements = b"{}[]\",:\\ \n0-9eEu.ZT+\x00\xff\xc3";
                bytes[at] = replacements[next() % replacements.len()];
            }
            bytes
        }))
        .collect();
    for bytes in samples {
        let _ = read_deployments(&bytes[..], "deployments.jsonl").count();
        let _ = read_incidents(&bytes[..], "incidents.jsonl").count();
        let _ = read_changes(&bytes[..], "changes.jsonl").count();
        let _ = Ownership::read_csv(&bytes[..], "services.csv");
    }
}

#[test]
fn ownership_csv_errors_name_their_place() {
    let read = |text: &str| Ownership::read_csv(text.as_bytes(), "services.csv");
    let ownership = read("service,team,level\napi,core,elite\n\"web,2\",\"co\"\"re\",high\n").unwrap();
    assert_eq!(ownership.team_of("api"), Some("core"));
    assert_eq!(ownership.team_of("web,2"), Some("co\"re"));
    assert_eq!(
        read("name,owner\n").unwrap_err().to_string(),
        "services.csv:1:1: the header must name a service and a team column"
    );
    assert_eq!(
        read("service,team\napi,core\napi,web\n").unwrap_err().to_string(),
        "services.csv:3:1: service \"api\" listed twice"
    );
    assert_eq!(read("service,team\napi\n").unwrap_err().to_string(), "services.csv:2:4: missing team column");
    assert_eq!(read("service,team\napi,\n").unwrap_err().to_string(), "services.csv:2:5: empty team");
    assert_eq!(
        read("service,team\n\"api,core\n").unwrap_err().to_string(),
        "services.csv:2:1: unterminated quoted field"
    );
}

#[test]
fn a_reader_inside_a_rayon_worker_parses_in_place() {
    // Waiting on the pool from one of its own threads could deadlock; the reader must not.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let text = format!("{CHANGE}\n").repeat(40_000);
    let count = pool.install(|| read_changes(text.as_bytes(), "changes.jsonl").filter(|r| r.is_ok()).count());
    assert_eq!(count, 40_000);
}
