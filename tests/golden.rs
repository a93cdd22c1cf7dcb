//! Golden tests, as cargo-deny keeps them: an input (a snapshot under
//! `tests/fixtures/snapshots/`, manifests) evaluated with the bundled rules, and the result
//! (every FAIL with its message, PASS / FAIL / error counts per rule) compared with
//! `tests/snapshots/<case>.findings.json`, exactly. A change to a rule or a collector that
//! changes a verdict shows here as a diff.
//!
//! `VIGIL_UPDATE_SNAPSHOTS=1 cargo test --test tests golden::` writes the files anew; review
//! the diff before committing it.

use crate::common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Value};

use common::*;

const UPDATE: &str = "VIGIL_UPDATE_SNAPSHOTS";

/// Compares `actual` with the committed file, or writes it when updating.
fn check(name: &str, actual: &Value) {
    let path = repo().join("tests/snapshots").join(name);
    let text = serde_json::to_string_pretty(actual).unwrap() + "\n";
    if std::env::var_os(UPDATE).is_some() {
        std::fs::write(&path, &text).unwrap();
        eprintln!("wrote {}", path.display());
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; make it with {UPDATE}=1 cargo test --test tests golden::",
            path.display()
        )
    });
    if expected == text {
        return;
    }
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), text.lines().collect());
    let at = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let around = |lines: &[&str]| lines[at.saturating_sub(3)..(at + 4).min(lines.len())].join("\n");
    panic!(
        "{} differs from this build's result at line {} (expected {} lines, got {}).\n\
         --- expected\n{}\n--- got\n{}\n\
         If the change is intended: {UPDATE}=1 cargo test --test tests golden:: and review the diff.",
        path.display(),
        at + 1,
        e.len(),
        a.len(),
        around(&e),
        around(&a)
    );
}

fn rules() -> vigil::policy::RuleSet {
    let rules = vigil::policy::RuleSet::load(&[vigil::policy::RuleSource::Bundled]).unwrap();
    assert!(rules.problems.is_empty(), "{:?}", rules.problems);
    rules
}

/// A snapshot evaluated as a first scan would be, at the time it was collected: every FAIL,
/// and the PASS / FAIL / error counts per rule.
fn outcome(snapshot: &vigil::model::Snapshot) -> Value {
    let at = chrono::DateTime::parse_from_rfc3339(&snapshot.collected_at)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let params = vigil::config::Config::default().params();
    let report = vigil::scan::evaluate(&rules(), params, snapshot, at, &BTreeMap::new()).eval;
    let findings: Vec<Value> = report
        .results
        .iter()
        .map(|r| json!({"rule": r.rule_id, "resource": r.resource_id, "message": r.message}))
        .collect();
    let counts: BTreeMap<&str, Value> = report
        .counts
        .iter()
        .filter(|(_, c)| c.pass + c.fail + c.error > 0)
        .map(|(id, c)| {
            (
                id.as_str(),
                json!({"pass": c.pass, "fail": c.fail, "error": c.error}),
            )
        })
        .collect();
    let total = |f: fn(&vigil::policy::evaluate::RuleCount) -> u64| -> u64 {
        report.counts.values().map(f).sum()
    };
    json!({
        "resources": snapshot.resources.len(),
        "incomplete_scopes": snapshot.coverage.iter().filter(|c| c.error.is_some()).count(),
        "totals": {"pass": total(|c| c.pass), "fail": total(|c| c.fail), "error": total(|c| c.error)},
        "rules": counts,
        "not_evaluated": report.not_evaluated.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        "errors": report.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        "findings": findings,
    })
}

fn snapshot_case(case: &str) {
    let path = repo().join(format!("tests/fixtures/snapshots/{case}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let snapshot: vigil::model::Snapshot = serde_json::from_str(&text).unwrap();
    check(&format!("{case}.findings.json"), &outcome(&snapshot));
}

/// The demo estate (demo/populate.py in moto, two regions), as `vigil scan --save-snapshot`
/// wrote it.
#[test]
fn demo_estate() {
    snapshot_case("demo-aws");
}

/// The services beyond the first eight, each type failing in us-east-1 (as moto gave it for
/// tests/aws_services.rs's estate) and passing in eu-west-1 (or a second account, for the
/// account settings): `tests/fixtures/snapshots/services-aws.make.py` says how it was made.
#[test]
fn later_services_estate() {
    snapshot_case("services-aws");
}

/// The recorded cluster (tests/fixtures/k8s/cluster-a, served by the stand-in API; its
/// ClusterRoles are forbidden to the scanner), as `vigil scan --target kubernetes` saved it.
#[test]
fn recorded_cluster() {
    snapshot_case("cluster-a");
}

fn manifests(paths: &[PathBuf]) -> vigil::model::Snapshot {
    let loaded = vigil::collect::manifests::load(paths);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let mut snapshot = vigil::model::Snapshot {
        version: 1,
        collected_at: "2026-12-01T00:00:00Z".into(),
        resources: loaded.resources,
        ..Default::default()
    };
    vigil::scan::redact(&vigil::redact::Redactor::ephemeral(), &mut snapshot);
    snapshot
}

/// vigil's own deployment (deploy/kustomize/base, rendered by kubectl): no findings, and
/// exactly these checks passed.
#[test]
fn rendered_deploy_manifests() {
    let Some(yaml) = kustomize("deploy/kustomize/base") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("base.yaml");
    std::fs::write(&file, yaml).unwrap();
    let outcome = outcome(&manifests(&[file]));
    assert_eq!(outcome["findings"], json!([]), "{outcome:#}");
    check("deploy-base.findings.json", &outcome);
}

/// The manifest fixtures in tests/fixtures/manifests/app.
#[test]
fn manifest_fixtures() {
    let app = repo().join("tests/fixtures/manifests/app");
    check("manifests-app.findings.json", &outcome(&manifests(&[app])));
}

/// The SARIF log `vigil scan --manifests` prints for the same fixtures, whole, with the
/// version of vigil in it replaced by `VERSION`.
#[test]
fn sarif_log_of_the_manifest_fixtures() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
        .current_dir(repo())
        .args([
            "scan",
            "--manifests",
            "tests/fixtures/manifests/app",
            "--format",
            "sarif",
        ])
        .env_remove("VIGIL_CONFIG")
        .env("HOME", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&out)
    );
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .replace(env!("CARGO_PKG_VERSION"), "VERSION");
    let log: Value = serde_json::from_str(&text).unwrap();
    check("manifests-app.sarif.json", &log);
}

/// `vigil scan --templates` of the template fixtures, whole: findings with file, line and
/// logical id, the verdicts left to deploy time, the counts and what was read.
#[test]
fn template_fixtures() {
    let out = scan_in_repo(&[
        "--templates",
        "tests/fixtures/templates/stacks",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    check("templates-stacks.findings.json", &json(&out));
}

/// `vigil scan --templates` of the SAM fixture: the transform's resources checked and
/// reported at their serverless resource's line, a SAM policy template left to deploy time.
#[test]
fn sam_fixture() {
    let out = scan_in_repo(&[
        "--templates",
        "tests/fixtures/templates/sam",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert!(
        !doc.to_string().contains("hunter2"),
        "a plain-text password in the template is never printed"
    );
    check("templates-sam.findings.json", &doc);
}

/// The Terraform fixture plan, with its source: findings at each block's file and line.
#[test]
fn terraform_fixture() {
    let out = scan_in_repo(&[
        "--terraform-plan",
        "tests/fixtures/terraform/plan.json",
        "--terraform-dir",
        "tests/fixtures/terraform/source",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    check("terraform-plan.findings.json", &json(&out));
}
