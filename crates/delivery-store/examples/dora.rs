//! Times the store's two bulk paths on a history in the bulk format.
//!
//! Usage: `dora import DATA_DIR DATABASE` (reads changes.jsonl, deployments.jsonl,
//! incidents.jsonl and services.csv), then `dora report DATABASE [--days N] [--end DATE]`
//! (writes the report as CSV on standard output), or `dora open DATABASE [--runs N]` (times
//! rebuilding the history from the stored log, as a server does when it starts).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::sync::Arc;
use std::time::Instant;

use kiosque_delivery::{write_csv, CsvColumns, HistoryConfig, Ownership, Window};
use kiosque_delivery_store::{open, report, Recorder};

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1)
}

fn reader(dir: &str, name: &str) -> (BufReader<File>, String) {
    let path = format!("{dir}/{name}");
    let file = File::open(&path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
    (BufReader::with_capacity(1 << 20, file), name.to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    match args.first().map(String::as_str) {
        Some("import") if args.len() >= 3 => {
            let (dir, database) = (&args[1], &args[2]);
            let t = Instant::now();
            let store = Arc::from(open(database).unwrap_or_else(|e| fail(&e.to_string())));
            let mut recorder = Recorder::open(store, HistoryConfig::default()).unwrap_or_else(|e| fail(&e.to_string()));
            let opened = t.elapsed();
            let (services, name) = reader(dir, "services.csv");
            let ownership = Ownership::read_csv(services, &name).unwrap_or_else(|e| fail(&e.to_string()));
            let (c, cn) = reader(dir, "changes.jsonl");
            let (d, dn) = reader(dir, "deployments.jsonl");
            let (i, iname) = reader(dir, "incidents.jsonl");
            let imported = recorder
                .import(Some((c, &cn[..])), Some((d, &dn[..])), Some((i, &iname[..])), Some(ownership), &mut |e| {
                    eprintln!("{e}")
                })
                .unwrap_or_else(|e| fail(&e.to_string()));
            eprintln!(
                "opened in {:.3} s, imported in {:.3} s: {imported:?}",
                opened.as_secs_f64(),
                t.elapsed().as_secs_f64()
            );
        }
        Some("open") if args.len() >= 2 => {
            let runs: usize = option("--runs").map_or(3, |r| r.parse().unwrap_or_else(|_| fail("bad --runs")));
            for _ in 0..runs {
                let t = Instant::now();
                let store = Arc::from(open(&args[1]).unwrap_or_else(|e| fail(&e.to_string())));
                let recorder = Recorder::open(store, HistoryConfig::default()).unwrap_or_else(|e| fail(&e.to_string()));
                let (c, d, i) = recorder.history().counts();
                eprintln!("opened in {:.3} s: {c} changes, {d} deployments, {i} incidents", t.elapsed().as_secs_f64());
            }
        }
        Some("report") if args.len() >= 2 => {
            let mut window = Window::default();
            if let Some(days) = option("--days") {
                window.days = days.parse().unwrap_or_else(|_| fail("bad --days"));
            }
            if let Some(end) = option("--end") {
                window.end = Some(end.parse().unwrap_or_else(|e: String| fail(&e)));
            }
            let store = open(&args[1]).unwrap_or_else(|e| fail(&e.to_string()));
            let ownership = store.ownership().unwrap_or_else(|e| fail(&e.to_string()));
            let r = report(store.as_ref(), &ownership, window).unwrap_or_else(|e| fail(&e.to_string()));
            let mut out = BufWriter::new(std::io::stdout().lock());
            write_csv(&r, CsvColumns::Reference, &mut out).unwrap_or_else(|e| fail(&e.to_string()));
            out.flush().unwrap_or_else(|e| fail(&e.to_string()));
        }
        _ => fail(
            "usage: dora import DATA_DIR DATABASE | dora report DATABASE [--days N] [--end DATE] | \
             dora open DATABASE [--runs N]",
        ),
    }
}
