//! A forge's repository slug (`owner/name`, or `group/subgroup/name` on GitLab) from a
//! remote URL, so that changes read from a local clone name their repository as the
//! forge's webhooks and the catalog's `github.com/project-slug` annotations do.

/// The slug a remote URL names: its path without the leading `/`, a trailing `/` or the
/// `.git` suffix. Understands `https://`, `http://`, `ssh://`, `git://` URLs (with or
/// without user, password and port) and the short ssh form `git@host:owner/name.git`.
///
/// `None` for local paths and `file://` URLs (they name no forge), for URLs whose path has
/// fewer than two segments (a forge slug always has an owner), and for paths holding `.`
/// or `..` segments or backslashes.
///
/// ```
/// use kiosque_delivery_git::slug_from_remote_url;
///
/// assert_eq!(slug_from_remote_url("git@github.com:acme/payments.git").as_deref(), Some("acme/payments"));
/// assert_eq!(slug_from_remote_url("https://gitlab.com/acme/pay/api").as_deref(), Some("acme/pay/api"));
/// assert_eq!(slug_from_remote_url("/srv/git/payments.git"), None);
/// ```
pub fn slug_from_remote_url(url: &str) -> Option<String> {
    let url = url.trim();
    let path = match url.split_once("://") {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            if !matches!(scheme.as_str(), "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git") {
                return None;
            }
            // The authority (user, password, host, port) ends at the first `/`.
            let (_authority, path) = rest.split_once('/')?;
            path.split(['?', '#']).next().unwrap_or_default()
        }
        None => {
            // git's short ssh form is `[user@]host:path`, where no `/` comes before the `:`;
            // anything else without a scheme is a local path.
            let (host, path) = url.split_once(':')?;
            // A one-letter "host" is a drive letter (`C:/work/repo`).
            if host.len() < 2 || host.contains('/') {
                return None;
            }
            path
        }
    };
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path).trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let unusable = |s: &&str| *s == "." || *s == ".." || s.contains('\\');
    if segments.len() < 2 || segments.iter().any(unusable) {
        return None;
    }
    Some(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::slug_from_remote_url;

    #[test]
    fn slugs_of_remote_urls() {
        let cases: &[(&str, Option<&str>)] = &[
            ("https://github.com/acme/payments.git", Some("acme/payments")),
            ("https://github.com/acme/payments", Some("acme/payments")),
            ("https://github.com/acme/payments/", Some("acme/payments")),
            ("http://git.example.com/acme/payments.git/", Some("acme/payments")),
            ("HTTPS://github.com/acme/payments", Some("acme/payments")),
            ("https://user:token@github.com/acme/payments.git", Some("acme/payments")),
            ("https://git.example.com:8443/acme/payments.git", Some("acme/payments")),
            ("https://github.com/acme/payments.git?ref=x#top", Some("acme/payments")),
            (" https://github.com/acme/payments.git\n", Some("acme/payments")),
            ("ssh://git@github.com/acme/payments.git", Some("acme/payments")),
            ("ssh://git@git.example.com:2222/acme/payments.git", Some("acme/payments")),
            ("git+ssh://git@github.com/acme/payments.git", Some("acme/payments")),
            ("git://git.example.com/acme/payments.git", Some("acme/payments")),
            ("git@github.com:acme/payments.git", Some("acme/payments")),
            ("git@github.com:/acme/payments.git", Some("acme/payments")),
            ("github.com:acme/payments", Some("acme/payments")),
            // GitLab's subgroups are part of the slug, as its webhooks name the project.
            ("git@gitlab.com:acme/platform/payments.git", Some("acme/platform/payments")),
            ("https://gitlab.com/acme/platform/payments.git", Some("acme/platform/payments")),
            ("https://dev.azure.com/acme/shop/_git/payments", Some("acme/shop/_git/payments")),
            // Local paths name no forge.
            ("/srv/git/acme/payments.git", None),
            ("../acme/payments", None),
            ("acme/payments", None),
            ("./acme:payments/x", None),
            ("file:///srv/git/acme/payments.git", None),
            ("C:/work/acme/payments", None),
            ("C:\\work\\acme\\payments", None),
            // No owner, or no path at all.
            ("https://github.com/payments.git", None),
            ("git@github.com:payments.git", None),
            ("https://github.com/", None),
            ("https://github.com", None),
            ("git@github.com:", None),
            (":acme/payments", None),
            ("", None),
            // Other schemes, and paths that climb.
            ("ftp://git.example.com/acme/payments.git", None),
            ("https://github.com/acme/../payments", None),
            ("https://github.com/acme/./payments", None),
        ];
        for (url, expected) in cases {
            assert_eq!(slug_from_remote_url(url).as_deref(), *expected, "{url:?}");
        }
    }
}
