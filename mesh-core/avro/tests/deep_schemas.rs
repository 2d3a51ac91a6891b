//! Deep schemas: up to [`MAX_JSON_DEPTH`] levels of JSON parse and every walk over them fits a
//! test thread's stack, unoptimized; one level more is refused with the limit and where.

use mesh_avro::codec::resolve::Plan;
use mesh_avro::compat::{classify, Mode, Verdict};
use mesh_avro::schema::MAX_JSON_DEPTH;
use mesh_avro::Schema;
use serde_json::Value;

/// `long` in `levels` arrays, in a record field: `levels + 3` levels of JSON.
fn arrays(levels: usize, leaf: &str) -> String {
    let items = (0..levels).fold(format!(r#""{leaf}""#), |t, _| format!(r#"{{"type": "array", "items": {t}}}"#));
    format!(r#"{{"type": "record", "name": "R", "fields": [{{"name": "f", "type": {items}}}]}}"#)
}

/// Records each nested in a field of the one before, the innermost holding a `leaf`: three levels of
/// JSON per record.
fn records(depth: usize, leaf: &str) -> String {
    (0..depth).fold(format!(r#""{leaf}""#), |t, i| {
        format!(r#"{{"type": "record", "name": "R{i}", "doc": "[{{[", "fields": [{{"name": "f", "type": {t}}}]}}"#)
    })
}

fn json_depth(text: &str) -> usize {
    let value: Value = {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        deserializer.disable_recursion_limit();
        serde::Deserialize::deserialize(&mut deserializer).unwrap()
    };
    fn depth(value: &Value) -> usize {
        match value {
            Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            Value::Object(entries) => 1 + entries.values().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    depth(&value)
}

/// Runs `f` on a thread with the stack libtest gives a test by default.
fn on_a_test_threads_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap();
}

fn every_walk(text: String) {
    on_a_test_threads_stack(move || {
        let previous = Schema::parse(&text).unwrap();
        let current = Schema::parse(&text.replace("long", "int")).unwrap();
        assert!(!previous.full_form().is_empty() && !previous.canonical_form().is_empty());
        assert!(previous.min_datum_bytes() > 0);
        assert!(!previous.display(previous.root()).to_string().is_empty());
        let node = previous.to_node().unwrap();
        assert_eq!(Schema::from_node(&node).unwrap().canonical_form(), previous.canonical_form());
        assert_eq!(classify(&previous, &current, Mode::Full, "R").verdict, Verdict::Breaking);
        assert!(Plan::new(&current, &previous).is_ok());
    });
}

#[test]
fn schemas_at_the_json_depth_limit_parse_and_every_walk_fits_a_test_threads_stack() {
    let deepest_arrays = arrays(MAX_JSON_DEPTH - 3, "long");
    assert_eq!(json_depth(&deepest_arrays), MAX_JSON_DEPTH);
    every_walk(deepest_arrays);
    let deepest_records = records(MAX_JSON_DEPTH / 3, "long");
    assert_eq!(json_depth(&deepest_records), MAX_JSON_DEPTH / 3 * 3);
    every_walk(deepest_records);
}

#[test]
fn the_depth_serde_json_refused_parses() {
    // 45 records, 135 levels: serde_json's own limit (128) said "recursion limit exceeded".
    assert!(Schema::parse(&records(45, "long")).is_ok());
}

#[test]
fn one_level_more_is_refused_with_the_limit_and_where() {
    let text = arrays(MAX_JSON_DEPTH - 2, "long");
    assert_eq!(json_depth(&text), MAX_JSON_DEPTH + 1);
    // The record, its `fields` and the field, then the arrays: the last array is one too many.
    let column = text.rfind('{').unwrap() + 1;
    assert_eq!(
        Schema::parse(&text).unwrap_err().to_string(),
        format!(
            "invalid Avro schema: the schema nests more than {MAX_JSON_DEPTH} levels of JSON (at line 1, column {column}); the limit protects the parser's stack"
        )
    );
    // Lines count too, and brackets inside strings do not: 171 records, each doc on a line of its
    // own, the innermost field's object one level too many, after the last doc.
    let depth = MAX_JSON_DEPTH / 3 + 1;
    let text = records(depth, "long").replace(r#""doc""#, "\n\"doc\"");
    let error = Schema::parse(&text).unwrap_err().to_string();
    assert!(error.contains(&format!("(at line {}, column 26)", depth + 1)), "{error}");
}

#[test]
fn a_json_value_too_deep_for_the_parser_is_refused_too() {
    let mut value = serde_json::json!("long");
    for _ in 0..MAX_JSON_DEPTH + 1 {
        value = serde_json::json!({"type": "array", "items": value});
    }
    assert_eq!(
        Schema::from_json(&value).unwrap_err().to_string(),
        format!(
            "invalid Avro schema: the schema nests more than {MAX_JSON_DEPTH} levels of JSON; the limit protects the parser's stack"
        )
    );
    // One level shallower, it parses.
    let Value::Object(outer) = value else { panic!() };
    assert!(Schema::from_json(&outer["items"]).is_ok());
    // Records count their `fields` and each field's object.
    let mut value = serde_json::json!("long");
    for i in 0..MAX_JSON_DEPTH / 3 {
        value =
            serde_json::json!({"type": "record", "name": format!("R{i}"), "fields": [{"name": "f", "type": value}]});
    }
    assert!(Schema::from_json(&value).is_ok());
    let value = serde_json::json!({"type": "record", "name": "Top", "fields": [{"name": "f", "type": value}]});
    assert!(Schema::from_json(&value).unwrap_err().to_string().contains("nests more than"));
}
