//! Writes sample drawings as SVG files, to look at them.
//!
//! `cargo run -p kiosque-layout --example samples -- <directory>`

use std::path::PathBuf;

use kiosque_layout::{layout, render_svg, Direction, Edge, Graph, Node, Options, SvgOptions};

#[path = "../tests/common/mod.rs"]
mod common;

fn node(id: &str, kind: &str, focus: bool) -> Node {
    Node {
        sublabel: Some(kind.to_owned()),
        class: kind.to_owned(),
        href: Some(format!("/catalog/default/{kind}/{id}")),
        focus,
        ..Node::new(id, id)
    }
}

fn edge(from: &str, to: &str, relation: &str) -> Edge {
    Edge { label: Some(relation.to_owned()), class: relation.to_owned(), ..Edge::new(from, to) }
}

/// A system with its components, APIs and resources, as the portal's system page shows it.
fn system() -> Graph {
    let mut g = Graph::default();
    g.nodes.push(node("sepa-payments", "system", true));
    for (id, kind) in [
        ("payments-gateway", "component"),
        ("payment-orchestrator", "component"),
        ("sepa-clearing-adapter", "component"),
        ("fraud-scoring", "component"),
        ("ledger-service", "component"),
        ("payments-api", "api"),
        ("clearing-api", "api"),
        ("ledger-api", "api"),
        ("payments-db", "resource"),
        ("ledger-db", "resource"),
        ("payment-events-topic", "resource"),
        ("team-payments", "group"),
    ] {
        g.nodes.push(node(id, kind, false));
    }
    for (from, to, relation) in [
        ("payments-gateway", "sepa-payments", "partOf"),
        ("payment-orchestrator", "sepa-payments", "partOf"),
        ("sepa-clearing-adapter", "sepa-payments", "partOf"),
        ("ledger-service", "sepa-payments", "partOf"),
        ("payments-gateway", "payments-api", "providesApi"),
        ("payments-gateway", "payment-orchestrator", "dependsOn"),
        ("payment-orchestrator", "clearing-api", "consumesApi"),
        ("payment-orchestrator", "ledger-api", "consumesApi"),
        ("payment-orchestrator", "fraud-scoring", "dependsOn"),
        ("payment-orchestrator", "payments-db", "dependsOn"),
        ("payment-orchestrator", "payment-events-topic", "dependsOn"),
        ("sepa-clearing-adapter", "clearing-api", "providesApi"),
        ("ledger-service", "ledger-api", "providesApi"),
        ("ledger-service", "ledger-db", "dependsOn"),
        ("ledger-service", "payment-events-topic", "dependsOn"),
        ("sepa-payments", "team-payments", "ownedBy"),
        ("fraud-scoring", "payment-events-topic", "dependsOn"),
    ] {
        g.edges.push(edge(from, to, relation));
    }
    g
}

/// A Team Topologies map: teams by type, interaction modes as edges.
fn teams() -> Graph {
    let mut g = Graph::default();
    for (id, kind) in [
        ("checkout", "stream-aligned"),
        ("onboarding", "stream-aligned"),
        ("payments", "stream-aligned"),
        ("cards", "stream-aligned"),
        ("platform-core", "platform"),
        ("data-platform", "platform"),
        ("sre-enablement", "enabling"),
        ("security-champions", "enabling"),
        ("fraud-models", "complicated-subsystem"),
        ("design-system", "platform"),
    ] {
        g.nodes.push(Node {
            sublabel: Some(kind.to_owned()),
            class: kind.to_owned(),
            href: Some(format!("/teams/{id}")),
            ..Node::new(id, id)
        });
    }
    for (from, to, mode) in [
        ("checkout", "platform-core", "x-as-a-service"),
        ("onboarding", "platform-core", "x-as-a-service"),
        ("payments", "platform-core", "x-as-a-service"),
        ("cards", "platform-core", "x-as-a-service"),
        ("payments", "data-platform", "x-as-a-service"),
        ("cards", "data-platform", "x-as-a-service"),
        ("checkout", "design-system", "x-as-a-service"),
        ("onboarding", "design-system", "x-as-a-service"),
        ("sre-enablement", "checkout", "facilitating"),
        ("sre-enablement", "payments", "facilitating"),
        ("security-champions", "onboarding", "facilitating"),
        ("payments", "fraud-models", "collaboration"),
        ("fraud-models", "data-platform", "x-as-a-service"),
        ("platform-core", "data-platform", "collaboration"),
    ] {
        g.edges.push(edge(from, to, mode));
    }
    g
}

/// Labels and links written to break out of the markup.
fn hostile() -> Graph {
    let mut g = Graph::default();
    g.nodes.push(Node {
        href: Some("javascript:alert(1)".to_owned()),
        sublabel: Some("\" onload=\"alert(2)".to_owned()),
        class: "x\" onclick=\"alert(3)".to_owned(),
        ..Node::new("a", "<script>alert(1)</script>")
    });
    g.nodes.push(Node { href: Some("/ok?a=1&b=<2>".to_owned()), ..Node::new("b", "]]><!-- & 'quotes'") });
    g.edges.push(Edge { label: Some("</text><script>x</script>".to_owned()), ..Edge::new("a", "b") });
    g.edges.push(Edge::new("b", "b"));
    g
}

fn write(dir: &std::path::Path, name: &str, graph: &Graph, options: &Options, title: &str) {
    let placed = layout(graph, options).expect("sample graphs are valid");
    let svg_options = SvgOptions { title: title.to_owned(), id_prefix: name.to_owned(), ..SvgOptions::default() };
    let svg = render_svg(graph, &placed, &svg_options);
    let path = dir.join(format!("{name}.svg"));
    std::fs::write(&path, &svg).expect("output directory is writable");
    println!("{} ({} bytes, {:.0} × {:.0})", path.display(), svg.len(), placed.width, placed.height);
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_owned()));
    let top_down = Options::default();
    let left_right = Options { direction: Direction::LeftToRight, ..Options::default() };
    let plain = Options { edge_labels: false, ..Options::default() };
    write(&dir, "system", &system(), &top_down, "System sepa-payments");
    write(&dir, "system-lr", &system(), &left_right, "System sepa-payments");
    write(&dir, "teams", &teams(), &left_right, "Team interactions");
    write(&dir, "hostile", &hostile(), &top_down, "<b>hostile</b> & \"quoted\"");
    let mut rng = common::Rng::new(7);
    write(&dir, "random-50", &common::random_graph(&mut rng, 50, 80, false, true), &top_down, "Random graph");
    let mut rng = common::Rng::new(42);
    write(&dir, "random-200", &common::random_graph(&mut rng, 200, 400, false, false), &plain, "Random graph");
}
