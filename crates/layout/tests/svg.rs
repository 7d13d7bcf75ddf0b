//! SVG output: structure, accessibility, escaping of hostile input, size.

mod common;

use common::{random_graph, Rng};
use kiosque_layout::{layout, render_svg, Edge, Graph, Node, Options, SvgOptions};

const ELEMENTS: [&str; 10] = ["svg", "title", "style", "defs", "marker", "path", "g", "a", "rect", "text"];
const ATTRIBUTES: [&str; 25] = [
    "xmlns",
    "class",
    "width",
    "height",
    "viewBox",
    "role",
    "aria-label",
    "font-family",
    "font-size",
    "text-anchor",
    "id",
    "refX",
    "refY",
    "markerWidth",
    "markerHeight",
    "markerUnits",
    "orient",
    "d",
    "fill",
    "stroke",
    "marker-end",
    "href",
    "x",
    "y",
    "rx",
];

/// A strict reading of the markup: every tag is one of ours with only our
/// attributes, every attribute value is double-quoted, every entity is one
/// we write, and elements nest properly. Returns the opening tags' names.
fn read_markup(svg: &str) -> Vec<String> {
    let mut opened = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find(['<', '&', '>']) {
        let (text, tail) = rest.split_at(start);
        assert!(!text.contains('"') || !stack.is_empty(), "text outside the root");
        if tail.starts_with('&') {
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().find(|e| tail.starts_with(**e));
            rest =
                &tail[entity.unwrap_or_else(|| panic!("stray ampersand at {:?}", &tail[..20.min(tail.len())])).len()..];
            continue;
        }
        assert!(tail.starts_with('<'), "stray '>' in text: {:?}", &text[text.len().saturating_sub(30)..]);
        if let Some(close) = tail.strip_prefix("</") {
            let end = close.find('>').expect("closing tag ends");
            assert_eq!(stack.pop().as_deref(), Some(&close[..end]), "elements nest");
            rest = &close[end + 1..];
            continue;
        }
        let mut tag = &tail[1..];
        let name_end = tag.find(|c: char| !c.is_ascii_alphanumeric()).unwrap();
        let name = &tag[..name_end];
        assert!(ELEMENTS.contains(&name), "unexpected element <{name}>");
        tag = &tag[name_end..];
        loop {
            tag = tag.trim_start_matches(' ');
            if let Some(after) = tag.strip_prefix("/>") {
                rest = after;
                break;
            }
            if let Some(after) = tag.strip_prefix('>') {
                stack.push(name.to_owned());
                rest = after;
                break;
            }
            let eq = tag.find('=').expect("attribute has a value");
            let attribute = &tag[..eq];
            assert!(ATTRIBUTES.contains(&attribute), "unexpected attribute {attribute:?} on <{name}>");
            let value = tag[eq + 1..].strip_prefix('"').expect("value is double-quoted");
            let end = value.find('"').unwrap();
            assert!(!value[..end].contains('<'), "'<' in an attribute value");
            tag = &value[end + 1..];
        }
        opened.push(name.to_owned());
        if name == "style" {
            let end = rest.find("</style>").expect("style ends");
            assert!(!rest[..end].contains('<'), "style holds only CSS");
            rest = &rest[end..];
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    opened
}

fn svg_of(g: &Graph, svg: &SvgOptions) -> String {
    render_svg(g, &layout(g, &Options::default()).unwrap(), svg)
}

fn hostile() -> Graph {
    Graph {
        nodes: vec![
            Node {
                sublabel: Some("\" onload=\"alert(2)".to_owned()),
                class: "x\" onclick=\"alert(3) <b>".to_owned(),
                href: Some("javascript:alert(4)".to_owned()),
                ..Node::new("a", "<script>alert(1)</script>")
            },
            Node { href: Some("/search?q=<x>&y=\"z\"".to_owned()), ..Node::new("b", "' onmouseover='alert(5)") },
            Node { href: Some(" JavaScript:alert(6)".to_owned()), ..Node::new("c", "]]><!-- &amp;\u{0}\u{1b}x") },
        ],
        edges: vec![
            Edge {
                label: Some("</text><script>alert(7)</script>".to_owned()),
                class: "e\"><script>".to_owned(),
                ..Edge::new("a", "b")
            },
            Edge { label: Some("\" style=\"x".to_owned()), ..Edge::new("c", "c") },
        ],
    }
}

#[test]
fn hostile_labels_links_and_classes_stay_inert() {
    let g = hostile();
    let title = "<img src=x onerror=alert(8)>\u{1}".to_owned();
    let svg = svg_of(&g, &SvgOptions { title, ..SvgOptions::default() });
    let elements = read_markup(&svg);
    assert!(!elements.iter().any(|e| e == "script"));
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "labels are shown, escaped");
    assert!(svg.contains("&quot; onload=&quot;alert(2)"));
    assert!(svg.contains("&#39; onmouseover=&#39;alert(5)"));
    assert!(svg.contains("&lt;/text&gt;&lt;script&gt;alert(7)&lt;/script&gt;"));
    assert!(
        svg.contains("<title>&lt;img src=x onerror=alert(8)&gt;\u{fffd}</title>"),
        "XML-forbidden characters are replaced"
    );
    assert!(svg.contains(">]]&gt;&lt;!-- &amp;amp; x</text>"), "control characters in labels become spaces");
    assert!(svg.contains("class=\"node x onclickalert3 b\""), "class names keep only safe characters");
    // Script links are dropped, the others kept and escaped.
    assert!(!svg.to_ascii_lowercase().contains("javascript"));
    assert_eq!(elements.iter().filter(|e| *e == "a").count(), 1);
    assert!(svg.contains("<a href=\"/search?q=&lt;x&gt;&amp;y=&quot;z&quot;\">"));
}

#[test]
fn the_drawing_has_one_box_per_node_and_one_path_per_edge() {
    let g = random_graph(&mut Rng::new(3), 30, 50, false, true);
    let placed = layout(&g, &Options::default()).unwrap();
    let svg = render_svg(&g, &placed, &SvgOptions::default());
    read_markup(&svg);
    assert_eq!(svg.matches("<g class=\"nodes\">").count(), 1);
    assert_eq!(svg.matches("<g class=\"node").count(), 1 + g.nodes.len());
    assert_eq!(svg.matches("<rect ").count(), g.nodes.len());
    assert_eq!(svg.matches("<path class=\"edge").count(), placed.edges.len());
    assert_eq!(svg.matches("<a href=").count(), g.nodes.iter().filter(|n| n.href.is_some()).count());
    assert_eq!(
        svg.matches("<text class=\"edge-label").count(),
        placed.edges.iter().filter(|e| e.label.is_some()).count()
    );
    assert_eq!(svg, render_svg(&g, &placed, &SvgOptions::default()), "the same layout gives the same bytes");
}

#[test]
fn the_root_is_sized_and_named_for_assistive_technology() {
    let g = Graph { nodes: vec![Node::new("a", "A"), Node::new("b", "B")], edges: vec![Edge::new("a", "b")] };
    let placed = layout(&g, &Options::default()).unwrap();
    let svg = render_svg(&g, &placed, &SvgOptions { title: "Dependencies of A".to_owned(), ..SvgOptions::default() });
    let (w, h) = (placed.width.ceil(), placed.height.ceil());
    let root = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"kiosque-graph\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Dependencies of A\""
    );
    assert!(svg.starts_with(&root), "{svg}");
    assert!(svg.contains("><title>Dependencies of A</title>"));

    // With links inside, the root is a group, so that the links stay reachable.
    let mut linked = g.clone();
    linked.nodes[0].href = Some("/a".to_owned());
    assert!(svg_of(&linked, &SvgOptions::default()).contains(" role=\"group\" aria-label=\"Graph\""));
}

#[test]
fn cut_labels_keep_their_full_text_as_a_tooltip() {
    let mut g = Graph { nodes: vec![Node::new("a", "payments-orchestrator-service-v2")], edges: Vec::new() };
    g.nodes[0].sublabel = Some("component".to_owned());
    let options = Options { max_label_chars: 12, ..Options::default() };
    let svg = render_svg(&g, &layout(&g, &options).unwrap(), &SvgOptions::default());
    assert!(svg.contains("<title>payments-orchestrator-service-v2\ncomponent</title>"));
    assert!(svg.contains(">payments-or…</text>"));
    // Labels shown whole need no tooltip: the text itself names the node.
    let svg = svg_of(&g, &SvgOptions::default());
    assert_eq!(svg.matches("<title>").count(), 1, "only the drawing's title");
}

#[test]
fn arrowheads_exist_per_edge_class_with_the_given_prefix() {
    let mut g = Graph { nodes: vec![Node::new("a", "A"), Node::new("b", "B"), Node::new("c", "C")], edges: Vec::new() };
    g.edges.push(Edge { class: "collaboration".to_owned(), ..Edge::new("a", "b") });
    g.edges.push(Edge { class: "x-as-a-service".to_owned(), ..Edge::new("b", "c") });
    g.edges.push(Edge { class: "collaboration".to_owned(), ..Edge::new("a", "c") });
    let svg = svg_of(&g, &SvgOptions { id_prefix: "teams".to_owned(), ..SvgOptions::default() });
    assert_eq!(svg.matches("<marker ").count(), 2);
    assert!(svg.contains("<marker id=\"teams-arrow0\" class=\"arrow collaboration\""));
    assert!(svg.contains("<marker id=\"teams-arrow1\" class=\"arrow x-as-a-service\""));
    assert_eq!(svg.matches("<path class=\"edge collaboration\"").count(), 2);
    assert!(svg.contains("<g marker-end=\"url(#teams-arrow1)\"><path class=\"edge x-as-a-service\""));
}

#[test]
fn the_style_can_be_left_to_the_page() {
    let g = Graph { nodes: vec![Node::new("a", "A")], edges: Vec::new() };
    assert!(svg_of(&g, &SvgOptions::default()).contains(kiosque_layout::STYLE));
    let bare = svg_of(&g, &SvgOptions { embed_style: false, ..SvgOptions::default() });
    assert!(!bare.contains("<style>"));
    assert!(kiosque_layout::STYLE.contains("var(--graph-node-bg"), "colours come from custom properties");
}

#[test]
fn an_empty_graph_is_a_valid_drawing() {
    let svg = svg_of(&Graph::default(), &SvgOptions::default());
    assert_eq!(read_markup(&svg), vec!["svg", "title", "style", "g", "g"]);
}

#[test]
fn two_hundred_nodes_fit_well_under_100_kb() {
    let g = random_graph(&mut Rng::new(42), 200, 400, false, false);
    let svg = render_svg(
        &g,
        &layout(&g, &Options { edge_labels: false, ..Options::default() }).unwrap(),
        &SvgOptions::default(),
    );
    read_markup(&svg);
    assert!(svg.len() < 80_000, "{} bytes", svg.len());
}
