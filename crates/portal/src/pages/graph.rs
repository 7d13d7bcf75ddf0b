//! Relation graphs, laid out on the server (layered layout) and drawn as
//! SVG whose nodes link to their entities.

use std::collections::BTreeSet;

use kiosque_catalog::Catalog;
use kiosque_layout::{layout, render_svg, Direction, Edge, Graph, Node, Options, SvgOptions};
use kiosque_model::RelationType;
use maud::{html, Markup, PreEscaped};

use crate::html::{entity_url, short_ref, Page, Section};

/// The largest graph the full page draws.
const MAX_NODES: usize = 200;

/// Each relation is stored both ways; a drawing shows one arrow, in the
/// direction these types read (owner → owned, system → part, …).
fn drawn(kind: RelationType, source: &str, target: &str) -> Option<(RelationType, String, String)> {
    use RelationType::*;
    let forward =
        [OwnerOf, HasPart, ProvidesApi, ConsumesApi, DependsOn, ParentOf, HasMember, Facilitates, ProvidesServiceTo];
    if forward.contains(&kind) {
        return Some((kind, source.to_string(), target.to_string()));
    }
    if forward.contains(&kind.inverse()) {
        return Some((kind.inverse(), target.to_string(), source.to_string()));
    }
    // Collaboration goes both ways: one line, in reference order.
    (kind == CollaboratesWith).then(|| {
        let (a, b) = if source <= target { (source, target) } else { (target, source) };
        (kind, a.to_string(), b.to_string())
    })
}

/// The SVG of the relations around `reference`, or a note when there is none.
pub fn neighbourhood_svg(
    page: &Page<'_>,
    catalog: &Catalog,
    reference: &str,
    depth: usize,
    max_nodes: usize,
) -> Markup {
    let Some(view) = catalog.by_ref_text(reference) else { return html! {} };
    let found = catalog.graph(view.id, depth, &[], max_nodes);
    let mut edges: BTreeSet<(String, String, RelationType)> = BTreeSet::new();
    for edge in &found.edges {
        if let Some((kind, from, to)) = drawn(edge.kind, &edge.source, &edge.target) {
            edges.insert((from, to, kind));
        }
    }
    if edges.is_empty() {
        return html! { p.empty { (page.t("entity-no-relations")) } };
    }
    let mut graph = Graph::default();
    for node in &found.nodes {
        let kind = node.split(':').next().unwrap_or("");
        let (label, href) = match catalog.by_ref_text(node) {
            Some(v) => (page.title_of(&v.body_value()), Some(entity_url(v.entity_ref))),
            None => (short_ref(node).to_string(), None),
        };
        let mut n = Node::new(node.clone(), label);
        n.sublabel = Some(page.kind_name(kind, false));
        n.class = if href.is_some() { kind.to_string() } else { format!("{kind} missing") };
        n.href = href;
        n.focus = node == view.entity_ref;
        graph.nodes.push(n);
    }
    for (from, to, kind) in &edges {
        let mut e = Edge::new(from.clone(), to.clone());
        e.class = kind.as_str().to_ascii_lowercase();
        e.label = Some(page.t(&format!("rel-{}", kind.as_str())));
        graph.edges.push(e);
    }
    let options =
        Options { direction: Direction::LeftToRight, edge_labels: graph.edges.len() <= 30, ..Options::default() };
    let Ok(placed) = layout(&graph, &options) else {
        return html! { p.empty { (page.t("graph-too-large")) } };
    };
    let title = page.t_with("graph-title", &[("name", page.title_of(&view.body_value()).into())]);
    let svg = render_svg(&graph, &placed, &SvgOptions { title, id_prefix: format!("g{depth}"), embed_style: false });
    html! {
        figure.graph {
            div.graph-scroll tabindex="0" { (PreEscaped(svg)) }
            @if found.truncated { figcaption { (page.t_with("graph-truncated", &[("count", found.nodes.len().into())])) } }
        }
    }
}

pub fn render(page: &Page<'_>, catalog: &Catalog, reference: &str, depth: usize) -> Option<String> {
    let view = catalog.by_ref_text(reference)?;
    let title = page.title_of(&view.body_value());
    let depth = depth.clamp(1, 4);
    let svg = neighbourhood_svg(page, catalog, view.entity_ref, depth, MAX_NODES);
    let base = entity_url(view.entity_ref);
    let main = html! {
        nav.breadcrumbs aria-label=(page.t("breadcrumbs")) {
            ol {
                li { a href="/catalog" { (page.t("nav-catalog")) } }
                li { a href=(base) { (title) } }
                li aria-current="page" { (page.t("entity-graph")) }
            }
        }
        h1 { (page.t_with("graph-title", &[("name", title.clone().into())])) }
        nav.depth aria-label=(page.t("graph-depth")) {
            (page.t("graph-depth")) " "
            @for d in 1..=4 {
                @if d == depth { strong aria-current="true" { (d) } } @else { a href={ (base) "/graph?depth=" (d) } { (d) } }
                " "
            }
        }
        (svg)
    };
    Some(page.document(&title, Section::Catalog, main))
}
