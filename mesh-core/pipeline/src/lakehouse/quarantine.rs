//! Records a run sets aside: one JSON line each, with where it came from and why.
//!
//! Quarantine files are data at rest like the product's own files (they hold the rejected
//! line or record, so that it can be fixed and replayed); they are never printed, and personal
//! data in them is encrypted as in the data files: a record's fields declared encrypted hold
//! their tokens, and a landing line of a product with personal data is sealed whole
//! (`raw_sealed`, randomized, with the domain's key), since a line that does not parse cannot be
//! told apart field by field. `cargo xtask quarantine` shows them, opened with `--reveal`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use mesh_core::codec::crypto::{Encryption, Sealer};
use mesh_core::codec::json::write_datum_json;
use mesh_core::codec::{ContainerRecord, Reader};
use serde::Serialize;

use super::Transaction;
use crate::PipelineError;

/// Where a quarantined entry came from.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Origin<'a> {
    /// A landing file line (bronze).
    Landing {
        /// The landing file, relative to the landing folder.
        source: &'a str,
        /// 1-based line number.
        line: u64,
    },
    /// A record of an input product.
    Input {
        /// The input product id.
        input: &'a str,
    },
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    origin: Origin<'a>,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_base64: Option<String>,
    /// The line, sealed: its text, or the base64 of its bytes when they are not UTF-8 (`raw_base64` once opened).
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_sealed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_base64_sealed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<serde_json::Value>,
}

impl<'a> Entry<'a> {
    fn new(origin: Origin<'a>, reason: &'a str) -> Self {
        Self { origin, reason, raw: None, raw_base64: None, raw_sealed: None, raw_base64_sealed: None, record: None }
    }
}

/// The quarantine file of one run, created with its first entry.
#[derive(Default)]
pub struct Quarantine {
    open: Option<(String, PathBuf, BufWriter<File>)>,
    entries: u64,
    /// One per domain whose keys sealed an entry.
    sealers: Vec<Sealer>,
}

impl Quarantine {
    /// Sets aside a landing line: its bytes are kept exactly (as text when UTF-8), sealed with
    /// the keys of `sealed_by` (a domain) when the line may hold personal data.
    ///
    /// # Errors
    /// Writing the quarantine file fails, or the domain's key cannot be had.
    pub fn landing_line(
        &mut self,
        transaction: &Transaction,
        origin: Origin<'_>,
        reason: &str,
        line: &[u8],
        sealed_by: Option<&str>,
    ) -> Result<(), PipelineError> {
        let mut entry = Entry::new(origin, reason);
        let (text, utf8) = match std::str::from_utf8(line) {
            Ok(text) => (std::borrow::Cow::Borrowed(text), true),
            Err(_) => (std::borrow::Cow::Owned(base64(line)), false),
        };
        let sealed = match sealed_by {
            Some(domain) => Some(self.seal(domain, &text)?),
            None => None,
        };
        match (sealed, utf8) {
            (Some(sealed), true) => entry.raw_sealed = Some(sealed),
            (Some(sealed), false) => entry.raw_base64_sealed = Some(sealed),
            (None, true) => entry.raw = Some(&text),
            (None, false) => entry.raw_base64 = Some(text.to_string()),
        }
        self.write_value(transaction, &entry)
    }

    fn sealer(&mut self, domain: &str) -> &mut Sealer {
        let at = match self.sealers.iter().position(|s| s.domain() == domain) {
            Some(at) => at,
            None => {
                self.sealers.push(Sealer::new(domain, None));
                self.sealers.len() - 1
            }
        };
        &mut self.sealers[at]
    }

    fn seal(&mut self, domain: &str, text: &str) -> Result<String, PipelineError> {
        let sealed = self.sealer(domain).seal(text, Encryption::Randomized).map(str::to_owned);
        sealed.map_err(|e| {
            PipelineError::Failed(format!("cannot seal a quarantined landing line with {domain}'s key: {e}"))
        })
    }

    /// Sets aside a landing line too long to copy: it stays in its (immutable) landing file at
    /// `offset`, `bytes` long, and the entry says where.
    ///
    /// # Errors
    /// Writing the quarantine file fails.
    pub fn landing_line_at(
        &mut self,
        transaction: &Transaction,
        origin: Origin<'_>,
        reason: &str,
        offset: u64,
        bytes: u64,
    ) -> Result<(), PipelineError> {
        let entry = Entry::new(origin, reason);
        let mut value = serde_json::to_value(&entry)
            .map_err(|e| PipelineError::Lakehouse(format!("cannot write a quarantine entry ({e}); this is a bug")))?;
        value["offset"] = offset.into();
        value["bytes"] = bytes.into();
        self.write_value(transaction, &value)
    }

    /// Sets aside a record of product `I` as JSON, its fields declared encrypted sealed with the
    /// keys of `I`'s domain, as in `I`'s own files.
    ///
    /// # Errors
    /// Writing the quarantine file fails, or the domain's key cannot be had.
    pub fn record<I: ContainerRecord>(
        &mut self,
        transaction: &Transaction,
        origin: Origin<'_>,
        reason: &str,
        record: &I,
    ) -> Result<(), PipelineError> {
        let failed = |e: &dyn std::fmt::Display| {
            PipelineError::Failed(format!("cannot quarantine a record of {}: {e}", I::PRODUCT_ID))
        };
        let schema = I::writer_schema().map_err(|e| failed(&e))?;
        let domain = mesh_core::model::domain_of(I::PRODUCT_ID);
        let mut datum = Vec::new();
        record.encode_sealed(&mut datum, self.sealer(domain)).map_err(|e| failed(&e))?;
        let mut json = String::new();
        write_datum_json(&schema.parsed, schema.parsed.root(), &mut Reader::new(&datum), &mut json)
            .map_err(|e| failed(&e))?;
        // Quarantine is the rare path: a parsed value keeps the entry one well-formed JSON line.
        let record: serde_json::Value = serde_json::from_str(&json).map_err(|e| failed(&e))?;
        self.write_value(transaction, &Entry { record: Some(record), ..Entry::new(origin, reason) })
    }

    fn write_value(&mut self, transaction: &Transaction, entry: &impl Serialize) -> Result<(), PipelineError> {
        if self.open.is_none() {
            let (relative, path) = transaction.new_file("quarantine", 0, "jsonl")?;
            let file = File::create(&path).map_err(|e| PipelineError::io(&path, "creating", e))?;
            self.open = Some((relative, path, BufWriter::new(file)));
        }
        let Some((_, path, out)) = self.open.as_mut() else { unreachable!("opened above") };
        serde_json::to_writer(&mut *out, entry).map_err(|e| PipelineError::io(path, "writing", e.into()))?;
        out.write_all(b"\n").map_err(|e| PipelineError::io(path, "writing", e))?;
        self.entries += 1;
        Ok(())
    }

    /// Entries written.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Flushes the file; returns its path relative to the product's folder, if one was written.
    ///
    /// # Errors
    /// Flushing fails.
    pub fn finish(self) -> Result<Option<String>, PipelineError> {
        let Some((relative, path, mut out)) = self.open else { return Ok(None) };
        out.flush().map_err(|e| PipelineError::io(&path, "writing", e))?;
        Ok(Some(relative))
    }
}

/// Standard base64 with padding (RFC 4648), for lines that are not UTF-8.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_follows_rfc_4648_test_vectors() {
        for (input, expected) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }
}
