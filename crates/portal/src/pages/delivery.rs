//! Delivery dashboards: the DORA keys of the organisation, a team or a service over a
//! window, each figure with its performance level, a chart of it week by week (drawn here
//! as inline SVG, with the same figures in a table for those who do not see it), and the
//! teams and services behind the figures.
//!
//! Pure rendering from a [`Report`]: the caller computes it (for a team, over the team's
//! services only; for a service, over that service only) and hands in the thresholds to
//! read levels against and, when it has one, the catalog for titles and links. A figure
//! the report has no value for (a ratio of nothing, a median of nothing) is shown as "—",
//! never as a zero.

use fluent_bundle::FluentValue;
use kiosque_catalog::Catalog;
use kiosque_delivery::{
    Bucket, DeploymentFact, IncidentFact, Performance, Report, Row, RowLevels, Scope, Thresholds, Window,
};
use maud::{html, Markup, PreEscaped};

use crate::html::{encode_component, entity_url, Page, Section};
use crate::i18n::Locale;

/// What every dashboard is drawn from.
pub struct Dashboard<'a> {
    pub report: &'a Report,
    /// The window as the reader asked for it, carried along in links.
    pub window: Window,
    /// The performance levels to read figures against; no badges without them.
    pub thresholds: Option<&'a Thresholds>,
    /// Titles and catalog links of services and teams, when there is a catalog.
    pub catalog: Option<&'a Catalog>,
    /// On a service's dashboard, the production deployments of the window
    /// (oldest first): the figures' drill-down.
    pub deployments: &'a [DeploymentFact],
    /// On a service's dashboard, the incidents opened in the window (oldest first).
    pub incidents: &'a [IncidentFact],
    /// On a team's dashboard, sections other capabilities drew for the team (HTML the
    /// portal rendered, such as its developer-satisfaction results), shown after its
    /// figures.
    pub team_panels: &'a [String],
}

/// Why a dashboard cannot be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// No deployment is recorded yet, so no window can end at the latest one.
    NoData,
    /// The window asked for is not one (days out of range, a date that does not exist).
    BadWindow,
}

/// A dashboard page that explains why it has no figures.
pub fn render_notice(page: &Page<'_>, notice: Notice) -> String {
    let title = page.t("dora-title");
    let text = match notice {
        Notice::NoData => page.t("dora-no-data"),
        Notice::BadWindow => page.t("dora-bad-window"),
    };
    let main = html! {
        h1 { (title) }
        p.notice.warn { (text) }
        p { a href="/delivery" { (page.t("dora-back")) } }
    };
    page.document(&title, Section::Delivery, main)
}

/// The dashboard's path, with the window kept when it is not the default one.
pub fn dashboard_url(path: &str, window: Window) -> String {
    let mut query = Vec::new();
    if let Some(end) = window.end {
        query.push(format!("end={end}"));
    }
    if window.days != Window::default().days {
        query.push(format!("days={}", window.days));
    }
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

pub fn team_url(team: &str, window: Window) -> String {
    dashboard_url(&format!("/delivery/teams/{}", encode_component(team)), window)
}

pub fn service_url(service: &str, window: Window) -> String {
    dashboard_url(&format!("/delivery/services/{}", encode_component(service)), window)
}

/// The organisation: its figures and trends, then its teams and services ranked.
pub fn render_organisation(page: &Page<'_>, d: &Dashboard<'_>) -> String {
    let rows = &d.report.rows;
    let title = page.t("dora-title");
    let Some((window_row, weeks)) = entity_rows(rows, Scope::Organisation, "organisation") else {
        let main = html! {
            h1 { (title) }
            p.lead { (page.t("dora-lead")) }
            p.empty { (page.t("dora-no-services")) }
        };
        return page.document(&title, Section::Delivery, main);
    };
    let teams: Vec<&Row> = ranked(rows, Scope::Team);
    let services: Vec<&Row> = ranked(rows, Scope::Service);
    let main = html! {
        h1 { (title) }
        p.lead { (page.t("dora-lead")) }
        (window_form(page, d, "/delivery"))
        (figures(page, d, window_row, weeks))
        (weeks_table(page, weeks))
        section.card aria-labelledby="dora-teams" {
            h2 #dora-teams { (page.t("dora-teams")) }
            (ranking(page, d, &teams, Scope::Team))
        }
        section.card aria-labelledby="dora-services" {
            h2 #dora-services { (page.t("dora-services")) }
            (ranking(page, d, &services, Scope::Service))
        }
        (levels_note(page, d))
    };
    page.document(&title, Section::Delivery, main)
}

/// A team: its pooled figures, trends, weeks and its services. `None` when the report has
/// no such team.
pub fn render_team(page: &Page<'_>, d: &Dashboard<'_>, team: &str) -> Option<String> {
    let (window_row, weeks) = entity_rows(&d.report.rows, Scope::Team, team)?;
    let name = display_name(page, d.catalog, "group", team);
    let services: Vec<&Row> =
        ranked(&d.report.rows, Scope::Service).into_iter().filter(|r| r.team.as_deref() == Some(team)).collect();
    let title = page.t_with("dora-team-title", &[("name", name.as_str().into())]);
    let main = html! {
        (breadcrumbs(page, d, None))
        h1 { (title) }
        p.lead { (catalog_link(page, d.catalog, "group", team)) }
        (window_form(page, d, &format!("/delivery/teams/{}", encode_component(team))))
        (figures(page, d, window_row, weeks))
        @for panel in d.team_panels { (PreEscaped(panel)) }
        section.card aria-labelledby="dora-team-services" {
            h2 #dora-team-services { (page.t("dora-team-services")) }
            (ranking(page, d, &services, Scope::Service))
        }
        (weeks_table(page, weeks))
        (levels_note(page, d))
    };
    Some(page.document(&title, Section::Delivery, main))
}

/// Deployments listed in a service's drill-down, newest first.
const LISTED_DEPLOYMENTS: usize = 100;

/// The window's production deployments: when, how they went, how long the
/// recovery took, the changes they brought first and their lead times.
fn deployments_table(page: &Page<'_>, deployments: &[DeploymentFact]) -> Markup {
    let in_hours = |seconds: i64| Some(seconds as f64 / 3600.0);
    html! {
        section aria-labelledby="dora-deployments" {
            h2 #dora-deployments { (page.t("dora-deployments")) " " span.count { (page.number(deployments.len())) } }
            @if deployments.is_empty() {
                p.empty { (page.t("dora-no-deployments")) }
            } @else {
                div.table-wrap tabindex="0" {
                    table {
                        thead { tr {
                            th scope="col" { (page.t("dora-col-deployment")) }
                            th scope="col" { (page.t("dora-col-finished")) }
                            th scope="col" { (page.t("dora-col-outcome")) }
                            th scope="col" { (page.t("dora-col-recovery")) }
                            th scope="col" { (page.t("dora-col-changes")) }
                            th scope="col" { (page.t("dora-col-lead-median")) }
                        } }
                        tbody {
                            @for fact in deployments.iter().rev().take(LISTED_DEPLOYMENTS) {
                                tr {
                                    th scope="row" { a href=(deployment_url(&fact.service, fact.id)) { (deployment_label(page, fact.id)) } }
                                    td { (moment(page, fact.finished_at)) }
                                    td {
                                        @if !fact.success { span.badge.warn { (page.t("dora-outcome-failure")) } }
                                        @else if fact.failed { span.badge.warn { (page.t("dora-outcome-bad")) } }
                                        @else { (page.t("dora-outcome-success")) }
                                        @if fact.rework { " " span.badge { (page.t("dora-outcome-rework")) } }
                                    }
                                    td { (hours(page, fact.recovery_seconds.and_then(in_hours))) }
                                    td { (fact.lead_seconds.len()) }
                                    td { (hours(page, median_seconds(&fact.lead_seconds).and_then(in_hours))) }
                                }
                            }
                        }
                    }
                }
                @if deployments.len() > LISTED_DEPLOYMENTS {
                    p.hint { (page.t_with("dora-deployments-more", &[("count", (deployments.len() - LISTED_DEPLOYMENTS).into())])) }
                }
            }
        }
    }
}

/// A deployment's own page: what it brought and what it caused.
pub fn deployment_url(service: &str, id: i64) -> String {
    format!("/delivery/services/{}/deployments/{id}", encode_component(service))
}

/// What a deployment's page shows.
pub struct DeploymentPage<'a> {
    pub fact: &'a DeploymentFact,
    /// The team owning its service, when known.
    pub team: Option<&'a str>,
    /// The changes it first brought to production, oldest commit first.
    pub changes: &'a [kiosque_delivery::DeployedChange],
    /// The incidents that name it as their cause.
    pub incidents: &'a [IncidentFact],
    pub catalog: Option<&'a Catalog>,
}

/// At most this many changes are listed on a deployment's page.
const LISTED_CHANGES: usize = 500;

/// One production deployment: its outcome, the changes behind its lead times, the
/// incidents it caused.
pub fn render_deployment(page: &Page<'_>, d: &DeploymentPage<'_>) -> String {
    let fact = d.fact;
    let service = display_name(page, d.catalog, "component", &fact.service);
    let label = match kiosque_delivery::webhooks::IdSeries::of(fact.id) {
        Some(_) => deployment_label(page, fact.id),
        None => page.t_with("dora-deployment-number", &[("id", fact.id.to_string().into())]),
    };
    let title = page.t_with(
        "dora-deployment-title",
        &[("deployment", label.as_str().into()), ("service", service.as_str().into())],
    );
    let default = Window::default();
    let main = html! {
        nav.breadcrumbs aria-label=(page.t("dora-breadcrumbs")) {
            ol {
                li { a href=(dashboard_url("/delivery", default)) { (page.t("dora-title")) } }
                @if let Some(team) = d.team {
                    li { a href=(team_url(team, default)) { (display_name(page, d.catalog, "group", team)) } }
                }
                li { a href=(service_url(&fact.service, default)) { (service) } }
            }
        }
        h1 { (title) }
        dl.facts {
            dt { (page.t("dora-col-finished")) }
            dd { (moment(page, fact.finished_at)) }
            dt { (page.t("dora-col-outcome")) }
            dd {
                @if !fact.success { span.badge.warn { (page.t("dora-outcome-failure")) } }
                @else if fact.failed { span.badge.warn { (page.t("dora-outcome-bad")) } }
                @else { (page.t("dora-outcome-success")) }
                @if fact.rework { " " span.badge { (page.t("dora-outcome-rework")) } }
            }
            @if fact.failed {
                dt { (page.t("dora-col-recovery")) }
                dd { (hours(page, fact.recovery_seconds.map(|s| s as f64 / 3600.0))) }
            }
        }
        section aria-labelledby="dora-changes" {
            h2 #dora-changes { (page.t("dora-changes-title")) " " span.count { (page.number(d.changes.len())) } }
            @if d.changes.is_empty() {
                p.empty { (page.t("dora-no-changes")) }
            } @else {
                div.table-wrap tabindex="0" {
                    table {
                        thead { tr {
                            th scope="col" { (page.t("dora-col-commit")) }
                            th scope="col" { (page.t("dora-col-author")) }
                            th scope="col" { (page.t("dora-col-committed")) }
                            th scope="col" { (page.t("dora-col-merged")) }
                            th scope="col" { (page.t("dora-col-lead-time")) }
                        } }
                        tbody {
                            @for change in d.changes.iter().take(LISTED_CHANGES) {
                                tr {
                                    th scope="row" { code title=(change.sha) { (change.sha.get(..12).unwrap_or(&change.sha)) } " " span.meta { (change.repository) } }
                                    td { (change.author) }
                                    td { (moment(page, change.committed_at)) }
                                    td { (moment(page, change.merged_at)) }
                                    td { (hours(page, Some(change.lead_time_seconds as f64 / 3600.0))) }
                                }
                            }
                        }
                    }
                }
                @if d.changes.len() > LISTED_CHANGES {
                    p.hint { (page.t_with("dora-deployments-more", &[("count", (d.changes.len() - LISTED_CHANGES).into())])) }
                }
            }
        }
        section aria-labelledby="dora-caused" {
            h2 #dora-caused { (page.t("dora-caused-title")) " " span.count { (page.number(d.incidents.len())) } }
            @if d.incidents.is_empty() {
                p.empty { (page.t("dora-no-caused")) }
            } @else {
                (incident_rows(page, d.incidents))
            }
        }
    };
    page.document(&title, Section::Delivery, main)
}

/// The incidents of a service opened in the window, newest first.
fn incidents_table(page: &Page<'_>, incidents: &[IncidentFact]) -> Markup {
    html! {
        section aria-labelledby="dora-incidents" {
            h2 #dora-incidents { (page.t("dora-incidents-title")) " " span.count { (page.number(incidents.len())) } }
            @if incidents.is_empty() {
                p.empty { (page.t("dora-no-incidents")) }
            } @else {
                (incident_rows(page, incidents))
                @if incidents.len() > LISTED_DEPLOYMENTS {
                    p.hint { (page.t_with("dora-deployments-more", &[("count", (incidents.len() - LISTED_DEPLOYMENTS).into())])) }
                }
            }
        }
    }
}

/// Incidents, newest first, at most as many as deployments are listed.
fn incident_rows(page: &Page<'_>, incidents: &[IncidentFact]) -> Markup {
    html! {
                div.table-wrap tabindex="0" {
                    table {
                        thead { tr {
                            th scope="col" { (page.t("dora-col-incident")) }
                            th scope="col" { (page.t("dora-col-opened")) }
                            th scope="col" { (page.t("dora-col-resolved")) }
                            th scope="col" { (page.t("dora-col-restored-after")) }
                        } }
                        tbody {
                            @for incident in incidents.iter().rev().take(LISTED_DEPLOYMENTS) {
                                tr {
                                    th scope="row" { (incident_label(incident.id)) }
                                    td { (moment(page, incident.opened_at)) }
                                    td {
                                        @match incident.resolved_at {
                                            Some(at) => (moment(page, at)),
                                            None => span.badge.warn { (page.t("dora-incident-open")) },
                                        }
                                    }
                                    td { (hours(page, incident.resolved_at.map(|at| (at - incident.opened_at) as f64 / 3600.0))) }
                                }
                            }
                        }
                    }
                }
    }
}

/// An incident as its source numbers it.
fn incident_label(id: i64) -> String {
    match kiosque_delivery::webhooks::IdSeries::of(id) {
        Some((_, native)) => format!("#{native}"),
        None => format!("#{id}"),
    }
}

/// A deployment as its source numbers it: `GitLab pipeline 15` for a webhook's, `#15`
/// for the bulk format's and the events API's.
fn deployment_label(page: &Page<'_>, id: i64) -> String {
    use kiosque_delivery::webhooks::IdSeries;
    let Some((series, native)) = IdSeries::of(id) else { return format!("#{id}") };
    let key = match series {
        IdSeries::GithubDeployment => "dora-id-github-deployment",
        IdSeries::GithubWorkflowRun => "dora-id-github-workflow-run",
        IdSeries::GitlabDeployment => "dora-id-gitlab-deployment",
        IdSeries::GitlabPipeline => "dora-id-gitlab-pipeline",
        IdSeries::GithubIssue | IdSeries::GitlabIssue => return format!("#{native}"),
    };
    page.t_with(key, &[("id", native.to_string().into())])
}

/// A moment as the reader reads it (`4 Mar 2024 10:00 UTC`), machine-readable too.
fn moment(page: &Page<'_>, seconds: i64) -> Markup {
    let iso = kiosque_delivery::Date::of_timestamp(seconds).map(|day| {
        let of_day = seconds.rem_euclid(86_400);
        format!("{day}T{:02}:{:02}:{:02}Z", of_day / 3600, of_day % 3600 / 60, of_day % 60)
    });
    html! { time datetime=[iso] { (page.locale().date_of(seconds)) " " (clock(seconds)) } }
}

/// `HH:MM UTC` of a moment.
fn clock(seconds: i64) -> String {
    let of_day = seconds.rem_euclid(86_400);
    format!("{:02}:{:02} UTC", of_day / 3600, of_day % 3600 / 60)
}

/// The median of sorted whole seconds, interpolated as the report's are.
fn median_seconds(sorted: &[i64]) -> Option<i64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

/// A service: its figures, trends and its weeks. `None` when the report has no such
/// service.
pub fn render_service(page: &Page<'_>, d: &Dashboard<'_>, service: &str) -> Option<String> {
    let (window_row, weeks) = entity_rows(&d.report.rows, Scope::Service, service)?;
    let name = display_name(page, d.catalog, "component", service);
    let title = page.t_with("dora-service-title", &[("name", name.as_str().into())]);
    let main = html! {
        (breadcrumbs(page, d, window_row.team.as_deref()))
        h1 { (title) }
        p.lead {
            (catalog_link(page, d.catalog, "component", service))
            @if let Some(team) = &window_row.team {
                " · " (page.t("dora-owner")) " "
                a href=(team_url(team, d.window)) { (display_name(page, d.catalog, "group", team)) }
            }
        }
        (window_form(page, d, &format!("/delivery/services/{}", encode_component(service))))
        (figures(page, d, window_row, weeks))
        (weeks_table(page, weeks))
        (deployments_table(page, d.deployments))
        (incidents_table(page, d.incidents))
        (levels_note(page, d))
    };
    Some(page.document(&title, Section::Delivery, main))
}

/// The window row of an entity and its week rows (they follow it in the report).
fn entity_rows<'r>(rows: &'r [Row], scope: Scope, entity: &str) -> Option<(&'r Row, &'r [Row])> {
    let at = rows.iter().position(|r| r.scope == scope && r.entity == entity && r.bucket == Bucket::Window)?;
    let weeks = rows[at + 1..].iter().take_while(|r| r.scope == scope && r.entity == entity).count();
    Some((&rows[at], &rows[at + 1..at + 1 + weeks]))
}

/// The window rows of a scope, most frequent deployers first, then by name.
fn ranked(rows: &[Row], scope: Scope) -> Vec<&Row> {
    let mut out: Vec<&Row> = rows.iter().filter(|r| r.scope == scope && r.bucket == Bucket::Window).collect();
    out.sort_by(|a, b| b.deployments.cmp(&a.deployments).then_with(|| a.entity.cmp(&b.entity)));
    out
}

fn levels(d: &Dashboard<'_>, row: &Row) -> RowLevels {
    match d.thresholds {
        Some(t) => t.row_levels(row),
        None => RowLevels {
            deployment_frequency: None,
            lead_time: None,
            change_failure_rate: None,
            recovery_time: None,
            incident_recovery_time: None,
            rework_rate: None,
        },
    }
}

/// A service's or team's title from the catalog, else its name.
fn display_name(page: &Page<'_>, catalog: Option<&Catalog>, kind: &str, name: &str) -> String {
    catalog
        .and_then(|c| c.by_ref_text(&format!("{kind}:default/{name}")))
        .map_or_else(|| name.to_string(), |view| page.title_of(&view.body_value()))
}

fn catalog_link(page: &Page<'_>, catalog: Option<&Catalog>, kind: &str, name: &str) -> Markup {
    let reference = format!("{kind}:default/{name}");
    let known = catalog.is_some_and(|c| c.by_ref_text(&reference).is_some());
    html! {
        @if known { a href=(entity_url(&reference)) { (page.t("dora-catalog-page")) } }
    }
}

fn breadcrumbs(page: &Page<'_>, d: &Dashboard<'_>, team: Option<&str>) -> Markup {
    html! {
        nav.breadcrumbs aria-label=(page.t("dora-breadcrumbs")) {
            ol {
                li { a href=(dashboard_url("/delivery", d.window)) { (page.t("dora-title")) } }
                @if let Some(team) = team {
                    li { a href=(team_url(team, d.window)) { (display_name(page, d.catalog, "group", team)) } }
                }
            }
        }
    }
}

/// The window shown, and a form to choose another (works without script).
fn window_form(page: &Page<'_>, d: &Dashboard<'_>, action: &str) -> Markup {
    let r = d.report;
    let (sy, sm, sd) = r.start.ymd();
    let (ey, em, ed) = r.end.ymd();
    let locale = page.locale();
    html! {
        form.dora-window method="get" action=(action) {
            p {
                (page.t_with("dora-window", &[
                    ("start", locale.date(sy, sm, sd).into()),
                    ("end", locale.date(ey, em, ed).into()),
                    ("days", r.days.into()),
                ]))
            }
            div.row {
                label for="dora-end" { (page.t("dora-window-end")) }
                input #dora-end type="date" name="end" value=(r.end.to_string());
                label for="dora-days" { (page.t("dora-window-days")) }
                input #dora-days type="number" name="days" min="1" max="36600" value=(r.days);
                button type="submit" { (page.t("dora-window-apply")) }
            }
        }
    }
}

/// A figure's card: metric, value, level, what it is made of, and its weekly values.
type Card = (&'static str, String, Option<Performance>, String, Vec<Option<f64>>);

/// The five figures of a window row, each with its level and weekly chart, then the
/// incident-based recovery beside the deployment-based one.
fn figures(page: &Page<'_>, d: &Dashboard<'_>, row: &Row, weeks: &[Row]) -> Markup {
    let l = levels(d, row);
    let locale = page.locale();
    let n = |count: u64| FluentValue::from(page.number(count as usize));
    let cards: [Card; 6] = [
        (
            "deployment-frequency",
            per_day(page, row.deployments_per_day),
            l.deployment_frequency,
            page.t_with("dora-deployments-count", &[("count", row.deployments.into()), ("shown", n(row.deployments))]),
            weeks.iter().map(|w| Some(w.deployments as f64)).collect(),
        ),
        (
            "lead-time",
            hours(page, row.lead_time_median_hours),
            l.lead_time,
            page.t_with(
                "dora-lead-detail",
                &[("p90", hours(page, row.lead_time_p90_hours).into()), ("count", n(row.lead_time_changes))],
            ),
            weeks.iter().map(|w| w.lead_time_median_hours).collect(),
        ),
        (
            "change-failure-rate",
            percent(locale, row.change_failure_rate),
            l.change_failure_rate,
            page.t_with(
                "dora-failed-detail",
                &[("failed", n(row.failed_deployments)), ("total", n(row.production_deployments))],
            ),
            weeks.iter().map(|w| w.change_failure_rate).collect(),
        ),
        (
            "recovery-time",
            hours(page, row.recovery_median_hours),
            l.recovery_time,
            page.t_with(
                "dora-recovered-detail",
                &[("recovered", n(row.recovered_deployments)), ("failed", n(row.failed_deployments))],
            ),
            weeks.iter().map(|w| w.recovery_median_hours).collect(),
        ),
        (
            "rework-rate",
            percent(locale, row.rework_rate),
            l.rework_rate,
            page.t_with(
                "dora-rework-detail",
                &[("rework", n(row.rework_deployments)), ("total", n(row.production_deployments))],
            ),
            weeks.iter().map(|w| w.rework_rate).collect(),
        ),
        (
            "incident-recovery",
            hours(page, row.incident_recovery_median_hours),
            l.incident_recovery_time,
            page.t_with(
                "dora-incidents-detail",
                &[("incidents", n(row.incidents)), ("resolved", n(row.resolved_incidents))],
            ),
            weeks.iter().map(|w| w.incident_recovery_median_hours).collect(),
        ),
    ];
    let labels: Vec<String> = weeks.iter().map(|w| w.bucket.to_string()).collect();
    html! {
        section aria-labelledby="dora-figures" {
            h2 #dora-figures { (page.t("dora-figures")) }
            ul.dora-figures {
                @for (metric, value, level, detail, series) in &cards {
                    li.card.dora-figure id={ "dora-" (metric) } {
                        h3 { (page.t(&format!("dora-{metric}"))) }
                        p.dora-value {
                            (value) " " (level_badge(page, *level))
                        }
                        p.hint { (detail) }
                        (chart(page, metric, &page.t(&format!("dora-{metric}")), &labels, series, *metric != "deployment-frequency"))
                    }
                }
            }
        }
    }
}

fn level_badge(page: &Page<'_>, level: Option<Performance>) -> Markup {
    html! {
        @if let Some(level) = level {
            span class={ "badge dora-level dora-" (level.as_str()) } {
                span.visually-hidden { (page.t("dora-level")) " " }
                (page.t(&format!("dora-level-{}", level.as_str())))
            }
        }
    }
}

/// A bar per week, scaled to the largest; a week without a figure has no bar (a gap, not
/// a zero). The chart's title names the metric; each bar's title gives its week and value.
fn chart(
    page: &Page<'_>,
    metric: &str,
    name: &str,
    labels: &[String],
    series: &[Option<f64>],
    durations: bool,
) -> Markup {
    const WIDTH: f64 = 240.0;
    const HEIGHT: f64 = 56.0;
    if series.is_empty() {
        return html! {};
    }
    let max = series.iter().flatten().copied().filter(|v| v.is_finite()).fold(0.0_f64, f64::max);
    let step = WIDTH / series.len() as f64;
    let gap = if step > 4.0 { 1.5 } else { 0.0 };
    let title = page.t_with("dora-chart-title", &[("metric", name.into())]);
    let id = format!("dora-chart-{metric}");
    let format = |v: f64| -> String {
        match metric {
            "deployment-frequency" => page.number(v as usize),
            "change-failure-rate" | "rework-rate" => percent(page.locale(), Some(v)),
            _ if durations => hours(page, Some(v)),
            _ => decimal(page.locale(), v, 1),
        }
    };
    html! {
        svg.dora-chart role="img" aria-labelledby=(id) viewBox={ "0 0 " (WIDTH) " " (HEIGHT + 2.0) } focusable="false" {
            title #(id) { (title) }
            line.dora-axis x1="0" y1=(HEIGHT + 1.0) x2=(WIDTH) y2=(HEIGHT + 1.0) {}
            @for (i, (value, label)) in series.iter().zip(labels).enumerate() {
                @let x = i as f64 * step + gap / 2.0;
                @match value {
                    Some(v) if v.is_finite() => {
                        @let h = if max > 0.0 { (v / max * (HEIGHT - 2.0)).max(if *v > 0.0 { 1.0 } else { 0.0 }) } else { 0.0 };
                        rect.dora-bar x=(round(x)) y=(round(HEIGHT - h)) width=(round((step - gap).max(0.5))) height=(round(h)) {
                            title { (label) ": " (format(*v)) }
                        }
                    }
                    _ => {
                        rect.dora-gap x=(round(x)) y=(round(HEIGHT - 1.0)) width=(round((step - gap).max(0.5))) height="1" {
                            title { (label) ": " (page.t("dora-no-figure")) }
                        }
                    }
                }
            }
        }
    }
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Teams or services with their figures and levels, linked to their dashboards.
fn ranking(page: &Page<'_>, d: &Dashboard<'_>, rows: &[&Row], scope: Scope) -> Markup {
    let locale = page.locale();
    let (kind, header) = match scope {
        Scope::Team => ("group", page.t("dora-col-team")),
        _ => ("component", page.t("dora-col-service")),
    };
    html! {
        @if rows.is_empty() {
            p.empty { (page.t("dora-no-services")) }
        } @else {
            div.table-wrap tabindex="0" {
                table.dora-table {
                    thead {
                        tr {
                            th scope="col" { (header) }
                            @if scope == Scope::Service && d.report.rows.iter().any(|r| r.scope == Scope::Team) {
                                th scope="col" { (page.t("dora-col-team")) }
                            }
                            th scope="col" { (page.t("dora-deployment-frequency")) }
                            th scope="col" { (page.t("dora-lead-time")) }
                            th scope="col" { (page.t("dora-change-failure-rate")) }
                            th scope="col" { (page.t("dora-recovery-time")) }
                            th scope="col" { (page.t("dora-rework-rate")) }
                        }
                    }
                    tbody {
                        @for row in rows {
                            @let l = levels(d, row);
                            @let href = if scope == Scope::Team { team_url(&row.entity, d.window) } else { service_url(&row.entity, d.window) };
                            tr {
                                th scope="row" { a href=(href) { (display_name(page, d.catalog, kind, &row.entity)) } }
                                @if scope == Scope::Service && d.report.rows.iter().any(|r| r.scope == Scope::Team) {
                                    td {
                                        @if let Some(team) = &row.team {
                                            a href=(team_url(team, d.window)) { (display_name(page, d.catalog, "group", team)) }
                                        }
                                    }
                                }
                                td { (per_day(page, row.deployments_per_day)) " " (level_badge(page, l.deployment_frequency)) }
                                td { (hours(page, row.lead_time_median_hours)) " " (level_badge(page, l.lead_time)) }
                                td { (percent(locale, row.change_failure_rate)) " " (level_badge(page, l.change_failure_rate)) }
                                td { (hours(page, row.recovery_median_hours)) " " (level_badge(page, l.recovery_time)) }
                                td { (percent(locale, row.rework_rate)) " " (level_badge(page, l.rework_rate)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The figures week by week: the drill-down below the charts, and their text alternative.
fn weeks_table(page: &Page<'_>, weeks: &[Row]) -> Markup {
    let locale = page.locale();
    html! {
        section.card aria-labelledby="dora-weeks" {
            h2 #dora-weeks { (page.t("dora-weeks")) }
            div.table-wrap tabindex="0" {
                table.dora-table {
                    thead {
                        tr {
                            th scope="col" { (page.t("dora-col-week")) }
                            th scope="col" { (page.t("dora-col-deployments")) }
                            th scope="col" { (page.t("dora-col-lead-median")) }
                            th scope="col" { (page.t("dora-col-lead-p90")) }
                            th scope="col" { (page.t("dora-col-failed")) }
                            th scope="col" { (page.t("dora-change-failure-rate")) }
                            th scope="col" { (page.t("dora-recovery-time")) }
                            th scope="col" { (page.t("dora-rework-rate")) }
                            th scope="col" { (page.t("dora-col-incidents")) }
                        }
                    }
                    tbody {
                        @for w in weeks {
                            @let (sy, sm, sd) = w.start.ymd();
                            @let (ey, em, ed) = w.end.ymd();
                            tr {
                                th scope="row" {
                                    (w.bucket.to_string())
                                    span.hint { " " (locale.date(sy, sm, sd)) " – " (locale.date(ey, em, ed)) }
                                }
                                td { (page.number(w.deployments as usize)) }
                                td { (hours(page, w.lead_time_median_hours)) }
                                td { (hours(page, w.lead_time_p90_hours)) }
                                td { (page.number(w.failed_deployments as usize)) " / " (page.number(w.production_deployments as usize)) }
                                td { (percent(locale, w.change_failure_rate)) }
                                td { (hours(page, w.recovery_median_hours)) }
                                td { (percent(locale, w.rework_rate)) }
                                td { (page.number(w.incidents as usize)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn levels_note(page: &Page<'_>, d: &Dashboard<'_>) -> Markup {
    html! {
        @if let Some(t) = d.thresholds {
            p.hint { (page.t_with("dora-levels-source", &[("year", t.year.into())])) }
        }
    }
}

/// The sign for "no figure": nothing to divide by, or nothing to take a median of.
const NO_FIGURE: &str = "—";

/// A decimal number as the language writes it: grouped digits, a comma in French.
pub fn decimal(locale: Locale, value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return NO_FIGURE.to_string();
    }
    let text = format!("{:.*}", digits, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if value < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    out.push_str(&locale.number(whole.parse().unwrap_or(0)));
    if !fraction.is_empty() {
        out.push(if locale == Locale::Fr { ',' } else { '.' });
        out.push_str(fraction);
    }
    out
}

/// A share, as a percentage with one decimal.
fn percent(locale: Locale, value: Option<f64>) -> String {
    match value {
        Some(v) => {
            let number = decimal(locale, v * 100.0, 1);
            // French puts a narrow no-break space before the sign.
            if locale == Locale::Fr {
                format!("{number}\u{202f}%")
            } else {
                format!("{number}%")
            }
        }
        None => NO_FIGURE.to_string(),
    }
}

/// A duration given in hours: minutes under an hour, days from two days up.
fn hours(page: &Page<'_>, value: Option<f64>) -> String {
    let Some(h) = value.filter(|v| v.is_finite()) else { return NO_FIGURE.to_string() };
    let locale = page.locale();
    if h < 1.0 {
        page.t_with("dora-minutes", &[("value", decimal(locale, h * 60.0, 0).into())])
    } else if h < 48.0 {
        page.t_with("dora-hours", &[("value", decimal(locale, h, 1).into())])
    } else {
        page.t_with("dora-days", &[("value", decimal(locale, h / 24.0, 1).into())])
    }
}

/// Deployments per day; below one a day, per week reads better.
fn per_day(page: &Page<'_>, value: f64) -> String {
    let locale = page.locale();
    if value >= 1.0 || value == 0.0 {
        page.t_with("dora-per-day", &[("value", decimal(locale, value, 1).into())])
    } else {
        page.t_with("dora-per-week", &[("value", decimal(locale, value * 7.0, 1).into())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_the_language() {
        assert_eq!(decimal(Locale::En, 1234.56, 1), "1,234.6");
        assert_eq!(decimal(Locale::Fr, 1234.56, 1), "1\u{202f}234,6");
        assert_eq!(decimal(Locale::En, 0.0, 2), "0.00");
        assert_eq!(decimal(Locale::En, f64::NAN, 1), "—");
        assert_eq!(percent(Locale::En, Some(0.125)), "12.5%");
        assert_eq!(percent(Locale::Fr, Some(0.5)), "50,0\u{202f}%");
        assert_eq!(percent(Locale::En, None), "—");
    }

    #[test]
    fn a_week_without_a_figure_is_a_gap_not_a_zero_bar() {
        let cx = crate::Context {
            locale: Locale::En,
            path: "/delivery".into(),
            theme: None,
            query: None,
            generation: 0,
            news_read: None,
        };
        let messages = crate::Messages::default();
        let page = Page { cx: &cx, messages: &messages };
        let labels = ["2024-W09".to_string(), "2024-W10".to_string(), "2024-W11".to_string()];
        let svg =
            chart(&page, "change-failure-rate", "Change failure rate", &labels, &[Some(0.5), None, Some(0.0)], false)
                .into_string();
        // Three weeks of 80 units each: the largest value fills the height, zero draws
        // nothing tall, the missing week is marked as such.
        assert_eq!(svg.matches("class=\"dora-bar\"").count(), 2, "{svg}");
        assert_eq!(svg.matches("class=\"dora-gap\"").count(), 1, "{svg}");
        assert!(svg.contains("y=\"2\" width=\"78.5\" height=\"54\""), "{svg}");
        assert!(svg.contains("<title>2024-W09: 50.0%</title>"));
        assert!(svg.contains("<title>2024-W10: no figure</title>"));
        assert!(svg.contains("<title>2024-W11: 0.0%</title>"));
        assert!(svg.contains("role=\"img\" aria-labelledby=\"dora-chart-change-failure-rate\""));
    }

    #[test]
    fn links_keep_a_window_that_is_not_the_default() {
        let default = Window::default();
        assert_eq!(service_url("a b", default), "/delivery/services/a%20b");
        let end = "2024-03-10".parse().ok();
        assert_eq!(team_url("t", Window { end, days: 7 }), "/delivery/teams/t?end=2024-03-10&days=7");
        assert_eq!(dashboard_url("/delivery", Window { end: None, days: 30 }), "/delivery?days=30");
    }
}
