//! Avro binary decoding from a borrowed slice.
//!
//! Every length read from the input is checked against the bytes left before
//! anything is allocated, so a corrupt length prefix costs an error, not memory.

use super::error::{DecodeError, DecodeErrorKind};
use crate::values::{Decimal, Uuid};

/// How deep records may nest before decoding stops (recursive types could otherwise exhaust the stack).
pub const MAX_DEPTH: u32 = 256;

/// A cursor over Avro binary data. Strings and bytes can be borrowed from it
/// ([`Reader::read_str`], [`Reader::read_slice`]) without copying.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    input: &'a [u8],
    start_len: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Self { input, start_len: input.len(), depth: 0 }
    }

    /// Bytes not read yet.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.input.len()
    }

    /// Whether everything was read.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The bytes not read yet, borrowed.
    #[inline]
    pub fn rest(&self) -> &'a [u8] {
        self.input
    }

    /// Bytes read so far.
    #[inline]
    pub fn offset(&self) -> usize {
        self.start_len - self.input.len()
    }

    /// An error of `kind` at the current offset.
    #[cold]
    pub fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError { kind, offset: self.offset() }
    }

    /// Fails unless every byte was read.
    ///
    /// # Errors
    /// [`DecodeErrorKind::TrailingBytes`].
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.input.len() {
            0 => Ok(()),
            n => Err(self.error(DecodeErrorKind::TrailingBytes(n))),
        }
    }

    /// Enters a nested record.
    ///
    /// # Errors
    /// [`DecodeErrorKind::TooDeep`] past [`MAX_DEPTH`].
    #[inline]
    pub fn enter(&mut self) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(DecodeErrorKind::TooDeep));
        }
        Ok(())
    }

    /// Leaves a nested record.
    #[inline]
    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Reads a `long`.
    ///
    /// # Errors
    /// Truncated input or a varint over 10 bytes.
    #[inline]
    pub fn read_long(&mut self) -> Result<i64, DecodeError> {
        if let Some(&byte) = self.input.first() {
            if byte < 0x80 {
                self.input = &self.input[1..];
                return Ok(i64::from(byte >> 1) ^ -i64::from(byte & 1));
            }
        }
        self.read_long_slow()
    }

    fn read_long_slow(&mut self) -> Result<i64, DecodeError> {
        let mut value: u64 = 0;
        for (i, &byte) in self.input.iter().enumerate().take(10) {
            if i == 9 && byte > 1 {
                return Err(self.error(DecodeErrorKind::VarintOverflow));
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                self.input = &self.input[i + 1..];
                return Ok((value >> 1) as i64 ^ -((value & 1) as i64));
            }
        }
        Err(self.error(if self.input.len() >= 10 {
            DecodeErrorKind::VarintOverflow
        } else {
            DecodeErrorKind::UnexpectedEnd
        }))
    }

    /// Reads an `int`.
    ///
    /// # Errors
    /// As [`Reader::read_long`], or the value does not fit in 32 bits.
    #[inline]
    pub fn read_int(&mut self) -> Result<i32, DecodeError> {
        let value = self.read_long()?;
        i32::try_from(value).map_err(|_| self.error(DecodeErrorKind::IntOutOfRange(value)))
    }

    /// Reads a `boolean`.
    ///
    /// # Errors
    /// Truncated input or a byte other than 0 and 1.
    #[inline]
    pub fn read_boolean(&mut self) -> Result<bool, DecodeError> {
        match self.input.first() {
            Some(0) => {
                self.input = &self.input[1..];
                Ok(false)
            }
            Some(1) => {
                self.input = &self.input[1..];
                Ok(true)
            }
            Some(&other) => Err(self.error(DecodeErrorKind::InvalidBoolean(other))),
            None => Err(self.error(DecodeErrorKind::UnexpectedEnd)),
        }
    }

    /// Reads `N` bytes.
    ///
    /// # Errors
    /// Truncated input.
    #[inline]
    pub fn read_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        match self.input.split_first_chunk::<N>() {
            Some((bytes, rest)) => {
                self.input = rest;
                Ok(*bytes)
            }
            None => Err(self.error(DecodeErrorKind::UnexpectedEnd)),
        }
    }

    /// Reads a `float`.
    ///
    /// # Errors
    /// Truncated input.
    #[inline]
    pub fn read_float(&mut self) -> Result<f32, DecodeError> {
        self.read_array::<4>().map(f32::from_le_bytes)
    }

    /// Reads a `double`.
    ///
    /// # Errors
    /// Truncated input.
    #[inline]
    pub fn read_double(&mut self) -> Result<f64, DecodeError> {
        self.read_array::<8>().map(f64::from_le_bytes)
    }

    /// Reads a length and checks it against the bytes left.
    ///
    /// # Errors
    /// A negative length or one past the end of the input.
    #[inline]
    pub fn read_len(&mut self) -> Result<usize, DecodeError> {
        let length = self.read_long()?;
        if length < 0 {
            return Err(self.error(DecodeErrorKind::NegativeLength(length)));
        }
        if length as u64 > self.input.len() as u64 {
            return Err(
                self.error(DecodeErrorKind::LengthExceedsInput { length: length as u64, remaining: self.input.len() })
            );
        }
        Ok(length as usize)
    }

    /// Takes the next `len` bytes, borrowed.
    ///
    /// # Errors
    /// Truncated input.
    #[inline]
    pub fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        if len > self.input.len() {
            return Err(self.error(DecodeErrorKind::UnexpectedEnd));
        }
        let (taken, rest) = self.input.split_at(len);
        self.input = rest;
        Ok(taken)
    }

    /// Reads `bytes`, borrowed from the input.
    ///
    /// # Errors
    /// A bad length.
    #[inline]
    pub fn read_slice(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.read_len()?;
        self.take(len)
    }

    /// Reads `bytes` into a new vector.
    ///
    /// # Errors
    /// A bad length.
    #[inline]
    pub fn read_bytes(&mut self) -> Result<Vec<u8>, DecodeError> {
        self.read_slice().map(<[u8]>::to_vec)
    }

    /// Reads a `string`, borrowed from the input.
    ///
    /// # Errors
    /// A bad length or invalid UTF-8.
    #[inline]
    pub fn read_str(&mut self) -> Result<&'a str, DecodeError> {
        let start = self.offset();
        let bytes = self.read_slice()?;
        std::str::from_utf8(bytes).map_err(|_| DecodeError { kind: DecodeErrorKind::InvalidUtf8, offset: start })
    }

    /// Reads a `string` into a new `String`.
    ///
    /// # Errors
    /// A bad length or invalid UTF-8.
    #[inline]
    pub fn read_string(&mut self) -> Result<String, DecodeError> {
        let start = self.offset();
        // Validated after the copy, as in `read_string_into`; not written as a call to it, because
        // `to_vec` allocates exactly once, where growing an empty `String` cost 15% more
        // instructions per record (callgrind, `read_file mesh_generated`).
        String::from_utf8(self.read_slice()?.to_vec())
            .map_err(|_| DecodeError { kind: DecodeErrorKind::InvalidUtf8, offset: start })
    }

    /// Reads a `string` into `out`, replacing its contents and reusing its allocation.
    ///
    /// # Errors
    /// A bad length or invalid UTF-8 (`out` is then left empty).
    #[inline]
    pub fn read_string_into(&mut self, out: &mut String) -> Result<(), DecodeError> {
        let start = self.offset();
        // Copied first, validated after: the copy starts at an aligned address, where the
        // standard validator checks ASCII a word at a time; bytes at an arbitrary offset in the
        // input go through it one at a time (the validation was ~15% of decoding a record).
        let mut bytes = std::mem::take(out).into_bytes();
        bytes.clear();
        bytes.extend_from_slice(self.read_slice()?);
        *out =
            String::from_utf8(bytes).map_err(|_| DecodeError { kind: DecodeErrorKind::InvalidUtf8, offset: start })?;
        Ok(())
    }

    /// Reads `bytes` into `out`, replacing its contents and reusing its allocation.
    ///
    /// # Errors
    /// A bad length (`out` is then left empty).
    #[inline]
    pub fn read_bytes_into(&mut self, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        out.clear();
        out.extend_from_slice(self.read_slice()?);
        Ok(())
    }

    /// Reads a `fixed` of `N` bytes.
    ///
    /// # Errors
    /// Truncated input.
    #[inline]
    pub fn read_fixed<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        self.read_array::<N>()
    }

    /// Reads a `uuid` (a hyphenated string).
    ///
    /// # Errors
    /// A bad length or not a uuid.
    #[inline]
    pub fn read_uuid(&mut self) -> Result<Uuid, DecodeError> {
        let start = self.offset();
        let text = self.read_slice()?;
        parse_uuid(text).ok_or(DecodeError { kind: DecodeErrorKind::InvalidUuid, offset: start })
    }

    /// Reads a `decimal` on `bytes` with precision `P` and scale `S`.
    ///
    /// # Errors
    /// A bad length, or a value with more than `P` digits.
    #[inline]
    pub fn read_decimal<const P: u32, const S: u32>(&mut self) -> Result<Decimal<P, S>, DecodeError> {
        let start = self.offset();
        let bytes = self.read_slice()?;
        let out_of_range = DecodeError { kind: DecodeErrorKind::DecimalOutOfRange { precision: P }, offset: start };
        let unscaled = unscaled_decimal(bytes).ok_or_else(|| out_of_range.clone())?;
        Decimal::from_unscaled(unscaled).ok_or(out_of_range)
    }

    /// Reads a union branch index and checks it against `branches`.
    ///
    /// # Errors
    /// A bad varint or an index out of range.
    #[inline]
    pub fn read_union_index(&mut self, branches: usize) -> Result<usize, DecodeError> {
        let index = self.read_long()?;
        if index < 0 || index as u64 >= branches as u64 {
            return Err(self.error(DecodeErrorKind::UnionBranch { index, branches }));
        }
        Ok(index as usize)
    }

    /// Reads an enum symbol index and checks it against `symbols`.
    ///
    /// # Errors
    /// A bad varint or an index out of range.
    #[inline]
    pub fn read_enum_index(&mut self, symbols: usize) -> Result<usize, DecodeError> {
        let index = self.read_long()?;
        if index < 0 || index as u64 >= symbols as u64 {
            return Err(self.error(DecodeErrorKind::EnumIndex { index, symbols }));
        }
        Ok(index as usize)
    }

    /// Reads the item count of the next array or map block: `None` at the end.
    /// Every item takes at least one byte, so a count past the bytes left is an error.
    ///
    /// # Errors
    /// A bad count or block size.
    #[inline]
    pub fn read_block_count(&mut self) -> Result<Option<usize>, DecodeError> {
        let count = self.read_long()?;
        if count == 0 {
            return Ok(None);
        }
        let count = if count < 0 {
            // A negative count is followed by the block's size in bytes, which we do not need.
            let _size = self.read_len()?;
            count.checked_neg().ok_or_else(|| self.error(DecodeErrorKind::NegativeLength(count)))?
        } else {
            count
        };
        if count as u64 > self.input.len() as u64 {
            return Err(
                self.error(DecodeErrorKind::LengthExceedsInput { length: count as u64, remaining: self.input.len() })
            );
        }
        Ok(Some(count as usize))
    }
}

/// The unscaled value of big-endian two's-complement bytes, if it fits in 128 bits.
pub fn unscaled_decimal(bytes: &[u8]) -> Option<i128> {
    let Some(&first) = bytes.first() else {
        return Some(0);
    };
    if bytes.len() <= 8 {
        // The common case (amounts up to 18 digits), in 64-bit arithmetic: sign-extend the
        // first byte, then shift the rest in.
        let value = bytes[1..].iter().fold(i64::from(first as i8), |value, &byte| (value << 8) | i64::from(byte));
        return Some(i128::from(value));
    }
    let fill = if first & 0x80 != 0 { 0xff } else { 0 };
    let (extra, bytes) = bytes.split_at(bytes.len().saturating_sub(16));
    if extra.iter().any(|&b| b != fill) {
        return None;
    }
    let mut buf = [fill; 16];
    buf[16 - bytes.len()..].copy_from_slice(bytes);
    let value = i128::from_be_bytes(buf);
    // Sign extension of the kept bytes must agree with the dropped ones.
    (extra.is_empty() || (value < 0) == (fill == 0xff)).then_some(value)
}

fn parse_uuid(text: &[u8]) -> Option<Uuid> {
    let text: &[u8; 36] = text.try_into().ok()?;
    if text[8] != b'-' || text[13] != b'-' || text[18] != b'-' || text[23] != b'-' {
        return None;
    }
    // Eight digits at a time (SWAR): a per-digit loop was ~5% of decoding a record with one uuid.
    let word = |at: usize| u64::from_be_bytes(text[at..at + 8].try_into().unwrap_or_default());
    let four = |at: usize| u64::from(u32::from_be_bytes(text[at..at + 4].try_into().unwrap_or_default()));
    let high = (hex8(word(0))? << 32) | hex8((four(9) << 32) | four(14))?;
    let low = (hex8((four(19) << 32) | four(24))? << 32) | hex8(word(28))?;
    Some(Uuid((u128::from(high) << 64) | u128::from(low)))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The value of eight ASCII hex digits packed big-endian in `word`, or `None` if any byte is not one.
#[inline]
fn hex8(word: u64) -> Option<u64> {
    if word & HIGH_BITS != 0 {
        return None;
    }
    // Per byte, with every byte below 0x80: the high bit of `(b | 0x80) - c` is set iff `b >= c`,
    // and no byte borrows from its neighbour.
    let at_least = |c: u8| (word | HIGH_BITS).wrapping_sub(ONES * u64::from(c)) & HIGH_BITS;
    let lower = word | (ONES * 0x20); // folds 'A'..='F' onto 'a'..='f'; digits keep their bytes
    let at_least_lower = |c: u8| (lower | HIGH_BITS).wrapping_sub(ONES * u64::from(c)) & HIGH_BITS;
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let letter = at_least_lower(b'a') & !at_least_lower(b'f' + 1);
    if digit | letter != HIGH_BITS {
        return None;
    }
    // '0'..'9' have their value in the low nibble; 'a'/'A'.. have value - 9 there.
    let nibbles = (word & (ONES * 0x0f)) + (letter >> 7) * 9;
    // Packs the eight nibbles (one per byte) into 32 bits.
    let pairs = (nibbles | (nibbles >> 4)) & 0x00ff_00ff_00ff_00ff;
    let quads = (pairs | (pairs >> 8)) & 0x0000_ffff_0000_ffff;
    Some((quads | (quads >> 16)) & 0xffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::*;

    #[test]
    fn longs_round_trip_at_the_extremes() {
        for value in [0, 1, -1, 63, -64, 64, i64::from(i32::MAX), i64::from(i32::MIN), i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            write_long(&mut out, value);
            let mut reader = Reader::new(&out);
            assert_eq!(reader.read_long(), Ok(value));
            assert!(reader.is_empty());
        }
    }

    #[test]
    fn overlong_varints_are_errors() {
        let mut reader = Reader::new(&[0xff; 11]);
        assert_eq!(reader.read_long().unwrap_err().kind, DecodeErrorKind::VarintOverflow);
        let mut reader = Reader::new(&[0x80, 0x80]);
        assert_eq!(reader.read_long().unwrap_err().kind, DecodeErrorKind::UnexpectedEnd);
    }

    #[test]
    fn lengths_past_the_input_are_refused_before_allocating() {
        let mut out = Vec::new();
        write_long(&mut out, i64::MAX);
        let error = Reader::new(&out).read_string().unwrap_err();
        assert!(matches!(error.kind, DecodeErrorKind::LengthExceedsInput { .. }), "{error}");
        let mut out = Vec::new();
        write_long(&mut out, 1 << 40);
        let error = Reader::new(&out).read_block_count().unwrap_err();
        assert!(matches!(error.kind, DecodeErrorKind::LengthExceedsInput { .. }), "{error}");
    }

    #[test]
    fn decimals_round_trip_and_check_precision() {
        for value in [0i128, 1, -1, 127, -128, 99_999_999_999, -99_999_999_999] {
            let mut out = Vec::new();
            write_decimal(&mut out, value);
            assert_eq!(Reader::new(&out).read_decimal::<12, 2>().map(|d| d.unscaled()), Ok(value));
        }
        let mut out = Vec::new();
        write_decimal(&mut out, 1_000_000_000_000);
        assert!(matches!(
            Reader::new(&out).read_decimal::<12, 2>().unwrap_err().kind,
            DecodeErrorKind::DecimalOutOfRange { precision: 12 }
        ));
        // Sign-extended wider than 16 bytes is still the same number.
        assert_eq!(unscaled_decimal(&[0xff; 20]), Some(-1));
        assert_eq!(
            unscaled_decimal(&[
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x05
            ]),
            Some(5)
        );
        assert_eq!(unscaled_decimal(&[1; 17]), None);
    }

    #[test]
    fn short_and_long_decimal_encodings_agree() {
        // Every value near the 8-byte boundary, written minimally and sign-extended to 17 bytes.
        let mut values = vec![0i128, 1, -1, i128::from(i64::MAX), i128::from(i64::MIN), i128::MAX, i128::MIN];
        for shift in 0..127 {
            values.extend([1i128 << shift, (1i128 << shift) - 1, -(1i128 << shift), -(1i128 << shift) + 1]);
        }
        for value in values {
            let mut out = Vec::new();
            write_decimal(&mut out, value);
            let minimal = Reader::new(&out).read_slice().unwrap().to_vec();
            assert_eq!(unscaled_decimal(&minimal), Some(value), "{minimal:02x?}");
            let fill = if value < 0 { 0xff } else { 0 };
            let mut wide = vec![fill; 17 - minimal.len()];
            wide.extend_from_slice(&minimal);
            assert_eq!(unscaled_decimal(&wide), Some(value), "{wide:02x?}");
        }
    }

    #[test]
    fn uuids_parse_in_either_case_and_refuse_anything_else() {
        let uuid = Uuid(0x123e4567_e89b_12d3_a456_426614174000);
        assert_eq!(parse_uuid(b"123e4567-e89b-12d3-a456-426614174000"), Some(uuid));
        assert_eq!(parse_uuid(b"123E4567-E89B-12D3-A456-426614174000"), Some(uuid));
        assert_eq!(parse_uuid(b"123e4567-e89b-12d3-a456-42661417400g"), None);
        assert_eq!(parse_uuid(b"z23e4567-e89b-12d3-a456-426614174000"), None);
        assert_eq!(parse_uuid(b"123e4567-e89b-12d3-a45 -426614174000"), None);
        assert_eq!(parse_uuid(b"ffffffff-ffff-ffff-ffff-ffffffffffff"), Some(Uuid(u128::MAX)));
        assert_eq!(parse_uuid(b"00000000-0000-0000-0000-000000000001"), Some(Uuid(1)));
        assert_eq!(parse_uuid(b"123e4567-e89b-12d3-a456_426614174000"), None);
        assert_eq!(parse_uuid(b"123e4567e89b12d3a456426614174000"), None);
    }

    /// The digit-at-a-time definition `hex8` must agree with.
    fn hex8_reference(word: u64) -> Option<u64> {
        word.to_be_bytes()
            .iter()
            .try_fold(0u64, |value, &b| Some((value << 4) | u64::from(char::from(b).to_digit(16)?)))
    }

    #[test]
    fn hex8_agrees_with_the_digit_at_a_time_definition_on_every_byte_in_every_position() {
        let base = u64::from_be_bytes(*b"09afAF3c");
        for position in 0..8 {
            for byte in 0..=255u64 {
                let word = (base & !(0xff << (8 * position))) | (byte << (8 * position));
                assert_eq!(hex8(word), hex8_reference(word), "{:?}", word.to_be_bytes());
            }
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            // xorshift: random words, and random words folded into the hex range.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let hexish = (state & 0x0f0f_0f0f_0f0f_0f0f) | 0x3030_3030_3030_3030 | (state & (ONES << 6));
            assert_eq!(hex8(state), hex8_reference(state));
            assert_eq!(hex8(hexish), hex8_reference(hexish));
        }
    }

    #[test]
    fn reading_into_replaces_the_contents_and_leaves_them_empty_on_error() {
        let mut out = Vec::new();
        write_str(&mut out, "new");
        write_bytes(&mut out, &[1, 2]);
        let mut reader = Reader::new(&out);
        let (mut text, mut bytes) = (String::from("a much longer old value"), vec![9; 40]);
        reader.read_string_into(&mut text).unwrap();
        reader.read_bytes_into(&mut bytes).unwrap();
        assert_eq!((text.as_str(), bytes.as_slice()), ("new", &[1u8, 2][..]));
        assert!(reader.is_empty());
        let error = Reader::new(&[4, 0xc3, 0x28]).read_string_into(&mut text).unwrap_err();
        assert_eq!((error.kind, text.as_str()), (DecodeErrorKind::InvalidUtf8, ""));
    }

    #[test]
    fn invalid_utf8_and_booleans_are_errors() {
        assert_eq!(Reader::new(&[4, 0xc3, 0x28]).read_string().unwrap_err().kind, DecodeErrorKind::InvalidUtf8);
        assert_eq!(Reader::new(&[2]).read_boolean().unwrap_err().kind, DecodeErrorKind::InvalidBoolean(2));
        assert_eq!(
            Reader::new(&[4]).read_union_index(2).unwrap_err().kind,
            DecodeErrorKind::UnionBranch { index: 2, branches: 2 }
        );
    }
}
