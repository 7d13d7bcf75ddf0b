//! The page shell (header, navigation, language and theme switches,
//! footer) and the small pieces every page uses: links to entities, names
//! in the reader's language, badges.

use fluent_bundle::FluentValue;
use kiosque_catalog::Catalog;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value;

use crate::i18n::{Locale, Messages};
use crate::{assets, Context};

/// What a page renders with: the request's context and the messages.
pub struct Page<'a> {
    pub cx: &'a Context,
    pub messages: &'a Messages,
}

impl Page<'_> {
    pub fn locale(&self) -> Locale {
        self.cx.locale
    }

    pub fn t(&self, id: &str) -> String {
        self.messages.format(self.cx.locale, id, &[])
    }

    pub fn t_with(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.messages.format(self.cx.locale, id, args)
    }

    pub fn number(&self, n: usize) -> String {
        self.cx.locale.number(n)
    }

    /// The whole document around a page's main content.
    pub fn document(&self, title: &str, section: Section, main: Markup) -> String {
        let locale = self.locale();
        let other = match locale {
            Locale::En => Locale::Fr,
            Locale::Fr => Locale::En,
        };
        let nav = [
            (Section::Home, "/", self.t("nav-home")),
            (Section::Catalog, "/catalog", self.t("nav-catalog")),
            (Section::Teams, "/teams", self.t("nav-teams")),
            (Section::Docs, "/docs", self.t("nav-docs")),
            (Section::News, "/whats-new", self.t("nav-news")),
            (Section::Delivery, "/delivery", self.t("dora-nav")),
            (Section::Surveys, "/surveys", self.t("survey-nav")),
        ];
        let theme = self.cx.theme.as_deref().filter(|t| matches!(*t, "light" | "dark"));
        let markup = html! {
            (DOCTYPE)
            html lang=(locale.code()) data-theme=[theme] {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="color-scheme" content="light dark";
                    title { (title) " · Kiosque" }
                    link rel="stylesheet" href=(assets::STYLESHEET.url());
                    link rel="stylesheet" href=(assets::GRAPH_STYLESHEET.url());
                    link rel="alternate" type="application/atom+xml" title=(self.t("news-feed")) href="/whats-new/feed.xml";
                    script src=(assets::SCRIPT.url()) defer {}
                }
                body {
                    a.skip href="#main" { (self.t("skip-to-content")) }
                    header.top {
                        a.brand href="/" { span.logo aria-hidden="true" { "K" } "Kiosque" }
                        nav aria-label=(self.t("nav-label")) {
                            ul {
                                @for (s, href, label) in &nav {
                                    li { a href=(href) aria-current=[(*s == section).then_some("page")] { (label) } }
                                }
                            }
                        }
                        form.search role="search" action="/search" method="get" aria-label=(self.t("search-quick")) {
                            label.visually-hidden for="top-search" { (self.t("search-label")) }
                            input #top-search type="search" name="q" placeholder=(self.t("search-placeholder"))
                                value=[self.cx.query.as_deref()] autocomplete="off";
                            button type="submit" { (self.t("search-button")) }
                        }
                        div.prefs {
                            a.lang href=(prefs_url("lang", other.code(), &self.cx.path)) hreflang=(other.code())
                                lang=(other.code()) { (self.messages.format(other, "switch-language", &[])) }
                            a.theme href=(prefs_url("theme", if theme == Some("dark") { "light" } else { "dark" }, &self.cx.path))
                                data-theme-toggle { (self.t("switch-theme")) }
                        }
                    }
                    main #main tabindex="-1" { (main) }
                    footer.bottom {
                        p { (self.t_with("footer-catalog", &[("generation", self.cx.generation.into())])) }
                        p { a href="/api/openapi.json" { (self.t("footer-api")) } " · " a href="/whats-new/feed.xml" { (self.t("news-feed")) } }
                    }
                }
            }
        };
        markup.into_string()
    }

    /// The entity's title in the reader's language: a `kiosque.io/title-fr`
    /// annotation in French, else `metadata.title`, else the name.
    pub fn title_of(&self, value: &Value) -> String {
        localized(value, "title", self.locale())
            .or_else(|| str_at(value, "/spec/profile/displayName").map(str::to_string))
            .unwrap_or_else(|| name_of(value).to_string())
    }

    pub fn description_of(&self, value: &Value) -> Option<String> {
        localized(value, "description", self.locale())
    }

    /// A link to an entity, by reference; references to nothing are shown
    /// as plain text, marked missing.
    pub fn entity_link(&self, catalog: &Catalog, reference: &str) -> Markup {
        match catalog.by_ref_text(reference) {
            Some(view) => {
                let value = view.body_value();
                html! { a href=(entity_url(view.entity_ref)) title=(view.entity_ref) { (self.title_of(&value)) } }
            }
            None => html! {
                span.missing title=(self.t("reference-missing")) { (short_ref(reference)) }
            },
        }
    }

    pub fn kind_badge(&self, kind: &str) -> Markup {
        let kind = kind.to_ascii_lowercase();
        html! { span class={ "badge kind-" (kind) } { (self.kind_name(&kind, false)) } }
    }

    /// A kind's name (`plural` for headings over a list); kinds the
    /// catalogue does not know are shown as written.
    pub fn kind_name(&self, kind: &str, plural: bool) -> String {
        let kind = kind.to_ascii_lowercase();
        let id = if plural { format!("kinds-{kind}") } else { format!("kind-{kind}") };
        let text = self.t(&id);
        if text.starts_with(crate::i18n::MISSING) {
            kind
        } else {
            text
        }
    }
}

/// The main navigation's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Catalog,
    Teams,
    Docs,
    News,
    Delivery,
    Surveys,
    Search,
    None,
}

/// `/prefs?lang=fr&back=/catalog` sets a preference and comes back: the
/// switches work without JavaScript.
pub fn prefs_url(key: &str, value: &str, back: &str) -> String {
    format!("/prefs?{key}={value}&back={}", encode_component(back))
}

/// The portal page of an entity reference (`kind:namespace/name`), at
/// Backstage's address so bookmarks survive a migration.
pub fn entity_url(reference: &str) -> String {
    let (kind, rest) = reference.split_once(':').unwrap_or(("component", reference));
    let (namespace, name) = rest.split_once('/').unwrap_or(("default", rest));
    format!(
        "/catalog/{}/{}/{}",
        encode_component(namespace),
        encode_component(&kind.to_ascii_lowercase()),
        encode_component(name)
    )
}

/// `kind:default/name` → `name`; other namespaces kept.
pub fn short_ref(reference: &str) -> &str {
    let rest = reference.split_once(':').map_or(reference, |(_, r)| r);
    rest.strip_prefix("default/").unwrap_or(rest)
}

pub fn name_of(value: &Value) -> &str {
    value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("")
}

pub fn str_at<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    value.pointer(pointer).and_then(Value::as_str).filter(|s| !s.trim().is_empty())
}

fn localized(value: &Value, field: &str, locale: Locale) -> Option<String> {
    if locale == Locale::Fr {
        let annotation = format!("kiosque.io/{field}-fr");
        if let Some(text) =
            value.pointer("/metadata/annotations").and_then(|a| a.get(&annotation)).and_then(Value::as_str)
        {
            return Some(text.to_string());
        }
    }
    str_at(value, &format!("/metadata/{field}")).map(str::to_string)
}

/// Percent-encodes a URL path segment or query value.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Text with every occurrence of the query's words marked.
pub fn highlight(text: &str, words: &[String]) -> Markup {
    if words.is_empty() {
        return html! { (text) };
    }
    let folded: Vec<(usize, char)> = text.char_indices().collect();
    let lower: String = text.chars().map(fold_char).collect();
    let lower_chars: Vec<char> = lower.chars().collect();
    let mut marks = vec![false; folded.len()];
    for word in words.iter().filter(|w| !w.is_empty()) {
        let pattern: Vec<char> = word.chars().map(fold_char).collect();
        if pattern.len() > lower_chars.len() {
            continue;
        }
        for start in 0..=lower_chars.len() - pattern.len() {
            // Words match at their start, as the search does (prefixes).
            let at_word_start = start == 0 || !lower_chars[start - 1].is_alphanumeric();
            if at_word_start && lower_chars[start..start + pattern.len()] == pattern[..] {
                marks[start..start + pattern.len()].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    let mut out = String::new();
    let mut open = false;
    for (i, (_, c)) in folded.iter().enumerate() {
        if marks[i] && !open {
            out.push_str("<mark>");
            open = true;
        } else if !marks[i] && open {
            out.push_str("</mark>");
            open = false;
        }
        escape_into(&mut out, *c);
    }
    if open {
        out.push_str("</mark>");
    }
    PreEscaped(out)
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// Lower case without accents, one char for one char (so positions hold).
pub(crate) fn fold_char(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// The words of a query, folded, for highlighting.
pub fn query_words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().map(fold_char).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_urls_follow_backstage_and_encode_what_they_must() {
        assert_eq!(entity_url("component:default/payments-api"), "/catalog/default/component/payments-api");
        assert_eq!(entity_url("group:ops/team a"), "/catalog/ops/group/team%20a");
        assert_eq!(short_ref("api:default/x"), "x");
        assert_eq!(short_ref("api:other/x"), "other/x");
    }

    #[test]
    fn highlighting_marks_word_starts_and_escapes_everything_else() {
        let words = query_words("secu");
        assert_eq!(
            highlight("Sécurité <b> & sécu", &words).into_string(),
            "<mark>Sécu</mark>rité &lt;b&gt; &amp; <mark>sécu</mark>"
        );
        assert_eq!(highlight("insecure", &words).into_string(), "insecure");
        assert_eq!(highlight("\"><script>", &[]).into_string(), "&quot;&gt;&lt;script&gt;");
    }
}
