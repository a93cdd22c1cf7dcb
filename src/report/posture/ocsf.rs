//! OCSF 1.6 Compliance Finding events (class 2003), one JSON object per line: each open or
//! waived failure once, with the baseline's controls that list it as requirements. AWS
//! resources carry the `cloud` profile, Kubernetes ones the `container` profile (as AWS
//! Security Hub, which reads OCSF 1.6, and Prowler do).

use chrono::DateTime;
use serde::Serialize;

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

#[derive(Serialize)]
struct Event<'a> {
    activity_id: u8,
    activity_name: &'static str,
    category_uid: u8,
    category_name: &'static str,
    class_uid: u16,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    time: i64,
    message: &'a str,
    metadata: Metadata<'a>,
    finding_info: FindingInfo,
    compliance: Compliance<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud: Option<Cloud<'a>>,
    resources: [Resource<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<Remediation<'a>>,
    unmapped: Unmapped<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    product: Product<'a>,
    profiles: [&'static str; 2],
    event_code: &'a str,
    uid: String,
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'static str,
    vendor_name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct FindingInfo {
    uid: String,
    title: String,
    first_seen_time: i64,
    last_seen_time: i64,
}

#[derive(Serialize)]
struct Compliance<'a> {
    standards: [&'static str; 1],
    requirements: &'a [String],
    control: &'a str,
    status_id: u8,
    status: &'static str,
    checks: [Check<'a>; 1],
}

#[derive(Serialize)]
struct Check<'a> {
    uid: &'a str,
    name: &'a str,
    status_id: u8,
    status: &'static str,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<Account<'a>>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    type_id: u8,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Resource<'a> {
    uid: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
}

#[derive(Serialize)]
struct Remediation<'a> {
    desc: &'a str,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    vigil: VigilFields<'a>,
}

#[derive(Serialize)]
struct VigilFields<'a> {
    finding_id: i64,
    target: &'a str,
    path: &'a str,
    baseline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<&'a super::WaiverRef>,
}

/// One event; `time` is when its target's scan finished (epoch milliseconds).
fn event<'a>(f: &'a ControlFinding, p: &'a Posture, remediation: &'a str, time: i64) -> Event<'a> {
    let (sev, sev_name) = severity_id(&f.severity);
    let waived = f.waiver.is_some();
    let name = f.resource.rsplit(['/', ':']).next().unwrap_or(&f.resource);
    let aws = f.resource.starts_with("arn:");
    let mut resource = Resource {
        uid: &f.resource,
        name,
        kind: &f.resource_type,
        region: None,
        namespace: None,
    };
    let mut cloud = None;
    if aws {
        let (region, account) = arn_parts(&f.resource);
        resource.region = region;
        cloud = Some(Cloud {
            provider: "AWS",
            region,
            account: account.map(|a| Account {
                uid: a,
                type_id: 10,
                kind: "AWS Account",
            }),
        });
    } else if let Some(rest) = f.resource.strip_prefix("k8s://") {
        // k8s://<cluster>/<namespace>/<group>/<kind>/<name>
        let parts: Vec<&str> = rest.split('/').collect();
        if parts.len() == 5 && parts[1] != crate::model::k8s::CLUSTER_SCOPED {
            resource.namespace = Some(parts[1]);
        }
    }
    Event {
        activity_id: 1,
        activity_name: "Create",
        category_uid: 2,
        category_name: "Findings",
        class_uid: 2003,
        class_name: "Compliance Finding",
        type_uid: 200301,
        type_name: "Compliance Finding: Create",
        severity_id: sev,
        severity: sev_name,
        status_id: if waived { 3 } else { 1 },
        status: if waived { "Suppressed" } else { "New" },
        time,
        message: &f.message,
        metadata: Metadata {
            version: VERSION,
            product: Product {
                name: "vigil",
                vendor_name: "vigil",
                version: p.vigil_version,
            },
            profiles: if aws {
                ["cloud", "datetime"]
            } else {
                ["container", "datetime"]
            },
            event_code: &f.rule,
            uid: super::oscal::uuid(&format!("ocsf:{}:{}:{}", f.rule, f.resource, time)),
        },
        finding_info: FindingInfo {
            uid: super::oscal::uuid(&format!("risk:{}:{}", f.rule, f.resource)),
            title: format!("{} on {}", f.rule, f.resource),
            first_seen_time: millis(&f.first_seen).unwrap_or(time),
            last_seen_time: time,
        },
        compliance: Compliance {
            standards: ["NIST SP 800-53 Rev. 5"],
            requirements: &f.controls,
            control: &f.rule,
            status_id: 3,
            status: "Fail",
            checks: [Check {
                uid: &f.rule,
                name: &f.rule,
                status_id: 3,
                status: "Fail",
            }],
        },
        cloud,
        resources: [resource],
        remediation: (!remediation.trim().is_empty()).then_some(Remediation { desc: remediation }),
        unmapped: Unmapped {
            vigil: VigilFields {
                finding_id: f.id,
                target: &f.target,
                path: &f.path,
                baseline: p.baseline,
                waiver: f.waiver.as_ref(),
            },
        },
    }
}

/// Writes the events, one JSON object per line.
pub fn write(p: &Posture, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let remediation = p.remediations();
    let times: std::collections::HashMap<&str, i64> = p
        .scans
        .iter()
        .rev()
        .map(|s| (s.target.as_str(), millis(&s.finished_at).unwrap_or(0)))
        .collect();
    for f in &p.findings {
        let fix = remediation.get(f.rule.as_str()).copied().unwrap_or("");
        let time = times.get(f.target.as_str()).copied().unwrap_or(0);
        serde_json::to_writer(&mut *w, &event(f, p, fix, time))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
