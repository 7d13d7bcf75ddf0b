//! Conflicts and diagnostics are replaced per file. Rewriting identical rows
//! would count as a change and make every replica reload after each refresh,
//! so only the files whose problems really differ are rewritten.

use std::collections::{BTreeMap, BTreeSet};

use kiosque_catalog::{ChangeSet, Conflict, Diagnostic};

/// What to clear and write, per file key.
pub(crate) struct ProblemChanges<'a> {
    pub clear: Vec<&'a str>,
    pub conflicts: Vec<&'a Conflict>,
    pub diagnostics: Vec<(&'a str, &'a Diagnostic)>,
}

pub(crate) fn problem_changes<'a>(
    changes: &'a ChangeSet,
    stored_conflicts: &[Conflict],
    stored_diagnostics: &[(String, Diagnostic)],
) -> ProblemChanges<'a> {
    let mut keys: BTreeSet<&str> = changes.reprocessed_files.iter().map(String::as_str).collect();
    keys.extend(changes.conflicts.iter().map(|c| c.loser_file.as_str()));
    keys.extend(changes.diagnostics.iter().map(|(k, _)| k.as_str()));

    type Rows<'r> = (Vec<&'r Conflict>, Vec<&'r Diagnostic>);
    let mut new: BTreeMap<&str, Rows<'a>> = BTreeMap::new();
    for c in &changes.conflicts {
        new.entry(c.loser_file.as_str()).or_default().0.push(c);
    }
    for (key, d) in &changes.diagnostics {
        new.entry(key.as_str()).or_default().1.push(d);
    }
    let mut old: BTreeMap<&str, Rows<'_>> = BTreeMap::new();
    for c in stored_conflicts.iter().filter(|c| keys.contains(c.loser_file.as_str())) {
        old.entry(c.loser_file.as_str()).or_default().0.push(c);
    }
    for (key, d) in stored_diagnostics.iter().filter(|(k, _)| keys.contains(k.as_str())) {
        old.entry(key.as_str()).or_default().1.push(d);
    }

    let mut out = ProblemChanges { clear: Vec::new(), conflicts: Vec::new(), diagnostics: Vec::new() };
    for key in keys {
        let mut before = old.remove(key).unwrap_or_default();
        let mut after = new.remove(key).unwrap_or_default();
        before.0.sort();
        before.1.sort();
        after.0.sort();
        after.1.sort();
        if before.0 != after.0 || before.1 != after.1 {
            out.clear.push(key);
            out.conflicts.extend(after.0);
            out.diagnostics.extend(after.1.into_iter().map(|d| (key, d)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiosque_model::Severity;

    fn diagnostic(message: &str) -> Diagnostic {
        Diagnostic { file: "a.yaml".into(), line: 1, col: 1, severity: Severity::Error, message: message.into() }
    }

    #[test]
    fn only_files_whose_problems_differ_are_rewritten() {
        let stored = vec![("a".to_string(), diagnostic("x")), ("b".to_string(), diagnostic("y"))];
        let changes = ChangeSet {
            reprocessed_files: vec!["a".into(), "b".into(), "c".into()],
            diagnostics: vec![("a".into(), diagnostic("x")), ("b".into(), diagnostic("z"))],
            ..ChangeSet::default()
        };
        let out = problem_changes(&changes, &[], &stored);
        assert_eq!(out.clear, ["b"]);
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].1.message, "z");
    }

    #[test]
    fn a_file_cleared_of_its_problems_is_rewritten() {
        let stored = vec![Conflict { entity_ref: "r".into(), winner_file: "w".into(), loser_file: "l".into() }];
        let changes = ChangeSet { reprocessed_files: vec!["l".into()], ..ChangeSet::default() };
        let out = problem_changes(&changes, &stored, &[]);
        assert_eq!(out.clear, ["l"]);
        assert!(out.conflicts.is_empty());
    }
}
