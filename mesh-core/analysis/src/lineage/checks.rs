//! The lineage rules: each builds the one diagnostic for one problem.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;

use crate::diagnostic::{Code, Diagnostic};
use mesh_model::{parse_requirement, parse_version, IdDisplay, InputRef, Layer, ProductDescriptor};

fn at(product: &ProductDescriptor, diagnostic: Diagnostic) -> Diagnostic {
    diagnostic.product(product.id()).at(&product.source)
}

pub fn duplicate(product: &ProductDescriptor, first: &ProductDescriptor) -> Diagnostic {
    at(
        product,
        Diagnostic::new(
            Code::DuplicateProduct,
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
pub fn version(product: &ProductDescriptor, diagnostics: &mut Vec<Diagnostic>) -> Option<mesh_model::Version> {
    parse_version(&product.version)
        .map_err(|e| {
            diagnostics.push(at(
                product,
                Diagnostic::new(Code::InvalidVersion, format!("product `{}`: {e}", product.id()))
                    .help("set `version = \"MAJOR.MINOR.PATCH\"`, e.g. \"1.0.0\""),
            ))
        })
        .ok()
}

/// Products by domain and by name, built once when some input names no product, for suggestions.
pub struct Suggestions<'a> {
    by_domain: HashMap<&'a str, Vec<&'a ProductDescriptor>>,
    by_name: HashMap<&'a str, Vec<&'a ProductDescriptor>>,
}

impl<'a> Suggestions<'a> {
    pub fn new(products: &[&'a ProductDescriptor]) -> Self {
        let mut by_domain: HashMap<&str, Vec<&ProductDescriptor>> = HashMap::new();
        let mut by_name: HashMap<&str, Vec<&ProductDescriptor>> = HashMap::new();
        for product in products {
            by_domain.entry(&product.domain).or_default().push(product);
            by_name.entry(&product.name).or_default().push(product);
        }
        Self { by_domain, by_name }
    }

    /// What the input probably meant: the same name in another domain, or a near name in the same domain.
    fn meant(&self, input: &InputRef) -> Vec<String> {
        if let Some(same_name) = self.by_name.get(&*input.name) {
            return same_name.iter().map(|p| p.id()).collect();
        }
        let near = is_typo_of;
        if let Some(in_domain) = self.by_domain.get(&*input.domain) {
            return in_domain.iter().filter(|p| near(&input.name, &p.name)).map(|p| p.id()).collect();
        }
        self.by_domain
            .keys()
            .filter(|domain| near(&input.domain, domain))
            .filter_map(|domain| {
                self.by_domain[domain].iter().find(|p| near(&input.name, &p.name) || p.name == input.name)
            })
            .map(|p| p.id())
            .collect()
    }
}

pub fn unknown_input(consumer: &ProductDescriptor, input: &InputRef, suggestions: &Suggestions<'_>) -> Diagnostic {
    let mut meant = suggestions.meant(input);
    meant.sort();
    let help = if !meant.is_empty() {
        format!("did you mean `{}`? Otherwise declare the product or remove the input", meant.join("` or `"))
    } else if !suggestions.by_domain.contains_key(&*input.domain) {
        format!(
            "no domain `{}` is linked into this mesh: link its crate (`use {} as _;`), or fix the domain name",
            input.domain, input.domain
        )
    } else {
        format!("domain `{}` has no product `{}`: fix the name, or remove the input", input.domain, input.name)
    };
    at(
        consumer,
        Diagnostic::new(
            Code::UnknownInput,
            format!("`{}` reads `{}`, which is not a product of the mesh", consumer.id(), input.id()),
        )
        .help(help),
    )
}

/// Parsed requirements by their text: meshes repeat the same few (`^1`, `^2`).
#[derive(Default)]
pub struct Requirements<'a> {
    parsed: HashMap<&'a str, Result<mesh_model::VersionReq, String>>,
}

pub fn requirement<'a>(
    consumer: &ProductDescriptor,
    input: &'a InputRef,
    producer: &ProductDescriptor,
    version: Option<&mesh_model::Version>,
    requirements: &mut Requirements<'a>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let parsed = requirements.parsed.entry(&input.requirement).or_insert_with(|| parse_requirement(&input.requirement));
    let requirement = match parsed {
        Ok(requirement) => requirement,
        Err(e) => {
            diagnostics.push(at(
                consumer,
                Diagnostic::new(Code::InvalidVersion, format!("input `{}` of `{}`: {e}", input.id(), consumer.id()))
                    .help(format!("write the input as \"{}@^MAJOR\"", input.id())),
            ));
            return;
        }
    };
    let Some(version) = version else { return };
    if !requirement.matches(version) {
        diagnostics.push(at(
            consumer,
            Diagnostic::new(
                Code::UnsatisfiedRequirement,
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
        Diagnostic::new(
            Code::LayerFlow,
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
        Diagnostic::new(
            Code::NotVisible,
            format!(
                "`{}` reads `{}`, which is visible to {} only, not to domain `{}`",
                consumer.id(),
                input.id(),
                match &producer.visibility {
                    mesh_model::Visibility::Domain => format!("domain `{}`", producer.domain),
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
        Diagnostic::new(Code::DependencyCycle, format!("dependency cycle: {path}")).help(format!(
            "each product is built from the one before it, so none can be built first: \
             remove one input along the cycle, e.g. `{}` from the inputs of `{}`",
            IdDisplay(&last.domain, &last.name),
            first.id()
        )),
    )
}

/// Whether `written` is close enough to `candidate` to be a typo of it (a quarter of its length, 1 to 3 edits).
pub(crate) fn is_typo_of(written: &str, candidate: &str) -> bool {
    edit_distance(written, candidate) <= (written.len() / 4).clamp(1, 3)
}

/// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`, in bytes (ids are ASCII):
/// the optimal string alignment distance, so the common typo `slaes` is one edit from `sales`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j - 1] + cost).min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_counts_swaps_as_one_edit() {
        for (a, b, distance) in [
            ("sales", "sales", 0),
            ("slaes", "sales", 1),
            ("order_cleaned", "orders_cleaned", 1),
            ("claened", "cleaned", 1),
            ("kitten", "sitting", 3),
            ("", "abc", 3),
        ] {
            assert_eq!(edit_distance(a, b), distance, "{a} -> {b}");
            assert_eq!(edit_distance(b, a), distance, "{b} -> {a}");
        }
    }
}
