//! Properties of the compatibility check on generated schema pairs.
//!
//! Schemas are records over a small pool of field names and types, so that
//! two independently generated schemas share much and differ in every way
//! the rules cover. Named types take their name from their path, so the same
//! position in both schemas means the same name.

use mesh_avro::compat::{classify, Mode, Rule, Verdict};
use mesh_avro::Schema;
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
enum Gen {
    Primitive(&'static str),
    Logical(&'static str, &'static str),
    Decimal(u32, u32),
    Array(Box<Gen>),
    Map(Box<Gen>),
    Optional(Box<Gen>),
    Enum(Vec<&'static str>, bool),
    Fixed(u64),
    Record(Vec<(&'static str, Gen, bool)>),
}

fn leaf() -> impl Strategy<Value = Gen> {
    prop_oneof![
        prop::sample::select(vec!["null", "boolean", "int", "long", "float", "double", "bytes", "string"])
            .prop_map(Gen::Primitive),
        prop::sample::select(vec![
            ("long", "timestamp-millis"),
            ("long", "timestamp-micros"),
            ("int", "date"),
            ("string", "uuid")
        ])
        .prop_map(|(base, logical)| Gen::Logical(base, logical)),
        (prop::sample::select(vec![10u32, 12]), prop::sample::select(vec![0u32, 2]))
            .prop_map(|(p, s)| Gen::Decimal(p, s)),
        (prop::sample::subsequence(vec!["A", "B", "C", "D"], 1..=4), any::<bool>()).prop_map(|(s, d)| Gen::Enum(s, d)),
        prop::sample::select(vec![4u64, 8]).prop_map(Gen::Fixed),
    ]
}

fn record_fields(inner: impl Strategy<Value = Gen> + Clone) -> impl Strategy<Value = Vec<(&'static str, Gen, bool)>> {
    prop::sample::subsequence(vec!["a", "b", "c", "d"], 0..=4).prop_flat_map(move |names| {
        let fields: Vec<_> = names.into_iter().map(|name| (Just(name), inner.clone(), any::<bool>())).collect();
        fields
    })
}

fn gen_type() -> impl Strategy<Value = Gen> + Clone {
    leaf().prop_recursive(2, 16, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|g| Gen::Array(Box::new(g))),
            inner.clone().prop_map(|g| Gen::Map(Box::new(g))),
            inner
                .clone()
                .prop_filter("no nested unions", |g| !matches!(g, Gen::Optional(_) | Gen::Primitive("null")))
                .prop_map(|g| Gen::Optional(Box::new(g))),
            record_fields(inner).prop_map(Gen::Record),
        ]
    })
}

fn gen_schema() -> impl Strategy<Value = Value> {
    record_fields(gen_type()).prop_map(|fields| render(&Gen::Record(fields), "Root"))
}

/// Two schemas: independent, or the second an edit of the first (fields
/// dropped, defaults toggled, types replaced, fields added), so that
/// compatible pairs are common.
fn gen_pair() -> impl Strategy<Value = (Value, Value)> {
    let related = (record_fields(gen_type()), record_fields(gen_type()), prop::collection::vec(0u8..4, 4)).prop_map(
        |(base, other, edits)| {
            let mut current = Vec::new();
            for (i, (name, ty, with_default)) in base.iter().enumerate() {
                match edits[i] {
                    0 => {}
                    1 => current.push((*name, ty.clone(), *with_default)),
                    2 => current.push((*name, ty.clone(), !*with_default)),
                    _ => match other.iter().find(|(n, _, _)| n == name) {
                        Some((_, replacement, d)) => current.push((*name, replacement.clone(), *d)),
                        None => current.push((*name, ty.clone(), *with_default)),
                    },
                }
            }
            current.extend(other.iter().filter(|(n, _, _)| !base.iter().any(|(b, _, _)| b == n)).cloned());
            (render(&Gen::Record(base), "Root"), render(&Gen::Record(current), "Root"))
        },
    );
    prop_oneof![(gen_schema(), gen_schema()), related]
}

fn default_for(gen: &Gen) -> Option<Value> {
    match gen {
        Gen::Optional(_) | Gen::Primitive("null") => Some(Value::Null),
        Gen::Primitive("boolean") => Some(json!(false)),
        Gen::Primitive("int" | "long" | "float" | "double") => Some(json!(0)),
        Gen::Primitive("string" | "bytes") => Some(json!("")),
        Gen::Array(_) => Some(json!([])),
        Gen::Map(_) => Some(json!({})),
        Gen::Enum(symbols, _) => Some(json!(symbols[0])),
        _ => None,
    }
}

fn render(gen: &Gen, path: &str) -> Value {
    match gen {
        Gen::Primitive(name) => json!(name),
        Gen::Logical(base, logical) => json!({"type": base, "logicalType": logical}),
        Gen::Decimal(p, s) => json!({"type": "bytes", "logicalType": "decimal", "precision": p, "scale": s}),
        Gen::Array(items) => json!({"type": "array", "items": render(items, &format!("{path}_items"))}),
        Gen::Map(values) => json!({"type": "map", "values": render(values, &format!("{path}_values"))}),
        Gen::Optional(inner) => json!(["null", render(inner, path)]),
        Gen::Enum(symbols, default) => {
            let mut e = json!({"type": "enum", "name": format!("E_{path}"), "symbols": symbols});
            if *default {
                e["default"] = json!(symbols[symbols.len() - 1]);
            }
            e
        }
        Gen::Fixed(size) => json!({"type": "fixed", "name": format!("F_{path}"), "size": size}),
        Gen::Record(fields) => {
            let fields: Vec<Value> = fields
                .iter()
                .map(|(name, ty, with_default)| {
                    let mut field = json!({"name": name, "type": render(ty, &format!("{path}_{name}"))});
                    if let (true, Some(default)) = (*with_default, default_for(ty)) {
                        field["default"] = default;
                    }
                    field
                })
                .collect();
            json!({"type": "record", "name": format!("R_{path}"), "fields": fields})
        }
    }
}

fn parse(value: &Value) -> Schema {
    Schema::from_json(value).unwrap_or_else(|e| panic!("{value}: {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Full compatibility is exactly backward and forward compatibility.
    #[test]
    fn full_is_backward_and_forward((previous, current) in gen_pair()) {
        let (p, c) = (parse(&previous), parse(&current));
        let breaks = |mode| classify(&p, &c, mode, "r").verdict == Verdict::Breaking;
        prop_assert_eq!(breaks(Mode::Full), breaks(Mode::Backward) || breaks(Mode::Forward));
        let full = classify(&p, &c, Mode::Full, "r");
        let backward = classify(&p, &c, Mode::Backward, "r");
        let forward = classify(&p, &c, Mode::Forward, "r");
        for change in &full.changes {
            let in_backward = backward.changes.iter().any(|b| b.rule == change.rule && b.path == change.path && b.breaking);
            let in_forward = forward.changes.iter().any(|f| f.rule == change.rule && f.path == change.path && f.breaking);
            prop_assert_eq!(change.breaking, in_backward || in_forward, "{}", change);
        }
    }

    /// Backward from p to c is forward from c to p: the same readers read the same data.
    #[test]
    fn backward_is_forward_reversed((previous, current) in gen_pair()) {
        let (p, c) = (parse(&previous), parse(&current));
        prop_assert_eq!(
            classify(&p, &c, Mode::Backward, "r").verdict == Verdict::Breaking,
            classify(&c, &p, Mode::Forward, "r").verdict == Verdict::Breaking
        );
    }

    /// A schema is identical to itself; its canonical form is a fixed point.
    #[test]
    fn identical_and_canonical(schema in gen_schema()) {
        let s = parse(&schema);
        prop_assert_eq!(classify(&s, &s, Mode::Full, "r").verdict, Verdict::Identical);
        let canonical = s.canonical_form();
        prop_assert_eq!(Schema::parse(&canonical).unwrap().canonical_form(), canonical.clone());
        let apache = apache_avro::Schema::parse_str(&schema.to_string()).unwrap();
        prop_assert_eq!(parse(&serde_json::from_str(&apache.canonical_form()).unwrap()).canonical_form(), canonical);
    }

    /// Where apache-avro's checker answers `Full`, nothing breaks backward
    /// except what it does not look at (one logical type becoming another);
    /// where it rejects (or answers `Partial`), we find a breaking change too.
    #[test]
    fn agrees_with_apache_avro_on_resolution((previous, current) in gen_pair()) {
        let (p, c) = (parse(&previous), parse(&current));
        let ours = classify(&p, &c, Mode::Backward, "r");
        let ours_breaking = ours.breaking().any(|change| change.rule != Rule::LogicalTypeChanged);
        let theirs = apache_avro::schema_compatibility::SchemaCompatibility::can_read(
            &apache_avro::Schema::parse_str(&previous.to_string()).unwrap(),
            &apache_avro::Schema::parse_str(&current.to_string()).unwrap(),
        );
        let theirs_full = matches!(theirs, Ok(apache_avro::schema_compatibility::Compatibility::Full));
        prop_assert_eq!(ours_breaking, !theirs_full, "ours {:?}\ntheirs {:?}", ours.changes, theirs);
    }
}
