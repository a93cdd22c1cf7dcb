//! SARIF 2.1.0 for code-scanning UIs (GitHub, GitLab, Azure DevOps): one run, the rules that
//! fired as `tool.driver.rules` (title, remediation, NIST controls as tags, a
//! `security-severity`), one result per rule verdict located at its file and line.

use std::collections::BTreeMap;

use serde::Serialize;
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
fn artifact(path: &str) -> ArtifactLocation {
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
        ArtifactLocation {
            uri: format!("file://{encoded}"),
            base: None,
        }
    } else {
        ArtifactLocation {
            uri: encoded,
            base: Some("%SRCROOT%"),
        }
    }
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
    #[serde(rename = "uriBaseId", skip_serializing_if = "Option::is_none")]
    base: Option<&'static str>,
}

/// What a result says, borrowed from a rule verdict or a stored finding.
struct Verdict<'a> {
    rule_id: &'a str,
    resource_id: &'a str,
    resource_type: &'a str,
    severity: Severity,
    controls: &'a [String],
    message: &'a str,
    path: &'a str,
}

impl<'a> From<&'a RuleResult> for Verdict<'a> {
    fn from(r: &'a RuleResult) -> Self {
        Verdict {
            rule_id: &r.rule_id,
            resource_id: &r.resource_id,
            resource_type: &r.resource_type,
            severity: r.severity,
            controls: &r.controls,
            message: &r.message,
            path: &r.path,
        }
    }
}

#[derive(Serialize)]
struct SarifResult<'a> {
    #[serde(rename = "ruleId")]
    rule_id: &'a str,
    #[serde(rename = "ruleIndex")]
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [ResultLocation<'a>; 1],
    #[serde(rename = "partialFingerprints")]
    fingerprints: Fingerprints,
    properties: Properties<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
    /// `open`: the tool could not tell pass from fail (a template's value unknown until
    /// deploy); absent for a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct ResultLocation<'a> {
    #[serde(rename = "logicalLocations")]
    logical: [LogicalLocation<'a>; 1],
    #[serde(rename = "physicalLocation", skip_serializing_if = "Option::is_none")]
    physical: Option<PhysicalLocation>,
}

#[derive(Serialize)]
struct LogicalLocation<'a> {
    #[serde(rename = "fullyQualifiedName")]
    fqn: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct PhysicalLocation {
    #[serde(rename = "artifactLocation")]
    artifact: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct Region {
    #[serde(rename = "startLine")]
    start_line: usize,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "vigilFinding/v1")]
    v1: String,
}

#[derive(Serialize)]
struct Properties<'a> {
    resource: &'a str,
    #[serde(rename = "resource-type")]
    resource_type: &'a str,
    #[serde(rename = "nist-controls")]
    controls: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
    #[serde(rename = "first-seen", skip_serializing_if = "Option::is_none")]
    first_seen: Option<&'a str>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
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
fn fingerprint(r: &Verdict) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(r.rule_id.as_bytes());
    h.update([0]);
    h.update(r.resource_id.as_bytes());
    h.update([0]);
    h.update(r.path.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The descriptors of the rules that fired, in id order, and each one's index (what a
/// result's `ruleIndex` is).
fn descriptors<'a>(
    rules: &RuleSet,
    fired: impl IntoIterator<Item = &'a str>,
) -> (Vec<Value>, BTreeMap<&'a str, usize>) {
    let mut fired: BTreeMap<&str, usize> = fired.into_iter().map(|id| (id, 0)).collect();
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
    (descriptors, fired)
}

/// One result, at the rule's index among the descriptors and at `loc` when it has one.
fn result<'a>(r: Verdict<'a>, index: usize, loc: Option<Location>) -> SarifResult<'a> {
    let mut message = r.message.to_string();
    if !r.path.is_empty() {
        message.push_str(&format!(" (at {})", r.path));
    }
    SarifResult {
        rule_id: r.rule_id,
        rule_index: index,
        level: level(r.severity),
        message: Text { text: message },
        locations: [ResultLocation {
            logical: [LogicalLocation {
                fqn: r.resource_id,
                kind: "resource",
                name: None,
            }],
            physical: loc.map(|loc| PhysicalLocation {
                artifact: artifact(&loc.path),
                region: Region {
                    start_line: loc.line.max(1),
                },
            }),
        }],
        fingerprints: Fingerprints {
            v1: fingerprint(&r),
        },
        properties: Properties {
            resource: r.resource_id,
            resource_type: r.resource_type,
            controls: r.controls,
            target: None,
            first_seen: None,
        },
        suppressions: None,
        kind: None,
    }
}

/// A SARIF log of one run; `results` is any serializable sequence (a list, or one made
/// as it is written).
#[derive(Serialize)]
struct Log<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<R>; 1],
}

#[derive(Serialize)]
struct Run<R> {
    tool: Value,
    results: R,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
}

fn document<R>(descriptors: Vec<Value>, results: R) -> Log<R> {
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": {
                "name": "vigil",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }}),
            results,
            column_kind: "unicodeCodePoints",
        }],
    }
}

/// The SARIF log for a set of results; `locate` gives each result's file and line.
pub fn log(
    rules: &RuleSet,
    results: &[RuleResult],
    locate: &dyn Fn(&RuleResult) -> Option<Location>,
) -> Value {
    log_with_open(rules, results, &[], locate)
}

/// The SARIF log for a set of failures and of verdicts the tool could not reach, each with
/// why (`open`: SARIF's `kind: "open"`, level `none`, which code-scanning UIs do not count as
/// an alert).
pub fn log_with_open(
    rules: &RuleSet,
    results: &[RuleResult],
    open: &[(&RuleResult, &str)],
    locate: &dyn Fn(&RuleResult) -> Option<Location>,
) -> Value {
    // Only the rules that fired, in id order; results refer to them by index.
    let ids = results
        .iter()
        .chain(open.iter().map(|(r, _)| *r))
        .map(|r| r.rule_id.as_str());
    let (descriptors, fired) = descriptors(rules, ids);
    let mut out: Vec<SarifResult> = results
        .iter()
        .map(|r| result(r.into(), fired[r.rule_id.as_str()], locate(r)))
        .collect();
    for (r, why) in open {
        let mut o = result((*r).into(), fired[r.rule_id.as_str()], locate(r));
        o.kind = Some("open");
        o.level = "none";
        o.message.text = format!("{why}: {}", o.message.text);
        out.push(o);
    }
    serde_json::to_value(document(descriptors, out)).expect("a SARIF log is JSON")
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
/// sarif`), written as it is serialized: each open or waived finding once, at its stand-in
/// path, with the resource as its logical location; waived ones carry an external
/// suppression with the waiver.
pub fn write_live(
    rules: &RuleSet,
    p: &super::posture::Posture,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut findings: Vec<&super::posture::ControlFinding> = p.findings.iter().collect();
    findings.sort_by(|a, b| (&a.rule, &a.resource).cmp(&(&b.rule, &b.resource)));
    let controls: BTreeMap<&str, std::sync::Arc<[String]>> = rules
        .rules
        .iter()
        .map(|r| (r.meta.id.as_str(), r.meta.controls.clone()))
        .collect();
    let (descriptors, fired) = descriptors(rules, findings.iter().map(|f| f.rule.as_str()));
    let (findings, controls, fired) = (&findings, &controls, &fired);
    let results = super::stream::Seq::new(move || {
        findings.iter().map(move |f| {
            let verdict = Verdict {
                rule_id: &f.rule,
                resource_id: &f.resource,
                resource_type: &f.resource_type,
                severity: f.severity.parse().unwrap_or(Severity::Info),
                controls: controls
                    .get(f.rule.as_str())
                    .map(|c| &c[..])
                    .unwrap_or_default(),
                message: &f.message,
                path: &f.path,
            };
            let loc = Location {
                path: pseudo_path(&f.target, &f.resource, &f.resource_type),
                line: 1,
            };
            let mut r = result(verdict, fired[f.rule.as_str()], Some(loc));
            r.locations[0].logical[0].name =
                Some(f.resource.rsplit(['/', ':']).next().unwrap_or(&f.resource));
            r.properties.target = Some(&f.target);
            r.properties.first_seen = Some(&f.first_seen);
            r.suppressions = f.waiver.as_ref().map(|w| {
                [Suppression {
                    kind: "external",
                    status: "accepted",
                    justification: format!(
                        "waiver {} by {} until {}: {}",
                        w.id, w.owner, w.expires_at, w.reason
                    ),
                }]
            });
            r
        })
    });
    super::stream::compact_json(w, &document(descriptors, results))?;
    Ok(())
}
