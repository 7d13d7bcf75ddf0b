//! A docs folder as a site: its pages, their navigation, and which page or
//! file a request path designates.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::error::DocsError;
use crate::html::{escape, escape_into};
use crate::labels::Labels;
use crate::links::{is_home_stem, is_markdown, join, page_route, page_url, strip_markdown_extension};
use crate::markdown::{fallback_title, page_title, TocEntry};

/// mkdocs nests navigation a few levels at most; deeper entries are ignored.
const MAX_NAV_DEPTH: usize = 8;

/// The folder that holds `mkdocs.yml`, relative to the descriptor's folder,
/// from a `backstage.io/techdocs-ref` annotation: `dir:.` → `""`,
/// `dir:./site` → `"site"`. Only `dir:` references below the descriptor's
/// folder are accepted: Kiosque reads docs from the catalog's own sources,
/// never from URLs.
pub fn techdocs_dir(annotation: &str) -> Result<String, DocsError> {
    let annotation = annotation.trim();
    let Some(dir) = annotation.strip_prefix("dir:") else {
        return Err(DocsError::new(format!(
            "unsupported techdocs reference \"{annotation}\": only dir: references (e.g. dir:.) are supported"
        )));
    };
    let dir = dir.trim();
    if dir.starts_with('/') || dir.starts_with('\\') || dir.contains(':') {
        return Err(DocsError::new(format!("techdocs reference \"{annotation}\" must be a relative path")));
    }
    join("", dir).ok_or_else(|| {
        DocsError::new(format!("techdocs reference \"{annotation}\" points outside the descriptor's folder"))
    })
}

/// What Kiosque uses of an `mkdocs.yml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MkdocsConfig {
    pub site_name: Option<String>,
    /// The docs folder, relative to the folder of `mkdocs.yml` (`docs` unless set).
    pub docs_dir: String,
    nav: Option<Vec<NavEntry>>,
}

impl Default for MkdocsConfig {
    fn default() -> Self {
        MkdocsConfig { site_name: None, docs_dir: "docs".into(), nav: None }
    }
}

/// A `nav:` entry as written: a title (optional for a bare path) and a path,
/// a URL, or nested entries.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NavEntry {
    Target { title: Option<String>, target: String },
    Section { title: String, children: Vec<NavEntry> },
}

impl MkdocsConfig {
    /// Reads `site_name`, `docs_dir` and `nav`; every other setting (theme,
    /// plugins, Python tags such as `!!python/name:`) is ignored.
    pub fn parse(text: &str) -> Result<Self, DocsError> {
        let documents = kiosque_descriptor::parse_documents(text)?;
        let Some(document) = documents.first() else {
            return Ok(MkdocsConfig::default());
        };
        let Value::Object(root) = &document.value else {
            return Err(DocsError::at(Some(document.position()), "mkdocs.yml must be a mapping"));
        };
        let site_name = root.get("site_name").and_then(scalar_text);
        let docs_dir = match root.get("docs_dir").and_then(scalar_text) {
            None => "docs".to_string(),
            Some(dir) => join("", &dir).filter(|_| !dir.starts_with('/')).ok_or_else(|| {
                DocsError::at(Some(document.locate("/docs_dir")), "docs_dir must stay inside the mkdocs.yml folder")
            })?,
        };
        let nav = match root.get("nav") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(nav_entries(items, 0)),
            Some(_) => return Err(DocsError::at(Some(document.locate("/nav")), "nav must be a list")),
        };
        Ok(MkdocsConfig { site_name, docs_dir, nav })
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn nav_entries(items: &[Value], depth: usize) -> Vec<NavEntry> {
    if depth >= MAX_NAV_DEPTH {
        return Vec::new();
    }
    let mut entries = Vec::new();
    for item in items {
        match item {
            Value::String(target) => entries.push(NavEntry::Target { title: None, target: target.clone() }),
            Value::Object(map) => {
                for (title, value) in map {
                    match value {
                        Value::Array(children) => entries.push(NavEntry::Section {
                            title: title.clone(),
                            children: nav_entries(children, depth + 1),
                        }),
                        other => {
                            if let Some(target) = scalar_text(other) {
                                entries.push(NavEntry::Target { title: Some(title.clone()), target });
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    entries
}

/// A page of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path inside the docs folder, e.g. `guide/setup.md`.
    pub path: String,
    pub title: String,
    /// The request path that serves it, e.g. `guide/setup` (`""` for the home page).
    pub route: String,
}

/// One entry of the navigation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavItem {
    pub title: String,
    pub target: NavTarget,
    pub children: Vec<NavItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NavTarget {
    /// A page, by its path inside the docs folder.
    Page(String),
    /// An `http(s)` URL from `mkdocs.yml`.
    External(String),
    /// A section heading without a page of its own.
    Section,
}

/// The pages, navigation and files of one docs folder.
#[derive(Debug, Clone, Default)]
pub struct DocsSite {
    pages: Vec<Page>,
    routes: HashMap<String, usize>,
    assets: HashSet<String>,
    nav: Vec<NavItem>,
    warnings: Vec<String>,
}

impl DocsSite {
    /// Builds the site from the files of a docs folder (paths relative to it,
    /// `/`-separated) and a way to read a file's text. Each page is read once,
    /// for its title. The navigation follows `mkdocs.yml`'s `nav:` when there
    /// is one, else the folder tree: a folder's `index.md` (or `README.md`)
    /// first as its home, then its pages and subfolders by name.
    pub fn build<P: AsRef<str>>(
        files: impl IntoIterator<Item = P>,
        config: Option<&MkdocsConfig>,
        mut read: impl FnMut(&str) -> Option<String>,
    ) -> DocsSite {
        let mut site = DocsSite::default();
        let mut page_paths = Vec::new();
        for file in files {
            let raw = file.as_ref();
            let Some(path) = join("", raw).filter(|p| !p.is_empty() && !raw.split(['/', '\\']).any(|s| s == ".."))
            else {
                continue;
            };
            if path.split('/').any(|segment| segment.starts_with('.')) {
                continue;
            }
            if is_markdown(&path) {
                page_paths.push(path);
            } else {
                site.assets.insert(path);
            }
        }
        // A page file beats a folder's index.md, which beats its README.md, for a shared route.
        page_paths.sort_by_cached_key(|path| (home_rank(path), path.clone()));
        page_paths.dedup();
        for path in page_paths {
            let title = match read(&path) {
                Some(text) => page_title(&text, &path),
                None => fallback_title(&path),
            };
            let mut route = page_route(&path);
            if site.routes.contains_key(&route) {
                site.warnings
                    .push(format!("{path} has the same address as another page; it is served at its full path"));
                route = strip_markdown_extension(&path).unwrap_or(&path).to_string();
            }
            site.routes.insert(route.clone(), site.pages.len());
            site.pages.push(Page { path, title, route });
        }
        if let (Some(home), Some(name)) = (site.routes.get("").copied(), config.and_then(|c| c.site_name.as_ref())) {
            let page = &mut site.pages[home];
            if page.title == fallback_title(&page.path) {
                page.title = name.clone();
            }
        }
        site.nav = match config.and_then(|c| c.nav.as_ref()) {
            Some(entries) => site.nav_from_config(entries),
            None => site.auto_nav(),
        };
        site.pages.sort_by(|a, b| a.path.cmp(&b.path));
        site.routes = site.pages.iter().enumerate().map(|(i, p)| (p.route.clone(), i)).collect();
        site
    }

    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    pub fn nav(&self) -> &[NavItem] {
        &self.nav
    }

    /// Problems found while building (nav entries naming missing pages, pages
    /// sharing an address), to show to the docs' owners.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The page a request path designates: `""` the home page, `guide` the
    /// page `guide.md` or `guide/index.md`, `guide/setup` (or
    /// `guide/setup.md`) the page `guide/setup.md`, `index` the page
    /// `index.md`. Paths that climb (`..`) designate nothing.
    pub fn resolve(&self, request_path: &str) -> Option<&Page> {
        let path = normalize_request(request_path)?;
        if let Some(&i) = self.routes.get(&path) {
            return Some(&self.pages[i]);
        }
        // A file's own path, with or without its extension (`index`, `guide/setup.md`).
        let by_path = |candidate: &str| self.pages.binary_search_by(|p| p.path.as_str().cmp(candidate)).ok();
        let found = if is_markdown(&path) {
            by_path(&path)
        } else {
            by_path(&format!("{path}.md")).or_else(|| by_path(&format!("{path}.markdown")))
        };
        found.map(|i| &self.pages[i])
    }

    /// The path of a non-page file of the folder (an image) for an asset
    /// request, if it exists and has a type the portal may serve (see [`asset_media_type`]).
    pub fn asset(&self, request_path: &str) -> Option<&str> {
        let path = normalize_request(request_path)?;
        asset_media_type(&path)?;
        self.assets.get(&path).map(String::as_str)
    }

    fn title_of(&self, path: &str) -> Option<&str> {
        self.pages.iter().find(|p| p.path == path).map(|p| p.title.as_str())
    }

    fn nav_from_config(&mut self, entries: &[NavEntry]) -> Vec<NavItem> {
        let mut items = Vec::with_capacity(entries.len());
        for entry in entries {
            match entry {
                NavEntry::Section { title, children } => items.push(NavItem {
                    title: title.clone(),
                    target: NavTarget::Section,
                    children: self.nav_from_config(children),
                }),
                NavEntry::Target { title, target } => {
                    let lower = target.to_ascii_lowercase();
                    if lower.starts_with("http://") || lower.starts_with("https://") {
                        items.push(NavItem {
                            title: title.clone().unwrap_or_else(|| target.clone()),
                            target: NavTarget::External(target.clone()),
                            children: Vec::new(),
                        });
                        continue;
                    }
                    let found = join("", target).and_then(|path| self.title_of(&path).map(|t| (path, t.to_string())));
                    match found {
                        Some((path, page_title)) => items.push(NavItem {
                            title: title.clone().unwrap_or(page_title),
                            target: NavTarget::Page(path),
                            children: Vec::new(),
                        }),
                        None => self.warnings.push(format!("nav entry \"{target}\" is not a page of the docs folder")),
                    }
                }
            }
        }
        items
    }

    fn auto_nav(&self) -> Vec<NavItem> {
        #[derive(Default)]
        struct Folder<'a> {
            home: Option<&'a Page>,
            pages: Vec<&'a Page>,
            folders: BTreeMap<String, Folder<'a>>,
        }
        fn to_items(folder: &Folder<'_>) -> Vec<NavItem> {
            let mut entries: Vec<(String, NavItem)> = folder
                .pages
                .iter()
                .map(|page| {
                    let name = page.path.rsplit('/').next().unwrap_or(&page.path).to_lowercase();
                    (
                        name,
                        NavItem {
                            title: page.title.clone(),
                            target: NavTarget::Page(page.path.clone()),
                            children: vec![],
                        },
                    )
                })
                .collect();
            for (name, sub) in &folder.folders {
                let (title, target) = match sub.home {
                    Some(home) => (home.title.clone(), NavTarget::Page(home.path.clone())),
                    None => (name.clone(), NavTarget::Section),
                };
                entries.push((name.to_lowercase(), NavItem { title, target, children: to_items(sub) }));
            }
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.into_iter().map(|(_, item)| item).collect()
        }

        let mut root = Folder::default();
        for page in &self.pages {
            let mut parts: Vec<&str> = page.path.split('/').collect();
            let file = parts.pop().unwrap_or_default();
            let mut folder = &mut root;
            for part in parts {
                folder = folder.folders.entry(part.to_string()).or_default();
            }
            let stem = strip_markdown_extension(file).unwrap_or(file);
            // Pages are built index.md first, so the first home claims the folder.
            if is_home_stem(stem) && folder.home.is_none() {
                folder.home = Some(page);
            } else {
                folder.pages.push(page);
            }
        }
        let mut items = Vec::new();
        if let Some(home) = root.home {
            items.push(NavItem {
                title: home.title.clone(),
                target: NavTarget::Page(home.path.clone()),
                children: vec![],
            });
        }
        items.extend(to_items(&root));
        items
    }
}

fn home_rank(path: &str) -> u8 {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = strip_markdown_extension(file).unwrap_or(file);
    if stem.eq_ignore_ascii_case("index") {
        1
    } else if stem.eq_ignore_ascii_case("readme") {
        2
    } else {
        0
    }
}

fn normalize_request(request_path: &str) -> Option<String> {
    if request_path.split(['/', '\\']).any(|s| s == "..") {
        return None;
    }
    join("", request_path)
}

/// The media type to serve a docs file with, for the kinds of files a page
/// may show or link to; `None` for anything else (HTML, scripts...), which
/// is not served. SVG images can hold scripts: serve assets with
/// `Content-Security-Policy: sandbox` and `X-Content-Type-Options: nosniff`.
pub fn asset_media_type(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" | "yaml" | "yml" | "json" | "csv" | "log" | "sql" | "proto" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

/// The navigation as nested lists of links, the current page marked with
/// `aria-current="page"`.
pub fn render_nav(nav: &[NavItem], current_path: Option<&str>, base_url: &str, labels: &dyn Labels) -> String {
    fn items(out: &mut String, nav: &[NavItem], current: Option<&str>, base_url: &str) {
        out.push_str("<ul>");
        for item in nav {
            out.push_str("<li>");
            match &item.target {
                NavTarget::Page(path) => {
                    out.push_str("<a href=\"");
                    escape_into(out, &page_url(base_url, path));
                    out.push('"');
                    if current == Some(path.as_str()) {
                        out.push_str(" class=\"k-current\" aria-current=\"page\"");
                    }
                    out.push('>');
                    escape_into(out, &item.title);
                    out.push_str("</a>");
                }
                NavTarget::External(url) => {
                    let mut encoded = String::new();
                    crate::html::encode_url_into(&mut encoded, url);
                    out.push_str(&format!("<a href=\"{}\" class=\"k-external\" rel=\"noopener\">", escape(&encoded)));
                    escape_into(out, &item.title);
                    out.push_str("</a>");
                }
                NavTarget::Section => {
                    out.push_str("<span class=\"k-docs-nav-section\">");
                    escape_into(out, &item.title);
                    out.push_str("</span>");
                }
            }
            if !item.children.is_empty() {
                items(out, &item.children, current, base_url);
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    let mut out = format!("<nav class=\"k-docs-nav\" aria-label=\"{}\">", escape(&labels.get("docs-navigation")));
    items(&mut out, nav, current_path, base_url);
    out.push_str("</nav>\n");
    out
}

/// A page's table of contents (levels 2 and 3: level 1 is the page title),
/// or nothing when the page has no such heading.
pub fn render_toc(toc: &[TocEntry], labels: &dyn Labels) -> String {
    let entries: Vec<&TocEntry> = toc.iter().filter(|e| (2..=3).contains(&e.level)).collect();
    if entries.is_empty() {
        return String::new();
    }
    let title = escape(&labels.get("docs-on-this-page"));
    let mut out = format!("<nav class=\"k-toc\" aria-label=\"{title}\"><p class=\"k-toc-title\">{title}</p><ol>");
    for entry in entries {
        out.push_str(&format!("<li class=\"k-toc-level-{}\"><a href=\"#", entry.level));
        let mut fragment = String::new();
        crate::html::encode_url_into(&mut fragment, &entry.id);
        escape_into(&mut out, &fragment);
        out.push_str("\">");
        escape_into(&mut out, &entry.text);
        out.push_str("</a></li>");
    }
    out.push_str("</ol></nav>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::EnglishLabels;

    fn site(files: &[(&str, &str)], mkdocs: Option<&str>) -> DocsSite {
        let config = mkdocs.map(|text| MkdocsConfig::parse(text).unwrap());
        let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
        DocsSite::build(paths, config.as_ref(), |path| {
            files.iter().find(|(p, _)| *p == path).map(|(_, text)| text.to_string())
        })
    }

    fn outline(items: &[NavItem]) -> Vec<String> {
        let mut out = Vec::new();
        for item in items {
            let target = match &item.target {
                NavTarget::Page(p) => p.clone(),
                NavTarget::External(u) => u.clone(),
                NavTarget::Section => "-".into(),
            };
            out.push(format!("{} => {target}", item.title));
            out.extend(outline(&item.children).into_iter().map(|line| format!("  {line}")));
        }
        out
    }

    #[test]
    fn techdocs_references() {
        assert_eq!(techdocs_dir("dir:.").unwrap(), "");
        assert_eq!(techdocs_dir("dir:./site/docs-src").unwrap(), "site/docs-src");
        assert_eq!(techdocs_dir(" dir:sub/../other ").unwrap(), "other");
        assert!(techdocs_dir("dir:../outside").unwrap_err().message.contains("outside"));
        assert!(techdocs_dir("dir:/etc").is_err());
        assert!(techdocs_dir("url:https://github.com/x/y").unwrap_err().message.contains("only dir:"));
    }

    #[test]
    fn automatic_navigation_puts_homes_first_and_sorts_by_name() {
        let site = site(
            &[
                ("zeta.md", "# Zeta page"),
                ("README.md", "# Home"),
                ("guide/setup.md", "# Setup"),
                ("guide/index.md", "# The guide"),
                ("Alpha.md", "no heading"),
                ("ops/runbook.md", "# Runbook"),
                ("img/flow.png", ""),
                (".hidden/x.md", "# Hidden"),
                ("../escape.md", "# Escape"),
            ],
            None,
        );
        assert_eq!(
            outline(site.nav()),
            [
                "Home => README.md",
                "Alpha => Alpha.md",
                "The guide => guide/index.md",
                "  Setup => guide/setup.md",
                "ops => -",
                "  Runbook => ops/runbook.md",
                "Zeta page => zeta.md",
            ]
        );
        assert_eq!(site.pages().len(), 6);
    }

    #[test]
    fn mkdocs_nav_gives_order_and_titles() {
        let mkdocs = "site_name: Paiements\ntheme:\n  name: material\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\nnav:\n  - index.md\n  - Architecture: architecture.md\n  - Guides:\n      - guide/setup.md\n      - Missing: guide/missing.md\n  - Status page: https://status.example.org\n";
        let site = site(
            &[("index.md", "Intro without title"), ("architecture.md", "# Arch"), ("guide/setup.md", "# Setup")],
            Some(mkdocs),
        );
        assert_eq!(
            outline(site.nav()),
            [
                "Paiements => index.md",
                "Architecture => architecture.md",
                "Guides => -",
                "  Setup => guide/setup.md",
                "Status page => https://status.example.org",
            ]
        );
        assert_eq!(site.warnings(), ["nav entry \"guide/missing.md\" is not a page of the docs folder"]);
    }

    #[test]
    fn request_paths_resolve_to_pages_and_assets() {
        let site = site(
            &[
                ("index.md", "# Home"),
                ("guide.md", "# Guide file"),
                ("guide/index.md", "# Guide folder"),
                ("guide/setup.md", ""),
                ("img/a.png", ""),
                ("page.html", ""),
            ],
            None,
        );
        assert_eq!(site.resolve("").unwrap().path, "index.md");
        assert_eq!(site.resolve("/").unwrap().path, "index.md");
        assert_eq!(site.resolve("guide").unwrap().path, "guide.md");
        assert_eq!(site.resolve("guide/index").unwrap().path, "guide/index.md");
        assert_eq!(site.resolve("guide/setup/").unwrap().path, "guide/setup.md");
        assert_eq!(site.resolve("guide/setup.md").unwrap().path, "guide/setup.md");
        assert_eq!(site.resolve("guide/../index"), None);
        assert_eq!(site.resolve("nothing"), None);
        assert_eq!(site.asset("img/a.png"), Some("img/a.png"));
        assert_eq!(site.asset("img/../img/a.png"), None);
        assert_eq!(site.asset("page.html"), None);
        assert_eq!(site.warnings().len(), 1);
    }

    #[test]
    fn mkdocs_errors_are_positioned() {
        let err = MkdocsConfig::parse("site_name: x\nnav: 3\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2, column 6: nav must be a list");
        let err = MkdocsConfig::parse("nav:\n  - [unclosed\n").unwrap_err();
        assert!(err.position.is_some());
        assert_eq!(MkdocsConfig::parse("docs_dir: documentation\n").unwrap().docs_dir, "documentation");
        assert!(MkdocsConfig::parse("docs_dir: ../up\n").is_err());
    }

    #[test]
    fn nav_and_toc_html() {
        let nav = vec![
            NavItem { title: "Home".into(), target: NavTarget::Page("index.md".into()), children: vec![] },
            NavItem {
                title: "<Guides>".into(),
                target: NavTarget::Section,
                children: vec![NavItem {
                    title: "Setup".into(),
                    target: NavTarget::Page("guide/setup.md".into()),
                    children: vec![],
                }],
            },
        ];
        assert_eq!(
            render_nav(&nav, Some("guide/setup.md"), "/docs/default/component/x", &EnglishLabels),
            "<nav class=\"k-docs-nav\" aria-label=\"Documentation\"><ul><li><a href=\"/docs/default/component/x\">Home</a></li>\
             <li><span class=\"k-docs-nav-section\">&lt;Guides&gt;</span><ul><li><a href=\"/docs/default/component/x/guide/setup\" \
             class=\"k-current\" aria-current=\"page\">Setup</a></li></ul></li></ul></nav>\n"
        );
        let toc = [
            TocEntry { level: 1, text: "Title".into(), id: "title".into() },
            TocEntry { level: 2, text: "Sécurité".into(), id: "securite".into() },
            TocEntry { level: 4, text: "Deep".into(), id: "deep".into() },
        ];
        assert_eq!(
            render_toc(&toc, &|id: &str| if id == "docs-on-this-page" {
                "Sur cette page".to_string()
            } else {
                id.to_string()
            }),
            "<nav class=\"k-toc\" aria-label=\"Sur cette page\"><p class=\"k-toc-title\">Sur cette page</p><ol>\
             <li class=\"k-toc-level-2\"><a href=\"#securite\">Sécurité</a></li></ol></nav>\n"
        );
        assert_eq!(render_toc(&toc[..1], &EnglishLabels), "");
    }
}
