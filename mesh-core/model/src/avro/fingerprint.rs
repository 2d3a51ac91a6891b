//! The 64-bit Rabin fingerprint of a schema's Parsing Canonical Form
//! (Avro specification, "Schema Fingerprints").

const EMPTY: u64 = 0xc15d_213a_a4d7_a795;

const TABLE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut fp = i as u64;
        let mut j = 0;
        while j < 8 {
            fp = (fp >> 1) ^ (EMPTY & (0u64.wrapping_sub(fp & 1)));
            j += 1;
        }
        table[i] = fp;
        i += 1;
    }
    table
};

/// The CRC-64-AVRO fingerprint of `canonical_form`.
pub fn rabin_fingerprint(canonical_form: &str) -> u64 {
    canonical_form.bytes().fold(EMPTY, |fp, byte| (fp >> 8) ^ TABLE[((fp ^ u64::from(byte)) & 0xff) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_apache_avro_rabin() {
        for text in [r#""int""#, r#"{"type":"record","name":"a.B","fields":[{"name":"x","type":"long"}]}"#] {
            let schema = apache_avro::Schema::parse_str(text).unwrap();
            let theirs = schema.fingerprint::<apache_avro::rabin::Rabin>();
            let theirs = u64::from_le_bytes(theirs.bytes.try_into().unwrap());
            assert_eq!(rabin_fingerprint(&schema.canonical_form()), theirs, "{text}");
        }
    }
}
