//! Coordinates along the layers: Brandes and Köpf's alignment and compaction.
//!
//! Each node is aligned with a median neighbour in the previous layer, forming
//! vertical blocks placed as one; dummy chains are never bent by a conflict
//! with a real edge. This is done four times (aligning upwards or downwards,
//! scanning leftwards or rightwards), and each node takes the mean of its two
//! middle candidate positions. Blocks are placed by longest path over the
//! graph of "block A is left of block B" constraints, then pulled right
//! towards their right neighbours, which avoids the overlaps the original
//! class-based compaction could produce.

use std::collections::HashSet;

/// What the positioning needs to know of the ordered layered graph.
pub(crate) struct Layered<'a> {
    pub layers: &'a [Vec<usize>],
    pub up: &'a [Vec<usize>],
    pub down: &'a [Vec<usize>],
    pub dummy: &'a [bool],
    /// Extent of each node on either side of its position: left, then right.
    pub extent: &'a [(f64, f64)],
    pub node_gap: f64,
    pub dummy_gap: f64,
}

/// Returns each node's position along its layer, the smallest left edge being 0.
pub(crate) fn assign_positions(g: &Layered<'_>) -> Vec<f64> {
    let n = g.up.len();
    let conflicts = type_one_conflicts(g);
    let mut candidates: Vec<Vec<f64>> = Vec::with_capacity(4);
    for downwards in [false, true] {
        for leftwards in [false, true] {
            candidates.push(align_and_compact(g, &conflicts, downwards, leftwards));
        }
    }
    let bounds: Vec<(f64, f64)> = candidates
        .iter()
        .map(|x| {
            (0..n).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(x[v] - g.extent[v].0), hi.max(x[v] + g.extent[v].1))
            })
        })
        .collect();
    let narrowest = (0..4).min_by(|&a, &b| (bounds[a].1 - bounds[a].0).total_cmp(&(bounds[b].1 - bounds[b].0)));
    let Some(narrowest) = narrowest else { return Vec::new() };
    // Candidates scanned left to right keep their left edge at the narrowest one's, the others their right edge.
    for (i, x) in candidates.iter_mut().enumerate() {
        let leftwards = i % 2 == 1;
        let shift = if leftwards { bounds[narrowest].1 - bounds[i].1 } else { bounds[narrowest].0 - bounds[i].0 };
        x.iter_mut().for_each(|p| *p += shift);
    }
    let mut positions: Vec<f64> = (0..n)
        .map(|v| {
            let mut four = [candidates[0][v], candidates[1][v], candidates[2][v], candidates[3][v]];
            four.sort_by(f64::total_cmp);
            (four[1] + four[2]) / 2.0
        })
        .collect();
    let left = (0..n).map(|v| positions[v] - g.extent[v].0).fold(f64::INFINITY, f64::min);
    if left.is_finite() {
        positions.iter_mut().for_each(|p| *p -= left);
    }
    positions
}

/// Edges between consecutive layers, as `(upper, lower)`, that cross an edge
/// between two dummies: aligning along them would bend a long edge.
fn type_one_conflicts(g: &Layered<'_>) -> HashSet<(usize, usize)> {
    let mut pos = vec![0; g.up.len()];
    for layer in g.layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    let mut marked = HashSet::new();
    for pair in g.layers.windows(2) {
        let (upper, lower) = (&pair[0], &pair[1]);
        if upper.is_empty() {
            continue;
        }
        // Between two inner edges (or the layer's ends), upper ends must lie within [k0, k1].
        let (mut k0, mut scanned) = (0, 0);
        for (l1, &v) in lower.iter().enumerate() {
            let inner = if g.dummy[v] { g.up[v].iter().find(|&&u| g.dummy[u]) } else { None };
            if l1 + 1 != lower.len() && inner.is_none() {
                continue;
            }
            let k1 = inner.map_or(upper.len() - 1, |&u| pos[u]);
            for &w in &lower[scanned..=l1] {
                for &u in &g.up[w] {
                    if (pos[u] < k0 || pos[u] > k1) && !(g.dummy[u] && g.dummy[w]) {
                        marked.insert((u, w));
                    }
                }
            }
            scanned = l1 + 1;
            k0 = k1;
        }
    }
    marked
}

/// One of the four alignments: returns positions (mirrored back when scanning leftwards).
fn align_and_compact(
    g: &Layered<'_>,
    conflicts: &HashSet<(usize, usize)>,
    downwards: bool,
    leftwards: bool,
) -> Vec<f64> {
    let n = g.up.len();
    let mut layers: Vec<Vec<usize>> = g.layers.to_vec();
    if downwards {
        layers.reverse();
    }
    if leftwards {
        layers.iter_mut().for_each(|l| l.reverse());
    }
    let mut pos = vec![0; n];
    for layer in &layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    let previous = if downwards { g.down } else { g.up };
    let conflicted = |u: usize, v: usize| {
        let edge = if downwards { (v, u) } else { (u, v) };
        conflicts.contains(&edge)
    };
    let mut root: Vec<usize> = (0..n).collect();
    let mut align: Vec<usize> = (0..n).collect();
    let mut neighbours = Vec::new();
    for layer in &layers {
        let mut taken: Option<usize> = None;
        for &v in layer {
            neighbours.clear();
            neighbours.extend_from_slice(&previous[v]);
            if neighbours.is_empty() {
                continue;
            }
            neighbours.sort_by_key(|&u| pos[u]);
            let d = neighbours.len();
            for m in [(d - 1) / 2, d / 2] {
                let u = neighbours[m];
                if align[v] == v && !conflicted(u, v) && taken.is_none_or(|t| t < pos[u]) {
                    align[u] = v;
                    root[v] = root[u];
                    align[v] = root[v];
                    taken = Some(pos[u]);
                }
            }
        }
    }
    let mut x = compact(g, &layers, &root, leftwards).unwrap_or_else(|| {
        // Alignments never cross, so blocks cannot form a cycle; if they ever did,
        // unaligned nodes still give a valid, if less straight, placement.
        let singletons: Vec<usize> = (0..n).collect();
        compact(g, &layers, &singletons, leftwards).unwrap_or_else(|| vec![0.0; n])
    });
    if leftwards {
        x.iter_mut().for_each(|p| *p = -*p);
    }
    x
}

/// Places blocks (nodes sharing a root) as far left as the separations allow,
/// then moves each right as far as its right neighbours allow. None if the
/// blocks' left-of constraints form a cycle.
fn compact(g: &Layered<'_>, layers: &[Vec<usize>], root: &[usize], leftwards: bool) -> Option<Vec<f64>> {
    let n = root.len();
    let mut right_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut left_count = vec![0usize; n];
    for layer in layers {
        for pair in layer.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (a_right, b_left) =
                if leftwards { (g.extent[a].0, g.extent[b].1) } else { (g.extent[a].1, g.extent[b].0) };
            let gap = match (g.dummy[a], g.dummy[b]) {
                (true, true) => g.dummy_gap,
                (false, false) => g.node_gap,
                _ => (g.node_gap + g.dummy_gap) / 2.0,
            };
            right_of[root[a]].push((root[b], a_right + gap + b_left));
            left_count[root[b]] += 1;
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut ready: Vec<usize> = (0..n).rev().filter(|&v| root[v] == v && left_count[v] == 0).collect();
    while let Some(b) = ready.pop() {
        order.push(b);
        for &(c, _) in &right_of[b] {
            left_count[c] -= 1;
            if left_count[c] == 0 {
                ready.push(c);
            }
        }
    }
    if order.len() != (0..n).filter(|&v| root[v] == v).count() {
        return None;
    }
    let mut x = vec![0.0f64; n];
    for &b in &order {
        for &(c, sep) in &right_of[b] {
            x[c] = x[c].max(x[b] + sep);
        }
    }
    for &b in order.iter().rev() {
        let limit = right_of[b].iter().map(|&(c, sep)| x[c] - sep).fold(f64::INFINITY, f64::min);
        if limit.is_finite() && limit > x[b] {
            x[b] = limit;
        }
    }
    Some((0..n).map(|v| x[root[v]]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixture {
        layers: Vec<Vec<usize>>,
        up: Vec<Vec<usize>>,
        down: Vec<Vec<usize>>,
        dummy: Vec<bool>,
        extent: Vec<(f64, f64)>,
    }

    fn fixture(layers: Vec<Vec<usize>>, edges: &[(usize, usize)], dummies: &[usize], half_width: f64) -> Fixture {
        let n = layers.iter().map(Vec::len).sum();
        let mut up = vec![Vec::new(); n];
        let mut down = vec![Vec::new(); n];
        for &(u, v) in edges {
            down[u].push(v);
            up[v].push(u);
        }
        let dummy: Vec<bool> = (0..n).map(|v| dummies.contains(&v)).collect();
        let extent = (0..n).map(|v| if dummy[v] { (0.0, 0.0) } else { (half_width, half_width) }).collect();
        Fixture { layers, up, down, dummy, extent }
    }

    fn positions(f: &Fixture) -> Vec<f64> {
        assign_positions(&Layered {
            layers: &f.layers,
            up: &f.up,
            down: &f.down,
            dummy: &f.dummy,
            extent: &f.extent,
            node_gap: 10.0,
            dummy_gap: 4.0,
        })
    }

    #[test]
    fn a_parent_sits_centred_over_two_children() {
        // 0 → 1, 0 → 2; boxes 20 wide, gap 10: children at 10 and 40, parent at 25.
        let f = fixture(vec![vec![0], vec![1, 2]], &[(0, 1), (0, 2)], &[], 10.0);
        assert_eq!(positions(&f), vec![25.0, 10.0, 40.0]);
    }

    #[test]
    fn a_chain_is_straight() {
        let f = fixture(vec![vec![0], vec![1], vec![2]], &[(0, 1), (1, 2)], &[], 10.0);
        assert_eq!(positions(&f), vec![10.0, 10.0, 10.0]);
    }

    #[test]
    fn neighbours_in_a_layer_keep_their_separation() {
        // Three roots over one child: the roots are 20 wide with a gap of 10.
        let f = fixture(vec![vec![0, 1, 2], vec![3]], &[(0, 3), (1, 3), (2, 3)], &[], 10.0);
        let x = positions(&f);
        assert_eq!((x[0], x[1], x[2]), (10.0, 40.0, 70.0));
        assert_eq!(x[3], 40.0);
    }

    #[test]
    fn a_long_edge_stays_straight_past_a_crossing_edge() {
        // Layers [0, 1], [2, 3], [4, 5], [6] with dummies 3 and 4 on the long edge
        // 0 → 3 → 4 → 6. The real edge 2 → 5 crosses 3 → 4, so it may not be aligned:
        // in all four alignments 3 and 4 share a block, hence a position.
        let edges = [(0, 3), (1, 2), (3, 4), (2, 5), (4, 6), (5, 6)];
        let f = fixture(vec![vec![0, 1], vec![2, 3], vec![4, 5], vec![6]], &edges, &[3, 4], 10.0);
        let x = positions(&f);
        assert_eq!(x[3], x[4], "{x:?}");
        for layer in &f.layers {
            for pair in layer.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                assert!(x[b] - f.extent[b].0 >= x[a] + f.extent[a].1 + 4.0 - 1e-9, "{x:?}");
            }
        }
    }
}
