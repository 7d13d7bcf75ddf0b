//! Markdown → HTML, with our own writer over pulldown-cmark's events.
//!
//! pulldown-cmark's HTML writer is not used because it passes raw HTML
//! through, writes inline `style` attributes for table alignment and cannot
//! add `rel` to links. This writer escapes every text and attribute value and
//! decides every tag itself.

use std::collections::HashMap;

use pulldown_cmark::{Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::html::{escape, escape_into};
use crate::links::{is_home_stem, resolve_image, resolve_link, strip_markdown_extension, PageContext};
use crate::slug::{slugify, UniqueIds};

/// Pages longer than this are cut (at a line end) and flagged as truncated:
/// nothing written by hand comes near it, and it bounds the work per request.
pub const MAX_MARKDOWN_BYTES: usize = 2 * 1024 * 1024;

/// One heading of a page, for its table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The heading's text, without markup.
    pub text: String,
    /// The heading's `id` attribute, unique within the page.
    pub id: String,
}

/// A rendered page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMarkdown {
    /// The HTML fragment (no wrapper element).
    pub html: String,
    /// The first level-1 heading, else the file's name without extension
    /// (the folder's name for `index.md`/`README.md`).
    pub title: String,
    /// Every heading, in order.
    pub toc: Vec<TocEntry>,
    /// The page's words without markup, for full-text search.
    pub text: String,
    /// The page was longer than [`MAX_MARKDOWN_BYTES`] and only its beginning is rendered.
    pub truncated: bool,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
}

/// Renders a page of a docs folder: heading ids, table of contents, title,
/// search text; relative links and images resolved against `ctx`.
pub fn render_markdown(markdown: &str, ctx: &PageContext<'_>) -> RenderedMarkdown {
    let (markdown, truncated) = cut(markdown, MAX_MARKDOWN_BYTES);
    let mut writer = Writer::new(Mode::Page(*ctx));
    writer.run(markdown);
    let title = writer.title.take().unwrap_or_else(|| fallback_title(ctx.page_path));
    RenderedMarkdown { html: writer.out, title, toc: writer.toc, text: writer.text, truncated }
}

/// Renders a description embedded in another document (an API definition):
/// same safety, no ids, headings moved down three levels so that they stay
/// below the page's own, relative links left relative.
pub(crate) fn render_fragment(markdown: &str) -> String {
    if let Some(html) = plain_paragraph(markdown) {
        return html;
    }
    let (markdown, _) = cut(markdown, MAX_MARKDOWN_BYTES);
    let mut writer = Writer::new(Mode::Fragment);
    writer.run(markdown);
    writer.out
}

/// Most descriptions in API definitions are one plain sentence. When the
/// text cannot start or contain any Markdown construct, its HTML is known
/// without parsing: one escaped paragraph, as the parser would produce.
fn plain_paragraph(markdown: &str) -> Option<String> {
    let text = markdown.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\n' || c == '\r');
    let first = text.chars().next()?;
    let plain = first.is_alphabetic()
        && !text.contains(['\n', '\r', '*', '_', '`', '[', ']', '<', '>', '!', '#', '|', '~', '\\', '&', '$', '^']);
    plain.then(|| {
        let mut html = String::with_capacity(text.len() + 8);
        html.push_str("<p>");
        escape_into(&mut html, text);
        html.push_str("</p>\n");
        html
    })
}

/// The title of a page without reading past its first level-1 heading.
pub(crate) fn page_title(markdown: &str, page_path: &str) -> String {
    let (markdown, _) = cut(markdown, MAX_MARKDOWN_BYTES);
    let mut in_h1 = false;
    let mut title = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }) => in_h1 = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                let title = title.trim();
                if !title.is_empty() {
                    return title.to_string();
                }
                in_h1 = false;
            }
            Event::Text(text) | Event::Code(text) if in_h1 => title.push_str(&text),
            _ => {}
        }
    }
    fallback_title(page_path)
}

/// The file's name without extension; a folder home takes its folder's name.
pub(crate) fn fallback_title(page_path: &str) -> String {
    let without_ext = strip_markdown_extension(page_path).unwrap_or(page_path);
    let mut parts = without_ext.rsplit('/');
    let stem = parts.next().unwrap_or_default();
    match parts.next() {
        Some(folder) if is_home_stem(stem) && !folder.is_empty() => folder.to_string(),
        _ => stem.to_string(),
    }
}

fn cut(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').unwrap_or(end);
    (&text[..end], true)
}

#[derive(Clone, Copy)]
enum Mode<'c> {
    Page(PageContext<'c>),
    Fragment,
}

impl<'c> Mode<'c> {
    fn context(&self) -> Option<&PageContext<'c>> {
        match self {
            Mode::Page(ctx) => Some(ctx),
            Mode::Fragment => None,
        }
    }
}

struct Writer<'c> {
    mode: Mode<'c>,
    out: String,
    text: String,
    ids: UniqueIds,
    toc: Vec<TocEntry>,
    title: Option<String>,
    /// For each open link: whether its `<a>` was written (refused links are not).
    links: Vec<bool>,
    alignments: Vec<Alignment>,
    cell: usize,
    in_table_head: bool,
    footnotes: HashMap<String, usize>,
}

impl<'c> Writer<'c> {
    fn new(mode: Mode<'c>) -> Self {
        Writer {
            mode,
            out: String::new(),
            text: String::new(),
            ids: UniqueIds::default(),
            toc: Vec::new(),
            title: None,
            links: Vec::new(),
            alignments: Vec::new(),
            cell: 0,
            in_table_head: false,
            footnotes: HashMap::new(),
        }
    }

    fn run(&mut self, markdown: &str) {
        self.out.reserve(markdown.len() + markdown.len() / 4);
        let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
        let mut i = 0;
        while i < events.len() {
            i = self.event(&events, i);
        }
    }

    /// Writes the event at `i`; returns the index of the next one to write
    /// (past the end of a heading's or image's content when it was consumed).
    fn event(&mut self, events: &[Event<'_>], i: usize) -> usize {
        match &events[i] {
            Event::Start(tag) => return self.start(tag, events, i),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                escape_into(&mut self.out, text);
                self.text.push_str(text);
            }
            Event::Code(code) | Event::InlineMath(code) | Event::DisplayMath(code) => {
                self.out.push_str("<code>");
                escape_into(&mut self.out, code);
                self.out.push_str("</code>");
                self.text.push_str(code);
            }
            Event::Html(html) | Event::InlineHtml(html) => self.raw_html(html),
            Event::FootnoteReference(name) => {
                let number = self.footnote_number(name);
                let id = slugify(name);
                self.out.push_str(&format!(
                    "<sup class=\"k-footnote-ref\"><a href=\"#fn-{}\">{number}</a></sup>",
                    escape(&id)
                ));
            }
            Event::SoftBreak => {
                self.out.push('\n');
                self.text.push(' ');
            }
            Event::HardBreak => {
                self.out.push_str("<br>\n");
                self.text.push('\n');
            }
            Event::Rule => self.out.push_str("<hr>\n"),
            Event::TaskListMarker(checked) => {
                let checked = if *checked { " checked" } else { "" };
                self.out.push_str(&format!("<input type=\"checkbox\" class=\"k-task\" disabled{checked}> "));
            }
        }
        i + 1
    }

    fn start(&mut self, tag: &Tag<'_>, events: &[Event<'_>], i: usize) -> usize {
        match tag {
            Tag::Paragraph => self.out.push_str("<p>"),
            Tag::Heading { level, .. } => return self.heading(*level, events, i),
            Tag::BlockQuote(kind) => {
                let class = match kind {
                    None => "",
                    Some(BlockQuoteKind::Note) => " class=\"k-callout k-callout-note\"",
                    Some(BlockQuoteKind::Tip) => " class=\"k-callout k-callout-tip\"",
                    Some(BlockQuoteKind::Important) => " class=\"k-callout k-callout-important\"",
                    Some(BlockQuoteKind::Warning) => " class=\"k-callout k-callout-warning\"",
                    Some(BlockQuoteKind::Caution) => " class=\"k-callout k-callout-caution\"",
                };
                self.out.push_str(&format!("<blockquote{class}>\n"));
            }
            Tag::CodeBlock(kind) => {
                // Scrolls sideways when long: focusable so the keyboard can scroll it.
                self.out.push_str("<pre class=\"k-code\" tabindex=\"0\"><code");
                if let CodeBlockKind::Fenced(info) = kind {
                    let lang: String = info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or_default()
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.'))
                        .collect();
                    if !lang.is_empty() {
                        self.out.push_str(&format!(" data-lang=\"{lang}\""));
                    }
                }
                self.out.push('>');
            }
            Tag::HtmlBlock => return self.html_block(events, i),
            Tag::List(Some(1)) => self.out.push_str("<ol>\n"),
            Tag::List(Some(start)) => self.out.push_str(&format!("<ol start=\"{start}\">\n")),
            Tag::List(None) => self.out.push_str("<ul>\n"),
            Tag::Item => self.out.push_str("<li>"),
            Tag::FootnoteDefinition(name) => {
                let number = self.footnote_number(name);
                self.out.push_str(&format!(
                    "<div class=\"k-footnote\" id=\"fn-{}\"><sup class=\"k-footnote-label\">{number}</sup>\n",
                    escape(&slugify(name))
                ));
            }
            Tag::DefinitionList => self.out.push_str("<dl>\n"),
            Tag::DefinitionListTitle => self.out.push_str("<dt>"),
            Tag::DefinitionListDefinition => self.out.push_str("<dd>"),
            Tag::Table(alignments) => {
                self.alignments = alignments.clone();
                self.out.push_str("<div class=\"k-table\"><table>\n");
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.cell = 0;
                self.out.push_str("<thead><tr>");
            }
            Tag::TableRow => {
                self.cell = 0;
                self.out.push_str("<tr>");
            }
            Tag::TableCell => {
                let class = match self.alignments.get(self.cell) {
                    Some(Alignment::Left) => " class=\"k-align-left\"",
                    Some(Alignment::Center) => " class=\"k-align-center\"",
                    Some(Alignment::Right) => " class=\"k-align-right\"",
                    _ => "",
                };
                if self.in_table_head {
                    self.out.push_str(&format!("<th scope=\"col\"{class}>"));
                } else {
                    self.out.push_str(&format!("<td{class}>"));
                }
            }
            Tag::Emphasis => self.out.push_str("<em>"),
            Tag::Strong => self.out.push_str("<strong>"),
            Tag::Strikethrough => self.out.push_str("<del>"),
            Tag::Superscript => self.out.push_str("<sup>"),
            Tag::Subscript => self.out.push_str("<sub>"),
            Tag::Link { dest_url, title, .. } => match resolve_link(self.mode.context(), dest_url) {
                Some(href) => {
                    self.out.push_str("<a href=\"");
                    escape_into(&mut self.out, &href.url);
                    self.out.push('"');
                    if !title.is_empty() {
                        self.out.push_str(" title=\"");
                        escape_into(&mut self.out, title);
                        self.out.push('"');
                    }
                    if href.external {
                        self.out.push_str(" class=\"k-external\" rel=\"noopener\"");
                    }
                    self.out.push('>');
                    self.links.push(true);
                }
                None => self.links.push(false),
            },
            Tag::Image { dest_url, title, .. } => return self.image(dest_url, title, events, i),
            Tag::MetadataBlock(_) => {
                // Front matter is configuration, not content.
                return skip_to_end(events, i);
            }
        }
        i + 1
    }

    fn end(&mut self, tag: &TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.out.push_str("</p>\n");
                self.text.push('\n');
            }
            TagEnd::Heading(_) => {}
            TagEnd::BlockQuote(_) => self.out.push_str("</blockquote>\n"),
            TagEnd::CodeBlock => {
                self.out.push_str("</code></pre>\n");
                self.text.push('\n');
            }
            TagEnd::HtmlBlock => {}
            TagEnd::List(ordered) => self.out.push_str(if *ordered { "</ol>\n" } else { "</ul>\n" }),
            TagEnd::Item => {
                self.out.push_str("</li>\n");
                self.text.push('\n');
            }
            TagEnd::FootnoteDefinition => self.out.push_str("</div>\n"),
            TagEnd::DefinitionList => self.out.push_str("</dl>\n"),
            TagEnd::DefinitionListTitle => self.out.push_str("</dt>\n"),
            TagEnd::DefinitionListDefinition => self.out.push_str("</dd>\n"),
            TagEnd::Table => self.out.push_str("</tbody></table></div>\n"),
            TagEnd::TableHead => {
                self.in_table_head = false;
                self.out.push_str("</tr></thead>\n<tbody>\n");
                self.text.push('\n');
            }
            TagEnd::TableRow => {
                self.out.push_str("</tr>\n");
                self.text.push('\n');
            }
            TagEnd::TableCell => {
                self.out.push_str(if self.in_table_head { "</th>" } else { "</td>" });
                self.text.push(' ');
                self.cell += 1;
            }
            TagEnd::Emphasis => self.out.push_str("</em>"),
            TagEnd::Strong => self.out.push_str("</strong>"),
            TagEnd::Strikethrough => self.out.push_str("</del>"),
            TagEnd::Superscript => self.out.push_str("</sup>"),
            TagEnd::Subscript => self.out.push_str("</sub>"),
            TagEnd::Link => {
                if self.links.pop() == Some(true) {
                    self.out.push_str("</a>");
                }
            }
            TagEnd::Image | TagEnd::MetadataBlock(_) => {}
        }
    }

    fn heading(&mut self, level: HeadingLevel, events: &[Event<'_>], i: usize) -> usize {
        let level = level as u8;
        let text = plain_text(events, i);
        match self.mode {
            Mode::Page(_) => {
                let id = self.ids.claim(slugify(&text));
                if level == 1 && self.title.is_none() && !text.trim().is_empty() {
                    self.title = Some(text.trim().to_string());
                }
                self.out.push_str(&format!("<h{level} id=\""));
                escape_into(&mut self.out, &id);
                self.out.push_str("\">");
                self.toc.push(TocEntry { level, text: text.trim().to_string(), id });
            }
            Mode::Fragment => self.out.push_str(&format!("<h{}>", (level + 3).min(6))),
        }
        let end = skip_to_end(events, i) - 1;
        let mut j = i + 1;
        while j < end {
            j = self.event(events, j);
        }
        let written = match self.mode {
            Mode::Page(_) => level,
            Mode::Fragment => (level + 3).min(6),
        };
        self.out.push_str(&format!("</h{written}>\n"));
        self.text.push('\n');
        end + 1
    }

    fn image(&mut self, dest: &str, title: &str, events: &[Event<'_>], i: usize) -> usize {
        let alt = plain_text(events, i);
        match resolve_image(self.mode.context(), dest) {
            Some(src) => {
                self.out.push_str("<img src=\"");
                escape_into(&mut self.out, &src);
                self.out.push_str("\" alt=\"");
                escape_into(&mut self.out, &alt);
                self.out.push('"');
                if !title.is_empty() {
                    self.out.push_str(" title=\"");
                    escape_into(&mut self.out, title);
                    self.out.push('"');
                }
                self.out.push_str(" loading=\"lazy\">");
            }
            None => escape_into(&mut self.out, &alt),
        }
        self.text.push_str(&alt);
        skip_to_end(events, i)
    }

    /// Raw HTML is shown as text, never interpreted; comments are dropped and
    /// a bare line break tag is kept (it is common in table cells).
    fn raw_html(&mut self, html: &str) {
        let trimmed = html.trim();
        if trimmed.starts_with("<!--") {
            return;
        }
        if is_line_break_tag(trimmed) {
            self.out.push_str("<br>");
            return;
        }
        escape_into(&mut self.out, html);
    }

    fn html_block(&mut self, events: &[Event<'_>], i: usize) -> usize {
        let end = skip_to_end(events, i);
        let mut raw = String::new();
        for event in &events[i + 1..end - 1] {
            if let Event::Html(html) | Event::Text(html) = event {
                raw.push_str(html);
            }
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() || (trimmed.starts_with("<!--") && trimmed.ends_with("-->")) {
            return end;
        }
        if is_line_break_tag(trimmed) {
            self.out.push_str("<br>\n");
            return end;
        }
        self.out.push_str("<pre class=\"k-raw-html\" tabindex=\"0\"><code>");
        escape_into(&mut self.out, &raw);
        self.out.push_str("</code></pre>\n");
        end
    }

    fn footnote_number(&mut self, name: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(name.to_string()).or_insert(next)
    }
}

fn is_line_break_tag(html: &str) -> bool {
    matches!(html.to_ascii_lowercase().as_str(), "<br>" | "<br/>" | "<br />")
}

/// The index just past the `End` matching the `Start` at `i`.
fn skip_to_end(events: &[Event<'_>], i: usize) -> usize {
    let mut depth = 0usize;
    for (j, event) in events.iter().enumerate().skip(i) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
    }
    events.len()
}

/// The text inside the element starting at `i`, without markup.
fn plain_text(events: &[Event<'_>], i: usize) -> String {
    let end = skip_to_end(events, i);
    let mut text = String::new();
    for event in &events[i + 1..end.saturating_sub(1).max(i + 1)] {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "/docs/default/component/payments-service";

    fn render(markdown: &str) -> RenderedMarkdown {
        render_markdown(markdown, &PageContext { base_url: BASE, page_path: "guide/setup.md" })
    }

    #[test]
    fn headings_get_unique_ids_and_a_toc() {
        let page =
            render("# Mise en œuvre\n\n## Présentation\n\n## Usage\n\n### Usage\n\n## Usage\n\n## `run()` *now*\n");
        assert_eq!(page.title, "Mise en œuvre");
        let ids: Vec<&str> = page.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["mise-en-œuvre", "presentation", "usage", "usage-1", "usage-2", "run-now"]);
        assert_eq!(page.toc[1], TocEntry { level: 2, text: "Présentation".into(), id: "presentation".into() });
        assert_eq!(page.toc[5].text, "run() now");
        assert!(page.html.contains("<h3 id=\"usage-1\">Usage</h3>"));
        assert!(page.html.contains("<h2 id=\"run-now\"><code>run()</code> <em>now</em></h2>"));
    }

    #[test]
    fn title_falls_back_to_the_file_name() {
        let page = render("## Only a second level\n\ntext\n");
        assert_eq!(page.title, "setup");
        assert_eq!(fallback_title("guide/index.md"), "guide");
        assert_eq!(fallback_title("README.md"), "README");
        assert_eq!(page_title("intro\n\n# Real title\n", "x.md"), "Real title");
        assert_eq!(page_title("no heading", "ops/runbook.md"), "runbook");
    }

    #[test]
    fn gfm_extensions_render_without_inline_styles() {
        let page = render(
            "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ text[^n]\n\n[^n]: The note.\n",
        );
        assert!(page.html.contains("<thead><tr><th scope=\"col\" class=\"k-align-left\">a</th><th scope=\"col\" class=\"k-align-right\">b</th></tr></thead>"), "{}", page.html);
        assert!(page.html.contains("<td class=\"k-align-left\">1</td><td class=\"k-align-right\">2</td>"));
        assert!(page.html.contains("<input type=\"checkbox\" class=\"k-task\" disabled checked> done"));
        assert!(page.html.contains("<del>old</del>"));
        assert!(page.html.contains("<sup class=\"k-footnote-ref\"><a href=\"#fn-n\">1</a></sup>"));
        assert!(page.html.contains("<div class=\"k-footnote\" id=\"fn-n\">"));
        assert!(!page.html.contains("style="));
    }

    #[test]
    fn links_and_images_are_resolved() {
        let page = render("[arch](../architecture.md#saga) [ext](https://example.org \"Ex\") ![flow](img/flow.png)\n");
        assert!(page.html.contains(&format!("<a href=\"{BASE}/architecture#saga\">arch</a>")));
        assert!(page
            .html
            .contains("<a href=\"https://example.org\" title=\"Ex\" class=\"k-external\" rel=\"noopener\">ext</a>"));
        assert!(page
            .html
            .contains(&format!("<img src=\"{BASE}/_asset/guide/img/flow.png\" alt=\"flow\" loading=\"lazy\">")));
    }

    #[test]
    fn refused_links_keep_their_text_only() {
        let page = render("[click](javascript:alert(1)) and [up](../../outside.md) ![pic](data:image/png;base64,AA)\n");
        assert_eq!(page.html, "<p>click and up pic</p>\n");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let page = render("<div onclick=\"x()\">hi</div>\n\ntext <b>bold</b> line<br>break <!-- hidden -->\n\n<!-- a comment block -->\n");
        assert_eq!(
            page.html,
            "<pre class=\"k-raw-html\" tabindex=\"0\"><code>&lt;div onclick=&quot;x()&quot;&gt;hi&lt;/div&gt;\n</code></pre>\n\
             <p>text &lt;b&gt;bold&lt;/b&gt; line<br>break </p>\n"
        );
    }

    #[test]
    fn search_text_has_words_without_markup() {
        let page = render("---\ntitle: Hidden\n---\n# Title\n\nSome **bold** `code`.\n\n```sh\nmake run\n```\n");
        assert_eq!(page.text, "Title\nSome bold code.\nmake run\n\n");
        assert!(!page.html.contains("Hidden"));
        assert!(page
            .html
            .contains("<pre class=\"k-code\" tabindex=\"0\"><code data-lang=\"sh\">make run\n</code></pre>"));
    }

    #[test]
    fn huge_pages_are_truncated_at_a_line_end() {
        let line = "word ".repeat(19) + "word\n";
        let big = line.repeat(MAX_MARKDOWN_BYTES / line.len() + 10);
        let page = render(&big);
        assert!(page.truncated);
        assert!(page.html.ends_with("word</p>\n"));
        assert!(!render("small").truncated);
    }

    #[test]
    fn plain_sentences_skip_the_parser_with_the_same_result() {
        for text in
            ["Error", "  A page of transfers, newest first\n", "Client-generated key; a retried request (same key)."]
        {
            let mut writer = Writer::new(Mode::Fragment);
            writer.run(text);
            assert_eq!(plain_paragraph(text).as_deref(), Some(writer.out.as_str()), "{text}");
        }
        for text in ["*x*", "1. item", "- item", "a\nb", "x <b>", "# h", "see [x](y)", "a & b", "42 is the answer", ""]
        {
            assert_eq!(plain_paragraph(text), None, "{text}");
        }
    }

    #[test]
    fn fragments_have_no_ids_and_lower_headings() {
        let html = render_fragment("# Big\n\nSee [spec](spec.md) and [x](javascript:x).\n");
        assert_eq!(html, "<h4>Big</h4>\n<p>See <a href=\"spec.md\">spec</a> and x.</p>\n");
    }
}
