//! Prometheus metrics: request latencies, entity counts, ingestion.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabels {
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SeverityLabels {
    pub severity: String,
}

pub struct Metrics {
    pub registry: Registry,
    pub requests: Family<RouteLabels, Histogram>,
    pub entities: Family<KindLabels, Gauge>,
    pub refresh_seconds: Histogram,
    pub refresh_failures: Counter,
    pub diagnostics: Family<SeverityLabels, Gauge>,
    pub files_parsed: Counter,
    pub generation: Gauge,
}

fn latency_buckets() -> impl Iterator<Item = f64> {
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0].into_iter()
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("kiosque");
        let requests = Family::<RouteLabels, Histogram>::new_with_constructor(|| Histogram::new(latency_buckets()));
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route and status",
            requests.clone(),
        );
        let entities = Family::<KindLabels, Gauge>::default();
        registry.register("catalog_entities", "Entities in the catalog by kind", entities.clone());
        let refresh_seconds = Histogram::new([0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0]);
        registry.register(
            "catalog_refresh_duration_seconds",
            "Duration of catalog refreshes (scan, reconcile, commit)",
            refresh_seconds.clone(),
        );
        let refresh_failures = Counter::default();
        registry.register(
            "catalog_refresh_failures",
            "Refreshes that could not be committed",
            refresh_failures.clone(),
        );
        let diagnostics = Family::<SeverityLabels, Gauge>::default();
        registry.register(
            "catalog_diagnostics",
            "Problems currently reported in catalog sources, by severity",
            diagnostics.clone(),
        );
        let files_parsed = Counter::default();
        registry.register("catalog_files_parsed", "Descriptor files parsed (changed files only)", files_parsed.clone());
        let generation = Gauge::default();
        registry.register("catalog_generation", "Generation of the catalog being served", generation.clone());
        Metrics {
            registry,
            requests,
            entities,
            refresh_seconds,
            refresh_failures,
            diagnostics,
            files_parsed,
            generation,
        }
    }
}

impl Metrics {
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
