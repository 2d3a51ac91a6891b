//! Every attribute key the macros accept, in one place.

use mesh_model::keys;

pub const DOMAIN: &str = "domain";
pub const NAME: &str = "name";
pub const VERSION: &str = "version";
pub const OWNER: &str = "owner";
pub const LAYER: &str = "layer";
pub const DESCRIPTION: &str = "description";
pub const SUPPORT: &str = "support";
pub const TAGS: &str = "tags";
pub const SLA: &str = "sla";
pub const EVENT_TIME: &str = "event_time";
pub const FRESHNESS: &str = "freshness";
pub const AVAILABILITY: &str = "availability";
pub const ACCESS: &str = "access";
pub const READ: &str = "read";
pub const VISIBILITY: &str = "visibility";
pub const INPUTS: &str = "inputs";
pub const COMPATIBILITY: &str = "compatibility";
pub const QUALITY: &str = "quality";

// The accepted keys come from the one key table, which the reference docs are generated from.
pub const PRODUCT_KEYS: &[&str] = &keys::names::<{ keys::PRODUCT_KEYS.len() }>(keys::PRODUCT_KEYS);
pub const SLA_KEYS: &[&str] = &keys::names::<{ keys::SLA_KEYS.len() }>(keys::SLA_KEYS);
pub const ACCESS_KEYS: &[&str] = &keys::names::<{ keys::ACCESS_KEYS.len() }>(keys::ACCESS_KEYS);

// Field and type attributes.
pub const PII: &str = "pii";
pub const AVRO: &str = "avro";
pub const ENCRYPTED: &str = "encrypted";
pub const DETERMINISTIC: &str = "deterministic";
pub const RENAME: &str = "rename";
pub const ALIASES: &str = "aliases";
pub const DEFAULT: &str = "default";
pub const NAMESPACE: &str = "namespace";

pub const FIELD_AVRO_KEYS: &[&str] = &[RENAME, ALIASES, DEFAULT];
pub const TYPE_AVRO_KEYS: &[&str] = &[NAME, NAMESPACE, ALIASES];
pub const VARIANT_AVRO_KEYS: &[&str] = &[RENAME, DEFAULT];

#[cfg(test)]
mod tests {
    use super::*;

    /// The constants the parser matches on are the table's keys, in its order; each list's last
    /// key is the parser's catch-all arm.
    #[test]
    fn the_matched_keys_are_the_key_table() {
        let matched = [
            DOMAIN,
            NAME,
            VERSION,
            OWNER,
            LAYER,
            DESCRIPTION,
            SUPPORT,
            TAGS,
            SLA,
            EVENT_TIME,
            ACCESS,
            VISIBILITY,
            INPUTS,
            COMPATIBILITY,
            QUALITY,
            "deprecated",
        ];
        assert_eq!(PRODUCT_KEYS, matched);
        assert_eq!(SLA_KEYS, [FRESHNESS, AVAILABILITY, "quality_score"]);
        assert_eq!(ACCESS_KEYS, [READ, "authentication"]);
    }
}
