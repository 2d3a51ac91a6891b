//! Any bytes as a container file read by its own writer schema (`cargo xtask dump` without
//! `--product`): the header's schema may be anything too. Typed errors, never a panic, reading
//! always ends, and each record's JSON is well formed.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use mesh_core::codec::SchemaReader;

fuzz_target!(|data: &[u8]| {
    for skip_corrupt in [false, true] {
        let Ok(mut reader) = SchemaReader::new(Cursor::new(data), "fuzz.avro") else {
            return;
        };
        // Keep a corrupt length from asking for more memory than libFuzzer allows.
        reader.set_max_block_bytes(1 << 20);
        if skip_corrupt {
            reader.skip_corrupt_blocks();
        }
        let mut json = String::new();
        // Reading ends: every skip moves forward, and records that take no bytes are bounded per
        // block (one per byte of the block limit); libFuzzer's timeout catches a hang.
        while let Some(item) = reader.read_json(&mut json) {
            match item {
                Ok(()) => assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok(), "not JSON: {json}"),
                Err(_) if !skip_corrupt => break,
                Err(_) => {}
            }
            json.clear();
        }
    }
});
