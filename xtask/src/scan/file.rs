//! One Avro file at rest: whose product it holds, then every string value it stores, record by
//! record, judged against what the product's declaration says of its field. Values are looked at,
//! counted, and forgotten: nothing of them leaves this module but counts.

use std::collections::HashMap;
use std::path::Path;

use mesh_avro::codec::{DecodeError, FileHeader, Reader, SchemaReader};
use mesh_avro::schema::{Kind as AvroKind, Schema, TypeId};
use mesh_core::codec::crypto::token_mode;
use mesh_core::model::{Encryption, ProductDescriptor};

use super::personal_data::classify;

/// Records nested deeper than this are stepped over without looking at their values: a product
/// that nests itself (a tree) would otherwise need a plan per depth.
const INSPECTED_DEPTH: u32 = 16;

/// Plan steps compiled per file at most. A schema that reuses a named record in several fields
/// on every level (or nests itself through several optional fields) unfolds into a plan that
/// grows exponentially with depth; past this budget further records are stepped over unseen.
const PLAN_BUDGET: usize = 10_000;

/// The products a file may belong to: every product linked into this binary.
pub struct Products {
    by_id: HashMap<String, &'static ProductDescriptor>,
    /// Schema fingerprints (current and published) to product ids, for files without `mesh.product`.
    by_fingerprint: HashMap<String, String>,
}

impl Products {
    /// The mesh's products, each known by its current schema's fingerprint and by those of every
    /// version published in the workspace's `contracts/` (a file another tool wrote with an older
    /// schema is still the product's).
    ///
    /// # Errors
    /// The published index exists but cannot be read.
    pub fn of_mesh() -> Result<Self, String> {
        use mesh_analysis::baseline::{Index, CONTRACTS_DIR, INDEX_FILE};
        let mut by_id = HashMap::new();
        let mut by_fingerprint = HashMap::new();
        let index = crate::workspace_root().join(CONTRACTS_DIR).join(INDEX_FILE);
        match std::fs::read_to_string(&index) {
            Ok(text) => {
                let index = serde_saphyr::from_str::<Index>(&text).map_err(|e| {
                    format!(
                        "{} cannot be read ({e}): restore it from version control or publish again",
                        index.display()
                    )
                })?;
                for entry in index.products {
                    for fingerprint in entry.history.iter().map(|h| &h.fingerprint).chain([&entry.fingerprint]) {
                        by_fingerprint.insert(fingerprint.clone(), entry.id.clone());
                    }
                }
            }
            // Nothing published yet: the current schemas are all there is to know.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{} cannot be read: {e}", index.display())),
        }
        for registration in mesh_core::registered_products() {
            if let Ok(schema) = (registration.schema)() {
                by_fingerprint.insert(schema.parsed.fingerprint(), registration.descriptor.id());
            }
            by_id.insert(registration.descriptor.id(), registration.descriptor);
        }
        Ok(Self { by_id, by_fingerprint })
    }

    /// The product whose records a file with `header` and writer `schema` holds: the one its
    /// `mesh.product` names, else the one its schema's fingerprint belongs to; or why none.
    pub fn identify(&self, header: &FileHeader, schema: &Schema) -> Result<&'static ProductDescriptor, String> {
        match header.product() {
            Some(id) => self
                .by_id
                .get(id)
                .copied()
                .ok_or_else(|| format!("it holds records of `{id}`, which is not a product of this mesh")),
            None => {
                let fingerprint = schema.fingerprint();
                self.by_fingerprint.get(&fingerprint).and_then(|id| self.by_id.get(id)).copied().ok_or_else(|| {
                    format!(
                        "it names no product (no `mesh.product`) and its schema (fingerprint {fingerprint}) is no \
                         product's, current or published"
                    )
                })
            }
        }
    }
}

/// What a field's values should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Ciphertext of this mode: the declaration encrypts the field.
    Encrypted(Encryption),
    /// Anything but personal data: the field is not classified.
    Unclassified,
}

/// One string field of the file, by path, and what its values were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCounts {
    /// `customer_email`, `shipping_address.street`, `line_items[].sku`.
    pub path: String,
    /// The mode the declaration encrypts it in, if it does.
    pub encrypted: Option<Encryption>,
    /// Non-null values read.
    pub values: u64,
    /// Of a field declared encrypted: values that are no ciphertext at all.
    pub plaintext: u64,
    /// Of a field declared encrypted: ciphertext of the other mode.
    pub other_mode: u64,
    /// Of an unclassified field: values that look like personal data, by kind.
    pub personal: [u64; 5],
    /// Of an unclassified field: JSON values (raw events) holding a string that looks like
    /// personal data, by kind (a value counts once per kind).
    pub in_json: [u64; 5],
}

/// What the scan found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// The file names no product of the mesh, or its schema is none of theirs.
    Unknown(String),
    /// The file holds records of `product`: what its fields stored, and the read error that
    /// stopped the scan before the end, if one did.
    Product { product: String, records: u64, bytes: u64, fields: Vec<FieldCounts>, unreadable: Option<String> },
    /// The file cannot be read at all.
    Unreadable(String),
    /// A symbolic link, not followed.
    Link,
}

/// Scans the file at `path`.
pub fn scan(path: &Path, products: &Products) -> Scanned {
    // Links are not followed (a link could lead out of the scanned folders, or in a loop), and a
    // device or FIFO would never end: neither is opened.
    match std::fs::symlink_metadata(path).map(|m| m.file_type()) {
        Err(error) => return Scanned::Unreadable(error.to_string()),
        Ok(kind) if kind.is_symlink() => {
            return Scanned::Link;
        }
        Ok(kind) if !kind.is_file() => {
            return Scanned::Unreadable("it is not a regular file (a device or FIFO)".into());
        }
        Ok(_) => {}
    }
    let mut reader = match SchemaReader::open(path) {
        Ok(reader) => reader,
        Err(error) => return Scanned::Unreadable(error.kind.to_string()),
    };
    let product = match products.identify(reader.header(), reader.schema()) {
        Ok(product) => product,
        Err(why) => return Scanned::Unknown(why),
    };
    let expected: HashMap<String, Option<Encryption>> =
        product.pii_fields().into_iter().map(|field| (field.path, field.pii.encryption)).collect();
    let mut plan = Planner { schema: reader.schema(), expected: &expected, fields: Vec::new(), budget: PLAN_BUDGET };
    let root = plan.step(reader.schema().root(), &mut String::new(), 0);
    let mut fields = plan.fields;
    let mut records = 0;
    let mut unreadable = None;
    while let Some(read) = reader.read_with(|schema, input| walk(&root, schema, input, &mut fields)) {
        match read {
            Ok(()) => records += 1,
            Err(error) => {
                // The record count is said where the finding is made.
                unreadable = Some(error.kind.to_string());
                break;
            }
        }
    }
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    let fields = fields.into_iter().map(|(counts, _)| counts).collect();
    Scanned::Product { product: product.id(), records, bytes, fields, unreadable }
}

/// How to read one value of the writer's schema, compiled once per file.
#[derive(Debug)]
enum Step {
    Nothing,
    Boolean,
    Varint,
    Bytes(usize),
    /// A length-prefixed value not looked at: bytes, or a personal-data field left unencrypted
    /// (the check reports those declarations).
    Sized,
    /// A string to look at, counted in `fields[slot]`.
    Text(usize),
    Array(Box<Step>),
    Map(Box<Step>),
    Union(Vec<Step>),
    Record(Vec<Step>),
    /// Deeper than [`INSPECTED_DEPTH`], or past [`PLAN_BUDGET`]: stepped over by the schema.
    Over(TypeId),
}

struct Planner<'s> {
    schema: &'s Schema,
    expected: &'s HashMap<String, Option<Encryption>>,
    fields: Vec<(FieldCounts, Expect)>,
    /// Steps still to be compiled before records are stepped over: see [`PLAN_BUDGET`].
    budget: usize,
}

impl Planner<'_> {
    /// The step of type `ty` at `path` (`a.b`, `a[]`, `a{}`), `depth` records down.
    fn step(&mut self, ty: TypeId, path: &mut String, depth: u32) -> Step {
        self.budget = self.budget.saturating_sub(1);
        match &self.schema.get(ty).kind {
            AvroKind::Null => Step::Nothing,
            AvroKind::Boolean => Step::Boolean,
            AvroKind::Int | AvroKind::Long | AvroKind::Enum(_) => Step::Varint,
            AvroKind::Float => Step::Bytes(4),
            AvroKind::Double => Step::Bytes(8),
            AvroKind::Fixed(fixed) => Step::Bytes(usize::try_from(fixed.size).unwrap_or(usize::MAX)),
            AvroKind::Bytes => Step::Sized,
            AvroKind::String => {
                let expect = match self.expected.get(path.as_str()) {
                    None => Expect::Unclassified,
                    Some(Some(mode)) => Expect::Encrypted(*mode),
                    Some(None) => return Step::Sized,
                };
                let encrypted = match expect {
                    Expect::Encrypted(mode) => Some(mode),
                    Expect::Unclassified => None,
                };
                let counts = FieldCounts {
                    path: path.clone(),
                    encrypted,
                    values: 0,
                    plaintext: 0,
                    other_mode: 0,
                    personal: [0; 5],
                    in_json: [0; 5],
                };
                self.fields.push((counts, expect));
                Step::Text(self.fields.len() - 1)
            }
            AvroKind::Array(items) => Step::Array(Box::new(self.nested(*items, path, "[]", depth))),
            AvroKind::Map(values) => Step::Map(Box::new(self.nested(*values, path, "{}", depth))),
            AvroKind::Union(branches) => Step::Union(branches.iter().map(|b| self.step(*b, path, depth)).collect()),
            AvroKind::Record(_) if depth >= INSPECTED_DEPTH || self.budget == 0 => Step::Over(ty),
            AvroKind::Record(record) => {
                let steps = record
                    .fields
                    .iter()
                    .map(|field| {
                        let len = path.len();
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(&field.name);
                        let step = self.step(field.ty, path, depth + 1);
                        path.truncate(len);
                        step
                    })
                    .collect();
                Step::Record(steps)
            }
        }
    }

    fn nested(&mut self, ty: TypeId, path: &mut String, suffix: &str, depth: u32) -> Step {
        let len = path.len();
        path.push_str(suffix);
        let step = self.step(ty, path, depth);
        path.truncate(len);
        step
    }
}

/// Reads one value by `step`, counting what its strings hold.
fn walk(
    step: &Step,
    schema: &Schema,
    input: &mut Reader<'_>,
    fields: &mut [(FieldCounts, Expect)],
) -> Result<(), DecodeError> {
    match step {
        Step::Nothing => {}
        Step::Boolean => {
            input.read_boolean()?;
        }
        Step::Varint => {
            input.read_long()?;
        }
        Step::Bytes(n) => {
            input.take(*n)?;
        }
        Step::Sized => {
            input.read_slice()?;
        }
        Step::Text(slot) => {
            let value = input.read_slice()?;
            let (counts, expect) = &mut fields[*slot];
            counts.values += 1;
            match expect {
                Expect::Encrypted(mode) => match token_mode(value) {
                    Some(found) if found == *mode => {}
                    Some(_) => counts.other_mode += 1,
                    None => counts.plaintext += 1,
                },
                Expect::Unclassified => match classify(value) {
                    Some(kind) => counts.personal[kind as usize] += 1,
                    None => {
                        for (found, count) in in_json(value).iter().zip(&mut counts.in_json) {
                            *count += u64::from(*found);
                        }
                    }
                },
            }
        }
        Step::Array(item) => {
            while let Some(count) = input.read_block_count()? {
                for _ in 0..count {
                    walk(item, schema, input, fields)?;
                }
            }
        }
        Step::Map(value) => {
            while let Some(count) = input.read_block_count()? {
                for _ in 0..count {
                    input.read_slice()?;
                    walk(value, schema, input, fields)?;
                }
            }
        }
        Step::Union(branches) => {
            let branch = input.read_union_index(branches.len())?;
            walk(&branches[branch], schema, input, fields)?;
        }
        Step::Record(steps) => {
            for step in steps {
                walk(step, schema, input, fields)?;
            }
        }
        Step::Over(ty) => over(schema, *ty, input)?,
    }
    Ok(())
}

/// Which kinds of personal data the strings of `value` hold, if it is a JSON object or array (a raw
/// event kept as text, where personal data hides in bronze products).
fn in_json(value: &[u8]) -> [bool; 5] {
    let mut found = [false; 5];
    if !matches!(value.trim_ascii_start().first(), Some(b'{' | b'[')) {
        return found;
    }
    fn visit(value: &serde_json::Value, found: &mut [bool; 5]) {
        match value {
            serde_json::Value::String(text) => {
                if let Some(kind) = classify(text.as_bytes()) {
                    found[kind as usize] = true;
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|item| visit(item, found)),
            serde_json::Value::Object(fields) => fields.values().for_each(|field| visit(field, found)),
            _ => {}
        }
    }
    if let Ok(parsed) = serde_json::from_slice::<serde_json::Value>(value) {
        visit(&parsed, &mut found);
    }
    found
}

/// Steps over a value of `ty` by the schema, records counting against the reader's depth limit.
fn over(schema: &Schema, ty: TypeId, input: &mut Reader<'_>) -> Result<(), DecodeError> {
    match &schema.get(ty).kind {
        AvroKind::Null => {}
        AvroKind::Boolean => {
            input.read_boolean()?;
        }
        AvroKind::Int | AvroKind::Long | AvroKind::Enum(_) => {
            input.read_long()?;
        }
        AvroKind::Float => {
            input.take(4)?;
        }
        AvroKind::Double => {
            input.take(8)?;
        }
        AvroKind::Fixed(fixed) => {
            input.take(usize::try_from(fixed.size).unwrap_or(usize::MAX))?;
        }
        AvroKind::Bytes | AvroKind::String => {
            input.read_slice()?;
        }
        AvroKind::Array(items) => {
            while let Some(count) = input.read_block_count()? {
                for _ in 0..count {
                    over(schema, *items, input)?;
                }
            }
        }
        AvroKind::Map(values) => {
            while let Some(count) = input.read_block_count()? {
                for _ in 0..count {
                    input.read_slice()?;
                    over(schema, *values, input)?;
                }
            }
        }
        AvroKind::Union(branches) => {
            let branch = branches[input.read_union_index(branches.len())?];
            over(schema, branch, input)?;
        }
        AvroKind::Record(record) => {
            input.enter()?;
            for field in &record.fields {
                over(schema, field.ty, input)?;
            }
            input.leave();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::in_json;

    #[test]
    fn personal_data_inside_json_text_is_found_by_kind() {
        let event =
            br#" {"user": {"email": "jane@example.org", "ips": ["10.0.0.1", "not an ip"]}, "n": 4111111111111111}"#;
        // Emails and IPs in strings; a number is never a card (only strings are looked at).
        assert_eq!(in_json(event), [true, false, false, false, true]);
        assert_eq!(in_json(br#"{"street": "12 Example Street"}"#), [false; 5]);
        assert_eq!(in_json(b"jane@example.org is no JSON"), [false; 5]);
        assert_eq!(in_json(br#"{"truncated": "jane@example.org""#), [false; 5], "text that does not parse is skipped");
    }
}
