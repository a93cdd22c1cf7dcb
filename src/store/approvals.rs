//! Approvals saved: the approver's MFA state, the plan and its approvals are read, the
//! decision is `remediate::approval::decide`'s (lockout, TOTP step once, state, hash,
//! separation of duties, quorum, expiry), and what it says is written, all in one
//! transaction. Refusals are audited and change nothing but the approver's MFA state.

use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};

use super::audit::append_audit;
use super::plans::{move_in, row_to_plan, stamp, PLAN_COLUMNS};
use super::{query_opt, query_rows, sql, Error, Result, Store};
use crate::model::plan::approval::{Case, Decision, Mfa, PlanView, Policy, Request};
use crate::model::plan::PlanState;

/// An approval as asked for: by whom, of which hash, and what their TOTP code matched
/// (`None`: the code matched no current time step).
#[derive(Debug, Clone)]
pub struct ApprovalRequest<'a> {
    pub plan: i64,
    pub principal: &'a str,
    pub hash: &'a str,
    pub totp_step: Option<u64>,
    pub ttl_hours: u32,
    pub max_failures: u32,
    pub lockout_minutes: u32,
}

/// What an accepted approval did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approved {
    /// Valid approvals the plan has now, and how many it needs.
    pub approvals: u32,
    pub required: u32,
    pub state: PlanState,
}

impl Store {
    /// An approval: the approver's code must match a time step not used before (consumed
    /// here, once), they must not be locked out, the plan must be proposed, the hash must be
    /// the plan's and the approver not its requester. Refusals are audited and change
    /// nothing else (a failed code counts towards the lockout). Enough valid approvals make
    /// the plan approved, for `ttl_hours`.
    pub fn approve_plan(
        &mut self,
        a: &ApprovalRequest,
        now: DateTime<Utc>,
        decide: impl FnOnce(&Case) -> Decision,
    ) -> Result<Approved> {
        let at = stamp(now);
        let tx = self.begin("starting approval transaction")?;
        let outcome = approve_in(&tx, a, now, &at, decide);
        if let Err(Error::Refused(reason)) = &outcome {
            append_audit(
                &tx,
                &at,
                a.principal,
                "plan.approve_refused",
                &format!("plan {}", a.plan),
                &serde_json::json!({"hash": a.hash, "reason": reason}),
            )?;
        } else if outcome.is_err() {
            return outcome;
        }
        tx.commit().map_err(sql("committing approval"))?;
        outcome
    }

    /// Audits an approval refused before it reached the plan (the principal is no
    /// approver, the approvers file cannot be read).
    pub fn refuse_approval(
        &mut self,
        plan: i64,
        principal: &str,
        hash: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.begin("starting approval transaction")?;
        append_audit(
            &tx,
            &stamp(now),
            principal,
            "plan.approve_refused",
            &format!("plan {plan}"),
            &serde_json::json!({"hash": hash, "reason": reason}),
        )?;
        tx.commit().map_err(sql("committing approval"))
    }
}

/// Loads what the decision reads, has `decide` decide, writes what it says.
fn approve_in(
    tx: &Transaction,
    a: &ApprovalRequest,
    now: DateTime<Utc>,
    at: &str,
    decide: impl FnOnce(&Case) -> Decision,
) -> Result<Approved> {
    let id = a.plan;
    let mfa = load_mfa(tx, a.principal)?;
    let plan = query_opt(
        tx,
        "reading plan",
        &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"),
        [id],
        row_to_plan,
    )?
    .ok_or_else(|| Error::NotFound(format!("plan {id}")))?;
    let stored: Vec<(String, String)> = query_rows(
        tx,
        "reading approvals",
        "SELECT principal, at FROM approvals WHERE plan_id = ?1 AND plan_hash = ?2",
        params![id, plan.hash],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
    )?;
    let prior: Vec<(String, DateTime<Utc>)> = stored
        .into_iter()
        .filter_map(|(who, at)| Some((who, parse_time(&at)?)))
        .collect();
    let decision = decide(&Case {
        plan: PlanView {
            id,
            state: plan.state,
            hash: &plan.hash,
            requester: &plan.requester,
            approvals_required: plan.approvals_required,
        },
        mfa,
        prior: &prior,
        request: Request {
            principal: a.principal,
            hash: a.hash,
            totp_step: a.totp_step,
        },
        policy: Policy {
            ttl_hours: a.ttl_hours,
            max_failures: a.max_failures,
            lockout_minutes: a.lockout_minutes,
        },
        now,
    });
    match decision {
        Decision::Refused { reason, mfa } => {
            if let Some(m) = mfa {
                save_mfa(tx, a.principal, &m)?;
            }
            Err(Error::Refused(reason))
        }
        accepted @ Decision::Accepted { .. } => record_accepted(tx, a, &plan, accepted, at),
    }
}

/// Writes an accepted approval: the step spent, the approval, its audit entry, and the
/// plan approved until its expiry when enough are in.
fn record_accepted(
    tx: &Transaction,
    a: &ApprovalRequest,
    plan: &crate::model::plan::Plan,
    decision: Decision,
    at: &str,
) -> Result<Approved> {
    let Decision::Accepted {
        mfa,
        at: approved_at,
        step,
        approvals,
        required,
        approved_until,
    } = decision
    else {
        unreachable!("called with an accepted decision")
    };
    let id = a.plan;
    save_mfa(tx, a.principal, &mfa)?;
    tx.execute(
        "INSERT OR REPLACE INTO approvals (plan_id, principal, plan_hash, at, totp_step)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, a.principal, plan.hash, stamp(approved_at), step as i64],
    )
    .map_err(sql("writing approval"))?;
    append_audit(
        tx,
        at,
        a.principal,
        "plan.approve",
        &format!("plan {id}"),
        &serde_json::json!({"hash": plan.hash, "totp_step": step, "approvals": approvals,
            "required": required}),
    )?;
    let mut state = PlanState::Proposed;
    if let Some(until) = approved_until {
        let expires = stamp(until);
        tx.execute(
            "UPDATE plans SET expires_at = ?2 WHERE id = ?1",
            params![id, expires],
        )
        .map_err(sql("writing plan"))?;
        move_in(
            tx,
            id,
            PlanState::Approved,
            a.principal,
            at,
            None,
            serde_json::json!({"expires_at": expires}),
        )?;
        state = PlanState::Approved;
    }
    Ok(Approved {
        approvals,
        required,
        state,
    })
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn load_mfa(tx: &Transaction, principal: &str) -> Result<Mfa> {
    let row: Option<(i64, u32, Option<String>)> = query_opt(
        tx,
        "reading MFA state",
        "SELECT last_step, failures, locked_until FROM mfa_state WHERE principal = ?1",
        [principal],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(row
        .map(|(last_step, failures, locked)| Mfa {
            last_step,
            failures,
            locked_until: locked.as_deref().and_then(parse_time),
        })
        .unwrap_or_default())
}

fn save_mfa(tx: &Transaction, principal: &str, m: &Mfa) -> Result<()> {
    tx.execute(
        "INSERT INTO mfa_state (principal, last_step, failures, locked_until) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(principal) DO UPDATE SET last_step = ?2, failures = ?3, locked_until = ?4",
        params![principal, m.last_step, m.failures, m.locked_until.map(stamp)],
    )
    .map_err(sql("writing MFA state"))?;
    Ok(())
}
