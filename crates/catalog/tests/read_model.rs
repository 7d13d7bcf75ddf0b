use std::collections::HashMap;

use kiosque_catalog::{reconcile, Catalog, FileOutcome, FileState, FilterSet, NewEntity, Order, Query, Snapshot};
use kiosque_model::{derive_relations, Entity, RelationType};
use serde_json::{json, Value};

fn new_entity(value: Value) -> NewEntity {
    let entity = Entity::from_value(value.clone()).unwrap();
    let derived = derive_relations(&entity);
    assert!(derived.problems.is_empty());
    let relations = derived.relations;
    NewEntity {
        entity_ref: entity.entity_ref().unwrap().to_string(),
        body: value,
        line: 1,
        col: 1,
        relations,
        references: vec![],
    }
}

fn component(name: &str, owner: &str, lifecycle: &str, tags: &[&str], title: &str) -> Value {
    json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
           "metadata": {"name": name, "title": title, "tags": tags},
           "spec": {"type": "service", "lifecycle": lifecycle, "owner": owner, "system": "banking"}})
}

/// A small catalog: three components, one group, one system.
fn catalog() -> Catalog {
    let entities = vec![
        new_entity(component("accounts", "team-a", "production", &["java", "pci"], "Comptes courants")),
        new_entity(component("Payments", "team-a", "experimental", &["rust"], "SEPA transfers")),
        new_entity(component("ledger", "team-b", "production", &["java"], "General ledger")),
        new_entity(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "team-a"},
            "spec": {"type": "stream-aligned", "children": []}})),
        new_entity(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "System", "metadata": {"name": "banking"},
            "spec": {"owner": "team-a"}})),
    ];
    catalog_of(entities)
}

/// Entities of one file, imported into an empty store and loaded.
fn catalog_of(entities: Vec<NewEntity>) -> Catalog {
    let state = FileState {
        key: "file:/c.yaml".into(),
        origin: "file:/c.yaml".into(),
        hash: 1,
        size: 1,
        mtime_ns: 1,
        dependencies: vec![],
        locations: vec![],
    };
    let changes =
        reconcile(&HashMap::new(), vec![FileOutcome::Parsed { state, entities, kept: vec![], diagnostics: vec![] }]);
    Catalog::build(Snapshot { generation: 1, entities: changes.upserts, conflicts: vec![], diagnostics: vec![] })
}

fn refs(catalog: &Catalog, ids: &[u32]) -> Vec<String> {
    ids.iter().map(|id| catalog.get(*id).unwrap().entity_ref.to_string()).collect()
}

fn sets(texts: &[&str]) -> Vec<FilterSet> {
    texts.iter().map(|t| FilterSet::parse(t).unwrap()).collect()
}

#[test]
fn filters_and_within_or_across_sets() {
    let c = catalog();
    let ids = c.filter(&sets(&["kind=component,spec.lifecycle=production"]));
    assert_eq!(refs(&c, &ids), ["component:default/accounts", "component:default/ledger"]);
    let ids = c.filter(&sets(&["kind=group", "metadata.tags=rust"]));
    assert_eq!(refs(&c, &ids), ["component:default/payments", "group:default/team-a"]);
    // A key repeated in one set accepts either value; values are case-insensitive.
    let ids = c.filter(&sets(&["metadata.name=LEDGER,metadata.name=payments"]));
    assert_eq!(refs(&c, &ids), ["component:default/ledger", "component:default/payments"]);
    // Relations are filterable, and a key alone means "exists".
    let ids = c.filter(&sets(&["relations.ownedby=group:default/team-b"]));
    assert_eq!(refs(&c, &ids), ["component:default/ledger"]);
    assert_eq!(c.filter(&sets(&["spec.type"])).len(), 4);
    assert!(c.filter(&sets(&["no.such.key=x"])).is_empty());
    // Unindexed fields are matched by scanning.
    let uid =
        c.by_ref_text("component:default/ledger").unwrap().value()["metadata"]["uid"].as_str().unwrap().to_string();
    assert_eq!(refs(&c, &c.filter(&sets(&[&format!("metadata.uid={uid}")]))), ["component:default/ledger"]);
}

#[test]
fn facets_count_original_spelling() {
    let c = catalog();
    assert_eq!(
        c.facets("kind", None),
        vec![("Component".to_string(), 3), ("Group".to_string(), 1), ("System".to_string(), 1)]
    );
    assert_eq!(c.facets("metadata.tags", None), vec![("java".into(), 2), ("pci".into(), 1), ("rust".into(), 1)]);
    let production = c.filter(&sets(&["spec.lifecycle=production"]));
    assert_eq!(c.facets("spec.owner", Some(&production)), vec![("team-a".into(), 1), ("team-b".into(), 1)]);
}

#[test]
fn full_text_ranks_name_over_description_and_folds_accents() {
    let c = catalog();
    let found: Vec<String> =
        c.search("comptes").into_iter().map(|(id, _)| c.get(id).unwrap().entity_ref.to_string()).collect();
    assert_eq!(found, ["component:default/accounts"]);
    let found = c.search("led");
    assert_eq!(found.len(), 1);
    // Every word must match.
    assert!(c.search("ledger rust").is_empty());
    assert_eq!(c.search("java").len(), 2);
}

#[test]
fn pages_resume_after_the_cursor() {
    let c = catalog();
    let mut query = Query {
        limit: Some(2),
        order: Some(Order { field: "metadata.name".into(), descending: false }),
        ..Query::default()
    };
    let first = c.query(&query);
    assert_eq!(first.total, 5);
    assert_eq!(refs(&c, &first.ids), ["component:default/accounts", "system:default/banking"]);
    query.after = first.next.clone();
    let second = c.query(&query);
    assert_eq!(refs(&c, &second.ids), ["component:default/ledger", "component:default/payments"]);
    query.after = second.next.clone();
    let third = c.query(&query);
    assert_eq!(refs(&c, &third.ids), ["group:default/team-a"]);
    assert!(third.next.is_none());
    let desc = c.query(&Query {
        limit: Some(1),
        order: Some(Order { field: "metadata.name".into(), descending: true }),
        ..Query::default()
    });
    assert_eq!(refs(&c, &desc.ids), ["group:default/team-a"]);
}

#[test]
fn entity_json_carries_relations_both_ways() {
    let c = catalog();
    let group: Value = serde_json::from_str(&c.by_ref_text("group:team-a").unwrap().to_json()).unwrap();
    let owned: Vec<&str> = group["relations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "ownerOf")
        .map(|r| r["targetRef"].as_str().unwrap())
        .collect();
    assert_eq!(owned, ["component:default/accounts", "component:default/payments", "system:default/banking"]);
    let graph =
        c.graph(c.by_ref_text("system:banking").unwrap().id, 2, &[RelationType::HasPart, RelationType::OwnedBy], 100);
    // banking → its three parts and its owner; ledger → its owner team-b (two hops).
    assert_eq!(graph.nodes.len(), 6, "{:?}", graph.nodes);
    assert!(graph.nodes.contains(&"group:default/team-b".to_string()));
    // team-b is not an entity: a dangling target.
    assert_eq!(c.dangling_targets(), ["group:default/team-b"]);
}

#[test]
fn paging_one_by_one_visits_every_match_once() {
    let c = catalog();
    for filter in ["kind=component", "kind=component,metadata.tags=java", "spec.owner=team-a", "kind=nothing"] {
        let expected = refs(&c, &c.filter(&sets(&[filter])));
        for count_total in [true, false] {
            let mut query = Query { filters: sets(&[filter]), limit: Some(1), count_total, ..Query::default() };
            let mut seen = Vec::new();
            loop {
                let page = c.query(&query);
                if count_total {
                    assert_eq!(page.total, expected.len(), "{filter}");
                }
                seen.extend(refs(&c, &page.ids));
                match page.next {
                    Some(next) => query.after = Some(next),
                    None => break,
                }
            }
            assert_eq!(seen, expected, "{filter}, count_total={count_total}");
        }
    }
}

/// Large enough that common values get bitmaps: counts must not change.
#[test]
fn totals_from_bitmaps_match_the_posting_lists() {
    let entities: Vec<NewEntity> = (0..3000)
        .map(|i| {
            let lifecycle = ["production", "experimental", "deprecated"][i % 3];
            let tags: &[&str] = if i % 2 == 0 { &["java"] } else { &["rust"] };
            new_entity(component(&format!("svc-{i:04}"), "team-a", lifecycle, tags, "t"))
        })
        .collect();
    let c = catalog_of(entities);
    // Worked out by hand: i % 3 == 0 and i even ⇔ i % 6 == 0: 500 of 3000.
    for (filter, expected) in
        [("kind=component,spec.lifecycle=production,metadata.tags=java", 500), ("metadata.tags=rust", 1500)]
    {
        let page = c.query(&Query { filters: sets(&[filter]), limit: Some(10), count_total: true, ..Query::default() });
        assert_eq!(page.total, expected, "{filter}");
        assert_eq!(page.ids.len(), 10);
    }
}
