//! Reading data written with another (older or newer) schema of a product.
//!
//! A [`Plan`] is built once per file from the writer's schema and the
//! product's schema, both parsed into a [`Schema`], with the very rules the
//! schema-evolution check applies (the schema module's resolution rules, one
//! pairing of types shared by both): fields matched by name or reader alias (in any order), writer
//! fields the reader lacks skipped, reader fields the writer lacks filled
//! from their defaults, promotions int -> long -> float -> double and
//! string <-> bytes, enum symbols mapped by name (unknown ones to the
//! reader's default), union branches selected, and named types matched by
//! unqualified name or reader alias.
//!
//! Plan nodes live in an arena; the node of a (writer record, reader record)
//! pair is built once and referenced from every use, so recursive types
//! (a tree whose nodes hold their children) have finite plans. Data nesting
//! stays bounded at run time: every record entered counts against
//! [`MAX_DEPTH`], as in the generated decoders, so hostile
//! nesting is an error, not a stack overflow.
//!
//! Per record, the plan re-encodes the writer's bytes in the reader's layout
//! and the product's generated decoder reads the result: one straight pass,
//! with no dynamic value in between. When the two schemas encode identically
//! the plan says so ([`Plan::is_identity`]) and the reader skips it.
//!
//! Encryption follows the writer: a field the writer's schema marks encrypted
//! (`mesh.encryption`) is opened while transcoding, whatever the reader declares,
//! so the re-encoded record is plaintext and the plain generated decoder reads it.
//! A file written before a field was encrypted, or after its encryption was
//! dropped, reads as well as one of the current schema (but a redacting reader
//! refuses plaintext where the product declares encryption, rather than show it).
//! The plan is the identity only when both schemas also mark the same fields the
//! same way; the reader's generated decoder then opens them itself.
//!
//! Stages: `build` plans a writer and a reader schema, `defaults` encodes the reader's
//! defaults for fields the writer lacks, `transcode` runs the plan over data.

mod build;
mod defaults;
#[cfg(test)]
mod tests;
mod transcode;

use mesh_model::FieldPath;

use mesh_crypto::{Encryption, Opener};

use super::decode::{Reader, MAX_DEPTH};
use super::error::DecodeError;
use crate::schema::Schema;

/// How to read data of a writer schema as a reader schema, planned once.
#[derive(Debug, Clone)]
pub struct Plan {
    nodes: Vec<Node>,
    skips: Vec<Skip>,
    root: NodeId,
    identity: bool,
}

/// The writer and reader schemas cannot be resolved; the message names the field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError(pub String);

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ResolveError {}

/// Index of a node in [`Plan::nodes`].
type NodeId = usize;
/// Index of a skip in [`Plan::skips`].
type SkipId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prim {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    Fixed(usize),
}

#[derive(Debug, Clone)]
enum Node {
    /// The value is copied as it is.
    Copy(Prim),
    IntToLong,
    IntToFloat,
    IntToDouble,
    LongToFloat,
    LongToDouble,
    FloatToDouble,
    /// Writer symbol index -> reader symbol index, or the unknown symbol.
    Enum(Box<[Result<i64, String>]>),
    /// The items, and whether the writer's items take no bytes (see [`MAX_ZERO_BYTE_ITEMS`]).
    Array(NodeId, bool),
    Map(NodeId),
    Record(Box<RecordPlan>),
    /// Writer union branch -> reader branch and how to read it (None: no reader branch fits).
    UnionToUnion(Box<[Option<(i64, NodeId)>]>),
    /// Writer union, reader not a union.
    UnionToValue(Box<[Option<NodeId>]>),
    /// Writer not a union, reader union branch.
    ValueToUnion(i64, NodeId),
    /// A record nested deeper than [`MAX_DEPTH`], or any type past [`MAX_LEVELS`]: not planned,
    /// so reading data that reaches it fails with [`DecodeErrorKind::TooDeep`].
    TooDeep,
    /// A `string` the writer stored encrypted: opened, and written as plaintext.
    Decrypt(Box<Decrypt>),
    /// A `string` the reader declares encrypted that the writer stored as plaintext: copied for a
    /// reader that opens values, refused for one that redacts them (it would show plaintext).
    StoredPlaintext(Box<Decrypt>),
}

/// How to open one encrypted field.
#[derive(Debug, Clone)]
struct Decrypt {
    /// The mode the writer's schema marks (for [`Node::StoredPlaintext`], the reader's).
    mode: Encryption,
    /// Its path, for errors.
    field: String,
    /// Whether the reader's field is encrypted the same way (then the plan may be the identity).
    same_for_reader: bool,
}

#[derive(Debug, Clone)]
struct RecordPlan {
    /// In writer order.
    steps: Vec<Step>,
    /// In reader order.
    sources: Vec<Source>,
    /// Whether the read fields come in reader order, so output can be written straight through.
    in_order: bool,
}

#[derive(Debug, Clone)]
enum Step {
    Read {
        slot: usize,
        node: NodeId,
    },
    /// A writer field several reader fields read (one by its name, others by alias): each from the same bytes.
    ReadEach(Box<[(usize, NodeId)]>),
    Skip(SkipId),
}

#[derive(Debug, Clone)]
enum Source {
    Slot,
    Default(Vec<u8>),
}

#[derive(Debug, Clone)]
enum Skip {
    Nothing,
    Boolean,
    Varint,
    Bytes(usize),
    Sized,
    /// The items, and whether they take no bytes.
    Array(SkipId, bool),
    Map(SkipId),
    Union(Box<[SkipId]>),
    Record(Box<[SkipId]>),
    /// As [`Node::TooDeep`].
    TooDeep,
}

impl Plan {
    /// Plans reading data written with `writer` as `reader`.
    ///
    /// # Errors
    /// The schemas are incompatible: the message names the field and the rule.
    pub fn new(writer: &Schema, reader: &Schema) -> Result<Self, ResolveError> {
        let mut builder = build::Builder::new(writer, reader);
        let root =
            builder.node(writer.root(), reader.root(), &FieldPath::new()).map_err(|e| ResolveError(e.to_string()))?;
        let identity = build::identity(&builder.nodes)[root];
        Ok(Self { nodes: builder.nodes, skips: builder.skips, root, identity })
    }

    /// Plans reading data of the writer's Avro JSON schema as the reader's.
    ///
    /// # Errors
    /// Either text is not a valid Avro schema, or as [`Plan::new`].
    pub fn from_json(writer: &str, reader: &str) -> Result<Self, ResolveError> {
        let parse = |side: &str, text| {
            Schema::parse(text).map_err(|e| ResolveError(format!("the {side}'s schema is not valid: {e}")))
        };
        Self::new(&parse("writer", writer)?, &parse("reader", reader)?)
    }

    /// Whether data of the writer schema decodes as the reader schema with no change.
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// Re-encodes one writer value from `input` in the reader's layout, appending to `out`.
    ///
    /// # Errors
    /// The writer data is corrupt, nests records deeper than [`MAX_DEPTH`], or
    /// holds a value the reader cannot represent (an unknown enum symbol without
    /// default, a union branch with no match).
    pub fn transcode(&self, input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        self.transcode_node(self.root, input, out, &mut Transcoding { zero_byte_items: 0, opener: None })
    }

    /// As [`Plan::transcode`], opening the fields the writer encrypted with `opener` (see the
    /// module's documentation); without it, such a field fails with the missing keys.
    ///
    /// # Errors
    /// As [`Plan::transcode`], or an encrypted field cannot be opened.
    pub fn transcode_opened(
        &self,
        input: &mut Reader<'_>,
        out: &mut Vec<u8>,
        opener: &mut Opener,
    ) -> Result<(), DecodeError> {
        self.transcode_node(self.root, input, out, &mut Transcoding { zero_byte_items: 0, opener: Some(opener) })
    }
}

/// What one value's transcoding carries along.
struct Transcoding<'o> {
    /// Items that take no bytes read so far, over every array of the value: one bound for the
    /// whole value, as nested arrays would multiply a per-array one.
    zero_byte_items: u64,
    opener: Option<&'o mut Opener>,
}

/// The most types, records or not, one chain of planned types nests (an array of arrays is two
/// levels): room for [`MAX_DEPTH`] records each held in an array, as in a tree. Deeper, a plan
/// reads [`DecodeErrorKind::TooDeep`], like records past [`MAX_DEPTH`]: planning further would
/// overflow the stack on writer schemas of other tools that nest arrays, maps and unions between
/// hundreds of distinct records. A recursive type counts once: its pairs are planned once. Data
/// skipped counts its arrays and maps against it too (see `Plan::skip_value`).
const MAX_LEVELS: u32 = 2 * MAX_DEPTH;

/// The most items that take no bytes (nulls, records without fields, `fixed(0)`) the arrays of
/// one value may hold, all their blocks together. Other arrays are bounded by the bytes left (each
/// item takes at least one); these are not, so they get this bound instead, shared by every array
/// of the value (nested arrays would multiply a per-array bound). Reading them costs time in
/// proportion to the items and writes, per item, the reader's encoding of it (a union branch
/// index, the defaults of fields the reader adds), so this bound is also what one value's work
/// and output can grow to beyond its input. Products cannot declare such arrays (the macro
/// refuses empty records and `[u8; 0]`), so only writer schemas of other tools have them.
pub const MAX_ZERO_BYTE_ITEMS: u64 = 1 << 20;
