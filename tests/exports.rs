//! `vigil report --format sarif|ocsf` for live accounts and clusters: SARIF that GitHub code
//! scanning takes (the multitool with GitHub's ingestion rules, and no URI that reads as a
//! scheme), and OCSF 1.6 Compliance Findings valid against the published schema.

use std::path::PathBuf;

use serde_json::Value;

use crate::common::*;
use crate::manifests::{sarif_errors, sarif_multitool};

fn report(db: &str, format: &str) -> String {
    let out = vigil(&["report", "--db", db, "--format", format]);
    assert!(out.status.success(), "{format}: {}", stderr(&out));
    stdout(&out)
}

/// A moto scan with a plain bucket (and a waived one) and, when a real API server is
/// available, a cluster with a privileged pod.
fn estate(dir: &std::path::Path) -> (String, Moto, Option<RealKube>) {
    let moto = Moto::start();
    boto(
        &moto,
        "c('s3').create_bucket(Bucket='plain-logs')\nc('s3').create_bucket(Bucket='waived-logs')\nc('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8)",
    );
    let db = db(dir);
    scan_moto(&moto, &db, &[]);
    let w = vigil(&[
        "waive",
        "add",
        "--db",
        &db,
        "--rule",
        "S3-AWS-001",
        "--resource",
        "arn:aws:s3:::waived-logs",
        "--reason",
        "archive",
        "--owner",
        "platform",
        "--expires",
        "2099-01-31",
    ]);
    assert!(w.status.success(), "{}", stderr(&w));
    scan_moto(&moto, &db, &[]);
    let kube = RealKube::start();
    if let Some(k) = &kube {
        k.apply(crate::report::WORKLOAD);
        let kc = k.kubeconfig.display().to_string();
        vigil(&[
            "scan",
            "--target",
            "kubernetes",
            "--kubeconfig",
            &kc,
            "--context",
            "admin",
            "--db",
            &db,
        ]);
    }
    (db, moto, kube)
}

#[test]
fn live_findings_as_sarif_github_accepts_and_ocsf_compliance_findings() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _moto, kube) = estate(dir.path());

    let log: Value = serde_json::from_str(&report(&db, "sarif")).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let loc = &r["locations"][0];
        let uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        // A relative reference: never an ARN, `k8s://` or anything else with a colon.
        assert!(uri.starts_with("vigil/") && !uri.contains(':'), "{uri}");
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        assert!(loc["logicalLocations"][0]["fullyQualifiedName"].is_string());
        assert!(r["partialFingerprints"]["vigilFinding/v1"].is_string());
    }
    let bucket = |name: &str| {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == "S3-AWS-001"
                    && r["properties"]["resource"] == format!("arn:aws:s3:::{name}")
            })
            .unwrap_or_else(|| panic!("no S3-AWS-001 result for {name}"))
            .clone()
    };
    assert_eq!(
        bucket("plain-logs")["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "vigil/aws/-/global/AWS-S3-Bucket/plain-logs"
    );
    assert!(bucket("plain-logs")["suppressions"].is_null());
    assert_eq!(bucket("waived-logs")["suppressions"][0]["kind"], "external");
    if kube.is_some() {
        assert!(results
            .iter()
            .any(|r| r["properties"]["target"] == "kubernetes"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .starts_with("vigil/kubernetes/")));
    }
    if let Some(tool) = sarif_multitool() {
        let path = dir.path().join("live.sarif");
        std::fs::write(&path, log.to_string()).unwrap();
        let errors = sarif_errors(&tool, &path);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        // The rules can fail: a result without a location breaks GitHub's.
        let mut bad = log.clone();
        bad["runs"][0]["results"][0]
            .as_object_mut()
            .unwrap()
            .remove("locations");
        std::fs::write(&path, bad.to_string()).unwrap();
        assert!(
            !sarif_errors(&tool, &path).is_empty(),
            "a result without a location passed"
        );
    }

    // OCSF: one event per open or waived finding, each valid against its profile's schema.
    let ndjson = report(&db, "ocsf");
    let events: Vec<Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        events.len(),
        results.len(),
        "the same findings as the SARIF log"
    );
    let plain = events
        .iter()
        .find(|e| {
            e["resources"][0]["uid"] == "arn:aws:s3:::plain-logs"
                && e["compliance"]["control"] == "S3-AWS-001"
        })
        .unwrap();
    assert_eq!(plain["class_uid"], 2003);
    assert_eq!(plain["metadata"]["version"], "1.6.0");
    assert_eq!(plain["cloud"]["provider"], "AWS");
    assert_eq!(plain["status"], "New");
    assert!(plain["compliance"]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "SC-28(1)"));
    let waived = events
        .iter()
        .find(|e| {
            e["resources"][0]["uid"] == "arn:aws:s3:::waived-logs"
                && e["compliance"]["control"] == "S3-AWS-001"
        })
        .unwrap();
    assert_eq!(waived["status"], "Suppressed");
    let Some(schemas) = std::env::var_os("OCSF_SCHEMA_DIR").map(PathBuf::from) else {
        skip("OCSF_SCHEMA_DIR is not set (scripts/test makes the schemas)");
        return;
    };
    let cj = std::env::var_os("OSCAL_CHECK_JSONSCHEMA")
        .map(PathBuf::from)
        .expect("OSCAL_CHECK_JSONSCHEMA");
    let check = |events: &[&Value], profile: &str| -> Result<(), String> {
        let mut files = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let f = dir.path().join(format!("ocsf-{profile}-{i}.json"));
            std::fs::write(&f, e.to_string()).unwrap();
            files.push(f);
        }
        let out = std::process::Command::new(&cj)
            .arg("--schemafile")
            .arg(schemas.join(format!("compliance_finding-1.6.0-{profile}.json")))
            .args(&files)
            .output()
            .unwrap();
        if out.status.success() {
            Ok(())
        } else {
            Err(stdout(&out) + &stderr(&out))
        }
    };
    let (aws, k8s): (Vec<&Value>, Vec<&Value>) =
        events.iter().partition(|e| e.get("cloud").is_some());
    check(&aws, "cloud").unwrap();
    if kube.is_some() {
        assert!(!k8s.is_empty());
        check(&k8s, "container").unwrap();
    }
    // The schema can fail: an enum value OCSF does not have, a key it does not know.
    let mut bad = plain.clone();
    bad["severity_id"] = 42.into();
    bad["vigil"] = true.into();
    assert!(check(&[&bad], "cloud").is_err());
}
