//! Layer assignment: the network simplex of Gansner, Koutsofios, North and Vo.
//!
//! It finds layers that minimise the total weighted length of the edges, each
//! edge spanning at least one layer. Starting from a feasible spanning tree of
//! tight edges, it repeatedly swaps a tree edge whose cut value is negative
//! (lengthening it would shorten the rest more) for the non-tree edge of least
//! slack across the same cut.

/// Returns a layer for each node, the smallest being 0. `edges` are
/// `(from, to, weight)` and must be acyclic; the nodes should be connected
/// (if not, the longest-path layering is returned).
pub(crate) fn assign_layers(n: usize, edges: &[(usize, usize, u32)]) -> Vec<usize> {
    let mut rank = longest_path(n, edges);
    if n > 1 {
        if let Some(mut tree) = tight_tree(n, edges, &mut rank) {
            tree.optimise(edges, &mut rank);
            balance(n, edges, &mut rank);
        }
    }
    let min = rank.iter().copied().min().unwrap_or(0);
    rank.iter().map(|&r| (r - min) as usize).collect()
}

fn longest_path(n: usize, edges: &[(usize, usize, u32)]) -> Vec<i64> {
    let mut outs = vec![Vec::new(); n];
    let mut in_degree = vec![0usize; n];
    for &(u, v, _) in edges {
        outs[u].push(v);
        in_degree[v] += 1;
    }
    let mut rank = vec![0i64; n];
    let mut ready: Vec<usize> = (0..n).rev().filter(|&v| in_degree[v] == 0).collect();
    while let Some(u) = ready.pop() {
        for &v in &outs[u] {
            rank[v] = rank[v].max(rank[u] + 1);
            in_degree[v] -= 1;
            if in_degree[v] == 0 {
                ready.push(v);
            }
        }
    }
    rank
}

fn slack(edge: (usize, usize, u32), rank: &[i64]) -> i64 {
    rank[edge.1] - rank[edge.0] - 1
}

struct Tree {
    in_tree: Vec<bool>,
    incident: Vec<Vec<usize>>,
}

/// Grows a spanning tree of tight edges from node 0, shifting the tree's
/// layers towards the nearest outside node whenever no tight edge leaves it.
/// None when the nodes are not connected.
fn tight_tree(n: usize, edges: &[(usize, usize, u32)], rank: &mut [i64]) -> Option<Tree> {
    let mut incident = vec![Vec::new(); n];
    for (e, &(u, v, _)) in edges.iter().enumerate() {
        incident[u].push(e);
        incident[v].push(e);
    }
    let mut in_tree_node = vec![false; n];
    let mut in_tree = vec![false; edges.len()];
    in_tree_node[0] = true;
    let mut size = 1;
    let mut stack = Vec::with_capacity(n);
    loop {
        stack.extend((0..n).filter(|&v| in_tree_node[v]));
        while let Some(v) = stack.pop() {
            for &e in &incident[v] {
                let (a, b, _) = edges[e];
                let w = if a == v { b } else { a };
                if !in_tree_node[w] && slack(edges[e], rank) == 0 {
                    in_tree_node[w] = true;
                    in_tree[e] = true;
                    size += 1;
                    stack.push(w);
                }
            }
        }
        if size == n {
            return Some(Tree { in_tree, incident });
        }
        let nearest = (0..edges.len())
            .filter(|&e| in_tree_node[edges[e].0] != in_tree_node[edges[e].1])
            .min_by_key(|&e| (slack(edges[e], rank), e))?;
        let mut delta = slack(edges[nearest], rank);
        if in_tree_node[edges[nearest].1] {
            delta = -delta;
        }
        for v in 0..n {
            if in_tree_node[v] {
                rank[v] += delta;
            }
        }
    }
}

impl Tree {
    fn optimise(&mut self, edges: &[(usize, usize, u32)], rank: &mut [i64]) {
        let n = rank.len();
        let mut net = vec![0i64; n];
        for &(u, v, w) in edges {
            net[u] += i64::from(w);
            net[v] -= i64::from(w);
        }
        let mut walk = Walk::new(n);
        // Degenerate swaps could in theory cycle; the bound keeps a layout (always feasible) coming.
        for _ in 0..(10 * n + 100) {
            walk.run(self, edges, &net, rank);
            let Some(leave) = (0..edges.len()).find(|&e| self.in_tree[e] && walk.cut[e] < 0) else {
                return;
            };
            let (tail, head, _) = edges[leave];
            let child = if walk.parent_edge[tail] == leave { tail } else { head };
            let inside = |x: usize| walk.low[child] <= walk.lim[x] && walk.lim[x] <= walk.lim[child];
            // The entering edge must cross from the head's side to the tail's side.
            let tail_inside = child == tail;
            let enter = (0..edges.len())
                .filter(|&e| {
                    let (a, b, _) = edges[e];
                    !self.in_tree[e] && inside(a) != tail_inside && inside(b) == tail_inside
                })
                .min_by_key(|&e| (slack(edges[e], rank), e));
            let Some(enter) = enter else { return };
            self.in_tree[leave] = false;
            self.in_tree[enter] = true;
        }
        walk.run(self, edges, &net, rank);
    }
}

/// One traversal of the tree from node 0: tight layers, postorder numbers
/// (`low..=lim` spans a subtree) and cut values.
struct Walk {
    parent_edge: Vec<usize>,
    low: Vec<usize>,
    lim: Vec<usize>,
    cut: Vec<i64>,
    subtree_net: Vec<i64>,
    stack: Vec<(usize, usize)>,
}

impl Walk {
    fn new(n: usize) -> Self {
        Walk {
            parent_edge: vec![usize::MAX; n],
            low: vec![0; n],
            lim: vec![0; n],
            cut: Vec::new(),
            subtree_net: vec![0; n],
            stack: Vec::with_capacity(n),
        }
    }

    fn run(&mut self, tree: &Tree, edges: &[(usize, usize, u32)], net: &[i64], rank: &mut [i64]) {
        self.cut.clear();
        self.cut.resize(edges.len(), 0);
        self.parent_edge.fill(usize::MAX);
        let mut next_lim = 0;
        self.stack.push((0, 0));
        self.low[0] = 0;
        self.subtree_net[0] = net[0];
        while let Some(&mut (v, ref mut i)) = self.stack.last_mut() {
            let incident = &tree.incident[v];
            if let Some(&e) = incident.get(*i) {
                *i += 1;
                if !tree.in_tree[e] || e == self.parent_edge[v] {
                    continue;
                }
                let (a, b, _) = edges[e];
                let w = if a == v { b } else { a };
                // The tree edge fixes w's layer relative to v's.
                rank[w] = if a == v { rank[v] + 1 } else { rank[v] - 1 };
                self.parent_edge[w] = e;
                self.low[w] = next_lim;
                self.subtree_net[w] = net[w];
                self.stack.push((w, 0));
            } else {
                self.stack.pop();
                self.lim[v] = next_lim;
                next_lim += 1;
                let e = self.parent_edge[v];
                if e != usize::MAX {
                    let (a, b, _) = edges[e];
                    let parent = if a == v { b } else { a };
                    self.subtree_net[parent] += self.subtree_net[v];
                    // Removing e leaves v's subtree on one side: the cut value is the weight
                    // leaving that side minus the weight entering it, signed by e's direction.
                    self.cut[e] = if a == v { self.subtree_net[v] } else { -self.subtree_net[v] };
                }
            }
        }
    }
}

/// Moves nodes with as much weight in as out (whose layer does not change the
/// total length) to the emptiest layer they may take, for a less lopsided drawing.
fn balance(n: usize, edges: &[(usize, usize, u32)], rank: &mut [i64]) {
    let min = rank.iter().copied().min().unwrap_or(0);
    let max = rank.iter().copied().max().unwrap_or(0);
    let mut count = vec![0usize; (max - min + 1) as usize];
    for &r in rank.iter() {
        count[(r - min) as usize] += 1;
    }
    let mut net = vec![0i64; n];
    let mut incident = vec![Vec::new(); n];
    for &(u, v, w) in edges {
        net[u] += i64::from(w);
        net[v] -= i64::from(w);
        incident[u].push((u, v));
        incident[v].push((u, v));
    }
    for v in 0..n {
        if net[v] != 0 || incident[v].is_empty() {
            continue;
        }
        let (mut lowest, mut highest) = (min, max);
        for &(a, b) in &incident[v] {
            if b == v {
                lowest = lowest.max(rank[a] + 1);
            } else {
                highest = highest.min(rank[b] - 1);
            }
        }
        let current = rank[v];
        let mut best = current;
        for r in lowest..=highest {
            if count[(r - min) as usize] + 1 < count[(best - min) as usize] {
                best = r;
            }
        }
        if best != current {
            count[(current - min) as usize] -= 1;
            count[(best - min) as usize] += 1;
            rank[v] = best;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total_length(edges: &[(usize, usize, u32)], rank: &[usize]) -> usize {
        edges.iter().map(|&(u, v, w)| (rank[v] - rank[u]) * w as usize).sum()
    }

    #[test]
    fn a_chain_takes_one_layer_per_node() {
        assert_eq!(assign_layers(3, &[(0, 1, 1), (1, 2, 1)]), vec![0, 1, 2]);
    }

    #[test]
    fn a_diamond_takes_three_layers() {
        assert_eq!(assign_layers(4, &[(0, 1, 1), (0, 2, 1), (1, 3, 1), (2, 3, 1)]), vec![0, 1, 1, 2]);
    }

    #[test]
    fn a_short_branch_moves_next_to_its_target() {
        // 0 → 1 → 2 → 3 → 4 → 5 and 6 → 7 → 5. Longest path puts 6 and 7 on layers 0
        // and 1, making 7 → 5 four layers long; the optimum puts them on 3 and 4.
        let edges = [(0, 1, 1), (1, 2, 1), (2, 3, 1), (3, 4, 1), (4, 5, 1), (6, 7, 1), (7, 5, 1)];
        let rank = assign_layers(8, &edges);
        assert_eq!(rank, vec![0, 1, 2, 3, 4, 5, 3, 4]);
        assert_eq!(total_length(&edges, &rank), 7);
    }

    #[test]
    fn the_heavier_edge_is_kept_short() {
        // 0 → 1 → 2 → 3, and 0 → 4 (weight 1), 4 → 3 (weight 3). Node 4 can sit on
        // layer 1 or 2: with 4 → 3 heavier, it must be next to 3, on layer 2.
        let edges = [(0, 1, 1), (1, 2, 1), (2, 3, 1), (0, 4, 1), (4, 3, 3)];
        let rank = assign_layers(5, &edges);
        assert_eq!(rank[4], 2);
    }

    #[test]
    fn nodes_with_equal_weight_in_and_out_spread_over_the_layers_they_may_take() {
        // 0 → {1, 2, 3} → 4, and 0 → 5 → 6 → 4 forces four layers with 5 on layer 1
        // and 6 on layer 2. Nodes 1, 2 and 3 may take layer 1 or 2 at the same total
        // length (3 each, plus 3 for the long path); balanced, the two layers hold
        // five nodes between them, three and two.
        let edges = [(0, 1, 1), (0, 2, 1), (0, 3, 1), (1, 4, 1), (2, 4, 1), (3, 4, 1), (0, 5, 1), (5, 6, 1), (6, 4, 1)];
        let rank = assign_layers(7, &edges);
        assert_eq!((rank[0], rank[5], rank[6], rank[4]), (0, 1, 2, 3));
        assert_eq!(total_length(&edges, &rank), 3 * 3 + 3);
        let on_layer = |l: usize| rank.iter().filter(|&&r| r == l).count();
        assert!(on_layer(1).abs_diff(on_layer(2)) == 1, "{rank:?}");
    }

    #[test]
    fn one_node_takes_layer_zero() {
        assert_eq!(assign_layers(1, &[]), vec![0]);
    }
}
