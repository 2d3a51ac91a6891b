//! Every key of `#[data_product(...)]`, in one table: its name, whether a
//! declaration must set it, the form of its value with an example, and its purpose.
//!
//! The macro accepts exactly these keys (its unknown-key error lists and suggests
//! from them), and `cargo xtask docs` writes them to `docs/reference/data-product-keys.md`,
//! which the attribute's rustdoc includes. A new key here needs its parser in
//! `mesh-macros` (`ast/product.rs`).

/// One key of `#[data_product(...)]`, or of its `sla(...)` or `access(...)` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key as written, e.g. `domain`.
    pub name: &'static str,
    /// Whether every declaration must set it.
    pub required: bool,
    /// What the value is, e.g. "a semver version".
    pub form: &'static str,
    /// The key written with a valid value, e.g. `domain = "sales"`.
    pub example: &'static str,
    /// What it declares, and its default when it has one.
    pub purpose: &'static str,
}

/// The keys of `#[data_product(...)]`, in the order errors list them.
pub const PRODUCT_KEYS: &[Key] = &[
    Key {
        name: "domain",
        required: true,
        form: "a string in lower snake case",
        example: r#"domain = "sales""#,
        purpose: "The owning domain; also the Avro namespace of the product's record.",
    },
    Key {
        name: "name",
        required: false,
        form: "a string in lower snake case",
        example: r#"name = "orders_cleaned""#,
        purpose: "The product's name in its domain; the product id is `domain.name`. \
                  Default: the struct's name in snake case (`SalesCleaned` is `sales_cleaned`).",
    },
    Key {
        name: "version",
        required: true,
        form: "a semver version",
        example: r#"version = "2.1.0""#,
        purpose: "The version of the product's schema and contract; consumers' inputs require a range of it.",
    },
    Key {
        name: "owner",
        required: true,
        form: "an email address",
        example: r#"owner = "sales-data-team@company.com""#,
        purpose: "The accountable team's address.",
    },
    Key {
        name: "layer",
        required: true,
        form: "`\"bronze\"`, `\"silver\"` or `\"gold\"`",
        example: r#"layer = "silver""#,
        purpose: "The lakehouse layer, which decides what the product may read.",
    },
    Key {
        name: "description",
        required: false,
        form: "a string",
        example: r#"description = "Orders, cleaned and deduplicated.""#,
        purpose: "What the product holds. Default: the struct's doc comment.",
    },
    Key {
        name: "support",
        required: false,
        form: "a string",
        example: r##"support = "#sales-data on Slack""##,
        purpose: "Where consumers get help.",
    },
    Key {
        name: "tags",
        required: false,
        form: "a list of strings",
        example: r#"tags("orders", "finance")"#,
        purpose: "Catalog tags.",
    },
    Key {
        name: "sla",
        required: false,
        form: "a list of the `sla(...)` keys",
        example: r#"sla(freshness = "15 minutes", availability = "99.9%", quality_score = ">95%")"#,
        purpose: "The service levels the product promises; published products must declare all three.",
    },
    Key {
        name: "event_time",
        required: false,
        form: "the name of a field of type `TimestampMillis`, `TimestampMicros` or `Date`, or `Option` of one",
        example: r#"event_time = "ordered_at""#,
        purpose: "The field holding each record's event time: the freshness SLA is measured as the time since \
                  the newest one, and the contract shows it as `sla.freshness_field`.",
    },
    Key {
        name: "access",
        required: false,
        form: "a list of the `access(...)` keys",
        example: r#"access(read = "SELECT on sales.orders", authentication = "OAuth2")"#,
        purpose: "How consumers read the data.",
    },
    Key {
        name: "visibility",
        required: false,
        form: "`\"domain\"`, `\"public\"`, or a list of domains",
        example: r#"visibility("customer", "marketing")"#,
        purpose: "Who outside the owning domain may consume the product. Default: `\"domain\"`.",
    },
    Key {
        name: "inputs",
        required: false,
        form: "a list of Rust paths to linked products and `\"domain.product@requirement\"` strings",
        example: r#"inputs(crate::silver::OrdersCleaned, "marketing.touches_cleaned@^1")"#,
        purpose: "The upstream products. A path is checked by the compiler and requires `^` its version; \
                  a string names a product this crate does not link.",
    },
    Key {
        name: "compatibility",
        required: false,
        form: "`\"backward\"`, `\"forward\"`, `\"full\"`, `\"backward_transitive\"`, `\"forward_transitive\"` \
               or `\"full_transitive\"`",
        example: r#"compatibility = "full""#,
        purpose: "Which schema changes consumers tolerate. Default: `\"full\"`.",
    },
    Key {
        name: "quality",
        required: false,
        form: "a list of product rules: `row_count(min = .., max = ..)`, `unique_combination(\"field\", ..)`",
        example: r#"quality(row_count(min = 1), unique_combination("day", "channel"))"#,
        purpose: "Rules on the data as a whole, checked by `cargo xtask validate`; field rules go on the fields \
                  as `#[quality(...)]` (see docs/quality.md).",
    },
    Key {
        name: "deprecated",
        required: false,
        form: "a date, `YYYY-MM-DD`",
        example: r#"deprecated = "2027-01-31""#,
        purpose: "The date from which the product is deprecated; it may be removed after that date.",
    },
];

/// The keys of `sla(...)`.
pub const SLA_KEYS: &[Key] = &[
    Key {
        name: "freshness",
        required: false,
        form: "`<count> <unit>`, the unit in seconds, minutes, hours or days",
        example: r#"freshness = "15 minutes""#,
        purpose: "How old the newest data may be at most.",
    },
    Key {
        name: "availability",
        required: false,
        form: "a percentage in `(0, 100]` with up to three decimals",
        example: r#"availability = "99.9%""#,
        purpose: "The share of time the product can be read.",
    },
    Key {
        name: "quality_score",
        required: false,
        form: "`>` or `>=` a percentage",
        example: r#"quality_score = ">95%""#,
        purpose: "The data-quality score the product stays above.",
    },
];

/// The keys of `access(...)`.
pub const ACCESS_KEYS: &[Key] = &[
    Key {
        name: "read",
        required: false,
        form: "a string",
        example: r#"read = "SELECT on sales.orders""#,
        purpose: "The grant consumers need to read the data.",
    },
    Key {
        name: "authentication",
        required: false,
        form: "a string",
        example: r#"authentication = "OAuth2""#,
        purpose: "How consumers authenticate.",
    },
];

/// The names of `keys`, in order, for code that needs them as constants (the macro's allowed keys).
///
/// # Panics
/// At compile time when `N` is not the number of keys.
pub const fn names<const N: usize>(keys: &[Key]) -> [&'static str; N] {
    assert!(keys.len() == N, "N must be the number of keys");
    let mut names = [""; N];
    let mut i = 0;
    while i < N {
        names[i] = keys[i].name;
        i += 1;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check_owner, is_snake_case, parse_input_ref, parse_version, CalendarDate, Compatibility, Layer};
    use crate::{Availability, Freshness, QualityScore};

    /// The value of a `key = "value"` example.
    fn value(key: &Key) -> &'static str {
        let text = key.example;
        text.strip_prefix(key.name)
            .and_then(|rest| rest.strip_prefix(" = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("`{text}` is not `{} = \"...\"`", key.name))
    }

    #[test]
    fn names_are_unique_snake_case_and_every_key_is_documented() {
        for keys in [PRODUCT_KEYS, SLA_KEYS, ACCESS_KEYS] {
            let mut names: Vec<&str> = keys.iter().map(|k| k.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), keys.len(), "unique names");
            for key in keys {
                assert!(is_snake_case(key.name), "{}", key.name);
                assert!(key.example.starts_with(key.name), "{}: the example writes the key", key.name);
                assert!(!key.form.is_empty() && key.purpose.ends_with('.'), "{}", key.name);
            }
        }
        assert_eq!(names::<3>(SLA_KEYS), ["freshness", "availability", "quality_score"]);
    }

    /// Every example is a value the macro accepts, so the reference never shows a declaration that fails.
    #[test]
    fn every_example_value_parses() {
        let key = |name: &str| PRODUCT_KEYS.iter().chain(SLA_KEYS).find(|k| k.name == name).unwrap();
        assert!(is_snake_case(value(key("domain"))) && is_snake_case(value(key("name"))));
        assert!(is_snake_case(value(key("event_time"))));
        parse_version(value(key("version"))).unwrap();
        check_owner(value(key("owner"))).unwrap();
        Layer::parse(value(key("layer"))).unwrap();
        Compatibility::parse(value(key("compatibility"))).unwrap();
        CalendarDate::parse(value(key("deprecated"))).unwrap();
        value(key("freshness")).parse::<Freshness>().unwrap();
        value(key("availability")).parse::<Availability>().unwrap();
        value(key("quality_score")).parse::<QualityScore>().unwrap();
        parse_input_ref("marketing.touches_cleaned@^1").unwrap();
        assert!(key("inputs").example.contains("\"marketing.touches_cleaned@^1\""));
    }

    /// The forms that list keywords list every keyword the parsers accept.
    #[test]
    fn keyword_forms_name_every_keyword() {
        let form = |name: &str| PRODUCT_KEYS.iter().find(|k| k.name == name).unwrap().form;
        for layer in Layer::ALL {
            assert!(form("layer").contains(&format!("\"{layer}\"")), "{layer}");
        }
        for mode in Compatibility::ALL {
            assert!(form("compatibility").contains(&format!("\"{mode}\"")), "{mode}");
        }
    }
}
