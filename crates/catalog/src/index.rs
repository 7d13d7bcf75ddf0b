use std::collections::BTreeMap;

use kiosque_model::{EntityRef, RelationType, Severity, ANNOTATION_ORPHAN};
use rayon::prelude::*;
use serde_json::Value;

use crate::change::{Conflict, Snapshot, StoredRelations};
use crate::diagnostic::Diagnostic;
use crate::table::{Rows, StrTable};
use crate::text;

/// Position of an entity in the read model. Ids follow the order of the
/// canonical references, so sorted id lists are sorted by reference.
pub type EntityId = u32;

/// Values longer than this are not indexed for equality filters (Backstage
/// does the same); such filters fall back to scanning.
pub(crate) const MAX_INDEXED_VALUE: usize = 200;

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

/// A relation as its declaring entity wrote it, with where it wrote the
/// reference. Targets below the entity count are entities, the others
/// dangling references (`dangling[target - entity count]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Declared {
    pub(crate) kind: RelationType,
    pub(crate) target: u32,
    pub(crate) line: u32,
    pub(crate) col: u32,
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
#[derive(Default, PartialEq)]
pub(crate) struct KeyIndex {
    /// Entities that have the key at all.
    pub(crate) present: Vec<EntityId>,
    /// False when values are not indexed: filters on this key scan.
    pub(crate) indexed: bool,
    pub(crate) values: StrTable,
    /// `postings.get(i)` holds the entities of value `i`.
    pub(crate) postings: Rows<EntityId>,
    /// Original spellings, where they differ from the lower-case value.
    pub(crate) display: FastMap<u32, Box<str>>,
    /// The ids of common values (kind, lifecycle, type…) as bitmaps too:
    /// counting their intersections word by word is cheaper.
    pub(crate) bits: FastMap<u32, Box<[u64]>>,
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
        index.values = StrTable::with_capacity(values.len(), values.iter().map(|(v, _)| v.len()).sum());
        index.postings.ends.reserve_exact(values.len());
        index.postings.items.reserve_exact(values.iter().map(|(_, s)| s.ids.len()).sum());
        for (value, slot) in values {
            index.add_value(&value, &slot.ids, slot.display);
        }
        index.finish(entity_count);
        index
    }

    /// Appends the next value in sorted order.
    pub(crate) fn add_value(&mut self, value: &str, ids: &[EntityId], display: Option<Box<str>>) {
        let i = self.values.len() as u32;
        self.values.push(value);
        self.postings.items.extend_from_slice(ids);
        self.postings.end_row();
        if let Some(display) = display {
            self.display.insert(i, display);
        }
    }

    /// Bitmaps for the common values, once every value is in.
    pub(crate) fn finish(&mut self, entity_count: usize) {
        let dense = (entity_count / BITMAP_RATIO).max(1024);
        self.bits.clear();
        for i in 0..self.values.len() {
            let ids = self.postings.get(i);
            if ids.len() > dense {
                let mut bits = vec![0u64; entity_count.div_ceil(64)];
                for id in ids {
                    bits[*id as usize / 64] |= 1 << (id % 64);
                }
                self.bits.insert(i as u32, bits.into_boxed_slice());
            }
        }
    }

    fn slot(&self, i: usize) -> Slot<'_> {
        Slot {
            ids: self.postings.get(i),
            bits: self.bits.get(&(i as u32)).map(|b| &**b),
            display: self.display.get(&(i as u32)).map_or(self.values.get(i), |d| &**d),
        }
    }

    /// The postings of a lower-case value.
    pub(crate) fn get(&self, value: &str) -> Option<Slot<'_>> {
        let i = self.values.find(value).ok()?;
        Some(self.slot(i))
    }

    /// Every value, in order, with its postings.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, Slot<'_>)> {
        (0..self.values.len()).map(|i| (self.values.get(i), self.slot(i)))
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

/// The read model: every entity of a snapshot, indexed in memory.
///
/// Entity ids are positions in `refs`, which is sorted, so any sorted id
/// list is sorted by reference too. Everything is held in a few flat
/// buffers (see `table.rs`): the model saves to an image and loads back
/// with one copy per buffer.
#[derive(PartialEq)]
pub struct Catalog {
    pub(crate) generation: u64,
    pub(crate) refs: StrTable,
    pub(crate) bodies: StrTable,
    /// Distinct source file keys, sorted; `file_of[id]` indexes them.
    pub(crate) files: StrTable,
    pub(crate) file_of: Vec<u32>,
    pub(crate) positions: Vec<(u32, u32)>,
    pub(crate) orphan: Vec<bool>,
    /// When each entity's content last changed (seconds since 1970).
    pub(crate) changed_at: Vec<i64>,
    /// What each entity declares; the rest of the relation data derives
    /// from it (see [`Catalog::link`]).
    pub(crate) declared: Rows<Declared>,
    /// Relation targets that name no entity, sorted: target id
    /// `entity count + i` is `dangling.get(i)`.
    pub(crate) dangling: StrTable,
    /// Each entity's relations, both the ones it declares and the inverse of
    /// the ones declared at it, sorted by type and target, de-duplicated.
    pub(crate) relations: Rows<(RelationType, u32)>,
    /// For each target, the relations that point at it: answers
    /// `relations.<type>=<ref>` filters and facets without a field index.
    pub(crate) incoming: Rows<(RelationType, EntityId)>,
    /// Flattened `key=value` postings of the entities' own fields.
    pub(crate) fields: FastMap<Box<str>, KeyIndex>,
    /// Full-text tokens, sorted (prefix search by binary search), with the
    /// entities and fields each occurs in.
    pub(crate) words: StrTable,
    pub(crate) word_postings: Rows<(EntityId, u8)>,
    pub(crate) conflicts: Vec<Conflict>,
    /// The store's diagnostics first, then warnings on dangling references.
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) stored_diagnostics: usize,
}

/// One entity as the API returns it.
pub struct EntityView<'a> {
    pub id: EntityId,
    pub entity_ref: &'a str,
    pub file_key: &'a str,
    pub line: u32,
    pub col: u32,
    pub orphan: bool,
    /// When its content last changed, in seconds since 1970 (0: unknown).
    pub changed_at: i64,
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
        let relations = self.catalog.relations.get(self.id as usize);
        let body = self.catalog.bodies.get(self.id as usize);
        let mut out = String::with_capacity(body.len() + 64 * relations.len() + 16);
        let body = body.trim_end();
        out.push_str(&body[..body.len().saturating_sub(1)]);
        out.push_str(if body.len() > 2 { ",\"relations\":[" } else { "\"relations\":[" });
        for (i, (kind, target)) in relations.iter().enumerate() {
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

    /// The entity as stored, parsed, without its `relations` array: what
    /// a page needs to show names, titles and fields, at a fraction of the
    /// cost for entities with many relations.
    pub fn body_value(&self) -> Value {
        serde_json::from_str(self.catalog.bodies.get(self.id as usize)).unwrap_or(Value::Null)
    }

    /// The stored body, parsed.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.to_json()).unwrap_or(Value::Null)
    }

    pub fn kind(&self) -> &'a str {
        self.entity_ref.split(':').next().unwrap_or("")
    }

    pub fn relations(&self) -> impl Iterator<Item = RelationView<'a>> + 'a {
        let catalog = self.catalog;
        catalog
            .relations
            .get(self.id as usize)
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
    pub(crate) fn empty(generation: u64) -> Catalog {
        Catalog {
            generation,
            refs: StrTable::default(),
            bodies: StrTable::default(),
            files: StrTable::default(),
            file_of: Vec::new(),
            positions: Vec::new(),
            orphan: Vec::new(),
            changed_at: Vec::new(),
            declared: Rows::default(),
            dangling: StrTable::default(),
            relations: Rows::default(),
            incoming: Rows::default(),
            fields: FastMap::default(),
            words: StrTable::default(),
            word_postings: Rows::default(),
            conflicts: Vec::new(),
            diagnostics: Vec::new(),
            stored_diagnostics: 0,
        }
    }

    /// Builds the read model from a snapshot. Relations are attached to their
    /// source entity whichever entity declared them, de-duplicated.
    pub fn build(snapshot: Snapshot) -> Catalog {
        let Snapshot { generation, mut entities, conflicts, diagnostics } = snapshot;
        // Stores return them sorted already; this only checks.
        if !entities.is_sorted_by(|a, b| a.entity_ref <= b.entity_ref) {
            entities.par_sort_unstable_by(|a, b| a.entity_ref.cmp(&b.entity_ref));
        }
        entities.dedup_by(|a, b| a.entity_ref == b.entity_ref);
        let mut catalog = Catalog::empty(generation);
        catalog.stored_diagnostics = diagnostics.len();
        catalog.diagnostics = diagnostics;
        catalog.conflicts = conflicts;
        let count = entities.len();
        catalog.refs = StrTable::with_capacity(count, entities.iter().map(|e| e.entity_ref.len()).sum());
        catalog.bodies = StrTable::with_capacity(count, entities.iter().map(|e| e.body.len()).sum());
        let mut file_keys: Vec<&str> = entities.iter().map(|e| e.file_key.as_str()).collect();
        file_keys.par_sort_unstable();
        file_keys.dedup();
        for key in &file_keys {
            catalog.files.push(key);
        }
        for entity in &entities {
            catalog.refs.push(&entity.entity_ref);
            catalog.file_of.push(catalog.files.find(&entity.file_key).unwrap_or(0) as u32);
            catalog.positions.push((entity.line, entity.col));
            catalog.orphan.push(entity.orphan);
            catalog.changed_at.push(entity.changed_at);
        }
        for entity in &mut entities {
            if entity.orphan {
                mark_orphan(&mut entity.body);
            }
            catalog.bodies.push(&entity.body);
            entity.body = String::new();
        }
        catalog.declared = catalog.declare(entities.iter().enumerate().map(|(id, e)| (id as EntityId, &e.relations)));
        catalog.link();
        drop(entities);
        catalog.index_all();
        catalog
    }

    /// Reads the relations each entity declares (the lines of its stored
    /// relations whose source is the entity itself: each row holds both
    /// directions) and resolves their targets, numbering dangling ones.
    pub(crate) fn declare<'r>(
        &mut self,
        rows: impl Iterator<Item = (EntityId, &'r StoredRelations)>,
    ) -> Rows<Declared> {
        let entity_count = self.refs.len() as u32;
        let mut declared: Rows<Declared> = Rows::default();
        let mut missing: Vec<&str> = Vec::new();
        let mut missing_at: Vec<(usize, usize)> = Vec::new();
        for (id, relations) in rows {
            let own = self.refs.get(id as usize);
            let (line, col) = self.positions[id as usize];
            for (kind, source, target, position) in relations.iter_with_positions() {
                if source != own {
                    continue;
                }
                let Some(kind) = RelationType::parse(kind) else { continue };
                let target_id = match self.refs.find(target) {
                    Ok(id) => id as u32,
                    Err(_) => {
                        missing_at.push((declared.items.len(), missing.len()));
                        missing.push(target);
                        u32::MAX
                    }
                };
                let (line, col) = position.unwrap_or((line, col));
                declared.items.push(Declared { kind, target: target_id, line, col });
            }
            declared.end_row();
        }
        let mut names: Vec<&str> = missing.clone();
        names.extend(self.dangling.iter());
        names.sort_unstable();
        names.dedup();
        let mut dangling = StrTable::with_capacity(names.len(), names.iter().map(|n| n.len()).sum());
        for name in &names {
            dangling.push(name);
        }
        for (item, name) in missing_at {
            let index = names.binary_search(&missing[name]).unwrap_or(0) as u32;
            declared.items[item].target = entity_count + index;
        }
        self.dangling = dangling;
        declared
    }

    /// Derives the attached relations, the incoming adjacency and the
    /// dangling-reference warnings from the declared relations.
    pub(crate) fn link(&mut self) {
        let count = self.refs.len();
        let targets = count + self.dangling.len();
        let mut sizes = vec![0u32; count];
        for id in 0..count {
            for d in self.declared.get(id) {
                sizes[id] += 1;
                if (d.target as usize) < count {
                    sizes[d.target as usize] += 1;
                }
            }
        }
        let mut cursor: Vec<u32> = Vec::with_capacity(count);
        let mut total = 0u32;
        for size in &sizes {
            cursor.push(total);
            total += size;
        }
        let mut items = vec![(RelationType::OwnedBy, 0u32); total as usize];
        for id in 0..count {
            for d in self.declared.get(id) {
                items[cursor[id] as usize] = (d.kind, d.target);
                cursor[id] += 1;
                if (d.target as usize) < count {
                    let t = d.target as usize;
                    items[cursor[t] as usize] = (d.kind.inverse(), id as u32);
                    cursor[t] += 1;
                }
            }
        }
        // Both sides may declare the same relation (a group's children and a
        // child's parent): sort each row and keep one of each.
        let mut relations: Rows<(RelationType, u32)> = Rows::default();
        relations.items.reserve(items.len());
        let mut start = 0usize;
        for size in sizes {
            let row = &mut items[start..start + size as usize];
            row.sort_unstable_by(|a, b| a.0.as_str().cmp(b.0.as_str()).then_with(|| self.target_cmp(a.1, b.1)));
            let first = relations.items.len();
            for item in row.iter() {
                if relations.items.len() == first || relations.items.last() != Some(item) {
                    relations.items.push(*item);
                }
            }
            relations.end_row();
            start += size as usize;
        }
        drop(items);
        let mut incoming_sizes = vec![0u32; targets];
        for (_, target) in &relations.items {
            incoming_sizes[*target as usize] += 1;
        }
        let mut incoming: Rows<(RelationType, EntityId)> = Rows::default();
        let mut cursor: Vec<u32> = Vec::with_capacity(targets);
        let mut total = 0u32;
        for size in &incoming_sizes {
            cursor.push(total);
            total += size;
            incoming.ends.push(total);
        }
        incoming.items = vec![(RelationType::OwnedBy, 0); total as usize];
        for id in 0..count {
            for (kind, target) in relations.get(id) {
                incoming.items[cursor[*target as usize] as usize] = (*kind, id as EntityId);
                cursor[*target as usize] += 1;
            }
        }
        let mut warnings: Vec<Diagnostic> = Vec::new();
        for id in 0..count {
            for d in self.declared.get(id).iter().filter(|d| d.target as usize >= count) {
                let source = self.refs.get(id);
                let target = self.target_str(d.target);
                warnings.push(Diagnostic {
                    file: crate::change::display_key(self.files.get(self.file_of[id] as usize)).to_string(),
                    line: d.line,
                    col: d.col,
                    severity: Severity::Warning,
                    message: format!("{source} {} {target}, which does not exist in the catalog", d.kind.as_str()),
                });
            }
        }
        warnings.sort();
        warnings.dedup();
        self.diagnostics.truncate(self.stored_diagnostics);
        self.diagnostics.extend(warnings);
        relations.shrink_to_fit();
        self.relations = relations;
        self.incoming = incoming;
    }

    /// Orders relation targets by their reference. Entities and dangling
    /// targets are each sorted, so ids compare within each table.
    fn target_cmp(&self, a: u32, b: u32) -> std::cmp::Ordering {
        let count = self.refs.len() as u32;
        if (a < count) == (b < count) {
            a.cmp(&b)
        } else {
            self.target_str(a).cmp(self.target_str(b))
        }
    }

    /// Parses and flattens every body into the field and word indexes.
    fn index_all(&mut self) {
        // Parsing and flattening every body is the costly part: in parallel,
        // then merged into the indexes in id order (posting lists stay sorted).
        // Chunks bound the memory the extracted pairs take at once.
        let count = self.refs.len();
        let mut words: FastMap<Box<str>, WordPostings> = FastMap::default();
        let mut builders: FastMap<Box<str>, KeyBuilder> = FastMap::default();
        for start in (0..count).step_by(EXTRACT_CHUNK) {
            let end = (start + EXTRACT_CHUNK).min(count);
            let extracted: Vec<Extracted> =
                (start..end).into_par_iter().map(|id| extract(self.bodies.get(id))).collect();
            for (offset, extracted) in extracted.into_iter().enumerate() {
                index_entity((start + offset) as EntityId, extracted, &mut builders, &mut words);
            }
        }
        let mut words: Vec<(Box<str>, WordPostings)> = words.into_iter().collect();
        words.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.words = StrTable::with_capacity(words.len(), words.iter().map(|(w, _)| w.len()).sum());
        self.word_postings = Rows::default();
        self.word_postings.ends.reserve_exact(words.len());
        self.word_postings.items.reserve_exact(words.iter().map(|(_, p)| p.len()).sum());
        for (word, postings) in words {
            self.words.push(&word);
            self.word_postings.items.extend_from_slice(&postings);
            self.word_postings.end_row();
        }
        self.fields = builders.into_iter().map(|(key, builder)| (key, KeyIndex::freeze(builder, count))).collect();
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
            None => builders
                .entry(key.clone().into_boxed_str())
                .or_insert_with(|| KeyBuilder { indexed: is_indexed(&key), ..KeyBuilder::default() }),
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

/// Whether a key's values go into its index (see `UNINDEXED_VALUES`).
pub(crate) fn is_indexed(key: &str) -> bool {
    !UNINDEXED_VALUES.contains(&key)
}

impl Catalog {
    /// The reference a relation target id stands for.
    pub(crate) fn target_str(&self, target: u32) -> &str {
        let count = self.refs.len();
        if (target as usize) < count {
            self.refs.get(target as usize)
        } else {
            self.dangling.get(target as usize - count)
        }
    }

    /// The target id of a reference, if anything points at it.
    pub(crate) fn target_id(&self, reference: &str) -> Option<u32> {
        match self.refs.find(reference) {
            Ok(id) => Some(id as u32),
            Err(_) => self.dangling.find(reference).ok().map(|i| (self.refs.len() + i) as u32),
        }
    }

    /// The id of an entity, by canonical reference.
    pub(crate) fn id_of(&self, reference: &str) -> Option<EntityId> {
        self.refs.find(reference).ok().map(|id| id as EntityId)
    }

    pub(crate) fn body(&self, id: EntityId) -> &str {
        self.bodies.get(id as usize)
    }

    pub(crate) fn reference(&self, id: EntityId) -> &str {
        self.refs.get(id as usize)
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn len(&self) -> usize {
        self.refs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.refs.len() == 0
    }

    pub fn get(&self, id: EntityId) -> Option<EntityView<'_>> {
        let i = id as usize;
        if i >= self.len() {
            return None;
        }
        let (line, col) = self.positions[i];
        Some(EntityView {
            id,
            entity_ref: self.refs.get(i),
            file_key: self.files.get(self.file_of[i] as usize),
            line,
            col,
            orphan: self.orphan[i],
            changed_at: self.changed_at[i],
            catalog: self,
        })
    }

    /// Looks an entity up by reference, in any case.
    pub fn by_ref(&self, entity_ref: &EntityRef) -> Option<EntityView<'_>> {
        self.get(self.id_of(&entity_ref.to_string())?)
    }

    pub fn by_ref_text(&self, text: &str) -> Option<EntityView<'_>> {
        let parsed = EntityRef::parse(text, None, None).ok()?;
        self.by_ref(&parsed)
    }

    /// The `count` entities changed most recently, newest first (ties by
    /// reference); entities never seen change (time 0) are left out.
    pub fn recently_changed(&self, count: usize) -> Vec<EntityId> {
        let mut ids: Vec<EntityId> =
            (0..self.len() as EntityId).filter(|&id| self.changed_at[id as usize] > 0).collect();
        let by_recency =
            |a: &EntityId, b: &EntityId| self.changed_at[*b as usize].cmp(&self.changed_at[*a as usize]).then(a.cmp(b));
        if ids.len() > count {
            ids.select_nth_unstable_by(count, by_recency);
            ids.truncate(count);
        }
        ids.sort_unstable_by(by_recency);
        ids
    }

    pub fn orphans(&self) -> impl Iterator<Item = EntityView<'_>> {
        (0..self.len() as EntityId).filter(|&id| self.orphan[id as usize]).filter_map(|id| self.get(id))
    }

    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Relation targets that name no entity of the catalog.
    pub fn dangling_targets(&self) -> Vec<&str> {
        self.dangling.iter().collect()
    }

    /// Entity counts per kind, for metrics.
    pub fn counts_by_kind(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for reference in self.refs.iter() {
            *counts.entry(reference.split(':').next().unwrap_or("")).or_default() += 1;
        }
        counts.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

const EXTRACT_CHUNK: usize = 4096;

/// What one entity contributes to the indexes.
pub(crate) struct Extracted {
    /// Flattened key, lower-case value, and the value as written when it differs.
    pub(crate) pairs: Vec<(String, String, Option<String>)>,
    pub(crate) words: Vec<(String, u8)>,
}

pub(crate) fn extract(body: &str) -> Extracted {
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
pub(crate) fn mark_orphan(body: &mut String) {
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
            entities: self.len(),
            relations: self.relations.items.len(),
            relation_targets: self.len() + self.dangling.len(),
            indexed_keys: self.fields.len(),
            indexed_values: self.fields.values().map(KeyIndex::len).sum(),
            postings: self.fields.values().flat_map(KeyIndex::iter).map(|(_, s)| s.ids.len()).sum(),
            bitmaps: self.fields.values().flat_map(KeyIndex::iter).filter(|(_, s)| s.bits.is_some()).count(),
            words: self.words.len(),
            word_postings: self.word_postings.items.len(),
        }
    }
}
