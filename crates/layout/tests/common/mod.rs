//! Seeded random graphs for the property tests and the examples.
#![allow(dead_code)]

use kiosque_layout::{Edge, Graph, Node};

/// SplitMix64: small, fast, and the same sequence everywhere for a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const WORDS: [&str; 16] = [
    "payments",
    "ledger",
    "api",
    "gateway",
    "fraud",
    "scoring",
    "customer",
    "profile",
    "notifications",
    "db",
    "kafka",
    "search",
    "billing",
    "identity",
    "reporting",
    "onboarding",
];
const KINDS: [&str; 5] = ["component", "api", "resource", "system", "group"];
const RELATIONS: [&str; 4] = ["dependsOn", "providesApi", "consumesApi", "partOf"];

/// A graph like a catalog's: named nodes of a few kinds, edges mostly towards
/// nodes a little further in the list. With `acyclic`, every edge goes from a
/// lower to a higher index; otherwise about one edge in eight goes back, and
/// a few are self-loops or duplicates.
pub fn random_graph(rng: &mut Rng, nodes: usize, edges: usize, acyclic: bool, labels: bool) -> Graph {
    let mut graph = Graph::default();
    for i in 0..nodes {
        let words = 1 + rng.below(3);
        let label: Vec<&str> = (0..words).map(|_| WORDS[rng.below(WORDS.len())]).collect();
        let kind = KINDS[rng.below(KINDS.len())];
        graph.nodes.push(Node {
            sublabel: rng.chance(50).then(|| kind.to_owned()),
            class: kind.to_owned(),
            href: rng.chance(80).then(|| format!("/catalog/default/{kind}/n{i}")),
            focus: i == 0,
            ..Node::new(format!("n{i}"), label.join("-"))
        });
    }
    if nodes < 2 {
        return graph;
    }
    for _ in 0..edges {
        let from = rng.below(nodes - 1);
        let spread = 1 + rng.below(nodes.min(40));
        let reach = 1 + rng.below(spread);
        let to = (from + reach).min(nodes - 1);
        let (from, to) = if !acyclic && rng.chance(12) {
            if rng.chance(15) {
                (to, to)
            } else {
                (to, from)
            }
        } else {
            (from, to)
        };
        let mut edge = Edge::new(format!("n{from}"), format!("n{to}"));
        edge.label = labels.then(|| RELATIONS[rng.below(RELATIONS.len())].to_owned());
        edge.class = edge.label.clone().unwrap_or_default();
        graph.edges.push(edge);
        if !acyclic && rng.chance(3) {
            let duplicate = graph.edges[graph.edges.len() - 1].clone();
            graph.edges.push(duplicate);
        }
    }
    graph
}

/// A random tree: every node but the first has one parent before it.
pub fn random_tree(rng: &mut Rng, nodes: usize) -> Graph {
    let mut graph = Graph::default();
    for i in 0..nodes {
        graph.nodes.push(Node::new(format!("t{i}"), format!("node {i}")));
        if i > 0 {
            let parent = rng.below(i);
            graph.edges.push(Edge::new(format!("t{parent}"), format!("t{i}")));
        }
    }
    graph
}
