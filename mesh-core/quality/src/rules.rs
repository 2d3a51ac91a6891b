//! One streaming evaluation of a product's rules: each record is handed to every rule once; record
//! rules count as they go, uniqueness counts keys ([`crate::unique`]), null shares and row counts
//! are judged at the end.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use mesh_core::{QualityRecord, QualityValue};
use mesh_model::{Check, Number, Percent, ProductDescriptor, QualityRule};
use regex::Regex;

use crate::key;
use crate::report::{Example, RuleResult};
use crate::unique::{Location, EXAMPLES};
use crate::unique_worker::UniqueCounter;

enum Test {
    NotEmpty,
    Range { min: Option<(Number, bool)>, max: Option<(Number, bool)> },
    Accepted { texts: HashSet<String>, ints: HashSet<i64> },
    Pattern(Regex),
    Length { min: Option<u64>, max: Option<u64> },
}

enum State {
    Record { test: Test, field: usize, checked: u64, failing: u64, examples: Vec<(Location, String)> },
    Nulls { field: usize, max: Percent, nulls: u64, checked: u64, examples: Vec<(Location, String)> },
    Unique { fields: Vec<usize>, counter: Box<UniqueCounter>, skip_nulls: bool },
    RowCount { min: Option<u64>, max: Option<u64> },
}

struct Evaluated {
    rule: QualityRule,
    state: State,
}

/// Every rule of one product, evaluated over a stream of records.
pub struct Evaluator {
    rules: Vec<Evaluated>,
    /// `<pii:class>` per descriptor field holding personal data: shown instead of its values.
    masks: Vec<Option<String>>,
    records: u64,
    passing: u64,
    key: Vec<u8>,
}

impl Evaluator {
    /// Prepares the rules of `product`; uniqueness holds at most `unique_memory` bytes of keys per rule
    /// in memory and spills under `spill_dir`, and sizes its table for `expected_records` (a hint).
    ///
    /// # Errors
    /// A rule names a field the product does not have, or a pattern does not compile (both mean the
    /// descriptor was not built by the macro, which checks them).
    pub fn new(
        product: &ProductDescriptor,
        unique_memory: usize,
        spill_dir: &Path,
        expected_records: Option<u64>,
    ) -> Result<Self, String> {
        let index = |name: &str| {
            product.fields.iter().position(|f| f.name == name).ok_or_else(|| {
                format!("{}: a quality rule names field `{name}`, which the product does not have", product.id())
            })
        };
        let masks = product.fields.iter().map(|f| f.pii.map(|p| format!("<pii:{}>", p.class))).collect();
        let mut rules = Vec::new();
        for rule in product.quality.iter() {
            let field = rule.field.as_deref().map(index).transpose()?;
            let record =
                |test| State::Record { test, field: field.unwrap_or(0), checked: 0, failing: 0, examples: Vec::new() };
            let limit = |l: &Option<mesh_model::Limit>| -> Result<Option<(Number, bool)>, String> {
                l.as_ref().map(|l| Number::parse(&l.value).map(|n| (n, l.inclusive))).transpose()
            };
            let state = match &rule.check {
                Check::NotEmpty => record(Test::NotEmpty),
                Check::Range { min, max } => record(Test::Range { min: limit(min)?, max: limit(max)? }),
                Check::AcceptedValues(values) => record(Test::Accepted {
                    texts: values.iter().map(|v| v.to_string()).collect(),
                    ints: values.iter().filter_map(|v| v.parse().ok()).collect(),
                }),
                Check::Pattern(pattern) => {
                    // Anchored: the whole string must match, as `pattern` in ODCS and Great Expectations' full match.
                    let regex = Regex::new(&format!("^(?:{pattern})$"))
                        .map_err(|e| format!("{}: quality rule `{}`: {e}", product.id(), rule.id()))?;
                    record(Test::Pattern(regex))
                }
                Check::Length { min, max } => record(Test::Length { min: *min, max: *max }),
                Check::MaxNullShare(max) => {
                    State::Nulls { field: field.unwrap_or(0), max: *max, nulls: 0, checked: 0, examples: Vec::new() }
                }
                Check::Unique => State::Unique {
                    fields: field.into_iter().collect(),
                    counter: Box::new(UniqueCounter::new(unique_memory, spill_dir).expecting(expected_records)),
                    skip_nulls: true,
                },
                Check::UniqueCombination(names) => State::Unique {
                    fields: names.iter().map(|n| index(n)).collect::<Result<_, _>>()?,
                    counter: Box::new(UniqueCounter::new(unique_memory, spill_dir).expecting(expected_records)),
                    // A combination is compared as a whole, nulls included, as dbt's unique_combination_of_columns does.
                    skip_nulls: false,
                },
                Check::RowCount { min, max } => State::RowCount { min: *min, max: *max },
            };
            rules.push(Evaluated { rule: rule.clone(), state });
        }
        Ok(Self { rules, masks, records: 0, passing: 0, key: Vec::new() })
    }

    /// Evaluates one record at `location` (uniqueness counting's own failures are reported by
    /// [`Evaluator::finish`]).
    pub fn record(&mut self, location: Location, record: &dyn QualityRecord) {
        self.records += 1;
        let mut passes = true;
        for evaluated in &mut self.rules {
            match &mut evaluated.state {
                State::Record { test, field, checked, failing, examples } => {
                    let value = record.quality_value(*field);
                    if matches!(value, QualityValue::Null) {
                        continue; // nulls are the null share's business
                    }
                    *checked += 1;
                    if !passes_test(test, value) {
                        *failing += 1;
                        passes = false;
                        if examples.len() < EXAMPLES {
                            examples.push((location, shown(value, &self.masks[*field])));
                        }
                    }
                }
                State::Nulls { field, nulls, checked, examples, .. } => {
                    *checked += 1;
                    if matches!(record.quality_value(*field), QualityValue::Null) {
                        *nulls += 1;
                        if examples.len() < EXAMPLES {
                            examples.push((location, "null".into()));
                        }
                    }
                }
                State::Unique { fields, counter, skip_nulls } => {
                    self.key.clear();
                    let mut null = false;
                    for &field in fields.iter() {
                        let value = record.quality_value(field);
                        null |= matches!(value, QualityValue::Null);
                        key::push(&mut self.key, value);
                    }
                    if !(null && *skip_nulls) {
                        counter.add(&self.key, location);
                    }
                }
                State::RowCount { .. } => {}
            }
        }
        if passes {
            self.passing += 1;
        }
    }

    /// Records read, and those passing every record-level rule.
    pub fn counts(&self) -> (u64, u64) {
        (self.records, self.passing)
    }

    /// The result of every rule; `file_name` names a location's file.
    ///
    /// # Errors
    /// Uniqueness could not be counted: a spill file cannot be written or read back, or a counting
    /// thread could not be started.
    pub fn finish(self, file_name: &dyn Fn(u32) -> String) -> io::Result<(Vec<RuleResult>, bool)> {
        let mut results = Vec::new();
        let mut spilled = false;
        let examples = |list: Vec<(Location, String)>| -> Vec<Example> {
            list.into_iter()
                .map(|(l, value)| Example { file: file_name(l.file), block: l.block, record: l.record, value })
                .collect()
        };
        for Evaluated { rule, state } in self.rules {
            let mut result = RuleResult::new(&rule);
            match state {
                State::Record { checked, failing, examples: found, .. } => {
                    judge_record_rule(&mut result, checked, failing);
                    result.examples = examples(found);
                }
                State::Nulls { max, nulls, checked, examples: found, .. } => {
                    judge_null_share(&mut result, max, nulls, checked);
                    // Nulls within the limit are no failures to point at.
                    if !result.passed {
                        result.examples = examples(found);
                    }
                }
                State::Unique { fields, counter, .. } => {
                    let counted = counter.finish()?;
                    spilled |= counted.spilled;
                    let masks: Vec<Option<String>> = fields.iter().map(|&f| self.masks[f].clone()).collect();
                    judge_unique(&mut result, counted.checked, counted.failing, counted.duplicated_values);
                    result.examples =
                        examples(counted.examples.into_iter().map(|(l, k)| (l, key::display(&k, &masks))).collect());
                }
                State::RowCount { min, max } => judge_row_count(&mut result, min, max, self.records),
            }
            results.push(result);
        }
        Ok((results, spilled))
    }
}

// How a rule's counts become its verdict: shared by this evaluator and the scoring of counts an
// engine such as Spark returns (`crate::sql::score`), so both judge alike.

/// A record-level rule: it holds when no record fails.
pub(crate) fn judge_record_rule(result: &mut RuleResult, checked: u64, failing: u64) {
    result.checked = checked;
    result.failing = failing;
    result.passed = failing == 0;
}

/// `max_null_share`: `nulls / checked <= max`, in integers (`nulls * 100_000 <= max_thousandths * checked`).
pub(crate) fn judge_null_share(result: &mut RuleResult, max: Percent, nulls: u64, checked: u64) {
    result.checked = checked;
    result.failing = nulls;
    result.passed = u128::from(nulls) * 100_000 <= u128::from(max.thousandths()) * u128::from(checked);
    result.measured = Some(share_text(nulls, checked));
}

/// `unique` and `unique_combination`: every occurrence of a duplicated key fails.
pub(crate) fn judge_unique(result: &mut RuleResult, checked: u64, failing: u64, duplicated_values: u64) {
    result.checked = checked;
    result.failing = failing;
    result.passed = failing == 0;
    result.measured = Some(format!("{duplicated_values} duplicated values"));
}

/// `row_count`: the version's records within the bounds; all of them fail when they are not.
pub(crate) fn judge_row_count(result: &mut RuleResult, min: Option<u64>, max: Option<u64>, records: u64) {
    result.checked = records;
    result.passed = min.is_none_or(|m| records >= m) && max.is_none_or(|m| records <= m);
    result.failing = if result.passed { 0 } else { records };
    result.measured = Some(format!("{records} records"));
}

/// `nulls / checked` as a percentage with up to three decimals.
fn share_text(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let thousandths = (u128::from(part) * 100_000 / u128::from(whole)) as u32;
    Percent::from_thousandths(thousandths).to_string()
}

fn passes_test(test: &Test, value: QualityValue<'_>) -> bool {
    match test {
        Test::NotEmpty => match value {
            QualityValue::Text(s) => !s.is_empty(),
            QualityValue::Bytes(b) => !b.is_empty(),
            QualityValue::Items(n) => n > 0,
            _ => true,
        },
        Test::Range { min, max } => {
            let order = |bound: &Number| match value {
                QualityValue::Int(n) => Some(bound.compare_decimal(i128::from(n), 0)),
                QualityValue::Decimal { unscaled, scale } => Some(bound.compare_decimal(unscaled, scale)),
                QualityValue::Float(f) => Some(bound.compare_float(f)),
                _ => None,
            };
            let above = min
                .as_ref()
                .is_none_or(|(bound, inclusive)| order(bound).is_some_and(|o| o.is_gt() || (*inclusive && o.is_eq())));
            let below = max
                .as_ref()
                .is_none_or(|(bound, inclusive)| order(bound).is_some_and(|o| o.is_lt() || (*inclusive && o.is_eq())));
            above && below
        }
        Test::Accepted { texts, ints } => match value {
            QualityValue::Text(s) => texts.contains(s),
            QualityValue::Int(n) => ints.contains(&n),
            _ => false,
        },
        Test::Pattern(regex) => match value {
            QualityValue::Text(s) => regex.is_match(s),
            _ => false,
        },
        Test::Length { min, max } => {
            let length = match value {
                QualityValue::Text(s) => s.chars().count() as u64,
                QualityValue::Bytes(b) => b.len() as u64,
                QualityValue::Items(n) => n as u64,
                _ => return false,
            };
            min.is_none_or(|m| length >= m) && max.is_none_or(|m| length <= m)
        }
    }
}

/// A value for a report: masked for personal data, else as written (strings quoted).
fn shown(value: QualityValue<'_>, mask: &Option<String>) -> String {
    if let Some(mask) = mask {
        return mask.clone();
    }
    match value {
        QualityValue::Null => "null".into(),
        QualityValue::Bool(b) => b.to_string(),
        QualityValue::Int(n) => n.to_string(),
        QualityValue::Float(f) => f.to_string(),
        QualityValue::Decimal { unscaled, scale } => key::decimal_text(unscaled, scale),
        QualityValue::Uuid(u) => mesh_core::Uuid(u).to_string(),
        QualityValue::Text(s) => format!("{s:?}"),
        QualityValue::Bytes(b) => format!("{} bytes", b.len()),
        QualityValue::Items(n) => format!("{n} items"),
        QualityValue::Unavailable => "?".into(),
    }
}
