//! An entity's page: what it is, who owns it, its links, relations and
//! annotations, problems, where it is declared and the descriptor itself;
//! groups, systems and domains get their own sections.

use std::collections::BTreeMap;

use kiosque_catalog::Catalog;
use kiosque_model::RelationType;
use maud::{html, Markup};
use serde_json::Value;

use crate::html::{entity_url, str_at, Page, Section};
use crate::pages::graph;

/// Characters of a description shown in the page's header.
const MAX_DESCRIPTION: usize = 2_000;
/// Characters of the descriptor shown; the file has the rest.
const MAX_DESCRIPTOR: usize = 100_000;
/// Entries of one list (members, children…) shown on a page.
const MAX_LISTED: usize = 200;

/// Relations in the order the page lists them.
const RELATION_ORDER: [RelationType; 19] = [
    RelationType::OwnedBy,
    RelationType::PartOf,
    RelationType::HasPart,
    RelationType::ProvidesApi,
    RelationType::ConsumesApi,
    RelationType::ApiProvidedBy,
    RelationType::ApiConsumedBy,
    RelationType::DependsOn,
    RelationType::DependencyOf,
    RelationType::OwnerOf,
    RelationType::MemberOf,
    RelationType::HasMember,
    RelationType::ChildOf,
    RelationType::ParentOf,
    RelationType::CollaboratesWith,
    RelationType::Facilitates,
    RelationType::FacilitatedBy,
    RelationType::ProvidesServiceTo,
    RelationType::ConsumesServiceFrom,
];

pub fn render(
    page: &Page<'_>,
    catalog: &Catalog,
    reference: &str,
    source: Option<&str>,
    docs: Option<&str>,
) -> Option<String> {
    let view = catalog.by_ref_text(reference)?;
    let value = view.body_value();
    let kind = view.kind().to_string();
    let title = page.title_of(&value);
    let mut relations: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for relation in view.relations() {
        let order = RELATION_ORDER.iter().position(|r| *r == relation.kind).unwrap_or(RELATION_ORDER.len());
        relations.entry(order).or_default().push(relation.target.to_string());
    }
    let owner = relations.get(&0).and_then(|o| o.first()).cloned();
    let conflicts: Vec<_> = catalog.conflicts().iter().filter(|c| c.entity_ref == view.entity_ref).collect();
    let file = kiosque_catalog::display_key(view.file_key);
    let problems: Vec<_> =
        catalog.diagnostics().iter().filter(|d| d.file == file && d.message.contains(view.entity_ref)).collect();
    let tags: Vec<&str> = value
        .pointer("/metadata/tags")
        .and_then(Value::as_array)
        .map_or(vec![], |t| t.iter().filter_map(Value::as_str).collect());
    let links: Vec<&Value> =
        value.pointer("/metadata/links").and_then(Value::as_array).map_or(vec![], |l| l.iter().collect());
    let annotations: Vec<(&String, &Value)> =
        value.pointer("/metadata/annotations").and_then(Value::as_object).map_or(vec![], |a| a.iter().collect());
    let neighbourhood = graph::neighbourhood_svg(page, catalog, view.entity_ref, 1, 40);
    let main = html! {
        nav.breadcrumbs aria-label=(page.t("breadcrumbs")) {
            ol {
                li { a href="/catalog" { (page.t("nav-catalog")) } }
                li { a href={ "/catalog?kind=" (kind) } { (page.kind_name(&kind, true)) } }
                li aria-current="page" { (title) }
            }
        }
        header.entity-head {
            h1 { (title) }
            p.meta {
                (page.kind_badge(&kind))
                @if let Some(t) = str_at(&value, "/spec/type") {
                    @if kind == "group" { " " span class={ "badge team-" (t.to_ascii_lowercase()) } { (team_type_label(page, t)) } }
                    @else { " " span.badge { (t) } }
                }
                @if let Some(l) = str_at(&value, "/spec/lifecycle") { " " span class={ "badge lifecycle-" (l.to_ascii_lowercase()) } { (l) } }
                @if let Some(owner) = &owner { " " span.owner { (page.t("entity-owner")) " " (page.entity_link(catalog, owner)) } }
            }
            @if let Some(description) = page.description_of(&value) {
                p.description {
                    (description.chars().take(MAX_DESCRIPTION).collect::<String>())
                    @if description.chars().nth(MAX_DESCRIPTION).is_some() { "…" }
                }
            }
        }
        @if view.orphan {
            div.notice.warn role="note" {
                strong { (page.t("entity-orphan-title")) } " " (page.t("entity-orphan-text"))
            }
        }
        @for conflict in &conflicts {
            div.notice.warn role="note" {
                strong { (page.t("entity-conflict-title")) } " "
                (page.t_with("entity-conflict-text", &[
                    ("winner", kiosque_catalog::display_key(&conflict.winner_file).into()),
                    ("loser", kiosque_catalog::display_key(&conflict.loser_file).into()),
                ]))
            }
        }
        div.entity-grid {
            section.card aria-labelledby="about" {
                h2 #about { (page.t("entity-about")) }
                dl {
                    dt { (page.t("entity-reference")) } dd { code { (view.entity_ref) } }
                    @if !tags.is_empty() {
                        dt { (page.t("entity-tags")) }
                        dd { ul.tags { @for tag in &tags { li { a href={ "/catalog?tag=" (crate::html::encode_component(tag)) } { (tag) } } } } }
                    }
                    @if let Some(system) = str_at(&value, "/spec/system") {
                        dt { (page.t("entity-system")) } dd { (page.entity_link(catalog, &qualify(system, "system"))) }
                    }
                }
                @if kind == "api" {
                    p { a.button href={ (entity_url(view.entity_ref)) "/definition" } { (page.t("entity-definition")) } }
                }
                @if let Some(docs) = docs {
                    p { a.button href=(docs) { (page.t("entity-docs")) } }
                }
                @if !links.is_empty() {
                    h3 { (page.t("entity-links")) }
                    ul.links {
                        @for link in &links {
                            @if let Some(url) = link.get("url").and_then(Value::as_str).filter(|u| is_safe_url(u)) {
                                li { a href=(url) rel="noopener noreferrer" { (link.get("title").and_then(Value::as_str).unwrap_or(url)) } }
                            }
                        }
                    }
                }
            }
            @if kind == "group" { (group_sections(page, catalog, &value, &relations)) }
            section.card.relations aria-labelledby="relations" {
                h2 #relations { (page.t("entity-relations")) }
                @if relations.is_empty() { p.empty { (page.t("entity-no-relations")) } }
                @for (order, targets) in &relations {
                    @let kind = RELATION_ORDER.get(*order).map_or("other", |r| r.as_str());
                    h3 { (page.t(&format!("rel-{kind}"))) " " span.count { (page.number(targets.len())) } }
                    ul {
                        @for target in targets.iter().take(MAX_LISTED) { li { (page.entity_link(catalog, target)) } }
                        @if targets.len() > MAX_LISTED {
                            li.more { (page.t_with("entity-relations-more", &[("count", (targets.len() - MAX_LISTED).into())])) }
                        }
                    }
                }
            }
        }
        section.card aria-labelledby="graph" {
            h2 #graph { (page.t("entity-graph")) " " a.more href={ (entity_url(view.entity_ref)) "/graph" } { (page.t("entity-graph-full")) } }
            (neighbourhood)
        }
        @if !annotations.is_empty() {
            section.card aria-labelledby="annotations" {
                h2 #annotations { (page.t("entity-annotations")) }
                div.table-wrap { table.kv {
                    thead { tr { th scope="col" { (page.t("entity-annotation-key")) } th scope="col" { (page.t("entity-annotation-value")) } } }
                    tbody { @for (key, v) in &annotations {
                        tr { th scope="row" { code { (key) } } td { (v.as_str().map_or_else(|| v.to_string(), str::to_string)) } }
                    } }
                } }
            }
        }
        @if !problems.is_empty() {
            section.card aria-labelledby="problems" {
                h2 #problems { (page.t("entity-problems")) }
                ul { @for d in &problems { li { code { (d.file) ":" (d.line) ":" (d.col) } " " (d.message) } } }
            }
        }
        section.card aria-labelledby="source" {
            h2 #source { (page.t("entity-source")) }
            p { (page.t("entity-declared-in")) " " code { (file) ":" (view.line) ":" (view.col) } }
            details {
                summary { (page.t("entity-descriptor")) }
                @let text = match source {
                    Some(text) => text.to_string(),
                    None => serde_json::to_string_pretty(&value).unwrap_or_default(),
                };
                @let cut = text.char_indices().nth(MAX_DESCRIPTOR).map(|(at, _)| at);
                pre.code tabindex="0" { code { (&text[..cut.unwrap_or(text.len())]) } }
                @if cut.is_some() { p.notice.warn { (page.t("entity-descriptor-cut")) } }
            }
        }
    };
    Some(page.document(&title, Section::Catalog, main))
}

/// A group's members, teams above and below, what it owns, and its Team
/// Topologies interactions.
fn group_sections(
    page: &Page<'_>,
    catalog: &Catalog,
    value: &Value,
    relations: &BTreeMap<usize, Vec<String>>,
) -> Markup {
    let of = |kind: RelationType| -> &[String] {
        RELATION_ORDER.iter().position(|r| *r == kind).and_then(|i| relations.get(&i)).map_or(&[], |v| v.as_slice())
    };
    let interactions = [
        RelationType::CollaboratesWith,
        RelationType::Facilitates,
        RelationType::FacilitatedBy,
        RelationType::ProvidesServiceTo,
        RelationType::ConsumesServiceFrom,
    ];
    let email = str_at(value, "/spec/profile/email");
    html! {
        section.card aria-labelledby="team" {
            h2 #team { (page.t("team-title")) }
            @if let Some(email) = email { p { a href={ "mailto:" (email) } { (email) } } }
            h3 { (page.t("team-members")) " " span.count { (page.number(of(RelationType::HasMember).len())) } }
            ul.inline {
                @for m in of(RelationType::HasMember).iter().take(MAX_LISTED) { li { (page.entity_link(catalog, m)) } }
                @if of(RelationType::HasMember).len() > MAX_LISTED {
                    li.more { (page.t_with("entity-relations-more", &[("count", (of(RelationType::HasMember).len() - MAX_LISTED).into())])) }
                }
            }
            @if !of(RelationType::ChildOf).is_empty() {
                h3 { (page.t("team-parent")) }
                ul.inline { @for m in of(RelationType::ChildOf) { li { (page.entity_link(catalog, m)) } } }
            }
            @if !of(RelationType::ParentOf).is_empty() {
                h3 { (page.t("team-children")) }
                ul.inline { @for m in of(RelationType::ParentOf).iter().take(MAX_LISTED) { li { (page.entity_link(catalog, m)) } } }
            }
            h3 { (page.t("team-interactions")) }
            @let any = interactions.iter().any(|k| !of(*k).is_empty());
            @if !any { p.empty { (page.t("team-no-interactions")) } }
            ul {
                @for kind in interactions {
                    @for other in of(kind) {
                        li { span class={ "mode mode-" (kind.as_str()) } { (page.t(&format!("rel-{}", kind.as_str()))) } " " (page.entity_link(catalog, other)) }
                    }
                }
            }
        }
    }
}

pub fn team_type_label(page: &Page<'_>, team_type: &str) -> String {
    let lower = team_type.to_ascii_lowercase();
    if crate::pages::home::TEAM_TYPES.contains(&lower.as_str()) {
        page.t(&format!("team-type-{lower}"))
    } else {
        team_type.to_string()
    }
}

/// `system-name` → `system:default/system-name`, as Backstage defaults it.
fn qualify(reference: &str, kind: &str) -> String {
    let lower = reference.to_ascii_lowercase();
    let with_kind = if lower.contains(':') { lower } else { format!("{kind}:{lower}") };
    if with_kind.contains('/') {
        with_kind
    } else {
        with_kind.replacen(':', ":default/", 1)
    }
}

/// Links from descriptors open only with schemes that cannot run code.
pub fn is_safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}
