//! The command line as a user meets it: config templates and checks, rule listing and
//! testing, exit codes.

use crate::common;

use common::*;

#[test]
fn config_init_writes_a_valid_template_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vigil.toml");
    let p = path.to_str().unwrap();
    let out = vigil(&["config", "init", p]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("[rules.params]") && text.contains("required_tags"));
    let out = vigil(&["config", "check", p]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = vigil(&["config", "init", p]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"));
}

#[test]
fn config_check_reports_every_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[collectors.aws]\nregions = [\"us-east-1\", \"moon-base\"]\nservices = [\"ec2\", \"lambada\"]\n\n[rules]\ndirs = [\"/nonexistent-vigil-rules\"]\n\n[rules.params]\nidle_hours = -3\n\n[scan]\nfail_on = \"severe\"\ncolour = 1\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let out = vigil(&["config", "check", p]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    for needle in [
        ":2:",
        "moon-base",
        ":3:",
        "lambada",
        ":9:",
        "idle_hours",
        ":12:",
        "severe",
        ":13:",
        "colour",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // The same file given to a scan stops it before any work, naming the place.
    let out = vigil(&["--config", p, "scan", "--snapshot", "/nonexistent.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.toml:12:"), "{}", stderr(&out));
}

#[test]
fn rules_list_and_test_cover_the_bundled_pack() {
    let out = vigil(&["rules", "list", "--format", "json"]);
    assert!(out.status.success());
    let list = json(&out);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"IAM-AWS-001") && ids.contains(&"TAG-AWS-006"),
        "{ids:?}"
    );
    let out = vigil(&["rules", "test"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains(" passed, 0 failed"));
}

#[test]
fn a_failing_rule_test_names_file_line_and_test() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("custom");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("vol.rego"),
        "# METADATA\n# title: Volume too big\n# custom:\n#   id: CUSTOM-VOL-001\n#   severity: low\n#   controls: [CM-8]\n#   resource_types: [\"AWS::EC2::Volume\"]\n#   remediation: Shrink it.\npackage custom.vol\n\ndeny contains {\"msg\": \"too big\", \"path\": \"config.Size\"} if input.config.Size > 100\n",
    )
    .unwrap();
    std::fs::write(
        d.join("vol_test.rego"),
        "package custom.vol\n\ntest_deny_big if {\n\tcount(deny) == 1 with input as {\"config\": {\"Size\": 500}}\n}\n\ntest_allow_small_wrong if {\n\tcount(deny) == 1 with input as {\"config\": {\"Size\": 5}}\n}\n",
    )
    .unwrap();
    let out = vigil(&[
        "rules",
        "test",
        "--no-bundled-rules",
        "--rules",
        d.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("vol_test.rego:7: test_allow_small_wrong"),
        "{text}"
    );
    assert!(text.contains("1 passed, 1 failed"), "{text}");
}

#[test]
fn fail_on_threshold_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let snapshot = serde_json::json!({
        "collected_at": "2026-01-01T00:00:00Z",
        "coverage": [{"scope": "aws/123456789012/us-east-1/AWS::EC2::EIP", "status": "complete"}],
        "resources": [{
            "id": "arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1", "type": "AWS::EC2::EIP",
            "provider": "aws", "account": "123456789012", "region": "us-east-1",
            "tags": {"owner": "team-a", "environment": "dev", "cost-center": "1", "data-classification": "internal"},
            "config": {"AllocationId": "eipalloc-1", "PublicIp": "203.0.113.9"}
        }]
    });
    std::fs::write(&snap, snapshot.to_string()).unwrap();
    let s = snap.to_str().unwrap();
    let d1 = db(dir.path());
    // First sighting: the address has been idle for 0 hours, nothing fires.
    let out = vigil(&["scan", "--snapshot", s, "--db", &d1, "--now", "2026-12-01"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("No open findings."),
        "{}",
        stdout(&out)
    );
    // Four days later only IDLE-AWS-003 (low) fires: below the default `high` gate, at or
    // above `low`.
    let out = vigil(&["scan", "--snapshot", s, "--db", &d1, "--now", "2026-12-05"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("IDLE-AWS-003"));
    let out = vigil(&[
        "scan",
        "--snapshot",
        s,
        "--db",
        &d1,
        "--fail-on",
        "low",
        "--now",
        "2026-12-05",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_waived_finding_leaves_the_gate_until_its_waiver_expires() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let snapshot = serde_json::json!({
        "collected_at": "2026-01-01T00:00:00Z",
        "coverage": [{"scope": "aws/123456789012/us-east-1/AWS::EC2::Volume", "status": "complete"}],
        "resources": [{
            "id": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "type": "AWS::EC2::Volume",
            "provider": "aws", "account": "123456789012", "region": "us-east-1",
            "tags": {"owner": "team-a", "environment": "prod", "cost-center": "1", "data-classification": "internal"},
            "config": {"VolumeId": "vol-1", "Size": 8, "State": "in-use", "Encrypted": false,
                       "CreateTime": "2026-01-01T00:00:00Z", "Attachments": [{"InstanceId": "i-1", "State": "attached"}]}
        }]
    });
    std::fs::write(&snap, snapshot.to_string()).unwrap();
    let (s, d) = (snap.to_str().unwrap(), db(dir.path()));
    // An unencrypted volume is high: the default gate fails.
    let out = vigil(&["scan", "--snapshot", s, "--db", &d]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let expires = (chrono::Utc::now() + chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    let out = vigil(&[
        "waive",
        "add",
        "--db",
        &d,
        "--rule",
        "EBS-AWS-001",
        "--resource",
        "arn:aws:ec2:*:volume/vol-1",
        "--reason",
        "encrypted copy in progress",
        "--owner",
        "storage",
        "--expires",
        &expires,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1 finding(s) waived now"),
        "{}",
        stdout(&out)
    );
    // Waived: the gate passes, the table counts it apart.
    let out = vigil(&["scan", "--snapshot", s, "--db", &d]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 waived"), "{}", stdout(&out));
    // After the expiry date the waiver stops applying: the gate fails again and says why.
    let later = (chrono::Utc::now() + chrono::Duration::days(11))
        .format("%Y-%m-%d")
        .to_string();
    let out = vigil(&["scan", "--snapshot", s, "--db", &d, "--now", &later]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("[waiver 1 expired"),
        "{}",
        stdout(&out)
    );
}
