//! Drift: what changed in a resource's document between two versions (pure).
//!
//! Documents are compared as JSON trees; each difference is a [`Change`] at a path such as
//! `config.IpPermissions[0].IpRanges[1].CidrIp` or `tags.environment`, with its value before
//! and after (absent on one side for additions and removals). Fields that change on every
//! read of an otherwise unchanged resource ([`volatile_paths`]) are removed before resources
//! are hashed and stored, so they never show up as drift.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One changed value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// How a resource changed between two scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Added,
    Removed,
    Modified,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Modified => "modified",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "added" => Some(Kind::Added),
            "removed" => Some(Kind::Removed),
            "modified" => Some(Kind::Modified),
            _ => None,
        }
    }
}

/// Fields, per resource type, that move while the resource itself stays the same: "last
/// used" and "last delivered" times, transient statuses. Paths are in the document
/// (`config.…`); rules still see them in the snapshot, but history does not keep them.
pub fn volatile_paths(resource_type: &str) -> &'static [&'static [&'static str]] {
    match resource_type {
        "AWS::IAM::User" => &[
            &["config", "Credential", "password_last_used"],
            &["config", "Credential", "access_key_1_last_used_date"],
            &["config", "Credential", "access_key_2_last_used_date"],
        ],
        "AWS::IAM::RootUser" => &[
            &["config", "Credential", "password_last_used"],
            &["config", "Credential", "access_key_1_last_used_date"],
            &["config", "Credential", "access_key_2_last_used_date"],
        ],
        "AWS::IAM::Role" => &[&["config", "RoleLastUsed"]],
        "AWS::CloudTrail::Trail" => &[
            &["config", "Status", "LatestCloudWatchLogsDeliveryTime"],
            &["config", "Status", "LatestDeliveryTime"],
        ],
        "AWS::RDS::DBInstance" => &[&["config", "DBInstanceStatus"]],
        _ => &[],
    }
}

/// Removes the volatile fields of a resource document (see [`volatile_paths`]).
pub fn strip_volatile(resource_type: &str, doc: &mut Value) {
    for path in volatile_paths(resource_type) {
        let (last, parents) = path.split_last().expect("paths are not empty");
        let pointer: String = parents.iter().map(|p| format!("/{p}")).collect();
        if let Some(Value::Object(m)) = doc.pointer_mut(&pointer) {
            m.remove(*last);
        }
    }
}

/// The differences between two versions of a resource document. A Kubernetes object's
/// `tags` are its labels, which `config.metadata.labels` already shows: reported once.
pub fn diff_resources(before: &Value, after: &Value) -> Vec<Change> {
    let mut changes = diff(before, after);
    // A value an older vigil stored as a bare `(redacted by vigil)` now carries its keyed
    // hash: the same redacted value, not a change.
    changes.retain(|c| {
        !matches!((&c.before, &c.after), (Some(Value::String(b)), Some(Value::String(a)))
            if b == crate::redact::REDACTED && a.starts_with(crate::redact::REDACTED))
    });
    if after.get("provider").and_then(Value::as_str) == Some("kubernetes") {
        changes.retain(|c| {
            !(c.path == "tags" || c.path.starts_with("tags.") || c.path.starts_with("tags["))
        });
    }
    changes
}

/// Every difference between two documents, in path order.
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    out
}

fn child(path: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), simple) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        // Keys such as `app.kubernetes.io/name` are quoted.
        (_, false) => format!("{path}[{}]", serde_json::to_string(key).expect("string")),
    }
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<Change>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                pair(child(path, k), x.get(k), y.get(k), out);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                pair(format!("{path}[{i}]"), x.get(i), y.get(i), out);
            }
        }
        _ => out.push(Change {
            path: path.to_string(),
            before: Some(a.clone()),
            after: Some(b.clone()),
        }),
    }
}

/// One member or element on either side: compared when on both, added or removed otherwise.
fn pair(path: String, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Change>) {
    match (a, b) {
        (Some(u), Some(v)) => walk(&path, u, v, out),
        (None, None) => {}
        (u, v) => out.push(Change {
            path,
            before: u.cloned(),
            after: v.cloned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_are_reported_at_their_paths() {
        let a = json!({"tags": {"env": "dev", "app.kubernetes.io/name": "web"},
            "config": {"IpPermissions": [{"FromPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}], "Old": 1}});
        let b = json!({"tags": {"env": "prod", "app.kubernetes.io/name": "web", "owner": "x"},
            "config": {"IpPermissions": [{"FromPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "::/0"}]}]}});
        let d = diff(&a, &b);
        let paths: Vec<&str> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "config.IpPermissions[0].IpRanges[0].CidrIp",
                "config.IpPermissions[0].IpRanges[1]",
                "config.Old",
                "tags.env",
                "tags.owner",
            ]
        );
        assert_eq!(d[0].before, Some(json!("10.0.0.0/8")));
        assert_eq!(d[0].after, Some(json!("0.0.0.0/0")));
        assert_eq!(d[2].after, None);
        assert_eq!(d[4].before, None);
        assert!(diff(&a, &a).is_empty());
        let k = diff(
            &json!({"tags": {"app.kubernetes.io/name": "a"}}),
            &json!({"tags": {"app.kubernetes.io/name": "b"}}),
        );
        assert_eq!(k[0].path, "tags[\"app.kubernetes.io/name\"]");
    }

    #[test]
    fn volatile_fields_are_stripped() {
        let mut doc = json!({"config": {"RoleName": "r", "RoleLastUsed": {"LastUsedDate": "2026-01-01T00:00:00Z"}}});
        strip_volatile("AWS::IAM::Role", &mut doc);
        assert_eq!(doc, json!({"config": {"RoleName": "r"}}));
        let mut other = json!({"config": {"RoleLastUsed": 1}});
        strip_volatile("AWS::IAM::User", &mut other);
        assert_eq!(other, json!({"config": {"RoleLastUsed": 1}}));
    }
}
