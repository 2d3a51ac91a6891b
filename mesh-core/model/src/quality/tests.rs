use std::borrow::Cow;
use std::cmp::Ordering;

use super::*;

fn rule(field: Option<&'static str>, check: Check) -> QualityRule {
    QualityRule { field: field.map(Cow::Borrowed), check }
}

#[test]
fn ids_name_the_field_and_the_rule() {
    assert_eq!(rule(Some("order_id"), Check::Unique).id(), "order_id.unique");
    assert_eq!(rule(None, Check::RowCount { min: Some(1), max: None }).id(), "row_count");
    let combination = Check::UniqueCombination(Cow::Borrowed(&[Cow::Borrowed("day"), Cow::Borrowed("channel")]));
    assert_eq!(rule(None, combination).id(), "unique_combination(day,channel)");
}

#[test]
fn descriptions_say_inclusive_and_exclusive_bounds() {
    let range = Check::Range {
        min: Some(Limit { value: "0".into(), inclusive: true }),
        max: Some(Limit { value: "100".into(), inclusive: false }),
    };
    assert_eq!(rule(Some("x"), range).describe(), ">= 0 and < 100");
    assert_eq!(rule(None, Check::RowCount { min: Some(1), max: Some(9) }).describe(), "between 1 and 9 records");
    assert_eq!(rule(Some("x"), Check::MaxNullShare(Percent::from_thousandths(2_500))).describe(), "at most 2.5% null");
}

#[test]
fn only_single_record_rules_count_in_the_score() {
    assert!(Check::Pattern("x".into()).is_record_level());
    assert!(!Check::Unique.is_record_level());
    assert!(!Check::MaxNullShare(Percent::from_thousandths(0)).is_record_level());
}

#[test]
fn rules_fit_only_the_types_they_can_judge() {
    let string = TypeShape::String;
    let optional_int = TypeShape::Optional(Box::new(TypeShape::Int));
    assert!(check_rule_fits("range", &string).unwrap().contains("`range` needs a number"));
    assert_eq!(check_rule_fits("range", &optional_int), None);
    assert!(check_rule_fits("pattern", &TypeShape::Int).unwrap().contains("needs a string field"));
    assert!(check_rule_fits("max_null_share", &string).unwrap().contains("needs an `Option` field"));
    assert_eq!(check_rule_fits("max_null_share", &optional_int), None);
    assert!(check_rule_fits("unique", &TypeShape::Double).is_some());
    assert_eq!(check_rule_fits("unique", &TypeShape::Uuid), None);
    assert_eq!(check_rule_fits("unique", &TypeShape::Named("Channel".into())), None);
}

#[test]
fn numbers_compare_exactly_across_scales() {
    let bound = Number::parse("10.5").unwrap();
    assert_eq!(bound, Number { unscaled: 105, scale: 1 });
    assert_eq!(bound.compare_decimal(1050, 2), Ordering::Equal);
    assert_eq!(bound.compare_decimal(11, 0), Ordering::Greater);
    assert_eq!(bound.compare_decimal(-1049, 2), Ordering::Less);
    assert_eq!(Number::parse("-3").unwrap().compare_float(-3.5), Ordering::Less);
    assert_eq!(bound.compare_float(f64::NAN), Ordering::Greater);
    assert!(Number::parse("2.00").unwrap().is_integer());
    assert!(!bound.is_integer());
    for bad in ["", "1.", ".5", "1e3", "--1", "0x10"] {
        assert!(Number::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn shares_are_percentages() {
    assert_eq!(parse_share("2.5%"), Ok(Percent::from_thousandths(2_500)));
    assert!(parse_share("0.05").unwrap_err().contains("must end with `%`"));
}
