//! The catalog list: facet filters, text search, sortable columns and
//! pages, all in the URL so a view can be shared.

use kiosque_catalog::{Catalog, EntityId, EntityView, Filter, FilterSet, Order, Query};
use kiosque_model::RelationType;
use maud::{html, Markup};

use crate::html::{encode_component, entity_url, highlight, query_words, str_at, Page, Section};

/// Rows per page.
const PAGE_SIZE: usize = 50;
/// Facet values shown before "more".
const FACET_VALUES: usize = 12;

/// The list's parameters, as the query string carries them.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub kinds: Vec<String>,
    pub types: Vec<String>,
    pub lifecycles: Vec<String>,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
    pub text: String,
    pub orphans_only: bool,
    /// `name`, `kind`, `type`, `owner` or `lifecycle`.
    pub sort: String,
    pub descending: bool,
    pub page: usize,
}

/// A facet: its query parameter, the field it filters, its label.
struct Facet {
    param: &'static str,
    key: &'static str,
    label: &'static str,
}

const FACETS: [Facet; 5] = [
    Facet { param: "kind", key: "kind", label: "facet-kind" },
    Facet { param: "type", key: "spec.type", label: "facet-type" },
    Facet { param: "lifecycle", key: "spec.lifecycle", label: "facet-lifecycle" },
    Facet { param: "owner", key: "relations.ownedby", label: "facet-owner" },
    Facet { param: "tag", key: "metadata.tags", label: "facet-tag" },
];

impl ListParams {
    /// Parses `kind=component&kind=api&q=…&sort=name&page=2` (already
    /// percent-decoded pairs).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ListParams {
        let mut params = ListParams::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "kind" => params.kinds.push(value.to_ascii_lowercase()),
                "type" => params.types.push(value.to_string()),
                "lifecycle" => params.lifecycles.push(value.to_string()),
                "owner" => params.owners.push(value.to_string()),
                "tag" => params.tags.push(value.to_string()),
                "q" => params.text = value.to_string(),
                "orphan" => params.orphans_only = value == "true",
                "sort" if ["name", "kind", "type", "owner", "lifecycle"].contains(&value) => {
                    params.sort = value.to_string()
                }
                "dir" => params.descending = value == "desc",
                "page" => params.page = value.parse::<usize>().unwrap_or(1).saturating_sub(1),
                _ => {}
            }
        }
        params
    }

    fn values(&self, param: &str) -> &[String] {
        match param {
            "kind" => &self.kinds,
            "type" => &self.types,
            "lifecycle" => &self.lifecycles,
            "owner" => &self.owners,
            "tag" => &self.tags,
            _ => &[],
        }
    }

    /// The filter the selected facets make (values of one facet: any of them).
    fn filter_set(&self) -> FilterSet {
        let mut set = FilterSet::default();
        for facet in &FACETS {
            let values = self.values(facet.param);
            if !values.is_empty() {
                set.filters
                    .push(Filter { key: facet.key.into(), values: values.iter().map(|v| v.to_lowercase()).collect() });
            }
        }
        if self.orphans_only {
            set.filters
                .push(Filter { key: "metadata.annotations.backstage.io/orphan".into(), values: vec!["true".into()] });
        }
        set
    }

    /// The query string of these parameters, with `change` applied.
    fn href(&self, change: impl FnOnce(&mut ListParams)) -> String {
        let mut next = self.clone();
        change(&mut next);
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for facet in &FACETS {
            for value in next.values(facet.param) {
                pairs.push((facet.param, value.clone()));
            }
        }
        if !next.text.is_empty() {
            pairs.push(("q", next.text.clone()));
        }
        if next.orphans_only {
            pairs.push(("orphan", "true".into()));
        }
        if !next.sort.is_empty() {
            pairs.push(("sort", next.sort.clone()));
        }
        if next.descending {
            pairs.push(("dir", "desc".into()));
        }
        if next.page > 0 {
            pairs.push(("page", (next.page + 1).to_string()));
        }
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode_component(v))).collect();
        if query.is_empty() {
            "/catalog".into()
        } else {
            format!("/catalog?{}", query.join("&"))
        }
    }
}

fn sort_field(sort: &str) -> Option<&'static str> {
    Some(match sort {
        "name" => "metadata.name",
        "kind" => "kind",
        "type" => "spec.type",
        "owner" => "spec.owner",
        "lifecycle" => "spec.lifecycle",
        _ => return None,
    })
}

pub fn render(page: &Page<'_>, catalog: &Catalog, params: &ListParams) -> String {
    let set = params.filter_set();
    let filters = if set.filters.is_empty() { vec![] } else { vec![set] };
    let query = Query {
        filters: filters.clone(),
        text: (!params.text.is_empty()).then(|| params.text.clone()),
        order: sort_field(&params.sort).map(|field| Order { field: field.into(), descending: params.descending }),
        after: None,
        limit: Some(PAGE_SIZE),
        offset: params.page * PAGE_SIZE,
        count_total: true,
    };
    let result = catalog.query(&query);
    // Facet counts over every match, not only this page.
    let matching: Option<Vec<EntityId>> = if filters.is_empty() && params.text.is_empty() {
        None
    } else {
        let mut ids = catalog.filter(&filters);
        if !params.text.is_empty() {
            let mut found: Vec<EntityId> = catalog.search(&params.text).into_iter().map(|(id, _)| id).collect();
            found.sort_unstable();
            ids.retain(|id| found.binary_search(id).is_ok());
        }
        Some(ids)
    };
    let words = query_words(&params.text);
    let first = params.page * PAGE_SIZE + 1;
    let last = params.page * PAGE_SIZE + result.ids.len();
    let main = html! {
        h1 { (page.t("catalog-title")) }
        div.catalog {
            form.facets #catalog-filters method="get" action="/catalog" aria-label=(page.t("catalog-filters")) {
                div.field {
                    label for="catalog-q" { (page.t("catalog-filter-text")) }
                    input #catalog-q type="search" name="q" value=(params.text) autocomplete="off" data-instant;
                }
                @if !params.sort.is_empty() { input type="hidden" name="sort" value=(params.sort); }
                @if params.descending { input type="hidden" name="dir" value="desc"; }
                @if params.orphans_only { input type="hidden" name="orphan" value="true"; }
                @for facet in &FACETS {
                    (facet_fieldset(page, catalog, facet, params, matching.as_deref()))
                }
                div.actions {
                    button type="submit" { (page.t("catalog-apply")) }
                    a href="/catalog" { (page.t("catalog-reset")) }
                }
            }
            section.results #catalog-results aria-live="polite" {
                p.summary {
                    @if result.total == 0 {
                        (page.t("catalog-none"))
                    } @else {
                        (page.t_with("catalog-range", &[
                            ("first", page.number(first).into()),
                            ("last", page.number(last).into()),
                            ("total", page.number(result.total).into()),
                        ]))
                    }
                }
                @if !result.ids.is_empty() {
                    div.table-wrap {
                        table.entities {
                            caption.visually-hidden { (page.t("catalog-title")) }
                            thead { tr {
                                (sort_header(page, params, "name", "column-name"))
                                (sort_header(page, params, "kind", "column-kind"))
                                (sort_header(page, params, "type", "column-type"))
                                (sort_header(page, params, "owner", "column-owner"))
                                (sort_header(page, params, "lifecycle", "column-lifecycle"))
                                th scope="col" { (page.t("column-description")) }
                            } }
                            tbody {
                                @for id in &result.ids {
                                    @if let Some(view) = catalog.get(*id) {
                                        (row(page, catalog, &view, &words))
                                    }
                                }
                            }
                        }
                    }
                }
                nav.pager aria-label=(page.t("catalog-pages")) {
                    @if params.page > 0 {
                        a rel="prev" href=(params.href(|p| p.page -= 1)) { (page.t("catalog-previous")) }
                    }
                    @if last < result.total {
                        a rel="next" href=(params.href(|p| p.page += 1)) { (page.t("catalog-next")) }
                    }
                }
            }
        }
    };
    page.document(&page.t("catalog-title"), Section::Catalog, main)
}

fn facet_fieldset(
    page: &Page<'_>,
    catalog: &Catalog,
    facet: &Facet,
    params: &ListParams,
    within: Option<&[EntityId]>,
) -> Markup {
    let selected = params.values(facet.param);
    let mut counts = catalog.facets(facet.key, within);
    // Selected values stay visible even when their count is outside the top.
    let shown: Vec<(String, usize)> = {
        let mut top: Vec<(String, usize)> = counts.iter().take(FACET_VALUES).cloned().collect();
        for value in selected {
            if !top.iter().any(|(v, _)| v.eq_ignore_ascii_case(value)) {
                let count = counts.iter().find(|(v, _)| v.eq_ignore_ascii_case(value)).map_or(0, |(_, c)| *c);
                top.push((value.clone(), count));
            }
        }
        top
    };
    let more = counts.len().saturating_sub(FACET_VALUES);
    counts.clear();
    html! {
        fieldset.facet {
            legend { (page.t(facet.label)) }
            @if shown.is_empty() {
                p.empty { "—" }
            }
            ul {
                @for (value, count) in &shown {
                    @let id = format!("f-{}-{}", facet.param, encode_component(value));
                    @let checked = selected.iter().any(|s| s.eq_ignore_ascii_case(value));
                    li {
                        input type="checkbox" id=(id) name=(facet.param) value=(value) checked[checked];
                        label for=(id) {
                            (facet_label(page, facet, value))
                            span.count { (page.number(*count)) }
                        }
                    }
                }
            }
            @if more > 0 {
                p.more { (page.t_with("facet-more", &[("count", more.into())])) }
            }
        }
    }
}

fn facet_label(page: &Page<'_>, facet: &Facet, value: &str) -> Markup {
    match facet.param {
        "kind" => html! { (page.kind_name(value, false)) },
        "owner" => html! { (crate::html::short_ref(value)) },
        _ => html! { (value) },
    }
}

fn sort_header(page: &Page<'_>, params: &ListParams, column: &str, label: &str) -> Markup {
    let active = params.sort == column;
    let sort = if active && !params.descending { "descending" } else { "ascending" };
    let href = params.href(|p| {
        p.descending = active && !p.descending;
        p.sort = column.to_string();
        p.page = 0;
    });
    let state = match (active, params.descending) {
        (false, _) => None,
        (true, false) => Some("ascending"),
        (true, true) => Some("descending"),
    };
    html! {
        th scope="col" aria-sort=[state] {
            a href=(href) title=(page.t(&format!("sort-{sort}"))) { (page.t(label)) }
        }
    }
}

fn row(page: &Page<'_>, catalog: &Catalog, view: &EntityView<'_>, words: &[String]) -> Markup {
    let (reference, orphan) = (view.entity_ref, view.orphan);
    let value = &view.body_value();
    let kind = view.kind();
    let owner_ref = view.relations().find(|r| r.kind == RelationType::OwnedBy).map(|r| r.target);
    let description = page.description_of(value).unwrap_or_default();
    let short: String = description.chars().take(160).collect();
    html! {
        tr {
            th scope="row" {
                a href=(entity_url(reference)) { (highlight(&page.title_of(value), words)) }
                @if orphan { " " span.badge.warn { (page.t("entity-orphan-badge")) } }
            }
            td { (page.kind_badge(kind)) }
            td { (str_at(value, "/spec/type").unwrap_or("")) }
            td { @if let Some(owner) = owner_ref { (page.entity_link(catalog, owner)) } }
            td { (str_at(value, "/spec/lifecycle").unwrap_or("")) }
            td.description {
                (highlight(&short, words))
                @if short.len() < description.len() { "…" }
            }
        }
    }
}
