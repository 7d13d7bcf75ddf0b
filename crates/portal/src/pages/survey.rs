//! Developer-satisfaction surveys: the list of surveys, the form a person answers once per
//! period, and the results per team and over time.
//!
//! Pure rendering: the caller reads the surveys, the person and the stored responses, and
//! hands in what to draw. Results arrive already summarised with their anonymity rules
//! applied ([`Summary`]): a withheld group says why, never how many answered.

use std::collections::HashMap;

use kiosque_catalog::Catalog;
use kiosque_survey::{AnswerError, Group, HiddenReason, Period, QuestionKind, Scope, Summary, Survey, Visible};
use maud::{html, Markup};

use crate::html::{encode_component, entity_url, Page, Section};
use crate::pages::delivery::decimal;
use crate::web::Person;

/// A survey as the list shows it to one reader.
pub struct SurveyEntry<'a> {
    pub survey: &'a Survey,
    /// The period answers go to now, if the survey is open.
    pub open: Option<Period>,
    /// Whether the reader answered in that period (unknown without a person).
    pub answered: Option<bool>,
}

/// Where people sign in, when they can.
pub struct SignInLink<'a> {
    pub url: &'a str,
}

/// What the form page shows.
pub struct SurveyForm<'a> {
    pub survey: &'a Survey,
    pub person: Option<&'a Person>,
    pub sign_in: Option<SignInLink<'a>>,
    pub state: FormState<'a>,
}

/// Where a reader stands with a survey.
pub enum FormState<'a> {
    /// Open for `period`: the form, with the values and errors of a refused submission.
    Open { period: Period, values: &'a HashMap<String, String>, errors: &'a [AnswerError] },
    /// Answered in `period` (just now, when `thanks`).
    Answered { period: Period, thanks: bool },
    /// Not taking answers now.
    Closed,
    /// Nobody is signed in.
    SignedOut,
}

fn text<'s>(page: &Page<'_>, t: &'s kiosque_survey::Text) -> &'s str {
    t.get(page.locale().code())
}

fn cadence_name(page: &Page<'_>, survey: &Survey) -> String {
    page.t(&format!("survey-cadence-{}", survey.cadence.as_str()))
}

fn who(page: &Page<'_>, person: Option<&Person>, sign_in: Option<&SignInLink<'_>>, back: &str) -> Markup {
    html! {
        @match person {
            Some(person) => p.person {
                (page.t("survey-answering-as")) " " a href=(entity_url(&person.user_ref)) { (person.display_name) }
                @if let Some(team) = person.teams.first() {
                    " · " (page.t("survey-team")) " " a href=(entity_url(team)) { (short(team)) }
                }
            },
            None => p.person {
                @match sign_in {
                    Some(link) => a href={ (link.url) "?back=" (encode_component(back)) } { (page.t("survey-sign-in")) },
                    None => (page.t("survey-no-sign-in")),
                }
            },
        }
    }
}

fn short(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// `GET /surveys`.
pub fn render_list(
    page: &Page<'_>,
    entries: &[SurveyEntry<'_>],
    person: Option<&Person>,
    sign_in: Option<SignInLink<'_>>,
) -> String {
    let title = page.t("survey-title");
    let main = html! {
        h1 { (title) }
        p.lead { (page.t("survey-lead")) }
        (who(page, person, sign_in.as_ref(), "/surveys"))
        @if entries.is_empty() {
            p.empty { (page.t("survey-none")) }
        }
        @for entry in entries {
            @let survey = entry.survey;
            section.card aria-labelledby={ "survey-" (survey.id) } {
                h2 #{ "survey-" (survey.id) } { a href={ "/surveys/" (survey.id) } { (text(page, &survey.title)) } }
                @if let Some(intro) = &survey.intro { p { (text(page, intro)) } }
                p.meta {
                    (cadence_name(page, survey)) " · "
                    @match (entry.open, entry.answered) {
                        (Some(period), Some(true)) => span.status.done { (page.t_with("survey-answered", &[("period", period.to_string().into())])) },
                        (Some(period), _) => span.status.open { (page.t_with("survey-open", &[("period", period.to_string().into()), ("until", survey.closing_day(period).to_string().into())])) },
                        (None, _) => span.status { (page.t("survey-closed")) },
                    }
                }
                p.actions {
                    @if entry.open.is_some() && entry.answered != Some(true) {
                        a.button href={ "/surveys/" (survey.id) } { (page.t("survey-answer")) } " "
                    }
                    a href={ "/surveys/" (survey.id) "/results" } { (page.t("survey-results")) }
                }
            }
        }
    };
    page.document(&title, Section::Surveys, main)
}

/// `GET /surveys/{id}`: the form, or where the reader stands.
pub fn render_form(page: &Page<'_>, form: &SurveyForm<'_>) -> String {
    let survey = form.survey;
    let title = text(page, &survey.title).to_string();
    let back = format!("/surveys/{}", survey.id);
    let main = html! {
        p.breadcrumb { a href="/surveys" { (page.t("survey-title")) } }
        h1 { (title) }
        @if let Some(intro) = &survey.intro { p.lead { (text(page, intro)) } }
        (who(page, form.person, form.sign_in.as_ref(), &back))
        @match &form.state {
            FormState::SignedOut => p.notice.warn { (page.t("survey-signed-out")) },
            FormState::Closed => p.notice { (page.t("survey-closed")) },
            FormState::Answered { period, thanks } => {
                p.notice.ok role="status" {
                    @if *thanks { (page.t("survey-thanks")) " " }
                    (page.t_with("survey-answered", &[("period", period.to_string().into())]))
                }
                p { a href={ "/surveys/" (survey.id) "/results" } { (page.t("survey-results")) } }
            },
            FormState::Open { period, values, errors } => (questions(page, survey, *period, values, errors)),
        }
    };
    page.document(&title, Section::Surveys, main)
}

fn questions(
    page: &Page<'_>,
    survey: &Survey,
    period: Period,
    values: &HashMap<String, String>,
    errors: &[AnswerError],
) -> Markup {
    let error_of = |id: &str| errors.iter().find(|e| e.question.as_deref() == Some(id));
    html! {
        p.meta { (page.t_with("survey-open", &[("period", period.to_string().into()), ("until", survey.closing_day(period).to_string().into())])) }
        @if !errors.is_empty() {
            div.notice.warn role="alert" tabindex="-1" #survey-errors {
                p { strong { (page.t("survey-errors")) } }
                ul {
                    @for error in errors {
                        li {
                            @match &error.question {
                                Some(q) => a href={ "#q-" (q) } { (page.t(error.code())) },
                                None => (page.t(error.code())),
                            }
                        }
                    }
                }
            }
        }
        form.survey method="post" action={ "/surveys/" (survey.id) } {
            @for question in &survey.questions {
                @let error = error_of(&question.id);
                @let value = values.get(&question.id).map(String::as_str).unwrap_or("");
                @match &question.kind {
                    QuestionKind::Scale { low, high } => {
                        fieldset.scale #{ "q-" (question.id) } aria-invalid=[error.map(|_| "true")] {
                            legend { (text(page, &question.text)) }
                            @if let Some(error) = error { p.field-error { (page.t(error.code())) } }
                            div.scale-options {
                                @if let Some(low) = low { span.scale-end aria-hidden="true" { (text(page, low)) } }
                                @for score in 1..=5u8 {
                                    @let label = match (score, low, high) {
                                        (1, Some(low), _) => format!("1 – {}", text(page, low)),
                                        (5, _, Some(high)) => format!("5 – {}", text(page, high)),
                                        _ => score.to_string(),
                                    };
                                    label.score {
                                        input type="radio" name=(question.id) value=(score) checked[value == score.to_string()] aria-label=(label);
                                        span aria-hidden="true" { (score) }
                                    }
                                }
                                @if let Some(high) = high { span.scale-end aria-hidden="true" { (text(page, high)) } }
                            }
                        }
                    },
                    QuestionKind::FreeText => {
                        div.field #{ "q-" (question.id) } {
                            label for={ "answer-" (question.id) } { (text(page, &question.text)) }
                            @if let Some(error) = error { p.field-error { (page.t(error.code())) } }
                            textarea id={ "answer-" (question.id) } name=(question.id) rows="4" maxlength=(kiosque_survey::MAX_COMMENT_CHARS) { (value) }
                        }
                    },
                }
            }
            p.meta { (page.t_with("survey-anonymity", &[("size", survey.minimum_group_size.into())])) }
            button type="submit" { (page.t("survey-submit")) }
        }
    }
}

/// `GET /surveys/{id}/results`: the organisation over time, then every group of the latest
/// closed period, then earlier periods folded away. Questions are numbered in the tables
/// (`Q1`…) and listed in full above them.
pub fn render_results(page: &Page<'_>, survey: &Survey, summary: &Summary, catalog: Option<&Catalog>) -> String {
    let title = format!("{} · {}", text(page, &survey.title), page.t("survey-results"));
    let mut periods: Vec<Period> = summary.groups.iter().map(|g| g.period).collect();
    periods.sort();
    periods.dedup();
    periods.reverse();
    let still_open = |p: &Period| {
        summary.group(&Scope::Organisation, *p).is_some_and(|g| g.result == Visible::Hidden(HiddenReason::StillOpen))
    };
    let (open, closed): (Vec<Period>, Vec<Period>) = periods.iter().partition(|p| still_open(p));
    let scale: Vec<&kiosque_survey::Question> =
        survey.questions.iter().filter(|q| matches!(q.kind, QuestionKind::Scale { .. })).collect();
    let main = html! {
        p.breadcrumb { a href="/surveys" { (page.t("survey-title")) } " / " a href={ "/surveys/" (survey.id) } { (text(page, &survey.title)) } }
        h1 { (title) }
        p.lead { (page.t_with("survey-results-lead", &[("size", survey.minimum_group_size.into())])) }
        p.actions {
            a href={ "/surveys/" (survey.id) "/results.csv" } download { (page.t("survey-export-scores")) } " · "
            a href={ "/surveys/" (survey.id) "/comments.csv" } download { (page.t("survey-export-comments")) }
        }
        @for period in &open {
            p.notice { (page.t_with("survey-period-open", &[("period", period.to_string().into()), ("until", survey.closing_day(*period).to_string().into())])) }
        }
        @if closed.is_empty() {
            p.empty { (page.t("survey-no-results")) }
        } @else {
            section.card aria-labelledby="survey-questions" {
                h2 #survey-questions { (page.t("survey-questions")) }
                ol.survey-questions { @for q in &scale { li { (text(page, &q.text)) } } }
            }
            section.card aria-labelledby="survey-trend" {
                h2 #survey-trend { (page.t("survey-trend")) }
                div.table-wrap tabindex="0" {
                    table.survey-table {
                        thead { tr {
                            th scope="col" { (page.t("survey-col-period")) }
                            (question_headers(page, &scale))
                        } }
                        tbody {
                            @for period in closed.iter().rev() {
                                @if let Some(group) = summary.group(&Scope::Organisation, *period) {
                                    tr { th scope="row" { (period.to_string()) } (cells(page, group, &scale)) }
                                }
                            }
                        }
                    }
                }
            }
            @for (n, period) in closed.iter().enumerate() {
                @let table = period_table(page, summary, *period, &scale, catalog);
                @if n == 0 {
                    section.card aria-labelledby={ "period-" (period.to_string()) } {
                        h2 #{ "period-" (period.to_string()) } { (page.t_with("survey-period", &[("period", period.to_string().into())])) }
                        (table)
                    }
                } @else {
                    details.card.period {
                        summary { (page.t_with("survey-period", &[("period", period.to_string().into())])) }
                        (table)
                    }
                }
            }
        }
    };
    page.document(&title, Section::Surveys, main)
}

/// `Q1`, `Q2`… with the question in full for assistive technologies and on hover.
fn question_headers(page: &Page<'_>, scale: &[&kiosque_survey::Question]) -> Markup {
    html! {
        @for (n, q) in scale.iter().enumerate() {
            th scope="col" { abbr title=(text(page, &q.text)) aria-label=(text(page, &q.text)) { "Q" (n + 1) } }
        }
    }
}

/// Every group of one period, and the organisation's comments.
fn period_table(
    page: &Page<'_>,
    summary: &Summary,
    period: Period,
    scale: &[&kiosque_survey::Question],
    catalog: Option<&Catalog>,
) -> Markup {
    html! {
        div.table-wrap tabindex="0" {
            table.survey-table {
                thead { tr {
                    th scope="col" { (page.t("survey-col-group")) }
                    th scope="col" { (page.t("survey-col-responses")) }
                    (question_headers(page, scale))
                } }
                tbody {
                    @for group in summary.groups.iter().filter(|g| g.period == period) {
                        tr {
                            th scope="row" {
                                @match &group.scope {
                                    Scope::Organisation => (page.t("survey-organisation")),
                                    Scope::Team(team) => (team_link(page, catalog, team)),
                                }
                            }
                            td { @match &group.result { Visible::Shown(f) => (page.number(f.answers as usize)), Visible::Hidden(r) => (hidden(page, *r)) } }
                            (cells(page, group, scale))
                        }
                    }
                }
            }
        }
        @if let Some(Visible::Shown(figures)) = summary.group(&Scope::Organisation, period).map(|g| &g.result) {
            @if !figures.comments.is_empty() {
                details.comments {
                    summary { (page.t_with("survey-comments", &[("count", figures.comments.len().into())])) }
                    ul { @for comment in &figures.comments { li { (comment) } } }
                }
            }
        }
    }
}

fn team_link(page: &Page<'_>, catalog: Option<&Catalog>, team: &str) -> Markup {
    let title = catalog
        .and_then(|c| c.by_ref_text(team))
        .map(|view| page.title_of(&view.body_value()))
        .unwrap_or_else(|| short(team).to_string());
    html! { a href=(entity_url(team)) { (title) } }
}

fn hidden(page: &Page<'_>, reason: HiddenReason) -> Markup {
    let key = match reason {
        HiddenReason::TooFewAnswers => "survey-hidden-few",
        HiddenReason::ProtectsSmallerGroup => "survey-hidden-protects",
        HiddenReason::StillOpen => "survey-hidden-open",
    };
    html! { span.hidden-result { (page.t(key)) } }
}

fn cells(page: &Page<'_>, group: &Group, scale: &[&kiosque_survey::Question]) -> Markup {
    let locale = page.locale();
    html! {
        @for q in scale {
            td {
                @match &group.result {
                    Visible::Hidden(reason) => (hidden(page, *reason)),
                    Visible::Shown(figures) => {
                        @match figures.questions.iter().find(|r| r.question == q.id).map(|r| &r.scores) {
                            Some(Visible::Shown(s)) => {
                                strong { (decimal(locale, s.mean, 1)) }
                                " " span.meta { (page.t_with("survey-favourable", &[("share", decimal(locale, s.favourable * 100.0, 0).into())])) }
                                @if let Some(change) = s.mean_change {
                                    " " span.change title=(page.t("survey-change")) { (signed(locale, change)) }
                                }
                            },
                            Some(Visible::Hidden(reason)) => (hidden(page, *reason)),
                            None => "—",
                        }
                    },
                }
            }
        }
    }
}

/// A team's latest survey results, for its delivery dashboard: the most recent period
/// whose results are out (the team's, or why they are withheld), with a link to the rest.
pub fn render_team_panel(page: &Page<'_>, survey: &Survey, summary: &Summary, team: &str) -> Markup {
    let scope = Scope::Team(team.to_string());
    let closed = |g: &&Group| !matches!(g.result, Visible::Hidden(HiddenReason::StillOpen));
    let mut periods: Vec<&Group> = summary.groups.iter().filter(|g| g.scope == scope).filter(closed).collect();
    periods.sort_by_key(|g| std::cmp::Reverse(g.period));
    let latest = periods.first().copied();
    let scale: Vec<&kiosque_survey::Question> =
        survey.questions.iter().filter(|q| matches!(q.kind, QuestionKind::Scale { .. })).collect();
    let id = format!("satisfaction-{}", survey.id);
    html! {
        section.card aria-labelledby=(id) {
            h2 #(id) { (page.t("survey-satisfaction")) " · " (text(page, &survey.title)) }
            @match latest {
                None => p.empty { (page.t("survey-no-results")) },
                Some(group) => {
                    p.meta { (page.t_with("survey-period", &[("period", group.period.to_string().into())])) }
                    @match &group.result {
                        Visible::Hidden(reason) => p { (hidden(page, *reason)) },
                        Visible::Shown(_) => div.table-wrap tabindex="0" {
                            table.survey-table {
                                thead { tr {
                                    th scope="col" { (page.t("survey-col-question")) }
                                    th scope="col" { (page.t("survey-col-result")) }
                                } }
                                tbody {
                                    @for (n, q) in scale.iter().enumerate() {
                                        tr { th scope="row" { span.meta { "Q" (n + 1) } " " (text(page, &q.text)) } (cells(page, group, &[*q])) }
                                    }
                                }
                            }
                        },
                    }
                },
            }
            @if periods.len() > 1 {
                h3 { (page.t("survey-team-trend")) }
                div.table-wrap tabindex="0" {
                    table.survey-table {
                        thead { tr {
                            th scope="col" { (page.t("survey-col-period")) }
                            (question_headers(page, &scale))
                        } }
                        tbody {
                            @for group in periods.iter().take(TEAM_TREND_PERIODS) {
                                tr { th scope="row" { (group.period.to_string()) } (cells(page, group, &scale)) }
                            }
                        }
                    }
                }
            }
            p { a href={ "/surveys/" (survey.id) "/results" } { (page.t("survey-all-results")) } }
        }
    }
}

/// How many closed periods a team's panel shows, newest first.
const TEAM_TREND_PERIODS: usize = 4;

/// A change with its sign, none when it rounds to nothing: `+0.3`, `-0.1`, `0.0`.
fn signed(locale: crate::i18n::Locale, change: f64) -> String {
    let text = decimal(locale, change, 1);
    let moved = text.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    if moved && change > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::signed;
    use crate::i18n::Locale;

    #[test]
    fn changes_carry_their_sign_unless_they_round_to_nothing() {
        assert_eq!(signed(Locale::En, 0.26), "+0.3");
        assert_eq!(signed(Locale::En, -0.26), "-0.3");
        assert_eq!(signed(Locale::En, 0.04), "0.0");
        assert_eq!(signed(Locale::En, -0.04), "0.0");
        assert_eq!(signed(Locale::Fr, 1.26), "+1,3");
    }
}
