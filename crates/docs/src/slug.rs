//! Heading ids.
//!
//! Slugs follow mkdocs' default (`toc.slugify`): accents are folded (`é` →
//! `e`), punctuation is dropped, runs of spaces and hyphens become one `-`,
//! everything is lower case. Docs written for mkdocs therefore keep their
//! anchors (`architecture.md#prise-en-main`). Unlike mkdocs, letters of other
//! scripts are kept rather than dropped, so a Japanese or Greek title still
//! gets a meaningful id.

use std::collections::{HashMap, HashSet};

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Used when a heading has no letter or digit at all.
const EMPTY_SLUG: &str = "section";

/// The slug of a heading's text.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else if c == '-' || c.is_whitespace() {
            pending_dash = true;
        }
        // Any other character (punctuation, symbols) is dropped without a dash,
        // as mkdocs does: "l'API" → "lapi".
    }
    if slug.is_empty() {
        slug.push_str(EMPTY_SLUG);
    }
    slug
}

/// Hands out ids unique within one page: the second "Usage" is `usage-1`,
/// the third `usage-2`.
#[derive(Debug, Default)]
pub(crate) struct UniqueIds {
    used: HashSet<String>,
    /// The next suffix to try per base, so that a page with thousands of
    /// identical headings costs linear time, not quadratic.
    next_suffix: HashMap<String, usize>,
}

impl UniqueIds {
    pub(crate) fn claim(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents_and_drop_punctuation() {
        assert_eq!(slugify("Fraud check"), "fraud-check");
        assert_eq!(slugify("Prise en main"), "prise-en-main");
        assert_eq!(slugify("Présentation générale"), "presentation-generale");
        assert_eq!(slugify("Sécurité & conformité"), "securite-conformite");
        assert_eq!(slugify("Vue d'ensemble"), "vue-densemble");
        assert_eq!(slugify("  API (v2) — notes  "), "api-v2-notes");
        assert_eq!(slugify("ÇA MARCHE"), "ca-marche");
        assert_eq!(slugify("snake_case-name"), "snake_case-name");
        assert_eq!(slugify("Ελληνικά"), "ελληνικα");
        assert_eq!(slugify("!!!"), "section");
    }

    #[test]
    fn duplicates_get_numbered_suffixes() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.claim("usage".into()), "usage");
        assert_eq!(ids.claim("usage".into()), "usage-1");
        assert_eq!(ids.claim("usage-1".into()), "usage-1-1");
        assert_eq!(ids.claim("usage".into()), "usage-2");
    }
}
