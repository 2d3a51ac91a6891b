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
    let mut previous: Option<SalesCleaned> = None;
    while !input.is_empty() {
        // Every datum is decoded afresh and into the previous value: both must agree.
        let mut into = input.clone();
        let Ok(record) = SalesCleaned::decode(&mut input) else {
            break;
        };
        if let Some(previous) = previous.as_mut() {
            previous.decode_into(&mut into).expect("decode_into reads what decode read");
            assert_eq!(into.offset(), input.offset());
            assert_eq!(to_datum(previous), to_datum(&record));
        }
        previous = Some(record);
    }
});
