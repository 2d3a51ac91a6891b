//! Running a [`Plan`] over data: the writer's bytes re-encoded in the reader's layout.

use super::{
    Decrypt, Node, NodeId, Plan, Prim, RecordPlan, Skip, SkipId, Source, Step, Transcoding, MAX_LEVELS,
    MAX_ZERO_BYTE_ITEMS,
};
use crate::codec::decode::Reader;
use crate::codec::encode::{write_boolean, write_double, write_float, write_long, write_str};
use crate::codec::encrypted::crypto_error;
use crate::codec::error::{DecodeError, DecodeErrorKind};
use mesh_crypto::Opener;

/// The next block's item count: bounded by the bytes left, or for items that take no bytes by
/// [`MAX_ZERO_BYTE_ITEMS`] over all such arrays of the value (`total` counts them).
fn block_count(input: &mut Reader<'_>, zero_bytes: bool, total: &mut u64) -> Result<Option<usize>, DecodeError> {
    if !zero_bytes {
        return input.read_block_count();
    }
    let count = input.read_long()?;
    if count == 0 {
        return Ok(None);
    }
    if count < 0 {
        // A negative count is followed by the block's size in bytes, which we do not need.
        input.read_len()?;
    }
    *total = total.saturating_add(count.unsigned_abs());
    if *total > MAX_ZERO_BYTE_ITEMS {
        return Err(input.error(DecodeErrorKind::TooManyItems { count: *total, limit: MAX_ZERO_BYTE_ITEMS }));
    }
    Ok(Some(count.unsigned_abs() as usize))
}

/// Opens a string the writer encrypted and writes its plaintext.
#[inline(never)]
fn open(
    decrypt: &Decrypt,
    input: &mut Reader<'_>,
    out: &mut Vec<u8>,
    cx: &mut Transcoding<'_>,
) -> Result<(), DecodeError> {
    let start = input.offset();
    let stored = input.read_slice()?;
    let Some(opener) = cx.opener.as_deref_mut() else {
        return Err(crypto_error(&decrypt.field, mesh_crypto::CryptoError::NoKeyring, start));
    };
    let plaintext =
        opener.open_bytes(stored, decrypt.mode).map_err(|error| crypto_error(&decrypt.field, error, start))?;
    write_str(out, plaintext);
    Ok(())
}

/// Copies a string the reader declares encrypted but the writer stored in plaintext, for a reader
/// that opens values; a redacting one would show it, so it fails as not ciphertext.
#[inline(never)]
fn plaintext(
    expected: &Decrypt,
    input: &mut Reader<'_>,
    out: &mut Vec<u8>,
    cx: &Transcoding<'_>,
) -> Result<(), DecodeError> {
    let start = input.offset();
    let stored = input.read_str()?;
    if !cx.opener.as_deref().is_some_and(Opener::reveals) {
        let error = mesh_crypto::CryptoError::NotCiphertext { expected: expected.mode };
        return Err(crypto_error(&expected.field, error, start));
    }
    write_str(out, stored);
    Ok(())
}

fn copy_varint(input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
    let before = input.rest();
    input.read_long()?;
    out.extend_from_slice(&before[..before.len() - input.remaining()]);
    Ok(())
}

impl Plan {
    pub(super) fn transcode_node(
        &self,
        id: NodeId,
        input: &mut Reader<'_>,
        out: &mut Vec<u8>,
        cx: &mut Transcoding<'_>,
    ) -> Result<(), DecodeError> {
        match &self.nodes[id] {
            Node::Copy(prim) => match prim {
                Prim::Null => Ok(()),
                Prim::Boolean => {
                    write_boolean(out, input.read_boolean()?);
                    Ok(())
                }
                Prim::Int | Prim::Long => copy_varint(input, out),
                Prim::Float => {
                    out.extend_from_slice(input.take(4)?);
                    Ok(())
                }
                Prim::Double => {
                    out.extend_from_slice(input.take(8)?);
                    Ok(())
                }
                Prim::Bytes => {
                    let before = input.rest();
                    let len = input.read_len()?;
                    input.take(len)?;
                    out.extend_from_slice(&before[..before.len() - input.remaining()]);
                    Ok(())
                }
                Prim::Fixed(n) => {
                    out.extend_from_slice(input.take(*n)?);
                    Ok(())
                }
            },
            Node::IntToLong => {
                // The same varint: checked to be an int, copied as it is.
                let before = input.rest();
                input.read_int()?;
                out.extend_from_slice(&before[..before.len() - input.remaining()]);
                Ok(())
            }
            Node::IntToFloat => {
                write_float(out, input.read_int()? as f32);
                Ok(())
            }
            Node::IntToDouble => {
                write_double(out, f64::from(input.read_int()?));
                Ok(())
            }
            Node::LongToFloat => {
                write_float(out, input.read_long()? as f32);
                Ok(())
            }
            Node::LongToDouble => {
                write_double(out, input.read_long()? as f64);
                Ok(())
            }
            Node::FloatToDouble => {
                write_double(out, f64::from(input.read_float()?));
                Ok(())
            }
            Node::Enum(mapping) => {
                let index = input.read_enum_index(mapping.len())?;
                match &mapping[index] {
                    Ok(reader_index) => {
                        write_long(out, *reader_index);
                        Ok(())
                    }
                    Err(symbol) => Err(input.error(DecodeErrorKind::UnknownSymbol(symbol.clone()))),
                }
            }
            Node::Array(item, zero_bytes) => self.transcode_array(*item, *zero_bytes, input, out, cx),
            Node::Map(value) => self.transcode_map(*value, input, out, cx),
            Node::Record(plan) => self.transcode_record(plan, input, out, cx),
            Node::UnionToUnion(branches) => self.transcode_union(branches, input, out, cx),
            Node::UnionToValue(branches) => {
                let index = input.read_union_index(branches.len())?;
                match &branches[index] {
                    Some(node) => self.transcode_node(*node, input, out, cx),
                    None => Err(input.error(DecodeErrorKind::UnmatchedBranch(index as i64))),
                }
            }
            Node::ValueToUnion(index, node) => {
                write_long(out, *index);
                self.transcode_node(*node, input, out, cx)
            }
            Node::TooDeep => Err(input.error(DecodeErrorKind::TooDeep)),
            Node::Decrypt(decrypt) => open(decrypt, input, out, cx),
            Node::StoredPlaintext(expected) => plaintext(expected, input, out, cx),
        }
    }

    // The nested kinds sit in their own functions so that the frame of `transcode_node`, which
    // recursive data re-enters at every level, stays small (unoptimized builds give every arm's
    // locals their own stack slots).

    fn transcode_array(
        &self,
        item: NodeId,
        zero_bytes: bool,
        input: &mut Reader<'_>,
        out: &mut Vec<u8>,
        cx: &mut Transcoding<'_>,
    ) -> Result<(), DecodeError> {
        while let Some(count) = block_count(input, zero_bytes, &mut cx.zero_byte_items)? {
            write_long(out, count as i64);
            for _ in 0..count {
                self.transcode_node(item, input, out, cx)?;
            }
        }
        out.push(0);
        Ok(())
    }

    fn transcode_map(
        &self,
        value: NodeId,
        input: &mut Reader<'_>,
        out: &mut Vec<u8>,
        cx: &mut Transcoding<'_>,
    ) -> Result<(), DecodeError> {
        while let Some(count) = input.read_block_count()? {
            write_long(out, count as i64);
            for _ in 0..count {
                let before = input.rest();
                input.read_slice()?;
                out.extend_from_slice(&before[..before.len() - input.remaining()]);
                self.transcode_node(value, input, out, cx)?;
            }
        }
        out.push(0);
        Ok(())
    }

    fn transcode_record(
        &self,
        plan: &RecordPlan,
        input: &mut Reader<'_>,
        out: &mut Vec<u8>,
        cx: &mut Transcoding<'_>,
    ) -> Result<(), DecodeError> {
        // Counts against the same depth limit as the generated decoders: recursive data ends.
        input.enter()?;
        if plan.in_order {
            self.record_in_order(plan, input, out, cx)?;
        } else {
            self.record_reordered(plan, input, out, cx)?;
        }
        input.leave();
        Ok(())
    }

    fn transcode_union(
        &self,
        branches: &[Option<(i64, NodeId)>],
        input: &mut Reader<'_>,
        out: &mut Vec<u8>,
        cx: &mut Transcoding<'_>,
    ) -> Result<(), DecodeError> {
        let index = input.read_union_index(branches.len())?;
        match &branches[index] {
            Some((reader_index, node)) => {
                write_long(out, *reader_index);
                self.transcode_node(*node, input, out, cx)
            }
            None => Err(input.error(DecodeErrorKind::UnmatchedBranch(index as i64))),
        }
    }

    fn record_in_order(
        &self,
        plan: &RecordPlan,
        input: &mut Reader<'_>,
        out: &mut Vec<u8>,
        cx: &mut Transcoding<'_>,
    ) -> Result<(), DecodeError> {
        let mut sources = plan.sources.iter();
        for step in &plan.steps {
            match step {
                Step::Read { node, .. } => {
                    // Defaults of reader fields that come before this one.
                    for source in sources.by_ref() {
                        match source {
                            Source::Default(bytes) => out.extend_from_slice(bytes),
                            Source::Slot => break,
                        }
                    }
                    self.transcode_node(*node, input, out, cx)?;
                }
                // Never in order (see `RecordPlan::in_order`); read like any other step to stay total.
                Step::ReadEach(reads) => self.read_each(reads, input, cx, |_, bytes| out.extend_from_slice(&bytes))?,
                Step::Skip(skip) => self.skip_value(*skip, input, cx, 0)?,
            }
        }
        for source in sources {
            if let Source::Default(bytes) = source {
                out.extend_from_slice(bytes);
            }
        }
        Ok(())
    }

    fn record_reordered(
        &self,
        plan: &RecordPlan,
        input: &mut Reader<'_>,
        out: &mut Vec<u8>,
        cx: &mut Transcoding<'_>,
    ) -> Result<(), DecodeError> {
        let mut parts: Vec<Vec<u8>> = vec![Vec::new(); plan.sources.len()];
        for step in &plan.steps {
            match step {
                Step::Read { slot, node } => self.transcode_node(*node, input, &mut parts[*slot], cx)?,
                Step::ReadEach(reads) => self.read_each(reads, input, cx, |slot, bytes| parts[slot] = bytes)?,
                Step::Skip(skip) => self.skip_value(*skip, input, cx, 0)?,
            }
        }
        for (source, part) in plan.sources.iter().zip(&parts) {
            match source {
                Source::Default(bytes) => out.extend_from_slice(bytes),
                Source::Slot => out.extend_from_slice(part),
            }
        }
        Ok(())
    }

    /// Reads one writer value for several reader fields, each from the same bytes; `put` takes each
    /// reader field's slot and bytes. Rare, so kept out of the record loops.
    #[cold]
    #[inline(never)]
    fn read_each(
        &self,
        reads: &[(usize, NodeId)],
        input: &mut Reader<'_>,
        cx: &mut Transcoding<'_>,
        mut put: impl FnMut(usize, Vec<u8>),
    ) -> Result<(), DecodeError> {
        let start = input.clone();
        for (slot, node) in reads {
            *input = start.clone();
            let mut bytes = Vec::new();
            self.transcode_node(*node, input, &mut bytes, cx)?;
            put(*slot, bytes);
        }
        Ok(())
    }

    /// Steps over one writer value; `containers` counts the arrays and maps around it. The
    /// writer's schema may nest many of them between its records, which [`MAX_DEPTH`] alone
    /// bounds, so a skipped value holding more than [`MAX_LEVELS`] fails as too deep rather than
    /// overflowing the stack (what the reader reads nests as the product's own types do).
    fn skip_value(
        &self,
        skip: SkipId,
        input: &mut Reader<'_>,
        cx: &mut Transcoding<'_>,
        containers: u32,
    ) -> Result<(), DecodeError> {
        match &self.skips[skip] {
            Skip::Array(..) | Skip::Map(_) if containers >= MAX_LEVELS => Err(input.error(DecodeErrorKind::TooDeep)),
            Skip::Nothing => Ok(()),
            Skip::Boolean => input.read_boolean().map(drop),
            Skip::Varint => input.read_long().map(drop),
            Skip::Bytes(n) => input.take(*n).map(drop),
            Skip::Sized => input.read_slice().map(drop),
            Skip::Array(item, zero_bytes) => {
                while let Some(count) = block_count(input, *zero_bytes, &mut cx.zero_byte_items)? {
                    for _ in 0..count {
                        self.skip_value(*item, input, cx, containers + 1)?;
                    }
                }
                Ok(())
            }
            Skip::Map(value) => {
                while let Some(count) = input.read_block_count()? {
                    for _ in 0..count {
                        input.read_slice()?;
                        self.skip_value(*value, input, cx, containers + 1)?;
                    }
                }
                Ok(())
            }
            Skip::Union(branches) => {
                let index = input.read_union_index(branches.len())?;
                self.skip_value(branches[index], input, cx, containers)
            }
            Skip::Record(fields) => {
                input.enter()?;
                for field in fields.iter() {
                    self.skip_value(*field, input, cx, containers)?;
                }
                input.leave();
                Ok(())
            }
            Skip::TooDeep => Err(input.error(DecodeErrorKind::TooDeep)),
        }
    }
}
