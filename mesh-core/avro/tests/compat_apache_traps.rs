//! The known traps of apache-avro 0.22's `SchemaCompatibility`, verified:
//! each test shows what it answers and what the specification (and our
//! checker) says. This is why schema evolution does not rely on it.

use apache_avro::schema_compatibility::{Compatibility, SchemaCompatibility};
use mesh_avro::compat::{classify, Mode, Verdict};
use mesh_avro::Schema;

fn theirs(writer: &str, reader: &str) -> Result<Compatibility, String> {
    SchemaCompatibility::can_read(
        &apache_avro::Schema::parse_str(writer).unwrap(),
        &apache_avro::Schema::parse_str(reader).unwrap(),
    )
    .map_err(|e| e.to_string())
}

fn ours(previous: &str, current: &str, mode: Mode) -> mesh_avro::compat::Classification {
    classify(&Schema::parse(previous).unwrap(), &Schema::parse(current).unwrap(), mode, "r")
}

/// A union losing a branch: apache-avro says `Partial` (not an error), so
/// anything but `Full` must count as breaking.
#[test]
fn partial_is_returned_for_an_incompatible_union() {
    let (writer, reader) = (r#"["int","string"]"#, r#"["int"]"#);
    assert_eq!(theirs(writer, reader), Ok(Compatibility::Partial));
    let result = ours(writer, reader, Mode::Backward);
    assert_eq!(result.verdict, Verdict::Breaking);
    assert_eq!(result.changes[0].rule.id(), "UNION_BRANCH_REMOVED");
}

/// A record renamed with an alias to its old name: the specification lets
/// the new reader read old data; apache-avro rejects it.
#[test]
fn record_renamed_with_an_alias_is_rejected() {
    let writer = r#"{"type":"record","name":"ns.Old","fields":[{"name":"a","type":"int"}]}"#;
    let reader = r#"{"type":"record","name":"ns.New","aliases":["Old"],"fields":[{"name":"a","type":"int"}]}"#;
    assert!(theirs(writer, reader).is_err(), "{:?}", theirs(writer, reader));
    assert_eq!(ours(writer, reader, Mode::Backward).verdict, Verdict::Compatible);
    // Old readers do not know the new name, so the rename still breaks forward.
    let full = ours(writer, reader, Mode::Full);
    assert_eq!(full.verdict, Verdict::Breaking);
    assert_eq!(full.changes[0].rule.id(), "NAME_CHANGED");
    assert!(!full.changes[0].breaks.backward && full.changes[0].breaks.forward);
}

/// The same record type, defined in the first field in one schema and in
/// the second in the other (fields reordered): identical data, yet
/// apache-avro reports an error for the field that only references it.
#[test]
fn a_named_type_defined_in_another_field_is_a_false_error() {
    let writer = r#"{"type":"record","name":"R","fields":[
        {"name":"a","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},
        {"name":"b","type":"Inner"}]}"#;
    let reader = r#"{"type":"record","name":"R","fields":[
        {"name":"b","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},
        {"name":"a","type":"Inner"}]}"#;
    assert!(theirs(writer, reader).is_err(), "{:?}", theirs(writer, reader));
    assert!(theirs(reader, writer).is_err(), "{:?}", theirs(reader, writer));
    let result = ours(writer, reader, Mode::Full);
    assert_eq!(result.verdict, Verdict::Compatible, "{:?}", result.changes);
}
