//! A small deterministic PRNG (splitmix64): the same seed gives the same numbers on every
//! platform and Rust version, which `generate`'s byte-identical output depends on.

/// splitmix64's increment (the golden ratio in 64 bits).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// splitmix64's finaliser: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A well-mixed 64-bit value that is a pure function of `parts` (order matters): the seed of one
/// file's stream, or a stateless attribute such as a customer's name.
pub fn derive(parts: &[u64]) -> u64 {
    parts.iter().fold(GAMMA, |state, &part| mix(state.wrapping_add(GAMMA) ^ mix(part)))
}

/// A stream of pseudo-random numbers.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The stream that is a pure function of `parts` (see [`derive`]).
    pub fn from_parts(parts: &[u64]) -> Self {
        Self(derive(parts))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n` > 0), by a widening multiply (Lemire): no division, a bias below
    /// 2^-64 * n that no rate here can show.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    /// True with probability `rate` (0.0..=1.0); IEEE doubles compare the same everywhere.
    pub fn chance(&mut self, rate: f64) -> bool {
        ((self.next_u64() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < rate
    }

    /// One of `items` (not empty), uniformly.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_a_pure_function_of_its_parts() {
        let draw = |parts: &[u64]| {
            let mut rng = Rng::from_parts(parts);
            (0..4).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draw(&[1, 2, 3]), draw(&[1, 2, 3]));
        assert_ne!(draw(&[1, 2, 3]), draw(&[1, 3, 2]));
        assert_ne!(draw(&[1, 2]), draw(&[1, 2, 0]));
        // splitmix64's published first output for state 0 (Vigna's reference implementation).
        assert_eq!(Rng(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn draws_stay_in_range_and_rates_come_out_near_their_value() {
        let mut rng = Rng::from_parts(&[7]);
        let mut hits = 0;
        for _ in 0..100_000 {
            assert!(rng.below(10) < 10);
            assert!((3..=5).contains(&rng.between(3, 5)));
            hits += u32::from(rng.chance(0.3));
        }
        assert!((29_000..31_000).contains(&hits), "{hits}");
        assert!(!Rng::from_parts(&[1]).chance(0.0));
        assert!(Rng::from_parts(&[1]).chance(1.0));
    }
}
