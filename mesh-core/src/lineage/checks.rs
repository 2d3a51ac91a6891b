//! The lineage rules: each builds the one diagnostic for one problem.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;

use super::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{parse_requirement, parse_version, IdDisplay, InputRef, Layer, ProductDescriptor};

fn at(product: &ProductDescriptor, diagnostic: Diagnostic) -> Diagnostic {
    diagnostic.product(product.id()).at(&product.source)
}

pub fn duplicate(product: &ProductDescriptor, first: &ProductDescriptor) -> Diagnostic {
    at(
        product,
        Diagnostic::error(
            codes::DUPLICATE_PRODUCT,
            format!("product `{}` is declared twice (first at {})", product.id(), first.source),
        )
        .help(format!(
            "a product id names one product in the whole mesh: rename one of them (`name = \"...\"`), \
             or remove the copy declared by `{}`",
            product.rust_type
        )),
    )
}

/// The product's version, parsed once; reports it when it is not semver.
pub fn version(product: &ProductDescriptor, diagnostics: &mut Vec<Diagnostic>) -> Option<semver::Version> {
    parse_version(&product.version)
        .map_err(|e| {
            diagnostics.push(at(
                product,
                Diagnostic::error(codes::INVALID_VERSION, format!("product `{}`: {e}", product.id()))
                    .help("set `version = \"MAJOR.MINOR.PATCH\"`, e.g. \"1.0.0\""),
            ))
        })
        .ok()
}

pub fn unknown_input(consumer: &ProductDescriptor, input: &InputRef, products: &[&ProductDescriptor]) -> Diagnostic {
    let wanted = input.id();
    let mut same_name: Vec<String> = products.iter().filter(|p| p.name == input.name).map(|p| p.id()).collect();
    if same_name.is_empty() {
        // A typo: ids within a few edits of the one written.
        let tolerance = (wanted.len() / 5).clamp(1, 3);
        same_name = products.iter().map(|p| p.id()).filter(|id| edit_distance(id, &wanted) <= tolerance).collect();
    }
    let in_domain = products.iter().filter(|p| p.domain == input.domain).count();
    let help = if !same_name.is_empty() {
        format!("did you mean `{}`? Otherwise declare the product or remove the input", same_name.join("` or `"))
    } else if in_domain == 0 {
        format!(
            "no domain `{}` is linked into this mesh: link its crate (`use {} as _;`), or fix the domain name",
            input.domain, input.domain
        )
    } else {
        format!("domain `{}` has no product `{}`: fix the name, or remove the input", input.domain, input.name)
    };
    at(
        consumer,
        Diagnostic::error(
            codes::UNKNOWN_INPUT,
            format!("`{}` reads `{}`, which is not a product of the mesh", consumer.id(), input.id()),
        )
        .help(help),
    )
}

/// Parsed requirements by their text: meshes repeat the same few (`^1`, `^2`).
#[derive(Default)]
pub struct Requirements<'a> {
    parsed: HashMap<&'a str, Result<semver::VersionReq, String>>,
}

pub fn requirement<'a>(
    consumer: &ProductDescriptor,
    input: &'a InputRef,
    producer: &ProductDescriptor,
    version: Option<&semver::Version>,
    requirements: &mut Requirements<'a>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let parsed = requirements.parsed.entry(&input.requirement).or_insert_with(|| parse_requirement(&input.requirement));
    let requirement = match parsed {
        Ok(requirement) => requirement,
        Err(e) => {
            diagnostics.push(at(
                consumer,
                Diagnostic::error(
                    codes::INVALID_VERSION,
                    format!("input `{}` of `{}`: {e}", input.id(), consumer.id()),
                )
                .help(format!("write the input as \"{}@^MAJOR\"", input.id())),
            ));
            return;
        }
    };
    let Some(version) = version else { return };
    if !requirement.matches(version) {
        diagnostics.push(at(
            consumer,
            Diagnostic::error(
                codes::UNSATISFIED_REQUIREMENT,
                format!(
                    "`{}` requires `{}@{}`, but the mesh has version {}",
                    consumer.id(),
                    input.id(),
                    input.requirement,
                    producer.version
                ),
            )
            .help(format!(
                "update the requirement to accept {} (e.g. \"{}@^{}\") after checking the changes, \
                 or ask the owner ({}) for a compatible version",
                producer.version,
                input.id(),
                version.major,
                producer.owner
            )),
        ));
    }
}

/// Bronze has no product inputs; silver reads bronze and silver; gold reads silver and gold.
pub fn layer_admits(consumer: Layer, producer: Layer) -> bool {
    match consumer {
        Layer::Bronze => false,
        Layer::Silver => matches!(producer, Layer::Bronze | Layer::Silver),
        Layer::Gold => matches!(producer, Layer::Silver | Layer::Gold),
    }
}

pub fn layer_flow(
    consumer: &ProductDescriptor,
    input: &InputRef,
    producer: &ProductDescriptor,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if layer_admits(consumer.layer, producer.layer) {
        return;
    }
    let help = match consumer.layer {
        Layer::Bronze => "bronze products hold raw source data and read no products: make this product silver, \
                          or ingest the source system directly"
            .to_string(),
        Layer::Silver => format!(
            "silver reads bronze and silver only: read the silver product derived from `{}`, or make this product gold",
            input.id()
        ),
        Layer::Gold => format!(
            "gold reads silver and gold only: read the cleaned (silver) product derived from `{}` instead of raw data",
            input.id()
        ),
    };
    diagnostics.push(at(
        consumer,
        Diagnostic::error(
            codes::LAYER_FLOW,
            format!(
                "{} product `{}` reads {} product `{}`: data flows bronze -> silver -> gold",
                consumer.layer,
                consumer.id(),
                producer.layer,
                input.id()
            ),
        )
        .help(help),
    ));
}

pub fn visibility(
    consumer: &ProductDescriptor,
    input: &InputRef,
    producer: &ProductDescriptor,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if producer.visibility.admits(&producer.domain, &consumer.domain) {
        return;
    }
    diagnostics.push(at(
        consumer,
        Diagnostic::error(
            codes::NOT_VISIBLE,
            format!(
                "`{}` reads `{}`, which is visible to {} only, not to domain `{}`",
                consumer.id(),
                input.id(),
                match &producer.visibility {
                    crate::model::Visibility::Domain => format!("domain `{}`", producer.domain),
                    other => other.to_string(),
                },
                consumer.domain
            ),
        )
        .help(format!(
            "ask the owner of `{}` ({}) to admit domain `{}` (`visibility(\"{}\")` or `visibility = \"public\"`), \
             or read a product published to your domain",
            input.id(),
            producer.owner,
            consumer.domain,
            consumer.domain
        )),
    ));
}

pub fn cycle(cycle: &[NodeIndex], products: &[&ProductDescriptor]) -> Diagnostic {
    let ids: Vec<IdDisplay<'_>> =
        cycle.iter().map(|n| products[n.index()]).map(|p| IdDisplay(&p.domain, &p.name)).collect();
    let mut path = ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(" -> ");
    path.push_str(&format!(" -> {}", ids[0]));
    let first = products[cycle[0].index()];
    let last = products[cycle[cycle.len() - 1].index()];
    at(
        first,
        Diagnostic::error(codes::DEPENDENCY_CYCLE, format!("dependency cycle: {path}")).help(format!(
            "each product is built from the one before it, so none can be built first: \
             remove one input along the cycle, e.g. `{}` from the inputs of `{}`",
            IdDisplay(&last.domain, &last.name),
            first.id()
        )),
    )
}

/// Levenshtein distance between `a` and `b`, in bytes (ids are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}
