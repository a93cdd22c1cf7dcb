//! `vigil scan --templates` on the edge and the account's guards: ACM certificates, Elastic
//! IPs, WAF web ACLs with their logging, GuardDuty, Security Hub and the AWS Config recorder,
//! each checked as the live document of its type, findings at the template's file and line.

use serde_json::Value;

use crate::common::*;

const DIR: &str = "tests/fixtures/templates/edge";
const EDGE: &str = "tests/fixtures/templates/edge/edge.yaml";
const GUARDS: &str = "tests/fixtures/templates/edge/guards.yaml";
/// The region the stacks are deployed to: the guards' rules name it.
const REGION: &str = "tests/fixtures/templates/edge/region.json";

/// The scan of the fixtures, deployed to the region of [`REGION`].
fn scanned() -> Value {
    let out = scan_in_repo(&[
        "--templates",
        DIR,
        "--parameters",
        REGION,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    json(&out)
}

/// The findings of `section` on `logical_id`.
fn of<'d>(doc: &'d Value, section: &str, logical_id: &str) -> Vec<&'d Value> {
    let all = doc[section].as_array().expect("a list");
    all.iter()
        .filter(|f| f["logical_id"] == logical_id)
        .collect()
}

/// The rule ids of `section`'s findings on `logical_id`.
fn rules<'d>(doc: &'d Value, section: &str, logical_id: &str) -> Vec<&'d str> {
    let id = |f: &'d Value| f["rule_id"].as_str().expect("a rule id");
    of(doc, section, logical_id).into_iter().map(id).collect()
}

/// The finding of `rule` on `logical_id`, which must be there.
fn finding<'d>(doc: &'d Value, logical_id: &str, rule: &str) -> &'d Value {
    of(doc, "findings", logical_id)
        .into_iter()
        .find(|f| f["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule} on {logical_id}: {}", doc["findings"]))
}

#[test]
fn the_edge_types_are_documents_and_joined_types_are_joined() {
    let doc = scanned();
    let t = &doc["templates"];
    assert_eq!(t["errors"], serde_json::json!([]));
    assert_eq!(t["templates"], 2);
    assert_eq!(t["other_files"], 1, "the parameter file");
    assert_eq!(t["unsupported_types"], serde_json::json!({}), "{t}");
    assert_eq!(
        t["joined"], 2,
        "the web ACL's logging and the delivery channel"
    );
    assert_eq!(t["resources"], 11);
}

#[test]
fn certificates_fail_at_their_line_and_an_undecided_preference_waits_for_deploy() {
    let doc = scanned();
    let weak = finding(&doc, "LegacyCertificate", "ACM-AWS-003");
    assert_eq!(weak["file"], EDGE);
    assert_eq!(weak["line"], 13);
    assert_eq!(weak["resource_type"], "AWS::ACM::Certificate");
    assert_eq!(weak["path"], "config.KeyAlgorithm");
    let opted_out = finding(&doc, "LegacyCertificate", "ACM-AWS-002");
    assert_eq!(opted_out["line"], 13);
    let site = rules(&doc, "findings", "SiteCertificate");
    assert!(
        !site.iter().any(|r| r.starts_with("ACM-")),
        "ACM's defaults pass: {site:?}"
    );
    let expiry = |f: &Value| f["rule_id"] == "ACM-AWS-001";
    let all = doc["findings"].as_array().unwrap();
    assert!(!all.iter().any(expiry), "no certificate is in use yet");
    let undecided = of(&doc, "not_evaluated", "UndecidedCertificate");
    assert_eq!(undecided.len(), 1, "{}", doc["not_evaluated"]);
    assert_eq!(undecided[0]["rule_id"], "ACM-AWS-002");
    assert_eq!(undecided[0]["line"], 19);
    assert_eq!(
        undecided[0]["reason"],
        "not evaluated: parameter Transparency has no value; unknown until deploy"
    );
    assert!(!rules(&doc, "findings", "UndecidedCertificate").contains(&"ACM-AWS-002"));
}

#[test]
fn web_acls_without_rules_or_logging_fail_and_elastic_ips_are_not_idle_yet() {
    let doc = scanned();
    for rule in ["WAF-AWS-001", "WAF-AWS-002"] {
        let f = finding(&doc, "EmptyAcl", rule);
        assert_eq!((&f["file"], &f["line"]), (&EDGE.into(), &57.into()));
        assert_eq!(f["resource_type"], "AWS::WAFv2::WebACL");
    }
    let front = rules(&doc, "findings", "FrontAcl");
    assert!(
        !front.iter().any(|r| r.starts_with("WAF-")),
        "rules and logging: {front:?}"
    );
    for address in ["NatAddress", "SpareAddress"] {
        assert_eq!(rules(&doc, "findings", address), Vec::<&str>::new());
        assert_eq!(rules(&doc, "not_evaluated", address), Vec::<&str>::new());
    }
}

#[test]
fn the_guards_a_stack_turns_on_are_checked_as_the_regions_guards() {
    let doc = scanned();
    let detector = finding(&doc, "Detector", "LOG-AWS-006");
    assert_eq!(
        (&detector["file"], &detector["line"]),
        (&GUARDS.into(), &4.into())
    );
    assert_eq!(detector["resource_type"], "AWS::GuardDuty::Detector");
    assert!(
        detector["message"]
            .as_str()
            .unwrap()
            .contains("is disabled"),
        "{detector}"
    );
    let recorder = finding(&doc, "Recorder", "GUARD-AWS-002");
    assert_eq!(recorder["line"], 13);
    assert_eq!(recorder["path"], "config.AllSupported");
    assert_eq!(
        rules(&doc, "findings", "Recorder"),
        ["GUARD-AWS-002"],
        "recording, the delivery channel being in the stack"
    );
    assert_eq!(rules(&doc, "findings", "SecurityHub"), Vec::<&str>::new());
}

#[test]
fn without_a_region_the_guards_are_judged_for_the_region_they_deploy_to() {
    let out = scan_in_repo(&["--templates", GUARDS, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let detector = finding(&doc, "Detector", "LOG-AWS-006");
    assert!(
        detector["message"]
            .as_str()
            .unwrap()
            .contains("in the region it deploys to is disabled"),
        "{detector}"
    );
    assert_eq!(finding(&doc, "Recorder", "GUARD-AWS-002")["line"], 13);
}
