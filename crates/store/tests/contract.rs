//! The store's behaviour, checked against every backend: SQLite always,
//! PostgreSQL when `KIOSQUE_TEST_POSTGRES_URL` names a server (CI sets it, and
//! sets `KIOSQUE_REQUIRE_POSTGRES=1` so that a missing server fails the run
//! instead of skipping it).

use std::collections::HashMap;
use std::io::Read;

use kiosque_catalog::{reconcile, Catalog, ChangeSet, Diagnostic, FileOutcome, FileState, NewEntity};
use kiosque_model::{derive_relations, Entity, Severity};
use kiosque_store::CatalogStore;
use serde_json::{json, Value};

fn state(key: &str, hash: u64) -> FileState {
    FileState {
        key: key.into(),
        origin: "file:/org".into(),
        hash,
        size: 10,
        mtime_ns: 5,
        dependencies: vec![],
        locations: vec!["file:./more.yaml".into()],
    }
}

fn entity(value: Value) -> NewEntity {
    let e = Entity::from_value(value.clone()).unwrap();
    let derived = derive_relations(&e);
    NewEntity {
        entity_ref: e.entity_ref().unwrap().to_string(),
        body: value,
        line: 3,
        col: 1,
        relations: derived.relations,
        references: vec![],
    }
}

fn component(name: &str, owner: &str) -> NewEntity {
    entity(
        json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": name, "title": "Café ☕"},
        "spec": {"type": "service", "lifecycle": "production", "owner": owner}}),
    )
}

fn parsed(key: &str, hash: u64, entities: Vec<NewEntity>, diagnostics: Vec<Diagnostic>) -> FileOutcome {
    FileOutcome::Parsed { state: state(key, hash), entities, kept: vec![], diagnostics }
}

fn import(store: &dyn CatalogStore, outcomes: Vec<FileOutcome>) -> u64 {
    let claims = store.claims().unwrap();
    store.apply(&reconcile(&claims, outcomes)).unwrap()
}

fn warning(file: &str, message: &str) -> Diagnostic {
    Diagnostic { file: file.into(), line: 2, col: 3, severity: Severity::Warning, message: message.into() }
}

fn empty_store_has_nothing(store: &dyn CatalogStore) {
    assert_eq!(store.generation().unwrap(), 0);
    let snapshot = store.snapshot().unwrap();
    assert!(snapshot.entities.is_empty() && snapshot.conflicts.is_empty() && snapshot.diagnostics.is_empty());
    assert!(store.file_states().unwrap().is_empty());
}

fn import_round_trips_entities_relations_and_files(store: &dyn CatalogStore) {
    let generation = import(
        store,
        vec![parsed("file:/a.yaml", 1, vec![component("web", "team-a"), component("api", "team-a")], vec![])],
    );
    assert_eq!(generation, 1);
    let snapshot = store.snapshot().unwrap();
    assert_eq!(snapshot.generation, 1);
    let mut refs: Vec<&str> = snapshot.entities.iter().map(|e| e.entity_ref.as_str()).collect();
    refs.sort();
    assert_eq!(refs, ["component:default/api", "component:default/web"]);
    let web = snapshot.entities.iter().find(|e| e.entity_ref == "component:default/web").unwrap();
    assert_eq!((web.file_key.as_str(), web.line, web.col, web.orphan), ("file:/a.yaml", 3, 1, false));
    let body: Value = serde_json::from_str(&web.body).unwrap();
    assert_eq!(body["metadata"]["title"], "Café ☕");
    assert_eq!(web.relations.len(), 2, "ownedBy and its inverse ownerOf");
    let files = store.file_states().unwrap();
    assert_eq!(files["file:/a.yaml"], state("file:/a.yaml", 1));
    let catalog = Catalog::build(snapshot);
    let group = catalog.by_ref_text("group:default/team-a");
    assert!(group.is_none(), "team-a is only a relation target");
    assert_eq!(catalog.dangling_targets(), ["group:default/team-a"]);
}

fn empty_change_keeps_generation(store: &dyn CatalogStore) {
    import(store, vec![parsed("file:/a.yaml", 1, vec![component("web", "t")], vec![])]);
    let unchanged = FileOutcome::Unchanged { state: state("file:/a.yaml", 1), touched: false };
    assert_eq!(import(store, vec![unchanged]), 1);
}

fn a_change_that_writes_nothing_keeps_the_generation(store: &dyn CatalogStore) {
    import(store, vec![parsed("file:/a.yaml", 1, vec![component("web", "t")], vec![])]);
    // Replacing diagnostics that do not exist, re-writing the same file state.
    let changes = ChangeSet {
        reprocessed_files: vec!["location:file:/nowhere".into()],
        files: vec![state("file:/a.yaml", 1)],
        ..ChangeSet::default()
    };
    assert_eq!(store.apply(&changes).unwrap(), 1);
    let changes = ChangeSet { files: vec![state("file:/a.yaml", 2)], ..ChangeSet::default() };
    assert_eq!(store.apply(&changes).unwrap(), 2, "a new file state is a change");
}

fn orphans_conflicts_and_diagnostics(store: &dyn CatalogStore) {
    import(
        store,
        vec![
            parsed(
                "file:/a.yaml",
                1,
                vec![component("web", "t"), component("old", "t")],
                vec![warning("a.yaml", "first")],
            ),
            parsed("file:/b.yaml", 1, vec![component("web", "u")], vec![]),
        ],
    );
    let snapshot = store.snapshot().unwrap();
    assert_eq!(snapshot.conflicts, store.conflicts().unwrap());
    assert_eq!(snapshot.conflicts.len(), 1);
    assert_eq!(snapshot.conflicts[0].winner_file, "file:/a.yaml");
    assert_eq!(snapshot.conflicts[0].loser_file, "file:/b.yaml");
    assert_eq!(snapshot.diagnostics.len(), 2, "the warning and the conflict: {:?}", snapshot.diagnostics);

    // a.yaml drops "old" and its warning; b.yaml is unchanged.
    import(
        store,
        vec![
            parsed("file:/a.yaml", 2, vec![component("web", "t")], vec![]),
            FileOutcome::Unchanged { state: state("file:/b.yaml", 1), touched: false },
        ],
    );
    let snapshot = store.snapshot().unwrap();
    let old = snapshot.entities.iter().find(|e| e.entity_ref == "component:default/old").unwrap();
    assert!(old.orphan, "kept and flagged, not deleted");
    assert_eq!(snapshot.conflicts.len(), 1, "b.yaml was not reprocessed: its conflict stands");
    assert_eq!(snapshot.diagnostics.len(), 1);
    assert!(snapshot.diagnostics[0].message.contains("already declared"));

    // The file disappears: its remaining entity is orphaned too, its state removed.
    import(store, vec![FileOutcome::Removed { key: "file:/a.yaml".into() }]);
    let snapshot = store.snapshot().unwrap();
    assert!(snapshot.entities.iter().all(|e| e.orphan));
    assert!(!store.file_states().unwrap().contains_key("file:/a.yaml"));
    let claims = store.claims().unwrap();
    assert!(claims["component:default/web"].orphan);
}

fn locations_are_registered_once(store: &dyn CatalogStore) {
    let first = store.add_location("file", "/srv/catalog/all.yaml").unwrap();
    let again = store.add_location("file", "/srv/catalog/all.yaml").unwrap();
    assert_eq!(first, again);
    let second = store.add_location("git", "/srv/repos/a.git?ref=main").unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(store.locations().unwrap(), vec![first.clone(), second.clone()]);
    assert!(store.remove_location(&first.id).unwrap());
    assert!(!store.remove_location(&first.id).unwrap());
    assert_eq!(store.locations().unwrap(), vec![second]);
}

fn large_imports_fit_in_one_transaction(store: &dyn CatalogStore) {
    // More rows than PostgreSQL's 65,535 bind parameters in one statement.
    let entities: Vec<NewEntity> = (0..70_000).map(|i| component(&format!("svc-{i}"), "team")).collect();
    assert_eq!(import(store, vec![parsed("file:/big.yaml", 1, entities, vec![])]), 1);
    assert_eq!(store.claims().unwrap().len(), 70_000);
    let _ = HashMap::<u8, u8>::new();
}

fn problems_and_read_model_images_follow_the_generation(store: &dyn CatalogStore) {
    let generation = import(
        store,
        vec![
            parsed("file:/a.yaml", 1, vec![component("web", "team-a")], vec![warning("/a.yaml", "odd")]),
            parsed("file:/b.yaml", 1, vec![component("web", "team-b")], vec![]),
        ],
    );
    let problems = store.problems().unwrap();
    let snapshot = store.snapshot().unwrap();
    assert_eq!(problems.generation, generation);
    assert_eq!(problems.conflicts, snapshot.conflicts);
    assert_eq!(problems.conflicts.len(), 1, "the second claim on web is a conflict");
    assert_eq!(problems.diagnostics, snapshot.diagnostics);
    assert!(!problems.diagnostics.is_empty());

    // No image until one is saved; then only for its generation.
    assert!(store.read_model_image(generation).unwrap().is_none());
    let catalog = Catalog::build(snapshot);
    store.save_read_model_image(generation, &mut |out| catalog.write_image(out)).unwrap();
    assert!(store.read_model_image(generation + 1).unwrap().is_none());
    let mut image = Vec::new();
    store.read_model_image(generation).unwrap().expect("saved image").read_to_end(&mut image).unwrap();
    let loaded = Catalog::read_image(image.as_slice(), generation).unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded.by_ref_text("component:web").unwrap().file_key, "file:/a.yaml");

    // A large image comes back byte for byte (stores may keep it in pieces).
    let large: Vec<u8> = (0..2_500_000u32).map(|i| (i % 251) as u8).collect();
    store.save_read_model_image(generation + 1, &mut |out| out.write_all(&large)).unwrap();
    let mut back = Vec::new();
    store.read_model_image(generation + 1).unwrap().expect("saved image").read_to_end(&mut back).unwrap();
    assert!(back == large, "{} bytes back of {}", back.len(), large.len());
    assert!(store.read_model_image(generation).unwrap().is_none(), "only the newest image is kept");
}

fn entities_record_when_their_content_last_changed(store: &dyn CatalogStore) {
    let at = |store: &dyn CatalogStore, name: &str| {
        let reference = format!("component:default/{name}");
        store.snapshot().unwrap().entities.into_iter().find(|e| e.entity_ref == reference).map(|e| e.changed_at)
    };
    let apply_at = |store: &dyn CatalogStore, outcomes: Vec<FileOutcome>, time: i64| {
        let mut changes = reconcile(&store.claims().unwrap(), outcomes);
        changes.changed_at = time;
        store.apply(&changes).unwrap();
    };
    apply_at(
        store,
        vec![parsed("file:/a.yaml", 1, vec![component("web", "team-a"), component("api", "team-a")], vec![])],
        100,
    );
    assert_eq!((at(store, "web"), at(store, "api")), (Some(100), Some(100)));
    // The file changes: web's owner changes, api is written again unchanged.
    apply_at(
        store,
        vec![parsed("file:/a.yaml", 2, vec![component("web", "team-b"), component("api", "team-a")], vec![])],
        200,
    );
    assert_eq!((at(store, "web"), at(store, "api")), (Some(200), Some(100)));
    // api disappears from its file: becoming an orphan is a change.
    apply_at(store, vec![parsed("file:/a.yaml", 3, vec![component("web", "team-b")], vec![])], 300);
    assert_eq!((at(store, "web"), at(store, "api")), (Some(200), Some(300)));
}

fn open(url: &str) -> Box<dyn CatalogStore> {
    kiosque_store::open(url).unwrap_or_else(|e| panic!("{e}"))
}

kiosque_storage::for_each_backend!(
    open;
    empty_store_has_nothing,
    import_round_trips_entities_relations_and_files,
    empty_change_keeps_generation,
    a_change_that_writes_nothing_keeps_the_generation,
    orphans_conflicts_and_diagnostics,
    locations_are_registered_once,
    large_imports_fit_in_one_transaction,
    problems_and_read_model_images_follow_the_generation,
    entities_record_when_their_content_last_changed,
);
