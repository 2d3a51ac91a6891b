//! Any bytes as a container file of the sales gold product: typed errors, never a panic; and,
//! when skipping corrupt blocks, reading always ends (every skip moves forward).
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use mesh_core::codec::ContainerReader;
use sales::gold::SalesAnalytics;

fuzz_target!(|data: &[u8]| {
    for skip_corrupt in [false, true] {
        let Ok(mut reader) = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(data), "fuzz.avro") else {
            return;
        };
        // Keep a corrupt length from asking for more memory than libFuzzer allows.
        reader.set_max_block_bytes(1 << 20);
        if skip_corrupt {
            reader.skip_corrupt_blocks();
        }
        // Each item is a record or a report of at least one byte skipped, so there are at most as
        // many items as bytes (plus the first error when not skipping).
        let items = reader.take_while(|item| skip_corrupt || item.is_ok()).count();
        assert!(items <= data.len() + 1, "{items} items from {} bytes", data.len());
    }
});
