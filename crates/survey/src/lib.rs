//! Developer satisfaction surveys: how a platform's users feel about it, measured beside
//! what its delivery figures say. Short surveys come back every period; each person
//! answers once per period, anonymously; results are shown per team and over time, and
//! never for a group small enough to tell who said what.
//!
//! # Survey files
//!
//! A YAML file holds one survey per document (`---` between them); survey ids are unique
//! within a file. Every text is given in English and French.
//!
//! ```yaml
//! id: developer-experience          # lowercase letters, digits, single dashes
//! title: { en: Developer experience, fr: Expérience développeur }
//! intro:                            # optional; may hold line breaks
//!   en: Five minutes, once a quarter. Answers are anonymous.
//!   fr: Cinq minutes, une fois par trimestre. Les réponses sont anonymes.
//! period: quarter                   # month | quarter | half-year | year (UTC calendar)
//! open_days: 21                     # optional: answers are taken in the first 21 days
//! minimum_group_size: 5             # optional: 5 by default, never less
//! questions:                        # 1 to 10, in the form's order
//!   - id: ease-of-shipping
//!     scale:                        # answered 1 (worst) to 5 (best)
//!       en: How easy is it to ship a change to production?
//!       fr: Est-il facile de livrer une modification en production ?
//!     low: { en: Very hard, fr: Très difficile }   # optional names of the two ends
//!     high: { en: Very easy, fr: Très facile }
//!   - id: improve-first
//!     text:                         # answered in words (at most one such question)
//!       en: What should the platform team improve first?
//!       fr: Que devrait améliorer en priorité l'équipe plateforme ?
//! ```
//!
//! [`parse_surveys`] checks everything — unknown fields, missing or empty texts in either
//! language, over-long texts, line breaks in one-line texts, invalid or repeated ids,
//! a survey without a 1 to 5 question, a second free-text question, more than ten
//! questions, an unknown period, `open_days` longer than the shortest period,
//! `minimum_group_size` below five — and reports every problem of the file as
//! `file:line:col: message`.
//!
//! # Periods and answers
//!
//! [`Period`]s are calendar months, quarters, half-years or years in UTC, keyed
//! `2026-11`, `2026-Q4`, `2026-H2`, `2026`. [`Survey::open_period`] says which period a
//! response given now goes to, if the survey is open, and [`Survey::closing_day`] when
//! a period stops taking answers. [`read_response`] turns a submitted
//! form into a [`Response`]: each 1 to 5 question may be skipped, but one question at
//! least must be answered; the free-text answer is trimmed, its line breaks made `\n`,
//! control characters and text-direction marks dropped, and it may not exceed 2,000
//! characters. Each [`AnswerError`] has a stable [`code`](AnswerError::code) for the
//! portal to word in each language.
//!
//! # Anonymity
//!
//! - The store keeps responses with their team and period only. To accept one response
//!   per person and period, it keeps apart a [`participation_key`]: an HMAC of survey,
//!   period and person under a server secret, which cannot be turned back into the
//!   person. Nothing may link the two records — no shared id, no insertion order, no
//!   timestamp finer than the period — and a response cannot be changed once given.
//! - A period's results are shown once its answering window has closed: figures that
//!   moved with each response would tell each response from the one before.
//! - A group (the organisation or a team, in one period) shows results only with at
//!   least the survey's minimum group size of responses, and a question only with that
//!   many answers to it. Below it, only [`HiddenReason::TooFewAnswers`] is said: not how
//!   many answered.
//! - Subtraction is guarded against: when the organisation's figure is shown, what the
//!   shown teams leave of it (the responses of hidden teams and of people without a
//!   team) is either nothing or at least the minimum. Otherwise more teams are hidden,
//!   the smallest first, with [`HiddenReason::ProtectsSmallerGroup`]. The same holds for
//!   each question. Figures of different periods never overlap, so none can be
//!   subtracted from another.
//! - Comments are shown only with their group's results, sorted by text, so their order
//!   says nothing of who answered when.
//!
//! What the rules cannot prevent: when every member of a shown group gives the same
//! score, each one's score is known; a comment's words may tell who wrote it; and a
//! grouping other than the organisation and its teams (by role, by seniority) would need
//! the same rules before it is shown.
//!
//! [`summarize`] computes, per period, the organisation's and each team's number of
//! responses and, per 1 to 5 question, the answers, their distribution, mean and
//! favourable share (4 or 5, as developer-experience surveys report it), and the change
//! of both since the previous period. [`write_scores_csv`] and [`write_comments_csv`]
//! export them; comments are a separate file, as they are text to read rather than
//! figures to chart.
//!
//! # Example
//!
//! ```
//! use kiosque_survey::{parse_surveys, read_response, summarize, Period, Scope, TeamResponse};
//!
//! let file = "
//! id: pulse
//! title: { en: Pulse, fr: Pouls }
//! period: quarter
//! questions:
//!   - id: ease
//!     scale: { en: How easy is shipping?, fr: Est-il facile de livrer ? }
//!   - id: improve
//!     text: { en: What should we improve?, fr: Que devrions-nous améliorer ? }
//! ";
//! let surveys = parse_surveys(file, "surveys/pulse.yaml").map_err(|e| e[0].to_string())?;
//! let survey = &surveys[0];
//! // 2026-11-15T12:00:00Z
//! let period = survey.open_period(1_794_744_000).unwrap();
//! assert_eq!(period.to_string(), "2026-Q4");
//!
//! let mut stored = Vec::new();
//! for score in ["5", "4", "4", "3", "2"] {
//!     let response = read_response(survey, [("ease", score), ("improve", " Faster CI ")]).unwrap();
//!     stored.push(TeamResponse { team: Some("group:default/payments".into()), period, response });
//! }
//! // Results are shown once the quarter is over: 2027-01-01T00:00:00Z.
//! let summary = summarize(survey, &stored, &[period], 1_798_761_600);
//! let team = summary.group(&Scope::Team("group:default/payments".into()), period).unwrap();
//! let figures = team.result.shown().unwrap();
//! let ease = figures.questions[0].scores.shown().unwrap();
//! assert_eq!(ease.distribution, [0, 1, 1, 2, 1]);
//! assert_eq!(ease.mean, 3.6); // 18 / 5
//! assert_eq!(ease.favourable, 0.6); // 3 of 5 answered 4 or 5
//! assert_eq!(figures.comments[0], "Faster CI");
//! # Ok::<(), String>(())
//! ```

mod csv;
mod definition;
mod participation;
mod period;
mod response;
mod summary;

pub use csv::{write_comments_csv, write_scores_csv};
pub use definition::{
    parse_surveys, DefinitionError, Question, QuestionKind, Survey, Text, MAX_QUESTIONS, MINIMUM_GROUP_SIZE,
};
pub use kiosque_descriptor::Position;
pub use participation::{participation_key, MIN_SECRET_BYTES};
pub use period::{Cadence, Date, Period};
pub use response::{read_response, AnswerError, AnswerProblem, Response, MAX_COMMENT_CHARS};
pub use summary::{
    summarize, Figures, Group, HiddenReason, QuestionResult, Scope, Scores, Summary, TeamResponse, Visible,
};
