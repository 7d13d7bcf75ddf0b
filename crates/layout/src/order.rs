//! Ordering within layers: few crossings.

/// Sweeps stop after this many, or after `PATIENCE` sweeps without improvement.
const MAX_SWEEPS: usize = 24;
const PATIENCE: usize = 4;
/// Passes of adjacent swaps after each sweep.
const MAX_SWAP_PASSES: usize = 8;

/// Puts each node in its layer in the order a depth-first walk down the edges
/// meets it, starting from the nodes of the top layers: neighbours start out near.
pub(crate) fn initial_order(layer_of: &[usize], layer_count: usize, down: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = layer_of.len();
    let mut starts: Vec<usize> = (0..n).collect();
    starts.sort_by_key(|&v| (layer_of[v], v));
    let mut layers = vec![Vec::new(); layer_count];
    let mut visited = vec![false; n];
    let mut stack = Vec::new();
    for start in starts {
        stack.push(start);
        while let Some(v) = stack.pop() {
            if visited[v] {
                continue;
            }
            visited[v] = true;
            layers[layer_of[v]].push(v);
            stack.extend(down[v].iter().rev().filter(|&&w| !visited[w]));
        }
    }
    layers
}

/// Reorders the layers to reduce edge crossings: alternate down and up
/// sweeps sorting by barycentre, each followed by adjacent swaps; keeps the
/// best ordering seen. `up` and `down` list each node's neighbours in the
/// layers above and below.
pub(crate) fn reduce_crossings(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>]) {
    let mut pos = vec![0; up.len()];
    for layer in layers.iter() {
        set_positions(layer, &mut pos);
    }
    let mut scratch = Scratch::default();
    let mut best = layers.to_vec();
    let mut best_crossings = count_crossings(layers, down, &pos, &mut scratch);
    let mut since_best = 0;
    for sweep in 0..MAX_SWEEPS {
        if best_crossings == 0 {
            break;
        }
        if sweep % 2 == 0 {
            for layer in layers.iter_mut().skip(1) {
                sort_by_barycentre(layer, up, &mut pos);
            }
        } else {
            let below = layers.len().saturating_sub(1);
            for layer in layers[..below].iter_mut().rev() {
                sort_by_barycentre(layer, down, &mut pos);
            }
        }
        swap_neighbours(layers, up, down, &mut pos);
        let crossings = count_crossings(layers, down, &pos, &mut scratch);
        if crossings < best_crossings {
            best.clone_from_slice(layers);
            best_crossings = crossings;
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= PATIENCE {
                break;
            }
        }
    }
    layers.clone_from_slice(&best);
}

fn set_positions(layer: &[usize], pos: &mut [usize]) {
    for (i, &v) in layer.iter().enumerate() {
        pos[v] = i;
    }
}

/// Sorts the nodes that have neighbours by the mean position of those
/// neighbours; nodes without keep their place.
fn sort_by_barycentre(layer: &mut [usize], neighbours: &[Vec<usize>], pos: &mut [usize]) {
    let mut keyed: Vec<(f64, usize, usize)> = layer
        .iter()
        .enumerate()
        .filter(|&(_, &v)| !neighbours[v].is_empty())
        .map(|(i, &v)| {
            let sum: usize = neighbours[v].iter().map(|&w| pos[w]).sum();
            (sum as f64 / neighbours[v].len() as f64, i, v)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut sorted = keyed.into_iter().map(|(_, _, v)| v);
    for slot in layer.iter_mut() {
        if !neighbours[*slot].is_empty() {
            if let Some(v) = sorted.next() {
                *slot = v;
            }
        }
    }
    set_positions(layer, pos);
}

/// Swaps adjacent nodes while that removes crossings. Only crossings between
/// the two nodes' own edges change with a swap, so each swap strictly helps;
/// a layer is looked at again only if it or a neighbouring layer changed.
fn swap_neighbours(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>], pos: &mut [usize]) {
    let mut dirty = vec![true; layers.len()];
    let mut changed = vec![false; layers.len()];
    for _ in 0..MAX_SWAP_PASSES {
        changed.fill(false);
        for (r, layer) in layers.iter_mut().enumerate() {
            if !dirty[r] {
                continue;
            }
            for i in 1..layer.len() {
                let (v, w) = (layer[i - 1], layer[i]);
                let (keep_up, swap_up) = pair_crossings(&up[v], &up[w], pos);
                let (keep_down, swap_down) = pair_crossings(&down[v], &down[w], pos);
                if swap_up + swap_down < keep_up + keep_down {
                    layer.swap(i - 1, i);
                    pos[w] = i - 1;
                    pos[v] = i;
                    changed[r] = true;
                }
            }
        }
        if !changed.contains(&true) {
            break;
        }
        for r in 0..layers.len() {
            dirty[r] = changed[r] || (r > 0 && changed[r - 1]) || changed.get(r + 1).copied().unwrap_or(false);
        }
    }
}

/// Crossings between the edges of a left node and a right node towards the
/// same layer: as they stand, and if the two were swapped.
fn pair_crossings(left: &[usize], right: &[usize], pos: &[usize]) -> (u64, u64) {
    let (mut as_is, mut swapped) = (0, 0);
    for &a in left {
        for &b in right {
            match pos[a].cmp(&pos[b]) {
                std::cmp::Ordering::Greater => as_is += 1,
                std::cmp::Ordering::Less => swapped += 1,
                std::cmp::Ordering::Equal => {}
            }
        }
    }
    (as_is, swapped)
}

#[derive(Default)]
struct Scratch {
    targets: Vec<usize>,
    tree: Vec<u64>,
}

/// Total crossings between consecutive layers.
fn count_crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize], scratch: &mut Scratch) -> u64 {
    layers.windows(2).map(|pair| crossings_between(&pair[0], pair[1].len(), down, pos, scratch)).sum()
}

/// Crossings between two layers, by Barth, Jünger and Mutzel: with edges
/// sorted by upper then lower end, each crossing is an inversion among the
/// lower ends, counted with an accumulator tree in O(e log n).
fn crossings_between(upper: &[usize], lower_len: usize, down: &[Vec<usize>], pos: &[usize], s: &mut Scratch) -> u64 {
    s.targets.clear();
    for &u in upper {
        let start = s.targets.len();
        s.targets.extend(down[u].iter().map(|&v| pos[v]));
        s.targets[start..].sort_unstable();
    }
    let leaves = lower_len.next_power_of_two();
    s.tree.clear();
    s.tree.resize(2 * leaves - 1, 0);
    let first_leaf = leaves - 1;
    let mut crossings = 0;
    for &target in &s.targets {
        let mut i = target + first_leaf;
        s.tree[i] += 1;
        while i > 0 {
            // A left child's sibling holds the edges already seen that end further right.
            if i % 2 == 1 {
                crossings += s.tree[i + 1];
            }
            i = (i - 1) / 2;
            s.tree[i] += 1;
        }
    }
    crossings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adjacency(n: usize, edges: &[(usize, usize)]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let mut up = vec![Vec::new(); n];
        let mut down = vec![Vec::new(); n];
        for &(u, v) in edges {
            down[u].push(v);
            up[v].push(u);
        }
        (up, down)
    }

    fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>]) -> u64 {
        let mut pos = vec![0; down.len()];
        for layer in layers {
            set_positions(layer, &mut pos);
        }
        count_crossings(layers, down, &pos, &mut Scratch::default())
    }

    #[test]
    fn crossings_are_counted_exactly() {
        // Upper 0 1 2, lower 3 4 5; 0 → 5, 1 → 4, 2 → 3 cross pairwise: 3 crossings.
        let (_, down) = adjacency(6, &[(0, 5), (1, 4), (2, 3)]);
        assert_eq!(crossings(&[vec![0, 1, 2], vec![3, 4, 5]], &down), 3);
        // 0 → 4, 0 → 5, 1 → 3: both edges of 0 cross 1 → 3.
        let (_, down) = adjacency(6, &[(0, 4), (0, 5), (1, 3)]);
        assert_eq!(crossings(&[vec![0, 1], vec![3, 4, 5]], &down), 2);
        // Edges sharing an end never cross.
        let (_, down) = adjacency(3, &[(0, 2), (1, 2)]);
        assert_eq!(crossings(&[vec![0, 1], vec![2]], &down), 0);
    }

    #[test]
    fn a_crossing_pair_is_untangled() {
        // 0 → 3, 1 → 2 with 2 before 3: one crossing, removed by putting 3 first.
        let (up, down) = adjacency(4, &[(0, 3), (1, 2)]);
        let mut layers = vec![vec![0, 1], vec![2, 3]];
        reduce_crossings(&mut layers, &up, &down);
        assert_eq!(crossings(&layers, &down), 0);
    }

    #[test]
    fn the_initial_order_follows_the_edges_depth_first() {
        // 0 → 2, 1 → 3, 0 → 4: the walk from 0 meets 2 then 4 before 1's child 3.
        let (_, down) = adjacency(5, &[(0, 2), (1, 3), (0, 4)]);
        assert_eq!(initial_order(&[0, 0, 1, 1, 1], 2, &down), vec![vec![0, 1], vec![2, 4, 3]]);
    }
}
