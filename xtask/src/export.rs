//! `cargo xtask export --out DIR`: every product's schema and contract as files.

use std::path::Path;

use mesh_analysis::baseline::Artifacts;
use serde_json::json;

use crate::files::{write_if_changed, Written};
use crate::mesh;
use crate::output::{Failure, Output};

/// The command named in the exported files.
const EXPORT_COMMAND: &str = "cargo xtask export";

pub fn run(out: &Path, stdout: &mut Output) -> Result<(), Failure> {
    let products = mesh::load().map_err(|errors| mesh::describe(&errors))?;
    let mut index = Vec::new();
    let mut changed = 0;
    for product in &products {
        let d = product.descriptor;
        let stem = format!("{}/{}", d.domain, d.name);
        let contract = product.contract();
        let artifacts = Artifacts::render(d, &product.schema.json, &contract, EXPORT_COMMAND);
        for (file, contents) in
            [(format!("{stem}.avsc"), artifacts.avsc), (format!("{stem}.contract.yaml"), artifacts.contract_yaml)]
        {
            if write_if_changed(&out.join(&file), &contents)? != Written::Unchanged {
                changed += 1;
            }
        }
        index.push(json!({
            "id": d.id(),
            "version": d.version,
            "layer": d.layer.as_str(),
            "owner": d.owner,
            "fingerprint": contract.schema.fingerprint,
            "schema": format!("{stem}.avsc"),
            "contract": format!("{stem}.contract.yaml"),
            "inputs": contract.inputs.iter().map(|i| format!("{}@{}", i.product, i.requirement)).collect::<Vec<_>>(),
        }));
    }
    let index = json!({ "generated_by": EXPORT_COMMAND, "products": index });
    let index = serde_json::to_string_pretty(&index).map_err(|e| e.to_string())? + "\n";
    if write_if_changed(&out.join("index.json"), &index)? != Written::Unchanged {
        changed += 1;
    }
    stdout.line(format_args!(
        "exported {} products to {} ({changed} files written, the rest unchanged)",
        products.len(),
        out.display()
    ))
}
