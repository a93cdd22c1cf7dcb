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

/// Every action a bundled rule declares (`custom.action`, with its `patch`) is built by the
/// real proposal code into that action, not a manual step, on a resource the rule fails in
/// the golden estates (the demo's AWS account and the recorded cluster). The rules that
/// declare an action are listed here, so a rule that loses its METADATA (or a renamed one
/// whose METADATA was not carried over) fails this test.
#[test]
fn every_declared_action_is_built_for_a_failing_resource() {
    use std::collections::{BTreeMap, BTreeSet};
    use vigil::model::plan::ActionKind;
    use vigil::remediate::propose::{self, Candidate, Options};
    let rules = vigil::policy::RuleSet::load(&[vigil::policy::RuleSource::Bundled]).unwrap();
    let declared: BTreeMap<&str, &vigil::policy::RuleMeta> = rules
        .rules
        .iter()
        .filter(|r| r.meta.fix.action.is_some())
        .map(|r| (r.meta.id.as_str(), &r.meta))
        .collect();
    assert_eq!(
        declared.keys().copied().collect::<Vec<_>>(),
        [
            "EBS-AWS-002",
            "ECR-AWS-001",
            "ELB-AWS-004",
            "IDLE-AWS-002",
            "IDLE-AWS-003",
            "KMS-AWS-001",
            "LBL-K8S-002",
            "LOG-AWS-007",
            "NET-AWS-001",
            "NET-AWS-002",
            "NET-AWS-005",
            "NET-K8S-001",
            "POD-K8S-001",
            "POD-K8S-002",
            "POD-K8S-003",
            "POD-K8S-004",
            "POD-K8S-005",
            "S3-AWS-001",
            "SNS-AWS-001",
            "SQS-AWS-001",
            "TAG-AWS-001",
            "TAG-AWS-002",
            "TAG-AWS-003",
            "TAG-AWS-004",
        ],
        "the bundled rules with a remediation action"
    );
    assert_eq!(
        rules.reaping_rules(),
        ["IDLE-AWS-001", "IDLE-AWS-002", "IDLE-AWS-003"],
        "the rules reaped by default"
    );
    let params = vigil::config::Config::default().params();
    let plans = vigil::config::Plans::default();
    let mut built: BTreeSet<&str> = BTreeSet::new();
    for case in ["demo-aws", "services-aws", "cluster-a"] {
        let path = crate::common::repo().join(format!("tests/fixtures/snapshots/{case}.json"));
        let mut snapshot: vigil::model::Snapshot =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        // Every resource in a reapable environment, idle (where idle at all) for 90 days.
        for r in &mut snapshot.resources {
            r.tags.insert("environment".into(), "dev".into());
        }
        let at = chrono::DateTime::parse_from_rfc3339(&snapshot.collected_at)
            .unwrap()
            .with_timezone(&chrono::Utc);
        let history: BTreeMap<String, chrono::DateTime<chrono::Utc>> = snapshot
            .resources
            .iter()
            .map(|r| (r.id.clone(), at - chrono::Duration::days(90)))
            .collect();
        let eval = vigil::scan::evaluate(&rules, params.clone(), &snapshot, at, &history).eval;
        let by_id: BTreeMap<&str, &vigil::model::Resource> = snapshot
            .resources
            .iter()
            .map(|r| (r.id.as_str(), r))
            .collect();
        for r in &eval.results {
            let Some(meta) = declared.get(r.rule_id.as_str()) else {
                continue;
            };
            let resource = by_id[r.resource_id.as_str()];
            // Values for every tag and label a plan may add, so none stays manual for want
            // of one.
            let opts = Options {
                plans: &plans,
                tag_values: ["environment", "owner", "cost-center", "team", "app"]
                    .iter()
                    .map(|k| (k.to_string(), "x".to_string()))
                    .collect(),
                required_tags: vec!["environment".into(), "owner".into(), "cost-center".into()],
                required_namespace_labels: vec!["team".into(), "environment".into()],
                log_retention_days: 365,
            };
            let c = Candidate {
                finding: serde_json::from_value(serde_json::json!({
                    "id": 1, "rule_id": r.rule_id, "resource_id": r.resource_id,
                    "resource_type": resource.resource_type, "severity": "high",
                    "controls": [], "message": r.message, "path": r.path,
                    "status": "open", "stale": false, "first_seen": "x", "last_seen": "x"
                }))
                .unwrap(),
                target: Some((resource.clone(), "v1".into())),
                remediation: meta.remediation.clone(),
                fix: meta.fix.clone(),
                namespace_labels: Default::default(),
            };
            let plan = propose::propose(&[c], "alice", &opts).unwrap();
            let kinds: Vec<ActionKind> = plan.actions.iter().map(|a| a.kind).collect();
            if kinds == [meta.fix.action.unwrap()] {
                built.insert(meta.id.as_str());
            }
        }
    }
    let missing: Vec<&&str> = declared.keys().filter(|id| !built.contains(**id)).collect();
    assert!(
        missing.is_empty(),
        "no failing resource in the golden estates was given its declared action by: {missing:?}"
    );
}
