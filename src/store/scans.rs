//! Recording a scan (one transaction: the scan row, coverage, errors, per-rule counts,
//! identities, then resources, idle-since, the findings' lifecycle, the applied plans it
//! verifies, and its audit entry)
//! and reading scans back.

use std::collections::BTreeMap;

use rusqlite::{params, Transaction};
use serde::Serialize;

use super::audit::append_audit;
use super::idle::record_idle;
use super::reconcile::reconcile;
use super::resources::{record_resources, DriftSummary};
use super::{query_opt, query_rows, sql, Error, Result, Store};
use crate::model::{CoverageStatus, ScanStatus, Snapshot};
use crate::policy::EvalReport;

/// What a scan run brings to the store.
pub struct ScanInput<'a> {
    pub started_at: &'a str,
    pub finished_at: &'a str,
    pub target: &'a str,
    pub snapshot: &'a Snapshot,
    pub report: &'a EvalReport,
    pub rules_loaded: usize,
    /// Problems loading rules: (file, message).
    pub rule_problems: Vec<(String, String)>,
    /// Idle resources of this snapshot and since when (see [`crate::idle::track`]).
    pub idle: &'a BTreeMap<String, crate::model::idle::Idle>,
    /// The run that produced this scan: the id its log lines carry (the daemon's scans).
    pub run_id: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScanRecord {
    pub id: i64,
    pub started_at: String,
    pub finished_at: String,
    pub target: String,
    pub status: ScanStatus,
    pub resources: i64,
    /// The run id its log lines carry, for scans run by the daemon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    pub coverage: Vec<crate::model::Coverage>,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Lifecycle {
    pub opened: usize,
    pub reopened: usize,
    pub resolved: usize,
    pub still_open: usize,
    pub stale: usize,
    /// Resources added, removed and modified since the previous scan.
    pub drift: DriftSummary,
    /// Applied plans this scan verified (their findings resolved), and those it found
    /// still failing.
    #[serde(skip)]
    pub plans_verified: usize,
    #[serde(skip)]
    pub plans_verify_failed: usize,
}

impl Store {
    /// Records a whole scan in one transaction: the scan, its coverage, resource versions,
    /// per-rule counts, errors and the findings' lifecycle.
    pub fn record_scan(&mut self, input: &ScanInput) -> Result<(i64, Lifecycle)> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting scan transaction"))?;
        let snapshot = input.snapshot;
        check_identities(&tx, snapshot)?;
        let scan_id = insert_scan(&tx, input)?;
        record_coverage(&tx, scan_id, input)?;
        record_identities(&tx, scan_id, snapshot)?;
        let drift = record_resources(&tx, scan_id, snapshot)?;
        record_idle(&tx, scan_id, snapshot, input.idle)?;
        let c = reconcile(&tx, scan_id, snapshot, input.report, input.finished_at)?;
        // The audit log keeps the wall clock, whatever clock the scan itself ran on (`--now`).
        let wall = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (verified, failed) = super::plans::verify_applied(&tx, scan_id, &wall)?;
        let lifecycle = Lifecycle {
            opened: c.opened,
            reopened: c.reopened,
            resolved: c.resolved,
            still_open: c.still_open,
            stale: c.stale,
            drift,
            plans_verified: verified,
            plans_verify_failed: failed,
        };
        let audit = append_audit(
            &tx,
            &wall,
            "vigil",
            "scan.record",
            input.target,
            &serde_json::json!({
                "scan_id": scan_id,
                "scan_time": input.finished_at,
                "status": snapshot.status().as_str(),
                "resources": snapshot.resources.len(),
                "opened": lifecycle.opened, "reopened": lifecycle.reopened,
                "resolved": lifecycle.resolved, "stale": lifecycle.stale,
                "drift": drift,
                "failed_scopes": snapshot.coverage.iter()
                    .filter(|c| c.status == CoverageStatus::Failed).count(),
            }),
        )?;
        tx.execute(
            "UPDATE scans SET audit_hash = ?2 WHERE id = ?1",
            params![scan_id, audit],
        )
        .map_err(sql("recording the scan's audit entry"))?;
        tx.commit().map_err(sql("committing scan"))?;
        Ok((scan_id, lifecycle))
    }

    pub fn scan(&self, id: i64) -> Result<Option<ScanRecord>> {
        let row = query_opt(&self.conn, "reading scan", "SELECT id, started_at, finished_at, target, status, resources, run_id FROM scans WHERE id = ?1",
                [id],
                |r| {
                    Ok(ScanRecord {
                        id: r.get(0)?,
                        started_at: r.get(1)?,
                        finished_at: r.get(2)?,
                        target: r.get(3)?,
                        status: ScanStatus::parse(&r.get::<_, String>(4)?).unwrap_or(ScanStatus::Failed),
                        resources: r.get(5)?,
                        run_id: r.get(6)?,
                        coverage: Vec::new(),
                    })
                })?;
        let Some(mut scan) = row else { return Ok(None) };
        scan.coverage = query_rows(
            &self.conn,
            "reading coverage",
            "SELECT scope, status, error FROM scan_coverage WHERE scan_id = ?1 ORDER BY scope",
            [id],
            |r| {
                let status: String = r.get(1)?;
                Ok(crate::model::Coverage {
                    scope: r.get(0)?,
                    status: match status.as_str() {
                        "complete" => CoverageStatus::Complete,
                        "failed" => CoverageStatus::Failed,
                        _ => CoverageStatus::Skipped,
                    },
                    error: r.get(2)?,
                })
            },
        )?;
        Ok(Some(scan))
    }

    /// PASS / FAIL / error counts per rule for one scan.
    pub fn rule_results(&self, scan_id: i64) -> Result<BTreeMap<String, (i64, i64, i64)>> {
        let rows: Vec<_> = query_rows(
            &self.conn,
            "reading rule results",
            "SELECT rule_id, pass, fail, error FROM rule_results WHERE scan_id = ?1",
            [scan_id],
            |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))),
        )?;
        Ok(rows.into_iter().collect())
    }
}

/// A known account or cluster name that now belongs to another identity refuses the scan.
fn check_identities(tx: &Transaction, snapshot: &Snapshot) -> Result<()> {
    for (account, identity) in &snapshot.identities {
        let stored: Option<String> = query_opt(
            tx,
            "reading identities",
            "SELECT identity FROM identities WHERE account = ?1",
            [account],
            |r| r.get(0),
        )?;
        if let Some(stored) = stored.filter(|s| s != identity) {
            return Err(Error::IdentityMismatch {
                account: account.clone(),
                stored,
                found: identity.clone(),
            });
        }
    }
    Ok(())
}

/// The scan's own row; its id.
fn insert_scan(tx: &Transaction, input: &ScanInput) -> Result<i64> {
    let snapshot = input.snapshot;
    tx.execute(
        "INSERT INTO scans (started_at, finished_at, target, status, resources, rules, evaluations, run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            input.started_at,
            input.finished_at,
            input.target,
            snapshot.status().as_str(),
            snapshot.resources.len() as i64,
            input.rules_loaded as i64,
            input.report.evaluations as i64,
            input.run_id,
        ],
    )
    .map_err(sql("inserting scan"))?;
    Ok(tx.last_insert_rowid())
}

/// Coverage per scope, collector and rule errors, and PASS/FAIL/error counts per rule.
fn record_coverage(tx: &Transaction, scan_id: i64, input: &ScanInput) -> Result<()> {
    let snapshot = input.snapshot;
    {
        let mut stmt = tx
            .prepare("INSERT OR REPLACE INTO scan_coverage (scan_id, scope, status, error) VALUES (?1, ?2, ?3, ?4)")
            .map_err(sql("preparing coverage insert"))?;
        for c in &snapshot.coverage {
            stmt.execute(params![scan_id, c.scope, c.status.as_str(), c.error])
                .map_err(sql("inserting coverage"))?;
        }
        let mut err = tx
            .prepare("INSERT INTO scan_errors (scan_id, kind, subject, resource_id, message) VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(sql("preparing error insert"))?;
        for c in snapshot
            .coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Failed)
        {
            err.execute(params![
                scan_id,
                "collector",
                c.scope,
                None::<String>,
                c.error.clone().unwrap_or_default()
            ])
            .map_err(sql("inserting collector error"))?;
        }
        for e in &input.report.errors {
            err.execute(params![
                scan_id,
                "rule",
                e.rule_id,
                e.resource_id,
                format!("{}: {}", e.file, e.message)
            ])
            .map_err(sql("inserting rule error"))?;
        }
        for (file, msg) in &input.rule_problems {
            err.execute(params![scan_id, "rule-file", file, None::<String>, msg])
                .map_err(sql("inserting rule file error"))?;
        }
        let mut rr = tx
            .prepare("INSERT INTO rule_results (scan_id, rule_id, pass, fail, error) VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(sql("preparing rule results insert"))?;
        for (rule, c) in &input.report.counts {
            rr.execute(params![
                scan_id,
                rule,
                c.pass as i64,
                c.fail as i64,
                c.error as i64
            ])
            .map_err(sql("inserting rule results"))?;
        }
    }
    Ok(())
}

/// Each account's or cluster's identity, first and last seen.
fn record_identities(tx: &Transaction, scan_id: i64, snapshot: &Snapshot) -> Result<()> {
    for (account, identity) in &snapshot.identities {
        tx.execute(
            "INSERT INTO identities (account, identity, first_scan, last_scan) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT(account) DO UPDATE SET last_scan = ?3",
            params![account, identity, scan_id],
        )
        .map_err(sql("recording identity"))?;
    }
    for (id, meta) in &snapshot.accounts {
        let doc = serde_json::to_string(meta).expect("account metadata serializes");
        tx.execute(
            "INSERT INTO aws_accounts (id, name, meta, last_scan) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET name = ?2, meta = ?3, last_scan = ?4",
            params![id, meta.name, doc, scan_id],
        )
        .map_err(sql("recording account metadata"))?;
    }
    Ok(())
}
