//! The example organisation's docs folders, read as the portal reads them.

mod common;

use std::path::{Path, PathBuf};

use common::assert_safe_html;
use kiosque_docs::*;

fn component_dir(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-bank/repos").join(relative)
}

fn list(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            list(root, &path, out);
        } else {
            out.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
        }
    }
}

/// What the portal does for a component: techdocs-ref → mkdocs.yml → docs folder → site.
fn load_site(relative: &str) -> (DocsSite, PathBuf) {
    let component = component_dir(relative);
    let descriptor = std::fs::read_to_string(component.join("catalog-info.yaml")).unwrap();
    let documents = kiosque_descriptor::parse_documents(&descriptor).unwrap();
    let reference = documents
        .iter()
        .find_map(|d| d.value["metadata"]["annotations"]["backstage.io/techdocs-ref"].as_str())
        .expect("a component with docs");
    let site_dir = component.join(techdocs_dir(reference).unwrap());
    let config = MkdocsConfig::parse(&std::fs::read_to_string(site_dir.join("mkdocs.yml")).unwrap()).unwrap();
    let docs_dir = site_dir.join(&config.docs_dir);
    let mut files = Vec::new();
    list(&docs_dir, &docs_dir, &mut files);
    let site = DocsSite::build(&files, Some(&config), |path| std::fs::read_to_string(docs_dir.join(path)).ok());
    (site, docs_dir)
}

fn render_page(site: &DocsSite, docs_dir: &Path, base: &str, request: &str) -> RenderedMarkdown {
    let page = site.resolve(request).unwrap();
    let text = std::fs::read_to_string(docs_dir.join(&page.path)).unwrap();
    render_markdown(&text, &PageContext { base_url: base, page_path: &page.path })
}

fn nav_outline(site: &DocsSite) -> Vec<(String, NavTarget)> {
    site.nav().iter().map(|item| (item.title.clone(), item.target.clone())).collect()
}

#[test]
fn payments_service_docs() {
    let base = "/docs/default/component/payments-service";
    let (site, docs_dir) = load_site("payments-service");
    assert_eq!(
        nav_outline(&site),
        [
            ("Getting started".to_string(), NavTarget::Page("index.md".into())),
            ("Architecture".to_string(), NavTarget::Page("architecture.md".into())),
        ]
    );
    assert!(site.warnings().is_empty());

    let home = render_page(&site, &docs_dir, base, "");
    assert_eq!(home.title, "Payments Service");
    assert!(home.html.contains(&format!("<a href=\"{base}/architecture\">architecture</a>")));
    assert!(home.html.contains("<th scope=\"col\">Flow</th>"));
    assert!(home.text.contains("SEPA Instant"));

    let architecture = render_page(&site, &docs_dir, base, "architecture");
    assert_eq!(architecture.title, "Architecture");
    let ids: Vec<&str> = architecture.toc.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["architecture", "the-transfer-saga", "fraud-check"]);
    assert!(architecture.html.contains(&format!("<a href=\"{base}\">getting started</a>")));
    assert!(architecture.html.contains("<pre class=\"k-code\" tabindex=\"0\"><code data-lang=\"text\">"));

    let nav = render_nav(site.nav(), Some("architecture.md"), base, &EnglishLabels);
    assert!(nav.contains(&format!(
        "<a href=\"{base}/architecture\" class=\"k-current\" aria-current=\"page\">Architecture</a>"
    )));
    assert_safe_html(&nav);
}

#[test]
fn french_docs_keep_their_accents_in_text_and_fold_them_in_ids() {
    let base = "/docs/default/component/ged";
    let (site, docs_dir) = load_site("digital-factory/ged");
    assert_eq!(site.nav()[0].title, "Prise en main");
    let home = render_page(&site, &docs_dir, base, "index");
    assert_eq!(home.title, "GED : gestion électronique des documents");
    let ids: Vec<&str> = home.toc.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ged-gestion-electronique-des-documents",
            "prise-en-main",
            "types-de-documents-et-durees-de-conservation",
            "pour-aller-plus-loin"
        ]
    );
    let architecture = render_page(&site, &docs_dir, base, "architecture.md");
    let ids: Vec<&str> = architecture.toc.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["architecture-de-la-ged", "vue-densemble", "choix-structurants", "volumetrie"]);
    assert_eq!(architecture.toc[3].text, "Volumétrie");
    let toc = render_toc(&architecture.toc, &|id: &str| {
        if id == "docs-on-this-page" {
            "Sur cette page".into()
        } else {
            id.into()
        }
    });
    assert!(toc.contains("<a href=\"#vue-densemble\">Vue d&#39;ensemble</a>"));
}

#[test]
fn every_example_docs_page_renders_safely() {
    for component in [
        "accounts-service",
        "fraud-scoring",
        "ledger-core",
        "payments-service",
        "digital-factory/ged",
        "digital-factory/kyc",
    ] {
        let (site, docs_dir) = load_site(component);
        assert_eq!(site.pages().len(), 2, "{component}");
        for page in site.pages() {
            let rendered = render_page(&site, &docs_dir, "/docs/default/component/x", &page.route);
            assert_safe_html(&rendered.html);
            assert!(!rendered.toc.is_empty(), "{component}/{}", page.path);
        }
    }
}

#[test]
fn missing_docs_give_an_empty_site() {
    let site = DocsSite::build(Vec::<String>::new(), None, |_| None);
    assert!(site.pages().is_empty());
    assert!(site.nav().is_empty());
    assert_eq!(site.resolve(""), None);
    // Files listed but unreadable keep their place, titled by their names.
    let site = DocsSite::build(["index.md", "setup.md"], None, |_| None);
    assert_eq!(site.resolve("setup").unwrap().title, "setup");
}
