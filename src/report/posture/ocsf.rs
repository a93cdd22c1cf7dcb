//! OCSF 1.6 Compliance Finding events (class 2003), one JSON object per line: each open or
//! waived failure once, with the baseline's controls that list it as requirements. AWS
//! resources carry the `cloud` profile, Kubernetes ones the `container` profile (as AWS
//! Security Hub, which reads OCSF 1.6, and Prowler do).

use chrono::DateTime;
use serde_json::{json, Value};

use super::{ControlFinding, Posture};

pub const VERSION: &str = "1.6.0";

fn millis(t: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn severity_id(s: &str) -> (u8, &'static str) {
    match s {
        "critical" => (5, "Critical"),
        "high" => (4, "High"),
        "medium" => (3, "Medium"),
        "low" => (2, "Low"),
        _ => (1, "Informational"),
    }
}

/// Region and account of an ARN (`arn:aws:ec2:us-east-1:123456789012:volume/vol-1`).
fn arn_parts(id: &str) -> (Option<&str>, Option<&str>) {
    let f: Vec<&str> = id.splitn(6, ':').collect();
    let nonempty = |i: usize| f.get(i).copied().filter(|s| !s.is_empty());
    (nonempty(3), nonempty(4))
}

fn event(f: &ControlFinding, requirements: &[&str], p: &Posture, remediation: &str) -> Value {
    let time = p
        .scans
        .iter()
        .find(|s| s.target == f.target)
        .and_then(|s| millis(&s.finished_at))
        .unwrap_or(0);
    let (sev, sev_name) = severity_id(&f.severity);
    let waived = f.waiver.is_some();
    let name = f.resource.rsplit(['/', ':']).next().unwrap_or(&f.resource);
    let aws = f.resource.starts_with("arn:");
    let mut resource = json!({"uid": f.resource, "name": name, "type": f.resource_type});
    let mut e = json!({
        "activity_id": 1, "activity_name": "Create",
        "category_uid": 2, "category_name": "Findings",
        "class_uid": 2003, "class_name": "Compliance Finding",
        "type_uid": 200301, "type_name": "Compliance Finding: Create",
        "severity_id": sev, "severity": sev_name,
        "status_id": if waived { 3 } else { 1 },
        "status": if waived { "Suppressed" } else { "New" },
        "time": time,
        "message": f.message,
        "metadata": {
            "version": VERSION,
            "product": {"name": "vigil", "vendor_name": "vigil", "version": p.vigil_version},
            "profiles": if aws { json!(["cloud", "datetime"]) } else { json!(["container", "datetime"]) },
            "event_code": f.rule,
            "uid": super::oscal::uuid(&format!("ocsf:{}:{}:{}", f.rule, f.resource, time)),
        },
        "finding_info": {
            "uid": super::oscal::uuid(&format!("risk:{}:{}", f.rule, f.resource)),
            "title": format!("{} on {}", f.rule, f.resource),
            "first_seen_time": millis(&f.first_seen).unwrap_or(time),
            "last_seen_time": time,
        },
        "compliance": {
            "standards": ["NIST SP 800-53 Rev. 5"],
            "requirements": requirements,
            "control": f.rule,
            "status_id": 3, "status": "Fail",
            "checks": [{"uid": f.rule, "name": f.rule, "status_id": 3, "status": "Fail"}],
        },
        "unmapped": {"vigil": {"finding_id": f.id, "target": f.target, "path": f.path, "baseline": p.baseline}},
    });
    if aws {
        let (region, account) = arn_parts(&f.resource);
        let mut cloud = json!({"provider": "AWS"});
        if let Some(r) = region {
            cloud["region"] = json!(r);
            resource["region"] = json!(r);
        }
        if let Some(a) = account {
            cloud["account"] = json!({"uid": a, "type_id": 10, "type": "AWS Account"});
        }
        e["cloud"] = cloud;
    } else if let Some(rest) = f.resource.strip_prefix("k8s://") {
        // k8s://<cluster>/<namespace>/<group>/<kind>/<name>
        let parts: Vec<&str> = rest.split('/').collect();
        if parts.len() == 5 && parts[1] != crate::model::k8s::CLUSTER_SCOPED {
            resource["namespace"] = json!(parts[1]);
        }
    }
    e["resources"] = json!([resource]);
    if !remediation.trim().is_empty() {
        e["remediation"] = json!({"desc": remediation});
    }
    if let Some(w) = &f.waiver {
        e["unmapped"]["vigil"]["waiver"] = json!(w);
    }
    e
}

/// The events, one JSON object per line.
pub fn render(p: &Posture) -> String {
    let remediation = p.remediations();
    let mut out = String::new();
    for f in &p.findings {
        let reqs: Vec<&str> = f.controls.iter().map(String::as_str).collect();
        let fix = remediation.get(f.rule.as_str()).copied().unwrap_or("");
        out.push_str(&event(f, &reqs, p, fix).to_string());
        out.push('\n');
    }
    out
}
