//! Quality rules: what a product promises about every record and about each run's data, checked by
//! `cargo xtask validate` on the committed data.
//!
//! The macro reads `#[data_product(quality(...))]` and `#[quality(...)]` on fields into these types;
//! contracts, docs and the validator read them back. The names follow what data engineers know from
//! dbt tests (`unique`, `accepted_values`), Soda checks (`row_count`, missing share) and Great
//! Expectations (`expect_column_values_to_be_between`, `..._to_match_regex`).

mod number;

use std::fmt;

pub use number::Number;

use super::descriptor::{List, Text};
use super::shape::TypeShape;
use super::sla::Percent;

/// One quality rule of a product.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QualityRule {
    /// The Avro name of the field a field rule checks; `None` for a product rule.
    pub field: Option<Text>,
    /// What is checked.
    pub check: Check,
}

/// A bound of a range: the number and whether the value may equal it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Limit {
    /// The bound as written, a decimal number such as `0`, `-1.5` or `1000.00`.
    pub value: Text,
    /// Whether a value equal to the bound passes (`min`/`max`) or fails (`min_exclusive`/`max_exclusive`).
    pub inclusive: bool,
}

/// What a quality rule checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Check {
    /// No two records hold the same non-null value (dbt `unique`).
    Unique,
    /// Strings, bytes, arrays and maps hold at least one element (a null passes: see `MaxNullShare`).
    NotEmpty,
    /// The number lies within the bounds (Great Expectations `..._to_be_between`).
    Range {
        /// The lower bound.
        min: Option<Limit>,
        /// The upper bound.
        max: Option<Limit>,
    },
    /// The value is one of these (dbt `accepted_values`): strings as written, integers as digits.
    AcceptedValues(List<Text>),
    /// The whole string matches the regular expression (Rust `regex` syntax, anchored at both ends).
    Pattern(Text),
    /// Characters of a string, bytes of bytes, elements of an array or a map, within the bounds.
    Length {
        /// The fewest.
        min: Option<u64>,
        /// The most.
        max: Option<u64>,
    },
    /// At most this share of the records hold null (Soda `missing_percent`): `Option` fields only.
    MaxNullShare(Percent),
    /// The number of records of a committed version lies within the bounds (Soda `row_count`).
    RowCount {
        /// The fewest.
        min: Option<u64>,
        /// The most.
        max: Option<u64>,
    },
    /// No two records hold the same combination of these fields' values (dbt's
    /// `unique_combination_of_columns`); the Avro names of the fields.
    UniqueCombination(List<Text>),
}

impl Check {
    /// The rule's keyword, as declarations write it.
    pub const fn keyword(&self) -> &'static str {
        match self {
            Check::Unique => "unique",
            Check::NotEmpty => "not_empty",
            Check::Range { .. } => "range",
            Check::AcceptedValues(_) => "accepted_values",
            Check::Pattern(_) => "pattern",
            Check::Length { .. } => "length",
            Check::MaxNullShare(_) => "max_null_share",
            Check::RowCount { .. } => "row_count",
            Check::UniqueCombination(_) => "unique_combination",
        }
    }

    /// Whether one record alone passes or fails the rule; such rules make up the quality score.
    /// The others (uniqueness, null share, row count) judge the data as a whole.
    pub const fn is_record_level(&self) -> bool {
        matches!(
            self,
            Check::NotEmpty | Check::Range { .. } | Check::AcceptedValues(_) | Check::Pattern(_) | Check::Length { .. }
        )
    }
}

/// The field rule keywords, in documentation order.
pub const FIELD_RULES: &[&str] =
    &["unique", "not_empty", "range", "accepted_values", "pattern", "length", "max_null_share"];
/// The product rule keywords, in documentation order.
pub const PRODUCT_RULES: &[&str] = &["row_count", "unique_combination"];

impl QualityRule {
    /// The rule's stable id: `<field>.<rule>` for a field rule (`order_id.unique`), the keyword for
    /// `row_count`, and `unique_combination(a,b)` for a combination. A field has at most one rule of a
    /// kind, so ids are unique within a product; they name the rule in contracts, reports and history.
    pub fn id(&self) -> String {
        match (&self.field, &self.check) {
            (Some(field), check) => format!("{field}.{}", check.keyword()),
            (None, Check::UniqueCombination(fields)) => format!("unique_combination({})", fields.join(",")),
            (None, check) => check.keyword().to_string(),
        }
    }

    /// What the rule demands, for people: `between 0 (inclusive) and 100 (exclusive)`.
    pub fn describe(&self) -> String {
        let bounds = |min: &Option<u64>, max: &Option<u64>| match (min, max) {
            (Some(min), Some(max)) => format!("between {min} and {max}"),
            (Some(min), None) => format!("at least {min}"),
            (None, Some(max)) => format!("at most {max}"),
            (None, None) => "any".into(),
        };
        let limit = |l: &Limit, at_least: &str, above: &str| {
            format!("{} {}", if l.inclusive { at_least } else { above }, l.value)
        };
        match &self.check {
            Check::Unique => "no duplicate values".into(),
            Check::NotEmpty => "not empty".into(),
            Check::Range { min, max } => {
                let parts: Vec<String> =
                    [min.as_ref().map(|l| limit(l, ">=", ">")), max.as_ref().map(|l| limit(l, "<=", "<"))]
                        .into_iter()
                        .flatten()
                        .collect();
                parts.join(" and ")
            }
            Check::AcceptedValues(values) => format!("one of {}", values.join(", ")),
            Check::Pattern(pattern) => format!("matches `{pattern}`"),
            Check::Length { min, max } => format!("length {}", bounds(min, max)),
            Check::MaxNullShare(share) => format!("at most {share} null"),
            Check::RowCount { min, max } => format!("{} records", bounds(min, max)),
            Check::UniqueCombination(_) => "no duplicate combinations".into(),
        }
    }
}

impl fmt::Display for QualityRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.id(), self.describe())
    }
}

/// Why a field rule cannot apply to a field of `shape` (the macro reports it at the rule); `None` when
/// it can. `shape` is the field's type; an `Option` is looked through except by `max_null_share`.
pub fn check_rule_fits(keyword: &str, shape: &TypeShape) -> Option<String> {
    let optional = matches!(shape, TypeShape::Optional(_));
    let inner = match shape {
        TypeShape::Optional(inner) => inner.as_ref(),
        other => other,
    };
    let fits = match keyword {
        // A named type may be an enum (a fine key) or a record: the generated code tells them apart.
        "unique" => !matches!(inner, TypeShape::Float | TypeShape::Double | TypeShape::Array(_) | TypeShape::Map(_)),
        "not_empty" | "length" => {
            matches!(inner, TypeShape::String | TypeShape::Bytes | TypeShape::Array(_) | TypeShape::Map(_))
        }
        "range" => is_number(inner),
        "accepted_values" => matches!(inner, TypeShape::String | TypeShape::Int | TypeShape::Long),
        "pattern" => matches!(inner, TypeShape::String),
        "max_null_share" => optional,
        _ => return None,
    };
    if fits {
        return None;
    }
    let ty = shape.display();
    Some(match keyword {
        "unique" => format!(
            "`unique` does not fit a field of type `{ty}`: floating-point numbers, arrays and maps are no keys; use it on an id, a string, an integer, a date, a decimal or an enum"
        ),
        "not_empty" | "length" => {
            format!("`{keyword}` needs a string, bytes, an array or a map, and this field is `{ty}`")
        }
        "range" => format!(
            "`range` needs a number (int, long, float, double or decimal), and this field is `{ty}`; for strings use `length(...)` or `pattern = \"...\"`"
        ),
        "accepted_values" => format!(
            "`accepted_values` needs a string, int or long field, and this field is `{ty}`; an enum's symbols are already its accepted values"
        ),
        "pattern" => format!(
            "`pattern` needs a string field, and this field is `{ty}`; for numbers use `range(min = .., max = ..)`"
        ),
        _ => format!(
            "`max_null_share` needs an `Option` field, and this field is `{ty}`, which can never be null; remove the rule"
        ),
    })
}

/// Whether a value of the shape is a number a range can bound.
pub fn is_number(shape: &TypeShape) -> bool {
    matches!(shape, TypeShape::Int | TypeShape::Long | TypeShape::Float | TypeShape::Double | TypeShape::Decimal { .. })
}

/// Parses a share such as `"2.5%"` (for `max_null_share`).
///
/// # Errors
/// Not a percentage between 0% and 100%.
pub fn parse_share(text: &str) -> Result<Percent, String> {
    Percent::parse(text, "max_null_share")
}

#[cfg(test)]
mod tests;
