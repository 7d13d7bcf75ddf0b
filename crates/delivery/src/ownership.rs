//! Which team owns which service.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use crate::read::ReadError;

/// The owning team of each service. Services and teams are listed in byte order, the order of
/// report rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ownership {
    team_by_service: BTreeMap<String, String>,
}

impl Ownership {
    pub fn new() -> Ownership {
        Ownership::default()
    }

    /// Sets the team of a service; returns its previous team.
    pub fn insert(&mut self, service: impl Into<String>, team: impl Into<String>) -> Option<String> {
        self.team_by_service.insert(service.into(), team.into())
    }

    pub fn team_of(&self, service: &str) -> Option<&str> {
        self.team_by_service.get(service).map(String::as_str)
    }

    /// (service, team) pairs, by service.
    pub fn services(&self) -> impl Iterator<Item = (&str, &str)> {
        self.team_by_service.iter().map(|(s, t)| (s.as_str(), t.as_str()))
    }

    /// The distinct teams, sorted.
    pub fn teams(&self) -> BTreeSet<&str> {
        self.team_by_service.values().map(String::as_str).collect()
    }

    /// Reads a CSV file whose header names `service` and `team` columns (others are
    /// ignored), like the benchmark's `services.csv`. Fields may be double-quoted. A service
    /// listed twice, or an empty name, is an error.
    pub fn read_csv(input: impl BufRead, file: &str) -> Result<Ownership, ReadError> {
        let error = |line: usize, column: usize, message: String| ReadError {
            file: file.to_string(),
            line: line as u64,
            column: column as u64,
            message,
        };
        let mut ownership = Ownership::new();
        let mut columns = None;
        for (n, line) in input.lines().enumerate() {
            let number = n + 1;
            let line = line.map_err(|e| error(number, 1, format!("read error: {e}")))?;
            let line = line.strip_suffix('\r').unwrap_or(&line);
            if line.trim().is_empty() {
                continue;
            }
            let fields = split_csv(line).map_err(|(column, message)| error(number, column, message))?;
            let Some((service_col, team_col)) = columns else {
                let find = |name: &str| fields.iter().position(|(f, _)| f.trim() == name);
                match (find("service"), find("team")) {
                    (Some(s), Some(t)) => columns = Some((s, t)),
                    _ => return Err(error(number, 1, "the header must name a service and a team column".into())),
                }
                continue;
            };
            let field = |i: usize, name: &str| match fields.get(i) {
                Some((value, _)) if !value.trim().is_empty() => Ok(value.trim().to_string()),
                Some((_, column)) => Err(error(number, *column, format!("empty {name}"))),
                None => Err(error(number, line.chars().count() + 1, format!("missing {name} column"))),
            };
            let service = field(service_col, "service")?;
            let team = field(team_col, "team")?;
            if ownership.team_by_service.contains_key(&service) {
                let column = fields[service_col].1;
                return Err(error(number, column, format!("service {service:?} listed twice")));
            }
            ownership.insert(service, team);
        }
        Ok(ownership)
    }
}

impl<S: Into<String>, T: Into<String>> FromIterator<(S, T)> for Ownership {
    fn from_iter<I: IntoIterator<Item = (S, T)>>(pairs: I) -> Self {
        let mut ownership = Ownership::new();
        for (service, team) in pairs {
            ownership.insert(service, team);
        }
        ownership
    }
}

/// The fields of one CSV record with the 1-based character column where each starts.
fn split_csv(line: &str) -> Result<Vec<(String, usize)>, (usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut fields = Vec::new();
    let mut i = 0;
    loop {
        let start = i + 1;
        let mut value = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err((start, "unterminated quoted field".into())),
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        value.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
            if !matches!(chars.get(i), None | Some(',')) {
                return Err((i + 1, "expected ',' after a quoted field".into()));
            }
        } else {
            while let Some(&c) = chars.get(i).filter(|&&c| c != ',') {
                value.push(c);
                i += 1;
            }
        }
        fields.push((value, start));
        if chars.get(i).is_none() {
            return Ok(fields);
        }
        i += 1; // the comma
    }
}
