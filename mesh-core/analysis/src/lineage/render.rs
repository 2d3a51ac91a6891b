//! The lineage graph as Graphviz dot, Mermaid or JSON: domains as clusters,
//! layers shown on each product, cross-domain inputs drawn bold.

use std::fmt::Write;

use petgraph::graph::NodeIndex;
use serde_json::json;

use super::Lineage;
use mesh_model::Layer;

/// Which products to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The whole mesh.
    All,
    /// The product and everything that feeds it.
    Upstream(NodeIndex),
    /// The product and everything it feeds.
    Downstream(NodeIndex),
}

fn selected(lineage: &Lineage<'_>, selection: Selection) -> Vec<bool> {
    let count = lineage.products().len();
    let (start, others) = match selection {
        Selection::All => return vec![true; count],
        Selection::Upstream(node) => (node, lineage.upstream(node)),
        Selection::Downstream(node) => (node, lineage.downstream(node)),
    };
    let mut keep = vec![false; count];
    for node in others.into_iter().chain([start]) {
        keep[node.index()] = true;
    }
    keep
}

fn layer_colour(layer: Layer) -> &'static str {
    match layer {
        Layer::Bronze => "#e6c9a8",
        Layer::Silver => "#dfe3e8",
        Layer::Gold => "#f5d76e",
    }
}

/// Graphviz dot.
pub fn dot(lineage: &Lineage<'_>, selection: Selection) -> String {
    let keep = selected(lineage, selection);
    let mut out = String::from("digraph mesh {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\"];\n");
    for domain in lineage.domains() {
        let members: Vec<_> =
            lineage.products().iter().enumerate().filter(|(i, p)| keep[*i] && p.domain == *domain).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  subgraph \"cluster_{domain}\" {{\n    label=\"{domain}\";");
        for (_, product) in members {
            let _ = writeln!(
                out,
                "    \"{}\" [label=\"{}\\n{} {}\", fillcolor=\"{}\"];",
                product.id(),
                product.name,
                product.layer,
                product.version,
                layer_colour(product.layer)
            );
        }
        out.push_str("  }\n");
    }
    for (from, to, input) in lineage.edges() {
        if !(keep[from.index()] && keep[to.index()]) {
            continue;
        }
        let (producer, consumer) = (lineage.product(from), lineage.product(to));
        let style = if producer.domain != consumer.domain { ", style=bold, color=\"#1f6feb\"" } else { "" };
        let _ =
            writeln!(out, "  \"{}\" -> \"{}\" [label=\"{}\"{style}];", producer.id(), consumer.id(), input.requirement);
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart.
pub fn mermaid(lineage: &Lineage<'_>, selection: Selection) -> String {
    let keep = selected(lineage, selection);
    let mut out = String::from("flowchart LR\n");
    for layer in Layer::ALL {
        let _ = writeln!(out, "  classDef {layer} fill:{}", layer_colour(*layer));
    }
    for domain in lineage.domains() {
        let members: Vec<_> =
            lineage.products().iter().enumerate().filter(|(i, p)| keep[*i] && p.domain == *domain).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  subgraph {domain}");
        for (i, product) in members {
            let _ = writeln!(
                out,
                "    p{i}[\"{}<br/>{} {}\"]:::{}",
                product.id(),
                product.layer,
                product.version,
                product.layer
            );
        }
        out.push_str("  end\n");
    }
    for (from, to, input) in lineage.edges() {
        if !(keep[from.index()] && keep[to.index()]) {
            continue;
        }
        let cross = lineage.product(from).domain != lineage.product(to).domain;
        let arrow = if cross { "==>" } else { "-->" };
        let _ = writeln!(out, "  p{} {arrow}|\"{}\"| p{}", from.index(), input.requirement, to.index());
    }
    out
}

/// JSON: `{"domains": [...], "products": [...], "edges": [...]}`.
pub fn json(lineage: &Lineage<'_>, selection: Selection) -> serde_json::Value {
    let keep = selected(lineage, selection);
    let products: Vec<_> = lineage
        .products()
        .iter()
        .enumerate()
        .filter(|(i, _)| keep[*i])
        .map(|(_, p)| {
            json!({
                "id": p.id(),
                "domain": p.domain,
                "name": p.name,
                "version": p.version,
                "layer": p.layer.as_str(),
                "visibility": p.visibility.to_string(),
                "source": p.source.to_string(),
            })
        })
        .collect();
    let mut domains: Vec<&str> =
        lineage.products().iter().enumerate().filter(|(i, _)| keep[*i]).map(|(_, p)| &*p.domain).collect();
    domains.sort_unstable();
    domains.dedup();
    let edges: Vec<_> = lineage
        .edges()
        .filter(|(from, to, _)| keep[from.index()] && keep[to.index()])
        .map(|(from, to, input)| {
            let (producer, consumer) = (lineage.product(from), lineage.product(to));
            json!({
                "from": producer.id(),
                "to": consumer.id(),
                "requirement": input.requirement,
                "cross_domain": producer.domain != consumer.domain,
            })
        })
        .collect();
    json!({ "domains": domains, "products": products, "edges": edges })
}
