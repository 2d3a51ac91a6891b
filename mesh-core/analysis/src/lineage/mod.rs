//! The lineage graph: every product of the mesh and the inputs between them.
//!
//! [`Lineage::build`] resolves each product's inputs to the producing product
//! and reports, one [`Diagnostic`] per problem, what makes the graph invalid:
//! duplicate ids, inputs naming no product, unsatisfied version requirements,
//! dependency cycles, inputs flowing against the lakehouse layers and inputs
//! the producer's visibility does not admit. The graph then answers lineage
//! questions ("what feeds this", "who breaks if this changes") and renders
//! as Graphviz dot, Mermaid or JSON ([`render`]).
//!
//! Edges point the way data flows: from the producer to the consumer.

mod checks;
mod cycles;
pub mod render;

use std::collections::{HashMap, HashSet, VecDeque};

/// A product's node in the [`Lineage`] graph.
pub use petgraph::graph::NodeIndex;
use petgraph::graph::{DiGraph, EdgeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

pub(crate) use checks::is_typo_of;

use crate::diagnostic::Diagnostic;
use mesh_model::{InputRef, ProductDescriptor};

/// A resolved input: the edge from a producer to a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// Position of the input in the consumer's `inputs`.
    pub input: u32,
}

/// The mesh's lineage graph over borrowed product descriptors.
#[derive(Debug)]
pub struct Lineage<'a> {
    products: Vec<&'a ProductDescriptor>,
    graph: DiGraph<(), Flow>,
    index: HashMap<(&'a str, &'a str), NodeIndex>,
    domains: Vec<&'a str>,
    diagnostics: Vec<Diagnostic>,
    cycles: Vec<Vec<NodeIndex>>,
    in_cycle: Vec<bool>,
    topological: Vec<NodeIndex>,
}

impl<'a> Lineage<'a> {
    /// Builds the graph of `products` and checks it.
    ///
    /// Node `i` is the `i`-th product. A duplicate id resolves to its first
    /// declaration. Problems are collected in [`Lineage::diagnostics`]; the
    /// graph is still built around them, so one mistake does not hide others.
    pub fn build(products: impl IntoIterator<Item = &'a ProductDescriptor>) -> Self {
        let products: Vec<&'a ProductDescriptor> = products.into_iter().collect();
        let mut graph = DiGraph::with_capacity(products.len(), products.len() * 2);
        let mut index = HashMap::with_capacity(products.len());
        let mut diagnostics = Vec::new();
        for product in &products {
            let node = graph.add_node(());
            match index.get(&(&*product.domain, &*product.name)) {
                Some(&first) => diagnostics.push(checks::duplicate(product, products[position_of(first)])),
                None => {
                    index.insert((&*product.domain, &*product.name), node);
                }
            }
        }
        let mut domains: Vec<&str> = products.iter().map(|p| &*p.domain).collect::<HashSet<_>>().into_iter().collect();
        domains.sort_unstable();

        let versions: Vec<Option<mesh_model::Version>> =
            products.iter().map(|p| checks::version(p, &mut diagnostics)).collect();
        let mut requirements = checks::Requirements::default();
        let mut unknown = Vec::new();
        for (position, consumer) in products.iter().enumerate() {
            for (slot, input) in consumer.inputs.iter().enumerate() {
                let Some(&producer) = index.get(&(&*input.domain, &*input.name)) else {
                    unknown.push((*consumer, input));
                    continue;
                };
                let producer_descriptor = products[position_of(producer)];
                checks::requirement(
                    consumer,
                    input,
                    producer_descriptor,
                    versions[position_of(producer)].as_ref(),
                    &mut requirements,
                    &mut diagnostics,
                );
                checks::layer_flow(consumer, input, producer_descriptor, &mut diagnostics);
                checks::visibility(consumer, input, producer_descriptor, &mut diagnostics);
                graph.add_edge(producer, NodeIndex::new(position), Flow { input: slot as u32 });
            }
        }

        if !unknown.is_empty() {
            let suggestions = checks::Suggestions::new(&products);
            diagnostics.extend(
                unknown.into_iter().map(|(consumer, input)| checks::unknown_input(consumer, input, &suggestions)),
            );
        }
        let (cycles, in_cycle, topological) = cycles::find(&graph);
        for cycle in &cycles {
            diagnostics.push(checks::cycle(cycle, &products));
        }
        Self { products, graph, index, domains, diagnostics, cycles, in_cycle, topological }
    }

    /// Every product, in the order given; node `i` is `products()[i]`.
    pub fn products(&self) -> &[&'a ProductDescriptor] {
        &self.products
    }

    /// The product at `node`.
    pub fn product(&self, node: NodeIndex) -> &'a ProductDescriptor {
        self.products[position_of(node)]
    }

    /// The node of product `domain.name` (its first declaration).
    pub fn find(&self, domain: &str, name: &str) -> Option<NodeIndex> {
        self.index.get(&(domain, name)).copied()
    }

    /// The node of the product with id `domain.name`.
    pub fn find_id(&self, id: &str) -> Option<NodeIndex> {
        let (domain, name) = id.split_once('.')?;
        self.find(domain, name)
    }

    /// The domains, sorted.
    pub fn domains(&self) -> &[&'a str] {
        &self.domains
    }

    /// Number of resolved inputs (edges).
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Number of edges between different domains.
    pub fn cross_domain_edge_count(&self) -> usize {
        self.edges().filter(|(from, to, _)| self.product(*from).domain != self.product(*to).domain).count()
    }

    /// Every edge as (producer, consumer, the consumer's input).
    pub fn edges(&self) -> impl Iterator<Item = (NodeIndex, NodeIndex, &'a InputRef)> + '_ {
        self.graph.edge_references().map(|e| (e.source(), e.target(), self.input_of(e.id())))
    }

    /// The resolved inputs of `consumer`: (producer, the input as declared).
    pub fn inputs(&self, consumer: NodeIndex) -> impl Iterator<Item = (NodeIndex, &'a InputRef)> + '_ {
        self.graph.edges_directed(consumer, Direction::Incoming).map(|e| (e.source(), self.input_of(e.id())))
    }

    fn input_of(&self, edge: EdgeIndex) -> &'a InputRef {
        let (_, consumer) = self.graph.edge_endpoints(edge).expect("edge of this graph");
        &self.product(consumer).inputs[self.graph[edge].input as usize]
    }

    /// The problems that make the graph invalid.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Every reported cycle, each as the products along it (the first feeds the second, ..., the last feeds the first).
    pub fn cycles(&self) -> &[Vec<NodeIndex>] {
        &self.cycles
    }

    /// Whether `node` lies on a dependency cycle.
    pub fn in_cycle(&self, node: NodeIndex) -> bool {
        self.in_cycle[position_of(node)]
    }

    /// Every product not on a cycle, producers before their consumers.
    pub fn topological_order(&self) -> &[NodeIndex] {
        &self.topological
    }

    /// Everything that feeds `node`, directly or through other products ("what feeds this").
    pub fn upstream(&self, node: NodeIndex) -> Vec<NodeIndex> {
        self.reachable(node, Direction::Incoming)
    }

    /// Everything fed by `node`, directly or through other products ("who breaks if this changes").
    pub fn downstream(&self, node: NodeIndex) -> Vec<NodeIndex> {
        self.reachable(node, Direction::Outgoing)
    }

    /// Breadth-first, nearest first, without `start` itself (unless on a cycle through it).
    fn reachable(&self, start: NodeIndex, direction: Direction) -> Vec<NodeIndex> {
        let mut seen = vec![false; self.products.len()];
        let mut queue = VecDeque::from([start]);
        let mut found = Vec::new();
        while let Some(node) = queue.pop_front() {
            for next in self.graph.neighbors_directed(node, direction) {
                if !std::mem::replace(&mut seen[position_of(next)], true) {
                    found.push(next);
                    queue.push_back(next);
                }
            }
        }
        found
    }
}

fn position_of(node: NodeIndex) -> usize {
    node.index()
}

#[cfg(test)]
mod tests;
