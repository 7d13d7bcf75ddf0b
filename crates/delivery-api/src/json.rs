//! Report rows and events as JSON.

use kiosque_delivery::{Date, Event, Row, Status};
use serde_json::{json, Value};

/// RFC 3339 in UTC with whole seconds, like the bulk format.
pub(crate) fn timestamp(seconds: i64) -> String {
    let Some(date) = Date::of_timestamp(seconds) else {
        return seconds.to_string();
    };
    let s = seconds.rem_euclid(86_400);
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

pub(crate) fn kind(event: &Event) -> &'static str {
    match event {
        Event::Change(_) => "change",
        Event::Deployment(_) => "deployment",
        Event::Incident(_) => "incident",
    }
}

/// The event's identity within its kind.
pub(crate) fn key(event: &Event) -> String {
    match event {
        Event::Change(c) => format!("{}@{}", c.repository, c.sha),
        Event::Deployment(d) => d.id.to_string(),
        Event::Incident(i) => i.id.to_string(),
    }
}

/// The repository an event names (an incident names a service only).
pub(crate) fn repository(event: &Event) -> &str {
    match event {
        Event::Change(c) => &c.repository,
        Event::Deployment(d) => &d.repository,
        Event::Incident(_) => "",
    }
}

/// The event in the bulk format's fields.
pub(crate) fn event(event: &Event) -> Value {
    match event {
        Event::Change(c) => json!({
            "sha": c.sha,
            "repository": c.repository,
            "author": c.author,
            "authored_at": timestamp(c.authored_at),
            "committed_at": timestamp(c.committed_at),
            "merged_at": timestamp(c.merged_at),
        }),
        Event::Deployment(d) => {
            let mut value = json!({
                "id": d.id,
                "repository": d.repository,
                "service": d.service,
                "environment": d.environment,
                "started_at": timestamp(d.started_at),
                "finished_at": timestamp(d.finished_at),
                "status": if d.status == Status::Success { "success" } else { "failure" },
                "commits": d.commits,
                "rollback_of": d.rollback_of,
                "fixes": d.fixes,
            });
            // The source's declaration of its environment, only when it made one.
            if let (Some(production), Some(object)) = (d.production, value.as_object_mut()) {
                object.insert("production".into(), Value::Bool(production));
            }
            value
        }
        Event::Incident(i) => json!({
            "id": i.id,
            "service": i.service,
            "opened_at": timestamp(i.opened_at),
            "resolved_at": i.resolved_at.map(timestamp),
            "caused_by_deployment": i.caused_by_deployment,
        }),
    }
}

/// A report row as JSON, wherever a report is given as JSON (API, CLI): the
/// reference CSV's columns, plus the incident figures.
pub fn row(r: &Row) -> Value {
    json!({
        "level": r.scope.as_str(),
        "entity": r.entity,
        "team": r.team,
        "bucket": r.bucket.to_string(),
        "bucket_start": r.start.to_string(),
        "bucket_end": r.end.to_string(),
        "days": r.days,
        "deployments": r.deployments,
        "deployments_per_day": r.deployments_per_day,
        "lead_time_changes": r.lead_time_changes,
        "lead_time_median_hours": r.lead_time_median_hours,
        "lead_time_p90_hours": r.lead_time_p90_hours,
        "production_deployments": r.production_deployments,
        "failed_deployments": r.failed_deployments,
        "change_failure_rate": r.change_failure_rate,
        "recovered_deployments": r.recovered_deployments,
        "recovery_median_hours": r.recovery_median_hours,
        "rework_deployments": r.rework_deployments,
        "rework_rate": r.rework_rate,
        "incidents": r.incidents,
        "resolved_incidents": r.resolved_incidents,
        "incident_recovery_median_hours": r.incident_recovery_median_hours,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_in_utc() {
        // 1709547600 = 2024-03-04T10:20:00Z.
        assert_eq!(timestamp(1_709_547_600), "2024-03-04T10:20:00Z");
        assert_eq!(timestamp(-1), "1969-12-31T23:59:59Z");
    }
}
