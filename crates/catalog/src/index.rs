use std::collections::BTreeMap;

use kiosque_model::{EntityRef, RelationType, Severity, ANNOTATION_ORPHAN};
use rayon::prelude::*;
use serde_json::Value;

use crate::change::{Conflict, Snapshot, StoredEntity};
use crate::diagnostic::Diagnostic;
use crate::text;

/// Position of an entity in the read model. Ids follow the order of the
/// canonical references, so sorted id lists are sorted by reference.
pub type EntityId = u32;

/// Values longer than this are not indexed for equality filters (Backstage
/// does the same); such filters fall back to scanning.
const MAX_INDEXED_VALUE: usize = 200;

/// Fields whose values are unique per entity or long prose: indexing them
/// would cost memory for filters nobody runs, so they are matched by scanning.
const UNINDEXED_VALUES: [&str; 8] = [
    "metadata.uid",
    "metadata.etag",
    "metadata.title",
    "metadata.description",
    "metadata.annotations.backstage.io/managed-by-location",
    "metadata.annotations.backstage.io/managed-by-origin-location",
    "metadata.links.url",
    "spec.definition",
];

/// Full-text fields, as bits: a match in the name weighs most.
pub(crate) const FIELD_NAME: u8 = 1;
pub(crate) const FIELD_TITLE: u8 = 2;
pub(crate) const FIELD_TAG: u8 = 4;
pub(crate) const FIELD_DESCRIPTION: u8 = 8;

pub(crate) struct Entry {
    pub(crate) entity_ref: Box<str>,
    pub(crate) kind: Box<str>,
    pub(crate) body: Box<str>,
    pub(crate) file_key: Box<str>,
    pub(crate) line: u32,
    pub(crate) col: u32,
    pub(crate) orphan: bool,
    /// Relations from this entity: type and interned target reference.
    pub(crate) relations: Vec<(RelationType, u32)>,
}

pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// A key's values while the index is being built.
struct ValueSlot {
    /// The value as first written, when it differs from its lower-case key.
    display: Option<Box<str>>,
    ids: Vec<EntityId>,
}

#[derive(Default)]
struct KeyBuilder {
    present: Vec<EntityId>,
    values: FastMap<Box<str>, ValueSlot>,
    indexed: bool,
}

/// The entities a word occurs in, with the fields it occurs in (bits).
pub(crate) type WordPostings = Vec<(EntityId, u8)>;

/// Values held by at least one entity in this many get a bitmap.
const BITMAP_RATIO: usize = 64;

/// One key's postings, frozen: distinct lower-case values sorted, their
/// entity ids laid end to end. A few hundred thousand distinct values cost
/// a string and an offset each, not a hash-map entry and a vector.
#[derive(Default)]
pub(crate) struct KeyIndex {
    /// Entities that have the key at all.
    pub(crate) present: Vec<EntityId>,
    /// False when values are not indexed: filters on this key scan.
    pub(crate) indexed: bool,
    values: Vec<Box<str>>,
    /// `ids[offsets[i]..offsets[i + 1]]` hold value `i`.
    offsets: Vec<u32>,
    ids: Vec<EntityId>,
    /// Original spellings, where they differ from the lower-case value.
    display: FastMap<u32, Box<str>>,
    /// The ids of common values (kind, lifecycle, type…) as bitmaps too:
    /// counting their intersections word by word is cheaper.
    bits: FastMap<u32, Box<[u64]>>,
}

/// One value of a key.
#[derive(Clone, Copy)]
pub(crate) struct Slot<'a> {
    pub(crate) ids: &'a [EntityId],
    pub(crate) bits: Option<&'a [u64]>,
    pub(crate) display: &'a str,
}

impl KeyIndex {
    fn freeze(builder: KeyBuilder, entity_count: usize) -> KeyIndex {
        let mut values: Vec<(Box<str>, ValueSlot)> = builder.values.into_iter().collect();
        values.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut index = KeyIndex { present: builder.present, indexed: builder.indexed, ..KeyIndex::default() };
        index.present.shrink_to_fit();
        index.offsets.reserve_exact(values.len() + 1);
        index.ids.reserve_exact(values.iter().map(|(_, s)| s.ids.len()).sum());
        let dense = (entity_count / BITMAP_RATIO).max(1024);
        for (i, (value, slot)) in values.into_iter().enumerate() {
            index.offsets.push(index.ids.len() as u32);
            if slot.ids.len() > dense {
                let mut bits = vec![0u64; entity_count.div_ceil(64)];
                for id in &slot.ids {
                    bits[*id as usize / 64] |= 1 << (id % 64);
                }
                index.bits.insert(i as u32, bits.into_boxed_slice());
            }
            index.ids.extend_from_slice(&slot.ids);
            if let Some(display) = slot.display {
                index.display.insert(i as u32, display);
            }
            index.values.push(value);
        }
        index.offsets.push(index.ids.len() as u32);
        index
    }

    fn slot(&self, i: usize) -> Slot<'_> {
        Slot {
            ids: &self.ids[self.offsets[i] as usize..self.offsets[i + 1] as usize],
            bits: self.bits.get(&(i as u32)).map(|b| &**b),
            display: self.display.get(&(i as u32)).map_or(&*self.values[i], |d| &**d),
        }
    }

    /// The postings of a lower-case value.
    pub(crate) fn get(&self, value: &str) -> Option<Slot<'_>> {
        let i = self.values.binary_search_by(|v| (**v).cmp(value)).ok()?;
        Some(self.slot(i))
    }

    /// Every value, in order, with its postings.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, Slot<'_>)> {
        (0..self.values.len()).map(|i| (&*self.values[i], self.slot(i)))
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

/// The read model: every entity of a snapshot, indexed in memory.
pub struct Catalog {
    pub(crate) generation: u64,
    pub(crate) entries: Vec<Entry>,
    pub(crate) by_ref: FastMap<Box<str>, EntityId>,
    /// Relation targets that name no entity: target ids from the entity
    /// count on (below it, a target id is the entity's id).
    pub(crate) dangling: Vec<Box<str>>,
    pub(crate) dangling_ids: FastMap<Box<str>, u32>,
    /// For each target, the relations that point at it: answers
    /// `relations.<type>=<ref>` filters and facets without a field index.
    pub(crate) incoming: Vec<Vec<(RelationType, EntityId)>>,
    /// Flattened `key=value` postings of the entities' own fields.
    pub(crate) fields: FastMap<Box<str>, KeyIndex>,
    /// Full-text tokens → (entity, fields where the token occurs).
    /// Sorted by word, for prefix search by binary search.
    pub(crate) words: Vec<(Box<str>, WordPostings)>,
    pub(crate) conflicts: Vec<Conflict>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// One entity as the API returns it.
pub struct EntityView<'a> {
    pub id: EntityId,
    pub entity_ref: &'a str,
    pub file_key: &'a str,
    pub line: u32,
    pub col: u32,
    pub orphan: bool,
    catalog: &'a Catalog,
}

/// One relation as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationView<'a> {
    pub kind: RelationType,
    pub target: &'a str,
}

impl<'a> EntityView<'a> {
    /// The entity as Backstage returns it: the stored body with its
    /// `relations` array appended.
    pub fn to_json(&self) -> String {
        let entry = &self.catalog.entries[self.id as usize];
        let mut out = String::with_capacity(entry.body.len() + 64 * entry.relations.len() + 16);
        let body = entry.body.trim_end();
        out.push_str(&body[..body.len() - 1]);
        out.push_str(if body.len() > 2 { ",\"relations\":[" } else { "\"relations\":[" });
        for (i, (kind, target)) in entry.relations.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let target = self.catalog.target_str(*target);
            let (k, rest) = target.split_once(':').unwrap_or(("", target));
            let (ns, name) = rest.split_once('/').unwrap_or(("default", rest));
            out.push_str("{\"type\":\"");
            out.push_str(kind.as_str());
            out.push_str("\",\"targetRef\":");
            push_json_string(&mut out, target);
            out.push_str(",\"target\":{\"kind\":");
            push_json_string(&mut out, k);
            out.push_str(",\"namespace\":");
            push_json_string(&mut out, ns);
            out.push_str(",\"name\":");
            push_json_string(&mut out, name);
            out.push_str("}}");
        }
        out.push_str("]}");
        out
    }

    /// The stored body, parsed.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.to_json()).unwrap_or(Value::Null)
    }

    pub fn kind(&self) -> &'a str {
        &self.catalog.entries[self.id as usize].kind
    }

    pub fn relations(&self) -> impl Iterator<Item = RelationView<'a>> + 'a {
        let catalog = self.catalog;
        catalog.entries[self.id as usize]
            .relations
            .iter()
            .map(move |(kind, target)| RelationView { kind: *kind, target: catalog.target_str(*target) })
    }
}

/// Appends a JSON string literal; references rarely need escaping, so the
/// common case is a plain copy.
pub fn push_json_string(out: &mut String, text: &str) {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(text).unwrap_or_default());
    }
}

impl Catalog {
    /// Builds the read model from a snapshot. Relations are attached to their
    /// source entity whichever entity declared them, de-duplicated.
    pub fn build(snapshot: Snapshot) -> Catalog {
        let Snapshot { generation, mut entities, conflicts, diagnostics } = snapshot;
        // Stores return them sorted already; this only checks.
        if !entities.is_sorted_by(|a, b| a.entity_ref <= b.entity_ref) {
            entities.par_sort_unstable_by(|a, b| a.entity_ref.cmp(&b.entity_ref));
        }
        let mut catalog = Catalog {
            generation,
            entries: Vec::with_capacity(entities.len()),
            by_ref: FastMap::default(),
            dangling: Vec::new(),
            dangling_ids: FastMap::default(),
            incoming: Vec::new(),
            fields: FastMap::default(),
            words: Vec::new(),
            conflicts,
            diagnostics,
        };
        catalog.by_ref.reserve(entities.len());
        // First pass: entries and their ids, so relations can find their source.
        let mut pending_relations = Vec::with_capacity(entities.len());
        for (id, stored) in entities.into_iter().enumerate() {
            let StoredEntity { entity_ref, file_key, line, col, orphan, mut body, relations } = stored;
            catalog.by_ref.insert(entity_ref.clone().into_boxed_str(), id as EntityId);
            let kind = entity_ref.split(':').next().unwrap_or("").into();
            if orphan {
                mark_orphan(&mut body);
            }
            catalog.entries.push(Entry {
                entity_ref: entity_ref.into_boxed_str(),
                kind,
                body: body.into_boxed_str(),
                file_key: file_key.into_boxed_str(),
                line,
                col,
                orphan,
                relations: Vec::new(),
            });
            pending_relations.push(relations);
        }
        // Relation targets: an existing entity's id is its target id; other
        // targets (dangling references) are numbered after the entities.
        let mut dangling: Vec<Diagnostic> = Vec::new();
        let entity_count = catalog.entries.len() as u32;
        for (own_id, relations) in pending_relations.into_iter().enumerate() {
            for (kind, source, target, position) in relations.iter_with_positions() {
                // Each relation is stored both ways in its declarer's row; the
                // declared direction is enough to attach both.
                if catalog.entries[own_id].entity_ref.as_ref() != source {
                    continue;
                }
                let Some(kind) = RelationType::parse(kind) else { continue };
                let target_id = match catalog.by_ref.get(target) {
                    Some(&id) => {
                        catalog.entries[id as usize].relations.push((kind.inverse(), own_id as u32));
                        id
                    }
                    None => {
                        let entry = &catalog.entries[own_id];
                        let (line, col) = position.unwrap_or((entry.line, entry.col));
                        dangling.push(Diagnostic {
                            file: crate::change::display_key(&entry.file_key).to_string(),
                            line,
                            col,
                            severity: Severity::Warning,
                            message: format!(
                                "{source} {} {target}, which does not exist in the catalog",
                                kind.as_str()
                            ),
                        });
                        match catalog.dangling_ids.get(target) {
                            Some(&id) => id,
                            None => {
                                let id = entity_count + catalog.dangling.len() as u32;
                                catalog.dangling.push(target.into());
                                catalog.dangling_ids.insert(target.into(), id);
                                id
                            }
                        }
                    }
                };
                catalog.entries[own_id].relations.push((kind, target_id));
            }
        }
        dangling.sort();
        dangling.dedup();
        catalog.diagnostics.extend(dangling);
        catalog.incoming = vec![Vec::new(); entity_count as usize + catalog.dangling.len()];
        for id in 0..catalog.entries.len() {
            let mut list = std::mem::take(&mut catalog.entries[id].relations);
            // Both sides may declare the same relation (a group's children and
            // a child's parent): keep one.
            list.sort_unstable_by(|a, b| {
                (a.0.as_str(), catalog.target_str(a.1)).cmp(&(b.0.as_str(), catalog.target_str(b.1)))
            });
            list.dedup();
            for (kind, target) in list.iter() {
                catalog.incoming[*target as usize].push((*kind, id as EntityId));
            }
            catalog.entries[id].relations = list;
        }

        // Parsing and flattening every body is the costly part: in parallel,
        // then merged into the indexes in id order (posting lists stay sorted).
        // Chunks bound the memory the extracted pairs take at once.
        let mut words: FastMap<Box<str>, WordPostings> = FastMap::default();
        let mut builders: FastMap<Box<str>, KeyBuilder> = FastMap::default();
        for start in (0..catalog.entries.len()).step_by(EXTRACT_CHUNK) {
            let end = (start + EXTRACT_CHUNK).min(catalog.entries.len());
            let extracted: Vec<Extracted> =
                catalog.entries[start..end].par_iter().map(|entry| extract(&entry.body)).collect();
            for (offset, extracted) in extracted.into_iter().enumerate() {
                index_entity((start + offset) as EntityId, extracted, &mut builders, &mut words);
            }
        }
        catalog.words = words.into_iter().collect();
        catalog.words.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for words in catalog.words.iter_mut() {
            words.1.shrink_to_fit();
        }
        let count = catalog.entries.len();
        catalog.fields = builders.into_iter().map(|(key, builder)| (key, KeyIndex::freeze(builder, count))).collect();
        for entry in catalog.entries.iter_mut() {
            entry.relations.shrink_to_fit();
        }
        for incoming in catalog.incoming.iter_mut() {
            incoming.shrink_to_fit();
        }
        catalog
    }
}

fn index_entity(
    id: EntityId,
    extracted: Extracted,
    builders: &mut FastMap<Box<str>, KeyBuilder>,
    words: &mut FastMap<Box<str>, WordPostings>,
) {
    for (key, lower, original) in extracted.pairs {
        let index = match builders.get_mut(key.as_str()) {
            Some(index) => index,
            None => builders.entry(key.clone().into_boxed_str()).or_insert_with(|| KeyBuilder {
                indexed: !UNINDEXED_VALUES.contains(&key.as_str()),
                ..KeyBuilder::default()
            }),
        };
        if index.present.last() != Some(&id) {
            index.present.push(id);
        }
        if !index.indexed || lower.len() > MAX_INDEXED_VALUE {
            continue;
        }
        let slot = match index.values.get_mut(lower.as_str()) {
            Some(slot) => slot,
            None => index
                .values
                .entry(lower.into_boxed_str())
                .or_insert_with(|| ValueSlot { display: original.map(String::into_boxed_str), ids: Vec::new() }),
        };
        if slot.ids.last() != Some(&id) {
            slot.ids.push(id);
        }
    }
    for (token, fields) in extracted.words {
        match words.get_mut(token.as_str()) {
            Some(postings) => postings.push((id, fields)),
            None => {
                words.insert(token.into_boxed_str(), vec![(id, fields)]);
            }
        }
    }
}

impl Catalog {
    /// The reference a relation target id stands for.
    pub(crate) fn target_str(&self, target: u32) -> &str {
        match self.entries.get(target as usize) {
            Some(entry) => &entry.entity_ref,
            None => &self.dangling[target as usize - self.entries.len()],
        }
    }

    /// The target id of a reference, if anything points at it.
    pub(crate) fn target_id(&self, reference: &str) -> Option<u32> {
        self.by_ref.get(reference).or_else(|| self.dangling_ids.get(reference)).copied()
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: EntityId) -> Option<EntityView<'_>> {
        let entry = self.entries.get(id as usize)?;
        Some(EntityView {
            id,
            entity_ref: &entry.entity_ref,
            file_key: &entry.file_key,
            line: entry.line,
            col: entry.col,
            orphan: entry.orphan,
            catalog: self,
        })
    }

    /// Looks an entity up by reference, in any case.
    pub fn by_ref(&self, entity_ref: &EntityRef) -> Option<EntityView<'_>> {
        self.get(*self.by_ref.get(entity_ref.to_string().as_str())?)
    }

    pub fn by_ref_text(&self, text: &str) -> Option<EntityView<'_>> {
        let parsed = EntityRef::parse(text, None, None).ok()?;
        self.by_ref(&parsed)
    }

    pub fn orphans(&self) -> impl Iterator<Item = EntityView<'_>> {
        (0..self.entries.len() as EntityId).filter(|&id| self.entries[id as usize].orphan).filter_map(|id| self.get(id))
    }

    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Relation targets that name no entity of the catalog.
    pub fn dangling_targets(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.dangling.iter().map(|t| &**t).collect();
        out.sort();
        out
    }

    /// Entity counts per kind, for metrics.
    pub fn counts_by_kind(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for entry in &self.entries {
            *counts.entry(&entry.kind).or_default() += 1;
        }
        counts.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

const EXTRACT_CHUNK: usize = 4096;

/// What one entity contributes to the indexes.
struct Extracted {
    /// Flattened key, lower-case value, and the value as written when it differs.
    pairs: Vec<(String, String, Option<String>)>,
    words: Vec<(String, u8)>,
}

fn extract(body: &str) -> Extracted {
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        return Extracted { pairs: Vec::new(), words: Vec::new() };
    };
    let mut flat: Vec<(String, String)> = Vec::with_capacity(32);
    flatten("", &value, &mut flat);
    if value.pointer("/metadata/namespace").is_none() {
        flat.push(("metadata.namespace".into(), "default".into()));
    }
    // Lower-cased here, in parallel, rather than while merging.
    let pairs = flat
        .into_iter()
        .map(|(key, value)| {
            let lower = value.to_lowercase();
            let original = (lower != value).then_some(value);
            (key, lower, original)
        })
        .collect();
    let metadata = value.get("metadata");
    let text_of = |field: &str| metadata.and_then(|m| m.get(field)).and_then(Value::as_str).unwrap_or("");
    let mut found: FastMap<String, u8> = FastMap::default();
    for (field, bit) in [("name", FIELD_NAME), ("title", FIELD_TITLE), ("description", FIELD_DESCRIPTION)] {
        for token in text::tokens(text_of(field)) {
            *found.entry(token).or_default() |= bit;
        }
    }
    if let Some(Value::Array(tags)) = metadata.and_then(|m| m.get("tags")) {
        for tag in tags.iter().filter_map(Value::as_str) {
            for token in text::tokens(tag) {
                *found.entry(token).or_default() |= FIELD_TAG;
            }
        }
    }
    Extracted { pairs, words: found.into_iter().collect() }
}

/// Adds Backstage's orphan annotation to a stored body.
fn mark_orphan(body: &mut String) {
    if let Ok(mut value) = serde_json::from_str::<Value>(body) {
        if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
            let annotations = metadata.entry("annotations").or_insert_with(|| Value::Object(Default::default()));
            if let Some(a) = annotations.as_object_mut() {
                a.insert(ANNOTATION_ORPHAN.into(), Value::String("true".into()));
            }
        }
        *body = value.to_string();
    }
}

/// Flattens an entity into `dotted.key = value` pairs, as Backstage's search
/// table does: arrays contribute each item under the same key.
pub(crate) fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if prefix.is_empty() && k == "relations" {
                    continue;
                }
                let key = if prefix.is_empty() {
                    k.to_ascii_lowercase()
                } else {
                    format!("{prefix}.{}", k.to_ascii_lowercase())
                };
                flatten(&key, v, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                flatten(prefix, item, out);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// Sizes of the read model's parts, for operators and benchmarks.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CatalogStats {
    pub entities: usize,
    pub relations: usize,
    pub relation_targets: usize,
    pub indexed_keys: usize,
    pub indexed_values: usize,
    pub postings: usize,
    pub bitmaps: usize,
    pub words: usize,
    pub word_postings: usize,
}

impl Catalog {
    pub fn stats(&self) -> CatalogStats {
        CatalogStats {
            entities: self.entries.len(),
            relations: self.entries.iter().map(|e| e.relations.len()).sum(),
            relation_targets: self.entries.len() + self.dangling.len(),
            indexed_keys: self.fields.len(),
            indexed_values: self.fields.values().map(KeyIndex::len).sum(),
            postings: self.fields.values().flat_map(KeyIndex::iter).map(|(_, s)| s.ids.len()).sum(),
            bitmaps: self.fields.values().flat_map(KeyIndex::iter).filter(|(_, s)| s.bits.is_some()).count(),
            words: self.words.len(),
            word_postings: self.words.iter().map(|(_, p)| p.len()).sum(),
        }
    }
}
