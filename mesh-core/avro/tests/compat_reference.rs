//! The reader/writer pairs of the Avro reference implementation's
//! compatibility tests (Java `TestSchemaCompatibility` and its per-error
//! classes `TestSchemaCompatibility{TypeMismatch, MissingEnumSymbols,
//! MissingUnionBranch, NameMismatch, FixedSizeMismatch,
//! ReaderFieldMissingDefaultValue, EnumDefaults}`, as also ported to
//! apache-avro's Rust tests), as a data-driven test: each pair is checked
//! backward (the reader is the current schema, the writer the previous one).
//!
//! Every pair is also put to apache-avro 0.22's `SchemaCompatibility`; where
//! it disagrees with the specification the pair is listed in
//! `APACHE_AVRO_DIFFERS` with the reason.

use apache_avro::schema_compatibility::{Compatibility, SchemaCompatibility};
use mesh_avro::compat::{classify, Mode, Verdict};
use mesh_avro::Schema;

const NULL: &str = r#""null""#;
const BOOLEAN: &str = r#""boolean""#;
const INT: &str = r#""int""#;
const LONG: &str = r#""long""#;
const FLOAT: &str = r#""float""#;
const DOUBLE: &str = r#""double""#;
const STRING: &str = r#""string""#;
const BYTES: &str = r#""bytes""#;
const INT_ARRAY: &str = r#"{"type":"array","items":"int"}"#;
const LONG_ARRAY: &str = r#"{"type":"array","items":"long"}"#;
const STRING_ARRAY: &str = r#"{"type":"array","items":"string"}"#;
const INT_MAP: &str = r#"{"type":"map","values":"int"}"#;
const LONG_MAP: &str = r#"{"type":"map","values":"long"}"#;
const STRING_MAP: &str = r#"{"type":"map","values":"string"}"#;
const ENUM1_AB: &str = r#"{"type":"enum","name":"Enum1","symbols":["A","B"]}"#;
const ENUM1_ABC: &str = r#"{"type":"enum","name":"Enum1","symbols":["A","B","C"]}"#;
const ENUM1_BC: &str = r#"{"type":"enum","name":"Enum1","symbols":["B","C"]}"#;
const ENUM2_AB: &str = r#"{"type":"enum","name":"Enum2","symbols":["A","B"]}"#;
const ENUM1_AB_DEFAULT_A: &str = r#"{"type":"enum","name":"Enum1","symbols":["A","B"],"default":"A"}"#;
const EMPTY_UNION: &str = "[]";
const INT_UNION: &str = r#"["int"]"#;
const LONG_UNION: &str = r#"["long"]"#;
const FLOAT_UNION: &str = r#"["float"]"#;
const DOUBLE_UNION: &str = r#"["double"]"#;
const STRING_UNION: &str = r#"["string"]"#;
const BYTES_UNION: &str = r#"["bytes"]"#;
const INT_STRING_UNION: &str = r#"["int","string"]"#;
const STRING_INT_UNION: &str = r#"["string","int"]"#;
const INT_FLOAT_UNION: &str = r#"["int","float"]"#;
const INT_LONG_UNION: &str = r#"["int","long"]"#;
const INT_LONG_FLOAT_DOUBLE_UNION: &str = r#"["int","long","float","double"]"#;
const INT_STRING_LONG_UNION: &str = r#"["int","string","long"]"#;
const FIXED_4: &str = r#"{"type":"fixed","name":"Fixed","size":4}"#;
const FIXED_8: &str = r#"{"type":"fixed","name":"Fixed","size":8}"#;
const FIXED_4_OTHER_NAME: &str = r#"{"type":"fixed","name":"AnotherName","size":4}"#;
const EMPTY_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[]}"#;
const EMPTY_RECORD2: &str = r#"{"type":"record","name":"Record2","fields":[]}"#;
const A_INT_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"}]}"#;
const A_LONG_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"long"}]}"#;
const A_INT_B_INT_RECORD1: &str =
    r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#;
const A_DINT_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0}]}"#;
const A_INT_B_DINT_RECORD1: &str =
    r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}"#;
const A_DINT_B_DINT_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":"int","default":0}]}"#;
const A_DINT_B_DFIXED_4_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"fixed","name":"Fixed","size":4},"default":"\u0000\u0000\u0000\u0000"}]}"#;
const A_DINT_B_DFIXED_8_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"fixed","name":"Fixed","size":8},"default":"\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"}]}"#;
const A_DINT_B_DENUM_1_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"enum","name":"Enum1","symbols":["A","B"]},"default":"A"}]}"#;
const A_DINT_B_DENUM_2_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"enum","name":"Enum2","symbols":["A","B"]},"default":"A"}]}"#;
const RECORD1_WITH_ENUM_AB: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"field1","type":{"type":"enum","name":"Enum1","symbols":["A","B"]}}]}"#;
const RECORD1_WITH_ENUM_ABC: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"field1","type":{"type":"enum","name":"Enum1","symbols":["A","B","C"]}}]}"#;
// Java's INT_LIST_RECORD / LONG_LIST_RECORD: recursive lists.
const INT_LIST_RECORD: &str =
    r#"{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":["null","List"]}]}"#;
const LONG_LIST_RECORD: &str = r#"{"type":"record","name":"List","fields":[{"name":"head","type":"long"},{"name":"tail","type":["null","List"]}]}"#;
const NS_RECORD1: &str = r#"{"type":"record","name":"Record1","namespace":"ns1","fields":[{"name":"f","type":["null",{"type":"array","items":{"type":"record","name":"InnerRecord1","namespace":"ns1","fields":[{"name":"a","type":"int"}]}}]}]}"#;
const NS_RECORD2: &str = r#"{"type":"record","name":"Record1","namespace":"ns2","fields":[{"name":"f","type":["null",{"type":"array","items":{"type":"record","name":"InnerRecord1","namespace":"ns2","fields":[{"name":"a","type":"int"}]}}]}]}"#;
const NESTED_RECORD: &str = r#"{"type":"record","name":"parent","fields":[{"name":"attribute","type":{"type":"record","name":"child","fields":[{"name":"id","type":"string"}]}}]}"#;
const NESTED_OPTIONAL_RECORD: &str = r#"{"type":"record","name":"parent","fields":[{"name":"attribute","type":["null",{"type":"record","name":"child","fields":[{"name":"id","type":"string"}]}],"default":null}]}"#;

/// `None`: compatible; `Some(rule)`: incompatible, found by `rule`.
type Expected = Option<&'static str>;

/// (reader, writer, expected)
const CASES: &[(&str, &str, Expected)] = &[
    // TestSchemaCompatibility.COMPATIBLE_READER_WRITER_TEST_CASES
    (BOOLEAN, BOOLEAN, None),
    (INT, INT, None),
    (LONG, INT, None),
    (LONG, LONG, None),
    (FLOAT, INT, None),
    (FLOAT, LONG, None),
    (DOUBLE, LONG, None),
    (DOUBLE, INT, None),
    (DOUBLE, FLOAT, None),
    (STRING, STRING, None),
    (BYTES, BYTES, None),
    (INT_ARRAY, INT_ARRAY, None),
    (LONG_ARRAY, INT_ARRAY, None),
    (INT_MAP, INT_MAP, None),
    (LONG_MAP, INT_MAP, None),
    (ENUM1_AB, ENUM1_AB, None),
    (ENUM1_ABC, ENUM1_AB, None),
    (STRING, BYTES, None),
    (BYTES, STRING, None),
    (STRING_ARRAY, STRING_ARRAY, None),
    (STRING_MAP, STRING_MAP, None),
    (EMPTY_UNION, EMPTY_UNION, None),
    (FLOAT_UNION, EMPTY_UNION, None),
    (INT_UNION, INT_UNION, None),
    (INT_STRING_UNION, STRING_INT_UNION, None),
    (INT_UNION, EMPTY_UNION, None),
    (LONG_UNION, EMPTY_UNION, None),
    (LONG_UNION, INT_UNION, None),
    (DOUBLE_UNION, INT_UNION, None),
    (DOUBLE_UNION, LONG_UNION, None),
    (DOUBLE_UNION, FLOAT_UNION, None),
    (DOUBLE_UNION, INT_FLOAT_UNION, None),
    (STRING_UNION, EMPTY_UNION, None),
    (STRING_UNION, BYTES_UNION, None),
    (BYTES_UNION, EMPTY_UNION, None),
    (BYTES_UNION, STRING_UNION, None),
    // Java leaves these @Ignore'd ("should float unions be compatible with other number unions?");
    // the specification says yes: int and long promote to float.
    (FLOAT_UNION, INT_UNION, None),
    (FLOAT_UNION, LONG_UNION, None),
    (FLOAT_UNION, INT_LONG_UNION, None),
    (FLOAT, INT_FLOAT_UNION, None),
    (LONG, INT_LONG_UNION, None),
    (DOUBLE, INT_FLOAT_UNION, None),
    (DOUBLE, INT_LONG_FLOAT_DOUBLE_UNION, None),
    (FLOAT, FLOAT_UNION, None),
    (INT_UNION, INT, None),
    (INT, INT_UNION, None),
    (FIXED_4, FIXED_4, None),
    (EMPTY_RECORD1, EMPTY_RECORD1, None),
    (EMPTY_RECORD1, A_INT_RECORD1, None),
    (A_INT_RECORD1, A_INT_RECORD1, None),
    (A_DINT_RECORD1, A_INT_RECORD1, None),
    (A_DINT_RECORD1, A_DINT_RECORD1, None),
    (A_INT_RECORD1, A_DINT_RECORD1, None),
    (A_LONG_RECORD1, A_INT_RECORD1, None),
    (A_INT_RECORD1, A_INT_B_INT_RECORD1, None),
    (A_DINT_RECORD1, A_INT_B_INT_RECORD1, None),
    (A_INT_B_DINT_RECORD1, A_INT_RECORD1, None),
    (A_DINT_B_DINT_RECORD1, EMPTY_RECORD1, None),
    (A_DINT_B_DINT_RECORD1, A_INT_RECORD1, None),
    (A_INT_B_INT_RECORD1, A_DINT_B_DINT_RECORD1, None),
    (INT_LIST_RECORD, INT_LIST_RECORD, None),
    (LONG_LIST_RECORD, LONG_LIST_RECORD, None),
    (LONG_LIST_RECORD, INT_LIST_RECORD, None),
    (NULL, NULL, None),
    (NS_RECORD1, NS_RECORD2, None),
    (NESTED_OPTIONAL_RECORD, NESTED_RECORD, None),
    // TestSchemaCompatibilityEnumDefaults: the reader's default absorbs unknown symbols.
    (ENUM1_AB_DEFAULT_A, ENUM1_ABC, None),
    // TestSchemaCompatibilityTypeMismatch
    (NULL, INT, Some("FIELD_TYPE_CHANGED")),
    (NULL, LONG, Some("FIELD_TYPE_CHANGED")),
    (BOOLEAN, INT, Some("FIELD_TYPE_CHANGED")),
    (INT, NULL, Some("FIELD_TYPE_CHANGED")),
    (INT, BOOLEAN, Some("FIELD_TYPE_CHANGED")),
    (INT, LONG, Some("FIELD_TYPE_NARROWED")),
    (INT, FLOAT, Some("FIELD_TYPE_NARROWED")),
    (INT, DOUBLE, Some("FIELD_TYPE_NARROWED")),
    (LONG, FLOAT, Some("FIELD_TYPE_NARROWED")),
    (LONG, DOUBLE, Some("FIELD_TYPE_NARROWED")),
    (FLOAT, DOUBLE, Some("FIELD_TYPE_NARROWED")),
    (DOUBLE, STRING, Some("FIELD_TYPE_CHANGED")),
    (FIXED_4, STRING, Some("FIELD_TYPE_CHANGED")),
    (STRING, BOOLEAN, Some("FIELD_TYPE_CHANGED")),
    (STRING, INT, Some("FIELD_TYPE_CHANGED")),
    (BYTES, NULL, Some("FIELD_TYPE_CHANGED")),
    (BYTES, INT, Some("FIELD_TYPE_CHANGED")),
    (A_INT_RECORD1, INT, Some("FIELD_TYPE_CHANGED")),
    (INT_ARRAY, LONG_ARRAY, Some("FIELD_TYPE_NARROWED")),
    (INT_MAP, INT_ARRAY, Some("FIELD_TYPE_CHANGED")),
    (INT_ARRAY, INT_MAP, Some("FIELD_TYPE_CHANGED")),
    (INT_MAP, LONG_MAP, Some("FIELD_TYPE_NARROWED")),
    (INT, ENUM2_AB, Some("FIELD_TYPE_CHANGED")),
    (ENUM2_AB, INT, Some("FIELD_TYPE_CHANGED")),
    (FLOAT, INT_LONG_FLOAT_DOUBLE_UNION, Some("UNION_BRANCH_REMOVED")),
    (LONG, INT_FLOAT_UNION, Some("UNION_BRANCH_REMOVED")),
    (INT, INT_FLOAT_UNION, Some("UNION_BRANCH_REMOVED")),
    (INT_LIST_RECORD, LONG_LIST_RECORD, Some("FIELD_TYPE_NARROWED")),
    // TestSchemaCompatibilityMissingEnumSymbols
    (ENUM1_AB, ENUM1_ABC, Some("ENUM_SYMBOL_REMOVED_WITHOUT_DEFAULT")),
    (ENUM1_BC, ENUM1_ABC, Some("ENUM_SYMBOL_REMOVED_WITHOUT_DEFAULT")),
    (RECORD1_WITH_ENUM_AB, RECORD1_WITH_ENUM_ABC, Some("ENUM_SYMBOL_REMOVED_WITHOUT_DEFAULT")),
    // TestSchemaCompatibilityMissingUnionBranch
    (INT_UNION, INT_STRING_UNION, Some("UNION_BRANCH_REMOVED")),
    (STRING_UNION, INT_STRING_UNION, Some("UNION_BRANCH_REMOVED")),
    (INT_STRING_UNION, INT_STRING_LONG_UNION, Some("UNION_BRANCH_REMOVED")),
    (NESTED_RECORD, NESTED_OPTIONAL_RECORD, Some("UNION_BRANCH_REMOVED")),
    // TestSchemaCompatibilityNameMismatch
    (ENUM1_AB, ENUM2_AB, Some("NAME_CHANGED")),
    (EMPTY_RECORD2, EMPTY_RECORD1, Some("NAME_CHANGED")),
    (FIXED_4, FIXED_4_OTHER_NAME, Some("NAME_CHANGED")),
    (A_DINT_B_DENUM_1_RECORD1, A_DINT_B_DENUM_2_RECORD1, Some("NAME_CHANGED")),
    // TestSchemaCompatibilityFixedSizeMismatch
    (FIXED_4, FIXED_8, Some("FIXED_SIZE_CHANGED")),
    (FIXED_8, FIXED_4, Some("FIXED_SIZE_CHANGED")),
    (A_DINT_B_DFIXED_8_RECORD1, A_DINT_B_DFIXED_4_RECORD1, Some("FIXED_SIZE_CHANGED")),
    (A_DINT_B_DFIXED_4_RECORD1, A_DINT_B_DFIXED_8_RECORD1, Some("FIXED_SIZE_CHANGED")),
    // TestSchemaCompatibilityReaderFieldMissingDefaultValue
    (A_INT_RECORD1, EMPTY_RECORD1, Some("FIELD_ADDED_WITHOUT_DEFAULT")),
    (A_INT_B_DINT_RECORD1, EMPTY_RECORD1, Some("FIELD_ADDED_WITHOUT_DEFAULT")),
];

/// Pairs where apache-avro 0.22 disagrees with the specification (and with us): (reader, writer, why).
const APACHE_AVRO_DIFFERS: &[(&str, &str, &str)] = &[];

fn parse(text: &str) -> Schema {
    Schema::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn reference_reader_writer_pairs() {
    let mut failures = Vec::new();
    for (reader, writer, expected) in CASES {
        let result = classify(&parse(writer), &parse(reader), Mode::Backward, "root");
        let breaking: Vec<&str> = result.breaking().map(|c| c.rule.id()).collect();
        let ok = match expected {
            None => result.verdict != Verdict::Breaking,
            Some(rule) => result.verdict == Verdict::Breaking && breaking.contains(rule),
        };
        if !ok {
            failures.push(format!("reader {reader}\n  writer {writer}\n  expected {expected:?}, got {breaking:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} pairs differ:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn apache_avro_agrees_except_where_listed() {
    let mut surprises = Vec::new();
    for (reader, writer, expected) in CASES {
        let theirs = SchemaCompatibility::can_read(
            &apache_avro::Schema::parse_str(writer).unwrap(),
            &apache_avro::Schema::parse_str(reader).unwrap(),
        );
        let theirs_compatible = matches!(theirs, Ok(Compatibility::Full));
        let listed = APACHE_AVRO_DIFFERS.iter().any(|(r, w, _)| r == reader && w == writer);
        if (theirs_compatible == expected.is_none()) == listed {
            surprises.push(format!("reader {reader}\n  writer {writer}\n  apache-avro: {theirs:?}, listed: {listed}"));
        }
    }
    assert!(surprises.is_empty(), "{}", surprises.join("\n"));
}
