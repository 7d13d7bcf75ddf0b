//! An API entity's definition (OpenAPI, AsyncAPI) rendered as a page; a
//! broken definition shows what is wrong and where.

use kiosque_catalog::Catalog;
use kiosque_docs::{parse_api_definition, render_api, render_api_error};
use maud::{html, PreEscaped};
use serde_json::Value;

use crate::html::{entity_url, Page, Section};

pub fn render(page: &Page<'_>, catalog: &Catalog, reference: &str) -> Option<String> {
    let view = catalog.by_ref_text(reference)?;
    if view.kind() != "api" {
        return None;
    }
    let value = view.body_value();
    let title = page.title_of(&value);
    let labels = |id: &str| page.t(id);
    // A definition written as a mapping rather than text is read as JSON.
    let text = match value.pointer("/spec/definition") {
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let body = match parse_api_definition(&text) {
        Ok(document) => render_api(&document, &labels),
        Err(error) => render_api_error(&error, &labels),
    };
    let main = html! {
        nav.breadcrumbs aria-label=(page.t("breadcrumbs")) {
            ol {
                li { a href="/catalog?kind=api" { (page.kind_name("api", true)) } }
                li { a href=(entity_url(view.entity_ref)) { (title) } }
                li aria-current="page" { (page.t("entity-definition")) }
            }
        }
        h1 { (page.t("entity-definition")) ": " (title) }
        (PreEscaped(body))
    };
    Some(page.document(&format!("{} · {title}", page.t("entity-definition")), Section::Catalog, main))
}
