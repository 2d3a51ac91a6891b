//! Hand-built products for the unit tests of the mesh checks.
//!
//! [`product`] is a product every check accepts; each test changes the one
//! thing its rule is about.

use std::borrow::Cow;

use mesh_model::{
    Access, Availability, Compatibility, FieldDescriptor, Freshness, InputRef, Layer, Pii, PiiClass, ProductDescriptor,
    QualityScore, Sla, SourceLocation, Visibility,
};

/// A compliant product `id` (`domain.name`) in `layer`, declared at `domains/<domain>/src/lib.rs:<line>`.
pub fn product(id: &str, layer: Layer, line: u32) -> ProductDescriptor {
    let (domain, name) = id.split_once('.').expect("sample ids are domain.name");
    ProductDescriptor {
        domain: Cow::Owned(domain.into()),
        name: Cow::Owned(name.into()),
        version: "1.0.0".into(),
        owner: Cow::Owned(format!("{domain}-data@company.com")),
        layer,
        description: "A sample product.".into(),
        support: Some(Cow::Owned(format!("#{domain}-data on Slack"))),
        tags: Cow::Borrowed(&[]),
        sla: sla("1 hour", "99.9%"),
        event_time: None,
        access: Access::default(),
        visibility: Visibility::Domain,
        compatibility: Compatibility::Full,
        deprecated: None,
        inputs: Cow::Owned(Vec::new()),
        fields: Cow::Owned(vec![field("id")]),
        quality: Cow::Borrowed(&[]),
        rust_type: Cow::Owned(format!("{domain}::Sample")),
        source: SourceLocation { file: Cow::Owned(format!("domains/{domain}/src/lib.rs")), line, column: 1 },
    }
}

/// A complete SLA with `freshness` and `availability` and a `>95%` quality score.
pub fn sla(freshness: &str, availability: &str) -> Sla {
    Sla {
        freshness: Some(freshness.parse::<Freshness>().expect("sample freshness")),
        availability: Some(availability.parse::<Availability>().expect("sample availability")),
        quality_score: Some(">95%".parse::<QualityScore>().expect("sample quality score")),
    }
}

/// A documented `string` field without PII, declared at `domains/sample/src/fields.rs:3:5`.
pub fn field(name: &str) -> FieldDescriptor {
    FieldDescriptor {
        name: Cow::Owned(name.into()),
        avro_type: "string".into(),
        doc: "A sample field.".into(),
        pii: None,
        aliases: Cow::Borrowed(&[]),
        record: None,
        source: SourceLocation { file: Cow::Borrowed("domains/sample/src/fields.rs"), line: 3, column: 5 },
    }
}

/// A documented `string` field holding PII of `class`.
pub fn pii_field(name: &str, class: PiiClass, encrypted_at_rest: bool) -> FieldDescriptor {
    let encryption = encrypted_at_rest.then_some(mesh_model::Encryption::Randomized);
    FieldDescriptor { pii: Some(Pii { class, encryption }), ..field(name) }
}

/// An input on `id` (`domain.name`) with `requirement`.
pub fn input(id: &str, requirement: &str) -> InputRef {
    let (domain, name) = id.split_once('.').expect("sample ids are domain.name");
    InputRef {
        domain: Cow::Owned(domain.into()),
        name: Cow::Owned(name.into()),
        requirement: Cow::Owned(requirement.into()),
        linked: false,
    }
}

/// `product` reading `inputs`, each with requirement `^1`.
pub fn reading(mut product: ProductDescriptor, inputs: &[&str]) -> ProductDescriptor {
    product.inputs = inputs.iter().map(|id| input(id, "^1")).collect();
    product
}
