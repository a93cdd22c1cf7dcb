//! Terraform `aws_*` resources as the CloudFormation resources that make the same thing, so
//! the template documents ([`crate::iac::cfn::documents`]) and their joins serve both: the
//! arguments are renamed to the template's properties, and a resource that only configures
//! another one (`aws_s3_bucket_public_access_block`, `aws_iam_role_policy_attachment`) is a
//! [`Patch`] on it, or the template's own joined type (`aws_s3_bucket_policy` →
//! `AWS::S3::BucketPolicy`). A reference to another resource of the plan, by expression or by
//! its known name or id, becomes the deploy-time identifier `${logical}` a template has.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::group::NAMING;
use super::plan::Planned;
use crate::iac::cfn::resolve::{reference, Resolved};

mod account;
mod containers;
mod data;
mod edge;
mod iam;
mod network;
mod storage;

/// What one Terraform resource becomes.
#[derive(Debug, Clone)]
pub enum Out {
    Resource(Resolved),
    Patch(Patch),
}

/// A setting made by a separate resource, put on the resource it configures.
#[derive(Debug, Clone)]
pub struct Patch {
    /// The logical id of the configured resource.
    pub target: String,
    /// The template property set.
    pub key: String,
    pub value: Value,
    /// Added to the list at `key` instead of replacing it.
    pub append: bool,
}

/// A plan's resources as template resources.
#[derive(Debug, Default)]
pub struct Translated {
    pub resources: Vec<Resolved>,
    /// Resources joined into the one they configure.
    pub joined: usize,
    /// Terraform types vigil has no document for, and how many of each.
    pub unsupported: BTreeMap<String, usize>,
}

/// An area's translation: `Some` for the types it knows.
type Area = fn(&Planned, &[Planned]) -> Option<Vec<Out>>;

const AREAS: &[Area] = &[
    storage::translate,
    network::translate,
    iam::translate,
    data::translate,
    containers::translate,
    edge::translate,
    account::translate,
];

/// Translates `all`, then puts each patch on its resource.
pub fn translate(all: &[Planned]) -> Translated {
    let mut out = Translated::default();
    let mut patches = Vec::new();
    for r in all {
        let Some(outs) = AREAS.iter().find_map(|a| a(r, all)) else {
            *out.unsupported.entry(r.resource_type.clone()).or_default() += 1;
            continue;
        };
        for o in outs {
            match o {
                Out::Resource(res) => out.resources.push(res),
                Out::Patch(p) => patches.push(p),
            }
        }
    }
    for p in patches {
        out.joined += 1;
        let Some(t) = out.resources.iter_mut().find(|t| t.logical_id == p.target) else {
            continue;
        };
        let Value::Object(props) = &mut t.properties else {
            continue;
        };
        match (p.append, props.get_mut(&p.key)) {
            (true, Some(Value::Array(list))) => match p.value {
                Value::Array(more) => list.extend(more),
                one => list.push(one),
            },
            (true, _) => {
                let list = match p.value {
                    Value::Array(a) => a,
                    one => vec![one],
                };
                props.insert(p.key, Value::Array(list));
            }
            (false, _) => {
                props.insert(p.key, p.value);
            }
        }
    }
    out
}

/// The template resource `r` becomes, of type `cfn_type` with `properties`.
pub(super) fn resource(r: &Planned, cfn_type: &str, properties: Map<String, Value>) -> Out {
    made(r, r.logical_id.clone(), cfn_type, properties)
}

/// A second template resource made from `r` (an inline policy as its policy resource).
pub(super) fn extra(
    r: &Planned,
    suffix: &str,
    cfn_type: &str,
    properties: Map<String, Value>,
) -> Out {
    made(
        r,
        format!("{}#{suffix}", r.logical_id),
        cfn_type,
        properties,
    )
}

fn made(r: &Planned, logical_id: String, cfn_type: &str, properties: Map<String, Value>) -> Out {
    Out::Resource(Resolved {
        logical_id,
        resource_type: cfn_type.to_string(),
        properties: Value::Object(properties),
        line: r.line,
        unknown_condition: None,
    })
}

/// A patch on the resource `on` names (a reference, or the known name or id of one of
/// `types`); `None` when it names no resource of the plan.
pub(super) fn patch(
    all: &[Planned],
    on: Option<&Value>,
    types: &[&str],
    key: &str,
    value: Value,
) -> Option<Out> {
    let target = target(all, on?, types)?;
    Some(Out::Patch(Patch {
        target: target.logical_id.clone(),
        key: key.to_string(),
        value,
        append: false,
    }))
}

/// Like [`patch`], added to a list.
pub(super) fn append(
    all: &[Planned],
    on: Option<&Value>,
    types: &[&str],
    key: &str,
    value: Value,
) -> Option<Out> {
    let mut p = patch(all, on, types, key, value)?;
    if let Out::Patch(p) = &mut p {
        p.append = true;
    }
    Some(p)
}

/// The resource of one of `types` that `v` names: by reference, or by a known name or id.
pub(super) fn target<'a>(all: &'a [Planned], v: &Value, types: &[&str]) -> Option<&'a Planned> {
    if let Some(logical) = reference(v) {
        return all.iter().find(|r| r.logical_id == logical);
    }
    let s = v.as_str().filter(|s| !s.is_empty())?;
    all.iter()
        .filter(|r| types.contains(&r.resource_type.as_str()))
        .find(|r| {
            NAMING
                .iter()
                .any(|k| r.values.get(k).and_then(Value::as_str) == Some(s))
        })
}

/// `v`, or the deploy-time identifier of the resource of `types` it names.
pub(super) fn link(all: &[Planned], v: &Value, types: &[&str]) -> Value {
    match target(all, v, types) {
        Some(t) if reference(v).is_none() => Value::String(format!("${{{}}}", t.logical_id)),
        _ => v.clone(),
    }
}

/// The arguments of `v` named in `renames` (Terraform name, template name), where set.
pub(super) fn props(v: &Value, renames: &[(&str, &str)]) -> Map<String, Value> {
    let mut m = Map::new();
    for (tf, cfn) in renames {
        if let Some(x) = v.get(*tf).filter(|x| !x.is_null()) {
            m.insert((*cfn).to_string(), x.clone());
        }
    }
    m
}

/// A nested block given once (`versioning { ... }`): the plan holds it as a list of one.
pub(super) fn block<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v.get(key)? {
        Value::Array(a) => a.first(),
        Value::Null => None,
        other => Some(other),
    }
}

/// Each of a repeated nested block.
pub(super) fn blocks<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The resource's tags as a template's `Tags`, the provider's `default_tags` included
/// (`tags_all`) when the plan knows them.
pub(super) fn tags(v: &Value) -> Value {
    let map = match v.get("tags_all") {
        Some(Value::Object(m)) => m,
        _ => match v.get("tags") {
            Some(Value::Object(m)) => m,
            _ => return Value::Array(vec![]),
        },
    };
    Value::Array(
        map.iter()
            .map(|(k, v)| serde_json::json!({"Key": k, "Value": v}))
            .collect(),
    )
}

/// Adds the tags to `m`.
pub(super) fn with_tags(mut m: Map<String, Value>, v: &Value) -> Map<String, Value> {
    m.insert("Tags".into(), tags(v));
    m
}

/// A text argument that is set and not empty (Terraform writes `""` for "none").
pub(super) fn given<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key)
        .filter(|x| !x.is_null() && x.as_str() != Some(""))
}

/// `m` without the empty texts Terraform writes for arguments not set.
pub(super) fn without_empty(mut m: Map<String, Value>) -> Map<String, Value> {
    m.retain(|_, v| v.as_str() != Some(""));
    m
}

#[cfg(test)]
#[path = "../translate_tests.rs"]
mod tests;
