//! The view model of an API definition: what the page shows, already
//! resolved (`$ref`s followed) and with Markdown descriptions rendered to
//! safe HTML. Fields ending in `_html` hold HTML; every other string is text.

/// An OpenAPI, Swagger or AsyncAPI document, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiDocument {
    /// The specification and its version, e.g. `OpenAPI 3.1.0`, `AsyncAPI 2.6.0`.
    pub spec: String,
    pub title: String,
    pub version: String,
    pub summary: Option<String>,
    pub description_html: Option<String>,
    pub contact: Option<Contact>,
    pub license: Option<Link>,
    pub servers: Vec<Server>,
    /// HTTP operations grouped by tag (OpenAPI, Swagger).
    pub operation_groups: Vec<OperationGroup>,
    /// Channels with their operations and messages (AsyncAPI).
    pub channels: Vec<Channel>,
    /// Named schemas (`components.schemas`, `definitions`).
    pub schemas: Vec<NamedSchema>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    pub name: Option<String>,
    /// Only `http(s)` URLs are kept.
    pub url: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    pub text: String,
    /// Only `http(s)` URLs are kept.
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Server {
    /// The key of an AsyncAPI server.
    pub name: Option<String>,
    /// As written, variables included (`https://{region}.example.org`); shown as text, never as a link.
    pub url: String,
    pub protocol: Option<String>,
    pub description_html: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperationGroup {
    /// `None` for operations without a tag.
    pub tag: Option<String>,
    /// The group's `id` attribute.
    pub id: String,
    pub description_html: Option<String>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Operation {
    /// The operation's `id` attribute, unique within the page.
    pub id: String,
    /// Upper case: `GET`, `POST`...
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description_html: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parameter {
    pub name: String,
    /// `path`, `query`, `header`, `cookie` (`formData` in Swagger 2.0; empty for AsyncAPI).
    pub location: String,
    pub required: bool,
    pub deprecated: bool,
    pub description_html: Option<String>,
    pub schema: Option<SchemaNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestBody {
    pub required: bool,
    pub description_html: Option<String>,
    pub content: Vec<MediaType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaType {
    /// `application/json`, or several joined by `, ` (Swagger 2.0).
    pub content_type: String,
    pub schema: Option<SchemaNode>,
    /// The first example, as indented JSON (cut when long).
    pub example: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    /// `200`, `4XX`, `default`...
    pub status: String,
    pub description_html: Option<String>,
    pub content: Vec<MediaType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Channel {
    /// The channel's key (AsyncAPI 2: its address too).
    pub name: String,
    /// The `id` attribute.
    pub id: String,
    /// AsyncAPI 3 `address`, when it differs from the key.
    pub address: Option<String>,
    pub description_html: Option<String>,
    pub parameters: Vec<Parameter>,
    pub operations: Vec<ChannelOperation>,
    /// Messages declared on the channel itself (AsyncAPI 3).
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelOperation {
    /// `publish`/`subscribe` (AsyncAPI 2) or `send`/`receive` (AsyncAPI 3).
    pub action: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description_html: Option<String>,
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub name: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description_html: Option<String>,
    pub content_type: Option<String>,
    pub headers: Option<SchemaNode>,
    pub payload: Option<SchemaNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamedSchema {
    pub name: String,
    /// The `id` attribute that references to this schema link to.
    pub id: String,
    pub schema: SchemaNode,
}

/// One node of a schema shown as a nested list: a property, an array's
/// items, a variant of `oneOf`/`anyOf`.
///
/// A reference to a named schema below the top of a tree is not expanded:
/// `link` names its anchor and the Schemas section shows it once. That keeps
/// the page readable and its size linear in the document's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SchemaNode {
    /// The property name (`None` at the top and for variants).
    pub name: Option<String>,
    pub required: bool,
    pub deprecated: bool,
    /// `string`, `object`, `string | null`, `array<Transfer>`... (empty when the schema does not say).
    pub type_label: String,
    /// The `id` of the named schema this node refers to, when it is shown as a link.
    pub link: Option<String>,
    /// The named schema this tree expands (at the top of a tree only).
    pub schema_name: Option<String>,
    pub format: Option<String>,
    pub description_html: Option<String>,
    /// Allowed values (`enum`, `const`), as written.
    pub enum_values: Vec<String>,
    /// How many more allowed values were left out.
    pub enum_more: usize,
    pub default: Option<String>,
    pub example: Option<String>,
    /// Validation keywords, as `keyword: value` (`maxLength: 70`, `pattern: ^[A-Z]+$`).
    pub constraints: Vec<String>,
    /// Properties of an object (of the items, for an array of objects).
    pub properties: Vec<SchemaNode>,
    /// `oneOf`, `anyOf` or `allOf` when the schema offers alternatives.
    pub variant_kind: Option<String>,
    pub variants: Vec<SchemaNode>,
    pub note: Option<SchemaNote>,
}

/// Why a node is not expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaNote {
    /// A reference back to a schema being expanded.
    Recursive,
    /// The depth or size limit was reached.
    Truncated,
    /// A `$ref` that is not in the document (external files are not read).
    Unresolved(String),
}
