//! OSCAL assessment-results and plan-of-action-and-milestones from the posture.
//!
//! One `result` per target scan; one `observation` per (scan, rule) with the failing
//! resources as subjects and the PASS / FAIL / error counts as props; one `finding` per
//! assessed control, on its 800-53A objective (`ac-2_obj`), `satisfied` only when it passed,
//! `not-satisfied` with reason `other` when it was not assessed; one `risk` per open or
//! waived failure (a waiver is an approved deviation until it expires). UUIDs are version 5,
//! derived from what they name, so successive reports line up. The documents are written
//! as they are serialized (the large arrays item by item), never held whole.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::LazyLock;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    Class, ControlFinding, ControlPosture, Posture, RuleCount, ScanRef, Status, TargetCount,
};
use crate::report::stream::{compact_json, Seq};

mod drift;
mod scan;
mod shape;
use scan::Scan;
use shape::*;

/// vigil's namespace for its own props (props without one are in OSCAL's and checked
/// against NIST's vocabulary). A name, not a location: `.invalid` (RFC 2606) never resolves.
pub const NS: &str = "https://vigil.invalid/ns/oscal";

/// The severity facet in NIST's risk characterization system: low, moderate or high.
fn nist_severity(s: &str) -> &'static str {
    match s {
        "critical" | "high" => "high",
        "medium" => "moderate",
        _ => "low",
    }
}

/// The OSCAL versions vigil writes: 1.1.3 (the default; what compliance-trestle 3.x reads)
/// and 1.2.1.
pub const VERSIONS: &[&str] = &["1.1.3", "1.2.1"];

/// Days to remediate by severity (FedRAMP continuous-monitoring practice), for a risk's
/// deadline when no waiver sets one.
const SLA_DAYS: &[(&str, i64)] = &[
    ("critical", 30),
    ("high", 90),
    ("medium", 180),
    ("low", 365),
    ("info", 365),
];

static NAMESPACE: LazyLock<Uuid> =
    LazyLock::new(|| Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes()));

pub fn uuid(name: &str) -> String {
    Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

fn scans_key(p: &Posture) -> String {
    p.scans
        .iter()
        .map(|s| s.id.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn metadata(p: &Posture, title: String, version: &str) -> Value {
    json!({
        "title": title,
        "last-modified": p.generated_at,
        "version": format!("scans {}", scans_key(p).replace(',', ", ")),
        "oscal-version": version,
        "props": vprops([
            vprop("vigil-version", p.vigil_version),
            vprop("baseline", p.baseline),
            vprop("baseline-version", p.baseline_version.as_str()),
            vprop("rules-digest", p.rules_digest.as_str()),
            p.audit_head.as_deref().and_then(|h| vprop("audit-log-head", h)),
        ]),
    })
}

fn component(p: &Posture) -> Value {
    json!({
        "uuid": *VIGIL,
        "type": "software",
        "title": format!("vigil {}", p.vigil_version),
        "description": "Compliance and drift scanner: collects AWS and Kubernetes configuration and evaluates Rego rules mapped to NIST SP 800-53 Rev. 5.",
        "status": {"state": "operational"},
    })
}

fn tool() -> Value {
    json!([{"actors": [{"type": "tool", "actor-uuid": *VIGIL}]}])
}

fn risk_uuid(f: &ControlFinding) -> String {
    uuid(&format!("risk:{}:{}", f.rule, f.resource))
}

fn inventory_uuid(resource: &str) -> String {
    uuid(&format!("resource:{resource}"))
}

fn observation_uuid(scan: i64, rule: &str) -> String {
    uuid(&format!("observation:{scan}:{rule}"))
}

fn deadline(f: &ControlFinding) -> Option<String> {
    if let Some(w) = &f.waiver {
        return Some(w.expires_at.clone());
    }
    let days = SLA_DAYS
        .iter()
        .find(|(s, _)| *s == f.severity)
        .map(|(_, d)| *d)?;
    let seen = DateTime::parse_from_rfc3339(&f.first_seen)
        .ok()?
        .with_timezone(&Utc);
    Some((seen + Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn result_of<'a>(
    p: &'a Posture,
    sc: &'a Scan<'a>,
    reviewed: &Value,
    declared: &[&str],
    remediation: &'a BTreeMap<&'a str, &'a str>,
) -> ScanResult<'a> {
    let s = sc.s;
    let failed: Vec<&str> = s.failed_scopes.iter().map(|f| f.scope.as_str()).collect();
    let mut head = json!({
        "uuid": uuid(&format!("result:{}", s.id)),
        "title": format!("Scan {} of {} ({})", s.id, s.target, s.status),
        "description": format!(
            "Automated configuration assessment of {} by vigil {} against the NIST SP 800-53 Rev. 5 {} baseline: {} resources, {} scopes collected completely, {} not.",
            s.target, p.vigil_version, p.baseline.to_uppercase(), s.resources, s.complete_scopes, failed.len()
        ),
        "start": s.started_at,
        "end": s.finished_at,
        "props": vprops([vprop("scan-id", s.id.to_string()), vprop("scan-status", s.status.as_str())]),
        "reviewed-controls": reviewed,
    });
    let mut remarks = Vec::new();
    if !failed.is_empty() {
        remarks.push(format!("Not collected completely: {}.", failed.join(", ")));
    }
    if !declared.is_empty() {
        remarks.push(format!(
            "Declared not applicable or inherited: {}.",
            declared.join(", ")
        ));
    }
    if !remarks.is_empty() {
        head["remarks"] = json!(remarks.join(" "));
    }
    ScanResult {
        head,
        local: Local {
            components: [component(p)],
            inventory: Seq::unless_empty(!sc.resources.is_empty(), move || sc.inventory()),
        },
        observations: Seq::unless_empty(!sc.rules.is_empty(), move || sc.observations(false)),
        findings: sc.findings(p),
        risks: Seq::unless_empty(!sc.failures.is_empty(), move || sc.risks(remediation)),
    }
}

/// Writes the assessment-results document.
pub fn write_assessment_results(
    p: &Posture,
    version: &str,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let reviewed: Vec<Value> = p
        .controls
        .iter()
        .filter(|c| c.class.assessed())
        .map(|c| json!({"control-id": c.oscal_id}))
        .collect();
    let reviewed = json!({"control-selections": [
        if reviewed.is_empty() { json!({"include-all": {}}) } else { json!({"include-controls": reviewed}) }
    ]});
    let declared: Vec<&str> = p
        .controls
        .iter()
        .filter(|c| c.class == Class::NotApplicable)
        .map(|c| c.id.as_str())
        .collect();
    let remediation = p.remediations();
    let scans: Vec<Scan> = p.scans.iter().map(|s| Scan::new(p, s)).collect();
    let drift = p
        .code_drift
        .as_ref()
        .map(|d| drift::result(p, d, &reviewed));
    let (scans, reviewed, declared, remediation) = (&scans, &reviewed, &declared, &remediation);
    let drift = &drift;
    let body = Results {
        results: Seq::new(move || {
            scans
                .iter()
                .map(move |sc| OneResult::Scan(result_of(p, sc, reviewed, declared, remediation)))
                .chain(drift.iter().map(|d| OneResult::Whole(d.clone())))
        }),
    };
    let doc = Document {
        head: json!({
            "uuid": uuid(&format!("assessment-results:{}:{}", p.baseline, scans_key(p))),
            "metadata": metadata(p, format!("vigil assessment results: NIST SP 800-53 Rev. 5 {} baseline, scans {}", p.baseline.to_uppercase(), scans_key(p)), version),
            "import-ap": {
                "href": format!("urn:vigil:assessment-plan:{}", p.baseline),
                "remarks": "Continuous automated assessment by vigil; the assessment plan is the rule pack whose digest is in the metadata.",
            },
        }),
        body,
    };
    #[derive(Serialize)]
    struct Top<T> {
        #[serde(rename = "assessment-results")]
        doc: T,
    }
    compact_json(w, &Top { doc })?;
    Ok(())
}

/// Whether the scans have anything for a POA&M (the schema needs at least one item).
pub fn has_poam_items(p: &Posture) -> bool {
    p.findings
        .iter()
        .any(|f| p.scans.iter().any(|s| s.target == f.target))
}

/// Writes the POA&M: one item per open or waived failure, with its observation and risk.
/// An error when there is nothing to plan (see [`has_poam_items`]).
pub fn write_poam(p: &Posture, version: &str, w: &mut dyn Write) -> crate::report::Result<()> {
    if !has_poam_items(p) {
        return Err(crate::report::Error::Empty(format!(
            "no open or waived failures in scans {}: a POA&M needs at least one item",
            scans_key(p).replace(',', ", ")
        )));
    }
    let remediation = p.remediations();
    // Only scans with failures: each has resources, an observation per failing rule, risks.
    let scans: Vec<Scan> = p
        .scans
        .iter()
        .map(|s| Scan::new(p, s))
        .filter(|sc| !sc.failures.is_empty())
        .collect();
    let (scans, remediation) = (&scans, &remediation);
    let targets: Vec<&str> = p.scans.iter().map(|s| s.target.as_str()).collect();
    let body = Poam {
        local: Local {
            components: [component(p)],
            inventory: Some(Seq::new(move || scans.iter().flat_map(|sc| sc.inventory()))),
        },
        observations: Seq::unless_empty(
            scans
                .iter()
                .any(|sc| sc.observations(true).next().is_some()),
            move || scans.iter().flat_map(|sc| sc.observations(true)),
        ),
        risks: Some(Seq::new(move || {
            scans.iter().flat_map(move |sc| sc.risks(remediation))
        })),
        items: Seq::new(move || scans.iter().flat_map(|sc| sc.poam_items())),
    };
    let doc = Document {
        head: json!({
            "uuid": uuid(&format!("poam:{}:{}", p.baseline, scans_key(p))),
            "metadata": metadata(p, format!("vigil plan of action and milestones: {}, scans {}", targets.join(", "), scans_key(p)), version),
            "system-id": {"identifier-type": "https://ietf.org/rfc/rfc4122", "id": uuid(&format!("system:{}", targets.join(",")))},
        }),
        body,
    };
    #[derive(Serialize)]
    struct Top<T> {
        #[serde(rename = "plan-of-action-and-milestones")]
        doc: T,
    }
    compact_json(w, &Top { doc })?;
    Ok(())
}
