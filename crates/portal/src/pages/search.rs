//! Search results: entities ranked by where the words match (name, title,
//! tags, description), then docs pages ranked by matches in their title
//! and text; every match highlighted.

use kiosque_catalog::Catalog;
use maud::html;

use crate::html::{entity_url, fold_char, highlight, query_words, Page, Section};
use crate::DocHit;

const RESULTS: usize = 50;
const DOC_RESULTS: usize = 20;
/// Characters of context shown around a docs match.
const SNIPPET: usize = 220;

pub fn render(page: &Page<'_>, catalog: &Catalog, query: &str, docs: &[&DocHit]) -> String {
    let found = if query.trim().is_empty() { Vec::new() } else { catalog.search(query) };
    let words = query_words(query);
    let mut doc_hits: Vec<(usize, &DocHit, String)> =
        docs.iter().filter_map(|hit| score(hit, &words).map(|(s, snippet)| (s, *hit, snippet))).collect();
    doc_hits.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.title.cmp(&b.1.title)));
    let main = html! {
        h1 { (page.t("search-title")) }
        form.big-search role="search" action="/search" method="get" aria-label=(page.t("search-label")) {
            label for="search-q" { (page.t("search-label")) }
            div.row {
                input #search-q type="search" name="q" value=(query) autocomplete="off";
                button type="submit" { (page.t("search-button")) }
            }
        }
        @if !query.trim().is_empty() {
            section aria-labelledby="search-entities" {
                h2 #search-entities { (page.t("search-entities")) }
                p.summary { (page.t_with("search-count", &[("count", found.len().into()), ("shown", page.number(found.len().min(RESULTS)).into())])) }
                ol.results {
                    @for (id, _) in found.iter().take(RESULTS) {
                        @if let Some(view) = catalog.get(*id) {
                            @let value = view.body_value();
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
            section aria-labelledby="search-docs" {
                h2 #search-docs { (page.t("search-docs")) }
                p.summary { (page.t_with("search-count", &[("count", doc_hits.len().into()), ("shown", page.number(doc_hits.len().min(DOC_RESULTS)).into())])) }
                ol.results {
                    @for (_, hit, snippet) in doc_hits.iter().take(DOC_RESULTS) {
                        li {
                            a href=(hit.url) { (highlight(&hit.title, &words)) }
                            " · " (page.entity_link(catalog, &hit.entity))
                            p { "…" (highlight(snippet, &words)) "…" }
                        }
                    }
                }
            }
        }
    };
    page.document(&page.t("search-title"), Section::Search, main)
}

/// How well a docs page matches every word (as a word prefix), with the
/// text around its first match; none when a word is missing.
fn score(hit: &DocHit, words: &[String]) -> Option<(usize, String)> {
    if words.is_empty() {
        return None;
    }
    let text: Vec<char> = hit.text.chars().collect();
    let folded: Vec<char> = text.iter().map(|c| fold_char(*c)).collect();
    let title: Vec<char> = hit.title.chars().map(fold_char).collect();
    let mut total = 0;
    let mut first: Option<usize> = None;
    for word in words {
        let pattern: Vec<char> = word.chars().collect();
        let in_title = occurrences(&title, &pattern).len();
        let in_text = occurrences(&folded, &pattern);
        if in_title + in_text.len() == 0 {
            return None;
        }
        if let Some(&p) = in_text.first() {
            first = Some(first.map_or(p, |f| f.min(p)));
        }
        total += in_title * 10 + in_text.len().min(20);
    }
    let at = first.unwrap_or(0);
    let start = at.saturating_sub(SNIPPET / 3);
    let snippet: String = text[start..(start + SNIPPET).min(text.len())].iter().collect();
    Some((total, snippet))
}

/// Positions where `pattern` starts a word of `text`.
fn occurrences(text: &[char], pattern: &[char]) -> Vec<usize> {
    if pattern.is_empty() || pattern.len() > text.len() {
        return Vec::new();
    }
    (0..=text.len() - pattern.len())
        .filter(|&i| (i == 0 || !text[i - 1].is_alphanumeric()) && text[i..i + pattern.len()] == pattern[..])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(title: &str, text: &str) -> DocHit {
        DocHit { url: "/docs/x".into(), title: title.into(), text: text.into(), entity: "component:default/x".into() }
    }

    #[test]
    fn docs_match_every_word_at_word_starts_titles_first() {
        let words = query_words("sepa instant");
        let a = hit("SEPA Instant", "How instant payments work.");
        let b = hit("Guide", "Instant transfers use the SEPA scheme; sepa again.");
        let c = hit("Guide", "Only instant here.");
        let (score_a, _) = score(&a, &words).unwrap();
        let (score_b, snippet_b) = score(&b, &words).unwrap();
        // a: title 1+1 matches (×10) + text "instant" once = 21; b: text 1 + 2 = 3.
        assert_eq!((score_a, score_b), (21, 3));
        assert!(snippet_b.starts_with("Instant transfers"));
        assert!(score(&c, &words).is_none(), "every word must match");
        assert!(score(&hit("t", "persepa"), &query_words("sepa")).is_none(), "inside a word is no match");
    }
}
