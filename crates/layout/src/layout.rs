//! The pipeline: components, layers, dummies, order, coordinates, routes, packing.

use crate::acyclic::feedback_order;
use crate::graph::{index_edges, Direction, Graph, IndexedEdge, LayoutError, Node, Options, MAX_DUMMIES};
use crate::order::{initial_order, reduce_crossings};
use crate::position::{assign_positions, Layered};
use crate::rank::assign_layers;
use crate::text::{fit, text_width, BOLD, LINE, MIN_NODE_WIDTH, PAD_X, PAD_Y, SMALL};

/// Empty space around the drawing.
const MARGIN: f64 = 8.0;
/// Largest distance between the ends of neighbouring edges on a node's side.
const PORT_STEP: f64 = 8.0;
/// Edge ends keep this far from a node's corners.
const PORT_MARGIN: f64 = 6.0;
/// How far the smallest self-loop reaches out of its node, and how much more each next one does.
const LOOP_REACH: f64 = 15.0;
const LOOP_STEP: f64 = 8.0;
/// Padding around edge label text.
const LABEL_PAD: f64 = 3.0;
/// Least distance between the levels of edges running sideways across one gap.
const TRACK_SPACING: f64 = 6.0;

/// A point in SVG user units, y pointing down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Where a node's box goes.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLayout {
    /// Top-left corner of the box.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The node's layer within its connected component, 0 being the top (or left) one.
    pub layer: usize,
    /// The label as drawn: white space collapsed, cut with an ellipsis if too long.
    pub label: String,
    pub sublabel: Option<String>,
}

/// How an edge is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLayout {
    /// Index of the edge in `Graph::edges`.
    pub edge: usize,
    /// A cubic Bézier spline from the source's border to the target's border, as
    /// in an SVG path: the start, then two control points and an end per segment.
    /// Straight segments have their control points at their ends.
    pub points: Vec<Point>,
    /// The label as drawn and its centre, when edge labels are shown.
    pub label: Option<(Point, String)>,
}

/// A laid-out graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Size of the drawing, margins included; every coordinate lies within.
    pub width: f64,
    pub height: f64,
    pub direction: Direction,
    pub font_size: f64,
    /// One per input node, in input order.
    pub nodes: Vec<NodeLayout>,
    /// One per input edge except exact duplicates, in input order.
    pub edges: Vec<EdgeLayout>,
}

/// Lays out `graph`. Fails on duplicate node ids, edges to unknown nodes,
/// options out of range, or a graph too large to be read.
pub fn layout(graph: &Graph, options: &Options) -> Result<Layout, LayoutError> {
    options.validate()?;
    let edges = index_edges(graph)?;
    let measured: Vec<Measured> = graph.nodes.iter().map(|node| measure(node, options)).collect();
    let mut ctx = Context { graph, options, measured: &measured, local: vec![0; graph.nodes.len()], dummies: 0 };
    let mut parts = Vec::new();
    for (nodes, edges) in components(graph, &edges) {
        parts.push(ctx.lay_out(&nodes, &edges)?);
    }
    Ok(pack(parts, graph.nodes.len(), options))
}

struct Measured {
    label: String,
    sublabel: Option<String>,
    width: f64,
    height: f64,
}

fn measure(node: &Node, options: &Options) -> Measured {
    let shown = if node.label.trim().is_empty() { &node.id } else { &node.label };
    let label = fit(shown, options.max_label_chars);
    let sublabel = node.sublabel.as_deref().map(|s| fit(s, options.max_label_chars)).filter(|s| !s.is_empty());
    let (size, small) = (options.font_size, options.font_size * SMALL);
    let mut text = text_width(&label, size) * if node.focus { BOLD } else { 1.0 };
    let mut height = 2.0 * PAD_Y + size * LINE;
    if let Some(sublabel) = &sublabel {
        text = text.max(text_width(sublabel, small));
        height += small * LINE;
    }
    let width = (text + 2.0 * PAD_X).max(MIN_NODE_WIDTH).ceil();
    Measured { label, sublabel, width, height: height.ceil() }
}

/// Size of an edge label, or None when there is nothing to show.
fn measure_label(label: Option<&str>, options: &Options) -> Option<(String, f64, f64)> {
    let text = fit(label?, options.max_label_chars);
    if text.is_empty() {
        return None;
    }
    let small = options.font_size * SMALL;
    Some((text.clone(), text_width(&text, small) + 2.0 * LABEL_PAD, small * LINE))
}

/// Connected components: node lists in input order, components ordered by
/// focus, then size (largest first), then first node.
fn components(graph: &Graph, edges: &[IndexedEdge]) -> Vec<(Vec<usize>, Vec<IndexedEdge>)> {
    let n = graph.nodes.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut v: usize) -> usize {
        while parent[v] != v {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        v
    }
    for e in edges {
        let (a, b) = (find(&mut parent, e.from), find(&mut parent, e.to));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut index_of_root = vec![usize::MAX; n];
    let mut parts: Vec<(Vec<usize>, Vec<IndexedEdge>)> = Vec::new();
    for v in 0..n {
        let root = find(&mut parent, v);
        if index_of_root[root] == usize::MAX {
            index_of_root[root] = parts.len();
            parts.push((Vec::new(), Vec::new()));
        }
        parts[index_of_root[root]].0.push(v);
    }
    for e in edges {
        let root = find(&mut parent, e.from);
        parts[index_of_root[root]].1.push(*e);
    }
    parts.sort_by_key(|(nodes, _)| {
        let focus = nodes.iter().any(|&v| graph.nodes[v].focus);
        (!focus, std::cmp::Reverse(nodes.len()), nodes[0])
    });
    parts
}

/// One component, laid out with its top-left corner at the origin.
struct Part {
    nodes: Vec<(usize, NodeLayout)>,
    edges: Vec<EdgeLayout>,
    width: f64,
    height: f64,
}

struct Context<'a> {
    graph: &'a Graph,
    options: &'a Options,
    measured: &'a [Measured],
    /// Index of each node within its component.
    local: Vec<usize>,
    /// Dummy nodes made so far, over all components, against `MAX_DUMMIES`.
    dummies: usize,
}

/// An edge through the layers: its nodes from the upper layer to the lower.
struct Chain {
    /// Index of the input edge.
    edge: usize,
    nodes: Vec<usize>,
    /// Whether the input edge points upwards (it was reversed to break a cycle).
    reversed: bool,
    /// The dummy carrying the label, and the label as drawn.
    label: Option<(usize, String)>,
}

/// The layout works along layers and across them; the frame turns that into
/// x and y for the direction, and box sizes into breadth (along) and depth (across).
#[derive(Clone, Copy)]
struct Frame {
    direction: Direction,
}

impl Frame {
    fn point(self, along: f64, across: f64) -> Point {
        match self.direction {
            Direction::TopToBottom => Point { x: along, y: across },
            Direction::LeftToRight => Point { x: across, y: along },
        }
    }

    /// (breadth, depth) of a box `width` × `height`.
    fn sizes(self, width: f64, height: f64) -> (f64, f64) {
        match self.direction {
            Direction::TopToBottom => (width, height),
            Direction::LeftToRight => (height, width),
        }
    }
}

/// A component's layered graph: its nodes (with the component's indices),
/// then the dummies its long edges pass through.
struct Layers {
    layer_of: Vec<usize>,
    dummy: Vec<bool>,
    /// Room taken on either side of a node's position along its layer.
    extent: Vec<(f64, f64)>,
    /// Size across the layer.
    depth: Vec<f64>,
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    chains: Vec<Chain>,
    /// How many layers apart consecutive node layers are: 2 when labels have layers of their own.
    spread: usize,
}

/// Where things are: positions along the layers, and the band each layer occupies across.
struct Geometry {
    along: Vec<f64>,
    band_start: Vec<f64>,
    band_size: Vec<f64>,
    /// Space after each band, before the next.
    gap: Vec<f64>,
}

impl Geometry {
    fn centre(&self, layers: &Layers, v: usize) -> f64 {
        let l = layers.layer_of[v];
        self.band_start[l] + self.band_size[l] / 2.0
    }

    fn band_end(&self, layers: &Layers, v: usize) -> f64 {
        let l = layers.layer_of[v];
        self.band_start[l] + self.band_size[l]
    }
}

/// Edges that end on one side of a node: the position of the next node on the
/// edge's way, and the edge's chain.
type Side = Vec<(f64, usize)>;

/// A self-loop's label as drawn, and its breadth.
type LoopLabel = Option<(String, f64)>;

impl Context<'_> {
    fn lay_out(&mut self, nodes: &[usize], edges: &[IndexedEdge]) -> Result<Part, LayoutError> {
        let frame = Frame { direction: self.options.direction };
        for (i, &v) in nodes.iter().enumerate() {
            self.local[v] = i;
        }
        let (loops, links): (Vec<IndexedEdge>, Vec<IndexedEdge>) = edges.iter().partition(|e| e.from == e.to);
        let (rank, oriented) = self.rank(nodes.len(), &links);
        let (layers, loop_labels) = self.build_layers(nodes, &links, &loops, &rank, &oriented, frame)?;

        let layer_count = layers.layer_of.iter().max().map_or(1, |&m| m + 1);
        let mut order = initial_order(&layers.layer_of, layer_count, &layers.down);
        reduce_crossings(&mut order, &layers.up, &layers.down);
        let along = assign_positions(&Layered {
            layers: &order,
            up: &layers.up,
            down: &layers.down,
            dummy: &layers.dummy,
            extent: &layers.extent,
            node_gap: self.options.node_gap,
            dummy_gap: self.options.node_gap * 0.4,
        });
        let ports = port_offsets(&layers, &along, nodes.len());
        let tracks = assign_tracks(&layers, &along, &ports, order.len());
        // Gaps grow to give each edge running across them a level of its own.
        let base_gap = self.options.layer_gap / layers.spread as f64;
        let mut geometry = Geometry { along, band_start: Vec::new(), band_size: Vec::new(), gap: Vec::new() };
        let mut at = 0.0;
        for (l, layer) in order.iter().enumerate() {
            let size = layer.iter().map(|&v| layers.depth[v]).fold(0.0, f64::max);
            let gap = base_gap.max((tracks.per_gap[l] + 1) as f64 * TRACK_SPACING);
            geometry.band_start.push(at);
            geometry.band_size.push(size);
            geometry.gap.push(gap);
            at += size + gap;
        }

        let mut placed = Vec::with_capacity(nodes.len());
        for (i, &v) in nodes.iter().enumerate() {
            let m = &self.measured[v];
            let centre = frame.point(geometry.along[i], geometry.centre(&layers, i));
            let (x, y) = (centre.x - m.width / 2.0, centre.y - m.height / 2.0);
            let (label, sublabel) = (m.label.clone(), m.sublabel.clone());
            placed.push((v, NodeLayout { x, y, width: m.width, height: m.height, layer: rank[i], label, sublabel }));
        }
        let mut routed = route_chains(&layers, &geometry, &ports, &tracks, frame);
        for (l, link) in loops.iter().enumerate() {
            let nth = loops[..l].iter().filter(|e| e.from == link.from).count();
            routed.push(route_loop(&layers, &geometry, self.local[link.from], nth, link.index, &loop_labels[l], frame));
        }
        Ok(fit_to_origin(placed, routed, self.options))
    }

    /// Breaks cycles and assigns layers. Returns each node's layer and each
    /// link's ends as laid out (upper first) with whether that reverses it.
    fn rank(&self, n: usize, links: &[IndexedEdge]) -> (Vec<usize>, Vec<(usize, usize, bool)>) {
        let pairs: Vec<(usize, usize)> = links.iter().map(|e| (self.local[e.from], self.local[e.to])).collect();
        let order = feedback_order(n, &pairs);
        let oriented: Vec<(usize, usize, bool)> =
            pairs.iter().map(|&(a, b)| if order[a] > order[b] { (b, a, true) } else { (a, b, false) }).collect();
        // Parallel edges become one, heavier: they pull their ends closer.
        let mut sorted: Vec<(usize, usize)> = oriented.iter().map(|&(a, b, _)| (a, b)).collect();
        sorted.sort_unstable();
        let mut weighted: Vec<(usize, usize, u32)> = Vec::with_capacity(sorted.len());
        for (a, b) in sorted {
            match weighted.last_mut() {
                Some(last) if (last.0, last.1) == (a, b) => last.2 += 1,
                _ => weighted.push((a, b, 1)),
            }
        }
        (assign_layers(n, &weighted), oriented)
    }

    /// Builds the layered graph: node sizes, dummies along long edges, label
    /// dummies on their own layers. Returns it with the self-loops' labels.
    fn build_layers(
        &mut self,
        nodes: &[usize],
        links: &[IndexedEdge],
        loops: &[IndexedEdge],
        rank: &[usize],
        oriented: &[(usize, usize, bool)],
        frame: Frame,
    ) -> Result<(Layers, Vec<LoopLabel>), LayoutError> {
        let labels: Vec<Option<(String, f64, f64)>> = links
            .iter()
            .map(|e| {
                if self.options.edge_labels {
                    measure_label(self.graph.edges[e.index].label.as_deref(), self.options)
                } else {
                    None
                }
            })
            .collect();
        let spread = if labels.iter().any(Option::is_some) { 2 } else { 1 };
        let n = nodes.len();
        let mut layers = Layers {
            layer_of: rank.iter().map(|&r| r * spread).collect(),
            dummy: vec![false; n],
            extent: Vec::with_capacity(n),
            depth: Vec::with_capacity(n),
            up: Vec::new(),
            down: Vec::new(),
            chains: Vec::with_capacity(links.len()),
            spread,
        };
        for &v in nodes {
            let (breadth, depth) = frame.sizes(self.measured[v].width, self.measured[v].height);
            layers.extent.push((breadth / 2.0, breadth / 2.0));
            layers.depth.push(depth);
        }
        let loop_labels = self.reserve_loops(loops, &mut layers.extent, frame);

        for ((link, &(a, b, reversed)), label) in links.iter().zip(oriented).zip(labels) {
            let (top, bottom) = (layers.layer_of[a], layers.layer_of[b]);
            self.dummies += bottom - top - 1;
            if self.dummies > MAX_DUMMIES {
                return Err(LayoutError::TooLarge { what: "edge bends", count: self.dummies, limit: MAX_DUMMIES });
            }
            // The label sits on the label layer (odd) nearest the middle.
            let middle = (top + bottom) / 2;
            let label_layer = if middle % 2 == 1 { middle } else { middle.saturating_sub(1) };
            let mut chain = Chain { edge: link.index, nodes: vec![a], reversed, label: None };
            for layer in top + 1..bottom {
                let d = layers.layer_of.len();
                layers.layer_of.push(layer);
                layers.dummy.push(true);
                let (mut breadth, mut depth) = (0.0, 0.0);
                if let Some((text, width, height)) = label.as_ref().filter(|_| layer == label_layer) {
                    (breadth, depth) = frame.sizes(*width, *height);
                    chain.label = Some((d, text.clone()));
                }
                layers.extent.push((breadth / 2.0, breadth / 2.0));
                layers.depth.push(depth);
                chain.nodes.push(d);
            }
            chain.nodes.push(b);
            layers.chains.push(chain);
        }
        let total = layers.layer_of.len();
        layers.up = vec![Vec::new(); total];
        layers.down = vec![Vec::new(); total];
        for chain in &layers.chains {
            for pair in chain.nodes.windows(2) {
                layers.down[pair[0]].push(pair[1]);
                layers.up[pair[1]].push(pair[0]);
            }
        }
        Ok((layers, loop_labels))
    }

    /// Widens nodes with self-loops on their far side to make room for the
    /// loops and their labels; returns each loop's label and its breadth.
    fn reserve_loops(&self, loops: &[IndexedEdge], extent: &mut [(f64, f64)], frame: Frame) -> Vec<LoopLabel> {
        let mut labels = Vec::with_capacity(loops.len());
        for (l, link) in loops.iter().enumerate() {
            let v = self.local[link.from];
            let nth = loops[..l].iter().filter(|e| e.from == link.from).count();
            let reach = LOOP_REACH + LOOP_STEP * nth as f64;
            let label = if self.options.edge_labels {
                measure_label(self.graph.edges[link.index].label.as_deref(), self.options)
            } else {
                None
            };
            let mut needed = reach;
            let label = label.map(|(text, width, height)| {
                let (breadth, _) = frame.sizes(width, height);
                needed += LABEL_PAD + breadth;
                (text, breadth)
            });
            // The box stays centred on the position: only the far side grows.
            extent[v].1 = extent[v].1.max(extent[v].0 + needed);
            labels.push(label);
        }
        labels
    }
}

/// Spreads edge ends along the node's side facing them, in the order of where
/// the edges go next, so that they neither cross at the node nor pile their
/// arrowheads on one point. Returns each chain's offsets at its start and end.
fn port_offsets(layers: &Layers, along: &[f64], real_nodes: usize) -> Vec<(f64, f64)> {
    let chains = &layers.chains;
    let mut offsets = vec![(0.0, 0.0); chains.len()];
    let mut ends: Vec<(Side, Side)> = vec![(Vec::new(), Vec::new()); real_nodes];
    for (c, chain) in chains.iter().enumerate() {
        let k = chain.nodes.len();
        ends[chain.nodes[0]].1.push((along[chain.nodes[1]], c));
        ends[chain.nodes[k - 1]].0.push((along[chain.nodes[k - 2]], c));
    }
    for (v, (upper, lower)) in ends.iter_mut().enumerate() {
        for (side, is_start) in [(upper, false), (lower, true)] {
            side.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let count = side.len();
            if count < 2 {
                continue;
            }
            let room = (2.0 * layers.extent[v].0 - 2.0 * PORT_MARGIN).max(0.0);
            let step = PORT_STEP.min(room / (count - 1) as f64);
            for (i, &(_, c)) in side.iter().enumerate() {
                let offset = (i as f64 - (count - 1) as f64 / 2.0) * step;
                if is_start {
                    offsets[c].0 = offset;
                } else {
                    offsets[c].1 = offset;
                }
            }
        }
    }
    offsets
}

/// Position along the layers of the `i`-th node of a chain, ports included.
fn chain_point(layers: &Layers, along: &[f64], ports: &[(f64, f64)], c: usize, i: usize) -> f64 {
    let nodes = &layers.chains[c].nodes;
    let offset = if i == 0 {
        ports[c].0
    } else if i + 1 == nodes.len() {
        ports[c].1
    } else {
        0.0
    };
    along[nodes[i]] + offset
}

/// Levels for the parts of edges that run along a gap between layers.
struct Tracks {
    /// Per chain, per segment (between its `i`-th and `i + 1`-th node): the level, 0 nearest the upper layer.
    level: Vec<Vec<usize>>,
    /// Levels used in the gap after each layer.
    per_gap: Vec<usize>,
}

/// Gives the segments that cross each gap sideways levels of their own where
/// they overlap, so that long sideways runs do not lie on top of one another.
/// Among segments going the same way, the one starting further out from where
/// they go runs lower: such nested segments then do not cross.
fn assign_tracks(layers: &Layers, along: &[f64], ports: &[(f64, f64)], layer_count: usize) -> Tracks {
    let mut tracks = Tracks {
        level: layers.chains.iter().map(|c| vec![0; c.nodes.len() - 1]).collect(),
        per_gap: vec![0; layer_count],
    };
    // (gap, rightwards, start, low end, high end, chain, segment)
    let mut segments = Vec::new();
    for (c, chain) in layers.chains.iter().enumerate() {
        for i in 0..chain.nodes.len() - 1 {
            let (from, to) = (chain_point(layers, along, ports, c, i), chain_point(layers, along, ports, c, i + 1));
            if (from - to).abs() >= 1.0 {
                segments.push((layers.layer_of[chain.nodes[i]], to > from, from, from.min(to), from.max(to), c, i));
            }
        }
    }
    // Rightward segments from the right, then leftward ones from the left.
    segments.sort_by(|a, b| {
        let start = if a.1 { b.2.total_cmp(&a.2) } else { a.2.total_cmp(&b.2) };
        a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(start).then((a.5, a.6).cmp(&(b.5, b.6)))
    });
    let mut placed: Vec<(f64, f64, usize)> = Vec::new();
    for (g, group) in segments.chunk_by(|a, b| a.0 == b.0).map(|group| (group[0].0, group)) {
        placed.clear();
        for &(_, _, _, low, high, c, i) in group {
            let level = placed
                .iter()
                .filter(|&&(l, h, _)| low < h + TRACK_SPACING && l < high + TRACK_SPACING)
                .map(|&(_, _, t)| t + 1)
                .max()
                .unwrap_or(0);
            placed.push((low, high, level));
            tracks.level[c][i] = level;
            tracks.per_gap[g] = tracks.per_gap[g].max(level + 1);
        }
    }
    tracks
}

/// Routes every edge through its dummies as a spline: straight across each
/// layer's band, and an S-curve across each gap whose flat middle lies on the
/// segment's level.
fn route_chains(
    layers: &Layers,
    geometry: &Geometry,
    ports: &[(f64, f64)],
    tracks: &Tracks,
    frame: Frame,
) -> Vec<EdgeLayout> {
    let mut routed = Vec::with_capacity(layers.chains.len());
    let mut line: Vec<(f64, f64, Option<f64>)> = Vec::new();
    for (c, chain) in layers.chains.iter().enumerate() {
        let k = chain.nodes.len();
        let at = |i: usize| chain_point(layers, &geometry.along, ports, c, i);
        line.clear();
        // (along, across, level of the curve arriving here if it is one)
        let first = chain.nodes[0];
        line.push((at(0), geometry.centre(layers, first) + layers.depth[first] / 2.0, None));
        line.push((at(0), geometry.band_end(layers, first), None));
        for i in 1..k {
            let v = chain.nodes[i];
            let gap = layers.layer_of[chain.nodes[i - 1]];
            let per_gap = tracks.per_gap[gap];
            let level = (at(i - 1) != at(i)).then(|| {
                let share = (tracks.level[c][i - 1] + 1) as f64 / (per_gap.max(1) + 1) as f64;
                geometry.band_end(layers, chain.nodes[i - 1]) + geometry.gap[gap] * share
            });
            let band_start = geometry.band_start[layers.layer_of[v]];
            line.push((at(i), band_start, level));
            if i + 1 < k {
                line.push((at(i), geometry.band_end(layers, v), None));
            } else {
                line.push((at(i), geometry.centre(layers, v) - layers.depth[v] / 2.0, None));
            }
        }
        let mut points = spline(&line, frame);
        if chain.reversed {
            points.reverse();
        }
        let label = chain
            .label
            .as_ref()
            .map(|(d, text)| (frame.point(geometry.along[*d], geometry.centre(layers, *d)), text.clone()));
        routed.push(EdgeLayout { edge: chain.edge, points, label });
    }
    routed
}

/// A self-loop on the node's far side (right, or bottom when left to right);
/// the `nth` loop of a node reaches further than the ones before.
fn route_loop(
    layers: &Layers,
    geometry: &Geometry,
    v: usize,
    nth: usize,
    edge: usize,
    label: &LoopLabel,
    frame: Frame,
) -> EdgeLayout {
    let reach = LOOP_REACH + LOOP_STEP * nth as f64;
    let side = geometry.along[v] + layers.extent[v].0;
    let (mid, half) = (geometry.centre(layers, v), (layers.depth[v] / 4.0).max(3.0));
    // A cubic reaches three quarters of the way to its control points.
    let grow = reach * 4.0 / 3.0;
    let points = [
        (side, mid - half),
        (side + grow, mid - half - grow * 0.3),
        (side + grow, mid + half + grow * 0.3),
        (side, mid + half),
    ];
    let label = label
        .as_ref()
        .map(|(text, breadth)| (frame.point(side + reach + LABEL_PAD + breadth / 2.0, mid), text.clone()));
    EdgeLayout { edge, points: points.iter().map(|&(a, b)| frame.point(a, b)).collect(), label }
}

/// Turns a polyline into a spline: a point with a level is reached by a
/// curve whose control points sit on that level, others by a straight line.
/// Straight runs along one line are merged.
fn spline(line: &[(f64, f64, Option<f64>)], frame: Frame) -> Vec<Point> {
    let mut kept: Vec<(f64, f64, Option<f64>)> = Vec::with_capacity(line.len());
    for &p in line {
        if let Some(last) = kept.last() {
            if (last.0, last.1) == (p.0, p.1) {
                continue;
            }
        }
        if kept.len() >= 2 && p.2.is_none() {
            let (a, b) = (kept[kept.len() - 2], kept[kept.len() - 1]);
            if b.2.is_none() && a.0 == b.0 && b.0 == p.0 {
                kept.pop();
            }
        }
        kept.push(p);
    }
    let mut points = Vec::with_capacity(3 * kept.len());
    if let Some(&(a, b, _)) = kept.first() {
        points.push(frame.point(a, b));
    }
    for pair in kept.windows(2) {
        let (p, q) = (pair[0], pair[1]);
        let end = frame.point(q.0, q.1);
        match q.2 {
            Some(level) => points.extend([frame.point(p.0, level), frame.point(q.0, level), end]),
            None => points.extend([frame.point(p.0, p.1), end, end]),
        }
    }
    points
}

/// Moves a component so that everything it draws starts at the origin.
fn fit_to_origin(mut nodes: Vec<(usize, NodeLayout)>, mut edges: Vec<EdgeLayout>, options: &Options) -> Part {
    let (mut min_x, mut min_y, mut max_x, mut max_y) =
        (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut include = |x0: f64, y0: f64, x1: f64, y1: f64| {
        min_x = min_x.min(x0);
        min_y = min_y.min(y0);
        max_x = max_x.max(x1);
        max_y = max_y.max(y1);
    };
    for (_, node) in &nodes {
        include(node.x, node.y, node.x + node.width, node.y + node.height);
    }
    let small = options.font_size * SMALL;
    for edge in &edges {
        for p in &edge.points {
            include(p.x, p.y, p.x, p.y);
        }
        if let Some((centre, text)) = &edge.label {
            let (w, h) = (text_width(text, small) / 2.0 + LABEL_PAD, small * LINE / 2.0);
            include(centre.x - w, centre.y - h, centre.x + w, centre.y + h);
        }
    }
    for (_, node) in &mut nodes {
        node.x -= min_x;
        node.y -= min_y;
    }
    for edge in &mut edges {
        for p in &mut edge.points {
            p.x -= min_x;
            p.y -= min_y;
        }
        if let Some((centre, _)) = &mut edge.label {
            centre.x -= min_x;
            centre.y -= min_y;
        }
    }
    Part { nodes, edges, width: max_x - min_x, height: max_y - min_y }
}

/// Packs components in rows (top to bottom) or columns (left to right),
/// wrapping at a length that keeps the drawing roughly 16:10.
fn pack(parts: Vec<Part>, node_count: usize, options: &Options) -> Layout {
    let gap = options.node_gap + 16.0;
    let frame = Frame { direction: options.direction };
    // Along = the direction rows grow in; across = the direction they stack in.
    let sizes: Vec<(f64, f64)> = parts
        .iter()
        .map(|p| match options.direction {
            Direction::TopToBottom => (p.width, p.height),
            Direction::LeftToRight => (p.height, p.width),
        })
        .collect();
    let area: f64 = sizes.iter().map(|&(a, b)| (a + gap) * (b + gap)).sum();
    let ratio = match options.direction {
        Direction::TopToBottom => 1.6,
        Direction::LeftToRight => 1.0 / 1.6,
    };
    let longest = sizes.iter().map(|s| s.0).fold(0.0, f64::max);
    let limit = longest.max((area * ratio).sqrt());
    let mut nodes: Vec<Option<NodeLayout>> = vec![None; node_count];
    let mut edges = Vec::new();
    let (mut along, mut across, mut row_depth, mut extent_along) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (part, (size_along, size_across)) in parts.into_iter().zip(sizes) {
        if along > 0.0 && along + size_along > limit {
            across += row_depth + gap;
            along = 0.0;
            row_depth = 0.0;
        }
        let offset = frame.point(along + MARGIN, across + MARGIN);
        for (v, mut node) in part.nodes {
            node.x += offset.x;
            node.y += offset.y;
            nodes[v] = Some(node);
        }
        for mut edge in part.edges {
            for p in &mut edge.points {
                p.x += offset.x;
                p.y += offset.y;
            }
            if let Some((centre, _)) = &mut edge.label {
                centre.x += offset.x;
                centre.y += offset.y;
            }
            edges.push(edge);
        }
        along += size_along + gap;
        extent_along = extent_along.max(along - gap);
        row_depth = row_depth.max(size_across);
    }
    edges.sort_by_key(|e| e.edge);
    let total = frame.point(extent_along + 2.0 * MARGIN, across + row_depth + 2.0 * MARGIN);
    Layout {
        width: total.x,
        height: total.y,
        direction: options.direction,
        font_size: options.font_size,
        nodes: nodes.into_iter().flatten().collect(),
        edges,
    }
}
