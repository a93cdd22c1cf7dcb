//! Recording a scan. A snapshot at once ([`Store::record_scan`]: one transaction), or part by
//! part ([`ScanWriter`]: an organization's accounts as each is evaluated, each account's
//! writes in one transaction, so no account's documents wait for the others).
//!
//! A part writes its coverage, errors, per-rule counts, identities, resources (versions and
//! drift), idle-since and the findings' lifecycle, reading only the stored rows of the
//! accounts and clusters its coverage names. The scan's row is written with the first part,
//! marked `recording` until [`ScanWriter::finish`] gives it its status, verifies applied
//! plans and appends its audit entry. A process that stops in between leaves the parts it
//! recorded (each whole) and a row that the next writer closes
//! ([`Store::close_interrupted_scans`]).

use std::collections::BTreeMap;

use rusqlite::{params, Transaction};

use super::audit::append_audit;
use super::idle::{clear_removed_idle, record_idle};
use super::reconcile::reconcile;
use super::resources::record_resources;
use super::scans::{Lifecycle, ScanInput};
use super::{query_opt, query_rows, sql, Error, Result, Store};
use crate::model::{CoverageStatus, ScanStatus, Snapshot};
use crate::policy::EvalReport;

/// Who and what a scan is, before anything was collected.
#[derive(Debug, Clone)]
pub struct ScanHead {
    pub started_at: String,
    pub target: String,
    pub rules_loaded: usize,
    /// Problems loading rules: (file, message).
    pub rule_problems: Vec<(String, String)>,
    /// The run that produced this scan: the id its log lines carry (the daemon's scans).
    pub run_id: Option<String>,
}

/// One part of a scan: some accounts' or clusters' coverage and resources, their verdicts
/// and idle-since.
pub struct Part<'a> {
    pub snapshot: &'a Snapshot,
    pub report: &'a EvalReport,
    pub idle: &'a BTreeMap<String, crate::model::idle::Idle>,
}

/// A scan being recorded part by part; [`ScanWriter::finish`] ends it.
#[derive(Debug, Clone)]
pub struct ScanWriter {
    head: ScanHead,
    scan_id: Option<i64>,
    life: Lifecycle,
    resources: usize,
    evaluations: u64,
    failed: usize,
    complete: usize,
}

impl ScanWriter {
    pub fn new(head: ScanHead) -> ScanWriter {
        ScanWriter {
            head,
            scan_id: None,
            life: Lifecycle::default(),
            resources: 0,
            evaluations: 0,
            failed: 0,
            complete: 0,
        }
    }

    /// The scan's id, once its first part is recorded.
    pub fn scan_id(&self) -> Option<i64> {
        self.scan_id
    }

    /// What the parts recorded so far did to the findings and resources.
    pub fn lifecycle(&self) -> Lifecycle {
        self.life
    }

    /// Records one part in its own transaction; `at` is the time its findings are seen. A
    /// part that names no scope and holds nothing (an organization's listing: notes only)
    /// is not written: with no coverage it would reach every stored finding.
    pub fn part(&mut self, store: &mut Store, part: &Part, at: &str) -> Result<Lifecycle> {
        let p = part.snapshot;
        if p.coverage.is_empty() && p.resources.is_empty() && p.identities.is_empty() {
            return Ok(Lifecycle::default());
        }
        // What the writer knows changes only with a committed part (a first part rolled
        // back leaves no scan row behind for its id to name).
        let before = self.clone();
        let written = immediate(store).and_then(|tx| {
            let life = self.write_part(&tx, part, at)?;
            tx.commit().map_err(sql("committing a part of the scan"))?;
            Ok(life)
        });
        if written.is_err() {
            *self = before;
        }
        written
    }

    /// Ends the scan: its status from every part's coverage (or `stopped`: the reason it
    /// ended before every part was read), applied plans verified, its audit entry.
    pub fn finish(
        mut self,
        store: &mut Store,
        finished_at: &str,
        stopped: Option<&str>,
    ) -> Result<(i64, Lifecycle)> {
        let tx = immediate(store)?;
        let done = self.write_finish(&tx, finished_at, stopped)?;
        tx.commit().map_err(sql("committing scan"))?;
        Ok(done)
    }

    fn write_part(&mut self, tx: &Transaction, part: &Part, at: &str) -> Result<Lifecycle> {
        let snapshot = part.snapshot;
        check_identities(tx, snapshot)?;
        let scan_id = match self.scan_id {
            Some(id) => id,
            None => {
                let id = insert_scan(tx, &self.head)?;
                self.scan_id = Some(id);
                id
            }
        };
        record_coverage(tx, scan_id, snapshot, part.report)?;
        record_identities(tx, scan_id, snapshot)?;
        let drift = record_resources(tx, scan_id, snapshot)?;
        record_idle(tx, scan_id, snapshot, part.idle)?;
        let c = reconcile(tx, scan_id, snapshot, part.report, at)?;
        let life = Lifecycle {
            opened: c.opened,
            reopened: c.reopened,
            resolved: c.resolved,
            still_open: c.still_open,
            stale: c.stale,
            drift,
            ..Default::default()
        };
        self.life.add(&life);
        self.resources += snapshot.resources.len();
        self.evaluations += part.report.evaluations;
        for c in &snapshot.coverage {
            match c.status {
                CoverageStatus::Failed => self.failed += 1,
                CoverageStatus::Complete => self.complete += 1,
                CoverageStatus::Skipped => {}
            }
        }
        Ok(life)
    }

    fn write_finish(
        &mut self,
        tx: &Transaction,
        finished_at: &str,
        stopped: Option<&str>,
    ) -> Result<(i64, Lifecycle)> {
        let scan_id = match self.scan_id {
            Some(id) => id,
            None => insert_scan(tx, &self.head)?,
        };
        clear_removed_idle(tx)?;
        let status = if let Some(reason) = stopped {
            tx.execute(
                "INSERT INTO scan_errors (scan_id, kind, subject, resource_id, message) VALUES (?1, 'scan', ?2, NULL, ?3)",
                params![scan_id, self.head.target, reason],
            )
            .map_err(sql("recording why the scan stopped"))?;
            if self.complete == 0 {
                ScanStatus::Failed
            } else {
                ScanStatus::Partial
            }
        } else {
            ScanStatus::of(self.failed, self.complete)
        };
        tx.execute(
            "UPDATE scans SET status = ?2, finished_at = ?3, resources = ?4, evaluations = ?5, recording = 0 WHERE id = ?1",
            params![
                scan_id,
                status.as_str(),
                finished_at,
                self.resources as i64,
                self.evaluations as i64
            ],
        )
        .map_err(sql("finishing the scan"))?;
        // The audit log keeps the wall clock, whatever clock the scan itself ran on (`--now`).
        let wall = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (verified, failed) = super::plans::verify_applied(tx, scan_id, &wall)?;
        self.life.plans_verified = verified;
        self.life.plans_verify_failed = failed;
        let l = self.life;
        let audit = append_audit(
            tx,
            &wall,
            "vigil",
            "scan.record",
            &self.head.target,
            &serde_json::json!({
                "scan_id": scan_id,
                "scan_time": finished_at,
                "status": status.as_str(),
                "resources": self.resources,
                "opened": l.opened, "reopened": l.reopened,
                "resolved": l.resolved, "stale": l.stale,
                "drift": l.drift,
                "failed_scopes": self.failed,
            }),
        )?;
        tx.execute(
            "UPDATE scans SET audit_hash = ?2 WHERE id = ?1",
            params![scan_id, audit],
        )
        .map_err(sql("recording the scan's audit entry"))?;
        Ok((scan_id, l))
    }
}

impl Lifecycle {
    fn add(&mut self, o: &Lifecycle) {
        self.opened += o.opened;
        self.reopened += o.reopened;
        self.resolved += o.resolved;
        self.still_open += o.still_open;
        self.stale += o.stale;
        self.drift.added += o.drift.added;
        self.drift.removed += o.drift.removed;
        self.drift.modified += o.drift.modified;
        self.plans_verified += o.plans_verified;
        self.plans_verify_failed += o.plans_verify_failed;
    }
}

fn immediate(store: &mut Store) -> Result<Transaction<'_>> {
    store
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sql("starting scan transaction"))
}

impl Store {
    /// Records a whole scan in one transaction: the scan, its coverage, resource versions,
    /// per-rule counts, errors and the findings' lifecycle.
    pub fn record_scan(&mut self, input: &ScanInput) -> Result<(i64, Lifecycle)> {
        let mut w = ScanWriter::new(ScanHead {
            started_at: input.started_at.to_string(),
            target: input.target.to_string(),
            rules_loaded: input.rules_loaded,
            rule_problems: input.rule_problems.clone(),
            run_id: input.run_id.map(str::to_string),
        });
        let tx = immediate(self)?;
        let part = Part {
            snapshot: input.snapshot,
            report: input.report,
            idle: input.idle,
        };
        w.write_part(&tx, &part, input.finished_at)?;
        let done = w.write_finish(&tx, input.finished_at, None)?;
        tx.commit().map_err(sql("committing scan"))?;
        Ok(done)
    }

    /// Ends the scans a stopped process left `recording` (their recorded parts stand): each
    /// gets a status from the coverage it has, the reason, and its audit entry. Call it
    /// holding the database's lock, before recording anything. Returns their ids.
    pub fn close_interrupted_scans(&mut self, reason: &str) -> Result<Vec<i64>> {
        let open: Vec<(i64, String)> = query_rows(
            &self.conn,
            "reading unfinished scans",
            "SELECT id, target FROM scans WHERE recording = 1 ORDER BY id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        for (id, target) in &open {
            let tx = immediate(self)?;
            let (failed, complete): (i64, i64) = tx
                .query_row(
                    "SELECT count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'complete')
                     FROM scan_coverage WHERE scan_id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(sql("reading an unfinished scan's coverage"))?;
            let resources: Option<i64> = query_opt(
                &tx,
                "counting an unfinished scan's resources",
                "SELECT count(*) FROM resources WHERE last_seen_scan = ?1",
                [id],
                |r| r.get(0),
            )?;
            let mut w = ScanWriter {
                scan_id: Some(*id),
                resources: resources.unwrap_or(0) as usize,
                failed: failed as usize,
                complete: complete as usize,
                ..ScanWriter::new(ScanHead {
                    started_at: String::new(),
                    target: target.clone(),
                    rules_loaded: 0,
                    rule_problems: Vec::new(),
                    run_id: None,
                })
            };
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            w.write_finish(&tx, &now, Some(reason))?;
            tx.commit().map_err(sql("closing an unfinished scan"))?;
        }
        Ok(open.into_iter().map(|(id, _)| id).collect())
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

/// The scan's own row (`recording` until it is finished), and the rule files that did not
/// load; its id.
fn insert_scan(tx: &Transaction, head: &ScanHead) -> Result<i64> {
    tx.execute(
        "INSERT INTO scans (started_at, finished_at, target, status, resources, rules, evaluations, run_id, recording)
         VALUES (?1, ?1, ?2, 'partial', 0, ?3, 0, ?4, 1)",
        params![
            head.started_at,
            head.target,
            head.rules_loaded as i64,
            head.run_id,
        ],
    )
    .map_err(sql("inserting scan"))?;
    let scan_id = tx.last_insert_rowid();
    for (file, msg) in &head.rule_problems {
        tx.execute(
            "INSERT INTO scan_errors (scan_id, kind, subject, resource_id, message) VALUES (?1, 'rule-file', ?2, NULL, ?3)",
            params![scan_id, file, msg],
        )
        .map_err(sql("inserting rule file error"))?;
    }
    Ok(scan_id)
}

/// Coverage per scope, collector and rule errors, and PASS/FAIL/error counts per rule and
/// account (a rule that judged nothing here is counted under no account, so it shows as run).
fn record_coverage(
    tx: &Transaction,
    scan_id: i64,
    snapshot: &Snapshot,
    report: &EvalReport,
) -> Result<()> {
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
    for e in &report.errors {
        err.execute(params![
            scan_id,
            "rule",
            e.rule_id,
            e.resource_id,
            format!("{}: {}", e.file, e.message)
        ])
        .map_err(sql("inserting rule error"))?;
    }
    // Counts add up: two parts can name the same account (a rule's row per part).
    let mut rr = tx
        .prepare(
            "INSERT INTO rule_results (scan_id, rule_id, account, pass, fail, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(scan_id, rule_id, account) DO UPDATE SET
                 pass = pass + excluded.pass, fail = fail + excluded.fail, error = error + excluded.error",
        )
        .map_err(sql("preparing rule results insert"))?;
    for rule in report.counts.keys() {
        let mut judged = false;
        for (account, rules) in &report.account_counts {
            if let Some(c) = rules.get(rule) {
                judged = true;
                rr.execute(params![
                    scan_id,
                    rule,
                    account,
                    c.pass as i64,
                    c.fail as i64,
                    c.error as i64
                ])
                .map_err(sql("inserting rule results"))?;
            }
        }
        if !judged {
            rr.execute(params![scan_id, rule, "", 0, 0, 0])
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
