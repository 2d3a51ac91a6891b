//! `cargo xtask quarantine PRODUCT [--lakehouse DIR] [--reveal]`: what the product's current
//! version's run set aside, one JSON line per entry (where it came from, why, the line or record).
//!
//! Quarantine files keep personal data sealed, as data files do: a landing line of a product with
//! personal data is sealed whole (`raw_sealed`), a record's encrypted fields hold their tokens.
//! They print as `<encrypted>` (after checking they are ciphertext), or opened with the keyring
//! with `--reveal`, so that a domain team can fix and replay what was set aside. An entry that
//! stores in plaintext what its product encrypts (a quarantine file from before encryption) is
//! refused without `--reveal`, never printed.

use std::path::Path;

use mesh_core::codec::crypto::{token_mode, Encryption, Opener};
use mesh_core::codec::json::Openers;
use mesh_core::model::{FieldPath, PathStep, ProductDescriptor};
use mesh_core::registered_products;
use mesh_pipeline::lakehouse::Lakehouse;
use serde_json::Value;

use crate::output::{Failure, Output};
use crate::sample::find_product;

/// Prints the quarantine of `product`'s current version.
///
/// # Errors
/// An unknown product, an unreadable lakehouse or quarantine file, or (with `reveal`) a sealed
/// value that does not open.
pub fn run(product: &str, lakehouse: &Path, reveal: bool, out: &mut Output) -> Result<(), Failure> {
    let id = find_product(product)?.product;
    let products: Vec<&ProductDescriptor> = registered_products().into_iter().map(|r| r.descriptor).collect();
    let descriptor = *products
        .iter()
        .find(|p| p.id() == id)
        .ok_or_else(|| format!("{id} is not linked into this xtask binary: add its domain crate to xtask"))?;
    let lakehouse = Lakehouse::new(lakehouse);
    let manifest = lakehouse.current(descriptor).map_err(|e| e.to_string())?.ok_or_else(|| {
        format!("{id} has no committed version in {}: build it with `cargo xtask run`", lakehouse.root().display())
    })?;
    let Some(file) = manifest.run.quarantine_file else {
        errln!("{id} version {}: its run set nothing aside", manifest.version);
        return Ok(());
    };
    let path = lakehouse.product_dir(descriptor).join(&file);
    let text = crate::files::read_text_file(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut openers = if reveal { Openers::new(None) } else { Openers::redacting() };
    for (number, line) in text.lines().enumerate() {
        let at = || format!("{}, line {}", path.display(), number + 1);
        let mut entry: Value =
            serde_json::from_str(line).map_err(|e| format!("{}: not a quarantine entry ({e})", at()))?;
        // Sealed with the keys of the product the line or record belongs to.
        let owner = entry["input"].as_str().unwrap_or(id).to_owned();
        if !reveal {
            // An owner this binary does not know could keep anything encrypted: refused, not guessed.
            let known = products.iter().find(|p| p.id() == owner).ok_or_else(|| {
                format!("{}: the entry belongs to {owner}, which is not linked into this xtask binary", at())
            });
            known
                .and_then(|owner| refuse_plaintext(&entry, owner).map_err(|why| format!("{}: {why}", at())))
                .map_err(|why| format!("{why}: `--reveal` prints it"))?;
        }
        let opener = openers.for_domain(mesh_core::model::domain_of(&owner));
        if let Value::Object(fields) = &mut entry {
            for (sealed, plain) in [("raw_sealed", "raw"), ("raw_base64_sealed", "raw_base64")] {
                if let Some(Value::String(token)) = fields.remove(sealed) {
                    let opened =
                        opener.open(&token, Encryption::Randomized).map_err(|e| format!("{}: the line {e}", at()))?;
                    fields.insert(plain.into(), opened.into());
                }
            }
            if let Some(record) = fields.get_mut("record") {
                open_tokens(record, opener, &mut String::new())
                    .map_err(|(field, e)| format!("{}: field `{field}` {e}", at()))?;
            }
        }
        out.line(format_args!("{entry}"))?;
    }
    Ok(())
}

/// Why `entry` may not be printed without `--reveal`: it stores in plaintext a landing line or a
/// field that `owner` (the product it belongs to) keeps encrypted.
fn refuse_plaintext(entry: &Value, owner: &ProductDescriptor) -> Result<(), String> {
    let pii = owner.pii_fields();
    // Pipelines seal the landing line of every product with personal data, encrypted or not.
    if !pii.is_empty() && (entry.get("raw").is_some() || entry.get("raw_base64").is_some()) {
        return Err(format!(
            "the landing line of {}, whose records hold personal data, is stored unencrypted (a quarantine \
             file from before encryption)",
            owner.id()
        ));
    }
    let record = &entry["record"];
    // A path that does not parse is refused: what it holds cannot be told.
    let stored_plain = |path: &str| FieldPath::parse(path).map_or(true, |path| plaintext_at(record, path.steps()));
    match pii.into_iter().filter(|f| f.pii.encrypted_at_rest()).find(|f| stored_plain(&f.path)) {
        Some(field) => Err(format!("field `{}`, which {} encrypts, is stored unencrypted", field.path, owner.id())),
        None => Ok(()),
    }
}

/// Whether a string at `steps` of `value` (into a field, each array item, each map value) is
/// something other than a ciphertext token.
fn plaintext_at(value: &Value, steps: &[PathStep]) -> bool {
    match steps.split_first() {
        None => matches!(value, Value::String(text) if token_mode(text.as_str()).is_none()),
        Some((PathStep::Field(name), rest)) => plaintext_at(&value[name.as_str()], rest),
        Some((PathStep::Items, rest)) => {
            value.as_array().is_some_and(|items| items.iter().any(|v| plaintext_at(v, rest)))
        }
        Some((PathStep::Values, rest)) => {
            value.as_object().is_some_and(|values| values.values().any(|v| plaintext_at(v, rest)))
        }
    }
}

/// Opens (or redacts) every string of `value` that is a ciphertext token; an error names the
/// field (`path` is where `value` is).
fn open_tokens(
    value: &mut Value,
    opener: &mut Opener,
    path: &mut String,
) -> Result<(), (String, mesh_core::codec::crypto::CryptoError)> {
    match value {
        Value::String(text) => {
            if let Some(mode) = token_mode(text.as_str()) {
                // A redacting opener gives `<encrypted>` back.
                *text = opener.open(text, mode).map_err(|e| (path.clone(), e))?.to_owned();
            }
        }
        Value::Array(items) => {
            path.push_str("[]");
            for item in items {
                open_tokens(item, opener, path)?;
            }
            path.truncate(path.len() - 2);
        }
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                let len = path.len();
                if len > 0 {
                    path.push('.');
                }
                path.push_str(name);
                open_tokens(field, opener, path)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plaintext_is_found_through_fields_items_and_values_and_tokens_are_not() {
        let token = format!("mesh1.r.1.0a1b2c3d.{}", "A".repeat(40));
        let record = json!({
            "lines": [{"note": token}, {"note": "not sealed"}],
            "sealed_lines": [{"note": token}],
            "by_role": {"a": token, "b": token},
            "by_team": {"a": token, "b": "not sealed"},
        });
        let plaintext = |path: &str| plaintext_at(&record, FieldPath::parse(path).unwrap().steps());
        assert!(plaintext("lines[].note"));
        assert!(!plaintext("sealed_lines[].note"));
        assert!(!plaintext("by_role{}"));
        assert!(plaintext("by_team{}"));
        // A field the entry does not have holds nothing.
        assert!(!plaintext("missing"));
        assert!(!plaintext("lines{}.note"), "a map step into an array finds nothing");
    }
}
