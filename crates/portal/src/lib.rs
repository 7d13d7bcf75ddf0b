//! The developer portal: every page as a function from the catalog's read
//! model (and the request's language, path and query) to an HTML document.
//!
//! Pages are rendered on the server and work without JavaScript; the small
//! hand-written script in `assets/` only adds instant filtering and a
//! theme switch that needs no round trip. Every word comes from the Fluent
//! catalogues in `locales/`; every value from a descriptor is escaped by
//! the templates (maud), and the few pieces of HTML built by hand escape
//! theirs. No HTTP here: the server crate maps routes to these functions.

mod assets;
mod html;
mod i18n;
mod pages;
pub mod web;

pub use assets::{asset, Asset};
pub use html::entity_url;
pub use i18n::{Locale, Messages};
pub use kiosque_docs::{DocsSite, MkdocsConfig};
pub use pages::catalog::ListParams;
pub use pages::delivery::{Dashboard, DeploymentPage, Notice};
pub use pages::docs::docs_url;
pub use pages::news::Announcement;
pub use pages::sign_in::LISTED_USERS;
pub use pages::survey::{FormState, SignInLink, SurveyEntry, SurveyForm};

use kiosque_catalog::Catalog;

/// What a page needs to know of the request.
#[derive(Debug, Clone)]
pub struct Context {
    pub locale: Locale,
    /// The path and query of the page, to come back to after a switch.
    pub path: String,
    /// `light` or `dark` when chosen; otherwise the system's preference.
    pub theme: Option<String>,
    /// The search box's current text.
    pub query: Option<String>,
    /// The catalog's generation, shown in the footer.
    pub generation: u64,
    /// The newest announcement this reader has seen.
    pub news_read: Option<String>,
}

/// A docs page as search sees it.
#[derive(Debug, Clone)]
pub struct DocHit {
    pub url: String,
    pub title: String,
    /// The page's words, without markup.
    pub text: String,
    /// The entity the docs belong to.
    pub entity: String,
}

/// The portal: its message catalogues, parsed once.
#[derive(Default)]
pub struct Portal {
    messages: Messages,
}

impl Portal {
    /// The home page, with the announcements the reader has not seen.
    pub fn home(&self, cx: &Context, catalog: &Catalog, news: &[Announcement]) -> String {
        pages::home::render(&self.page(cx), catalog, news)
    }

    /// Every announcement, newest first.
    pub fn whats_new(&self, cx: &Context, news: &[Announcement]) -> String {
        pages::news::render(&self.page(cx), news)
    }

    /// The announcements as an Atom feed; `site` is the portal's public URL.
    pub fn news_feed(&self, news: &[Announcement], locale: Locale, site: &str) -> String {
        pages::news::feed(news, locale, site, &self.messages.format(locale, "news-title", &[]))
    }

    pub fn catalog(&self, cx: &Context, catalog: &Catalog, params: &ListParams) -> String {
        pages::catalog::render(&self.page(cx), catalog, params)
    }

    /// An entity's page; `source` is the descriptor's text as written, when
    /// the server could read it; `docs` the address of its docs, when it has
    /// some. `None` when no such entity exists.
    pub fn entity(
        &self,
        cx: &Context,
        catalog: &Catalog,
        reference: &str,
        source: Option<&str>,
        docs: Option<&str>,
    ) -> Option<String> {
        pages::entity::render(&self.page(cx), catalog, reference, source, docs)
    }

    /// The relation graph around an entity, to `depth` hops.
    pub fn graph(&self, cx: &Context, catalog: &Catalog, reference: &str, depth: usize) -> Option<String> {
        pages::graph::render(&self.page(cx), catalog, reference, depth)
    }

    pub fn teams(&self, cx: &Context, catalog: &Catalog) -> String {
        pages::teams::render(&self.page(cx), catalog)
    }

    /// Search results over entities and the given docs pages.
    pub fn search(&self, cx: &Context, catalog: &Catalog, query: &str, docs: &[&DocHit]) -> String {
        pages::search::render(&self.page(cx), catalog, query, docs)
    }

    /// An API's definition page; `None` when no such API exists.
    pub fn api_definition(&self, cx: &Context, catalog: &Catalog, reference: &str) -> Option<String> {
        pages::api::render(&self.page(cx), catalog, reference)
    }

    /// One page of an entity's docs, given its docs site and the page's
    /// Markdown (the server reads the files).
    pub fn docs_page(
        &self,
        cx: &Context,
        catalog: &Catalog,
        reference: &str,
        site: &DocsSite,
        page: &kiosque_docs::Page,
        markdown: &str,
    ) -> Option<String> {
        pages::docs::render_page(&self.page(cx), catalog, reference, site, page, markdown)
    }

    /// The list of entities with docs.
    pub fn docs_index(&self, cx: &Context, catalog: &Catalog, references: &[String]) -> String {
        pages::docs::render_index(&self.page(cx), catalog, references)
    }

    /// The page for an entity without docs, or a docs page that does not exist.
    pub fn docs_missing(&self, cx: &Context, catalog: &Catalog, reference: &str) -> String {
        pages::docs::render_missing(&self.page(cx), catalog, reference)
    }

    /// The organisation's delivery dashboard: its DORA figures, trends, teams and services.
    pub fn delivery_organisation(&self, cx: &Context, dashboard: &Dashboard<'_>) -> String {
        pages::delivery::render_organisation(&self.page(cx), dashboard)
    }

    /// A team's delivery dashboard, from a report over its services; `None` when the
    /// report has no such team.
    pub fn delivery_team(&self, cx: &Context, dashboard: &Dashboard<'_>, team: &str) -> Option<String> {
        pages::delivery::render_team(&self.page(cx), dashboard, team)
    }

    /// A service's delivery dashboard; `None` when the report has no such service.
    pub fn delivery_service(&self, cx: &Context, dashboard: &Dashboard<'_>, service: &str) -> Option<String> {
        pages::delivery::render_service(&self.page(cx), dashboard, service)
    }

    /// A delivery dashboard that cannot be drawn, and why.
    /// One production deployment: the changes behind its lead times, the incidents it caused.
    pub fn delivery_deployment(&self, cx: &Context, page: &DeploymentPage<'_>) -> String {
        pages::delivery::render_deployment(&self.page(cx), page)
    }

    pub fn delivery_notice(&self, cx: &Context, notice: Notice) -> String {
        pages::delivery::render_notice(&self.page(cx), notice)
    }

    /// The surveys and where the reader stands with each.
    pub fn surveys(
        &self,
        cx: &Context,
        entries: &[SurveyEntry<'_>],
        person: Option<&web::Person>,
        sign_in: Option<SignInLink<'_>>,
    ) -> String {
        pages::survey::render_list(&self.page(cx), entries, person, sign_in)
    }

    /// A survey's form, or why it cannot be answered now.
    pub fn survey_form(&self, cx: &Context, form: &SurveyForm<'_>) -> String {
        pages::survey::render_form(&self.page(cx), form)
    }

    /// A survey's results per team and period, anonymity rules applied.
    pub fn survey_results(
        &self,
        cx: &Context,
        survey: &kiosque_survey::Survey,
        summary: &kiosque_survey::Summary,
        catalog: Option<&Catalog>,
    ) -> String {
        pages::survey::render_results(&self.page(cx), survey, summary, catalog)
    }

    /// A team's latest results of a survey, as a section of its delivery dashboard.
    pub fn survey_team_panel(
        &self,
        cx: &Context,
        survey: &kiosque_survey::Survey,
        summary: &kiosque_survey::Summary,
        team: &str,
    ) -> String {
        pages::survey::render_team_panel(&self.page(cx), survey, summary, team).into_string()
    }

    /// The guest sign-in page: pick a catalog user.
    pub fn sign_in(
        &self,
        cx: &Context,
        users: &[(String, String)],
        query: &str,
        back: &str,
        current: Option<&web::Person>,
    ) -> String {
        pages::sign_in::render(&self.page(cx), users, query, back, current)
    }

    /// A page for a path that leads nowhere.
    pub fn not_found(&self, cx: &Context) -> String {
        pages::not_found(&self.page(cx))
    }

    fn page<'a>(&'a self, cx: &'a Context) -> html::Page<'a> {
        html::Page { cx, messages: &self.messages }
    }
}
