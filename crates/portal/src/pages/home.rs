//! Home: the search box, what the catalog holds, the organisation's teams,
//! and what needs attention.

use kiosque_catalog::{Catalog, FilterSet};
use kiosque_model::Severity;
use maud::html;

use crate::html::{entity_url, str_at, Page, Section};

/// Entities listed as recently changed.
const RECENT: usize = 8;

/// Teams listed per type on the home page; the rest are a link away.
const TEAMS_SHOWN: usize = 12;

/// Team Topologies types, in the order the map shows them.
pub const TEAM_TYPES: [&str; 4] = ["stream-aligned", "platform", "enabling", "complicated-subsystem"];

pub fn render(page: &Page<'_>, catalog: &Catalog, news: &[crate::Announcement]) -> String {
    let unread = crate::pages::news::unread(news, page.cx.news_read.as_deref());
    let counts = catalog.counts_by_kind();
    let team_filter = FilterSet::parse("kind=group").unwrap_or_default();
    let mut teams: Vec<(String, String, String)> = catalog
        .filter(&[team_filter])
        .into_iter()
        .filter_map(|id| catalog.get(id))
        .map(|view| {
            let value = view.body_value();
            let kind = str_at(&value, "/spec/type").unwrap_or("").to_ascii_lowercase();
            (kind, page.title_of(&value), view.entity_ref.to_string())
        })
        .filter(|(kind, _, _)| TEAM_TYPES.contains(&kind.as_str()))
        .collect();
    teams.sort_by(|a, b| {
        (TEAM_TYPES.iter().position(|t| *t == a.0), &a.1).cmp(&(TEAM_TYPES.iter().position(|t| *t == b.0), &b.1))
    });
    let errors = catalog.diagnostics().iter().filter(|d| d.severity == Severity::Error).count();
    let orphans = catalog.orphans().count();
    let conflicts = catalog.conflicts().len();
    let main = html! {
        section.hero aria-labelledby="home-title" {
            h1 #home-title { (page.t("home-title")) }
            p.lead { (page.t_with("home-lead", &[("count", page.number(catalog.len()).into())])) }
            form.big-search role="search" action="/search" method="get" aria-label=(page.t("search-label")) {
                label for="home-search" { (page.t("search-label")) }
                div.row {
                    input #home-search type="search" name="q" placeholder=(page.t("search-placeholder")) autocomplete="off";
                    button type="submit" { (page.t("search-button")) }
                }
            }
        }
        (crate::pages::news::home_panel(page, &unread))
        section aria-labelledby="home-kinds" {
            h2 #home-kinds { (page.t("home-kinds")) }
            ul.cards {
                @for (kind, count) in &counts {
                    li {
                        a.card href={ "/catalog?kind=" (kind) } {
                            span.count { (page.number(*count)) }
                            span.label { (page.kind_name(kind, true)) }
                        }
                    }
                }
            }
        }
        @if errors + orphans + conflicts > 0 {
            section.attention aria-labelledby="home-attention" {
                h2 #home-attention { (page.t("home-attention")) }
                ul {
                    @if errors > 0 { li { (page.t_with("home-errors", &[("count", errors.into())])) } }
                    @if orphans > 0 { li { a href="/catalog?orphan=true" { (page.t_with("home-orphans", &[("count", orphans.into())])) } } }
                    @if conflicts > 0 { li { (page.t_with("home-conflicts", &[("count", conflicts.into())])) } }
                }
            }
        }
        @let recent = catalog.recently_changed(RECENT);
        @if !recent.is_empty() {
            section aria-labelledby="home-recent" {
                h2 #home-recent { (page.t("home-recent")) }
                ul.recent {
                    @for id in &recent {
                        @if let Some(view) = catalog.get(*id) {
                            li {
                                (page.entity_link(catalog, view.entity_ref)) " " (page.kind_badge(view.kind()))
                                " " time datetime=(view.changed_at) { (page.locale().date_of(view.changed_at)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="home-teams" {
            h2 #home-teams { (page.t("home-teams")) " " a.more href="/teams" { (page.t("home-teams-map")) } }
            @for team_type in TEAM_TYPES {
                @let members: Vec<_> = teams.iter().filter(|t| t.0 == team_type).collect();
                @if !members.is_empty() {
                    h3 { span class={ "badge team-" (team_type) } { (page.t(&format!("team-type-{team_type}"))) } }
                    ul.inline {
                        @for (_, title, reference) in members.iter().take(TEAMS_SHOWN) {
                            li { a href=(entity_url(reference)) { (title) } }
                        }
                        @if members.len() > TEAMS_SHOWN {
                            li { a href={ "/catalog?kind=group&type=" (team_type) } { (page.t_with("home-teams-more", &[("count", (members.len() - TEAMS_SHOWN).into())])) } }
                        }
                    }
                }
            }
        }
    };
    page.document(&page.t("home-title"), Section::Home, main)
}
