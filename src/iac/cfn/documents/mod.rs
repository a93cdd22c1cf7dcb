//! Template resources as the documents the live collectors build for their types, so the AWS
//! rules run on them unchanged. Properties are mapped onto the live document's fields (the
//! API's names, which CloudFormation mostly shares); what AWS sets when a template leaves a
//! property out is filled as AWS fills it at creation (an S3 bucket's SSE-S3 encryption and
//! public access block, an SQS queue's SSE-SQS, an ECR repository's AES256), since the live
//! scan of the deployed resource reads those. Resources that configure another one (a
//! bucket's policy, a queue's or a topic's policy) are joined into it by reference
//! (`!Ref Bucket`) or by name before rules run.
//!
//! A value unknown until deploy ([`super::resolve::unknown`]) is left out of the typed
//! document and put back at its path twice: once at the values that pass most checks
//! (`true`, a non-empty text) and once at those that fail them (`false`, absent), so the
//! evaluation can tell a verdict that depends on it ([`Built::unknowns`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::resolve::{reference, unknown_reason, Resolved};
use crate::model::aws::{Document, Place};
use crate::model::Resource;

/// A template resource as a document.
#[derive(Debug, Clone)]
pub struct Built {
    pub logical_id: String,
    /// With unknown values at their passing extreme.
    pub resource: Resource,
    /// With unknown values at their failing extreme; `None` when nothing is unknown.
    pub other: Option<Resource>,
    /// Each unknown value: its path in the document (`config.KmsMasterKeyId`) and why.
    pub unknowns: Vec<(String, String)>,
}

/// The documents of a template's resources; the types vigil has no document for, with how
/// many of each; and a message per resource whose properties do not fit its type.
#[derive(Debug, Default)]
pub struct Documents {
    pub built: Vec<Built>,
    pub unsupported: BTreeMap<String, usize>,
    /// Resources joined into another one (a bucket policy into its bucket).
    pub joined: usize,
    pub errors: Vec<(String, String)>,
}

mod account;
mod containers;
mod data;
mod edge;
mod iam;
mod network;
mod refs;
mod storage;
#[cfg(test)]
pub(crate) mod testing;

/// Types joined into the resource they configure, per area.
const JOINED: &[&[&str]] = &[
    storage::JOINED,
    network::JOINED,
    iam::JOINED,
    data::JOINED,
    containers::JOINED,
    edge::JOINED,
    account::JOINED,
];

/// Builds the documents of `resources` (one template's); `id_of` names each resource
/// (`file#LogicalId`), `place` is where it would be deployed.
pub fn build(resources: &[Resolved], place: &Place, id_of: &dyn Fn(&str) -> String) -> Documents {
    let mut out = Documents::default();
    for r in resources {
        if JOINED.iter().any(|j| j.contains(&r.resource_type.as_str())) {
            out.joined += 1;
            continue;
        }
        let built = match storage::build(r, resources)
            .or_else(|| network::build(r, resources))
            .or_else(|| iam::build(r, resources))
            .or_else(|| data::build(r, resources))
            .or_else(|| containers::build(r, resources))
            .or_else(|| edge::build(r, resources))
            .or_else(|| account::build(r, resources))
        {
            Some(b) => b,
            None => {
                *out.unsupported.entry(r.resource_type.clone()).or_default() += 1;
                continue;
            }
        };
        match built.and_then(|(json, tags, finish)| finish(json, tags, place)) {
            Ok((mut resource, mut other, unknowns)) => {
                let id = id_of(&r.logical_id);
                resource.id = id.clone();
                if let Some(o) = &mut other {
                    o.id = id;
                }
                out.built.push(Built {
                    logical_id: r.logical_id.clone(),
                    resource,
                    other,
                    unknowns,
                });
            }
            Err(e) => out.errors.push((r.logical_id.clone(), e)),
        }
    }
    out
}

/// A document at its passing extreme, at its failing one, and its unknown values.
pub(super) type Parts = (Resource, Option<Resource>, Vec<(String, String)>);
pub(super) type Finish = fn(Value, BTreeMap<String, String>, &Place) -> Result<Parts, String>;
pub(super) type Mapped = Result<(Value, BTreeMap<String, String>, Finish), String>;

/// The typed document of `json` (unknown values taken out, then put back at both extremes).
pub(super) fn finish<D: Document>(
    json: Value,
    tags: BTreeMap<String, String>,
    place: &Place,
) -> Result<Parts, String> {
    let mut unknowns = Vec::new();
    let clean = strip_unknowns(json, "config", &mut unknowns);
    let clean_copy = if unknowns.is_empty() {
        Value::Null
    } else {
        clean.clone()
    };
    let doc: D = typed(clean)?;
    let resource = doc.resource(place, tags);
    if unknowns.is_empty() {
        return Ok((resource, None, unknowns));
    }
    let (mut pass, mut fail) = (resource.clone(), resource);
    for (path, _) in &unknowns {
        let now = lookup(&pass.config, path)
            .cloned()
            .filter(|v| !v.is_null())
            .unwrap_or_else(|| field_kind::<D>(&clean_copy, path));
        let (p, f) = match now {
            Value::Bool(_) => (Value::Bool(true), Value::Bool(false)),
            Value::Number(_) => (Value::from(i64::from(i32::MAX)), Value::from(0)),
            Value::Array(_) => (
                Value::Array(vec![Value::String(UNKNOWN_TEXT.into())]),
                Value::Array(vec![]),
            ),
            _ => (Value::String(UNKNOWN_TEXT.into()), Value::Null),
        };
        set(&mut pass.config, path, p);
        set(&mut fail.config, path, f);
    }
    Ok((pass, Some(fail), unknowns))
}

/// Like [`finish`], for a document with a text field that takes one of two words: unknown
/// until deploy, it is put back as the word that passes (`on`) and the one that fails
/// (`off`), not as an unknown text (which would pass or fail both ways).
pub(super) fn switched<D: Document>(
    json: Value,
    tags: BTreeMap<String, String>,
    place: &Place,
    path: &str,
    (on, off): (&str, &str),
) -> Result<Parts, String> {
    let (mut pass, mut fail, unknowns) = finish::<D>(json, tags, place)?;
    if unknowns.iter().any(|(p, _)| p == path) {
        set(&mut pass.config, path, on.into());
        if let Some(f) = &mut fail {
            set(&mut f.config, path, off.into());
        }
    }
    Ok((pass, fail, unknowns))
}

/// A value of the kind the field at `path` takes, for a field the typed document leaves out
/// (an `Option`): `true` if it takes a boolean, a number if a number, else text.
fn field_kind<D: Document>(clean: &Value, path: &str) -> Value {
    let takes = |probe: &Value| {
        let mut v = clean.clone();
        set(&mut v, path, probe.clone());
        serde_json::from_value::<D>(v).is_ok()
    };
    // Text first: a field that takes text (or any JSON, as a policy does) is text.
    if takes(&Value::String(UNKNOWN_TEXT.into())) {
        return Value::Null;
    }
    [Value::Bool(true), Value::from(1)]
        .into_iter()
        .find(|p| takes(p))
        .unwrap_or(Value::Null)
}

/// The typed document of `v`. CloudFormation takes numbers and booleans written as text
/// (`RetentionInDays: "7"`, `"true"`); such a value is read as what its field takes.
fn typed<D: Document>(mut v: Value) -> Result<D, String> {
    for _ in 0..64 {
        let e = match serde_path_to_error::deserialize::<_, D>(&v) {
            Ok(d) => return Ok(d),
            Err(e) => e,
        };
        let at: Vec<String> = e
            .path()
            .iter()
            .map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => index.to_string(),
                serde_path_to_error::Segment::Map { key } => key.clone(),
                _ => String::new(),
            })
            .collect();
        let pointer: String = at.iter().map(|s| format!("/{s}")).collect();
        let wants_list = e.inner().to_string().contains("expected a sequence");
        let coerced = v
            .pointer(&pointer)
            .and_then(Value::as_str)
            .and_then(|s| match s {
                // One identifier where a list goes: a Terraform list known only after apply
                // (`[aws_security_group.x.id]`).
                _ if wants_list => Some(Value::Array(vec![Value::String(s.to_string())])),
                "true" | "True" => Some(Value::Bool(true)),
                "false" | "False" => Some(Value::Bool(false)),
                _ => s
                    .parse::<i64>()
                    .map(Value::from)
                    .ok()
                    .or_else(|| s.parse::<f64>().ok().map(Value::from)),
            });
        match (coerced, v.pointer_mut(&pointer)) {
            (Some(c), Some(slot)) => *slot = c,
            _ => {
                return Err(format!(
                    "{}: property {}: {}",
                    D::TYPE,
                    at.join("."),
                    e.inner()
                ))
            }
        }
    }
    Err(format!("{}: too many values written as text", D::TYPE))
}

/// What an unknown text reads as in the passing document.
pub const UNKNOWN_TEXT: &str = "(unknown until deploy)";

/// `v` without its unknown values; each one's path and reason in `found`.
fn strip_unknowns(v: Value, path: &str, found: &mut Vec<(String, String)>) -> Value {
    match v {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, v) in o {
                let p = format!("{path}.{k}");
                if let Some(why) = unknown_reason(&v) {
                    found.push((p, why.to_string()));
                    continue;
                }
                out.insert(k, strip_unknowns(v, &p, found));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let p = format!("{path}[{i}]");
                    if let Some(why) = unknown_reason(&v) {
                        found.push((p, why.to_string()));
                        return None;
                    }
                    Some(strip_unknowns(v, &p, found))
                })
                .collect(),
        ),
        other => other,
    }
}

/// The steps of a path (`config.A[0].B` → `A`, `0`, `B`), after `config`.
fn steps(path: &str) -> Vec<String> {
    path.trim_start_matches("config")
        .split(['.', '[', ']'])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    steps(path).iter().try_fold(v, |v, s| match v {
        Value::Array(a) => a.get(s.parse::<usize>().ok()?),
        other => other.get(s),
    })
}

fn set(v: &mut Value, path: &str, to: Value) {
    let steps = steps(path);
    let Some((last, before)) = steps.split_last() else {
        return;
    };
    let mut at = v;
    for s in before {
        at = match at {
            Value::Array(a) => match s.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(x) => x,
                None => return,
            },
            Value::Object(o) => o
                .entry(s.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            _ => return,
        };
    }
    match at {
        Value::Object(o) if to.is_null() => {
            o.remove(last);
        }
        Value::Object(o) => {
            o.insert(last.clone(), to);
        }
        Value::Array(a) => {
            if let Some(x) = last.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                *x = to;
            }
        }
        _ => {}
    }
}

/// A template's `Tags` (a list of `{Key, Value}`, or a map for a few types) as the tag map.
pub(super) fn tags(props: &Value) -> BTreeMap<String, String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        v if unknown_reason(v).is_some() => UNKNOWN_TEXT.to_string(),
        other => other.to_string(),
    };
    match props.get("Tags") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|t| Some((t.get("Key")?.as_str()?.to_string(), text(t.get("Value")?))))
            .collect(),
        Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
        _ => BTreeMap::new(),
    }
}

/// The resource's name: the property when the template gives it, else the logical id (the
/// name CloudFormation makes starts with the stack's name, which is not known here).
pub(super) fn name(r: &Resolved, key: &str) -> Value {
    r.properties
        .get(key)
        .cloned()
        .unwrap_or_else(|| Value::String(r.logical_id.clone()))
}

/// The property `key` of `p`, else `default` (what AWS sets when a template leaves it out).
pub(super) fn or(p: &Value, key: &str, default: impl Into<Value>) -> Value {
    p.get(key).cloned().unwrap_or_else(|| default.into())
}

/// Copies each property `from` the template to the document's field `to`, where given.
pub(super) fn copy(doc: &mut Map<String, Value>, p: &Value, pairs: &[(&str, &str)]) {
    for (from, to) in pairs {
        if let Some(v) = p.get(*from) {
            doc.insert((*to).into(), v.clone());
        }
    }
}

pub(super) fn text_of(v: &Value) -> String {
    v.as_str()
        .map_or_else(|| UNKNOWN_TEXT.to_string(), str::to_string)
}

/// A policy document as the live collectors hold it: parsed, a text policy parsed too.
pub(super) fn policy(v: &Value) -> Value {
    match v {
        Value::String(s) => aws_policy_text(s),
        other => other.clone(),
    }
}

fn aws_policy_text(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string()))
}

/// The `PolicyDocument` of the resources of `policy_type` whose `key` (one target or a list)
/// names `r`: by reference, or by `name`.
pub(super) fn joined_policy(
    r: &Resolved,
    all: &[Resolved],
    policy_type: &str,
    key: &str,
    name: &Value,
) -> Option<Value> {
    all.iter()
        .filter(|p| p.resource_type == policy_type)
        .find(|p| {
            let targets = match p.properties.get(key) {
                Some(Value::Array(a)) => a.clone(),
                Some(v) => vec![v.clone()],
                None => vec![],
            };
            targets.iter().any(|t| {
                reference(t) == Some(r.logical_id.as_str()) || (t.is_string() && t == name)
            })
        })
        .and_then(|p| p.properties.get("PolicyDocument"))
        .map(policy)
}

#[cfg(test)]
#[path = "../documents_tests.rs"]
mod tests;
