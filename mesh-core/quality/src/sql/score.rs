//! Scoring the check query's row of counts: the same verdicts, quality score, freshness and breaches
//! as the embedded validator, from counts an engine computed. The engine returns no record
//! locations, so rules carry no examples.

use serde_json::{Map, Value};

use mesh_model::{Check, Instant, ProductDescriptor};

use super::query::columns;
use crate::report::{ProductReport, RuleResult};
use crate::{judge, rules, unmeasured, Target};

/// The report of `product` over `target` from the check query's row (column name to value).
///
/// # Errors
/// A column the query returns is missing or not a non-negative integer (naming it): the row does not
/// come from this product's query.
pub fn score(
    product: &ProductDescriptor,
    row: &Map<String, Value>,
    target: &Target,
    at: Instant,
) -> Result<ProductReport, String> {
    let count = |column: &str| -> Result<u64, String> {
        row.get(column).and_then(Value::as_u64).ok_or_else(|| {
            format!(
                "{}: the engine's result has no count `{column}` (got {}); was the query generated for this product's version?",
                product.id(),
                row.get(column).map_or("nothing".to_string(), Value::to_string)
            )
        })
    };
    let mut report = unmeasured(product, target, at);
    report.records = count(columns::RECORDS)?;
    report.passing_records = count(columns::PASSING)?;
    for (i, rule) in product.quality.iter().enumerate() {
        let mut result = RuleResult::new(rule);
        match &rule.check {
            check if check.is_record_level() => {
                rules::judge_record_rule(&mut result, count(&columns::checked(i))?, count(&columns::failing(i))?);
            }
            Check::MaxNullShare(max) => {
                rules::judge_null_share(&mut result, *max, count(&columns::failing(i))?, count(&columns::checked(i))?)
            }
            Check::Unique | Check::UniqueCombination(_) => rules::judge_unique(
                &mut result,
                count(&columns::checked(i))?,
                count(&columns::failing(i))?,
                count(&columns::duplicated(i))?,
            ),
            Check::RowCount { min, max } => rules::judge_row_count(&mut result, *min, *max, report.records),
            _ => {}
        }
        report.rules.push(result);
    }
    let newest = match row.get(columns::NEWEST_EVENT) {
        None | Some(Value::Null) => None,
        Some(value) => Some(value.as_i64().ok_or_else(|| {
            format!("{}: the engine's `{}` is {value}, not microseconds", product.id(), columns::NEWEST_EVENT)
        })?),
    };
    judge(product, &mut report, newest.or(target.manifest_newest_event), at);
    Ok(report)
}
