//! The findings' lifecycle (reconcile): open → resolved → reopened, and the rule that must
//! never break — a finding is resolved only when its scope was collected completely in this
//! scan and its rule ran cleanly on it; otherwise it stays open and is marked stale.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, Transaction};

use super::{query_opt, sql, Result};
use crate::model::{Severity, Snapshot};
use crate::policy::EvalReport;

/// What reconciling a scan did to the findings.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counts {
    pub opened: usize,
    pub reopened: usize,
    pub resolved: usize,
    pub still_open: usize,
    pub stale: usize,
}

struct Fail {
    resource_type: String,
    scope: String,
    severity: Severity,
    controls: std::sync::Arc<[String]>,
    messages: Vec<String>,
    paths: Vec<String>,
}

/// `aws/123456789012/us-east-1/AWS::EC2::Volume` → (`aws`, `123456789012`).
fn provider_account(scope: &str) -> Option<(&str, &str)> {
    crate::model::resource::parse_scope(scope).map(|p| (p.provider, p.account))
}

/// Reconciles a scan's verdicts with the stored findings: every FAIL opens, keeps open or
/// reopens its finding; an active finding without a FAIL resolves where its scope was
/// collected completely and its rule ran cleanly on it, and is marked stale otherwise.
pub(super) fn reconcile(
    tx: &Transaction,
    scan_id: i64,
    snapshot: &Snapshot,
    report: &EvalReport,
    finished_at: &str,
) -> Result<Counts> {
    let fails = group_fails(snapshot, report);
    let mut books = Books {
        tx,
        scan_id,
        now: finished_at,
        event: tx
            .prepare(
                "INSERT INTO finding_events (finding_id, scan_id, event, at) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(sql("preparing finding event"))?,
        life: Counts::default(),
    };
    books.settle_absent(snapshot, report, &fails)?;
    for ((rule, resource), f) in &fails {
        books.record_fail(rule, resource, f)?;
    }
    Ok(books.life)
}

/// FAIL verdicts grouped by (rule, resource): one finding each, every message kept.
fn group_fails(snapshot: &Snapshot, report: &EvalReport) -> BTreeMap<(String, String), Fail> {
    let resource_scope: HashMap<&str, String> = snapshot
        .resources
        .iter()
        .map(|r| (r.id.as_str(), r.scope()))
        .collect();
    let mut fails: BTreeMap<(String, String), Fail> = BTreeMap::new();
    for r in &report.results {
        let f = fails
            .entry((r.rule_id.clone(), r.resource_id.clone()))
            .or_insert_with(|| Fail {
                resource_type: r.resource_type.clone(),
                scope: resource_scope
                    .get(r.resource_id.as_str())
                    .cloned()
                    .unwrap_or_default(),
                severity: r.severity,
                controls: r.controls.clone(),
                messages: Vec::new(),
                paths: Vec::new(),
            });
        if !f.messages.contains(&r.message) {
            f.messages.push(r.message.clone());
        }
        if !r.path.is_empty() && !f.paths.contains(&r.path) {
            f.paths.push(r.path.clone());
        }
    }
    fails
}

/// One scan's writes to the findings, and their tally.
struct Books<'t> {
    tx: &'t Transaction<'t>,
    scan_id: i64,
    now: &'t str,
    event: rusqlite::Statement<'t>,
    life: Counts,
}

impl Books<'_> {
    fn log(&mut self, id: i64, what: &str) -> Result<()> {
        self.event
            .execute(params![id, self.scan_id, what, self.now])
            .map(|_| ())
            .map_err(sql("writing finding event"))
    }

    /// Active findings this scan did not report: resolved, or stale. Findings of accounts
    /// and clusters this scan did not look at are left alone.
    fn settle_absent(
        &mut self,
        snapshot: &Snapshot,
        report: &EvalReport,
        fails: &BTreeMap<(String, String), Fail>,
    ) -> Result<()> {
        let complete = snapshot.complete_scopes();
        let active: Vec<(i64, String, String, String)> = super::Reach::of(snapshot).rows(
            self.tx,
            "reading active findings",
            // Not those an earlier part of this scan saw failing (an account read twice, by
            // two targets of `aws`).
            "SELECT id, rule_id, resource_id, scope FROM findings
             WHERE status != 'resolved' AND last_scan IS NOT ?1 AND {scope}",
            &[&self.scan_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let attempted: HashSet<(&str, &str)> = snapshot
            .coverage
            .iter()
            .filter_map(|c| provider_account(&c.scope))
            .collect();
        for (id, rule, resource, scope) in active {
            let key = (rule, resource);
            if fails.contains_key(&key) {
                continue; // recorded as a FAIL
            }
            if !snapshot.coverage.is_empty()
                && provider_account(&scope).is_some_and(|pa| !attempted.contains(&pa))
            {
                continue;
            }
            let rule_ran = report.counts.contains_key(&key.0);
            let errored = report.errored.contains(&key);
            if super::covers(&complete, &scope) && rule_ran && !errored {
                self.tx
                    .execute(
                        "UPDATE findings SET status = 'resolved', stale = 0, resolved_at = ?2, last_scan = ?3 WHERE id = ?1",
                        params![id, self.now, self.scan_id],
                    )
                    .map_err(sql("resolving finding"))?;
                self.log(id, "resolved")?;
                self.life.resolved += 1;
            } else {
                self.tx
                    .execute("UPDATE findings SET stale = 1 WHERE id = ?1", [id])
                    .map_err(sql("marking finding stale"))?;
                self.life.stale += 1;
            }
        }
        Ok(())
    }

    /// One FAIL: a new finding, or the stored one updated (reopened when it was resolved).
    fn record_fail(&mut self, rule: &str, resource: &str, f: &Fail) -> Result<()> {
        let (tx, now, scan_id) = (self.tx, self.now, self.scan_id);
        let controls = serde_json::to_string(&f.controls).expect("controls serialize");
        let message = f.messages.join("; ");
        let path = f.paths.join(", ");
        let existing: Option<(i64, String)> = query_opt(
            tx,
            "reading finding",
            "SELECT id, status FROM findings WHERE rule_id = ?1 AND resource_id = ?2",
            params![rule, resource],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let Some((id, status)) = existing else {
            tx.execute(
                "INSERT INTO findings (rule_id, resource_id, resource_type, scope, severity, controls, message, path,
                     status, stale, first_seen, last_seen, first_scan, last_scan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open', 0, ?9, ?9, ?10, ?10)",
                params![rule, resource, f.resource_type, f.scope, f.severity.as_str(), controls, message, path, now, scan_id],
            )
            .map_err(sql("inserting finding"))?;
            self.log(tx.last_insert_rowid(), "opened")?;
            self.life.opened += 1;
            return Ok(());
        };
        tx.execute(
            "UPDATE findings SET resource_type = ?2, scope = ?3, severity = ?4, controls = ?5, message = ?6, path = ?7,
                 status = CASE WHEN status = 'resolved' THEN 'reopened' ELSE status END,
                 stale = 0, last_seen = ?8, last_scan = ?9, resolved_at = NULL
             WHERE id = ?1",
            params![id, f.resource_type, f.scope, f.severity.as_str(), controls, message, path, now, scan_id],
        )
        .map_err(sql("updating finding"))?;
        if status == "resolved" {
            self.log(id, "reopened")?;
            self.life.reopened += 1;
        } else {
            self.life.still_open += 1;
        }
        Ok(())
    }
}
