//! Renders a component's Markdown docs and an API entity's definition
//! (OpenAPI 3.x, Swagger 2.0, AsyncAPI 2.x/3.x) into HTML fragments for the
//! portal: server-rendered, readable with JavaScript off, no CDN, and safe
//! whatever the input.
//!
//! The crate is pure: functions over strings. Files are read by the caller,
//! through the closure given to [`DocsSite::build`]; nothing here touches the
//! file system, the network or global state.
//!
//! # Docs
//!
//! 1. [`techdocs_dir`] turns `backstage.io/techdocs-ref: dir:…` into a folder
//!    relative to the descriptor (without the annotation, use the descriptor's
//!    folder: `docs/` beside it).
//! 2. [`MkdocsConfig::parse`] reads that folder's `mkdocs.yml` if there is
//!    one (`site_name`, `docs_dir`, `nav`); [`MkdocsConfig::default`] otherwise.
//! 3. [`DocsSite::build`] takes the files of the docs folder: pages, titles
//!    (first `#` heading, else the file name), navigation (`nav:` order and
//!    titles, else the folder tree with `index.md`/`README.md` first).
//! 4. [`DocsSite::resolve`] maps the request path after
//!    `/docs/{namespace}/{kind}/{name}/` to a page; [`DocsSite::asset`] maps
//!    the path after `…/_asset/` to a file that may be served, with
//!    [`asset_media_type`]. Serve assets with `X-Content-Type-Options: nosniff`
//!    and `Content-Security-Policy: sandbox`: an SVG image can hold a script.
//! 5. [`render_markdown`] renders the page: HTML, table of contents, title,
//!    plain text for the search index. [`render_toc`] and [`render_nav`] give
//!    the page's side navigation.
//!
//! Links to other pages (`../guide/setup.md#usage`) become portal URLs
//! (`{base}/guide/setup#usage`), links to other files and relative images
//! become `{base}/_asset/{path}`, links that climb above the docs folder are
//! dropped (their text stays). Heading ids follow mkdocs' slugs, accents
//! folded (`## Présentation` → `presentation`), so anchors written for mkdocs
//! keep working; duplicates get `-1`, `-2`. The portal's own element ids
//! should start with `k-` so that they cannot meet a heading's.
//!
//! # API definitions
//!
//! [`parse_api_definition`] reads YAML or JSON and builds an [`ApiDocument`]:
//! info, servers, operations grouped by tag (declared tags first), channels
//! and messages, named schemas. Local `$ref`s are followed with cycle
//! detection; schemas become [`SchemaNode`] trees of bounded depth and size,
//! where a reference to a named schema below the top of a tree is a link to
//! that schema's entry in the Schemas section. A broken document gives a
//! [`DocsError`] whose text says where (`line 12, column 3: …`);
//! [`render_api_error`] shows it. [`render_api`] writes the HTML.
//!
//! Parsing and building cost tens of milliseconds on a 5 MB definition,
//! rendering a fraction of that: the portal should keep the [`ApiDocument`]
//! (plain data, `Send + Sync`) per definition text, or the HTML per language.
//! Mapping keys come out in sorted order (the workspace's `serde_json` keeps
//! no insertion order), so paths, properties and responses are alphabetical.
//!
//! # Safety
//!
//! Every text and attribute value is escaped by one function. Raw HTML in
//! Markdown is shown as text, not interpreted: an allow-list sanitizer
//! would need a full HTML parser (html5ever, through ammonia) for little
//! gain in docs written in Markdown; comments are dropped and a bare `<br>`
//! is kept. Link and image URLs pass an allow-list of schemes (`http`,
//! `https`, `mailto`, `tel`; for images `http(s)` and files of the docs
//! folder only), read the way browsers
//! read them (controls stripped, tabs and newlines ignored), so
//! `javascript:`, `data:`, `vbscript:` and their disguises are dropped.
//! External links get `rel="noopener"`. No inline style, no script, no
//! event attribute is ever written; server URLs are shown as text.
//! Markdown longer than [`MAX_MARKDOWN_BYTES`] is cut, definitions longer
//! than [`MAX_DEFINITION_BYTES`] are refused, enums, examples, schema depth
//! and the number of schema nodes per tree and per document are bounded.
//!
//! # Words
//!
//! The HTML's words come from a [`Labels`] lookup (a closure
//! `|id: &str| -> String` will do), with these message ids
//! ([`MESSAGE_IDS`] lists them with their English text; [`EnglishLabels`]
//! answers with it):
//!
//! | id | English |
//! | --- | --- |
//! | `docs-on-this-page` | On this page |
//! | `docs-navigation` | Documentation |
//! | `api-servers`, `api-contact`, `api-license` | Servers, Contact, License |
//! | `api-operations`, `api-untagged`, `api-deprecated` | Operations, Other operations, Deprecated |
//! | `api-parameters`, `api-column-name`, `api-column-in`, `api-column-schema`, `api-column-description` | Parameters, Name, In, Schema, Description |
//! | `api-request-body`, `api-responses`, `api-required` | Request body, Responses, Required |
//! | `api-example`, `api-enum`, `api-default` | Example, Allowed values, Default |
//! | `api-schemas`, `api-channels`, `api-messages`, `api-headers`, `api-payload` | Schemas, Channels, Messages, Headers, Payload |
//! | `api-recursive`, `api-truncated`, `api-unresolved` | Recursive reference, Not expanded further, Unresolved reference |
//! | `api-error` | This API definition cannot be displayed |
//!
//! # CSS classes
//!
//! Everything the portal's stylesheet may style is a class starting with `k-`:
//!
//! - Markdown (the caller wraps the fragment): `k-code` (`<pre>`, with
//!   `data-lang` on its `<code>`), `k-table` (wrapper of a `<table>`),
//!   `k-align-left|center|right` (cells), `k-task` (checkbox), `k-external`
//!   (links leaving the portal), `k-footnote`, `k-footnote-label`,
//!   `k-footnote-ref`, `k-callout` with `k-callout-note|tip|important|warning|caution`
//!   (GitHub-style `> [!NOTE]`), `k-raw-html` (raw HTML shown as text).
//! - Navigation: `k-docs-nav`, `k-docs-nav-section`, `k-current`; `k-toc`,
//!   `k-toc-title`, `k-toc-level-2`, `k-toc-level-3`.
//! - API page: `k-api` (wrapper), `k-api-info`, `k-api-title`, `k-api-version`,
//!   `k-api-spec`, `k-api-summary`, `k-api-description`, `k-api-meta`;
//!   `k-api-servers`, `k-api-server-name`, `k-api-server-url`, `k-api-protocol`;
//!   `k-api-group`; `k-api-operation` with `k-method-get|put|post|delete|options|head|patch|trace`,
//!   `k-api-method`, `k-api-path`, `k-api-operation-summary`, `k-api-operation-id`,
//!   `k-api-deprecated`, `k-api-required`, `k-api-parameters`, `k-api-media`,
//!   `k-api-content-type`, `k-api-example` (`<details>`), `k-api-response` with
//!   `k-status-1xx` … `k-status-5xx` or `k-status-default`, `k-api-status`;
//!   `k-api-channels`, `k-api-channel`, `k-api-address`, `k-api-channel-operation`
//!   with `k-action-publish|subscribe|send|receive|other`, `k-api-action`,
//!   `k-api-message`, `k-api-message-title`, `k-api-message-part`;
//!   `k-api-schemas`, `k-api-schema`; `k-api-error`, `k-api-error-title`,
//!   `k-api-error-message`.
//! - Schema trees: `k-schema`, `k-schema-title`, `k-schema-properties`,
//!   `k-schema-name`, `k-schema-type`, `k-schema-link`, `k-schema-format`,
//!   `k-schema-required`, `k-schema-deprecated`, `k-schema-note`,
//!   `k-schema-description`, `k-schema-enum`, `k-schema-default`,
//!   `k-schema-example`, `k-schema-constraints`, `k-schema-variant-kind`,
//!   `k-schema-variants`.

mod api;
mod error;
mod html;
mod labels;
mod links;
mod markdown;
mod site;
mod slug;

pub use api::*;
pub use error::DocsError;
pub use kiosque_descriptor::Position;
pub use labels::{EnglishLabels, Labels, MESSAGE_IDS};
pub use links::{asset_url, is_markdown, page_url, PageContext};
pub use markdown::{render_markdown, RenderedMarkdown, TocEntry, MAX_MARKDOWN_BYTES};
pub use site::{
    asset_media_type, render_nav, render_toc, techdocs_dir, DocsSite, MkdocsConfig, NavItem, NavTarget, Page,
};
pub use slug::slugify;
