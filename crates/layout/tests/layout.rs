//! Layout behaviour: hand-worked cases, errors, and properties of random graphs.

mod common;

use common::{random_graph, random_tree, Rng};
use kiosque_layout::{layout, Direction, Edge, Graph, Layout, LayoutError, Node, NodeLayout, Options, Point};

fn graph(nodes: &[&str], edges: &[(&str, &str)]) -> Graph {
    Graph {
        nodes: nodes.iter().map(|&id| Node::new(id, id)).collect(),
        edges: edges.iter().map(|&(a, b)| Edge::new(a, b)).collect(),
    }
}

fn centre(node: &NodeLayout) -> Point {
    Point { x: node.x + node.width / 2.0, y: node.y + node.height / 2.0 }
}

fn overlap(a: &NodeLayout, b: &NodeLayout) -> bool {
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

/// Whether `p` lies on the outline of `node` (within half a unit).
fn on_border(p: Point, node: &NodeLayout) -> bool {
    let e = 0.5;
    let inside =
        p.x >= node.x - e && p.x <= node.x + node.width + e && p.y >= node.y - e && p.y <= node.y + node.height + e;
    let near_side = (p.x - node.x).abs() <= e
        || (p.x - node.x - node.width).abs() <= e
        || (p.y - node.y).abs() <= e
        || (p.y - node.y - node.height).abs() <= e;
    inside && near_side
}

/// Edges between consecutive layers whose straight lines between node centres cross.
fn crossings(g: &Graph, placed: &Layout) -> usize {
    let index = |id: &str| g.nodes.iter().position(|n| n.id == id).unwrap();
    let ends: Vec<(usize, usize)> = g.edges.iter().map(|e| (index(&e.from), index(&e.to))).collect();
    let mut count = 0;
    for (i, &(a, b)) in ends.iter().enumerate() {
        for &(c, d) in &ends[i + 1..] {
            let same_layers =
                placed.nodes[a].layer == placed.nodes[c].layer && placed.nodes[b].layer == placed.nodes[d].layer;
            if same_layers && a != c && b != d {
                let top = centre(&placed.nodes[a]).x - centre(&placed.nodes[c]).x;
                let bottom = centre(&placed.nodes[b]).x - centre(&placed.nodes[d]).x;
                if top * bottom < 0.0 {
                    count += 1;
                }
            }
        }
    }
    count
}

/// Everything a layout must satisfy, whatever the graph.
fn check(g: &Graph, options: &Options) -> Layout {
    let placed = layout(g, options).expect("valid graph");
    assert_eq!(placed.nodes.len(), g.nodes.len());
    for (i, a) in placed.nodes.iter().enumerate() {
        assert!(a.width > 0.0 && a.height > 0.0);
        assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.width <= placed.width && a.y + a.height <= placed.height);
        for (j, b) in placed.nodes.iter().enumerate().skip(i + 1) {
            assert!(!overlap(a, b), "nodes {i} and {j} overlap: {a:?} {b:?}");
        }
    }
    // One drawn edge per distinct input edge, in input order.
    let mut distinct: Vec<usize> = Vec::new();
    for (i, e) in g.edges.iter().enumerate() {
        if !g.edges[..i].contains(e) {
            distinct.push(i);
        }
    }
    assert_eq!(placed.edges.iter().map(|e| e.edge).collect::<Vec<_>>(), distinct);
    let index = |id: &str| g.nodes.iter().position(|n| n.id == id).unwrap();
    for drawn in &placed.edges {
        let input = &g.edges[drawn.edge];
        let (from, to) = (&placed.nodes[index(&input.from)], &placed.nodes[index(&input.to)]);
        assert_eq!(drawn.points.len() % 3, 1, "a start, then three points per segment");
        let (first, last) = (drawn.points[0], drawn.points[drawn.points.len() - 1]);
        assert!(on_border(first, from), "edge {} starts off its source: {first:?} {from:?}", drawn.edge);
        assert!(on_border(last, to), "edge {} ends off its target: {last:?} {to:?}", drawn.edge);
        for p in &drawn.points {
            assert!(p.x >= 0.0 && p.y >= 0.0 && p.x <= placed.width && p.y <= placed.height, "{p:?}");
        }
        if let Some((centre, text)) = &drawn.label {
            assert!(!text.is_empty());
            for node in &placed.nodes {
                let inside = centre.x > node.x
                    && centre.x < node.x + node.width
                    && centre.y > node.y
                    && centre.y < node.y + node.height;
                assert!(!inside, "label of edge {} lies on a node", drawn.edge);
            }
        }
    }
    assert_eq!(layout(g, options).unwrap(), placed, "the same input gives the same layout");
    placed
}

#[test]
fn a_chain_of_three_takes_three_layers_in_order() {
    let g = graph(&["a", "b", "c"], &[("a", "b"), ("b", "c")]);
    let placed = check(&g, &Options::default());
    let layers: Vec<usize> = placed.nodes.iter().map(|n| n.layer).collect();
    assert_eq!(layers, vec![0, 1, 2]);
    let (a, b, c) = (centre(&placed.nodes[0]), centre(&placed.nodes[1]), centre(&placed.nodes[2]));
    assert!(a.y < b.y && b.y < c.y);
    assert!(a.x == b.x && b.x == c.x, "a chain is straight");

    let placed = check(&g, &Options { direction: Direction::LeftToRight, ..Options::default() });
    let (a, b, c) = (centre(&placed.nodes[0]), centre(&placed.nodes[1]), centre(&placed.nodes[2]));
    assert!(a.x < b.x && b.x < c.x);
    assert!(a.y == b.y && b.y == c.y);
}

#[test]
fn a_diamond_takes_three_layers_with_the_ends_centred() {
    let g = graph(&["a", "b", "c", "d"], &[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]);
    let placed = check(&g, &Options::default());
    let layers: Vec<usize> = placed.nodes.iter().map(|n| n.layer).collect();
    assert_eq!(layers, vec![0, 1, 1, 2]);
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| centre(&placed.nodes[i]));
    assert_eq!(b.y, c.y);
    assert!((a.x - (b.x + c.x) / 2.0).abs() < 1e-6, "a sits over the middle of b and c");
    assert!((d.x - a.x).abs() < 1e-6, "d sits under a");
}

#[test]
fn crossing_prone_graphs_end_without_crossings() {
    // X comes before Y, so input order alone would cross A → Y and B → X.
    let g = graph(&["A", "B", "X", "Y"], &[("A", "Y"), ("B", "X")]);
    assert_eq!(crossings(&g, &check(&g, &Options::default())), 0);
    // The same, connected through a common root.
    let g = graph(&["R", "A", "B", "X", "Y"], &[("R", "A"), ("R", "B"), ("A", "Y"), ("B", "X")]);
    assert_eq!(crossings(&g, &check(&g, &Options::default())), 0);
    // A ladder, A → X, A → Y, B → Y, B → Z, C → Z, with the bottom layer listed backwards.
    let g = graph(&["A", "B", "C", "Z", "Y", "X"], &[("A", "X"), ("A", "Y"), ("B", "Y"), ("B", "Z"), ("C", "Z")]);
    assert_eq!(crossings(&g, &check(&g, &Options::default())), 0);
}

#[test]
fn trees_are_drawn_without_crossings() {
    for seed in 0..20 {
        let g = random_tree(&mut Rng::new(seed), 5 + seed as usize * 3);
        let placed = check(&g, &Options::default());
        assert_eq!(crossings(&g, &placed), 0, "seed {seed}");
    }
}

#[test]
fn random_acyclic_graphs_point_every_edge_downwards() {
    for seed in 0..40 {
        let mut rng = Rng::new(seed);
        let nodes = 2 + rng.below(60);
        let edges = rng.below(2 * nodes);
        let g = random_graph(&mut rng, nodes, edges, true, seed % 2 == 0);
        let direction = if seed % 3 == 0 { Direction::LeftToRight } else { Direction::TopToBottom };
        let placed = check(&g, &Options { direction, ..Options::default() });
        for e in &g.edges {
            let (from, to) = (&placed.nodes[index(&g, &e.from)], &placed.nodes[index(&g, &e.to)]);
            assert!(from.layer < to.layer, "seed {seed}: {} → {}", e.from, e.to);
            match direction {
                Direction::TopToBottom => assert!(from.y + from.height <= to.y),
                Direction::LeftToRight => assert!(from.x + from.width <= to.x),
            }
        }
    }
}

fn index(g: &Graph, id: &str) -> usize {
    g.nodes.iter().position(|n| n.id == id).unwrap()
}

#[test]
fn random_graphs_with_cycles_loops_and_duplicates_are_laid_out() {
    for seed in 0..40 {
        let mut rng = Rng::new(1000 + seed);
        let nodes = 1 + rng.below(80);
        let edges = rng.below(3 * nodes);
        let g = random_graph(&mut rng, nodes, edges, false, seed % 2 == 1);
        let direction = if seed % 2 == 0 { Direction::LeftToRight } else { Direction::TopToBottom };
        check(&g, &Options { direction, ..Options::default() });
    }
}

#[test]
fn a_two_node_cycle_is_drawn_both_ways() {
    let g = graph(&["a", "b"], &[("a", "b"), ("b", "a")]);
    let placed = check(&g, &Options::default());
    // check() has verified that each edge starts on its own source: b → a starts on b.
    assert_ne!(placed.nodes[0].layer, placed.nodes[1].layer);
    assert_ne!(placed.edges[0].points, placed.edges[1].points, "the two edges do not overlap");
}

#[test]
fn self_loops_leave_and_enter_their_node() {
    let g = graph(&["a", "b"], &[("a", "a"), ("a", "b"), ("a", "a")]);
    let placed = check(&g, &Options::default());
    // The duplicate loop is drawn once.
    assert_eq!(placed.edges.len(), 2);
    let the_loop = &placed.edges[0];
    assert!(the_loop.points.iter().any(|p| p.x > placed.nodes[0].x + placed.nodes[0].width), "it goes out");
}

#[test]
fn parallel_edges_with_different_labels_are_all_drawn_apart() {
    let mut g = graph(&["a", "b"], &[]);
    for relation in ["dependsOn", "consumesApi"] {
        g.edges.push(Edge { label: Some(relation.to_owned()), ..Edge::new("a", "b") });
    }
    let placed = check(&g, &Options::default());
    assert_eq!(placed.edges.len(), 2);
    assert_ne!(placed.edges[0].points[0], placed.edges[1].points[0]);
    let (l0, l1) = (placed.edges[0].label.as_ref().unwrap(), placed.edges[1].label.as_ref().unwrap());
    assert_eq!((l0.1.as_str(), l1.1.as_str()), ("dependsOn", "consumesApi"));
    assert_ne!(l0.0, l1.0, "labels do not sit on one another");
}

#[test]
fn components_sit_side_by_side_the_focused_one_first() {
    let mut g = graph(&["a", "b", "c", "d", "e"], &[("a", "b"), ("c", "d"), ("d", "e")]);
    g.nodes[1].focus = true;
    let placed = check(&g, &Options::default());
    let (a, c) = (&placed.nodes[0], &placed.nodes[2]);
    assert_eq!((a.layer, c.layer), (0, 0));
    assert_eq!(a.y, c.y, "both components start at the top");
    assert!(a.x + a.width < c.x, "the focused component comes first");
}

#[test]
fn many_small_components_wrap_into_rows() {
    let ids: Vec<String> = (0..40).map(|i| format!("n{i}")).collect();
    let g = Graph { nodes: ids.iter().map(|id| Node::new(id.as_str(), id.as_str())).collect(), edges: Vec::new() };
    let placed = check(&g, &Options::default());
    assert!(placed.width < 3.0 * placed.height, "not one long row: {} × {}", placed.width, placed.height);
}

#[test]
fn long_labels_are_cut_with_an_ellipsis() {
    let mut g = graph(&["a"], &[]);
    g.nodes[0].label = "a-very-long-component-name-that-goes-on".to_owned();
    let placed = check(&g, &Options { max_label_chars: 10, ..Options::default() });
    assert_eq!(placed.nodes[0].label, "a-very-lo…");
    let short = check(&graph(&["a-very-lo…"], &[]), &Options::default());
    assert_eq!(placed.nodes[0].width, short.nodes[0].width, "the box fits the cut label");
}

#[test]
fn a_node_without_label_shows_its_id() {
    let g = Graph { nodes: vec![Node::new("component:default/a", "  ")], edges: Vec::new() };
    assert_eq!(check(&g, &Options::default()).nodes[0].label, "component:default/a");
}

#[test]
fn wider_labels_make_wider_boxes() {
    let g = graph(&["i", "WWWWWW"], &[]);
    let placed = check(&g, &Options::default());
    assert!(placed.nodes[1].width > placed.nodes[0].width);
    let mut g = graph(&["a"], &[]);
    g.nodes[0].sublabel = Some("component".to_owned());
    assert!(check(&g, &Options::default()).nodes[0].height > placed.nodes[0].height, "a sublabel adds a line");
}

#[test]
fn an_empty_graph_gives_an_empty_drawing() {
    let placed = check(&Graph::default(), &Options::default());
    assert!(placed.nodes.is_empty() && placed.edges.is_empty());
    assert!(placed.width >= 0.0 && placed.height >= 0.0);
}

#[test]
fn a_graph_of_200_nodes_and_400_edges_is_laid_out() {
    for labels in [false, true] {
        let g = random_graph(&mut Rng::new(42), 200, 400, false, labels);
        check(&g, &Options { edge_labels: labels, ..Options::default() });
    }
}

#[test]
fn bad_input_is_reported_with_its_place() {
    let g = graph(&["a", "b", "a"], &[]);
    let error = layout(&g, &Options::default()).unwrap_err();
    assert_eq!(error, LayoutError::DuplicateNode { index: 2, first: 0, id: "a".to_owned() });
    assert_eq!(error.to_string(), "node 2: id \"a\" is already used by node 0");

    let g = graph(&["a"], &[("a", "a"), ("a", "zz")]);
    let error = layout(&g, &Options::default()).unwrap_err();
    assert_eq!(error, LayoutError::UnknownNode { edge: 1, id: "zz".to_owned() });
    assert_eq!(error.to_string(), "edge 1: no node has id \"zz\"");
    let g = graph(&["a"], &[("zz", "a")]);
    assert_eq!(layout(&g, &Options::default()).unwrap_err(), LayoutError::UnknownNode { edge: 0, id: "zz".to_owned() });
}

#[test]
fn options_out_of_range_are_refused() {
    let g = graph(&["a"], &[]);
    let refused = |options: Options| match layout(&g, &options) {
        Err(LayoutError::InvalidOption { option, .. }) => option,
        other => panic!("expected an invalid option, got {other:?}"),
    };
    assert_eq!(refused(Options { font_size: f64::NAN, ..Options::default() }), "font_size");
    assert_eq!(refused(Options { font_size: 0.0, ..Options::default() }), "font_size");
    assert_eq!(refused(Options { node_gap: -1.0, ..Options::default() }), "node_gap");
    assert_eq!(refused(Options { layer_gap: f64::INFINITY, ..Options::default() }), "layer_gap");
    assert_eq!(refused(Options { max_label_chars: 0, ..Options::default() }), "max_label_chars");
}

#[test]
fn huge_graphs_are_refused() {
    let ids: Vec<String> = (0..6_001).map(|i| i.to_string()).collect();
    let g = Graph { nodes: ids.iter().map(|id| Node::new(id.as_str(), "")).collect(), edges: Vec::new() };
    match layout(&g, &Options::default()) {
        Err(e @ LayoutError::TooLarge { .. }) => assert!(e.to_string().contains("6001 nodes and edges, at most 6000")),
        other => panic!("expected too large, got {:?}", other.map(|l| l.width)),
    }
}
