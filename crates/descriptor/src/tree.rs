use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A syntax error, with the position where the parser gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub position: Position,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Deeper documents are refused: nothing legitimate nests this far, and the
/// bound keeps every recursive walk safe.
const MAX_DEPTH: usize = 128;
/// Aliases may not expand a document beyond this many nodes (alias bombs).
const MAX_ALIAS_NODES: usize = 100_000;

#[derive(Debug, Clone)]
enum NodeKind {
    Scalar(Value),
    Sequence(Vec<Node>),
    /// Entries keep the key's position and their order.
    Mapping(Vec<(String, Position, Node)>),
}

#[derive(Debug, Clone)]
struct Node {
    position: Position,
    kind: NodeKind,
}

/// Positions only, once values have moved into the JSON document.
#[derive(Debug, Clone)]
struct PosNode {
    position: Position,
    children: PosChildren,
}

#[derive(Debug, Clone)]
enum PosChildren {
    Leaf,
    Sequence(Vec<PosNode>),
    Mapping(Vec<(String, Position, PosNode)>),
}

impl Node {
    /// Moves the values out into JSON and keeps the positions aside.
    fn split(self) -> (Value, PosNode) {
        match self.kind {
            NodeKind::Scalar(value) => (value, PosNode { position: self.position, children: PosChildren::Leaf }),
            NodeKind::Sequence(items) => {
                let (values, positions): (Vec<Value>, Vec<PosNode>) = items.into_iter().map(Node::split).unzip();
                (Value::Array(values), PosNode { position: self.position, children: PosChildren::Sequence(positions) })
            }
            NodeKind::Mapping(entries) => {
                let mut map = Map::with_capacity(entries.len());
                let mut positions = Vec::with_capacity(entries.len());
                for (key, key_position, node) in entries {
                    let (value, pos) = node.split();
                    positions.push((key.clone(), key_position, pos));
                    map.insert(key, value);
                }
                (Value::Object(map), PosNode { position: self.position, children: PosChildren::Mapping(positions) })
            }
        }
    }

    fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar(_) => 1,
            NodeKind::Sequence(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Mapping(entries) => 1 + entries.iter().map(|(_, _, n)| n.size()).sum::<usize>(),
        }
    }
}

/// One YAML document of a file, as JSON, with the positions of its nodes.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    root: PosNode,
}

impl Document {
    /// Where the document starts.
    pub fn position(&self) -> Position {
        self.root.position
    }

    /// The position of the node a JSON pointer designates. When the pointer
    /// goes further than the document does (a missing field), the position of
    /// the deepest existing node is returned: the mapping the field is missing from.
    pub fn locate(&self, pointer: &str) -> Position {
        let mut node = &self.root;
        let mut position = node.position;
        if pointer.is_empty() {
            return position;
        }
        for raw in pointer.trim_start_matches('/').split('/') {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            match &node.children {
                PosChildren::Mapping(entries) => match entries.iter().find(|(k, _, _)| *k == segment) {
                    Some((_, key_position, child)) => {
                        // Point at a scalar value itself; at the key for nested blocks.
                        position = match child.children {
                            PosChildren::Leaf => child.position,
                            _ => *key_position,
                        };
                        node = child;
                    }
                    None => return position,
                },
                PosChildren::Sequence(items) => match segment.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(child) => {
                        position = child.position;
                        node = child;
                    }
                    None => return position,
                },
                PosChildren::Leaf => return position,
            }
        }
        position
    }
}

fn position_of(span: &Span) -> Position {
    Position { line: span.start.line() as u32, col: span.start.col() as u32 + 1 }
}

fn error(span: &Span, message: impl Into<String>) -> ParseError {
    ParseError { position: position_of(span), message: message.into() }
}

/// A container being built while events stream in.
enum Open {
    Sequence {
        position: Position,
        anchor: usize,
        items: Vec<Node>,
    },
    Mapping {
        position: Position,
        anchor: usize,
        entries: Vec<(String, Position, Node)>,
        pending_key: Option<(String, Position)>,
    },
}

/// Parses every document of a YAML stream. Empty documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut documents = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut alias_nodes = 0usize;
    let mut document_start = Position { line: 1, col: 1 };

    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| ParseError {
            position: Position { line: e.marker().line() as u32, col: e.marker().col() as u32 + 1 },
            message: e.info().to_string(),
        })?;
        let complete: Node = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                document_start = position_of(&span);
                anchors.clear();
                alias_nodes = 0;
                continue;
            }
            Event::DocumentEnd => continue,
            Event::SequenceStart(anchor, _) => {
                check_depth(&stack, &span)?;
                stack.push(Open::Sequence { position: position_of(&span), anchor, items: Vec::new() });
                continue;
            }
            Event::MappingStart(anchor, _) => {
                check_depth(&stack, &span)?;
                stack.push(Open::Mapping {
                    position: position_of(&span),
                    anchor,
                    entries: Vec::new(),
                    pending_key: None,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Open::Sequence { position, anchor, items }) => {
                        (Node { position, kind: NodeKind::Sequence(items) }, anchor)
                    }
                    Some(Open::Mapping { position, anchor, entries, .. }) => {
                        (Node { position, kind: NodeKind::Mapping(entries) }, anchor)
                    }
                    None => return Err(error(&span, "unbalanced collection end")),
                };
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Scalar(text, style, anchor, tag) => {
                let node = Node {
                    position: position_of(&span),
                    kind: NodeKind::Scalar(resolve_scalar(&text, style, tag.as_deref())),
                };
                // A scalar in key position is a key, not a value.
                if let Some(Open::Mapping { pending_key, .. }) = stack.last_mut() {
                    if pending_key.is_none() {
                        *pending_key = Some((text.into_owned(), node.position));
                        if anchor != 0 {
                            anchors.insert(anchor, node);
                        }
                        continue;
                    }
                }
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Alias(id) => {
                let Some(node) = anchors.get(&id) else {
                    return Err(error(&span, "alias to an unknown anchor"));
                };
                alias_nodes += node.size();
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(error(&span, format!("aliases expand to more than {MAX_ALIAS_NODES} nodes")));
                }
                let mut node = node.clone();
                node.position = position_of(&span);
                if let Some(Open::Mapping { pending_key, .. }) = stack.last_mut() {
                    if pending_key.is_none() {
                        let NodeKind::Scalar(value) = &node.kind else {
                            return Err(error(&span, "mapping keys must be scalars"));
                        };
                        *pending_key = Some((scalar_text(value), node.position));
                        continue;
                    }
                }
                node
            }
        };
        // Attach the finished node to its parent, or finish the document.
        match stack.last_mut() {
            None => {
                if !matches!(complete.kind, NodeKind::Scalar(Value::Null)) {
                    let (value, mut root) = complete.split();
                    if root.position.line == 0 {
                        root.position = document_start;
                    }
                    documents.push(Document { value, root });
                }
            }
            Some(Open::Sequence { items, .. }) => items.push(complete),
            Some(Open::Mapping { entries, pending_key, .. }) => match pending_key.take() {
                Some((key, key_position)) => {
                    if entries.iter().any(|(k, _, _)| *k == key) {
                        return Err(ParseError { position: key_position, message: format!("duplicate key \"{key}\"") });
                    }
                    entries.push((key, key_position, complete));
                }
                None => {
                    return Err(ParseError {
                        position: complete.position,
                        message: "mapping keys must be scalars".into(),
                    })
                }
            },
        }
    }
    Ok(documents)
}

fn check_depth(stack: &[Open], span: &Span) -> Result<(), ParseError> {
    if stack.len() >= MAX_DEPTH {
        return Err(error(span, format!("nesting deeper than {MAX_DEPTH} levels")));
    }
    Ok(())
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// YAML 1.2 core schema resolution of a scalar.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
        return match tag.suffix.as_str() {
            "str" => Value::String(text.to_string()),
            "null" => Value::Null,
            "bool" | "int" | "float" => resolve_plain(text),
            _ => Value::String(text.to_string()),
        };
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    resolve_plain(text)
}

fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = parse_int(text) {
        return n;
    }
    if is_float(text) {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    // .inf and .nan have no JSON form: they stay text.
    Value::String(text.to_string())
}

fn parse_int(text: &str) -> Option<Value> {
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(oct) = text.strip_prefix("0o") {
        (oct, 8)
    } else {
        let body = text.strip_prefix(['-', '+']).unwrap_or(text);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return match text.parse::<i64>() {
            Ok(n) => Some(Value::Number(n.into())),
            Err(_) => text
                .parse::<u64>()
                .ok()
                .map(|n| Value::Number(n.into()))
                .or_else(|| text.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number)),
        };
    };
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(digits, radix).ok().map(|n| Value::Number(n.into()))
}

fn is_float(text: &str) -> bool {
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let b = text.strip_prefix(['-', '+']).unwrap_or(text).as_bytes();
    let mut i = 0;
    let int_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn multi_document_with_positions() {
        let text =
            "apiVersion: v1\nkind: A\nmetadata:\n  name: x\n  tags: [a, b]\n---\n# only a comment\n---\nkind: B\n";
        let docs = parse_documents(text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].value,
            json!({"apiVersion": "v1", "kind": "A", "metadata": {"name": "x", "tags": ["a", "b"]}})
        );
        assert_eq!(docs[0].locate("/metadata/name"), Position { line: 4, col: 9 });
        assert_eq!(docs[0].locate("/metadata/tags/1"), Position { line: 5, col: 13 });
        assert_eq!(docs[0].locate("/metadata"), Position { line: 3, col: 1 });
        // A missing field points at the mapping it is missing from.
        assert_eq!(docs[0].locate("/metadata/missing"), Position { line: 3, col: 1 });
        assert_eq!(docs[1].locate("/kind"), Position { line: 9, col: 7 });
    }

    #[test]
    fn core_schema_scalars() {
        let docs = parse_documents(
            "a: 1\nb: -2.5\nc: true\nd: ~\ne: '1'\nf: 0x1f\ng: 1e3\nh: .inf\ni: yes\nj: 007\nk: !!str 12\nl: |\n  text\n",
        )
        .unwrap();
        assert_eq!(
            docs[0].value,
            json!({"a": 1, "b": -2.5, "c": true, "d": null, "e": "1", "f": 31, "g": 1000.0,
                   "h": ".inf", "i": "yes", "j": 7, "k": "12", "l": "text\n"})
        );
    }

    #[test]
    fn errors_say_where() {
        let err = parse_documents("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(err.position.line >= 2, "{err}");
        let dup = parse_documents("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(dup.position, Position { line: 3, col: 1 });
        assert_eq!(dup.message, "duplicate key \"a\"");
        let complex = parse_documents("? [a]\n: 1\n").unwrap_err();
        assert_eq!(complex.message, "mapping keys must be scalars");
    }

    #[test]
    fn anchors_and_alias_bombs() {
        let docs = parse_documents("base: &b {x: 1}\ncopy: *b\n").unwrap();
        assert_eq!(docs[0].value, json!({"base": {"x": 1}, "copy": {"x": 1}}));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let items = vec![format!("*{}", (b'a' + i - 1) as char); 10].join(", ");
            bomb.push_str(&format!("{}: &{} [{}]\n", (b'a' + i) as char, (b'a' + i) as char, items));
        }
        let err = parse_documents(&bomb).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        // Flow collections hit the scanner's own limit, block ones ours.
        let flow = "[".repeat(10_000);
        assert!(parse_documents(&flow).is_err());
        let block: String = (0..200).map(|depth| format!("{}k:\n", "  ".repeat(depth))).collect();
        let err = parse_documents(&block).unwrap_err();
        assert!(err.message.contains("nesting deeper"), "{err}");
    }
}
