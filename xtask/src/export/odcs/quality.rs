//! The contract's quality rules as ODCS v3.1.0 `quality` entries, and the bounds ODCS also has a
//! key for as `logicalTypeOptions`.
//!
//! ODCS's predefined metrics (`type: library`) cover uniqueness, accepted values, patterns, null
//! shares and row counts, so tools that run ODCS checks (datacontract-cli, OpenMetadata) can run
//! those. A range, `not_empty` and `length` have no metric: they are `type: custom` entries for the
//! engine `mesh-as-code` holding the contract's own rule entry, so nothing is lost, and their bounds
//! are also written as the property's `minimum`/`maxLength`/`minItems`, which generic tools read.

use serde::Serialize;
use serde_json::{json, Map, Value};

use mesh_core::model::{Check, Limit, QualityRule};
use mesh_core::ContractRule;

/// The engine named by `type: custom` entries: this project's validator.
pub const ENGINE: &str = "mesh-as-code";

/// One ODCS data quality check.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quality {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    dimension: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metric: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arguments: Option<Value>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    operator: Option<Operator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    engine: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    implementation: Option<Value>,
}

/// The comparison a library metric must satisfy; ODCS allows exactly one per check.
#[derive(Debug, Serialize)]
enum Operator {
    #[serde(rename = "mustBe")]
    Equal(Value),
    #[serde(rename = "mustBeGreaterOrEqualTo")]
    AtLeast(Value),
    #[serde(rename = "mustBeLessOrEqualTo")]
    AtMost(Value),
    #[serde(rename = "mustBeBetween")]
    Between([Value; 2]),
}

impl Quality {
    /// The SLA's quality score, which ODCS has no metric for: a text entry.
    pub fn quality_score(bound: impl std::fmt::Display) -> Self {
        Self {
            description: format!(
                "{bound} of records pass the product's record-level quality rules (its quality score)"
            ),
            ..Self::bare("text", "accuracy")
        }
    }

    fn bare(kind: &'static str, dimension: &'static str) -> Self {
        Self {
            id: None,
            name: None,
            kind,
            description: String::new(),
            dimension,
            severity: None,
            metric: None,
            arguments: None,
            operator: None,
            unit: None,
            engine: None,
            implementation: None,
        }
    }
}

/// The ODCS checks of the rules on `field` (its property's `quality`), whose ODCS logical type is
/// `logical_type`.
pub fn field_checks(rules: &[ContractRule], field: &str, logical_type: &str) -> Vec<Quality> {
    rules.iter().filter(|r| r.field.as_deref() == Some(field)).map(|r| check(r, logical_type)).collect()
}

/// The ODCS checks of the product rules (the schema object's `quality`).
pub fn product_checks(rules: &[ContractRule]) -> Vec<Quality> {
    rules.iter().filter(|r| r.field.is_none()).map(|r| check(r, "object")).collect()
}

/// Whether a `unique` rule is on the field (ODCS's `unique: true`).
pub fn is_unique(rules: &[ContractRule], field: &str) -> bool {
    rules.iter().any(|r| r.field.as_deref() == Some(field) && r.rule == "unique")
}

/// The field's bounds that ODCS's `logicalTypeOptions` of `logical_type` can hold, from its range,
/// length and `not_empty` rules; `None` when there are none.
pub fn logical_type_options(rules: &[ContractRule], field: &str, logical_type: &str) -> Option<Value> {
    let mut options = Map::new();
    for rule in rules.iter().filter(|r| r.field.as_deref() == Some(field)) {
        let Ok(QualityRule { check, .. }) = rule.to_rule() else { continue };
        let (fewest, most) = match logical_type {
            "string" => ("minLength", "maxLength"),
            "array" => ("minItems", "maxItems"),
            _ => ("", ""),
        };
        match (&check, logical_type) {
            (Check::Range { min, max }, "integer" | "number") => {
                let mut bound = |limit: &Option<Limit>, inclusive: &str, exclusive: &str| {
                    if let Some(l) = limit {
                        options.insert((if l.inclusive { inclusive } else { exclusive }).into(), number(&l.value));
                    }
                };
                bound(min, "minimum", "exclusiveMinimum");
                bound(max, "maximum", "exclusiveMaximum");
            }
            (Check::Length { min, max }, "string" | "array") => {
                if let Some(min) = min {
                    options.insert(fewest.into(), (*min).into());
                }
                if let Some(max) = max {
                    options.insert(most.into(), (*max).into());
                }
            }
            (Check::NotEmpty, "string" | "array") => {
                options.entry(fewest).or_insert(1.into());
            }
            _ => {}
        }
    }
    (!options.is_empty()).then_some(Value::Object(options))
}

/// The ODCS check of one rule on a value of `logical_type` (`object` for a product rule).
fn check(rule: &ContractRule, logical_type: &str) -> Quality {
    let zero_rows = |metric, dimension, arguments| Quality {
        metric: Some(metric),
        arguments,
        operator: Some(Operator::Equal(0.into())),
        unit: Some("rows"),
        ..Quality::bare("library", dimension)
    };
    let mut quality = match rule.to_rule().map(|r| r.check) {
        Ok(Check::Unique) => zero_rows("duplicateValues", "uniqueness", None),
        Ok(Check::UniqueCombination(fields)) => {
            zero_rows("duplicateValues", "uniqueness", Some(json!({ "properties": fields })))
        }
        Ok(Check::AcceptedValues(values)) => {
            let integers = logical_type == "integer";
            let values: Vec<Value> =
                values.iter().map(|v| if integers { number(v) } else { Value::String(v.to_string()) }).collect();
            zero_rows("invalidValues", "conformity", Some(json!({ "validValues": values })))
        }
        // Anchored as the validator matches it: the whole string.
        Ok(Check::Pattern(pattern)) => {
            zero_rows("invalidValues", "conformity", Some(json!({ "pattern": format!("^(?:{pattern})$") })))
        }
        Ok(Check::MaxNullShare(share)) => Quality {
            metric: Some("nullValues"),
            operator: Some(Operator::AtMost(percent(share.thousandths()))),
            unit: Some("percent"),
            ..Quality::bare("library", "completeness")
        },
        Ok(Check::RowCount { min, max }) => Quality {
            metric: Some("rowCount"),
            operator: match (min, max) {
                (Some(min), Some(max)) if min == max => Some(Operator::Equal(min.into())),
                (Some(min), Some(max)) => Some(Operator::Between([min.into(), max.into()])),
                (Some(min), None) => Some(Operator::AtLeast(min.into())),
                (None, Some(max)) => Some(Operator::AtMost(max.into())),
                (None, None) => Some(Operator::AtLeast(0.into())),
            },
            unit: Some("rows"),
            ..Quality::bare("library", "completeness")
        },
        // No ODCS metric: the rule itself, for the engine that runs it.
        Ok(Check::NotEmpty) => custom(rule, "completeness"),
        Ok(Check::Range { .. } | Check::Length { .. }) | Err(_) => custom(rule, "conformity"),
    };
    quality.id = Some(stable_id(&rule.id));
    quality.name = Some(rule.id.clone());
    quality.description = rule.description.clone();
    quality.severity = Some("error");
    quality
}

fn custom(rule: &ContractRule, dimension: &'static str) -> Quality {
    Quality {
        engine: Some(ENGINE),
        implementation: Some(serde_json::to_value(rule).unwrap_or(Value::Null)),
        ..Quality::bare("custom", dimension)
    }
}

/// A rule id in ODCS's id alphabet (letters, digits, `_`, `-`): `order_id.unique` becomes
/// `order_id-unique`, `unique_combination(a,b)` becomes `unique_combination-a-b`. Avro names hold
/// no `-`, so distinct ids stay distinct.
pub fn stable_id(id: &str) -> String {
    let mut out: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A bound as written (`0`, `1000.50`) as a JSON number: integers exactly, decimals as the nearest
/// double, since ODCS's bounds are JSON numbers.
fn number(text: &str) -> Value {
    if let Ok(integer) = text.parse::<i64>() {
        return integer.into();
    }
    text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or_else(|| text.into(), Value::Number)
}

/// Thousandths of a percent as a JSON number of percent (`2500` is `2.5`).
fn percent(thousandths: u32) -> Value {
    if thousandths.is_multiple_of(1000) {
        (thousandths / 1000).into()
    } else {
        number(&format!("{}.{:03}", thousandths / 1000, thousandths % 1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_odcs_alphabet_and_stay_distinct() {
        assert_eq!(stable_id("order_id.unique"), "order_id-unique");
        assert_eq!(stable_id("unique_combination(a,b)"), "unique_combination-a-b");
        assert_eq!(stable_id("row_count"), "row_count");
        assert_ne!(stable_id("a_b.unique"), stable_id("a.b_unique"));
    }

    #[test]
    fn shares_and_bounds_are_json_numbers() {
        assert_eq!(percent(20_000), json!(20));
        assert_eq!(percent(2_500), json!(2.5));
        assert_eq!(number("1000000"), json!(1_000_000));
        assert_eq!(number("-1.5"), json!(-1.5));
    }
}
