//! Every diagnostic code of the mesh, in one table: its stable code, its
//! severity, a stable name and a one-line purpose (like rustc's error index).
//!
//! Codes are grouped by what reports them: `MESH00xx` the lineage graph and
//! the schemas, `MESH01xx` the governance policies, `MESH02xx` `mesh.toml`
//! itself, `MESH10xx` schema evolution against the published baseline. A code
//! is never reused for another meaning: tools and CI configurations match on it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Severity;

/// How severe the diagnostics of a code are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeSeverity {
    /// Always an error: fails the check.
    Error,
    /// Always a warning: reported, does not fail the check.
    Warning,
    /// A governance policy: the level `mesh.toml` sets for the domain (defaults in
    /// [`POLICIES`](crate::governance::POLICIES)).
    Policy,
}

impl CodeSeverity {
    /// The severity of every diagnostic of the code; `None` for a policy, whose level is configured.
    pub const fn fixed(self) -> Option<Severity> {
        match self {
            CodeSeverity::Error => Some(Severity::Error),
            CodeSeverity::Warning => Some(Severity::Warning),
            CodeSeverity::Policy => None,
        }
    }
}

impl fmt::Display for CodeSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            CodeSeverity::Error => "error",
            CodeSeverity::Warning => "warning",
            CodeSeverity::Policy => "policy",
        })
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident, $name:literal, $purpose:literal;)+) => {
        /// A diagnostic code: every [`Diagnostic`](super::Diagnostic) is created with one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)+
        }

        impl Code {
            /// Every code, in code order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The stable code, e.g. `MESH0003`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)+
                }
            }

            /// How severe its diagnostics are.
            pub const fn severity(self) -> CodeSeverity {
                match self {
                    $(Code::$variant => CodeSeverity::$severity,)+
                }
            }

            /// The stable kebab-case name, e.g. `unsatisfied-requirement`; a policy's name in `mesh.toml`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)+
                }
            }

            /// What the code reports, in one line.
            pub const fn purpose(self) -> &'static str {
                match self {
                    $(Code::$variant => $purpose,)+
                }
            }
        }
    };
}

codes! {
    // The lineage graph (`lineage`) and the schemas (built by the front end).
    /// Two declarations share one product id.
    DuplicateProduct = "MESH0001", Error, "duplicate-product",
        "Two declarations share one product id (reported on the second, naming the first).";
    /// An input names no product of the mesh.
    UnknownInput = "MESH0002", Error, "unknown-input",
        "An input names no product of the mesh (with a did-you-mean for typos).";
    /// The producer's version does not satisfy the input's requirement.
    UnsatisfiedRequirement = "MESH0003", Error, "unsatisfied-requirement",
        "The producer's version does not satisfy the input's semver requirement.";
    /// Products feed each other in a cycle.
    DependencyCycle = "MESH0004", Error, "dependency-cycle",
        "Products feed each other in a cycle, reported as its full path `a -> b -> c -> a`.";
    /// An input flows against the lakehouse layers.
    LayerFlow = "MESH0005", Error, "layer-flow",
        "An input flows against the layers: bronze reads no products, silver reads bronze or silver, gold reads silver or gold.";
    /// A cross-domain input the producer's visibility does not admit.
    NotVisible = "MESH0006", Error, "not-visible",
        "A cross-domain input that the producer's visibility does not admit.";
    /// A version or requirement that is not valid semver.
    InvalidVersion = "MESH0007", Error, "invalid-version",
        "A version or requirement that is not valid semver.";
    /// The product's Avro schema cannot be built (reported by the front end, which builds the schemas).
    SchemaNotBuilt = "MESH0008", Error, "schema-not-built",
        "A product's Avro schema cannot be built (e.g. two nested types share one full name).";

    // The governance policies (`governance::POLICIES` holds their default levels).
    /// Policy `pii-encrypted-at-rest`.
    PiiEncryptedAtRest = "MESH0101", Policy, "pii-encrypted-at-rest",
        "Every field classified as PII, in the product or in a nested record, is encrypted at rest.";
    /// Policy `ownership`.
    Ownership = "MESH0102", Policy, "ownership",
        "Every product has an owning team with a valid address and a support channel.";
    /// Policy `published-sla`.
    PublishedSla = "MESH0103", Policy, "published-sla",
        "Published products (gold, or visible outside their domain) declare freshness, availability and quality score.";
    /// Policy `published-docs`.
    PublishedDocs = "MESH0104", Policy, "published-docs",
        "Published products document the product and every field, nested records' fields included.";
    /// Policy `sla-freshness-lineage`.
    SlaFreshnessLineage = "MESH0105", Policy, "sla-freshness-lineage",
        "A product cannot promise fresher data than its inputs deliver.";
    /// Policy `sla-availability-lineage`.
    SlaAvailabilityLineage = "MESH0106", Policy, "sla-availability-lineage",
        "A product cannot promise higher availability than its inputs offer.";
    /// Policy `snake-case-names`.
    SnakeCaseNames = "MESH0107", Policy, "snake-case-names",
        "Domains, products and fields (nested records' too) are named in lower snake case.";
    /// Policy `layer-names`.
    LayerNames = "MESH0108", Policy, "layer-names",
        "Bronze product names end in `_raw`; `_raw` names are bronze and `_cleaned` names are silver.";
    /// Policy `pii-classification-kept`.
    PiiClassificationKept = "MESH0109", Policy, "pii-classification-kept",
        "A field copied from an input's PII field keeps a classification at least as strict.";
    /// Policy `pii-stored-encrypted`, checked on data at rest by `cargo xtask scan`.
    PiiStoredEncrypted = "MESH0110", Policy, "pii-stored-encrypted",
        "Data at rest (`cargo xtask scan`): every stored value of a field declared encrypted is ciphertext of the declared kind.";
    /// Policy `personal-data-classified`, checked on data at rest by `cargo xtask scan`.
    PersonalDataClassified = "MESH0111", Policy, "personal-data-classified",
        "Data at rest (`cargo xtask scan`): values that look like personal data (emails, E.164 phone numbers, IBANs, payment card numbers, IP addresses) are stored only in fields classified as PII.";
    /// Policy `data-files-known`, checked on data at rest by `cargo xtask scan`.
    DataFilesKnown = "MESH0112", Policy, "data-files-known",
        "Data at rest (`cargo xtask scan`): every Avro file belongs to a product of the mesh (its `mesh.product`, or its schema's fingerprint).";
    /// Policy `data-files-readable`, checked on data at rest by `cargo xtask scan`.
    DataFilesReadable = "MESH0113", Policy, "data-files-readable",
        "Data at rest (`cargo xtask scan`): every Avro file can be read to its end.";

    // `mesh.toml` itself (`governance::MeshConfig`); never waived.
    /// `mesh.toml` is not valid.
    InvalidConfig = "MESH0201", Error, "invalid-config",
        "`mesh.toml` is not valid: syntax, unknown keys, unknown policies or levels, a policy set twice in one table.";
    /// A waiver that cannot apply.
    InvalidWaiver = "MESH0202", Error, "invalid-waiver",
        "A waiver lacks a domain, policy, reason or expiry date, names an unknown policy, or repeats another waiver.";
    /// A waiver's expiry date has passed.
    ExpiredWaiver = "MESH0203", Error, "expired-waiver",
        "A waiver's expiry date has passed: it no longer excuses anything.";
    /// A domain's local policy is laxer than the global one.
    LaxLocalPolicy = "MESH0204", Error, "lax-local-policy",
        "A domain's local policy is laxer than the global one.";
    /// A waiver that waives nothing.
    UnusedWaiver = "MESH0205", Warning, "unused-waiver",
        "A waiver waives nothing: remove it, so the policy protects the domain again.";
    /// Local policies for a domain with no product.
    UnknownDomain = "MESH0206", Warning, "unknown-domain",
        "Local policies for a domain that has no product in the mesh (a typo of a domain's name, or a removed domain).";

    // Schema evolution against the published baseline (`evolution`).
    /// The published baseline cannot be read.
    UnreadableBaseline = "MESH1000", Error, "unreadable-baseline",
        "The baseline under `contracts/` is missing a file or unreadable.";
    /// `contracts/` differs from what the code publishes.
    ContractsOutOfDate = "MESH1001", Error, "contracts-out-of-date",
        "`contracts/` differs from what the code publishes: run `cargo xtask publish`.";
    /// The version is lower than the published one.
    VersionLowered = "MESH1002", Error, "version-lowered",
        "The version is lower than the published one.";
    /// The schema or contract changed under the published version.
    ChangedUnderPublishedVersion = "MESH1003", Error, "changed-under-published-version",
        "The schema or contract changed under the published version.";
    /// A breaking change without a new major version.
    BreakingWithoutMajor = "MESH1004", Error, "breaking-without-major",
        "A breaking change without a new major version (lists every change and the consumers).";
    /// A compatible change without a new minor version.
    CompatibleWithoutMinor = "MESH1005", Error, "compatible-without-minor",
        "A compatible schema change without at least a new minor version.";
    /// A product is not published yet.
    NotPublished = "MESH1006", Error, "not-published",
        "A product is not published yet: run `cargo xtask publish`.";
    /// A published product was removed before its deprecation date passed.
    RemovedTooEarly = "MESH1007", Error, "removed-too-early",
        "A published product was removed without being deprecated first, or before its deprecation date passed.";
    /// A new major version that some consumers' requirements no longer admit.
    NewMajorVersion = "MESH1008", Warning, "new-major-version",
        "A new major version: lists the consumers whose requirement it no longer satisfies.";
    /// A deprecated product still consumed.
    DeprecatedStillConsumed = "MESH1009", Warning, "deprecated-still-consumed",
        "A product is deprecated while products still consume it.";
    /// No published baseline to compare with (reported by the front end and the evolution checks).
    NoBaseline = "MESH1010", Warning, "no-baseline",
        "The workspace, or the compared git ref, has no published baseline yet: evolution is not checked.";
    /// A product's generated schema cannot be read back for comparison.
    UnreadableSchema = "MESH1011", Error, "unreadable-schema",
        "A product's generated schema cannot be read back as Avro to compare it.";
}

impl Code {
    /// The code written `code` (`MESH0003`), if there is one.
    pub fn find(code: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

// Ordered as their text, so sorting diagnostics by code orders them as the rendered codes read.
impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Code {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

// Serialized as the code itself, as JSON reports always showed it.
impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Code::find(&text).ok_or_else(|| serde::de::Error::custom(format!("unknown diagnostic code `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_in_order_and_every_code_has_a_name_and_a_purpose() {
        for pair in Code::ALL.windows(2) {
            assert!(pair[0].as_str() < pair[1].as_str(), "{} then {}: unique and in code order", pair[0], pair[1]);
        }
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len(), "names are unique");
        for code in Code::ALL {
            let text = code.as_str();
            assert!(
                text.len() == 8 && text.starts_with("MESH") && text[4..].bytes().all(|b| b.is_ascii_digit()),
                "{text}"
            );
            assert!(
                !code.name().is_empty()
                    && code.name().split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{text}: kebab-case name `{}`",
                code.name()
            );
            let purpose = code.purpose();
            assert!(purpose.ends_with('.') && !purpose.contains('\n'), "{text}: one-line purpose");
            assert!(purpose.starts_with(|c: char| c.is_uppercase() || c == '`'), "{text}: a sentence");
            assert_eq!(Code::find(text), Some(*code));
            // Only the policies have a configured level, and every policy code is one.
            assert_eq!(code.severity() == CodeSeverity::Policy, text.starts_with("MESH01"), "{text}");
        }
        assert_eq!(Code::find("MESH9999"), None);
    }

    #[test]
    fn a_code_serializes_as_its_text_and_orders_as_it() {
        assert_eq!(serde_json::to_string(&Code::NoBaseline).unwrap(), "\"MESH1010\"");
        assert_eq!(serde_json::from_str::<Code>("\"MESH0003\"").unwrap(), Code::UnsatisfiedRequirement);
        assert!(serde_json::from_str::<Code>("\"MESH0000\"").is_err());
        assert!(Code::SchemaNotBuilt < Code::PiiEncryptedAtRest);
        assert_eq!(format!("[{:<10}]", Code::LayerFlow), "[MESH0005  ]");
    }
}
