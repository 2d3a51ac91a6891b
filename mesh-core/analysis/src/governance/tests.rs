use super::*;
use std::borrow::Cow;

use crate::diagnostic::Severity;
use crate::test_mesh::{field, pii_field, product, reading, sla};
use mesh_model::{
    Encryption, FieldDescriptor, Layer, NestedRecord, PathStep, Pii, PiiClass, RecordFields, SourceLocation, Visibility,
};

fn today() -> CalendarDate {
    CalendarDate::parse("2026-06-01").unwrap()
}

fn run(mesh: &[ProductDescriptor]) -> Report {
    check(mesh, &MeshConfig::default(), today())
}

/// (code, product, message) of every diagnostic.
fn found(report: &Report) -> Vec<(String, String, String)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.code.to_string(), d.product.clone().unwrap_or_default(), d.message.clone()))
        .collect()
}

fn codes(report: &Report) -> Vec<&str> {
    report.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// sales.orders_raw (bronze) -> sales.orders_cleaned (silver) -> sales.orders_analytics (gold, public).
fn clean_mesh() -> Vec<ProductDescriptor> {
    let mut analytics = reading(product("sales.orders_analytics", Layer::Gold, 3), &["sales.orders_cleaned"]);
    analytics.visibility = Visibility::Public;
    analytics.sla = sla("1 hour", "99.5%");
    vec![
        product("sales.orders_raw", Layer::Bronze, 1),
        reading(product("sales.orders_cleaned", Layer::Silver, 2), &["sales.orders_raw"]),
        analytics,
    ]
}

#[test]
fn a_clean_mesh_passes_every_policy() {
    let report = run(&clean_mesh());
    assert_eq!(found(&report), []);
    assert_eq!(report.summary.policies_checked, Policy::of(Scope::Declarations).count());
    assert_eq!((report.summary.products, report.summary.edges, report.summary.domains), (3, 2, 1));
    assert!(!report.has_errors());
}

#[test]
fn pii_must_be_encrypted_at_rest() {
    let mut mesh = clean_mesh();
    mesh[0].fields = vec![pii_field("email", PiiClass::Direct, true)].into();
    assert_eq!(found(&run(&mesh)), []);
    mesh[0].fields = vec![pii_field("email", PiiClass::Direct, false)].into();
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0101"]);
    assert_eq!(
        report.diagnostics[0].message,
        "field `email` of `sales.orders_raw` holds direct PII but is not encrypted at rest"
    );
    // The fix goes on the field, so the diagnostic points at the field, not the product.
    assert_eq!(report.diagnostics[0].location.as_ref().unwrap().to_string(), "domains/sample/src/fields.rs:3:5");
}

/// A `string` field of a nested record declared at `file:line:9`, for the record constants below.
const fn record_field(
    name: &'static str,
    doc: &'static str,
    pii: Option<Pii>,
    file: &'static str,
    line: u32,
) -> FieldDescriptor {
    FieldDescriptor {
        name: Cow::Borrowed(name),
        avro_type: Cow::Borrowed("string"),
        doc: Cow::Borrowed(doc),
        pii,
        aliases: Cow::Borrowed(&[]),
        record: None,
        source: SourceLocation { file: Cow::Borrowed(file), line, column: 9 },
    }
}

const DIRECT_ENCRYPTED: Option<Pii> = Some(Pii { class: PiiClass::Direct, encryption: Some(Encryption::Randomized) });

/// A customer address nested in products: its postcode is indirect PII, stored unencrypted.
const ADDRESS: RecordFields = RecordFields {
    rust_type: "customer::Address",
    fields: || {
        const {
            &[
                record_field("street", "Street and number.", DIRECT_ENCRYPTED, "domains/customer/src/address.rs", 12),
                record_field(
                    "postcode",
                    "Postal code.",
                    Some(Pii { class: PiiClass::Indirect, encryption: None }),
                    "domains/customer/src/address.rs",
                    14,
                ),
            ]
        }
    },
};

#[test]
fn pii_in_nested_records_must_be_encrypted_at_rest_too() {
    let mut mesh = clean_mesh();
    let addresses =
        FieldDescriptor { record: NestedRecord::of(Some(ADDRESS), &[PathStep::Items]), ..field("addresses") };
    mesh[0].fields = vec![field("id"), addresses].into();
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0101"], "the encrypted street passes, the postcode does not");
    let diagnostic = &report.diagnostics[0];
    assert_eq!(
        diagnostic.message,
        "field `addresses[].postcode` of `sales.orders_raw` holds indirect PII but is not encrypted at rest"
    );
    assert_eq!(
        diagnostic.help.as_deref(),
        Some("encrypt the stored column and declare it: `#[pii(indirect, encrypted)]` on field `postcode` of `customer::Address`")
    );
    // At the field in the record's own file, where the fix goes.
    assert_eq!(diagnostic.location.as_ref().unwrap().to_string(), "domains/customer/src/address.rs:14:9");
}

/// An address type of another team: the same fields, none classified.
const PLAIN_ADDRESS: RecordFields = RecordFields {
    rust_type: "shipping::Address",
    fields: || {
        const {
            &[
                record_field("street", "Street and number.", None, "domains/shipping/src/address.rs", 12),
                record_field("postcode", "Postal code.", None, "domains/shipping/src/address.rs", 14),
            ]
        }
    },
};

#[test]
fn a_copied_nested_pii_field_stays_classified() {
    let mut mesh = clean_mesh();
    let nesting = |record: RecordFields| FieldDescriptor {
        record: NestedRecord::of(Some(record), &[PathStep::Items]),
        ..field("addresses")
    };
    mesh[0].fields = vec![nesting(ADDRESS)].into();
    // The same record type carries its classification along.
    mesh[1].fields = vec![nesting(ADDRESS)].into();
    let copied = |report: &Report| -> Vec<(String, Option<String>, String)> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "MESH0109")
            .map(|d| (d.message.clone(), d.help.clone(), d.location.as_ref().unwrap().to_string()))
            .collect()
    };
    assert_eq!(copied(&run(&mesh)), []);
    mesh[1].fields = vec![nesting(PLAIN_ADDRESS)].into();
    let report = run(&mesh);
    let found = copied(&report);
    assert_eq!(found.len(), 2, "street and postcode: {found:#?}");
    let (message, help, location) = found.iter().find(|(message, ..)| message.contains("postcode")).unwrap();
    assert_eq!(location, "domains/shipping/src/address.rs:14:9", "the consumer's copy, where the fix goes");
    assert_eq!(
        message,
        "field `addresses[].postcode` of `sales.orders_cleaned` copies indirect PII field `addresses[].postcode` \
         of `sales.orders_raw` but is not classified"
    );
    assert!(
        help.as_deref()
            .unwrap()
            .starts_with("declare `#[pii(indirect, encrypted)]` on `postcode` of `shipping::Address`;"),
        "{help:?}"
    );
    // A consumer holding the record in another container still copies its fields.
    mesh[1].fields = vec![FieldDescriptor {
        record: NestedRecord::of(Some(PLAIN_ADDRESS), &[PathStep::Values]),
        ..field("addresses")
    }]
    .into();
    let found = copied(&run(&mesh));
    assert_eq!(found.len(), 2, "street and postcode through a map: {found:#?}");
    assert!(found
        .iter()
        .any(|(message, ..)| message.starts_with("field `addresses{}.postcode` of `sales.orders_cleaned`")));
    // A consumer that does not nest the field does not copy it.
    mesh[1].fields = vec![field("addresses")].into();
    assert_eq!(copied(&run(&mesh)), []);
}

#[test]
fn products_need_an_owner_address_and_a_support_channel() {
    let mut mesh = clean_mesh();
    mesh[1].owner = "the sales team".into();
    mesh[1].support = None;
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0102", "MESH0102"]);
    assert!(found(&report).iter().all(|(_, product, _)| product == "sales.orders_cleaned"));
}

#[test]
fn published_products_declare_a_complete_sla() {
    let mut mesh = clean_mesh();
    mesh[2].sla.quality_score = None;
    mesh[2].sla.freshness = None;
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0103"]);
    assert_eq!(
        report.diagnostics[0].message,
        "`sales.orders_analytics` is published (gold) but its SLA lacks freshness, quality_score"
    );
    // A silver product visible to another domain is published too; a domain-internal one is not.
    let mut mesh = clean_mesh();
    mesh[1].sla.quality_score = None;
    assert_eq!(codes(&run(&mesh)), Vec::<&str>::new());
    mesh[1].visibility = Visibility::Domains(vec!["marketing".into()].into());
    assert_eq!(codes(&run(&mesh)), ["MESH0103"]);
}

#[test]
fn published_products_document_themselves_and_every_field() {
    let mut mesh = clean_mesh();
    mesh[2].description = "".into();
    let mut undocumented = field("amount");
    undocumented.doc = "".into();
    mesh[2].fields.to_mut().push(undocumented);
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0104", "MESH0104"]);
    let field_docs = report.diagnostics.iter().find(|d| d.message.ends_with("but field `amount` has no documentation"));
    assert_eq!(field_docs.unwrap().location.as_ref().unwrap().to_string(), "domains/sample/src/fields.rs:3:5");
    // Unpublished products may stay terse.
    mesh[0].description = "".into();
    assert_eq!(codes(&run(&mesh)), ["MESH0104", "MESH0104"]);
}

/// A record type of an older tool: one field undocumented and not snake case.
const LEGACY_LINE: RecordFields = RecordFields {
    rust_type: "sales::LegacyLine",
    fields: || {
        const {
            &[
                record_field("SKU", "", None, "domains/sales/src/legacy.rs", 8),
                record_field("quantity", "Units ordered.", None, "domains/sales/src/legacy.rs", 10),
            ]
        }
    },
};

#[test]
fn nested_record_fields_are_documented_and_snake_case_too_reported_once_per_product() {
    let mut mesh = clean_mesh();
    let lines =
        |name: &str| FieldDescriptor { record: NestedRecord::of(Some(LEGACY_LINE), &[PathStep::Items]), ..field(name) };
    // Published (gold) and nesting the record twice: one finding per policy, at the record's field.
    mesh[2].fields = vec![field("order_id"), lines("lines"), lines("returned_lines")].into();
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0104", "MESH0107"]);
    let [docs, naming] = &report.diagnostics[..] else { unreachable!() };
    assert_eq!(
        docs.message,
        "`sales.orders_analytics` is published (gold) but field `lines[].SKU` has no documentation"
    );
    assert_eq!(naming.message, "field `lines[].SKU` of `sales.orders_analytics` is not lower snake case");
    assert_eq!(
        naming.help.as_deref(),
        Some("rename it `sku` in `sales::LegacyLine`, keeping the old name readable with `#[avro(aliases(\"SKU\"))]`")
    );
    for diagnostic in [docs, naming] {
        assert_eq!(diagnostic.location.as_ref().unwrap().to_string(), "domains/sales/src/legacy.rs:8:9");
    }
}

/// A product nested in itself (a tree of categories): its fields are also the nested record's.
const CATEGORY: RecordFields = RecordFields { rust_type: "catalog::Category", fields: || CATEGORY_FIELDS };

const CATEGORY_FIELDS: &[FieldDescriptor] = &[
    record_field("Label", "", Some(Pii { class: PiiClass::Direct, encryption: None }), "domains/catalog/src/lib.rs", 9),
    FieldDescriptor {
        name: Cow::Borrowed("children"),
        avro_type: Cow::Borrowed("array<catalog.Category>"),
        doc: Cow::Borrowed("The subcategories."),
        pii: None,
        aliases: Cow::Borrowed(&[]),
        record: NestedRecord::of(Some(CATEGORY), &[PathStep::Items]),
        source: SourceLocation { file: Cow::Borrowed("domains/catalog/src/lib.rs"), line: 11, column: 9 },
    },
];

#[test]
fn a_product_nested_in_itself_has_each_field_reported_once() {
    let mut mesh = clean_mesh();
    mesh[2].rust_type = Cow::Borrowed(CATEGORY.rust_type);
    mesh[2].fields = Cow::Borrowed(CATEGORY_FIELDS);
    let report = run(&mesh);
    // `children[].Label` is the product's own `Label` again: the same field, the same fix.
    assert_eq!(codes(&report), ["MESH0101", "MESH0104", "MESH0107"], "{report:#?}");
    let messages: Vec<&str> = report.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "field `Label` of `sales.orders_analytics` holds direct PII but is not encrypted at rest",
            "`sales.orders_analytics` is published (gold) but field `Label` has no documentation",
            "field `Label` of `sales.orders_analytics` is not lower snake case",
        ]
    );
}

#[test]
fn no_product_promises_fresher_data_than_its_inputs_deliver() {
    let mut mesh = clean_mesh();
    // orders_raw delivers within 1 hour; orders_cleaned promises nothing, so the bound passes through it.
    mesh[1].sla.freshness = None;
    mesh[2].sla = sla("15 minutes", "99.5%");
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0105"]);
    assert_eq!(
        report.diagnostics[0].message,
        "`sales.orders_analytics` promises fresher data (15 minutes) than its inputs deliver (1 hour): \
         sales.orders_raw (1 hour) -> sales.orders_cleaned -> sales.orders_analytics"
    );
    mesh[2].sla = sla("1 hour", "99.5%");
    assert_eq!(codes(&run(&mesh)), Vec::<&str>::new());
}

#[test]
fn no_product_promises_higher_availability_than_its_inputs_offer() {
    let mut mesh = clean_mesh();
    mesh[1].sla = sla("1 hour", "99%");
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0106"]);
    assert_eq!(
        report.diagnostics[0].message,
        "`sales.orders_analytics` promises higher availability (99.5%) than its inputs deliver (99%): \
         sales.orders_cleaned (99%) -> sales.orders_analytics"
    );
}

#[test]
fn domains_products_and_fields_are_snake_case() {
    let mut mesh = clean_mesh();
    mesh[0].fields = vec![field("CustomerId"), field("order_id")].into();
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0107"]);
    assert!(report.diagnostics[0].help.as_ref().unwrap().contains("rename it `customer_id`"));
}

#[test]
fn product_names_match_their_layer() {
    let mut mesh = clean_mesh();
    mesh[0].name = "orders".into();
    mesh[1].inputs = vec![crate::test_mesh::input("sales.orders", "^1")].into();
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0108"]);
    assert_eq!(report.diagnostics[0].severity, Severity::Warning, "a warning unless mesh.toml says otherwise");
    assert!(!report.has_errors());
    mesh[0].name = "orders_raw".into();
    mesh[1].inputs = vec![crate::test_mesh::input("sales.orders_raw", "^1")].into();
    mesh[2].name = "orders_cleaned_v2".into();
    assert_eq!(codes(&run(&mesh)), Vec::<&str>::new());
    mesh[2].name = "orders_raw_cleaned".into();
    assert_eq!(codes(&run(&mesh)), ["MESH0108"]);
}

#[test]
fn a_copied_pii_field_stays_classified() {
    let mut mesh = clean_mesh();
    mesh[0].fields = vec![pii_field("email", PiiClass::Direct, true)].into();
    mesh[1].fields = vec![field("email")].into();
    let report = run(&mesh);
    assert_eq!(codes(&report), ["MESH0109"]);
    assert_eq!(
        report.diagnostics[0].message,
        "field `email` of `sales.orders_cleaned` copies direct PII field `email` of `sales.orders_raw` but is not classified"
    );
    mesh[1].fields = vec![pii_field("email", PiiClass::Indirect, true)].into();
    assert!(run(&mesh).diagnostics[0].message.ends_with("but is classified only as indirect"));
    // A rename through an alias is still a copy.
    let mut renamed = field("contact");
    renamed.aliases = vec!["email".into()].into();
    mesh[1].fields = vec![renamed].into();
    assert_eq!(codes(&run(&mesh)), ["MESH0109"]);
    mesh[1].fields = vec![pii_field("email", PiiClass::Sensitive, true)].into();
    assert_eq!(codes(&run(&mesh)), Vec::<&str>::new());
}

#[test]
fn levels_come_from_mesh_toml_and_domains_may_be_stricter() {
    let mut mesh = clean_mesh();
    mesh[0].name = "orders".into();
    mesh[1].inputs = vec![crate::test_mesh::input("sales.orders", "^1")].into();
    let off = MeshConfig::parse("[policies]\nlayer-names = \"off\"\n", "mesh.toml");
    let report = check(&mesh, &off, today());
    assert_eq!(codes(&report), Vec::<&str>::new());
    assert_eq!(report.summary.policies_checked, Policy::of(Scope::Declarations).count() - 1);
    let strict = MeshConfig::parse(
        "[policies]\nlayer-names = \"off\"\n[domains.sales.policies]\nlayer-names = \"error\"\n",
        "mesh.toml",
    );
    let report = check(&mesh, &strict, today());
    assert_eq!(codes(&report), ["MESH0108"]);
    assert!(report.has_errors());
}

#[test]
fn a_valid_waiver_excuses_its_domain_an_expired_one_is_an_error() {
    let mut mesh = clean_mesh();
    mesh[0].fields = vec![pii_field("email", PiiClass::Direct, false)].into();
    let waiver = |expires: &str| {
        MeshConfig::parse(
            &format!(
                "[[waivers]]\ndomain = \"sales\"\npolicy = \"pii-encrypted-at-rest\"\nreason = \"key rotation, DATA-7\"\nexpires = \"{expires}\"\n"
            ),
            "mesh.toml",
        )
    };
    let report = check(&mesh, &waiver("2026-06-01"), today());
    assert_eq!(codes(&report), Vec::<&str>::new(), "valid through its expiry day");
    assert_eq!(report.summary.waived, 1);
    let report = check(&mesh, &waiver("2026-05-31"), today());
    assert_eq!(codes(&report), ["MESH0101", "MESH0203"], "the expired waiver no longer excuses");
    assert_eq!(
        report.diagnostics[1].message,
        "the waiver of pii-encrypted-at-rest (MESH0101) for domain `sales` expired on 2026-05-31 \
         (reason given: key rotation, DATA-7)"
    );
    // Once the domain complies, the waiver is reported as removable.
    mesh[0].fields = vec![pii_field("email", PiiClass::Direct, true)].into();
    let report = check(&mesh, &waiver("2027-01-01"), today());
    assert_eq!(codes(&report), ["MESH0205"]);
    assert!(!report.has_errors());
}

#[test]
fn a_second_waiver_for_the_same_domain_and_policy_is_reported_not_silently_replacing_the_first() {
    let mut mesh = clean_mesh();
    mesh[0].fields = vec![pii_field("email", PiiClass::Direct, false)].into();
    let config = MeshConfig::parse(
        "[[waivers]]\ndomain = \"sales\"\npolicy = \"pii-encrypted-at-rest\"\nreason = \"key rotation\"\nexpires = \"2026-12-31\"\n\n\
         [[waivers]]\ndomain = \"sales\"\npolicy = \"MESH0101\"\nreason = \"same, by code\"\nexpires = \"2027-06-30\"\n",
        "mesh.toml",
    );
    assert_eq!(config.problems, []);
    let report = check(&mesh, &config, today());
    assert_eq!(codes(&report), ["MESH0202"], "the first waiver still excuses, and is not reported as unused");
    assert_eq!(report.summary.waived, 1);
    let duplicate = &report.diagnostics[0];
    assert_eq!(duplicate.severity, Severity::Error);
    assert_eq!(
        duplicate.message,
        "duplicate waiver for sales/pii-encrypted-at-rest (MESH0101), first at mesh.toml line 1"
    );
    assert_eq!(duplicate.location.as_ref().unwrap().to_string(), "mesh.toml:7:1");
    assert!(duplicate.help.as_ref().unwrap().starts_with("keep one"));
}

#[test]
fn policies_for_a_domain_with_no_product_are_reported_with_a_suggestion() {
    let config = MeshConfig::parse(
        "[policies]\nlayer-names = \"warning\"\n\n[domains.sale.policies]\nlayer-names = \"error\"\n\n\
         [domains.billing.policies]\nownership = \"error\"\n\n[domains.sales.policies]\nlayer-names = \"error\"\n",
        "mesh.toml",
    );
    let report = check(&clean_mesh(), &config, today());
    assert_eq!(codes(&report), ["MESH0206", "MESH0206"]);
    assert!(!report.has_errors(), "a warning: the policies are merely unused");
    let typo = &report.diagnostics[0];
    assert_eq!(typo.location.as_ref().unwrap().line, 4);
    assert_eq!(typo.message, "mesh.toml sets policies for domain `sale`, which has no product in the mesh");
    assert_eq!(typo.help.as_deref(), Some("did you mean `sales`? Otherwise remove the table"));
    let unknown = &report.diagnostics[1];
    assert_eq!(unknown.location.as_ref().unwrap().line, 7);
    assert_eq!(unknown.help.as_deref(), Some("the mesh's domains are `sales`: fix the name, or remove the table"));
}

#[test]
fn reports_render_as_text_json_and_github_annotations() {
    let mut mesh = clean_mesh();
    mesh[0].fields = vec![pii_field("email", PiiClass::Direct, false)].into();
    mesh[0].name = "orders".into();
    let report = run(&mesh);
    insta::assert_snapshot!("report_text", report.render(Format::Text));
    insta::assert_snapshot!("report_json", report.render(Format::Json));
    insta::assert_snapshot!("report_github", report.render(Format::Github));
}
