//! Survey responses for the example organisation, generated at start-up so the results page
//! has something to show.
//!
//! Each team has a tendency (some are happier than others), each question a difficulty
//! shared by every team (on-call or CI worries people more than docs), and about half the
//! teams improve a little every period. About 60 to 80 % of a team's members answer each
//! period, so a team of fewer than seven people never reaches an anonymity threshold of
//! five: the page then shows "not enough answers", as it should. Some respondents leave a
//! short comment, in English or in French, that matches their scores.
//!
//! Everything is drawn from a generator seeded by the team, period and question names, so
//! the same input gives the same answers in any order.

use crate::example_history::Rng;

/// One person's answers for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleAnswer {
    /// The team reference, like `group:default/payments`.
    pub team: String,
    /// The period key, like `2026-Q3`.
    pub period: String,
    /// Score 1 to 5 by question id; never empty, a question now and then skipped.
    pub scores: Vec<(String, u8)>,
    pub comment: Option<String>,
}

/// Comments by mood: what someone scoring low, middling or high tends to write.
const UNHAPPY: [&str; 7] = [
    "CI takes over forty minutes on our repository; I lose my focus every time.",
    "Getting a staging environment still means a ticket and two days of waiting.",
    "On-call for the mainframe gateway wakes me up most weeks.",
    "I never know which team owns a shared library until something breaks.",
    "La CI est trop lente : plus de trente minutes pour un simple correctif.",
    "Trop d'astreintes pour une équipe de trois personnes.",
    "Obtenir un environnement de recette prend encore plusieurs jours.",
];
const MIXED: [&str; 7] = [
    "The docs are better, but the runbooks are still out of date.",
    "Please add short-lived environments for each pull request.",
    "Contract tests against the ledger would make deployments less scary.",
    "The change approval board adds a day to every release.",
    "La documentation progresse, mais les procédures d'exploitation sont à reprendre.",
    "Il faudrait des environnements éphémères par merge request.",
    "Le comité des changements ralentit encore nos mises en production.",
];
const HAPPY: [&str; 6] = [
    "The new pipeline templates made our releases boring, in a good way.",
    "Finding owners in the portal saves me several messages a week.",
    "Feature flags let us ship on a Friday without fear.",
    "Le portail nous fait gagner du temps pour trouver les bonnes personnes.",
    "Les gabarits de pipeline ont vraiment simplifié nos déploiements.",
    "On livre plus souvent et plus sereinement qu'il y a six mois.",
];

/// Answers of `teams` (reference, number of members) for each of `periods` (oldest first)
/// to the 1 to 5 `questions`; comments only when the survey has a free-text question
/// (`comment_question`). At most one answer per member and period; no team or no
/// question gives nothing.
pub fn example_answers(
    teams: &[(String, usize)],
    periods: &[String],
    questions: &[String],
    comment_question: Option<&str>,
) -> Vec<ExampleAnswer> {
    let mut answers = Vec::new();
    if questions.is_empty() {
        return answers;
    }
    for (team, members) in teams {
        let mut rng = Rng::seeded(team);
        let tendency = rng.between(2.6, 4.0);
        let improvement = if rng.chance(0.5) { rng.between(0.15, 0.35) } else { 0.0 };
        let difficulty: Vec<f64> = questions
            .iter()
            .map(|q| Rng::seeded(q).between(-0.6, 0.4) + Rng::seeded(&format!("{team} {q}")).between(-0.3, 0.3))
            .collect();
        for (index, period) in periods.iter().enumerate() {
            let mut rng = Rng::seeded(&format!("{team} {period}"));
            let respondents = ((*members as f64 * rng.between(0.6, 0.8)).round() as usize).min(*members);
            let mut said = Vec::new();
            for _ in 0..respondents {
                let mood = tendency + improvement * index as f64 + rng.between(-0.7, 0.7);
                let mut scores = Vec::new();
                for (question, difficulty) in questions.iter().zip(&difficulty) {
                    if rng.chance(0.03) {
                        continue;
                    }
                    let score = (mood + difficulty + rng.between(-0.9, 0.9)).round().clamp(1.0, 5.0) as u8;
                    scores.push((question.clone(), score));
                }
                if scores.is_empty() {
                    let score = mood.round().clamp(1.0, 5.0) as u8;
                    scores.push((questions[0].clone(), score));
                }
                let comment = match comment_question {
                    Some(_) if rng.chance(0.3) => comment(&mut rng, &scores, &mut said),
                    _ => None,
                };
                answers.push(ExampleAnswer { team: team.clone(), period: period.clone(), scores, comment });
            }
        }
    }
    answers
}

/// A comment matching the mood of `scores`, none said yet in the group, if one is left.
fn comment(rng: &mut Rng, scores: &[(String, u8)], said: &mut Vec<&'static str>) -> Option<String> {
    let mean = scores.iter().map(|(_, s)| f64::from(*s)).sum::<f64>() / scores.len() as f64;
    let pool: &[&'static str] = match mean {
        m if m < 2.75 => &UNHAPPY,
        m if m < 3.75 => &MIXED,
        _ => &HAPPY,
    };
    let left: Vec<&'static str> = pool.iter().copied().filter(|c| !said.contains(c)).collect();
    let chosen = *left.get(rng.below(left.len().max(1)))?;
    said.push(chosen);
    Some(chosen.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn teams() -> Vec<(String, usize)> {
        [("group:default/payments", 12), ("group:default/cards", 3), ("group:default/platform", 8)]
            .into_iter()
            .map(|(t, n)| (t.to_string(), n))
            .collect()
    }

    fn answers() -> Vec<ExampleAnswer> {
        let periods = strings(&["2026-Q1", "2026-Q2", "2026-Q3"]);
        let questions = strings(&["ease-of-shipping", "deployment-confidence", "on-call-burden"]);
        example_answers(&teams(), &periods, &questions, Some("improve-first"))
    }

    #[test]
    fn example_answers_are_the_same_for_the_same_input() {
        assert_eq!(answers(), answers());
        let periods = strings(&["2026-Q1", "2026-Q2", "2026-Q3"]);
        let questions = strings(&["ease-of-shipping", "deployment-confidence", "on-call-burden"]);
        let mut reversed = teams();
        reversed.reverse();
        let mut other_order = example_answers(&reversed, &periods, &questions, Some("improve-first"));
        other_order.sort_by(|a, b| (&a.team, &a.period).cmp(&(&b.team, &b.period)));
        let mut first = answers();
        first.sort_by(|a, b| (&a.team, &a.period).cmp(&(&b.team, &b.period)));
        assert_eq!(first, other_order);
    }

    #[test]
    fn scores_are_1_to_5_and_answers_never_empty() {
        let answers = answers();
        assert!(!answers.is_empty());
        for answer in &answers {
            assert!(!answer.scores.is_empty());
            assert!(answer.scores.iter().all(|(_, s)| (1..=5).contains(s)), "{answer:?}");
        }
        assert!(answers.iter().any(|a| a.comment.is_some()));
    }

    #[test]
    fn at_most_every_member_answers_and_small_teams_stay_below_five() {
        let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
        for answer in answers() {
            *counts.entry((answer.team, answer.period)).or_default() += 1;
        }
        assert_eq!(counts.len(), 9, "three teams, three periods");
        for ((team, period), count) in counts {
            let members = teams().into_iter().find(|(t, _)| *t == team).unwrap().1;
            // 60 to 80 % of the members, rounded.
            let (low, high) = ((members as f64 * 0.6).round() as usize, (members as f64 * 0.8).round() as usize);
            assert!(low <= count && count <= high && count <= members, "{team} {period}: {count} of {members}");
        }
    }

    #[test]
    fn comments_are_written_only_with_a_free_text_question_and_never_twice_in_a_group() {
        let periods = strings(&["2026-Q3"]);
        let questions = strings(&["ease-of-shipping"]);
        let teams = [("group:default/payments".to_string(), 40)];
        assert!(example_answers(&teams, &periods, &questions, None).iter().all(|a| a.comment.is_none()));
        let with = example_answers(&teams, &periods, &questions, Some("improve-first"));
        let comments: Vec<&String> = with.iter().filter_map(|a| a.comment.as_ref()).collect();
        let mut unique = comments.clone();
        unique.sort();
        unique.dedup();
        assert!(!comments.is_empty());
        assert_eq!(unique.len(), comments.len());
    }

    #[test]
    fn some_teams_improve_over_the_periods_and_others_do_not() {
        let periods = strings(&["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]);
        let questions = strings(&["ease-of-shipping", "focus-time"]);
        let teams: Vec<(String, usize)> = (1..=8).map(|i| (format!("group:default/team-{i}"), 200)).collect();
        let answers = example_answers(&teams, &periods, &questions, None);
        let mean = |team: &str, period: &str| {
            let scores: Vec<u8> = answers
                .iter()
                .filter(|a| a.team == team && a.period == period)
                .flat_map(|a| a.scores.iter().map(|(_, s)| *s))
                .collect();
            scores.iter().map(|&s| f64::from(s)).sum::<f64>() / scores.len() as f64
        };
        // An improving team gains at least 0.15 a period, 0.6 over four; a steady one only
        // moves by sampling noise, far less than that with 200 people.
        let gains: Vec<f64> = teams.iter().map(|(t, _)| mean(t, "2026-Q1") - mean(t, "2025-Q1")).collect();
        assert!(gains.iter().any(|&g| g > 0.4), "{gains:?}");
        assert!(gains.iter().any(|&g| g.abs() < 0.2), "{gains:?}");
    }

    #[test]
    fn no_question_or_no_member_gives_nothing() {
        let periods = strings(&["2026-Q3"]);
        assert!(example_answers(&teams(), &periods, &[], None).is_empty());
        let empty_team = [("group:default/empty".to_string(), 0)];
        assert!(example_answers(&empty_team, &periods, &strings(&["q"]), None).is_empty());
    }
}
