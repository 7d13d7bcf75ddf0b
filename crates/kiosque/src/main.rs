//! `kiosque`: the command line. A thin layer that turns flags into calls to
//! the library crates and their results into output and exit codes.
//!
//! Exit codes: 0 success; 1 the sources have errors (validate, import);
//! 2 wrong usage; 3 the database or configuration cannot be used.

mod config;
mod dora;
mod example_data;
mod example_history;
mod example_survey_answers;
mod memory;
mod output;
mod surveys;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use kiosque_catalog::{display_key, Catalog, Diagnostic, FilterSet, Query};
use kiosque_ingest::{Location, LocationKind, Progress, ScanOptions};
use kiosque_model::Severity;
use kiosque_store::CatalogStore;
use serde_json::{json, Value};

use config::Config;
use kiosque_server::identity::SignIn;
use output::Format;

// Parsing tens of thousands of files is allocation-bound: mimalloc makes it markedly faster.
#[global_allocator]
static ALLOCATOR: memory::SplitAllocator = memory::SplitAllocator;

const EXIT_SOURCE_ERRORS: u8 = 1;
const EXIT_UNUSABLE: u8 = 3;

#[derive(Parser)]
#[command(
    name = "kiosque",
    version,
    about = "An internal developer platform in one binary: software catalog, API and portal.",
    after_help = "Exit codes: 0 success; 1 the sources have errors (validate, import); \
                  2 wrong usage; 3 the database or configuration cannot be used."
)]
struct Cli {
    /// Configuration file (TOML). Default: ./kiosque.toml when it exists.
    #[arg(long, global = true, env = "KIOSQUE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the API (and refreshes the catalog from its locations in the background).
    Serve(ServeArgs),
    /// Works with the software catalog.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Delivery metrics (DORA): back-fill events, report the keys.
    #[command(subcommand)]
    Dora(dora::DoraCommand),
    /// Developer-satisfaction surveys.
    #[command(subcommand)]
    Survey(SurveyCommand),
}

#[derive(Subcommand)]
enum SurveyCommand {
    /// Checks survey files (a file or a folder of *.yaml) and reports every problem as
    /// file:line:col; exit status 1 if there is any.
    Check { path: PathBuf },
}

#[derive(Args)]
struct DatabaseArg {
    /// sqlite://FILE (default: sqlite://kiosque.db) or postgres://USER@HOST/DB.
    #[arg(long, env = "KIOSQUE_DATABASE_URL")]
    database: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:7007).
    #[arg(long, env = "KIOSQUE_LISTEN")]
    listen: Option<String>,
    #[command(flatten)]
    database: DatabaseArg,
    /// Also load the bundled example organisation (a bank, 80+ entities).
    #[arg(long)]
    example: bool,
    /// Seconds between two refreshes of every location (0: only at start and on request).
    #[arg(long)]
    refresh_interval: Option<u64>,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Checks descriptor files and reports every problem as file:line:col.
    Validate {
        /// Files, directories or globs.
        #[arg(required = true)]
        paths: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: DiagnosticFormat,
    },
    /// Registers files, directories, globs (and --git repositories) as locations and imports everything.
    Import {
        /// Files, directories or globs.
        paths: Vec<String>,
        /// A git repository to read at a ref: REPO[?ref=REF][&path=GLOB] (repeatable).
        #[arg(long)]
        git: Vec<String>,
        #[command(flatten)]
        database: DatabaseArg,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Writes every stored entity, as YAML documents or a JSON array.
    Export {
        #[command(flatten)]
        database: DatabaseArg,
        #[arg(long, value_enum, default_value = "yaml")]
        format: Format,
        /// Backstage filter, e.g. kind=component,spec.lifecycle=production (repeat for OR).
        #[arg(long)]
        filter: Vec<String>,
    },
    /// Queries the stored catalog.
    Query {
        /// Backstage filter, e.g. kind=component,spec.owner=team-a (repeat for OR).
        #[arg(long)]
        filter: Vec<String>,
        /// Full-text search over names, titles, descriptions and tags.
        #[arg(long)]
        search: Option<String>,
        /// One entity by reference, e.g. component:default/accounts.
        #[arg(long = "ref")]
        entity_ref: Option<String>,
        /// Counts per value of a field instead of entities, e.g. kind or spec.owner.
        #[arg(long)]
        facet: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        database: DatabaseArg,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiagnosticFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    memory::map_large_blocks();
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("kiosque: {message}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    init_logging(&config, matches!(cli.command, Command::Serve(_)));
    let result = match cli.command {
        Command::Serve(args) => serve(config, args),
        Command::Catalog(command) => catalog(config, command),
        Command::Dora(command) => dora::run(command, &config.database.url, &config.delivery.history_config()),
        Command::Survey(SurveyCommand::Check { path }) => Ok(surveys::check(&path)),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("kiosque: {message}");
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

fn init_logging(config: &Config, serving: bool) {
    let level =
        if serving { config.log.level.clone() } else { std::env::var("KIOSQUE_LOG").unwrap_or_else(|_| "warn".into()) };
    let filter =
        tracing_subscriber::EnvFilter::try_new(level).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn scan_options(config: &Config) -> ScanOptions {
    ScanOptions { max_file_bytes: config.catalog.max_file_bytes, ..ScanOptions::default() }
}

fn open_store(config: &Config, flag: &DatabaseArg) -> Result<Arc<dyn CatalogStore>, String> {
    let url = flag.database.clone().unwrap_or_else(|| config.database.url.clone());
    kiosque_store::open(&url).map(Arc::from).map_err(|e| e.to_string())
}

/// A path shown relative to the working directory when it is below it.
fn shorten(path: &str) -> String {
    let path = display_key(path);
    match std::env::current_dir()
        .ok()
        .and_then(|cwd| std::path::Path::new(path).strip_prefix(cwd).ok().map(|p| p.to_string_lossy().into_owned()))
    {
        Some(relative) if !relative.is_empty() => relative,
        _ => path.to_string(),
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic], format: DiagnosticFormat) {
    match format {
        DiagnosticFormat::Text => {
            for d in diagnostics {
                println!("{}:{}:{}: {}: {}", shorten(&d.file), d.line, d.col, d.severity, d.message);
            }
        }
        DiagnosticFormat::Json => {
            let items: Vec<Value> = diagnostics
                .iter()
                .map(|d| json!({"file": shorten(&d.file), "line": d.line, "col": d.col, "severity": d.severity.to_string(), "message": d.message}))
                .collect();
            println!("{}", serde_json::to_string_pretty(&items).unwrap_or_default());
        }
    }
}

mod example {
    include!(concat!(env!("OUT_DIR"), "/example_files.rs"));
}

/// The example organisation's root descriptor: the checkout's copy when this
/// binary runs from its sources (edits show at once), otherwise the copy
/// embedded in the binary, written next to the database.
fn example_location(database_url: &str) -> Result<String, String> {
    let checkout = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/acme-bank/catalog-info.yaml"));
    example_location_from(&checkout, database_url)
}

fn example_location_from(checkout: &std::path::Path, database_url: &str) -> Result<String, String> {
    if let Ok(path) = std::fs::canonicalize(checkout) {
        return Ok(path.to_string_lossy().into_owned());
    }
    let database = database_url.strip_prefix("sqlite://").unwrap_or("kiosque.db");
    let base = std::path::Path::new(database)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let dir = base.join("kiosque-example").join("acme-bank");
    for (relative, content) in example::EXAMPLE_FILES {
        let path = dir.join(relative);
        if std::fs::read(&path).ok().as_deref() == Some(*content) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot write the example to {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("cannot write the example to {}: {e}", path.display()))?;
    }
    let root =
        std::fs::canonicalize(dir.join("catalog-info.yaml")).map_err(|e| format!("example organisation: {e}"))?;
    Ok(root.to_string_lossy().into_owned())
}

fn serve(config: Config, args: ServeArgs) -> Result<ExitCode, String> {
    memory::serve_from_system_allocator();
    let store = open_store(&config, &args.database)?;
    let mut locations: Vec<(String, String)> =
        config.catalog.locations.iter().map(|l| (l.kind.clone(), absolute_target(&l.kind, &l.target))).collect();
    let mut news_dir = config.portal.news_dir.as_ref().map(PathBuf::from);
    let mut surveys_dir = config.surveys.dir.as_ref().map(PathBuf::from);
    let mut sign_in = config.auth.sign_in.clone();
    if args.example {
        let url = args.database.database.clone().unwrap_or_else(|| config.database.url.clone());
        let root = example_location(&url)?;
        // The example's announcements sit beside its root descriptor.
        let example_dir = std::path::Path::new(&root).parent();
        if news_dir.is_none() {
            news_dir = example_dir.map(|dir| dir.join("news"));
        }
        if surveys_dir.is_none() {
            surveys_dir = example_dir.map(|dir| dir.join("surveys"));
        }
        // People try the example without a proxy in front: they pick who they are.
        sign_in.get_or_insert_with(|| "guest".to_string());
        locations.push(("file".into(), root));
    }
    for (kind, target) in &locations {
        if LocationKind::parse(kind).is_none() {
            return Err(format!("location type \"{kind}\" is not supported (use \"file\" or \"git\")"));
        }
        store.add_location(kind, target).map_err(|e| e.to_string())?;
    }
    let listen = args.listen.unwrap_or(config.server.listen.clone());
    let listen = listen
        .parse()
        .map_err(|_| format!("invalid listen address \"{listen}\" (expected HOST:PORT, e.g. 127.0.0.1:7007)"))?;
    let auth = kiosque_server::AuthConfig {
        api_token: config.auth.api_token.clone(),
        read_requires_token: config.auth.read_requires_token,
    };
    let release = Box::new(memory::release_free_memory);
    let state = kiosque_server::AppState::with_memory_release(store, auth, scan_options(&config), release);
    let url = args.database.database.clone().unwrap_or_else(|| config.database.url.clone());
    state.set_sign_in(match sign_in.as_deref() {
        Some("guest") => SignIn::Guest,
        Some("proxy") => SignIn::Proxy { header: config.auth.proxy_header.clone().unwrap_or_default() },
        _ => SignIn::Off,
    });
    let example = args.example.then(example_data::example_organisation);
    let surveys =
        surveys::state(&url, surveys_dir.as_deref(), config.surveys.secret.as_deref(), &state, example.as_ref())?;
    let survey_pages = kiosque_survey_api::pages_router(Arc::clone(&surveys));
    // A team's delivery dashboard shows its developer satisfaction beside its figures.
    let team_panels: Box<kiosque_delivery_api::TeamPanels> =
        Box::new(move |team, cx| surveys.team_panels(&format!("group:default/{team}"), cx));
    let (delivery_public, delivery_api) = delivery_routes(
        &url,
        &config.delivery,
        &state,
        example.as_ref(),
        team_panels,
        Duration::from_secs(config.catalog.reload_interval_seconds.max(1)),
    )?;
    let options = kiosque_server::ServeOptions {
        listen,
        refresh_interval: Duration::from_secs(args.refresh_interval.unwrap_or(config.catalog.refresh_interval_seconds)),
        reload_interval: Duration::from_secs(config.catalog.reload_interval_seconds.max(1)),
        news_dir,
        capabilities: vec![delivery_public, survey_pages],
        capability_apis: vec![("delivery".to_string(), delivery_api)],
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(kiosque_server::serve(state, options)).map_err(|e| format!("cannot serve on {listen}: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// The delivery capability's routes (webhooks, events, reports), its events
/// mapped to catalog services by their repository annotations.
/// Returns the routes that authenticate themselves (webhooks, by signature)
/// and those that go behind the API's token (events, reports).
fn delivery_routes(
    url: &str,
    settings: &config::DeliverySection,
    state: &Arc<kiosque_server::AppState>,
    example: Option<&example_data::ExampleOrganisation>,
    team_panels: Box<kiosque_delivery_api::TeamPanels>,
    follow_interval: Duration,
) -> Result<(axum::Router, axum::Router), String> {
    use kiosque_delivery::Ownership;
    use kiosque_delivery_api::{DeliveryConfig, DeliveryState};
    let store = kiosque_delivery_store::open(url).map_err(|e| e.to_string())?;
    let mut recorder = kiosque_delivery_store::Recorder::open(Arc::from(store), settings.history_config())
        .map_err(|e| e.to_string())?;
    if let Some(organisation) = example {
        example_data::seed_delivery(&mut recorder, organisation, unix_now())?;
    }
    let config = DeliveryConfig {
        github_secret: settings.github_webhook_secret.clone(),
        gitlab_token: settings.gitlab_webhook_token.clone(),
        webhooks: kiosque_delivery_api::WebhookConfig {
            incident_label: settings.incident_label.clone(),
            deployment_workflows: settings
                .deployment_workflows
                .iter()
                .map(|w| (w.name.clone(), w.environment.clone()))
                .collect(),
        },
    };
    let annotations = settings.repository_annotations.clone();
    let catalog = state.clone();
    let service_of = Box::new(move |repository: &str| -> Option<String> {
        let catalog = catalog.catalog();
        annotations.iter().find_map(|annotation| {
            let filter =
                FilterSet::parse(&format!("kind=component,metadata.annotations.{annotation}={repository}")).ok()?;
            let id = *catalog.filter(&[filter]).first()?;
            Some(entity_name(catalog.get(id)?.entity_ref))
        })
    });
    let catalog = state.clone();
    // Read from the catalog once per generation: reports and every /metrics
    // scrape ask for it.
    let owners: std::sync::Mutex<Option<(u64, Ownership)>> = std::sync::Mutex::new(None);
    let ownership_of = Box::new(move || -> Ownership {
        let catalog = catalog.catalog();
        let mut owners = owners.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((generation, ownership)) = owners.as_ref() {
            if *generation == catalog.generation() {
                return ownership.clone();
            }
        }
        let components = FilterSet::parse("kind=component").unwrap_or_default();
        let ownership: Ownership = catalog
            .filter(&[components])
            .into_iter()
            .filter_map(|id| {
                let view = catalog.get(id)?;
                let owner = view.relations().find(|r| r.kind == kiosque_model::RelationType::OwnedBy)?;
                Some((entity_name(view.entity_ref), entity_name(owner.target)))
            })
            .collect();
        *owners = Some((catalog.generation(), ownership.clone()));
        ownership
    });
    let catalog = state.clone();
    let delivery = Arc::new(
        DeliveryState::new(recorder, config, service_of, ownership_of)
            .with_catalog(Box::new(move || catalog.catalog()))
            .with_team_panels(team_panels),
    );
    follow_other_writers(Arc::clone(&delivery), follow_interval);
    kiosque_server::api::add_openapi_fragment(kiosque_delivery_api::OPENAPI);
    let gauges = delivery.clone();
    state.add_metrics_source(Box::new(move || delivery_gauges(&gauges)));
    // Public: the webhooks (they check signatures) and the dashboards (pages,
    // open like the catalog's).
    let public = kiosque_delivery_api::webhook_router(delivery.clone())
        .merge(kiosque_delivery_api::pages_router(delivery.clone()));
    Ok((public, kiosque_delivery_api::api_router(delivery)))
}

/// Reads, every `interval`, what other replicas (or a `kiosque dora import`) added to the
/// delivery log, so that every replica's dashboards show every event.
fn follow_other_writers(delivery: Arc<kiosque_delivery_api::DeliveryState>, interval: Duration) {
    let spawned = std::thread::Builder::new().name("kiosque-delivery-follow".into()).spawn(move || loop {
        std::thread::sleep(interval);
        match delivery.catch_up() {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, "delivery events recorded elsewhere read"),
            Err(e) => tracing::warn!("reading delivery events recorded elsewhere: {e}"),
        }
    });
    if let Err(e) = spawned {
        tracing::error!("cannot follow other writers of delivery events: {e}");
    }
}

/// Each service's DORA figures over the last 90 days as gauges, for
/// dashboards and alerts. Figures without a value (no deployment, nothing
/// failed) have no sample rather than a false zero.
fn delivery_gauges(delivery: &kiosque_delivery_api::DeliveryState) -> String {
    let Ok(rows) = delivery.service_figures() else { return String::new() };
    type Figure = fn(&kiosque_delivery::Row) -> Option<f64>;
    let gauges: [(&str, &str, Figure); 5] = [
        ("kiosque_dora_deployments_per_day", "Successful production deployments per day, last 90 days.", |r| {
            Some(r.deployments_per_day)
        }),
        ("kiosque_dora_lead_time_median_hours", "Median lead time for changes, hours, last 90 days.", |r| {
            r.lead_time_median_hours
        }),
        ("kiosque_dora_change_failure_rate", "Share of production deployments that failed, last 90 days.", |r| {
            r.change_failure_rate
        }),
        ("kiosque_dora_recovery_median_hours", "Median failed deployment recovery time, hours, last 90 days.", |r| {
            r.recovery_median_hours
        }),
        ("kiosque_dora_rework_rate", "Share of production deployments that fixed a failure, last 90 days.", |r| {
            r.rework_rate
        }),
    ];
    let label = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    let mut out = String::new();
    for (name, help, value) in gauges {
        out.push_str(&format!("# TYPE {name} gauge\n# HELP {name} {help}\n"));
        for row in &rows {
            if let Some(v) = value(row) {
                let team = row.team.as_deref().unwrap_or("");
                out.push_str(&format!("{name}{{service=\"{}\",team=\"{}\"}} {v}\n", label(&row.entity), label(team)));
            }
        }
    }
    out
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The name part of an entity reference (`kind:namespace/name`).
fn entity_name(reference: &str) -> String {
    reference.rsplit('/').next().unwrap_or(reference).to_string()
}

fn absolute_target(kind: &str, target: &str) -> String {
    if kind == "file" {
        Location::file(target).target
    } else {
        target.to_string()
    }
}

fn catalog(config: Config, command: CatalogCommand) -> Result<ExitCode, String> {
    match command {
        CatalogCommand::Validate { paths, format } => {
            let locations: Vec<Location> = paths.iter().map(|p| Location::file(p)).collect();
            let diagnostics = kiosque_server::validate(&locations, &scan_options(&config));
            print_diagnostics(&diagnostics, format);
            let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
            if format == DiagnosticFormat::Text {
                eprintln!("{errors} error(s), {} warning(s)", diagnostics.len() - errors);
            }
            Ok(if errors > 0 { ExitCode::from(EXIT_SOURCE_ERRORS) } else { ExitCode::SUCCESS })
        }
        CatalogCommand::Import { paths, git, database, format, quiet } => {
            let store = open_store(&config, &database)?;
            for path in &paths {
                let location = Location::file(path);
                store.add_location(LocationKind::File.as_str(), &location.target).map_err(|e| e.to_string())?;
            }
            for target in &git {
                store.add_location(LocationKind::Git.as_str(), target).map_err(|e| e.to_string())?;
            }
            let progress = Arc::new(Progress::default());
            let options = ScanOptions { progress: Some(progress.clone()), ..scan_options(&config) };
            let bar = (!quiet).then(|| progress_bar(progress));
            let report = kiosque_server::refresh(store.as_ref(), &options);
            if let Some((bar, done)) = bar {
                done.store(true, std::sync::atomic::Ordering::Relaxed);
                let _ = bar.join();
            }
            let report = report.map_err(|e| e.to_string())?;
            let errors: Vec<Diagnostic> = report.diagnostics.clone();
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
                Format::Yaml => print!("{}", output::yaml(&serde_json::to_value(&report).unwrap_or_default())),
                Format::Table => {
                    print_diagnostics(&errors, DiagnosticFormat::Text);
                    println!(
                        "{} files ({} read, {} parsed), {} entities written, {} orphaned, {} conflicts, {} errors, {} warnings in {:.2}s (generation {})",
                        report.files, report.files_read, report.files_parsed, report.entities_written, report.orphaned, report.conflicts,
                        report.errors, report.warnings, report.duration.as_secs_f64(), report.generation
                    );
                }
            }
            Ok(if report.errors > 0 { ExitCode::from(EXIT_SOURCE_ERRORS) } else { ExitCode::SUCCESS })
        }
        CatalogCommand::Export { database, format, filter } => {
            let store = open_store(&config, &database)?;
            let catalog = Catalog::build(store.snapshot().map_err(|e| e.to_string())?);
            let sets = parse_filters(&filter)?;
            let ids = catalog.filter(&sets);
            let values: Vec<Value> = ids.iter().filter_map(|id| catalog.get(*id)).map(|v| v.value()).collect();
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&values).unwrap_or_default()),
                Format::Yaml | Format::Table => {
                    for value in &values {
                        print!("---\n{}", output::yaml(value));
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogCommand::Query { filter, search, entity_ref, facet, limit, database, format } => {
            let store = open_store(&config, &database)?;
            let catalog = Catalog::build(store.snapshot().map_err(|e| e.to_string())?);
            let sets = parse_filters(&filter)?;
            if let Some(facet) = facet {
                let within = if sets.is_empty() { None } else { Some(catalog.filter(&sets)) };
                let counts = catalog.facets(&facet, within.as_deref());
                match format {
                    Format::Table => print!(
                        "{}",
                        output::table(
                            &["VALUE", "COUNT"],
                            &counts.iter().map(|(v, c)| vec![v.clone(), c.to_string()]).collect::<Vec<_>>()
                        )
                    ),
                    _ => {
                        let value =
                            json!(counts.iter().map(|(v, c)| json!({"value": v, "count": c})).collect::<Vec<_>>());
                        print_value(&value, format);
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let ids: Vec<u32> = if let Some(text) = entity_ref {
                match catalog.by_ref_text(&text) {
                    Some(view) => vec![view.id],
                    None => return Err(format!("no entity {text}")),
                }
            } else {
                let page =
                    catalog.query(&Query { filters: sets, text: search, limit: Some(limit), ..Query::default() });
                page.ids
            };
            let values: Vec<Value> = ids.iter().filter_map(|id| catalog.get(*id)).map(|v| v.value()).collect();
            match format {
                Format::Table => {
                    let rows: Vec<Vec<String>> = values
                        .iter()
                        .map(|v| {
                            let text = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
                            let r = format!(
                                "{}:{}/{}",
                                text("/kind").to_lowercase(),
                                v.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("default"),
                                text("/metadata/name")
                            );
                            vec![
                                r,
                                text("/spec/type"),
                                text("/spec/lifecycle"),
                                text("/spec/owner"),
                                text("/metadata/title"),
                            ]
                        })
                        .collect();
                    print!("{}", output::table(&["REF", "TYPE", "LIFECYCLE", "OWNER", "TITLE"], &rows));
                }
                _ => print_value(&Value::Array(values), format),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_value(value: &Value, format: Format) {
    match format {
        Format::Yaml => print!("{}", output::yaml(value)),
        _ => println!("{}", serde_json::to_string_pretty(value).unwrap_or_default()),
    }
}

fn parse_filters(texts: &[String]) -> Result<Vec<FilterSet>, String> {
    texts.iter().map(|t| FilterSet::parse(t).map_err(|e| e.to_string())).collect()
}

/// A progress bar fed by the scan's counters, on its own thread.
fn progress_bar(progress: Arc<Progress>) -> (std::thread::JoinHandle<()>, Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let done = Arc::new(AtomicBool::new(false));
    let stop = done.clone();
    let handle = std::thread::spawn(move || {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} files {wide_bar} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(10));
        while !stop.load(Ordering::Relaxed) {
            bar.set_length(progress.found.load(Ordering::Relaxed) as u64);
            bar.set_position(progress.processed.load(Ordering::Relaxed) as u64);
            std::thread::sleep(Duration::from_millis(100));
        }
        bar.finish_and_clear();
    });
    (handle, done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_example_is_written_next_to_the_database_and_validates() {
        let dir = tempfile::tempdir().unwrap();
        let database = format!("sqlite://{}/k.db", dir.path().display());
        let root = example_location_from(&dir.path().join("no-checkout/catalog-info.yaml"), &database).unwrap();
        assert!(root.starts_with(&*dir.path().canonicalize().unwrap().to_string_lossy()), "{root}");
        assert!(root.ends_with("kiosque-example/acme-bank/catalog-info.yaml"));
        let diagnostics = kiosque_server::validate(&[Location::file(&root)], &ScanOptions::default());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        // Written once: a second start finds the files in place.
        assert_eq!(example_location_from(&dir.path().join("none"), &database).unwrap(), root);
        let written = std::fs::read_dir(std::path::Path::new(&root).parent().unwrap().join("repos")).unwrap().count();
        assert!(written > 10, "{written} repositories");
    }
}
