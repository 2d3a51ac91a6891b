//! Container files as a writer without encryption leaves them (another tool, or an older writer):
//! a product's records written by apache-avro with the product's schema less its encryption marks,
//! so every field the product encrypts is stored in plaintext.

use mesh_core::codec::{to_datum, AvroCodec, Sample, SampleRng};
use mesh_core::DataProduct;
use serde_json::Value;

/// `count` sample records of `P` from `seed`, and a container file holding them unencrypted;
/// `mesh.product` names the product when `named`, else only the schema's fingerprint tells it.
pub fn unencrypted_file<P: DataProduct + AvroCodec + Sample>(
    count: usize,
    seed: u64,
    named: bool,
) -> (Vec<P>, Vec<u8>) {
    let mut json: Value = serde_json::from_str(&P::schema().unwrap().json).unwrap();
    strip_marks(&mut json);
    let schema = apache_avro::Schema::parse_str(&json.to_string()).unwrap();
    let mut rng = SampleRng::new(seed);
    let records: Vec<P> = (0..count).map(|_| P::sample(&mut rng, "")).collect();
    let mut writer = apache_avro::Writer::new(&schema, Vec::new()).unwrap();
    if named {
        writer.add_user_metadata("mesh.product".into(), format!("{}.{}", P::DOMAIN, P::NAME)).unwrap();
    }
    for record in &records {
        #[allow(deprecated)] // The datum API is apache-avro's way to decode one datum of a schema.
        let value = apache_avro::from_avro_datum(&schema, &mut &to_datum(record)[..], None).unwrap();
        writer.append_value(value).unwrap();
    }
    (records, writer.into_inner().unwrap())
}

/// `value` less its encryption marks (`mesh.encryption`, `mesh.key`), everywhere.
fn strip_marks(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            fields.remove("mesh.encryption");
            fields.remove("mesh.key");
            fields.values_mut().for_each(strip_marks);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_marks),
        _ => {}
    }
}
