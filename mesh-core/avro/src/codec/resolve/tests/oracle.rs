use apache_avro::types::Value;
use proptest::prelude::*;

use super::*;

/// Trees of the writer's schema, up to five levels deep.
fn trees() -> impl Strategy<Value = Value> {
    let leaf = (any::<i32>(), "[a-z]{0,3}").prop_map(|(value, label)| tree_value(value, label, vec![]));
    leaf.prop_recursive(5, 64, 4, |inner| {
        (any::<i32>(), "[a-z]{0,3}", prop::collection::vec(inner, 0..4))
            .prop_map(|(value, label, children)| tree_value(value, label, children))
    })
}

const MIXED_V1: &str = r#"{"type": "record", "name": "M", "fields": [
    {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}},
    {"name": "u", "type": ["null", "int", "string"]},
    {"name": "m", "type": {"type": "map", "values": "float"}},
    {"name": "gone", "type": ["null", {"type": "array", "items": "bytes"}]}]}"#;

/// Enum symbols reordered and one replaced (with a default), union branches reordered and
/// widened, map values widened, a field removed and one added.
const MIXED_V2: &str = r#"{"type": "record", "name": "M", "fields": [
    {"name": "u", "type": ["string", "null", "long"]},
    {"name": "extra", "type": {"type": "array", "items": "int"}, "default": [1, 2]},
    {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["C", "A", "X"], "default": "X"}},
    {"name": "m", "type": {"type": "map", "values": "double"}}]}"#;

fn mixed() -> impl Strategy<Value = Value> {
    let symbol = (0u32..3).prop_map(|i| Value::Enum(i, ["A", "B", "C"][i as usize].into()));
    let union = prop_oneof![
        Just(Value::Union(0, Box::new(Value::Null))),
        any::<i32>().prop_map(|n| Value::Union(1, Box::new(Value::Int(n)))),
        "[a-z]{0,4}".prop_map(|s| Value::Union(2, Box::new(Value::String(s)))),
    ];
    let map = prop::collection::hash_map("[a-z]{1,3}", any::<f32>().prop_filter("NaN", |f| !f.is_nan()), 0..4)
        .prop_map(|m| Value::Map(m.into_iter().map(|(k, v)| (k, Value::Float(v))).collect()));
    let gone =
        prop::option::of(prop::collection::vec(prop::collection::vec(any::<u8>(), 0..4), 0..3)).prop_map(|g| match g {
            None => Value::Union(0, Box::new(Value::Null)),
            Some(items) => Value::Union(1, Box::new(Value::Array(items.into_iter().map(Value::Bytes).collect()))),
        });
    (symbol, union, map, gone).prop_map(|(e, u, m, gone)| record(vec![("e", e), ("u", u), ("m", m), ("gone", gone)]))
}

proptest! {
    /// apache-avro's own resolution (a different implementation of the specification) is the oracle.
    #[test]
    fn the_plan_reads_data_as_apache_avro_resolves_it(tree in trees(), value in mixed()) {
        for (writer, reader, value) in [(TREE_V1, TREE_V2, tree), (MIXED_V1, MIXED_V2, value)] {
            let (ws, rs) = (apache_avro::Schema::parse_str(writer).unwrap(), apache_avro::Schema::parse_str(reader).unwrap());
            let datum = apache_avro::to_avro_datum(&ws, value.clone()).unwrap();
            let theirs = apache_avro::from_avro_datum(&ws, &mut datum.as_slice(), Some(&rs)).unwrap();
            prop_assert_eq!(resolve(writer, reader, value), theirs);
        }
    }
}

#[test]
fn a_recursive_record_resolves_through_one_node_per_type_pair() {
    let written = tree_v1(1, vec![tree_v1(2, vec![]), tree_v1(3, vec![tree_v1(4, vec![])])]);
    let expected = tree_v2(1, vec![tree_v2(2, vec![]), tree_v2(3, vec![tree_v2(4, vec![])])]);
    assert_eq!(resolve(TREE_V1, TREE_V2, written), expected);
    let plan = Plan::from_json(TREE_V1, TREE_V2).unwrap();
    assert!(!plan.is_identity());
    assert_eq!(plan.nodes.iter().filter(|n| matches!(n, Node::Record(_))).count(), 1);
    assert_eq!(plan.skips.len(), 1, "the removed label is skipped, nothing else");
}

#[test]
fn recursive_and_mutually_recursive_schemas_read_unchanged_take_the_identity() {
    let mutual = r#"{"type": "record", "name": "A", "fields": [
        {"name": "n", "type": "long"},
        {"name": "b", "type": ["null", {"type": "record", "name": "B", "fields": [
            {"name": "a", "type": ["null", "A"]}]}]}]}"#;
    for schema in [TREE_V1, TREE_V2, mutual] {
        assert!(Plan::from_json(schema, schema).unwrap().is_identity(), "{schema}");
    }
    // A change deep inside the cycle is seen from the root.
    let widened = mutual.replace(r#""long""#, r#""double""#);
    assert!(!Plan::from_json(mutual, &widened).unwrap().is_identity());
}
