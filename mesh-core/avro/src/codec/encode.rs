//! Avro binary encoding of the primitive and logical types, as the
//! specification writes them: zig-zag varints, length-prefixed strings and
//! bytes, little-endian floats, decimals as two's-complement big-endian bytes.

/// Writes a `long` (also `timestamp-*`): zig-zag, then 7 bits per byte, low first.
#[inline]
pub fn write_long(out: &mut Vec<u8>, value: i64) {
    let n = ((value << 1) ^ (value >> 63)) as u64;
    if n < 0x80 {
        out.push(n as u8);
    } else {
        write_varint(out, n);
    }
}

/// Writes a zig-zagged value of two bytes or more. Kept out of line so that the one-byte case
/// (most lengths, counts and small numbers) inlines into the generated encoders.
#[inline(never)]
fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 10];
    let mut len = 0;
    while n >= 0x80 {
        buf[len] = (n as u8) | 0x80;
        n >>= 7;
        len += 1;
    }
    buf[len] = n as u8;
    extend_prefix(out, &buf, len + 1);
}

/// Appends the first `len` bytes of `buf`. Copying the whole fixed-size array and truncating is
/// a few wide stores, where copying a slice of run-time length is a call to `memcpy`.
#[inline]
fn extend_prefix<const N: usize>(out: &mut Vec<u8>, buf: &[u8; N], len: usize) {
    let end = out.len() + len.min(N);
    out.extend_from_slice(buf);
    out.truncate(end);
}

/// Writes an `int` (also `date` and enum indexes): same encoding as a `long`.
#[inline]
pub fn write_int(out: &mut Vec<u8>, value: i32) {
    write_long(out, i64::from(value));
}

/// Writes a `boolean`: one byte, 0 or 1.
#[inline]
pub fn write_boolean(out: &mut Vec<u8>, value: bool) {
    out.push(u8::from(value));
}

/// Writes a `float`: 4 bytes little-endian.
#[inline]
pub fn write_float(out: &mut Vec<u8>, value: f32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// Writes a `double`: 8 bytes little-endian.
#[inline]
pub fn write_double(out: &mut Vec<u8>, value: f64) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// Writes `bytes`: the length, then the bytes.
#[inline]
pub fn write_bytes(out: &mut Vec<u8>, value: &[u8]) {
    write_long(out, value.len() as i64);
    out.extend_from_slice(value);
}

/// Writes a `string`: the UTF-8 length, then the UTF-8 bytes.
#[inline]
pub fn write_str(out: &mut Vec<u8>, value: &str) {
    write_bytes(out, value.as_bytes());
}

/// Writes a `fixed`: the bytes, no length.
#[inline]
pub fn write_fixed(out: &mut Vec<u8>, value: &[u8]) {
    out.extend_from_slice(value);
}

/// Writes a `uuid`: a 36-character lower-case hyphenated string.
#[inline]
pub fn write_uuid(out: &mut Vec<u8>, value: crate::values::Uuid) {
    let bytes = value.0.to_be_bytes();
    let mut text = [b'-'; 37];
    text[0] = 72; // zig-zag of the length 36
                  // Group by group, with constant ranges: no bounds checks, and loops the compiler unrolls.
    write_hex(&mut text[1..9], &bytes[0..4]);
    write_hex(&mut text[10..14], &bytes[4..6]);
    write_hex(&mut text[15..19], &bytes[6..8]);
    write_hex(&mut text[20..24], &bytes[8..10]);
    write_hex(&mut text[25..37], &bytes[10..16]);
    out.extend_from_slice(&text);
}

/// Writes `bytes` as lower-case hex digits, two per byte, into `digits`.
#[inline]
fn write_hex(digits: &mut [u8], bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (pair, byte) in digits.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0xf)];
    }
}

/// Writes a `decimal` on `bytes`: the shortest two's-complement big-endian form of the unscaled value.
#[inline]
pub fn write_decimal(out: &mut Vec<u8>, unscaled: i128) {
    // Drop leading bytes that only repeat the sign, as Java's BigInteger.toByteArray does:
    // keep one sign bit, so the redundant bytes are the sign bits but one, in whole bytes.
    let sign_bits = if unscaled < 0 { unscaled.leading_ones() } else { unscaled.leading_zeros() };
    let redundant = ((sign_bits - 1) / 8).min(15) as usize;
    let len = 16 - redundant;
    // The length prefix (at most 16, so one zig-zag byte), then the value's bytes, shifted
    // to the front so that one fixed-size copy writes both.
    let mut buf = [0u8; 17];
    buf[0] = (len as u8) << 1;
    buf[1..].copy_from_slice(&(unscaled << (8 * redundant)).to_be_bytes());
    extend_prefix(out, &buf, len + 1);
}

/// Writes the start of an array or map block of `len` items; nothing for an empty collection.
/// Close the collection with [`write_end_of_blocks`].
#[inline]
pub fn write_block_len(out: &mut Vec<u8>, len: usize) {
    if len > 0 {
        write_long(out, len as i64);
    }
}

/// Ends an array or map: the zero-count block.
#[inline]
pub fn write_end_of_blocks(out: &mut Vec<u8>) {
    out.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut out = Vec::new();
        f(&mut out);
        out
    }

    #[test]
    fn longs_follow_the_specification_examples() {
        // The table in the Avro specification, "Binary Encoding".
        for (value, bytes) in [
            (0i64, vec![0x00u8]),
            (-1, vec![0x01]),
            (1, vec![0x02]),
            (-2, vec![0x03]),
            (2, vec![0x04]),
            (-64, vec![0x7f]),
            (64, vec![0x80, 0x01]),
        ] {
            assert_eq!(encoded(|o| write_long(o, value)), bytes, "{value}");
        }
        assert_eq!(encoded(|o| write_long(o, i64::MIN)).len(), 10);
    }

    #[test]
    fn decimals_use_the_shortest_twos_complement() {
        assert_eq!(encoded(|o| write_decimal(o, 0)), vec![2, 0]);
        assert_eq!(encoded(|o| write_decimal(o, 127)), vec![2, 0x7f]);
        assert_eq!(encoded(|o| write_decimal(o, 128)), vec![4, 0x00, 0x80]);
        assert_eq!(encoded(|o| write_decimal(o, -128)), vec![2, 0x80]);
        assert_eq!(encoded(|o| write_decimal(o, -129)), vec![4, 0xff, 0x7f]);
    }

    /// The shortest two's-complement bytes, found by dropping sign bytes one at a time.
    fn shortest_bytes(value: i128) -> Vec<u8> {
        let bytes = value.to_be_bytes();
        let mut start = 0;
        while start < 15 {
            let (byte, next) = (bytes[start], bytes[start + 1]);
            if !((byte == 0 && next & 0x80 == 0) || (byte == 0xff && next & 0x80 != 0)) {
                break;
            }
            start += 1;
        }
        bytes[start..].to_vec()
    }

    #[test]
    fn decimals_match_the_byte_by_byte_shortest_form_at_every_width() {
        let mut values = vec![0i128, 1, -1, i128::MAX, i128::MIN];
        for shift in 0..127 {
            let power = 1i128 << shift;
            values.extend([power, power - 1, power + 1, -power, -power - 1, -power + 1]);
        }
        for value in values {
            let mut expected = vec![(shortest_bytes(value).len() as u8) << 1];
            expected.extend(shortest_bytes(value));
            // Appending keeps what the buffer held.
            assert_eq!(
                encoded(|o| {
                    o.push(9);
                    write_decimal(o, value)
                })[1..],
                expected[..],
                "{value}"
            );
        }
    }

    #[test]
    fn uuids_are_hyphenated_strings() {
        let uuid: crate::values::Uuid = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
        let out = encoded(|o| write_uuid(o, uuid));
        assert_eq!(out[0], 72);
        assert_eq!(&out[1..], b"123e4567-e89b-12d3-a456-426614174000");
        for value in [0, u128::MAX, 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210, 1 << 127, 1] {
            let uuid = crate::values::Uuid(value);
            let out = encoded(|o| write_uuid(o, uuid));
            assert_eq!(std::str::from_utf8(&out[1..]).unwrap(), uuid.to_string(), "{value:x}");
            assert_eq!(crate::codec::Reader::new(&out).read_uuid(), Ok(uuid));
        }
    }

    #[test]
    fn longs_of_every_length_round_trip_after_existing_bytes() {
        for shift in 0..64 {
            let power = 1i64 << shift;
            for value in [power, power.wrapping_sub(1), power.wrapping_neg(), i64::MAX, i64::MIN] {
                let out = encoded(|o| {
                    o.push(9);
                    write_long(o, value);
                });
                let mut reader = crate::codec::Reader::new(&out[1..]);
                assert_eq!((out[0], reader.read_long()), (9, Ok(value)));
                assert!(reader.is_empty(), "{value}");
            }
        }
    }
}
