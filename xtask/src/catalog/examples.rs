//! Example records for a product page: synthetic records from the product's sample generator,
//! the records `cargo xtask sample` writes, printed as `cargo xtask dump --product` prints them,
//! with every personal-data value replaced by its class (`<pii:direct>`), nested ones by path.
//! Nothing is written, so nothing needs the keys that encrypt personal data at rest.

use mesh_core::model::ProductDescriptor;
use mesh_core::registered_codecs;
use serde_json::Value;

/// Records shown per product.
pub const EXAMPLE_ROWS: u64 = 3;
/// The sample seed: the same records on every build.
const SEED: u64 = 1;

/// The example records of `product`, pretty-printed JSON; none when its codec is not linked.
///
/// # Errors
/// The sample cannot be written or read back (named with the product).
pub fn examples(product: &ProductDescriptor) -> Result<Vec<String>, String> {
    let id = product.id();
    let Some(codec) = registered_codecs().find(|c| c.product == id) else { return Ok(Vec::new()) };
    let failed = |e: &dyn std::fmt::Display| format!("the example records of `{id}` cannot be made: {e}");
    let mut lines = Vec::new();
    let read = (codec.sample_json)(EXAMPLE_ROWS, SEED, &mut |line| {
        lines.push(line.to_owned());
        Ok(())
    });
    read.map_err(|e| failed(&e))?;
    let pii = product.pii_fields();
    let masks: Vec<(Vec<&str>, String)> =
        pii.iter().map(|f| (f.path.split('.').collect(), format!("<pii:{}>", f.pii.class.as_str()))).collect();
    lines
        .iter()
        .map(|line| {
            let mut record: Value = serde_json::from_str(line).map_err(|e| failed(&e))?;
            for (path, mask) in &masks {
                redact(&mut record, path, mask);
            }
            serde_json::to_string_pretty(&record).map_err(|e| failed(&e))
        })
        .collect()
}

/// Replaces the value at `path` (`a.b`, `items[].sku`) in `value` by `mask`; nulls stay null (an
/// absent value says nothing about a person).
fn redact(value: &mut Value, path: &[&str], mask: &str) {
    if value.is_null() {
        return;
    }
    let Some((first, rest)) = path.split_first() else {
        *value = Value::String(mask.to_owned());
        return;
    };
    let (name, each) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (*first, false),
    };
    let Some(child) = value.as_object_mut().and_then(|fields| fields.get_mut(name)) else { return };
    if each {
        for item in child.as_array_mut().into_iter().flatten() {
            redact(item, rest, mask);
        }
    } else {
        redact(child, rest, mask);
    }
}

#[cfg(test)]
mod tests {
    use super::redact;
    use serde_json::json;

    #[test]
    fn masks_fields_nested_records_and_array_items_and_keeps_nulls() {
        let mut record = json!({
            "email": "someone@example.com",
            "address": {"street": "1 Main St", "city": "Lyon"},
            "missing": null,
            "items": [{"sku": "A", "note": "x"}, {"sku": "B", "note": "y"}],
            "tags": ["t1", "t2"],
        });
        for path in ["email", "address.street", "missing.street", "items[].note", "tags[]", "absent"] {
            redact(&mut record, &path.split('.').collect::<Vec<_>>(), "<pii:direct>");
        }
        assert_eq!(
            record,
            json!({
                "email": "<pii:direct>",
                "address": {"street": "<pii:direct>", "city": "Lyon"},
                "missing": null,
                "items": [{"sku": "A", "note": "<pii:direct>"}, {"sku": "B", "note": "<pii:direct>"}],
                "tags": ["<pii:direct>", "<pii:direct>"],
            })
        );
    }
}
