//! A container file whose `avro.codec` this build does not read: the error says which codecs it
//! does read (all four here: the tests build with every codec feature), on the reader and in
//! `cargo xtask dump` (the `fixture_example` binary is `cargo xtask`), and `sample` likewise.

use std::io::Cursor;
use std::process::Command;

use mesh_core::codec::{encode::write_long, ContainerErrorKind, ContainerReader, ContainerRecord};
use sales::gold::SalesAnalytics;

const EXPECTED: &str = "codec `lz4` is not supported by this build, which reads null, deflate, snappy and \
                        zstandard: write the file with one of those";

/// A header with `avro.codec` = `codec`, then one empty block, byte by byte.
fn file_with_codec(codec: &str) -> Vec<u8> {
    let schema = SalesAnalytics::writer_schema().unwrap();
    let mut bytes = b"Obj\x01".to_vec();
    write_long(&mut bytes, 2);
    for (key, value) in [("avro.schema", schema.json.as_bytes()), ("avro.codec", codec.as_bytes())] {
        write_long(&mut bytes, key.len() as i64);
        bytes.extend_from_slice(key.as_bytes());
        write_long(&mut bytes, value.len() as i64);
        bytes.extend_from_slice(value);
    }
    write_long(&mut bytes, 0);
    bytes.extend_from_slice(&[7; 16]);
    write_long(&mut bytes, 0);
    write_long(&mut bytes, 0);
    bytes.extend_from_slice(&[7; 16]);
    bytes
}

#[test]
fn the_reader_names_the_codecs_this_build_reads() {
    let Err(error) = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(file_with_codec("lz4")), "orders.avro")
    else {
        panic!("an lz4 file must not open");
    };
    assert!(matches!(&error.kind, ContainerErrorKind::UnsupportedCodec(name) if name == "lz4"), "{error}");
    assert_eq!(error.to_string(), format!("orders.avro: {EXPECTED}"));
    // A file's own codec name is its text: escaped, so the message stays one line.
    let Err(error) = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(file_with_codec("lz\n4")), "orders.avro")
    else {
        panic!("an unknown codec must not open");
    };
    assert!(error.to_string().starts_with("orders.avro: codec `lz\\n4` is not supported"), "{error}");
}

#[test]
fn dump_and_sample_name_the_codecs_this_build_has() {
    let path = std::env::temp_dir().join(format!("mesh-unknown-codec-{}.avro", std::process::id()));
    std::fs::write(&path, file_with_codec("lz4")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_fixture_example"))
        .args(["dump", path.to_str().unwrap(), "--product", "sales.sales_analytics"])
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8(output.stderr).unwrap(), format!("error: {}: {EXPECTED}\n", path.display()));

    let output = Command::new(env!("CARGO_BIN_EXE_fixture_example"))
        .args(["sample", "sales.sales_raw", "--codec", "lz4", "--out", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: unknown codec `lz4`: use one of null, deflate, snappy, zstandard\n"
    );
}
