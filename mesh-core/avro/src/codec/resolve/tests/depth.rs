use super::*;

#[test]
fn nesting_deeper_than_the_decoders_limit_is_an_error_not_a_stack_overflow() {
    let chain = |depth: usize| {
        let mut datum = Vec::new();
        for _ in 0..depth {
            write_long(&mut datum, 0);
            write_bytes(&mut datum, b"");
            write_long(&mut datum, 1);
        }
        write_long(&mut datum, 0);
        write_bytes(&mut datum, b"");
        datum.extend(std::iter::repeat_n(0, depth + 1));
        datum
    };
    let plan = Plan::from_json(TREE_V1, TREE_V2).unwrap();
    let transcode = |datum: &[u8]| plan.transcode(&mut Reader::new(datum), &mut Vec::new());
    assert_eq!(transcode(&chain(MAX_DEPTH as usize - 1)), Ok(()));
    for depth in [MAX_DEPTH as usize, 1_000_000] {
        assert_eq!(transcode(&chain(depth)).unwrap_err().kind, DecodeErrorKind::TooDeep);
    }
}

/// A root union of records `T0..Tn`, each holding the one before by name (flat JSON, however
/// long the chain), and `R {a: long, junk: Tn}`.
fn named_chain(n: usize) -> String {
    let mut branches = vec![r#"{"type": "record", "name": "T0", "fields": [{"name": "f", "type": "long"}]}"#.into()];
    for k in 1..=n {
        branches.push(format!(
            r#"{{"type": "record", "name": "T{k}", "fields": [{{"name": "f", "type": "T{}"}}]}}"#,
            k - 1
        ));
    }
    branches.push(format!(
        r#"{{"type": "record", "name": "R", "fields": [{{"name": "a", "type": "long"}}, {{"name": "junk", "type": "T{n}"}}]}}"#
    ));
    format!("[{}]", branches.join(","))
}

#[test]
fn a_writer_schema_chaining_records_past_the_depth_limit_plans_without_a_stack_overflow() {
    let skipping = r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long"}]}"#;
    // The reader skips `junk` (n up to the 10,000 that overflowed), or reads it all (the reader
    // is the writer: its union of n + 2 branches, once paired in quadratic time, is indexed).
    for (n, reads_all) in [(100, false), (100, true), (10_000, false), (10_000, true)] {
        let writer = named_chain(n);
        let plan = Plan::from_json(&writer, if reads_all { &writer } else { skipping }).unwrap();
        // R {a: -2, junk: T_n {f: ... T0 {f: 3}}}: the chain nests n + 2 records.
        let mut datum = Vec::new();
        write_long(&mut datum, n as i64 + 1);
        write_long(&mut datum, -2);
        write_long(&mut datum, 3);
        let mut out = Vec::new();
        let read = plan.transcode(&mut Reader::new(&datum), &mut out);
        if n + 2 <= MAX_DEPTH as usize {
            assert_eq!((read, out), (Ok(()), if reads_all { datum } else { vec![3] }));
        } else {
            assert_eq!(read.unwrap_err().kind, DecodeErrorKind::TooDeep);
        }
    }
}

#[test]
fn a_writer_schema_nesting_arrays_between_records_plans_without_a_stack_overflow() {
    let arrays = |inner: String| (0..60).fold(inner, |t, _| format!(r#"{{"type": "array", "items": {t}}}"#));
    let n = 300;
    let mut branches = vec![r#"{"type": "record", "name": "T0", "fields": [{"name": "f", "type": "long"}]}"#.into()];
    for k in 1..=n {
        let ty = arrays(format!(r#""T{}""#, k - 1));
        branches.push(format!(r#"{{"type": "record", "name": "T{k}", "fields": [{{"name": "f", "type": {ty}}}]}}"#));
    }
    branches.push(format!(
        r#"{{"type": "record", "name": "R", "fields": [{{"name": "a", "type": "long"}}, {{"name": "junk", "type": "T{n}"}}]}}"#
    ));
    let writer = format!("[{}]", branches.join(","));
    let skipping = r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long"}]}"#;
    // R {a: 1, junk: T_n {f: [[... one item ...]]}}: data nesting past the levels planned.
    let mut datum = Vec::new();
    write_long(&mut datum, n as i64 + 1);
    write_long(&mut datum, 1);
    datum.extend(std::iter::repeat_n(2, 60 * 20));
    let plan = Plan::from_json(&writer, skipping).unwrap();
    let error = plan.transcode(&mut Reader::new(&datum), &mut Vec::new()).unwrap_err();
    assert_eq!(error.kind, DecodeErrorKind::TooDeep);
}

#[test]
fn skipping_arrays_nested_between_recursive_records_is_bounded() {
    let arrays = (0..100).fold(r#""J""#.to_string(), |t, _| format!(r#"{{"type": "array", "items": {t}}}"#));
    let writer = format!(
        r#"{{"type": "record", "name": "R", "fields": [{{"name": "a", "type": "long"}},
            {{"name": "junk", "type": {{"type": "record", "name": "J", "fields": [{{"name": "f", "type": {arrays}}}]}}}}]}}"#
    );
    let reader = r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long"}]}"#;
    let plan = Plan::from_json(&writer, reader).unwrap();
    // R {a: 1, junk: J {f: [[... J {f: [[... ]]} ...]]}}: 250 records, 100 arrays each.
    let mut datum = vec![2];
    datum.extend(std::iter::repeat_n(2, 100 * 250));
    let error = plan.transcode(&mut Reader::new(&datum), &mut Vec::new()).unwrap_err();
    assert_eq!(error.kind, DecodeErrorKind::TooDeep);
    // Two records, the second's arrays empty: skipped whole.
    let mut datum = vec![2];
    datum.extend(std::iter::repeat_n(2, 100));
    datum.extend(std::iter::repeat_n(0, 101));
    let mut out = Vec::new();
    plan.transcode(&mut Reader::new(&datum), &mut out).unwrap();
    assert_eq!(out, [2]);
}

#[test]
fn a_default_that_never_ends_is_an_error_not_a_stack_overflow() {
    let writer = r#"{"type": "record", "name": "R", "fields": [{"name": "n", "type": "int"}]}"#;
    let reader = r#"{"type": "record", "name": "R", "fields": [{"name": "n", "type": "int"},
        {"name": "next", "type": {"type": "record", "name": "Loop", "fields": [
            {"name": "again", "type": "Loop", "default": {}}]}, "default": {}}]}"#;
    // Once refused here only, when the plan encoded the default 257 levels deep; now the schema's
    // own check of defaults refuses it (a record lacking `again` takes `again`'s default, itself).
    let error = Plan::from_json(writer, reader).unwrap_err().0;
    assert_eq!(
        error,
        "the reader's schema is not valid: invalid Avro schema at record R, field next, record Loop, field again: default `{}` never ends: it lacks field `again` of record Loop, whose default leads back to it"
    );
}

/// The reader's `Node {a: array<[null, Node]>, b: array<[null, Node]>, c: int}` against a writer
/// union of `n0.Node .. n{n}.Node`, each holding the next in `a` and `b`, none with `c`.
fn failing_recursion(n: usize) -> (String, &'static str) {
    let mut branches = vec![format!(
        r#"{{"type": "record", "name": "n{n}.Node", "fields": [{{"name": "a", "type": {{"type": "array", "items": "null"}}}}, {{"name": "b", "type": {{"type": "array", "items": "null"}}}}]}}"#
    )];
    for k in (0..n).rev() {
        let items = format!(r#"{{"type": "array", "items": ["null", "n{}.Node"]}}"#, k + 1);
        branches.push(format!(
            r#"{{"type": "record", "name": "n{k}.Node", "fields": [{{"name": "a", "type": {items}}}, {{"name": "b", "type": {items}}}]}}"#
        ));
    }
    let reader = r#"{"type": "record", "name": "Node", "fields": [
        {"name": "a", "type": {"type": "array", "items": ["null", "Node"]}},
        {"name": "b", "type": {"type": "array", "items": ["null", "Node"]}},
        {"name": "c", "type": "int"}]}"#;
    (format!("[{}]", branches.join(",")), reader)
}

#[test]
fn a_failing_record_pair_is_planned_once_not_at_every_reference() {
    // Once exponential: 1.57 s at n = 20 (each failed branch attempt rebuilt its pairs).
    let (writer, reader) = failing_recursion(40);
    let error = Plan::from_json(&writer, reader).unwrap_err();
    assert!(error.0.starts_with("c: the writer's data has no such field"), "{error}");
    // A remembered failure names the path it is met at.
    let nested = r#"{"type": "record", "name": "Outer", "fields": [
        {"name": "first", "type": ["null", {"type": "record", "name": "In", "fields": [{"name": "x", "type": "int"}]}]},
        {"name": "second", "type": "In"}]}"#;
    let reader = r#"{"type": "record", "name": "Outer", "fields": [
        {"name": "first", "type": ["null", {"type": "record", "name": "In", "fields": [{"name": "y", "type": "int"}]}]},
        {"name": "second", "type": "In"}]}"#;
    let error = Plan::from_json(nested, reader).unwrap_err();
    assert!(error.0.starts_with("second.y: the writer's data has no such field"), "{error}");
}
