//! One module per page.

pub mod api;
pub mod catalog;
pub mod delivery;
pub mod docs;
pub mod entity;
pub mod graph;
pub mod home;
pub mod news;
pub mod search;
pub mod sign_in;
pub mod survey;
pub mod teams;

use maud::html;

use crate::html::{Page, Section};

pub fn not_found(page: &Page<'_>) -> String {
    let main = html! {
        h1 { (page.t("not-found-title")) }
        p { (page.t("not-found-text")) }
        p { a href="/catalog" { (page.t("not-found-back")) } }
    };
    page.document(&page.t("not-found-title"), Section::None, main)
}
