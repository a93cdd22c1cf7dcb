//! IAM: roles, users and groups (with their inline and managed policies, and the policy
//! resources that attach to them), and customer-managed policies.
//!
//! A principal's inline policies are its `Policies` and every `AWS::IAM::Policy` (by its
//! `Roles` / `Users` / `Groups`) or `AWS::IAM::RolePolicy` / `UserPolicy` / `GroupPolicy` (by
//! its `RoleName` / `UserName` / `GroupName`) naming it, as IAM lists them once deployed: the
//! same rule gives the same answer wherever the template writes the policy. Its attached
//! managed policies are its `ManagedPolicyArns` and every `AWS::IAM::ManagedPolicy` naming it;
//! that policy is also the live customer-managed policy document. A principal is named by
//! reference (`!Ref Role`) or by its name. A user's groups are its `Groups` and the
//! `AWS::IAM::UserToGroupAddition`s naming it; its credential-report row is what IAM reports
//! for a new user: a console password if it has a `LoginProfile` (never its value), no MFA
//! (a template cannot enable an MFA device), and its `AWS::IAM::AccessKey`s.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{name, or, policy, tags, text_of, Mapped};
use crate::iac::cfn::resolve::{reference, unknown_reason, Resolved};
use crate::model::aws;

/// The types joined into this area's resources.
pub(super) const JOINED: &[&str] = &[
    "AWS::IAM::Policy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
    "AWS::IAM::UserToGroupAddition",
    "AWS::IAM::AccessKey",
];

const MANAGED: &str = "AWS::IAM::ManagedPolicy";

/// What tells roles, users and groups apart.
struct Kind {
    resource_type: &'static str,
    /// The name property (`RoleName`), also the key by which a `RolePolicy` names its role.
    name_key: &'static str,
    /// The key listing principals of this kind in `AWS::IAM::Policy` and `ManagedPolicy`.
    list_key: &'static str,
    /// The separate inline policy type for this kind.
    own_policy: &'static str,
    /// The live document's inline policy list.
    inline_key: &'static str,
}

const ROLE: Kind = Kind {
    resource_type: "AWS::IAM::Role",
    name_key: "RoleName",
    list_key: "Roles",
    own_policy: "AWS::IAM::RolePolicy",
    inline_key: "RolePolicyList",
};
const USER: Kind = Kind {
    resource_type: "AWS::IAM::User",
    name_key: "UserName",
    list_key: "Users",
    own_policy: "AWS::IAM::UserPolicy",
    inline_key: "UserPolicyList",
};
const GROUP: Kind = Kind {
    resource_type: "AWS::IAM::Group",
    name_key: "GroupName",
    list_key: "Groups",
    own_policy: "AWS::IAM::GroupPolicy",
    inline_key: "GroupPolicyList",
};
const KINDS: [&Kind; 3] = [&ROLE, &USER, &GROUP];

/// `r`'s document, if it is one of this area's types.
pub(super) fn build(r: &Resolved, all: &[Resolved]) -> Option<Mapped> {
    Some(match r.resource_type.as_str() {
        "AWS::IAM::Role" => role(r, all),
        "AWS::IAM::User" => user(r, all),
        "AWS::IAM::Group" => group(r, all),
        MANAGED => managed_policy(r, all),
        _ => return None,
    })
}

fn role(r: &Resolved, all: &[Resolved]) -> Mapped {
    let (mut doc, _) = principal(r, all, &ROLE);
    if let Some(d) = r.properties.get("AssumeRolePolicyDocument") {
        doc.insert("AssumeRolePolicyDocument".into(), policy(d));
    }
    Ok((
        Value::Object(doc),
        tags(&r.properties),
        super::finish::<aws::iam::Role>,
    ))
}

fn user(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let (mut doc, own_name) = principal(r, all, &USER);
    let given = p.get("Groups");
    let mut groups: Vec<Value> = match given {
        Some(Value::Array(g)) => g.iter().map(|g| group_name(g, all)).collect(),
        _ => vec![],
    };
    for add in all.iter().filter(|a| {
        a.resource_type == "AWS::IAM::UserToGroupAddition" && names(a, "Users", r, &own_name)
    }) {
        if let Some(g) = add.properties.get("GroupName").map(|g| group_name(g, all)) {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    doc.insert("GroupList".into(), with_unknown_list(given, groups));
    doc.insert("Credential".into(), credential(r, all, &own_name));
    Ok((Value::Object(doc), tags(p), super::finish::<aws::iam::User>))
}

fn group(r: &Resolved, all: &[Resolved]) -> Mapped {
    let (doc, _) = principal(r, all, &GROUP);
    // IAM groups have no tags.
    Ok((
        Value::Object(doc),
        BTreeMap::new(),
        super::finish::<aws::iam::Group>,
    ))
}

/// What roles, users and groups share: name, path, inline and attached managed policies;
/// with the principal's name (the property, else the logical id) for joins by name.
fn principal(r: &Resolved, all: &[Resolved], kind: &Kind) -> (Map<String, Value>, Value) {
    let p = &r.properties;
    let own_name = name(r, kind.name_key);
    let mut doc = Map::new();
    doc.insert(kind.name_key.into(), Value::String(text_of(&own_name)));
    doc.insert("Path".into(), or(p, "Path", "/"));
    doc.insert(
        kind.inline_key.into(),
        inline_policies(r, all, kind, &own_name),
    );
    doc.insert(
        "AttachedManagedPolicies".into(),
        attached_policies(r, all, kind, &own_name),
    );
    (doc, own_name)
}

/// The principal's `Policies`, then those of the policy resources naming it.
fn inline_policies(r: &Resolved, all: &[Resolved], kind: &Kind, own_name: &Value) -> Value {
    let given = r.properties.get("Policies");
    let mut list: Vec<Value> = match given {
        Some(Value::Array(items)) => items.iter().map(inline).collect(),
        _ => vec![],
    };
    for p in all {
        let joined = (p.resource_type == "AWS::IAM::Policy"
            && names(p, kind.list_key, r, own_name))
            || (p.resource_type == kind.own_policy && names(p, kind.name_key, r, own_name));
        if joined {
            list.push(inline(&p.properties));
        }
    }
    with_unknown_list(given, list)
}

/// One inline policy: `{PolicyName, PolicyDocument}`, the document parsed.
fn inline(p: &Value) -> Value {
    if unknown_reason(p).is_some() {
        return p.clone();
    }
    let mut m = Map::new();
    if let Some(n) = p.get("PolicyName") {
        m.insert("PolicyName".into(), n.clone());
    }
    if let Some(d) = p.get("PolicyDocument") {
        m.insert("PolicyDocument".into(), policy(d));
    }
    Value::Object(m)
}

/// The principal's `ManagedPolicyArns`, then the `AWS::IAM::ManagedPolicy`s naming it (once
/// each, as IAM attaches a policy once).
fn attached_policies(r: &Resolved, all: &[Resolved], kind: &Kind, own_name: &Value) -> Value {
    let given = r.properties.get("ManagedPolicyArns");
    let mut list: Vec<Value> = match given {
        Some(Value::Array(arns)) => arns.iter().map(|a| attached(a, all)).collect(),
        _ => vec![],
    };
    for m in all
        .iter()
        .filter(|m| m.resource_type == MANAGED && names(m, kind.list_key, r, own_name))
    {
        let already = list
            .iter()
            .any(|a| a.get("PolicyArn").and_then(reference) == Some(m.logical_id.as_str()));
        if !already {
            list.push(attached(
                &Value::String(format!("${{{}}}", m.logical_id)),
                all,
            ));
        }
    }
    with_unknown_list(given, list)
}

/// An attached policy `{PolicyName, PolicyArn}` from its ARN: the name is the ARN's last
/// segment, or the template's managed policy's name when the ARN refers to one.
fn attached(arn: &Value, all: &[Resolved]) -> Value {
    let Some(text) = arn.as_str() else {
        return arn.clone();
    };
    let policy_name = match reference(arn).and_then(|id| {
        all.iter()
            .find(|m| m.logical_id == id && m.resource_type == MANAGED)
    }) {
        Some(m) => text_of(&name(m, "ManagedPolicyName")),
        None => text.rsplit('/').next().unwrap_or(text).to_string(),
    };
    json!({"PolicyName": policy_name, "PolicyArn": text})
}

/// A group named in a user's `Groups` (or a `UserToGroupAddition`): a reference to one of the
/// template's groups is that group's name.
fn group_name(g: &Value, all: &[Resolved]) -> Value {
    reference(g)
        .and_then(|id| {
            all.iter()
                .find(|x| x.logical_id == id && x.resource_type == GROUP.resource_type)
        })
        .map_or_else(
            || g.clone(),
            |x| Value::String(text_of(&name(x, "GroupName"))),
        )
}

/// The credential-report row IAM reports for the new user: `password_enabled` when it has a
/// `LoginProfile` (the password itself is never read), no MFA, and an access key per
/// `AWS::IAM::AccessKey` naming it (`Status` `Active` unless given).
fn credential(r: &Resolved, all: &[Resolved], own_name: &Value) -> Value {
    let password = match r.properties.get("LoginProfile") {
        Some(v) if unknown_reason(v).is_some() => v.clone(),
        Some(_) => Value::Bool(true),
        None => Value::Bool(false),
    };
    let keys: Vec<&Resolved> = all
        .iter()
        .filter(|k| k.resource_type == "AWS::IAM::AccessKey" && names(k, "UserName", r, own_name))
        .collect();
    let active = |i: usize| match keys.get(i).map(|k| k.properties.get("Status")) {
        None => Value::Bool(false),
        Some(None) => Value::Bool(true),
        Some(Some(s)) if unknown_reason(s).is_some() => s.clone(),
        Some(Some(s)) => Value::Bool(s != "Inactive"),
    };
    json!({
        "password_enabled": password,
        "mfa_active": false,
        "access_key_1_active": active(0),
        "access_key_2_active": active(1),
    })
}

/// `AWS::IAM::ManagedPolicy` as the live customer-managed policy: its document as the
/// default version (`v1` at creation), attachable, attached to the principals naming it or
/// referring to it in their `ManagedPolicyArns`.
fn managed_policy(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let mut doc = Map::new();
    doc.insert(
        "PolicyName".into(),
        Value::String(text_of(&name(r, "ManagedPolicyName"))),
    );
    doc.insert("Path".into(), or(p, "Path", "/"));
    doc.insert("DefaultVersionId".into(), "v1".into());
    doc.insert("IsAttachable".into(), true.into());
    doc.insert("AttachmentCount".into(), attachment_count(r, all));
    if let Some(d) = p.get("PolicyDocument") {
        doc.insert("Document".into(), policy(d));
    }
    // Customer-managed policies are read without their tags.
    Ok((
        Value::Object(doc),
        BTreeMap::new(),
        super::finish::<aws::iam::Policy>,
    ))
}

/// How many principals the managed policy `r` is attached to: those its `Roles` / `Users` /
/// `Groups` name, and the template's principals that refer to it in `ManagedPolicyArns`
/// without being named there. Unknown when one of those lists is.
fn attachment_count(r: &Resolved, all: &[Resolved]) -> Value {
    let mut count = 0;
    for kind in KINDS {
        match r.properties.get(kind.list_key) {
            Some(v) if unknown_reason(v).is_some() => return v.clone(),
            Some(Value::Array(a)) => count += a.len(),
            Some(_) => count += 1,
            None => {}
        }
    }
    count += all
        .iter()
        .filter(|x| {
            let Some(kind) = KINDS.iter().find(|k| k.resource_type == x.resource_type) else {
                return false;
            };
            let refers = matches!(
                x.properties.get("ManagedPolicyArns"),
                Some(Value::Array(a)) if a.iter().any(|v| reference(v) == Some(r.logical_id.as_str()))
            );
            refers && !names(r, kind.list_key, x, &name(x, kind.name_key))
        })
        .count();
    Value::from(count)
}

/// Whether `key` of `p` (one name or a list of them) names `r`: by reference, or by its
/// name `own_name`.
fn names(p: &Resolved, key: &str, r: &Resolved, own_name: &Value) -> bool {
    let targets = match p.properties.get(key) {
        Some(Value::Array(a)) => a.as_slice(),
        Some(v) => std::slice::from_ref(v),
        None => &[],
    };
    targets
        .iter()
        .any(|t| reference(t) == Some(r.logical_id.as_str()) || (t.is_string() && t == own_name))
}

/// A list built from a property (`given`) and the resources joined into it. A property
/// unknown as a whole is the list when nothing is joined (so the evaluation sees both an
/// empty and a non-empty list); else it is kept last, with the list's other unknown items.
fn with_unknown_list(given: Option<&Value>, mut list: Vec<Value>) -> Value {
    if let Some(v) = given.filter(|v| unknown_reason(v).is_some()) {
        if list.is_empty() {
            return v.clone();
        }
        list.push(v.clone());
    }
    unknowns_last(list)
}

/// `items` with the unknown ones moved last: an unknown item is taken out of the list and
/// put back at its index, which must not be a known item's.
fn unknowns_last(items: Vec<Value>) -> Value {
    let (unknown, known): (Vec<Value>, Vec<Value>) =
        items.into_iter().partition(|v| unknown_reason(v).is_some());
    Value::Array(known.into_iter().chain(unknown).collect())
}

#[cfg(test)]
#[path = "iam_tests.rs"]
mod tests;
