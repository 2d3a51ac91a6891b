//! Encryption's cost in the typed codec: encoding and decoding `sales.sales_analytics` records
//! (one encrypted email each) with and without encryption, in alternating rounds of one run, and
//! the paired ratio of each round (median, min and max over the rounds).
//!
//! `cargo bench -p mesh-tests --bench encryption` (a keyring in a temporary folder).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use mesh_core::codec::crypto::{LocalKeyring, Opener, Sealer};
use mesh_core::codec::{AvroCodec, Reader, Sample, SampleRng};
use sales::gold::SalesAnalytics;

const RECORDS: usize = 10_000;
const ROUNDS: usize = 31;

fn median(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (values[values.len() / 2], values[0], values[values.len() - 1])
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let keys = Arc::new(LocalKeyring::new(dir.path().join("keyring.json")));
    let mut rng = SampleRng::new(11);
    let records: Vec<SalesAnalytics> = (0..RECORDS).map(|_| SalesAnalytics::sample(&mut rng, "")).collect();
    let mut sealer = Sealer::new("sales", Some(keys.clone()));
    let mut opener = Opener::new("sales", Some(keys));
    let (mut plain, mut sealed) = (Vec::new(), Vec::new());
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64()
    };
    let (mut encode_ratios, mut decode_ratios, mut both_ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut plain_ns = Vec::new();
    for _ in 0..ROUNDS {
        let encode_plain = time(&mut || {
            plain.clear();
            for r in &records {
                r.encode(&mut plain);
            }
        });
        let encode_sealed = time(&mut || {
            sealed.clear();
            for r in &records {
                r.encode_sealed(&mut sealed, &mut sealer).expect("the keyring works");
            }
        });
        let decode_plain = time(&mut || {
            let mut input = Reader::new(&plain);
            for _ in 0..RECORDS {
                black_box(SalesAnalytics::decode(&mut input).expect("a record"));
            }
        });
        let decode_opened = time(&mut || {
            let mut input = Reader::new(&sealed);
            for _ in 0..RECORDS {
                black_box(SalesAnalytics::decode_opened(&mut input, &mut opener).expect("a record"));
            }
        });
        encode_ratios.push(encode_sealed / encode_plain);
        decode_ratios.push(decode_opened / decode_plain);
        both_ratios.push((encode_sealed + decode_opened) / (encode_plain + decode_plain));
        plain_ns.push((encode_plain + decode_plain) * 1e9 / RECORDS as f64);
    }
    let show = |name: &str, ratios: Vec<f64>| {
        let (median, min, max) = median(ratios);
        println!("{name:<28} {median:.2}x (min {min:.2}x, max {max:.2}x)");
    };
    println!("{RECORDS} sales_analytics records, {ROUNDS} rounds; encrypted / plain, paired per round");
    show("encode", encode_ratios);
    show("decode", decode_ratios);
    show("encode + decode", both_ratios);
    let (ns, _, _) = median(plain_ns);
    println!("plain encode + decode: {ns:.0} ns per record");
}
