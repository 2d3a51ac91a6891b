//! Values as keys for uniqueness: a tagged byte encoding that compares equal exactly when the values
//! are equal, and reads back for the report's examples.

use mesh_core::QualityValue;

/// Appends the encoding of `value` to `key`; `false` for a value that is no key (a nested record).
pub fn push(key: &mut Vec<u8>, value: QualityValue<'_>) -> bool {
    match value {
        QualityValue::Null => key.push(0),
        QualityValue::Bool(b) => key.extend([1, u8::from(b)]),
        QualityValue::Int(n) => {
            key.push(2);
            key.extend(n.to_le_bytes());
        }
        QualityValue::Float(f) => {
            key.push(3);
            key.extend(f.to_bits().to_le_bytes());
        }
        QualityValue::Decimal { unscaled, scale } => {
            // One field has one scale, so the unscaled digits decide equality.
            key.push(4);
            key.extend(unscaled.to_le_bytes());
            key.extend(scale.to_le_bytes());
        }
        QualityValue::Uuid(u) => {
            key.push(5);
            key.extend(u.to_be_bytes());
        }
        QualityValue::Text(s) => push_bytes(key, 6, s.as_bytes()),
        QualityValue::Bytes(b) => push_bytes(key, 7, b),
        QualityValue::Items(n) => {
            key.push(8);
            key.extend((n as u64).to_le_bytes());
        }
        QualityValue::Unavailable => return false,
    }
    true
}

fn push_bytes(key: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    key.push(tag);
    key.extend((bytes.len() as u32).to_le_bytes());
    key.extend(bytes);
}

/// The key's values for people, one per component; `masks[i]` replaces component `i` (a personal-data
/// field's value is never shown).
pub fn display(key: &[u8], masks: &[Option<String>]) -> String {
    let mut parts = Vec::new();
    let mut rest = key;
    let mut index = 0;
    while let Some((&tag, tail)) = rest.split_first() {
        let take =
            |n: usize, from: &[u8]| (from.get(..n).unwrap_or(from).to_vec(), from.get(n..).unwrap_or(&[]).to_vec());
        let (text, next) = match tag {
            0 => ("null".to_string(), tail.to_vec()),
            1 => (
                tail.first().map_or("?", |b| if *b == 1 { "true" } else { "false" }).to_string(),
                tail.get(1..).unwrap_or(&[]).to_vec(),
            ),
            2 => {
                let (b, next) = take(8, tail);
                (i64::from_le_bytes(b.try_into().unwrap_or([0; 8])).to_string(), next)
            }
            3 => {
                let (b, next) = take(8, tail);
                (f64::from_bits(u64::from_le_bytes(b.try_into().unwrap_or([0; 8]))).to_string(), next)
            }
            4 => {
                let (b, next) = take(20, tail);
                let unscaled = i128::from_le_bytes(b[..16.min(b.len())].try_into().unwrap_or([0; 16]));
                let scale = u32::from_le_bytes(b.get(16..20).and_then(|s| s.try_into().ok()).unwrap_or([0; 4]));
                (decimal_text(unscaled, scale), next)
            }
            5 => {
                let (b, next) = take(16, tail);
                (mesh_core::Uuid(u128::from_be_bytes(b.try_into().unwrap_or([0; 16]))).to_string(), next)
            }
            6 | 7 => {
                let (len, after) = take(4, tail);
                let len = u32::from_le_bytes(len.try_into().unwrap_or([0; 4])) as usize;
                let (bytes, next) = take(len, &after);
                let text = if tag == 6 {
                    format!("{:?}", String::from_utf8_lossy(&bytes))
                } else {
                    format!("{} bytes", bytes.len())
                };
                (text, next)
            }
            _ => {
                let (b, next) = take(8, tail);
                (format!("{} items", u64::from_le_bytes(b.try_into().unwrap_or([0; 8]))), next)
            }
        };
        parts.push(masks.get(index).cloned().flatten().unwrap_or(text));
        index += 1;
        rest = &key[key.len() - next.len()..];
    }
    parts.join(", ")
}

/// `unscaled / 10^scale` as decimal text.
pub fn decimal_text(unscaled: i128, scale: u32) -> String {
    if scale == 0 {
        return unscaled.to_string();
    }
    let digits = unscaled.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{}{whole}.{fraction}", if unscaled < 0 { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_with_masks() {
        let mut key = Vec::new();
        push(&mut key, QualityValue::Text("C000001"));
        push(&mut key, QualityValue::Decimal { unscaled: -105, scale: 2 });
        push(&mut key, QualityValue::Int(7));
        push(&mut key, QualityValue::Text("someone@example.com"));
        let masks = [None, None, None, Some("<pii:direct>".to_string())];
        assert_eq!(display(&key, &masks), "\"C000001\", -1.05, 7, <pii:direct>");
    }

    #[test]
    fn equal_values_give_equal_keys_only() {
        let key = |v| {
            let mut k = Vec::new();
            push(&mut k, v);
            k
        };
        assert_eq!(key(QualityValue::Text("a")), key(QualityValue::Text("a")));
        assert_ne!(key(QualityValue::Text("a")), key(QualityValue::Bytes(b"a")));
        assert_ne!(key(QualityValue::Int(1)), key(QualityValue::Null));
        assert_eq!(decimal_text(5, 2), "0.05");
    }
}
