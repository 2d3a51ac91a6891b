//! What the `codec` benchmark measures, shared with `examples/codec_profile.rs` (instruction
//! counts and paired timing ratios) so that every measurement runs the same code.
//!
//! The product is `sales.sales_analytics` (uuid, strings, decimals, an enum, a timestamp, an
//! array of nested records, optional values), once as our generated type and once as the
//! mirror type each other library wants. Each case processes every record once.
#![allow(dead_code)] // each including target uses a different part

use std::hint::black_box;
use std::io::Cursor;
use std::sync::OnceLock;

use apache_avro::types::Value;
use mesh_core::codec::{AvroCodec, Compression, ContainerReader, ContainerWriter, Reader, Sample, SampleRng};
use mesh_core::DataProduct;
use sales::gold::SalesAnalytics;
use sales::types::Currency;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename = "Currency")]
#[allow(clippy::upper_case_acronyms)] // the Avro symbols, as serde names them
pub enum CurrencyMirror {
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
pub struct ApacheOrder {
    pub order_id: String,
    pub customer_id: String,
    pub customer_email: String,
    pub amount: apache_avro::Decimal,
    pub currency: CurrencyMirror,
    pub ordered_at: i64,
    pub line_items: Vec<ApacheLine>,
    pub channel: Option<String>,
    pub discount: Option<apache_avro::Decimal>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename = "LineItem")]
pub struct ApacheLine {
    pub sku: String,
    pub quantity: i32,
    pub unit_price: apache_avro::Decimal,
}

/// The product as serde_avro_fast wants it: decimals as `rust_decimal::Decimal`, the uuid as a string.
#[derive(Serialize, Deserialize)]
#[serde(rename = "SalesAnalytics")]
pub struct FastOrder {
    pub order_id: String,
    pub customer_id: String,
    pub customer_email: String,
    pub amount: rust_decimal::Decimal,
    pub currency: CurrencyMirror,
    pub ordered_at: i64,
    pub line_items: Vec<FastLine>,
    pub channel: Option<String>,
    pub discount: Option<rust_decimal::Decimal>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename = "LineItem")]
pub struct FastLine {
    pub sku: String,
    pub quantity: i32,
    pub unit_price: rust_decimal::Decimal,
}

pub fn apache_decimal(unscaled: i128) -> apache_avro::Decimal {
    let mut out = Vec::new();
    mesh_core::codec::encode::write_decimal(&mut out, unscaled);
    apache_avro::Decimal::from(&out[1..])
}

pub fn fast_decimal(unscaled: i128) -> rust_decimal::Decimal {
    rust_decimal::Decimal::from_i128_with_scale(unscaled, 2)
}

/// The records in every library's form, encoded once as datums and as container files.
pub struct Data {
    pub ours: Vec<SalesAnalytics>,
    pub apache: Vec<ApacheOrder>,
    pub fast: Vec<FastOrder>,
    /// Every record encoded back to back, and where each starts.
    pub datums: Vec<u8>,
    pub offsets: Vec<usize>,
    pub file: Vec<u8>,
    /// The same records written with an older schema (see `older_schema`).
    pub evolved_file: Vec<u8>,
}

/// Records per case: `MESH_BENCH_RECORDS`, default 1,000,000.
pub fn records() -> usize {
    mesh_tests::env_or("MESH_BENCH_RECORDS", 1_000_000) as usize
}

impl Data {
    /// `count` deterministic sample records in every form.
    pub fn new(count: usize) -> Self {
        let mut rng = SampleRng::new(42);
        let ours: Vec<SalesAnalytics> = (0..count).map(|_| SalesAnalytics::sample(&mut rng, "")).collect();
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
        let mut writer = ContainerWriter::<SalesAnalytics, _>::new(Vec::new(), Compression::Null).unwrap();
        for record in &ours {
            writer.append(record).unwrap();
        }
        let file = writer.finish().unwrap();
        Data { evolved_file: evolved_file(&datums, &offsets), ours, apache, fast, datums, offsets, file }
    }
}

/// v2.0 of the product, as an older writer had it: no `channel` or `discount` yet (the reader
/// fills their defaults), and a `legacy_source` field since removed (the reader skips it).
pub fn older_schema() -> String {
    let mut json: serde_json::Value = serde_json::from_str(&SalesAnalytics::schema().unwrap().json).unwrap();
    let fields = json["fields"].as_array_mut().unwrap();
    fields.retain(|f| f["name"] != "discount" && f["name"] != "channel");
    fields.insert(3, serde_json::json!({"name": "legacy_source", "type": "string"}));
    json.to_string()
}

#[allow(deprecated)]
pub fn evolved_file(datums: &[u8], offsets: &[usize]) -> Vec<u8> {
    let product = apache_schema();
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

pub fn apache_schema() -> &'static apache_avro::Schema {
    static SCHEMA: OnceLock<apache_avro::Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| apache_avro::Schema::parse_str(&SalesAnalytics::schema().unwrap().json).unwrap())
}

pub fn fast_schema() -> &'static serde_avro_fast::Schema {
    static SCHEMA: OnceLock<serde_avro_fast::Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| SalesAnalytics::schema().unwrap().json.parse().unwrap())
}

/// A library under comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Library {
    /// Our generated codec and container files.
    MeshGenerated,
    /// apache-avro 0.22, its typed serde path.
    ApacheAvroSerde,
    /// serde_avro_fast.
    SerdeAvroFast,
    /// Our reader on the file written with the older schema (resolved through the plan).
    MeshGeneratedEvolved,
    /// Our reader decoding every record into one reused value (`ContainerReader::read_into`).
    MeshGeneratedReused,
}

impl Library {
    /// The name the benchmark rows use.
    pub fn name(self) -> &'static str {
        match self {
            Library::MeshGenerated => "mesh_generated",
            Library::ApacheAvroSerde => "apache_avro_serde",
            Library::SerdeAvroFast => "serde_avro_fast",
            Library::MeshGeneratedEvolved => "mesh_generated_evolved",
            Library::MeshGeneratedReused => "mesh_generated_reused",
        }
    }
}

/// One measured path of one library.
pub struct Case {
    /// `encode_datum`, `decode_datum`, `write_file` or `read_file`.
    pub group: &'static str,
    pub library: Library,
    pub run: fn(&Data),
}

/// Every case, grouped; within a group, rows compare against `mesh_generated`.
pub const CASES: &[Case] = &[
    Case { group: "encode_datum", library: Library::MeshGenerated, run: encode_datum::mesh_generated },
    Case { group: "encode_datum", library: Library::ApacheAvroSerde, run: encode_datum::apache_avro_serde },
    Case { group: "encode_datum", library: Library::SerdeAvroFast, run: encode_datum::serde_avro_fast },
    Case { group: "decode_datum", library: Library::MeshGenerated, run: decode_datum::mesh_generated },
    Case { group: "decode_datum", library: Library::ApacheAvroSerde, run: decode_datum::apache_avro_serde },
    Case { group: "decode_datum", library: Library::SerdeAvroFast, run: decode_datum::serde_avro_fast },
    Case { group: "write_file", library: Library::MeshGenerated, run: write_file::mesh_generated },
    Case { group: "write_file", library: Library::ApacheAvroSerde, run: write_file::apache_avro_serde },
    Case { group: "write_file", library: Library::SerdeAvroFast, run: write_file::serde_avro_fast },
    Case { group: "read_file", library: Library::MeshGenerated, run: read_file::mesh_generated },
    Case { group: "read_file", library: Library::ApacheAvroSerde, run: read_file::apache_avro_serde },
    Case { group: "read_file", library: Library::SerdeAvroFast, run: read_file::serde_avro_fast },
    Case { group: "read_file", library: Library::MeshGeneratedEvolved, run: read_file::mesh_generated_evolved },
    Case { group: "read_file", library: Library::MeshGeneratedReused, run: read_file::mesh_generated_reused },
];

// Every case is `#[inline(never)]` so an instruction profiler can collect exactly it
// (`--toggle-collect='*read_file::mesh_generated'`).

pub mod encode_datum {
    use super::*;

    #[inline(never)]
    pub fn mesh_generated(data: &Data) {
        let mut out = Vec::with_capacity(1024);
        for record in &data.ours {
            out.clear();
            record.encode(&mut out);
            black_box(&out);
        }
    }

    #[inline(never)]
    pub fn apache_avro_serde(data: &Data) {
        let writer =
            apache_avro::writer::datum::GenericDatumWriter::builder(apache_schema()).validate(false).build().unwrap();
        let mut out = Vec::with_capacity(1024);
        for record in &data.apache {
            out.clear();
            writer.write_ser(&mut out, record).unwrap();
            black_box(&out);
        }
    }

    #[inline(never)]
    pub fn serde_avro_fast(data: &Data) {
        let mut config = serde_avro_fast::ser::SerializerConfig::new(fast_schema());
        let mut out = Vec::with_capacity(1024);
        for record in &data.fast {
            out.clear();
            out = serde_avro_fast::to_datum(record, std::mem::take(&mut out), &mut config).unwrap();
            black_box(&out);
        }
    }
}

pub mod decode_datum {
    use super::*;

    #[inline(never)]
    pub fn mesh_generated(data: &Data) {
        for window in data.offsets.windows(2) {
            let mut input = Reader::new(&data.datums[window[0]..window[1]]);
            black_box(SalesAnalytics::decode(&mut input).unwrap());
        }
    }

    #[inline(never)]
    pub fn apache_avro_serde(data: &Data) {
        let reader = apache_avro::reader::datum::GenericDatumReader::builder(apache_schema()).build().unwrap();
        for window in data.offsets.windows(2) {
            let mut input = &data.datums[window[0]..window[1]];
            black_box(reader.read_deser::<ApacheOrder>(&mut input).unwrap());
        }
    }

    #[inline(never)]
    pub fn serde_avro_fast(data: &Data) {
        for window in data.offsets.windows(2) {
            let input = &data.datums[window[0]..window[1]];
            black_box(serde_avro_fast::from_datum_slice::<FastOrder>(input, fast_schema()).unwrap());
        }
    }
}

pub mod write_file {
    use super::*;

    #[inline(never)]
    pub fn mesh_generated(data: &Data) {
        let mut writer = ContainerWriter::<SalesAnalytics, _>::new(Vec::new(), Compression::Null).unwrap();
        for record in &data.ours {
            writer.append(record).unwrap();
        }
        black_box(writer.finish().unwrap());
    }

    #[inline(never)]
    pub fn apache_avro_serde(data: &Data) {
        let mut writer = apache_avro::Writer::new(apache_schema(), Vec::new()).unwrap();
        for record in &data.apache {
            writer.append_ser(record).unwrap();
        }
        black_box(writer.into_inner().unwrap());
    }

    #[inline(never)]
    pub fn serde_avro_fast(data: &Data) {
        let mut config = serde_avro_fast::ser::SerializerConfig::new(fast_schema());
        let mut writer =
            serde_avro_fast::object_container_file_encoding::WriterBuilder::new(&mut config).build(Vec::new()).unwrap();
        writer.serialize_all(data.fast.iter()).unwrap();
        black_box(writer.into_inner().unwrap());
    }
}

pub mod read_file {
    use super::*;

    #[inline(never)]
    pub fn mesh_generated(data: &Data) {
        let reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(&data.file), "bench").unwrap();
        for record in reader {
            black_box(record.unwrap());
        }
    }

    #[inline(never)]
    pub fn apache_avro_serde(data: &Data) {
        let reader = apache_avro::Reader::new(&data.file[..]).unwrap();
        for record in reader.into_deser_iter::<ApacheOrder>() {
            black_box(record.unwrap());
        }
    }

    #[inline(never)]
    pub fn serde_avro_fast(data: &Data) {
        let mut reader = serde_avro_fast::object_container_file_encoding::Reader::from_slice(&data.file).unwrap();
        for record in reader.deserialize::<FastOrder>() {
            black_box(record.unwrap());
        }
    }

    /// The same records written with an older schema: resolved through the plan.
    #[inline(never)]
    pub fn mesh_generated_evolved(data: &Data) {
        let reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(&data.evolved_file), "bench").unwrap();
        assert!(reader.is_resolving(), "the evolved file must take the resolving path");
        for record in reader {
            black_box(record.unwrap());
        }
    }

    /// One value reused for every record (`read_into`): no allocation once the strings and
    /// vectors have grown to fit.
    #[inline(never)]
    pub fn mesh_generated_reused(data: &Data) {
        let mut reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(&data.file), "bench").unwrap();
        let Some(first) = reader.next() else { return };
        let mut record = first.unwrap();
        black_box(&record);
        while let Some(read) = reader.read_into(&mut record) {
            read.unwrap();
            black_box(&record);
        }
    }
}
