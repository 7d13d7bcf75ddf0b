//! Results as CSV (RFC 4180), for spreadsheets.
//!
//! Fields are quoted when they hold a comma, a quote or a line break. A text field that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so that
//! a spreadsheet shows it instead of evaluating it as a formula. Means have two decimals,
//! favourable shares (0 to 1) three.

use std::io::{self, Write};

use crate::summary::{Figures, Group, Scope, Summary, Visible};

const SCORES_HEADER: &str =
    "survey,period,scope,team,question,answers,mean,favourable,count_1,count_2,count_3,count_4,count_5,suppressed\n";
const COMMENTS_HEADER: &str = "survey,period,scope,team,comment\n";

/// One row per group and 1 to 5 question. A withheld result has empty figures and
/// `suppressed` set to `true`.
pub fn write_scores_csv(summary: &Summary, out: &mut impl Write) -> io::Result<()> {
    use std::fmt::Write as _;
    out.write_all(SCORES_HEADER.as_bytes())?;
    let mut line = String::with_capacity(128);
    for group in &summary.groups {
        for (q, question) in summary.questions.iter().enumerate() {
            line.clear();
            push_group(&mut line, summary, group);
            push_text(&mut line, question);
            let scores = group.result.shown().and_then(|f| f.questions.get(q)).and_then(|r| r.scores.shown());
            // Writing to a String cannot fail.
            let _ = match scores {
                Some(s) => {
                    let [c1, c2, c3, c4, c5] = s.distribution;
                    writeln!(line, ",{},{:.2},{:.3},{c1},{c2},{c3},{c4},{c5},false", s.answers, s.mean, s.favourable)
                }
                None => writeln!(line, ",,,,,,,,,true"),
            };
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}

/// One row per comment of each group whose results are shown (a team's comments are
/// also among the organisation's). Groups whose results are withheld have no rows.
pub fn write_comments_csv(summary: &Summary, out: &mut impl Write) -> io::Result<()> {
    out.write_all(COMMENTS_HEADER.as_bytes())?;
    let mut line = String::with_capacity(256);
    for group in &summary.groups {
        let Visible::Shown(Figures { comments, .. }) = &group.result else { continue };
        for comment in comments {
            line.clear();
            push_group(&mut line, summary, group);
            push_text(&mut line, comment);
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}

/// `survey,period,scope,team,` of a row.
fn push_group(line: &mut String, summary: &Summary, group: &Group) {
    push_text(line, &summary.survey);
    line.push(',');
    line.push_str(&group.period.to_string());
    match &group.scope {
        Scope::Organisation => line.push_str(",organisation,"),
        Scope::Team(team) => {
            line.push_str(",team,");
            push_text(line, team);
        }
    }
    line.push(',');
}

fn push_text(line: &mut String, text: &str) {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if text.contains([',', '"', '\n', '\r']) {
        line.push('"');
        if formula {
            line.push('\'');
        }
        line.push_str(&text.replace('"', "\"\""));
        line.push('"');
    } else {
        if formula {
            line.push('\'');
        }
        line.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::push_text;

    fn field(text: &str) -> String {
        let mut line = String::new();
        push_text(&mut line, text);
        line
    }

    #[test]
    fn fields_are_quoted_and_formulas_neutralized() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=SUM(A1:A2)"), "'=SUM(A1:A2)");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-2"), "'-2");
        assert_eq!(field("@cmd"), "'@cmd");
        assert_eq!(field("=HYPERLINK(\"x\",\"y\")"), "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
        assert_eq!(field("group:default/payments"), "group:default/payments");
    }
}
