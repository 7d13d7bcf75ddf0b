//! Escaping and URL checks shared by every renderer of the crate.

/// Appends `text` with the five characters that matter in HTML escaped, so
/// the result is safe both as element content and inside a quoted attribute.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(replacement);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// `text`, escaped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

/// Percent-encodes what may not appear raw in a URL path or fragment (spaces,
/// quotes, angle brackets, controls, non-ASCII). `%` is kept, so an already
/// encoded URL stays as it is.
pub(crate) fn encode_url_into(out: &mut String, url: &str) {
    for b in url.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?#%[]".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// How a link destination written by an author is to be treated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlKind {
    /// `http:`, `https:` or protocol-relative `//host`: kept, opened without opener.
    External,
    /// `mailto:` and `tel:`: kept.
    Contact,
    /// `#anchor` on the same page.
    Anchor,
    /// `/path` on the portal itself.
    PortalAbsolute,
    /// A path relative to the current page.
    Relative,
    /// Any other scheme (`javascript:`, `data:`, `vbscript:`, `file:`...): dropped.
    Refused,
}

/// Classifies a destination the way a browser would read it: browsers strip
/// leading and trailing controls and spaces and ignore tabs and newlines
/// anywhere, so `java\tscript:` is a `javascript:` URL. Unknown schemes are
/// refused (an allow-list, not a deny-list). Returns the cleaned destination.
pub(crate) fn classify_url(raw: &str) -> (UrlKind, String) {
    let cleaned: String =
        raw.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let kind = if cleaned.starts_with('#') {
        UrlKind::Anchor
    } else if cleaned.starts_with("//") || cleaned.starts_with("/\\") || cleaned.starts_with('\\') {
        UrlKind::External
    } else if cleaned.starts_with('/') {
        UrlKind::PortalAbsolute
    } else {
        match scheme_of(&cleaned) {
            None => UrlKind::Relative,
            Some(scheme) => match scheme.to_ascii_lowercase().as_str() {
                "http" | "https" => UrlKind::External,
                "mailto" | "tel" => UrlKind::Contact,
                _ => UrlKind::Refused,
            },
        }
    };
    (kind, cleaned)
}

/// The scheme of a URL (`[A-Za-z][A-Za-z0-9+.-]*` before a `:` that comes
/// before any `/`, `?` or `#`), if it has one.
fn scheme_of(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#'])?;
    if url.as_bytes()[end] != b':' || end == 0 {
        return None;
    }
    let scheme = &url[..end];
    let mut bytes = scheme.bytes();
    let first_is_letter = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    if first_is_letter && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
        Some(scheme)
    } else {
        // `a b:c` or `1x:` are not schemes for a browser either: a relative path.
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_character_that_can_break_out() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escape("déjà vu"), "déjà vu");
    }

    #[test]
    fn urls_are_classified_as_a_browser_reads_them() {
        assert_eq!(classify_url("javascript:alert(1)").0, UrlKind::Refused);
        assert_eq!(classify_url("  JaVaScRiPt:alert(1)").0, UrlKind::Refused);
        assert_eq!(classify_url("java\tscript:alert(1)").0, UrlKind::Refused);
        assert_eq!(classify_url("java\nscript:alert(1)").1, "javascript:alert(1)");
        assert_eq!(classify_url("\u{1}javascript:alert(1)").0, UrlKind::Refused);
        assert_eq!(classify_url("data:text/html;base64,PHNjcmlwdD4=").0, UrlKind::Refused);
        assert_eq!(classify_url("vbscript:msgbox").0, UrlKind::Refused);
        assert_eq!(classify_url("file:///etc/passwd").0, UrlKind::Refused);
        assert_eq!(classify_url("https://example.org/a").0, UrlKind::External);
        assert_eq!(classify_url("HTTP://example.org").0, UrlKind::External);
        assert_eq!(classify_url("//example.org").0, UrlKind::External);
        assert_eq!(classify_url("mailto:team@example.org").0, UrlKind::Contact);
        assert_eq!(classify_url("#usage").0, UrlKind::Anchor);
        assert_eq!(classify_url("/catalog/default/component/x").0, UrlKind::PortalAbsolute);
        assert_eq!(classify_url("guide/setup.md").0, UrlKind::Relative);
        assert_eq!(classify_url("setup.md#a:b").0, UrlKind::Relative);
        assert_eq!(classify_url("./a:b").0, UrlKind::Relative);
    }

    #[test]
    fn urls_are_percent_encoded_where_needed() {
        let mut out = String::new();
        encode_url_into(&mut out, "a b/é\"<>%41#x");
        assert_eq!(out, "a%20b/%C3%A9%22%3C%3E%41#x");
    }
}
