//! The bundled rule pack: every rule loads, has tests that pass, a unique id, real NIST
//! controls and known resource types.

use std::collections::BTreeSet;

use vigil::policy::{testing, RuleSet, RuleSource};

fn bundled() -> RuleSet {
    RuleSet::load(&[RuleSource::Bundled]).unwrap()
}

#[test]
fn every_bundled_rule_loads() {
    let rules = bundled();
    assert!(rules.problems.is_empty(), "{:#?}", rules.problems);
    let ids = std::fs::read_to_string(crate::common::repo().join("tests/snapshots/rule_ids.txt"))
        .unwrap();
    assert_eq!(
        rules.rules.len(),
        ids.lines().count(),
        "one rule per id of tests/snapshots/rule_ids.txt"
    );
}

#[test]
fn every_rule_test_passes() {
    let rules = bundled();
    let outcomes = testing::run_tests(&rules, vigil::config::default_params(), None);
    assert!(
        outcomes.len() >= 2 * rules.rules.len(),
        "{} tests for {} rules",
        outcomes.len(),
        rules.rules.len()
    );
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| {
            format!(
                "{}:{}: {}: {}",
                o.file,
                o.line,
                o.name,
                o.message.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "failing rule tests:\n{}",
        failed.join("\n")
    );
}

#[test]
fn ids_are_unique_and_stable() {
    // Loading replaces rules by id, so count ids in the files themselves.
    let mut seen = BTreeSet::new();
    for (path, text) in vigil::policy::loader::bundled_sources() {
        if path.ends_with("_test.rego") || !text.trim_start().starts_with("# METADATA") {
            continue;
        }
        let meta = vigil::policy::metadata::parse(path, text).unwrap();
        assert!(
            seen.insert(meta.id.clone()),
            "rule id {} is used twice ({path})",
            meta.id
        );
    }
    // The ids in use, as a reviewed list: a rename shows up here.
    let listed: Vec<&str> = include_str!("snapshots/rule_ids.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect();
    let actual: Vec<&str> = seen.iter().map(String::as_str).collect();
    assert_eq!(
        actual, listed,
        "update tests/snapshots/rule_ids.txt if this change is intended"
    );
}

#[test]
fn every_control_exists_in_the_nist_catalog_and_every_type_is_known() {
    let catalog = vigil::controls::catalog();
    for r in bundled().rules {
        for c in r.meta.controls.iter() {
            let found = catalog
                .get(c)
                .unwrap_or_else(|| panic!("{}: {c} is not in the catalog", r.meta.id));
            assert!(!found.withdrawn, "{}: {c} is withdrawn", r.meta.id);
        }
        for t in &r.meta.resource_types {
            assert!(
                vigil::model::resource::is_known_type(t),
                "{}: unknown type {t}",
                r.meta.id
            );
        }
    }
}

#[test]
fn every_rule_has_a_test_file_with_deny_and_allow_cases() {
    let rules = bundled();
    for r in &rules.rules {
        let test_path = r.file.trim_end_matches(".rego").to_string() + "_test.rego";
        let t = rules
            .tests
            .iter()
            .find(|t| t.path == test_path)
            .unwrap_or_else(|| panic!("{} ({}) has no {test_path}", r.meta.id, r.file));
        let names = testing::test_names(&t.text);
        assert!(
            names.iter().any(|(n, _)| n.starts_with("test_deny")),
            "{test_path} has no test_deny_*"
        );
        assert!(
            names.iter().any(|(n, _)| n.starts_with("test_allow")),
            "{test_path} has no test_allow_*"
        );
    }
}
