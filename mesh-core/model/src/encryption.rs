//! How a personal-data field is encrypted at rest: the mode a declaration picks and the schema
//! properties that tell every reader of a file how each field was stored.

use std::fmt;

/// The field property naming a field's cipher, e.g. `"mesh.encryption": "AES-256-GCM-SIV"`.
pub const ENCRYPTION_PROPERTY: &str = "mesh.encryption";
/// The field property naming whose keys encrypt a field, e.g. `"mesh.key": "domain:sales"`.
pub const KEY_PROPERTY: &str = "mesh.key";
/// How the value of [`KEY_PROPERTY`] names a domain's keys: `domain:<domain>`.
pub const DOMAIN_KEY_PREFIX: &str = "domain:";

/// How a field's values are encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encryption {
    /// AES-256-GCM-SIV with a random nonce per value: equal values give different ciphertexts.
    Randomized,
    /// AES-256-SIV: equal values give equal ciphertexts, so the field can still be joined or
    /// grouped on; it leaks which values are equal.
    Deterministic,
}

impl Encryption {
    /// Both modes.
    pub const ALL: [Encryption; 2] = [Encryption::Randomized, Encryption::Deterministic];

    /// The cipher, as the `mesh.encryption` property names it.
    pub const fn algorithm(self) -> &'static str {
        match self {
            Self::Randomized => "AES-256-GCM-SIV",
            Self::Deterministic => "AES-256-SIV",
        }
    }

    /// `randomized` or `deterministic`, as declarations and contracts say it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Randomized => "randomized",
            Self::Deterministic => "deterministic",
        }
    }

    /// The mode whose cipher is `algorithm`.
    pub fn from_algorithm(algorithm: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.algorithm() == algorithm)
    }

    /// The mode named `name` (`randomized`, `deterministic`).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.name() == name)
    }
}

impl fmt::Display for Encryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// How one field of a schema is encrypted: its mode and whose keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldEncryption {
    /// The mode (and so the cipher).
    pub mode: Encryption,
    /// Whose data keys, `domain:<domain>` (each value names its key version).
    pub key: String,
}

impl FieldEncryption {
    /// A field of `domain` encrypted in `mode`.
    pub fn for_domain(mode: Encryption, domain: &str) -> Self {
        Self { mode, key: format!("{DOMAIN_KEY_PREFIX}{domain}") }
    }

    /// The domain whose keys encrypt the field, if the key names one.
    pub fn domain(&self) -> Option<&str> {
        domain_of_key(&self.key)
    }
}

/// The domain a [`KEY_PROPERTY`] value names, if it names one.
pub fn domain_of_key(key: &str) -> Option<&str> {
    key.strip_prefix(DOMAIN_KEY_PREFIX).filter(|domain| !domain.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip_through_their_algorithm_and_name() {
        for mode in Encryption::ALL {
            assert_eq!(Encryption::from_algorithm(mode.algorithm()), Some(mode));
            assert_eq!(Encryption::from_name(mode.name()), Some(mode));
        }
        assert_eq!(Encryption::from_algorithm("AES-128-GCM"), None);
        assert_eq!(FieldEncryption::for_domain(Encryption::Randomized, "sales").domain(), Some("sales"));
        assert_eq!(FieldEncryption { mode: Encryption::Randomized, key: "kms:x".into() }.domain(), None);
    }
}
