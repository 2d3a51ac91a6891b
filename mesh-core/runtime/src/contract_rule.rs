//! A quality rule as a contract lists it: its stable id, its keyword and its parameters, plus a
//! sentence for people. Reads back into the [`QualityRule`] it was written from.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use mesh_model::{parse_share, Check, Limit, Number, QualityRule};

/// One quality rule of a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractRule {
    /// The stable id, e.g. `order_id.unique`.
    pub id: String,
    /// The rule's keyword, e.g. `range`.
    pub rule: String,
    /// The field a field rule checks (Avro name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The fields of `unique_combination`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// The lower bound of a range (inclusive), a length or a row count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<String>,
    /// The upper bound (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    /// An exclusive lower bound of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_exclusive: Option<String>,
    /// An exclusive upper bound of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_exclusive: Option<String>,
    /// The accepted values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The regular expression a string must match as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The largest share of nulls, e.g. `5%`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_null_share: Option<String>,
    /// What the rule demands, for people.
    pub description: String,
}

impl ContractRule {
    /// The contract's form of a rule.
    pub fn new(rule: &QualityRule) -> Self {
        let mut out = Self {
            id: rule.id(),
            rule: rule.check.keyword().into(),
            field: rule.field.as_deref().map(str::to_string),
            fields: Vec::new(),
            min: None,
            max: None,
            min_exclusive: None,
            max_exclusive: None,
            values: Vec::new(),
            pattern: None,
            max_null_share: None,
            description: rule.describe(),
        };
        match &rule.check {
            Check::Unique | Check::NotEmpty => {}
            Check::Range { min, max } => {
                let text = |l: &Limit| l.value.to_string();
                match min {
                    Some(l) if l.inclusive => out.min = Some(text(l)),
                    Some(l) => out.min_exclusive = Some(text(l)),
                    None => {}
                }
                match max {
                    Some(l) if l.inclusive => out.max = Some(text(l)),
                    Some(l) => out.max_exclusive = Some(text(l)),
                    None => {}
                }
            }
            Check::AcceptedValues(values) => out.values = values.iter().map(|v| v.to_string()).collect(),
            Check::Pattern(pattern) => out.pattern = Some(pattern.to_string()),
            Check::Length { min, max } | Check::RowCount { min, max } => {
                out.min = min.map(|v| v.to_string());
                out.max = max.map(|v| v.to_string());
            }
            Check::MaxNullShare(share) => out.max_null_share = Some(share.to_string()),
            Check::UniqueCombination(fields) => out.fields = fields.iter().map(|f| f.to_string()).collect(),
        }
        out
    }

    /// The rule this entry describes.
    ///
    /// # Errors
    /// An unknown keyword, or a parameter that does not parse (naming the rule's id).
    pub fn to_rule(&self) -> Result<QualityRule, String> {
        let bad = |what: &str, e: String| format!("quality rule `{}`: {what}: {e}", self.id);
        let count = |v: &Option<String>, what: &str| {
            v.as_deref().map(|t| t.parse::<u64>().map_err(|e| bad(what, e.to_string()))).transpose()
        };
        let limit = |v: &Option<String>, inclusive: bool, what: &str| {
            v.as_deref()
                .map(|t| {
                    Number::parse(t).map_err(|e| bad(what, e))?;
                    Ok::<_, String>(Limit { value: Cow::Owned(t.to_string()), inclusive })
                })
                .transpose()
        };
        let owned = |list: &[String]| Cow::Owned(list.iter().cloned().map(Cow::Owned).collect());
        let check = match self.rule.as_str() {
            "unique" => Check::Unique,
            "not_empty" => Check::NotEmpty,
            "range" => Check::Range {
                min: limit(&self.min, true, "min")?.or(limit(&self.min_exclusive, false, "min_exclusive")?),
                max: limit(&self.max, true, "max")?.or(limit(&self.max_exclusive, false, "max_exclusive")?),
            },
            "accepted_values" => Check::AcceptedValues(owned(&self.values)),
            "pattern" => Check::Pattern(Cow::Owned(self.pattern.clone().unwrap_or_default())),
            "length" => Check::Length { min: count(&self.min, "min")?, max: count(&self.max, "max")? },
            "max_null_share" => Check::MaxNullShare(
                parse_share(self.max_null_share.as_deref().unwrap_or("")).map_err(|e| bad("max_null_share", e))?,
            ),
            "row_count" => Check::RowCount { min: count(&self.min, "min")?, max: count(&self.max, "max")? },
            "unique_combination" => Check::UniqueCombination(owned(&self.fields)),
            other => return Err(format!("quality rule `{}`: unknown rule `{other}`", self.id)),
        };
        Ok(QualityRule { field: self.field.clone().map(Cow::Owned), check })
    }
}

#[cfg(test)]
mod tests {
    use mesh_model::Percent;

    use super::*;

    #[test]
    fn every_rule_reads_back_from_its_contract_entry() {
        let text = |t: &'static str| Cow::Borrowed(t);
        let rules = [
            QualityRule { field: Some(text("id")), check: Check::Unique },
            QualityRule {
                field: Some(text("amount")),
                check: Check::Range {
                    min: Some(Limit { value: text("0"), inclusive: false }),
                    max: Some(Limit { value: text("1000.50"), inclusive: true }),
                },
            },
            QualityRule {
                field: Some(text("currency")),
                check: Check::AcceptedValues(Cow::Owned(vec![text("EUR"), text("GBP")])),
            },
            QualityRule { field: Some(text("sku")), check: Check::Pattern(text("[A-Z]{3}-[0-9]+")) },
            QualityRule { field: Some(text("name")), check: Check::Length { min: Some(1), max: None } },
            QualityRule { field: Some(text("note")), check: Check::MaxNullShare(Percent::from_thousandths(2_500)) },
            QualityRule { field: None, check: Check::RowCount { min: Some(1), max: Some(10) } },
            QualityRule { field: None, check: Check::UniqueCombination(Cow::Owned(vec![text("a"), text("b")])) },
        ];
        for rule in rules {
            let entry = ContractRule::new(&rule);
            assert_eq!(entry.id, rule.id());
            assert_eq!(entry.to_rule(), Ok(rule));
        }
    }

    #[test]
    fn an_unknown_rule_names_its_id() {
        let mut entry = ContractRule::new(&QualityRule { field: Some(Cow::Borrowed("id")), check: Check::Unique });
        entry.rule = "uniq".into();
        assert_eq!(entry.to_rule().unwrap_err(), "quality rule `id.unique`: unknown rule `uniq`");
    }
}
