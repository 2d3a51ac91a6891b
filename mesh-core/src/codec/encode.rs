//! Avro binary encoding of the primitive and logical types, as the
//! specification writes them: zig-zag varints, length-prefixed strings and
//! bytes, little-endian floats, decimals as two's-complement big-endian bytes.

/// Writes a `long` (also `timestamp-*`): zig-zag, then 7 bits per byte, low first.
#[inline]
pub fn write_long(out: &mut Vec<u8>, value: i64) {
    let mut n = ((value << 1) ^ (value >> 63)) as u64;
    if n < 0x80 {
        out.push(n as u8);
        return;
    }
    let mut buf = [0u8; 10];
    let mut len = 0;
    while n >= 0x80 {
        buf[len] = (n as u8) | 0x80;
        n >>= 7;
        len += 1;
    }
    buf[len] = n as u8;
    out.extend_from_slice(&buf[..=len]);
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
pub fn write_uuid(out: &mut Vec<u8>, value: crate::Uuid) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b'-'; 37];
    text[0] = 72; // zig-zag of the length 36
    let bytes = value.0.to_be_bytes();
    let mut at = 1;
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1;
        }
        text[at] = HEX[usize::from(byte >> 4)];
        text[at + 1] = HEX[usize::from(byte & 0xf)];
        at += 2;
    }
    out.extend_from_slice(&text);
}

/// Writes a `decimal` on `bytes`: the shortest two's-complement big-endian form of the unscaled value.
#[inline]
pub fn write_decimal(out: &mut Vec<u8>, unscaled: i128) {
    let bytes = unscaled.to_be_bytes();
    // Drop leading bytes that only repeat the sign, as Java's BigInteger.toByteArray does.
    let mut start = 0;
    while start < 15 {
        let (byte, next) = (bytes[start], bytes[start + 1]);
        let redundant = (byte == 0 && next & 0x80 == 0) || (byte == 0xff && next & 0x80 != 0);
        if !redundant {
            break;
        }
        start += 1;
    }
    write_bytes(out, &bytes[start..]);
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

    #[test]
    fn uuids_are_hyphenated_strings() {
        let uuid: crate::Uuid = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
        let out = encoded(|o| write_uuid(o, uuid));
        assert_eq!(out[0], 72);
        assert_eq!(&out[1..], b"123e4567-e89b-12d3-a456-426614174000");
    }
}
