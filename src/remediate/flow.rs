//! The steps the CLI and the daemon's API share: propose from a selection, approve with a
//! TOTP code. Each reads the config it needs and writes through the store.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};

use super::approvers::{self, Approvers};
use super::propose::{self, Options};
use super::select::{self, Selection};
use crate::config::Config;
use crate::policy::RuleSet;
use crate::store::{ApprovalRequest, Approved, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error(transparent)]
    Select(#[from] select::Error),
    #[error(transparent)]
    Propose(#[from] propose::Error),
    #[error(transparent)]
    Approvers(#[from] approvers::Error),
}

/// A plan recorded, and the findings left out because open plans hold them.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub id: i64,
    pub skipped: Vec<i64>,
}

/// Proposes a plan for the open findings `sel` names, as `requester`.
pub fn propose_plan(
    store: &mut Store,
    cfg: &Config,
    rules: &RuleSet,
    sel: &Selection,
    requester: &str,
    tag_values: BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Proposed, Error> {
    let (cands, skipped) = select::candidates(store, rules, sel, now)?;
    let params = cfg.params();
    let list = |k: &str| -> Vec<String> {
        params
            .get(k)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let opts = Options {
        plans: &cfg.plans,
        tag_values,
        required_tags: list("required_tags"),
        required_namespace_labels: list("required_namespace_labels"),
        log_retention_days: params
            .get("log_retention_days")
            .and_then(|v| v.as_i64())
            .unwrap_or(365),
    };
    let new = propose::propose(&cands, requester, &opts)?;
    let id = store.propose_plan(&new, &now.to_rfc3339_opts(SecondsFormat::Secs, true))?;
    // The actions and hash are fixed; the summary is written from them, apart.
    if let Some(plan) = store.plan(id)? {
        store.set_summary(id, &super::summary::template(&plan))?;
    }
    Ok(Proposed { id, skipped })
}

/// Approves plan `id`'s `hash` as `principal` with their TOTP `code`: they must be an
/// enrolled approver; a principal the approvers file does not know is refused (audited).
pub fn approve_plan(
    store: &mut Store,
    cfg: &Config,
    id: i64,
    principal: &str,
    hash: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Approved, Error> {
    let checked = Approvers::load(cfg.approvers.totp_file.as_deref(), cfg.approvers.totp_skew)
        .and_then(|a| a.check(principal, code, now.timestamp().max(0) as u64));
    let step = match checked {
        Ok(step) => step,
        Err(e) => {
            store.refuse_approval(id, principal, hash, &e.to_string(), now)?;
            return Err(e.into());
        }
    };
    Ok(store.approve_plan(
        &ApprovalRequest {
            plan: id,
            principal,
            hash,
            totp_step: step,
            ttl_hours: cfg.plans.approval_ttl_hours,
            max_failures: cfg.approvers.max_failures,
            lockout_minutes: cfg.approvers.lockout_minutes,
        },
        now,
        super::approval::decide,
    )?)
}
