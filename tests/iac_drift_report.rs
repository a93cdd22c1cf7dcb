//! `vigil report --against-template`: the drift of the live resources from the code in every
//! export, as evidence for CM-2, CM-3 and CM-6 — the JSON posture, the Markdown and HTML
//! pages, the CSV's rows under each control, and an OSCAL result valid against NIST's schema.

use serde_json::Value;

use crate::common::*;
use crate::iac_drift::{deploy_and_open_ssh, line_of};
use crate::oscal::{check_jsonschema, schema, tool};

/// The report's text, which must have been written.
fn text(db: &str, t: &str, format: &str) -> String {
    let out = report(db, t, format);
    assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
    stdout(&out)
}

fn report(db: &str, t: &str, format: &str) -> std::process::Output {
    vigil(&[
        "report",
        "--db",
        db,
        "--against-template",
        t,
        "--format",
        format,
    ])
}

#[test]
fn reports_carry_the_drift_from_the_code_under_the_configuration_controls() {
    let moto = Moto::start();
    let (dir, template) = deploy_and_open_ssh(&moto);
    let db = db(dir.path());
    let scan = scan_moto(&moto, &db, &["--service", "sqs", "--service", "ec2"]);
    assert!(
        scan.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&scan)
    );
    let t = template.to_str().unwrap();

    // JSON: the rows that depart, the counts, the controls.
    let out = report(&db, t, "json");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let p = json(&out);
    let d = &p["code_drift"];
    assert_eq!(d["controls"], serde_json::json!(["CM-2", "CM-3", "CM-6"]));
    assert_eq!(d["sources"], serde_json::json!([t]));
    assert_eq!(d["summary"]["changed"], 1, "{d:#}");
    // The bucket's type was not scanned: neither missing nor managed.
    assert_eq!(d["summary"]["not_scanned"], 1, "{d:#}");
    let web = d["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["declared"]["logical_id"] == "Web")
        .expect("the security group opened by hand");
    assert_eq!(web["status"], "changed");
    assert!(
        d["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] != "managed"),
        "managed resources are counted, not listed: {d:#}"
    );
    // A later scan of S3 alone: the bucket is compared now, and EC2's last complete read
    // still stands for the group.
    let s3 = scan_moto(&moto, &db, &["--service", "s3"]);
    assert!(s3.status.code().is_some_and(|c| c <= 1), "{}", stderr(&s3));
    let d = &json(&report(&db, t, "json"))["code_drift"];
    assert_eq!(d["summary"]["not_scanned"], 0, "{d:#}");
    assert_eq!(d["summary"]["missing"], 0, "{d:#}");
    let live: Vec<&str> = d["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["live"].as_str())
        .collect();
    // moto's CloudFormation leaves out the public access block and encryption S3 gives every
    // new bucket, so the bucket is compared and differs there.
    assert!(live.contains(&"arn:aws:s3:::drift-data"), "{d:#}");
    assert!(live.iter().any(|l| l.contains(":security-group/")), "{d:#}");

    // Without the flag, the posture has no drift section.
    let plain = json(&vigil(&["report", "--db", &db, "--format", "json"]));
    assert!(plain.get("code_drift").is_none());

    // Markdown and HTML: a section with the line to change.
    let at = format!("stack.yaml:{} Web", line_of("  Web:"));
    let md = text(&db, t, "md");
    assert!(
        md.contains("### Drift from the code (CM-2, CM-3, CM-6)"),
        "{md}"
    );
    assert!(
        md.contains(&at) && md.contains("config.IpPermissions"),
        "{md}"
    );
    let html = text(&db, t, "html");
    assert!(html.contains(r#"<section id="code-drift">"#), "{html}");
    assert!(html.contains(r#"data-drift="changed""#) && html.contains(&at));

    // CSV: one row per departing resource under each control.
    let csv = text(&db, t, "csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let drift: Vec<csv::StringRecord> = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[col("rule")] == "drift-from-code")
        .collect();
    let controls: Vec<&str> = drift.iter().map(|r| &r[col("control")]).collect();
    for c in ["CM-2", "CM-3", "CM-6"] {
        assert!(controls.contains(&c), "{controls:?}");
    }
    let row = drift
        .iter()
        .find(|r| &r[col("control")] == "CM-2" && r[col("resource")].contains("security-group"))
        .expect("the security group's row under CM-2");
    assert_eq!(&row[col("status")], "CHANGED");
    assert!(row[col("message")].contains(&format!("stack.yaml:{}", line_of("  Web:"))));

    // OSCAL: a result of its own; CM-2 not satisfied, its observation the changed group.
    let ar = json(&report(&db, t, "oscal-ar"));
    let results = ar["assessment-results"]["results"].as_array().unwrap();
    let drift = results
        .iter()
        .find(|r| r["title"] == "Drift of the live configuration from the code")
        .expect("the drift result");
    let cm2 = drift["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["target"]["target-id"]
                .as_str()
                .unwrap()
                .starts_with("cm-2")
        })
        .expect("CM-2's finding");
    assert_eq!(cm2["target"]["status"]["state"], "not-satisfied");
    let observed: Vec<&Value> = cm2["related-observations"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    let obs = drift["observations"].as_array().unwrap();
    assert_eq!(observed.len(), obs.len());
    assert!(obs.iter().any(|o| o["title"]
        .as_str()
        .unwrap()
        .starts_with("changed arn:aws:ec2:")));
    if let Some(cj) = tool("OSCAL_CHECK_JSONSCHEMA") {
        for version in ["1.1.3", "1.2.1"] {
            let out = vigil(&[
                "report",
                "--db",
                &db,
                "--against-template",
                t,
                "--format",
                "oscal-ar",
                "--oscal-version",
                version,
            ]);
            let path = dir.path().join(format!("ar-{version}.json"));
            std::fs::write(&path, &out.stdout).unwrap();
            check_jsonschema(&cj, &schema("assessment-results", version), &path).unwrap();
        }
    }

    // A template that cannot be read: the report is written, the exit code says so.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "Resources:\n  X: [\n").unwrap();
    let out = vigil(&[
        "report",
        "--db",
        &db,
        "--against-template",
        t,
        bad.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let p = json(&out);
    let errors = p["code_drift"]["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e.as_str().unwrap().contains("bad.yaml:")),
        "{errors:?}"
    );
    assert!(stderr(&out).contains("bad.yaml"));
}
