//! IAM: roles, users and groups with their inline, separate and attached policies, managed
//! policies, access keys, login profiles, instance profiles.
//!
//! A separate policy resource (`aws_iam_role_policy`) is the template's own one
//! (`AWS::IAM::RolePolicy`), joined into its principal by the template documents; an
//! attachment (`aws_iam_role_policy_attachment`) adds the policy's ARN to its principal's
//! `ManagedPolicyArns`, where a policy of the plan is its deploy-time identifier, so the
//! principal and the managed policy's attachment count see it as a template's `!Ref` does.
//! Arguments the documents do not read (descriptions, permissions boundaries, session
//! durations) are left out; passwords and secret keys are never read.

use serde_json::{json, Map, Value};

use super::{
    append, extra, given, link, patch, props, resource, target, with_tags, without_empty, Out,
};
use crate::iac::cfn::resolve::{reference, unknown, unknown_reason};
use crate::iac::terraform::plan::Planned;

const ROLE: &[&str] = &["aws_iam_role"];
const USER: &[&str] = &["aws_iam_user"];
const GROUP: &[&str] = &["aws_iam_group"];
const POLICY: &[&str] = &["aws_iam_policy"];

/// What tells the principals apart where a policy is attached to them.
struct Kind {
    types: &'static [&'static str],
    /// The key listing principals of this kind in `AWS::IAM::ManagedPolicy`.
    list_key: &'static str,
    /// The argument of `aws_iam_policy_attachment` listing them.
    attachment_key: &'static str,
}

const ROLES: Kind = Kind {
    types: ROLE,
    list_key: "Roles",
    attachment_key: "roles",
};
const USERS: Kind = Kind {
    types: USER,
    list_key: "Users",
    attachment_key: "users",
};
const GROUPS: Kind = Kind {
    types: GROUP,
    list_key: "Groups",
    attachment_key: "groups",
};

/// The template resources `r` becomes, if it is one of this area's types.
pub(super) fn translate(r: &Planned, all: &[Planned]) -> Option<Vec<Out>> {
    let v = &r.values;
    let one = |o: Option<Out>| o.into_iter().collect::<Vec<_>>();
    Some(match r.resource_type.as_str() {
        "aws_iam_role" => vec![role(r, all)],
        "aws_iam_user" => {
            let m = without_empty(props(v, &[("name", "UserName"), ("path", "Path")]));
            vec![resource(r, "AWS::IAM::User", with_tags(m, v))]
        }
        // IAM groups have no tags.
        "aws_iam_group" => {
            let m = without_empty(props(v, &[("name", "GroupName"), ("path", "Path")]));
            vec![resource(r, "AWS::IAM::Group", m)]
        }
        "aws_iam_policy" => {
            let mut m = without_empty(props(v, &[("name", "ManagedPolicyName"), ("path", "Path")]));
            if let Some(d) = given(v, "policy") {
                m.insert("PolicyDocument".into(), document(all, d));
            }
            vec![resource(r, "AWS::IAM::ManagedPolicy", m)]
        }
        "aws_iam_role_policy" => vec![own_policy(r, all, "AWS::IAM::RolePolicy", "RoleName")],
        "aws_iam_user_policy" => vec![own_policy(r, all, "AWS::IAM::UserPolicy", "UserName")],
        "aws_iam_group_policy" => vec![own_policy(r, all, "AWS::IAM::GroupPolicy", "GroupName")],
        "aws_iam_role_policy_attachment" => one(attach(all, v.get("role"), &ROLES, v)),
        "aws_iam_user_policy_attachment" => one(attach(all, v.get("user"), &USERS, v)),
        "aws_iam_group_policy_attachment" => one(attach(all, v.get("group"), &GROUPS, v)),
        // Exclusive in Terraform (it detaches the policy from every principal it does not
        // list); each principal listed gets the policy.
        "aws_iam_policy_attachment" => [&ROLES, &USERS, &GROUPS]
            .into_iter()
            .flat_map(|k| {
                items(v.get(k.attachment_key))
                    .into_iter()
                    .filter_map(move |p| attach(all, Some(&p), k, v))
            })
            .collect(),
        // The password (and its encrypted form) is never read: only that there is one.
        "aws_iam_user_login_profile" => one(patch(
            all,
            v.get("user"),
            USER,
            "LoginProfile",
            Value::Object(props(
                v,
                &[("password_reset_required", "PasswordResetRequired")],
            )),
        )),
        // Neither the secret nor the SMTP password is read.
        "aws_iam_access_key" => {
            let mut m = props(v, &[("status", "Status")]);
            if let Some(u) = v.get("user") {
                m.insert("UserName".into(), link(all, u, USER));
            }
            vec![resource(r, "AWS::IAM::AccessKey", without_empty(m))]
        }
        // One user in several groups: an addition per group, as a template writes it.
        "aws_iam_user_group_membership" => {
            let user = v.get("user").map_or(Value::Null, |u| link(all, u, USER));
            items(v.get("groups"))
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let mut m = Map::new();
                    m.insert("GroupName".into(), link(all, g, GROUP));
                    m.insert("Users".into(), json!([user]));
                    extra(r, &format!("group{i}"), "AWS::IAM::UserToGroupAddition", m)
                })
                .collect()
        }
        // Exclusive in Terraform (it removes the group's other users); the users listed
        // are in the group.
        "aws_iam_group_membership" => {
            let mut m = Map::new();
            if let Some(g) = v.get("group") {
                m.insert("GroupName".into(), link(all, g, GROUP));
            }
            m.insert("Users".into(), each(all, v.get("users"), USER));
            vec![resource(r, "AWS::IAM::UserToGroupAddition", m)]
        }
        "aws_iam_instance_profile" => {
            let mut m = without_empty(props(
                v,
                &[("name", "InstanceProfileName"), ("path", "Path")],
            ));
            if let Some(role) = given(v, "role") {
                m.insert("Roles".into(), json!([link(all, role, ROLE)]));
            }
            vec![resource(r, "AWS::IAM::InstanceProfile", m)]
        }
        _ => return None,
    })
}

/// `aws_iam_role` as `AWS::IAM::Role`: its `inline_policy` blocks are its `Policies`, its
/// `managed_policy_arns` its `ManagedPolicyArns`. Both are absent from a plan that creates
/// the role without setting them (AWS computes them); a refreshed role lists there too the
/// policies the plan's separate resources put on it, which those resources add already.
fn role(r: &Planned, all: &[Planned]) -> Out {
    let v = &r.values;
    let mut m = without_empty(props(v, &[("name", "RoleName"), ("path", "Path")]));
    if let Some(d) = given(v, "assume_role_policy") {
        m.insert("AssumeRolePolicyDocument".into(), document(all, d));
    }
    match v.get("inline_policy") {
        Some(Value::Array(list)) => {
            let policies = list
                .iter()
                .filter(|p| {
                    // The provider writes an empty block for a role without inline policies.
                    let name = given(p, "name");
                    (name.is_some() || given(p, "policy").is_some())
                        && !name.is_some_and(|n| has_own_policy(all, r, n))
                })
                .map(|p| {
                    let mut pm = without_empty(props(p, &[("name", "PolicyName")]));
                    if let Some(d) = given(p, "policy") {
                        pm.insert("PolicyDocument".into(), document(all, d));
                    }
                    Value::Object(pm)
                })
                .collect();
            m.insert("Policies".into(), Value::Array(policies));
        }
        Some(u) if unknown_reason(u).is_some() => {
            m.insert("Policies".into(), u.clone());
        }
        _ => {}
    }
    match each(all, v.get("managed_policy_arns"), POLICY) {
        Value::Array(arns) => {
            let arns = arns
                .into_iter()
                .filter(|a| !attached_elsewhere(all, r, a))
                .collect();
            m.insert("ManagedPolicyArns".into(), Value::Array(arns));
        }
        Value::Null => {}
        u => {
            m.insert("ManagedPolicyArns".into(), u);
        }
    }
    resource(r, "AWS::IAM::Role", with_tags(m, v))
}

/// `aws_iam_role_policy` (user, group) as its template type: the principal it names linked
/// to the plan's one, so the documents join it by reference or by name.
fn own_policy(r: &Planned, all: &[Planned], cfn_type: &str, name_key: &str) -> Out {
    let v = &r.values;
    let (on, types) = match name_key {
        "RoleName" => ("role", ROLE),
        "UserName" => ("user", USER),
        _ => ("group", GROUP),
    };
    let mut m = without_empty(props(v, &[("name", "PolicyName")]));
    if let Some(p) = v.get(on).filter(|p| !p.is_null()) {
        m.insert(name_key.into(), link(all, p, types));
    }
    if let Some(d) = given(v, "policy") {
        m.insert("PolicyDocument".into(), document(all, d));
    }
    resource(r, cfn_type, m)
}

/// The policy `v.policy_arn` attached to the principal `on` of `kind`: added to the
/// principal's `ManagedPolicyArns` (a policy of the plan as its identifier, an AWS managed
/// one as its ARN). A principal outside the plan named by a known name is added to the
/// plan's policy's list instead, so the policy's attachment count holds it.
fn attach(all: &[Planned], on: Option<&Value>, kind: &Kind, v: &Value) -> Option<Out> {
    let arn = v.get("policy_arn").filter(|a| !a.is_null())?;
    append(
        all,
        on,
        kind.types,
        "ManagedPolicyArns",
        link(all, arn, POLICY),
    )
    .or_else(|| {
        let name = on.filter(|n| n.is_string() && reference(n).is_none())?;
        append(all, Some(arn), POLICY, kind.list_key, name.clone())
    })
}

/// Whether a separate `aws_iam_role_policy` of the plan puts the policy `name` on `role`
/// (the refreshed role lists it among its inline policies too).
fn has_own_policy(all: &[Planned], role: &Planned, name: &Value) -> bool {
    all.iter().any(|p| {
        p.resource_type == "aws_iam_role_policy"
            && p.values.get("name") == Some(name)
            && names(all, p.values.get("role"), role)
    })
}

/// Whether an attachment resource of the plan attaches `arn` (linked) to `role` (the
/// refreshed role lists it among its managed policies too).
fn attached_elsewhere(all: &[Planned], role: &Planned, arn: &Value) -> bool {
    all.iter().any(|p| {
        let on = match p.resource_type.as_str() {
            "aws_iam_role_policy_attachment" => p.values.get("role").cloned().into_iter().collect(),
            "aws_iam_policy_attachment" => items(p.values.get("roles")),
            _ => return false,
        };
        let same = |a: &Value| {
            let a = link(all, a, POLICY);
            a == *arn || reference(&a).is_some_and(|id| reference(arn) == Some(id))
        };
        on.iter().any(|x| names(all, Some(x), role)) && p.values.get("policy_arn").is_some_and(same)
    })
}

/// Whether `v` names `r` (by reference, or by its known name, id or ARN).
fn names(all: &[Planned], v: Option<&Value>, r: &Planned) -> bool {
    v.and_then(|v| target(all, v, &[r.resource_type.as_str()]))
        .is_some_and(|t| t.logical_id == r.logical_id)
}

/// The items of a list argument. A list known only after apply that the plan gives as the
/// one resource it refers to (`${logical.name}`) is that one item; an unknown list one
/// unknown item.
fn items(v: Option<&Value>) -> Vec<Value> {
    match v {
        Some(Value::Array(a)) => a.clone(),
        None | Some(Value::Null) => vec![],
        Some(one) => vec![one.clone()],
    }
}

/// A list argument with each item linked to the plan's resource of `types` it names; an
/// unknown list as it is; `Null` when not set.
fn each(all: &[Planned], v: Option<&Value>, types: &[&str]) -> Value {
    match v {
        None | Some(Value::Null) => Value::Null,
        Some(u) if unknown_reason(u).is_some() => u.clone(),
        _ => items(v).iter().map(|x| link(all, x, types)).collect(),
    }
}

/// A policy argument (JSON text, which the documents parse). A policy known only after
/// apply that the plan gives as the resource its text uses (`${logical.arn}`) is no
/// document: it is unknown, naming that resource.
fn document(all: &[Planned], d: &Value) -> Value {
    let Some(id) = reference(d) else {
        return d.clone();
    };
    let address = all
        .iter()
        .find(|r| r.logical_id == id)
        .map_or(id, |r| r.address.as_str());
    unknown(format!(
        "the policy document uses {address}, known only after apply"
    ))
}

#[cfg(test)]
#[path = "../translate_iam_tests.rs"]
mod tests;
