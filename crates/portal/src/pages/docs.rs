//! Docs: an entity's Markdown pages rendered natively (no mkdocs), with the
//! site's navigation and the page's table of contents; and the list of
//! every entity that has docs.

use kiosque_catalog::Catalog;
use kiosque_docs::{render_markdown, render_nav, render_toc, DocsSite, PageContext};
use maud::{html, PreEscaped};

use crate::html::{entity_url, Page, Section};

/// The docs address of an entity: `/docs/{namespace}/{kind}/{name}`.
pub fn docs_url(reference: &str) -> String {
    format!("/docs{}", entity_url(reference).trim_start_matches("/catalog"))
}

pub fn render_page(
    page: &Page<'_>,
    catalog: &Catalog,
    reference: &str,
    site: &DocsSite,
    doc: &kiosque_docs::Page,
    markdown: &str,
) -> Option<String> {
    let view = catalog.by_ref_text(reference)?;
    let title = page.title_of(&view.body_value());
    let base = docs_url(view.entity_ref);
    let rendered = render_markdown(markdown, &PageContext { base_url: &base, page_path: &doc.path });
    let labels = |id: &str| page.t(id);
    let nav = render_nav(site.nav(), Some(&doc.path), &base, &labels);
    let toc = render_toc(&rendered.toc, &labels);
    let main = html! {
        nav.breadcrumbs aria-label=(page.t("breadcrumbs")) {
            ol {
                li { a href="/docs" { (page.t("nav-docs")) } }
                li { a href=(entity_url(view.entity_ref)) { (title) } }
                li aria-current="page" { (rendered.title) }
            }
        }
        div.docs {
            aside.docs-nav aria-label=(page.t("docs-navigation")) { (PreEscaped(nav)) }
            article.docs-page {
                (PreEscaped(rendered.html))
                @if rendered.truncated { p.notice.warn { (page.t("docs-truncated")) } }
            }
            @if !toc.is_empty() { aside.docs-toc { (PreEscaped(toc)) } }
        }
    };
    Some(page.document(&format!("{} · {title}", rendered.title), Section::Docs, main))
}

/// Every entity with docs, by title.
pub fn render_index(page: &Page<'_>, catalog: &Catalog, references: &[String]) -> String {
    let mut entries: Vec<(String, String, String)> = references
        .iter()
        .filter_map(|r| catalog.by_ref_text(r))
        .map(|view| {
            let value = view.body_value();
            (page.title_of(&value), view.entity_ref.to_string(), page.description_of(&value).unwrap_or_default())
        })
        .collect();
    entries.sort();
    let main = html! {
        h1 { (page.t("docs-title")) }
        p.lead { (page.t("docs-lead")) }
        @if entries.is_empty() { p.empty { (page.t("docs-none")) } }
        ul.doc-list {
            @for (title, reference, description) in &entries {
                li {
                    a href=(docs_url(reference)) { (title) } " " (page.kind_badge(reference.split(':').next().unwrap_or("")))
                    @if !description.is_empty() { p { (description) } }
                }
            }
        }
    };
    page.document(&page.t("docs-title"), Section::Docs, main)
}

/// An entity without docs (or a page its docs do not have).
pub fn render_missing(page: &Page<'_>, catalog: &Catalog, reference: &str) -> String {
    let link = catalog.by_ref_text(reference).map(|v| (entity_url(v.entity_ref), page.title_of(&v.body_value())));
    let main = html! {
        h1 { (page.t("docs-missing-title")) }
        p { (page.t("docs-missing-text")) }
        @if let Some((href, title)) = link { p { a href=(href) { (title) } } }
    };
    page.document(&page.t("docs-missing-title"), Section::Docs, main)
}
