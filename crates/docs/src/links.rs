//! Where links and images written in a page point to on the portal.
//!
//! A docs folder is served under a base URL (`/docs/{namespace}/{kind}/{name}`):
//! `guide/setup.md` is the page `{base}/guide/setup`, `guide/index.md` (or
//! `guide/README.md`) the page `{base}/guide`, `index.md` the page `{base}`,
//! and any other file `{base}/_asset/{path}`.

use crate::html::{classify_url, encode_url_into, UrlKind};

/// Where the page being rendered lives.
#[derive(Debug, Clone, Copy)]
pub struct PageContext<'a> {
    /// The docs URL of the entity, `/docs/{namespace}/{kind}/{name}` (a trailing `/` is ignored).
    pub base_url: &'a str,
    /// The page's path inside the docs folder, `/`-separated, e.g. `guide/setup.md`.
    pub page_path: &'a str,
}

/// A link destination as it is to be written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Href {
    pub(crate) url: String,
    pub(crate) external: bool,
}

/// Whether a file is a Markdown page.
pub fn is_markdown(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// The portal URL of a page of the docs folder.
pub fn page_url(base_url: &str, page_path: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let route = page_route(page_path);
    let mut url = String::with_capacity(base.len() + route.len() + 1);
    url.push_str(base);
    if !route.is_empty() {
        url.push('/');
        encode_url_into(&mut url, &route);
    }
    url
}

/// The portal URL of a file of the docs folder that is not a page (an image).
pub fn asset_url(base_url: &str, file_path: &str) -> String {
    let mut url = format!("{}/_asset/", base_url.trim_end_matches('/'));
    encode_url_into(&mut url, file_path);
    url
}

/// The request path a page answers to: its path without the extension, and
/// without `index`/`README` for a folder's home (`guide/index.md` → `guide`).
pub(crate) fn page_route(page_path: &str) -> String {
    let without_ext = strip_markdown_extension(page_path).unwrap_or(page_path);
    let (dir, stem) = match without_ext.rsplit_once('/') {
        Some((dir, stem)) => (dir, stem),
        None => ("", without_ext),
    };
    if is_home_stem(stem) {
        dir.to_string()
    } else {
        without_ext.to_string()
    }
}

pub(crate) fn strip_markdown_extension(path: &str) -> Option<&str> {
    let lower = path.to_ascii_lowercase();
    [".md", ".markdown"].iter().find(|ext| lower.ends_with(*ext)).map(|ext| &path[..path.len() - ext.len()])
}

pub(crate) fn is_home_stem(stem: &str) -> bool {
    stem.eq_ignore_ascii_case("index") || stem.eq_ignore_ascii_case("readme")
}

/// Resolves a link written in the page. `None` means the link is dropped
/// (a refused scheme, or a relative path that climbs above the docs root)
/// and only its text is shown. Without a page (a description inside an API
/// definition) relative links are kept as written: they carry no scheme.
pub(crate) fn resolve_link(ctx: Option<&PageContext<'_>>, dest: &str) -> Option<Href> {
    let (kind, url) = classify_url(dest);
    let href = |url: String, external| Some(Href { url: encoded(&url), external });
    match (kind, ctx) {
        (UrlKind::Refused, _) => None,
        (UrlKind::External, _) => href(url, true),
        (UrlKind::Relative, None) | (UrlKind::Contact | UrlKind::Anchor | UrlKind::PortalAbsolute, _) => {
            href(url, false)
        }
        (UrlKind::Relative, Some(ctx)) => {
            let (path, fragment) = split_fragment(&url);
            let path = path.split_once('?').map_or(path, |(p, _)| p);
            if path.is_empty() {
                // `?query` alone, or an empty link: the page itself.
                return Some(Href {
                    url: format!("{}{}", page_url(ctx.base_url, ctx.page_path), fragment_part(fragment)),
                    external: false,
                });
            }
            let folder_link = path.ends_with('/');
            let target = join(parent_dir(ctx.page_path), &percent_decode(path))?;
            let url = if folder_link || target.is_empty() || is_markdown(&target) || !has_extension(&target) {
                page_url(ctx.base_url, &target)
            } else {
                asset_url(ctx.base_url, &target)
            };
            Some(Href { url: format!("{url}{}", fragment_part(fragment)), external: false })
        }
    }
}

/// Resolves an image source: relative paths become asset URLs.
pub(crate) fn resolve_image(ctx: Option<&PageContext<'_>>, dest: &str) -> Option<String> {
    let (kind, url) = classify_url(dest);
    match (kind, ctx) {
        (UrlKind::External | UrlKind::PortalAbsolute, _) | (UrlKind::Relative, None) => Some(encoded(&url)),
        (UrlKind::Relative, Some(ctx)) => {
            let path = split_fragment(&url).0;
            let path = path.split_once('?').map_or(path, |(p, _)| p);
            let target = join(parent_dir(ctx.page_path), &percent_decode(path))?;
            (!target.is_empty()).then(|| asset_url(ctx.base_url, &target))
        }
        (UrlKind::Refused | UrlKind::Contact | UrlKind::Anchor, _) => None,
    }
}

fn encoded(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    encode_url_into(&mut out, url);
    out
}

fn split_fragment(url: &str) -> (&str, Option<&str>) {
    match url.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (url, None),
    }
}

fn fragment_part(fragment: Option<&str>) -> String {
    match fragment {
        Some(f) if !f.is_empty() => {
            let mut out = String::from("#");
            encode_url_into(&mut out, f);
            out
        }
        _ => String::new(),
    }
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn has_extension(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rfind('.').is_some_and(|dot| dot > 0)
}

/// Joins a relative path to a folder of the docs tree, resolving `.` and
/// `..`. `None` when the result would lie above the docs root.
pub(crate) fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in relative.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Decodes `%XX` escapes (authors write `my%20page.md` for `my page.md`).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "/docs/default/component/payments-service";

    fn link(page: &str, dest: &str) -> Option<String> {
        resolve_link(Some(&PageContext { base_url: BASE, page_path: page }), dest).map(|h| h.url)
    }

    fn image(page: &str, dest: &str) -> Option<String> {
        resolve_image(Some(&PageContext { base_url: BASE, page_path: page }), dest)
    }

    #[test]
    fn page_urls() {
        assert_eq!(page_url(BASE, "index.md"), BASE);
        assert_eq!(page_url(BASE, "README.md"), BASE);
        assert_eq!(page_url("/docs/x/component/y/", "architecture.md"), "/docs/x/component/y/architecture");
        assert_eq!(page_url(BASE, "guide/index.md"), format!("{BASE}/guide"));
        assert_eq!(page_url(BASE, "guide/Setup Guide.markdown"), format!("{BASE}/guide/Setup%20Guide"));
        assert_eq!(asset_url(BASE, "img/flow diagram.png"), format!("{BASE}/_asset/img/flow%20diagram.png"));
    }

    #[test]
    fn relative_markdown_links_become_page_urls() {
        assert_eq!(link("index.md", "architecture.md").unwrap(), format!("{BASE}/architecture"));
        assert_eq!(
            link("index.md", "./architecture.md#fraud-check").unwrap(),
            format!("{BASE}/architecture#fraud-check")
        );
        assert_eq!(link("guide/setup.md", "../architecture.md").unwrap(), format!("{BASE}/architecture"));
        assert_eq!(link("guide/setup.md", "install.md").unwrap(), format!("{BASE}/guide/install"));
        assert_eq!(link("guide/setup.md", "../index.md").unwrap(), BASE);
        assert_eq!(link("guide/setup.md", "README.md#top").unwrap(), format!("{BASE}/guide#top"));
        assert_eq!(link("guide/setup.md", "../ops/").unwrap(), format!("{BASE}/ops"));
        assert_eq!(link("guide/setup.md", "../ops/index.md").unwrap(), format!("{BASE}/ops"));
        assert_eq!(link("a/b/c.md", "../../x/./y.md").unwrap(), format!("{BASE}/x/y"));
        assert_eq!(link("index.md", "my%20page.md").unwrap(), format!("{BASE}/my%20page"));
        assert_eq!(link("index.md", "deploy?tab=1").unwrap(), format!("{BASE}/deploy"));
    }

    #[test]
    fn anchors_and_absolute_links_are_kept() {
        assert_eq!(link("guide/setup.md", "#usage").unwrap(), "#usage");
        assert_eq!(link("index.md", "/catalog/default/system/sepa").unwrap(), "/catalog/default/system/sepa");
        let ext = resolve_link(Some(&PageContext { base_url: BASE, page_path: "index.md" }), "https://example.org/a b")
            .unwrap();
        assert_eq!(ext, Href { url: "https://example.org/a%20b".into(), external: true });
        assert_eq!(link("index.md", "mailto:payments@example.org").unwrap(), "mailto:payments@example.org");
    }

    #[test]
    fn links_above_the_docs_root_and_bad_schemes_are_dropped() {
        assert_eq!(link("index.md", "../secrets.md"), None);
        assert_eq!(link("guide/setup.md", "../../etc/passwd"), None);
        assert_eq!(link("guide/setup.md", "..\\..\\x.md"), None);
        assert_eq!(link("index.md", "javascript:alert(1)"), None);
        assert_eq!(link("index.md", "data:text/html,x"), None);
        assert_eq!(link("index.md", "VBScript:x"), None);
    }

    #[test]
    fn other_files_become_asset_urls() {
        assert_eq!(
            link("guide/setup.md", "files/config.yaml").unwrap(),
            format!("{BASE}/_asset/guide/files/config.yaml")
        );
        assert_eq!(image("guide/setup.md", "../img/flow.png").unwrap(), format!("{BASE}/_asset/img/flow.png"));
        assert_eq!(image("index.md", "img/a.svg#x").unwrap(), format!("{BASE}/_asset/img/a.svg"));
        assert_eq!(image("index.md", "https://example.org/logo.png").unwrap(), "https://example.org/logo.png");
        assert_eq!(image("index.md", "../logo.png"), None);
        assert_eq!(image("index.md", "data:image/png;base64,AAAA"), None);
        assert_eq!(image("index.md", "javascript:alert(1)"), None);
    }
}
