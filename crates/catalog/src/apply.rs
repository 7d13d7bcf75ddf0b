//! Moving the read model forward by one committed change set, without
//! re-reading the store or re-parsing the entities that did not change.
//!
//! A refresh that edits a few descriptors out of 100,000 would otherwise
//! rebuild everything. Here only the upserted entities (and the ones an
//! orphan flag changes) are parsed; every index is carried over by one
//! linear pass that drops their old postings, renumbers the rest (new
//! entities shift ids) and merges their new postings in. The result is
//! the model [`Catalog::build`] would make from the new snapshot: the tests
//! hold the two to equality.

use std::collections::{BTreeMap, HashSet};

use kiosque_model::RelationType;
use rayon::prelude::*;

use crate::change::{ChangeSet, Conflict, StoredEntity};
use crate::diagnostic::Diagnostic;
use crate::index::{
    extract, is_indexed, mark_orphan, Catalog, Declared, EntityId, Extracted, KeyIndex, MAX_INDEXED_VALUE,
};
use crate::table::{Rows, StrTable};

/// Where an entity of the next model comes from.
enum Source<'a> {
    /// Carried over from the current model, body included.
    Kept(EntityId),
    /// Carried over, now flagged as an orphan (its body gains the annotation).
    Orphaned(EntityId),
    /// Written by the change set.
    Written(&'a StoredEntity),
}

/// What the dirty entities add to one key.
#[derive(Default)]
struct KeyAdditions<'a> {
    present: Vec<EntityId>,
    /// Lower-case value → the value as written (when it differs) and ids.
    values: BTreeMap<&'a str, (Option<&'a str>, Vec<EntityId>)>,
}

impl Catalog {
    /// The model after `changes` were committed as `generation`, given the
    /// store's conflicts and diagnostics after the commit.
    pub fn apply(
        &self,
        changes: &ChangeSet,
        generation: u64,
        conflicts: Vec<Conflict>,
        diagnostics: Vec<Diagnostic>,
    ) -> Catalog {
        // The store writes upserts in order (a later one wins), then flags orphans.
        let mut written: BTreeMap<&str, &StoredEntity> = BTreeMap::new();
        for entity in &changes.upserts {
            written.insert(&entity.entity_ref, entity);
        }
        let orphaned: HashSet<&str> = changes.orphaned.iter().map(String::as_str).collect();

        // The next entity list: a merge of the current references with the new ones.
        let old_count = self.len();
        let mut sources: Vec<(&str, Source<'_>)> = Vec::with_capacity(old_count + written.len());
        let mut remap: Vec<EntityId> = Vec::with_capacity(old_count);
        let mut pending = written.iter().peekable();
        for id in 0..old_count as EntityId {
            let reference = self.reference(id);
            while let Some((r, entity)) = pending.next_if(|(r, _)| **r < reference) {
                sources.push((r, Source::Written(entity)));
            }
            remap.push(sources.len() as EntityId);
            let source = match pending.next_if(|(r, _)| **r == reference) {
                Some((_, entity)) => Source::Written(entity),
                None if orphaned.contains(reference) && !self.orphan[id as usize] => Source::Orphaned(id),
                None => Source::Kept(id),
            };
            sources.push((reference, source));
        }
        sources.extend(pending.map(|(r, entity)| (*r, Source::Written(entity))));
        // An entity written then flagged by the same change set.
        let orphan_after_write = |entity: &StoredEntity| orphaned.contains(entity.entity_ref.as_str());

        let count = sources.len();
        let mut next = Catalog::empty(generation);
        next.conflicts = conflicts;
        next.stored_diagnostics = diagnostics.len();
        next.diagnostics = diagnostics;

        // Entity tables.
        let mut file_keys: Vec<&str> = sources
            .iter()
            .map(|(_, s)| match s {
                Source::Kept(id) | Source::Orphaned(id) => self.files.get(self.file_of[*id as usize] as usize),
                Source::Written(e) => e.file_key.as_str(),
            })
            .collect();
        let entity_files = file_keys.clone();
        file_keys.sort_unstable();
        file_keys.dedup();
        for key in &file_keys {
            next.files.push(key);
        }
        next.refs =
            StrTable::with_capacity(count, self.refs.text.len() + written.keys().map(|r| r.len()).sum::<usize>());
        next.bodies = StrTable::with_capacity(count, self.bodies.text.len());
        let mut dirty: Vec<EntityId> = Vec::new();
        let mut dropped = vec![false; old_count];
        for (new_id, ((reference, source), file)) in sources.iter().zip(&entity_files).enumerate() {
            next.refs.push(reference);
            next.file_of.push(next.files.find(file).unwrap_or(0) as u32);
            match source {
                Source::Kept(id) => {
                    next.bodies.push(self.body(*id));
                    next.positions.push(self.positions[*id as usize]);
                    next.orphan.push(self.orphan[*id as usize]);
                    next.changed_at.push(self.changed_at[*id as usize]);
                }
                Source::Orphaned(id) => {
                    let mut body = self.body(*id).to_string();
                    mark_orphan(&mut body);
                    next.bodies.push(&body);
                    next.positions.push(self.positions[*id as usize]);
                    next.orphan.push(true);
                    next.changed_at.push(changes.changed_at);
                    dropped[*id as usize] = true;
                    dirty.push(new_id as EntityId);
                }
                Source::Written(entity) => {
                    let orphan = orphan_after_write(entity);
                    if orphan {
                        let mut body = entity.body.clone();
                        mark_orphan(&mut body);
                        next.bodies.push(&body);
                    } else {
                        next.bodies.push(&entity.body);
                    }
                    next.positions.push((entity.line, entity.col));
                    next.orphan.push(orphan);
                    let old = self.refs.find(reference).ok();
                    // As the stores do: the time moves when the content does
                    // (not for relations that only moved in the file).
                    let same = old.is_some_and(|old| {
                        !self.orphan[old]
                            && self.body(old as EntityId) == entity.body
                            && self.positions[old] == (entity.line, entity.col)
                            && self.files.get(self.file_of[old] as usize) == entity.file_key
                    });
                    next.changed_at.push(match old {
                        Some(old) if same && !orphan => self.changed_at[old],
                        _ => changes.changed_at,
                    });
                    if let Some(old) = old {
                        dropped[old] = true;
                    }
                    dirty.push(new_id as EntityId);
                }
            }
        }

        next.declared = self.carry_declared(&mut next, &sources, &remap);
        next.link();

        // Indexes: the dirty entities' fields and words, parsed in parallel.
        let extracted: Vec<Extracted> = dirty.par_iter().map(|id| extract(next.body(*id))).collect();
        let mut additions: BTreeMap<&str, KeyAdditions<'_>> = BTreeMap::new();
        let mut word_additions: BTreeMap<&str, Vec<(EntityId, u8)>> = BTreeMap::new();
        for (id, extracted) in dirty.iter().zip(&extracted) {
            for (key, lower, original) in &extracted.pairs {
                let add = additions.entry(key.as_str()).or_default();
                if add.present.last() != Some(id) {
                    add.present.push(*id);
                }
                if !is_indexed(key) || lower.len() > MAX_INDEXED_VALUE {
                    continue;
                }
                let slot = add.values.entry(lower.as_str()).or_insert_with(|| (original.as_deref(), Vec::new()));
                if slot.1.last() != Some(id) {
                    slot.1.push(*id);
                }
            }
            for (word, bits) in &extracted.words {
                word_additions.entry(word.as_str()).or_default().push((*id, *bits));
            }
        }
        let carry = |old: EntityId| (!dropped[old as usize]).then(|| remap[old as usize]);
        let mut keys: Vec<&str> = self.fields.keys().map(|k| &**k).collect();
        keys.extend(additions.keys().copied());
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let old = self.fields.get(key);
            let add = additions.remove(key).unwrap_or_default();
            if let Some(index) = next.carry_key(key, old, add, &carry) {
                next.fields.insert(key.into(), index);
            }
        }
        next.carry_words(self, word_additions, &carry);
        next
    }

    /// The declared relations of the next model: carried over (targets
    /// renumbered, dangling ones resolved when their entity now exists) or
    /// read from the written rows.
    fn carry_declared(&self, next: &mut Catalog, sources: &[(&str, Source<'_>)], remap: &[EntityId]) -> Rows<Declared> {
        let old_count = self.len() as u32;
        let mut rows: Rows<Declared> = Rows::default();
        let mut names: Vec<&str> = Vec::new();
        let mut named: Vec<(usize, &str)> = Vec::new();
        for (new_id, (reference, source)) in sources.iter().enumerate() {
            match source {
                Source::Kept(id) | Source::Orphaned(id) => {
                    for d in self.declared.get(*id as usize) {
                        let target = if d.target < old_count {
                            remap[d.target as usize]
                        } else {
                            let name = self.target_str(d.target);
                            match next.refs.find(name) {
                                Ok(id) => id as u32,
                                Err(_) => {
                                    named.push((rows.items.len(), name));
                                    names.push(name);
                                    u32::MAX
                                }
                            }
                        };
                        rows.items.push(Declared { target, ..*d });
                    }
                }
                Source::Written(entity) => {
                    let (line, col) = next.positions[new_id];
                    for (kind, source, target, position) in entity.relations.iter_with_positions() {
                        if source != *reference {
                            continue;
                        }
                        let Some(kind) = RelationType::parse(kind) else { continue };
                        let target_id = match next.refs.find(target) {
                            Ok(id) => id as u32,
                            Err(_) => {
                                named.push((rows.items.len(), target));
                                names.push(target);
                                u32::MAX
                            }
                        };
                        let (line, col) = position.unwrap_or((line, col));
                        rows.items.push(Declared { kind, target: target_id, line, col });
                    }
                }
            }
            rows.end_row();
        }
        names.sort_unstable();
        names.dedup();
        next.dangling = StrTable::with_capacity(names.len(), names.iter().map(|n| n.len()).sum());
        for name in &names {
            next.dangling.push(name);
        }
        let count = next.refs.len() as u32;
        for (item, name) in named {
            rows.items[item].target = count + names.binary_search(&name).unwrap_or(0) as u32;
        }
        rows
    }

    /// One key's index in the next model, or none when no entity has it.
    fn carry_key(
        &self,
        key: &str,
        old: Option<&KeyIndex>,
        add: KeyAdditions<'_>,
        carry: &impl Fn(EntityId) -> Option<EntityId>,
    ) -> Option<KeyIndex> {
        let mut present: Vec<EntityId> =
            old.map_or_else(Vec::new, |o| o.present.iter().filter_map(|id| carry(*id)).collect());
        present = merge(&present, &add.present, |id| *id);
        if present.is_empty() {
            return None;
        }
        let mut index = KeyIndex { present, indexed: is_indexed(key), ..KeyIndex::default() };
        let empty = KeyIndex::default();
        let old = old.unwrap_or(&empty);
        let mut added = add.values.into_iter().peekable();
        let mut ids: Vec<EntityId> = Vec::new();
        for i in 0..old.values.len() {
            let value = old.values.get(i);
            while let Some((v, (display, list))) = added.next_if(|(v, _)| *v < value) {
                index.add_value(v, &list, display.map(Into::into));
            }
            let old_ids = old.postings.get(i);
            ids.clear();
            ids.extend(old_ids.iter().filter_map(|id| carry(*id)));
            let display = old.display.get(&(i as u32));
            let (list, new_display) = match added.next_if(|(v, _)| *v == value) {
                Some((_, (display, list))) => (merge(&ids, &list, |id| *id), Some((list[0], display))),
                None => (std::mem::take(&mut ids), None),
            };
            let Some(&first) = list.first() else { continue };
            // The spelling shown is the one of the first entity holding the value.
            let display: Option<Box<str>> = match new_display {
                Some((id, spelling)) if id == first => spelling.map(Into::into),
                _ if old_ids.first().and_then(|id| carry(*id)) == Some(first) => display.cloned(),
                _ => self.spelling(first, key, value),
            };
            index.add_value(value, &list, display);
        }
        for (v, (display, list)) in added {
            index.add_value(v, &list, display.map(Into::into));
        }
        index.finish(self.len());
        Some(index)
    }

    /// How entity `id` writes `value` under `key`, when not in lower case.
    fn spelling(&self, id: EntityId, key: &str, value: &str) -> Option<Box<str>> {
        let extracted = extract(self.body(id));
        extracted
            .pairs
            .into_iter()
            .find(|(k, lower, _)| k == key && lower == value)
            .and_then(|(_, _, original)| original.map(String::into_boxed_str))
    }

    /// The word index of the next model, merged from the current one.
    fn carry_words(
        &mut self,
        old: &Catalog,
        additions: BTreeMap<&str, Vec<(EntityId, u8)>>,
        carry: &impl Fn(EntityId) -> Option<EntityId>,
    ) {
        let mut words = StrTable::with_capacity(old.words.len() + additions.len(), old.words.text.len());
        let mut postings: Rows<(EntityId, u8)> = Rows::default();
        postings.items.reserve(old.word_postings.items.len());
        let mut added = additions.into_iter().peekable();
        let mut push = |word: &str, list: &[(EntityId, u8)]| {
            if !list.is_empty() {
                words.push(word);
                postings.items.extend_from_slice(list);
                postings.end_row();
            }
        };
        let mut kept: Vec<(EntityId, u8)> = Vec::new();
        for i in 0..old.words.len() {
            let word = old.words.get(i);
            while let Some((w, list)) = added.next_if(|(w, _)| *w < word) {
                push(w, &list);
            }
            kept.clear();
            kept.extend(old.word_postings.get(i).iter().filter_map(|(id, bits)| Some((carry(*id)?, *bits))));
            match added.next_if(|(w, _)| *w == word) {
                Some((_, list)) => push(word, &merge(&kept, &list, |(id, _)| *id)),
                None => push(word, &kept),
            }
        }
        for (w, list) in added {
            push(w, &list);
        }
        self.words = words;
        self.word_postings = postings;
    }
}

/// Two lists sorted by entity id as one (they never share an id).
fn merge<T: Copy>(a: &[T], b: &[T], id: impl Fn(&T) -> EntityId) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if id(&a[i]) <= id(&b[j]) {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}
