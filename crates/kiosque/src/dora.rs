//! `kiosque dora`: back-fill delivery events from the bulk format, and print the DORA
//! report as a table, JSON or the reference CSV.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Subcommand, ValueEnum};
use kiosque_delivery::{write_csv, Bucket, CsvColumns, HistoryConfig, Ownership, Report, Window};
use kiosque_delivery_store::{Recorder, StoreError};

/// Bad input lines were reported (the good ones were imported).
const EXIT_BAD_INPUT: u8 = 1;
/// The command was used wrongly (a missing file, an unknown service).
const EXIT_USAGE: u8 = 2;

#[derive(Subcommand)]
pub enum DoraCommand {
    /// Back-fills changes.jsonl, deployments.jsonl and incidents.jsonl from DIR (and the
    /// ownership of services from DIR/services.csv when present). Bad lines are reported as
    /// file:line:col and skipped; exit status 1 if there were any.
    Import {
        /// A directory holding the files of the bulk format.
        dir: PathBuf,
        /// sqlite://FILE (default: sqlite://kiosque.db) or postgres://USER@HOST/DB.
        #[arg(long, env = "KIOSQUE_DATABASE_URL")]
        database: Option<String>,
        /// An environment whose deployments count as production (repeat for several;
        /// default: the configuration's `[delivery] production_environments`).
        #[arg(long = "production-environment")]
        production_environments: Vec<String>,
    },
    /// Imports the changes of a local git repository's history (and, with --tags, its
    /// release tags as deployments). Running it again changes nothing.
    ImportGit {
        /// A git repository: a work tree or a bare clone.
        repo: PathBuf,
        /// The repository as events name it, like acme/payments (default: from the origin remote).
        #[arg(long)]
        repository: Option<String>,
        /// The branch or commit whose history is read.
        #[arg(long = "ref", default_value = "HEAD")]
        rev: String,
        /// Only changes merged from this time on (RFC 3339, e.g. 2026-01-01T00:00:00Z).
        #[arg(long)]
        since: Option<String>,
        /// Tags matching this glob (e.g. 'v*') become successful deployments of --service.
        #[arg(long, requires = "service")]
        tags: Option<String>,
        /// The service the tags deploy.
        #[arg(long, requires = "tags")]
        service: Option<String>,
        /// The environment the tags deploy to.
        #[arg(long, default_value = "production")]
        environment: String,
        /// sqlite://FILE (default: sqlite://kiosque.db) or postgres://USER@HOST/DB.
        #[arg(long, env = "KIOSQUE_DATABASE_URL")]
        database: Option<String>,
        /// An environment whose deployments count as production (repeat for several;
        /// default: the configuration's `[delivery] production_environments`).
        #[arg(long = "production-environment")]
        production_environments: Vec<String>,
    },
    /// Prints the DORA figures of the organisation, every team and every service (or of
    /// one service or team), for the window and each ISO week of it.
    Report {
        #[arg(long, conflicts_with = "team")]
        service: Option<String>,
        #[arg(long)]
        team: Option<String>,
        /// Last day of the window, YYYY-MM-DD (default: the day of the latest deployment).
        #[arg(long)]
        end: Option<String>,
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// table (window rows only), json or csv (the reference computation's columns).
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        /// sqlite://FILE (default: sqlite://kiosque.db) or postgres://USER@HOST/DB.
        #[arg(long, env = "KIOSQUE_DATABASE_URL")]
        database: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
}

/// Runs a `dora` command; `database_url` is the configured database, used when the command
/// names none, and `configured` the configured production environments. An `Err` is a
/// database that cannot be used (exit status 3).
pub fn run(command: DoraCommand, database_url: &str, configured: &HistoryConfig) -> Result<ExitCode, String> {
    let or_configured = |given: Vec<String>| {
        if given.is_empty() {
            configured.clone()
        } else {
            HistoryConfig { production_environments: given, ..configured.clone() }
        }
    };
    match command {
        DoraCommand::Import { dir, database, production_environments } => {
            import(&dir, database.as_deref().unwrap_or(database_url), or_configured(production_environments))
        }
        DoraCommand::ImportGit {
            repo,
            repository,
            rev,
            since,
            tags,
            service,
            environment,
            database,
            production_environments,
        } => {
            let since = match since.as_deref().map(kiosque_delivery::timestamp_from_rfc3339) {
                None => None,
                Some(Ok(t)) => Some(t),
                Some(Err(e)) => return Ok(usage(&format!("--since: {e}"))),
            };
            let source = GitSource { repo, repository, rev, since, tags, service, environment };
            import_git(source, database.as_deref().unwrap_or(database_url), or_configured(production_environments))
        }
        DoraCommand::Report { service, team, end, days, format, database } => {
            let mut window = Window { end: None, days };
            if let Some(end) = end {
                match end.parse() {
                    Ok(end) => window.end = Some(end),
                    Err(e) => return Ok(usage(&format!("--end: {e}"))),
                }
            }
            report(database.as_deref().unwrap_or(database_url), service, team, window, format)
        }
    }
}

/// What `import-git` reads.
struct GitSource {
    repo: PathBuf,
    repository: Option<String>,
    rev: String,
    since: Option<i64>,
    tags: Option<String>,
    service: Option<String>,
    environment: String,
}

fn import_git(source: GitSource, database_url: &str, config: HistoryConfig) -> Result<ExitCode, String> {
    use kiosque_delivery::Event;
    use kiosque_delivery_git::{ChangeOptions, GitHistory, TagOptions};
    let history = match GitHistory::open(&source.repo) {
        Ok(history) => history,
        Err(e) => return Ok(usage(&e.to_string())),
    };
    if history.is_shallow() {
        eprintln!("kiosque: {} is a shallow clone: only the history it holds is read", source.repo.display());
    }
    let Some(slug) = source.repository.or_else(|| history.origin_slug()) else {
        return Ok(usage("the repository has no origin remote to name it: give --repository OWNER/NAME"));
    };
    let options = ChangeOptions { repository: slug.clone(), rev: source.rev, since: source.since };
    let mut events: Vec<Event> = match history.changes(&options) {
        Ok(changes) => changes.into_iter().map(Event::Change).collect(),
        Err(e) => return Ok(usage(&e.to_string())),
    };
    if let (Some(pattern), Some(service)) = (source.tags, source.service) {
        let options =
            TagOptions { repository: slug, service, environment: source.environment, pattern, since: source.since };
        match history.tag_deployments(&options) {
            Ok(found) => {
                for skipped in found.skipped {
                    eprintln!("kiosque: skipped {skipped}");
                }
                events.extend(found.deployments.into_iter().map(Event::Deployment));
            }
            Err(e) => return Ok(usage(&e.to_string())),
        }
    }
    let store = kiosque_delivery_store::open(database_url).map_err(|e| e.to_string())?;
    let mut recorder = Recorder::open(Arc::from(store), config).map_err(|e| e.to_string())?;
    let recorded = recorder.record(events, Vec::new(), None).map_err(|e| e.to_string())?;
    eprintln!("imported {} events ({} replaced, {} unchanged)", recorded.added, recorded.replaced, recorded.unchanged);
    Ok(ExitCode::SUCCESS)
}

fn usage(message: &str) -> ExitCode {
    eprintln!("kiosque: {message}");
    ExitCode::from(EXIT_USAGE)
}

fn open_file(path: &Path) -> Result<Option<BufReader<File>>, String> {
    match File::open(path) {
        Ok(file) => Ok(Some(BufReader::with_capacity(1 << 20, file))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn import(dir: &Path, database_url: &str, config: HistoryConfig) -> Result<ExitCode, String> {
    if !dir.is_dir() {
        return Ok(usage(&format!("{} is not a directory", dir.display())));
    }
    let names = ["changes.jsonl", "deployments.jsonl", "incidents.jsonl"];
    let mut files = Vec::new();
    for name in names {
        match open_file(&dir.join(name)) {
            Ok(file) => files.push(file),
            Err(message) => return Ok(usage(&message)),
        }
    }
    if files.iter().all(Option::is_none) {
        return Ok(usage(&format!("{} holds none of {}", dir.display(), names.join(", "))));
    }
    let services_path = dir.join("services.csv");
    let ownership = match open_file(&services_path) {
        Ok(Some(file)) => match Ownership::read_csv(file, &services_path.display().to_string()) {
            Ok(ownership) => Some(ownership),
            Err(e) => {
                eprintln!("{e}");
                return Ok(ExitCode::from(EXIT_BAD_INPUT));
            }
        },
        Ok(None) => None,
        Err(message) => return Ok(usage(&message)),
    };
    let store = kiosque_delivery_store::open(database_url).map_err(|e| e.to_string())?;
    let mut recorder = Recorder::open(Arc::from(store), config).map_err(|e| e.to_string())?;
    let mut files = files.into_iter();
    let mut next = |name: &'static str| files.next().flatten().map(|file| (file, name));
    let (changes, deployments, incidents) = (next(names[0]), next(names[1]), next(names[2]));
    let mut stderr = std::io::stderr().lock();
    let mut bad_line = |e: kiosque_delivery::ReadError| {
        let _ = writeln!(stderr, "{}/{e}", dir.display());
    };
    let imported =
        recorder.import(changes, deployments, incidents, ownership, &mut bad_line).map_err(|e| e.to_string())?;
    let (c, d, i) = (imported.changes, imported.deployments, imported.incidents);
    eprintln!(
        "imported {} changes, {} deployments, {} incidents ({} replaced, {} unchanged){}",
        c.added,
        d.added,
        i.added,
        c.replaced + d.replaced + i.replaced,
        c.unchanged + d.unchanged + i.unchanged,
        if imported.bad_lines > 0 { format!("; {} bad lines skipped", imported.bad_lines) } else { String::new() }
    );
    Ok(if imported.bad_lines > 0 { ExitCode::from(EXIT_BAD_INPUT) } else { ExitCode::SUCCESS })
}

fn report(
    database_url: &str,
    service: Option<String>,
    team: Option<String>,
    window: Window,
    format: ReportFormat,
) -> Result<ExitCode, String> {
    let store = kiosque_delivery_store::open(database_url).map_err(|e| e.to_string())?;
    let ownership = store.ownership().map_err(|e| e.to_string())?;
    if ownership.services().next().is_none() {
        return Ok(usage("no service has an owner yet: import a directory with a services.csv first"));
    }
    if let Some(s) = &service {
        if ownership.team_of(s).is_none() {
            return Ok(usage(&format!("unknown service {s:?}")));
        }
    }
    if let Some(t) = &team {
        if !ownership.teams().contains(t.as_str()) {
            return Ok(usage(&format!("unknown team {t:?}")));
        }
    }
    let mut report = match kiosque_delivery_store::report(store.as_ref(), &ownership, window) {
        Ok(report) => report,
        Err(StoreError::Report(message)) => return Ok(usage(&message)),
        Err(e) => return Err(e.to_string()),
    };
    report.rows.retain(|r| match (&service, &team) {
        (Some(s), _) => r.scope == kiosque_delivery::Scope::Service && &r.entity == s,
        (_, Some(t)) => r.scope == kiosque_delivery::Scope::Team && &r.entity == t,
        _ => true,
    });
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = match format {
        ReportFormat::Csv => write_csv(&report, CsvColumns::Reference, &mut out),
        ReportFormat::Json => write_json(&report, &mut out),
        ReportFormat::Table => write_table(&report, &mut out),
    };
    written.and_then(|()| out.flush()).map_err(|e| format!("writing the report: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

fn write_json(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let rows: Vec<serde_json::Value> = report.rows.iter().map(kiosque_delivery_api::report_row_json).collect();
    let body = serde_json::json!({
        "start": report.start.to_string(),
        "end": report.end.to_string(),
        "days": report.days,
        "rows": rows,
    });
    serde_json::to_writer_pretty(&mut *out, &body)?;
    writeln!(out)
}

fn write_table(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let figure = |v: Option<f64>, digits: usize| v.map_or("-".to_string(), |v| format!("{v:.digits$}"));
    let percent = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.1} %", v * 100.0));
    writeln!(out, "{} to {} ({} days); weekly rows: --format csv or json", report.start, report.end, report.days)?;
    writeln!(
        out,
        "{:<12} {:<28} {:>8} {:>9} {:>11} {:>11} {:>9} {:>11} {:>9}",
        "level", "entity", "deploys", "per day", "lead med h", "lead p90 h", "CFR", "recovery h", "rework"
    )?;
    for r in report.rows.iter().filter(|r| r.bucket == Bucket::Window) {
        writeln!(
            out,
            "{:<12} {:<28} {:>8} {:>9.2} {:>11} {:>11} {:>9} {:>11} {:>9}",
            r.scope.as_str(),
            r.entity,
            r.deployments,
            r.deployments_per_day,
            figure(r.lead_time_median_hours, 1),
            figure(r.lead_time_p90_hours, 1),
            percent(r.change_failure_rate),
            figure(r.recovery_median_hours, 2),
            percent(r.rework_rate),
        )?;
    }
    Ok(())
}
