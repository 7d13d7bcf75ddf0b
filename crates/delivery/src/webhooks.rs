//! GitHub and GitLab webhook payloads turned into delivery events, and the checks that a
//! payload really comes from them. Pure: the caller reads the request, this reads bytes.
//!
//! What becomes what:
//!
//! | source | event | becomes |
//! | --- | --- | --- |
//! | GitHub | `push` to the default branch | a change per listed commit (time: the commit's) |
//! | GitHub | `pull_request` closed and merged | a change for the merge commit, at the merge time |
//! | GitHub | `deployment_status` success, failure or error | a deployment of the deployed commit |
//! | GitHub | `workflow_run` completed, of a workflow declared as a deployment | a deployment |
//! | GitHub | `issues` carrying the incident label | an incident, resolved when closed |
//! | GitLab | `push` to the default branch | a change per listed commit |
//! | GitLab | `merge_request` merged | a change for the merge commit |
//! | GitLab | `deployment` success or failed | a deployment |
//! | GitLab | `pipeline` success or failed, of a pipeline declared as a deployment | a deployment |
//! | GitLab | `issue` or `work_item` of type incident, or carrying the incident label | an incident |
//!
//! Deployment and incident ids are the source's, in a series of their own
//! ([`IdSeries`]): a GitLab pipeline never replaces the GitLab deployment of the same
//! number.
//!
//! Anything else (a `deployment` still waiting for its status, a push to another branch,
//! `ping`, every other event type) is [`Outcome::Ignored`] with the reason. The
//! environment is the one the payload names; which ones count as production is the
//! history's setting, never guessed here, unless the source declares it: a GitHub
//! environment marked production (`production_environment`) or a GitLab environment of the
//! production tier (`environment_tier`). A deployment brings the one commit it names.
//! Events of a repository that maps to no service keep an empty `service` and come back
//! in [`Outcome::Unmapped`] so the caller can keep them aside.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::event::{Change, Deployment, Event, Incident, Status};
use crate::time::timestamp_from_rfc3339;

/// What a webhook's deployment or incident id numbers. GitLab numbers its deployments and
/// its pipelines each from 1, and GitHub's ids are of other series again: taken as they
/// are, a pipeline would replace the deployment of the same number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdSeries {
    GithubDeployment = 1,
    GithubWorkflowRun = 2,
    GithubIssue = 3,
    GitlabDeployment = 4,
    GitlabPipeline = 5,
    GitlabIssue = 6,
}

const SERIES_SHIFT: u32 = 48;
const NATIVE_MASK: i64 = (1 << SERIES_SHIFT) - 1;

impl IdSeries {
    const ALL: [IdSeries; 6] = [
        IdSeries::GithubDeployment,
        IdSeries::GithubWorkflowRun,
        IdSeries::GithubIssue,
        IdSeries::GitlabDeployment,
        IdSeries::GitlabPipeline,
        IdSeries::GitlabIssue,
    ];

    /// The event id of the series' `native` id: negative, the series in bits 48 to 50, so
    /// that it meets neither another series nor the positive ids of the bulk format, the
    /// events API and git tags, and stays exact in JSON (under 2^53).
    pub fn id(self, native: i64) -> i64 {
        -(((self as i64) << SERIES_SHIFT) | (native & NATIVE_MASK))
    }

    /// The series and native id of an event id made by [`IdSeries::id`].
    pub fn of(id: i64) -> Option<(IdSeries, i64)> {
        if id >= 0 {
            return None;
        }
        let magnitude = id.checked_neg()?;
        let tag = magnitude >> SERIES_SHIFT;
        let series = IdSeries::ALL.into_iter().find(|s| *s as i64 == tag)?;
        Some((series, magnitude & NATIVE_MASK))
    }

    /// How people name it: `GitHub deployment`, `GitLab pipeline`…
    pub fn name(self) -> &'static str {
        match self {
            IdSeries::GithubDeployment => "GitHub deployment",
            IdSeries::GithubWorkflowRun => "GitHub workflow run",
            IdSeries::GithubIssue => "GitHub issue",
            IdSeries::GitlabDeployment => "GitLab deployment",
            IdSeries::GitlabPipeline => "GitLab pipeline",
            IdSeries::GitlabIssue => "GitLab issue",
        }
    }
}

/// What the receivers need to know besides the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    /// An issue carrying this label (case-insensitive) is an incident.
    pub incident_label: String,
    /// Workflows (GitHub Actions, by name) and pipelines (GitLab, by name) that deploy, with
    /// the environment they deploy to.
    pub deployment_workflows: Vec<(String, String)>,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig { incident_label: "incident".into(), deployment_workflows: Vec::new() }
    }
}

/// What a payload yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Events of services the mapping knows (changes need no service).
    Events(Vec<Event>),
    /// Events whose repository maps to no service, with the repository and the reason.
    Unmapped { events: Vec<Event>, repository: String, reason: String },
    /// Nothing to record, and why.
    Ignored(String),
}

/// A payload that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadError(pub String);

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PayloadError {}

/// Whether `X-Hub-Signature-256` (`sha256=` and the hexadecimal HMAC-SHA256 of the body
/// under the secret) is right. The comparison takes the same time wherever it differs.
pub fn verify_github_signature(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let Some(hex) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Some(given) = decode_hex(hex) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&given).is_ok()
}

/// The header value a sender would compute: for tests and for clients of this API.
pub fn github_signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::from("sha256=");
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Whether `X-Gitlab-Token` equals the configured token, compared in constant time (the
/// time depends on the lengths only).
pub fn verify_gitlab_token(expected: &str, header: Option<&str>) -> bool {
    let Some(given) = header else {
        return false;
    };
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    let mut difference = u8::from(a.len() != b.len() || a.is_empty());
    for i in 0..a.len().max(b.len()) {
        difference |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    difference == 0
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    b.chunks_exact(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

/// Reads a GitHub payload of event type `event` (the `X-GitHub-Event` header).
/// `service_of` maps a repository (`owner/name`) to a catalog service.
pub fn parse_github(
    event: &str,
    body: &[u8],
    config: &WebhookConfig,
    service_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Outcome, PayloadError> {
    let v = parse_json(body)?;
    let repository = || text(&v, &["repository", "full_name"]);
    match event {
        "push" => {
            let repository = repository()?;
            let default = text(&v, &["repository", "default_branch"])
                .or_else(|_| text(&v, &["repository", "master_branch"]))
                .unwrap_or_else(|_| "main".into());
            let reference = text(&v, &["ref"])?;
            if reference != format!("refs/heads/{default}") || v.get("deleted").and_then(Value::as_bool) == Some(true) {
                return Ok(Outcome::Ignored(format!("push to {reference}, not to the default branch {default}")));
            }
            let pushed_at = v.get("repository").and_then(|r| r.get("pushed_at")).and_then(Value::as_i64);
            let mut events = Vec::new();
            for commit in list(&v, "commits") {
                let at = time(commit, &["timestamp"])?;
                let author = text(commit, &["author", "username"]).or_else(|_| text(commit, &["author", "name"]))?;
                events.push(Event::Change(Change {
                    sha: text(commit, &["id"])?,
                    repository: repository.clone(),
                    author,
                    authored_at: at,
                    committed_at: at,
                    merged_at: pushed_at.unwrap_or(at).max(at),
                }));
            }
            Ok(Outcome::Events(events))
        }
        "pull_request" => {
            let pr = member(&v, "pull_request")?;
            let merged = pr.get("merged").and_then(Value::as_bool) == Some(true);
            if text(&v, &["action"])? != "closed" || !merged {
                return Ok(Outcome::Ignored("a pull request that was not merged".into()));
            }
            let merged_at = time(pr, &["merged_at"])?;
            Ok(Outcome::Events(vec![Event::Change(Change {
                sha: text(pr, &["merge_commit_sha"])?,
                repository: repository()?,
                author: text(pr, &["user", "login"])?,
                authored_at: time(pr, &["created_at"])?.min(merged_at),
                committed_at: merged_at,
                merged_at,
            })]))
        }
        "deployment_status" => {
            let status = member(&v, "deployment_status")?;
            let state = text(status, &["state"])?;
            let status_value = match state.as_str() {
                "success" => Status::Success,
                "failure" | "error" => Status::Failure,
                other => return Ok(Outcome::Ignored(format!("deployment status {other:?} is not final"))),
            };
            let deployment = member(&v, "deployment")?;
            let repository = repository()?;
            let environment = text(status, &["environment"]).or_else(|_| text(deployment, &["environment"]))?;
            let finished_at = time(status, &["created_at"])?;
            let started_at = time(deployment, &["created_at"])?.min(finished_at);
            let d = Deployment {
                id: IdSeries::GithubDeployment.id(integer(deployment, &["id"])?),
                repository: repository.clone(),
                service: String::new(),
                environment,
                started_at,
                finished_at,
                status: status_value,
                commits: vec![text(deployment, &["sha"])?],
                rollback_of: None,
                fixes: None,
                // The environment's own declaration, when GitHub sends it.
                production: deployment.get("production_environment").and_then(Value::as_bool),
            };
            Ok(placed(Event::Deployment(d), &repository, service_of))
        }
        "deployment" => Ok(Outcome::Ignored("a deployment counts once its status is final (deployment_status)".into())),
        "workflow_run" => {
            let run = member(&v, "workflow_run")?;
            if text(&v, &["action"])? != "completed" {
                return Ok(Outcome::Ignored("a workflow run that has not completed".into()));
            }
            let name = text(run, &["name"])?;
            let Some(environment) = workflow_environment(config, &name) else {
                return Ok(Outcome::Ignored(format!("workflow {name:?} is not declared as a deployment")));
            };
            let status = match text(run, &["conclusion"])?.as_str() {
                "success" => Status::Success,
                "failure" | "timed_out" => Status::Failure,
                other => return Ok(Outcome::Ignored(format!("a workflow run concluded {other:?}"))),
            };
            let repository = repository()?;
            let finished_at = time(run, &["updated_at"])?;
            let started_at = time(run, &["run_started_at"]).or_else(|_| time(run, &["created_at"]))?.min(finished_at);
            let d = Deployment {
                id: IdSeries::GithubWorkflowRun.id(integer(run, &["id"])?),
                repository: repository.clone(),
                service: String::new(),
                environment,
                started_at,
                finished_at,
                status,
                commits: vec![text(run, &["head_sha"])?],
                rollback_of: None,
                fixes: None,
                production: None,
            };
            Ok(placed(Event::Deployment(d), &repository, service_of))
        }
        "issues" => {
            let issue = member(&v, "issue")?;
            let labelled = list(issue, "labels").iter().any(|l| {
                l.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(&config.incident_label))
            });
            if !labelled {
                return Ok(Outcome::Ignored(format!("an issue without the {:?} label", config.incident_label)));
            }
            let closed = text(issue, &["state"]).is_ok_and(|s| s == "closed");
            let repository = repository()?;
            let i = Incident {
                id: IdSeries::GithubIssue.id(integer(issue, &["id"])?),
                service: String::new(),
                opened_at: time(issue, &["created_at"])?,
                resolved_at: if closed { Some(time(issue, &["closed_at"])?) } else { None },
                caused_by_deployment: None,
            };
            Ok(placed(Event::Incident(i), &repository, service_of))
        }
        other => Ok(Outcome::Ignored(format!("GitHub event {other:?} carries no delivery event"))),
    }
}

/// Reads a GitLab payload. The kind comes from the body's `object_kind` (the
/// `X-Gitlab-Event` header says the same in words). `service_of` maps a project path
/// (`group/project`) to a catalog service.
pub fn parse_gitlab(
    body: &[u8],
    config: &WebhookConfig,
    service_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Outcome, PayloadError> {
    let v = parse_json(body)?;
    let kind = text(&v, &["object_kind"])?;
    let project = || text(&v, &["project", "path_with_namespace"]);
    match kind.as_str() {
        "push" => {
            let repository = project()?;
            let default = text(&v, &["project", "default_branch"]).unwrap_or_else(|_| "main".into());
            let reference = text(&v, &["ref"])?;
            if reference != format!("refs/heads/{default}") {
                return Ok(Outcome::Ignored(format!("push to {reference}, not to the default branch {default}")));
            }
            let mut events = Vec::new();
            for commit in list(&v, "commits") {
                let at = time(commit, &["timestamp"])?;
                events.push(Event::Change(Change {
                    sha: text(commit, &["id"])?,
                    repository: repository.clone(),
                    author: text(commit, &["author", "email"]).or_else(|_| text(commit, &["author", "name"]))?,
                    authored_at: at,
                    committed_at: at,
                    merged_at: at,
                }));
            }
            Ok(Outcome::Events(events))
        }
        "merge_request" => {
            let mr = member(&v, "object_attributes")?;
            let merged = text(mr, &["action"]).is_ok_and(|a| a == "merge");
            if !merged {
                return Ok(Outcome::Ignored("a merge request event other than its merge".into()));
            }
            // A fast-forward merge makes no merge commit: its commits arrive with the push.
            if mr.get("merge_commit_sha").is_none_or(Value::is_null) {
                return Ok(Outcome::Ignored("a merge without a merge commit: its commits come with the push".into()));
            }
            let merged_at = time(mr, &["merged_at"]).or_else(|_| time(mr, &["updated_at"]))?;
            Ok(Outcome::Events(vec![Event::Change(Change {
                sha: text(mr, &["merge_commit_sha"])?,
                repository: project()?,
                author: text(&v, &["user", "username"])?,
                authored_at: time(mr, &["created_at"])?.min(merged_at),
                committed_at: merged_at,
                merged_at,
            })]))
        }
        "deployment" => {
            let status = match text(&v, &["status"])?.as_str() {
                "success" => Status::Success,
                "failed" => Status::Failure,
                other => return Ok(Outcome::Ignored(format!("deployment status {other:?} is not final"))),
            };
            let repository = project()?;
            let at = time(&v, &["status_changed_at"])?;
            // The full commit id ends the commit's URL; the short one is the fallback.
            let sha = text(&v, &["commit_url"])
                .ok()
                .and_then(|url| url.rsplit('/').next().map(str::to_string))
                .filter(|s| !s.is_empty())
                .map_or_else(|| text(&v, &["short_sha"]), Ok)?;
            let d = Deployment {
                id: IdSeries::GitlabDeployment.id(integer(&v, &["deployment_id"])?),
                repository: repository.clone(),
                service: String::new(),
                environment: text(&v, &["environment"])?,
                started_at: at,
                finished_at: at,
                status,
                commits: vec![sha],
                rollback_of: None,
                fixes: None,
                // The environment's tier, when GitLab sends it: production or not.
                production: v.get("environment_tier").and_then(Value::as_str).map(|tier| tier == "production"),
            };
            Ok(placed(Event::Deployment(d), &repository, service_of))
        }
        "pipeline" => {
            let pipeline = member(&v, "object_attributes")?;
            let name = text(pipeline, &["name"]).unwrap_or_default();
            let Some(environment) = workflow_environment(config, &name) else {
                return Ok(Outcome::Ignored(format!("pipeline {name:?} is not declared as a deployment")));
            };
            let status = match text(pipeline, &["status"])?.as_str() {
                "success" => Status::Success,
                "failed" => Status::Failure,
                other => return Ok(Outcome::Ignored(format!("pipeline status {other:?} is not final"))),
            };
            let repository = project()?;
            let finished_at = time(pipeline, &["finished_at"])?;
            let d = Deployment {
                id: IdSeries::GitlabPipeline.id(integer(pipeline, &["id"])?),
                repository: repository.clone(),
                service: String::new(),
                environment,
                started_at: time(pipeline, &["created_at"])?.min(finished_at),
                finished_at,
                status,
                commits: vec![text(pipeline, &["sha"])?],
                rollback_of: None,
                fixes: None,
                production: None,
            };
            Ok(placed(Event::Deployment(d), &repository, service_of))
        }
        // Incidents come as issues of type incident, or, since GitLab 17.7, as work items.
        "issue" | "incident" | "work_item" => {
            let issue = member(&v, "object_attributes")?;
            let typed = text(issue, &["issue_type"]).or_else(|_| text(issue, &["type"]));
            let is_incident = typed.is_ok_and(|t| t.eq_ignore_ascii_case("incident"))
                || list(&v, "labels").iter().chain(list(issue, "labels").iter()).any(|l| {
                    l.get("title")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case(&config.incident_label))
                });
            if !is_incident {
                return Ok(Outcome::Ignored("an issue that is not an incident".into()));
            }
            let closed = text(issue, &["state"]).is_ok_and(|s| s == "closed");
            let repository = project()?;
            let resolved_at = if closed {
                Some(time(issue, &["closed_at"]).or_else(|_| time(issue, &["updated_at"]))?)
            } else {
                None
            };
            let i = Incident {
                id: IdSeries::GitlabIssue.id(integer(issue, &["id"])?),
                service: String::new(),
                opened_at: time(issue, &["created_at"])?,
                resolved_at,
                caused_by_deployment: None,
            };
            Ok(placed(Event::Incident(i), &repository, service_of))
        }
        other => Ok(Outcome::Ignored(format!("GitLab event {other:?} carries no delivery event"))),
    }
}

fn workflow_environment(config: &WebhookConfig, name: &str) -> Option<String> {
    config.deployment_workflows.iter().find(|(w, _)| w == name).map(|(_, e)| e.clone())
}

/// Sets the service of a deployment or incident, or says why there is none.
fn placed(mut event: Event, repository: &str, service_of: &dyn Fn(&str) -> Option<String>) -> Outcome {
    match service_of(repository) {
        Some(service) => {
            match &mut event {
                Event::Deployment(d) => d.service = service,
                Event::Incident(i) => i.service = service,
                Event::Change(_) => {}
            }
            Outcome::Events(vec![event])
        }
        None => Outcome::Unmapped {
            events: vec![event],
            repository: repository.to_string(),
            reason: format!("repository {repository} maps to no catalog service (no project-slug annotation names it)"),
        },
    }
}

fn parse_json(body: &[u8]) -> Result<Value, PayloadError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| PayloadError(format!("malformed JSON: {e}")))?;
    if !v.is_object() {
        return Err(PayloadError("the payload is not a JSON object".into()));
    }
    Ok(v)
}

fn at_path<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, key| v.get(key))
}

fn missing(path: &[&str], what: &str) -> PayloadError {
    PayloadError(format!("{} {what}", path.join(".")))
}

fn member<'v>(v: &'v Value, key: &str) -> Result<&'v Value, PayloadError> {
    v.get(key).filter(|m| m.is_object()).ok_or_else(|| missing(&[key], "is missing or not an object"))
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn text(v: &Value, path: &[&str]) -> Result<String, PayloadError> {
    at_path(v, path).and_then(Value::as_str).map(str::to_string).ok_or_else(|| missing(path, "is missing or not text"))
}

fn integer(v: &Value, path: &[&str]) -> Result<i64, PayloadError> {
    at_path(v, path).and_then(Value::as_i64).ok_or_else(|| missing(path, "is missing or not an integer"))
}

fn time(v: &Value, path: &[&str]) -> Result<i64, PayloadError> {
    let raw = text(v, path)?;
    webhook_timestamp(&raw).map_err(|why| PayloadError(format!("{}: {why}: {raw:?}", path.join("."))))
}

/// RFC 3339, and GitLab's other shapes: `2021-04-15 09:32:28 UTC` and
/// `2021-04-15 11:32:28 +0200`.
fn webhook_timestamp(raw: &str) -> Result<i64, &'static str> {
    if let Some(utc) = raw.strip_suffix(" UTC") {
        return timestamp_from_rfc3339(&format!("{utc}Z"));
    }
    let b = raw.as_bytes();
    if b.len() >= 6 && b[b.len() - 6] == b' ' && matches!(b[b.len() - 5], b'+' | b'-') {
        let (head, offset) = raw.split_at(raw.len() - 5);
        return timestamp_from_rfc3339(&format!("{}{}:{}", head.trim_end(), &offset[..3], &offset[3..]));
    }
    timestamp_from_rfc3339(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitlab_timestamps_read_in_each_shape() {
        // 2021-04-15T09:32:28Z is 1618479148.
        assert_eq!(webhook_timestamp("2021-04-15 09:32:28 UTC"), Ok(1_618_479_148));
        assert_eq!(webhook_timestamp("2021-04-15 11:32:28 +0200"), Ok(1_618_479_148));
        assert_eq!(webhook_timestamp("2021-04-15T11:32:28+02:00"), Ok(1_618_479_148));
        assert!(webhook_timestamp("yesterday").is_err());
    }

    #[test]
    fn gitlab_tokens_compare_whole() {
        assert!(verify_gitlab_token("s3cret", Some("s3cret")));
        assert!(!verify_gitlab_token("s3cret", Some("s3cre")));
        assert!(!verify_gitlab_token("s3cret", Some("s3cret!")));
        assert!(!verify_gitlab_token("s3cret", None));
        assert!(!verify_gitlab_token("", Some("")), "an empty token never matches");
    }

    #[test]
    fn github_signatures_check_the_body() {
        // RFC 4231 test case 2: HMAC-SHA256 of "what do ya want for nothing?" under "Jefe".
        let expected = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(github_signature(b"Jefe", b"what do ya want for nothing?"), expected);
        assert!(verify_github_signature(b"Jefe", b"what do ya want for nothing?", Some(expected)));
        assert!(!verify_github_signature(b"Jefe", b"what do ya want for nothing!", Some(expected)));
        assert!(!verify_github_signature(b"Jefe", b"what do ya want for nothing?", None));
        assert!(!verify_github_signature(b"Jefe", b"x", Some("sha256=zz")));
        assert!(!verify_github_signature(b"Jefe", b"x", Some("sha1=00")));
    }

    #[test]
    fn ids_of_each_series_stay_apart_and_read_back() {
        // GitLab deployment 15 and pipeline 15: -(4 << 48 | 15) and -(5 << 48 | 15).
        assert_eq!(IdSeries::GitlabDeployment.id(15), -(4 * 281_474_976_710_656 + 15));
        assert_eq!(IdSeries::GitlabPipeline.id(15), -(5 * 281_474_976_710_656 + 15));
        for series in IdSeries::ALL {
            for native in [1, 15, 8_143_552_907, (1 << 48) - 1] {
                let id = series.id(native);
                assert!(id < 0 && id > -(1 << 53), "{id}");
                assert_eq!(IdSeries::of(id), Some((series, native)));
            }
        }
        assert_eq!(IdSeries::of(15), None);
        assert_eq!(IdSeries::of(-15), None, "a negative id of no series");
        assert_eq!(IdSeries::of(i64::MIN), None);
    }
}
