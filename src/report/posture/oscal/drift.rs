//! Drift from the code as its own `result`: one observation per resource that departs from
//! the templates or plans (changed, missing, unmanaged), and one finding per
//! configuration-management control drift bears on (CM-2, CM-3, CM-6) in the baseline,
//! `not-satisfied` when anything departs or could not be read.

use serde_json::{json, Value};

use super::{component, tool, uuid, NS};
use crate::iac::drift::{CodeDrift, Row};
use crate::report::posture::Posture;

/// A prop in vigil's namespace; `None` when the value is blank (OSCAL wants text there).
fn prop(name: &str, value: &str) -> Option<Value> {
    let v = value.trim();
    (!v.is_empty()).then(|| json!({"name": name, "ns": NS, "value": v}))
}

fn status(r: &Row) -> String {
    serde_json::to_value(r.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn observation(p: &Posture, key: &str, i: usize, r: &Row) -> Value {
    let at = r.declared.as_ref().map(|o| {
        let name = o.address.as_deref().unwrap_or(&o.logical_id);
        format!("{}:{} ({name})", o.file, o.line)
    });
    let what = r.live.clone().or(at.clone()).unwrap_or_default();
    let changes: Vec<String> = r.changes.iter().map(|c| c.path.clone()).collect();
    let description = match status(r).as_str() {
        "changed" => format!(
            "Live {} {what} differs from its declaration at {}: {}.",
            r.resource_type,
            at.as_deref().unwrap_or("the code"),
            changes.join(", ")
        ),
        "missing" => format!(
            "{} declared at {} is not live.",
            r.resource_type,
            at.as_deref().unwrap_or("the code")
        ),
        _ => format!(
            "Live {} {what} is declared by none of the templates or plans.",
            r.resource_type
        ),
    };
    let props: Vec<Value> = [
        prop("drift-status", &status(r)),
        prop("resource-type", &r.resource_type),
        prop("resource-id", r.live.as_deref().unwrap_or("")),
        prop("declared-at", at.as_deref().unwrap_or("")),
    ]
    .into_iter()
    .flatten()
    .chain(
        r.changes
            .iter()
            .filter_map(|c| prop("changed-attribute", &c.path)),
    )
    .collect();
    json!({
        "uuid": uuid(&format!("code-drift-observation:{key}:{i}:{what}")),
        "title": format!("{} {what}", status(r)),
        "description": description,
        "props": props,
        "methods": ["TEST"],
        "types": ["finding"],
        "origins": tool(),
        "collected": p.generated_at,
    })
}

/// The `result` of drift from the code, when the posture has one.
pub(super) fn result(p: &Posture, d: &CodeDrift, all: &Value) -> Value {
    let key = d.sources.join(",");
    let ids: Vec<Value> = p
        .controls
        .iter()
        .filter(|c| d.controls.contains(&c.id.as_str()))
        .map(|c| json!({"control-id": c.oscal_id}))
        .collect();
    let reviewed = match ids.is_empty() {
        true => all.clone(),
        false => json!({"control-selections": [{"include-controls": ids}]}),
    };
    let observations: Vec<Value> = d
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| observation(p, &key, i, r))
        .collect();
    let departs = d.departs();
    let s = &d.summary;
    let counts = format!(
        "{} managed as declared, {} changed, {} missing, {} unmanaged, {} declared of types not scanned",
        s.managed, s.changed, s.missing, s.unmanaged, s.not_scanned
    );
    let findings: Vec<Value> = p
        .controls
        .iter()
        .filter(|c| d.controls.contains(&c.id.as_str()))
        .map(|c| {
            let objective = c
                .objective
                .clone()
                .unwrap_or_else(|| format!("{}_obj", c.oscal_id));
            let (state, reason) = if departs {
                ("not-satisfied", "fail")
            } else {
                ("satisfied", "pass")
            };
            let mut f = json!({
                "uuid": uuid(&format!("code-drift-finding:{key}:{}", c.oscal_id)),
                "title": format!("{}: {}", c.id, c.title),
                "description": format!("Live configuration against the code ({}): {counts}.", d.sources.join(", ")),
                "target": {"type": "objective-id", "target-id": objective,
                           "status": {"state": state, "reason": reason}},
            });
            if !observations.is_empty() {
                f["related-observations"] = observations
                    .iter()
                    .map(|o| json!({"observation-uuid": o["uuid"]}))
                    .collect();
            }
            f
        })
        .collect();
    let mut result = json!({
        "uuid": uuid(&format!("result:code-drift:{key}")),
        "title": "Drift of the live configuration from the code",
        "description": format!(
            "The latest live resources compared by vigil {} with what {} declare: {counts}.",
            p.vigil_version,
            d.sources.join(", ")
        ),
        "start": p.generated_at,
        "end": p.generated_at,
        "reviewed-controls": reviewed,
        "local-definitions": {"components": [component(p)]},
    });
    if !d.errors.is_empty() {
        result["remarks"] = json!(format!(
            "Not compared (could not be read): {}.",
            d.errors.join("; ")
        ));
    }
    if !observations.is_empty() {
        result["observations"] = Value::Array(observations);
    }
    if !findings.is_empty() {
        result["findings"] = Value::Array(findings);
    }
    result
}
