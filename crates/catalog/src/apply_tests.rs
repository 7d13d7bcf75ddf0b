//! `Catalog::apply` against `Catalog::build`: after any sequence of
//! refreshes, moving the model forward must give the model a full rebuild
//! from the store's rows gives.

use std::collections::{BTreeMap, HashMap};

use kiosque_model::{derive_relations, Entity};
use serde_json::{json, Value};

use crate::change::{reconcile, FileOutcome, FileState, NewEntity, Snapshot, StoredEntity};
use crate::{Catalog, Claim};

/// A small deterministic generator (xorshift), enough for test data.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A component or group with random fields: values spelled in different
/// cases, references to entities that may not exist, shared words.
fn random_entity(rng: &mut Rng, name: &str) -> Value {
    if name.starts_with("team") {
        let parent = format!("team-{}", rng.below(6));
        return json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Group",
            "metadata": {"name": name, "description": rng.pick(&["Équipe paiements", "platform crew", "Payments"])},
            "spec": {"type": rng.pick(&["stream-aligned", "Platform", "platform"]), "children": [], "parent": parent}});
    }
    let depends: Vec<String> = (0..rng.below(3)).map(|_| format!("component:c-{}", rng.below(40))).collect();
    json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": name,
            "title": rng.pick(&["Ledger", "Grand livre", "Payments API", "ledger"]),
            "tags": [rng.pick(&["java", "Rust", "rust", "pci"]), rng.pick(&["kyc", "KYC", "gdpr"])],
            "annotations": {"github.com/project-slug": format!("bank/{}", rng.pick(&["a", "B", "b"]))}},
        "spec": {"type": rng.pick(&["service", "Service", "website"]),
            "lifecycle": rng.pick(&["production", "Production", "experimental"]),
            "owner": format!("team-{}", rng.below(6)), "dependsOn": depends}})
}

fn new_entity(value: &Value) -> NewEntity {
    let entity = Entity::from_value(value.clone()).expect("valid entity");
    let derived = derive_relations(&entity);
    NewEntity {
        entity_ref: entity.entity_ref().expect("named").to_string(),
        body: value.clone(),
        line: 3,
        col: 1,
        relations: derived.relations,
        references: vec![],
    }
}

/// Files of a simulated source tree and the rows of a simulated store.
struct World {
    files: BTreeMap<String, Vec<(String, Value)>>,
    rows: BTreeMap<String, StoredEntity>,
    generation: u64,
    version: i64,
}

impl World {
    fn outcome(&mut self, key: &str) -> FileOutcome {
        self.version += 1;
        let entities = self.files.get(key).map(|e| e.iter().map(|(_, v)| new_entity(v)).collect()).unwrap_or_default();
        let state = FileState {
            key: key.to_string(),
            origin: key.to_string(),
            hash: self.version as u64,
            size: 1,
            mtime_ns: self.version,
            dependencies: vec![],
            locations: vec![],
        };
        FileOutcome::Parsed { state, entities, kept: vec![], diagnostics: vec![] }
    }

    /// One refresh: reconcile the changed files, apply to the rows as the
    /// stores do, and return the change set.
    fn refresh(&mut self, changed: &[String]) -> crate::ChangeSet {
        let claims: HashMap<String, Claim> = self
            .rows
            .values()
            .map(|r| (r.entity_ref.clone(), Claim { file_key: r.file_key.clone(), orphan: r.orphan }))
            .collect();
        let outcomes = changed.iter().map(|key| self.outcome(key)).collect();
        let mut changes = reconcile(&claims, outcomes);
        self.generation += 1;
        changes.changed_at = 1_700_000_000 + self.generation as i64;
        for upsert in &changes.upserts {
            // The time moves only when the content does, as in the stores.
            let changed_at = match self.rows.get(&upsert.entity_ref) {
                Some(row)
                    if !row.orphan
                        && row.body == upsert.body
                        && (row.line, row.col) == (upsert.line, upsert.col)
                        && row.file_key == upsert.file_key =>
                {
                    row.changed_at
                }
                _ => changes.changed_at,
            };
            self.rows.insert(upsert.entity_ref.clone(), StoredEntity { orphan: false, changed_at, ..upsert.clone() });
        }
        for orphan in &changes.orphaned {
            if let Some(row) = self.rows.get_mut(orphan).filter(|row| !row.orphan) {
                row.orphan = true;
                row.changed_at = changes.changed_at;
            }
        }
        changes
    }

    fn build(&self) -> Catalog {
        Catalog::build(Snapshot {
            generation: self.generation,
            entities: self.rows.values().cloned().collect(),
            conflicts: vec![],
            diagnostics: vec![],
        })
    }
}

/// Names the first part of the two models that differs.
fn first_difference(a: &Catalog, b: &Catalog) -> &'static str {
    let parts: [(&str, bool); 15] = [
        ("refs", a.refs == b.refs),
        ("bodies", a.bodies == b.bodies),
        ("files", a.files == b.files),
        ("file_of", a.file_of == b.file_of),
        ("positions", a.positions == b.positions),
        ("orphan", a.orphan == b.orphan),
        ("changed_at", a.changed_at == b.changed_at),
        ("declared", a.declared == b.declared),
        ("dangling", a.dangling == b.dangling),
        ("relations", a.relations == b.relations),
        ("incoming", a.incoming == b.incoming),
        ("fields", a.fields == b.fields),
        ("words", a.words == b.words),
        ("word_postings", a.word_postings == b.word_postings),
        ("diagnostics", a.diagnostics == b.diagnostics),
    ];
    parts.iter().find(|(_, same)| !same).map_or("nothing", |(name, _)| name)
}

#[test]
fn applying_change_sets_equals_rebuilding_from_the_store() {
    for seed in 1..=40u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut world = World { files: BTreeMap::new(), rows: BTreeMap::new(), generation: 0, version: 0 };
        let names: Vec<String> = (0..40).map(|i| format!("c-{i}")).chain((0..6).map(|i| format!("team-{i}"))).collect();
        // Start with part of the names spread over a few files.
        for name in &names {
            if rng.below(3) == 0 {
                continue;
            }
            let value = random_entity(&mut rng, name);
            let file = format!("file:/repo/{}.yaml", rng.below(5));
            world.files.entry(file).or_default().push((name.clone(), value));
        }
        let all: Vec<String> = world.files.keys().cloned().collect();
        world.refresh(&all);
        let mut current = world.build();
        for step in 0..12 {
            let mut changed: Vec<String> = Vec::new();
            for _ in 0..1 + rng.below(4) {
                let name = &names[rng.below(names.len())];
                let file = format!("file:/repo/{}.yaml", rng.below(6));
                let entities = world.files.entry(file.clone()).or_default();
                match (rng.below(4), entities.iter().position(|(n, _)| n == name)) {
                    // Dropped from its file: becomes an orphan.
                    (0, Some(at)) => {
                        entities.remove(at);
                    }
                    // Edited in place.
                    (_, Some(at)) => entities[at].1 = random_entity(&mut rng, name),
                    // Declared here, new or also claimed by another file.
                    (_, None) => entities.push((name.clone(), random_entity(&mut rng, name))),
                }
                changed.push(file);
            }
            changed.sort();
            changed.dedup();
            let changes = world.refresh(&changed);
            let applied = current.apply(&changes, world.generation, vec![], vec![]);
            let rebuilt = world.build();
            assert!(
                applied == rebuilt,
                "seed {seed}, step {step}: {} differ after {} upserts and {} orphans",
                first_difference(&applied, &rebuilt),
                changes.upserts.len(),
                changes.orphaned.len()
            );
            current = applied;
        }
    }
}

#[test]
fn an_image_loads_back_as_the_same_model_and_damage_is_refused() {
    let mut rng = Rng(7);
    let mut world = World { files: BTreeMap::new(), rows: BTreeMap::new(), generation: 0, version: 0 };
    for i in 0..30 {
        let name = if i % 5 == 0 { format!("team-{}", i / 5) } else { format!("c-{i}") };
        let value = random_entity(&mut rng, &name);
        world.files.entry(format!("file:/repo/{}.yaml", i % 4)).or_default().push((name, value));
    }
    let all: Vec<String> = world.files.keys().cloned().collect();
    world.refresh(&all);
    let mut snapshot_rows: Vec<StoredEntity> = world.rows.values().cloned().collect();
    snapshot_rows[3].orphan = true;
    let catalog = Catalog::build(Snapshot {
        generation: 9,
        entities: snapshot_rows,
        conflicts: vec![crate::Conflict {
            entity_ref: "component:default/c-1".into(),
            winner_file: "file:/repo/0.yaml".into(),
            loser_file: "file:/repo/9.yaml".into(),
        }],
        diagnostics: vec![],
    });
    assert!(catalog.dangling.len() > 0 && catalog.len() == 30, "the sample has dangling references");
    let mut image = Vec::new();
    catalog.write_image(&mut image).expect("written");
    let loaded = Catalog::read_image(image.as_slice(), 9).expect("loads");
    assert!(loaded == catalog, "{} differ", first_difference(&loaded, &catalog));

    // Another generation, a truncated image, any flipped byte: refused.
    assert!(Catalog::read_image(image.as_slice(), 10).is_err());
    assert!(Catalog::read_image(&image[..image.len() - 1], 9).is_err());
    for at in (0..image.len()).step_by(image.len() / 97 + 1) {
        let mut damaged = image.clone();
        damaged[at] ^= 0x20;
        assert!(Catalog::read_image(damaged.as_slice(), 9).is_err(), "byte {at} flipped was accepted");
    }
}
