//! `cargo xtask graph`: the lineage of every registered product, or of one product's upstream or downstream.

use mesh_analysis::lineage::render::{self, Selection};
use mesh_analysis::lineage::Lineage;
use mesh_core::registered_products;

use crate::output::{Failure, Output};

/// How `cargo xtask graph` prints the lineage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz dot (`| dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart (renders in GitHub markdown).
    Mermaid,
    /// JSON: domains, products and edges.
    Json,
}

/// Which part of the graph to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// What feeds the product.
    Upstream,
    /// Who reads the product, directly or not.
    Downstream,
}

/// Prints the lineage graph.
pub fn run(format: GraphFormat, focus: Option<(&str, Direction)>, out: &mut Output) -> Result<(), Failure> {
    let registrations = registered_products();
    let lineage = Lineage::build(registrations.iter().map(|r| r.descriptor));
    let selection = match focus {
        None => Selection::All,
        Some((id, direction)) => {
            let node = lineage.find_id(id).ok_or_else(|| {
                let known: Vec<String> = lineage.products().iter().map(|p| p.id()).collect();
                format!("no product `{id}` in the mesh: write `--product domain.name`, one of {}", known.join(", "))
            })?;
            match direction {
                Direction::Downstream => Selection::Downstream(node),
                Direction::Upstream => Selection::Upstream(node),
            }
        }
    };
    let problems = lineage.diagnostics().len();
    if problems > 0 {
        errln!("warning: the lineage has {problems} problem(s); `cargo xtask check` lists them");
    }
    let text = match format {
        GraphFormat::Dot => render::dot(&lineage, selection),
        GraphFormat::Mermaid => render::mermaid(&lineage, selection),
        GraphFormat::Json => {
            serde_json::to_string_pretty(&render::json(&lineage, selection)).map_err(|e| e.to_string())? + "\n"
        }
    };
    out.print(&text)
}
