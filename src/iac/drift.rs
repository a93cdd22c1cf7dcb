//! Drift against the code: the resources templates or a plan declare, compared with the
//! latest live scan. Each declared resource is matched to a live one of its type by the tag
//! CloudFormation puts on what it creates (`aws:cloudformation:logical-id`) or by its name;
//! then it is managed (declared and live, alike), changed (alike but for the attributes
//! listed, declared value and live value), missing (declared, not live), or the live one is
//! unmanaged (a live resource of a declared type that nothing declares). Both sides are the
//! same document, so attributes compare field by field; a value known only at deploy is
//! never compared.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::cfn::{Loaded, Origin};
use crate::iac::cfn::documents::UNKNOWN_TEXT;
use crate::model::Resource;

/// The configuration-management controls drift from declared code bears on: the baseline
/// configuration (CM-2), change control (CM-3), configuration settings (CM-6).
pub const CONTROLS: &[&str] = &["CM-2", "CM-3", "CM-6"];

/// The tag CloudFormation gives each resource it creates.
const LOGICAL_ID_TAG: &str = "aws:cloudformation:logical-id";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Managed,
    Changed,
    Missing,
    Unmanaged,
}

/// One attribute that differs: what the code declares, what is live.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub path: String,
    pub declared: Option<Value>,
    pub live: Option<Value>,
}

/// One resource's drift.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub status: Status,
    pub resource_type: String,
    /// Where the code declares it (not for an unmanaged resource).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<Origin>,
    /// The live resource's id (not for a missing one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Difference>,
    pub controls: &'static [&'static str],
}

/// How many rows of each status.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub managed: usize,
    pub changed: usize,
    pub missing: usize,
    pub unmanaged: usize,
    /// Declared resources of types the latest scan did not read: neither missing nor live.
    pub not_scanned: usize,
    /// Live resources of a declared type that AWS makes itself (a VPC's default security
    /// group and network ACL, a default VPC and its subnets, AWS-managed KMS keys): declared
    /// by no one's code, so counted here rather than listed as unmanaged.
    pub aws_defaults: usize,
}

/// Compares what `loaded` declares with `live` (the latest scans' resources); `covered`
/// holds the types the latest scan read, the only ones a declared resource can be missing
/// from.
pub fn compare(
    loaded: &Loaded,
    live: &[Resource],
    covered: &HashSet<String>,
) -> (Vec<Row>, Summary) {
    let (mut not_scanned, mut aws_defaults) = (0, 0);
    let declared_types: HashSet<&str> = loaded
        .resources
        .iter()
        .map(|r| r.resource_type.as_str())
        .collect();
    let mut by_tag: HashMap<(&str, &str), usize> = HashMap::new();
    let mut by_name: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, r) in live.iter().enumerate() {
        if !declared_types.contains(r.resource_type.as_str()) {
            continue;
        }
        if let Some(l) = r.tags.get(LOGICAL_ID_TAG) {
            by_tag.insert((r.resource_type.as_str(), l.as_str()), i);
        }
        if let Some(n) = &r.name {
            by_name.insert((r.resource_type.as_str(), n.as_str()), i);
        }
    }
    let mut rows = Vec::new();
    let mut matched = HashSet::new();
    for d in &loaded.resources {
        let origin = loaded.origins.get(&d.id).cloned();
        let ty = d.resource_type.as_str();
        let tagged = origin
            .as_ref()
            .filter(|o| o.address.is_none())
            .and_then(|o| by_tag.get(&(ty, o.logical_id.as_str())));
        let named = d
            .name
            .as_deref()
            .filter(|n| known(n))
            .and_then(|n| by_name.get(&(ty, n)));
        let row = |status, live: Option<&Resource>, changes| Row {
            status,
            resource_type: ty.to_string(),
            declared: origin.clone(),
            live: live.map(|l| l.id.clone()),
            changes,
            controls: CONTROLS,
        };
        match tagged.or(named) {
            Some(&i) => {
                matched.insert(i);
                let unknown: Vec<&str> = loaded
                    .unknowns
                    .get(&d.id)
                    .into_iter()
                    .flatten()
                    .map(|(p, _)| p.as_str())
                    .collect();
                let changes = differences(d, &live[i], &unknown);
                let status = match changes.is_empty() {
                    true => Status::Managed,
                    false => Status::Changed,
                };
                rows.push(row(status, Some(&live[i]), changes));
            }
            None if covered.contains(ty) => rows.push(row(Status::Missing, None, vec![])),
            None => not_scanned += 1,
        }
    }
    for (i, r) in live.iter().enumerate() {
        if declared_types.contains(r.resource_type.as_str()) && !matched.contains(&i) {
            if made_by_aws(r) {
                aws_defaults += 1;
                continue;
            }
            rows.push(Row {
                status: Status::Unmanaged,
                resource_type: r.resource_type.clone(),
                declared: None,
                live: Some(r.id.clone()),
                changes: vec![],
                controls: CONTROLS,
            });
        }
    }
    let mut summary = Summary {
        not_scanned,
        aws_defaults,
        ..Summary::default()
    };
    for r in &rows {
        *match r.status {
            Status::Managed => &mut summary.managed,
            Status::Changed => &mut summary.changed,
            Status::Missing => &mut summary.missing,
            Status::Unmanaged => &mut summary.unmanaged,
        } += 1;
    }
    (rows, summary)
}

/// Whether AWS made `r` itself rather than someone's code: a default VPC, its default
/// subnets, every VPC's default security group and network ACL, AWS-managed KMS keys.
fn made_by_aws(r: &Resource) -> bool {
    let c = &r.config;
    let is = |k: &str| c.get(k).and_then(Value::as_bool) == Some(true);
    match r.resource_type.as_str() {
        "AWS::EC2::VPC" | "AWS::EC2::NetworkAcl" => is("IsDefault"),
        "AWS::EC2::Subnet" => is("DefaultForAz"),
        "AWS::EC2::SecurityGroup" => c.get("GroupName").and_then(Value::as_str) == Some("default"),
        "AWS::KMS::Key" => c.get("KeyManager").and_then(Value::as_str) == Some("AWS"),
        _ => false,
    }
}

/// The differences between a declared value and the live one at `path`, lists compared as
/// sets of items: the same items in another order are alike (a security group's permissions
/// as the API returns them); an item only declared is listed with no live value, an item only
/// live with no declared one, and when one item on each side is left they are one item
/// changed, compared field by field. Objects compare key by key.
fn unordered(
    path: &str,
    declared: Option<&Value>,
    live: Option<&Value>,
    out: &mut Vec<Difference>,
) {
    let (d, l) = match (declared, live) {
        (Some(d), Some(l)) if d == l => return,
        (Some(Value::Object(d)), Some(Value::Object(l))) => {
            let keys: std::collections::BTreeSet<&String> = d.keys().chain(l.keys()).collect();
            for k in keys {
                unordered(&format!("{path}.{k}"), d.get(k), l.get(k), out);
            }
            return;
        }
        (Some(Value::Array(d)), Some(Value::Array(l))) => (d, l),
        _ => {
            let null = |v: Option<&Value>| v.filter(|v| !v.is_null()).cloned();
            if null(declared) != null(live) {
                out.push(Difference {
                    path: path.to_string(),
                    declared: null(declared),
                    live: null(live),
                });
            }
            return;
        }
    };
    let mut left: Vec<usize> = (0..l.len()).collect();
    let mut only_declared = Vec::new();
    for (i, item) in d.iter().enumerate() {
        match left.iter().position(|&j| &l[j] == item) {
            Some(at) => {
                left.remove(at);
            }
            None => only_declared.push(i),
        }
    }
    match (only_declared.as_slice(), left.as_slice()) {
        ([i], [j]) if d[*i].is_object() && l[*j].is_object() => {
            unordered(&format!("{path}[{i}]"), Some(&d[*i]), Some(&l[*j]), out)
        }
        _ => {
            for i in only_declared {
                out.push(Difference {
                    path: format!("{path}[{i}]"),
                    declared: Some(d[i].clone()),
                    live: None,
                });
            }
            for j in left {
                out.push(Difference {
                    path: format!("{path}[{j}]"),
                    declared: None,
                    live: Some(l[j].clone()),
                });
            }
        }
    }
}

/// Drift against the code as a report carries it (`vigil report --against-template`): the
/// resources not managed as declared, the counts, and the controls they bear on. Managed
/// resources are counted, not listed: a report is read for what departs from the code.
#[derive(Debug, Clone, Serialize)]
pub struct CodeDrift {
    /// The templates and plans compared, as they were given.
    pub sources: Vec<String>,
    pub controls: &'static [&'static str],
    pub summary: Summary,
    /// The changed, missing and unmanaged resources.
    pub resources: Vec<Row>,
    /// Files or resources that could not be read: what they declare is not compared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

impl CodeDrift {
    /// Compares what `loaded` (read from `sources`) declares with `live`, as [`compare`].
    pub fn new(
        sources: Vec<String>,
        loaded: &Loaded,
        live: &[Resource],
        covered: &HashSet<String>,
    ) -> Self {
        let (rows, summary) = compare(loaded, live, covered);
        CodeDrift {
            sources,
            controls: CONTROLS,
            summary,
            resources: rows
                .into_iter()
                .filter(|r| r.status != Status::Managed)
                .collect(),
            errors: loaded.errors.clone(),
        }
    }

    /// Whether anything departs from the code, or could not be compared.
    pub fn departs(&self) -> bool {
        !self.resources.is_empty() || !self.errors.is_empty()
    }
}

/// Whether a declared text is known before deploy (not a deploy-time identifier).
fn known(s: &str) -> bool {
    !s.is_empty() && !s.contains("${") && !s.contains(UNKNOWN_TEXT)
}

/// Whether every text in `v` is known, and it says something (not null or empty).
fn comparable(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => known(s),
        Value::Array(a) => a.iter().all(|x| x.is_null() || comparable(x)),
        Value::Object(o) => o.values().all(|x| x.is_null() || comparable(x)),
        _ => true,
    }
}

/// The attributes the declared document gives, known before deploy, that the live one has
/// otherwise; and the tags (CloudFormation's own `aws:` tags left out).
fn differences(declared: &Resource, live: &Resource, unknown: &[&str]) -> Vec<Difference> {
    let mut out = Vec::new();
    if let Value::Object(fields) = &declared.config {
        for (k, v) in fields {
            let path = format!("config.{k}");
            let waits = unknown.iter().any(|u| {
                *u == path
                    || u.starts_with(&format!("{path}."))
                    || u.starts_with(&format!("{path}["))
            });
            // An ARN made without the account or region (a template read without
            // `AWS::AccountId`) is not the live one's: identity is matched already.
            let arn = v.as_str().is_some_and(|s| s.starts_with("arn:"));
            if waits || !comparable(v) || (arn && declared.account.is_none()) {
                continue;
            }
            let l = live.config.get(k).unwrap_or(&Value::Null);
            unordered(&path, Some(v), Some(l), &mut out);
        }
    }
    let own = |t: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        t.iter()
            .filter(|(k, _)| !k.starts_with("aws:"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let (dt, lt) = (own(&declared.tags), own(&live.tags));
    for k in dt
        .keys()
        .chain(lt.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (a, b) = (dt.get(k), lt.get(k));
        if a != b && a.is_none_or(|v| known(v)) {
            out.push(Difference {
                path: format!("tags.{k}"),
                declared: a.map(|v| Value::String(v.clone())),
                live: b.map(|v| Value::String(v.clone())),
            });
        }
    }
    out
}

#[cfg(test)]
#[path = "drift_tests.rs"]
mod tests;
