//! Any bytes as a bulk file of changes, deployments or incidents, and as a GitHub or GitLab
//! webhook payload: every bad line or payload must be an error that says where, never a
//! panic or a hang.
#![no_main]

use kiosque_delivery::webhooks::{parse_github, parse_gitlab, WebhookConfig};
use libfuzzer_sys::fuzz_target;

const GITHUB_EVENTS: [&str; 7] =
    ["push", "pull_request", "deployment", "deployment_status", "workflow_run", "issues", "ping"];

fuzz_target!(|data: &[u8]| {
    for change in kiosque_delivery::read_changes(data, "changes.jsonl") {
        let _ = change;
    }
    for deployment in kiosque_delivery::read_deployments(data, "deployments.jsonl") {
        let _ = deployment;
    }
    for incident in kiosque_delivery::read_incidents(data, "incidents.jsonl") {
        let _ = incident;
    }
    let config = WebhookConfig {
        deployment_workflows: vec![("deploy".into(), "production".into())],
        ..WebhookConfig::default()
    };
    let service_of = |repository: &str| (!repository.is_empty()).then(|| "service".to_string());
    let event = GITHUB_EVENTS[data.first().map_or(0, |b| *b as usize % GITHUB_EVENTS.len())];
    let _ = parse_github(event, data, &config, &service_of);
    let _ = parse_gitlab(data, &config, &service_of);
});
