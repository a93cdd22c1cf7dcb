//! Approvals: the approver's TOTP time step consumed once (atomically), the lockout after
//! failed codes, separation of duties, the hash approved, and the plan approved once enough
//! valid approvals are in. Refusals are audited and change nothing else.

use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};

use super::audit::append_audit;
use super::plans::{move_in, row_to_plan, stamp, PLAN_COLUMNS};
use super::{query_opt, query_rows, sql, Error, Result, Store};
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
    pub fn approve_plan(&mut self, a: &ApprovalRequest, now: DateTime<Utc>) -> Result<Approved> {
        let at = stamp(now);
        let tx = self.begin("starting approval transaction")?;
        let outcome = approve_in(&tx, a, now, &at);
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

fn approve_in(
    tx: &Transaction,
    a: &ApprovalRequest,
    now: DateTime<Utc>,
    at: &str,
) -> Result<Approved> {
    let refuse = |m: String| Err(Error::Refused(m));
    let id = a.plan;
    tx.execute(
        "INSERT OR IGNORE INTO mfa_state (principal) VALUES (?1)",
        [a.principal],
    )
    .map_err(sql("reading MFA state"))?;
    let (failures, locked_until): (u32, Option<String>) = tx
        .query_row(
            "SELECT failures, locked_until FROM mfa_state WHERE principal = ?1",
            [a.principal],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(sql("reading MFA state"))?;
    if let Some(until) = locked_until
        .as_deref()
        .filter(|u| DateTime::parse_from_rfc3339(u).is_ok_and(|u| u > now))
    {
        return refuse(format!(
            "{} is locked out until {until} after {failures} failed codes",
            a.principal
        ));
    }
    let fail = |why: &str| -> Result<Approved> {
        let failures = failures + 1;
        let lock = (failures >= a.max_failures)
            .then(|| stamp(now + chrono::Duration::minutes(a.lockout_minutes as i64)));
        tx.execute(
            "UPDATE mfa_state SET failures = ?2, locked_until = ?3 WHERE principal = ?1",
            params![a.principal, failures, lock],
        )
        .map_err(sql("recording a failed code"))?;
        let then = lock
            .map(|l| format!("; locked out until {l}"))
            .unwrap_or_default();
        refuse(format!("{why} ({failures} failed in a row{then})"))
    };
    let Some(step) = a.totp_step else {
        return fail(&format!("the TOTP code is not current for {}", a.principal));
    };
    let consumed = tx
        .execute(
            "UPDATE mfa_state SET last_step = ?2, failures = 0, locked_until = NULL
             WHERE principal = ?1 AND last_step < ?2",
            params![a.principal, step as i64],
        )
        .map_err(sql("consuming a TOTP step"))?;
    if consumed == 0 {
        return fail("this TOTP code (or a later one) was already used; wait for the next code");
    }
    let plan = query_opt(
        tx,
        "reading plan",
        &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"),
        [id],
        row_to_plan,
    )?
    .ok_or_else(|| Error::NotFound(format!("plan {id}")))?;
    if plan.state != PlanState::Proposed {
        return refuse(format!(
            "plan {id} is {}; only a proposed plan takes approvals",
            plan.state
        ));
    }
    if a.hash != plan.hash {
        return refuse(format!(
            "hash {} is not plan {id}'s ({}): approve the plan as `vigil plan show {id}` shows it now",
            a.hash, plan.hash
        ));
    }
    if a.principal == plan.requester {
        return refuse(format!(
            "{} requested plan {id} and cannot approve it (separation of duties)",
            a.principal
        ));
    }
    let cutoff = stamp(now - chrono::Duration::hours(a.ttl_hours as i64));
    let prior: Option<String> = query_opt(
        tx,
        "reading approvals",
        "SELECT at FROM approvals WHERE plan_id = ?1 AND principal = ?2 AND plan_hash = ?3",
        params![id, a.principal, plan.hash],
        |r| r.get(0),
    )?;
    if prior.as_deref().is_some_and(|p| p > cutoff.as_str()) {
        return refuse(format!("{} has already approved plan {id}", a.principal));
    }
    tx.execute(
        "INSERT OR REPLACE INTO approvals (plan_id, principal, plan_hash, at, totp_step)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, a.principal, plan.hash, at, step as i64],
    )
    .map_err(sql("writing approval"))?;
    let valid: Vec<String> = query_rows(
        tx,
        "reading approvals",
        "SELECT at FROM approvals WHERE plan_id = ?1 AND plan_hash = ?2 AND at > ?3 ORDER BY at",
        params![id, plan.hash, cutoff],
        |r| r.get(0),
    )?;
    let n = valid.len() as u32;
    append_audit(
        tx,
        at,
        a.principal,
        "plan.approve",
        &format!("plan {id}"),
        &serde_json::json!({"hash": plan.hash, "totp_step": step, "approvals": n,
            "required": plan.approvals_required}),
    )?;
    let mut state = PlanState::Proposed;
    if n >= plan.approvals_required {
        // The approval runs out `ttl` after the oldest one it rests on.
        let oldest = DateTime::parse_from_rfc3339(&valid[0])
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        let expires = stamp(oldest + chrono::Duration::hours(a.ttl_hours as i64));
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
        approvals: n,
        required: plan.approvals_required,
        state,
    })
}
