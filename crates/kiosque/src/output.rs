//! Output formats of the CLI: aligned tables, JSON and YAML.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Yaml,
}

/// Prints rows as an aligned table.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let text: Vec<String> = cells.iter().enumerate().map(|(i, c)| format!("{c:<w$}", w = widths[i])).collect();
        out.push_str(text.join("  ").trim_end());
        out.push('\n');
    };
    line(headers.to_vec(), &mut out);
    for row in rows {
        line(row.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

/// Writes a JSON value as YAML. Strings are double-quoted (JSON escapes are
/// valid YAML), so every value reads back exactly.
pub fn yaml(value: &Value) -> String {
    let mut out = String::new();
    write_yaml(value, 0, &mut out, false);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(serde_json::to_string(s).unwrap_or_default()),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(o) if o.is_empty() => Some("{}".into()),
        _ => None,
    }
}

fn write_yaml(value: &Value, indent: usize, out: &mut String, inline_first: bool) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (i, (key, child)) in map.iter().enumerate() {
                if !(inline_first && i == 0) {
                    out.push_str(&pad);
                }
                let key = if key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
                    && !key.is_empty()
                {
                    key.clone()
                } else {
                    serde_json::to_string(key).unwrap_or_default()
                };
                match scalar(child) {
                    Some(text) => out.push_str(&format!("{key}: {text}\n")),
                    None => {
                        out.push_str(&format!("{key}:\n"));
                        write_yaml(child, indent + 2, out, false);
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push_str("- ");
                match scalar(item) {
                    Some(text) => out.push_str(&format!("{text}\n")),
                    None => write_yaml(item, indent + 2, out, true),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other).unwrap_or_default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_nests_maps_and_lists() {
        let value = json!({"kind": "Component", "metadata": {"name": "a", "tags": ["x", "y"], "links": [{"url": "u", "title": "t"}]}, "spec": {}});
        // Keys come out sorted (JSON objects are kept as sorted maps).
        assert_eq!(
            yaml(&value),
            "kind: \"Component\"\nmetadata:\n  links:\n    - title: \"t\"\n      url: \"u\"\n  name: \"a\"\n  tags:\n    - \"x\"\n    - \"y\"\nspec: {}\n"
        );
    }

    #[test]
    fn tables_align_columns() {
        let text =
            table(&["REF", "OWNER"], &[vec!["component:default/a".into(), "team".into()], vec!["x".into(), "".into()]]);
        assert_eq!(text, "REF                  OWNER\ncomponent:default/a  team\nx\n");
    }
}
