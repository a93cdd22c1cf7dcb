//! `vigil scan --templates`: CloudFormation templates checked before deploy with the AWS
//! rules, findings at the template's file and line, verdicts that hang on a value unknown
//! until deploy left to the live scan, bad files reported while the rest is checked.

use std::process::Output;

use serde_json::Value;

use crate::common::*;

const STACKS: &str = "tests/fixtures/templates/stacks";
const STORAGE: &str = "tests/fixtures/templates/stacks/storage.yaml";

/// `vigil scan` run from the repository's root, so file names are as a CI job gives them.
fn scan(args: &[&str]) -> Output {
    scan_in_repo(args)
}

fn verdicts<'d>(doc: &'d Value, section: &str, logical_id: &str) -> Vec<&'d str> {
    doc[section]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["logical_id"] == logical_id)
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect()
}

#[test]
fn templates_are_checked_at_their_file_and_line_and_unknowns_wait_for_deploy() {
    let out = scan(&["--templates", STACKS, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let t = &doc["templates"];
    assert_eq!(t["files"], 4);
    assert_eq!(t["templates"], 2);
    assert_eq!(t["other_files"], 2, "the parameter file and the buildspec");
    assert_eq!(
        t["not_created"], 1,
        "ProdOnlyQueue: IsProd is false for dev"
    );
    assert_eq!(t["joined"], 2, "the bucket's and the queue's policies");
    assert_eq!(t["unsupported_types"]["AWS::KMS::Alias"], 1);
    assert_eq!(t["errors"], serde_json::json!([]));

    let website = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["logical_id"] == "WebsiteBucket" && f["rule_id"] == "NET-AWS-005")
        .expect("the website bucket's public access block is off");
    assert_eq!(website["file"], STORAGE);
    assert_eq!(website["line"], 34);
    assert_eq!(website["resource_type"], "AWS::S3::Bucket");
    assert!(!website["controls"].as_array().unwrap().is_empty());
    let queue = verdicts(&doc, "findings", "JobQueue");
    assert!(
        queue.contains(&"SQS-AWS-001"),
        "SSE-SQS turned off: {queue:?}"
    );
    assert!(
        queue.contains(&"SQS-AWS-002"),
        "the separate policy allows everyone: {queue:?}"
    );
    assert!(verdicts(&doc, "findings", "AlertTopic").contains(&"SNS-AWS-001"));
    assert!(
        verdicts(&doc, "findings", "Repository").contains(&"ECR-AWS-001"),
        "ScanOnPush written as the text \"false\" in app.json"
    );
    assert!(
        !verdicts(&doc, "findings", "ImageRepository").contains(&"ECR-AWS-001"),
        "scans on push"
    );
    assert!(
        !verdicts(&doc, "findings", "DataBucket").contains(&"NET-AWS-005"),
        "a bucket without a public access block gets S3's, all on"
    );

    // The log group's key is a parameter without a default: LOG-AWS-009 is neither.
    let logs = verdicts(&doc, "not_evaluated", "AppLogs");
    assert_eq!(logs, ["LOG-AWS-009"], "{}", doc["not_evaluated"]);
    assert!(!verdicts(&doc, "findings", "AppLogs").contains(&"LOG-AWS-009"));
    let open = doc["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["logical_id"] == "AppLogs")
        .unwrap();
    assert_eq!(
        open["reason"],
        "not evaluated: parameter DataKeyArn has no value; unknown until deploy"
    );
    assert_eq!(open["line"], 72);
    let s = &doc["summary"];
    assert!(s["unknown"].as_u64().unwrap() >= 1, "{s}");
    let pairs: std::collections::BTreeSet<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap(),
                f["resource_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        s["fail"].as_u64().unwrap(),
        pairs.len() as u64,
        "FAIL counts (rule, resource) pairs, a finding each message"
    );
}

#[test]
fn parameters_decide_conditions_and_unknowns() {
    let params = format!("{STACKS}/params.json");
    let out = scan(&[
        "--templates",
        STORAGE,
        "--parameters",
        &params,
        "--format",
        "json",
    ]);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&out)
    );
    let doc = json(&out);
    assert_eq!(
        doc["templates"]["not_created"], 0,
        "prod creates ProdOnlyQueue"
    );
    assert!(
        !verdicts(&doc, "findings", "AlertTopic").contains(&"SNS-AWS-001"),
        "prod's topic has a key"
    );
    assert_eq!(
        doc["templates"]["resources"], 7,
        "six, and the prod-only queue"
    );
    assert_eq!(
        doc["not_evaluated"],
        serde_json::json!([]),
        "every value is known with the parameter file"
    );
    assert!(!verdicts(&doc, "findings", "AppLogs").contains(&"LOG-AWS-009"));
}

#[test]
fn a_template_that_cannot_be_read_is_reported_and_the_rest_checked() {
    let out = scan(&[
        "--templates",
        "tests/fixtures/templates/broken",
        STORAGE,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc = json(&out);
    let errors: Vec<&str> = doc["templates"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    let has = |s: &str| errors.iter().any(|e| e.contains(s));
    // libyaml stops at the end of the file, line 7, "while parsing a flow sequence at line 6".
    assert!(
        has("tests/fixtures/templates/broken/bad-yaml.yaml:7: not valid YAML"),
        "{errors:?}"
    );
    assert!(
        has("broken/unknown-function.yaml:5: Odd: unknown intrinsic function !Frobnicate"),
        "{errors:?}"
    );
    assert!(
        has("broken/unknown-function.yaml:9: Loop: circular reference"),
        "{errors:?}"
    );
    assert_eq!(
        doc["templates"]["templates"], 2,
        "the broken YAML is not one"
    );
    assert_eq!(
        doc["templates"]["resources"], 7,
        "storage.yaml's six, and Fine beside the two resources that could not be read"
    );
    assert!(
        !verdicts(&doc, "findings", "WebsiteBucket").is_empty(),
        "the good template is still checked"
    );
    let err = stderr(&out);
    assert!(
        err.contains("error: tests/fixtures/templates/broken/bad-yaml.yaml:7:"),
        "{err}"
    );
}

#[test]
fn the_table_and_sarif_name_the_line_to_fix() {
    let out = scan(&["--templates", STACKS]);
    assert_eq!(out.status.code(), Some(1));
    let table = stdout(&out);
    assert!(
        table.lines().any(|l| l.contains("NET-AWS-005")
            && l.contains("WebsiteBucket")
            && l.contains(&format!("{STORAGE}:34"))),
        "{table}"
    );
    assert!(
        table.contains("Not evaluated, unknown until deploy"),
        "{table}"
    );
    assert!(table.contains("AWS::KMS::Alias (1)"), "{table}");
    let out = scan(&["--templates", STACKS, "--format", "sarif"]);
    let log = json(&out);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let open: Vec<&Value> = results.iter().filter(|r| r["kind"] == "open").collect();
    assert_eq!(open.len(), 1, "LOG-AWS-009 on AppLogs is left to deploy");
    assert_eq!(open[0]["ruleId"], "LOG-AWS-009");
    assert_eq!(open[0]["level"], "none");
    assert!(open[0]["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("not evaluated: parameter DataKeyArn has no value"));
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1, "{r}");
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("tests/fixtures/templates/stacks/"), "{uri}");
    }
}

#[test]
fn a_parameter_file_that_cannot_be_read_is_a_clear_error() {
    let out = scan(&["--templates", STORAGE, "--parameters", STORAGE]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("storage.yaml:1: not valid JSON"), "{err}");
}
