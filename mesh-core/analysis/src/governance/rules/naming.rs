//! snake-case-names (MESH0107) and layer-names (MESH0108).

use super::{every_field, nodes, Finding};
use crate::lineage::Lineage;
use mesh_model::{is_snake_case, to_snake_case, Layer};

pub fn snake_case(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    for (node, product) in nodes(lineage) {
        for (what, name) in [("domain", &product.domain), ("product name", &product.name)] {
            if !is_snake_case(name) {
                findings.push(Finding::new(
                    node,
                    format!("{what} `{name}` of `{}` is not lower snake case", product.id()),
                    format!("rename it `{}` (letters, digits, single `_`)", to_snake_case(name).replace('-', "_")),
                ));
            }
        }
        for found in every_field(product).into_iter().filter(|found| !is_snake_case(&found.field.name)) {
            let name = &found.field.name;
            let place = found.record.map(|record| format!(" in `{record}`")).unwrap_or_default();
            findings.push(
                Finding::new(
                    node,
                    format!("field `{}` of `{}` is not lower snake case", found.path, product.id()),
                    format!(
                        "rename it `{}`{place}, keeping the old name readable with `#[avro(aliases(\"{name}\"))]`",
                        to_snake_case(name).replace('-', "_"),
                    ),
                )
                .at_field(found.field),
            );
        }
    }
}

pub fn layer_suffixes(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    for (node, product) in nodes(lineage) {
        let name = &*product.name;
        let (raw, cleaned) = (name.ends_with("_raw"), name.ends_with("_cleaned"));
        let misnamed = match product.layer {
            Layer::Bronze => !raw,
            Layer::Silver => raw,
            Layer::Gold => raw || cleaned,
        };
        if !misnamed {
            continue;
        }
        let stem = name.strip_suffix("_raw").or_else(|| name.strip_suffix("_cleaned")).unwrap_or(name);
        let suggestion = match product.layer {
            Layer::Bronze => format!("{stem}_raw"),
            Layer::Silver => format!("{stem}_cleaned"),
            Layer::Gold => format!("{stem}_analytics"),
        };
        findings.push(Finding::new(
            node,
            format!("{} product `{}` is named like another layer", product.layer, product.id()),
            format!(
                "bronze names end in `_raw`, `_raw` names are bronze and `_cleaned` names are silver: \
                 rename it e.g. `{suggestion}`, or change its layer"
            ),
        ));
    }
}
