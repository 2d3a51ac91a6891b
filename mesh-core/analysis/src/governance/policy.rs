//! The built-in global policies: one entry per rule with a stable code, a
//! name, a one-line purpose and a default level (like buf's rule table).

use std::fmt;

use crate::diagnostic::Severity;

/// How strictly a policy is enforced; ordered from lax to strict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not checked.
    Off,
    /// Reported, does not fail the check.
    Warning,
    /// Fails the check.
    Error,
}

impl Level {
    /// Parses `off`, `warning` or `error`.
    ///
    /// # Errors
    /// Names the accepted levels.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "off" => Ok(Level::Off),
            "warning" => Ok(Level::Warning),
            "error" => Ok(Level::Error),
            other => Err(format!("unknown level `{other}`: expected \"error\", \"warning\" or \"off\"")),
        }
    }

    /// The severity of a diagnostic at this level; `None` when off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Off => "off",
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}

/// A built-in global policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Policy {
    /// Every PII field is encrypted at rest.
    PiiEncryptedAtRest,
    /// Every product has a valid owner address and a support channel.
    Ownership,
    /// Published products declare a complete SLA.
    PublishedSla,
    /// Published products document themselves and every field.
    PublishedDocs,
    /// No product promises fresher data than its inputs deliver.
    FreshnessLineage,
    /// No product promises higher availability than its inputs offer.
    AvailabilityLineage,
    /// Domains, products and fields are named in snake case.
    SnakeCaseNames,
    /// Product names match their layer.
    LayerNames,
    /// A PII field copied from an input stays classified.
    PiiLineage,
}

/// What a policy is: its stable code, name, purpose and default level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyInfo {
    /// The policy.
    pub policy: Policy,
    /// Stable diagnostic code, e.g. `MESH0101`.
    pub code: &'static str,
    /// Stable name used in `mesh.toml`, e.g. `pii-encrypted-at-rest`.
    pub name: &'static str,
    /// One line: what the policy demands and why.
    pub purpose: &'static str,
    /// The level when `mesh.toml` says nothing.
    pub default_level: Level,
}

/// Every built-in policy, in code order.
pub const POLICIES: &[PolicyInfo] = &[
    PolicyInfo {
        policy: Policy::PiiEncryptedAtRest,
        code: "MESH0101",
        name: "pii-encrypted-at-rest",
        purpose: "Every field classified as PII, in the product or in a nested record, is encrypted at rest.",
        default_level: Level::Error,
    },
    PolicyInfo {
        policy: Policy::Ownership,
        code: "MESH0102",
        name: "ownership",
        purpose: "Every product has an owning team with a valid address and a support channel.",
        default_level: Level::Error,
    },
    PolicyInfo {
        policy: Policy::PublishedSla,
        code: "MESH0103",
        name: "published-sla",
        purpose: "Published products (gold, or visible outside their domain) declare freshness, availability and quality score.",
        default_level: Level::Error,
    },
    PolicyInfo {
        policy: Policy::PublishedDocs,
        code: "MESH0104",
        name: "published-docs",
        purpose: "Published products document the product and every field, nested records' fields included.",
        default_level: Level::Error,
    },
    PolicyInfo {
        policy: Policy::FreshnessLineage,
        code: "MESH0105",
        name: "sla-freshness-lineage",
        purpose: "A product cannot promise fresher data than its inputs deliver.",
        default_level: Level::Error,
    },
    PolicyInfo {
        policy: Policy::AvailabilityLineage,
        code: "MESH0106",
        name: "sla-availability-lineage",
        purpose: "A product cannot promise higher availability than its inputs offer.",
        default_level: Level::Error,
    },
    PolicyInfo {
        policy: Policy::SnakeCaseNames,
        code: "MESH0107",
        name: "snake-case-names",
        purpose: "Domains, products and fields (nested records' too) are named in lower snake case.",
        default_level: Level::Error,
    },
    PolicyInfo {
        policy: Policy::LayerNames,
        code: "MESH0108",
        name: "layer-names",
        purpose: "Bronze product names end in `_raw`; `_raw` names are bronze and `_cleaned` names are silver.",
        default_level: Level::Warning,
    },
    PolicyInfo {
        policy: Policy::PiiLineage,
        code: "MESH0109",
        name: "pii-classification-kept",
        purpose: "A field copied from an input's PII field keeps a classification at least as strict.",
        default_level: Level::Error,
    },
];

impl Policy {
    /// Every policy, in code order.
    pub fn all() -> impl Iterator<Item = Policy> {
        POLICIES.iter().map(|info| info.policy)
    }

    /// The policy's entry in [`POLICIES`].
    pub fn info(self) -> &'static PolicyInfo {
        &POLICIES[self as usize]
    }

    /// The policy with code (`MESH0101`) or name (`pii-encrypted-at-rest`) `key`.
    pub fn find(key: &str) -> Option<Policy> {
        POLICIES.iter().find(|info| info.code == key || info.name == key).map(|info| info.policy)
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.info().name, self.info().code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_enum_order_with_unique_codes_and_names() {
        for (position, info) in POLICIES.iter().enumerate() {
            assert_eq!(info.policy as usize, position, "{}", info.name);
            assert_eq!(Policy::find(info.code), Some(info.policy));
            assert_eq!(Policy::find(info.name), Some(info.policy));
            assert!(info.code.starts_with("MESH01") && info.code.len() == 8, "{}", info.code);
        }
        assert_eq!(Policy::find("no-such-policy"), None);
    }
}
