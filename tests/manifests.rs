//! `vigil scan --manifests`: Kubernetes rules on YAML/JSON files before deployment.

use crate::common;

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

/// The official SARIF validator (`@microsoft/sarif-multitool-linux` from npm, which .ci/run
/// installs and points `SARIF_MULTITOOL` at). Required in CI, optional elsewhere.
pub(crate) fn sarif_multitool() -> Option<std::path::PathBuf> {
    match std::env::var_os("SARIF_MULTITOOL") {
        Some(p) => Some(p.into()),
        None => {
            crate::common::skip(
                "SARIF_MULTITOOL is not set: the SARIF structure is checked, not GitHub's ingestion rules",
            );
            None
        }
    }
}

/// The multitool's errors for a SARIF file, GitHub code scanning's ingestion rules included
/// (`--rule-kind "Sarif;Gh"`). Its exit code is 0 either way: the errors are read from its
/// own SARIF report.
pub(crate) fn sarif_errors(tool: &std::path::Path, input: &std::path::Path) -> Vec<String> {
    let report = input.with_extension("validation.sarif");
    let v = std::process::Command::new(tool)
        .args([
            "validate",
            input.to_str().unwrap(),
            "--rule-kind",
            "Sarif;Gh",
            "-o",
            report.to_str().unwrap(),
            "--log",
            "ForceOverwrite",
        ])
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("the SARIF multitool runs");
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    let validation: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    validation["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error")
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
        .collect()
}

#[test]
fn sarif_output_locates_each_finding_at_its_file_and_line_and_validates() {
    // A relative path (as in CI, from the repository root) and an absolute one.
    for path in ["tests/fixtures/manifests/app".to_string(), fixture("app")] {
        let out = vigil(&["scan", "--manifests", &path, "--format", "sarif"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let log = json(&out);
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "vigil");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        // One per FAIL of tests/snapshots/manifests-app.findings.json.
        assert_eq!(results.len(), 15);
        for r in results {
            let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], r["ruleId"]);
            assert!(rule["properties"]["security-severity"].is_string());
            assert!(rule["help"]["text"]
                .as_str()
                .unwrap()
                .contains("NIST SP 800-53"));
        }
        let located = |rule: &str| {
            let r = results.iter().find(|r| r["ruleId"] == rule).unwrap();
            let loc = &r["locations"][0]["physicalLocation"];
            (
                loc["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                loc["region"]["startLine"].as_u64().unwrap(),
                loc["artifactLocation"]["uriBaseId"].clone(),
            )
        };
        // The privileged Deployment is the second document of deployment.yaml.
        let text = std::fs::read_to_string(fixture("app/deployment.yaml")).unwrap();
        let second = text.lines().position(|l| l == "---").unwrap() + 2;
        let (uri, line, base) = located("POD-K8S-004");
        assert!(
            uri.ends_with("tests/fixtures/manifests/app/deployment.yaml"),
            "{uri}"
        );
        assert_eq!(line as usize, second);
        if path.starts_with('/') {
            assert!(uri.starts_with("file:///"), "{uri}");
            assert!(base.is_null());
        } else {
            assert_eq!(uri, "tests/fixtures/manifests/app/deployment.yaml");
            assert_eq!(base, "%SRCROOT%");
        }
        let (uri, line, _) = located("RBAC-K8S-002");
        assert!(uri.ends_with("rbac.json") && line == 1, "{uri}:{line}");

        let Some(tool) = sarif_multitool() else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("vigil.sarif");
        std::fs::write(&input, &out.stdout).unwrap();
        let errors = sarif_errors(&tool, &input);
        assert!(
            errors.is_empty(),
            "SARIF validation errors:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn rendered_kustomize_output_is_read_from_standard_input() {
    let rendered = std::process::Command::new("kubectl")
        .args(["kustomize", &fixture("kustomize")])
        .output()
        .expect("kubectl is installed (it renders the kustomization)");
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["scan", "--manifests", "-", "--format", "json"])
        .env_remove("VIGIL_CONFIG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(&rendered.stdout)
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["manifests"]["resources"], 1, "the Secret is skipped");
    let findings = doc["findings"].as_array().unwrap();
    let privileged = findings
        .iter()
        .find(|f| f["rule_id"] == "POD-K8S-004")
        .unwrap();
    // Kustomize's namespace and name prefix are what vigil sees.
    assert_eq!(
        privileged["resource_id"],
        "k8s://manifests/payments/apps/Deployment/prod-worker"
    );
    assert_eq!(privileged["file"], "(stdin)");
    // kustomize sorts the Secret first: the Deployment is the second document.
    assert_eq!(privileged["document"], 2);
    let text = String::from_utf8_lossy(&rendered.stdout);
    let line = text.lines().position(|l| l == "---").unwrap() + 2;
    assert_eq!(privileged["line"], line);
    // Labels added by kustomize count: only the missing ones are reported.
    assert!(!findings.iter().any(|f| f["rule_id"] == "LBL-K8S-001"));
    assert!(!stdout(&out).contains("never-read-from-kustomize"));
}
