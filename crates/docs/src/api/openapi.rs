//! OpenAPI 3.x and Swagger 2.0 documents → view model.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::model::*;
use super::schema::block_value;
use super::{markdown, scalar, text, Builder, Source};
use crate::error::DocsError;
use crate::slug::slugify;

/// The order operations of a path are shown in (the specification's order).
pub(super) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub(super) fn build(
    source: &Source,
    root: &Map<String, Value>,
    version: &str,
    swagger: bool,
) -> Result<ApiDocument, DocsError> {
    let named_prefix = if swagger { "#/definitions/" } else { "#/components/schemas/" };
    let mut b = Builder::new(source, root, named_prefix);
    let mut doc = ApiDocument {
        spec: format!("{} {version}", if swagger { "Swagger" } else { "OpenAPI" }),
        ..ApiDocument::default()
    };
    b.info(&mut doc)?;

    // OpenAPI 3.1 made `paths` optional (a document may hold only webhooks or components).
    let paths_optional = !swagger && !version.starts_with("3.0");
    let paths = match root.get("paths") {
        Some(Value::Object(paths)) => Some(paths),
        None if paths_optional => {
            if !root.contains_key("webhooks") && !root.contains_key("components") {
                return Err(source.error("", "the document has none of `paths`, `webhooks` or `components`"));
            }
            None
        }
        None => return Err(source.error("", "`paths` is missing")),
        Some(_) => return Err(source.error("/paths", "`paths` must be a mapping of paths to operations")),
    };

    doc.servers = if swagger { swagger_servers(root) } else { servers(root) };
    let schemas = if swagger { root.get("definitions") } else { root.get("components").and_then(|c| c.get("schemas")) };
    doc.schemas = b.named_schemas(schemas);

    let media =
        MediaDefaults { consumes: string_list(root.get("consumes")), produces: string_list(root.get("produces")) };
    let mut groups = Groups::new(root);
    for (path, item) in paths.into_iter().flatten() {
        let pointer = format!("/paths/{}", path.replace('~', "~0").replace('/', "~1"));
        let Some(Value::Object(item)) = b.resolver.resolve(item) else {
            return Err(source.error(&pointer, format!("path \"{path}\" must be a mapping of operations")));
        };
        let shared = item.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for method in METHODS {
            let Some(Value::Object(op)) = item.get(method) else {
                continue;
            };
            let operation = if swagger {
                swagger_operation(&b, method, path, shared, op, &media)
            } else {
                operation(&b, method, path, shared, op)
            };
            let tags: Vec<String> = string_list(op.get("tags"));
            groups.add(&mut b, tags, operation);
        }
    }
    doc.operation_groups = groups.finish(&mut b);
    Ok(doc)
}

/// Operations gathered per tag; declared tags keep their declared order.
struct Groups {
    groups: Vec<OperationGroup>,
    by_tag: HashMap<Option<String>, usize>,
    descriptions: HashMap<String, Option<String>>,
    declared: Vec<String>,
}

impl Groups {
    fn new(root: &Map<String, Value>) -> Self {
        let mut declared = Vec::new();
        let mut descriptions = HashMap::new();
        for tag in root.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object) {
            if let Some(name) = text(tag, "name") {
                descriptions.insert(name.clone(), markdown(tag, "description"));
                declared.push(name);
            }
        }
        Groups { groups: Vec::new(), by_tag: HashMap::new(), descriptions, declared }
    }

    fn add(&mut self, b: &mut Builder<'_>, tags: Vec<String>, operation: Operation) {
        let tags: Vec<Option<String>> = if tags.is_empty() { vec![None] } else { tags.into_iter().map(Some).collect() };
        let mut operation = Some(operation);
        let count = tags.len();
        for (n, tag) in tags.into_iter().enumerate() {
            let index = match self.by_tag.get(&tag) {
                Some(&index) => index,
                None => {
                    let description = tag.as_ref().and_then(|t| self.descriptions.get(t).cloned().flatten());
                    self.groups.push(OperationGroup {
                        tag: tag.clone(),
                        id: String::new(),
                        description_html: description,
                        operations: Vec::new(),
                    });
                    self.by_tag.insert(tag, self.groups.len() - 1);
                    self.groups.len() - 1
                }
            };
            // An operation with several tags is shown in each group, each copy with its own id.
            let mut copy = if n + 1 == count {
                operation.take().unwrap_or_default()
            } else {
                operation.clone().unwrap_or_default()
            };
            copy.id = b.ids.claim(copy.id);
            self.groups[index].operations.push(copy);
        }
    }

    fn finish(mut self, b: &mut Builder<'_>) -> Vec<OperationGroup> {
        let rank = |group: &OperationGroup| match &group.tag {
            Some(tag) => self.declared.iter().position(|d| d == tag).unwrap_or(usize::MAX - 1),
            None => usize::MAX,
        };
        // Stable: undeclared tags stay in order of first appearance.
        self.groups.sort_by_key(|g| rank(g));
        for group in &mut self.groups {
            let base = match &group.tag {
                Some(tag) => format!("tag-{}", slugify(tag)),
                None => "tag-untagged".to_string(),
            };
            group.id = b.ids.claim(base);
        }
        self.groups
    }
}

fn operation_base_id(method: &str, path: &str, op: &Map<String, Value>) -> String {
    match text(op, "operationId") {
        Some(id) => format!("op-{}", slugify(&id)),
        None => format!("op-{}", slugify(&format!("{method} {path}"))),
    }
}

fn operation_header(b: &Builder<'_>, method: &str, path: &str, op: &Map<String, Value>) -> Operation {
    Operation {
        id: operation_base_id(method, path, op),
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        operation_id: text(op, "operationId"),
        summary: text(op, "summary"),
        description_html: b.resolver.markdown(op, "description"),
        deprecated: op.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
        ..Operation::default()
    }
}

/// Path-level parameters, overridden by operation-level ones with the same name and location.
fn merged_parameters<'a>(b: &Builder<'a>, shared: &'a [Value], own: Option<&'a Value>) -> Vec<&'a Map<String, Value>> {
    let key = |p: &Map<String, Value>| (text(p, "name"), text(p, "in"));
    let resolved = |list: &'a [Value]| -> Vec<&'a Map<String, Value>> {
        list.iter().filter_map(|p| b.resolver.resolve(p).and_then(Value::as_object)).collect()
    };
    let own = resolved(own.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default());
    let overridden: HashSet<_> = own.iter().map(|p| key(p)).collect();
    let mut merged: Vec<_> = resolved(shared).into_iter().filter(|p| !overridden.contains(&key(p))).collect();
    merged.extend(own);
    merged
}

fn operation(b: &Builder<'_>, method: &str, path: &str, shared: &[Value], op: &Map<String, Value>) -> Operation {
    let mut operation = operation_header(b, method, path, op);
    for parameter in merged_parameters(b, shared, op.get("parameters")) {
        let schema = parameter.get("schema").or_else(|| {
            // `content` instead of `schema`: the schema of its (single) media type.
            parameter
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("schema"))
        });
        operation.parameters.push(Parameter {
            name: text(parameter, "name").unwrap_or_default(),
            location: text(parameter, "in").unwrap_or_default(),
            required: parameter.get("required").and_then(Value::as_bool).unwrap_or(false),
            deprecated: parameter.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
            description_html: b.resolver.markdown(parameter, "description"),
            schema: schema.map(|s| b.resolver.tree(s)),
        });
    }
    if let Some(Value::Object(body)) = op.get("requestBody").and_then(|v| b.resolver.resolve(v)) {
        operation.request_body = Some(RequestBody {
            required: body.get("required").and_then(Value::as_bool).unwrap_or(false),
            description_html: b.resolver.markdown(body, "description"),
            content: content(b, body.get("content")),
        });
    }
    if let Some(Value::Object(responses)) = op.get("responses") {
        for (status, response) in responses {
            let Some(Value::Object(response)) = b.resolver.resolve(response) else {
                continue;
            };
            operation.responses.push(Response {
                status: status.clone(),
                description_html: b.resolver.markdown(response, "description"),
                content: content(b, response.get("content")),
            });
        }
    }
    operation
}

/// The media types of an OpenAPI 3 `content` mapping.
fn content(b: &Builder<'_>, content: Option<&Value>) -> Vec<MediaType> {
    let Some(Value::Object(content)) = content else {
        return Vec::new();
    };
    content
        .iter()
        .map(|(content_type, media)| {
            let example = media.get("example").or_else(|| {
                let first = media.get("examples")?.as_object()?.values().next()?;
                b.resolver.resolve(first)?.get("value")
            });
            MediaType {
                content_type: content_type.clone(),
                schema: media.get("schema").map(|s| b.resolver.tree(s)),
                example: example.map(block_value),
            }
        })
        .collect()
}

struct MediaDefaults {
    consumes: Vec<String>,
    produces: Vec<String>,
}

fn swagger_operation(
    b: &Builder<'_>,
    method: &str,
    path: &str,
    shared: &[Value],
    op: &Map<String, Value>,
    media: &MediaDefaults,
) -> Operation {
    let mut operation = operation_header(b, method, path, op);
    let media_types = |key: &str, default: &[String]| {
        let own = string_list(op.get(key));
        let list = if own.is_empty() { default.to_vec() } else { own };
        if list.is_empty() {
            "application/json".to_string()
        } else {
            list.join(", ")
        }
    };
    for parameter in merged_parameters(b, shared, op.get("parameters")) {
        let location = text(parameter, "in").unwrap_or_default();
        if location == "body" {
            operation.request_body = Some(RequestBody {
                required: parameter.get("required").and_then(Value::as_bool).unwrap_or(false),
                description_html: b.resolver.markdown(parameter, "description"),
                content: vec![MediaType {
                    content_type: media_types("consumes", &media.consumes),
                    schema: parameter.get("schema").map(|s| b.resolver.tree(s)),
                    example: None,
                }],
            });
            continue;
        }
        // Swagger 2.0 puts a non-body parameter's type, format, enum... on the parameter itself.
        let mut schema = b.resolver.tree(&Value::Object(parameter.clone()));
        schema.description_html = None;
        operation.parameters.push(Parameter {
            name: text(parameter, "name").unwrap_or_default(),
            location,
            required: parameter.get("required").and_then(Value::as_bool).unwrap_or(false),
            deprecated: false,
            description_html: b.resolver.markdown(parameter, "description"),
            schema: Some(schema),
        });
    }
    if let Some(Value::Object(responses)) = op.get("responses") {
        for (status, response) in responses {
            let Some(Value::Object(response)) = b.resolver.resolve(response) else {
                continue;
            };
            let schema = response.get("schema").map(|s| b.resolver.tree(s));
            let example =
                response.get("examples").and_then(Value::as_object).and_then(|e| e.values().next()).map(block_value);
            let content = if schema.is_some() || example.is_some() {
                vec![MediaType { content_type: media_types("produces", &media.produces), schema, example }]
            } else {
                Vec::new()
            };
            operation.responses.push(Response {
                status: status.clone(),
                description_html: b.resolver.markdown(response, "description"),
                content,
            });
        }
    }
    operation
}

fn servers(root: &Map<String, Value>) -> Vec<Server> {
    let Some(Value::Array(servers)) = root.get("servers") else {
        return Vec::new();
    };
    servers
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|server| {
            Some(Server {
                name: None,
                url: text(server, "url")?,
                protocol: None,
                description_html: markdown(server, "description"),
            })
        })
        .collect()
}

fn swagger_servers(root: &Map<String, Value>) -> Vec<Server> {
    let base_path = text(root, "basePath").unwrap_or_default();
    let Some(host) = text(root, "host") else {
        return if base_path.is_empty() { Vec::new() } else { vec![Server { url: base_path, ..Server::default() }] };
    };
    let mut schemes = string_list(root.get("schemes"));
    if schemes.is_empty() {
        schemes.push("https".into());
    }
    schemes
        .into_iter()
        .map(|scheme| Server { url: format!("{scheme}://{host}{base_path}"), ..Server::default() })
        .collect()
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).map(|items| items.iter().filter_map(scalar).collect()).unwrap_or_default()
}
