//! The report as CSV, in the reference computation's text format: a header line, one line
//! per row, an empty field for an absent value, dates as `YYYY-MM-DD`, and floating-point
//! numbers as the shortest text that reads back to the same value (`0.0`, `138.02`,
//! `1e-05`), as Python's `repr` writes them.

use std::io::{self, Write};

use crate::report::{Report, Row};

/// Which columns to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvColumns {
    /// Exactly the reference computation's columns.
    Reference,
    /// The reference columns, then `incidents`, `resolved_incidents` and
    /// `incident_recovery_median_hours`.
    WithIncidents,
}

const REFERENCE: &str = "level,entity,team,bucket,bucket_start,bucket_end,days,deployments,deployments_per_day,\
lead_time_changes,lead_time_median_hours,lead_time_p90_hours,production_deployments,failed_deployments,\
change_failure_rate,recovered_deployments,recovery_median_hours,rework_deployments,rework_rate";

/// Writes the report's rows as CSV.
pub fn write_csv(report: &Report, columns: CsvColumns, out: &mut impl Write) -> io::Result<()> {
    let mut line = String::with_capacity(256);
    line.push_str(REFERENCE);
    if columns == CsvColumns::WithIncidents {
        line.push_str(",incidents,resolved_incidents,incident_recovery_median_hours");
    }
    line.push('\n');
    out.write_all(line.as_bytes())?;
    for row in &report.rows {
        line.clear();
        push_row(&mut line, row, columns);
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn push_row(line: &mut String, r: &Row, columns: CsvColumns) {
    use std::fmt::Write as _;
    push_text(line, r.scope.as_str());
    line.push(',');
    push_text(line, &r.entity);
    line.push(',');
    push_text(line, r.team.as_deref().unwrap_or(""));
    // Writing to a String cannot fail.
    let _ = write!(line, ",{},{},{},{},{}", r.bucket, r.start, r.end, r.days, r.deployments);
    push_float(line, Some(r.deployments_per_day));
    let _ = write!(line, ",{}", r.lead_time_changes);
    push_float(line, r.lead_time_median_hours);
    push_float(line, r.lead_time_p90_hours);
    let _ = write!(line, ",{},{}", r.production_deployments, r.failed_deployments);
    push_float(line, r.change_failure_rate);
    let _ = write!(line, ",{}", r.recovered_deployments);
    push_float(line, r.recovery_median_hours);
    let _ = write!(line, ",{}", r.rework_deployments);
    push_float(line, r.rework_rate);
    if columns == CsvColumns::WithIncidents {
        let _ = write!(line, ",{},{}", r.incidents, r.resolved_incidents);
        push_float(line, r.incident_recovery_median_hours);
    }
    line.push('\n');
}

/// A field, quoted only when it holds a comma, a quote or a line break.
fn push_text(line: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&text.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(text);
    }
}

fn push_float(line: &mut String, value: Option<f64>) {
    line.push(',');
    if let Some(x) = value {
        line.push_str(&format_float(x));
    }
}

/// The shortest text that reads back to `x`, positional for exponents -4 to 15 (with a
/// `.0` on whole numbers), scientific otherwise: Python's `repr`.
pub(crate) fn format_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let scientific = format!("{x:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..16).contains(&exponent) {
        let plain = x.to_string();
        if plain.contains('.') {
            plain
        } else {
            plain + ".0"
        }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_like_python_repr() {
        let cases = [
            (0.0, "0.0"),
            (1.0, "1.0"),
            (138.0, "138.0"),
            (0.6333333333333333, "0.6333333333333333"),
            (225.50000000000048, "225.50000000000048"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000123, "0.000123"),
            (1.5e16, "1.5e+16"),
            (1e15, "1000000000000000.0"),
            (-2.5, "-2.5"),
            (1.0 / 3.0, "0.3333333333333333"),
        ];
        for (x, text) in cases {
            assert_eq!(format_float(x), text);
        }
    }

    #[test]
    fn text_fields_are_quoted_only_when_needed() {
        let mut line = String::new();
        push_text(&mut line, "team-a");
        push_text(&mut line, ",");
        push_text(&mut line, "say \"hi\"");
        assert_eq!(line, "team-a\",\"\"say \"\"hi\"\"\"");
    }
}
