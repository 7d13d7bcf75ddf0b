//! The body of `POST /api/delivery/events`: `{"changes": [...], "deployments": [...],
//! "incidents": [...]}`, each element with the bulk format's fields. Each element is read
//! by the bulk format's own reader, so both accept exactly the same events.

use kiosque_delivery::{read_changes, read_deployments, read_incidents, Event};
use serde_json::Value;

/// The events of a body, or a message naming the first bad element (`deployments[2]:1:8:
/// …`, the column counting in the element's compact JSON).
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Event>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("malformed JSON: {e}"))?;
    let Some(object) = value.as_object() else {
        return Err("the body must be a JSON object with changes, deployments and incidents arrays".into());
    };
    if let Some(other) = object.keys().find(|k| !matches!(k.as_str(), "changes" | "deployments" | "incidents")) {
        return Err(format!("unknown member {other:?}: expected changes, deployments and incidents"));
    }
    let mut events = Vec::new();
    for kind in ["changes", "deployments", "incidents"] {
        let Some(list) = object.get(kind) else { continue };
        let Some(list) = list.as_array() else {
            return Err(format!("{kind} must be an array"));
        };
        for (i, element) in list.iter().enumerate() {
            let line = element.to_string();
            let name = format!("{kind}[{i}]");
            let event = match kind {
                "changes" => read_changes(line.as_bytes(), &name).next().map(|r| r.map(Event::Change)),
                "deployments" => read_deployments(line.as_bytes(), &name).next().map(|r| r.map(Event::Deployment)),
                _ => read_incidents(line.as_bytes(), &name).next().map(|r| r.map(Event::Incident)),
            };
            match event {
                Some(Ok(event)) => events.push(event),
                Some(Err(e)) => return Err(e.to_string()),
                None => return Err(format!("{name}: empty element")),
            }
        }
    }
    Ok(events)
}
