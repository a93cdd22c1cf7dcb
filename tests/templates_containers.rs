//! `vigil scan --templates` on ECS and EKS: a Fargate service and an EKS cluster shaped after
//! AWS's sample templates are checked with the container rules at their file and line, what
//! AWS fills in when a template leaves a property out counts, a compliant resource gets no
//! finding, an environment value never reaches the output, and a setting chosen at deploy
//! leaves its verdict open.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::*;

const DIR: &str = "tests/fixtures/templates/containers";
const ECS: &str = "tests/fixtures/templates/containers/ecs-fargate.yaml";
const EKS: &str = "tests/fixtures/templates/containers/eks-cluster.yaml";

/// The scan's JSON output.
fn scan() -> Value {
    let out = scan_in_repo(&["--templates", DIR, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("change-me-in-production"),
        "an environment value is never printed"
    );
    json(&out)
}

/// Each (rule, logical id, file, line) of a section.
fn entries(doc: &Value, section: &str) -> BTreeSet<(String, String, String, u64)> {
    let text = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    doc[section]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let line = f["line"].as_u64().unwrap_or_default();
            (
                text(f, "rule_id"),
                text(f, "logical_id"),
                text(f, "file"),
                line,
            )
        })
        .collect()
}

fn at(rule: &str, logical_id: &str, file: &str, line: u64) -> (String, String, String, u64) {
    (rule.into(), logical_id.into(), file.into(), line)
}

#[test]
fn ecs_and_eks_resources_are_documents_joined_with_what_configures_them() {
    let doc = scan();
    let t = &doc["templates"];
    assert_eq!(t["templates"], 2);
    assert_eq!(t["errors"], serde_json::json!([]));
    assert_eq!(
        t["unsupported_types"],
        serde_json::json!({}),
        "every type has a document or is joined"
    );
    assert_eq!(
        t["joined"], 3,
        "the capacity providers and the two node groups"
    );
    assert_eq!(t["resources"], 10);
}

#[test]
fn the_ecs_rules_fail_the_fargate_sample_at_its_lines() {
    let doc = scan();
    let found = entries(&doc, "findings");
    let expected = [
        at("ECS-AWS-006", "ECSCluster", ECS, 23),
        at("ECS-AWS-001", "TaskDefinition", ECS, 47),
        at("ECS-AWS-002", "TaskDefinition", ECS, 47),
        at("ECS-AWS-004", "TaskDefinition", ECS, 47),
        at("SEC-AWS-002", "TaskDefinition", ECS, 47),
        at("ECS-AWS-005", "Service", ECS, 103),
    ];
    for e in &expected {
        assert!(found.contains(e), "{e:?} in {found:?}");
    }
    let ecs_rules: BTreeSet<&str> = found
        .iter()
        .filter(|f| f.2 == ECS && f.0 != "TAG-AWS-004")
        .map(|f| f.0.as_str())
        .collect();
    assert_eq!(
        ecs_rules,
        [
            "ECS-AWS-001",
            "ECS-AWS-002",
            "ECS-AWS-004",
            "ECS-AWS-005",
            "ECS-AWS-006",
            "SEC-AWS-002"
        ]
        .into(),
        "no host-mode or PID-namespace finding on awsvpc tasks"
    );
    for compliant in [
        "InsightsCluster",
        "HardenedTaskDefinition",
        "PrivateService",
    ] {
        let on: Vec<_> = found.iter().filter(|f| f.1 == compliant).collect();
        assert!(on.is_empty(), "{compliant}: {on:?}");
    }
}

#[test]
fn the_eks_rules_fail_the_sample_cluster_and_leave_a_chosen_endpoint_open() {
    let doc = scan();
    let found = entries(&doc, "findings");
    for rule in [
        "NET-AWS-007",
        "EKS-AWS-001",
        "EKS-AWS-002",
        "EKS-AWS-003",
        "LOG-AWS-008",
    ] {
        let e = at(rule, "EKSCluster", EKS, 22);
        assert!(found.contains(&e), "{e:?} in {found:?}");
    }
    let ssh = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "EKS-AWS-003")
        .unwrap();
    assert_eq!(
        ssh["message"],
        "EKS cluster demo: node group NodeGroup allows SSH with key pair ops from any address"
    );
    assert_eq!(ssh["resource_type"], "AWS::EKS::Cluster");
    for compliant in ["PrivateCluster", "SecretsKey"] {
        let on: Vec<_> = found
            .iter()
            .filter(|f| f.1 == compliant && f.0 != "TAG-AWS-004")
            .collect();
        assert!(on.is_empty(), "{compliant}: {on:?}");
    }
    assert!(found.iter().all(|f| f.1 != "PrivateCluster"), "tagged too");

    let open = entries(&doc, "not_evaluated");
    assert_eq!(
        open,
        [at("NET-AWS-007", "ChosenCluster", EKS, 88)].into(),
        "the endpoint is chosen at deploy; the rest of the cluster passes"
    );
    let reason = doc["not_evaluated"][0]["reason"].as_str().unwrap();
    assert_eq!(
        reason,
        "not evaluated: parameter PublicEndpoint has no value; unknown until deploy"
    );
    assert!(found
        .iter()
        .all(|f| f.1 != "ChosenCluster" || f.0 == "TAG-AWS-004"));
}
