//! Guest sign-in, for trials without a proxy in front: pick who you are among the catalog's
//! users. Never the way to sign in to a production portal (see the server's identity).

use maud::html;

use crate::html::{entity_url, Page, Section};
use crate::web::Person;

/// At most this many users are listed; the filter narrows them down.
pub const LISTED_USERS: usize = 50;

/// `users` are (reference, display name), already filtered by `query`.
pub fn render(
    page: &Page<'_>,
    users: &[(String, String)],
    query: &str,
    back: &str,
    current: Option<&Person>,
) -> String {
    let title = page.t("sign-in-title");
    let main = html! {
        h1 { (title) }
        p.notice.warn { (page.t("sign-in-guest-warning")) }
        @if let Some(person) = current {
            form method="post" action="/sign-out" {
                p {
                    (page.t("survey-answering-as")) " " a href=(entity_url(&person.user_ref)) { (person.display_name) } " "
                    input type="hidden" name="back" value=(back);
                    button type="submit" { (page.t("sign-out")) }
                }
            }
        }
        form method="get" action="/sign-in" role="search" {
            input type="hidden" name="back" value=(back);
            label for="sign-in-filter" { (page.t("sign-in-filter")) }
            " "
            input #sign-in-filter type="search" name="q" value=(query);
            " "
            button type="submit" { (page.t("sign-in-filter-button")) }
        }
        @if users.is_empty() {
            p.empty { (page.t("sign-in-no-user")) }
        } @else {
            form method="post" action="/sign-in" {
                input type="hidden" name="back" value=(back);
                ul.sign-in-users {
                    @for (reference, name) in users {
                        li {
                            button type="submit" name="user" value=(reference) { (name) }
                            " " span.meta { (reference) }
                        }
                    }
                }
            }
        }
    };
    page.document(&title, Section::None, main)
}
