//! `cargo xtask quarantine PRODUCT [--lakehouse DIR] [--reveal]`: what the product's current
//! version's run set aside, one JSON line per entry (where it came from, why, the line or record).
//!
//! Quarantine files keep personal data sealed, as data files do: a landing line of a product with
//! personal data is sealed whole (`raw_sealed`), a record's encrypted fields hold their tokens.
//! They print as `<encrypted>` (after checking they are ciphertext), or opened with the keyring
//! with `--reveal`, so that a domain team can fix and replay what was set aside.

use std::path::Path;

use mesh_core::codec::crypto::{token_mode, Encryption, Opener};
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
    let registration = registered_products().into_iter().find(|r| r.descriptor.id() == id).ok_or("not registered")?;
    let descriptor = registration.descriptor;
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
    let mut openers: Vec<Opener> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let at = || format!("{}, line {}", path.display(), number + 1);
        let mut entry: Value =
            serde_json::from_str(line).map_err(|e| format!("{}: not a quarantine entry ({e})", at()))?;
        // Sealed with the keys of the product the line or record belongs to.
        let owner = entry["input"].as_str().unwrap_or(id).to_owned();
        let domain = owner.split_once('.').map_or(owner.as_str(), |(domain, _)| domain);
        let at_opener = match openers.iter().position(|o| o.domain() == domain) {
            Some(at) => at,
            None => {
                openers.push(if reveal { Opener::new(domain, None) } else { Opener::redacting(domain) });
                openers.len() - 1
            }
        };
        let opener = &mut openers[at_opener];
        if let Value::Object(fields) = &mut entry {
            for (sealed, plain) in [("raw_sealed", "raw"), ("raw_base64_sealed", "raw_base64")] {
                if let Some(Value::String(token)) = fields.remove(sealed) {
                    let opened =
                        opener.open(&token, Encryption::Randomized).map_err(|e| format!("{}: the line {e}", at()))?;
                    fields.insert(plain.into(), opened.into());
                }
            }
            if let Some(record) = fields.get_mut("record") {
                open_tokens(record, opener).map_err(|e| format!("{}: a field {e}", at()))?;
            }
        }
        out.line(format_args!("{entry}"))?;
    }
    Ok(())
}

/// Opens (or redacts) every string of `value` that is a ciphertext token.
fn open_tokens(value: &mut Value, opener: &mut Opener) -> Result<(), mesh_core::codec::crypto::CryptoError> {
    match value {
        Value::String(text) => {
            if let Some(mode) = token_mode(text.as_str()) {
                // A redacting opener gives `<encrypted>` back.
                *text = opener.open(text, mode)?.to_owned();
            }
        }
        Value::Array(items) => {
            for item in items {
                open_tokens(item, opener)?;
            }
        }
        Value::Object(fields) => {
            for field in fields.values_mut() {
                open_tokens(field, opener)?;
            }
        }
        _ => {}
    }
    Ok(())
}
