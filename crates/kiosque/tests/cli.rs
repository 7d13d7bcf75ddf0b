//! The `kiosque` binary as users run it: exit codes, output formats, and an
//! import killed half-way that must leave the previous catalog intact.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn kiosque(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiosque"))
        .args(args)
        .current_dir(dir)
        .env_remove("KIOSQUE_DATABASE_URL")
        .env_remove("KIOSQUE_CONFIG")
        .output()
        .expect("kiosque runs")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const GOOD: &str = "apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
spec:
  type: website
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: stream-aligned
  children: []
";

#[test]
fn validate_reports_every_problem_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.yaml", GOOD);
    // Line 4 col 9: the bad name; line 9: a tag with upper case; and a
    // syntax error in a second file, line 3.
    write(
        dir.path(),
        "bad.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bad name\n  tags:\n    - ok\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
    );
    write(dir.path(), "broken.yaml", "kind: Component\nmetadata:\n  name: [unclosed\n");
    let output = kiosque(dir.path(), &["catalog", "validate", "."]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("bad.yaml:4:9: error: invalid name \"bad name\""), "{text}");
    assert!(text.lines().any(|l| l.starts_with("broken.yaml:") && l.contains(": error: ")), "{text}");
    assert!(!text.contains("good.yaml"), "{text}");

    let json = kiosque(dir.path(), &["catalog", "validate", "--format", "json", "good.yaml"]);
    assert_eq!(json.status.code(), Some(0));
    assert_eq!(serde_json::from_slice::<Value>(&json.stdout).unwrap(), Value::Array(vec![]));
}

#[test]
fn validate_warns_about_references_to_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.yaml", &GOOD.replace("owner: team-a", "owner: team-b"));
    let output = kiosque(dir.path(), &["catalog", "validate", "--format", "json", "c.yaml"]);
    assert_eq!(output.status.code(), Some(0), "warnings do not fail validation");
    let items: Value = serde_json::from_slice(&output.stdout).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["severity"], "warning");
    assert_eq!((items[0]["line"].as_u64(), items[0]["col"].as_u64()), (Some(8), Some(10)));
    assert!(items[0]["message"].as_str().unwrap().contains("group:default/team-b"));
}

#[test]
fn import_query_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "catalog/all.yaml", GOOD);
    let import = kiosque(
        dir.path(),
        &["catalog", "import", "catalog", "--database", "sqlite://k.db", "--format", "json", "--quiet"],
    );
    assert_eq!(import.status.code(), Some(0), "{}", String::from_utf8_lossy(&import.stderr));
    let report: Value = serde_json::from_slice(&import.stdout).unwrap();
    assert_eq!(report["entities_written"], 2);
    assert_eq!(report["files_parsed"], 1);

    let again = kiosque(
        dir.path(),
        &["catalog", "import", "catalog", "--database", "sqlite://k.db", "--format", "json", "--quiet"],
    );
    let report: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!((report["files_read"].as_u64(), report["entities_written"].as_u64()), (Some(0), Some(0)));
    assert_eq!(report["generation"], 1, "nothing changed, nothing to reload");

    let query = kiosque(
        dir.path(),
        &[
            "catalog",
            "query",
            "--database",
            "k.db",
            "--filter",
            "kind=group,spec.type=stream-aligned",
            "--format",
            "json",
        ],
    );
    let found: Value = serde_json::from_slice(&query.stdout).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["metadata"]["name"], "team-a");
    assert!(found[0]["relations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["type"] == "ownerOf" && r["targetRef"] == "component:default/web"));

    let facets = kiosque(dir.path(), &["catalog", "query", "--database", "k.db", "--facet", "kind"]);
    assert_eq!(stdout(&facets), "VALUE      COUNT\nComponent  1\nGroup      1\n");

    let export = kiosque(dir.path(), &["catalog", "export", "--database", "k.db", "--format", "yaml"]);
    let text = stdout(&export);
    assert_eq!(text.matches("---\n").count(), 2);
    assert!(text.contains("kind: \"Component\""), "{text}");
}

#[test]
fn unusable_database_and_configuration_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.yaml", GOOD);
    write(dir.path(), "not-a-db", &"garbage ".repeat(1000));
    let corrupt = kiosque(dir.path(), &["catalog", "import", "c.yaml", "--database", "sqlite://not-a-db", "--quiet"]);
    assert_eq!(corrupt.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&corrupt.stderr).contains("not a SQLite database"));
    let missing_dir =
        kiosque(dir.path(), &["catalog", "import", "c.yaml", "--database", "sqlite://nowhere/k.db", "--quiet"]);
    assert_eq!(missing_dir.status.code(), Some(3));
    write(dir.path(), "kiosque.toml", "[server]\nlisen = \"typo\"\n");
    let config = kiosque(dir.path(), &["catalog", "validate", "c.yaml"]);
    assert_eq!(config.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&config.stderr).contains("kiosque.toml:2:1"),
        "{}",
        String::from_utf8_lossy(&config.stderr)
    );
}

#[cfg(unix)]
#[test]
fn read_only_database_keeps_its_catalog() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.yaml", GOOD);
    assert_eq!(
        kiosque(dir.path(), &["catalog", "import", "c.yaml", "--database", "k.db", "--quiet"]).status.code(),
        Some(0)
    );
    write(dir.path(), "c.yaml", &GOOD.replace("name: web", "name: web2"));
    let db = dir.path().join("k.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let output = kiosque(dir.path(), &["catalog", "import", "c.yaml", "--database", "k.db", "--quiet"]);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    if nix_is_root() {
        return; // root writes through read-only permissions; nothing to observe
    }
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stderr));
    let query = kiosque(
        dir.path(),
        &["catalog", "query", "--database", "k.db", "--ref", "component:default/web", "--format", "json"],
    );
    assert_eq!(query.status.code(), Some(0));
}

fn nix_is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// An import is one transaction: killing the process while it writes leaves
/// the previous catalog exactly as it was.
#[cfg(unix)]
#[test]
fn killed_import_leaves_the_previous_catalog() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small/c.yaml", GOOD);
    assert_eq!(
        kiosque(dir.path(), &["catalog", "import", "small", "--database", "k.db", "--quiet"]).status.code(),
        Some(0)
    );
    let before = stdout(&kiosque(dir.path(), &["catalog", "export", "--database", "k.db", "--format", "json"]));

    // A large second location: thousands of files to write in one transaction.
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!(
            "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-{i}\n  description: {}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
            "padding ".repeat(40)
        ));
    }
    for f in 0..4 {
        write(dir.path(), &format!("big/part-{f}.yaml"), &text.replace("svc-", &format!("svc-{f}-")));
    }

    // Kill the import while it is writing: once its uncommitted pages spill
    // into the write-ahead log, well before it could commit.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiosque"))
        .args(["catalog", "import", "big", "--database", "k.db", "--quiet"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let wal = dir.path().join("k.db-wal");
    let started = Instant::now();
    let mut killed = false;
    while started.elapsed() < Duration::from_secs(120) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 4 * 1024 * 1024 {
            Command::new("kill").args(["-9", &child.id().to_string()]).status().unwrap();
            killed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.wait();
    assert!(killed, "the import finished before it wrote enough to be killed mid-transaction; make the data larger");
    let after = stdout(&kiosque(dir.path(), &["catalog", "export", "--database", "k.db", "--format", "json"]));
    assert_eq!(after, before, "the killed import changed the catalog");
    // And the store still works: the same import, run to the end, commits.
    let finished =
        kiosque(dir.path(), &["catalog", "import", "big", "--database", "k.db", "--quiet", "--format", "json"]);
    let report: Value = serde_json::from_slice(&finished.stdout).unwrap();
    assert_eq!(report["entities_written"], 40_000);
}

/// `kiosque dora`: a two-service history written here, imported, reported.
/// One change committed 2024-03-05T10:00Z reaches production in a
/// deployment finished at 12:00 (lead time 2 h); a second deployment the
/// next day fails and is fixed an hour later by a third.
#[test]
fn dora_imports_the_bulk_format_and_reports_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("events");
    let sha = |c: char| std::iter::repeat_n(c, 40).collect::<String>();
    write(&data, "services.csv", "service,team,level\nshop,team-a,elite\nsearch,team-b,high\n");
    write(
        &data,
        "changes.jsonl",
        &format!(
            "{{\"sha\":\"{a}\",\"repository\":\"example/shop\",\"author\":\"ana\",\"authored_at\":\"2024-03-05T09:00:00Z\",\"committed_at\":\"2024-03-05T10:00:00Z\",\"merged_at\":\"2024-03-05T11:00:00Z\"}}\n\
             {{\"sha\":\"{b}\",\"repository\":\"example/shop\",\"author\":\"ana\",\"authored_at\":\"2024-03-06T09:00:00Z\",\"committed_at\":\"2024-03-06T09:00:00Z\",\"merged_at\":\"2024-03-06T09:30:00Z\"}}\n",
            a = sha('a'),
            b = sha('b')
        ),
    );
    write(
        &data,
        "deployments.jsonl",
        &format!(
            "{{\"id\":1,\"repository\":\"example/shop\",\"service\":\"shop\",\"environment\":\"production\",\"started_at\":\"2024-03-05T11:50:00Z\",\"finished_at\":\"2024-03-05T12:00:00Z\",\"status\":\"success\",\"commits\":[\"{a}\"],\"rollback_of\":null,\"fixes\":null}}\n\
             {{\"id\":2,\"repository\":\"example/shop\",\"service\":\"shop\",\"environment\":\"production\",\"started_at\":\"2024-03-06T10:00:00Z\",\"finished_at\":\"2024-03-06T10:10:00Z\",\"status\":\"failure\",\"commits\":[\"{b}\"],\"rollback_of\":null,\"fixes\":null}}\n\
             {{\"id\":3,\"repository\":\"example/shop\",\"service\":\"shop\",\"environment\":\"production\",\"started_at\":\"2024-03-06T11:00:00Z\",\"finished_at\":\"2024-03-06T11:10:00Z\",\"status\":\"success\",\"commits\":[\"{b}\"],\"rollback_of\":null,\"fixes\":2}}\n",
            a = sha('a'),
            b = sha('b')
        ),
    );
    write(&data, "incidents.jsonl", "");
    let database = format!("sqlite://{}", dir.path().join("d.db").display());
    let imported = kiosque(dir.path(), &["dora", "import", data.to_str().unwrap(), "--database", &database]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let report = kiosque(
        dir.path(),
        &[
            "dora",
            "report",
            "--service",
            "shop",
            "--end",
            "2024-03-10",
            "--days",
            "7",
            "--format",
            "json",
            "--database",
            &database,
        ],
    );
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let json: Value = serde_json::from_str(&stdout(&report)).expect("JSON report");
    let rows = json.get("rows").and_then(Value::as_array).expect("rows");
    let window = rows.iter().find(|r| r["bucket"] == "window" && r["entity"] == "shop").expect("the window row");
    // Two successful deployments in 7 days; lead times 2 h (a) and 2 h 10 min (b,
    // committed 09:00, first successful at 11:10): median 2.0833… h; one of three
    // deployments failed; recovered 1 h after (10:10 → 11:10); one rework of three.
    assert_eq!(window["deployments"], 2);
    assert_eq!(window["failed_deployments"], 1);
    assert_eq!(window["production_deployments"], 3);
    assert_eq!(window["rework_deployments"], 1);
    assert!((window["lead_time_median_hours"].as_f64().unwrap() - 25.0 / 12.0).abs() < 1e-9);
    assert!((window["recovery_median_hours"].as_f64().unwrap() - 1.0).abs() < 1e-9);

    // A malformed line is reported with its place, the rest imported, exit 1.
    write(&data, "incidents.jsonl", "{\"id\": 1, \"service\": \"shop\"\n");
    let bad = kiosque(dir.path(), &["dora", "import", data.to_str().unwrap(), "--database", &database]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("incidents.jsonl:1:"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn survey_check_names_each_problem_and_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        dir.path(),
        "surveys/pulse.yaml",
        "id: pulse\ntitle: { en: Pulse, fr: Pouls }\nperiod: month\nquestions:\n  - id: ease\n    scale: { en: Easy?, fr: Facile ? }\n",
    );
    let checked = kiosque(dir.path(), &["survey", "check", good.to_str().unwrap()]);
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    assert_eq!(stdout(&checked), "pulse: 1 questions, every month\n");
    // The French text is missing (line 2) and the period unknown (line 3, column 9).
    write(
        dir.path(),
        "surveys/bad.yaml",
        "id: bad\ntitle: { en: Bad }\nperiod: fortnight\nquestions:\n  - id: ease\n    scale: { en: Easy?, fr: Facile ? }\n",
    );
    let checked = kiosque(dir.path(), &["survey", "check", dir.path().join("surveys").to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&checked.stderr);
    assert!(errors.contains("bad.yaml:2:"), "{errors}");
    assert!(errors.contains("bad.yaml:3:9:"), "{errors}");
    assert!(!errors.contains("pulse.yaml"), "{errors}");
}

/// Runs git in `repo` with fixed identities and the given commit and tag dates.
fn git(repo: &Path, date: &str, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=Ana", "-c", "user.email=ana@example.org", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(repo)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn dora_import_git_reads_changes_and_release_tags() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("shop");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, "2024-03-05T10:00:00+02:00", &["init", "-q"]);
    // c1 at 08:00 UTC, c2 at 09:00 UTC; v1 tagged (annotated) at 13:00 UTC ships both.
    git(&repo, "2024-03-05T10:00:00+02:00", &["commit", "-q", "--allow-empty", "-m", "c1"]);
    git(&repo, "2024-03-05T09:00:00+00:00", &["commit", "-q", "--allow-empty", "-m", "c2"]);
    git(&repo, "2024-03-05T13:00:00Z", &["tag", "-a", "v1", "-m", "release 1"]);
    // c3 at 14:00 UTC; v2 tagged at 18:00 UTC ships it.
    git(&repo, "2024-03-05T09:00:00-05:00", &["commit", "-q", "--allow-empty", "-m", "c3"]);
    git(&repo, "2024-03-05T18:00:00Z", &["tag", "-a", "v2", "-m", "release 2"]);

    let database = format!("sqlite://{}", dir.path().join("d.db").display());
    let owners = dir.path().join("owners");
    write(&owners, "services.csv", "service,team,level\nshop,team-a,elite\n");
    write(&owners, "changes.jsonl", "");
    let imported = kiosque(dir.path(), &["dora", "import", owners.to_str().unwrap(), "--database", &database]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let args = ["dora", "import-git", repo.to_str().unwrap(), "--repository", "example/shop", "--tags", "v*"];
    let args = [&args[..], &["--service", "shop", "--database", &database]].concat();
    let imported = kiosque(dir.path(), &args);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert_eq!(String::from_utf8_lossy(&imported.stderr), "imported 5 events (0 replaced, 0 unchanged)\n");
    // Again: nothing new.
    let again = kiosque(dir.path(), &args);
    assert_eq!(String::from_utf8_lossy(&again.stderr), "imported 0 events (0 replaced, 5 unchanged)\n");

    let report = kiosque(
        dir.path(),
        &[
            "dora",
            "report",
            "--service",
            "shop",
            "--end",
            "2024-03-05",
            "--days",
            "1",
            "--format",
            "json",
            "--database",
            &database,
        ],
    );
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let json: Value = serde_json::from_str(&stdout(&report)).expect("JSON report");
    let rows = json.get("rows").and_then(Value::as_array).expect("rows");
    let window = rows.iter().find(|r| r["bucket"] == "window" && r["entity"] == "shop").expect("the window row");
    // Two releases; lead times c1 5 h, c2 4 h (to v1 at 13:00), c3 4 h (to v2 at 18:00):
    // sorted 4, 4, 5: median 4 h, 90th percentile at 1.8: 4 + 0.8 × 1 = 4.8 h.
    assert_eq!(window["deployments"], 2);
    assert!((window["lead_time_median_hours"].as_f64().unwrap() - 4.0).abs() < 1e-9, "{window}");
    assert!((window["lead_time_p90_hours"].as_f64().unwrap() - 4.8).abs() < 1e-9, "{window}");

    // Not a repository: a usage error that names it.
    let missing = kiosque(
        dir.path(),
        &["dora", "import-git", dir.path().join("nope").to_str().unwrap(), "--database", &database],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope"));
}
