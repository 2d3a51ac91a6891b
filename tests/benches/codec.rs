//! The generated codec against apache-avro 0.22 (its typed serde path) and
//! serde_avro_fast, on `sales.sales_analytics` (uuid, strings, decimals, an
//! enum, a timestamp, an array of nested records, optional values).
//!
//! `cargo bench -p mesh-tests --bench codec` (records: `MESH_BENCH_RECORDS`, default 1,000,000).
//! Every benchmark processes all records once per iteration; compare the
//! rows of one group for the ratios.
#![allow(missing_docs)]

use std::io::Cursor;
use std::sync::OnceLock;

use apache_avro::types::Value;
use divan::{black_box, Bencher};
use mesh_core::codec::{AvroCodec, Codec, ContainerReader, ContainerWriter, Reader, Sample, SampleRng};
use mesh_core::DataProduct;
use sales::gold::SalesAnalytics;
use sales::types::Currency;
use serde::{Deserialize, Serialize};

fn main() {
    divan::main();
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename = "Currency")]
#[allow(clippy::upper_case_acronyms)] // the Avro symbols, as serde names them
enum CurrencyMirror {
    EUR,
    GBP,
    USD,
    Other,
}

impl From<Currency> for CurrencyMirror {
    fn from(currency: Currency) -> Self {
        match currency {
            Currency::EUR => Self::EUR,
            Currency::GBP => Self::GBP,
            Currency::USD => Self::USD,
            Currency::Other => Self::Other,
        }
    }
}

/// The product as apache-avro's serde path wants it: decimals as `apache_avro::Decimal`, the uuid as a string.
#[derive(Serialize, Deserialize)]
#[serde(rename = "SalesAnalytics")]
struct ApacheOrder {
    order_id: String,
    customer_id: String,
    customer_email: String,
    amount: apache_avro::Decimal,
    currency: CurrencyMirror,
    ordered_at: i64,
    line_items: Vec<ApacheLine>,
    channel: Option<String>,
    discount: Option<apache_avro::Decimal>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename = "LineItem")]
struct ApacheLine {
    sku: String,
    quantity: i32,
    unit_price: apache_avro::Decimal,
}

/// The product as serde_avro_fast wants it: decimals as `rust_decimal::Decimal`, the uuid as a string.
#[derive(Serialize, Deserialize)]
#[serde(rename = "SalesAnalytics")]
struct FastOrder {
    order_id: String,
    customer_id: String,
    customer_email: String,
    amount: rust_decimal::Decimal,
    currency: CurrencyMirror,
    ordered_at: i64,
    line_items: Vec<FastLine>,
    channel: Option<String>,
    discount: Option<rust_decimal::Decimal>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename = "LineItem")]
struct FastLine {
    sku: String,
    quantity: i32,
    unit_price: rust_decimal::Decimal,
}

fn apache_decimal(unscaled: i128) -> apache_avro::Decimal {
    let mut out = Vec::new();
    mesh_core::codec::encode::write_decimal(&mut out, unscaled);
    apache_avro::Decimal::from(&out[1..])
}

fn fast_decimal(unscaled: i128) -> rust_decimal::Decimal {
    rust_decimal::Decimal::from_i128_with_scale(unscaled, 2)
}

struct Data {
    ours: Vec<SalesAnalytics>,
    apache: Vec<ApacheOrder>,
    fast: Vec<FastOrder>,
    /// Every record encoded back to back, and where each starts.
    datums: Vec<u8>,
    offsets: Vec<usize>,
    file: Vec<u8>,
    /// The same records written with an older schema (see `older_schema`).
    evolved_file: Vec<u8>,
}

fn records() -> usize {
    std::env::var("MESH_BENCH_RECORDS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000_000)
}

/// v2.0 of the product, as an older writer had it: no `channel` or `discount` yet (the reader
/// fills their defaults), and a `legacy_source` field since removed (the reader skips it).
fn older_schema() -> String {
    let mut json: serde_json::Value = serde_json::from_str(&SalesAnalytics::schema().unwrap().json).unwrap();
    let fields = json["fields"].as_array_mut().unwrap();
    fields.retain(|f| f["name"] != "discount" && f["name"] != "channel");
    fields.insert(3, serde_json::json!({"name": "legacy_source", "type": "string"}));
    json.to_string()
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut rng = SampleRng::new(42);
        let ours: Vec<SalesAnalytics> = (0..records()).map(|_| SalesAnalytics::sample(&mut rng, "")).collect();
        let apache = ours
            .iter()
            .map(|r| ApacheOrder {
                order_id: r.order_id.to_string(),
                customer_id: r.customer_id.clone(),
                customer_email: r.customer_email.clone(),
                amount: apache_decimal(r.amount.unscaled()),
                currency: r.currency.into(),
                ordered_at: r.ordered_at.0,
                line_items: r
                    .line_items
                    .iter()
                    .map(|l| ApacheLine {
                        sku: l.sku.clone(),
                        quantity: l.quantity,
                        unit_price: apache_decimal(l.unit_price.unscaled()),
                    })
                    .collect(),
                channel: r.channel.clone(),
                discount: r.discount.map(|d| apache_decimal(d.unscaled())),
            })
            .collect();
        let fast = ours
            .iter()
            .map(|r| FastOrder {
                order_id: r.order_id.to_string(),
                customer_id: r.customer_id.clone(),
                customer_email: r.customer_email.clone(),
                amount: fast_decimal(r.amount.unscaled()),
                currency: r.currency.into(),
                ordered_at: r.ordered_at.0,
                line_items: r
                    .line_items
                    .iter()
                    .map(|l| FastLine {
                        sku: l.sku.clone(),
                        quantity: l.quantity,
                        unit_price: fast_decimal(l.unit_price.unscaled()),
                    })
                    .collect(),
                channel: r.channel.clone(),
                discount: r.discount.map(|d| fast_decimal(d.unscaled())),
            })
            .collect();
        let mut datums = Vec::new();
        let mut offsets = vec![0];
        for record in &ours {
            record.encode(&mut datums);
            offsets.push(datums.len());
        }
        let mut writer = ContainerWriter::<SalesAnalytics, _>::new(Vec::new(), Codec::Null).unwrap();
        for record in &ours {
            writer.append(record).unwrap();
        }
        let file = writer.finish().unwrap();
        Data { evolved_file: evolved_file(&datums, &offsets), ours, apache, fast, datums, offsets, file }
    })
}

#[allow(deprecated)]
fn evolved_file(datums: &[u8], offsets: &[usize]) -> Vec<u8> {
    let product = &SalesAnalytics::schema().unwrap().avro;
    let older = apache_avro::Schema::parse_str(&older_schema()).unwrap();
    let mut writer = apache_avro::Writer::new(&older, Vec::new()).unwrap();
    for window in offsets.windows(2) {
        let value = apache_avro::from_avro_datum(product, &mut &datums[window[0]..window[1]], None).unwrap();
        let Value::Record(mut fields) = value else { unreachable!() };
        fields.retain(|(name, _)| name != "discount" && name != "channel");
        fields.insert(3, ("legacy_source".into(), Value::String("erp".into())));
        writer.append_value(Value::Record(fields)).unwrap();
    }
    writer.into_inner().unwrap()
}

fn apache_schema() -> &'static apache_avro::Schema {
    &SalesAnalytics::schema().unwrap().avro
}

fn fast_schema() -> &'static serde_avro_fast::Schema {
    static SCHEMA: OnceLock<serde_avro_fast::Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| SalesAnalytics::schema().unwrap().json.parse().unwrap())
}

const SAMPLES: u32 = 5;

mod encode_datum {
    use super::*;

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn mesh_generated(bencher: Bencher) {
        let data = data();
        let mut out = Vec::with_capacity(1024);
        bencher.bench_local(|| {
            for record in &data.ours {
                out.clear();
                record.encode(&mut out);
                black_box(&out);
            }
        });
    }

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn apache_avro_serde(bencher: Bencher) {
        let data = data();
        let writer =
            apache_avro::writer::datum::GenericDatumWriter::builder(apache_schema()).validate(false).build().unwrap();
        let mut out = Vec::with_capacity(1024);
        bencher.bench_local(|| {
            for record in &data.apache {
                out.clear();
                writer.write_ser(&mut out, record).unwrap();
                black_box(&out);
            }
        });
    }

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn serde_avro_fast(bencher: Bencher) {
        let data = data();
        let mut config = serde_avro_fast::ser::SerializerConfig::new(fast_schema());
        let mut out = Vec::with_capacity(1024);
        bencher.bench_local(|| {
            for record in &data.fast {
                out.clear();
                out = serde_avro_fast::to_datum(record, std::mem::take(&mut out), &mut config).unwrap();
                black_box(&out);
            }
        });
    }
}

mod decode_datum {
    use super::*;

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn mesh_generated(bencher: Bencher) {
        let data = data();
        bencher.bench_local(|| {
            for window in data.offsets.windows(2) {
                let mut input = Reader::new(&data.datums[window[0]..window[1]]);
                black_box(SalesAnalytics::decode(&mut input).unwrap());
            }
        });
    }

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn apache_avro_serde(bencher: Bencher) {
        let data = data();
        let reader = apache_avro::reader::datum::GenericDatumReader::builder(apache_schema()).build().unwrap();
        bencher.bench_local(|| {
            for window in data.offsets.windows(2) {
                let mut input = &data.datums[window[0]..window[1]];
                black_box(reader.read_deser::<ApacheOrder>(&mut input).unwrap());
            }
        });
    }

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn serde_avro_fast(bencher: Bencher) {
        let data = data();
        bencher.bench_local(|| {
            for window in data.offsets.windows(2) {
                let input = &data.datums[window[0]..window[1]];
                black_box(serde_avro_fast::from_datum_slice::<FastOrder>(input, fast_schema()).unwrap());
            }
        });
    }
}

mod write_file {
    use super::*;

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn mesh_generated(bencher: Bencher) {
        let data = data();
        bencher.bench_local(|| {
            let mut writer = ContainerWriter::<SalesAnalytics, _>::new(Vec::new(), Codec::Null).unwrap();
            for record in &data.ours {
                writer.append(record).unwrap();
            }
            black_box(writer.finish().unwrap())
        });
    }

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn apache_avro_serde(bencher: Bencher) {
        let data = data();
        bencher.bench_local(|| {
            let mut writer = apache_avro::Writer::new(apache_schema(), Vec::new()).unwrap();
            for record in &data.apache {
                writer.append_ser(record).unwrap();
            }
            black_box(writer.into_inner().unwrap())
        });
    }

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn serde_avro_fast(bencher: Bencher) {
        let data = data();
        let mut config = serde_avro_fast::ser::SerializerConfig::new(fast_schema());
        bencher.bench_local(|| {
            let mut writer = serde_avro_fast::object_container_file_encoding::WriterBuilder::new(&mut config)
                .build(Vec::new())
                .unwrap();
            writer.serialize_all(data.fast.iter()).unwrap();
            black_box(writer.into_inner().unwrap())
        });
    }
}

mod read_file {
    use super::*;

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn mesh_generated(bencher: Bencher) {
        let data = data();
        bencher.bench_local(|| {
            let reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(&data.file), "bench").unwrap();
            for record in reader {
                black_box(record.unwrap());
            }
        });
    }

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn apache_avro_serde(bencher: Bencher) {
        let data = data();
        bencher.bench_local(|| {
            let reader = apache_avro::Reader::new(&data.file[..]).unwrap();
            for record in reader.into_deser_iter::<ApacheOrder>() {
                black_box(record.unwrap());
            }
        });
    }

    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn serde_avro_fast(bencher: Bencher) {
        let data = data();
        bencher.bench_local(|| {
            let mut reader = serde_avro_fast::object_container_file_encoding::Reader::from_slice(&data.file).unwrap();
            for record in reader.deserialize::<FastOrder>() {
                black_box(record.unwrap());
            }
        });
    }

    /// The same records written with an older schema: resolved through the plan.
    #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
    fn mesh_generated_evolved(bencher: Bencher) {
        let data = data();
        let reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(&data.evolved_file), "bench").unwrap();
        assert!(reader.is_resolving());
        bencher.bench_local(|| {
            let reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(&data.evolved_file), "bench").unwrap();
            for record in reader {
                black_box(record.unwrap());
            }
        });
    }
}
