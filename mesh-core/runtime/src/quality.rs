//! What the validator reads from each record of a product with quality rules: the values of the fields
//! its rules check, without a dynamic value per record. `#[data_product]` generates [`QualityRecord`]
//! and registers [`QualityRegistration::scan_file`]; the validator (`mesh-quality`) evaluates the rules.

use std::path::Path;

use mesh_avro::codec::{ContainerError, ContainerErrorKind, ContainerReader, ContainerRecord};

use crate::DataProduct;

/// One field's value in a record, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QualityValue<'a> {
    /// A null `Option`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An int, long, date (days) or timestamp (its unit).
    Int(i64),
    /// A float or double.
    Float(f64),
    /// A decimal: `unscaled / 10^scale`.
    Decimal {
        /// The digits, with the sign.
        unscaled: i128,
        /// Digits after the point.
        scale: u32,
    },
    /// A UUID.
    Uuid(u128),
    /// A string.
    Text(&'a str),
    /// Bytes or a fixed value.
    Bytes(&'a [u8]),
    /// An array's or map's element count.
    Items(usize),
    /// The field is no rule's, or its type holds no single value (a nested record).
    Unavailable,
}

/// A record whose rule fields the validator reads by their index in the product's
/// [`ProductDescriptor::fields`](mesh_model::ProductDescriptor::fields).
pub trait QualityRecord {
    /// The value of field `field` (an index into the descriptor's fields).
    fn quality_value(&self, field: usize) -> QualityValue<'_>;
}

/// A nested type whose value is a single key: `#[derive(AvroEnum)]` implements it with the symbol's name.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a record, and quality rules compare single values",
    label = "a `unique` rule or a `unique_combination` field needs a single value here",
    note = "use an enum, a string, a number, a date, a timestamp or a uuid field, or put the rule on a field of its own"
)]
pub trait QualityKey {
    /// The value as the validator compares it.
    fn quality_value(&self) -> QualityValue<'_>;
}

/// Where a record is: its block and its index in the block (the file is the scan's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordPosition {
    /// 0-based block of the file.
    pub block: u64,
    /// 0-based record in the block.
    pub record: u64,
}

/// Receives each record of a scan with its position and event time (microseconds since the epoch).
pub type QualityVisitor<'a> = &'a mut dyn FnMut(RecordPosition, &dyn QualityRecord, Option<i64>);

/// Receives each corrupt block a scan skips.
pub type SkippedBlocks<'a> = &'a mut dyn FnMut(&ContainerError);

/// [`QualityRegistration::scan_file`]'s type.
pub type ScanFile =
    fn(path: &Path, visit: QualityVisitor<'_>, skipped: SkippedBlocks<'_>) -> Result<u64, ContainerError>;

/// A product's quality scan, registered by `#[data_product]`.
pub struct QualityRegistration {
    /// The product id, `domain.name`.
    pub product: &'static str,
    /// Reads a container file through the product's typed reader (older schema versions resolved),
    /// handing every record to `visit` and every corrupt block to `skipped`; returns the record count.
    pub scan_file: ScanFile,
}

inventory::collect!(QualityRegistration);

/// The quality scan of every linked product.
pub fn registered_quality_scans() -> impl Iterator<Item = &'static QualityRegistration> {
    inventory::iter::<QualityRegistration>.into_iter()
}

/// [`QualityRegistration::scan_file`] for `T`: one record in memory at a time, decoded in place.
///
/// # Errors
/// The file cannot be opened or its header read as `T`; corrupt blocks go to `skipped` instead.
pub fn scan_quality<T: ContainerRecord + DataProduct + QualityRecord>(
    path: &Path,
    visit: QualityVisitor<'_>,
    skipped: SkippedBlocks<'_>,
) -> Result<u64, ContainerError> {
    let mut reader = ContainerReader::<T, _>::open(path)?;
    reader.skip_corrupt_blocks();
    let mut record: Option<T> = None;
    let mut count = 0;
    loop {
        // The first record is decoded fresh, the rest into it: no allocation per record.
        let read = match record.as_mut() {
            Some(record) => reader.read_into(record).map(|r| r.map(|()| None)),
            None => reader.next().map(|r| r.map(Some)),
        };
        match read {
            None => break,
            Some(Ok(first)) => {
                if first.is_some() {
                    record = first;
                }
            }
            Some(Err(error)) if matches!(error.kind, ContainerErrorKind::Skipped(_)) => {
                skipped(&error);
                continue;
            }
            Some(Err(error)) => return Err(error),
        }
        let Some(current) = record.as_ref() else { break };
        let (block, index) = reader.position();
        visit(RecordPosition { block, record: index }, current, current.event_time_micros());
        count += 1;
    }
    Ok(count)
}
