//! The posture from made-up scans: a status is never a pass without evidence.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};

use super::*;
use crate::config::PostureControl;
use crate::controls::Level;
use crate::model::{Coverage, CoverageStatus};

fn rule(id: &str, controls: &[&str], types: &[&str]) -> RuleInfo {
    RuleInfo {
        id: id.into(),
        title: format!("{id} title"),
        severity: "high".into(),
        controls: controls.iter().map(|c| c.to_string()).collect(),
        resource_types: types.iter().map(|t| t.to_string()).collect(),
        remediation: format!("fix {id}"),
    }
}

const BUCKET: &str = "AWS::S3::Bucket";
const KEY: &str = "AWS::KMS::Key";

fn target(id: i64, name: &str, results: &[(&str, (i64, i64, i64))], failed: &[&str]) -> TargetScan {
    let mut coverage = vec![Coverage {
        scope: format!("aws/1/global/{BUCKET}"),
        status: CoverageStatus::Complete,
        error: None,
    }];
    coverage.extend(failed.iter().map(|s| Coverage {
        scope: s.to_string(),
        status: CoverageStatus::Failed,
        error: Some("AccessDenied".into()),
    }));
    TargetScan {
        scan: ScanRef {
            id,
            target: name.into(),
            status: if failed.is_empty() {
                "complete"
            } else {
                "partial"
            }
            .into(),
            started_at: format!("2026-11-0{id}T00:00:00Z"),
            finished_at: format!("2026-11-0{id}T00:01:00Z"),
            resources: 3,
            complete_scopes: 1,
            failed_scopes: Vec::new(),
        },
        coverage,
        rule_results: results
            .iter()
            .map(|(r, c)| (r.to_string(), *c))
            .collect::<BTreeMap<_, _>>(),
        findings: Vec::new(),
    }
}

fn posture(rules: &[RuleInfo], targets: Vec<TargetScan>, decls: &[PostureControl]) -> Posture {
    build(Inputs {
        level: Level::Moderate,
        rules,
        trend: vec![targets.clone()],
        targets,
        declarations: decls,
        now: Utc.with_ymd_and_hms(2026, 11, 10, 0, 0, 0).unwrap(),
        rules_digest: "d".into(),
        audit_head: None,
    })
}

fn control<'a>(p: &'a Posture, id: &str) -> &'a ControlPosture {
    p.controls
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn every_baseline_control_is_listed_once_as_nist_spells_it() {
    let p = posture(&[], vec![target(1, "aws", &[], &[])], &[]);
    assert_eq!(p.controls.len(), 287);
    let mut ids: Vec<&str> = p.controls.iter().map(|c| c.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 287);
    assert!(ids.contains(&"AC-2(1)") && ids.contains(&"SC-28(1)"));
    // Without rules nothing is assessed: no status anywhere, and no pass.
    assert!(p.controls.iter().all(|c| c.status.is_none()));
    assert_eq!(p.summary.counts.pass, 0);
    let fams: usize = p.families.iter().map(|f| f.counts.controls).sum();
    assert_eq!(fams, 287);
}

#[test]
fn pass_needs_evaluated_resources_and_complete_scopes() {
    let rules = [
        rule("S3-1", &["sc-28"], &[BUCKET]),
        rule("KMS-1", &["sc-12"], &[KEY]),
    ];
    // S3-1 passed 3 buckets; KMS-1 evaluated nothing.
    let p = posture(
        &rules,
        vec![target(1, "aws", &[("S3-1", (3, 0, 0))], &[])],
        &[],
    );
    let sc28 = control(&p, "SC-28");
    assert_eq!(sc28.class, Class::Automated);
    assert_eq!(sc28.status, Some(Status::Pass));
    assert_eq!(sc28.rules[0].pass, 3);
    let sc12 = control(&p, "SC-12");
    assert_eq!(sc12.status, Some(Status::NotAssessed));
    assert!(sc12
        .status_reason
        .as_deref()
        .unwrap()
        .contains("no applicable resource"));

    // The key scope failed in a second scan: SC-12 names it; a failed bucket scope turns
    // SC-28's pass into not assessed.
    let failed = format!("aws/1/us-east-1/{KEY}");
    let p = posture(
        &rules,
        vec![target(2, "aws", &[("S3-1", (3, 0, 0))], &[&failed])],
        &[],
    );
    assert_eq!(control(&p, "SC-12").failed_scopes, vec![failed.clone()]);
    let p2 = posture(
        &rules,
        vec![target(
            2,
            "aws",
            &[("S3-1", (3, 0, 0))],
            &[&format!("aws/1/global/{BUCKET}")],
        )],
        &[],
    );
    assert_eq!(control(&p2, "SC-28").status, Some(Status::NotAssessed));
}

#[test]
fn a_failure_anywhere_fails_the_control_and_targets_are_kept_apart() {
    let rules = [rule("S3-1", &["sc-28"], &[BUCKET])];
    let p = posture(
        &rules,
        vec![
            target(1, "aws", &[("S3-1", (3, 0, 0))], &[]),
            target(
                2,
                "other",
                &[("S3-1", (1, 2, 0))],
                &[&format!("aws/1/global/{BUCKET}")],
            ),
        ],
        &[],
    );
    let c = control(&p, "SC-28");
    assert_eq!(c.status, Some(Status::Fail));
    assert_eq!(c.targets["aws"], Status::Pass);
    assert_eq!(c.targets["other"], Status::Fail);
    assert_eq!((c.rules[0].pass, c.rules[0].fail), (4, 2));
    assert_eq!(p.summary.targets[0].pass, 1);
    assert_eq!(p.summary.targets[1].fail, 1);
    // An error counts as a failure.
    let p = posture(
        &rules,
        vec![target(1, "aws", &[("S3-1", (3, 0, 1))], &[])],
        &[],
    );
    assert_eq!(control(&p, "SC-28").status, Some(Status::Fail));
}

fn decl(id: &str, status: &str, expires: &str) -> PostureControl {
    PostureControl {
        id: id.into(),
        status: status.into(),
        owner: "ciso@example.com".into(),
        reason: "because".into(),
        evidence: Some("https://wiki.example/x".into()),
        expires: expires.into(),
    }
}

#[test]
fn declarations_and_attestations_apply_until_they_expire() {
    let decls = [
        decl("pe-*", "inherited", "2027-01-01"),
        decl("PS-1", "not-applicable", "2026-11-01"),
        decl("AC-1", "satisfied", "2027-01-01"),
        decl("AT-1", "satisfied", "2026-11-09"),
    ];
    let p = posture(&[], vec![target(1, "aws", &[], &[])], &decls);
    let pe3 = control(&p, "PE-3");
    assert_eq!(pe3.class, Class::NotApplicable);
    assert_eq!(pe3.class_source, "declared");
    // Expired: the derived class holds, and the report says it expired.
    let ps1 = control(&p, "PS-1");
    assert_eq!(ps1.class, Class::Organizational);
    assert!(ps1.declaration.as_ref().unwrap().expired);
    let ac1 = control(&p, "AC-1");
    assert_eq!(ac1.status, Some(Status::Pass));
    assert_eq!(p.summary.counts.attested, 1);
    let at1 = control(&p, "AT-1");
    assert_eq!(at1.status, None);
    assert!(at1.status_reason.as_deref().unwrap().contains("expired"));
    let pe = p.families.iter().find(|f| f.id == "PE").unwrap();
    assert_eq!(pe.counts.not_applicable, pe.counts.controls);
}

#[test]
fn the_trend_has_a_point_per_scan_with_each_family_counted() {
    let rules = [rule("S3-1", &["sc-28", "ac-3"], &[BUCKET])];
    let first = target(1, "aws", &[("S3-1", (1, 2, 0))], &[]);
    let second = target(2, "aws", &[("S3-1", (3, 0, 0))], &[]);
    let p = build(Inputs {
        level: Level::Moderate,
        rules: &rules,
        targets: vec![second.clone()],
        trend: vec![vec![first], vec![second]],
        declarations: &[],
        now: Utc::now(),
        rules_digest: String::new(),
        audit_head: None,
    });
    assert_eq!(p.trend.len(), 2);
    assert_eq!(p.trend[0].families["SC"].fail, 1);
    assert_eq!(p.trend[1].families["SC"].pass, 1);
    assert_eq!(p.trend[1].families["AC"].pass, 1);
}

#[test]
fn estate_text_is_escaped_in_html_and_markdown() {
    let rules = [rule("S3-1", &["sc-28"], &[BUCKET])];
    let mut t = target(1, "aws", &[("S3-1", (0, 1, 0))], &[]);
    t.findings.push(crate::model::Finding {
        id: 7,
        rule_id: "S3-1".into(),
        resource_id: "arn:aws:s3:::b".into(),
        resource_type: BUCKET.into(),
        severity: crate::model::Severity::High,
        controls: vec!["SC-28".into()],
        message: "<img src=x onerror=alert(1)> [click](https://evil.example) | x".into(),
        path: "config".into(),
        status: crate::model::FindingStatus::Open,
        stale: false,
        first_seen: "2026-11-01T00:00:00Z".into(),
        last_seen: "2026-11-01T00:00:00Z".into(),
        resolved_at: None,
        waiver: None,
    });
    let p = posture(&rules, vec![t], &[]);
    let html = render::html(&p, None).unwrap();
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<img"));
    // The stylesheet's hash is what the CSP allows.
    // (in an attribute, HTML-escaped; the browser reads it back unescaped)
    assert!(html.contains(&render::csp(render::CSS).replace('\'', "&#x27;")));
    assert!(render::csp(render::CSS).starts_with("default-src 'none'; style-src 'sha256-"));
    assert_eq!(
        p.controls
            .iter()
            .find(|c| c.id == "SC-28")
            .unwrap()
            .findings,
        vec![7]
    );
    assert_eq!(p.findings[0].controls, vec!["SC-28".to_string()]);
    let md = render::md_escape(&p.findings[0].message);
    assert_eq!(
        md,
        "\\<img src=x onerror=alert(1)\\> \\[click\\](https://evil.example) \\| x"
    );
    let csv = csv::render(&p).unwrap();
    assert!(csv.contains("arn:aws:s3:::b"));
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_quoted_out() {
    let rules = [rule("S3-1", &["sc-28"], &[BUCKET])];
    let mut t = target(1, "aws", &[("S3-1", (0, 1, 0))], &[]);
    let mut f = crate::model::Finding {
        id: 1,
        rule_id: "S3-1".into(),
        resource_id: "=HYPERLINK(\"http://x\")".into(),
        resource_type: BUCKET.into(),
        severity: crate::model::Severity::High,
        controls: vec![],
        message: "@SUM(1)".into(),
        path: String::new(),
        status: crate::model::FindingStatus::Open,
        stale: false,
        first_seen: String::new(),
        last_seen: String::new(),
        resolved_at: None,
        waiver: None,
    };
    t.findings.push(f.clone());
    f.id = 2;
    t.findings.push(f);
    let out = csv::render(&posture(&rules, vec![t], &[])).unwrap();
    assert!(out.contains("'=HYPERLINK"));
    assert!(out.contains("'@SUM(1)"));
    assert!(!out.contains(",=HYPERLINK") && !out.contains(",\"=HYPERLINK"));
}
