//! `vigil report --format oscal-ar|oscal-poam`: valid against NIST's own JSON schemas
//! (`tests/schemas/`, checked by check-jsonschema) and compliance-trestle's validator, every
//! reference inside a document resolves, and the UUIDs line up across reports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// A validator named by an environment variable `.ci/run` sets; required in CI.
pub(crate) fn tool(var: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            skip(&format!(
                "{var} is not set (scripts/test installs the validator)"
            ));
            None
        }
    }
}

pub(crate) fn schema(kind: &str, version: &str) -> PathBuf {
    repo().join(format!("tests/schemas/oscal_{kind}_schema-{version}.json"))
}

/// check-jsonschema's verdict: Ok, or its messages.
pub(crate) fn check_jsonschema(bin: &Path, schema: &Path, doc: &Path) -> Result<(), String> {
    let out = Command::new(bin)
        .arg("--schemafile")
        .arg(schema)
        .arg(doc)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", stdout(&out), stderr(&out)))
    }
}

/// `trestle validate -a` in a fresh workspace holding the documents.
fn trestle(bin: &Path, ar: &Path, poam: &Path) -> Result<(), String> {
    let ws = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(args)
            .current_dir(ws.path())
            .output()
            .unwrap()
    };
    let init = run(&["init"]);
    assert!(init.status.success(), "trestle init: {}", stderr(&init));
    for (dir, file, src) in [
        ("assessment-results", "assessment-results.json", ar),
        (
            "plan-of-action-and-milestones",
            "plan-of-action-and-milestones.json",
            poam,
        ),
    ] {
        let d = ws.path().join(dir).join("vigil");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::copy(src, d.join(file)).unwrap();
    }
    let out = run(&["validate", "-a"]);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", stdout(&out), stderr(&out)))
    }
}

/// Every `uuid` defined in the document, and every reference to one, by key.
fn uuids(v: &Value, defined: &mut Vec<String>, refs: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x.as_str()) {
                    ("uuid", Some(u)) => defined.push(u.to_string()),
                    ("subject-uuid" | "observation-uuid" | "risk-uuid" | "actor-uuid", Some(u)) => {
                        refs.push((k.clone(), u.to_string()))
                    }
                    _ => uuids(x, defined, refs),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| uuids(x, defined, refs)),
        _ => {}
    }
}

/// Unique UUIDs, every reference resolves, every target is a baseline objective.
fn integrity(doc: &Value, objectives: &BTreeSet<String>) -> BTreeSet<String> {
    let (mut defined, mut refs) = (Vec::new(), Vec::new());
    uuids(doc, &mut defined, &mut refs);
    let set: BTreeSet<String> = defined.iter().cloned().collect();
    assert_eq!(set.len(), defined.len(), "duplicate uuids");
    for (k, u) in &refs {
        assert!(set.contains(u), "{k} {u} points nowhere");
    }
    for r in doc["assessment-results"]["results"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for f in r["findings"].as_array().into_iter().flatten() {
            let t = f["target"]["target-id"].as_str().unwrap();
            assert!(
                objectives.contains(t),
                "{t} is not an objective of the baseline"
            );
        }
    }
    set
}

fn objectives(p: &Value) -> BTreeSet<String> {
    p["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}_obj", c["oscal_id"].as_str().unwrap()))
        .collect()
}

fn report(db: &str, args: &[&str]) -> Value {
    let mut all = vec!["report", "--db", db];
    all.extend_from_slice(args);
    let out = vigil(&all);
    assert!(out.status.success(), "vigil {all:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn assessment_results_and_poam_are_valid_oscal_whose_references_resolve() {
    let moto = Moto::start();
    boto(
        &moto,
        "c('s3').create_bucket(Bucket='plain-logs')\nc('s3').create_bucket(Bucket='waived-logs')\nc('kms').create_key()",
    );
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let scan = |extra: &[&str]| {
        assert_eq!(scan_moto(&moto, &db, extra).status.code(), Some(1));
    };
    scan(&[]);
    let waive = vigil(&[
        "waive",
        "add",
        "--db",
        &db,
        "--rule",
        "S3-AWS-001",
        "--resource",
        "arn:aws:s3:::waived-logs",
        "--reason",
        "log archive, encrypted by the pipeline",
        "--owner",
        "platform",
        "--expires",
        "2099-01-31",
    ]);
    assert!(waive.status.success(), "{}", stderr(&waive));
    scan(&[]);

    let posture = report(&db, &["--format", "json"]);
    let objectives = objectives(&posture);
    let ar = report(&db, &["--format", "oscal-ar"]);
    let poam = report(&db, &["--format", "oscal-poam"]);
    let ar_ids = integrity(&ar, &objectives);
    integrity(&poam, &objectives);

    // What the documents say matches the posture.
    let result = &ar["assessment-results"]["results"][0];
    assert_eq!(
        ar["assessment-results"]["metadata"]["oscal-version"],
        "1.1.3"
    );
    let reviewed = result["reviewed-controls"]["control-selections"][0]["include-controls"]
        .as_array()
        .unwrap()
        .len();
    let assessed = posture["summary"]["automated"].as_u64().unwrap()
        + posture["summary"]["partial"].as_u64().unwrap();
    assert_eq!(reviewed as u64, assessed);
    let finding = |id: &str| {
        result["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["target"]["target-id"] == id)
            .unwrap_or_else(|| panic!("no finding on {id}"))
            .clone()
    };
    assert_eq!(
        finding("sc-28.1_obj")["target"]["status"]["state"],
        "not-satisfied"
    );
    assert_eq!(finding("sc-28.1_obj")["target"]["status"]["reason"], "fail");
    let risks = result["risks"].as_array().unwrap();
    let by_title: BTreeMap<&str, &Value> = risks
        .iter()
        .map(|r| (r["title"].as_str().unwrap(), r))
        .collect();
    let open = by_title["S3-AWS-001 on arn:aws:s3:::plain-logs"];
    assert_eq!(open["status"], "open");
    assert!(open["deadline"].as_str().unwrap().ends_with('Z'));
    let waived = by_title["S3-AWS-001 on arn:aws:s3:::waived-logs"];
    assert_eq!(waived["status"], "deviation-approved");
    assert_eq!(waived["deadline"], "2099-01-31T00:00:00Z");
    assert!(waived["props"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "waiver-reason"
            && p["value"].as_str().unwrap().contains("log archive")));
    let items = poam["plan-of-action-and-milestones"]["poam-items"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), risks.len());

    // The same scans give the same document ids; a later scan keeps each risk's and
    // resource's uuid (they name the rule and resource, not the scan).
    let again = report(&db, &["--format", "oscal-ar"]);
    assert_eq!(integrity(&again, &objectives), ar_ids);
    scan(&[]);
    let later = report(&db, &["--format", "oscal-ar"]);
    let later_risks: BTreeSet<&str> = later["assessment-results"]["results"][0]["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uuid"].as_str().unwrap())
        .collect();
    let risks_now: BTreeSet<&str> = risks.iter().map(|r| r["uuid"].as_str().unwrap()).collect();
    assert_eq!(later_risks, risks_now);
    assert_ne!(
        later["assessment-results"]["uuid"],
        ar["assessment-results"]["uuid"]
    );

    // NIST's schemas, both versions, and trestle (OSCAL 1.1.x).
    let Some(cj) = tool("OSCAL_CHECK_JSONSCHEMA") else {
        return;
    };
    for version in ["1.1.3", "1.2.1"] {
        let ar = report(&db, &["--format", "oscal-ar", "--oscal-version", version]);
        let poam = report(&db, &["--format", "oscal-poam", "--oscal-version", version]);
        let (ar_path, poam_path) = (
            dir.path().join(format!("ar-{version}.json")),
            dir.path().join(format!("poam-{version}.json")),
        );
        std::fs::write(&ar_path, ar.to_string()).unwrap();
        std::fs::write(&poam_path, poam.to_string()).unwrap();
        check_jsonschema(&cj, &schema("assessment-results", version), &ar_path).unwrap();
        check_jsonschema(&cj, &schema("poam", version), &poam_path).unwrap();
        if version == "1.1.3" {
            if let Some(t) = tool("OSCAL_TRESTLE") {
                trestle(&t, &ar_path, &poam_path).unwrap();
            }
        }
    }
    // The validators can fail: a state OSCAL does not know, and a duplicated uuid.
    let mut bad = ar.clone();
    bad["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
        "fail".into();
    let bad_path = dir.path().join("bad.json");
    std::fs::write(&bad_path, bad.to_string()).unwrap();
    let err = check_jsonschema(&cj, &schema("assessment-results", "1.1.3"), &bad_path).unwrap_err();
    assert!(err.contains("'fail' is not one of"), "{err}");
    if let Some(t) = tool("OSCAL_TRESTLE") {
        let mut dup = ar.clone();
        let first = dup["assessment-results"]["results"][0]["observations"][0]["uuid"].clone();
        dup["assessment-results"]["results"][0]["observations"][1]["uuid"] = first;
        std::fs::write(&bad_path, dup.to_string()).unwrap();
        let poam_path = dir.path().join("poam-1.1.3.json");
        assert!(
            trestle(&t, &bad_path, &poam_path).is_err(),
            "trestle takes duplicate uuids"
        );
    }
}
