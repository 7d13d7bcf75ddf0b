//! The event store and the facts derived from it, kept up to date on every insertion.
//!
//! Names (repositories, services, environments, authors) are interned to small integers
//! and commits to slots, so a deployment holds its commits as slot numbers. Derived facts:
//! - each commit slot knows its first successful production deployment, the smallest
//!   (finished_at, id) over all the data, so arrival order never matters;
//! - each service keeps its production deployments and its incidents sorted by time, so a
//!   report finds a window by binary search;
//! - deployments that some deployment rolls back, or some incident blames, are counted by
//!   id, whether the referring event comes before or after the deployment itself.
//!
//! Whether a deployment failed and its recovery time are read off these at report time: a
//! failure is looked up by id, its recovery is the next success in its service's list.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;

use crate::event::{Change, Deployment, Event, Incident, Status};

/// Which environment names count as production; by default only `production`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryConfig {
    pub production_environments: Vec<String>,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig { production_environments: vec!["production".to_string()] }
    }
}

/// What an insertion did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// The id (for a change: repository and sha) was new.
    Added,
    /// The same event was already there: nothing changed.
    Unchanged,
    /// Another version of the event was there; the new one replaced it.
    Replaced,
}

/// Where a change first reached production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstDeployment {
    pub deployment_id: i64,
    pub finished_at: i64,
    /// `finished_at - committed_at`, if the change itself is known.
    pub lead_time_seconds: Option<i64>,
}

/// What the history concludes about one deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeploymentFacts {
    /// Its environment is a production one.
    pub production: bool,
    /// Production, and status failure, or rolled back by a deployment, or blamed by an
    /// incident.
    pub failed: bool,
    /// For a failed deployment: seconds to the next successful production deployment of the
    /// same service, if there is one yet.
    pub recovery_seconds: Option<i64>,
}

/// Events whose service has no owner in an [`Ownership`](crate::Ownership): they are kept in
/// the history but counted in no report row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    pub service: String,
    pub deployments: usize,
    pub incidents: usize,
    /// Why the events are left out, for people.
    pub reason: &'static str,
}

/// Interned strings: a name's number is its index.
#[derive(Default)]
pub(crate) struct Names {
    index: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.index.insert(name.into(), id);
        self.names.push(name.into());
        id
    }

    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    pub(crate) fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    fn len(&self) -> usize {
        self.names.len()
    }
}

/// A commit id as a key: lower-case hexadecimal ids of up to 40 digits (git's SHA-1 ids)
/// packed two digits a byte, which keeps the index small; anything else (SHA-256 ids
/// included) kept as text.
#[derive(Clone, PartialEq, Eq)]
enum CommitName {
    Hex { digits: u8, packed: [u8; 20] },
    Text(Box<str>),
}

/// The value of each lower-case hexadecimal digit; 0xff for any other byte.
const HEX: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < 16 {
        table[b"0123456789abcdef"[i] as usize] = i as u8;
        i += 1;
    }
    table
};

impl CommitName {
    fn new(sha: &str) -> CommitName {
        let b = sha.as_bytes();
        if !b.is_empty() && b.len() <= 40 {
            let mut packed = [0u8; 20];
            let mut bad = 0u8;
            for (pair, out) in b.chunks(2).zip(packed.iter_mut()) {
                let high = HEX[pair[0] as usize];
                let low = pair.get(1).map_or(0, |&c| HEX[c as usize]);
                bad |= high | low;
                *out = high << 4 | (low & 0x0f);
            }
            if bad & 0xf0 == 0 {
                return CommitName::Hex { digits: b.len() as u8, packed };
            }
        }
        CommitName::Text(sha.into())
    }
}

#[derive(Clone, PartialEq, Eq)]
struct CommitKey {
    repository: u32,
    name: CommitName,
}

impl Hash for CommitKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.name {
            // Commit ids are hashes already: their first bytes spread keys well enough.
            CommitName::Hex { digits, packed } => {
                state.write_u64(u64::from(self.repository) << 8 | u64::from(*digits));
                state.write(&packed[..16]);
            }
            CommitName::Text(text) => {
                state.write_u32(self.repository);
                text.hash(state);
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChangeRecord {
    author: u32,
    authored_at: i64,
    pub committed_at: i64,
    merged_at: i64,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct First {
    pub finished_at: i64,
    pub id: i64,
    /// Index of the deployment in `History::deployments`.
    pub index: u32,
}

/// A commit named by a change, a deployment or both.
#[derive(Default)]
pub(crate) struct CommitSlot {
    pub change: Option<ChangeRecord>,
    /// The first successful production deployment listing it.
    pub first: Option<First>,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct DeploymentRecord {
    pub id: i64,
    pub repository: u32,
    pub service: u32,
    pub environment: u32,
    pub started_at: i64,
    pub finished_at: i64,
    pub success: bool,
    /// Commit slots, sorted, without repeats: production deployments only, since no figure
    /// reads another environment's commits.
    pub commits: Box<[u32]>,
    /// For other environments, a fingerprint of the commit list, so that sending the same
    /// deployment again is still recognised as unchanged.
    other_commits: u64,
    pub rollback_of: Option<i64>,
    pub fixes: Option<i64>,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct IncidentRecord {
    pub id: i64,
    pub service: u32,
    pub opened_at: i64,
    pub resolved_at: Option<i64>,
    pub caused_by: Option<i64>,
}

/// Per service: production deployments by (finished_at, index) and incidents by
/// (opened_at, index), each sorted.
#[derive(Default)]
pub(crate) struct ServiceFacts {
    pub production: Vec<(i64, u32)>,
    pub incidents: Vec<(i64, u32)>,
    /// Deployments in any environment.
    deployments: usize,
}

/// All delivery events, accepted in any order, with derived facts kept current.
pub struct History {
    production: Vec<String>,
    pub(crate) services: Names,
    repositories: Names,
    environments: Names,
    /// By environment number: is it a production one?
    environment_is_production: Vec<bool>,
    authors: Names,
    commit_index: FxHashMap<CommitKey, u32>,
    pub(crate) commits: Vec<CommitSlot>,
    changes: usize,
    pub(crate) deployments: Vec<DeploymentRecord>,
    deployment_index: FxHashMap<i64, u32>,
    pub(crate) incidents: Vec<IncidentRecord>,
    incident_index: FxHashMap<i64, u32>,
    /// How many deployments name each id in `rollback_of`, and how many incidents in
    /// `caused_by_deployment`.
    rolled_back: FxHashMap<i64, u32>,
    blamed: FxHashMap<i64, u32>,
    /// By service number.
    pub(crate) service_facts: Vec<ServiceFacts>,
    /// By repository number: successful production deployments (indexes), to find a
    /// commit's next first deployment when a deployment is replaced.
    successes_by_repository: Vec<Vec<u32>>,
    latest_finished_at: Option<i64>,
    last_repository: Option<u32>,
    /// Indexes of deployments whose facts may have changed (see `take_touched`).
    pub(crate) touched: Vec<u32>,
}

impl Default for History {
    fn default() -> Self {
        History::new(HistoryConfig::default())
    }
}

impl History {
    pub fn new(config: HistoryConfig) -> History {
        History {
            production: config.production_environments,
            services: Names::default(),
            repositories: Names::default(),
            environments: Names::default(),
            environment_is_production: Vec::new(),
            authors: Names::default(),
            commit_index: FxHashMap::default(),
            commits: Vec::new(),
            changes: 0,
            deployments: Vec::new(),
            deployment_index: FxHashMap::default(),
            incidents: Vec::new(),
            incident_index: FxHashMap::default(),
            rolled_back: FxHashMap::default(),
            blamed: FxHashMap::default(),
            service_facts: Vec::new(),
            successes_by_repository: Vec::new(),
            latest_finished_at: None,
            last_repository: None,
            touched: Vec::new(),
        }
    }

    /// The number of changes, deployments and incidents held.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.changes, self.deployments.len(), self.incidents.len())
    }

    /// The latest `finished_at` of any deployment (any environment, any service).
    pub fn latest_finished_at(&self) -> Option<i64> {
        self.latest_finished_at
    }

    fn service(&mut self, name: &str) -> u32 {
        let id = self.services.intern(name);
        if self.service_facts.len() <= id as usize {
            self.service_facts.resize_with(id as usize + 1, ServiceFacts::default);
        }
        id
    }

    fn repository(&mut self, name: &str) -> u32 {
        // Bulk files list a repository's events together: try the last one first.
        if let Some(last) = self.last_repository.filter(|&id| self.repositories.name(id) == name) {
            return last;
        }
        let id = self.repositories.intern(name);
        self.last_repository = Some(id);
        if self.successes_by_repository.len() <= id as usize {
            self.successes_by_repository.resize_with(id as usize + 1, Vec::new);
        }
        id
    }

    fn environment(&mut self, name: &str) -> u32 {
        let id = self.environments.intern(name);
        if self.environment_is_production.len() < self.environments.len() {
            self.environment_is_production.push(self.production.iter().any(|p| p == name));
        }
        id
    }

    fn slot(&mut self, repository: u32, sha: &str) -> u32 {
        let key = CommitKey { repository, name: CommitName::new(sha) };
        let next = self.commits.len() as u32;
        let slot = *self.commit_index.entry(key).or_insert(next);
        if slot == next {
            self.commits.push(CommitSlot::default());
        }
        slot
    }

    /// Adds an event of any kind.
    pub fn insert(&mut self, event: &Event) -> Inserted {
        match event {
            Event::Change(c) => self.insert_change(c),
            Event::Deployment(d) => self.insert_deployment(d),
            Event::Incident(i) => self.insert_incident(i),
        }
    }

    /// The production environment names it was made with.
    pub fn production_environments(&self) -> &[String] {
        &self.production
    }

    /// Adds a change; one with the same repository and sha is replaced.
    pub fn insert_change(&mut self, change: &Change) -> Inserted {
        let repository = self.repository(&change.repository);
        let slot = self.slot(repository, &change.sha);
        let record = ChangeRecord {
            author: self.authors.intern(&change.author),
            authored_at: change.authored_at,
            committed_at: change.committed_at,
            merged_at: change.merged_at,
        };
        let commit = &mut self.commits[slot as usize];
        if let Some(first) = commit.first {
            self.touched.push(first.index);
        }
        match commit.change.replace(record) {
            None => {
                self.changes += 1;
                Inserted::Added
            }
            Some(old) if old == record => Inserted::Unchanged,
            Some(_) => Inserted::Replaced,
        }
    }

    /// Adds a deployment; one with the same id is replaced.
    pub fn insert_deployment(&mut self, deployment: &Deployment) -> Inserted {
        let repository = self.repository(&deployment.repository);
        let environment = self.environment(&deployment.environment);
        let (mut commits, mut other_commits) = (Vec::new(), 0);
        if self.environment_is_production[environment as usize] {
            commits = deployment.commits.iter().map(|sha| self.slot(repository, sha)).collect();
            commits.sort_unstable();
            commits.dedup();
        } else {
            let mut names: Vec<&str> = deployment.commits.iter().map(String::as_str).collect();
            names.sort_unstable();
            names.dedup();
            let mut hasher = rustc_hash::FxHasher::default();
            names.hash(&mut hasher);
            other_commits = hasher.finish();
        }
        let record = DeploymentRecord {
            id: deployment.id,
            repository,
            service: self.service(&deployment.service),
            environment,
            started_at: deployment.started_at,
            finished_at: deployment.finished_at,
            success: deployment.status == Status::Success,
            commits: commits.into(),
            other_commits,
            rollback_of: deployment.rollback_of,
            fixes: deployment.fixes,
        };
        match self.deployment_index.get(&deployment.id) {
            None => {
                let index = self.deployments.len() as u32;
                self.deployment_index.insert(deployment.id, index);
                self.deployments.push(record);
                self.apply_deployment(index);
                Inserted::Added
            }
            Some(&index) if self.deployments[index as usize] == record => Inserted::Unchanged,
            Some(&index) => {
                let old_finished_at = self.deployments[index as usize].finished_at;
                self.retract_deployment(index);
                self.deployments[index as usize] = record;
                self.apply_deployment(index);
                if self.latest_finished_at == Some(old_finished_at) {
                    self.latest_finished_at = self.deployments.iter().map(|d| d.finished_at).max();
                }
                Inserted::Replaced
            }
        }
    }

    fn is_production(&self, d: &DeploymentRecord) -> bool {
        self.environment_is_production[d.environment as usize]
    }

    fn apply_deployment(&mut self, index: u32) {
        let d = &self.deployments[index as usize];
        let production = self.is_production(d);
        self.latest_finished_at = self.latest_finished_at.max(Some(d.finished_at));
        self.touched.push(index);
        if let Some(target) = d.rollback_of {
            *self.rolled_back.entry(target).or_insert(0) += 1;
            self.touch_id(target);
        }
        let d = &self.deployments[index as usize];
        let facts = &mut self.service_facts[d.service as usize];
        facts.deployments += 1;
        if !production {
            return;
        }
        let key = (d.finished_at, index);
        let at = facts.production.partition_point(|&p| p < key);
        facts.production.insert(at, key);
        if d.success {
            self.touch_failures_before(d.service, d.finished_at);
            let d = &self.deployments[index as usize];
            self.successes_by_repository[d.repository as usize].push(index);
            let first = First { finished_at: d.finished_at, id: d.id, index };
            for &slot in d.commits.iter() {
                let held = &mut self.commits[slot as usize].first;
                if held.is_none_or(|f| first < f) {
                    if let Some(previous) = held.replace(first) {
                        self.touched.push(previous.index);
                    }
                }
            }
        }
    }

    fn touch_id(&mut self, id: i64) {
        if let Some(&index) = self.deployment_index.get(&id) {
            self.touched.push(index);
        }
    }

    /// Touches the production deployments of `service` whose recovery a success finishing at
    /// `t` may start or end: those before `t`, back to and including the instant of the
    /// previous success.
    fn touch_failures_before(&mut self, service: u32, t: i64) {
        let list = &self.service_facts[service as usize].production;
        let mut stop = None;
        for &(at, i) in list[..list.partition_point(|&(at, _)| at < t)].iter().rev() {
            if stop.is_some_and(|s| at < s) {
                break;
            }
            self.touched.push(i);
            if stop.is_none() && self.deployments[i as usize].success {
                stop = Some(at);
            }
        }
    }

    /// The position of deployment `id` in `deployments`.
    pub(crate) fn deployment_index(&self, id: i64) -> Option<u32> {
        self.deployment_index.get(&id).copied()
    }

    /// Undoes `apply_deployment` for the record at `index`.
    fn retract_deployment(&mut self, index: u32) {
        let d = &self.deployments[index as usize];
        let production = self.is_production(d);
        if let Some(target) = d.rollback_of {
            decrement(&mut self.rolled_back, target);
            self.touch_id(target);
        }
        let d = &self.deployments[index as usize];
        let facts = &mut self.service_facts[d.service as usize];
        facts.deployments -= 1;
        if !production {
            return;
        }
        if let Ok(at) = facts.production.binary_search(&(d.finished_at, index)) {
            facts.production.remove(at);
        }
        if !d.success {
            return;
        }
        let (service, finished_at) = (d.service, d.finished_at);
        self.touch_failures_before(service, finished_at);
        let d = &self.deployments[index as usize];
        let successes = &mut self.successes_by_repository[d.repository as usize];
        successes.retain(|&i| i != index);
        // Commits first deployed by this one fall back on the next deployment listing them.
        for &slot in d.commits.iter() {
            if self.commits[slot as usize].first.is_some_and(|f| f.index == index) {
                let next = successes
                    .iter()
                    .map(|&i| (i, &self.deployments[i as usize]))
                    .filter(|(_, other)| other.commits.binary_search(&slot).is_ok())
                    .map(|(i, other)| First { finished_at: other.finished_at, id: other.id, index: i })
                    .min();
                if let Some(next) = next {
                    self.touched.push(next.index);
                }
                self.commits[slot as usize].first = next;
            }
        }
    }

    /// Adds an incident; one with the same id is replaced (to record its resolution, say).
    pub fn insert_incident(&mut self, incident: &Incident) -> Inserted {
        let record = IncidentRecord {
            id: incident.id,
            service: self.service(&incident.service),
            opened_at: incident.opened_at,
            resolved_at: incident.resolved_at,
            caused_by: incident.caused_by_deployment,
        };
        let (index, outcome) = match self.incident_index.get(&incident.id) {
            None => {
                let index = self.incidents.len() as u32;
                self.incident_index.insert(incident.id, index);
                self.incidents.push(record);
                (index, Inserted::Added)
            }
            Some(&index) if self.incidents[index as usize] == record => return Inserted::Unchanged,
            Some(&index) => {
                let old = std::mem::replace(&mut self.incidents[index as usize], record);
                if let Some(cause) = old.caused_by {
                    decrement(&mut self.blamed, cause);
                    self.touch_id(cause);
                }
                let list = &mut self.service_facts[old.service as usize].incidents;
                if let Ok(at) = list.binary_search(&(old.opened_at, index)) {
                    list.remove(at);
                }
                (index, Inserted::Replaced)
            }
        };
        if let Some(cause) = self.incidents[index as usize].caused_by {
            *self.blamed.entry(cause).or_insert(0) += 1;
            self.touch_id(cause);
        }
        let record = &self.incidents[index as usize];
        let list = &mut self.service_facts[record.service as usize].incidents;
        let key = (record.opened_at, index);
        list.insert(list.partition_point(|&p| p < key), key);
        outcome
    }

    /// Whether a production deployment failed: status failure, or rolled back by some
    /// deployment, or blamed by some incident.
    pub(crate) fn failed(&self, d: &DeploymentRecord) -> bool {
        !d.success || self.rolled_back.contains_key(&d.id) || self.blamed.contains_key(&d.id)
    }

    /// Where the change `sha` of `repository` first reached production, if it did.
    pub fn first_deployment(&self, repository: &str, sha: &str) -> Option<FirstDeployment> {
        let key = CommitKey { repository: self.repositories.get(repository)?, name: CommitName::new(sha) };
        let slot = &self.commits[*self.commit_index.get(&key)? as usize];
        let first = slot.first?;
        Some(FirstDeployment {
            deployment_id: first.id,
            finished_at: first.finished_at,
            lead_time_seconds: slot.change.map(|c| first.finished_at.saturating_sub(c.committed_at)),
        })
    }

    /// What the history concludes about deployment `id`, if it holds it.
    pub fn deployment_facts(&self, id: i64) -> Option<DeploymentFacts> {
        let index = *self.deployment_index.get(&id)?;
        let d = &self.deployments[index as usize];
        if !self.is_production(d) {
            return Some(DeploymentFacts { production: false, failed: false, recovery_seconds: None });
        }
        let failed = self.failed(d);
        let recovery_seconds = if failed {
            let list = &self.service_facts[d.service as usize].production;
            let after = list.partition_point(|&(t, _)| t <= d.finished_at);
            list[after..]
                .iter()
                .find(|&&(_, i)| self.deployments[i as usize].success)
                .map(|&(t, _)| t.saturating_sub(d.finished_at))
        } else {
            None
        };
        Some(DeploymentFacts { production: true, failed, recovery_seconds })
    }

    /// Services that have events but no owner in `ownership`, sorted by name.
    pub fn unmapped(&self, ownership: &crate::Ownership) -> Vec<Unmapped> {
        let mut out: Vec<Unmapped> = (0..self.services.len() as u32)
            .filter(|&id| ownership.team_of(self.services.name(id)).is_none())
            .map(|id| {
                let facts = &self.service_facts[id as usize];
                Unmapped {
                    service: self.services.name(id).to_string(),
                    deployments: facts.deployments,
                    incidents: facts.incidents.len(),
                    reason: "the service has no owning team in the ownership map",
                }
            })
            .filter(|u| u.deployments + u.incidents > 0)
            .collect();
        out.sort_by(|a, b| a.service.cmp(&b.service));
        out
    }
}

fn decrement(counts: &mut FxHashMap<i64, u32>, id: i64) {
    if let Some(n) = counts.get_mut(&id) {
        *n -= 1;
        if *n == 0 {
            counts.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_small() {
        assert_eq!(std::mem::size_of::<CommitKey>(), 32);
    }

    #[test]
    fn hexadecimal_ids_pack_and_others_stay_text() {
        assert!(
            matches!(CommitName::new("0a1b"), CommitName::Hex { digits: 4, packed } if packed[..2] == [0x0a, 0x1b])
        );
        assert!(matches!(CommitName::new("0A1B"), CommitName::Text(_)), "git ids are lower case; keep others apart");
        assert!(CommitName::new("abc") != CommitName::new("abc0"), "the digit count is part of the key");
        assert!(matches!(CommitName::new(&"f".repeat(40)), CommitName::Hex { digits: 40, .. }));
        assert!(matches!(CommitName::new(&"f".repeat(64)), CommitName::Text(_)));
        assert!(matches!(CommitName::new(""), CommitName::Text(_)));
    }
}
