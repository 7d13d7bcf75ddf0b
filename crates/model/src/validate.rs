use serde_json::{Map, Value};

use crate::names::*;
use crate::problem::Problem;

/// The kinds Kiosque models. Other kinds are kept as they are, with a warning.
pub const KNOWN_KINDS: [&str; 8] = ["Component", "API", "System", "Domain", "Resource", "Group", "User", "Location"];

/// Team Topologies' four team types, accepted (like any other value) as a Group's `spec.type`.
pub const TEAM_TOPOLOGIES_TYPES: [&str; 4] = ["stream-aligned", "platform", "enabling", "complicated-subsystem"];

const BACKSTAGE_VERSIONS: [&str; 2] = ["backstage.io/v1alpha1", "backstage.io/v1beta1"];

enum FieldType {
    String,
    StringList,
    Object,
}

/// Required and optional spec fields per kind, as in Backstage's kind schemas.
fn spec_fields(kind: &str) -> Option<&'static [(&'static str, FieldType, bool)]> {
    use FieldType::*;
    Some(match kind {
        "component" => &[
            ("type", String, true),
            ("lifecycle", String, true),
            ("owner", String, true),
            ("system", String, false),
            ("subcomponentOf", String, false),
            ("providesApis", StringList, false),
            ("consumesApis", StringList, false),
            ("dependsOn", StringList, false),
            ("dependencyOf", StringList, false),
        ],
        "api" => &[
            ("type", String, true),
            ("lifecycle", String, true),
            ("owner", String, true),
            ("definition", String, true),
            ("system", String, false),
        ],
        "resource" => &[
            ("type", String, true),
            ("owner", String, true),
            ("system", String, false),
            ("dependsOn", StringList, false),
            ("dependencyOf", StringList, false),
        ],
        "system" => &[("owner", String, true), ("domain", String, false), ("type", String, false)],
        "domain" => &[("owner", String, true), ("subdomainOf", String, false), ("type", String, false)],
        "group" => &[
            ("type", String, true),
            ("children", StringList, true),
            ("parent", String, false),
            ("members", StringList, false),
            ("profile", Object, false),
        ],
        "user" => &[("memberOf", StringList, true), ("profile", Object, false)],
        "location" => &[("type", String, false), ("target", String, false), ("targets", StringList, false)],
        _ => return None,
    })
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::error(pointer, message));
    }

    fn expect_string<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        at: &str,
        field: &str,
        required: bool,
    ) -> Option<&'v str> {
        match parent.get(field) {
            None if required => {
                self.error(at, format!("missing required field \"{field}\""));
                None
            }
            None => None,
            Some(Value::String(s)) if s.trim().is_empty() && required => {
                self.error(format!("{at}/{field}"), format!("\"{field}\" must not be empty"));
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.error(
                    format!("{at}/{field}"),
                    format!("\"{field}\" must be a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn expect_string_list(&mut self, parent: &Map<String, Value>, at: &str, field: &str, required: bool) {
        match parent.get(field) {
            None if required => self.error(at, format!("missing required field \"{field}\"")),
            None => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if !matches!(item, Value::String(s) if !s.is_empty()) {
                        self.error(
                            format!("{at}/{field}/{i}"),
                            format!("items of \"{field}\" must be non-empty strings, found {}", type_name(item)),
                        );
                    }
                }
            }
            Some(other) => self.error(
                format!("{at}/{field}"),
                format!("\"{field}\" must be a list of strings, found {}", type_name(other)),
            ),
        }
    }
}

/// Checks one entity against Backstage's envelope, metadata and kind rules.
/// Every problem is reported, not only the first.
pub fn validate_entity(value: &Value) -> Vec<Problem> {
    let mut c = Checker { problems: Vec::new() };
    let Value::Object(root) = value else {
        c.error("", format!("an entity must be a mapping, found {}", type_name(value)));
        return c.problems;
    };

    let api_version = c.expect_string(root, "", "apiVersion", true);
    if let Some(v) = api_version {
        if !is_valid_api_version(v) {
            c.error("/apiVersion", format!("invalid apiVersion \"{v}\": expected [prefix/]version"));
        }
    }
    let kind = c.expect_string(root, "", "kind", true);
    let mut known_kind = None;
    if let Some(k) = kind {
        if !is_valid_kind(k) {
            c.error("/kind", format!("invalid kind \"{k}\": expected a letter followed by letters and digits"));
        } else if let Some(known) = KNOWN_KINDS.iter().find(|known| known.eq_ignore_ascii_case(k)) {
            known_kind = Some(known.to_ascii_lowercase());
            if let Some(v) = api_version {
                if !BACKSTAGE_VERSIONS.contains(&v) {
                    c.error("/apiVersion", format!("kind {known} expects apiVersion backstage.io/v1alpha1 or backstage.io/v1beta1, found \"{v}\""));
                }
            }
        } else {
            c.problems.push(Problem::warning(
                "/kind",
                format!("kind \"{k}\" is not one Kiosque models; it is stored as-is, without relations"),
            ));
        }
    }

    match root.get("metadata") {
        None => c.error("", "missing required field \"metadata\""),
        Some(Value::Object(metadata)) => check_metadata(&mut c, metadata),
        Some(other) => c.error("/metadata", format!("\"metadata\" must be a mapping, found {}", type_name(other))),
    }

    if let Some(kind) = known_kind {
        check_spec(&mut c, root, &kind);
    }
    c.problems
}

fn check_metadata(c: &mut Checker, metadata: &Map<String, Value>) {
    let at = "/metadata";
    if let Some(name) = c.expect_string(metadata, at, "name", true) {
        if !is_valid_object_name(name) {
            c.error(
                "/metadata/name",
                format!("invalid name \"{name}\": expected [a-zA-Z0-9] runs separated by [-_.], at most 63 characters"),
            );
        }
    }
    if let Some(ns) = c.expect_string(metadata, at, "namespace", false) {
        if !is_valid_namespace(ns) {
            c.error(
                "/metadata/namespace",
                format!("invalid namespace \"{ns}\": expected [a-z0-9] runs separated by '-', at most 63 characters"),
            );
        }
    }
    c.expect_string(metadata, at, "title", false);
    c.expect_string(metadata, at, "description", false);

    for (field, value_rule) in [("labels", true), ("annotations", false)] {
        match metadata.get(field) {
            None => {}
            Some(Value::Object(map)) => {
                for (key, value) in map {
                    let pointer = format!("/metadata/{field}/{}", escape_pointer(key));
                    if !is_valid_label_key(key) {
                        c.error(
                            pointer.clone(),
                            format!("invalid {} key \"{key}\": expected [dns-prefix/]name", &field[..field.len() - 1]),
                        );
                    }
                    match value {
                        Value::String(v) if value_rule && !is_valid_label_value(v) => {
                            c.error(pointer, format!("invalid label value \"{v}\": expected empty or [a-zA-Z0-9] runs separated by [-_.], at most 63 characters"))
                        }
                        Value::String(_) => {}
                        other => c.error(pointer, format!("{field} values must be strings, found {}", type_name(other))),
                    }
                }
            }
            Some(other) => c.error(
                format!("/metadata/{field}"),
                format!("\"{field}\" must be a mapping, found {}", type_name(other)),
            ),
        }
    }

    match metadata.get("tags") {
        None => {}
        Some(Value::Array(tags)) => {
            for (i, tag) in tags.iter().enumerate() {
                match tag {
                    Value::String(t) if is_valid_tag(t) => {}
                    Value::String(t) => c.error(
                        format!("/metadata/tags/{i}"),
                        format!(
                            "invalid tag \"{t}\": expected [a-z0-9:+#] runs separated by '-', at most 63 characters"
                        ),
                    ),
                    other => c.error(
                        format!("/metadata/tags/{i}"),
                        format!("tags must be strings, found {}", type_name(other)),
                    ),
                }
            }
        }
        Some(other) => c.error("/metadata/tags", format!("\"tags\" must be a list, found {}", type_name(other))),
    }

    match metadata.get("links") {
        None => {}
        Some(Value::Array(links)) => {
            for (i, link) in links.iter().enumerate() {
                let at = format!("/metadata/links/{i}");
                let Value::Object(link) = link else {
                    c.error(at, format!("links must be mappings with a url, found {}", type_name(link)));
                    continue;
                };
                if let Some(url) = c.expect_string(link, &at, "url", true) {
                    if !looks_like_url(url) {
                        c.error(
                            format!("{at}/url"),
                            format!("invalid url \"{url}\": expected an absolute URL such as https://…"),
                        );
                    }
                }
                c.expect_string(link, &at, "title", false);
                c.expect_string(link, &at, "type", false);
                if let Some(icon) = c.expect_string(link, &at, "icon", false) {
                    if !is_valid_object_name(icon) {
                        c.error(
                            format!("{at}/icon"),
                            format!("invalid icon \"{icon}\": expected [a-zA-Z0-9] runs separated by [-_.]"),
                        );
                    }
                }
            }
        }
        Some(other) => c.error("/metadata/links", format!("\"links\" must be a list, found {}", type_name(other))),
    }
}

fn check_spec(c: &mut Checker, root: &Map<String, Value>, kind: &str) {
    let Some(fields) = spec_fields(kind) else { return };
    let spec = match root.get("spec") {
        Some(Value::Object(spec)) => spec,
        Some(other) => {
            c.error("/spec", format!("\"spec\" must be a mapping, found {}", type_name(other)));
            return;
        }
        None => {
            if fields.iter().any(|(_, _, required)| *required) || kind == "location" {
                c.error("", "missing required field \"spec\"");
            }
            return;
        }
    };
    for (field, field_type, required) in fields {
        match field_type {
            FieldType::String => {
                c.expect_string(spec, "/spec", field, *required);
            }
            FieldType::StringList => c.expect_string_list(spec, "/spec", field, *required),
            FieldType::Object => {
                if let Some(value) = spec.get(*field) {
                    if !value.is_object() {
                        c.error(
                            format!("/spec/{field}"),
                            format!("\"{field}\" must be a mapping, found {}", type_name(value)),
                        );
                    }
                }
            }
        }
    }
    if kind == "location" && !spec.contains_key("target") && !spec.contains_key("targets") {
        c.error("/spec", "a Location needs \"target\" or \"targets\"");
    }
    if kind == "group" {
        check_interactions(c, spec);
    }
}

fn check_interactions(c: &mut Checker, spec: &Map<String, Value>) {
    match spec.get("interactions") {
        None => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("/spec/interactions/{i}");
                let Value::Object(item) = item else {
                    c.error(
                        at,
                        format!(
                            "an interaction must be a mapping with \"with\" and \"mode\", found {}",
                            type_name(item)
                        ),
                    );
                    continue;
                };
                c.expect_string(item, &at, "with", true);
                c.expect_string(item, &at, "mode", true);
                c.expect_string(item, &at, "role", false);
            }
        }
        Some(other) => {
            c.error("/spec/interactions", format!("\"interactions\" must be a list, found {}", type_name(other)))
        }
    }
}

/// Same spirit as the WHATWG URL check Backstage uses: a scheme, then something.
fn looks_like_url(url: &str) -> bool {
    match url.split_once(':') {
        Some((scheme, rest)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !rest.is_empty()
                && !url.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub(crate) fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;
    use serde_json::json;

    fn pointers(value: Value) -> Vec<(Severity, String)> {
        validate_entity(&value).into_iter().map(|p| (p.severity, p.pointer)).collect()
    }

    #[test]
    fn a_complete_component_is_valid() {
        let problems = validate_entity(&json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "web", "tags": ["java"], "annotations": {"github.com/project-slug": "a/b"},
                         "links": [{"url": "https://x.example", "title": "X", "icon": "dashboard"}]},
            "spec": {"type": "service", "lifecycle": "production", "owner": "team-a", "providesApis": ["a"]}
        }));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn every_problem_is_reported() {
        let found = pointers(json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "bad name", "namespace": "Ops", "tags": ["Java", 3],
                         "labels": {"a/b/c": "x"}, "links": [{"title": "no url"}]},
            "spec": {"type": 1, "owner": "t", "dependsOn": "db"}
        }));
        let expected: Vec<(Severity, String)> = [
            "/metadata/name",
            "/metadata/namespace",
            "/metadata/labels/a~1b~1c",
            "/metadata/tags/0",
            "/metadata/tags/1",
            "/metadata/links/0",
            "/spec/type",
            "/spec",
            "/spec/dependsOn",
        ]
        .iter()
        .map(|p| (Severity::Error, p.to_string()))
        .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn unknown_kinds_are_kept_with_a_warning() {
        let found = pointers(
            json!({"apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template", "metadata": {"name": "t"}}),
        );
        assert_eq!(found, vec![(Severity::Warning, "/kind".to_string())]);
    }

    #[test]
    fn wrong_root_and_missing_envelope() {
        assert_eq!(pointers(json!([1])), vec![(Severity::Error, String::new())]);
        let found = pointers(json!({"metadata": {}}));
        assert_eq!(found.len(), 3, "{found:?}"); // apiVersion, kind, metadata.name
    }

    #[test]
    fn locations_need_a_target_and_groups_need_children() {
        assert_eq!(
            pointers(
                json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Location", "metadata": {"name": "l"}, "spec": {}})
            ),
            vec![(Severity::Error, "/spec".to_string())]
        );
        assert_eq!(
            pointers(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "g"},
                "spec": {"type": "platform", "interactions": [{"with": "a"}]}})),
            vec![(Severity::Error, "/spec".to_string()), (Severity::Error, "/spec/interactions/0".to_string())]
        );
    }
}
