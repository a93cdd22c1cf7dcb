//! OSCAL assessment-results and plan-of-action-and-milestones from the posture.
//!
//! One `result` per target scan; one `observation` per (scan, rule) with the failing
//! resources as subjects and the PASS / FAIL / error counts as props; one `finding` per
//! assessed control, on its 800-53A objective (`ac-2_obj`), `satisfied` only when it passed,
//! `not-satisfied` with reason `other` when it was not assessed; one `risk` per open or
//! waived failure (a waiver is an approved deviation until it expires). UUIDs are version 5,
//! derived from what they name, so successive reports line up.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{Class, ControlFinding, Posture, ScanRef, Status};

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

pub fn uuid(name: &str) -> String {
    let ns = Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes());
    Uuid::new_v5(&ns, name.as_bytes()).to_string()
}

fn prop(name: &str, value: impl ToString) -> Option<Value> {
    let v = value.to_string();
    let v = v.trim();
    (!v.is_empty()).then(|| json!({"name": name, "ns": NS, "value": v}))
}

fn props(list: Vec<Option<Value>>) -> Value {
    Value::Array(list.into_iter().flatten().collect())
}

/// Inserts `key` only when the array is not empty (OSCAL arrays have at least one item).
fn put(m: &mut Map<String, Value>, key: &str, v: Vec<Value>) {
    if !v.is_empty() {
        m.insert(key.into(), Value::Array(v));
    }
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
        "props": props(vec![
            prop("vigil-version", p.vigil_version),
            prop("baseline", p.baseline),
            prop("baseline-version", &p.baseline_version),
            prop("rules-digest", &p.rules_digest),
            p.audit_head.as_ref().and_then(|h| prop("audit-log-head", h)),
        ]),
    })
}

fn component(p: &Posture) -> Value {
    json!({
        "uuid": uuid("component:vigil"),
        "type": "software",
        "title": format!("vigil {}", p.vigil_version),
        "description": "Compliance and drift scanner: collects AWS and Kubernetes configuration and evaluates Rego rules mapped to NIST SP 800-53 Rev. 5.",
        "status": {"state": "operational"},
    })
}

fn tool() -> Value {
    json!([{"actors": [{"type": "tool", "actor-uuid": uuid("component:vigil")}]}])
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

/// What one target scan's result holds.
struct Parts {
    inventory: Vec<Value>,
    observations: Vec<Value>,
    findings: Vec<Value>,
    risks: Vec<Value>,
}

/// The failures (open or waived) of a target, by finding id.
fn failures<'a>(p: &'a Posture, target: &str) -> BTreeMap<i64, &'a ControlFinding> {
    p.findings
        .iter()
        .filter(|f| f.target == target)
        .map(|f| (f.id, f))
        .collect()
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

fn risk(f: &ControlFinding, remediation: &str, scan: i64) -> Value {
    let ids = &f.controls;
    let mut m = json!({
        "uuid": risk_uuid(f),
        "title": format!("{} on {}", f.rule, f.resource),
        "description": if f.message.trim().is_empty() { f.rule.clone() } else { f.message.clone() },
        "statement": format!("Rule {} found {} ({}) failing at `{}`; it maps to {}.", f.rule, f.resource, f.resource_type, f.path, ids.join(", ")),
        "props": props(vec![prop("finding-id", f.id), prop("severity", &f.severity), prop("first-seen", &f.first_seen), prop("target", &f.target)]),
        "status": if f.waiver.is_some() { "deviation-approved" } else { "open" },
        "characterizations": [{
            "origin": {"actors": [{"type": "tool", "actor-uuid": uuid("component:vigil")}]},
            "facets": [{"name": "severity", "system": "http://csrc.nist.gov/ns/oscal", "value": nist_severity(&f.severity)}],
        }],
        "related-observations": [{"observation-uuid": observation_uuid(scan, &f.rule)}],
    });
    let o = m.as_object_mut().unwrap();
    if let Some(d) = deadline(f) {
        o.insert("deadline".into(), json!(d));
    }
    if !remediation.trim().is_empty() {
        o.insert(
            "remediations".into(),
            json!([{
                "uuid": uuid(&format!("remediation:{}:{}", f.rule, f.resource)),
                "lifecycle": "recommendation",
                "title": format!("Fix {}", f.rule),
                "description": remediation,
            }]),
        );
    }
    if let Some(w) = &f.waiver {
        // A risk has no remarks: the waiver is its props, and its deadline is the expiry.
        if let Some(Value::Array(list)) = o.get_mut("props") {
            list.extend(
                [
                    prop("waiver-id", w.id),
                    prop("waiver-owner", &w.owner),
                    prop("waiver-reason", &w.reason),
                    prop("waiver-expires", &w.expires_at),
                ]
                .into_iter()
                .flatten(),
            );
        }
    }
    m
}

fn parts(p: &Posture, s: &ScanRef) -> Parts {
    let failures = failures(p, &s.target);
    // Observations: each rule that evaluated something in this scan, once.
    let mut rules = BTreeMap::new();
    for c in &p.controls {
        for r in &c.rules {
            if let Some(n) = r.targets.get(&s.target) {
                rules.entry(r.id.clone()).or_insert((r, *n));
            }
        }
    }
    let mut of_rule: BTreeMap<&str, Vec<&ControlFinding>> = BTreeMap::new();
    for f in failures.values() {
        of_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    let mut resources = BTreeSet::new();
    let mut observations = Vec::new();
    for (id, (r, n)) in &rules {
        let subjects: Vec<Value> = of_rule
            .get(id.as_str())
            .into_iter()
            .flatten()
            .map(|f| {
                resources.insert((f.resource.clone(), f.resource_type.clone()));
                json!({
                    "subject-uuid": inventory_uuid(&f.resource),
                    "type": "inventory-item",
                    "title": f.resource,
                    "props": props(vec![
                        prop("result", if f.waiver.is_some() { "waived" } else { "fail" }),
                        prop("reason", &f.message),
                        prop("path", &f.path),
                    ]),
                })
            })
            .collect();
        let mut o = json!({
            "uuid": observation_uuid(s.id, id),
            "title": format!("{id} on {}: {} pass, {} fail, {} error", s.target, n.pass, n.fail, n.error),
            "description": r.title,
            "props": props(vec![
                prop("assessment-rule-id", id),
                prop("pass-count", n.pass),
                prop("fail-count", n.fail),
                prop("error-count", n.error),
            ]),
            "methods": ["TEST"],
            "origins": tool(),
            "collected": s.finished_at,
        });
        put(o.as_object_mut().unwrap(), "subjects", subjects);
        observations.push(o);
    }
    let inventory = resources
        .iter()
        .map(|(id, ty)| {
            json!({
                "uuid": inventory_uuid(id),
                "description": id,
                "props": [
                    {"name": "asset-id", "value": id},
                    {"name": "resource-type", "ns": NS, "value": ty},
                ],
            })
        })
        .collect();
    let mut findings = Vec::new();
    for c in p.controls.iter().filter(|c| c.class.assessed()) {
        let Some(status) = c.targets.get(&s.target) else {
            continue;
        };
        let (state, reason) = match status {
            Status::Pass => ("satisfied", "pass"),
            Status::Fail => ("not-satisfied", "fail"),
            Status::NotAssessed => ("not-satisfied", "other"),
        };
        let obs: Vec<Value> = c
            .rules
            .iter()
            .filter(|r| r.targets.contains_key(&s.target))
            .map(|r| json!({"observation-uuid": observation_uuid(s.id, &r.id)}))
            .collect();
        let risks: Vec<Value> = c
            .findings
            .iter()
            .filter_map(|id| failures.get(id))
            .map(|f| json!({"risk-uuid": risk_uuid(f)}))
            .collect();
        let objective = c
            .objective
            .clone()
            .unwrap_or_else(|| format!("{}_obj", c.oscal_id));
        let mut f = json!({
            "uuid": uuid(&format!("finding:{}:{}", s.id, c.oscal_id)),
            "title": format!("{}: {}", c.id, c.title),
            "description": format!("{} in {}: {}", status.as_str(), s.target, c.status_reason.as_deref().unwrap_or("")),
            "props": props(vec![prop("class", c.class.as_str()), prop("status", status.as_str())]),
            "target": {"type": "objective-id", "target-id": objective, "status": {"state": state, "reason": reason}},
        });
        let m = f.as_object_mut().unwrap();
        if *status == Status::NotAssessed {
            m.insert(
                "remarks".into(),
                json!("Not assessed: no evidence either way, so not satisfied."),
            );
        }
        put(m, "related-observations", obs);
        put(m, "related-risks", risks);
        findings.push(f);
    }
    let remediation = p.remediations();
    let risks = failures
        .values()
        .map(|f| {
            risk(
                f,
                remediation.get(f.rule.as_str()).copied().unwrap_or(""),
                s.id,
            )
        })
        .collect();
    Parts {
        inventory,
        observations,
        findings,
        risks,
    }
}

/// The assessment-results document.
pub fn assessment_results(p: &Posture, version: &str) -> Value {
    let reviewed: Vec<Value> = p
        .controls
        .iter()
        .filter(|c| c.class.assessed())
        .map(|c| json!({"control-id": c.oscal_id}))
        .collect();
    let declared: Vec<&str> = p
        .controls
        .iter()
        .filter(|c| c.class == Class::NotApplicable)
        .map(|c| c.id.as_str())
        .collect();
    let results: Vec<Value> = p
        .scans
        .iter()
        .map(|s| {
            let parts = parts(p, s);
            let mut local = Map::new();
            local.insert("components".into(), json!([component(p)]));
            put(&mut local, "inventory-items", parts.inventory);
            let failed: Vec<&str> = s.failed_scopes.iter().map(|f| f.scope.as_str()).collect();
            let mut r = json!({
                "uuid": uuid(&format!("result:{}", s.id)),
                "title": format!("Scan {} of {} ({})", s.id, s.target, s.status),
                "description": format!(
                    "Automated configuration assessment of {} by vigil {} against the NIST SP 800-53 Rev. 5 {} baseline: {} resources, {} scopes collected completely, {} not.",
                    s.target, p.vigil_version, p.baseline.to_uppercase(), s.resources, s.complete_scopes, failed.len()
                ),
                "start": s.started_at,
                "end": s.finished_at,
                "props": props(vec![prop("scan-id", s.id), prop("scan-status", &s.status)]),
                "local-definitions": local,
                "reviewed-controls": {"control-selections": [
                    if reviewed.is_empty() { json!({"include-all": {}}) } else { json!({"include-controls": reviewed}) }
                ]},
            });
            let m = r.as_object_mut().unwrap();
            put(m, "observations", parts.observations);
            put(m, "findings", parts.findings);
            put(m, "risks", parts.risks);
            let mut remarks = Vec::new();
            if !failed.is_empty() {
                remarks.push(format!("Not collected completely: {}.", failed.join(", ")));
            }
            if !declared.is_empty() {
                remarks.push(format!("Declared not applicable or inherited: {}.", declared.join(", ")));
            }
            if !remarks.is_empty() {
                m.insert("remarks".into(), json!(remarks.join(" ")));
            }
            r
        })
        .collect();
    json!({"assessment-results": {
        "uuid": uuid(&format!("assessment-results:{}:{}", p.baseline, scans_key(p))),
        "metadata": metadata(p, format!("vigil assessment results: NIST SP 800-53 Rev. 5 {} baseline, scans {}", p.baseline.to_uppercase(), scans_key(p)), version),
        "import-ap": {
            "href": format!("urn:vigil:assessment-plan:{}", p.baseline),
            "remarks": "Continuous automated assessment by vigil; the assessment plan is the rule pack whose digest is in the metadata.",
        },
        "results": results,
    }})
}

/// The POA&M: one item per open or waived failure, with its observation and risk. None
/// when there is nothing to plan (the schema needs at least one item).
pub fn poam(p: &Posture, version: &str) -> Option<Value> {
    let mut inventory = Vec::new();
    let mut observations = Vec::new();
    let mut risks = Vec::new();
    let mut items = Vec::new();
    for s in &p.scans {
        let parts = parts(p, s);
        let failures = failures(p, &s.target);
        if failures.is_empty() {
            continue;
        }
        let used: BTreeSet<String> = failures
            .values()
            .map(|f| observation_uuid(s.id, &f.rule))
            .collect();
        inventory.extend(parts.inventory);
        observations.extend(
            parts
                .observations
                .into_iter()
                .filter(|o| used.contains(o["uuid"].as_str().unwrap_or_default())),
        );
        risks.extend(parts.risks);
        for f in failures.values() {
            let ids = &f.controls;
            items.push(json!({
                "uuid": uuid(&format!("poam-item:{}:{}", f.rule, f.resource)),
                "title": format!("{} on {}", f.rule, f.resource),
                "description": format!("{} ({}; controls {}).", f.message.trim(), f.severity, ids.join(", ")),
                "props": props(vec![prop("status", if f.waiver.is_some() { "deviation-approved" } else { "open" })]),
                "related-observations": [{"observation-uuid": observation_uuid(s.id, &f.rule)}],
                "related-risks": [{"risk-uuid": risk_uuid(f)}],
            }));
        }
    }
    if items.is_empty() {
        return None;
    }
    let targets: Vec<&str> = p.scans.iter().map(|s| s.target.as_str()).collect();
    let mut local = Map::new();
    local.insert("components".into(), json!([component(p)]));
    put(&mut local, "inventory-items", inventory);
    let mut doc = json!({
        "uuid": uuid(&format!("poam:{}:{}", p.baseline, scans_key(p))),
        "metadata": metadata(p, format!("vigil plan of action and milestones: {}, scans {}", targets.join(", "), scans_key(p)), version),
        "system-id": {"identifier-type": "https://ietf.org/rfc/rfc4122", "id": uuid(&format!("system:{}", targets.join(",")))},
        "local-definitions": local,
    });
    let m = doc.as_object_mut().unwrap();
    put(m, "observations", observations);
    put(m, "risks", risks);
    m.insert("poam-items".into(), Value::Array(items));
    Some(json!({"plan-of-action-and-milestones": doc}))
}
