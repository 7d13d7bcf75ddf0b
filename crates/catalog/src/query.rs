use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

use kiosque_model::RelationType;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::index::{flatten, Catalog, EntityId, KeyIndex, FIELD_DESCRIPTION, FIELD_NAME, FIELD_TAG, FIELD_TITLE};
use crate::text;

/// One condition: the key exists, or equals one of the values (case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub key: String,
    pub values: Vec<String>,
}

/// Conditions that must all hold (Backstage: one `filter=` parameter).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilterSet {
    pub filters: Vec<Filter>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    BadFilter(String),
    BadCursor,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::BadFilter(text) => {
                write!(f, "invalid filter \"{text}\": expected key=value pairs separated by commas")
            }
            QueryError::BadCursor => write!(f, "invalid or expired cursor"),
        }
    }
}

impl std::error::Error for QueryError {}

impl FilterSet {
    /// Parses Backstage's syntax: `kind=component,spec.lifecycle=production`;
    /// a key without `=` only requires the key to exist; a key repeated in
    /// one set accepts any of its values.
    pub fn parse(text: &str) -> Result<FilterSet, QueryError> {
        let mut filters: Vec<Filter> = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = match part.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (part, None),
            };
            if key.is_empty() {
                return Err(QueryError::BadFilter(text.to_string()));
            }
            let key = key.to_ascii_lowercase();
            let filter = match filters.iter().position(|f| f.key == key) {
                Some(i) => &mut filters[i],
                None => {
                    filters.push(Filter { key, values: Vec::new() });
                    filters.last_mut().expect("just pushed")
                }
            };
            if let Some(v) = value {
                filter.values.push(v.to_lowercase());
            }
        }
        Ok(FilterSet { filters })
    }
}

/// Sort order: a field (dotted key) and a direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub field: String,
    pub descending: bool,
}

/// A list query. Filter sets are alternatives (OR); `text` keeps entities
/// whose name, title, description or tags contain every word (as a prefix).
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub filters: Vec<FilterSet>,
    pub text: Option<String>,
    pub order: Option<Order>,
    /// Resume after this sort position (from a previous page's cursor).
    pub after: Option<SortPosition>,
    pub limit: Option<usize>,
    pub offset: usize,
    /// Whether `Page::total` must count every match (by-query does; the
    /// plain listing does not, and can stop at the page's end).
    pub count_total: bool,
}

/// One page of results; `next` is the sort position to resume after.
/// `total` counts every match when the query asked for it.
#[derive(Debug, Clone)]
pub struct Page {
    pub ids: Vec<EntityId>,
    pub total: usize,
    pub next: Option<SortPosition>,
}

/// Where an entity stands in a sorted listing: its sort value (none when it
/// lacks the field) and its reference, which breaks ties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortPosition {
    pub value: Option<String>,
    pub entity_ref: String,
}

/// Orders by value (entities without the field last, in both directions, as
/// Backstage does), then by reference.
fn compare(a: (Option<&str>, &str), b: (Option<&str>, &str), descending: bool) -> Ordering {
    let by_value = match (a.0, b.0) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) if descending => y.cmp(x),
        (Some(x), Some(y)) => x.cmp(y),
    };
    by_value.then_with(|| a.1.cmp(b.1))
}

/// An entity's neighbourhood: references reached and the relations followed.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<String>,
    pub edges: Vec<GraphEdge>,
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    pub source: String,
    pub kind: RelationType,
    pub target: String,
}

impl Catalog {
    /// Entities matching the filter sets (all entities when there are none), in id order.
    pub fn filter(&self, sets: &[FilterSet]) -> Vec<EntityId> {
        if sets.is_empty() {
            return (0..self.len() as EntityId).collect();
        }
        let mut result: Vec<EntityId> = Vec::new();
        for set in sets {
            result = union(&result, &self.match_set(set));
        }
        result
    }

    fn match_set(&self, set: &FilterSet) -> Vec<EntityId> {
        // Cheapest conditions first: they bound the scan of the others.
        let mut lists: Vec<Cow<'_, [EntityId]>> = Vec::new();
        let mut scans: Vec<&crate::query::Filter> = Vec::new();
        for filter in &set.filters {
            if let Some(kind) = filter.key.strip_prefix("relations.") {
                lists.push(Cow::Owned(self.relation_postings(kind, &filter.values)));
                continue;
            }
            match self.fields.get(filter.key.as_str()) {
                None => return Vec::new(),
                Some(index) => match postings_ref(index, filter) {
                    Some(ids) => lists.push(ids),
                    None => scans.push(filter),
                },
            }
        }
        lists.sort_by_key(|l| l.len());
        let mut current: Option<Vec<EntityId>> = None;
        for list in lists {
            current = Some(match current {
                None => list.into_owned(),
                Some(c) => intersect(&c, &list),
            });
        }
        let mut current = current.unwrap_or_else(|| {
            // Only scan-type filters: start from the entities having the first key.
            scans.first().and_then(|f| self.fields.get(f.key.as_str())).map(|i| i.present.clone()).unwrap_or_default()
        });
        if !scans.is_empty() {
            current.retain(|&id| scans.iter().all(|f| self.scan_match(id, f)));
        }
        current
    }

    /// Entities with a relation of this type (to one of `targets`, when given).
    fn relation_postings(&self, kind: &str, targets: &[String]) -> Vec<EntityId> {
        let Some(kind) = RelationType::parse(kind) else { return Vec::new() };
        let mut out: Vec<EntityId> = if targets.is_empty() {
            (0..self.len() as EntityId)
                .filter(|&id| self.relations.get(id as usize).iter().any(|(k, _)| *k == kind))
                .collect()
        } else {
            targets
                .iter()
                .filter_map(|t| self.target_id(t))
                .flat_map(|t| self.incoming.get(t as usize).iter().filter(|(k, _)| *k == kind).map(|(_, id)| *id))
                .collect()
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    fn scan_match(&self, id: EntityId, filter: &Filter) -> bool {
        let Ok(value) = serde_json::from_str::<Value>(self.body(id)) else { return false };
        let mut pairs = Vec::new();
        flatten("", &value, &mut pairs);
        pairs.iter().any(|(k, v)| {
            *k == filter.key && (filter.values.is_empty() || filter.values.iter().any(|w| v.to_lowercase() == *w))
        })
    }

    /// Entities containing every word of `text`, with a relevance score
    /// (name over title over tags over description, exact words over prefixes).
    pub fn search(&self, text: &str) -> Vec<(EntityId, u32)> {
        let terms: Vec<String> = text::tokens(text).collect();
        if terms.is_empty() {
            return Vec::new();
        }
        let mut scores: Option<HashMap<EntityId, u32>> = None;
        for term in &terms {
            let mut term_scores: HashMap<EntityId, u32> = HashMap::new();
            let first = match self.words.find(term) {
                Ok(i) | Err(i) => i,
            };
            for i in first..self.words.len() {
                let word = self.words.get(i);
                if !word.starts_with(term.as_str()) {
                    break;
                }
                let exact = word == term.as_str();
                let postings = self.word_postings.get(i);
                for &(id, fields) in postings {
                    let mut score = 0;
                    for (bit, weight) in [(FIELD_NAME, 16), (FIELD_TITLE, 8), (FIELD_TAG, 4), (FIELD_DESCRIPTION, 2)] {
                        if fields & bit != 0 {
                            score += if exact { weight * 2 } else { weight };
                        }
                    }
                    let best = term_scores.entry(id).or_default();
                    *best = (*best).max(score);
                }
            }
            scores = Some(match scores {
                None => term_scores,
                Some(previous) => {
                    previous.into_iter().filter_map(|(id, s)| term_scores.get(&id).map(|t| (id, s + t))).collect()
                }
            });
        }
        let mut ranked: Vec<(EntityId, u32)> = scores.unwrap_or_default().into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
    }

    /// Runs a list query and returns one page.
    pub fn query(&self, query: &Query) -> Page {
        if let Some(page) = self.first_matches(query) {
            return page;
        }
        let mut ids = self.filter(&query.filters);
        if let Some(text) = query.text.as_deref().filter(|t| !t.trim().is_empty()) {
            let mut found: Vec<EntityId> = self.search(text).into_iter().map(|(id, _)| id).collect();
            found.sort_unstable();
            ids = intersect(&ids, &found);
        }
        let total = ids.len();
        let descending = query.order.as_ref().is_some_and(|o| o.descending);
        let keyed = self.sort_keys(ids, query.order.as_ref());
        let reference = |id: EntityId| self.reference(id);
        let start = match &query.after {
            Some(after) => keyed.partition_point(|(value, id)| {
                compare((value.as_deref(), reference(*id)), (after.value.as_deref(), &after.entity_ref), descending)
                    != Ordering::Greater
            }),
            None => 0,
        } + query.offset;
        let limit = query.limit.unwrap_or(usize::MAX);
        let mut page: Vec<(Option<String>, EntityId)> =
            keyed.into_iter().skip(start).take(limit.saturating_add(1)).collect();
        let has_more = page.len() > limit;
        page.truncate(limit);
        let next = if has_more {
            page.last().map(|(value, id)| SortPosition { value: value.clone(), entity_ref: reference(*id).to_string() })
        } else {
            None
        };
        Page { ids: page.into_iter().map(|(_, id)| id).collect(), total, next }
    }

    /// The common listing — one filter set of indexed conditions, in reference
    /// order — intersects lazily from the cursor, and stops at the page's end
    /// unless the total is wanted; nothing is materialised either way.
    fn first_matches(&self, query: &Query) -> Option<Page> {
        if query.order.is_some() || query.text.is_some() || query.filters.len() != 1 {
            return None;
        }
        let mut lists: Vec<Cow<'_, [EntityId]>> = Vec::new();
        for filter in &query.filters[0].filters {
            if filter.key.starts_with("relations.") {
                return None;
            }
            let index = self.fields.get(filter.key.as_str())?;
            lists.push(postings_ref(index, filter)?);
        }
        if lists.is_empty() {
            return None;
        }
        let start_id = match &query.after {
            Some(after) => {
                (match self.refs.find(&after.entity_ref) {
                    Ok(i) => i + 1,
                    Err(i) => i,
                }) as EntityId
            }
            None => 0,
        };
        let limit = query.limit.unwrap_or(usize::MAX);
        let mut skip = query.offset;
        let mut ids = Vec::new();
        let mut has_more = false;
        // The total counts every match, before the cursor too: from bitmaps
        // when every condition has one, by walking the lists otherwise.
        let bitmap_total = if query.count_total { self.bitmap_count(&query.filters[0]) } else { None };
        let mut total = 0;
        if query.count_total && bitmap_total.is_none() {
            total = Leapfrog::new(&lists, 0).take_while(|&id| id < start_id).count();
        }
        let walk_to_end = query.count_total && bitmap_total.is_none();
        for id in Leapfrog::new(&lists, start_id) {
            total += 1;
            if skip > 0 {
                skip -= 1;
            } else if ids.len() < limit {
                ids.push(id);
            } else {
                has_more = true;
                if !walk_to_end {
                    break;
                }
            }
        }
        let next = if has_more {
            ids.last().map(|&id| SortPosition { value: None, entity_ref: self.reference(id).to_string() })
        } else {
            None
        };
        Some(Page { total: bitmap_total.unwrap_or(total), ids, next })
    }

    /// How many entities match a set of single-valued conditions that all have
    /// bitmaps: an AND and a popcount per 64 entities.
    fn bitmap_count(&self, set: &FilterSet) -> Option<usize> {
        let mut maps: Vec<&[u64]> = Vec::new();
        for filter in &set.filters {
            let [value] = filter.values.as_slice() else { return None };
            let slot = self.fields.get(filter.key.as_str())?.get(value.as_str())?;
            maps.push(slot.bits?);
        }
        let (first, rest) = maps.split_first()?;
        Some(
            first
                .iter()
                .enumerate()
                .map(|(i, word)| rest.iter().fold(*word, |acc, map| acc & map[i]).count_ones() as usize)
                .sum(),
        )
    }

    /// Pairs ids with their sort value and sorts them. A field with several
    /// values (tags) sorts by its first value in the listing's direction.
    fn sort_keys(&self, ids: Vec<EntityId>, order: Option<&Order>) -> Vec<(Option<String>, EntityId)> {
        let Some(order) = order else {
            // Ids follow references already.
            return ids.into_iter().map(|id| (None, id)).collect();
        };
        let key = order.field.to_ascii_lowercase();
        let mut values: HashMap<EntityId, &str> = HashMap::new();
        if let Some(index) = self.fields.get(key.as_str()).filter(|i| i.indexed) {
            for (value, slot) in index.iter() {
                for id in slot.ids {
                    let e = values.entry(*id).or_insert(value);
                    if (order.descending && value > *e) || (!order.descending && value < *e) {
                        *e = value;
                    }
                }
            }
        }
        let mut keyed: Vec<(Option<String>, EntityId)> =
            ids.into_iter().map(|id| (values.get(&id).map(|v| v.to_string()), id)).collect();
        let reference = |id: EntityId| self.reference(id);
        keyed.sort_by(|a, b| {
            compare((a.0.as_deref(), reference(a.1)), (b.0.as_deref(), reference(b.1)), order.descending)
        });
        keyed
    }

    /// Counts per value of a field, over the given entities (all when `None`),
    /// most frequent first. Values keep their original spelling.
    pub fn facets(&self, key: &str, within: Option<&[EntityId]>) -> Vec<(String, usize)> {
        let key = key.to_ascii_lowercase();
        if let Some(kind) = key.strip_prefix("relations.") {
            return self.relation_facets(kind, within);
        }
        let Some(index) = self.fields.get(key.as_str()) else { return Vec::new() };
        let mut counts: Vec<(String, usize)> = if index.indexed {
            index
                .iter()
                .map(|(_, slot)| {
                    let count = match within {
                        None => slot.ids.len(),
                        Some(ids) => intersect_count(ids, slot.ids),
                    };
                    (slot.display.to_string(), count)
                })
                .filter(|(_, c)| *c > 0)
                .collect()
        } else {
            self.scan_facets(&key, index, within)
        };
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    }

    /// Counts of entities per target of a relation type.
    fn relation_facets(&self, kind: &str, within: Option<&[EntityId]>) -> Vec<(String, usize)> {
        let Some(kind) = RelationType::parse(kind) else { return Vec::new() };
        let all: Vec<EntityId>;
        let ids = match within {
            Some(ids) => ids,
            None => {
                all = (0..self.len() as EntityId).collect();
                &all
            }
        };
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for id in ids {
            let mut targets: Vec<u32> =
                self.relations.get(*id as usize).iter().filter(|(k, _)| *k == kind).map(|(_, t)| *t).collect();
            targets.dedup();
            for t in targets {
                *counts.entry(t).or_default() += 1;
            }
        }
        let mut out: Vec<(String, usize)> =
            counts.into_iter().map(|(t, c)| (self.target_str(t).to_string(), c)).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    fn scan_facets(&self, key: &str, index: &KeyIndex, within: Option<&[EntityId]>) -> Vec<(String, usize)> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let ids: Vec<EntityId> = match within {
            Some(ids) => intersect(ids, &index.present),
            None => index.present.clone(),
        };
        for id in ids {
            let Ok(value) = serde_json::from_str::<Value>(self.body(id)) else { continue };
            let mut pairs = Vec::new();
            flatten("", &value, &mut pairs);
            let distinct: HashSet<String> = pairs.into_iter().filter(|(k, _)| k == key).map(|(_, v)| v).collect();
            for v in distinct {
                *counts.entry(v).or_default() += 1;
            }
        }
        counts.into_iter().collect()
    }

    /// The relation graph around an entity, breadth first, to `depth` hops,
    /// following only `kinds` when given. Stops at `max_nodes`.
    pub fn graph(&self, root: EntityId, depth: usize, kinds: &[RelationType], max_nodes: usize) -> Graph {
        let mut graph = Graph::default();
        let root_ref = self.reference(root).to_string();
        let mut seen: HashSet<String> = HashSet::from([root_ref.clone()]);
        graph.nodes.push(root_ref.clone());
        let mut queue = VecDeque::from([(root_ref, 0usize)]);
        while let Some((node, d)) = queue.pop_front() {
            if d >= depth {
                continue;
            }
            let Some(id) = self.id_of(&node) else { continue };
            for (kind, target) in self.relations.get(id as usize) {
                if !kinds.is_empty() && !kinds.contains(kind) {
                    continue;
                }
                let target = self.target_str(*target).to_string();
                if !seen.contains(&target) {
                    if graph.nodes.len() >= max_nodes {
                        graph.truncated = true;
                        continue;
                    }
                    seen.insert(target.clone());
                    graph.nodes.push(target.clone());
                    queue.push_back((target.clone(), d + 1));
                }
                graph.edges.push(GraphEdge { source: node.clone(), kind: *kind, target });
            }
        }
        graph
    }
}

/// A filter's posting list, borrowed when it is one stored list.
fn postings_ref<'a>(index: &'a KeyIndex, filter: &Filter) -> Option<Cow<'a, [EntityId]>> {
    if filter.values.is_empty() {
        return Some(Cow::Borrowed(&index.present));
    }
    if !index.indexed || filter.values.iter().any(|v| v.len() > 200) {
        return None;
    }
    let mut slots = filter.values.iter().filter_map(|value| index.get(value.as_str()));
    match (slots.next(), slots.next()) {
        (None, _) => Some(Cow::Borrowed(&[])),
        (Some(only), None) => Some(Cow::Borrowed(only.ids)),
        (Some(first), Some(second)) => {
            let mut out = union(first.ids, second.ids);
            for slot in slots {
                out = union(&out, slot.ids);
            }
            Some(Cow::Owned(out))
        }
    }
}

/// Intersects sorted lists lazily: each list jumps (galloping search) to the
/// largest id seen so far, so long runs that cannot match are skipped in
/// logarithmic time, and the walk stops as soon as the caller has enough.
struct Leapfrog<'a> {
    lists: Vec<&'a [EntityId]>,
    positions: Vec<usize>,
    floor: EntityId,
}

impl<'a> Leapfrog<'a> {
    fn new(lists: &'a [Cow<'a, [EntityId]>], floor: EntityId) -> Self {
        Leapfrog { lists: lists.iter().map(|l| l.as_ref()).collect(), positions: vec![0; lists.len()], floor }
    }

    /// First index at or after `from` whose id is `>= target`.
    fn gallop(list: &[EntityId], from: usize, target: EntityId) -> usize {
        let mut step = 1;
        let mut low = from;
        let mut high = from;
        while high < list.len() && list[high] < target {
            low = high + 1;
            high += step;
            step *= 2;
        }
        let high = high.min(list.len());
        low + list[low..high].partition_point(|&id| id < target)
    }
}

impl Iterator for Leapfrog<'_> {
    type Item = EntityId;

    fn next(&mut self) -> Option<EntityId> {
        let mut candidate = self.floor;
        loop {
            let mut agreed = true;
            for (list, position) in self.lists.iter().zip(self.positions.iter_mut()) {
                *position = Self::gallop(list, *position, candidate);
                let &id = list.get(*position)?;
                if id != candidate {
                    candidate = id;
                    agreed = false;
                }
            }
            if agreed {
                self.floor = candidate + 1;
                return Some(candidate);
            }
        }
    }
}

pub(crate) fn intersect(a: &[EntityId], b: &[EntityId]) -> Vec<EntityId> {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut out = Vec::with_capacity(small.len());
    if small.len() * 16 < large.len() {
        for id in small {
            if large.binary_search(id).is_ok() {
                out.push(*id);
            }
        }
        return out;
    }
    let (mut i, mut j) = (0, 0);
    while i < small.len() && j < large.len() {
        match small[i].cmp(&large[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(small[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

fn intersect_count(a: &[EntityId], b: &[EntityId]) -> usize {
    intersect(a, b).len()
}

fn union(a: &[EntityId], b: &[EntityId]) -> Vec<EntityId> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
                *x
            }
            (Some(x), Some(y)) if x < y => {
                i += 1;
                *x
            }
            (Some(_), Some(y)) => {
                j += 1;
                *y
            }
            (Some(x), None) => {
                i += 1;
                *x
            }
            (None, Some(y)) => {
                j += 1;
                *y
            }
            (None, None) => break,
        };
        out.push(next);
    }
    out
}
