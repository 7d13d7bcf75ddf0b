//! AsyncAPI 2.x and 3.x documents → view model.

use serde_json::{Map, Value};

use super::model::*;
use super::schema::Followed;
use super::{markdown, text, Builder, Source};
use crate::error::DocsError;
use crate::slug::slugify;

pub(super) fn build(source: &Source, root: &Map<String, Value>, version: &str) -> Result<ApiDocument, DocsError> {
    let mut b = Builder::new(source, root, "#/components/schemas/");
    let mut doc = ApiDocument { spec: format!("AsyncAPI {version}"), ..ApiDocument::default() };
    b.info(&mut doc)?;
    let v3 = version.starts_with("3.");

    let channels = match root.get("channels") {
        Some(Value::Object(channels)) => Some(channels),
        // AsyncAPI 3 made channels optional; 2.x requires them.
        None | Some(Value::Null) if v3 => None,
        None => return Err(source.error("", "`channels` is missing")),
        Some(_) => return Err(source.error("/channels", "`channels` must be a mapping of channel names to channels")),
    };
    doc.servers = servers(root, v3);
    doc.schemas = b.named_schemas(root.get("components").and_then(|c| c.get("schemas")));
    let default_content_type = text(root, "defaultContentType");

    for (name, channel) in channels.into_iter().flatten() {
        let Some(Value::Object(channel)) = b.resolver.resolve(channel) else {
            let pointer = format!("/channels/{}", name.replace('~', "~0").replace('/', "~1"));
            return Err(source.error(&pointer, format!("channel \"{name}\" must be a mapping")));
        };
        let mut view = Channel {
            name: name.clone(),
            id: b.ids.claim(format!("channel-{}", slugify(name))),
            address: text(channel, "address").filter(|address| address != name),
            description_html: b.resolver.markdown(channel, "description"),
            parameters: parameters(&b, channel.get("parameters")),
            ..Channel::default()
        };
        if v3 {
            if let Some(Value::Object(messages)) = channel.get("messages") {
                for (key, message) in messages {
                    view.messages.extend(self::message(&b, key, message, default_content_type.as_deref()));
                }
            }
        } else {
            for action in ["publish", "subscribe"] {
                let Some(Value::Object(op)) = channel.get(action) else {
                    continue;
                };
                let mut operation = operation_header(action, op);
                operation.messages =
                    op.get("message").map(|m| messages_v2(&b, m, default_content_type.as_deref())).unwrap_or_default();
                view.operations.push(operation);
            }
        }
        doc.channels.push(view);
    }

    if v3 {
        attach_v3_operations(&b, root, &mut doc.channels);
    }
    Ok(doc)
}

fn operation_header(action: &str, op: &Map<String, Value>) -> ChannelOperation {
    ChannelOperation {
        action: action.to_string(),
        operation_id: text(op, "operationId"),
        summary: text(op, "summary").or_else(|| text(op, "title")),
        description_html: markdown(op, "description"),
        ..ChannelOperation::default()
    }
}

/// AsyncAPI 3 declares operations beside channels, pointing at them by `$ref`.
fn attach_v3_operations(b: &Builder<'_>, root: &Map<String, Value>, channels: &mut [Channel]) {
    let Some(Value::Object(operations)) = root.get("operations") else {
        return;
    };
    for (id, op) in operations {
        let Some(Value::Object(op)) = b.resolver.resolve(op) else {
            continue;
        };
        let Some(channel_ref) = op.get("channel").and_then(|c| c.get("$ref")).and_then(Value::as_str) else {
            continue;
        };
        let Some(channel_name) =
            channel_ref.strip_prefix("#/channels/").map(|n| n.replace("~1", "/").replace("~0", "~"))
        else {
            continue;
        };
        let Some(channel) = channels.iter_mut().find(|c| c.name == channel_name) else {
            continue;
        };
        let action = text(op, "action").unwrap_or_default();
        let mut operation = operation_header(&action, op);
        operation.operation_id = Some(id.clone());
        // The names of the channel's messages it carries; the channel shows the messages themselves.
        for reference in op.get("messages").and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = message_name(b, "", reference) {
                operation.messages.push(Message { name, ..Message::default() });
            }
        }
        channel.operations.push(operation);
    }
}

fn parameters(b: &Builder<'_>, parameters: Option<&Value>) -> Vec<Parameter> {
    let Some(Value::Object(parameters)) = parameters else {
        return Vec::new();
    };
    parameters
        .iter()
        .filter_map(|(name, parameter)| {
            let Value::Object(parameter) = b.resolver.resolve(parameter)? else {
                return None;
            };
            // AsyncAPI 2 gives a schema; AsyncAPI 3 puts enum, default and examples on the parameter.
            let schema = match parameter.get("schema") {
                Some(schema) => b.resolver.tree(schema),
                None => {
                    let mut tree = b.resolver.tree(&Value::Object(parameter.clone()));
                    tree.description_html = None;
                    tree
                }
            };
            Some(Parameter {
                name: name.clone(),
                location: String::new(),
                required: true,
                deprecated: false,
                description_html: b.resolver.markdown(parameter, "description"),
                schema: Some(schema),
            })
        })
        .collect()
}

/// An AsyncAPI 2 operation's `message`: one message, or `oneOf` several.
fn messages_v2(b: &Builder<'_>, value: &Value, default_content_type: Option<&str>) -> Vec<Message> {
    let resolved = b.resolver.resolve(value);
    match resolved.and_then(|m| m.get("oneOf")).and_then(Value::as_array) {
        Some(variants) => variants.iter().filter_map(|v| message(b, "", v, default_content_type)).collect(),
        None => message(b, "", value, default_content_type).into_iter().collect(),
    }
}

/// A message's name: its `name`, else its `messageId`, else the last
/// segment of the reference to it, else its key; an unresolved reference
/// is named by the reference itself.
fn message_name(b: &Builder<'_>, key: &str, value: &Value) -> Option<String> {
    let reference_name = value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .map(|name| name.replace("~1", "/").replace("~0", "~"));
    match b.resolver.follow(value) {
        Followed::Found(Value::Object(message)) => Some(
            text(message, "name")
                .or_else(|| text(message, "messageId"))
                .or(reference_name)
                .or_else(|| (!key.is_empty()).then(|| key.to_string()))
                .unwrap_or_else(|| "message".to_string()),
        ),
        Followed::Missing(reference) => Some(reference),
        _ => None,
    }
}

fn message(b: &Builder<'_>, key: &str, value: &Value, default_content_type: Option<&str>) -> Option<Message> {
    let name = message_name(b, key, value)?;
    let Followed::Found(Value::Object(message)) = b.resolver.follow(value) else {
        return Some(Message { name, ..Message::default() });
    };
    Some(Message {
        name,
        title: text(message, "title"),
        summary: text(message, "summary"),
        description_html: b.resolver.markdown(message, "description"),
        content_type: text(message, "contentType").or_else(|| default_content_type.map(str::to_string)),
        headers: message.get("headers").map(|h| b.resolver.tree(schema_of(h))),
        payload: message.get("payload").map(|p| b.resolver.tree(schema_of(p))),
    })
}

/// AsyncAPI 3 may wrap a schema with its format: `{schemaFormat, schema}`.
fn schema_of(value: &Value) -> &Value {
    match (value.get("schemaFormat"), value.get("schema")) {
        (Some(_), Some(schema)) => schema,
        _ => value,
    }
}

fn servers(root: &Map<String, Value>, v3: bool) -> Vec<Server> {
    let Some(Value::Object(servers)) = root.get("servers") else {
        return Vec::new();
    };
    servers
        .iter()
        .filter_map(|(name, server)| {
            let server = server.as_object()?;
            let url = if v3 {
                format!("{}{}", text(server, "host")?, text(server, "pathname").unwrap_or_default())
            } else {
                text(server, "url")?
            };
            Some(Server {
                name: Some(name.clone()),
                url,
                protocol: text(server, "protocol").map(|p| match text(server, "protocolVersion") {
                    Some(version) => format!("{p} {version}"),
                    None => p,
                }),
                description_html: markdown(server, "description"),
            })
        })
        .collect()
}
