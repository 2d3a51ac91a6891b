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
use mesh_core::model::ProductDescriptor;
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
            if let Some(owner) = products.iter().find(|p| p.id() == owner) {
                refuse_plaintext(&entry, owner).map_err(|why| format!("{}: {why}: `--reveal` prints it", at()))?;
            }
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
    let mut encrypted = pii.into_iter().filter(|f| f.pii.encrypted_at_rest()).map(|f| f.path);
    match encrypted.find(|path| plaintext_at(record, &path.split('.').collect::<Vec<_>>())) {
        Some(path) => Err(format!("field `{path}`, which {} encrypts, is stored unencrypted", owner.id())),
        None => Ok(()),
    }
}

/// Whether a string at the field path `steps` (`a`, `b[]`, `c{}`: an array's items, a map's
/// values) of `value` is something other than a ciphertext token.
fn plaintext_at(value: &Value, steps: &[&str]) -> bool {
    let Some((step, rest)) = steps.split_first() else {
        return matches!(value, Value::String(text) if token_mode(text.as_str()).is_none());
    };
    let name = step.trim_end_matches(['[', ']', '{', '}']);
    within(&value[name], &step[name.len()..], rest)
}

/// [`plaintext_at`] inside `value`, after `suffixes` (`[]`, `{}`, repeated) of the current step.
fn within(value: &Value, suffixes: &str, rest: &[&str]) -> bool {
    if suffixes.len() < 2 {
        return plaintext_at(value, rest);
    }
    let more = &suffixes[2..];
    match value {
        Value::Array(items) => items.iter().any(|item| within(item, more, rest)),
        Value::Object(values) => values.values().any(|item| within(item, more, rest)),
        _ => false,
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
