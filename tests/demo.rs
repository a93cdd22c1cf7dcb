//! The bundled demo estate (demo/populate.py) scanned end to end against moto: every rule the
//! estate is built to break fires, the compliant resources stay clean.

use crate::common;

use std::collections::BTreeSet;
use std::process::Command;

use common::*;

#[test]
fn demo_estate_triggers_the_intended_rules_and_spares_compliant_resources() {
    let moto = Moto::start();
    let out = Command::new("python3")
        .arg(repo().join("demo/populate.py"))
        .args([
            "--endpoint-url",
            &moto.url,
            "--regions",
            "us-east-1,eu-west-1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "populate.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let dbpath = db(dir.path());
    let out = vigil(&[
        "scan",
        "--endpoint-url",
        &moto.url,
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--db",
        &dbpath,
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(
        doc["scan"]["status"], "complete",
        "{:#}",
        doc["scan"]["coverage"]
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "critical findings fail the default gate"
    );

    // The deploy token left in ci-bot's tags is reported by its key and stored redacted.
    assert!(!stdout(&out).contains("demo-token-not-a-real-one"));
    assert!(!all_bytes(dir.path()).contains("demo-token-not-a-real-one"));
    let token =
        finding(&doc, "SEC-AWS-001", ":user/ci-bot").expect("the tag's credential is reported");
    assert!(token["message"]
        .as_str()
        .unwrap()
        .contains("tag deploy_token carries a credential"));
    let fired: BTreeSet<String> = active(&doc).into_iter().map(|(r, _)| r).collect();
    let expected = [
        "CT-AWS-001",
        "EBS-AWS-001",
        "EBS-AWS-002",
        "EBS-AWS-003",
        "EC2-AWS-001",
        "IAM-AWS-001",
        "IAM-AWS-002",
        "IAM-AWS-003",
        "IAM-AWS-004",
        "IAM-AWS-006",
        "IAM-AWS-007",
        "KMS-AWS-001",
        "KMS-AWS-002",
        "LOG-AWS-003",
        "LOG-AWS-004",
        "NET-AWS-001",
        "NET-AWS-002",
        "NET-AWS-003",
        "NET-AWS-004",
        "NET-AWS-005",
        "NET-AWS-006",
        "RDS-AWS-001",
        "S3-AWS-001",
        "S3-AWS-002",
        "TAG-AWS-001",
        "TAG-AWS-002",
        "TAG-AWS-003",
        "TAG-AWS-004",
        "TAG-AWS-005",
        "TAG-AWS-006",
    ];
    let missing: Vec<&&str> = expected.iter().filter(|r| !fired.contains(**r)).collect();
    assert!(
        missing.is_empty(),
        "rules that should fire on the demo estate did not: {missing:?}\nfired: {fired:?}"
    );

    // Compliant on purpose: no finding at all.
    for clean in [
        "arn:aws:s3:::acme-audit-logs",
        ":policy/ReadReportsBucket",
        ":role/reports-reader",
    ] {
        let hits: Vec<_> = active(&doc)
            .into_iter()
            .filter(|(_, res)| res.ends_with(clean))
            .collect();
        assert!(hits.is_empty(), "{clean} should be compliant: {hits:?}");
    }
    // LOG-AWS-001 passes in both regions thanks to the multi-region trail (a shadow trail in eu-west-1).
    assert!(
        !fired.contains("LOG-AWS-001"),
        "the multi-region trail covers both regions"
    );
    // EBS encryption by default is on only in the first region.
    let ebs_default: Vec<_> = active(&doc)
        .into_iter()
        .filter(|(r, _)| r == "EBS-AWS-002")
        .collect();
    assert_eq!(ebs_default.len(), 1);
    assert!(ebs_default[0].1.contains(":eu-west-1:"));
    // The invalid NIST_Control tag is named, the valid one is not reported.
    let nist = finding(&doc, "TAG-AWS-006", ":instance/").unwrap();
    assert!(
        nist["message"].as_str().unwrap().contains("AC-99"),
        "{nist}"
    );
    assert_eq!(
        active(&doc)
            .iter()
            .filter(|(r, _)| r == "TAG-AWS-006")
            .count(),
        2,
        "one invalid tag per region"
    );

    // PASS counts are stored per rule: 3 buckets, 1 compliant for S3-AWS-001.
    let store = vigil::store::Store::open(std::path::Path::new(&dbpath)).unwrap();
    let scan_id = doc["scan"]["id"].as_i64().unwrap();
    assert_eq!(
        store.rule_results(scan_id).unwrap()["S3-AWS-001"],
        (1, 2, 0)
    );
}
