//! AWS Organizations: the accounts a target reads. `ListAccounts` gives the active accounts;
//! one walk from the root down (`ListRoots`, `ListOrganizationalUnitsForParent`,
//! `ListAccountsForParent`) gives each one's organizational units; `ListTagsForResource`
//! its tags. `include` / `exclude` narrow the list by account id, account name or OU id.
//! The credentials that list are the target's own; each member is then read through
//! `arn:<partition>:iam::<id>:role/<role_name>`.

use std::collections::{BTreeMap, HashMap};

use aws_config::Region;
use aws_sdk_organizations::types::{Account, AccountState};
use aws_sdk_organizations::Client;
use futures::StreamExt as _;

use super::{err_text, AssumeRole, AwsOptions, Error, Result};
use crate::model::aws::AccountMeta;

/// `[collectors.aws.organization]`, as a target resolved it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgOptions {
    pub role_name: String,
    pub external_id: Option<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// The organization's active accounts, each as options of its own: `opts` with the member's
/// role and what is known of it. `session` names the STS sessions.
pub async fn members(
    opts: &AwsOptions,
    org: &OrgOptions,
    session: &str,
) -> Result<Vec<AwsOptions>> {
    let sdk = super::load(opts).await;
    // Organizations answers in us-east-1 for the standard partition.
    let client = Client::from_conf(
        aws_sdk_organizations::config::Builder::from(&sdk)
            .region(Region::new("us-east-1"))
            .interceptor(super::CountCalls(opts.stats.clone()))
            .build(),
    );
    let listed: Vec<Account> = client
        .list_accounts()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| Error::Organization(format!("organizations:ListAccounts: {}", err_text(&e))))?
        .into_iter()
        .flat_map(|page| page.accounts.unwrap_or_default())
        .collect();
    let active: Vec<&Account> = listed.iter().filter(|a| is_active(a)).collect();
    let places = match places(&client).await {
        Ok(p) => p,
        // Without the walk, OU filters cannot be decided: an error then, a gap otherwise.
        Err(e) if uses_ous(org) => return Err(e),
        Err(e) => {
            tracing::warn!(target: "collect", error = %e, "organizational units not read; accounts have no OU path");
            HashMap::new()
        }
    };
    let tags = tags(&client, &active, opts.max_concurrency).await?;
    let mut out = Vec::new();
    for a in active {
        let id = a.id().unwrap_or_default().to_string();
        let (ou_ids, ou_path) = places.get(&id).cloned().unwrap_or_default();
        let meta = AccountMeta {
            name: a.name().map(str::to_string),
            ou_ids,
            ou_path,
            tags: tags.get(&id).cloned().unwrap_or_default(),
            id,
        };
        if !wanted(org, &meta) {
            continue;
        }
        let partition = a
            .arn()
            .and_then(|arn| arn.split(':').nth(1))
            .unwrap_or("aws");
        out.push(AwsOptions {
            role: Some(AssumeRole {
                arn: format!("arn:{partition}:iam::{}:role/{}", meta.id, org.role_name),
                session_name: session.to_string(),
                external_id: org.external_id.clone(),
            }),
            account: Some(meta),
            organization: None,
            ..opts.clone()
        });
    }
    Ok(out)
}

/// `State` ACTIVE; `Status` ACTIVE where an older answer has no `State` (AWS retires
/// `Status` in September 2026).
fn is_active(a: &Account) -> bool {
    match a.state() {
        Some(s) => *s == AccountState::Active,
        #[allow(deprecated)]
        None => a.status().is_some_and(|s| s.as_str() == "ACTIVE"),
    }
}

fn uses_ous(org: &OrgOptions) -> bool {
    org.include
        .iter()
        .chain(&org.exclude)
        .any(|i| i.starts_with("ou-") || i.starts_with("r-"))
}

/// Whether an account is in `include` (or it is empty) and not in `exclude`.
pub fn wanted(org: &OrgOptions, a: &AccountMeta) -> bool {
    let names = |item: &String| {
        *item == a.id || a.name.as_deref() == Some(item.as_str()) || a.ou_ids.contains(item)
    };
    (org.include.is_empty() || org.include.iter().any(names)) && !org.exclude.iter().any(names)
}

/// Account id → (OU ids from the root, OU names below the root), from one walk down.
async fn places(client: &Client) -> Result<HashMap<String, (Vec<String>, Vec<String>)>> {
    let fail = |op: &str, e: String| Error::Organization(format!("organizations:{op}: {e}"));
    let roots = client
        .list_roots()
        .send()
        .await
        .map_err(|e| fail("ListRoots", err_text(&e)))?;
    let mut out = HashMap::new();
    // (parent id, OU ids from the root to it, OU names below the root to it)
    let mut todo: Vec<(String, Vec<String>, Vec<String>)> = roots
        .roots()
        .iter()
        .filter_map(|r| r.id())
        .map(|id| (id.to_string(), vec![id.to_string()], Vec::new()))
        .collect();
    while let Some((parent, ids, names)) = todo.pop() {
        let accounts = client
            .list_accounts_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| fail("ListAccountsForParent", err_text(&e)))?;
        for a in accounts.iter().flat_map(|p| p.accounts()) {
            if let Some(id) = a.id() {
                out.insert(id.to_string(), (ids.clone(), names.clone()));
            }
        }
        let ous = client
            .list_organizational_units_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| fail("ListOrganizationalUnitsForParent", err_text(&e)))?;
        for ou in ous.iter().flat_map(|p| p.organizational_units()) {
            let Some(id) = ou.id() else { continue };
            let mut ids = ids.clone();
            ids.push(id.to_string());
            let mut names = names.clone();
            names.push(ou.name().unwrap_or(id).to_string());
            todo.push((id.to_string(), ids, names));
        }
    }
    Ok(out)
}

/// Each account's tags, `concurrency` requests at a time.
async fn tags(
    client: &Client,
    accounts: &[&Account],
    concurrency: usize,
) -> Result<HashMap<String, BTreeMap<String, String>>> {
    let asks: Vec<_> = accounts
        .iter()
        .filter_map(|a| a.id())
        .map(|id| async move {
            let pages = client
                .list_tags_for_resource()
                .resource_id(id)
                .into_paginator()
                .send()
                .try_collect()
                .await
                .map_err(|e| {
                    Error::Organization(format!(
                        "organizations:ListTagsForResource {id}: {}",
                        err_text(&e)
                    ))
                })?;
            let tags: BTreeMap<String, String> = pages
                .iter()
                .flat_map(|p| p.tags())
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect();
            Ok::<_, Error>((id.to_string(), tags))
        })
        .collect();
    futures::stream::iter(asks)
        .buffer_unordered(concurrency.max(1))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str, name: &str, ous: &[&str]) -> AccountMeta {
        AccountMeta {
            id: id.into(),
            name: Some(name.into()),
            ou_ids: ous.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn include_and_exclude_by_id_name_and_ou() {
        let org = |include: &[&str], exclude: &[&str]| OrgOptions {
            role_name: "VigilReader".into(),
            external_id: None,
            include: include.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        };
        let prod = meta("111111111111", "prod", &["r-1", "ou-1-prod"]);
        let dev = meta("222222222222", "dev", &["r-1", "ou-1-dev"]);
        assert!(wanted(&org(&[], &[]), &prod), "no include: every account");
        assert!(wanted(&org(&["ou-1-prod"], &[]), &prod));
        assert!(!wanted(&org(&["ou-1-prod"], &[]), &dev));
        assert!(wanted(&org(&["dev"], &[]), &dev), "by name");
        assert!(
            !wanted(&org(&["r-1"], &["222222222222"]), &dev),
            "exclude wins"
        );
        assert!(uses_ous(&org(&[], &["ou-x"])) && !uses_ous(&org(&["prod"], &[])));
    }
}
