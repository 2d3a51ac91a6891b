//! Quality rules between two contracts, matched by their stable id: a rule removed or loosened breaks
//! consumers who relied on it; one added or tightened is a compatible addition to the promises.

use std::cmp::Ordering;

use mesh_avro::compat::Rule;
use mesh_core::{Contract, ContractRule};
use mesh_model::{Check, Limit, Number};

/// Which way a rule moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Movement {
    Same,
    Tighter,
    Looser,
}

/// Reports every rule removed, loosened, added or tightened from `previous` to `current`.
pub fn compare_quality(
    previous: &Contract,
    current: &Contract,
    root: &str,
    report: &mut impl FnMut(Rule, String, String),
) {
    let path = |rule: &ContractRule| format!("{root} (quality.{})", rule.id);
    for before in &previous.quality {
        let Some(after) = current.quality.iter().find(|r| r.id == before.id) else {
            report(
                Rule::QualityRuleRemoved,
                path(before),
                format!("quality rule `{}` ({}) was removed", before.id, before.description),
            );
            continue;
        };
        let moved = match (before.to_rule(), after.to_rule()) {
            (Ok(b), Ok(a)) => movement(&b.check, &a.check),
            // An entry that no longer parses promises nothing the check can compare: treat it as loosened.
            _ => Movement::Looser,
        };
        let message =
            format!("quality rule `{}` changed from `{}` to `{}`", before.id, before.description, after.description);
        match moved {
            Movement::Same => {}
            Movement::Tighter => report(Rule::QualityRuleTightened, path(after), message),
            Movement::Looser => report(Rule::QualityRuleLoosened, path(after), message),
        }
    }
    for after in current.quality.iter().filter(|a| !previous.quality.iter().any(|b| b.id == a.id)) {
        report(
            Rule::QualityRuleAdded,
            path(after),
            format!("quality rule `{}` added: {}", after.id, after.description),
        );
    }
}

/// How `after` relates to `before` (the same kind: ids name the kind). A mix of tighter and looser
/// bounds is looser, as some data the previous rule rejected now passes.
fn movement(before: &Check, after: &Check) -> Movement {
    match (before, after) {
        (Check::Range { min: b_min, max: b_max }, Check::Range { min: a_min, max: a_max }) => {
            combine(limit(b_min, a_min, Ordering::Less), limit(b_max, a_max, Ordering::Greater))
        }
        (Check::Length { min: b_min, max: b_max }, Check::Length { min: a_min, max: a_max })
        | (Check::RowCount { min: b_min, max: b_max }, Check::RowCount { min: a_min, max: a_max }) => {
            combine(count(*b_min, *a_min, Ordering::Less), count(*b_max, *a_max, Ordering::Greater))
        }
        (Check::AcceptedValues(b), Check::AcceptedValues(a)) => {
            if a.iter().any(|v| !b.contains(v)) {
                Movement::Looser
            } else if b.iter().any(|v| !a.contains(v)) {
                Movement::Tighter
            } else {
                Movement::Same
            }
        }
        (Check::MaxNullShare(b), Check::MaxNullShare(a)) => order(a.cmp(b)),
        // Whether one regular expression accepts less than another is not decided here: any change may accept more.
        (Check::Pattern(b), Check::Pattern(a)) if a != b => Movement::Looser,
        _ => Movement::Same,
    }
}

fn order(after_vs_before: Ordering) -> Movement {
    match after_vs_before {
        Ordering::Equal => Movement::Same,
        Ordering::Less => Movement::Tighter,
        Ordering::Greater => Movement::Looser,
    }
}

fn combine(a: Movement, b: Movement) -> Movement {
    match (a, b) {
        (Movement::Looser, _) | (_, Movement::Looser) => Movement::Looser,
        (Movement::Tighter, _) | (_, Movement::Tighter) => Movement::Tighter,
        _ => Movement::Same,
    }
}

/// A bound moved; `looser` is the direction a looser bound moves in (`Less` for a minimum).
fn limit(before: &Option<Limit>, after: &Option<Limit>, looser: Ordering) -> Movement {
    match (before, after) {
        (None, None) => Movement::Same,
        (Some(_), None) => Movement::Looser,
        (None, Some(_)) => Movement::Tighter,
        (Some(b), Some(a)) => {
            let (Ok(bn), Ok(an)) = (Number::parse(&b.value), Number::parse(&a.value)) else { return Movement::Looser };
            // `after` compared with `before`.
            match bn.compare_decimal(an.unscaled, an.scale) {
                Ordering::Equal if a.inclusive == b.inclusive => Movement::Same,
                Ordering::Equal if a.inclusive => Movement::Looser,
                Ordering::Equal => Movement::Tighter,
                moved if moved == looser => Movement::Looser,
                _ => Movement::Tighter,
            }
        }
    }
}

fn count(before: Option<u64>, after: Option<u64>, looser: Ordering) -> Movement {
    match (before, after) {
        (None, None) => Movement::Same,
        (Some(_), None) => Movement::Looser,
        (None, Some(_)) => Movement::Tighter,
        (Some(b), Some(a)) if a == b => Movement::Same,
        (Some(b), Some(a)) if a.cmp(&b) == looser => Movement::Looser,
        _ => Movement::Tighter,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use mesh_model::{Percent, QualityRule};

    use super::*;

    fn range(min: Option<(&'static str, bool)>, max: Option<(&'static str, bool)>) -> Check {
        let limit =
            |l: Option<(&'static str, bool)>| l.map(|(v, inclusive)| Limit { value: Cow::Borrowed(v), inclusive });
        Check::Range { min: limit(min), max: limit(max) }
    }

    #[test]
    fn ranges_move_by_each_bound() {
        let base = range(Some(("0", true)), Some(("100", true)));
        assert_eq!(movement(&base, &base), Movement::Same);
        assert_eq!(movement(&base, &range(Some(("-1", true)), Some(("100", true)))), Movement::Looser);
        assert_eq!(movement(&base, &range(Some(("0", true)), Some(("99.5", true)))), Movement::Tighter);
        assert_eq!(movement(&base, &range(Some(("0", false)), Some(("100", true)))), Movement::Tighter);
        assert_eq!(movement(&base, &range(None, Some(("100", true)))), Movement::Looser);
        // Tighter below, looser above: data the previous rule rejected now passes.
        assert_eq!(movement(&base, &range(Some(("1", true)), Some(("200", true)))), Movement::Looser);
    }

    #[test]
    fn counts_values_shares_and_patterns_move_as_expected() {
        let length = |min, max| Check::Length { min, max };
        assert_eq!(movement(&length(Some(1), Some(10)), &length(Some(1), Some(20))), Movement::Looser);
        assert_eq!(movement(&length(Some(1), Some(10)), &length(Some(2), Some(10))), Movement::Tighter);
        let values =
            |v: &[&'static str]| Check::AcceptedValues(Cow::Owned(v.iter().map(|s| Cow::Borrowed(*s)).collect()));
        assert_eq!(movement(&values(&["EUR", "GBP"]), &values(&["EUR"])), Movement::Tighter);
        assert_eq!(movement(&values(&["EUR"]), &values(&["EUR", "USD"])), Movement::Looser);
        let share = |t| Check::MaxNullShare(Percent::from_thousandths(t));
        assert_eq!(movement(&share(5_000), &share(1_000)), Movement::Tighter);
        assert_eq!(movement(&share(1_000), &share(5_000)), Movement::Looser);
        let pattern = |p| Check::Pattern(Cow::Borrowed(p));
        assert_eq!(movement(&pattern("[A-Z]{3}"), &pattern("[A-Z]{3}")), Movement::Same);
        assert_eq!(movement(&pattern("[A-Z]{3}"), &pattern("[A-Z]{2,3}")), Movement::Looser);
    }

    #[test]
    fn rules_are_matched_by_id_and_reported_with_it() {
        let contract = |rules: Vec<QualityRule>| {
            // A contract as published before rules existed: it still reads, with no rules.
            let mut c = <Contract as crate::ContractYaml>::from_yaml(
                "data_product:
  name: orders
  domain: sales
  owner: sales-data@company.com
  sla: {freshness: null, availability: null, quality_score: null}
  schema: {format: Avro, version: \"1.0.0\", fingerprint: \"0000000000000000\", compatibility: full}
  access: {read: null, authentication: null, visibility: domain}
  description: Orders.
  layer: silver
  support: null
  tags: []
  inputs: []
  fields: []
",
            )
            .expect("a contract without rules reads");
            assert!(c.quality.is_empty());
            c.quality = rules.iter().map(ContractRule::new).collect();
            c
        };
        let unique = QualityRule { field: Some(Cow::Borrowed("id")), check: Check::Unique };
        let rows = |min| QualityRule { field: None, check: Check::RowCount { min: Some(min), max: None } };
        let before = contract(vec![unique.clone(), rows(1)]);
        let after = contract(vec![rows(10)]);
        let mut found = Vec::new();
        compare_quality(&before, &after, "sales.orders", &mut |rule, path, message| found.push((rule, path, message)));
        assert_eq!(found[0].0, Rule::QualityRuleRemoved);
        assert_eq!(found[0].1, "sales.orders (quality.id.unique)");
        assert_eq!(found[1].0, Rule::QualityRuleTightened);
        assert_eq!(found[1].2, "quality rule `row_count` changed from `at least 1 records` to `at least 10 records`");
        found.clear();
        compare_quality(&after, &before, "sales.orders", &mut |rule, path, _| found.push((rule, path, String::new())));
        assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), [Rule::QualityRuleLoosened, Rule::QualityRuleAdded]);
    }
}
