//! The `# METADATA` block at the top of a rule file (OPA's annotation format), parsed strictly.

use serde::{Deserialize, Serialize};

use super::{Error, Result};
use crate::controls;
use crate::model::resource::is_known_type;
use crate::model::Severity;

/// What a rule declares about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub severity: Severity,
    /// Catalog labels, e.g. `AC-6(10)`.
    pub controls: std::sync::Arc<[String]>,
    pub resource_types: Vec<String>,
    pub remediation: String,
    /// Types whose inventory (`data.vigil.inventory`) the rule's verdict depends on: where
    /// one of them was not collected completely in the resource's cluster or account, the
    /// rule is not evaluated there and its findings stay open.
    pub inventory: Vec<String>,
    /// How its findings are fixed: `custom.action`, `custom.patch`, `custom.suggestion`.
    #[serde(flatten)]
    pub fix: crate::model::plan::Fix,
    /// `custom.idle`: the rule reports idle resources, to reap or to report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle: Option<crate::model::idle::Category>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    title: String,
    #[serde(default)]
    description: Option<String>,
    custom: RawCustom,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustom {
    id: String,
    severity: String,
    controls: Vec<String>,
    resource_types: Vec<String>,
    remediation: String,
    #[serde(default)]
    inventory: Vec<String>,
    #[serde(default)]
    action: Option<crate::model::plan::ActionKind>,
    #[serde(default)]
    patch: Option<RawPatch>,
    #[serde(default)]
    suggestion: Option<String>,
    #[serde(default)]
    idle: Option<crate::model::idle::Category>,
}

/// `patch: namespace_labels`, `patch: default_deny`, or `patch: {security_context: {...}}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawPatch {
    Named(String),
    Fields {
        security_context: serde_json::Map<String, serde_json::Value>,
    },
}

impl RawPatch {
    fn checked(self) -> std::result::Result<crate::model::plan::K8sPatch, String> {
        use crate::model::plan::K8sPatch;
        match self {
            RawPatch::Fields { security_context } if !security_context.is_empty() => {
                Ok(K8sPatch::SecurityContext(security_context))
            }
            RawPatch::Named(n) if n == "namespace_labels" => Ok(K8sPatch::NamespaceLabels),
            RawPatch::Named(n) if n == "default_deny" => Ok(K8sPatch::DefaultDeny),
            other => Err(format!(
                "unknown patch {other:?} (known: `{{security_context: {{FIELD: VALUE}}}}`, `namespace_labels`, `default_deny`)"
            )),
        }
    }
}

/// Names a rule may use in `resource_types` and `inventory` for a group of types.
const GROUPS: &[&str] = &["@k8s-pods", "@k8s"];

/// Types with groups replaced by their members, each once, in order: `@k8s-pods` is the
/// kinds that carry a pod spec (a Pod and the six workload kinds), `@k8s` every kind vigil
/// collects.
fn expand(types: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in types {
        let members: Vec<String> = match t.as_str() {
            "@k8s-pods" => crate::model::k8s::pod_bearing_types().collect(),
            "@k8s" => crate::model::k8s::KINDS
                .iter()
                .map(|k| k.resource_type())
                .collect(),
            other => vec![other.to_string()],
        };
        for m in members {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// A rule id is upper-case words and digits joined by `-`.
fn check_id(id: &str) -> std::result::Result<(), String> {
    let ok = !id.is_empty()
        && id.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "rule id `{id}` must be upper-case words and digits joined by `-` (e.g. S3-AWS-001)"
        ))
    }
}

/// The controls as the catalog labels them, each once; a control that is not in NIST SP
/// 800-53 Rev. 5, or is withdrawn there, is an error.
fn control_labels(controls: &[String]) -> std::result::Result<Vec<String>, String> {
    if controls.is_empty() {
        return Err("a rule must name at least one NIST control".into());
    }
    let catalog = controls::catalog();
    let mut labels = Vec::with_capacity(controls.len());
    for ctl in controls {
        match catalog.get(ctl) {
            None => return Err(format!("`{ctl}` is not a NIST SP 800-53 Rev. 5 control")),
            Some(found) if found.withdrawn => {
                return Err(format!("`{ctl}` is withdrawn in NIST SP 800-53 Rev. 5"))
            }
            Some(found) => {
                if !labels.contains(&found.label) {
                    labels.push(found.label.clone())
                }
            }
        }
    }
    Ok(labels)
}

/// Finds the leading `# METADATA` comment block. Returns the YAML text and the 1-based line
/// number of its first YAML line, or None when the file has no such block.
pub fn extract_block(text: &str) -> Option<(String, usize)> {
    let mut lines = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| l.trim().is_empty());
    let (first_idx, first) = lines.next()?;
    if first.trim() != "# METADATA" {
        return None;
    }
    let mut yaml = String::new();
    for (_, line) in lines {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix('#') else {
            break;
        };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    Some((yaml, first_idx + 2))
}

/// Parses and validates a rule file's METADATA. Every problem names file and line.
pub fn parse(file: &str, text: &str) -> Result<RuleMeta> {
    let err = |line: usize, message: String| Error::Metadata {
        file: file.to_string(),
        line,
        message,
    };
    let (yaml, start) = extract_block(text).ok_or_else(|| {
        err(
            1,
            "a rule file must start with a `# METADATA` comment block".into(),
        )
    })?;
    let raw: RawMeta = serde_yaml_ng::from_str(&yaml).map_err(|e| {
        let line = e.location().map(|l| start + l.line() - 1).unwrap_or(start);
        // serde_yaml's own "at line N column M" counts inside the block; we give the file line.
        let mut msg = e.to_string();
        if let (Some(at), Some(loc)) = (msg.find(" at line "), e.location()) {
            msg.truncate(at);
            msg.push_str(&format!(" (column {})", loc.column() + 2));
        }
        err(line, msg)
    })?;
    // Line of a key inside the block, for precise messages.
    let line_of = |key: &str| {
        yaml.lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map(|i| start + i)
            .unwrap_or(start)
    };
    let c = raw.custom;
    check_id(&c.id).map_err(|m| err(line_of("id"), m))?;
    let severity: Severity = c
        .severity
        .parse()
        .map_err(|e: String| err(line_of("severity"), e))?;
    let labels = control_labels(&c.controls).map_err(|m| err(line_of("controls"), m))?;
    let resource_types = expand(&c.resource_types);
    let inventory = expand(&c.inventory);
    if resource_types.is_empty() {
        return Err(err(
            line_of("resource_types"),
            "a rule must name at least one resource type".into(),
        ));
    }
    let groups = GROUPS.join(", ");
    if let Some(t) = resource_types.iter().find(|t| !is_known_type(t)) {
        let m = format!("unknown resource type `{t}` (see docs/resources.md; groups: {groups})");
        return Err(err(line_of("resource_types"), m));
    }
    if let Some(t) = inventory.iter().find(|t| !is_known_type(t)) {
        let m = format!("unknown resource type `{t}` in inventory (see docs/resources.md)");
        return Err(err(line_of("inventory"), m));
    }
    if raw.title.trim().is_empty() {
        return Err(err(line_of("title"), "title is empty".into()));
    }
    use crate::model::plan::ActionKind;
    let patch = c
        .patch
        .map(RawPatch::checked)
        .transpose()
        .map_err(|m| err(line_of("patch"), m))?;
    match (c.action, &patch) {
        (Some(ActionKind::K8sApplyPatch), None) => {
            return Err(err(
                line_of("action"),
                "`action: k8s_apply_patch` needs a `patch:` (security_context: {...}, namespace_labels or default_deny)".into(),
            ))
        }
        (a, Some(_)) if a != Some(ActionKind::K8sApplyPatch) => {
            return Err(err(
                line_of("patch"),
                "`patch:` goes with `action: k8s_apply_patch`".into(),
            ))
        }
        _ => {}
    }
    Ok(RuleMeta {
        id: c.id,
        title: raw.title,
        description: raw.description,
        severity,
        controls: labels.into(),
        resource_types,
        remediation: c.remediation,
        inventory,
        fix: crate::model::plan::Fix {
            action: c.action,
            patch,
            suggestion: c.suggestion,
        },
        idle: c.idle,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# METADATA\n# title: Volume not encrypted\n# custom:\n#   id: EBS-AWS-001\n#   severity: high\n#   controls: [SC-28(1), sc-13]\n#   resource_types: [\"AWS::EC2::Volume\"]\n#   remediation: Encrypt it.\npackage vigil.rules.aws.ec2.x\n";

    #[test]
    fn parses_a_good_block() {
        let m = parse("x.rego", GOOD).unwrap();
        assert_eq!(m.id, "EBS-AWS-001");
        assert_eq!(m.severity, Severity::High);
        assert_eq!(
            &m.controls[..],
            &["SC-28(1)".to_string(), "SC-13".to_string()]
        );
    }

    #[test]
    fn groups_name_their_types() {
        let text = GOOD.replace(
            "[\"AWS::EC2::Volume\"]",
            "[\"@k8s-pods\", \"K8s::core::Pod\", \"K8s::core::Service\"]\n#   inventory: [\"@k8s\"]",
        );
        let m = parse("x.rego", &text).unwrap();
        // The group in its place, its types once (Pod is in it), then what follows it;
        // model::k8s's own test pins the group's members.
        let pods: Vec<String> = crate::model::k8s::pod_bearing_types().collect();
        assert_eq!(m.resource_types[..pods.len()], pods[..]);
        assert_eq!(m.resource_types[pods.len()..], ["K8s::core::Service"]);
        assert_eq!(m.inventory.len(), crate::model::k8s::KINDS.len());
        let unknown = GOOD.replace("[\"AWS::EC2::Volume\"]", "[\"@pods\"]");
        let e = parse("x.rego", &unknown).unwrap_err().to_string();
        assert!(
            e.contains("unknown resource type `@pods`") && e.contains("@k8s-pods"),
            "{e}"
        );
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let bad = GOOD.replace(
            "#   remediation: Encrypt it.\n",
            "#   remediation: Encrypt it.\n#   colour: red\n",
        );
        let e = parse("rules/x.rego", &bad).unwrap_err().to_string();
        assert!(e.starts_with("rules/x.rego:"), "{e}");
        assert!(e.contains("colour"), "{e}");
    }

    #[test]
    fn bad_control_and_type_are_reported_with_line() {
        let bad = GOOD.replace("SC-28(1)", "AC-3(1)");
        let e = parse("x.rego", &bad).unwrap_err().to_string();
        assert!(e.contains("x.rego:6") && e.contains("withdrawn"), "{e}");
        let bad = GOOD.replace("SC-28(1)", "ZZ-9");
        assert!(parse("x.rego", &bad)
            .unwrap_err()
            .to_string()
            .contains("not a NIST"));
        let bad = GOOD.replace("AWS::EC2::Volume", "AWS::EC2::Nope");
        let e = parse("x.rego", &bad).unwrap_err().to_string();
        assert!(
            e.contains("x.rego:7") && e.contains("AWS::EC2::Nope"),
            "{e}"
        );
    }

    #[test]
    fn missing_block_is_an_error() {
        assert!(parse("x.rego", "package a\n").is_err());
    }
}

#[cfg(test)]
mod fix_tests {
    use super::*;
    use crate::model::plan::{ActionKind, K8sPatch};

    const HEAD: &str = "# METADATA\n# title: t\n# custom:\n#   id: POD-K8S-001\n#   severity: high\n#   controls: [CM-6]\n#   resource_types: [\"@k8s-pods\"]\n#   remediation: r\n";

    fn with(extra: &str) -> Result<RuleMeta> {
        parse("x.rego", &format!("{HEAD}{extra}package p\n"))
    }

    #[test]
    fn fixes_and_idle_categories_are_read_and_checked_at_their_line() {
        let m = with("#   action: k8s_apply_patch\n#   patch: {security_context: {runAsNonRoot: true}}\n#   suggestion: |\n#     line one\n#     line two\n#   idle: report\n").unwrap();
        assert_eq!(m.fix.action, Some(ActionKind::K8sApplyPatch));
        let Some(K8sPatch::SecurityContext(sc)) = &m.fix.patch else {
            panic!("{:?}", m.fix.patch)
        };
        assert_eq!(sc["runAsNonRoot"], serde_json::json!(true));
        assert_eq!(m.fix.suggestion.as_deref(), Some("line one\nline two\n"));
        assert_eq!(m.idle, Some(crate::model::idle::Category::Report));
        let m = with("#   action: k8s_apply_patch\n#   patch: default_deny\n").unwrap();
        assert_eq!(m.fix.patch, Some(K8sPatch::DefaultDeny));
        for (extra, line, want) in [
            ("#   action: k8s_apply_patch\n", 9, "needs a `patch:`"),
            (
                "#   action: add_tags\n#   patch: default_deny\n",
                10,
                "goes with `action: k8s_apply_patch`",
            ),
            (
                "#   action: k8s_apply_patch\n#   patch: everything\n",
                10,
                "unknown patch",
            ),
            ("#   idle: sometimes\n", 9, "idle"),
        ] {
            let e = with(extra).unwrap_err().to_string();
            assert!(
                e.contains(&format!("x.rego:{line}:")) && e.contains(want),
                "{extra}: {e}"
            );
        }
    }
}
