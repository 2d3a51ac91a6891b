//! sla-freshness-lineage (MESH0105) and sla-availability-lineage (MESH0106):
//! a product cannot promise fresher data, or higher availability, than its
//! inputs deliver.
//!
//! The bound of each product is computed once, producers first: a product that
//! declares the SLA value is bound by its own promise (checked against its
//! inputs in turn); one that does not passes on the weakest bound of its
//! inputs. A violation names the path from the product whose promise sets the
//! bound, so the team sees which upstream SLA limits theirs.

use std::fmt::Display;

use petgraph::graph::NodeIndex;

use super::Finding;
use crate::lineage::Lineage;
use mesh_model::{Availability, Freshness, ProductDescriptor};

/// A bound on a product's SLA value and where it comes from.
#[derive(Clone, Copy)]
struct Bound<T> {
    value: T,
    /// The input this bound was passed on from, or the product itself when it declares the value.
    via: NodeIndex,
}

/// An SLA value compared along lineage.
trait Promise: Copy + Display {
    const WHAT: &'static str;
    fn declared(product: &ProductDescriptor) -> Option<Self>;
    /// Whether `self` promises more than `bound` allows.
    fn exceeds(self, bound: Self) -> bool;
    /// The weaker of two bounds.
    fn weaker(self, other: Self) -> bool;
    fn help(bound: Self, source: &str) -> String;
}

impl Promise for Freshness {
    const WHAT: &'static str = "fresher data";
    fn declared(product: &ProductDescriptor) -> Option<Self> {
        product.sla.freshness
    }
    fn exceeds(self, bound: Self) -> bool {
        self < bound
    }
    fn weaker(self, other: Self) -> bool {
        self > other
    }
    fn help(bound: Self, source: &str) -> String {
        format!(
            "promise at most what the inputs deliver (`sla(freshness = \"{bound}\")` or longer), \
             or agree a fresher SLA with the owner of `{source}`"
        )
    }
}

impl Promise for Availability {
    const WHAT: &'static str = "higher availability";
    fn declared(product: &ProductDescriptor) -> Option<Self> {
        product.sla.availability
    }
    fn exceeds(self, bound: Self) -> bool {
        self > bound
    }
    fn weaker(self, other: Self) -> bool {
        self < other
    }
    fn help(bound: Self, source: &str) -> String {
        format!(
            "promise at most what the inputs offer (`sla(availability = \"{bound}\")` or lower), \
             or agree a higher availability with the owner of `{source}`"
        )
    }
}

pub fn freshness(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    along_lineage::<Freshness>(lineage, findings);
}

pub fn availability(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    along_lineage::<Availability>(lineage, findings);
}

fn along_lineage<T: Promise>(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    let mut bounds: Vec<Option<Bound<T>>> = vec![None; lineage.products().len()];
    // Products on a cycle keep no bound: the cycle is reported on its own.
    for &node in lineage.topological_order() {
        let product = lineage.product(node);
        let mut weakest: Option<Bound<T>> = None;
        for (input, _) in lineage.inputs(node) {
            if let Some(bound) = bounds[input.index()] {
                if weakest.is_none_or(|w| bound.value.weaker(w.value)) {
                    weakest = Some(Bound { value: bound.value, via: input });
                }
            }
        }
        match T::declared(product) {
            Some(promise) => {
                if let Some(bound) = weakest.filter(|b| promise.exceeds(b.value)) {
                    findings.push(violation(lineage, node, promise, bound, &bounds));
                }
                bounds[node.index()] = Some(Bound { value: promise, via: node });
            }
            None => bounds[node.index()] = weakest,
        }
    }
}

fn violation<T: Promise>(
    lineage: &Lineage<'_>,
    node: NodeIndex,
    promise: T,
    bound: Bound<T>,
    bounds: &[Option<Bound<T>>],
) -> Finding {
    // Walk back from the input to the product whose own promise sets the bound.
    let mut path = vec![node, bound.via];
    let mut current = bound.via;
    while let Some(previous) = bounds[current.index()].map(|b| b.via).filter(|via| *via != current) {
        path.push(previous);
        current = previous;
    }
    path.reverse();
    let source = lineage.product(current);
    let steps: Vec<String> = path
        .iter()
        .map(|n| {
            let p = lineage.product(*n);
            match T::declared(p) {
                Some(value) if *n != node => format!("{} ({value})", p.id()),
                _ => p.id(),
            }
        })
        .collect();
    let product = lineage.product(node);
    Finding::new(
        node,
        format!(
            "`{}` promises {} ({promise}) than its inputs deliver ({}): {}",
            product.id(),
            T::WHAT,
            bound.value,
            steps.join(" -> ")
        ),
        T::help(bound.value, &source.id()),
    )
}
