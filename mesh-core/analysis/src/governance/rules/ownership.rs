//! ownership (MESH0102): every product has an owning team with a valid address and a support channel.

use super::{nodes, Finding};
use crate::lineage::Lineage;
use mesh_model::check_owner;

pub fn owner_and_support(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    for (node, product) in nodes(lineage) {
        if let Err(e) = check_owner(&product.owner) {
            findings.push(Finding::new(
                node,
                format!("`{}`: {e}", product.id()),
                "set `owner = \"<team>@company.com\"`: the team accountable for the product".into(),
            ));
        }
        if product.support.as_deref().is_none_or(|s| s.trim().is_empty()) {
            findings.push(Finding::new(
                node,
                format!("`{}` has no support channel", product.id()),
                "set `support = \"#<team> on Slack\"`: where consumers ask for help".into(),
            ));
        }
    }
}
