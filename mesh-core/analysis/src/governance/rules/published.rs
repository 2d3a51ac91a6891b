//! published-sla (MESH0103) and published-docs (MESH0104): what a product
//! published to consumers (gold, or visible outside its domain) must declare.

use super::{every_field, nodes, Finding};
use crate::lineage::Lineage;
use mesh_model::{Layer, ProductDescriptor, Visibility};

/// Why `product` counts as published, if it does.
fn published(product: &ProductDescriptor) -> Option<&'static str> {
    if product.layer == Layer::Gold {
        Some("gold")
    } else if product.visibility != Visibility::Domain {
        Some("visible outside its domain")
    } else {
        None
    }
}

pub fn complete_sla(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    for (node, product) in nodes(lineage) {
        let Some(why) = published(product) else { continue };
        let sla = &product.sla;
        let missing: Vec<&str> = [
            ("freshness", sla.freshness.is_none(), "freshness = \"15 minutes\""),
            ("availability", sla.availability.is_none(), "availability = \"99.9%\""),
            ("quality_score", sla.quality_score.is_none(), "quality_score = \">95%\""),
        ]
        .into_iter()
        .filter_map(|(_, missing, example)| missing.then_some(example))
        .collect();
        if missing.is_empty() {
            continue;
        }
        let names: Vec<&str> = missing.iter().filter_map(|m| m.split(' ').next()).collect();
        findings.push(Finding::new(
            node,
            format!("`{}` is published ({why}) but its SLA lacks {}", product.id(), names.join(", ")),
            format!("add to the declaration: `sla({})`, with the levels the team can keep", missing.join(", ")),
        ));
    }
}

pub fn documented(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    for (node, product) in nodes(lineage) {
        let Some(why) = published(product) else { continue };
        if product.description.trim().is_empty() {
            findings.push(Finding::new(
                node,
                format!("`{}` is published ({why}) but has no description", product.id()),
                format!("write a doc comment on `{}`: what the product is and what it is for", product.rust_type),
            ));
        }
        let undocumented: Vec<_> =
            every_field(product).into_iter().filter(|found| found.field.doc.trim().is_empty()).collect();
        if let Some(first) = undocumented.first() {
            let paths: Vec<&str> = undocumented.iter().map(|found| &*found.path).collect();
            findings.push(
                Finding::new(
                    node,
                    format!(
                        "`{}` is published ({why}) but field{} `{}` {} no documentation",
                        product.id(),
                        if paths.len() == 1 { "" } else { "s" },
                        paths.join("`, `"),
                        if paths.len() == 1 { "has" } else { "have" }
                    ),
                    "write a doc comment on each field (in the nested record's type for a nested field): \
                     what it holds, its unit and when it is empty"
                        .into(),
                )
                .at_field(first.field),
            );
        }
    }
}
