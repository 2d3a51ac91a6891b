//! Any bytes through the generated decoders: an error or a value, never a panic or a huge allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesh_core::codec::{from_datum, to_datum, AvroCodec, Reader};
use sales::gold::SalesAnalytics;
use sales::silver::SalesCleaned;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = from_datum::<SalesAnalytics>(data) {
        // Whatever decodes re-encodes to bytes that decode again.
        let again = to_datum(&record);
        assert!(from_datum::<SalesAnalytics>(&again).is_ok());
    }
    let mut input = Reader::new(data);
    while !input.is_empty() {
        if SalesCleaned::decode(&mut input).is_err() {
            break;
        }
    }
});
