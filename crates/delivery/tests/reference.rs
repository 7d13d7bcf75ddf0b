//! Row-by-row comparison with the reference computation's CSV (the DuckDB benchmark's
//! `run_baseline.py`). Skipped unless `KIOSQUE_DORA_DATA` names a folder holding
//! changes.jsonl, deployments.jsonl, incidents.jsonl, services.csv and the reference CSV
//! (`dora_results.csv`, or the file named by `KIOSQUE_DORA_REFERENCE`). The window is the
//! reference's: `KIOSQUE_DORA_DAYS` (default 90) days up to `KIOSQUE_DORA_END` (default: the
//! latest deployment's date).
//!
//! Text and integer columns must be equal; the floating-point ones (`*_per_day`, `*_rate`,
//! `*_hours`) equal within a relative tolerance of 1e-9, since interpolation steps differ in
//! their last digits from one implementation to another.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use kiosque_delivery::{
    read_changes, read_deployments, read_incidents, report, write_csv, CsvColumns, History, Ownership, Window,
};

fn open(path: &Path) -> BufReader<File> {
    BufReader::with_capacity(1 << 20, File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Splits a CSV line (fields quoted only when needed).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().unwrap().push(c),
        }
    }
    out
}

fn same(column: &str, ours: &str, theirs: &str) -> bool {
    let float = column.ends_with("_per_day") || column.ends_with("_rate") || column.ends_with("_hours");
    if !float || ours.is_empty() || theirs.is_empty() {
        return ours == theirs;
    }
    match (ours.parse::<f64>(), theirs.parse::<f64>()) {
        (Ok(a), Ok(b)) => a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()),
        _ => false,
    }
}

#[test]
fn rows_match_the_reference_csv() {
    let Some(dir) = std::env::var_os("KIOSQUE_DORA_DATA").map(PathBuf::from) else {
        eprintln!("skipped: set KIOSQUE_DORA_DATA to a generated history with its reference CSV");
        return;
    };
    let reference = std::env::var_os("KIOSQUE_DORA_REFERENCE").map_or(dir.join("dora_results.csv"), PathBuf::from);
    let days = std::env::var("KIOSQUE_DORA_DAYS").map_or(90, |d| d.parse().expect("KIOSQUE_DORA_DAYS"));
    let end = std::env::var("KIOSQUE_DORA_END").ok().map(|e| e.parse().expect("KIOSQUE_DORA_END"));

    let mut history = History::default();
    for change in read_changes(open(&dir.join("changes.jsonl")), "changes.jsonl") {
        history.insert_change(&change.unwrap());
    }
    for deployment in read_deployments(open(&dir.join("deployments.jsonl")), "deployments.jsonl") {
        history.insert_deployment(&deployment.unwrap());
    }
    for incident in read_incidents(open(&dir.join("incidents.jsonl")), "incidents.jsonl") {
        history.insert_incident(&incident.unwrap());
    }
    let ownership = Ownership::read_csv(open(&dir.join("services.csv")), "services.csv").unwrap();
    assert!(history.unmapped(&ownership).is_empty(), "generated data has an owner for every service");
    let report = report(&history, &ownership, Window { end, days }).unwrap();
    let mut ours = Vec::new();
    write_csv(&report, CsvColumns::Reference, &mut ours).unwrap();
    let ours = String::from_utf8(ours).unwrap();
    let theirs = std::fs::read_to_string(&reference).unwrap_or_else(|e| panic!("{}: {e}", reference.display()));

    let ours: Vec<&str> = ours.lines().collect();
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(ours[0], theirs[0], "header");
    let header = fields(theirs[0]);
    let (mut matching, mut identical, mut differing) = (0, 0, Vec::new());
    for (n, (a, b)) in ours.iter().zip(&theirs).enumerate().skip(1) {
        let (fa, fb) = (fields(a), fields(b));
        if fa.len() == fb.len() && header.iter().zip(fa.iter().zip(&fb)).all(|(c, (x, y))| same(c, x, y)) {
            matching += 1;
            identical += usize::from(a == b);
        } else {
            differing.push(format!("row {n}:\n  ours:   {a}\n  theirs: {b}"));
        }
    }
    eprintln!(
        "{}: {} rows ours, {} reference; {matching} match ({identical} with identical text), {} differ",
        reference.display(),
        ours.len() - 1,
        theirs.len() - 1,
        differing.len()
    );
    assert!(differing.is_empty(), "{}", differing.iter().take(5).cloned().collect::<Vec<_>>().join("\n"));
    assert_eq!(ours.len(), theirs.len(), "row count");
}
