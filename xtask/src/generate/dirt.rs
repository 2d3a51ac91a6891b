//! The dirt real sources have, as kinds that are counted per file: what the manifest
//! (`_generated.json`) reports, so that tests can compare what the pipelines quarantine and
//! deduplicate with what was injected.

use super::rng::Rng;

/// One kind of injected dirt. Counts are over a file's distinct well-formed events, except
/// `Duplicate` (extra copies) and the three malformed kinds (lines that no reader can take).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dirt {
    /// A line whose event id an earlier line of the file already had.
    Duplicate,
    /// A line cut short: not JSON.
    Truncated,
    /// A JSON object with a field of the wrong JSON type.
    WrongType,
    /// A JSON object without a field every line must have.
    MissingField,
    /// An event that happened on the day before the file's day.
    Late,
    /// An email with an upper-case letter.
    MixedCaseEmail,
    /// An email with spaces around it.
    PaddedEmail,
    /// A currency other than EUR, GBP and USD.
    UnknownCurrency,
    /// A payload text that is not JSON.
    InvalidPayload,
    /// A channel spelling that names none of the known channels.
    UnknownChannel,
    /// An event id that is not UUID text.
    NonUuidEventId,
    /// A platform other than web, ios, android and api.
    UnknownPlatform,
}

impl Dirt {
    const ALL: [Dirt; 12] = [
        Dirt::Duplicate,
        Dirt::Truncated,
        Dirt::WrongType,
        Dirt::MissingField,
        Dirt::Late,
        Dirt::MixedCaseEmail,
        Dirt::PaddedEmail,
        Dirt::UnknownCurrency,
        Dirt::InvalidPayload,
        Dirt::UnknownChannel,
        Dirt::NonUuidEventId,
        Dirt::UnknownPlatform,
    ];

    /// Its key in `_generated.json`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Duplicate => "duplicates",
            Self::Truncated => "malformed_truncated",
            Self::WrongType => "malformed_wrong_type",
            Self::MissingField => "malformed_missing_field",
            Self::Late => "late",
            Self::MixedCaseEmail => "mixed_case_email",
            Self::PaddedEmail => "padded_email",
            Self::UnknownCurrency => "unknown_currency",
            Self::InvalidPayload => "invalid_payload",
            Self::UnknownChannel => "unknown_channel",
            Self::NonUuidEventId => "non_uuid_event_id",
            Self::UnknownPlatform => "unknown_platform",
        }
    }
}

/// A line that no reader can take, and how it is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    Truncated,
    WrongType,
    MissingField,
}

impl Malformed {
    /// Malformed with probability `rate`, each way equally often.
    pub fn draw(rng: &mut Rng, rate: f64) -> Option<Self> {
        rng.chance(rate).then(|| *rng.pick(&[Self::Truncated, Self::WrongType, Self::MissingField]))
    }

    pub fn dirt(self) -> Dirt {
        match self {
            Self::Truncated => Dirt::Truncated,
            Self::WrongType => Dirt::WrongType,
            Self::MissingField => Dirt::MissingField,
        }
    }
}

/// Cuts a rendered JSON object short, as a sender that died mid-write does. Any strict prefix
/// of an object is not JSON: its closing brace is the last byte.
pub fn truncate(line: &mut Vec<u8>, rng: &mut Rng) {
    let length = line.len() as u64;
    line.truncate(rng.between(length / 3, length - 1) as usize);
}

/// Spaces around an email, as a form that did not trim its input: (before, after).
pub fn padding(rng: &mut Rng, rate: f64) -> Option<(&'static [u8], &'static [u8])> {
    rng.chance(rate).then(|| *rng.pick(&[(&b" "[..], &b""[..]), (b"", b" "), (b"  ", b"  ")]))
}

/// The lines of one file and the dirt injected into it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub lines: u64,
    pub events: u64,
    counts: [u64; Dirt::ALL.len()],
}

impl Tally {
    /// A file of `events` distinct events, before any line is written.
    pub fn new(events: u64) -> Self {
        Self { events, ..Self::default() }
    }

    pub fn add(&mut self, dirt: Dirt) {
        self.counts[dirt as usize] += 1;
    }

    pub fn count(&self, dirt: Dirt) -> u64 {
        self.counts[dirt as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_key_and_counter() {
        let mut tally = Tally::default();
        for (i, dirt) in Dirt::ALL.into_iter().enumerate() {
            assert_eq!(dirt as usize, i);
            for _ in 0..=i {
                tally.add(dirt);
            }
        }
        for (i, dirt) in Dirt::ALL.into_iter().enumerate() {
            assert_eq!(tally.count(dirt), i as u64 + 1, "{}", dirt.key());
        }
        let mut keys: Vec<_> = Dirt::ALL.iter().map(|d| d.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Dirt::ALL.len());
    }

    #[test]
    fn a_truncated_object_is_never_json() {
        let mut rng = Rng::from_parts(&[5]);
        let whole = br#"{"event_id":"x","payload":"{\"a\":1}","n":[1,{"b":null}]}"#;
        for _ in 0..500 {
            let mut line = whole.to_vec();
            truncate(&mut line, &mut rng);
            assert!(line.len() < whole.len() && !line.is_empty());
            assert!(serde_json::from_slice::<serde_json::Value>(&line).is_err(), "{}", String::from_utf8_lossy(&line));
        }
    }
}
