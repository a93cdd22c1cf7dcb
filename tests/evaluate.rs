//! The evaluator: VM and interpreter agree; bad rules are reported and skipped; the CLI
//! reports a broken rule file with its location and still scans with the rest.

use crate::common;

use chrono::{TimeZone, Utc};
use vigil::policy::evaluate::EngineMode;
use vigil::policy::{evaluate, EvalContext, RuleSet, RuleSource};

fn ctx(mode: EngineMode) -> EvalContext {
    EvalContext {
        now: Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
        params: vigil::config::default_params(),
        mode,
        threads: 2,
        idle_since: Default::default(),
    }
}

#[test]
fn vm_and_interpreter_agree_on_the_whole_rule_pack() {
    let rules = RuleSet::load(&[RuleSource::Bundled]).unwrap();
    let snapshot = vigil::collect::synthetic::estate(2_000);
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
    let snap = vigil::collect::synthetic::estate(200);
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

fn k8s(kind_type: &str, name: &str, config: serde_json::Value) -> vigil::model::Resource {
    vigil::model::Resource {
        id: format!("k8s://test/shop/{kind_type}/{name}"),
        resource_type: kind_type.to_string(),
        provider: "kubernetes".into(),
        account: Some("test".into()),
        region: Some("shop".into()),
        name: Some(name.into()),
        tags: Default::default(),
        config,
    }
}

#[test]
fn kubernetes_rules_run_on_the_vm_like_the_interpreter() {
    use serde_json::json;
    let rules = RuleSet::load(&[RuleSource::Bundled]).unwrap();
    let deployment = k8s(
        "K8s::apps::Deployment",
        "web",
        json!({"metadata": {"namespace": "default"}, "spec": {"template": {"spec": {
            "hostNetwork": true,
            "containers": [{"name": "app", "image": "nginx:latest", "securityContext": {"privileged": true},
                            "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}]}]}}}}),
    );
    let labels = json!({"app.kubernetes.io/name": "report", "app.kubernetes.io/part-of": "shop", "owner": "team-shop"});
    let hardened = k8s(
        "K8s::batch::CronJob",
        "report",
        json!({"metadata": {"namespace": "shop", "labels": labels.clone()}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": labels}, "spec": {
            "automountServiceAccountToken": false,
            "securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "r", "image": format!("registry.example.com/report@sha256:{}", "0".repeat(64)),
                            "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}}}}}}),
    );
    let role = k8s(
        "K8s::rbac.authorization.k8s.io::ClusterRole",
        "ops",
        json!({"rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]}]}),
    );
    let snapshot = vigil::model::Snapshot {
        version: 1,
        collected_at: String::new(),
        coverage: vec![],
        resources: vec![deployment, hardened, role],
        identities: Default::default(),
        accounts: Default::default(),
    };
    let vm = evaluate(&rules, &snapshot, &ctx(EngineMode::Vm));
    let interp = evaluate(&rules, &snapshot, &ctx(EngineMode::Interpreter));
    assert!(vm.errors.is_empty(), "{:#?}", vm.errors);
    assert_eq!(vm.results, interp.results);
    let fired = |res: &str| -> Vec<String> {
        let mut ids: Vec<String> = vm
            .results
            .iter()
            .filter(|r| r.resource_id.ends_with(res))
            .map(|r| r.rule_id.clone())
            .collect();
        ids.dedup();
        ids
    };
    assert_eq!(
        fired("/web"),
        [
            "IMG-K8S-001",
            "IMG-K8S-002",
            "LBL-K8S-001",
            "NS-K8S-001",
            "POD-K8S-001",
            "POD-K8S-002",
            "POD-K8S-003",
            "POD-K8S-004",
            "POD-K8S-005",
            "POD-K8S-006",
            "RBAC-K8S-004",
            "SEC-K8S-001"
        ]
    );
    assert!(fired("/report").is_empty(), "{:?}", fired("/report"));
    assert_eq!(fired("/ops"), ["RBAC-K8S-001", "RBAC-K8S-003"]);
}
