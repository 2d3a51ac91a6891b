use std::sync::Arc;

use super::*;

struct Keys {
    _dir: tempfile::TempDir,
    keyring: Arc<LocalKeyring>,
}

fn keys() -> Keys {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(LocalKeyring::new(dir.path().join("keyring.json")));
    Keys { _dir: dir, keyring }
}

fn seal(keys: &Keys, domain: &str, value: &str, mode: Encryption) -> String {
    Sealer::new(domain, Some(keys.keyring.clone())).seal(value, mode).unwrap().to_owned()
}

fn open(keys: &Keys, domain: &str, token: &str) -> Result<String, CryptoError> {
    Opener::new(domain, Some(keys.keyring.clone())).open(token, Encryption::Randomized).map(str::to_owned)
}

#[test]
fn values_round_trip_in_both_modes_and_tokens_hide_them() {
    let keys = keys();
    for value in ["jane.doe@example.com", "", "Zoë Ünïcode 🦀", &"x".repeat(5000)] {
        for mode in Encryption::ALL {
            let token = seal(&keys, "sales", value, mode);
            assert_eq!(token_mode(&token), Some(mode));
            assert!(value.is_empty() || !token.contains(value), "a token never holds its value");
            assert_eq!(open(&keys, "sales", &token).unwrap(), value);
        }
    }
}

#[test]
fn randomized_tokens_differ_and_deterministic_ones_repeat() {
    let keys = keys();
    let mut sealer = Sealer::new("sales", Some(keys.keyring.clone()));
    let first = sealer.seal("jane@example.com", Encryption::Randomized).unwrap().to_owned();
    assert_ne!(sealer.seal("jane@example.com", Encryption::Randomized).unwrap(), first);
    let first = sealer.seal("jane@example.com", Encryption::Deterministic).unwrap().to_owned();
    assert_eq!(sealer.seal("jane@example.com", Encryption::Deterministic).unwrap(), first);
    assert_ne!(sealer.seal("john@example.com", Encryption::Deterministic).unwrap(), first);
    // Hundreds of nonces come from one fill of the pool; they must not repeat across refills.
    let tokens: std::collections::HashSet<String> =
        (0..1000).map(|_| sealer.seal("same", Encryption::Randomized).unwrap().to_owned()).collect();
    assert_eq!(tokens.len(), 1000);
}

#[test]
fn a_changed_character_fails_authentication_and_names_the_key() {
    let keys = keys();
    let token = seal(&keys, "sales", "jane@example.com", Encryption::Randomized);
    let mut changed = token.into_bytes();
    let last = changed.len() - 3;
    changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
    let changed = String::from_utf8(changed).unwrap();
    assert_eq!(
        open(&keys, "sales", &changed).unwrap_err().to_string(),
        "fails authentication with data key sales v1: the stored ciphertext was changed after it was written, so \
         the record is not returned"
    );
}

#[test]
fn a_value_of_another_domain_does_not_open() {
    let keys = keys();
    let token = seal(&keys, "sales", "jane@example.com", Encryption::Randomized);
    // marketing has its own key, so the fingerprint already differs.
    seal(&keys, "marketing", "x", Encryption::Randomized);
    assert!(matches!(open(&keys, "marketing", &token), Err(CryptoError::WrongKey { .. })));
}

/// One data key for every domain: a provider that got its domains wrong.
struct OneKeyForAll(DataKey);

impl KeyProvider for OneKeyForAll {
    fn describe(&self) -> String {
        "one key for all".into()
    }
    fn current_key(&self, _: &str) -> Result<DataKey, CryptoError> {
        Ok(self.0.clone())
    }
    fn key(&self, _: &str, _: u32) -> Result<DataKey, CryptoError> {
        Ok(self.0.clone())
    }
    fn key_versions(&self, _: &str) -> Result<Vec<u32>, CryptoError> {
        Ok(vec![1])
    }
}

#[test]
fn a_value_moved_to_another_domain_fails_authentication_even_under_the_same_key() {
    let provider: Arc<dyn KeyProvider> = Arc::new(OneKeyForAll(keys().keyring.current_key("sales").unwrap()));
    for mode in Encryption::ALL {
        let token = Sealer::new("sales", Some(provider.clone())).seal("jane@example.com", mode).unwrap().to_owned();
        let mut opener = Opener::new("sales", Some(provider.clone()));
        assert_eq!(opener.open(&token, mode).unwrap(), "jane@example.com");
        // The key and its fingerprint match; only the domain bound into the value does not.
        let moved = Opener::new("marketing", Some(provider.clone())).open(&token, mode).map(str::to_owned);
        assert_eq!(moved, Err(CryptoError::Tampered { domain: "marketing".into(), version: 1 }), "{mode:?}");
    }
}

#[test]
fn another_keyring_is_a_wrong_key_and_a_rotation_keeps_old_values_readable() {
    let keys = keys();
    let old = seal(&keys, "sales", "before", Encryption::Randomized);
    assert_eq!(keys.keyring.rotate("sales").unwrap(), 2);
    let new = seal(&keys, "sales", "after", Encryption::Deterministic);
    assert!(new.starts_with("mesh1.d.2."), "{new}");
    let mut opener = Opener::new("sales", Some(keys.keyring.clone()));
    assert_eq!(opener.open(&old, Encryption::Randomized).unwrap(), "before");
    assert_eq!(opener.open(&new, Encryption::Randomized).unwrap(), "after");

    let other = self::keys();
    other.keyring.current_key("sales").unwrap();
    let error = open(&other, "sales", &old).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "was encrypted with another data key sales v1 than the one in keyring {}: use the keyring the data was \
             written with (MESH_KEYRING)",
            other.keyring.path().display()
        )
    );
    assert!(matches!(open(&other, "sales", &new), Err(CryptoError::MissingKey { version: 2, .. })));
}

#[test]
fn plaintext_is_not_ciphertext_and_redaction_needs_no_key() {
    let keys = keys();
    assert_eq!(
        Opener::new("sales", Some(keys.keyring.clone()))
            .open("jane@example.com", Encryption::Deterministic)
            .unwrap_err(),
        CryptoError::NotCiphertext { expected: Encryption::Deterministic }
    );
    let token = seal(&keys, "sales", "jane@example.com", Encryption::Randomized);
    let mut redacting = Opener::redacting("sales");
    assert_eq!(redacting.open(&token, Encryption::Randomized).unwrap(), REDACTED);
    assert!(redacting.open("jane@example.com", Encryption::Randomized).is_err(), "plaintext is never shown");
    // Shaped like a token but not base64 inside: no ciphertext, whatever it holds.
    let shaped = format!("mesh1.r.1.0a1b2c3d.{}", "jane@example.com.".repeat(3));
    assert_eq!(
        redacting.open(&shaped, Encryption::Randomized),
        Err(CryptoError::NotCiphertext { expected: Encryption::Randomized })
    );
}
