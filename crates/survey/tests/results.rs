//! Results: figures worked out by hand, the anonymity rules, and the CSV exports.

use std::collections::BTreeMap;

use kiosque_survey::{
    parse_surveys, summarize, write_comments_csv, write_scores_csv, Figures, HiddenReason, Period, Response, Scope,
    Scores, Summary, Survey, TeamResponse, Visible,
};

fn survey() -> Survey {
    let text = "id: pulse
title: { en: Pulse, fr: Pouls }
period: quarter
questions:
  - id: a
    scale: { en: A?, fr: A ? }
  - id: b
    scale: { en: B?, fr: B ? }
  - id: c
    text: { en: C?, fr: C ? }
";
    parse_surveys(text, "pulse.yaml").unwrap().remove(0)
}

fn period(key: &str) -> Period {
    key.parse().unwrap()
}

/// A response to questions `a` and `b` (0: skipped) with an optional comment.
fn response(team: Option<&str>, period_key: &str, a: u8, b: u8, comment: Option<&str>) -> TeamResponse {
    let scores: BTreeMap<String, u8> =
        [("a", a), ("b", b)].into_iter().filter(|(_, s)| *s != 0).map(|(q, s)| (q.to_string(), s)).collect();
    TeamResponse {
        team: team.map(str::to_string),
        period: period(period_key),
        response: Response { scores, comment: comment.map(str::to_string) },
    }
}

/// Responses of one team in one period, one per score of `a` (b skipped).
fn team_scores(team: Option<&str>, period_key: &str, scores: &[u8]) -> Vec<TeamResponse> {
    scores.iter().map(|&a| response(team, period_key, a, 0, None)).collect()
}

fn team(name: &str) -> Scope {
    Scope::Team(name.to_string())
}

fn result<'s>(summary: &'s Summary, scope: &Scope, key: &str) -> &'s Visible<Figures> {
    &summary.group(scope, period(key)).unwrap().result
}

fn question<'s>(summary: &'s Summary, scope: &Scope, key: &str, q: usize) -> &'s Visible<Scores> {
    &result(summary, scope, key).shown().unwrap().questions[q].scores
}

/// 2100-01-01T00:00:00Z: every period used here is over.
const AFTER: i64 = 4_102_444_800;

const TOO_FEW: HiddenReason = HiddenReason::TooFewAnswers;
const PROTECTS: HiddenReason = HiddenReason::ProtectsSmallerGroup;

#[test]
fn four_answers_show_nothing_and_five_show_figures() {
    let payments = team("group:default/payments");
    let mut responses: Vec<TeamResponse> = [1, 2, 3, 4]
        .iter()
        .map(|&a| response(Some("group:default/payments"), "2026-Q4", a, 0, Some("a comment")))
        .collect();
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    assert_eq!(summary.groups.len(), 2);
    assert_eq!(*result(&summary, &Scope::Organisation, "2026-Q4"), Visible::Hidden(TOO_FEW));
    assert_eq!(*result(&summary, &payments, "2026-Q4"), Visible::Hidden(TOO_FEW));

    responses.push(response(Some("group:default/payments"), "2026-Q4", 5, 0, Some("another")));
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    for scope in [&Scope::Organisation, &payments] {
        let figures = result(&summary, scope, "2026-Q4").shown().unwrap();
        assert_eq!(figures.answers, 5);
        assert_eq!(figures.comments, ["a comment", "a comment", "a comment", "a comment", "another"]);
        let a = figures.questions[0].scores.shown().unwrap();
        assert_eq!(a.answers, 5);
        assert_eq!(a.distribution, [1, 1, 1, 1, 1]);
        assert_eq!(a.mean, 3.0); // 15 / 5
        assert_eq!(a.favourable, 0.4); // 2 of 5
                                       // Nobody answered `b`.
        assert_eq!(figures.questions[1].scores, Visible::Hidden(TOO_FEW));
    }
}

#[test]
fn a_question_needs_enough_answers_of_its_own() {
    // Six respondents; four answer `b`.
    let mut responses = team_scores(Some("t"), "2026-Q4", &[5, 5]);
    for b in [1, 2, 2, 3] {
        responses.push(response(Some("t"), "2026-Q4", 4, b, None));
    }
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    for scope in [Scope::Organisation, team("t")] {
        let a = question(&summary, &scope, "2026-Q4", 0).shown().unwrap();
        assert_eq!((a.answers, a.distribution), (6, [0, 0, 0, 4, 2]));
        assert_eq!(*question(&summary, &scope, "2026-Q4", 1), Visible::Hidden(TOO_FEW));
    }
}

#[test]
fn means_distributions_and_changes_since_the_previous_period() {
    let mut responses = team_scores(None, "2026-Q3", &[2, 3, 3, 4, 5]);
    responses.extend(team_scores(None, "2026-Q4", &[4, 4, 5, 5, 3, 1]));
    // Only the fourth quarter is asked for: the third is still used for the change.
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    assert_eq!(summary.groups.len(), 1);
    let a = question(&summary, &Scope::Organisation, "2026-Q4", 0).shown().unwrap();
    assert_eq!(a.answers, 6);
    assert_eq!(a.distribution, [1, 0, 1, 2, 2]);
    // Q4: 22 / 6 and 4 of 6 favourable; Q3: 17 / 5 and 2 of 5. Both changes are 8/30.
    assert!((a.mean - 22.0 / 6.0).abs() < 1e-12);
    assert!((a.favourable - 4.0 / 6.0).abs() < 1e-12);
    assert!((a.mean_change.unwrap() - 8.0 / 30.0).abs() < 1e-12);
    assert!((a.favourable_change.unwrap() - 8.0 / 30.0).abs() < 1e-12);

    let both = summarize(&survey(), &responses, &[period("2026-Q4"), period("2026-Q3")], AFTER);
    let periods: Vec<String> = both.groups.iter().map(|g| g.period.to_string()).collect();
    assert_eq!(periods, ["2026-Q3", "2026-Q4"]);
    let q3 = question(&both, &Scope::Organisation, "2026-Q3", 0).shown().unwrap();
    assert_eq!((q3.distribution, q3.mean, q3.favourable), ([0, 1, 2, 1, 1], 3.4, 0.4));
    // Nothing in the second quarter: no change for the third.
    assert_eq!((q3.mean_change, q3.favourable_change), (None, None));
}

#[test]
fn no_change_is_given_against_a_hidden_period() {
    let mut responses = team_scores(None, "2026-Q3", &[2, 3, 3, 4]);
    responses.extend(team_scores(None, "2026-Q4", &[4, 4, 5, 5, 3]));
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    let a = question(&summary, &Scope::Organisation, "2026-Q4", 0).shown().unwrap();
    assert_eq!(a.mean_change, None);
}

#[test]
fn a_team_is_hidden_when_subtraction_would_reveal_a_smaller_one() {
    // payments 6, search 7, tiny 3: the organisation's 16 less the 13 shown would be the
    // three of `tiny`, so the smallest shown team, payments, is hidden too (9 left).
    let mut responses = team_scores(Some("payments"), "2026-Q4", &[1, 2, 3, 4, 5, 5]);
    responses.extend(team_scores(Some("search"), "2026-Q4", &[3; 7]));
    responses.extend(team_scores(Some("tiny"), "2026-Q4", &[1, 1, 1]));
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    assert_eq!(result(&summary, &Scope::Organisation, "2026-Q4").shown().unwrap().answers, 16);
    assert_eq!(*result(&summary, &team("payments"), "2026-Q4"), Visible::Hidden(PROTECTS));
    assert_eq!(result(&summary, &team("search"), "2026-Q4").shown().unwrap().answers, 7);
    assert_eq!(*result(&summary, &team("tiny"), "2026-Q4"), Visible::Hidden(TOO_FEW));
    let scopes: Vec<&Scope> = summary.groups.iter().map(|g| &g.scope).collect();
    assert_eq!(scopes, [&Scope::Organisation, &team("payments"), &team("search"), &team("tiny")]);
}

#[test]
fn people_without_a_team_are_a_group_to_protect_too() {
    let mut responses = team_scores(Some("payments"), "2026-Q4", &[4; 5]);
    responses.extend(team_scores(None, "2026-Q4", &[2; 3]));
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    assert!(result(&summary, &Scope::Organisation, "2026-Q4").shown().is_some());
    assert_eq!(*result(&summary, &team("payments"), "2026-Q4"), Visible::Hidden(PROTECTS));

    // Five without a team leave five: payments can be shown.
    responses.extend(team_scores(None, "2026-Q4", &[2; 2]));
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    assert!(result(&summary, &team("payments"), "2026-Q4").shown().is_some());
}

#[test]
fn a_question_is_hidden_when_subtraction_would_reveal_a_smaller_one() {
    // Question `b`: A 6 answers, B 3 (hidden), C 7; the organisation's 16 less the 13
    // shown would be B's three, so A's `b`, the smaller, is hidden too.
    let mut responses: Vec<TeamResponse> = (0..6).map(|_| response(Some("a"), "2026-Q4", 3, 4, None)).collect();
    responses.extend((0..3).map(|_| response(Some("b"), "2026-Q4", 3, 1, None)));
    responses.extend((0..5).map(|_| response(Some("b"), "2026-Q4", 3, 0, None)));
    responses.extend((0..7).map(|_| response(Some("c"), "2026-Q4", 3, 5, None)));
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    let b = |scope: &Scope| question(&summary, scope, "2026-Q4", 1).clone();
    assert_eq!(b(&Scope::Organisation).shown().unwrap().distribution, [3, 0, 0, 6, 7]);
    assert_eq!(b(&team("a")), Visible::Hidden(PROTECTS));
    assert_eq!(b(&team("b")), Visible::Hidden(TOO_FEW));
    assert_eq!(b(&team("c")).shown().unwrap().answers, 7);
    // Every team shows its whole group and question `a` (21 respondents, none left over).
    for name in ["a", "b", "c"] {
        assert!(question(&summary, &team(name), "2026-Q4", 0).shown().is_some());
    }
}

#[test]
fn teams_are_listed_in_every_period_asked_for() {
    let responses = team_scores(Some("payments"), "2026-Q3", &[4; 5]);
    let summary = summarize(&survey(), &responses, &[period("2026-Q3"), period("2026-Q4")], AFTER);
    assert_eq!(summary.groups.len(), 4);
    assert_eq!(*result(&summary, &team("payments"), "2026-Q4"), Visible::Hidden(TOO_FEW));
    assert_eq!(*result(&summary, &Scope::Organisation, "2026-Q4"), Visible::Hidden(TOO_FEW));
    // A team seen only before the periods asked for is not listed.
    let later = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    assert_eq!(later.groups.len(), 1);
}

#[test]
fn stored_scores_the_survey_does_not_ask_are_ignored() {
    let mut responses = team_scores(None, "2026-Q4", &[3; 5]);
    responses[0].response.scores.insert("removed".into(), 5);
    responses[1].response.scores.insert("b".into(), 9);
    let summary = summarize(&survey(), &responses, &[period("2026-Q4")], AFTER);
    assert_eq!(summary.questions, ["a", "b"]);
    let a = question(&summary, &Scope::Organisation, "2026-Q4", 0).shown().unwrap();
    assert_eq!(a.distribution, [0, 0, 5, 0, 0]);
    assert_eq!(*question(&summary, &Scope::Organisation, "2026-Q4", 1), Visible::Hidden(TOO_FEW));
}

fn csv_summary() -> Summary {
    let payments = Some("group:default/payments");
    let search = Some("group:default/search");
    let mut responses = vec![
        response(payments, "2026-Q4", 5, 1, Some("He said \"no\"")),
        response(payments, "2026-Q4", 4, 1, Some("=cmd()")),
        response(payments, "2026-Q4", 4, 2, None),
        response(payments, "2026-Q4", 3, 2, Some("Faster CI, please")),
        response(payments, "2026-Q4", 2, 3, None),
    ];
    responses.extend(team_scores(search, "2026-Q4", &[5; 4]));
    responses.push(response(search, "2026-Q4", 5, 0, Some("two\nlines")));
    summarize(&survey(), &responses, &[period("2026-Q3"), period("2026-Q4")], AFTER)
}

#[test]
fn scores_csv() {
    let mut out = Vec::new();
    write_scores_csv(&csv_summary(), &mut out).unwrap();
    // Q3 has no answers. Q4, `a`: payments 5,4,4,3,2 (18/5), search five 5s, organisation
    // 43/10 with 8 of 10 favourable; `b`: payments only, 1,1,2,2,3 (9/5).
    let expected = "\
survey,period,scope,team,question,answers,mean,favourable,count_1,count_2,count_3,count_4,count_5,suppressed
pulse,2026-Q3,organisation,,a,,,,,,,,,true
pulse,2026-Q3,organisation,,b,,,,,,,,,true
pulse,2026-Q3,team,group:default/payments,a,,,,,,,,,true
pulse,2026-Q3,team,group:default/payments,b,,,,,,,,,true
pulse,2026-Q3,team,group:default/search,a,,,,,,,,,true
pulse,2026-Q3,team,group:default/search,b,,,,,,,,,true
pulse,2026-Q4,organisation,,a,10,4.30,0.800,0,1,1,2,6,false
pulse,2026-Q4,organisation,,b,5,1.80,0.000,2,2,1,0,0,false
pulse,2026-Q4,team,group:default/payments,a,5,3.60,0.600,0,1,1,2,1,false
pulse,2026-Q4,team,group:default/payments,b,5,1.80,0.000,2,2,1,0,0,false
pulse,2026-Q4,team,group:default/search,a,5,5.00,1.000,0,0,0,0,5,false
pulse,2026-Q4,team,group:default/search,b,,,,,,,,,true
";
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn comments_csv() {
    let mut out = Vec::new();
    write_comments_csv(&csv_summary(), &mut out).unwrap();
    // Sorted by text: `=` before `F` before `H` before `t`. The formula gets a `'`.
    let expected = "\
survey,period,scope,team,comment
pulse,2026-Q4,organisation,,'=cmd()
pulse,2026-Q4,organisation,,\"Faster CI, please\"
pulse,2026-Q4,organisation,,\"He said \"\"no\"\"\"
pulse,2026-Q4,organisation,,\"two
lines\"
pulse,2026-Q4,team,group:default/payments,'=cmd()
pulse,2026-Q4,team,group:default/payments,\"Faster CI, please\"
pulse,2026-Q4,team,group:default/payments,\"He said \"\"no\"\"\"
pulse,2026-Q4,team,group:default/search,\"two
lines\"
";
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn nothing_is_shown_while_answers_are_taken() {
    let responses = team_scores(Some("payments"), "2026-Q4", &[4; 6]);
    // 2026-12-31T23:59:59Z: day 20818 (see the periods' tests), its last second.
    let last_second = 20_818 * 86_400 + 86_399;
    let during = summarize(&survey(), &responses, &[period("2026-Q4")], last_second);
    assert_eq!(*result(&during, &Scope::Organisation, "2026-Q4"), Visible::Hidden(HiddenReason::StillOpen));
    assert_eq!(*result(&during, &team("payments"), "2026-Q4"), Visible::Hidden(HiddenReason::StillOpen));
    let after = summarize(&survey(), &responses, &[period("2026-Q4")], last_second + 1);
    assert_eq!(result(&after, &team("payments"), "2026-Q4").shown().unwrap().answers, 6);

    // With answers taken in the first 21 days, results come on the 22nd.
    let short = parse_surveys(
        "id: pulse\ntitle: { en: P, fr: P }\nperiod: quarter\nopen_days: 21\nquestions:\n  - id: a\n    scale: { en: A, fr: A }\n",
        "pulse.yaml",
    )
    .unwrap()
    .remove(0);
    // 2026-10-01 is day 20727; the 21st is day 20747.
    let on_the_21st = summarize(&short, &responses, &[period("2026-Q4")], 20_747 * 86_400 + 86_399);
    assert_eq!(*result(&on_the_21st, &Scope::Organisation, "2026-Q4"), Visible::Hidden(HiddenReason::StillOpen));
    let on_the_22nd = summarize(&short, &responses, &[period("2026-Q4")], 20_748 * 86_400);
    assert!(result(&on_the_22nd, &Scope::Organisation, "2026-Q4").shown().is_some());
}
