//! Results per team and period, with the anonymity rules applied.

use std::collections::{BTreeMap, BTreeSet};

use crate::definition::{QuestionKind, Survey};
use crate::period::Period;
use crate::response::Response;

/// A stored response: what the store keeps, and nothing about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamResponse {
    /// The respondent's team (`group:default/payments`); `None` counts for the
    /// organisation only.
    pub team: Option<String>,
    pub period: Period,
    pub response: Response,
}

/// Whom a result is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Organisation,
    Team(String),
}

/// Why a result is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiddenReason {
    /// Fewer answers than the survey's minimum group size (how many is not said).
    TooFewAnswers,
    /// Enough answers, but showing them would let a smaller group's answers be worked
    /// out by subtracting them from the organisation's.
    ProtectsSmallerGroup,
    /// Answers are still being taken: results that moved with each answer would tell
    /// each answer from the one before.
    StillOpen,
}

/// A result, or why it is withheld.
#[derive(Debug, Clone, PartialEq)]
pub enum Visible<T> {
    Shown(T),
    Hidden(HiddenReason),
}

impl<T> Visible<T> {
    pub fn shown(&self) -> Option<&T> {
        match self {
            Visible::Shown(value) => Some(value),
            Visible::Hidden(_) => None,
        }
    }
}

/// The figures of one 1 to 5 question for one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub answers: u32,
    /// How many answered 1, 2, 3, 4 and 5.
    pub distribution: [u32; 5],
    pub mean: f64,
    /// The share of answers that are 4 or 5, from 0 to 1.
    pub favourable: f64,
    /// The change since the previous period, when both are shown.
    pub mean_change: Option<f64>,
    pub favourable_change: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    pub question: String,
    pub scores: Visible<Scores>,
}

/// What a group's results show.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Responses from the group in the period.
    pub answers: u32,
    /// One per 1 to 5 question of the survey, in its order.
    pub questions: Vec<QuestionResult>,
    /// The free-text answers, sorted by text so that their order says nothing of when
    /// or by whom they were given.
    pub comments: Vec<String>,
}

/// One group (the organisation or a team) in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub scope: Scope,
    pub period: Period,
    pub result: Visible<Figures>,
}

/// A survey's results over some periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub survey: String,
    /// The ids of the survey's 1 to 5 questions, in its order.
    pub questions: Vec<String>,
    /// By period, oldest first; in each, the organisation then the teams by name.
    pub groups: Vec<Group>,
}

impl Summary {
    pub fn group(&self, scope: &Scope, period: Period) -> Option<&Group> {
        self.groups.iter().find(|g| g.period == period && g.scope == *scope)
    }
}

/// Computes the results of the given periods, as known at `now` (a UTC timestamp). Every
/// team with a response in one of them is listed in each. Scores for questions the survey
/// no longer has, and out of 1 to 5, are ignored.
pub fn summarize(survey: &Survey, responses: &[TeamResponse], periods: &[Period], now: i64) -> Summary {
    let questions: Vec<&str> = survey
        .questions
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Scale { .. }))
        .map(|q| q.id.as_str())
        .collect();
    let wanted: BTreeSet<Period> = periods.iter().copied().collect();
    // The previous periods are computed too, for the changes.
    let mut tallies: BTreeMap<Period, PeriodTally> =
        wanted.iter().flat_map(|p| [Some(*p), p.previous()]).flatten().map(|p| (p, PeriodTally::default())).collect();
    let mut teams: BTreeSet<&str> = BTreeSet::new();
    for response in responses {
        let Some(tally) = tallies.get_mut(&response.period) else { continue };
        tally.add(response, &questions);
        if let (Some(team), true) = (&response.team, wanted.contains(&response.period)) {
            teams.insert(team);
        }
    }
    let today = now.div_euclid(86_400);
    for (period, tally) in &mut tallies {
        let open = today <= survey.closing_day(*period).days();
        tally.decide(questions.len(), survey.minimum_group_size, open);
    }

    let mut groups = Vec::new();
    for period in &wanted {
        let current = &tallies[period];
        let before = period.previous().and_then(|p| tallies.get(&p));
        let scopes = std::iter::once(Scope::Organisation).chain(teams.iter().map(|t| Scope::Team(t.to_string())));
        for scope in scopes {
            let figures = |tally: &PeriodTally| tally.figures(&scope, &questions);
            let mut result = figures(current);
            if let (Visible::Shown(now), Some(Visible::Shown(before))) = (&mut result, before.map(figures)) {
                for (question, earlier) in now.questions.iter_mut().zip(&before.questions) {
                    if let (Visible::Shown(s), Visible::Shown(e)) = (&mut question.scores, &earlier.scores) {
                        s.mean_change = Some(s.mean - e.mean);
                        s.favourable_change = Some(s.favourable - e.favourable);
                    }
                }
            }
            groups.push(Group { scope, period: *period, result });
        }
    }
    Summary { survey: survey.id.clone(), questions: questions.iter().map(|q| q.to_string()).collect(), groups }
}

/// Counts of one group in one period, and what of them may be shown.
#[derive(Default)]
struct Tally<'a> {
    respondents: u32,
    /// Per scale question: how many answered 1 to 5.
    counts: Vec<[u32; 5]>,
    comments: Vec<&'a str>,
    hidden: Option<HiddenReason>,
    /// Per scale question.
    hidden_questions: Vec<Option<HiddenReason>>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, response: &'a Response, questions: &[&str]) {
        self.respondents += 1;
        self.counts.resize(questions.len(), [0; 5]);
        for (counts, question) in self.counts.iter_mut().zip(questions) {
            if let Some(score @ 1..=5) = response.scores.get(*question) {
                counts[usize::from(*score - 1)] += 1;
            }
        }
        if let Some(comment) = &response.comment {
            self.comments.push(comment);
        }
    }

    fn answers(&self, question: usize) -> u32 {
        self.counts.get(question).map_or(0, |c| c.iter().sum())
    }

    fn figures(&self, questions: &[&str]) -> Visible<Figures> {
        if let Some(reason) = self.hidden {
            return Visible::Hidden(reason);
        }
        let questions = questions
            .iter()
            .enumerate()
            .map(|(q, id)| QuestionResult {
                question: id.to_string(),
                scores: match (
                    self.hidden_questions.get(q).copied().unwrap_or(Some(HiddenReason::TooFewAnswers)),
                    self.counts.get(q),
                ) {
                    (None, Some(counts)) => Visible::Shown(scores(*counts)),
                    (reason, _) => Visible::Hidden(reason.unwrap_or(HiddenReason::TooFewAnswers)),
                },
            })
            .collect();
        let mut comments: Vec<String> = self.comments.iter().map(|c| c.to_string()).collect();
        comments.sort_unstable();
        Visible::Shown(Figures { answers: self.respondents, questions, comments })
    }
}

/// One period: the organisation and each team.
#[derive(Default)]
struct PeriodTally<'a> {
    organisation: Tally<'a>,
    teams: BTreeMap<&'a str, Tally<'a>>,
}

impl<'a> PeriodTally<'a> {
    fn add(&mut self, response: &'a TeamResponse, questions: &[&str]) {
        self.organisation.add(&response.response, questions);
        if let Some(team) = &response.team {
            self.teams.entry(team).or_default().add(&response.response, questions);
        }
    }

    /// Applies the rules: nothing is shown while answers are taken; a group, and a
    /// question within it, is shown only with at least `min` answers; and whenever the
    /// organisation's figure is shown, what the shown teams leave of it (the answers of
    /// hidden teams and of people without a team) is either nothing or at least `min`
    /// answers, more teams being hidden, the smallest first, until it is.
    fn decide(&mut self, questions: usize, min: u32, open: bool) {
        let rule = |n: u32| {
            if open {
                Some(HiddenReason::StillOpen)
            } else {
                (n < min).then_some(HiddenReason::TooFewAnswers)
            }
        };
        let organisation = &mut self.organisation;
        organisation.hidden = rule(organisation.respondents);
        for team in self.teams.values_mut() {
            team.hidden = rule(team.respondents);
        }
        if organisation.hidden.is_none() {
            let cells = self.teams.values_mut().map(|t| (t.respondents, &mut t.hidden));
            protect(organisation.respondents, min, cells.collect());
        }
        organisation.hidden_questions =
            (0..questions).map(|q| organisation.hidden.or(rule(organisation.answers(q)))).collect();
        for team in self.teams.values_mut() {
            team.hidden_questions = (0..questions).map(|q| team.hidden.or(rule(team.answers(q)))).collect();
        }
        for q in 0..questions {
            if organisation.hidden_questions[q].is_none() {
                let cells = self.teams.values_mut().map(|t| (t.answers(q), &mut t.hidden_questions[q]));
                protect(organisation.answers(q), min, cells.collect());
            }
        }
    }

    fn figures(&self, scope: &Scope, questions: &[&str]) -> Visible<Figures> {
        match scope {
            Scope::Organisation => self.organisation.figures(questions),
            Scope::Team(name) => match self.teams.get(name.as_str()) {
                Some(tally) => tally.figures(questions),
                None if self.organisation.hidden == Some(HiddenReason::StillOpen) => {
                    Visible::Hidden(HiddenReason::StillOpen)
                }
                None => Visible::Hidden(HiddenReason::TooFewAnswers),
            },
        }
    }
}

/// Hides the smallest shown cells until the rest of `total` they leave is zero or at
/// least `min`. Cells come in team-name order, which breaks ties between sizes.
fn protect(total: u32, min: u32, mut cells: Vec<(u32, &mut Option<HiddenReason>)>) {
    let shown: u32 = cells.iter().filter(|(_, hidden)| hidden.is_none()).map(|(size, _)| size).sum();
    let mut rest = total.saturating_sub(shown);
    cells.sort_by_key(|(size, _)| *size);
    for (size, hidden) in cells {
        if rest == 0 || rest >= min {
            break;
        }
        if hidden.is_none() {
            *hidden = Some(HiddenReason::ProtectsSmallerGroup);
            rest += size;
        }
    }
}

fn scores(distribution: [u32; 5]) -> Scores {
    let answers: u32 = distribution.iter().sum();
    let total: u64 = distribution.iter().zip(1..).map(|(count, score)| u64::from(*count) * score).sum();
    let n = f64::from(answers.max(1));
    Scores {
        answers,
        distribution,
        mean: total as f64 / n,
        favourable: f64::from(distribution[3] + distribution[4]) / n,
        mean_change: None,
        favourable_change: None,
    }
}
