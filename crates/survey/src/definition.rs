//! Survey files: YAML read with positions, then checked field by field so that every
//! problem of a file is reported at once, as `file:line:col: message`.

use std::fmt;

use kiosque_descriptor::{parse_documents, Document, Position};
use serde_json::{Map, Value};

use crate::period::{Cadence, Date, Period};

/// The fewest answers a group may show results for; a file may ask for more, never less.
pub const MINIMUM_GROUP_SIZE: u32 = 5;
/// A survey people answer in a few minutes.
pub const MAX_QUESTIONS: usize = 10;

const MAX_GROUP_SIZE: u64 = 10_000;
const MAX_ID_CHARS: usize = 64;
const MAX_TITLE_CHARS: usize = 120;
const MAX_INTRO_CHARS: usize = 1_000;
const MAX_QUESTION_CHARS: usize = 300;
const MAX_LABEL_CHARS: usize = 40;

/// A text in each of the portal's languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub en: String,
    pub fr: String,
}

impl Text {
    /// The text for a language tag: French for `fr` and `fr-…`, English otherwise.
    pub fn get(&self, language: &str) -> &str {
        let primary = language.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("fr") {
            &self.fr
        } else {
            &self.en
        }
    }
}

/// A question, in the order the form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub text: Text,
    pub kind: QuestionKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionKind {
    /// Answered 1 (worst) to 5 (best); the labels name the two ends, when given.
    Scale { low: Option<Text>, high: Option<Text> },
    /// Answered in words.
    FreeText,
}

/// A survey as its file defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub id: String,
    pub title: Text,
    pub intro: Option<Text>,
    pub cadence: Cadence,
    /// Answers are taken during the first this many days of each period; `None`: all of it.
    pub open_days: Option<u32>,
    pub minimum_group_size: u32,
    pub questions: Vec<Question>,
}

impl Survey {
    /// The period answers go to at this time, or `None` between answering windows.
    pub fn open_period(&self, timestamp: i64) -> Option<Period> {
        let period = Period::containing(self.cadence, timestamp)?;
        let day = timestamp.div_euclid(86_400);
        (day <= self.closing_day(period).days()).then_some(period)
    }

    /// The last day of a period on which answers are taken.
    pub fn closing_day(&self, period: Period) -> Date {
        let last = period.last_day();
        match self.open_days {
            Some(days) => Date::from_days((period.first_day().days() + i64::from(days) - 1).min(last.days())),
            None => last,
        }
    }
}

/// A problem in a survey file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionError {
    pub file: String,
    pub position: Position,
    pub message: String,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.position, self.message)
    }
}

impl std::error::Error for DefinitionError {}

/// Reads the surveys of a file (one per YAML document), or every problem found, in the
/// order of the file. `file` names the file in the errors.
pub fn parse_surveys(text: &str, file: &str) -> Result<Vec<Survey>, Vec<DefinitionError>> {
    let documents = parse_documents(text)
        .map_err(|e| vec![DefinitionError { file: file.to_string(), position: e.position, message: e.message }])?;
    let mut errors = Vec::new();
    if documents.is_empty() {
        let position = Position { line: 1, col: 1 };
        errors.push(DefinitionError { file: file.to_string(), position, message: "the file defines no survey".into() });
    }
    let mut surveys: Vec<(Survey, Position)> = Vec::new();
    for document in &documents {
        let mut reader = Reader { file, document, errors: &mut errors, failed: false };
        let Some(survey) = reader.survey() else { continue };
        let position = document.locate("/id");
        if let Some((_, first)) = surveys.iter().find(|(s, _)| s.id == survey.id) {
            let message = format!("survey id `{}` is already used at line {}", survey.id, first.line);
            errors.push(DefinitionError { file: file.to_string(), position, message });
        } else {
            surveys.push((survey, position));
        }
    }
    if errors.is_empty() {
        Ok(surveys.into_iter().map(|(s, _)| s).collect())
    } else {
        errors.sort_by_key(|e| e.position);
        Err(errors)
    }
}

/// Whether a text is a valid survey or question id: a lowercase letter, then lowercase
/// letters, digits and single dashes, not ending with a dash, at most 64 characters.
fn is_valid_id(id: &str) -> bool {
    id.len() <= MAX_ID_CHARS
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && !id.contains("--")
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A text from the file, as a message quotes it: escaped, so that it cannot play tricks
/// on a terminal, and cut short.
fn quote(text: &str) -> String {
    let mut quoted: String = text.chars().take(80).flat_map(char::escape_debug).collect();
    if text.chars().nth(80).is_some() {
        quoted.push('…');
    }
    quoted
}

/// A JSON pointer one step further.
fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// How long a text may be and whether it may hold line breaks.
#[derive(Clone, Copy)]
struct TextRule {
    max_chars: usize,
    multiline: bool,
}

struct Reader<'a> {
    file: &'a str,
    document: &'a Document,
    errors: &'a mut Vec<DefinitionError>,
    /// Whether this document had an error: its survey is then not returned.
    failed: bool,
}

impl Reader<'_> {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.failed = true;
        let position = self.document.locate(pointer);
        self.errors.push(DefinitionError { file: self.file.to_string(), position, message: message.into() });
    }

    fn survey(&mut self) -> Option<Survey> {
        let document = self.document;
        let Some(root) = document.value.as_object() else {
            self.error("", "a survey is a mapping with `id`, `title`, `period` and `questions`");
            return None;
        };
        self.known_keys(root, "", &["id", "title", "intro", "period", "open_days", "minimum_group_size", "questions"]);
        let id = self.id(root, "", "survey");
        let title = self.required(root, "", "title").and_then(|p| self.text(&p, TITLE));
        let intro = root.get("intro").and_then(|_| self.text("/intro", INTRO));
        let cadence = self.cadence(root);
        let open_days = self.open_days(root, cadence);
        let minimum_group_size = self.minimum_group_size(root);
        let questions = self.questions(root);
        if self.failed {
            return None;
        }
        Some(Survey {
            id: id?,
            title: title?,
            intro,
            cadence: cadence?,
            open_days,
            minimum_group_size,
            questions: questions?,
        })
    }

    fn known_keys(&mut self, map: &Map<String, Value>, pointer: &str, known: &[&str]) {
        for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
            let expected = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            self.error(&child(pointer, key), format!("unknown field `{}` (expected one of {expected})", quote(key)));
        }
    }

    /// The pointer to a field, or an error (at the mapping) when it is missing.
    fn required(&mut self, map: &Map<String, Value>, pointer: &str, key: &str) -> Option<String> {
        if map.get(key).is_some_and(|v| !v.is_null()) {
            Some(child(pointer, key))
        } else {
            self.error(pointer, format!("missing `{key}`"));
            None
        }
    }

    fn id(&mut self, map: &Map<String, Value>, pointer: &str, what: &str) -> Option<String> {
        let at = self.required(map, pointer, "id")?;
        match &map["id"] {
            Value::String(id) if is_valid_id(id) => Some(id.clone()),
            value => {
                let shown = match value {
                    Value::String(s) => quote(s),
                    other => quote(&other.to_string()),
                };
                self.error(
                    &at,
                    format!(
                        "`{shown}` is not a valid {what} id: use lowercase letters, digits and single dashes, \
                         starting with a letter, at most {MAX_ID_CHARS} characters"
                    ),
                );
                None
            }
        }
    }

    fn text(&mut self, pointer: &str, rule: TextRule) -> Option<Text> {
        let document = self.document;
        let Some(map) = document.value.pointer(pointer).and_then(Value::as_object) else {
            self.error(pointer, "expected a text in each language: `{ en: …, fr: … }`");
            return None;
        };
        for key in map.keys().filter(|k| !matches!(k.as_str(), "en" | "fr")) {
            let message = format!("unknown language `{}`: texts are written in `en` and `fr`", quote(key));
            self.error(&child(pointer, key), message);
        }
        let en = self.one_language(map, pointer, "en", rule);
        let fr = self.one_language(map, pointer, "fr", rule);
        Some(Text { en: en?, fr: fr? })
    }

    fn one_language(
        &mut self,
        map: &Map<String, Value>,
        pointer: &str,
        language: &str,
        rule: TextRule,
    ) -> Option<String> {
        let Some(value) = map.get(language) else {
            self.error(pointer, format!("missing the `{language}` text"));
            return None;
        };
        let at = child(pointer, language);
        let Value::String(text) = value else {
            self.error(&at, format!("the `{language}` text must be a string"));
            return None;
        };
        let text = text.trim();
        let chars = text.chars().count();
        if text.is_empty() {
            self.error(&at, format!("the `{language}` text is empty"));
        } else if chars > rule.max_chars {
            self.error(
                &at,
                format!("the `{language}` text is too long ({chars} characters, at most {})", rule.max_chars),
            );
        } else if text.chars().any(|c| c.is_control() && !(rule.multiline && matches!(c, '\n' | '\t'))) {
            let what = if rule.multiline { "a control character" } else { "a line break or a control character" };
            self.error(&at, format!("the `{language}` text contains {what}"));
        } else {
            return Some(text.to_string());
        }
        None
    }

    fn cadence(&mut self, root: &Map<String, Value>) -> Option<Cadence> {
        let at = self.required(root, "", "period")?;
        let cadence = root["period"].as_str().and_then(Cadence::from_name);
        if cadence.is_none() {
            self.error(&at, "unknown period: expected `month`, `quarter`, `half-year` or `year`");
        }
        cadence
    }

    fn whole_number(&mut self, root: &Map<String, Value>, key: &str) -> Option<u64> {
        let value = root.get(key)?;
        let number = value.as_u64();
        if number.is_none() {
            self.error(&child("", key), format!("`{key}` must be a whole number"));
        }
        number
    }

    fn open_days(&mut self, root: &Map<String, Value>, cadence: Option<Cadence>) -> Option<u32> {
        let days = self.whole_number(root, "open_days")?;
        let cadence = cadence?;
        let most = cadence.shortest_days();
        if days == 0 || days > u64::from(most) {
            let message = format!("`open_days` must be from 1 to {most} for a survey each {}", cadence.as_str());
            self.error("/open_days", message);
            return None;
        }
        Some(days as u32)
    }

    fn minimum_group_size(&mut self, root: &Map<String, Value>) -> u32 {
        let Some(size) = self.whole_number(root, "minimum_group_size") else {
            return MINIMUM_GROUP_SIZE;
        };
        if size < u64::from(MINIMUM_GROUP_SIZE) {
            let message = format!(
                "`minimum_group_size` is at least {MINIMUM_GROUP_SIZE}: fewer answers could tell who gave them"
            );
            self.error("/minimum_group_size", message);
        } else if size > MAX_GROUP_SIZE {
            self.error("/minimum_group_size", format!("`minimum_group_size` is at most {MAX_GROUP_SIZE}"));
        }
        size.clamp(u64::from(MINIMUM_GROUP_SIZE), MAX_GROUP_SIZE) as u32
    }

    fn questions(&mut self, root: &Map<String, Value>) -> Option<Vec<Question>> {
        let at = self.required(root, "", "questions")?;
        let Some(items) = root["questions"].as_array() else {
            self.error(&at, "`questions` must be a list");
            return None;
        };
        if items.len() > MAX_QUESTIONS {
            let message =
                format!("a survey has at most {MAX_QUESTIONS} questions (this one has {}): keep it short", items.len());
            self.error(&at, message);
        }
        // Rules across questions are checked on what the file says, even of questions
        // with problems of their own, so that one run reports them all.
        let mut seen: Vec<&str> = Vec::new();
        let mut first_text: Option<&str> = None;
        for (i, item) in items.iter().enumerate() {
            let pointer = format!("/questions/{i}");
            let id = item.get("id").and_then(Value::as_str).unwrap_or("");
            if seen.contains(&id) && !id.is_empty() {
                self.error(&child(&pointer, "id"), format!("question id `{}` is used twice", quote(id)));
            }
            seen.push(id);
            if item.get("text").is_some() && item.get("scale").is_none() {
                match first_text {
                    Some(first) => {
                        let mut message = String::from("a survey has at most one free-text question");
                        if !first.is_empty() {
                            message.push_str(&format!(" (`{}` is one)", quote(first)));
                        }
                        self.error(&child(&pointer, "text"), message);
                    }
                    None => first_text = Some(id),
                }
            }
        }
        let all_free_text = items.iter().all(|item| item.get("text").is_some());
        if all_free_text && !items.iter().any(|item| item.get("scale").is_some()) {
            self.error(&at, "a survey needs at least one 1 to 5 question (`scale`)");
        }
        let questions: Vec<Option<Question>> =
            items.iter().enumerate().map(|(i, item)| self.question(item, &format!("/questions/{i}"))).collect();
        questions.into_iter().collect()
    }

    fn question(&mut self, item: &Value, pointer: &str) -> Option<Question> {
        let Some(map) = item.as_object() else {
            self.error(pointer, "a question is a mapping with `id` and either `scale` or `text`");
            return None;
        };
        self.known_keys(map, pointer, &["id", "scale", "text", "low", "high"]);
        let id = self.id(map, pointer, "question");
        let (kind_key, is_scale) = match (map.contains_key("scale"), map.contains_key("text")) {
            (true, false) => ("scale", true),
            (false, true) => ("text", false),
            (true, true) => {
                self.error(
                    &child(pointer, "text"),
                    "a question has either `scale` (1 to 5) or `text` (free text), not both",
                );
                return None;
            }
            (false, false) => {
                self.error(pointer, "missing `scale` (a 1 to 5 question) or `text` (a free-text question)");
                return None;
            }
        };
        let text = self.text(&child(pointer, kind_key), QUESTION);
        let label = |reader: &mut Self, key: &str| {
            let at = child(pointer, key);
            match (map.contains_key(key), is_scale) {
                (false, _) => Some(None),
                (true, true) => reader.text(&at, LABEL).map(Some),
                (true, false) => {
                    reader
                        .error(&at, format!("`{key}` labels an end of a 1 to 5 scale: free-text questions have none"));
                    None
                }
            }
        };
        let low = label(self, "low");
        let high = label(self, "high");
        let kind = if is_scale { QuestionKind::Scale { low: low?, high: high? } } else { QuestionKind::FreeText };
        Some(Question { id: id?, text: text?, kind })
    }
}

const TITLE: TextRule = TextRule { max_chars: MAX_TITLE_CHARS, multiline: false };
const INTRO: TextRule = TextRule { max_chars: MAX_INTRO_CHARS, multiline: true };
const QUESTION: TextRule = TextRule { max_chars: MAX_QUESTION_CHARS, multiline: false };
const LABEL: TextRule = TextRule { max_chars: MAX_LABEL_CHARS, multiline: false };
