//! Files built by hand for the tests that feed commands what no writer would: container files
//! byte by byte, and copies of this workspace's published baseline.
// Each test uses part of these.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

/// Avro's zig-zag varint of `n`, appended to `out`.
pub fn long(out: &mut Vec<u8>, n: i64) {
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8 & 0x7f) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

/// The sync marker of every hand-made file.
pub const SYNC: [u8; 16] = *b"0123456789abcdef";

/// A container file of `schema`, uncompressed, with `blocks` of (claimed count, datum bytes).
pub fn container(schema: &str, blocks: &[(i64, &[u8])]) -> Vec<u8> {
    container_with(schema, &[], blocks)
}

/// As [`container`], with `metadata` (e.g. `mesh.product`) in the header too.
#[allow(dead_code)] // Not every test that shares these helpers writes metadata.
pub fn container_with(schema: &str, metadata: &[(&str, &str)], blocks: &[(i64, &[u8])]) -> Vec<u8> {
    let mut out = b"Obj\x01".to_vec();
    long(&mut out, 2 + metadata.len() as i64);
    for &(key, value) in [("avro.schema", schema), ("avro.codec", "null")].iter().chain(metadata) {
        long(&mut out, key.len() as i64);
        out.extend_from_slice(key.as_bytes());
        long(&mut out, value.len() as i64);
        out.extend_from_slice(value.as_bytes());
    }
    long(&mut out, 0);
    out.extend_from_slice(&SYNC);
    for (count, data) in blocks {
        long(&mut out, *count);
        long(&mut out, data.len() as i64);
        out.extend_from_slice(data);
        out.extend_from_slice(&SYNC);
    }
    out
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// A copy of this workspace's policies (`mesh.toml`) and published contracts, for commands that
/// write or that read a changed `mesh.toml`.
pub fn mesh_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    fs::copy(source.join("mesh.toml"), dir.path().join("mesh.toml")).unwrap();
    copy_dir(&source.join("contracts"), &dir.path().join("contracts"));
    dir
}
