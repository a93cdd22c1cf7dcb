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
use serde_json::{Map, Value};

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::iam as doc;
use crate::model::aws::{Document, Place};
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

fn inline(list: &[PolicyDetail]) -> Vec<doc::InlinePolicy> {
    list.iter()
        .map(|p| doc::InlinePolicy {
            policy_name: p.policy_name().map(Into::into),
            policy_document: p.policy_document().map(decode_policy),
        })
        .collect()
}

fn attached(list: &[AttachedPolicy]) -> Vec<doc::AttachedPolicy> {
    list.iter()
        .map(|p| doc::AttachedPolicy {
            policy_name: p.policy_name().map(Into::into),
            policy_arn: p.policy_arn().map(Into::into),
        })
        .collect()
}

pub async fn collect(ctx: &Ctx) -> Vec<ScopeResult> {
    // IAM is global; its endpoint lives in us-east-1 for the standard partition.
    let client = super::client!(aws_sdk_iam, ctx, "us-east-1");
    let (details, report, summary, mfa) = tokio::join!(
        client
            .get_account_authorization_details()
            .filter(EntityType::User)
            .filter(EntityType::Role)
            .filter(EntityType::Group)
            .filter(EntityType::LocalManagedPolicy)
            .into_paginator()
            .send()
            .try_collect(),
        credential_report(&client),
        client.get_account_summary().send(),
        client
            .list_virtual_mfa_devices()
            .into_paginator()
            .items()
            .send()
            .try_collect(),
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
    out.push(super::guards::password_policy(ctx, &client, REGION).await);
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
    let at = ctx.at(REGION);
    let empty = HashMap::new();
    let rows = report.as_ref().unwrap_or(&empty);
    let users = pages
        .iter()
        .flat_map(|p| p.user_detail_list())
        .map(|u| normalize_user(&at, u, rows))
        .collect();
    let roles = pages
        .iter()
        .flat_map(|p| p.role_detail_list())
        .map(|r| normalize_role(&at, r))
        .collect();
    let groups = pages
        .iter()
        .flat_map(|p| p.group_detail_list())
        .map(|g| normalize_group(&at, g))
        .collect();
    let policies = pages
        .iter()
        .flat_map(|p| p.policies())
        .map(|p| normalize_policy(&at, p))
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
    let resource = normalize_root(&ctx.at(REGION), &map, root_virtual, row);
    ScopeResult::partial(scope, vec![resource], report.clone().err())
}

/// Generates the credential report (waiting for it) and returns its rows by user name.
async fn credential_report(client: &Client) -> Result<HashMap<String, Map<String, Value>>, String> {
    for attempt in 0..20 {
        let state = client
            .generate_credential_report()
            .send()
            .await
            .map_err(|e| format!("iam:GenerateCredentialReport: {}", err_text(&e)))?;
        if state.state() == Some(&ReportStateType::Complete) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250 * (attempt + 1))).await;
    }
    let report = client
        .get_credential_report()
        .send()
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
    at: &Place,
    u: &UserDetail,
    report: &HashMap<String, Map<String, Value>>,
) -> Resource {
    let name = u.user_name().unwrap_or_default();
    doc::User {
        user_name: name.into(),
        user_id: u.user_id().map(Into::into),
        arn: u.arn().map(Into::into),
        path: u.path().map(Into::into),
        create_date: u.create_date().map(ts),
        group_list: u.group_list().to_vec(),
        attached_managed_policies: attached(u.attached_managed_policies()),
        user_policy_list: inline(u.user_policy_list()),
        credential: report.get(name).cloned(),
    }
    .resource(at, tags(u.tags()))
}

pub fn normalize_role(at: &Place, r: &RoleDetail) -> Resource {
    doc::Role {
        role_name: r.role_name().unwrap_or_default().into(),
        role_id: r.role_id().map(Into::into),
        arn: r.arn().map(Into::into),
        path: r.path().map(Into::into),
        create_date: r.create_date().map(ts),
        assume_role_policy_document: r.assume_role_policy_document().map(decode_policy),
        role_policy_list: inline(r.role_policy_list()),
        attached_managed_policies: attached(r.attached_managed_policies()),
        role_last_used: r.role_last_used().map(|l| doc::RoleLastUsed {
            last_used_date: l.last_used_date().map(ts),
            region: l.region().map(Into::into),
        }),
    }
    .resource(at, tags(r.tags()))
}

pub fn normalize_group(at: &Place, g: &GroupDetail) -> Resource {
    doc::Group {
        group_name: g.group_name().unwrap_or_default().into(),
        group_id: g.group_id().map(Into::into),
        arn: g.arn().map(Into::into),
        path: g.path().map(Into::into),
        create_date: g.create_date().map(ts),
        group_policy_list: inline(g.group_policy_list()),
        attached_managed_policies: attached(g.attached_managed_policies()),
    }
    .resource(at, BTreeMap::new())
}

pub fn normalize_policy(at: &Place, p: &ManagedPolicyDetail) -> Resource {
    let default = p.default_version_id();
    let document = p
        .policy_version_list()
        .iter()
        .find(|v| v.is_default_version() || (default.is_some() && v.version_id() == default))
        .and_then(|v| v.document())
        .map(decode_policy);
    doc::Policy {
        policy_name: p.policy_name().unwrap_or_default().into(),
        policy_id: p.policy_id().map(Into::into),
        arn: p.arn().map(Into::into),
        path: p.path().map(Into::into),
        default_version_id: default.map(Into::into),
        attachment_count: p.attachment_count(),
        is_attachable: p.is_attachable(),
        create_date: p.create_date().map(ts),
        update_date: p.update_date().map(ts),
        document,
    }
    .resource(at, BTreeMap::new())
}

pub fn normalize_root(
    at: &Place,
    summary: &HashMap<SummaryKeyType, i32>,
    root_virtual_mfa: bool,
    report_row: Option<&Map<String, Value>>,
) -> Resource {
    let get = |k: SummaryKeyType| summary.get(&k).copied().unwrap_or(0);
    let mfa = get(SummaryKeyType::AccountMfaEnabled) == 1;
    doc::RootUser {
        account_mfa_enabled: mfa,
        account_access_keys_present: get(SummaryKeyType::AccountAccessKeysPresent) > 0,
        hardware_mfa: mfa && !root_virtual_mfa,
        credential: report_row.cloned(),
    }
    .resource(at, BTreeMap::new())
}

#[cfg(test)]
#[path = "iam_tests.rs"]
mod tests;
