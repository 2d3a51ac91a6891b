//! Dependency cycles, found through strongly connected components.
//!
//! The number of distinct cycles can grow exponentially with the products in
//! one component, so "every cycle" means: every input that closes a cycle lies
//! on at least one reported cycle. Each input of a component not yet on a
//! reported cycle gets the shortest cycle through it, so fixing every reported
//! cycle leaves none.

use std::collections::{HashSet, VecDeque};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::Flow;

/// At most this many cycles per component: past it, the first ones already show what to untangle.
const MAX_CYCLES_PER_COMPONENT: usize = 100;

/// The reported cycles, which nodes lie on a cycle, and the other nodes in topological order.
pub fn find(graph: &DiGraph<(), Flow>) -> (Vec<Vec<NodeIndex>>, Vec<bool>, Vec<NodeIndex>) {
    let mut in_cycle = vec![false; graph.node_count()];
    let mut topological = Vec::with_capacity(graph.node_count());
    let mut cycles = Vec::new();
    // Tarjan yields components consumers-first; reversed, producers come first.
    for component in tarjan_scc(graph).into_iter().rev() {
        let node = component[0];
        if component.len() == 1 && graph.find_edge(node, node).is_none() {
            topological.push(node);
            continue;
        }
        for member in &component {
            in_cycle[member.index()] = true;
        }
        cycles.extend(component_cycles(graph, &component, &in_cycle));
    }
    cycles.sort();
    (cycles, in_cycle, topological)
}

fn component_cycles(graph: &DiGraph<(), Flow>, component: &[NodeIndex], in_cycle: &[bool]) -> Vec<Vec<NodeIndex>> {
    let members: HashSet<NodeIndex> = component.iter().copied().collect();
    let mut edges: Vec<(NodeIndex, NodeIndex)> = component
        .iter()
        .flat_map(|&u| graph.neighbors(u).filter(|v| members.contains(v)).map(move |v| (u, v)))
        .collect();
    edges.sort();
    edges.dedup();
    let mut covered = HashSet::new();
    let mut found: Vec<Vec<NodeIndex>> = Vec::new();
    for (from, to) in edges {
        if found.len() == MAX_CYCLES_PER_COMPONENT {
            break;
        }
        if covered.contains(&(from, to)) {
            continue;
        }
        let mut cycle = vec![from];
        if from != to {
            cycle.extend(shortest_path(graph, to, from, &members, in_cycle));
            cycle.pop();
        }
        for (i, &node) in cycle.iter().enumerate() {
            covered.insert((node, cycle[(i + 1) % cycle.len()]));
        }
        // Start at the smallest node, so the same cycle always reads the same.
        let start = cycle.iter().enumerate().min_by_key(|(_, n)| **n).map_or(0, |(i, _)| i);
        cycle.rotate_left(start);
        if !found.contains(&cycle) {
            found.push(cycle);
        }
    }
    found
}

/// The nodes from `from` to `to` (both included) along edges inside the component.
fn shortest_path(
    graph: &DiGraph<(), Flow>,
    from: NodeIndex,
    to: NodeIndex,
    members: &HashSet<NodeIndex>,
    in_cycle: &[bool],
) -> Vec<NodeIndex> {
    let mut previous = std::collections::HashMap::new();
    let mut queue = VecDeque::from([from]);
    previous.insert(from, from);
    while let Some(node) = queue.pop_front() {
        if node == to {
            break;
        }
        let mut next: Vec<NodeIndex> =
            graph.neighbors(node).filter(|n| in_cycle[n.index()] && members.contains(n)).collect();
        next.sort();
        for n in next {
            if let std::collections::hash_map::Entry::Vacant(slot) = previous.entry(n) {
                slot.insert(node);
                queue.push_back(n);
            }
        }
    }
    let mut path = vec![to];
    let mut node = to;
    while node != from {
        node = previous[&node];
        path.push(node);
    }
    path.reverse();
    path
}
