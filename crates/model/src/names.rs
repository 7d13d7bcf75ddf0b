//! Backstage's naming rules, which are Kubernetes' rules for object names,
//! labels and annotations, plus the catalog's own rule for tags.

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// `metadata.name`: 1 to 63 characters, `[A-Za-z0-9]` runs separated by `-`, `_` or `.`
/// (several separators in a row are allowed, as in Backstage).
pub fn is_valid_object_name(value: &str) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && is_alnum(bytes[0] as char)
        && is_alnum(bytes[bytes.len() - 1] as char)
        && value.chars().all(|c| is_alnum(c) || matches!(c, '-' | '_' | '.'))
}

/// A DNS label (RFC 1123): 1 to 63 of `[a-z0-9]` runs separated by single `-`.
pub fn is_valid_dns_label(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 63
        && value
            .split('-')
            .all(|run| !run.is_empty() && run.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// A DNS subdomain: at most 253 characters of dot-separated DNS labels.
pub fn is_valid_dns_subdomain(value: &str) -> bool {
    !value.is_empty() && value.len() <= 253 && value.split('.').all(is_valid_dns_label)
}

/// `metadata.namespace`: a DNS label.
pub fn is_valid_namespace(value: &str) -> bool {
    is_valid_dns_label(value)
}

/// `kind`: a letter followed by letters and digits, at most 63 characters.
pub fn is_valid_kind(value: &str) -> bool {
    let mut chars = value.chars();
    value.len() <= 63
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// `apiVersion`: `[dns-subdomain/]version` where version is `[a-zA-Z0-9]{1,63}`.
pub fn is_valid_api_version(value: &str) -> bool {
    prefix_and_suffix(value, is_valid_dns_subdomain, |v| {
        !v.is_empty() && v.len() <= 63 && v.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Label keys: `[dns-subdomain/]object-name`.
pub fn is_valid_label_key(value: &str) -> bool {
    prefix_and_suffix(value, is_valid_dns_subdomain, is_valid_object_name)
}

/// Label values: empty or an object name.
pub fn is_valid_label_value(value: &str) -> bool {
    value.is_empty() || is_valid_object_name(value)
}

/// Annotation keys follow the label key rule; values are any string.
pub fn is_valid_annotation_key(value: &str) -> bool {
    is_valid_label_key(value)
}

/// Tags: 1 to 63 characters of `[a-z0-9:+#]` runs separated by single `-`.
pub fn is_valid_tag(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 63
        && value.split('-').all(|run| {
            !run.is_empty()
                && run.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b':' | b'+' | b'#'))
        })
}

fn prefix_and_suffix(value: &str, prefix: impl Fn(&str) -> bool, suffix: impl Fn(&str) -> bool) -> bool {
    let mut parts = value.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(only), None, _) => suffix(only),
        (Some(p), Some(s), None) => prefix(p) && suffix(s),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_follow_backstage() {
        for ok in ["a", "svc-1", "A_b.c", "a--b", "x".repeat(63).as_str()] {
            assert!(is_valid_object_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a b", "é", "a/b", "x".repeat(64).as_str()] {
            assert!(!is_valid_object_name(bad), "{bad}");
        }
    }

    #[test]
    fn namespaces_are_dns_labels() {
        assert!(is_valid_namespace("default"));
        assert!(is_valid_namespace("team-a1"));
        assert!(!is_valid_namespace("Default"));
        assert!(!is_valid_namespace("a--b"));
        assert!(!is_valid_namespace("a_b"));
    }

    #[test]
    fn tags_are_lowercase_runs() {
        assert!(is_valid_tag("java"));
        assert!(is_valid_tag("c++"));
        assert!(is_valid_tag("c#"));
        assert!(is_valid_tag("pci-dss"));
        assert!(!is_valid_tag("Java"));
        assert!(!is_valid_tag("a--b"));
        assert!(!is_valid_tag("with space"));
    }

    #[test]
    fn keys_take_an_optional_dns_prefix() {
        assert!(is_valid_annotation_key("backstage.io/techdocs-ref"));
        assert!(is_valid_annotation_key("simple"));
        assert!(!is_valid_annotation_key("a/b/c"));
        assert!(!is_valid_annotation_key("Upper.io/x"));
        assert!(is_valid_api_version("backstage.io/v1alpha1"));
        assert!(!is_valid_api_version("backstage.io/v1-alpha"));
        assert!(is_valid_kind("Component"));
        assert!(!is_valid_kind("1Component"));
    }
}
