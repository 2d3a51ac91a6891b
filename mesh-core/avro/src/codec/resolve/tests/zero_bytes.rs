use super::*;

#[test]
fn arrays_of_items_that_take_no_bytes_are_read_up_to_one_bound_per_value() {
    let writer = r#"{"type": "record", "name": "R", "fields": [
        {"name": "gone", "type": {"type": "array", "items": "null"}},
        {"name": "marks", "type": {"type": "array", "items": {"type": "record", "name": "Mark", "fields": [
            {"name": "empty", "type": {"type": "fixed", "name": "Nothing", "size": 0}}]}}},
        {"name": "flags", "type": {"type": "array", "items": "null"}},
        {"name": "keep", "type": "int"}]}"#;
    let reader = r#"{"type": "record", "name": "R", "fields": [
        {"name": "flags", "type": {"type": "array", "items": ["null", "string"]}},
        {"name": "keep", "type": "int"}]}"#;
    let plan = Plan::from_json(writer, reader).unwrap();
    let datum = |gone: &[i64], marks: &[i64], flags: i64| {
        let mut datum = Vec::new();
        for &count in gone {
            write_long(&mut datum, count);
            if count < 0 {
                write_long(&mut datum, 0);
            }
        }
        datum.push(0);
        for &count in marks {
            write_long(&mut datum, count);
        }
        datum.push(0);
        if flags != 0 {
            write_long(&mut datum, flags);
        }
        datum.extend([0, 14]);
        datum
    };
    let transcode = |datum: &[u8]| {
        let mut out = Vec::new();
        plan.transcode(&mut Reader::new(datum), &mut out).map(|()| out)
    };
    // 3 flags, each the union's null branch for the reader; keep = 7.
    let mut expected = vec![6, 0, 0, 0, 0, 14];
    assert_eq!(transcode(&datum(&[1000, -5000], &[3, 4], 3)), Ok(expected.clone()));
    let limit = MAX_ZERO_BYTE_ITEMS as i64;
    expected.splice(0..5, [0]);
    assert_eq!(transcode(&datum(&[limit / 2], &[limit / 2], 0)), Ok(expected));
    let read = resolve(
        writer,
        reader,
        record(vec![
            ("gone", Value::Array(vec![Value::Null; 2])),
            ("marks", Value::Array(vec![record(vec![("empty", Value::Fixed(0, vec![]))])])),
            ("flags", Value::Array(vec![Value::Null; 2])),
            ("keep", Value::Int(-1)),
        ]),
    );
    let flag = Value::Union(0, Box::new(Value::Null));
    assert_eq!(read, record(vec![("flags", Value::Array(vec![flag.clone(), flag])), ("keep", Value::Int(-1))]));
    for too_many in [
        datum(&[limit + 1], &[], 0),
        datum(&[limit / 2, -(limit / 2) - 1], &[], 0),
        datum(&[], &[], limit + 1),
        datum(&[limit / 2], &[limit / 2 + 1], 0),
        datum(&[], &[limit / 2], limit / 2 + 1),
    ] {
        let error = transcode(&too_many).unwrap_err();
        assert!(matches!(error.kind, DecodeErrorKind::TooManyItems { limit: MAX_ZERO_BYTE_ITEMS, .. }), "{error}");
    }
}

#[test]
fn nested_arrays_of_items_that_take_no_bytes_share_one_bound() {
    let inner = |items: &str| {
        format!(
            r#"{{"type": "record", "name": "R", "fields": [{{"name": "outer", "type": {{"type": "array", "items":
                {{"type": "record", "name": "I", "fields": [{{"name": "values", "type": {{"type": "array", "items": {items}}}}}]}}}}}}]}}"#
        )
    };
    let plan = Plan::from_json(&inner(r#""null""#), &inner(r#"["null", "long"]"#)).unwrap();
    let datum = |outer: usize, each: i64| {
        let mut datum = Vec::new();
        write_long(&mut datum, outer as i64);
        for _ in 0..outer {
            write_long(&mut datum, each);
            datum.push(0);
        }
        datum.push(0);
        datum
    };
    let limit = MAX_ZERO_BYTE_ITEMS as i64;
    let mut out = Vec::new();
    // Within the bound: each null becomes the reader's one-byte branch index.
    plan.transcode(&mut Reader::new(&datum(2, limit / 2)), &mut out).unwrap();
    assert_eq!(out.len(), datum(2, limit / 2).len() + limit as usize);
    // 503 bytes claiming 100 arrays of 2^20 nulls each (once ~100 MB for the reader).
    let hostile = datum(100, limit);
    assert_eq!(hostile.len(), 503);
    out.clear();
    let error = plan.transcode(&mut Reader::new(&hostile), &mut out).unwrap_err();
    assert!(matches!(error.kind, DecodeErrorKind::TooManyItems { limit: MAX_ZERO_BYTE_ITEMS, .. }), "{error}");
    assert!(out.len() <= 2 * MAX_ZERO_BYTE_ITEMS as usize, "{} bytes", out.len());
}
