//! Arbitrary input never panics, and what is accepted or shown keeps its rules: survey
//! files mutated at random, forms of random fields, random sets of responses.

use kiosque_survey::{
    parse_surveys, read_response, summarize, Figures, Period, QuestionKind, Response, Scope, Summary, Survey,
    TeamResponse, Visible, MAX_COMMENT_CHARS, MAX_QUESTIONS, MINIMUM_GROUP_SIZE,
};

const EXAMPLE: &str = include_str!("../examples/developer-experience.yaml");

/// xorshift64*: a fixed sequence, so that a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Pieces that matter to YAML and to the checks.
const PIECES: &[&str] = &[
    ":",
    "-",
    " ",
    "\n",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "'",
    "\"",
    "#",
    "&a",
    "*a",
    "|",
    ">",
    "---\n",
    "?",
    ",",
    "!!str ",
    "en",
    "fr",
    "id",
    "scale",
    "text",
    "low",
    "high",
    "5",
    "0",
    "-1",
    "99999999999999999999",
    "\u{0}",
    "é",
    "\u{202e}",
    "questions:\n",
    "  - id: x\n    scale: { en: a, fr: b }\n",
    "period: month\n",
    "open_days: 28\n",
];

fn mutate(random: &mut Random, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + random.below(4) {
        let at = random.below(chars.len() + 1);
        match random.below(4) {
            0 => {
                let end = (at + random.below(40)).min(chars.len());
                chars.drain(at..end);
            }
            1 | 2 => {
                let piece = random.pick(PIECES);
                chars.splice(at..at, piece.chars());
            }
            _ => {
                // Repeat a slice elsewhere: duplicated keys, questions, documents.
                let end = (at + random.below(200)).min(chars.len());
                let slice: Vec<char> = chars[at..end].to_vec();
                let to = random.below(chars.len() + 1);
                chars.splice(to..to, slice);
            }
        }
    }
    chars.into_iter().collect()
}

fn check_survey(survey: &Survey) {
    assert!(!survey.questions.is_empty() && survey.questions.len() <= MAX_QUESTIONS);
    assert!(survey.minimum_group_size >= MINIMUM_GROUP_SIZE);
    let free_text = survey.questions.iter().filter(|q| q.kind == QuestionKind::FreeText).count();
    assert!(free_text <= 1);
    assert!(free_text < survey.questions.len(), "no 1 to 5 question");
    for (i, question) in survey.questions.iter().enumerate() {
        assert!(!survey.questions[..i].iter().any(|q| q.id == question.id), "repeated id {}", question.id);
        assert!(!question.text.en.is_empty() && !question.text.fr.is_empty());
    }
}

#[test]
fn mutated_survey_files_are_read_or_refused_with_positions() {
    let mut random = Random(0x5eed_0001);
    let mut accepted = 0;
    for _ in 0..3_000 {
        let text = mutate(&mut random, EXAMPLE);
        let lines = text.lines().count() as u32 + 1;
        match parse_surveys(&text, "mutated.yaml") {
            Ok(surveys) => {
                accepted += 1;
                surveys.iter().for_each(check_survey);
            }
            Err(errors) => {
                assert!(!errors.is_empty());
                for error in &errors {
                    assert!(error.position.line >= 1 && error.position.line <= lines, "{error} in {text:?}");
                    assert!(error.to_string().starts_with("mutated.yaml:"));
                }
            }
        }
    }
    // The mutations are small: some files stay valid, most do not.
    assert!(accepted > 0 && accepted < 3_000, "{accepted} accepted");
}

#[test]
fn random_text_is_refused_without_panicking() {
    let mut random = Random(0x5eed_0002);
    for _ in 0..2_000 {
        let text: String = (0..random.below(60)).map(|_| *random.pick(PIECES)).collect();
        if let Ok(surveys) = parse_surveys(&text, "random.yaml") {
            surveys.iter().for_each(check_survey);
        }
    }
}

#[test]
fn random_forms_give_clean_responses_or_errors() {
    let survey = parse_surveys(EXAMPLE, "developer-experience.yaml").unwrap().remove(0);
    let ids: Vec<&str> = survey.questions.iter().map(|q| q.id.as_str()).collect();
    let values = [
        "",
        " ",
        "1",
        "3",
        "5",
        "0",
        "6",
        "3.0",
        "x",
        "\u{0}",
        "\r\n",
        "é",
        "=1+1",
        " line\r\nbreak ",
        "\u{202e}",
        "\t",
    ];
    let mut random = Random(0x5eed_0003);
    for round in 0..3_000 {
        let mut fields: Vec<(String, String)> = Vec::new();
        for _ in 0..random.below(12) {
            let key = if random.below(5) == 0 { "other".to_string() } else { random.pick(&ids).to_string() };
            let mut value: String = (0..random.below(4)).map(|_| *random.pick(&values)).collect();
            if round % 97 == 0 {
                value = "é".repeat(MAX_COMMENT_CHARS - 1 + random.below(3));
            }
            fields.push((key, value));
        }
        match read_response(&survey, fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(response) => check_response(&survey, &response),
            Err(errors) => assert!(!errors.is_empty()),
        }
    }
}

fn check_response(survey: &Survey, response: &Response) {
    assert!(!response.scores.is_empty() || response.comment.is_some());
    for (id, score) in &response.scores {
        assert!((1..=5).contains(score));
        let question = survey.questions.iter().find(|q| q.id == *id).unwrap();
        assert!(matches!(question.kind, QuestionKind::Scale { .. }));
    }
    if let Some(comment) = &response.comment {
        assert!(!comment.is_empty() && comment.chars().count() <= MAX_COMMENT_CHARS);
        assert_eq!(comment.trim(), comment);
        assert!(!comment.chars().any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'));
    }
}

/// For every period: shown groups and questions have at least the minimum of answers,
/// and what the shown teams leave of a shown organisation figure is nothing or at least
/// the minimum.
fn check_anonymity(summary: &Summary, responses: &[TeamResponse], min: u32) {
    let periods: Vec<Period> = summary.groups.iter().map(|g| g.period).collect();
    for period in periods {
        let groups: Vec<(&Scope, &Visible<Figures>)> =
            summary.groups.iter().filter(|g| g.period == period).map(|g| (&g.scope, &g.result)).collect();
        let (organisation, teams) = groups.split_first().unwrap();
        assert_eq!(*organisation.0, Scope::Organisation);
        let total = responses.iter().filter(|r| r.period == period).count() as u32;
        for (_, result) in &groups {
            if let Visible::Shown(figures) = result {
                assert!(figures.answers >= min);
                for question in &figures.questions {
                    if let Visible::Shown(scores) = &question.scores {
                        assert!(scores.answers >= min);
                        assert_eq!(scores.distribution.iter().sum::<u32>(), scores.answers);
                    }
                }
            }
        }
        let Visible::Shown(whole) = organisation.1 else {
            assert!(total < min);
            continue;
        };
        assert_eq!(whole.answers, total);
        let shown_teams: Vec<&Figures> = teams.iter().filter_map(|(_, r)| r.shown()).collect();
        let rest = whole.answers - shown_teams.iter().map(|f| f.answers).sum::<u32>();
        assert!(rest == 0 || rest >= min, "{rest} responses left over in {period}");
        for (q, question) in whole.questions.iter().enumerate() {
            let Visible::Shown(scores) = &question.scores else { continue };
            let shown: u32 = shown_teams.iter().filter_map(|f| f.questions[q].scores.shown()).map(|s| s.answers).sum();
            let rest = scores.answers - shown;
            assert!(rest == 0 || rest >= min, "{rest} answers to {} left over in {period}", question.question);
        }
    }
}

#[test]
fn random_responses_never_show_a_group_too_small() {
    let survey = parse_surveys(EXAMPLE, "developer-experience.yaml").unwrap().remove(0);
    let scale: Vec<&str> = survey
        .questions
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Scale { .. }))
        .map(|q| q.id.as_str())
        .collect();
    let teams = [None, Some("a"), Some("b"), Some("c"), Some("d"), Some("e")];
    let periods: Vec<Period> = "2026-Q4".parse::<Period>().unwrap().history(3);
    let mut random = Random(0x5eed_0004);
    for _ in 0..400 {
        let mut responses = Vec::new();
        for _ in 0..random.below(60) {
            let mut response = Response::default();
            for id in &scale {
                if random.below(4) != 0 {
                    response.scores.insert(id.to_string(), 1 + random.below(5) as u8);
                }
            }
            if random.below(3) == 0 {
                response.comment = Some(format!("comment {}", random.below(10)));
            }
            let team = random.pick(&teams).map(str::to_string);
            responses.push(TeamResponse { team, period: *random.pick(&periods), response });
        }
        let summary = summarize(&survey, &responses, &periods, 4_102_444_800);
        check_anonymity(&summary, &responses, survey.minimum_group_size);
    }
}
