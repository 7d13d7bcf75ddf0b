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

use hashbrown::HashTable;
use rustc_hash::FxHashMap;

use crate::event::{Change, Deployment, Event, Incident, Status};
use crate::facts::IncidentFact;

/// Which environment names count as production: by default only `production`; a service
/// may declare its own, which then replace the global ones for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryConfig {
    pub production_environments: Vec<String>,
    /// Per service: its production environments, instead of the global ones.
    pub production_by_service: Vec<(String, Vec<String>)>,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig { production_environments: vec!["production".to_string()], production_by_service: Vec::new() }
    }
}

impl HistoryConfig {
    /// The global production environments.
    pub fn global(production_environments: Vec<String>) -> HistoryConfig {
        HistoryConfig { production_environments, ..HistoryConfig::default() }
    }

    /// Every declaration as lines (`NAME` for a global one, `SERVICE=NAME` for a service's),
    /// sorted: what a store records to tell whether its facts were derived with the same.
    pub fn declarations(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.production_environments.clone();
        for (service, environments) in &self.production_by_service {
            lines.extend(environments.iter().map(|e| format!("{service}={e}")));
        }
        lines.sort();
        lines.dedup();
        lines
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

/// A change as the production deployment that first brought it there lists it, for a
/// drill-down behind the lead-time figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployedChange {
    pub repository: String,
    pub sha: String,
    pub author: String,
    pub authored_at: i64,
    pub committed_at: i64,
    pub merged_at: i64,
    /// The deployment's `finished_at` minus `committed_at`.
    pub lead_time_seconds: i64,
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
    /// The last name interned: events in a row often repeat it (a pull request's commits
    /// have one author), and comparing spares hashing.
    last: u32,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if self.names.get(self.last as usize).is_some_and(|last| **last == *name) {
            return self.last;
        }
        let id = match self.index.get(name) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.index.insert(name.into(), id);
                self.names.push(name.into());
                id
            }
        };
        self.last = id;
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

impl CommitName {
    /// The id as it was given.
    fn text(&self) -> String {
        match self {
            CommitName::Hex { digits, packed } => {
                const DIGITS: &[u8; 16] = b"0123456789abcdef";
                let mut text = String::with_capacity(usize::from(*digits));
                for i in 0..usize::from(*digits) {
                    let byte = packed[i / 2];
                    let digit = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
                    text.push(char::from(DIGITS[usize::from(digit)]));
                }
                text
            }
            CommitName::Text(text) => text.to_string(),
        }
    }

    fn hash(&self) -> u64 {
        let mut state = rustc_hash::FxHasher::default();
        match self {
            // Commit ids are hashes already: their first bytes spread keys well enough.
            CommitName::Hex { digits, packed } => {
                let mut head = [0u8; 8];
                head.copy_from_slice(&packed[..8]);
                state.write_u64(u64::from_le_bytes(head) ^ u64::from(*digits));
            }
            CommitName::Text(text) => text.hash(&mut state),
        }
        state.finish()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChangeRecord {
    author: u32,
    authored_at: i64,
    pub committed_at: i64,
    merged_at: i64,
}

/// Marks an absent number in a `CommitSlot`.
const NONE: u32 = u32::MAX;

/// A commit named by a change, a deployment or both, with its id: a lookup by id compares
/// ids in the slot it then reads or updates, where a map from ids to slots would read
/// memory in two places. What a lookup reads comes first. (Not aligned to a cache line: the
/// vector of slots would then be copied whole each time it grows, rather than remapped.)
pub(crate) struct CommitSlot {
    name: CommitName,
    /// Index in `History::deployments` of the first successful production deployment
    /// listing it; `NONE` while none does.
    first: u32,
    /// The change's author; `NONE` while no change names the commit.
    author: u32,
    authored_at: i64,
    committed_at: i64,
    merged_at: i64,
}

impl CommitSlot {
    fn new(name: CommitName) -> CommitSlot {
        CommitSlot { name, authored_at: 0, committed_at: 0, merged_at: 0, author: NONE, first: NONE }
    }

    pub fn change(&self) -> Option<ChangeRecord> {
        (self.author != NONE).then_some(ChangeRecord {
            author: self.author,
            authored_at: self.authored_at,
            committed_at: self.committed_at,
            merged_at: self.merged_at,
        })
    }

    fn replace_change(&mut self, c: ChangeRecord) -> Option<ChangeRecord> {
        let old = self.change();
        (self.author, self.authored_at, self.committed_at, self.merged_at) =
            (c.author, c.authored_at, c.committed_at, c.merged_at);
        old
    }

    /// The index of its first successful production deployment.
    pub fn first(&self) -> Option<u32> {
        (self.first != NONE).then_some(self.first)
    }
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
    /// The source's own declaration of its environment (see [`Deployment::production`]).
    pub declared: Option<bool>,
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
    /// Services that declare their own production environments, by name.
    declared_by_service: FxHashMap<String, Vec<String>>,
    /// The same, by service number and environment number, for services seen so far.
    production_of_service: FxHashMap<u32, Vec<u32>>,
    pub(crate) services: Names,
    repositories: Names,
    environments: Names,
    /// By environment number: is it a production one?
    environment_is_production: Vec<bool>,
    authors: Names,
    /// By repository number: its commits' slots, found by id (the ids are in the slots).
    /// One small table per repository rather than one large one: a repository's events
    /// tend to come together, and its table then stays in the processor's cache.
    commit_index: Vec<HashTable<u32>>,
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
            declared_by_service: config.production_by_service.into_iter().collect(),
            production_of_service: FxHashMap::default(),
            services: Names::default(),
            repositories: Names::default(),
            environments: Names::default(),
            environment_is_production: Vec::new(),
            authors: Names::default(),
            commit_index: Vec::new(),
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
            if let Some(names) = self.declared_by_service.get(name).cloned() {
                let environments = names.iter().map(|e| self.environment(e)).collect();
                self.production_of_service.insert(id, environments);
            }
        }
        id
    }

    /// Whether `environment` is a production one for `service`: the service's own
    /// declaration in the configuration when it has one, else the source's declaration of
    /// the environment when it made one, else the configured environment names.
    fn counts_as_production(&self, service: u32, environment: u32, declared: Option<bool>) -> bool {
        match (self.production_of_service.get(&service), declared) {
            (Some(environments), _) => environments.contains(&environment),
            (None, Some(declared)) => declared,
            (None, None) => self.environment_is_production[environment as usize],
        }
    }

    fn repository(&mut self, name: &str) -> u32 {
        let id = self.repositories.intern(name);
        if self.successes_by_repository.len() <= id as usize {
            self.successes_by_repository.resize_with(id as usize + 1, Vec::new);
            self.commit_index.resize_with(id as usize + 1, HashTable::new);
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
        let name = CommitName::new(sha);
        let hash = name.hash();
        self.slot_of(repository, name, hash)
    }

    /// The slots of a deployment's commits. Ids are decoded and hashed first, so that the
    /// lookups that follow, each a few reads from memory, overlap rather than wait on
    /// one another.
    fn slots(&mut self, repository: u32, shas: &[String]) -> Vec<u32> {
        let names: Vec<(CommitName, u64)> = shas
            .iter()
            .map(|sha| {
                let name = CommitName::new(sha);
                let hash = name.hash();
                (name, hash)
            })
            .collect();
        names.into_iter().map(|(name, hash)| self.slot_of(repository, name, hash)).collect()
    }

    fn slot_of(&mut self, repository: u32, name: CommitName, hash: u64) -> u32 {
        let (commits, index) = (&mut self.commits, &mut self.commit_index[repository as usize]);
        if let Some(&slot) = index.find(hash, |&slot| commits[slot as usize].name == name) {
            return slot;
        }
        let slot = commits.len() as u32;
        commits.push(CommitSlot::new(name));
        index.insert_unique(hash, slot, |&slot| commits[slot as usize].name.hash());
        slot
    }

    /// The slot of commit `sha` of `repository`, if some event named it.
    fn find_slot(&self, repository: &str, sha: &str) -> Option<&CommitSlot> {
        let name = CommitName::new(sha);
        let index = &self.commit_index[self.repositories.get(repository)? as usize];
        let slot = index.find(name.hash(), |&slot| self.commits[slot as usize].name == name)?;
        Some(&self.commits[*slot as usize])
    }

    /// Adds an event of any kind.
    pub fn insert(&mut self, event: &Event) -> Inserted {
        match event {
            Event::Change(c) => self.insert_change(c),
            Event::Deployment(d) => self.insert_deployment(d),
            Event::Incident(i) => self.insert_incident(i),
        }
    }

    /// The global production environment names it was made with (services may declare
    /// their own).
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
        if let Some(first) = commit.first() {
            self.touched.push(first);
        }
        match commit.replace_change(record) {
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
        let service = self.service(&deployment.service);
        let (mut commits, mut other_commits) = (Vec::new(), 0);
        if self.counts_as_production(service, environment, deployment.production) {
            commits = self.slots(repository, &deployment.commits);
            commits.sort_unstable();
            commits.dedup();
        } else {
            // The set of ids, as the set of their hashes: sorting numbers costs less than
            // sorting strings.
            let hash = |sha: &String| {
                let mut hasher = rustc_hash::FxHasher::default();
                sha.hash(&mut hasher);
                hasher.finish()
            };
            let mut hashes: Vec<u64> = deployment.commits.iter().map(hash).collect();
            hashes.sort_unstable();
            hashes.dedup();
            let mut hasher = rustc_hash::FxHasher::default();
            hashes.hash(&mut hasher);
            other_commits = hasher.finish();
        }
        let record = DeploymentRecord {
            id: deployment.id,
            repository,
            service,
            environment,
            started_at: deployment.started_at,
            finished_at: deployment.finished_at,
            success: deployment.status == Status::Success,
            commits: commits.into(),
            other_commits,
            rollback_of: deployment.rollback_of,
            fixes: deployment.fixes,
            declared: deployment.production,
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
        self.counts_as_production(d.service, d.environment, d.declared)
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
            let key = (d.finished_at, d.id);
            for &slot in d.commits.iter() {
                let held = self.commits[slot as usize].first();
                if held.is_none_or(|f| key < self.first_key(f)) {
                    self.commits[slot as usize].first = index;
                    if let Some(previous) = held {
                        self.touched.push(previous);
                    }
                }
            }
        }
    }

    /// What orders the deployments that may first bring a commit to production.
    fn first_key(&self, index: u32) -> (i64, i64) {
        let d = &self.deployments[index as usize];
        (d.finished_at, d.id)
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
            if self.commits[slot as usize].first == index {
                let next = successes
                    .iter()
                    .map(|&i| (&self.deployments[i as usize], i))
                    .filter(|(other, _)| other.commits.binary_search(&slot).is_ok())
                    .min_by_key(|(other, _)| (other.finished_at, other.id))
                    .map_or(NONE, |(_, i)| i);
                if next != NONE {
                    self.touched.push(next);
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

    /// The changes that production deployment `deployment_id` brought to production first:
    /// those whose lead times it counts. Oldest commit first (so longest lead time first),
    /// then by repository and sha. Empty for an unknown, failed or non-production
    /// deployment, and for commits the deployment lists that no change describes.
    pub fn changes_first_deployed_by(&self, deployment_id: i64) -> Vec<DeployedChange> {
        let Some(index) = self.deployment_index(deployment_id) else { return Vec::new() };
        let d = &self.deployments[index as usize];
        let mut out: Vec<DeployedChange> = d
            .commits
            .iter()
            .map(|&slot| &self.commits[slot as usize])
            .filter(|commit| commit.first == index)
            .filter_map(|commit| {
                let change = commit.change()?;
                Some(DeployedChange {
                    repository: self.repositories.name(d.repository).to_string(),
                    sha: commit.name.text(),
                    author: self.authors.name(change.author).to_string(),
                    authored_at: change.authored_at,
                    committed_at: change.committed_at,
                    merged_at: change.merged_at,
                    lead_time_seconds: d.finished_at.saturating_sub(change.committed_at),
                })
            })
            .collect();
        out.sort_by(|a, b| (a.committed_at, &a.repository, &a.sha).cmp(&(b.committed_at, &b.repository, &b.sha)));
        out
    }

    /// The incidents that name deployment `deployment_id` as their cause, in their current
    /// version, by `opened_at` then id.
    pub fn incidents_caused_by(&self, deployment_id: i64) -> Vec<IncidentFact> {
        if !self.blamed.contains_key(&deployment_id) {
            return Vec::new();
        }
        let mut out: Vec<IncidentFact> = self
            .incidents
            .iter()
            .filter(|i| i.caused_by == Some(deployment_id))
            .map(|i| IncidentFact {
                id: i.id,
                service: self.services.name(i.service).to_string(),
                opened_at: i.opened_at,
                resolved_at: i.resolved_at,
            })
            .collect();
        out.sort_by_key(|i| (i.opened_at, i.id));
        out
    }

    /// Where the change `sha` of `repository` first reached production, if it did.
    pub fn first_deployment(&self, repository: &str, sha: &str) -> Option<FirstDeployment> {
        let slot = self.find_slot(repository, sha)?;
        let first = &self.deployments[slot.first()? as usize];
        Some(FirstDeployment {
            deployment_id: first.id,
            finished_at: first.finished_at,
            lead_time_seconds: slot.change().map(|c| first.finished_at.saturating_sub(c.committed_at)),
        })
    }

    /// What the history concludes about deployment `id`, if it holds it.
    pub fn deployment_facts(&self, id: i64) -> Option<DeploymentFacts> {
        Some(self.facts_at(*self.deployment_index.get(&id)?))
    }

    /// What the history concludes about the deployment at `index`.
    pub(crate) fn facts_at(&self, index: u32) -> DeploymentFacts {
        let d = &self.deployments[index as usize];
        if !self.is_production(d) {
            return DeploymentFacts { production: false, failed: false, recovery_seconds: None };
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
        DeploymentFacts { production: true, failed, recovery_seconds }
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
    use crate::time::timestamp_from_rfc3339;

    fn t(text: &str) -> i64 {
        timestamp_from_rfc3339(text).unwrap()
    }

    fn sha(digit: char) -> String {
        std::iter::repeat_n(digit, 40).collect()
    }

    fn change(digit: char, author: &str, authored: &str, committed: &str, merged: &str) -> Change {
        Change {
            sha: sha(digit),
            repository: "example/api".into(),
            author: author.into(),
            authored_at: t(authored),
            committed_at: t(committed),
            merged_at: t(merged),
        }
    }

    fn deployment(id: i64, environment: &str, finished: &str, ok: bool, commits: &[char]) -> Deployment {
        Deployment {
            id,
            repository: "example/api".into(),
            service: "api".into(),
            environment: environment.into(),
            started_at: t(finished) - 600,
            finished_at: t(finished),
            status: if ok { Status::Success } else { Status::Failure },
            commits: commits.iter().map(|&c| sha(c)).collect(),
            rollback_of: None,
            fixes: None,
            production: None,
        }
    }

    fn incident(id: i64, opened: &str, resolved: Option<&str>, cause: Option<i64>) -> Incident {
        Incident {
            id,
            service: "api".into(),
            opened_at: t(opened),
            resolved_at: resolved.map(t),
            caused_by_deployment: cause,
        }
    }

    /// On 2024-03-04: changes 1 (committed 08:00), 2 (09:00) and 3 (10:30); deployment 1
    /// fails at 10:00 with 1; deployment 2 brings 1, 2 and an undescribed commit 9 at
    /// 12:00; staging deployment 3 has 3 at 11:00; deployment 4 brings 2 again and 3 at
    /// 13:00.
    fn day() -> History {
        let mut h = History::default();
        h.insert_change(&change('1', "ana", "2024-03-04T07:30:00Z", "2024-03-04T08:00:00Z", "2024-03-04T09:00:00Z"));
        h.insert_change(&change('2', "bo", "2024-03-04T09:00:00Z", "2024-03-04T09:00:00Z", "2024-03-04T09:30:00Z"));
        h.insert_change(&change('3', "ana", "2024-03-04T10:00:00Z", "2024-03-04T10:30:00Z", "2024-03-04T10:45:00Z"));
        h.insert_deployment(&deployment(1, "production", "2024-03-04T10:00:00Z", false, &['1']));
        h.insert_deployment(&deployment(2, "production", "2024-03-04T12:00:00Z", true, &['1', '2', '9']));
        h.insert_deployment(&deployment(3, "staging", "2024-03-04T11:00:00Z", true, &['3']));
        h.insert_deployment(&deployment(4, "production", "2024-03-04T13:00:00Z", true, &['2', '3']));
        h
    }

    fn listed(h: &History, id: i64) -> Vec<(String, i64)> {
        h.changes_first_deployed_by(id).into_iter().map(|c| (c.sha, c.lead_time_seconds)).collect()
    }

    #[test]
    fn a_deployment_lists_the_changes_it_brought_first() {
        let mut h = day();
        let changes = h.changes_first_deployed_by(2);
        // Change 1: 12:00 - 08:00 = 4 h; change 2: 3 h; commit 9 has no change: not listed.
        assert_eq!(
            changes[0],
            DeployedChange {
                repository: "example/api".into(),
                sha: sha('1'),
                author: "ana".into(),
                authored_at: t("2024-03-04T07:30:00Z"),
                committed_at: t("2024-03-04T08:00:00Z"),
                merged_at: t("2024-03-04T09:00:00Z"),
                lead_time_seconds: 4 * 3600,
            }
        );
        assert_eq!(listed(&h, 2), vec![(sha('1'), 4 * 3600), (sha('2'), 3 * 3600)]);
        // Deployment 4 brought change 2 again: only 3 is its own, 13:00 - 10:30.
        assert_eq!(listed(&h, 4), vec![(sha('3'), 9000)]);
        // Failed, staging and unknown deployments brought nothing to production.
        assert!(listed(&h, 1).is_empty() && listed(&h, 3).is_empty() && listed(&h, 99).is_empty());

        // A deployment arriving late, finished 11:30 with change 2, was its first after all.
        h.insert_deployment(&deployment(5, "production", "2024-03-04T11:30:00Z", true, &['2']));
        assert_eq!(listed(&h, 2), vec![(sha('1'), 4 * 3600)]);
        assert_eq!(listed(&h, 5), vec![(sha('2'), 9000)]);
    }

    #[test]
    fn a_deployment_lists_the_incidents_blaming_it() {
        let mut h = day();
        h.insert_incident(&incident(1, "2024-03-04T12:30:00Z", Some("2024-03-04T13:30:00Z"), Some(2)));
        h.insert_incident(&incident(2, "2024-03-04T12:10:00Z", None, Some(2)));
        h.insert_incident(&incident(3, "2024-03-04T14:00:00Z", None, Some(4)));
        h.insert_incident(&incident(4, "2024-03-04T15:00:00Z", None, None));
        let ids = |h: &History, id: i64| h.incidents_caused_by(id).iter().map(|i| i.id).collect::<Vec<_>>();
        // By opening time: incident 2 (12:10) before 1 (12:30).
        assert_eq!(ids(&h, 2), vec![2, 1]);
        assert_eq!(
            h.incidents_caused_by(4),
            vec![IncidentFact {
                id: 3,
                service: "api".into(),
                opened_at: t("2024-03-04T14:00:00Z"),
                resolved_at: None
            }]
        );
        assert!(ids(&h, 1).is_empty());

        // Incident 1 no longer blames deployment 2; incident 3 is resolved.
        h.insert_incident(&incident(1, "2024-03-04T12:30:00Z", Some("2024-03-04T13:30:00Z"), None));
        h.insert_incident(&incident(3, "2024-03-04T14:00:00Z", Some("2024-03-04T16:00:00Z"), Some(4)));
        assert_eq!(ids(&h, 2), vec![2]);
        assert_eq!(h.incidents_caused_by(4)[0].resolved_at, Some(t("2024-03-04T16:00:00Z")));
    }

    #[test]
    fn commit_ids_read_back_as_given() {
        for id in ["0a1b", "abc", &"f".repeat(40), "Not-Hex", ""] {
            assert_eq!(CommitName::new(id).text(), id);
        }
    }

    #[test]
    fn slots_stay_small() {
        assert_eq!(std::mem::size_of::<CommitSlot>(), 56);
    }

    #[test]
    fn keys_stay_small() {
        assert_eq!(std::mem::size_of::<CommitName>(), 24);
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
