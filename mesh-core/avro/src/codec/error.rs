//! What goes wrong when bytes are not the Avro data they claim to be.

use std::fmt;

use mesh_crypto::CryptoError;

/// Why a value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended inside a value.
    UnexpectedEnd,
    /// A variable-length integer ran past 10 bytes (or 5 for an `int`).
    VarintOverflow,
    /// A `long` was read where an `int` was expected and does not fit in 32 bits.
    IntOutOfRange(i64),
    /// A length or count was negative.
    NegativeLength(i64),
    /// A length or count claims more than the bytes that are left.
    LengthExceedsInput {
        /// The claimed length.
        length: u64,
        /// The bytes left in the input.
        remaining: usize,
    },
    /// A string is not valid UTF-8.
    InvalidUtf8,
    /// A boolean byte other than 0 or 1.
    InvalidBoolean(u8),
    /// A uuid string that is not `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    InvalidUuid,
    /// A union branch index the schema does not have.
    UnionBranch {
        /// The index read.
        index: i64,
        /// How many branches the union has.
        branches: usize,
    },
    /// An enum symbol index the schema does not have.
    EnumIndex {
        /// The index read.
        index: i64,
        /// How many symbols the enum has.
        symbols: usize,
    },
    /// A writer's union branch that no branch of the reader's type can hold.
    UnmatchedBranch(i64),
    /// A writer's enum symbol the reader does not know, and the reader's enum has no default.
    UnknownSymbol(String),
    /// A decimal with more digits than its precision, or wider than 128 bits.
    DecimalOutOfRange {
        /// The precision of the field.
        precision: u32,
    },
    /// Nested records deeper than the decoder allows (a guard against stack exhaustion).
    TooDeep,
    /// Bytes left over after a value that should fill its input.
    TrailingBytes(usize),
    /// An array of items that take no bytes (nulls, empty records) claims more items than the
    /// reader accepts; see `codec::resolve::MAX_ZERO_BYTE_ITEMS`.
    TooManyItems {
        /// The items claimed so far.
        count: u64,
        /// The most accepted.
        limit: u64,
    },
    /// An encrypted field could not be opened (boxed: errors stay small, so deep decoders'
    /// `Result`s do too).
    Crypto(Box<FieldCryptoError>),
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnexpectedEnd => write!(f, "the data ends inside a value (truncated input)"),
            Self::VarintOverflow => write!(f, "a variable-length integer is longer than Avro allows"),
            Self::IntOutOfRange(value) => write!(f, "{value} does not fit in an Avro int (32 bits)"),
            Self::NegativeLength(length) => write!(f, "negative length {length}"),
            Self::LengthExceedsInput { length, remaining } => {
                write!(f, "a length of {length} exceeds the {remaining} bytes left")
            }
            Self::InvalidUtf8 => write!(f, "a string is not valid UTF-8"),
            Self::InvalidBoolean(byte) => write!(f, "boolean byte {byte} is neither 0 nor 1"),
            Self::InvalidUuid => write!(f, "a uuid is not of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
            Self::UnionBranch { index, branches } => {
                write!(f, "union branch {index} does not exist (the union has {branches})")
            }
            Self::EnumIndex { index, symbols } => {
                write!(f, "enum symbol index {index} does not exist (the enum has {symbols})")
            }
            Self::UnmatchedBranch(index) => {
                write!(f, "the writer's union branch {index} has no matching type in the reader's schema")
            }
            Self::UnknownSymbol(symbol) => {
                write!(f, "enum symbol `{symbol}` is unknown to the reader and its enum has no default")
            }
            Self::DecimalOutOfRange { precision } => write!(f, "a decimal has more than {precision} digits"),
            Self::TooDeep => write!(f, "records are nested deeper than the decoder allows"),
            Self::TrailingBytes(count) => write!(f, "{count} bytes are left over after the value"),
            Self::TooManyItems { count, limit } => {
                write!(f, "an array of items that take no bytes claims {count} items, more than the {limit} accepted")
            }
            Self::Crypto(error) => write!(f, "{error}"),
        }
    }
}

/// A value could not be decoded: why, and at which byte offset of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Why.
    pub kind: DecodeErrorKind,
    /// Offset in the decoded input (for container files: in the block's decompressed data).
    pub offset: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.kind, self.offset)
    }
}

impl std::error::Error for DecodeError {}

/// An encrypted field could not be sealed or opened: which field, and why (never its value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCryptoError {
    /// The field's path in the product's record (`shipping_address.street`).
    pub field: String,
    /// Why.
    pub error: CryptoError,
}

impl FieldCryptoError {
    /// The error of `field`.
    pub fn new(field: impl Into<String>, error: CryptoError) -> Self {
        Self { field: field.into(), error }
    }
}

impl fmt::Display for FieldCryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = &self.field;
        match &self.error {
            // These say what is wrong with the value's key or bytes.
            CryptoError::MissingKey { .. }
            | CryptoError::WrongKey { .. }
            | CryptoError::Tampered { .. }
            | CryptoError::NotCiphertext { .. } => write!(f, "field `{field}` {}", self.error),
            // These say what is wrong with the keys or the machine.
            _ => write!(f, "field `{field}` cannot be encrypted or decrypted: {}", self.error),
        }
    }
}

impl std::error::Error for FieldCryptoError {}
