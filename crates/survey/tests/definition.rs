//! Survey files: what is read, and every problem reported at its line and column.

use kiosque_survey::{parse_surveys, Cadence, Period, QuestionKind, Text};

/// The problems of a file, as they are printed.
fn errors(text: &str) -> Vec<String> {
    match parse_surveys(text, "surveys.yaml") {
        Ok(surveys) => panic!("accepted: {surveys:?}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

const QUESTIONS: &str = "questions:
  - id: ease
    scale: { en: Easy?, fr: Facile ? }
  - id: improve
    text: { en: Improve?, fr: Améliorer ? }
";

/// A valid survey whose first lines are `head` (lines 1 to 3 when it is three lines),
/// followed by the two questions above.
fn with_head(head: &str) -> String {
    format!("{head}{QUESTIONS}")
}

const HEAD: &str = "id: pulse\ntitle: { en: Pulse, fr: Pouls }\nperiod: quarter\n";

#[test]
fn a_complete_survey_is_read() {
    let text = "id: pulse
title:
  en: Pulse
  fr: Pouls
intro:
  en: |
    Two lines
    of intro.
  fr: Une ligne.
period: month
open_days: 10
minimum_group_size: 8
questions:
  - id: ease
    scale: { en: Easy?, fr: Facile ? }
    low: { en: Hard, fr: Difficile }
    high: { en: ' Easy ', fr: Facile }
  - id: improve
    text: { en: Improve?, fr: Améliorer ? }
";
    let surveys = parse_surveys(text, "surveys.yaml").unwrap();
    assert_eq!(surveys.len(), 1);
    let survey = &surveys[0];
    assert_eq!(survey.id, "pulse");
    assert_eq!(survey.title, Text { en: "Pulse".into(), fr: "Pouls".into() });
    // Texts are trimmed; the intro keeps its inner line break.
    assert_eq!(survey.intro.as_ref().unwrap().en, "Two lines\nof intro.");
    assert_eq!(survey.cadence, Cadence::Month);
    assert_eq!(survey.open_days, Some(10));
    assert_eq!(survey.minimum_group_size, 8);
    assert_eq!(survey.questions.len(), 2);
    assert_eq!(survey.questions[0].id, "ease");
    assert_eq!(survey.questions[0].text.fr, "Facile ?");
    let QuestionKind::Scale { low, high } = &survey.questions[0].kind else { panic!("not a scale") };
    assert_eq!(low.as_ref().unwrap().fr, "Difficile");
    assert_eq!(high.as_ref().unwrap().en, "Easy");
    assert_eq!(survey.questions[1].kind, QuestionKind::FreeText);
}

#[test]
fn defaults_apply_to_optional_fields() {
    let surveys = parse_surveys(&with_head(HEAD), "surveys.yaml").unwrap();
    assert_eq!(surveys[0].minimum_group_size, 5);
    assert_eq!(surveys[0].open_days, None);
    assert_eq!(surveys[0].intro, None);
    assert_eq!(surveys[0].cadence, Cadence::Quarter);
}

#[test]
fn several_surveys_per_file_with_unique_ids() {
    let text = format!("{}---\n{}", with_head(HEAD), with_head(&HEAD.replace("pulse", "onboarding")));
    let surveys = parse_surveys(&text, "surveys.yaml").unwrap();
    let ids: Vec<&str> = surveys.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["pulse", "onboarding"]);

    // The second document starts on line 10: its id is at 10:5.
    let twice = format!("{}---\n{}", with_head(HEAD), with_head(HEAD));
    assert_eq!(errors(&twice), ["surveys.yaml:10:5: survey id `pulse` is already used at line 1"]);
}

#[test]
fn unknown_fields_and_languages() {
    let text = with_head("id: pulse\ntitle: { en: Pulse, fr: Pouls, de: Puls }\nperiod: quarter\nperiodicity: 3\n");
    assert_eq!(
        errors(&text),
        [
            "surveys.yaml:2:36: unknown language `de`: texts are written in `en` and `fr`",
            "surveys.yaml:4:14: unknown field `periodicity` (expected one of `id`, `title`, `intro`, `period`, \
             `open_days`, `minimum_group_size`, `questions`)",
        ]
    );
    // Text from the file is escaped in messages.
    let text = with_head(&format!("{HEAD}\"bell\\a\": 1\n"));
    assert_eq!(
        errors(&text),
        ["surveys.yaml:4:11: unknown field `bell\\u{7}` (expected one of `id`, `title`, `intro`, `period`, \
          `open_days`, `minimum_group_size`, `questions`)"]
    );
    let text = HEAD.to_string() + "questions:\n  - id: ease\n    scale: { en: Easy?, fr: Facile ? }\n    weight: 2\n";
    assert_eq!(
        errors(&text),
        ["surveys.yaml:7:13: unknown field `weight` (expected one of `id`, `scale`, `text`, `low`, `high`)"]
    );
}

#[test]
fn texts_must_be_complete_in_both_languages() {
    // A missing language is reported at the text's field.
    assert_eq!(
        errors(&with_head("id: pulse\ntitle: { en: Pulse }\nperiod: quarter\n")),
        ["surveys.yaml:2:1: missing the `fr` text"]
    );
    assert_eq!(
        errors(&with_head("id: pulse\ntitle: { en: '  ', fr: Pouls }\nperiod: quarter\n")),
        ["surveys.yaml:2:14: the `en` text is empty"]
    );
    assert_eq!(
        errors(&with_head("id: pulse\ntitle: { en: 42, fr: Pouls }\nperiod: quarter\n")),
        ["surveys.yaml:2:14: the `en` text must be a string"]
    );
    assert_eq!(
        errors(&with_head("id: pulse\ntitle: Pulse\nperiod: quarter\n")),
        ["surveys.yaml:2:8: expected a text in each language: `{ en: …, fr: … }`"]
    );
    let long = "x".repeat(121);
    assert_eq!(
        errors(&with_head(&format!("id: pulse\ntitle: {{ en: Pulse, fr: {long} }}\nperiod: quarter\n"))),
        ["surveys.yaml:2:25: the `fr` text is too long (121 characters, at most 120)"]
    );
    assert_eq!(
        errors(&with_head("id: pulse\ntitle: { en: Pulse, fr: \"Po\\nuls\" }\nperiod: quarter\n")),
        ["surveys.yaml:2:25: the `fr` text contains a line break or a control character"]
    );
    assert_eq!(
        errors(&with_head("id: pulse\ntitle: { en: Pulse, fr: Pouls }\nintro: {}\nperiod: quarter\n")),
        ["surveys.yaml:3:1: missing the `en` text", "surveys.yaml:3:1: missing the `fr` text",]
    );
}

#[test]
fn ids_are_checked() {
    let message = "is not a valid survey id: use lowercase letters, digits and single dashes, starting with a letter, \
                   at most 64 characters";
    for bad in ["Pulse", "dev_ex", "dev--ex", "dev-", "1pulse", "'42'", "42", "\"\""] {
        let shown = bad.trim_matches(['\'', '"']);
        let text = with_head(&HEAD.replace("pulse", bad));
        assert_eq!(errors(&text), [format!("surveys.yaml:1:5: `{shown}` {message}")], "{bad}");
    }
    let long = format!("a{}", "b".repeat(64));
    assert_eq!(errors(&with_head(&HEAD.replace("pulse", &long))), [format!("surveys.yaml:1:5: `{long}` {message}")]);
    assert_eq!(parse_surveys(&with_head(&HEAD.replace("pulse", &long[..64])), "s").unwrap()[0].id.len(), 64);

    let text = HEAD.to_string() + "questions:\n  - id: Ease\n    scale: { en: Easy?, fr: Facile ? }\n";
    assert_eq!(
        errors(&text),
        ["surveys.yaml:5:9: `Ease` is not a valid question id: use lowercase letters, digits and single dashes, \
          starting with a letter, at most 64 characters"]
    );
}

#[test]
fn missing_fields_are_reported_where_they_belong() {
    assert_eq!(
        errors("title: { en: Pulse, fr: Pouls }\nperiod: quarter\n"),
        ["surveys.yaml:1:1: missing `id`", "surveys.yaml:1:1: missing `questions`",]
    );
    assert_eq!(errors(&with_head("id: pulse\nperiod: quarter\n")), ["surveys.yaml:1:1: missing `title`"]);
    assert_eq!(
        errors(&with_head("id: pulse\ntitle: { en: Pulse, fr: Pouls }\n")),
        ["surveys.yaml:1:1: missing `period`"]
    );
    // A question without its id: reported at the question, line 5 column 5.
    let text = HEAD.to_string() + "questions:\n  - scale: { en: Easy?, fr: Facile ? }\n";
    assert_eq!(errors(&text), ["surveys.yaml:5:5: missing `id`"]);
}

#[test]
fn documents_and_questions_of_the_wrong_shape() {
    assert_eq!(
        errors("just text\n"),
        ["surveys.yaml:1:1: a survey is a mapping with `id`, `title`, `period` and `questions`"]
    );
    assert_eq!(errors(&(HEAD.to_string() + "questions: ease\n")), ["surveys.yaml:4:12: `questions` must be a list"]);
    assert_eq!(
        errors(&(HEAD.to_string() + "questions:\n  - ease\n")),
        ["surveys.yaml:5:5: a question is a mapping with `id` and either `scale` or `text`"]
    );
    assert_eq!(
        errors(&(HEAD.to_string() + "questions:\n  - id: ease\n")),
        ["surveys.yaml:5:5: missing `scale` (a 1 to 5 question) or `text` (a free-text question)"]
    );
    let both = HEAD.to_string() + "questions:\n  - id: ease\n    scale: { en: A, fr: A }\n    text: { en: B, fr: B }\n";
    assert_eq!(
        errors(&both),
        ["surveys.yaml:7:5: a question has either `scale` (1 to 5) or `text` (free text), not both"]
    );
    let label = HEAD.to_string()
        + "questions:\n  - id: ease\n    scale: { en: A, fr: A }\n  - id: why\n    text: { en: B, fr: B }\n    low: { en: C, fr: C }\n";
    assert_eq!(
        errors(&label),
        ["surveys.yaml:9:5: `low` labels an end of a 1 to 5 scale: free-text questions have none"]
    );
}

#[test]
fn question_rules() {
    let twice = HEAD.to_string()
        + "questions:\n  - id: ease\n    scale: { en: A, fr: A }\n  - id: ease\n    scale: { en: B, fr: B }\n";
    assert_eq!(errors(&twice), ["surveys.yaml:7:9: question id `ease` is used twice"]);

    let only_text = HEAD.to_string() + "questions:\n  - id: why\n    text: { en: B, fr: B }\n";
    assert_eq!(errors(&only_text), ["surveys.yaml:4:1: a survey needs at least one 1 to 5 question (`scale`)"]);
    assert_eq!(
        errors(&(HEAD.to_string() + "questions: []\n")),
        ["surveys.yaml:4:1: a survey needs at least one 1 to 5 question (`scale`)"]
    );

    let two_texts = HEAD.to_string()
        + "questions:\n  - id: ease\n    scale: { en: A, fr: A }\n  - id: why\n    text: { en: B, fr: B }\n  \
           - id: what\n    text: { en: C, fr: C }\n";
    assert_eq!(errors(&two_texts), ["surveys.yaml:10:5: a survey has at most one free-text question (`why` is one)"]);

    let mut eleven = HEAD.to_string() + "questions:\n";
    for i in 0..11 {
        eleven.push_str(&format!("  - id: q{i}\n    scale: {{ en: A, fr: A }}\n"));
    }
    assert_eq!(
        errors(&eleven),
        ["surveys.yaml:4:1: a survey has at most 10 questions (this one has 11): keep it short"]
    );
}

#[test]
fn period_and_numbers() {
    let with = |line: &str| with_head(&format!("{HEAD}{line}\n"));
    assert_eq!(
        errors(&with_head("id: pulse\ntitle: { en: Pulse, fr: Pouls }\nperiod: weekly\n")),
        ["surveys.yaml:3:9: unknown period: expected `month`, `quarter`, `half-year` or `year`"]
    );
    assert_eq!(
        errors(&with("open_days: 0")),
        ["surveys.yaml:4:12: `open_days` must be from 1 to 90 for a survey each quarter"]
    );
    assert_eq!(
        errors(&with("open_days: 91")),
        ["surveys.yaml:4:12: `open_days` must be from 1 to 90 for a survey each quarter"]
    );
    assert_eq!(parse_surveys(&with("open_days: 90"), "s").unwrap()[0].open_days, Some(90));
    assert_eq!(errors(&with("open_days: -3")), ["surveys.yaml:4:12: `open_days` must be a whole number"]);
    assert_eq!(
        errors(&with("minimum_group_size: 4")),
        ["surveys.yaml:4:21: `minimum_group_size` is at least 5: fewer answers could tell who gave them"]
    );
    assert_eq!(
        errors(&with("minimum_group_size: 5.5")),
        ["surveys.yaml:4:21: `minimum_group_size` must be a whole number"]
    );
    assert_eq!(
        errors(&with("minimum_group_size: 10001")),
        ["surveys.yaml:4:21: `minimum_group_size` is at most 10000"]
    );
}

#[test]
fn every_problem_of_a_file_is_reported_in_order() {
    let text = "id: Pulse
title: { en: Pulse }
period: weekly
questions:
  - id: ease
    scale: { en: Easy?, fr: '' }
  - id: ease
    scale: { en: Again?, fr: Encore ? }
";
    assert_eq!(
        errors(text),
        [
            "surveys.yaml:1:5: `Pulse` is not a valid survey id: use lowercase letters, digits and single dashes, \
             starting with a letter, at most 64 characters",
            "surveys.yaml:2:1: missing the `fr` text",
            "surveys.yaml:3:9: unknown period: expected `month`, `quarter`, `half-year` or `year`",
            "surveys.yaml:6:29: the `fr` text is empty",
            "surveys.yaml:7:9: question id `ease` is used twice",
        ]
    );
}

#[test]
fn syntax_errors_and_empty_files() {
    let errors = parse_surveys("id: pulse\ntitle: [unclosed\n", "surveys.yaml").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].file, "surveys.yaml");
    assert_eq!(errors[0].position.line, 3);
    let duplicate = parse_surveys("id: a\nid: b\n", "surveys.yaml").unwrap_err();
    assert_eq!(duplicate[0].to_string(), "surveys.yaml:2:1: duplicate key \"id\"");
    assert_eq!(
        parse_surveys("# nothing yet\n", "surveys.yaml").unwrap_err()[0].to_string(),
        "surveys.yaml:1:1: the file defines no survey"
    );
}

#[test]
fn texts_by_language() {
    let text = Text { en: "Hello".into(), fr: "Bonjour".into() };
    assert_eq!(text.get("fr"), "Bonjour");
    assert_eq!(text.get("fr-CA"), "Bonjour");
    assert_eq!(text.get("FR"), "Bonjour");
    assert_eq!(text.get("en-GB"), "Hello");
    assert_eq!(text.get("de"), "Hello");
    assert_eq!(text.get(""), "Hello");
}

#[test]
fn answering_window() {
    let survey = &parse_surveys(&with_head(&format!("{HEAD}open_days: 21\n")), "s").unwrap()[0];
    const DAY: i64 = 86_400;
    // 2026-10-01 is day 20727 (20454 + 273 days of January to September).
    let october_first = 20_727 * DAY;
    let q4: Period = "2026-Q4".parse().unwrap();
    assert_eq!(survey.closing_day(q4).to_string(), "2026-10-21");
    assert_eq!(survey.open_period(october_first), Some(q4));
    assert_eq!(survey.open_period(october_first + 21 * DAY - 1), Some(q4));
    assert_eq!(survey.open_period(october_first + 21 * DAY), None);
    // On 30 September the third quarter's window has been closed since 21 July.
    assert_eq!(survey.open_period(october_first - 1), None);
    assert_eq!(survey.open_period(20_635 * DAY).unwrap().to_string(), "2026-Q3");

    let always = &parse_surveys(&with_head(HEAD), "s").unwrap()[0];
    assert_eq!(always.closing_day(q4).to_string(), "2026-12-31");
    assert_eq!(always.open_period(october_first + 91 * DAY), Some(q4));
    assert_eq!(always.open_period(october_first + 92 * DAY).unwrap().to_string(), "2027-Q1");
}

#[test]
fn the_example_survey_is_valid() {
    let text = include_str!("../examples/developer-experience.yaml");
    let surveys = parse_surveys(text, "developer-experience.yaml").unwrap();
    let survey = &surveys[0];
    assert_eq!(survey.id, "developer-experience");
    assert_eq!(survey.cadence, Cadence::Quarter);
    assert_eq!(survey.questions.len(), 8);
    assert_eq!(survey.questions.iter().filter(|q| q.kind == QuestionKind::FreeText).count(), 1);
    assert!(survey.intro.as_ref().unwrap().fr.starts_with("Cinq minutes"));
}
