//! `vigil scan --manifests`: Kubernetes rules on YAML/JSON files before deployment.

mod common;

use common::*;

fn fixture(p: &str) -> String {
    repo()
        .join("tests/fixtures/manifests")
        .join(p)
        .display()
        .to_string()
}

#[test]
fn manifests_are_checked_with_file_and_document_and_secrets_are_never_read() {
    let out = vigil(&["scan", "--manifests", &fixture("app"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["manifests"]["files"], 2);
    assert_eq!(doc["manifests"]["documents"], 4);
    assert_eq!(
        doc["manifests"]["resources"], 4,
        "2 Deployments, a ClusterRole and a binding; the Secret and ConfigMap are skipped"
    );
    let findings = doc["findings"].as_array().unwrap();
    let on = |name: &str| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f["resource_id"].as_str().unwrap().ends_with(name))
            .map(|f| f["rule_id"].as_str().unwrap())
            .collect()
    };
    assert!(
        on("/Deployment/api").is_empty(),
        "the hardened deployment is clean: {:?}",
        on("/Deployment/api")
    );
    let legacy = on("/Deployment/legacy");
    for rule in [
        "POD-K8S-001",
        "POD-K8S-004",
        "POD-K8S-006",
        "IMG-K8S-002",
        "SEC-K8S-001",
        "NS-K8S-001",
    ] {
        assert!(
            legacy.contains(&rule),
            "{rule} missing on legacy: {legacy:?}"
        );
    }
    let admin = findings
        .iter()
        .find(|f| f["rule_id"] == "RBAC-K8S-002")
        .unwrap();
    assert!(admin["file"].as_str().unwrap().ends_with("rbac.json"));
    assert_eq!(admin["document"], 1);
    let privileged = findings
        .iter()
        .find(|f| f["rule_id"] == "POD-K8S-004")
        .unwrap();
    assert!(privileged["file"]
        .as_str()
        .unwrap()
        .ends_with("deployment.yaml"));
    assert_eq!(privileged["document"], 2);
    assert_eq!(
        privileged["path"],
        "config.spec.template.spec.containers[0].securityContext.privileged"
    );
    assert!(
        !stdout(&out).contains("never-read"),
        "a Secret's value must never reach the output"
    );
}

#[test]
fn malformed_yaml_is_reported_with_file_and_line_and_the_rest_is_scanned() {
    let out = vigil(&[
        "scan",
        "--manifests",
        &fixture("broken"),
        &fixture("app"),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a file that cannot be read is an error"
    );
    let err = stderr(&out);
    assert!(
        err.contains("bad.yaml:1") && err.contains("document 1"),
        "{err}"
    );
    let doc = json(&out);
    assert_eq!(doc["manifests"]["errors"].as_array().unwrap().len(), 1);
    assert!(
        doc["findings"].as_array().unwrap().len() >= 10,
        "the good files were still scanned"
    );
}

#[test]
fn clean_manifests_pass_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("app/deployment.yaml")).unwrap();
    let first = text.split("\n---\n").next().unwrap();
    let path = dir.path().join("api.yaml");
    std::fs::write(&path, first).unwrap();
    let out = vigil(&["scan", "--manifests", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("No findings."));
}
