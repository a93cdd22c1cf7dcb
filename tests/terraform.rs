//! `vigil scan --terraform-plan`: Terraform plans checked before apply with the AWS rules.
//! The fixture plan is Terraform 1.11.4's own output (`scripts/terraform-fixture/`): a module
//! with `count`, a nested module, separate public-access-block, encryption, policy and
//! security-group rule resources, and KMS keys known only after apply.

use std::process::Output;

use serde_json::Value;

use crate::common::*;

const PLAN: &str = "tests/fixtures/terraform/plan.json";
const COMPACT: &str = "tests/fixtures/terraform/plan.compact.json";
const SOURCE: &str = "tests/fixtures/terraform/source";
const STORAGE_TF: &str = "tests/fixtures/terraform/source/modules/storage/main.tf";

fn scan(args: &[&str]) -> Output {
    scan_in_repo(args)
}

/// The rules failing on the resource at `address`.
fn failing(doc: &Value, address: &str) -> Vec<String> {
    let mut out: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["address"] == address)
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The line of the first line of `file` (under the repository) holding `needle`.
fn line_of(file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(repo().join(file)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn plans_are_checked_at_their_module_address_and_the_line_of_their_block() {
    let out = scan(&[
        "--terraform-plan",
        PLAN,
        "--terraform-dir",
        SOURCE,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let t = &doc["templates"];
    assert_eq!(t["plans"], 1);
    assert_eq!(t["errors"], serde_json::json!([]));
    assert_eq!(t["unsupported_types"]["aws_route53_zone"], 1);
    assert!(t["unsupported_types"]
        .get("aws_s3_bucket_public_access_block")
        .is_none());

    // Bucket 1's separate public access block leaves public policies allowed; bucket 0's
    // blocks everything and its separate encryption uses the plan's own KMS key, whose ARN
    // is known only after apply.
    let one = "module.storage.aws_s3_bucket.this[1]";
    let zero = "module.storage.aws_s3_bucket.this[0]";
    assert!(
        failing(&doc, one).contains(&"NET-AWS-005".to_string()),
        "{:?}",
        failing(&doc, one)
    );
    assert!(failing(&doc, one).contains(&"S3-AWS-001".to_string()));
    assert!(!failing(&doc, zero).contains(&"NET-AWS-005".to_string()));
    assert!(
        !failing(&doc, zero).contains(&"S3-AWS-001".to_string()),
        "the plan's own key"
    );
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["address"] == one && f["rule_id"] == "NET-AWS-005")
        .unwrap();
    assert_eq!(f["file"], STORAGE_TF);
    assert_eq!(
        f["line"],
        line_of(STORAGE_TF, "resource \"aws_s3_bucket\" \"this\"")
    );
    assert!(f.get("logical_id").is_none(), "{f}");

    // Two modules deep.
    let queue = "module.storage.module.queue.aws_sqs_queue.this";
    let q = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["address"] == queue)
        .unwrap();
    assert_eq!(
        q["file"],
        "tests/fixtures/terraform/source/modules/storage/modules/queue/main.tf"
    );

    // A separate rule is its group's: the SSH rule opens the group to the internet.
    assert!(failing(&doc, "aws_security_group.web").contains(&"NET-AWS-001".to_string()));
    // The wildcard policy is found on the policy, as the live scan finds it.
    assert!(failing(&doc, "aws_iam_policy.admin").contains(&"IAM-AWS-001".to_string()));
}

#[test]
fn without_the_source_the_plan_itself_is_located() {
    let out = scan(&["--terraform-plan", PLAN, "--format", "json"]);
    let doc = json(&out);
    let one = "module.storage.aws_s3_bucket.this[1]";
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["address"] == one)
        .unwrap();
    assert_eq!(f["file"], PLAN);
    // Its entry in `resource_changes` (where its change and values are).
    let text = std::fs::read_to_string(repo().join(PLAN)).unwrap();
    let changes = text
        .lines()
        .position(|l| l.contains("\"resource_changes\""))
        .unwrap();
    let at = text
        .lines()
        .skip(changes)
        .position(|l| l.contains(&format!("\"address\": \"{one}\"")));
    assert_eq!(f["line"], changes + at.unwrap() + 1);
    // Unformatted, everything is on line 1, never 0.
    let out = scan(&["--terraform-plan", COMPACT, "--format", "sarif"]);
    let sarif = json(&out);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1, "{r}");
    }
}

#[test]
fn sarif_names_the_module_file_relative_to_the_repository() {
    let out = scan(&[
        "--terraform-plan",
        PLAN,
        "--terraform-dir",
        SOURCE,
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let sarif = json(&out);
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&STORAGE_TF), "{uris:?}");
    assert!(uris.iter().all(|u| !u.starts_with('/')), "{uris:?}");
}

#[test]
fn a_plan_of_another_format_is_an_error_with_its_line_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join(PLAN)).unwrap();
    let other = dir.path().join("other.json");
    std::fs::write(
        &other,
        text.replacen(
            "\"format_version\": \"1.2\"",
            "\"format_version\": \"2.0\"",
            1,
        ),
    )
    .unwrap();
    let other = other.to_str().unwrap();
    let out = scan(&["--terraform-plan", other, PLAN, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let line = text
        .lines()
        .position(|l| l.contains("\"format_version\""))
        .unwrap()
        + 1;
    assert!(
        stderr(&out).contains(&format!("{other}:{line}: format_version \"2.0\" is not a Terraform plan format vigil reads (0.1 to 1.2)")),
        "{}",
        stderr(&out)
    );
    let doc = json(&out);
    assert_eq!(doc["templates"]["plans"], 1);
    assert!(!failing(&doc, "module.storage.aws_s3_bucket.this[1]").is_empty());
}

#[test]
fn a_plan_written_as_utf16_by_powershell_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join(PLAN)).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let wide = dir.path().join("plan.json");
    std::fs::write(&wide, bytes).unwrap();
    let a = json(&scan(&["--terraform-plan", PLAN, "--format", "json"]));
    let b = json(&scan(&[
        "--terraform-plan",
        wide.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(a["summary"], b["summary"]);
    assert_eq!(b["templates"]["errors"], serde_json::json!([]));
}
