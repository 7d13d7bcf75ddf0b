//! Derived facts: what a report needs of each production deployment and incident, as plain
//! values that a store can persist and read back by time.
//!
//! A [`History`] derives them ([`History::deployment_fact`]) and says which ones an
//! insertion may have changed ([`History::take_touched`]), so a store keeps a table of facts
//! current by rewriting only those. A report made from the facts of a window
//! ([`report_facts`](crate::report_facts)) equals the report made from the history.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::history::History;

/// What a report needs of one production deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentFact {
    pub id: i64,
    pub service: String,
    pub finished_at: i64,
    /// Status success.
    pub success: bool,
    /// Status failure, or rolled back by a deployment, or blamed by an incident.
    pub failed: bool,
    /// `fixes` is set.
    pub rework: bool,
    /// For a failed deployment: seconds to the next successful production deployment of the
    /// same service, if there is one yet.
    pub recovery_seconds: Option<i64>,
    /// Lead times in seconds of the known changes this deployment first brought to
    /// production, sorted.
    pub lead_seconds: Vec<i64>,
}

/// What a report needs of one incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentFact {
    pub id: i64,
    pub service: String,
    pub opened_at: i64,
    pub resolved_at: Option<i64>,
}

/// Facts of one service, each list sorted by time then id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ServiceWindow {
    pub deployments: Vec<DeploymentFact>,
    pub incidents: Vec<IncidentFact>,
}

/// The facts a report reads: typically those of a window, loaded from a store. Facts outside
/// the report's window are ignored, so passing more than the window is harmless.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The latest `finished_at` of any deployment in any environment: the default window end.
    pub latest_finished_at: Option<i64>,
    pub(crate) services: FxHashMap<String, ServiceWindow>,
}

impl Facts {
    pub fn new(latest_finished_at: Option<i64>) -> Facts {
        Facts { latest_finished_at, services: FxHashMap::default() }
    }

    pub fn add_deployment(&mut self, fact: DeploymentFact) {
        self.services.entry(fact.service.clone()).or_default().deployments.push(fact);
    }

    pub fn add_incident(&mut self, fact: IncidentFact) {
        self.services.entry(fact.service.clone()).or_default().incidents.push(fact);
    }

    /// Puts every list in time order (facts may be added in any order).
    pub(crate) fn sort(&mut self) {
        for service in self.services.values_mut() {
            service.deployments.sort_unstable_by_key(|d| (d.finished_at, d.id));
            service.incidents.sort_unstable_by_key(|i| (i.opened_at, i.id));
        }
    }
}

impl History {
    /// The facts of production deployment `id`; `None` when the history holds no such
    /// deployment or it is not a production one (a store then drops any fact it kept).
    pub fn deployment_fact(&self, id: i64) -> Option<DeploymentFact> {
        let index = self.deployment_index(id)?;
        self.fact_at(index)
    }

    pub(crate) fn fact_at(&self, index: u32) -> Option<DeploymentFact> {
        let d = &self.deployments[index as usize];
        let facts = self.facts_at(index);
        if !facts.production {
            return None;
        }
        let mut lead_seconds: Vec<i64> = Vec::new();
        if d.success {
            for &slot in d.commits.iter() {
                let commit = &self.commits[slot as usize];
                if let (Some(first), Some(change)) = (commit.first(), commit.change()) {
                    if first == index {
                        lead_seconds.push(d.finished_at.saturating_sub(change.committed_at));
                    }
                }
            }
            lead_seconds.sort_unstable();
        }
        Some(DeploymentFact {
            id: d.id,
            service: self.services.name(d.service).to_string(),
            finished_at: d.finished_at,
            success: d.success,
            failed: facts.failed,
            rework: d.fixes.is_some(),
            recovery_seconds: facts.recovery_seconds,
            lead_seconds,
        })
    }

    /// The facts of a service's production deployments that finished in
    /// `[from, until)`, oldest first: what a dashboard lists to show where
    /// its figures come from.
    pub fn service_deployment_facts(&self, service: &str, from: i64, until: i64) -> Vec<DeploymentFact> {
        let Some(service) = self.services.get(service) else { return Vec::new() };
        let list = &self.service_facts[service as usize].production;
        let start = list.partition_point(|&(t, _)| t < from);
        let end = list.partition_point(|&(t, _)| t < until);
        list[start..end.max(start)].iter().filter_map(|&(_, index)| self.fact_at(index)).collect()
    }

    /// The facts of every production deployment, in no particular order, derived on all
    /// cores (a store rewrites them all after a bulk import).
    pub fn deployment_facts_all(&self) -> impl Iterator<Item = DeploymentFact> + '_ {
        let all: Vec<DeploymentFact> =
            (0..self.deployments.len() as u32).into_par_iter().filter_map(|index| self.fact_at(index)).collect();
        all.into_iter()
    }

    /// The facts of every incident, in no particular order.
    pub fn incident_facts(&self) -> impl Iterator<Item = IncidentFact> + '_ {
        self.incidents.iter().map(|i| IncidentFact {
            id: i.id,
            service: self.services.name(i.service).to_string(),
            opened_at: i.opened_at,
            resolved_at: i.resolved_at,
        })
    }

    /// The ids of the deployments whose facts may have changed since the last call, sorted,
    /// without repeats; read [`History::deployment_fact`] of each to bring a store up to date.
    pub fn take_touched(&mut self) -> Vec<i64> {
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        touched.into_iter().map(|index| self.deployments[index as usize].id).collect()
    }

    /// Forgets the touched deployments without reading them (after a full rewrite).
    pub fn clear_touched(&mut self) {
        self.touched.clear();
    }
}
