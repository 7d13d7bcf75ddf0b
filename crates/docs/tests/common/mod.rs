//! A strict reader of the HTML the crate writes: every tag and attribute
//! must be on an allow-list and every URL must be harmless. Anything a
//! browser could execute (a `<script>`, an `onerror=`, a `javascript:` URL,
//! an attribute broken out of its quotes) fails the test.

#![allow(dead_code)]

const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

const ATTRIBUTES: &[&str] = &[
    "alt",
    "aria-current",
    "aria-label",
    "checked",
    "class",
    "data-lang",
    "disabled",
    "href",
    "id",
    "loading",
    "rel",
    "role",
    "scope",
    "src",
    "start",
    "tabindex",
    "title",
    "type",
];

pub fn assert_safe_html(html: &str) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => i = tag(html, i),
            b'>' => panic!("stray '>' in text at {i}: {}", context(html, i)),
            _ => i += 1,
        }
    }
}

/// Reads the tag starting at `start`; returns the index after it.
fn tag(html: &str, start: usize) -> usize {
    let bytes = html.as_bytes();
    let mut i = start + 1;
    if bytes.get(i) == Some(&b'/') {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let name = &html[name_start..i];
    assert!(TAGS.contains(&name), "tag <{name}> not allowed: {}", context(html, start));
    loop {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'>') => return i + 1,
            Some(c) if c.is_ascii_lowercase() => {}
            _ => panic!("unexpected character in <{name}>: {}", context(html, start)),
        }
        let attr_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_lowercase() || bytes[i] == b'-') {
            i += 1;
        }
        let attr = &html[attr_start..i];
        assert!(ATTRIBUTES.contains(&attr), "attribute {attr} not allowed: {}", context(html, start));
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        assert_eq!(bytes.get(i + 1), Some(&b'"'), "unquoted attribute: {}", context(html, start));
        let value_start = i + 2;
        let value_end = value_start + html[value_start..].find('"').expect("unterminated attribute");
        let value = &html[value_start..value_end];
        assert!(!value.contains(['<', '>']), "raw angle bracket in attribute: {}", context(html, start));
        if attr == "href" || attr == "src" {
            assert_harmless_url(&unescape(value), html, start);
        }
        if attr == "type" {
            assert_eq!(value, "checkbox");
        }
        i = value_end + 1;
    }
}

fn assert_harmless_url(url: &str, html: &str, at: usize) {
    let cleaned: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let lower = cleaned.to_ascii_lowercase();
    let scheme_end = lower.find([':', '/', '?', '#']);
    let has_scheme = scheme_end.is_some_and(|end| lower.as_bytes()[end] == b':');
    let allowed = !has_scheme || ["http:", "https:", "mailto:", "tel:"].iter().any(|s| lower.starts_with(s));
    assert!(allowed, "dangerous URL {url:?}: {}", context(html, at));
}

fn unescape(value: &str) -> String {
    value.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn context(html: &str, at: usize) -> String {
    let mut start = at.saturating_sub(60);
    while !html.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + 120).min(html.len());
    while !html.is_char_boundary(end) {
        end += 1;
    }
    html[start..end].to_string()
}
