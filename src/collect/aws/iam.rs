//! IAM (account-wide): GetAccountAuthorizationDetails for users, roles, groups and
//! customer-managed policies; the credential report; the account summary and virtual MFA
//! devices for the root user.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::operation::get_account_summary::GetAccountSummaryOutput;
use aws_sdk_iam::types::VirtualMfaDevice;
use aws_sdk_iam::types::{
    AttachedPolicy, EntityType, GroupDetail, ManagedPolicyDetail, PolicyDetail, ReportStateType,
    RoleDetail, SummaryKeyType, Tag, UserDetail,
};
use aws_sdk_iam::Client;
use serde_json::{json, Map, Value};

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::Resource;

const REGION: &str = "global";

fn tags(t: &[Tag]) -> BTreeMap<String, String> {
    tag_map(t.iter().map(|t| (Some(t.key()), Some(t.value()))))
}

/// IAM returns policy documents URL-encoded; rules get parsed JSON.
pub fn decode_policy(doc: &str) -> Value {
    let decoded = percent_encoding::percent_decode_str(doc).decode_utf8_lossy();
    serde_json::from_str(&decoded)
        .or_else(|_| serde_json::from_str(doc))
        .unwrap_or_else(|_| Value::String(decoded.into_owned()))
}

fn inline(list: &[PolicyDetail]) -> Vec<Value> {
    list.iter()
        .map(|p| json!({"PolicyName": p.policy_name(), "PolicyDocument": p.policy_document().map(decode_policy)}))
        .collect()
}

fn attached(list: &[AttachedPolicy]) -> Vec<Value> {
    list.iter()
        .map(|p| json!({"PolicyName": p.policy_name(), "PolicyArn": p.policy_arn()}))
        .collect()
}

pub async fn collect(ctx: &Ctx) -> Vec<ScopeResult> {
    // IAM is global; its endpoint lives in us-east-1 for the standard partition.
    let client = super::client!(aws_sdk_iam, ctx, "us-east-1");
    let (details, report, summary, mfa) = tokio::join!(
        ctx.call(
            client
                .get_account_authorization_details()
                .filter(EntityType::User)
                .filter(EntityType::Role)
                .filter(EntityType::Group)
                .filter(EntityType::LocalManagedPolicy)
                .into_paginator()
                .send()
                .try_collect()
        ),
        credential_report(ctx, &client),
        ctx.call(client.get_account_summary().send()),
        ctx.call(
            client
                .list_virtual_mfa_devices()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
    );
    let details =
        details.map_err(|e| format!("iam:GetAccountAuthorizationDetails: {}", err_text(&e)));
    let root = match (summary, mfa) {
        (Ok(summary), Ok(devices)) => Ok((summary, devices)),
        (Err(e), _) => Err(format!("iam:GetAccountSummary: {}", err_text(&e))),
        (_, Err(e)) => Err(format!("iam:ListVirtualMFADevices: {}", err_text(&e))),
    };
    let mut out = principals(ctx, details, &report);
    out.push(root_user(ctx, root, &report));
    out
}

/// Users, roles, groups and managed policies from the authorization details. Users without
/// their credential-report row would look compliant: then their scope is failed (findings
/// stay open) but the documents are kept.
fn principals(
    ctx: &Ctx,
    details: Result<Vec<GetAccountAuthorizationDetailsOutput>, String>,
    report: &Result<HashMap<String, Map<String, Value>>, String>,
) -> Vec<ScopeResult> {
    let scope = |t: &str| ctx.scope(REGION, t);
    let pages = match details {
        Ok(pages) => pages,
        Err(msg) => {
            return [
                "AWS::IAM::User",
                "AWS::IAM::Role",
                "AWS::IAM::Group",
                "AWS::IAM::Policy",
            ]
            .into_iter()
            .map(|t| ScopeResult::failed(scope(t), msg.clone()))
            .collect()
        }
    };
    let empty = HashMap::new();
    let rows = report.as_ref().unwrap_or(&empty);
    let users = pages
        .iter()
        .flat_map(|p| p.user_detail_list())
        .map(|u| normalize_user(ctx, u, rows))
        .collect();
    let roles = pages
        .iter()
        .flat_map(|p| p.role_detail_list())
        .map(|r| normalize_role(ctx, r))
        .collect();
    let groups = pages
        .iter()
        .flat_map(|p| p.group_detail_list())
        .map(|g| normalize_group(ctx, g))
        .collect();
    let policies = pages
        .iter()
        .flat_map(|p| p.policies())
        .map(|p| normalize_policy(ctx, p))
        .collect();
    vec![
        ScopeResult::partial(scope("AWS::IAM::User"), users, report.clone().err()),
        ScopeResult::ok(scope("AWS::IAM::Role"), roles),
        ScopeResult::ok(scope("AWS::IAM::Group"), groups),
        ScopeResult::ok(scope("AWS::IAM::Policy"), policies),
    ]
}

/// The root user: the account summary, whether a virtual MFA device is the root's, its
/// credential-report row.
fn root_user(
    ctx: &Ctx,
    root: Result<(GetAccountSummaryOutput, Vec<VirtualMfaDevice>), String>,
    report: &Result<HashMap<String, Map<String, Value>>, String>,
) -> ScopeResult {
    let scope = ctx.scope(REGION, "AWS::IAM::RootUser");
    let (summary, devices) = match root {
        Ok(x) => x,
        Err(msg) => return ScopeResult::failed(scope, msg),
    };
    let map = summary.summary_map().cloned().unwrap_or_default();
    let root_virtual = devices.iter().any(|d| {
        d.user().is_some_and(|u| u.arn().ends_with(":root"))
            || d.serial_number().ends_with("/root-account-mfa-device")
    });
    let row = report.as_ref().ok().and_then(|r| r.get("<root_account>"));
    let resource = normalize_root(ctx, &map, root_virtual, row);
    ScopeResult::partial(scope, vec![resource], report.clone().err())
}

/// Generates the credential report (waiting for it) and returns its rows by user name.
async fn credential_report(
    ctx: &Ctx,
    client: &Client,
) -> Result<HashMap<String, Map<String, Value>>, String> {
    for attempt in 0..20 {
        let state = ctx
            .call(client.generate_credential_report().send())
            .await
            .map_err(|e| format!("iam:GenerateCredentialReport: {}", err_text(&e)))?;
        if state.state() == Some(&ReportStateType::Complete) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250 * (attempt + 1))).await;
    }
    let report = ctx
        .call(client.get_credential_report().send())
        .await
        .map_err(|e| format!("iam:GetCredentialReport: {}", err_text(&e)))?;
    let content = report
        .content()
        .map(|b| b.as_ref().to_vec())
        .unwrap_or_default();
    parse_credential_report(&content)
}

const REPORT_BOOLS: &[&str] = &[
    "password_enabled",
    "mfa_active",
    "access_key_1_active",
    "access_key_2_active",
];
const REPORT_TIMES: &[&str] = &[
    "password_last_used",
    "password_last_changed",
    "access_key_1_last_used_date",
    "access_key_2_last_used_date",
    "access_key_1_last_rotated",
    "access_key_2_last_rotated",
    "user_creation_time",
];

/// Parses the credential report CSV into rows keyed by user name, with the documented keys.
pub fn parse_credential_report(
    csv_bytes: &[u8],
) -> Result<HashMap<String, Map<String, Value>>, String> {
    let mut rdr = csv::Reader::from_reader(csv_bytes);
    let headers = rdr
        .headers()
        .map_err(|e| format!("credential report: {e}"))?
        .clone();
    let mut rows = HashMap::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("credential report row {}: {e}", n + 2))?;
        let mut row = Map::new();
        let mut user = String::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            if h == "user" {
                user = v.to_string();
            } else if REPORT_BOOLS.contains(&h) {
                row.insert(h.into(), Value::Bool(v.eq_ignore_ascii_case("true")));
            } else if REPORT_TIMES.contains(&h) {
                if let Some(t) = report_time(v) {
                    row.insert(h.into(), Value::String(t));
                }
            }
        }
        rows.insert(user, row);
    }
    Ok(rows)
}

/// Report times are ISO 8601 with an offset (`2024-01-01T00:00:00+00:00`); `N/A`,
/// `no_information` and `not_supported` mean absent.
fn report_time(v: &str) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(v.trim()).ok()?;
    Some(
        t.with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
    )
}

pub fn normalize_user(
    ctx: &Ctx,
    u: &UserDetail,
    report: &HashMap<String, Map<String, Value>>,
) -> Resource {
    let name = u.user_name().unwrap_or_default();
    let config = json!({
        "UserName": name,
        "UserId": u.user_id(),
        "Arn": u.arn(),
        "Path": u.path(),
        "CreateDate": u.create_date().map(ts),
        "GroupList": u.group_list(),
        "AttachedManagedPolicies": attached(u.attached_managed_policies()),
        "UserPolicyList": inline(u.user_policy_list()),
        "Credential": report.get(name),
    });
    ctx.resource(
        u.arn().unwrap_or_default().to_string(),
        "AWS::IAM::User",
        REGION,
        Some(name.to_string()),
        tags(u.tags()),
        config,
    )
}

pub fn normalize_role(ctx: &Ctx, r: &RoleDetail) -> Resource {
    let name = r.role_name().unwrap_or_default();
    let config = json!({
        "RoleName": name,
        "RoleId": r.role_id(),
        "Arn": r.arn(),
        "Path": r.path(),
        "CreateDate": r.create_date().map(ts),
        "AssumeRolePolicyDocument": r.assume_role_policy_document().map(decode_policy),
        "RolePolicyList": inline(r.role_policy_list()),
        "AttachedManagedPolicies": attached(r.attached_managed_policies()),
        "RoleLastUsed": r.role_last_used().map(|l| json!({
            "LastUsedDate": l.last_used_date().map(ts),
            "Region": l.region(),
        })),
    });
    ctx.resource(
        r.arn().unwrap_or_default().to_string(),
        "AWS::IAM::Role",
        REGION,
        Some(name.to_string()),
        tags(r.tags()),
        config,
    )
}

pub fn normalize_group(ctx: &Ctx, g: &GroupDetail) -> Resource {
    let name = g.group_name().unwrap_or_default();
    let config = json!({
        "GroupName": name,
        "GroupId": g.group_id(),
        "Arn": g.arn(),
        "Path": g.path(),
        "CreateDate": g.create_date().map(ts),
        "GroupPolicyList": inline(g.group_policy_list()),
        "AttachedManagedPolicies": attached(g.attached_managed_policies()),
    });
    ctx.resource(
        g.arn().unwrap_or_default().to_string(),
        "AWS::IAM::Group",
        REGION,
        Some(name.to_string()),
        BTreeMap::new(),
        config,
    )
}

pub fn normalize_policy(ctx: &Ctx, p: &ManagedPolicyDetail) -> Resource {
    let arn = p.arn().unwrap_or_default();
    // The name is the ARN's last segment when the answer leaves it out (moto does).
    let name = p
        .policy_name()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default());
    let default = p.default_version_id();
    let document = p
        .policy_version_list()
        .iter()
        .find(|v| v.is_default_version() || (default.is_some() && v.version_id() == default))
        .and_then(|v| v.document())
        .map(decode_policy);
    let config = json!({
        "PolicyName": name,
        "PolicyId": p.policy_id(),
        "Arn": p.arn(),
        "Path": p.path(),
        "DefaultVersionId": default,
        "AttachmentCount": p.attachment_count(),
        "IsAttachable": p.is_attachable(),
        "CreateDate": p.create_date().map(ts),
        "UpdateDate": p.update_date().map(ts),
        "Document": document,
    });
    ctx.resource(
        p.arn().unwrap_or_default().to_string(),
        "AWS::IAM::Policy",
        REGION,
        Some(name.to_string()),
        BTreeMap::new(),
        config,
    )
}

pub fn normalize_root(
    ctx: &Ctx,
    summary: &HashMap<SummaryKeyType, i32>,
    root_virtual_mfa: bool,
    report_row: Option<&Map<String, Value>>,
) -> Resource {
    let get = |k: SummaryKeyType| summary.get(&k).copied().unwrap_or(0);
    let mfa = get(SummaryKeyType::AccountMfaEnabled) == 1;
    let config = json!({
        "AccountMFAEnabled": mfa,
        "AccountAccessKeysPresent": get(SummaryKeyType::AccountAccessKeysPresent) > 0,
        "HardwareMFA": mfa && !root_virtual_mfa,
        "Credential": report_row,
    });
    ctx.resource(
        format!("arn:aws:iam::{}:root", ctx.account),
        "AWS::IAM::RootUser",
        REGION,
        Some("root".into()),
        BTreeMap::new(),
        config,
    )
}

#[cfg(test)]
#[path = "iam_tests.rs"]
mod tests;
