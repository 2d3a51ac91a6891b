//! One previous/current fixture pair per schema rule
//! (`tests/fixtures/compat/<RULE_ID>/`), each asserting the rule id, the
//! path (`path.txt`) and whether it breaks. The contract-level rules are
//! tested in mesh-analysis, which compares contracts.

use std::fs;
use std::path::Path;

use mesh_avro::compat::{classify, Mode, Rule, Verdict};
use mesh_avro::Schema;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compat")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_schema_rule_has_a_fixture_that_finds_it_at_its_path() {
    let mut messages = String::new();
    for rule in Rule::ALL.iter().filter(|r| !r.compares_contracts()) {
        let dir = fixtures().join(rule.id());
        let previous = Schema::parse(&read(&dir.join("previous.avsc"))).unwrap();
        let current = Schema::parse(&read(&dir.join("current.avsc"))).unwrap();
        let path = read(&dir.join("path.txt")).trim().to_string();
        let result = classify(&previous, &current, Mode::Full, "sales.Order");
        let found: Vec<_> = result.changes.iter().map(|c| (c.rule, c.path.as_str())).collect();
        assert_eq!(found, [(*rule, path.as_str())], "{rule}: {:#?}", result.changes);
        let change = &result.changes[0];
        assert_eq!(change.breaking, rule.can_break(), "{rule}");
        let expected = if rule.can_break() { Verdict::Breaking } else { Verdict::Compatible };
        assert_eq!(result.verdict, expected, "{rule}");
        messages.push_str(&format!("{change}\n"));
    }
    insta::assert_snapshot!("rule_messages", messages);
}

/// Each breaking rule breaks exactly the directions its documentation says.
#[test]
fn rules_break_in_their_documented_directions() {
    let directions = |rule: &str| {
        let dir = fixtures().join(rule);
        let previous = Schema::parse(&read(&dir.join("previous.avsc"))).unwrap();
        let current = Schema::parse(&read(&dir.join("current.avsc"))).unwrap();
        let verdict = |mode| classify(&previous, &current, mode, "sales.Order").verdict == Verdict::Breaking;
        (verdict(Mode::Backward), verdict(Mode::Forward))
    };
    for (rule, expected) in [
        ("FIELD_ADDED_WITHOUT_DEFAULT", (true, false)),
        ("FIELD_REMOVED_WITHOUT_DEFAULT", (false, true)),
        ("FIELD_RENAMED", (false, true)),
        ("FIELD_TYPE_CHANGED", (true, true)),
        ("FIELD_TYPE_NARROWED", (true, false)),
        ("FIELD_TYPE_WIDENED", (false, true)),
        ("LOGICAL_TYPE_CHANGED", (true, true)),
        ("DECIMAL_PRECISION_CHANGED", (true, true)),
        ("DECIMAL_SCALE_CHANGED", (true, true)),
        ("ENUM_SYMBOL_REMOVED_WITHOUT_DEFAULT", (true, false)),
        ("ENUM_SYMBOL_ADDED_WITHOUT_DEFAULT", (false, true)),
        ("FIXED_SIZE_CHANGED", (true, true)),
        ("NAME_CHANGED", (true, true)),
        ("UNION_BRANCH_REMOVED", (true, false)),
        ("UNION_BRANCH_ADDED", (false, true)),
    ] {
        assert_eq!(directions(rule), expected, "{rule} (backward, forward)");
    }
}

#[test]
fn a_renamed_field_or_record_with_an_alias_reads_old_data() {
    let dir = fixtures().join("FIELD_RENAMED");
    let previous = Schema::parse(&read(&dir.join("previous.avsc"))).unwrap();
    let current = Schema::parse(&read(&dir.join("current.avsc"))).unwrap();
    assert_eq!(classify(&previous, &current, Mode::Backward, "r").verdict, Verdict::Compatible);
    let with_alias = read(&fixtures().join("NAME_CHANGED/current.avsc"))
        .replace(r#""name": "OrderLine","#, r#""name": "OrderLine", "aliases": ["LineItem"],"#);
    let renamed = classify(
        &Schema::parse(&read(&fixtures().join("NAME_CHANGED/previous.avsc"))).unwrap(),
        &Schema::parse(&with_alias).unwrap(),
        Mode::Backward,
        "r",
    );
    assert_eq!(renamed.verdict, Verdict::Compatible, "{:?}", renamed.changes);
}

#[test]
fn only_documentation_changes_are_doc_only() {
    let text = read(&fixtures().join("OTHER_CHANGE/previous.avsc"));
    let previous = Schema::parse(&text).unwrap();
    let documented = Schema::parse(&text.replace("An order.", "One customer order.")).unwrap();
    assert_eq!(classify(&previous, &previous, Mode::Full, "r").verdict, Verdict::Identical);
    assert_eq!(classify(&previous, &documented, Mode::Full, "r").verdict, Verdict::DocOnly);
    assert_eq!(previous.canonical_form(), documented.canonical_form());
}

/// A recursive type: the change inside the cycle is found once, and the check terminates.
#[test]
fn recursive_types_are_followed_once() {
    let list = |ty: &str| {
        Schema::parse(&format!(
            r#"{{"type":"record","name":"Node","fields":[{{"name":"value","type":"{ty}"}},{{"name":"children","type":{{"type":"array","items":"Node"}}}}]}}"#
        ))
        .unwrap()
    };
    let result = classify(&list("int"), &list("string"), Mode::Full, "tree");
    assert_eq!(result.changes.len(), 1, "{:?}", result.changes);
    assert_eq!(result.changes[0].path, "tree.value");
}
