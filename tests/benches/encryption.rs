//! Encryption's cost in the typed codecs: `sales.sales_analytics` records (one encrypted email
//! each) against the same records of a product declared alike but without encryption, measured in
//! alternating rounds of one run, the ratio paired per round:
//! - writing and reading container files as the lakehouse does (deflate level 1, `read_into`);
//! - the bare codec in memory (encode and decode, no file, no compression).
//!
//! `cargo bench -p mesh-tests --bench encryption` (`MESH_BENCH_RECORDS`, default 200,000; a
//! keyring in a temporary folder).

use std::hint::black_box;
use std::io::Cursor;
use std::sync::Arc;
use std::time::Instant;

use mesh_core::codec::crypto::{LocalKeyring, Opener, Sealer};
use mesh_core::codec::{
    from_datum, to_datum, AvroCodec, Compression, ContainerReader, ContainerRecord, ContainerWriter, Reader, Sample,
    SampleRng,
};
use mesh_core::{Decimal, TimestampMillis, Uuid};
use mesh_macros::data_product;
use sales::gold::SalesAnalytics;
use sales::types::{Currency, LineItem};

/// `sales.sales_analytics` field for field, the email not encrypted: the baseline codec.
#[data_product(domain = "bench", version = "1.0.0", owner = "bench@company.com", layer = "gold")]
pub struct PlainAnalytics {
    /// As in the product.
    pub order_id: Uuid,
    /// As in the product.
    pub customer_id: String,
    /// As in the product, stored as it is.
    #[pii(direct)]
    pub customer_email: String,
    /// As in the product.
    pub amount: Decimal<12, 2>,
    /// As in the product.
    pub currency: Currency,
    /// As in the product.
    pub ordered_at: TimestampMillis,
    /// As in the product.
    pub line_items: Vec<LineItem>,
    /// As in the product.
    pub channel: Option<String>,
    /// As in the product.
    pub discount: Option<Decimal<12, 2>>,
}

const ROUNDS: usize = 9;

fn time(f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

/// Median, min and max.
fn spread(values: Vec<f64>) -> (f64, f64, f64) {
    let (min, max) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    (mesh_tests::median(values), min, max)
}

fn write<T: ContainerRecord>(records: &[T], keys: &Arc<LocalKeyring>) -> Vec<u8> {
    let mut writer = ContainerWriter::<T, _>::new(Vec::with_capacity(64 << 20), Compression::Deflate).unwrap();
    writer.set_deflate_level(1);
    writer.set_key_provider(keys.clone());
    for record in records {
        writer.append(record).unwrap();
    }
    writer.finish().unwrap()
}

fn read<T: ContainerRecord + Sample>(file: &[u8], keys: &Arc<LocalKeyring>) -> u64 {
    let mut reader = ContainerReader::<T, _>::new(Cursor::new(file), "bench.avro").unwrap();
    reader.set_key_provider(keys.clone());
    let mut record = T::sample(&mut SampleRng::new(0), "");
    let mut count = 0;
    while let Some(read) = reader.read_into(&mut record) {
        read.unwrap();
        black_box(&record);
        count += 1;
    }
    count
}

fn main() {
    let n = mesh_tests::env_or("MESH_BENCH_RECORDS", 200_000) as usize;
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(LocalKeyring::new(dir.path().join("keyring.json")));
    let mut rng = SampleRng::new(11);
    let sealed: Vec<SalesAnalytics> = (0..n).map(|_| SalesAnalytics::sample(&mut rng, "")).collect();
    // The same records: the plain encoding of the two is the same bytes.
    let plain: Vec<PlainAnalytics> = sealed.iter().map(|r| from_datum(&to_datum(r)).unwrap()).collect();
    let (mut sealer, mut opener) = (Sealer::new("sales", Some(keys.clone())), Opener::new("sales", Some(keys.clone())));
    let (mut plain_file, mut sealed_file) = (Vec::new(), Vec::new());
    let (mut plain_datums, mut sealed_datums) = (Vec::with_capacity(n * 200), Vec::with_capacity(n * 300));
    let mut files = (Vec::new(), Vec::new(), Vec::new());
    let mut memory = (Vec::new(), Vec::new(), Vec::new());
    let mut plain_ns = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Alternate which side goes first, so neither always meets a warm or a cold cache.
        let mut measure = |first_plain: bool| {
            let mut plain_side = || {
                let w = time(&mut || plain_file = write(&plain, &keys));
                let r = time(&mut || assert_eq!(read::<PlainAnalytics>(&plain_file, &keys), n as u64));
                (w, r)
            };
            let mut sealed_side = || {
                let w = time(&mut || sealed_file = write(&sealed, &keys));
                let r = time(&mut || assert_eq!(read::<SalesAnalytics>(&sealed_file, &keys), n as u64));
                (w, r)
            };
            if first_plain {
                let p = plain_side();
                (p, sealed_side())
            } else {
                let s = sealed_side();
                (plain_side(), s)
            }
        };
        let ((pw, pr), (sw, sr)) = measure(round % 2 == 0);
        files.0.push(sw / pw);
        files.1.push(sr / pr);
        files.2.push((sw + sr) / (pw + pr));
        plain_ns.0.push((pw + pr) * 1e9 / n as f64);

        let encode_plain = time(&mut || {
            plain_datums.clear();
            plain.iter().for_each(|r| r.encode(&mut plain_datums));
        });
        let encode_sealed = time(&mut || {
            sealed_datums.clear();
            sealed.iter().for_each(|r| r.encode_sealed(&mut sealed_datums, &mut sealer).unwrap());
        });
        let decode_plain = time(&mut || {
            let mut input = Reader::new(&plain_datums);
            (0..n).for_each(|_| drop(black_box(PlainAnalytics::decode(&mut input).unwrap())));
        });
        let decode_opened = time(&mut || {
            let mut input = Reader::new(&sealed_datums);
            (0..n).for_each(|_| drop(black_box(SalesAnalytics::decode_opened(&mut input, &mut opener).unwrap())));
        });
        memory.0.push(encode_sealed / encode_plain);
        memory.1.push(decode_opened / decode_plain);
        memory.2.push((encode_sealed + decode_opened) / (encode_plain + decode_plain));
        plain_ns.1.push((encode_plain + decode_plain) * 1e9 / n as f64);
    }
    let show = |name: &str, ratios: Vec<f64>| {
        let (median, min, max) = spread(ratios);
        println!("| {name} | {median:.2}x ({min:.2}-{max:.2}) |");
    };
    println!("{n} sales_analytics records (one encrypted email each), {ROUNDS} rounds; time with encryption / without, paired per round: median (min-max)");
    println!();
    println!("| | encrypted / plain |");
    println!("|---|---|");
    show("write a container file (deflate level 1)", files.0);
    show("read it (`read_into`)", files.1);
    show("**write + read**", files.2);
    show("encode in memory", memory.0);
    show("decode in memory", memory.1);
    show("encode + decode in memory", memory.2);
    println!();
    println!(
        "plain per record: write + read {:.0} ns, encode + decode {:.0} ns; files {} MB plain, {} MB encrypted",
        spread(plain_ns.0).0,
        spread(plain_ns.1).0,
        plain_file.len() / 1_000_000,
        sealed_file.len() / 1_000_000
    );
}
