//! One configuration file (TOML), environment overrides, working defaults:
//! Kiosque starts with no configuration at all.

use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub catalog: CatalogConfig,
    pub auth: AuthSection,
    pub log: LogConfig,
    pub portal: PortalConfig,
    pub surveys: SurveysConfig,
    pub delivery: DeliverySection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub listen: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { listen: "127.0.0.1:7007".into() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub url: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig { url: "sqlite://kiosque.db".into() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationConfig {
    #[serde(rename = "type", default = "file_type")]
    pub kind: String,
    pub target: String,
}

fn file_type() -> String {
    "file".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CatalogConfig {
    pub locations: Vec<LocationConfig>,
    pub refresh_interval_seconds: u64,
    pub reload_interval_seconds: u64,
    pub max_file_bytes: u64,
}

impl Default for CatalogConfig {
    fn default() -> Self {
        CatalogConfig {
            locations: Vec::new(),
            refresh_interval_seconds: 60,
            reload_interval_seconds: 2,
            max_file_bytes: 16 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PortalConfig {
    /// A folder of Markdown announcements (`YYYY-MM-DD-slug.md`) for "What's new".
    pub news_dir: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSection {
    pub api_token: Option<String>,
    pub read_requires_token: bool,
    /// How people sign in to the portal: `off`, `proxy` (a header set by the proxy in
    /// front, see `proxy_header`) or `guest` (anyone picks a catalog user: trials only).
    pub sign_in: Option<String>,
    /// The header that names the signed-in person with `proxy` sign-in.
    pub proxy_header: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliverySection {
    /// Environments whose deployments count as production (`KIOSQUE_PRODUCTION_ENVIRONMENTS`,
    /// comma-separated). Never guessed from job names.
    pub production_environments: Vec<String>,
    /// Services whose production environments are others than the global ones:
    /// `payments = ["prod-eu", "prod-us"]` under `[delivery.production_by_service]`.
    pub production_by_service: std::collections::BTreeMap<String, Vec<String>>,
    /// Annotations of catalog components that name their repository (`owner/name`), read
    /// in this order to map events to services.
    pub repository_annotations: Vec<String>,
    /// `KIOSQUE_GITHUB_WEBHOOK_SECRET`.
    pub github_webhook_secret: Option<String>,
    /// `KIOSQUE_GITLAB_WEBHOOK_TOKEN`.
    pub gitlab_webhook_token: Option<String>,
    /// An issue carrying this label is an incident.
    pub incident_label: String,
    /// GitHub Actions workflows and GitLab pipelines that deploy, by name, with the
    /// environment each deploys to.
    pub deployment_workflows: Vec<DeploymentWorkflow>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentWorkflow {
    pub name: String,
    pub environment: String,
}

impl DeliverySection {
    /// Which environments count as production, globally and per service.
    pub fn history_config(&self) -> kiosque_delivery::HistoryConfig {
        kiosque_delivery::HistoryConfig {
            production_environments: self.production_environments.clone(),
            production_by_service: self.production_by_service.clone().into_iter().collect(),
        }
    }
}

impl Default for DeliverySection {
    fn default() -> Self {
        DeliverySection {
            production_environments: vec!["production".into()],
            production_by_service: Default::default(),
            repository_annotations: vec!["github.com/project-slug".into(), "gitlab.com/project-slug".into()],
            github_webhook_secret: None,
            gitlab_webhook_token: None,
            incident_label: "incident".into(),
            deployment_workflows: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SurveysConfig {
    /// A folder of survey files (`*.yaml`), read at start-up.
    pub dir: Option<String>,
    /// The key participant keys are derived with (at least 16 characters). Without one, a
    /// key made at random is kept in the database.
    pub secret: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// A tracing filter, e.g. `info` or `kiosque_server=debug`.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { format: "text".into(), level: "info".into() }
    }
}

impl Config {
    /// Reads the file if one is named (or `kiosque.toml` exists), then applies
    /// `KIOSQUE_*` environment variables.
    pub fn load(path: Option<&Path>) -> Result<Config, String> {
        let default_path = Path::new("kiosque.toml");
        let path = path.or_else(|| default_path.exists().then_some(default_path));
        let mut config = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: cannot read configuration: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| {
                    let at = e.span().map(|span| line_col(&text, span.start)).unwrap_or((1, 1));
                    format!("{}:{}:{}: error: {}", path.display(), at.0, at.1, e.message())
                })?
            }
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        if let Some(v) = var("KIOSQUE_LISTEN") {
            self.server.listen = v;
        }
        if let Some(v) = var("KIOSQUE_DATABASE_URL") {
            self.database.url = v;
        }
        if let Some(v) = var("KIOSQUE_API_TOKEN") {
            self.auth.api_token = Some(v);
        }
        if let Some(v) = var("KIOSQUE_READ_REQUIRES_TOKEN") {
            self.auth.read_requires_token = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Some(v) = var("KIOSQUE_REFRESH_INTERVAL") {
            self.catalog.refresh_interval_seconds =
                v.parse().map_err(|_| format!("KIOSQUE_REFRESH_INTERVAL must be a number of seconds, got \"{v}\""))?;
        }
        if let Some(v) = var("KIOSQUE_NEWS_DIR") {
            self.portal.news_dir = Some(v);
        }
        if let Some(v) = var("KIOSQUE_SIGN_IN") {
            self.auth.sign_in = Some(v);
        }
        if let Some(v) = var("KIOSQUE_PROXY_HEADER") {
            self.auth.proxy_header = Some(v);
        }
        if let Some(v) = var("KIOSQUE_SURVEYS_DIR") {
            self.surveys.dir = Some(v);
        }
        if let Some(v) = var("KIOSQUE_SURVEY_SECRET") {
            self.surveys.secret = Some(v);
        }
        if let Some(v) = var("KIOSQUE_PRODUCTION_ENVIRONMENTS") {
            self.delivery.production_environments =
                v.split(',').map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect();
        }
        if let Some(v) = var("KIOSQUE_GITHUB_WEBHOOK_SECRET").filter(|v| !v.is_empty()) {
            self.delivery.github_webhook_secret = Some(v);
        }
        if let Some(v) = var("KIOSQUE_GITLAB_WEBHOOK_TOKEN").filter(|v| !v.is_empty()) {
            self.delivery.gitlab_webhook_token = Some(v);
        }
        if let Some(v) = var("KIOSQUE_LOG_FORMAT") {
            self.log.format = v;
        }
        if let Some(v) = var("KIOSQUE_LOG") {
            self.log.level = v;
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            return Err(format!("log format must be \"text\" or \"json\", got \"{}\"", self.log.format));
        }
        if !matches!(self.auth.sign_in.as_deref(), None | Some("off" | "proxy" | "guest")) {
            return Err(format!(
                "sign-in must be \"off\", \"proxy\" or \"guest\", got \"{}\"",
                self.auth.sign_in.as_deref().unwrap_or_default()
            ));
        }
        if self.auth.sign_in.as_deref() == Some("proxy") && self.auth.proxy_header.is_none() {
            return Err("proxy sign-in needs the header the proxy sets: proxy_header (e.g. X-Forwarded-Email)".into());
        }
        if self.delivery.production_environments.is_empty() {
            return Err("no production environment is declared: name at least one (e.g. production)".into());
        }
        if self.surveys.secret.as_deref().is_some_and(|s| s.len() < 16) {
            return Err("the survey secret must be at least 16 characters long".into());
        }
        if self.auth.api_token.as_deref().is_some_and(|t| t.len() < 16) {
            return Err("the API token must be at least 16 characters long".into());
        }
        Ok(())
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_file() {
        let config = Config::default();
        assert_eq!(config.database.url, "sqlite://kiosque.db");
        assert_eq!(config.server.listen, "127.0.0.1:7007");
        assert!(config.auth.api_token.is_none());
    }

    #[test]
    fn environment_overrides_the_file() {
        let mut config: Config =
            toml::from_str("[database]\nurl = \"sqlite://a.db\"\n[catalog]\nrefresh_interval_seconds = 5\n").unwrap();
        config
            .apply_env(|name| match name {
                "KIOSQUE_DATABASE_URL" => Some("postgres://db/kiosque".into()),
                "KIOSQUE_API_TOKEN" => Some("0123456789abcdef".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.database.url, "postgres://db/kiosque");
        assert_eq!(config.catalog.refresh_interval_seconds, 5);
        assert_eq!(config.auth.api_token.as_deref(), Some("0123456789abcdef"));
    }

    #[test]
    fn delivery_settings_come_from_the_file_and_the_environment() {
        let mut config: Config = toml::from_str(
            "[delivery]\nproduction_environments = [\"prod-eu\", \"prod-us\"]\n\
             deployment_workflows = [{ name = \"Deploy\", environment = \"prod-eu\" }]\n",
        )
        .unwrap();
        assert_eq!(config.delivery.production_environments, ["prod-eu", "prod-us"]);
        assert_eq!(config.delivery.repository_annotations[0], "github.com/project-slug");
        assert_eq!(config.delivery.deployment_workflows[0].environment, "prod-eu");
        config
            .apply_env(|name| match name {
                "KIOSQUE_PRODUCTION_ENVIRONMENTS" => Some(" live , ".into()),
                "KIOSQUE_GITHUB_WEBHOOK_SECRET" => Some("s3cret".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.delivery.production_environments, ["live"]);
        assert_eq!(config.delivery.github_webhook_secret.as_deref(), Some("s3cret"));
        assert!(config.apply_env(|n| (n == "KIOSQUE_PRODUCTION_ENVIRONMENTS").then(|| ",".into())).is_err());
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(toml::from_str::<Config>("[server]\nlisen = \"x\"\n").is_err());
        let mut config = Config::default();
        assert!(config.apply_env(|n| (n == "KIOSQUE_API_TOKEN").then(|| "short".to_string())).is_err());
        let mut config = Config::default();
        assert!(config.apply_env(|n| (n == "KIOSQUE_REFRESH_INTERVAL").then(|| "soon".to_string())).is_err());
    }
}
