//! Reading submitted forms.

use kiosque_survey::{parse_surveys, read_response, AnswerProblem, Survey, MAX_COMMENT_CHARS};

fn survey() -> Survey {
    let text = "id: pulse
title: { en: Pulse, fr: Pouls }
period: quarter
questions:
  - id: ease
    scale: { en: Easy?, fr: Facile ? }
  - id: confidence
    scale: { en: Confident?, fr: Confiant ? }
  - id: improve
    text: { en: Improve?, fr: Améliorer ? }
";
    parse_surveys(text, "pulse.yaml").unwrap().remove(0)
}

/// The codes of a form's problems, each with its question.
fn problems(form: &[(&str, &str)]) -> Vec<(Option<String>, &'static str)> {
    read_response(&survey(), form.iter().copied()).unwrap_err().iter().map(|e| (e.question.clone(), e.code())).collect()
}

#[test]
fn a_complete_form_is_read() {
    let response = read_response(
        &survey(),
        [("ease", "4"), ("confidence", " 2 "), ("improve", "  Faster builds.\r\n\r\nThanks ")],
    )
    .unwrap();
    assert_eq!(response.scores.len(), 2);
    assert_eq!(response.scores["ease"], 4);
    assert_eq!(response.scores["confidence"], 2);
    assert_eq!(response.comment.as_deref(), Some("Faster builds.\n\nThanks"));
}

#[test]
fn questions_may_be_skipped_but_not_all() {
    let response = read_response(&survey(), [("ease", "5"), ("confidence", ""), ("improve", "   ")]).unwrap();
    assert_eq!(response.scores.keys().collect::<Vec<_>>(), ["ease"]);
    assert_eq!(response.comment, None);

    let only_comment = read_response(&survey(), [("improve", "More docs")]).unwrap();
    assert!(only_comment.scores.is_empty());
    assert_eq!(only_comment.comment.as_deref(), Some("More docs"));

    assert_eq!(problems(&[]), [(None, "survey-error-empty")]);
    assert_eq!(problems(&[("ease", " "), ("improve", "\u{0}\t\r\n")]), [(None, "survey-error-empty")]);
}

#[test]
fn scores_are_whole_numbers_from_one_to_five() {
    for good in ["1", "2", "3", "4", "5", " 3", "3 "] {
        assert!(read_response(&survey(), [("ease", good)]).is_ok(), "{good:?} was refused");
    }
    for bad in ["0", "6", "3.5", "03", "+3", "-1", "three", "١", "1 2", "55"] {
        assert_eq!(problems(&[("ease", bad)]), [(Some("ease".into()), "survey-error-out-of-range")], "{bad:?}");
    }
}

#[test]
fn comments_are_bounded_in_characters() {
    // Two-byte characters: the bound counts characters, not bytes.
    let longest = "é".repeat(MAX_COMMENT_CHARS);
    let response = read_response(&survey(), [("improve", longest.as_str())]).unwrap();
    assert_eq!(response.comment.unwrap().chars().count(), 2_000);

    let too_long = "a".repeat(MAX_COMMENT_CHARS + 1);
    assert_eq!(problems(&[("improve", &too_long)]), [(Some("improve".into()), "survey-error-too-long")]);
    // Spaces around the text do not count.
    let padded = format!("  {}  ", "a".repeat(MAX_COMMENT_CHARS));
    assert!(read_response(&survey(), [("improve", padded.as_str())]).is_ok());
}

#[test]
fn control_and_direction_characters_are_dropped() {
    let response = read_response(&survey(), [("improve", "safe\u{202e}txt.exe\u{7}\u{1b}[31m red")]).unwrap();
    assert_eq!(response.comment.as_deref(), Some("safetxt.exe[31m red"));
}

#[test]
fn a_question_sent_twice_is_refused() {
    assert_eq!(problems(&[("ease", "4"), ("ease", "5")]), [(Some("ease".into()), "survey-error-repeated")]);
}

#[test]
fn fields_that_name_no_question_are_ignored() {
    let response = read_response(&survey(), [("csrf", "token"), ("ease", "3"), ("removed-question", "9")]).unwrap();
    assert_eq!(response.scores.len(), 1);
}

#[test]
fn problems_come_in_question_order_with_messages() {
    let errors =
        read_response(&survey(), [("improve", "x".repeat(2_001).as_str()), ("confidence", "9"), ("ease", "0")])
            .unwrap_err();
    let questions: Vec<&str> = errors.iter().map(|e| e.question.as_deref().unwrap()).collect();
    assert_eq!(questions, ["ease", "confidence", "improve"]);
    assert_eq!(errors[0].problem, AnswerProblem::OutOfRange);
    assert_eq!(errors[0].to_string(), "ease: the answer must be a whole number from 1 to 5");
    assert_eq!(errors[2].to_string(), "improve: the answer is longer than 2000 characters");
    let empty = read_response(&survey(), []).unwrap_err();
    assert_eq!(empty[0].to_string(), "the response answers no question");
}
