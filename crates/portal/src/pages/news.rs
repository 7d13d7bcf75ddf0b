//! "What's new": the platform team's dated announcements (a folder of
//! Markdown files, `YYYY-MM-DD-slug.md`, with `YYYY-MM-DD-slug.fr.md` for
//! the French text), listed on their page, shown on the home page until
//! read, and published as an Atom feed.

use kiosque_docs::{render_markdown, PageContext};
use maud::{html, Markup, PreEscaped};

use crate::html::{Page, Section};
use crate::i18n::Locale;

/// One announcement, in English and, when written, in French.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    /// `YYYY-MM-DD-slug`: sorts by date, names it in URLs and cookies.
    pub id: String,
    pub date: (i32, u32, u32),
    texts: Vec<(Locale, Text)>,
}

#[derive(Debug, Clone, PartialEq)]
struct Text {
    title: String,
    html: String,
}

impl Announcement {
    /// Reads the files of an announcements folder (name, Markdown); files
    /// whose names do not start with a date are skipped, with the reason.
    pub fn from_files(files: &[(String, String)]) -> (Vec<Announcement>, Vec<String>) {
        let mut announcements: Vec<Announcement> = Vec::new();
        let mut skipped = Vec::new();
        for (name, markdown) in files {
            let Some(stem) = name.strip_suffix(".md") else { continue };
            let (stem, locale) = match stem.strip_suffix(".fr") {
                Some(stem) => (stem, Locale::Fr),
                None => (stem.strip_suffix(".en").unwrap_or(stem), Locale::En),
            };
            let Some(date) = parse_date(stem) else {
                skipped.push(format!("{name}: the name must start with a date, YYYY-MM-DD-"));
                continue;
            };
            let rendered = render_markdown(markdown, &PageContext { base_url: "/whats-new", page_path: name });
            // The title is shown apart: the page's first heading is not repeated.
            let html = strip_first_heading(&rendered.html);
            let text = Text { title: rendered.title, html };
            match announcements.iter_mut().find(|a| a.id == stem) {
                Some(existing) => existing.texts.push((locale, text)),
                None => announcements.push(Announcement { id: stem.to_string(), date, texts: vec![(locale, text)] }),
            }
        }
        announcements.sort_by(|a, b| b.id.cmp(&a.id));
        (announcements, skipped)
    }

    /// The text in `locale`, else in English, else whichever exists.
    fn text(&self, locale: Locale) -> &Text {
        self.texts
            .iter()
            .find(|(l, _)| *l == locale)
            .or_else(|| self.texts.iter().find(|(l, _)| *l == Locale::En))
            .or(self.texts.first())
            .map(|(_, t)| t)
            .expect("an announcement has at least one text")
    }
}

fn parse_date(stem: &str) -> Option<(i32, u32, u32)> {
    let bytes = stem.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' || (bytes.len() > 10 && bytes[10] != b'-') {
        return None;
    }
    let year = stem.get(0..4)?.parse().ok()?;
    let month = stem.get(5..7)?.parse().ok().filter(|m| (1..=12).contains(m))?;
    let day = stem.get(8..10)?.parse().ok().filter(|d| (1..=31).contains(d))?;
    Some((year, month, day))
}

fn strip_first_heading(html: &str) -> String {
    match (html.find("<h1"), html.find("</h1>")) {
        (Some(0), Some(end)) => html[end + 5..].trim_start().to_string(),
        _ => html.to_string(),
    }
}

fn date_text(page: &Page<'_>, a: &Announcement) -> String {
    page.locale().date(a.date.0, a.date.1, a.date.2)
}

/// The announcements newer than the last one read, for the home page.
pub fn unread<'a>(news: &'a [Announcement], last_read: Option<&str>) -> Vec<&'a Announcement> {
    news.iter().filter(|a| last_read.is_none_or(|read| a.id.as_str() > read)).take(3).collect()
}

pub fn home_panel(page: &Page<'_>, unread: &[&Announcement]) -> Markup {
    html! {
        @if !unread.is_empty() {
            section.news aria-labelledby="home-news" {
                h2 #home-news { (page.t("news-unread")) " " a.more href="/whats-new" { (page.t("news-all")) } }
                ul {
                    @for a in unread {
                        li { time datetime=(a.id.get(0..10).unwrap_or("")) { (date_text(page, a)) } " " a href={ "/whats-new#" (a.id) } { (a.text(page.locale()).title) } }
                    }
                }
            }
        }
    }
}

pub fn render(page: &Page<'_>, news: &[Announcement]) -> String {
    let main = html! {
        h1 { (page.t("news-title")) " " a.more href="/whats-new/feed.xml" { (page.t("news-feed")) } }
        p.lead { (page.t("news-lead")) }
        @if news.is_empty() { p.empty { (page.t("news-none")) } }
        @for a in news {
            @let text = a.text(page.locale());
            article.card.announcement id=(a.id) aria-labelledby={ "t-" (a.id) } {
                h2 id={ "t-" (a.id) } { (text.title) }
                p.meta { time datetime=(a.id.get(0..10).unwrap_or("")) { (date_text(page, a)) } }
                div.docs-page { (PreEscaped(&text.html)) }
            }
        }
    };
    page.document(&page.t("news-title"), Section::News, main)
}

/// The Atom feed of the announcements, in `locale`.
pub fn feed(news: &[Announcement], locale: Locale, site: &str, title: &str) -> String {
    let updated = news.first().map_or("1970-01-01".to_string(), |a| a.id[..10].to_string());
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
    out.push_str(locale.code());
    out.push_str("\">\n<title>");
    out.push_str(&escape(title));
    out.push_str("</title>\n<id>");
    out.push_str(&escape(&format!("{site}/whats-new")));
    out.push_str("</id>\n<link rel=\"alternate\" href=\"");
    out.push_str(&escape(&format!("{site}/whats-new")));
    out.push_str("\"/>\n<link rel=\"self\" href=\"");
    out.push_str(&escape(&format!("{site}/whats-new/feed.xml")));
    out.push_str("\"/>\n<updated>");
    out.push_str(&updated);
    out.push_str("T00:00:00Z</updated>\n");
    for a in news {
        let text = a.text(locale);
        let url = format!("{site}/whats-new#{}", a.id);
        out.push_str("<entry>\n<title>");
        out.push_str(&escape(&text.title));
        out.push_str("</title>\n<id>");
        out.push_str(&escape(&url));
        out.push_str("</id>\n<link href=\"");
        out.push_str(&escape(&url));
        out.push_str("\"/>\n<updated>");
        out.push_str(&a.id[..10]);
        out.push_str("T00:00:00Z</updated>\n<author><name>Platform team</name></author>\n<content type=\"html\">");
        out.push_str(&escape(&text.html));
        out.push_str("</content>\n</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<(String, String)> {
        vec![
            ("2026-11-02-portal.md".into(), "# The portal is open\n\nFind <b>anything</b>.".into()),
            ("2026-11-02-portal.fr.md".into(), "# Le portail est ouvert\n\nTrouvez tout.".into()),
            ("2026-11-16-dora.md".into(), "# Delivery metrics\n\nDORA keys per team.".into()),
            ("notes.md".into(), "# Not an announcement".into()),
            ("image.png".into(), String::new()),
        ]
    }

    #[test]
    fn announcements_are_read_newest_first_with_their_french_text() {
        let (news, skipped) = Announcement::from_files(&files());
        assert_eq!(news.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["2026-11-16-dora", "2026-11-02-portal"]);
        assert_eq!(skipped.len(), 1);
        assert_eq!(news[1].text(Locale::Fr).title, "Le portail est ouvert");
        assert_eq!(news[0].text(Locale::Fr).title, "Delivery metrics", "English when no French text");
        assert!(!news[1].text(Locale::En).html.contains("<h1"), "the title is not repeated");
        assert!(news[1].text(Locale::En).html.contains("&lt;b&gt;"), "raw HTML is text");
        assert_eq!(unread(&news, Some("2026-11-02-portal")).len(), 1);
        assert_eq!(unread(&news, None).len(), 2);
        assert!(unread(&news, Some("2026-11-16-dora")).is_empty());
    }

    #[test]
    fn the_feed_is_atom_with_every_entry_escaped() {
        let (news, _) = Announcement::from_files(&files());
        let feed = feed(&news, Locale::En, "https://kiosque.example", "What's new");
        assert!(feed.starts_with("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
        assert_eq!(feed.matches("<entry>").count(), 2);
        assert!(feed.contains("<updated>2026-11-16T00:00:00Z</updated>"));
        assert!(feed.contains("<id>https://kiosque.example/whats-new#2026-11-02-portal</id>"));
        assert!(!feed.contains("<b>") && feed.contains("&amp;lt;b&amp;gt;"));
    }
}
