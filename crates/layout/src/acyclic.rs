//! Cycle breaking: a node order in which few edges point backwards.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Returns each node's position in an order found by the greedy heuristic of
/// Eades, Lin and Smyth; edges from a later to an earlier node are the ones to
/// reverse. Self-loops must be left out. Ties go to the lower node index.
pub(crate) fn feedback_order(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut outs = vec![Vec::new(); n];
    let mut ins = vec![Vec::new(); n];
    for &(u, v) in edges {
        outs[u].push(v);
        ins[v].push(u);
    }
    let mut out_degree: Vec<i64> = outs.iter().map(|o| o.len() as i64).collect();
    let mut in_degree: Vec<i64> = ins.iter().map(|i| i.len() as i64).collect();
    let mut removed = vec![false; n];
    let mut sinks = VecDeque::new();
    let mut sources = VecDeque::new();
    // Highest out-minus-in degree first, then lowest index; stale entries are skipped.
    let mut heap = BinaryHeap::with_capacity(n);
    for v in 0..n {
        if out_degree[v] == 0 {
            sinks.push_back(v);
        } else if in_degree[v] == 0 {
            sources.push_back(v);
        }
        heap.push((out_degree[v] - in_degree[v], Reverse(v)));
    }
    let mut front = Vec::with_capacity(n);
    let mut back = Vec::new();
    loop {
        let (v, at_back) = if let Some(v) = sinks.pop_front() {
            (v, true)
        } else if let Some(v) = sources.pop_front() {
            (v, false)
        } else if let Some((delta, Reverse(v))) = heap.pop() {
            if removed[v] || delta != out_degree[v] - in_degree[v] {
                continue;
            }
            (v, false)
        } else {
            break;
        };
        if removed[v] {
            continue;
        }
        removed[v] = true;
        if at_back {
            back.push(v);
        } else {
            front.push(v);
        }
        for &w in &outs[v] {
            if !removed[w] {
                in_degree[w] -= 1;
                if in_degree[w] == 0 {
                    sources.push_back(w);
                }
                heap.push((out_degree[w] - in_degree[w], Reverse(w)));
            }
        }
        for &w in &ins[v] {
            if !removed[w] {
                out_degree[w] -= 1;
                if out_degree[w] == 0 {
                    sinks.push_back(w);
                }
                heap.push((out_degree[w] - in_degree[w], Reverse(w)));
            }
        }
    }
    let mut position = vec![0; n];
    for (i, &v) in front.iter().chain(back.iter().rev()).enumerate() {
        position[v] = i;
    }
    position
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backward(n: usize, edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
        let pos = feedback_order(n, edges);
        edges.iter().copied().filter(|&(u, v)| pos[u] > pos[v]).collect()
    }

    #[test]
    fn acyclic_graphs_keep_every_edge() {
        assert!(backward(4, &[(0, 1), (0, 2), (1, 3), (2, 3)]).is_empty());
        assert!(backward(3, &[(2, 1), (1, 0)]).is_empty());
    }

    #[test]
    fn a_cycle_loses_one_edge() {
        // 0 → 1 → 2 → 0: all degrees are equal, so node 0 goes first and 2 → 0 points back.
        assert_eq!(backward(3, &[(0, 1), (1, 2), (2, 0)]), vec![(2, 0)]);
    }

    #[test]
    fn two_way_edges_lose_one_direction() {
        assert_eq!(backward(2, &[(0, 1), (1, 0)]).len(), 1);
    }

    #[test]
    fn the_node_with_most_edges_out_goes_first() {
        // Cycles 0 → 1 → 2 → 0 and 0 → 1 → 0. Node 1 (two out, one in) goes first, then
        // 2 becomes a source and 0 a sink: order 1, 2, 0, and only 0 → 1 points back.
        assert_eq!(backward(3, &[(0, 1), (1, 2), (2, 0), (1, 0)]), vec![(0, 1)]);
    }
}
