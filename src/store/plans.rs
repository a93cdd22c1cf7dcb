//! Remediation plans: proposing (a finding is in one open plan at most), reading, moving a
//! plan along its lifecycle, one apply per resource, and the calls an apply made. Approvals
//! are in `approvals`, verification by scans in `reconcile`. Every write is one
//! transaction with its audit entry.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Transaction};

use super::audit::append_audit;
use super::{query_opt, query_rows, sql, Error, Result, Store};
use crate::model::plan::{plan_hash, Approval, Execution, NewPlan, Plan, PlanFinding, PlanState};

pub(super) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) const PLAN_COLUMNS: &str =
    "id, state, plan_hash, requester, created_at, updated_at, production,
    approvals_required, expires_at, reason, scopes, actions, summary";

fn json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("stored plan {what}: {e}").into(),
        )
    })
}

pub(super) fn row_to_plan(r: &rusqlite::Row<'_>) -> rusqlite::Result<Plan> {
    let state: String = r.get(1)?;
    Ok(Plan {
        id: r.get(0)?,
        state: PlanState::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                format!("unknown plan state {state}").into(),
            )
        })?,
        hash: r.get(2)?,
        requester: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
        production: r.get(6)?,
        approvals_required: r.get(7)?,
        expires_at: r.get(8)?,
        reason: r.get(9)?,
        scopes: json(&r.get::<_, String>(10)?, "scopes")?,
        actions: json(&r.get::<_, String>(11)?, "actions")?,
        summary: r
            .get::<_, Option<String>>(12)?
            .and_then(|s| serde_json::from_str(&s).ok()),
        findings: Vec::new(),
        approvals: Vec::new(),
        executions: Vec::new(),
        summary_requests: Vec::new(),
    })
}

/// Moves a plan inside a transaction when the lifecycle allows it, with its audit entry;
/// answers the state it left.
pub(super) fn move_in(
    tx: &Transaction,
    id: i64,
    to: PlanState,
    actor: &str,
    now: &str,
    reason: Option<&str>,
    details: serde_json::Value,
) -> Result<PlanState> {
    let (from, hash): (String, String) = query_opt(
        tx,
        "reading plan",
        "SELECT state, plan_hash FROM plans WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?
    .ok_or_else(|| Error::NotFound(format!("plan {id}")))?;
    let from = PlanState::parse(&from).unwrap_or(PlanState::Failed);
    if !from.can_move_to(to) {
        return Err(Error::Refused(format!(
            "plan {id} is {from}; it cannot become {to} (from {from} it may become: {})",
            list(from.next())
        )));
    }
    tx.execute(
        "UPDATE plans SET state = ?2, updated_at = ?3, reason = coalesce(?4, reason) WHERE id = ?1",
        params![id, to.as_str(), now, reason],
    )
    .map_err(sql("moving plan"))?;
    if to == PlanState::Applied {
        // Verification waits for scans after this one.
        tx.execute(
            "UPDATE plans SET applied_scan = (SELECT coalesce(max(id), 0) FROM scans) WHERE id = ?1",
            [id],
        )
        .map_err(sql("moving plan"))?;
    }
    let mut d = serde_json::json!({"from": from, "to": to, "hash": hash});
    if let Some(r) = reason {
        d["reason"] = r.into();
    }
    if let (Some(m), serde_json::Value::Object(extra)) = (d.as_object_mut(), details) {
        m.extend(extra);
    }
    append_audit(
        tx,
        now,
        actor,
        &format!("plan.{to}"),
        &format!("plan {id}"),
        &d,
    )?;
    Ok(from)
}

fn list(states: &[PlanState]) -> String {
    if states.is_empty() {
        return "nothing, it is final".into();
    }
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    pub(super) fn begin(&mut self, op: &'static str) -> Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql(op))
    }

    /// Records a proposed plan (audited) and answers its id. Refused when one of its
    /// findings is already in an open plan.
    pub fn propose_plan(&mut self, p: &NewPlan, now: &str) -> Result<i64> {
        let tx = self.begin("starting plan transaction")?;
        let held: Vec<(i64, i64)> = query_rows(
            &tx,
            "reading planned findings",
            "SELECT pf.finding_id, p.id FROM plan_findings pf JOIN plans p ON p.id = pf.plan_id
             WHERE p.state IN ('proposed', 'approved', 'applying', 'applied')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if let Some((f, plan)) = held
            .iter()
            .find(|(f, _)| p.findings.iter().any(|x| x.id == *f))
        {
            return Err(Error::Refused(format!(
                "finding {f} is already in plan {plan}, which is open"
            )));
        }
        let hash = plan_hash(&p.actions);
        tx.execute(
            "INSERT INTO plans (state, plan_hash, requester, created_at, updated_at, production,
                 approvals_required, scopes, actions)
             VALUES ('proposed', ?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7)",
            params![
                hash,
                p.requester,
                now,
                p.production,
                p.approvals_required,
                serde_json::to_string(&p.scopes).expect("scopes serialize"),
                serde_json::to_string(&p.actions).expect("actions serialize"),
            ],
        )
        .map_err(sql("writing plan"))?;
        let id = tx.last_insert_rowid();
        for f in &p.findings {
            tx.execute(
                "INSERT INTO plan_findings (plan_id, finding_id, rule_id, resource_id, severity, controls, message)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, f.id, f.rule_id, f.resource_id, f.severity,
                    serde_json::to_string(&f.controls).expect("controls serialize"), f.message],
            )
            .map_err(sql("writing plan findings"))?;
        }
        append_audit(
            &tx,
            now,
            &p.requester,
            "plan.propose",
            &format!("plan {id}"),
            &serde_json::json!({"to": PlanState::Proposed, "hash": hash,
                "findings": p.findings.iter().map(|f| f.id).collect::<Vec<_>>(),
                "actions": p.actions.len(), "production": p.production,
                "approvals_required": p.approvals_required}),
        )?;
        tx.commit().map_err(sql("committing plan"))?;
        Ok(id)
    }

    /// Finding ids held by open plans (proposed, approved, applying, applied).
    pub fn planned_findings(&self) -> Result<HashSet<i64>> {
        query_rows(
            &self.conn,
            "reading planned findings",
            "SELECT pf.finding_id FROM plan_findings pf JOIN plans p ON p.id = pf.plan_id
             WHERE p.state IN ('proposed', 'approved', 'applying', 'applied')",
            [],
            |r| r.get(0),
        )
    }

    /// Plans, newest first, in any of `states` (all when empty).
    pub fn plans(&self, states: &[PlanState]) -> Result<Vec<Plan>> {
        let all: Vec<(i64, String)> = query_rows(
            &self.conn,
            "reading plans",
            "SELECT id, state FROM plans ORDER BY id DESC",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let ids: Vec<i64> = all
            .into_iter()
            .filter(|(_, s): &(i64, String)| {
                states.is_empty() || states.iter().any(|w| w.as_str() == s)
            })
            .map(|(id, _)| id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.plan(id).transpose())
            .collect()
    }

    /// One plan with its findings, approvals and recorded calls.
    pub fn plan(&self, id: i64) -> Result<Option<Plan>> {
        let Some(mut p) = query_opt(
            &self.conn,
            "reading plan",
            &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"),
            [id],
            row_to_plan,
        )?
        else {
            return Ok(None);
        };
        p.findings = query_rows(
            &self.conn,
            "reading plan findings",
            "SELECT finding_id, rule_id, resource_id, severity, controls, message
             FROM plan_findings WHERE plan_id = ?1 ORDER BY finding_id",
            [id],
            |r| {
                Ok(PlanFinding {
                    id: r.get(0)?,
                    rule_id: r.get(1)?,
                    resource_id: r.get(2)?,
                    severity: r.get(3)?,
                    controls: json(&r.get::<_, String>(4)?, "controls")?,
                    message: r.get(5)?,
                })
            },
        )?;
        p.approvals = query_rows(
            &self.conn,
            "reading approvals",
            "SELECT principal, at, plan_hash FROM approvals WHERE plan_id = ?1 ORDER BY at, principal",
            [id],
            |r| {
                Ok(Approval {
                    principal: r.get(0)?,
                    at: r.get(1)?,
                    hash: r.get(2)?,
                })
            },
        )?;
        p.executions = query_rows(
            &self.conn,
            "reading executions",
            "SELECT action, call, at, outcome, answer FROM executions WHERE plan_id = ?1 ORDER BY id",
            [id],
            |r| {
                Ok(Execution {
                    action: r.get::<_, i64>(0)? as usize,
                    call: r.get(1)?,
                    at: r.get(2)?,
                    outcome: r.get(3)?,
                    answer: json(&r.get::<_, String>(4)?, "answer")?,
                })
            },
        )?;
        p.summary_requests = self.summary_requests(id)?;
        Ok(Some(p))
    }

    /// Moves a plan to `to` when its lifecycle allows (audited); answers the plan as it is
    /// now. `reason` says why (a rejection, what made it stale, the failed call).
    pub fn move_plan(
        &mut self,
        id: i64,
        to: PlanState,
        actor: &str,
        now: &str,
        reason: Option<&str>,
        details: serde_json::Value,
    ) -> Result<Plan> {
        let tx = self.begin("starting plan transaction")?;
        move_in(&tx, id, to, actor, now, reason, details)?;
        tx.commit().map_err(sql("committing plan"))?;
        Ok(self.plan(id)?.expect("just moved"))
    }

    /// Starts applying an approved plan: refused when its approval has run out (the plan
    /// expires) or when another plan applying now has one of its targets.
    pub fn start_apply(&mut self, id: i64, actor: &str, now: DateTime<Utc>) -> Result<Plan> {
        let plan = self
            .plan(id)?
            .ok_or_else(|| Error::NotFound(format!("plan {id}")))?;
        let at = stamp(now);
        if plan.state == PlanState::Approved
            && plan
                .expires_at
                .as_deref()
                .and_then(|e| DateTime::parse_from_rfc3339(e).ok())
                .is_some_and(|e| e <= now)
        {
            let reason = format!(
                "its approval ran out at {}",
                plan.expires_at.as_deref().unwrap_or("?")
            );
            self.move_plan(
                id,
                PlanState::Expired,
                actor,
                &at,
                Some(&reason),
                serde_json::json!({}),
            )?;
            return Err(Error::Refused(format!(
                "plan {id} expired: {reason}; propose it again"
            )));
        }
        let tx = self.begin("starting plan transaction")?;
        let applying: Vec<Plan> = query_rows(
            &tx,
            "reading plans",
            &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE state = 'applying' AND id != ?1"),
            [id],
            row_to_plan,
        )?;
        let mine: HashSet<&str> = plan.actions.iter().map(|a| a.target.as_str()).collect();
        if let Some((other, target)) = applying.iter().find_map(|o| {
            o.actions
                .iter()
                .find(|a| mine.contains(a.target.as_str()))
                .map(|a| (o.id, a.target.clone()))
        }) {
            return Err(Error::Refused(format!(
                "plan {other} is applying to {target} now; one plan applies to a resource at a time"
            )));
        }
        let approvals: Vec<String> = plan.approvals.iter().map(|a| a.principal.clone()).collect();
        move_in(
            &tx,
            id,
            PlanState::Applying,
            actor,
            &at,
            None,
            serde_json::json!({"approvals": approvals}),
        )?;
        tx.commit().map_err(sql("committing plan"))?;
        Ok(self.plan(id)?.expect("just moved"))
    }

    /// Records one call an apply made and its answer.
    pub fn record_call(&mut self, id: i64, e: &Execution) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO executions (plan_id, action, call, at, outcome, answer)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    id,
                    e.action as i64,
                    e.call,
                    e.at,
                    e.outcome,
                    serde_json::to_string(&e.answer).expect("answers serialize")
                ],
            )
            .map_err(sql("recording a call"))?;
        Ok(())
    }

    /// Audits one action's result (`ok` or `failed`, with the error).
    pub fn record_action(
        &mut self,
        id: i64,
        action: usize,
        outcome: &str,
        error: Option<&str>,
        actor: &str,
        now: &str,
    ) -> Result<()> {
        let tx = self.begin("starting plan transaction")?;
        let mut d = serde_json::json!({"action": action, "outcome": outcome});
        if let Some(e) = error {
            d["error"] = e.into();
        }
        append_audit(&tx, now, actor, "plan.action", &format!("plan {id}"), &d)?;
        tx.commit().map_err(sql("committing plan"))
    }

    /// Plans approved whose approval has run out, moved to expired (audited).
    pub fn expire_plans(&mut self, actor: &str, now: DateTime<Utc>) -> Result<Vec<i64>> {
        let due: Vec<(i64, String)> = query_rows(
            &self.conn,
            "reading plans",
            "SELECT id, expires_at FROM plans WHERE state = 'approved' AND expires_at IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut out = Vec::new();
        for (id, e) in due {
            if DateTime::parse_from_rfc3339(&e).is_ok_and(|e| e <= now) {
                let reason = format!("its approval ran out at {e}");
                self.move_plan(
                    id,
                    PlanState::Expired,
                    actor,
                    &stamp(now),
                    Some(&reason),
                    serde_json::json!({}),
                )?;
                out.push(id);
            }
        }
        Ok(out)
    }
}

/// After a scan is recorded: each applied plan is verified, verify_failed or left to wait,
/// as [`verdict`] decides from the coverage of the scans since its apply and its findings
/// now. Answers how many were verified and how many failed.
pub(super) fn verify_applied(tx: &Transaction, scan_id: i64, now: &str) -> Result<(usize, usize)> {
    use crate::model::plan::verify::{verdict, Answered, Verdict};
    let applied: Vec<(i64, i64, String)> = query_rows(
        tx,
        "reading applied plans",
        "SELECT id, coalesce(applied_scan, 0), scopes FROM plans WHERE state = 'applied'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (mut verified, mut failed) = (0, 0);
    for (id, after, scopes) in applied {
        let scopes: Vec<String> = serde_json::from_str(&scopes).unwrap_or_default();
        let complete: HashSet<String> = query_rows(
            tx,
            "reading coverage",
            "SELECT DISTINCT scope FROM scan_coverage WHERE status = 'complete' AND scan_id > ?1 AND scan_id <= ?2",
            params![after, scan_id],
            |r| r.get(0),
        )?;
        let findings: Vec<Answered> = query_rows(
            tx,
            "reading plan findings",
            "SELECT pf.finding_id, pf.rule_id || ' ' || pf.resource_id, f.status, coalesce(f.stale, 0)
             FROM plan_findings pf LEFT JOIN findings f ON f.id = pf.finding_id WHERE pf.plan_id = ?1",
            [id],
            |r| {
                Ok(Answered {
                    finding_id: r.get(0)?,
                    what: r.get(1)?,
                    status: r.get(2)?,
                    stale: r.get(3)?,
                })
            },
        )?;
        let details = serde_json::json!({"scan_id": scan_id});
        match verdict(&scopes, |s| super::covers(&complete, s), &findings, scan_id) {
            Verdict::Wait => {}
            Verdict::Verified => {
                move_in(tx, id, PlanState::Verified, "vigil", now, None, details)?;
                verified += 1;
            }
            Verdict::Failed(reason) => {
                move_in(
                    tx,
                    id,
                    PlanState::VerifyFailed,
                    "vigil",
                    now,
                    Some(&reason),
                    details,
                )?;
                failed += 1;
            }
        }
    }
    Ok((verified, failed))
}
