//! Deterministic synthetic records, for samples, tests and benchmarks.
//!
//! The macro implements [`Sample`] for every product and nested type from
//! its fields; the field's name steers strings towards plausible values
//! (`*email*` gives an address, `*_id` an identifier).

use std::collections::{BTreeMap, HashMap};

use crate::values::{Date, Decimal, TimestampMicros, TimestampMillis, Uuid};

/// A small seeded generator (SplitMix64): the same seed gives the same records on every platform.
#[derive(Debug, Clone)]
pub struct SampleRng(u64);

impl SampleRng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next_u64() % bound
        }
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A type that can make plausible synthetic values of itself.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot make sample values",
    label = "this type is used in a data product but has no sample generator",
    note = "derive one: `#[derive(mesh_macros::AvroRecord)]` on a struct with named fields, or `#[derive(mesh_macros::AvroEnum)]` on an enum of unit variants"
)]
pub trait Sample: Sized {
    /// A value for a field named `field` (the name only steers the choice of text).
    fn sample(rng: &mut SampleRng, field: &str) -> Self;
}

const WORDS: &[&str] = &["alpha", "bravo", "delta", "echo", "lima", "nova", "orbit", "pixel", "quartz", "terra"];
const CHANNELS: &[&str] = &["web", "app", "store"];

impl Sample for String {
    fn sample(rng: &mut SampleRng, field: &str) -> Self {
        let n = rng.below(100_000);
        if field.contains("email") {
            format!("{}.{n}@example.com", WORDS[rng.below(WORDS.len() as u64) as usize])
        } else if field.ends_with("_id") || field == "id" {
            format!("{}-{n:06}", field.trim_end_matches("_id").chars().take(4).collect::<String>())
        } else if field.contains("sku") {
            format!("SKU-{n:05}")
        } else if field.contains("channel") {
            CHANNELS[rng.below(CHANNELS.len() as u64) as usize].to_string()
        } else if rng.chance(3) {
            String::new()
        } else {
            let first = WORDS[rng.below(WORDS.len() as u64) as usize];
            format!("{first} {}", WORDS[(n % WORDS.len() as u64) as usize])
        }
    }
}

impl Sample for bool {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        rng.chance(50)
    }
}

impl Sample for u8 {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        rng.next_u64() as u8
    }
}

impl Sample for i32 {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        if rng.chance(2) {
            [i32::MIN, i32::MAX, 0][rng.below(3) as usize]
        } else {
            rng.below(100) as i32 + 1
        }
    }
}

impl Sample for i64 {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        if rng.chance(2) {
            [i64::MIN, i64::MAX, 0][rng.below(3) as usize]
        } else {
            rng.below(10_000) as i64
        }
    }
}

impl Sample for f32 {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        rng.below(1_000_000) as f32 / 100.0
    }
}

impl Sample for f64 {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        rng.below(100_000_000) as f64 / 1000.0
    }
}

/// 2024-01-01T00:00:00Z in milliseconds: samples fall in the two years after it.
const EPOCH_2024_MS: i64 = 1_704_067_200_000;
const TWO_YEARS_MS: u64 = 2 * 365 * 86_400_000;

impl Sample for Date {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        Date((EPOCH_2024_MS / 86_400_000) as i32 + rng.below(730) as i32)
    }
}

impl Sample for TimestampMillis {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        TimestampMillis(EPOCH_2024_MS + rng.below(TWO_YEARS_MS) as i64)
    }
}

impl Sample for TimestampMicros {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        TimestampMicros((EPOCH_2024_MS + rng.below(TWO_YEARS_MS) as i64) * 1000 + rng.below(1000) as i64)
    }
}

impl Sample for Uuid {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        // A version-4 layout, so tools that check the variant accept it.
        let bits = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
        Uuid((bits & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62))
    }
}

impl<const P: u32, const S: u32> Sample for Decimal<P, S> {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        // Amounts up to 10^5 units, within the precision.
        let limit = 10u128.pow(P.min(S + 5).min(38));
        let magnitude = (u128::from(rng.next_u64()) % limit) as i128;
        let unscaled = if rng.chance(5) { -magnitude } else { magnitude };
        Decimal::from_unscaled(unscaled).unwrap_or_default()
    }
}

impl<const N: usize> Sample for [u8; N] {
    fn sample(rng: &mut SampleRng, _: &str) -> Self {
        std::array::from_fn(|_| rng.next_u64() as u8)
    }
}

impl<T: Sample> Sample for Option<T> {
    fn sample(rng: &mut SampleRng, field: &str) -> Self {
        rng.chance(75).then(|| T::sample(rng, field))
    }
}

impl<T: Sample> Sample for Vec<T> {
    fn sample(rng: &mut SampleRng, field: &str) -> Self {
        (0..rng.below(5)).map(|_| T::sample(rng, field)).collect()
    }
}

impl<T: Sample> Sample for HashMap<String, T> {
    fn sample(rng: &mut SampleRng, field: &str) -> Self {
        (0..rng.below(4)).map(|i| (format!("{}_{i}", WORDS[rng.below(10) as usize]), T::sample(rng, field))).collect()
    }
}

impl<T: Sample> Sample for BTreeMap<String, T> {
    fn sample(rng: &mut SampleRng, field: &str) -> Self {
        (0..rng.below(4)).map(|i| (format!("{}_{i}", WORDS[rng.below(10) as usize]), T::sample(rng, field))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_values() {
        let values = |seed| {
            let mut rng = SampleRng::new(seed);
            (0..20).map(|_| String::sample(&mut rng, "customer_email")).collect::<Vec<_>>()
        };
        assert_eq!(values(7), values(7));
        assert_ne!(values(7), values(8));
        assert!(values(7).iter().all(|v| v.ends_with("@example.com")));
    }

    #[test]
    fn decimals_stay_within_precision() {
        let mut rng = SampleRng::new(1);
        for _ in 0..1000 {
            let d = Decimal::<4, 2>::sample(&mut rng, "amount");
            assert!(d.unscaled().abs() < 10_000);
        }
    }
}
