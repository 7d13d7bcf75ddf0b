//! Search results: entities ranked by where the words match (name, title,
//! tags, description), the matches highlighted.

use kiosque_catalog::Catalog;
use maud::html;

use crate::html::{entity_url, highlight, query_words, Page, Section};

const RESULTS: usize = 50;

pub fn render(page: &Page<'_>, catalog: &Catalog, query: &str) -> String {
    let found = if query.trim().is_empty() { Vec::new() } else { catalog.search(query) };
    let words = query_words(query);
    let main = html! {
        h1 { (page.t("search-title")) }
        form.big-search role="search" action="/search" method="get" {
            label for="search-q" { (page.t("search-label")) }
            div.row {
                input #search-q type="search" name="q" value=(query) autocomplete="off";
                button type="submit" { (page.t("search-button")) }
            }
        }
        @if !query.trim().is_empty() {
            p.summary aria-live="polite" { (page.t_with("search-count", &[("count", found.len().into()), ("shown", page.number(found.len().min(RESULTS)).into())])) }
            ol.results {
                @for (id, _) in found.iter().take(RESULTS) {
                    @if let Some(view) = catalog.get(*id) {
                        @let value = view.value();
                        li {
                            a href=(entity_url(view.entity_ref)) { (highlight(&page.title_of(&value), &words)) }
                            " " (page.kind_badge(view.kind()))
                            @if let Some(description) = page.description_of(&value) {
                                p { (highlight(&description.chars().take(240).collect::<String>(), &words)) }
                            }
                        }
                    }
                }
            }
        }
    };
    page.document(&page.t("search-title"), Section::Search, main)
}
