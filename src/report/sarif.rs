//! SARIF 2.1.0 for code-scanning UIs (GitHub, GitLab, Azure DevOps): one run, the rules that
//! fired as `tool.driver.rules` (title, remediation, NIST controls as tags, a
//! `security-severity`), one result per rule verdict located at its file and line.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::model::{RuleResult, Severity};
use crate::policy::RuleSet;

/// Where a result is in the scanned files.
#[derive(Debug, Clone)]
pub struct Location {
    /// The file's path as given on the command line.
    pub path: String,
    pub line: usize,
}

/// A file path as a SARIF artifact location: relative paths stay relative (to `%SRCROOT%`,
/// the directory vigil ran in, which code-scanning UIs take as the repository root),
/// absolute paths become `file://` URIs.
fn artifact(path: &str) -> Value {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    // RFC 3986 path characters other than unreserved ones and `/` get encoded.
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b']')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    let unix = path.replace('\\', "/");
    let clean = unix.trim_start_matches("./");
    let encoded = utf8_percent_encode(clean, PATH).to_string();
    if clean.starts_with('/') {
        json!({"uri": format!("file://{encoded}")})
    } else {
        json!({"uri": encoded, "uriBaseId": "%SRCROOT%"})
    }
}

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's scale: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, under 4.0 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// A stable fingerprint of a result, so code-scanning UIs track it across runs: rule,
/// resource and the offending path (not the line, which moves as files change, nor the
/// message, whose wording and counts may change).
fn fingerprint(r: &RuleResult) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(r.rule_id.as_bytes());
    h.update([0]);
    h.update(r.resource_id.as_bytes());
    h.update([0]);
    h.update(r.path.as_bytes());
    let d = h.finalize();
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The SARIF log for a set of results; `locate` gives each result's file and line.
pub fn log(
    rules: &RuleSet,
    results: &[RuleResult],
    locate: &dyn Fn(&RuleResult) -> Option<Location>,
) -> Value {
    // Only the rules that fired, in id order; results refer to them by index.
    let mut fired: BTreeMap<&str, usize> = BTreeMap::new();
    for r in results {
        fired.entry(r.rule_id.as_str()).or_default();
    }
    let mut descriptors = Vec::new();
    for (i, (id, index)) in fired.iter_mut().enumerate() {
        *index = i;
        let Some(rule) = rules.rules.iter().find(|r| r.meta.id == *id) else {
            descriptors.push(json!({"id": id}));
            continue;
        };
        let m = &rule.meta;
        let mut tags = vec!["security".to_string(), "compliance".to_string()];
        tags.extend(m.controls.iter().map(|c| format!("NIST-SP-800-53-r5/{c}")));
        descriptors.push(json!({
            "id": m.id,
            "name": m.id.replace('-', ""),
            "shortDescription": {"text": m.title},
            "fullDescription": {"text": m.description.clone().unwrap_or_else(|| m.title.clone())},
            "help": {
                "text": format!("{}\n\nNIST SP 800-53 Rev. 5: {}", m.remediation, m.controls.join(", ")),
                "markdown": format!("{}\n\n**NIST SP 800-53 Rev. 5:** {}", m.remediation, m.controls.join(", ")),
            },
            "defaultConfiguration": {"level": level(m.severity)},
            "properties": {
                "tags": tags,
                "security-severity": security_severity(m.severity),
                "precision": "high",
                "problem.severity": match m.severity {
                    Severity::Critical | Severity::High => "error",
                    Severity::Medium => "warning",
                    _ => "recommendation",
                },
                "vigil-severity": m.severity.to_string(),
                "nist-controls": m.controls,
                "resource-types": m.resource_types,
            },
        }));
    }
    let sarif_results: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut location = json!({
                "logicalLocations": [{
                    "fullyQualifiedName": r.resource_id,
                    "kind": "resource",
                }],
            });
            if let Some(loc) = locate(r) {
                location["physicalLocation"] = json!({
                    "artifactLocation": artifact(&loc.path),
                    "region": {"startLine": loc.line.max(1)},
                });
            }
            let mut message = r.message.clone();
            if !r.path.is_empty() {
                message.push_str(&format!(" (at {})", r.path));
            }
            json!({
                "ruleId": r.rule_id,
                "ruleIndex": fired[r.rule_id.as_str()],
                "level": level(r.severity),
                "message": {"text": message},
                "locations": [location],
                "partialFingerprints": {"vigilFinding/v1": fingerprint(r)},
                "properties": {
                    "resource": r.resource_id,
                    "resource-type": r.resource_type,
                    "nist-controls": r.controls,
                },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "vigil",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "results": sarif_results,
            "columnKind": "unicodeCodePoints",
        }],
    })
}

/// A repository-relative stand-in path for a cloud or cluster resource, which code-scanning
/// UIs need (they refuse results without a file, and read an ARN or `k8s://` as a URI
/// scheme): `vigil/<target>/<account>/<region>/<type>/<name>`, `::` → `-`, percent-encoded,
/// no `:` anywhere.
pub fn pseudo_path(target: &str, resource_id: &str, resource_type: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let enc = |s: &str| -> String {
        let s = if s.is_empty() { "-" } else { s };
        utf8_percent_encode(s, NON_ALPHANUMERIC)
            .to_string()
            .replace("%2D", "-")
            .replace("%2E", ".")
            .replace("%5F", "_")
    };
    let ty = resource_type.replace("::", "-");
    let parts: Vec<String> = if let Some(arn) = resource_id.strip_prefix("arn:") {
        // arn:partition:service:region:account:resource
        let f: Vec<&str> = arn.splitn(5, ':').collect();
        let (region, account, rest) = (
            f.get(2).copied().unwrap_or(""),
            f.get(3).copied().unwrap_or(""),
            f.get(4).copied().unwrap_or(resource_id),
        );
        let name = rest.rsplit(['/', ':']).next().unwrap_or(rest);
        vec![
            enc(account),
            enc(if region.is_empty() { "global" } else { region }),
            enc(&ty),
            enc(name),
        ]
    } else if let Some(k) = resource_id.strip_prefix("k8s://") {
        k.split('/').map(enc).collect()
    } else {
        vec![enc(&ty), enc(resource_id)]
    };
    format!("vigil/{}/{}", enc(target), parts.join("/"))
}

/// SARIF for what the scans found in live accounts and clusters (`vigil report --format
/// sarif`): each open or waived finding once, at its stand-in path, with the resource as
/// its logical location; waived ones carry an external suppression with the waiver.
pub fn live(rules: &RuleSet, p: &super::posture::Posture) -> Value {
    let mut findings: Vec<&super::posture::ControlFinding> = p.findings.iter().collect();
    findings.sort_by(|a, b| (&a.rule, &a.resource).cmp(&(&b.rule, &b.resource)));
    let controls = |rule: &str| -> std::sync::Arc<[String]> {
        rules
            .rules
            .iter()
            .find(|r| r.meta.id == rule)
            .map(|r| r.meta.controls.clone())
            .unwrap_or_else(|| std::sync::Arc::from(Vec::new()))
    };
    let results: Vec<RuleResult> = findings
        .iter()
        .map(|f| RuleResult {
            rule_id: f.rule.clone(),
            resource_id: f.resource.clone(),
            resource_type: f.resource_type.clone(),
            severity: f.severity.parse().unwrap_or(Severity::Info),
            controls: controls(&f.rule),
            message: f.message.clone(),
            path: f.path.clone(),
        })
        .collect();
    let paths: BTreeMap<(String, String), String> = findings
        .iter()
        .map(|f| {
            (
                (f.rule.clone(), f.resource.clone()),
                pseudo_path(&f.target, &f.resource, &f.resource_type),
            )
        })
        .collect();
    let locate = |r: &RuleResult| {
        paths
            .get(&(r.rule_id.clone(), r.resource_id.clone()))
            .map(|path| Location {
                path: path.clone(),
                line: 1,
            })
    };
    let mut log = log(rules, &results, &locate);
    if let Some(out) = log["runs"][0]["results"].as_array_mut() {
        for (r, f) in out.iter_mut().zip(&findings) {
            r["locations"][0]["logicalLocations"][0]["name"] =
                json!(f.resource.rsplit(['/', ':']).next().unwrap_or(&f.resource));
            r["properties"]["target"] = json!(f.target);
            r["properties"]["first-seen"] = json!(f.first_seen);
            if let Some(w) = &f.waiver {
                r["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("waiver {} by {} until {}: {}", w.id, w.owner, w.expires_at, w.reason),
                }]);
            }
        }
    }
    log
}
