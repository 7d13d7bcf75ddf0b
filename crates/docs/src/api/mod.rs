//! API definitions: OpenAPI 3.x, Swagger 2.0 and AsyncAPI 2.x/3.x documents,
//! from YAML or JSON text, into an [`ApiDocument`] view model, then HTML.

mod asyncapi;
mod model;
mod openapi;
mod render;
mod schema;

use kiosque_descriptor::{Document, Position};
use serde_json::{Map, Value};

pub use model::*;
pub use render::{render_api, render_api_error};

use crate::error::DocsError;
use crate::markdown::render_fragment;
use crate::slug::{slugify, UniqueIds};
use schema::Resolver;

/// Larger definitions are refused (the catalog refuses larger files anyway).
pub const MAX_DEFINITION_BYTES: usize = 16 * 1024 * 1024;

/// Parses an API definition (an entity's `spec.definition`), YAML or JSON,
/// and builds its view model. The kind of document is read from its own
/// `openapi`, `swagger` or `asyncapi` field. Errors say where and what, as
/// `line 12, column 3: …` when the position is known.
pub fn parse_api_definition(definition: &str) -> Result<ApiDocument, DocsError> {
    if definition.len() > MAX_DEFINITION_BYTES {
        return Err(DocsError::new(format!(
            "the definition is {} bytes long; the limit is {MAX_DEFINITION_BYTES} bytes",
            definition.len()
        )));
    }
    let source = Source::parse(definition)?;
    let Value::Object(root) = source.value() else {
        return Err(source.error("", "an API definition must be a mapping of fields, such as `openapi: 3.1.0`"));
    };
    if let Some(version) = root.get("openapi") {
        let version = scalar(version).unwrap_or_default();
        if !version.starts_with("3.") {
            return Err(source
                .error("/openapi", format!("unsupported OpenAPI version \"{version}\" (supported: 2.0, 3.0, 3.1)")));
        }
        return openapi::build(&source, root, &version, false);
    }
    if let Some(version) = root.get("swagger") {
        let version = scalar(version).unwrap_or_default();
        if version != "2.0" && version != "2" {
            return Err(source.error("/swagger", format!("unsupported Swagger version \"{version}\" (supported: 2.0)")));
        }
        return openapi::build(&source, root, "2.0", true);
    }
    if let Some(version) = root.get("asyncapi") {
        let version = scalar(version).unwrap_or_default();
        if !version.starts_with("2.") && !version.starts_with("3.") {
            return Err(
                source.error("/asyncapi", format!("unsupported AsyncAPI version \"{version}\" (supported: 2.x, 3.x)"))
            );
        }
        return asyncapi::build(&source, root, &version);
    }
    Err(source.error("", "not an OpenAPI or AsyncAPI document: it has no `openapi`, `swagger` or `asyncapi` field"))
}

/// The parsed text, with positions when it was YAML.
pub(crate) enum Source {
    Yaml(Document),
    Json(Value),
}

impl Source {
    fn parse(text: &str) -> Result<Source, DocsError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let looks_like_json = text.trim_start().starts_with(['{', '[']);
        if looks_like_json {
            match serde_json::from_str(text) {
                Ok(value) => return Ok(Source::Json(value)),
                // A YAML flow mapping (`{openapi: 3.0.0, …}`) starts the same way.
                Err(err) => match kiosque_descriptor::parse_documents(text) {
                    Ok(mut documents) if documents.len() == 1 => return Ok(Source::Yaml(documents.remove(0))),
                    _ => {
                        let position =
                            (err.line() > 0).then(|| Position { line: err.line() as u32, col: err.column() as u32 });
                        let message = err.to_string();
                        // serde_json appends " at line L column C"; the position says it already.
                        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
                        return Err(DocsError::at(position, message));
                    }
                },
            }
        }
        let mut documents = kiosque_descriptor::parse_documents(text)?;
        match documents.len() {
            0 => Err(DocsError::new("the definition is empty")),
            1 => Ok(Source::Yaml(documents.remove(0))),
            _ => Err(DocsError::at(
                Some(documents[1].position()),
                "the definition holds several YAML documents; expected one",
            )),
        }
    }

    pub(crate) fn value(&self) -> &Value {
        match self {
            Source::Yaml(document) => &document.value,
            Source::Json(value) => value,
        }
    }

    /// An error about the node at a JSON pointer: positioned for YAML, and
    /// naming the pointer for JSON (whose parser keeps no positions).
    pub(crate) fn error(&self, pointer: &str, message: impl Into<String>) -> DocsError {
        let message = message.into();
        match self {
            Source::Yaml(document) => DocsError::at(Some(document.locate(pointer)), message),
            Source::Json(_) if pointer.is_empty() => DocsError::new(message),
            Source::Json(_) => DocsError::new(format!("{message} (at {pointer})")),
        }
    }
}

/// State shared while one document is built.
pub(crate) struct Builder<'a> {
    pub(crate) source: &'a Source,
    pub(crate) root: &'a Map<String, Value>,
    pub(crate) resolver: Resolver<'a>,
    pub(crate) ids: UniqueIds,
}

impl<'a> Builder<'a> {
    fn new(source: &'a Source, root: &'a Map<String, Value>, named_prefix: &'static str) -> Self {
        Builder { source, root, resolver: Resolver::new(source.value(), named_prefix), ids: UniqueIds::default() }
    }

    /// Title, version, description, contact and license from `info`.
    fn info(&self, doc: &mut ApiDocument) -> Result<(), DocsError> {
        let info = match self.root.get("info") {
            Some(Value::Object(info)) => info,
            Some(_) => return Err(self.source.error("/info", "`info` must be a mapping")),
            None => return Err(self.source.error("", "`info` is missing")),
        };
        doc.title = info.get("title").and_then(scalar).unwrap_or_default();
        doc.version = info.get("version").and_then(scalar).unwrap_or_default();
        doc.summary = text(info, "summary");
        doc.description_html = markdown(info, "description");
        if let Some(Value::Object(contact)) = info.get("contact") {
            doc.contact = Some(Contact {
                name: text(contact, "name"),
                url: text(contact, "url").filter(|u| is_web_url(u)),
                email: text(contact, "email").filter(|e| is_email(e)),
            })
            .filter(|c| c.name.is_some() || c.url.is_some() || c.email.is_some());
        }
        if let Some(Value::Object(license)) = info.get("license") {
            doc.license = text(license, "name")
                .map(|name| Link { text: name, url: text(license, "url").filter(|u| is_web_url(u)) });
        }
        Ok(())
    }

    /// Gives every named schema an anchor, then builds their trees.
    fn named_schemas(&mut self, schemas: Option<&'a Value>) -> Vec<NamedSchema> {
        let Some(Value::Object(schemas)) = schemas else {
            return Vec::new();
        };
        let anchors: Vec<(String, String)> =
            schemas.keys().map(|name| (name.clone(), self.ids.claim(format!("schema-{}", slugify(name))))).collect();
        self.resolver.set_anchors(anchors.iter().cloned().collect());
        anchors
            .into_iter()
            .zip(schemas.values())
            .map(|((name, id), schema)| {
                let mut tree = self.resolver.tree(schema);
                tree.schema_name = None;
                NamedSchema { name, id, schema: tree }
            })
            .collect()
    }
}

pub(crate) fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(scalar).filter(|s| !s.trim().is_empty())
}

pub(crate) fn markdown(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).filter(|s| !s.trim().is_empty()).map(render_fragment)
}

pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && !url.chars().any(char::is_control)
}

fn is_email(email: &str) -> bool {
    email.contains('@') && !email.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>()[]\\,;:".contains(c))
}
