//! The built-in global policies: one entry per rule with its diagnostic code
//! and a default level (like buf's rule table). The code's entry in the one
//! table of codes ([`crate::diagnostic::codes`]) gives its stable name and purpose.

use std::fmt;

use crate::diagnostic::{Code, Severity};

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
    /// Fields declared encrypted hold ciphertext at rest.
    PiiStoredEncrypted,
    /// Personal data at rest is in fields classified as PII.
    PersonalDataClassified,
    /// Every file at rest belongs to a product.
    DataFilesKnown,
    /// Every file at rest can be read.
    DataFilesReadable,
}

/// What a policy is checked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The declarations, by `cargo xtask check` on every change.
    Declarations,
    /// The data at rest, by `cargo xtask scan` over the lakehouse's files.
    DataAtRest,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Scope::Declarations => "check",
            Scope::DataAtRest => "scan",
        })
    }
}

/// What a policy is: its diagnostic code (with the stable name and purpose) and default level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyInfo {
    /// The policy.
    pub policy: Policy,
    /// Its diagnostic code, e.g. `MESH0101`.
    pub code: Code,
    /// The level when `mesh.toml` says nothing.
    pub default_level: Level,
    /// What it is checked on, and so by which command.
    pub scope: Scope,
}

impl PolicyInfo {
    /// Stable name used in `mesh.toml`, e.g. `pii-encrypted-at-rest`.
    pub const fn name(&self) -> &'static str {
        self.code.name()
    }

    /// One line: what the policy demands and why.
    pub const fn purpose(&self) -> &'static str {
        self.code.purpose()
    }
}

/// Every built-in policy, in code order.
pub const POLICIES: &[PolicyInfo] = &[
    declarations(Policy::PiiEncryptedAtRest, Code::PiiEncryptedAtRest, Level::Error),
    declarations(Policy::Ownership, Code::Ownership, Level::Error),
    declarations(Policy::PublishedSla, Code::PublishedSla, Level::Error),
    declarations(Policy::PublishedDocs, Code::PublishedDocs, Level::Error),
    declarations(Policy::FreshnessLineage, Code::SlaFreshnessLineage, Level::Error),
    declarations(Policy::AvailabilityLineage, Code::SlaAvailabilityLineage, Level::Error),
    declarations(Policy::SnakeCaseNames, Code::SnakeCaseNames, Level::Error),
    declarations(Policy::LayerNames, Code::LayerNames, Level::Warning),
    declarations(Policy::PiiLineage, Code::PiiClassificationKept, Level::Error),
    data_at_rest(Policy::PiiStoredEncrypted, Code::PiiStoredEncrypted, Level::Error),
    data_at_rest(Policy::PersonalDataClassified, Code::PersonalDataClassified, Level::Error),
    // A stray or damaged file is reported without failing the scan: it may be a copy left behind.
    data_at_rest(Policy::DataFilesKnown, Code::DataFilesKnown, Level::Warning),
    data_at_rest(Policy::DataFilesReadable, Code::DataFilesReadable, Level::Warning),
];

const fn declarations(policy: Policy, code: Code, default_level: Level) -> PolicyInfo {
    PolicyInfo { policy, code, default_level, scope: Scope::Declarations }
}

const fn data_at_rest(policy: Policy, code: Code, default_level: Level) -> PolicyInfo {
    PolicyInfo { policy, code, default_level, scope: Scope::DataAtRest }
}

impl Policy {
    /// The policies checked on `scope`, in code order.
    pub fn of(scope: Scope) -> impl Iterator<Item = Policy> {
        POLICIES.iter().filter(move |info| info.scope == scope).map(|info| info.policy)
    }

    /// The policy's entry in [`POLICIES`].
    pub fn info(self) -> &'static PolicyInfo {
        &POLICIES[self as usize]
    }

    /// The policy with code (`MESH0101`) or name (`pii-encrypted-at-rest`) `key`.
    pub fn find(key: &str) -> Option<Policy> {
        POLICIES.iter().find(|info| info.code == key || info.name() == key).map(|info| info.policy)
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.info().name(), self.info().code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::CodeSeverity;

    #[test]
    fn the_table_is_in_enum_order_with_unique_codes_and_names() {
        let policy_codes = Code::ALL.iter().filter(|code| code.severity() == CodeSeverity::Policy);
        assert!(policy_codes.eq(POLICIES.iter().map(|info| &info.code)), "every policy code has a policy, in order");
        for (position, info) in POLICIES.iter().enumerate() {
            assert_eq!(info.policy as usize, position, "{}", info.name());
            assert_eq!(Policy::find(info.code.as_str()), Some(info.policy));
            assert_eq!(Policy::find(info.name()), Some(info.policy));
            assert_eq!(info.code.severity(), CodeSeverity::Policy, "{}", info.code);
        }
        assert_eq!(Policy::find("no-such-policy"), None);
    }
}
