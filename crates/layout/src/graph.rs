//! The input: nodes, edges, options, and their validation.

use std::collections::{HashMap, HashSet};
use std::fmt;

/// A graph to lay out. Nodes are drawn in the order given when nothing else
/// decides, so callers get stable pictures by passing a stable order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// A box with a label, optionally a link.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    /// Unique within the graph; edges refer to nodes by it. Never drawn.
    pub id: String,
    /// Drawn in the box, cut with an ellipsis beyond `Options::max_label_chars`.
    /// An empty label shows the id.
    pub label: String,
    /// A second, smaller line, such as the entity's kind.
    pub sublabel: Option<String>,
    /// CSS class names for styling, such as `component` or `api`.
    pub class: String,
    /// Where clicking the node leads. Only `http`, `https`, `mailto` and
    /// relative links are kept.
    pub href: Option<String>,
    /// The entity the graph is about: highlighted, and its component comes first.
    pub focus: bool,
}

/// A directed edge between two nodes, by id. Self-loops and duplicates are
/// allowed (exact duplicates are drawn once), and so are cycles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// Drawn along the edge when `Options::edge_labels` is set, such as `dependsOn`.
    pub label: Option<String>,
    /// CSS class names for styling, such as `collaboration`.
    pub class: String,
}

impl Node {
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Self {
        Node { id: id.into(), label: label.into(), ..Node::default() }
    }
}

impl Edge {
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Edge { from: from.into(), to: to.into(), ..Edge::default() }
    }
}

/// Which way edges flow: layers are rows (top to bottom) or columns (left to right).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Direction {
    #[default]
    TopToBottom,
    LeftToRight,
}

/// How to lay out and measure. Sizes are in SVG user units (CSS pixels).
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub direction: Direction,
    /// Font size of node labels; sublabels and edge labels are drawn smaller.
    pub font_size: f64,
    /// Longer labels are cut and end with an ellipsis (the full label is kept as a tooltip).
    pub max_label_chars: usize,
    /// Space between neighbouring nodes of a layer.
    pub node_gap: f64,
    /// Space between consecutive layers.
    pub layer_gap: f64,
    /// Whether edge labels are drawn. They get room of their own (a layer
    /// between each two), which makes drawings taller: beyond a few dozen
    /// edges, styling edges by class reads better.
    pub edge_labels: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            direction: Direction::TopToBottom,
            font_size: 13.0,
            max_label_chars: 32,
            node_gap: 24.0,
            layer_gap: 56.0,
            edge_labels: true,
        }
    }
}

/// The largest graph accepted: nodes plus edges. A drawing of more would not
/// be readable anyway, and the cost grows faster than linearly (2,000 nodes
/// with 4,000 edges take about 0.2 s): the bound keeps a request's time bounded.
pub(crate) const MAX_ELEMENTS: usize = 6_000;
/// The largest number of dummy nodes (edge bends) accepted, for the same reason.
pub(crate) const MAX_DUMMIES: usize = 60_000;

/// Why a graph could not be laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// Two nodes have the same id.
    DuplicateNode { index: usize, first: usize, id: String },
    /// An edge names a node that does not exist.
    UnknownNode { edge: usize, id: String },
    /// An option is out of its range.
    InvalidOption { option: &'static str, expected: &'static str },
    /// The graph is larger than a layout for people to read can be.
    TooLarge { what: &'static str, count: usize, limit: usize },
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::DuplicateNode { index, first, id } => {
                write!(f, "node {index}: id \"{id}\" is already used by node {first}")
            }
            LayoutError::UnknownNode { edge, id } => write!(f, "edge {edge}: no node has id \"{id}\""),
            LayoutError::InvalidOption { option, expected } => write!(f, "option {option}: expected {expected}"),
            LayoutError::TooLarge { what, count, limit } => {
                write!(f, "graph too large to lay out: {count} {what}, at most {limit}")
            }
        }
    }
}

impl std::error::Error for LayoutError {}

impl Options {
    pub(crate) fn validate(&self) -> Result<(), LayoutError> {
        let in_range = |v: f64, lo: f64, hi: f64| v.is_finite() && v >= lo && v <= hi;
        if !in_range(self.font_size, 4.0, 200.0) {
            return Err(LayoutError::InvalidOption { option: "font_size", expected: "a number from 4 to 200" });
        }
        if !in_range(self.node_gap, 0.0, 1000.0) {
            return Err(LayoutError::InvalidOption { option: "node_gap", expected: "a number from 0 to 1000" });
        }
        if !in_range(self.layer_gap, 0.0, 1000.0) {
            return Err(LayoutError::InvalidOption { option: "layer_gap", expected: "a number from 0 to 1000" });
        }
        if self.max_label_chars == 0 {
            return Err(LayoutError::InvalidOption { option: "max_label_chars", expected: "at least 1" });
        }
        Ok(())
    }
}

/// An edge by node index, with the index of the input edge it draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexedEdge {
    pub index: usize,
    pub from: usize,
    pub to: usize,
}

/// Resolves edge ends to node indices, dropping exact duplicates.
pub(crate) fn index_edges(graph: &Graph) -> Result<Vec<IndexedEdge>, LayoutError> {
    let elements = graph.nodes.len() + graph.edges.len();
    if elements > MAX_ELEMENTS {
        return Err(LayoutError::TooLarge { what: "nodes and edges", count: elements, limit: MAX_ELEMENTS });
    }
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(graph.nodes.len());
    for (index, node) in graph.nodes.iter().enumerate() {
        if let Some(&first) = by_id.get(node.id.as_str()) {
            return Err(LayoutError::DuplicateNode { index, first, id: node.id.clone() });
        }
        by_id.insert(&node.id, index);
    }
    let find = |edge: usize, id: &str| {
        by_id.get(id).copied().ok_or_else(|| LayoutError::UnknownNode { edge, id: id.to_owned() })
    };
    let mut seen: HashSet<(usize, usize, Option<&str>, &str)> = HashSet::with_capacity(graph.edges.len());
    let mut edges = Vec::with_capacity(graph.edges.len());
    for (index, edge) in graph.edges.iter().enumerate() {
        let from = find(index, &edge.from)?;
        let to = find(index, &edge.to)?;
        if seen.insert((from, to, edge.label.as_deref(), edge.class.as_str())) {
            edges.push(IndexedEdge { index, from, to });
        }
    }
    Ok(edges)
}
