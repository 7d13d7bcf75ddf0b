//! Reading a submitted form into a response.

use std::collections::BTreeMap;
use std::fmt;

use crate::definition::{QuestionKind, Survey};

/// The longest free-text answer, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// One person's answers, without anything that says who they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    /// Score (1 to 5) by question id; skipped questions are absent.
    pub scores: BTreeMap<String, u8>,
    /// The free-text answer: trimmed, line breaks as `\n`, no control characters.
    pub comment: Option<String>,
}

/// Why a form cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerProblem {
    /// A 1 to 5 question received something else.
    OutOfRange,
    /// The free-text answer exceeds [`MAX_COMMENT_CHARS`].
    TooLong,
    /// The form holds the same question twice.
    Repeated,
    /// No question is answered.
    Empty,
}

/// A problem with a form, for the question it concerns (none when it is about the whole
/// form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub question: Option<String>,
    pub problem: AnswerProblem,
}

impl AnswerError {
    /// A stable identifier, for the portal's messages in each language.
    pub fn code(&self) -> &'static str {
        match self.problem {
            AnswerProblem::OutOfRange => "survey-error-out-of-range",
            AnswerProblem::TooLong => "survey-error-too-long",
            AnswerProblem::Repeated => "survey-error-repeated",
            AnswerProblem::Empty => "survey-error-empty",
        }
    }
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(question) = &self.question {
            write!(f, "{question}: ")?;
        }
        match self.problem {
            AnswerProblem::OutOfRange => f.write_str("the answer must be a whole number from 1 to 5"),
            AnswerProblem::TooLong => write!(f, "the answer is longer than {MAX_COMMENT_CHARS} characters"),
            AnswerProblem::Repeated => f.write_str("the question is answered more than once"),
            AnswerProblem::Empty => f.write_str("the response answers no question"),
        }
    }
}

impl std::error::Error for AnswerError {}

/// Reads a submitted form: values by question id, as sent. Any question may be skipped
/// (an absent or blank value) but one at least must be answered. Fields that name no
/// question are ignored (the form's own fields, a question removed since it was shown).
/// Problems come in the order of the questions.
pub fn read_response<'a>(
    survey: &Survey,
    form: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Response, Vec<AnswerError>> {
    let mut values: Vec<Option<&str>> = vec![None; survey.questions.len()];
    let mut repeated = vec![false; survey.questions.len()];
    for (key, value) in form {
        if let Some(i) = survey.questions.iter().position(|q| q.id == key) {
            if values[i].is_some() {
                repeated[i] = true;
            }
            values[i] = Some(value);
        }
    }
    let mut response = Response::default();
    let mut errors = Vec::new();
    for ((question, value), repeated) in survey.questions.iter().zip(values).zip(repeated) {
        let error = |problem| AnswerError { question: Some(question.id.clone()), problem };
        if repeated {
            errors.push(error(AnswerProblem::Repeated));
            continue;
        }
        let Some(value) = value else { continue };
        match question.kind {
            QuestionKind::Scale { .. } => match value.trim() {
                "" => {}
                score @ ("1" | "2" | "3" | "4" | "5") => {
                    response.scores.insert(question.id.clone(), score.as_bytes()[0] - b'0');
                }
                _ => errors.push(error(AnswerProblem::OutOfRange)),
            },
            QuestionKind::FreeText => {
                let text = clean_text(value);
                if text.chars().count() > MAX_COMMENT_CHARS {
                    errors.push(error(AnswerProblem::TooLong));
                } else if !text.is_empty() {
                    response.comment = Some(text);
                }
            }
        }
    }
    if errors.is_empty() && response.scores.is_empty() && response.comment.is_none() {
        errors.push(AnswerError { question: None, problem: AnswerProblem::Empty });
    }
    if errors.is_empty() {
        Ok(response)
    } else {
        Err(errors)
    }
}

/// Line breaks made `\n`, tabs spaces; control characters and the invisible marks that
/// reorder text on screen dropped (nobody types them, and they could make a comment read
/// differently from what it holds); then trimmed.
fn clean_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\n' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push(' '),
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cleaned() {
        assert_eq!(clean_text("  a\r\nb\rc\u{2028}d\te\u{0}f\u{7f}g\u{202e}h  "), "a\nb\nc\nd efgh");
        assert_eq!(clean_text(" \t\r\n "), "");
        assert_eq!(clean_text("déjà vu"), "déjà vu");
    }
}
