//! End-to-end tests of `kiosque_ingest::scan` on real directory trees and git
//! repositories. Every expected value (references, keys, lines, columns) is
//! worked out by hand from the descriptor texts written here.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use kiosque_catalog::{reconcile, Claim, Diagnostic, FileOutcome, FileState, NewEntity};
use kiosque_ingest::{
    check_references, parse_descriptor_text, scan, Location, LocationKind, Progress, Scan, ScanOptions,
};
use kiosque_model::Severity;
use serde_json::json;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A temporary directory tree to scan.
struct Tree {
    dir: TempDir,
}

impl Tree {
    fn new() -> Tree {
        Tree { dir: TempDir::new().expect("temporary directory") }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// The path as diagnostics print it.
    fn display(&self, relative: &str) -> String {
        self.path(relative).to_string_lossy().into_owned()
    }

    /// The file key of a file of the tree: `file:/absolute/path`.
    fn key(&self, relative: &str) -> String {
        format!("file:{}", self.display(relative))
    }

    /// Writes a file, creating its directories.
    fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().expect("a parent")).expect("create directories");
        fs::write(&path, content).expect("write file");
        path
    }

    fn mkdir(&self, relative: &str) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(&path).expect("create directories");
        path
    }

    /// A file location for a file, a directory or a glob of the tree.
    fn location(&self, relative: &str) -> Location {
        Location::file(&self.display(relative))
    }
}

/// Joins lines into a text ending with a newline: line `i` of the slice is
/// line `i + 1` of the file, which keeps expected positions easy to read.
fn lines(lines: &[&str]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// A valid Component descriptor of 8 lines.
fn component(name: &str) -> String {
    lines(&[
        "apiVersion: backstage.io/v1alpha1",
        "kind: Component",
        "metadata:",
        &format!("  name: {name}"),
        "spec:",
        "  type: service",
        "  lifecycle: production",
        "  owner: team-a",
    ])
}

/// A valid Group descriptor.
fn group(name: &str) -> String {
    lines(&[
        "apiVersion: backstage.io/v1alpha1",
        "kind: Group",
        "metadata:",
        &format!("  name: {name}"),
        "spec:",
        "  type: team",
        "  children: []",
    ])
}

/// A Location descriptor with the given targets.
fn location_entity(name: &str, targets: &[&str]) -> String {
    let mut text =
        lines(&["apiVersion: backstage.io/v1alpha1", "kind: Location", "metadata:", &format!("  name: {name}")]);
    text.push_str("spec:\n  targets:\n");
    for target in targets {
        text.push_str(&format!("    - {target}\n"));
    }
    text
}

/// An API descriptor whose `spec.definition` line is the given text (line 9).
fn api_with_definition(name: &str, definition: &str) -> String {
    lines(&[
        "apiVersion: backstage.io/v1alpha1",
        "kind: API",
        "metadata:",
        &format!("  name: {name}"),
        "spec:",
        "  type: openapi",
        "  lifecycle: production",
        "  owner: team-a",
        &format!("  definition: {definition}"),
    ])
}

fn scan_all(locations: &[Location]) -> Scan {
    scan(locations, &HashMap::new(), &ScanOptions::default())
}

fn rescan(locations: &[Location], previous: &HashMap<String, FileState>) -> Scan {
    scan(locations, previous, &ScanOptions::default())
}

/// The file states an import would store after this scan, to feed the next one.
fn states(scan: &Scan) -> HashMap<String, FileState> {
    scan.outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            FileOutcome::Parsed { state, .. } | FileOutcome::Unchanged { state, .. } => {
                Some((state.key.clone(), state.clone()))
            }
            _ => None,
        })
        .collect()
}

/// The claims the store would hold after applying the scan's change set.
fn claims_after(scan: &Scan) -> HashMap<String, Claim> {
    let changes = reconcile(&HashMap::new(), scan.outcomes.clone());
    changes
        .upserts
        .into_iter()
        .map(|entity| (entity.entity_ref, Claim { file_key: entity.file_key, orphan: false }))
        .collect()
}

fn keys(scan: &Scan) -> Vec<String> {
    scan.outcomes.iter().map(|o| o.key().to_string()).collect()
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

/// Every entity reference of the scan, sorted.
fn refs(scan: &Scan) -> Vec<String> {
    sorted(scan.entities().map(|(_, e)| e.entity_ref.clone()).collect())
}

fn outcome<'a>(scan: &'a Scan, key: &str) -> &'a FileOutcome {
    scan.outcomes
        .iter()
        .find(|o| o.key() == key)
        .unwrap_or_else(|| panic!("no outcome for {key}; outcomes: {:?}", keys(scan)))
}

/// What a `Parsed` outcome holds.
struct ParsedView<'a> {
    state: &'a FileState,
    entities: &'a [NewEntity],
    kept: &'a [String],
    diagnostics: &'a [Diagnostic],
}

fn parsed<'a>(scan: &'a Scan, key: &str) -> ParsedView<'a> {
    match outcome(scan, key) {
        FileOutcome::Parsed { state, entities, kept, diagnostics } => ParsedView { state, entities, kept, diagnostics },
        other => panic!("expected {key} to be parsed, found {other:?}"),
    }
}

fn failed_diagnostics<'a>(scan: &'a Scan, key: &str) -> &'a [Diagnostic] {
    match outcome(scan, key) {
        FileOutcome::Failed { diagnostics, .. } => diagnostics,
        other => panic!("expected {key} to have failed, found {other:?}"),
    }
}

/// `(ref, line, col)` of each entity, in file order.
fn placed(entities: &[NewEntity]) -> Vec<(String, u32, u32)> {
    entities.iter().map(|e| (e.entity_ref.clone(), e.line, e.col)).collect()
}

fn messages(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("\n  {d}")).collect()
}

/// Sets a file's modification time, as a duration since the Unix epoch.
fn set_mtime(path: &Path, since_epoch: Duration) {
    let file = fs::File::options().write(true).open(path).expect("open for touch");
    file.set_modified(std::time::UNIX_EPOCH + since_epoch).expect("set mtime");
}

fn mtime(path: &Path) -> Duration {
    fs::metadata(path).unwrap().modified().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap()
}

// ---------------------------------------------------------------------------
// 1. One file, several documents
// ---------------------------------------------------------------------------

#[test]
fn every_kind_in_one_multi_document_file_is_found_with_canonical_ref_and_line() {
    let tree = Tree::new();
    let text = lines(&[
        "apiVersion: backstage.io/v1alpha1", // 1
        "kind: Component",
        "metadata:",
        "  name: Web-App",
        "  namespace: shop",
        "spec:",
        "  type: service",
        "  lifecycle: production",
        "  owner: team-a",
        "---",                               // 10
        "apiVersion: backstage.io/v1alpha1", // 11
        "kind: API",
        "metadata:",
        "  name: Orders",
        "spec:",
        "  type: openapi",
        "  lifecycle: production",
        "  owner: team-a",
        "  definition: \"openapi: 3.0.0\"",
        "---",                               // 20
        "apiVersion: backstage.io/v1alpha1", // 21
        "kind: System",
        "metadata:",
        "  name: shop",
        "spec:",
        "  owner: team-a",
        "---",                               // 27
        "apiVersion: backstage.io/v1alpha1", // 28
        "kind: Domain",
        "metadata:",
        "  name: commerce",
        "spec:",
        "  owner: team-a",
        "---",                               // 34
        "apiVersion: backstage.io/v1alpha1", // 35
        "kind: Resource",
        "metadata:",
        "  name: orders-db",
        "spec:",
        "  type: database",
        "  owner: team-a",
        "---",                               // 42
        "apiVersion: backstage.io/v1alpha1", // 43
        "kind: Group",
        "metadata:",
        "  name: Team-A",
        "spec:",
        "  type: team",
        "  children: []",
        "---",                               // 50
        "apiVersion: backstage.io/v1alpha1", // 51
        "kind: User",
        "metadata:",
        "  name: jdoe",
        "spec:",
        "  memberOf: [team-a]",
        "---",                              // 57
        "apiVersion: backstage.io/v1beta1", // 58
        "kind: Location",
        "metadata:",
        "  name: more",
        "spec:",
        "  target: more.yaml",
    ]);
    tree.write("all.yaml", text);
    tree.write("more.yaml", component("extra"));

    let scan = scan_all(&[tree.location("all.yaml")]);

    let all = parsed(&scan, &tree.key("all.yaml"));
    assert!(all.diagnostics.is_empty(), "{}", messages(all.diagnostics));
    assert!(all.kept.is_empty());
    assert_eq!(
        placed(all.entities),
        [
            ("component:shop/web-app".to_string(), 1, 1),
            ("api:default/orders".to_string(), 11, 1),
            ("system:default/shop".to_string(), 21, 1),
            ("domain:default/commerce".to_string(), 28, 1),
            ("resource:default/orders-db".to_string(), 35, 1),
            ("group:default/team-a".to_string(), 43, 1),
            ("user:default/jdoe".to_string(), 51, 1),
            ("location:default/more".to_string(), 58, 1),
        ]
    );
    // Bodies keep the original spelling; only the reference is lower case.
    assert_eq!(all.entities[0].body["metadata"]["name"], "Web-App");
    // The Location was followed.
    assert_eq!(placed(parsed(&scan, &tree.key("more.yaml")).entities), [("component:default/extra".to_string(), 1, 1)]);
    assert!(scan.diagnostics.is_empty(), "{}", messages(&scan.diagnostics));
}

// ---------------------------------------------------------------------------
// 2. Directories
// ---------------------------------------------------------------------------

#[test]
fn directory_location_reads_every_yaml_and_yml_file_recursively() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", component("root"));
    tree.write("cat/a/one.yml", component("one"));
    tree.write("cat/a/b/c/two.yaml", component("two"));
    tree.write("cat/a/notes.txt", component("not-yaml"));
    tree.write("cat/a/b/three.json", component("not-yaml-either"));

    let scan = scan_all(&[tree.location("cat")]);

    assert_eq!(
        keys(&scan),
        sorted(vec![tree.key("cat/catalog-info.yaml"), tree.key("cat/a/one.yml"), tree.key("cat/a/b/c/two.yaml")])
    );
    assert_eq!(refs(&scan), ["component:default/one", "component:default/root", "component:default/two"]);
    assert_eq!(scan.files_read, 3);
    assert_eq!(scan.files_parsed, 3);
    assert!(scan.diagnostics.is_empty(), "{}", messages(&scan.diagnostics));
}

#[test]
fn directory_walk_skips_hidden_directories_and_files() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", component("visible"));
    tree.write("cat/.git/config.yaml", component("in-git"));
    tree.write("cat/.hidden/catalog-info.yaml", component("in-hidden"));
    tree.write("cat/sub/.hidden/deeper.yaml", component("deeper-hidden"));
    tree.write("cat/sub/.dotfile.yaml", component("dotfile"));

    let scan = scan_all(&[tree.location("cat")]);

    assert_eq!(keys(&scan), [tree.key("cat/catalog-info.yaml")]);
    assert_eq!(refs(&scan), ["component:default/visible"]);
}

fn openapi_text() -> String {
    lines(&["openapi: 3.0.0", "info:", "  title: Orders", "  version: 1.0.0", "paths: {}"])
}

#[test]
fn yaml_without_api_version_or_kind_is_silently_not_a_descriptor_in_a_directory_walk() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", component("web"));
    tree.write("cat/openapi.yaml", openapi_text());

    let scan = scan_all(&[tree.location("cat")]);

    let openapi = parsed(&scan, &tree.key("cat/openapi.yaml"));
    assert!(openapi.entities.is_empty());
    assert!(openapi.diagnostics.is_empty(), "{}", messages(openapi.diagnostics));
    assert_eq!(refs(&scan), ["component:default/web"]);
    assert!(scan.diagnostics.is_empty(), "{}", messages(&scan.diagnostics));
}

#[test]
fn yaml_without_api_version_or_kind_is_silently_not_a_descriptor_in_a_glob() {
    let tree = Tree::new();
    tree.write("cat/web/catalog-info.yaml", component("web"));
    tree.write("cat/web/openapi.yaml", openapi_text());

    let scan = scan_all(&[tree.location("cat/*/*.yaml")]);

    let openapi = parsed(&scan, &tree.key("cat/web/openapi.yaml"));
    assert!(openapi.entities.is_empty());
    assert!(openapi.diagnostics.is_empty(), "{}", messages(openapi.diagnostics));
    assert_eq!(refs(&scan), ["component:default/web"]);
}

#[test]
fn yaml_without_api_version_or_kind_is_reported_when_named_explicitly() {
    let tree = Tree::new();
    tree.write("cat/openapi.yaml", openapi_text());

    let scan = scan_all(&[tree.location("cat/openapi.yaml")]);

    let openapi = parsed(&scan, &tree.key("cat/openapi.yaml"));
    assert!(openapi.entities.is_empty());
    // Every problem is reported, at the document's root mapping (1:1).
    let found: Vec<(String, u32, u32, Severity, String)> =
        openapi.diagnostics.iter().map(|d| (d.file.clone(), d.line, d.col, d.severity, d.message.clone())).collect();
    let file = tree.display("cat/openapi.yaml");
    assert_eq!(
        found,
        [
            (file.clone(), 1, 1, Severity::Error, "missing required field \"apiVersion\"".to_string()),
            (file.clone(), 1, 1, Severity::Error, "missing required field \"kind\"".to_string()),
            (file, 1, 1, Severity::Error, "missing required field \"metadata\"".to_string()),
        ]
    );
}

// ---------------------------------------------------------------------------
// 3. Globs
// ---------------------------------------------------------------------------

/// `cat/catalog-info.yaml`, `cat/a/…`, `cat/b/…`, `cat/a/deep/…`, plus a
/// non-matching name at the first level.
fn glob_tree() -> Tree {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", component("top"));
    tree.write("cat/a/catalog-info.yaml", component("a"));
    tree.write("cat/b/catalog-info.yaml", component("b"));
    tree.write("cat/a/deep/catalog-info.yaml", component("deep"));
    tree.write("cat/a/deep/er/catalog-info.yaml", component("deeper"));
    tree.write("cat/b/other.yaml", component("other"));
    tree
}

#[test]
fn single_star_glob_matches_one_directory_level_only() {
    let tree = glob_tree();

    let scan = scan_all(&[tree.location("cat/*/catalog-info.yaml")]);

    assert_eq!(keys(&scan), [tree.key("cat/a/catalog-info.yaml"), tree.key("cat/b/catalog-info.yaml")]);
    assert_eq!(refs(&scan), ["component:default/a", "component:default/b"]);
}

#[test]
fn double_star_glob_matches_every_level_including_the_base() {
    let tree = glob_tree();

    let scan = scan_all(&[tree.location("cat/**/catalog-info.yaml")]);

    assert_eq!(
        refs(&scan),
        [
            "component:default/a",
            "component:default/b",
            "component:default/deep",
            "component:default/deeper",
            "component:default/top"
        ]
    );
    assert_eq!(scan.outcomes.len(), 5);
}

#[test]
fn glob_under_a_missing_directory_is_a_location_error() {
    let tree = Tree::new();

    let scan = scan_all(&[tree.location("nowhere/*/catalog-info.yaml")]);

    assert!(scan.outcomes.is_empty());
    assert_eq!(scan.diagnostics.len(), 1, "{}", messages(&scan.diagnostics));
    assert_eq!(scan.diagnostics[0].severity, Severity::Error);
    assert!(scan.diagnostics[0].message.contains(&tree.display("nowhere")), "{}", scan.diagnostics[0]);
}

// ---------------------------------------------------------------------------
// 4. Location entities
// ---------------------------------------------------------------------------

#[test]
fn location_targets_reach_relative_files_globs_and_nested_locations() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", location_entity("root", &["services/billing.yaml", "teams/*.yaml"]));
    let mut billing = component("billing");
    billing.push_str("---\n");
    billing.push_str(&location_entity("billing-more", &["billing-api.yaml"]));
    tree.write("cat/services/billing.yaml", billing);
    tree.write("cat/services/billing-api.yaml", api_with_definition("billing-api", "\"openapi: 3.0.0\""));
    tree.write("cat/services/unlisted.yaml", component("unlisted"));
    tree.write("cat/teams/a.yaml", group("team-a"));
    tree.write("cat/teams/b.yaml", group("team-b"));
    tree.write("cat/teams/sub/c.yaml", group("team-c"));
    let root = tree.location("cat/catalog-info.yaml");

    let scan = scan_all(std::slice::from_ref(&root));

    assert_eq!(
        keys(&scan),
        sorted(vec![
            tree.key("cat/catalog-info.yaml"),
            tree.key("cat/services/billing.yaml"),
            tree.key("cat/services/billing-api.yaml"),
            tree.key("cat/teams/a.yaml"),
            tree.key("cat/teams/b.yaml"),
        ])
    );
    assert_eq!(
        refs(&scan),
        [
            "api:default/billing-api",
            "component:default/billing",
            "group:default/team-a",
            "group:default/team-b",
            "location:default/billing-more",
            "location:default/root",
        ]
    );
    // Every file reached counts as coming from the registered location.
    for (key, state) in states(&scan) {
        assert_eq!(state.origin, root.key(), "origin of {key}");
    }
    assert_eq!(scan.files_read, 5);
    assert!(scan.diagnostics.is_empty(), "{}", messages(&scan.diagnostics));
}

#[test]
fn location_cycle_is_a_warning_and_each_file_is_read_once() {
    let tree = Tree::new();
    tree.write("cat/a.yaml", location_entity("a", &["b.yaml"]));
    tree.write("cat/b.yaml", location_entity("b", &["a.yaml"]));

    let scan = scan_all(&[tree.location("cat/a.yaml")]);

    assert_eq!(keys(&scan), [tree.key("cat/a.yaml"), tree.key("cat/b.yaml")]);
    assert_eq!(scan.files_read, 2);
    assert_eq!(refs(&scan), ["location:default/a", "location:default/b"]);
    assert_eq!(scan.diagnostics.len(), 1, "{}", messages(&scan.diagnostics));
    assert_eq!(scan.diagnostics[0].severity, Severity::Warning);
    assert!(scan.diagnostics[0].message.contains("location cycle"), "{}", scan.diagnostics[0]);
}

#[test]
fn location_cycle_through_dot_slash_targets_reads_each_file_once() {
    let tree = Tree::new();
    tree.write("cat/a.yaml", location_entity("a", &["./b.yaml"]));
    tree.write("cat/b.yaml", location_entity("b", &["./a.yaml"]));

    let scan = scan_all(&[tree.location("cat/a.yaml")]);

    assert_eq!(keys(&scan), [tree.key("cat/a.yaml"), tree.key("cat/b.yaml")]);
    assert_eq!(scan.files_read, 2);
    assert_eq!(refs(&scan), ["location:default/a", "location:default/b"]);
    assert_eq!(scan.diagnostics.len(), 1, "{}", messages(&scan.diagnostics));
    assert!(scan.diagnostics[0].message.contains("location cycle"), "{}", scan.diagnostics[0]);
}

#[test]
fn file_reached_by_a_walk_and_by_a_dot_slash_location_target_is_read_once() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", location_entity("root", &["./team/x.yaml", "team/../team/y.yaml"]));
    tree.write("cat/team/x.yaml", component("x"));
    tree.write("cat/team/y.yaml", component("y"));

    let scan = scan_all(&[tree.location("cat")]);

    assert_eq!(
        keys(&scan),
        [tree.key("cat/catalog-info.yaml"), tree.key("cat/team/x.yaml"), tree.key("cat/team/y.yaml")]
    );
    assert_eq!(refs(&scan), ["component:default/x", "component:default/y", "location:default/root"]);
    // Reconciling finds no conflict between two "files" that are one.
    assert!(reconcile(&HashMap::new(), scan.outcomes.clone()).conflicts.is_empty());
}

#[test]
fn location_target_that_does_not_exist_is_reported() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", location_entity("root", &["present.yaml", "missing.yaml"]));
    tree.write("cat/present.yaml", component("present"));

    let scan = scan_all(&[tree.location("cat/catalog-info.yaml")]);

    assert_eq!(refs(&scan), ["component:default/present", "location:default/root"]);
    assert_eq!(scan.diagnostics.len(), 1, "{}", messages(&scan.diagnostics));
    let diagnostic = &scan.diagnostics[0];
    assert_eq!(diagnostic.severity, Severity::Error);
    // Reported where the target is written: line 8, "    - missing.yaml".
    assert_eq!(diagnostic.file, tree.display("cat/catalog-info.yaml"));
    assert_eq!((diagnostic.line, diagnostic.col), (8, 7));
    assert!(diagnostic.message.contains("location target \"missing.yaml\""), "{diagnostic}");
    assert!(diagnostic.message.contains("cannot read location target"), "{diagnostic}");
}

#[test]
fn location_entity_made_invalid_keeps_leading_to_its_previous_targets() {
    let tree = Tree::new();
    let root_path = tree.write("cat/catalog-info.yaml", location_entity("root", &["child.yaml"]));
    tree.write("cat/child.yaml", component("child"));
    let locations = [tree.location("cat/catalog-info.yaml")];
    let first = scan_all(&locations);
    let claims = claims_after(&first);

    // The Location's stored version is kept (its new one is invalid): what it leads to stays.
    let invalid =
        location_entity("root", &["child.yaml"]).replace("  name: root\n", "  name: root\n  description: 5\n");
    fs::write(&root_path, invalid).unwrap();
    let second = rescan(&locations, &states(&first));

    assert_eq!(parsed(&second, &tree.key("cat/catalog-info.yaml")).kept, ["location:default/root"]);
    assert!(matches!(outcome(&second, &tree.key("cat/child.yaml")), FileOutcome::Unchanged { .. }));
    assert!(reconcile(&claims, second.outcomes).orphaned.is_empty());
}

// ---------------------------------------------------------------------------
// 5. Placeholders
// ---------------------------------------------------------------------------

#[test]
fn text_placeholder_substitutes_the_file_text_and_records_the_dependency() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", api_with_definition("orders", "{$text: ./openapi.yaml}"));
    let openapi = tree.write("cat/openapi.yaml", openapi_text());

    let scan = scan_all(&[tree.location("cat/catalog-info.yaml")]);

    let file = parsed(&scan, &tree.key("cat/catalog-info.yaml"));
    assert!(file.diagnostics.is_empty(), "{}", messages(file.diagnostics));
    assert_eq!(file.entities.len(), 1);
    assert_eq!(file.entities[0].body["spec"]["definition"], json!(openapi_text()));
    assert_eq!(file.state.dependencies.len(), 1);
    assert_eq!(file.state.dependencies[0].key, tree.key("cat/openapi.yaml"));
    assert_eq!(file.state.dependencies[0].size, fs::metadata(&openapi).unwrap().len());
}

#[test]
fn json_and_yaml_placeholders_are_parsed() {
    let tree = Tree::new();
    let mut text = component("web");
    text.push_str("  config: {$yaml: ./config.yaml}\n  data: {$json: ./conf/data.json}\n");
    tree.write("cat/catalog-info.yaml", text);
    tree.write("cat/config.yaml", "replicas: 3\nregions:\n  - eu\n  - us\n");
    tree.write("cat/conf/data.json", r#"{"replicas": 3, "regions": ["eu", "us"]}"#);

    let scan = scan_all(&[tree.location("cat/catalog-info.yaml")]);

    let file = parsed(&scan, &tree.key("cat/catalog-info.yaml"));
    assert!(file.diagnostics.is_empty(), "{}", messages(file.diagnostics));
    let spec = &file.entities[0].body["spec"];
    assert_eq!(spec["config"], json!({"replicas": 3, "regions": ["eu", "us"]}));
    assert_eq!(spec["data"], json!({"replicas": 3, "regions": ["eu", "us"]}));
}

/// Scans a descriptor whose API definition (line 9) is `definition` and checks
/// that the entity is refused with an error at the `definition` key (9:3).
/// (The unresolved placeholder also fails validation, "must be a string",
/// at the same place: only errors are expected.)
fn assert_definition_refused(tree: &Tree, definition: &str, expected_message: &str) {
    tree.write("cat/catalog-info.yaml", api_with_definition("orders", definition));

    let scan = scan_all(&[tree.location("cat/catalog-info.yaml")]);

    let file = parsed(&scan, &tree.key("cat/catalog-info.yaml"));
    assert!(file.entities.is_empty(), "the entity must not be emitted");
    assert_eq!(file.kept, ["api:default/orders"]);
    assert!(file.diagnostics.iter().all(|d| d.severity == Severity::Error), "{}", messages(file.diagnostics));
    let display = tree.display("cat/catalog-info.yaml");
    let refusal = file.diagnostics.iter().find(|d| d.message.contains(expected_message));
    let Some(refusal) = refusal else {
        panic!("no diagnostic says {expected_message:?}:{}", messages(file.diagnostics))
    };
    assert_eq!((refusal.file.as_str(), refusal.line, refusal.col), (display.as_str(), 9, 3));
}

#[test]
fn placeholder_climbing_out_of_the_location_directory_is_refused() {
    let tree = Tree::new();
    assert_definition_refused(&tree, "{$text: ../../etc/passwd}", "points outside the location's directory");
}

#[test]
fn placeholder_with_an_absolute_path_is_refused() {
    let tree = Tree::new();
    assert_definition_refused(&tree, "{$text: /etc/passwd}", "points outside the location's directory");
}

#[test]
fn placeholder_to_a_sibling_directory_of_the_location_is_refused() {
    let tree = Tree::new();
    tree.write("secret/key.txt", "s3cr3t");
    assert_definition_refused(&tree, "{$text: ../secret/key.txt}", "points outside the location's directory");
}

#[test]
fn remote_url_placeholder_is_refused() {
    let tree = Tree::new();
    assert_definition_refused(&tree, "{$text: 'https://example.com/openapi.yaml'}", "remote URLs are not fetched");
}

#[test]
fn placeholder_to_a_missing_file_is_an_error() {
    let tree = Tree::new();
    assert_definition_refused(&tree, "{$text: ./missing.yaml}", "$text placeholder \"./missing.yaml\"");
}

#[test]
fn placeholder_through_a_symlink_pointing_outside_is_refused() {
    let tree = Tree::new();
    let outside = Tree::new();
    let secret = outside.write("secret.txt", "s3cr3t");
    tree.mkdir("cat");
    std::os::unix::fs::symlink(&secret, tree.path("cat/link.txt")).unwrap();
    assert_definition_refused(&tree, "{$text: ./link.txt}", "outside the location's directory");
}

#[test]
fn placeholder_in_a_walked_subdirectory_may_read_anywhere_under_the_walked_directory() {
    let tree = Tree::new();
    tree.write("cat/openapi.yaml", openapi_text());
    tree.write("cat/svc/catalog-info.yaml", api_with_definition("orders", "{$text: ../openapi.yaml}"));

    let scan = scan_all(&[tree.location("cat")]);

    let file = parsed(&scan, &tree.key("cat/svc/catalog-info.yaml"));
    assert!(file.diagnostics.is_empty(), "{}", messages(file.diagnostics));
    assert_eq!(file.entities[0].body["spec"]["definition"], json!(openapi_text()));
}

// ---------------------------------------------------------------------------
// 6. Incremental scans
// ---------------------------------------------------------------------------

/// A directory with a root Location, a nested Location and a `$text` placeholder.
fn incremental_tree() -> Tree {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", location_entity("root", &["services/*.yaml"]));
    let mut orders = api_with_definition("orders", "{$text: ../openapi.yaml}");
    orders.push_str("---\n");
    orders.push_str(&location_entity("more", &["nested/more.yaml"]));
    tree.write("cat/services/orders.yaml", orders);
    tree.write("cat/services/web.yaml", component("web"));
    tree.write("cat/openapi.yaml", openapi_text());
    tree.write("cat/services/nested/more.yaml", component("more"));
    tree
}

#[test]
fn second_scan_with_previous_states_reads_nothing() {
    let tree = incremental_tree();
    let locations = [tree.location("cat/catalog-info.yaml")];
    let first = scan_all(&locations);
    assert_eq!(
        refs(&first),
        [
            "api:default/orders",
            "component:default/more",
            "component:default/web",
            "location:default/more",
            "location:default/root",
        ]
    );
    assert_eq!(first.files_read, 4);

    let second = rescan(&locations, &states(&first));

    assert_eq!(second.files_read, 0);
    assert_eq!(second.files_parsed, 0);
    assert_eq!(keys(&second), keys(&first));
    for outcome in &second.outcomes {
        assert!(matches!(outcome, FileOutcome::Unchanged { touched: false, .. }), "{outcome:?}");
    }
    assert!(reconcile(&claims_after(&first), second.outcomes).is_empty());
}

#[test]
fn touched_file_with_the_same_content_is_unchanged_but_touched() {
    let tree = Tree::new();
    let path = tree.write("cat/catalog-info.yaml", component("web"));
    let locations = [tree.location("cat/catalog-info.yaml")];
    let first = scan_all(&locations);
    set_mtime(&path, mtime(&path) + Duration::from_secs(5));

    let second = rescan(&locations, &states(&first));

    assert_eq!(second.files_read, 1);
    assert_eq!(second.files_parsed, 0);
    match outcome(&second, &tree.key("cat/catalog-info.yaml")) {
        FileOutcome::Unchanged { state, touched } => {
            assert!(*touched);
            let before = &states(&first)[&tree.key("cat/catalog-info.yaml")];
            assert_eq!(state.mtime_ns, before.mtime_ns + 5_000_000_000);
            assert_eq!(state.hash, before.hash);
        }
        other => panic!("expected Unchanged, found {other:?}"),
    }
}

#[test]
fn changed_content_is_parsed_again() {
    let tree = Tree::new();
    let path = tree.write("cat/catalog-info.yaml", component("web"));
    let locations = [tree.location("cat/catalog-info.yaml")];
    let first = scan_all(&locations);
    fs::write(&path, component("web-renamed")).unwrap();

    let second = rescan(&locations, &states(&first));

    assert_eq!(second.files_read, 1);
    assert_eq!(second.files_parsed, 1);
    assert_eq!(
        placed(parsed(&second, &tree.key("cat/catalog-info.yaml")).entities),
        [("component:default/web-renamed".to_string(), 1, 1)]
    );
    // Reconciling orphans the old name.
    assert_eq!(reconcile(&claims_after(&first), second.outcomes).orphaned, ["component:default/web"]);
}

#[test]
fn changing_only_a_text_placeholder_file_parses_the_descriptor_again() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", api_with_definition("orders", "{$text: ./openapi.yaml}"));
    let openapi = tree.write("cat/openapi.yaml", openapi_text());
    let locations = [tree.location("cat/catalog-info.yaml")];
    let first = scan_all(&locations);
    let new_openapi = openapi_text().replace("1.0.0", "2.0.0-beta");
    fs::write(&openapi, &new_openapi).unwrap();

    let second = rescan(&locations, &states(&first));

    assert_eq!(second.files_read, 1);
    assert_eq!(second.files_parsed, 1);
    let file = parsed(&second, &tree.key("cat/catalog-info.yaml"));
    assert_eq!(file.entities[0].body["spec"]["definition"], json!(new_openapi));
    assert_eq!(file.state.dependencies[0].size, new_openapi.len() as u64);
}

#[test]
fn deleted_file_is_removed_and_its_entities_become_orphans() {
    let tree = Tree::new();
    tree.write("cat/a.yaml", component("a"));
    let b = tree.write("cat/b.yaml", component("b"));
    let locations = [tree.location("cat")];
    let first = scan_all(&locations);
    fs::remove_file(&b).unwrap();

    let second = rescan(&locations, &states(&first));

    assert!(matches!(outcome(&second, &tree.key("cat/a.yaml")), FileOutcome::Unchanged { touched: false, .. }));
    assert!(matches!(outcome(&second, &tree.key("cat/b.yaml")), FileOutcome::Removed { .. }));
    assert_eq!(second.outcomes.len(), 2);
    let changes = reconcile(&claims_after(&first), second.outcomes);
    assert_eq!(changes.orphaned, ["component:default/b"]);
    assert_eq!(changes.removed_files, [tree.key("cat/b.yaml")]);
}

#[test]
fn force_parses_unchanged_files_again() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", component("web"));
    let locations = [tree.location("cat")];
    let first = scan_all(&locations);

    let forced = scan(&locations, &states(&first), &ScanOptions { force: true, ..ScanOptions::default() });

    assert_eq!(forced.files_read, 1);
    assert_eq!(forced.files_parsed, 1);
    assert_eq!(refs(&forced), ["component:default/web"]);
}

#[test]
fn progress_counts_found_and_processed_files() {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", location_entity("root", &["x/*.yaml"]));
    tree.write("cat/x/a.yaml", component("a"));
    tree.write("cat/x/b.yaml", component("b"));
    let progress = Arc::new(Progress::default());
    let options = ScanOptions { progress: Some(progress.clone()), ..ScanOptions::default() };

    let result = scan(&[tree.location("cat/catalog-info.yaml")], &HashMap::new(), &options);

    assert_eq!(result.outcomes.len(), 3);
    assert_eq!(progress.found.load(Ordering::Relaxed), 3);
    assert_eq!(progress.processed.load(Ordering::Relaxed), 3);
}

// ---------------------------------------------------------------------------
// 7. Bad input
// ---------------------------------------------------------------------------

#[test]
fn malformed_yaml_fails_where_the_parser_gave_up() {
    let tree = Tree::new();
    // The flow sequence opened on line 5 is still open at the end of input:
    // the parser gives up at the end of the stream, line 6, column 1.
    let text = lines(&[
        "apiVersion: backstage.io/v1alpha1",
        "kind: Component",
        "metadata:",
        "  name: web",
        "  tags: [java, rust",
    ]);
    tree.write("cat/catalog-info.yaml", text);
    tree.write("cat/fine.yaml", component("fine"));

    let scan = scan_all(&[tree.location("cat")]);

    let diagnostics = failed_diagnostics(&scan, &tree.key("cat/catalog-info.yaml"));
    assert_eq!(diagnostics.len(), 1, "{}", messages(diagnostics));
    let d = &diagnostics[0];
    assert_eq!(
        (d.file.as_str(), d.line, d.col, d.severity),
        (tree.display("cat/catalog-info.yaml").as_str(), 6, 1, Severity::Error)
    );
    assert!(d.message.contains("flow sequence"), "{d}");
    // The other file goes on.
    assert_eq!(refs(&scan), ["component:default/fine"]);
}

#[test]
fn invalid_utf8_fails_with_line_and_column() {
    let tree = Tree::new();
    let mut bytes = component("web").into_bytes();
    // Line 9: "  description: caf" is 18 characters, so the bad byte is column 19.
    bytes.extend_from_slice(b"  description: caf\xe9 au lait\n");
    tree.write("cat/catalog-info.yaml", bytes);

    let scan = scan_all(&[tree.location("cat/catalog-info.yaml")]);

    let diagnostics = failed_diagnostics(&scan, &tree.key("cat/catalog-info.yaml"));
    assert_eq!(diagnostics.len(), 1, "{}", messages(diagnostics));
    let d = &diagnostics[0];
    assert_eq!(
        (d.file.as_str(), d.line, d.col, d.severity),
        (tree.display("cat/catalog-info.yaml").as_str(), 9, 19, Severity::Error)
    );
    assert!(d.message.contains("invalid UTF-8") && d.message.contains("0xe9"), "{d}");
}

#[test]
fn file_over_max_file_bytes_fails_naming_its_size_and_the_limit() {
    let tree = Tree::new();
    let mut text = component("huge");
    text.push('#');
    text.push_str(&"x".repeat(1_500_000 - text.len() - 1));
    text.push('\n');
    assert_eq!(text.len(), 1_500_000);
    tree.write("cat/huge.yaml", text);
    tree.write("cat/small.yaml", component("small"));
    let options = ScanOptions { max_file_bytes: 1_000_000, ..ScanOptions::default() };

    let scan = scan(&[tree.location("cat")], &HashMap::new(), &options);

    let diagnostics = failed_diagnostics(&scan, &tree.key("cat/huge.yaml"));
    assert_eq!(diagnostics.len(), 1, "{}", messages(diagnostics));
    let d = &diagnostics[0];
    assert_eq!((d.file.as_str(), d.severity), (tree.display("cat/huge.yaml").as_str(), Severity::Error));
    assert!(d.message.contains("1.5 MB") && d.message.contains("1.0 MB"), "{d}");
    assert_eq!(refs(&scan), ["component:default/small"]);
}

#[test]
fn invalid_entity_is_kept_and_located_while_valid_ones_are_emitted() {
    let tree = Tree::new();
    let text = lines(&[
        "apiVersion: backstage.io/v1alpha1", // 1
        "kind: Component",
        "metadata:",
        "  name: good-one",
        "spec:",
        "  type: service",
        "  lifecycle: production",
        "  owner: team-a",
        "---",                               // 9
        "apiVersion: backstage.io/v1alpha1", // 10
        "kind: Component",
        "metadata:",
        "  name: \"bad name\"", // 13, the value starts at column 9
        "spec:",
        "  type: service",
        "  lifecycle: production",
        "  owner: team-a",
        "---",                               // 18
        "apiVersion: backstage.io/v1alpha1", // 19
        "kind: Component",
        "metadata:",
        "  name: good-two",
        "spec:",
        "  type: service",
        "  lifecycle: production",
        "  owner: team-a",
    ]);
    tree.write("cat/catalog-info.yaml", text);

    let scan = scan_all(&[tree.location("cat/catalog-info.yaml")]);

    let file = parsed(&scan, &tree.key("cat/catalog-info.yaml"));
    assert_eq!(
        placed(file.entities),
        [("component:default/good-one".to_string(), 1, 1), ("component:default/good-two".to_string(), 19, 1)]
    );
    assert_eq!(file.kept, ["component:default/bad name"]);
    assert_eq!(file.diagnostics.len(), 1, "{}", messages(file.diagnostics));
    let d = &file.diagnostics[0];
    assert_eq!(
        (d.file.as_str(), d.line, d.col, d.severity),
        (tree.display("cat/catalog-info.yaml").as_str(), 13, 9, Severity::Error)
    );
    assert!(d.message.contains("invalid name \"bad name\""), "{d}");
}

#[test]
fn ten_thousand_documents_in_one_file_are_all_read() {
    let tree = Tree::new();
    // Each document is 8 lines, followed by a "---" line: document i starts at line 9 i + 1.
    let text = (0..10_000).map(|i| component(&format!("c-{i}"))).collect::<Vec<_>>().join("---\n");
    tree.write("cat/many.yaml", text);

    let scan = scan_all(&[tree.location("cat/many.yaml")]);

    let file = parsed(&scan, &tree.key("cat/many.yaml"));
    assert!(file.diagnostics.is_empty(), "{}", messages(&file.diagnostics[..file.diagnostics.len().min(5)]));
    assert_eq!(file.entities.len(), 10_000);
    let unique: HashSet<&str> = file.entities.iter().map(|e| e.entity_ref.as_str()).collect();
    assert_eq!(unique.len(), 10_000);
    assert_eq!(placed(&file.entities[..1]), [("component:default/c-0".to_string(), 1, 1)]);
    assert_eq!(placed(&file.entities[9_999..]), [("component:default/c-9999".to_string(), 89_992, 1)]);
}

/// `cat/catalog-info.yaml`, `cat/team/catalog-info.yaml` and `cat/team/loop -> ..`.
fn symlink_loop_tree() -> Tree {
    let tree = Tree::new();
    tree.write("cat/catalog-info.yaml", component("top"));
    tree.write("cat/team/catalog-info.yaml", component("team"));
    std::os::unix::fs::symlink("..", tree.path("cat/team/loop")).unwrap();
    tree
}

#[test]
fn symlink_loop_in_a_walked_directory_terminates_and_reads_each_file_once() {
    let tree = symlink_loop_tree();

    let scan = scan_all(&[tree.location("cat")]);

    assert_eq!(keys(&scan), [tree.key("cat/catalog-info.yaml"), tree.key("cat/team/catalog-info.yaml")]);
    assert_eq!(refs(&scan), ["component:default/team", "component:default/top"]);
}

#[test]
fn symlink_loop_in_a_walked_directory_is_reported_as_a_warning() {
    let tree = symlink_loop_tree();

    let scan = scan_all(&[tree.location("cat")]);

    assert_eq!(scan.diagnostics.len(), 1, "{}", messages(&scan.diagnostics));
    let d = &scan.diagnostics[0];
    assert_eq!((d.file.as_str(), d.severity), (tree.display("cat/team/loop").as_str(), Severity::Warning));
    assert!(d.message.contains("symbolic link loop"), "{d}");
}

#[test]
fn symlink_loop_under_a_location_target_is_reported_as_a_warning() {
    let tree = symlink_loop_tree();
    tree.write("root.yaml", location_entity("root", &["cat"]));

    let scan = scan_all(&[tree.location("root.yaml")]);

    assert_eq!(refs(&scan), ["component:default/team", "component:default/top", "location:default/root"]);
    assert_eq!(scan.diagnostics.len(), 1, "{}", messages(&scan.diagnostics));
    let d = &scan.diagnostics[0];
    assert_eq!((d.file.as_str(), d.severity), (tree.display("cat/team/loop").as_str(), Severity::Warning));
    assert!(d.message.contains("symbolic link loop"), "{d}");
}

#[test]
fn missing_directory_location_keeps_its_previous_files_as_failed() {
    let tree = Tree::new();
    tree.write("cat/a.yaml", component("a"));
    tree.write("cat/sub/b.yaml", component("b"));
    let locations = [tree.location("cat")];
    let first = scan_all(&locations);
    let claims = claims_after(&first);
    fs::rename(tree.path("cat"), tree.path("moved")).unwrap();

    let second = rescan(&locations, &states(&first));

    assert_eq!(second.diagnostics.len(), 1, "{}", messages(&second.diagnostics));
    let d = &second.diagnostics[0];
    assert_eq!((d.file.as_str(), d.severity), (tree.display("cat").as_str(), Severity::Error));
    assert_eq!(keys(&second), [tree.key("cat/a.yaml"), tree.key("cat/sub/b.yaml")]);
    for outcome in &second.outcomes {
        assert!(matches!(outcome, FileOutcome::Failed { .. }), "{outcome:?}");
    }
    let changes = reconcile(&claims, second.outcomes);
    assert!(changes.orphaned.is_empty());
    assert!(changes.removed_files.is_empty());
}

// ---------------------------------------------------------------------------
// 8. References
// ---------------------------------------------------------------------------

/// A component owned by `team-a` (line 8, value at column 10) and part of
/// system `shop` (line 9), plus that system (lines 11-16) owned by the same
/// group (line 16, value at column 10).
fn referencing_tree() -> Tree {
    let tree = Tree::new();
    let mut text = component("web");
    text.push_str("  system: shop\n---\n");
    text.push_str(&lines(&[
        "apiVersion: backstage.io/v1alpha1",
        "kind: System",
        "metadata:",
        "  name: shop",
        "spec:",
        "  owner: group:team-a",
    ]));
    tree.write("cat/catalog-info.yaml", text);
    tree
}

#[test]
fn reference_to_an_undeclared_entity_is_a_warning_at_the_field_that_wrote_it() {
    let tree = referencing_tree();
    let scan = scan_all(&[tree.location("cat/catalog-info.yaml")]);
    let entities: Vec<(&str, &NewEntity)> = scan.entities().collect();

    let mut warnings = check_references(&entities, &HashSet::new());
    warnings.sort();

    let file = tree.display("cat/catalog-info.yaml");
    let found: Vec<(String, u32, u32, Severity, String)> =
        warnings.into_iter().map(|d| (d.file, d.line, d.col, d.severity, d.message)).collect();
    assert_eq!(
        found,
        [
            (
                file.clone(),
                8,
                10,
                Severity::Warning,
                "component:default/web refers to group:default/team-a, which does not exist in the catalog".to_string()
            ),
            (
                file,
                16,
                10,
                Severity::Warning,
                "system:default/shop refers to group:default/team-a, which does not exist in the catalog".to_string()
            ),
        ]
    );
}

#[test]
fn reference_to_a_known_or_declared_entity_gives_no_warning() {
    let tree = referencing_tree();
    let scan = scan_all(&[tree.location("cat/catalog-info.yaml")]);
    let entities: Vec<(&str, &NewEntity)> = scan.entities().collect();
    let known: HashSet<String> = ["group:default/team-a".to_string()].into();

    // `system:default/shop` is declared in the scan, `group:default/team-a` known from the store.
    let warnings = check_references(&entities, &known);
    assert!(warnings.is_empty(), "{}", messages(&warnings));
}

#[test]
fn parse_descriptor_text_reports_placeholders_without_reading_files() {
    let text = api_with_definition("orders", "{$text: ./openapi.yaml}");
    let mut both = component("web");
    both.push_str("---\n");
    both.push_str(&text);

    let (entities, diagnostics) = parse_descriptor_text(both.as_bytes(), "memory.yaml");

    assert_eq!(placed(&entities), [("component:default/web".to_string(), 1, 1)]);
    // The API document starts at line 10; its definition is its 9th line, 18.
    let unresolved = diagnostics.iter().find(|d| d.message.contains("is not resolved here"));
    let Some(d) = unresolved else { panic!("no placeholder diagnostic:{}", messages(&diagnostics)) };
    assert_eq!((d.file.as_str(), d.line, d.col, d.severity), ("memory.yaml", 18, 3, Severity::Error));
}

// ---------------------------------------------------------------------------
// 9. Git repositories
// ---------------------------------------------------------------------------

/// Runs git in `dir` in isolation from the user's and the system's configuration.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .args(["-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A repository whose `main` holds two matching descriptors and one that does
/// not match; branch `feature` (checked out) adds a third, and the work tree
/// has an uncommitted change.
fn git_repository(tree: &Tree) -> PathBuf {
    let repo = tree.mkdir("repo");
    git(&repo, &["init", "-q", "-b", "main"]);
    tree.write("repo/catalog-info.yaml", component("root-svc"));
    tree.write("repo/services/a/catalog-info.yaml", component("svc-a"));
    tree.write("repo/docs/other.yaml", component("not-matched"));
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "descriptors"]);
    git(&repo, &["checkout", "-q", "-b", "feature"]);
    tree.write("repo/services/b/catalog-info.yaml", component("svc-b"));
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "feature"]);
    tree.write("repo/services/a/catalog-info.yaml", component("svc-a-uncommitted"));
    repo
}

fn git_location(repo: &Path, rev: &str) -> Location {
    Location { kind: LocationKind::Git, target: format!("{}?ref={rev}&path=**/catalog-info.yaml", repo.display()) }
}

#[test]
fn git_location_reads_the_descriptors_committed_at_the_ref() {
    let tree = Tree::new();
    let repo = git_repository(&tree);

    let scan = scan_all(&[git_location(&repo, "main")]);

    let root_key = format!("git:{}@main:catalog-info.yaml", repo.display());
    let a_key = format!("git:{}@main:services/a/catalog-info.yaml", repo.display());
    assert_eq!(keys(&scan), [root_key.clone(), a_key.clone()]);
    let found: Vec<(&str, &str)> = scan.entities().map(|(key, e)| (key, e.entity_ref.as_str())).collect();
    assert_eq!(found, [(root_key.as_str(), "component:default/root-svc"), (a_key.as_str(), "component:default/svc-a")]);
    assert!(scan.diagnostics.is_empty(), "{}", messages(&scan.diagnostics));
}

#[test]
fn git_location_at_another_branch_sees_that_branch() {
    let tree = Tree::new();
    let repo = git_repository(&tree);

    let scan = scan_all(&[git_location(&repo, "feature")]);

    assert_eq!(refs(&scan), ["component:default/root-svc", "component:default/svc-a", "component:default/svc-b"]);
    assert!(keys(&scan).iter().all(|k| k.starts_with(&format!("git:{}@feature:", repo.display()))));
}

#[test]
fn git_location_with_an_unknown_ref_is_a_location_error_naming_the_ref() {
    let tree = Tree::new();
    let repo = git_repository(&tree);

    let scan = scan_all(&[git_location(&repo, "no-such-branch")]);

    assert!(scan.outcomes.is_empty());
    assert_eq!(scan.diagnostics.len(), 1, "{}", messages(&scan.diagnostics));
    let d = &scan.diagnostics[0];
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("\"no-such-branch\"") && d.message.contains("does not exist"), "{d}");
}

#[test]
fn git_location_whose_ref_disappears_keeps_its_previous_files_as_failed() {
    let tree = Tree::new();
    let repo = git_repository(&tree);
    let location = git_location(&repo, "feature");
    let first = scan_all(std::slice::from_ref(&location));
    assert_eq!(first.outcomes.len(), 3);
    git(&repo, &["checkout", "-q", "--detach"]);
    git(&repo, &["branch", "-q", "-D", "feature"]);

    let second = rescan(std::slice::from_ref(&location), &states(&first));

    assert_eq!(second.diagnostics.len(), 1, "{}", messages(&second.diagnostics));
    assert_eq!(keys(&second), keys(&first));
    for outcome in &second.outcomes {
        assert!(matches!(outcome, FileOutcome::Failed { .. }), "{outcome:?}");
    }
    assert!(reconcile(&claims_after(&first), second.outcomes).orphaned.is_empty());
}
