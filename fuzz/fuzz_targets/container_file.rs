//! Any bytes as a container file of the sales gold product: typed errors, never a panic.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use mesh_core::codec::ContainerReader;
use sales::gold::SalesAnalytics;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(data), "fuzz.avro") else {
        return;
    };
    // Keep a corrupt length from asking for more memory than libFuzzer allows.
    reader.set_max_block_bytes(1 << 20);
    for record in reader {
        if record.is_err() {
            break;
        }
    }
});
