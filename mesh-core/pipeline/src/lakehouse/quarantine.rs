//! Records a run sets aside: one JSON line each, with where it came from and why.
//!
//! Quarantine files are data at rest like the product's own files (they hold the rejected
//! line or record, so that it can be fixed and replayed); they are never printed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

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
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<serde_json::Value>,
}

/// The quarantine file of one run, created with its first entry.
#[derive(Default)]
pub struct Quarantine {
    open: Option<(String, PathBuf, BufWriter<File>)>,
    entries: u64,
}

impl Quarantine {
    /// Sets aside a landing line: its bytes are kept exactly (as text when UTF-8).
    ///
    /// # Errors
    /// Writing the quarantine file fails.
    pub fn landing_line(
        &mut self,
        transaction: &Transaction,
        origin: Origin<'_>,
        reason: &str,
        line: &[u8],
    ) -> Result<(), PipelineError> {
        let (raw, raw_base64) = match std::str::from_utf8(line) {
            Ok(text) => (Some(text), None),
            Err(_) => (None, Some(base64(line))),
        };
        self.write(transaction, &Entry { origin, reason, raw, raw_base64, record: None })
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
        let entry = Entry { origin, reason, raw: None, raw_base64: None, record: None };
        let mut value = serde_json::to_value(&entry)
            .map_err(|e| PipelineError::Lakehouse(format!("cannot write a quarantine entry ({e}); this is a bug")))?;
        value["offset"] = offset.into();
        value["bytes"] = bytes.into();
        self.write_value(transaction, &value)
    }

    /// Sets aside an input record, given as JSON text.
    ///
    /// # Errors
    /// Writing the quarantine file fails.
    pub fn record(
        &mut self,
        transaction: &Transaction,
        origin: Origin<'_>,
        reason: &str,
        record_json: &str,
    ) -> Result<(), PipelineError> {
        // Quarantine is the rare path: a parsed value keeps the entry one well-formed JSON line.
        let record: serde_json::Value = serde_json::from_str(record_json)
            .map_err(|e| PipelineError::Lakehouse(format!("a quarantined record is not JSON ({e}); this is a bug")))?;
        self.write(transaction, &Entry { origin, reason, raw: None, raw_base64: None, record: Some(record) })
    }

    fn write(&mut self, transaction: &Transaction, entry: &Entry<'_>) -> Result<(), PipelineError> {
        self.write_value(transaction, entry)
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
