//! Every attribute key the macros accept, in one place.

pub const DOMAIN: &str = "domain";
pub const NAME: &str = "name";
pub const VERSION: &str = "version";
pub const OWNER: &str = "owner";
pub const LAYER: &str = "layer";
pub const DESCRIPTION: &str = "description";
pub const SUPPORT: &str = "support";
pub const TAGS: &str = "tags";
pub const SLA: &str = "sla";
pub const FRESHNESS: &str = "freshness";
pub const AVAILABILITY: &str = "availability";
pub const QUALITY_SCORE: &str = "quality_score";
pub const ACCESS: &str = "access";
pub const READ: &str = "read";
pub const AUTHENTICATION: &str = "authentication";
pub const VISIBILITY: &str = "visibility";
pub const INPUTS: &str = "inputs";
pub const COMPATIBILITY: &str = "compatibility";
pub const DEPRECATED: &str = "deprecated";

pub const PRODUCT_KEYS: &[&str] = &[
    DOMAIN,
    NAME,
    VERSION,
    OWNER,
    LAYER,
    DESCRIPTION,
    SUPPORT,
    TAGS,
    SLA,
    ACCESS,
    VISIBILITY,
    INPUTS,
    COMPATIBILITY,
    DEPRECATED,
];
pub const SLA_KEYS: &[&str] = &[FRESHNESS, AVAILABILITY, QUALITY_SCORE];
pub const ACCESS_KEYS: &[&str] = &[READ, AUTHENTICATION];

// Field and type attributes.
pub const PII: &str = "pii";
pub const AVRO: &str = "avro";
pub const ENCRYPTED: &str = "encrypted";
pub const RENAME: &str = "rename";
pub const ALIASES: &str = "aliases";
pub const DEFAULT: &str = "default";
pub const NAMESPACE: &str = "namespace";

pub const FIELD_AVRO_KEYS: &[&str] = &[RENAME, ALIASES, DEFAULT];
pub const TYPE_AVRO_KEYS: &[&str] = &[NAME, NAMESPACE, ALIASES];
pub const VARIANT_AVRO_KEYS: &[&str] = &[RENAME, DEFAULT];
