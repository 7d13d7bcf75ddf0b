//! The teams overview: every team by its Team Topologies type, and the map
//! of how they interact (collaboration, facilitating, X-as-a-service).

use std::collections::BTreeSet;

use kiosque_catalog::{Catalog, FilterSet};
use kiosque_layout::{layout, render_svg, Direction, Edge, Graph, Node, Options, SvgOptions};
use kiosque_model::RelationType;
use maud::{html, PreEscaped};

use crate::html::{entity_url, str_at, Page, Section};
use crate::pages::home::TEAM_TYPES;

/// Teams drawn on the map, and listed per type.
const MAP_TEAMS: usize = 150;
const LISTED_TEAMS: usize = 50;

pub fn render(page: &Page<'_>, catalog: &Catalog) -> String {
    let groups = catalog.filter(&[FilterSet::parse("kind=group").unwrap_or_default()]);
    let mut teams: Vec<(String, String, String)> = Vec::new();
    let mut edges: BTreeSet<(String, String, &'static str)> = BTreeSet::new();
    for id in groups {
        let Some(view) = catalog.get(id) else { continue };
        let value = view.body_value();
        let team_type = str_at(&value, "/spec/type").unwrap_or("").to_ascii_lowercase();
        if !TEAM_TYPES.contains(&team_type.as_str()) {
            continue;
        }
        teams.push((team_type, page.title_of(&value), view.entity_ref.to_string()));
        for relation in view.relations() {
            let (from, to, mode) = match relation.kind {
                RelationType::CollaboratesWith => {
                    let (a, b) = if view.entity_ref <= relation.target {
                        (view.entity_ref, relation.target)
                    } else {
                        (relation.target, view.entity_ref)
                    };
                    (a, b, "collaboration")
                }
                RelationType::Facilitates => (view.entity_ref, relation.target, "facilitating"),
                RelationType::ProvidesServiceTo => (view.entity_ref, relation.target, "x-as-a-service"),
                _ => continue,
            };
            edges.insert((from.to_string(), to.to_string(), mode));
        }
    }
    teams.sort_by(|a, b| {
        (TEAM_TYPES.iter().position(|t| *t == a.0), &a.1).cmp(&(TEAM_TYPES.iter().position(|t| *t == b.0), &b.1))
    });
    // The map shows the most connected teams: beyond a hundred and fifty
    // boxes a drawing stops being a map.
    let mut degree: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (from, to, _) in &edges {
        *degree.entry(from.as_str()).or_default() += 1;
        *degree.entry(to.as_str()).or_default() += 1;
    }
    let mut on_map: Vec<&(String, String, String)> =
        teams.iter().filter(|t| degree.contains_key(t.2.as_str())).collect();
    on_map.sort_by(|a, b| degree[b.2.as_str()].cmp(&degree[a.2.as_str()]).then_with(|| a.2.cmp(&b.2)));
    let connected = on_map.len();
    on_map.truncate(MAP_TEAMS);
    let mut graph = Graph::default();
    for (team_type, title, reference) in on_map.iter().map(|t| (&t.0, &t.1, &t.2)) {
        let mut node = Node::new(reference.clone(), title.clone());
        node.sublabel = Some(page.t(&format!("team-type-{team_type}")));
        node.class = team_type.clone();
        node.href = Some(entity_url(reference));
        graph.nodes.push(node);
    }
    let known: BTreeSet<&str> = graph.nodes.iter().map(|n| n.id.as_str()).collect();
    for (from, to, mode) in &edges {
        if known.contains(from.as_str()) && known.contains(to.as_str()) {
            let mut edge = Edge::new(from.clone(), to.clone());
            edge.class = mode.to_string();
            edge.label = Some(page.t(&format!("mode-{mode}")));
            graph.edges.push(edge);
        }
    }
    let map = layout(
        &graph,
        &Options { direction: Direction::TopToBottom, edge_labels: graph.edges.len() <= 40, ..Options::default() },
    )
    .ok()
    .map(|placed| {
        render_svg(
            &graph,
            &placed,
            &SvgOptions { title: page.t("teams-map"), id_prefix: "tt".into(), embed_style: false },
        )
    });
    let main = html! {
        h1 { (page.t("teams-title")) }
        p.lead { (page.t("teams-lead")) }
        section.card aria-labelledby="teams-map" {
            h2 #teams-map { (page.t("teams-map")) }
            ul.legend {
                @for mode in ["collaboration", "facilitating", "x-as-a-service"] {
                    li { span class={ "swatch " (mode) } aria-hidden="true" {} (page.t(&format!("mode-{mode}"))) }
                }
            }
            @match map {
                Some(svg) if !graph.nodes.is_empty() => figure.graph {
                    div.graph-scroll tabindex="0" { (PreEscaped(svg)) }
                    @if connected > MAP_TEAMS {
                        figcaption { (page.t_with("teams-map-partial", &[("shown", MAP_TEAMS.into()), ("count", connected.into())])) }
                    }
                },
                _ => p.empty { (page.t("teams-none")) },
            }
        }
        div.team-columns {
            @for team_type in TEAM_TYPES {
                section.card aria-labelledby={ "type-" (team_type) } {
                    h2 id={ "type-" (team_type) } { span class={ "badge team-" (team_type) } { (page.t(&format!("team-type-{team_type}"))) } }
                    p.hint { (page.t(&format!("team-type-{team_type}-hint"))) }
                    @let of_type: Vec<_> = teams.iter().filter(|t| t.0 == team_type).collect();
                    ul {
                        @for (_, title, reference) in of_type.iter().take(LISTED_TEAMS).map(|t| (&t.0, &t.1, &t.2)) {
                            li { a href=(entity_url(reference)) { (title) } }
                        }
                        @if of_type.len() > LISTED_TEAMS {
                            li { a href={ "/catalog?kind=group&type=" (team_type) } { (page.t_with("home-teams-more", &[("count", (of_type.len() - LISTED_TEAMS).into())])) } }
                        }
                    }
                }
            }
        }
    };
    page.document(&page.t("teams-title"), Section::Teams, main)
}
