//! The evaluator: VM and interpreter agree; bad rules are reported and skipped; the CLI
//! reports a broken rule file with its location and still scans with the rest.

mod common;

use chrono::{TimeZone, Utc};
use vigil::policy::evaluate::EngineMode;
use vigil::policy::{evaluate, EvalContext, RuleSet, RuleSource};

fn ctx(mode: EngineMode) -> EvalContext {
    EvalContext {
        now: Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
        params: vigil::config::default_params(),
        mode,
        threads: 2,
    }
}

#[test]
fn vm_and_interpreter_agree_on_the_whole_rule_pack() {
    let rules = RuleSet::load(&[RuleSource::Bundled]).unwrap();
    let snapshot = vigil::model::synthetic::estate(2_000);
    let vm = evaluate(&rules, &snapshot, &ctx(EngineMode::Vm));
    let interp = evaluate(&rules, &snapshot, &ctx(EngineMode::Interpreter));
    assert!(
        vm.errors.is_empty(),
        "{:#?}",
        &vm.errors[..vm.errors.len().min(5)]
    );
    assert!(
        interp.errors.is_empty(),
        "{:#?}",
        &interp.errors[..interp.errors.len().min(5)]
    );
    assert_eq!(vm.counts, interp.counts);
    assert_eq!(vm.results, interp.results);
    // The synthetic estate is built to fail and pass: both must happen.
    let fails: u64 = vm.counts.values().map(|c| c.fail).sum();
    let passes: u64 = vm.counts.values().map(|c| c.pass).sum();
    assert!(
        fails > 500 && passes > 500,
        "fails {fails}, passes {passes}"
    );
}

#[test]
fn a_broken_rule_is_reported_with_its_location_and_the_rest_run() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("custom");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("broken.rego"),
        "# METADATA\n# title: Broken\n# custom:\n#   id: CUSTOM-001\n#   severity: low\n#   controls: [CM-8]\n#   resource_types: [\"AWS::EC2::Volume\"]\n#   remediation: none\npackage custom.broken\n\ndeny contains x if {\n  x := = 1\n}\n",
    )
    .unwrap();
    std::fs::write(
        rules.join("badmeta.rego"),
        "# METADATA\n# title: Bad\n# custom:\n#   id: CUSTOM-002\n#   severity: urgent\n#   controls: [CM-8]\n#   resource_types: [\"AWS::EC2::Volume\"]\n#   remediation: none\npackage custom.badmeta\n",
    )
    .unwrap();
    let snapshot = dir.path().join("snap.json");
    let snap = vigil::model::synthetic::estate(200);
    std::fs::write(&snapshot, serde_json::to_string(&snap).unwrap()).unwrap();
    let dbpath = common::db(dir.path());
    let out = common::vigil(&[
        "scan",
        "--snapshot",
        snapshot.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--db",
        &dbpath,
        "--format",
        "json",
    ]);
    let err = common::stderr(&out);
    assert!(
        err.contains("broken.rego:12"),
        "parse error names file:line: {err}"
    );
    assert!(
        err.contains("badmeta.rego:5") && err.contains("urgent"),
        "metadata error names file:line: {err}"
    );
    let doc = common::json(&out);
    assert!(
        doc["findings"].as_array().unwrap().len() > 10,
        "the bundled rules still ran"
    );
    assert_eq!(doc["errors"]["rule_files"].as_array().unwrap().len(), 2);
}

#[test]
fn a_rule_in_a_rules_dir_replaces_the_bundled_one_with_the_same_id() {
    let dir = tempfile::tempdir().unwrap();
    let rules_dir = dir.path().join("override");
    std::fs::create_dir_all(&rules_dir).unwrap();
    std::fs::write(
        rules_dir.join("ebs.rego"),
        "# METADATA\n# title: Volumes must be gp3\n# custom:\n#   id: EBS-AWS-001\n#   severity: low\n#   controls: [CM-6]\n#   resource_types: [\"AWS::EC2::Volume\"]\n#   remediation: Migrate to gp3.\npackage custom.ebs\n\ndeny contains {\"msg\": \"not gp3\", \"path\": \"config.VolumeType\"} if input.config.VolumeType != \"gp3\"\n",
    )
    .unwrap();
    let rules = RuleSet::load(&[RuleSource::Bundled, RuleSource::Dir(rules_dir)]).unwrap();
    let r = rules.get("EBS-AWS-001").unwrap();
    assert_eq!(r.meta.title, "Volumes must be gp3");
    assert_eq!(
        rules
            .rules
            .iter()
            .filter(|r| r.meta.id == "EBS-AWS-001")
            .count(),
        1
    );
}
