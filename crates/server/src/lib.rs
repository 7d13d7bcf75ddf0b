//! Kiosque's server: the HTTP API over the catalog, and the application
//! services behind it (refreshing the catalog from its sources, reloading it
//! when another replica changed it).
//!
//! Handlers read an immutable [`kiosque_catalog::Catalog`] snapshot through
//! an `Arc`; a refresh builds the next one aside and swaps it in, so reads
//! never wait for writes.

pub mod api;
pub mod identity;
mod metrics;
mod portal;
pub mod refresh;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use refresh::{refresh, validate, RefreshReport};
pub use state::{AppState, AuthConfig, MetricsSource};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// How often every source is read again; zero: only at start and on request.
    pub refresh_interval: Duration,
    /// How often to check whether another replica changed the store.
    pub reload_interval: Duration,
    /// The folder of "What's new" announcements, if any.
    pub news_dir: Option<std::path::PathBuf>,
    /// Routes of other capabilities (with their own state), served beside
    /// the catalog's: they authenticate their own requests (webhooks, pages).
    pub capabilities: Vec<axum::Router>,
    /// Other capabilities' API routes, nested under `/api/{prefix}` behind
    /// the catalog API's authentication.
    pub capability_apis: Vec<(String, axum::Router)>,
}

/// Serves until Ctrl-C or SIGTERM, then finishes in-flight requests.
pub async fn serve(state: Arc<AppState>, options: ServeOptions) -> std::io::Result<()> {
    if let Some(dir) = &options.news_dir {
        portal::set_news_dir(dir.clone());
    }
    let listener = tokio::net::TcpListener::bind(options.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    // Serve what is stored at once; refresh from the sources in the background.
    if let Err(err) = state.reload_if_changed().await {
        tracing::error!(error = %err, "cannot load the stored catalog");
    }
    tokio::spawn(portal::warm_up(state.clone()));
    let background = tokio::spawn(background_loop(state.clone(), options.clone()));
    let mut app = api::router_with(state, options.capability_apis.clone());
    for routes in options.capabilities.iter().cloned() {
        app = app.merge(routes);
    }
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await;
    background.abort();
    tracing::info!("stopped");
    result
}

async fn background_loop(state: Arc<AppState>, options: ServeOptions) {
    // The sources are read once at start whatever the interval.
    let _ = state.refresh().await;
    let mut refresh_tick = tokio::time::interval(if options.refresh_interval.is_zero() {
        Duration::from_secs(3600 * 24 * 365)
    } else {
        options.refresh_interval
    });
    let mut reload_tick = tokio::time::interval(options.reload_interval);
    refresh_tick.tick().await;
    reload_tick.tick().await;
    loop {
        tokio::select! {
            _ = refresh_tick.tick(), if !options.refresh_interval.is_zero() => {
                let _ = state.refresh().await;
            }
            _ = reload_tick.tick() => {
                if let Err(err) = state.reload_if_changed().await {
                    tracing::warn!(error = %err, "cannot check the store for changes");
                }
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
