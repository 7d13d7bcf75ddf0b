//! The three kinds of delivery events. Timestamps are UTC seconds since the epoch.

/// A commit merged to a repository's main line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The commit id; with `repository`, the change's identity.
    pub sha: String,
    /// The repository, like `example/checkout-api`.
    pub repository: String,
    /// Login of the author (people and bots alike).
    pub author: String,
    pub authored_at: i64,
    /// When the commit was made: the start of its lead time.
    pub committed_at: i64,
    pub merged_at: i64,
}

/// The outcome a deployment reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Success,
    Failure,
}

/// A deployment of a version of a service to an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// Unique among deployments.
    pub id: i64,
    /// The repository the deployed commits come from.
    pub repository: String,
    pub service: String,
    /// Which names count as production is the history's setting.
    pub environment: String,
    pub started_at: i64,
    /// The deployment's time for every metric.
    pub finished_at: i64,
    pub status: Status,
    /// The commits this deployment brings to the environment (those not in the version left
    /// by the environment's last successful deployment). Order and repeats do not matter.
    pub commits: Vec<String>,
    /// Set on a deployment that restores the version running before deployment `id`.
    pub rollback_of: Option<i64>,
    /// Set on a deployment whose new commit remediates failed deployment `id`.
    pub fixes: Option<i64>,
    /// Whether its source declares the environment a production one (a GitHub environment
    /// marked production, a GitLab environment of the production tier). `None` leaves it to
    /// the history's configured environment names; a service's own declaration in the
    /// configuration still comes first.
    pub production: Option<bool>,
}

/// An incident on a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// Unique among incidents.
    pub id: i64,
    pub service: String,
    pub opened_at: i64,
    /// `None` while still open.
    pub resolved_at: Option<i64>,
    /// The production deployment that caused it, if known.
    pub caused_by_deployment: Option<i64>,
}

/// Any of the three kinds of events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Change(Change),
    Deployment(Deployment),
    Incident(Incident),
}
