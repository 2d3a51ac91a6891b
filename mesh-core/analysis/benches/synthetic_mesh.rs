//! Generated meshes for the check benchmark and the peak-memory example:
//! 200 domains, 10 fields and about 2 inputs per product; the last gold product
//! of each domain, and one gold product in 25, reads a silver product of the
//! next domain. Every generated mesh passes
//! every check, so the whole analysis runs and no time goes to reporting.

use std::borrow::Cow;

use mesh_model::{
    Access, Availability, Compatibility, Encryption, FieldDescriptor, Freshness, InputRef, Layer, Pii, PiiClass,
    ProductDescriptor, QualityScore, Sla, SourceLocation, Visibility,
};

/// Domains in every generated mesh.
pub const DOMAINS: usize = 200;

fn layer_of(position: usize, per_domain: usize) -> Layer {
    // A fifth bronze, two fifths silver, two fifths gold.
    match position * 5 / per_domain.max(1) {
        0 => Layer::Bronze,
        1 | 2 => Layer::Silver,
        _ => Layer::Gold,
    }
}

fn name(position: usize, layer: Layer) -> String {
    match layer {
        Layer::Bronze => format!("p{position}_raw"),
        Layer::Silver => format!("p{position}_cleaned"),
        Layer::Gold => format!("p{position}_analytics"),
    }
}

fn input(domain: usize, position: usize, per_domain: usize) -> InputRef {
    InputRef {
        domain: Cow::Owned(format!("d{domain}")),
        name: Cow::Owned(name(position, layer_of(position, per_domain))),
        requirement: Cow::Borrowed("^1"),
        linked: false,
    }
}

fn field(index: usize) -> FieldDescriptor {
    FieldDescriptor {
        name: Cow::Owned(format!("field_{index}")),
        avro_type: Cow::Borrowed(if index.is_multiple_of(3) { "long" } else { "string" }),
        doc: Cow::Borrowed("A generated field."),
        pii: (index == 1).then_some(Pii { class: PiiClass::Direct, encryption: Some(Encryption::Randomized) }),
        aliases: Cow::Borrowed(&[]),
        record: None,
        source: SourceLocation::default(),
    }
}

/// A mesh of `products` products (rounded down to a multiple of 200).
pub fn generate(products: usize) -> Vec<ProductDescriptor> {
    let per_domain = (products / DOMAINS).max(5);
    let first_silver = (0..per_domain).find(|p| layer_of(*p, per_domain) == Layer::Silver).unwrap_or(1);
    let mut mesh = Vec::with_capacity(DOMAINS * per_domain);
    for domain in 0..DOMAINS {
        for position in 0..per_domain {
            let layer = layer_of(position, per_domain);
            let mut inputs = Vec::new();
            // The two or three products just before it, where the layers allow: silver reads bronze/silver, gold silver/gold.
            let reach = if position.is_multiple_of(2) { 3 } else { 2 };
            for source in (position.saturating_sub(reach)..position).rev() {
                let readable = match layer {
                    Layer::Bronze => false,
                    Layer::Silver => true,
                    Layer::Gold => layer_of(source, per_domain) != Layer::Bronze,
                };
                if readable {
                    inputs.push(input(domain, source, per_domain));
                }
            }
            if layer == Layer::Gold && (position + 1 == per_domain || position.is_multiple_of(25)) {
                inputs.push(input((domain + 1) % DOMAINS, first_silver, per_domain));
            }
            let (freshness, quality) = match layer {
                Layer::Bronze => ("5 minutes", ">90%"),
                Layer::Silver => ("15 minutes", ">95%"),
                Layer::Gold => ("1 hour", ">95%"),
            };
            mesh.push(ProductDescriptor {
                domain: Cow::Owned(format!("d{domain}")),
                name: Cow::Owned(name(position, layer)),
                version: Cow::Borrowed("1.2.0"),
                owner: Cow::Owned(format!("d{domain}-data@company.com")),
                layer,
                description: Cow::Borrowed("A generated product."),
                support: Some(Cow::Owned(format!("#d{domain}-data on Slack"))),
                tags: Cow::Borrowed(&[]),
                sla: Sla {
                    freshness: freshness.parse::<Freshness>().ok(),
                    availability: "99.9%".parse::<Availability>().ok(),
                    quality_score: quality.parse::<QualityScore>().ok(),
                },
                event_time: None,
                access: Access::default(),
                visibility: if layer == Layer::Bronze { Visibility::Domain } else { Visibility::Public },
                compatibility: Compatibility::Full,
                deprecated: None,
                inputs: Cow::Owned(inputs),
                fields: Cow::Owned((0..10).map(field).collect()),
                quality: Cow::Borrowed(&[]),
                rust_type: Cow::Owned(format!("d{domain}::P{position}")),
                source: SourceLocation {
                    file: Cow::Owned(format!("domains/d{domain}/src/lib.rs")),
                    line: position as u32 + 1,
                    column: 1,
                },
            });
        }
    }
    mesh
}
