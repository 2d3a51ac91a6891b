//! The compatibility rules: one per kind of change, each with a stable id and
//! a one-line purpose (like buf's breaking-change rules).
//!
//! Schema rules follow the Avro specification's schema-resolution rules in
//! both directions: *backward* (readers using the current schema read data
//! written with the previous one) and *forward* (readers still on the
//! previous schema read data written with the current one). Contract rules
//! catch promises that weaken although the data still resolves, and note
//! those made more precise.

use std::fmt;

/// What a rule compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// Two schemas, by the specification's resolution; which readers it can break.
    Schema(&'static str),
    /// Two contracts: a promise weakened although the data still resolves.
    Contract,
    /// A compatible change, reported for information.
    Information,
    /// Two contracts: a compatible addition to the promises, reported for information.
    ContractInformation,
}

macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $id:literal, $kind:expr, $purpose:literal;)+) => {
        /// A kind of change between two schemas or contracts.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($(#[$doc])* $variant,)+
        }

        impl Rule {
            /// Every rule, in documentation order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            /// The stable id, e.g. `FIELD_REMOVED_WITHOUT_DEFAULT`.
            pub const fn id(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)+
                }
            }

            /// What the rule protects, in one line.
            pub const fn purpose(self) -> &'static str {
                match self {
                    $(Rule::$variant => $purpose,)+
                }
            }

            /// What the rule compares, and for schema rules which readers it can break.
            pub const fn kind(self) -> RuleKind {
                use RuleKind::*;
                match self {
                    $(Rule::$variant => $kind,)+
                }
            }

            /// Whether a change of this kind can break consumers (else it is reported for information).
            pub const fn can_break(self) -> bool {
                !matches!(self.kind(), RuleKind::Information | RuleKind::ContractInformation)
            }

            /// Whether the rule compares contracts rather than schemas.
            pub const fn compares_contracts(self) -> bool {
                matches!(self.kind(), RuleKind::Contract | RuleKind::ContractInformation)
            }
        }
    };
}

rules! {
    /// Backward.
    FieldAddedWithoutDefault = "FIELD_ADDED_WITHOUT_DEFAULT", Schema("backward"),
        "A field added without a default cannot be filled in when reading data written before it existed.";
    /// Forward.
    FieldRemovedWithoutDefault = "FIELD_REMOVED_WITHOUT_DEFAULT", Schema("forward"),
        "A field removed that had no default leaves readers of the previous schema without a value for it.";
    /// Forward: the field got a new name (with an alias), which only new readers understand.
    FieldRenamed = "FIELD_RENAMED", Schema("forward"),
        "A renamed field (alias to its old name) is found by new readers, but readers of the previous schema look for the old name.";
    /// Both directions.
    FieldTypeChanged = "FIELD_TYPE_CHANGED", Schema("both"),
        "A value's type changed to one Avro cannot resolve in either direction (no promotion applies).";
    /// Backward.
    FieldTypeNarrowed = "FIELD_TYPE_NARROWED", Schema("backward"),
        "A type narrowed (e.g. long to int): previous data cannot be read with the narrower type.";
    /// Forward.
    FieldTypeWidened = "FIELD_TYPE_WIDENED", Schema("forward"),
        "A type widened (e.g. int to long): readers of the previous schema cannot read the wider values.";
    /// Both directions; stricter than the specification, whose resolution ignores logical types.
    LogicalTypeChanged = "LOGICAL_TYPE_CHANGED", Schema("both (stricter than the specification, which ignores logical types)"),
        "A logical type became another (e.g. timestamp-millis to timestamp-micros): the bytes resolve but mean something else.";
    /// Both directions (the specification matches decimals only with equal precision and scale).
    DecimalPrecisionChanged = "DECIMAL_PRECISION_CHANGED", Schema("both"),
        "A decimal's precision changed; decimals resolve only when precision and scale are equal.";
    /// Both directions.
    DecimalScaleChanged = "DECIMAL_SCALE_CHANGED", Schema("both"),
        "A decimal's scale changed; the same unscaled bytes would mean another amount.";
    /// Backward.
    EnumSymbolRemovedWithoutDefault = "ENUM_SYMBOL_REMOVED_WITHOUT_DEFAULT", Schema("backward"),
        "An enum symbol removed while the enum has no default: previous data holding it cannot be read.";
    /// Forward.
    EnumSymbolAddedWithoutDefault = "ENUM_SYMBOL_ADDED_WITHOUT_DEFAULT", Schema("forward"),
        "An enum symbol added while the previous enum has no default: readers of the previous schema cannot read it.";
    /// Both directions.
    FixedSizeChanged = "FIXED_SIZE_CHANGED", Schema("both"),
        "A fixed type's size changed; fixed values resolve only with equal sizes.";
    /// Backward without an alias; forward always.
    NameChanged = "NAME_CHANGED", Schema("backward without an alias; forward always"),
        "A record, enum or fixed was renamed: readers match named types by name or by the reader's aliases.";
    /// Backward.
    UnionBranchRemoved = "UNION_BRANCH_REMOVED", Schema("backward"),
        "A union branch was removed (e.g. a field made required): previous data using it cannot be read.";
    /// Forward.
    UnionBranchAdded = "UNION_BRANCH_ADDED", Schema("forward"),
        "A union branch was added (e.g. a field made optional): readers of the previous schema cannot read it.";
    /// Contract.
    PiiClassWeakened = "PII_CLASS_WEAKENED", Contract,
        "A field's personal-data classification was weakened or dropped, so consumers would stop protecting it.";
    /// Contract.
    PiiEncryptionRemoved = "PII_ENCRYPTION_REMOVED", Contract,
        "A personal-data field is no longer encrypted at rest.";
    /// Contract: the typed readers open it, but every other reader of the files now sees ciphertext.
    PiiEncryptionAdded = "PII_ENCRYPTION_ADDED", Contract,
        "A field is now encrypted at rest: other tools and SQL engines reading the files see ciphertext where they saw values, and consumers need the domain's key.";
    /// Contract.
    PiiEncryptionRandomized = "PII_ENCRYPTION_RANDOMIZED", Contract,
        "A field's encryption changed from deterministic to randomized: equal values no longer encrypt equally, so joins, groupings and uniqueness on the stored values stop working.";
    /// Contract.
    SlaFreshnessLoosened = "SLA_FRESHNESS_LOOSENED", Contract,
        "The promised freshness got longer or was dropped; consumers' own freshness promises rely on it.";
    /// Contract: the same duration on another field may promise older data, and the check cannot tell which way.
    SlaFreshnessFieldChanged = "SLA_FRESHNESS_FIELD_CHANGED", Contract,
        "The field the freshness is measured on (`event_time`) changed or was dropped, so the same duration promises something else; consumers' own freshness promises rely on it.";
    /// Contract.
    SlaAvailabilityLowered = "SLA_AVAILABILITY_LOWERED", Contract,
        "The promised availability got lower or was dropped.";
    /// Contract.
    SlaQualityLowered = "SLA_QUALITY_LOWERED", Contract,
        "The promised quality score got lower or was dropped.";
    /// Contract: consumers relied on the rule holding for every version of the series.
    QualityRuleRemoved = "QUALITY_RULE_REMOVED", Contract,
        "A quality rule was removed, so data it rejected may now reach consumers who relied on it.";
    /// Contract.
    QualityRuleLoosened = "QUALITY_RULE_LOOSENED", Contract,
        "A quality rule accepts more than before (a wider range or length, more accepted values, a higher null share, another pattern).";
    /// Contract.
    VisibilityNarrowed = "VISIBILITY_NARROWED", Contract,
        "A domain that could consume the product no longer may.";
    /// Contract.
    AccessChanged = "ACCESS_CHANGED", Contract,
        "The read grant or authentication changed, so consumers' existing access stops working.";
    /// Contract.
    CompatibilityLoosened = "COMPATIBILITY_LOOSENED", Contract,
        "The compatibility mode promises less (e.g. full to backward), so some consumers lose their guarantee.";
    /// Information.
    FieldAddedWithDefault = "FIELD_ADDED_WITH_DEFAULT", Information,
        "A field was added with a default: compatible.";
    /// Information.
    FieldRemovedWithDefault = "FIELD_REMOVED_WITH_DEFAULT", Information,
        "A field was removed that had a default: compatible.";
    /// Information.
    EnumSymbolChangedWithDefault = "ENUM_SYMBOL_CHANGED_WITH_DEFAULT", Information,
        "Enum symbols changed where the reader's enum default absorbs unknown symbols: compatible.";
    /// Information.
    LogicalTypeAnnotationChanged = "LOGICAL_TYPE_ANNOTATION_CHANGED", Information,
        "A logical type was added to or removed from a type (e.g. long to timestamp-millis): resolution ignores it.";
    /// Information.
    TypePromoted = "TYPE_PROMOTED", Information,
        "A type changed along a promotion that works both ways (string and bytes): compatible.";
    /// Information.
    OtherChange = "OTHER_CHANGE", Information,
        "Defaults, aliases or sort order changed without affecting resolution: compatible.";
    /// Information, from the contracts: the promise gets more precise, as a field added with a default does.
    SlaFreshnessFieldAdded = "SLA_FRESHNESS_FIELD_ADDED", ContractInformation,
        "The SLA now names the field its freshness is measured on (`event_time`): compatible.";
    /// Information, from the contracts: one more promise, as a field added with a default is.
    QualityRuleAdded = "QUALITY_RULE_ADDED", ContractInformation,
        "A quality rule was added: consumers get one more promise; compatible.";
    /// Information, from the contracts: what it leaks is the governance's call, not a consumer's break.
    PiiEncryptionMadeDeterministic = "PII_ENCRYPTION_MADE_DETERMINISTIC", ContractInformation,
        "A field's encryption changed from randomized to deterministic: equal values now encrypt equally, so the field can be joined on, and readers of the files can tell which values are equal; compatible.";
    /// Information, from the contracts.
    QualityRuleTightened = "QUALITY_RULE_TIGHTENED", ContractInformation,
        "A quality rule accepts less than before (a narrower range, fewer accepted values, a lower null share): compatible.";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The directions in which a change breaks readers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Breaks {
    /// Readers using the current schema cannot read data written with the previous one.
    pub backward: bool,
    /// Readers using the previous schema cannot read data written with the current one.
    pub forward: bool,
}

/// One change found between a previous and a current schema (or contract).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    /// Which rule found it.
    pub rule: Rule,
    /// Where: `sales.sales_analytics.line_items[].sku`.
    pub path: String,
    /// What was there before and what is there now.
    pub message: String,
    /// Which directions it breaks.
    pub breaks: Breaks,
    /// Whether it breaks the compatibility mode it was checked under.
    pub breaking: bool,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.rule, self.path, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_upper_snake_case_and_every_rule_has_a_purpose() {
        let mut ids: Vec<_> = Rule::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            assert!(rule.id().bytes().all(|b| b.is_ascii_uppercase() || b == b'_'), "{rule}");
            assert!(rule.purpose().ends_with('.'), "{rule}");
        }
    }
}
