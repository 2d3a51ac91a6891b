use serde_json::{json, Map, Value};

use mesh_core::{DataProduct, TimestampMillis};
use mesh_macros::data_product;
use mesh_model::Instant;

use super::*;
use crate::Target;

/// Orders, readable by the marketing domain too.
#[data_product(
    domain = "shop",
    version = "1.0.0",
    owner = "shop@company.com",
    layer = "bronze",
    sla(freshness = "1 hour", quality_score = ">90%"),
    access(read = "select on shop.orders"),
    visibility("marketing"),
    event_time = "at",
    quality(row_count(min = 1))
)]
#[allow(dead_code)] // Declared for its descriptor and schema only.
struct Order {
    /// The order.
    #[quality(unique, pattern = "O-[0-9]+")]
    id: String,
    /// Its note.
    #[quality(max_null_share = "10%")]
    note: Option<String>,
    /// When.
    at: TimestampMillis,
}

fn row(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn statements_of(dialect: Dialect) -> Statements {
    statements(Order::DESCRIPTOR, &Order::schema().unwrap().json, dialect, "/lake/shop/orders/data").unwrap()
}

#[test]
fn grants_name_the_privilege_and_every_domain_admitted() {
    assert_eq!(
        statements_of(Dialect::Trino).grants,
        [
            "-- access.read: select on shop.orders\nGRANT SELECT ON \"shop\".\"order\" TO ROLE \"shop\"",
            "GRANT SELECT ON \"shop\".\"order\" TO ROLE \"marketing\""
        ]
    );
    assert_eq!(statements_of(Dialect::Postgres).grants[1], "GRANT SELECT ON TABLE \"shop\".\"order\" TO \"marketing\"");
}

#[test]
fn literals_escape_as_each_dialect_reads_them() {
    assert_eq!(Dialect::Spark.string(r"it's \d"), r"'it\'s \\d'");
    assert_eq!(Dialect::Trino.string(r"it's \d"), r"'it''s \d'");
    assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
    assert_eq!(Dialect::Postgres.ident("a\"b"), "\"a\"\"b\"");
}

#[test]
fn counts_are_judged_as_the_embedded_validator_judges_them() {
    let at = Instant::parse_rfc3339("2026-11-01T02:00:00Z").unwrap();
    let newest = Instant::parse_rfc3339("2026-11-01T00:00:00Z").unwrap().0;
    let counts = row(&[
        ("records", json!(100)),
        ("passing_records", json!(95)),
        ("r0_checked", json!(100)),
        ("r0_failing", json!(4)),
        ("r0_duplicated", json!(2)),
        ("r1_checked", json!(100)),
        ("r1_failing", json!(5)),
        ("r2_checked", json!(100)),
        ("r2_failing", json!(11)),
        ("newest_event_micros", json!(newest)),
    ]);
    let report = score::score(Order::DESCRIPTOR, &counts, &Target::default(), at).unwrap();
    let verdicts: Vec<(&str, u64, u64, bool, Option<&str>)> =
        report.rules.iter().map(|r| (r.id.as_str(), r.checked, r.failing, r.passed, r.measured.as_deref())).collect();
    assert_eq!(
        verdicts,
        [
            ("id.unique", 100, 4, false, Some("2 duplicated values")),
            ("id.pattern", 100, 5, false, None),
            ("note.max_null_share", 100, 11, false, Some("11%")),
            ("row_count", 100, 0, true, Some("100 records")),
        ]
    );
    assert_eq!(report.quality_score, Some(95.0));
    let breaches: Vec<&str> = report.breaches.iter().map(|b| b.what.as_str()).collect();
    assert_eq!(breaches, ["sla.freshness", "id.unique", "note.max_null_share"], "95% keeps >90%; 2 h breaches 1 hour");
    assert_eq!(report.freshness.age_seconds, Some(7_200));
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn a_row_without_a_count_is_refused_naming_the_column() {
    let counts = row(&[("records", json!(1)), ("passing_records", json!(1)), ("r0_checked", json!(1))]);
    let error = score::score(Order::DESCRIPTOR, &counts, &Target::default(), Instant(0)).unwrap_err();
    assert!(error.contains("shop.order") && error.contains("`r0_failing`"), "{error}");
}

#[test]
fn every_rule_has_its_columns_in_the_query() {
    for dialect in Dialect::ALL {
        let query = statements_of(dialect).check_query;
        for column in ["records", "passing_records", "r0_failing", "r0_duplicated", "r1_failing", "r2_failing"] {
            assert!(query.contains(&format!("AS {column}")), "{dialect}: {column} in {query}");
        }
    }
}

#[test]
fn a_union_of_several_types_has_no_column_type_and_says_which_field() {
    let fields = vec![json!({"name": "either", "type": ["null", "string", "long"]})];
    let named = types::Named::of(&fields);
    let error = named.column_type(&fields[0]["type"], Dialect::Trino, "either").unwrap_err();
    assert!(error.contains("`either`") && error.contains("trino"), "{error}");
}

/// Contacts whose email is encrypted at rest, and checked.
#[data_product(
    domain = "crm",
    version = "1.0.0",
    owner = "crm@company.com",
    layer = "silver",
    quality(unique_combination("email", "country"))
)]
#[allow(dead_code)] // Declared for its descriptor and schema only.
struct Contact {
    /// The email.
    #[quality(pattern = "[^@]+@[^@]+")]
    #[pii(direct, encrypted, deterministic)]
    email: String,
    /// The country.
    country: String,
    /// The phone, encrypted but not checked.
    #[pii(direct, encrypted)]
    phone: Option<String>,
}

#[test]
fn encrypted_fields_are_opened_where_the_engine_reads_the_stored_files() {
    let of = |dialect| {
        statements(Contact::DESCRIPTOR, &Contact::schema().unwrap().json, dialect, "/lake/crm/contact/data").unwrap()
    };
    let spark = of(Dialect::Spark);
    assert_eq!(spark.opens, ["crm"]);
    // Opened under its own name, once per record of each of the two scans that read it (the counts
    // and the uniqueness count).
    let opened = "(SELECT mesh_open('crm', `email`) AS `email`, `country`, `phone` FROM `crm`.`contact`) o";
    assert_eq!(spark.check_query.matches(opened).count(), 2, "{}", spark.check_query);
    assert!(spark.check_query.contains("`email` IS NULL OR (`email` RLIKE"), "{}", spark.check_query);
    assert_eq!(spark.check_query.matches("mesh_open").count(), 2, "`phone`, which no rule reads, is not opened");
    assert!(spark.legend.contains("-- email. `cargo xtask validate --engine spark` registers it"), "{}", spark.legend);
    let trino = of(Dialect::Trino);
    assert!(trino.check_query.contains("mesh_open('crm', \"email\") AS \"email\""), "{}", trino.check_query);
    // PostgreSQL's table is loaded with the values (`dump --reveal`), not the stored tokens.
    let postgres = of(Dialect::Postgres);
    assert!(postgres.opens.is_empty() && !postgres.check_query.contains("mesh_open"), "{}", postgres.check_query);
}
