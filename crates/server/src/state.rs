use std::sync::{Arc, RwLock};
use std::time::Instant;

use kiosque_catalog::{Catalog, ChangeSet};
use kiosque_ingest::ScanOptions;
use kiosque_model::Severity;
use kiosque_store::{CatalogStore, StoreError};
use tokio::sync::Mutex;

use crate::identity::{Identity, SignIn};
use crate::metrics::{KindLabels, Metrics, SeverityLabels};
use crate::refresh::{refresh_changes, RefreshReport};

/// How long a changed read model waits before its image is saved.
const IMAGE_SAVE_DELAY: std::time::Duration = std::time::Duration::from_secs(2);

/// Who may do what.
#[derive(Debug, Clone, Default)]
pub struct AuthConfig {
    /// Bearer token required for writes. Without one, writes are refused.
    pub api_token: Option<String>,
    /// Reads need the token too.
    pub read_requires_token: bool,
}

/// Everything a request handler reaches.
pub struct AppState {
    pub store: Arc<dyn CatalogStore>,
    catalog: RwLock<Arc<Catalog>>,
    pub auth: AuthConfig,
    pub scan: ScanOptions,
    pub metrics: Metrics,
    /// One refresh at a time; holders get the latest report.
    refresh_lock: Mutex<()>,
    pub started: Instant,
    ready: std::sync::atomic::AtomicBool,
    /// Called after a catalog is swapped in, once the old one is dropped:
    /// the binary hands its allocator's memory back to the system there.
    release_memory: Option<Box<dyn Fn() + Send + Sync>>,
    /// The generation of the last read-model image saved; held while saving.
    saved_image: std::sync::Mutex<u64>,
    /// Other capabilities' metrics, as OpenMetrics text samples.
    metrics_sources: std::sync::Mutex<Vec<MetricsSource>>,
    /// How people sign in; set once at start-up (nobody is known until then).
    identity: std::sync::OnceLock<Identity>,
}

/// Writes a capability's samples (OpenMetrics text, without `# EOF`).
pub type MetricsSource = Box<dyn Fn() -> String + Send + Sync>;

impl AppState {
    pub fn new(store: Arc<dyn CatalogStore>, auth: AuthConfig, scan: ScanOptions) -> Arc<AppState> {
        Arc::new(AppState {
            store,
            catalog: RwLock::new(Arc::new(Catalog::build(Default::default()))),
            auth,
            scan,
            metrics: Metrics::default(),
            refresh_lock: Mutex::new(()),
            started: Instant::now(),
            ready: std::sync::atomic::AtomicBool::new(false),
            release_memory: None,
            saved_image: std::sync::Mutex::new(0),
            metrics_sources: std::sync::Mutex::new(Vec::new()),
            identity: std::sync::OnceLock::new(),
        })
    }

    /// As [`AppState::new`], with a function that returns freed memory to the
    /// system after each reload (building a read model allocates far more
    /// than it keeps).
    pub fn with_memory_release(
        store: Arc<dyn CatalogStore>,
        auth: AuthConfig,
        scan: ScanOptions,
        release_memory: Box<dyn Fn() + Send + Sync>,
    ) -> Arc<AppState> {
        let mut state = AppState::new(store, auth, scan);
        if let Some(state) = Arc::get_mut(&mut state) {
            state.release_memory = Some(release_memory);
        }
        state
    }

    /// Adds a capability's samples to `/metrics`.
    /// Sets how people sign in; only the first call counts.
    pub fn set_sign_in(&self, sign_in: SignIn) {
        let _ = self.identity.set(Identity::new(sign_in));
    }

    pub fn identity(&self) -> &Identity {
        self.identity.get_or_init(|| Identity::new(SignIn::Off))
    }

    /// The person a request comes from, if known.
    pub fn person(&self, headers: &axum::http::HeaderMap) -> Option<kiosque_portal::web::Person> {
        self.identity().person(&self.catalog(), headers)
    }

    pub fn add_metrics_source(&self, source: MetricsSource) {
        self.metrics_sources.lock().unwrap_or_else(|p| p.into_inner()).push(source);
    }

    pub(crate) fn extra_metrics(&self) -> String {
        self.metrics_sources.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|source| source()).collect()
    }

    /// The catalog being served: a cheap handle on an immutable snapshot.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Loads the stored catalog when its generation differs from the one served.
    /// The first load takes the saved image of the read model when the
    /// store has one of its generation; otherwise the model is built from a
    /// snapshot (and an image saved for the next start).
    pub async fn reload_if_changed(self: &Arc<Self>) -> Result<bool, StoreError> {
        let state = self.clone();
        let served = self.catalog().generation();
        let ready = self.is_ready();
        let loaded = tokio::task::spawn_blocking(move || -> Result<Option<(Catalog, bool)>, StoreError> {
            let stored = state.store.generation()?;
            if ready && stored == served {
                return Ok(None);
            }
            let started = Instant::now();
            if !ready {
                if let Some(catalog) = state.load_image(stored) {
                    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "read model loaded from its image");
                    return Ok(Some((catalog, false)));
                }
            }
            let snapshot = state.store.snapshot()?;
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "snapshot read");
            let catalog = Catalog::build(snapshot);
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "read model built");
            Ok(Some((catalog, true)))
        })
        .await
        .map_err(|e| StoreError::Query(format!("reload task failed: {e}")))??;
        self.ready.store(true, std::sync::atomic::Ordering::Release);
        match loaded {
            Some((catalog, built)) => {
                self.publish(catalog);
                if built {
                    self.save_image_later();
                }
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn load_image(&self, generation: u64) -> Option<Catalog> {
        let reader = match self.store.read_model_image(generation) {
            Ok(reader) => reader?,
            Err(e) => {
                tracing::warn!(error = %e, "the saved read model cannot be read; rebuilding it");
                return None;
            }
        };
        match Catalog::read_image(reader, generation) {
            Ok(catalog) => {
                *self.saved_image.lock().unwrap_or_else(|p| p.into_inner()) = generation;
                Some(catalog)
            }
            Err(e) => {
                tracing::warn!(error = %e, "the saved read model was refused; rebuilding it");
                None
            }
        }
    }

    /// Saves an image of the served model in the background, so that the
    /// next start loads it instead of rebuilding. The save waits for a quiet
    /// moment (refreshes often come in bursts, and each image is written
    /// whole); a save finds the model served by then, and is skipped when
    /// that one is saved already or another save is under way.
    fn save_image_later(self: &Arc<Self>) {
        let state = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(IMAGE_SAVE_DELAY).await;
            let _ = tokio::task::spawn_blocking(move || state.save_image_now()).await;
        });
    }

    fn save_image_now(&self) {
        let Ok(mut saved) = self.saved_image.try_lock() else { return };
        let catalog = self.catalog();
        if catalog.generation() == *saved || catalog.generation() == 0 {
            return;
        }
        let started = Instant::now();
        match self.store.save_read_model_image(catalog.generation(), &mut |out| catalog.write_image(out)) {
            Ok(()) => {
                tracing::debug!(seconds = started.elapsed().as_secs_f64(), "read model image saved");
                *saved = catalog.generation();
                // The model saved may have been replaced meanwhile: this was its last holder.
                drop(catalog);
                self.give_back_memory();
            }
            Err(e) => tracing::warn!(error = %e, "the read model image was not saved; the next start rebuilds it"),
        }
    }

    /// Moves the served model forward by a change set this process just
    /// committed, when nothing else was committed since the model was
    /// loaded; otherwise reloads from the store.
    async fn advance(self: &Arc<Self>, report: &RefreshReport, changes: ChangeSet) -> Result<(), StoreError> {
        let current = self.catalog();
        if !self.is_ready() || report.generation != current.generation() + 1 {
            self.reload_if_changed().await?;
            return Ok(());
        }
        let state = self.clone();
        let generation = report.generation;
        let advanced = tokio::task::spawn_blocking(move || -> Result<Option<Catalog>, StoreError> {
            let problems = state.store.problems()?;
            if problems.generation != generation {
                return Ok(None);
            }
            let started = Instant::now();
            let next = current.apply(&changes, generation, problems.conflicts, problems.diagnostics);
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "read model moved forward");
            Ok(Some(next))
        })
        .await
        .map_err(|e| StoreError::Query(format!("reload task failed: {e}")))??;
        match advanced {
            Some(catalog) => {
                self.publish(catalog);
                self.save_image_later();
            }
            None => {
                self.reload_if_changed().await?;
            }
        }
        Ok(())
    }

    fn publish(&self, catalog: Catalog) {
        self.metrics.entities.clear();
        for (kind, count) in catalog.counts_by_kind() {
            self.metrics.entities.get_or_create(&KindLabels { kind }).set(count as i64);
        }
        for severity in [Severity::Error, Severity::Warning] {
            let count = catalog.diagnostics().iter().filter(|d| d.severity == severity).count();
            self.metrics
                .diagnostics
                .get_or_create(&SeverityLabels { severity: severity.to_string() })
                .set(count as i64);
        }
        self.metrics.generation.set(catalog.generation() as i64);
        tracing::info!(generation = catalog.generation(), entities = catalog.len(), "catalog loaded");
        let previous =
            std::mem::replace(&mut *self.catalog.write().unwrap_or_else(|p| p.into_inner()), Arc::new(catalog));
        drop(previous);
        self.give_back_memory();
    }

    fn give_back_memory(&self) {
        if let Some(release) = &self.release_memory {
            release();
        }
    }

    /// Scans every location, commits the changes and serves the new catalog.
    /// Concurrent callers wait for the refresh under way, then run their own.
    pub async fn refresh(self: &Arc<Self>) -> Result<RefreshReport, StoreError> {
        let _guard = self.refresh_lock.lock().await;
        let state = self.clone();
        let result = tokio::task::spawn_blocking(move || refresh_changes(state.store.as_ref(), &state.scan))
            .await
            .map_err(|e| StoreError::Query(format!("refresh task failed: {e}")))?;
        match result {
            Ok((report, changes)) => {
                self.metrics.refresh_seconds.observe(report.duration.as_secs_f64());
                self.metrics.files_parsed.inc_by(report.files_parsed as u64);
                tracing::info!(
                    generation = report.generation,
                    files = report.files,
                    parsed = report.files_parsed,
                    written = report.entities_written,
                    orphaned = report.orphaned,
                    errors = report.errors,
                    warnings = report.warnings,
                    seconds = report.duration.as_secs_f64(),
                    "catalog refreshed"
                );
                for d in report.diagnostics.iter().filter(|d| d.severity == Severity::Error).take(20) {
                    tracing::warn!("{d}");
                }
                self.advance(&report, changes).await?;
                // A scan allocates per file even when nothing changed.
                self.give_back_memory();
                Ok(report)
            }
            Err(err) => {
                self.metrics.refresh_failures.inc();
                tracing::error!(error = %err, "catalog refresh failed; the last good catalog is still served");
                Err(err)
            }
        }
    }
}
