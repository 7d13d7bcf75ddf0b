//! `$ref` resolution and schemas → [`SchemaNode`] trees, with cycle
//! protection and bounds on depth and size.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::model::{SchemaNode, SchemaNote};
use crate::markdown::render_fragment;

/// Nesting shown below the top of a tree.
const MAX_DEPTH: usize = 8;
/// Nodes in one tree; past it, the rest is marked as truncated.
const MAX_NODES: usize = 400;
/// Nodes in all the trees of one document: a few small schemas referenced
/// from thousands of places must not turn into gigabytes of HTML.
const MAX_DOCUMENT_NODES: usize = 250_000;
/// `$ref` chains longer than this are not followed (they are either cycles
/// or absurd).
const MAX_REF_HOPS: usize = 32;
/// Allowed values shown per enum.
const MAX_ENUM_VALUES: usize = 50;
/// Characters of an inline value (enum value, default, example).
const MAX_VALUE_CHARS: usize = 200;
/// Characters of a media type example.
const MAX_EXAMPLE_CHARS: usize = 4000;

/// The JSON Schema keywords shown as constraints, in this order.
const CONSTRAINT_KEYWORDS: &[&str] = &[
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "readOnly",
    "writeOnly",
    "contentEncoding",
    "contentMediaType",
];

/// Looks up local references in one document.
pub(crate) struct Resolver<'a> {
    root: &'a Value,
    /// Where named schemas live: `#/components/schemas/` or `#/definitions/`.
    named_prefix: &'static str,
    /// Named schema → its anchor id on the page.
    anchors: HashMap<String, String>,
    /// Rendered descriptions: a named schema is shown at every use, and
    /// generated definitions repeat the same sentences thousands of times.
    markdown: RefCell<HashMap<String, String>>,
    /// Trees of schemas that are a bare `$ref`, by reference: an operation
    /// usually shows a named schema, and a large definition shows the same
    /// few hundred of them thousands of times.
    trees: RefCell<HashMap<String, SchemaNode>>,
    /// What is left of `MAX_DOCUMENT_NODES`.
    document_budget: Cell<usize>,
}

/// The outcome of following a chain of `$ref`s.
pub(crate) enum Followed<'a> {
    Found(&'a Value),
    Missing(String),
    Cycle,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(root: &'a Value, named_prefix: &'static str) -> Self {
        Resolver {
            root,
            named_prefix,
            anchors: HashMap::new(),
            markdown: RefCell::new(HashMap::new()),
            trees: RefCell::new(HashMap::new()),
            document_budget: Cell::new(MAX_DOCUMENT_NODES),
        }
    }

    /// The field `key` of `map` as Markdown, rendered once per distinct text.
    pub(crate) fn markdown(&self, map: &Map<String, Value>, key: &str) -> Option<String> {
        self.markdown_text(map.get(key).and_then(Value::as_str)?)
    }

    pub(crate) fn markdown_text(&self, text: &str) -> Option<String> {
        if text.trim().is_empty() {
            return None;
        }
        let mut cache = self.markdown.borrow_mut();
        if let Some(html) = cache.get(text) {
            return Some(html.clone());
        }
        let html = render_fragment(text);
        cache.insert(text.to_string(), html.clone());
        Some(html)
    }

    pub(crate) fn set_anchors(&mut self, anchors: HashMap<String, String>) {
        self.anchors = anchors;
    }

    /// The value a local reference (`#/a/b`) designates.
    pub(crate) fn lookup(&self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        if pointer.is_empty() {
            return Some(self.root);
        }
        if !pointer.starts_with('/') {
            return None;
        }
        if pointer.contains('%') {
            self.root.pointer(&percent_decode(pointer))
        } else {
            self.root.pointer(pointer)
        }
    }

    /// Follows `$ref` until an object that is not a reference.
    pub(crate) fn follow(&self, mut value: &'a Value) -> Followed<'a> {
        for _ in 0..MAX_REF_HOPS {
            match value.get("$ref").and_then(Value::as_str) {
                None => return Followed::Found(value),
                Some(reference) => match self.lookup(reference) {
                    Some(target) => value = target,
                    None => return Followed::Missing(reference.to_string()),
                },
            }
        }
        Followed::Cycle
    }

    /// Follows references, giving `None` when they lead nowhere.
    pub(crate) fn resolve(&self, value: &'a Value) -> Option<&'a Value> {
        match self.follow(value) {
            Followed::Found(found) => Some(found),
            _ => None,
        }
    }

    /// The name of a named schema, for a reference like `#/components/schemas/Transfer`.
    fn named(&self, reference: &str) -> Option<String> {
        let name = reference.strip_prefix(self.named_prefix)?;
        let name = name.replace("~1", "/").replace("~0", "~");
        (!name.contains('/')).then_some(name)
    }

    /// The tree of a schema used at some place of the document (a request
    /// body, a parameter, a named schema of the Schemas section).
    pub(crate) fn tree(&self, schema: &'a Value) -> SchemaNode {
        let bare_reference = match schema {
            Value::Object(map) if map.len() == 1 => map.get("$ref").and_then(Value::as_str),
            _ => None,
        };
        let remaining = self.document_budget.get();
        if remaining == 0 {
            return SchemaNode { note: Some(SchemaNote::Truncated), ..SchemaNode::default() };
        }
        let cached = bare_reference.and_then(|r| self.trees.borrow().get(r).cloned());
        let tree = match cached {
            Some(tree) => tree,
            None => {
                let mut builder = Builder { resolver: self, budget: MAX_NODES.min(remaining), chain: Vec::new() };
                let tree = builder.node(None, false, schema, 0, true);
                if let Some(reference) = bare_reference {
                    self.trees.borrow_mut().insert(reference.to_string(), tree.clone());
                }
                tree
            }
        };
        self.document_budget.set(remaining.saturating_sub(count_nodes(&tree)));
        tree
    }
}

struct Builder<'r, 'a> {
    resolver: &'r Resolver<'a>,
    budget: usize,
    /// References being expanded, outermost first (cycle detection).
    chain: Vec<&'a str>,
}

/// The keywords of one schema object, read in a single pass over its
/// entries (one lookup per keyword would cost a tree search each, and a
/// large definition has tens of thousands of schema objects).
#[derive(Default)]
struct Keywords<'a> {
    reference: Option<&'a str>,
    type_: Option<&'a Value>,
    format: Option<&'a str>,
    description: Option<&'a str>,
    deprecated: bool,
    nullable: bool,
    enum_: Option<&'a [Value]>,
    const_: Option<&'a Value>,
    default: Option<&'a Value>,
    example: Option<&'a Value>,
    examples: Option<&'a [Value]>,
    items: Option<&'a Value>,
    properties: Option<&'a Map<String, Value>>,
    required: Option<&'a [Value]>,
    all_of: Option<&'a [Value]>,
    variants: Option<(&'static str, &'a [Value])>,
    additional: Option<&'a Value>,
    /// Indexed like `CONSTRAINT_KEYWORDS`, so they show in that order.
    constraints: [Option<&'a Value>; CONSTRAINT_KEYWORDS.len()],
}

impl<'a> Keywords<'a> {
    fn read(map: &'a Map<String, Value>) -> Self {
        let mut k = Keywords::default();
        for (key, value) in map {
            match key.as_str() {
                "$ref" => k.reference = value.as_str(),
                "type" => k.type_ = Some(value),
                "format" => k.format = value.as_str(),
                "description" => k.description = value.as_str(),
                "deprecated" => k.deprecated = value.as_bool() == Some(true),
                "nullable" => k.nullable = value.as_bool() == Some(true),
                "enum" => k.enum_ = value.as_array().map(Vec::as_slice),
                "const" => k.const_ = Some(value),
                "default" => k.default = Some(value),
                "example" => k.example = Some(value),
                "examples" => k.examples = value.as_array().map(Vec::as_slice),
                "items" => k.items = Some(value),
                "properties" => k.properties = value.as_object(),
                "required" => k.required = value.as_array().map(Vec::as_slice),
                "allOf" => k.all_of = value.as_array().map(Vec::as_slice),
                // oneOf wins over anyOf when both are there.
                "oneOf" => k.variants = value.as_array().map(|v| ("oneOf", v.as_slice())),
                "anyOf" if k.variants.is_none() => k.variants = value.as_array().map(|v| ("anyOf", v.as_slice())),
                "additionalProperties" if value.is_object() => k.additional = Some(value),
                other => {
                    if let Some(i) = CONSTRAINT_KEYWORDS.iter().position(|c| *c == other) {
                        k.constraints[i] = Some(value);
                    }
                }
            }
        }
        k
    }
}

/// Properties, required names and alternatives gathered from a schema and
/// the `allOf` parts merged into it.
#[derive(Default)]
struct Gathered<'a> {
    properties: Vec<(&'a str, &'a Value)>,
    /// Hash sets: a schema may have thousands of properties.
    seen: HashSet<&'a str>,
    required: HashSet<&'a str>,
    all_of_rest: Vec<&'a Value>,
    is_object: bool,
    recursive: bool,
    truncated: bool,
}

impl<'r, 'a> Builder<'r, 'a> {
    fn node(&mut self, name: Option<String>, required: bool, schema: &'a Value, depth: usize, top: bool) -> SchemaNode {
        let mut node = SchemaNode { name, required, ..SchemaNode::default() };
        if self.budget == 0 || depth > MAX_DEPTH {
            node.note = Some(SchemaNote::Truncated);
            return node;
        }
        self.budget -= 1;
        let map = match schema {
            Value::Object(map) => map,
            Value::Bool(true) => {
                node.type_label = "any".into();
                return node;
            }
            Value::Bool(false) => {
                node.type_label = "never".into();
                return node;
            }
            _ => return node,
        };
        let keywords = Keywords::read(map);
        if let Some(reference) = keywords.reference {
            return self.reference(node, &keywords, reference, depth, top);
        }
        self.fill(&mut node, &keywords, depth);
        node
    }

    fn reference(
        &mut self,
        mut node: SchemaNode,
        keywords: &Keywords<'a>,
        reference: &'a str,
        depth: usize,
        top: bool,
    ) -> SchemaNode {
        let named = self.resolver.named(reference);
        // Siblings of `$ref` (OpenAPI 3.1, AsyncAPI) describe this use of the schema.
        let description = keywords.description.and_then(|text| self.resolver.markdown_text(text));
        if let (Some(name), false) = (&named, top) {
            if let Some(anchor) = self.resolver.anchors.get(name) {
                node.type_label = name.clone();
                node.link = Some(anchor.clone());
                node.description_html = description;
                return node;
            }
        }
        if self.chain.contains(&reference) {
            node.type_label = named.unwrap_or_default();
            node.note = Some(SchemaNote::Recursive);
            return node;
        }
        if self.chain.len() >= MAX_REF_HOPS {
            node.note = Some(SchemaNote::Truncated);
            return node;
        }
        let Some(target) = self.resolver.lookup(reference) else {
            node.note = Some(SchemaNote::Unresolved(reference.to_string()));
            return node;
        };
        self.chain.push(reference);
        self.budget += 1; // the reference itself is not a node of its own
        let mut expanded = self.node(node.name.take(), node.required, target, depth, top);
        self.chain.pop();
        if top && expanded.schema_name.is_none() {
            expanded.schema_name = named;
        }
        if description.is_some() {
            expanded.description_html = description;
        }
        expanded
    }

    fn fill(&mut self, node: &mut SchemaNode, k: &Keywords<'a>, depth: usize) {
        node.format = k.format.map(str::to_string);
        node.description_html = k.description.and_then(|text| self.resolver.markdown_text(text));
        node.deprecated = k.deprecated;
        if let Some(values) = k.enum_ {
            node.enum_values = values.iter().take(MAX_ENUM_VALUES).map(inline_value).collect();
            node.enum_more = values.len().saturating_sub(MAX_ENUM_VALUES);
        } else if let Some(value) = k.const_ {
            node.enum_values = vec![inline_value(value)];
        }
        node.default = k.default.map(inline_value);
        node.example = k.example.or_else(|| k.examples.and_then(<[Value]>::first)).map(inline_value);
        for (keyword, value) in CONSTRAINT_KEYWORDS.iter().zip(&k.constraints) {
            if let Some(value) = value {
                node.constraints.push(format!("{keyword}: {}", inline_value(value)));
            }
        }

        let mut gathered = Gathered::default();
        self.gather(k, &mut gathered, 0);
        node.type_label = type_label(k, &gathered);
        if gathered.truncated {
            node.note = Some(SchemaNote::Truncated);
        } else if gathered.recursive {
            node.note = Some(SchemaNote::Recursive);
        }
        self.properties(node, &gathered, depth);
        if let Some(additional) = k.additional {
            let child = self.node(Some("*".into()), false, additional, depth + 1, false);
            node.properties.push(child);
        }

        if let Some(items) = k.items {
            self.items(node, items, depth);
        }
        if let Some((kind, variants)) = k.variants {
            node.variant_kind = Some(kind.to_string());
            for variant in variants {
                let child = self.node(None, false, variant, depth + 1, false);
                node.variants.push(child);
            }
        }
        if node.variant_kind.is_none() && !gathered.all_of_rest.is_empty() {
            node.variant_kind = Some("allOf".into());
            for part in gathered.all_of_rest {
                let child = self.node(None, false, part, depth + 1, false);
                node.variants.push(child);
            }
        }
    }

    /// Collects properties of the schema and of its `allOf` parts (followed
    /// through references: merged, not linked, as readers expect).
    fn gather(&mut self, k: &Keywords<'a>, into: &mut Gathered<'a>, level: usize) {
        if k.type_.and_then(Value::as_str) == Some("object") {
            into.is_object = true;
        }
        if let Some(properties) = k.properties {
            into.is_object = true;
            for (name, schema) in properties {
                if into.seen.insert(name.as_str()) {
                    into.properties.push((name.as_str(), schema));
                }
            }
        }
        if let Some(required) = k.required {
            into.required.extend(required.iter().filter_map(Value::as_str));
        }
        for part in k.all_of.unwrap_or_default() {
            // Merging costs like a node: `allOf: [B, B]` nested thirty deep must not take 2^30 steps.
            if self.budget == 0 {
                into.truncated = true;
                return;
            }
            self.budget -= 1;
            let (resolved, reference) = match part.get("$ref").and_then(Value::as_str) {
                Some(reference) if self.chain.contains(&reference) || level >= MAX_REF_HOPS => {
                    into.recursive = true;
                    continue;
                }
                Some(reference) => match self.resolver.lookup(reference) {
                    Some(target) => (target, Some(reference)),
                    None => {
                        into.all_of_rest.push(part);
                        continue;
                    }
                },
                None => (part, None),
            };
            let part_keywords = resolved.as_object().map(Keywords::read);
            match part_keywords {
                Some(part_keywords) if part_keywords.properties.is_some() || part_keywords.all_of.is_some() => {
                    if let Some(reference) = reference {
                        self.chain.push(reference);
                    }
                    self.gather(&part_keywords, into, level + 1);
                    if reference.is_some() {
                        self.chain.pop();
                    }
                }
                _ => into.all_of_rest.push(part),
            }
        }
    }

    fn properties(&mut self, node: &mut SchemaNode, gathered: &Gathered<'a>, depth: usize) {
        for (name, schema) in &gathered.properties {
            if self.budget == 0 {
                node.properties.push(SchemaNode { note: Some(SchemaNote::Truncated), ..SchemaNode::default() });
                break;
            }
            let required = gathered.required.contains(name);
            let child = self.node(Some(name.to_string()), required, schema, depth + 1, false);
            node.properties.push(child);
        }
    }

    /// An array shows its items' type in its own label, and an array of
    /// objects shows their properties as its own.
    fn items(&mut self, node: &mut SchemaNode, items: &'a Value, depth: usize) {
        let item = self.node(None, false, items, depth + 1, false);
        let item_label = if item.type_label.is_empty() { "any" } else { item.type_label.as_str() };
        if node.type_label.is_empty() || node.type_label == "array" {
            node.type_label = format!("array<{item_label}>");
        }
        if node.link.is_none() {
            node.link = item.link;
        }
        if node.properties.is_empty() {
            node.properties = item.properties;
        }
        if node.variants.is_empty() {
            node.variant_kind = item.variant_kind;
            node.variants = item.variants;
        }
        if node.enum_values.is_empty() {
            node.enum_values = item.enum_values;
            node.enum_more = item.enum_more;
        }
        if node.note.is_none() {
            node.note = item.note;
        }
    }
}

fn count_nodes(node: &SchemaNode) -> usize {
    1 + node.properties.iter().chain(&node.variants).map(count_nodes).sum::<usize>()
}

fn type_label(k: &Keywords<'_>, gathered: &Gathered<'_>) -> String {
    let mut label = match k.type_ {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "),
        _ if gathered.is_object => "object".into(),
        _ if k.items.is_some() => "array".into(),
        _ => match k.const_ {
            Some(Value::String(_)) => "string".into(),
            Some(Value::Number(_)) => "number".into(),
            Some(Value::Bool(_)) => "boolean".into(),
            _ => String::new(),
        },
    };
    if k.nullable && !label.contains("null") {
        label.push_str(if label.is_empty() { "null" } else { " | null" });
    }
    label
}

/// A value as one line: strings as they are, anything else as JSON; cut when long.
pub(crate) fn inline_value(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    cut_chars(text, MAX_VALUE_CHARS)
}

/// A value as indented JSON for an example block; cut when long.
pub(crate) fn block_value(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    cut_chars(text, MAX_EXAMPLE_CHARS)
}

fn cut_chars(mut text: String, max: usize) -> String {
    if let Some((end, _)) = text.char_indices().nth(max) {
        text.truncate(end);
        text.push('…');
    }
    text
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(byte) =
                std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resolver(root: &Value) -> Resolver<'_> {
        let mut resolver = Resolver::new(root, "#/components/schemas/");
        let names = root["components"]["schemas"]
            .as_object()
            .map(|m| m.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        resolver.set_anchors(names.into_iter().map(|n| (n.clone(), format!("schema-{}", n.to_lowercase()))).collect());
        resolver
    }

    fn outline(node: &SchemaNode, indent: usize, out: &mut Vec<String>) {
        let note = match &node.note {
            None => String::new(),
            Some(SchemaNote::Recursive) => " (recursive)".into(),
            Some(SchemaNote::Truncated) => " (truncated)".into(),
            Some(SchemaNote::Unresolved(r)) => format!(" (unresolved {r})"),
        };
        let link = node.link.as_ref().map(|l| format!(" -> #{l}")).unwrap_or_default();
        let required = if node.required { " *" } else { "" };
        out.push(format!(
            "{}{}{required}: {}{link}{note}",
            "  ".repeat(indent),
            node.name.as_deref().unwrap_or("."),
            node.type_label
        ));
        for child in node.properties.iter().chain(&node.variants) {
            outline(child, indent + 1, out);
        }
    }

    fn lines(node: &SchemaNode) -> Vec<String> {
        let mut out = Vec::new();
        outline(node, 0, &mut out);
        out
    }

    #[test]
    fn top_reference_is_expanded_and_nested_named_ones_are_links() {
        let root = json!({"components": {"schemas": {
            "Party": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Transfer": {"type": "object", "required": ["creditor"], "properties": {
                "creditor": {"$ref": "#/components/schemas/Party"},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                "parties": {"type": "array", "items": {"$ref": "#/components/schemas/Party"}},
                "note": {"type": ["string", "null"], "maxLength": 140}
            }}
        }}});
        let r = resolver(&root);
        let tree = r.tree(&json!({"$ref": "#/components/schemas/Transfer"}));
        assert_eq!(tree.schema_name.as_deref(), Some("Transfer"));
        assert_eq!(
            lines(&tree),
            [
                ".: object",
                "  creditor *: Party -> #schema-party",
                "  note: string | null",
                "  parties: array<Party> -> #schema-party",
                "  tags: array<string>",
            ]
        );
        assert_eq!(tree.properties[1].constraints, ["maxLength: 140"]);
        assert_eq!(tree.properties[3].enum_values, ["a", "b"]);
    }

    #[test]
    fn all_of_is_merged_and_cycles_terminate() {
        let root = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}, {"properties": {"x": {"type": "integer"}}}]},
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
            "Derived": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"extra": {"type": "boolean"}}}]}
        }}});
        let r = resolver(&root);
        assert_eq!(
            lines(&r.tree(&json!({"$ref": "#/components/schemas/Derived"}))),
            [".: object", "  id *: string", "  extra: boolean"]
        );
        assert_eq!(
            lines(&r.tree(&json!({"$ref": "#/components/schemas/Loop"}))),
            [".: object (recursive)", "  x: integer"]
        );
        assert_eq!(
            lines(&r.tree(&json!({"$ref": "#/components/schemas/Node"}))),
            [".: object", "  next: Node -> #schema-node"]
        );
    }

    #[test]
    fn unnamed_reference_cycles_and_missing_references() {
        // References that are not named schemas are expanded in place, so a cycle through them must be caught.
        let root = json!({"defs": {"a": {"type": "object", "properties": {"b": {"$ref": "#/defs/a"}}}}});
        let r = resolver(&root);
        assert_eq!(lines(&r.tree(&json!({"$ref": "#/defs/a"}))), [".: object", "  b:  (recursive)"]);
        assert_eq!(lines(&r.tree(&json!({"$ref": "other.yaml#/X"}))), [".:  (unresolved other.yaml#/X)"]);
        let self_ref = json!({"x": {"$ref": "#/x"}});
        assert_eq!(
            lines(&Resolver::new(&self_ref, "#/components/schemas/").tree(&json!({"$ref": "#/x"}))),
            [".:  (recursive)"]
        );
    }

    #[test]
    fn depth_and_size_are_bounded() {
        let mut deep = json!({"type": "string"});
        for _ in 0..50 {
            deep = json!({"type": "object", "properties": {"p": deep}});
        }
        let root = json!({});
        let r = resolver(&root);
        let tree = r.tree(&deep);
        let text = lines(&tree);
        assert_eq!(text.len(), MAX_DEPTH + 2);
        assert!(text.last().unwrap().ends_with("(truncated)"));

        let wide: Map<String, Value> = (0..1000).map(|i| (format!("p{i:04}"), json!({"type": "string"}))).collect();
        let tree = r.tree(&json!({"type": "object", "properties": wide}));
        assert_eq!(tree.properties.len(), MAX_NODES);
        assert_eq!(tree.properties.last().unwrap().note, Some(SchemaNote::Truncated));
    }

    #[test]
    fn repeated_all_of_merges_are_bounded() {
        // Each level merges the next one twice: 2^40 merges if nothing stopped it.
        let mut defs = Map::new();
        for level in 0..40 {
            let next = json!({"$ref": format!("#/defs/l{}", level + 1)});
            defs.insert(format!("l{level}"), json!({"allOf": [next.clone(), next]}));
        }
        defs.insert("l40".into(), json!({"properties": {"leaf": {"type": "string"}}}));
        let root = json!({ "defs": defs });
        let tree = resolver(&root).tree(&json!({"$ref": "#/defs/l0"}));
        assert_eq!(tree.note, Some(SchemaNote::Truncated));
    }

    #[test]
    fn the_whole_document_has_a_node_budget() {
        let properties: Map<String, Value> = (0..100).map(|i| (format!("p{i}"), json!({"type": "string"}))).collect();
        let root = json!({"defs": {"big": {"type": "object", "properties": properties}}});
        let r = resolver(&root);
        let uses = MAX_DOCUMENT_NODES / 101;
        for _ in 0..uses {
            assert_eq!(r.tree(&json!({"$ref": "#/defs/big"})).properties.len(), 100);
        }
        // Less than one tree is left: this use is still shown whole, and nothing after it.
        let partial = r.tree(&json!({"$ref": "#/defs/big"}));
        assert_eq!(partial.properties.len(), 100);
        assert_eq!(r.tree(&json!({"$ref": "#/defs/big"})).note, Some(SchemaNote::Truncated));
    }

    #[test]
    fn values_are_cut() {
        assert_eq!(inline_value(&json!("é".repeat(300))), format!("{}…", "é".repeat(200)));
        assert_eq!(inline_value(&json!({"a": [1, true]})), "{\"a\":[1,true]}");
        assert_eq!(block_value(&json!({"a": 1})), "{\n  \"a\": 1\n}");
    }
}
