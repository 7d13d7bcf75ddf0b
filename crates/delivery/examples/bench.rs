//! Times loading a delivery history in the bulk format and computing its report.
//!
//! Usage: `bench DATA_DIR [--days N] [--end YYYY-MM-DD] [--runs N] [--out FILE]`, where
//! DATA_DIR holds changes.jsonl, deployments.jsonl, incidents.jsonl and services.csv.
//! Prints the time to read each file (parsing only), to read and insert all three into a
//! history, and the minimum and median time of the report over the runs; writes the
//! report as CSV with `--out`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fs::File;
use std::io::BufReader;
use std::time::{Duration, Instant};

use kiosque_delivery::{
    read_changes, read_deployments, read_incidents, report, write_csv, CsvColumns, History, Ownership, Window,
};

fn open(dir: &str, name: &str) -> BufReader<File> {
    let path = format!("{dir}/{name}");
    BufReader::with_capacity(1 << 20, File::open(&path).unwrap_or_else(|e| fail(&format!("{path}: {e}"))))
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1)
}

/// CPU time of the process so far (all threads), where the system tells it (Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Resident memory of the process (Linux), in MiB.
fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Wall-clock minimum and median, and the median CPU time, of a step run several times.
struct Timings {
    wall: Vec<Duration>,
    cpu: Vec<f64>,
}

impl Timings {
    fn new() -> Self {
        Timings { wall: Vec::new(), cpu: Vec::new() }
    }

    fn time<T>(&mut self, step: impl FnOnce() -> T) -> T {
        let (cpu, t) = (cpu_seconds(), Instant::now());
        let out = step();
        self.wall.push(t.elapsed());
        if let (Some(before), Some(after)) = (cpu, cpu_seconds()) {
            self.cpu.push(after - before);
        }
        out
    }

    fn summary(&mut self) -> String {
        self.wall.sort();
        self.cpu.sort_by(f64::total_cmp);
        let cpu = self.cpu.get(self.cpu.len() / 2).map_or(String::new(), |c| format!(" (CPU {c:.2} s)"));
        format!(
            "wall min {:.3} s, median {:.3} s{cpu}",
            self.wall[0].as_secs_f64(),
            self.wall[self.wall.len() / 2].as_secs_f64()
        )
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().cloned() else {
        fail("usage: bench DATA_DIR [--days N] [--end DATE] [--runs N] [--out FILE]")
    };
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let runs: usize = option("--runs").map_or(5, |r| r.parse().unwrap_or_else(|_| fail("bad --runs")));
    let mut window = Window::default();
    if let Some(days) = option("--days") {
        window.days = days.parse().unwrap_or_else(|_| fail("bad --days"));
    }
    if let Some(end) = option("--end") {
        window.end = Some(end.parse().unwrap_or_else(|e: String| fail(&e)));
    }
    println!("rayon threads: {}", rayon::current_num_threads());

    // Parsing alone, file by file.
    let mut parse = Timings::new();
    for run in 0..runs {
        let (c, d, i) = parse.time(|| {
            let c = read_changes(open(&dir, "changes.jsonl"), "changes.jsonl").filter(Result::is_ok).count();
            let d =
                read_deployments(open(&dir, "deployments.jsonl"), "deployments.jsonl").filter(Result::is_ok).count();
            let i = read_incidents(open(&dir, "incidents.jsonl"), "incidents.jsonl").filter(Result::is_ok).count();
            (c, d, i)
        });
        if run == 0 {
            println!("parsed {c} changes, {d} deployments, {i} incidents");
        }
    }
    println!("read (parse the three files):         {}", parse.summary());

    // Parsing and inserting into a history.
    let mut load = Timings::new();
    let mut history = History::default();
    for _ in 0..runs {
        history = load.time(|| {
            let mut h = History::default();
            for change in read_changes(open(&dir, "changes.jsonl"), "changes.jsonl") {
                h.insert_change(&change.unwrap_or_else(|e| fail(&e.to_string())));
            }
            for deployment in read_deployments(open(&dir, "deployments.jsonl"), "deployments.jsonl") {
                h.insert_deployment(&deployment.unwrap_or_else(|e| fail(&e.to_string())));
            }
            for incident in read_incidents(open(&dir, "incidents.jsonl"), "incidents.jsonl") {
                h.insert_incident(&incident.unwrap_or_else(|e| fail(&e.to_string())));
            }
            h
        });
    }
    println!("load (parse and insert into History): {}", load.summary());
    if let Some(rss) = resident_mib() {
        println!("resident memory with the history loaded: {rss:.0} MiB");
    }

    let ownership =
        Ownership::read_csv(open(&dir, "services.csv"), "services.csv").unwrap_or_else(|e| fail(&e.to_string()));
    let mut reports = Timings::new();
    let mut last = None;
    for _ in 0..runs {
        last = Some(reports.time(|| report(&history, &ownership, window).unwrap_or_else(|e| fail(&e.to_string()))));
    }
    let Some(r) = last else { fail("--runs must be at least 1") };
    println!("report ({} rows, {} .. {}): {}", r.rows.len(), r.start, r.end, reports.summary());
    if let Some(out) = option("--out") {
        let mut file = std::io::BufWriter::new(File::create(&out).unwrap_or_else(|e| fail(&format!("{out}: {e}"))));
        write_csv(&r, CsvColumns::Reference, &mut file).unwrap_or_else(|e| fail(&format!("{out}: {e}")));
        println!("wrote {out}");
    }
}
