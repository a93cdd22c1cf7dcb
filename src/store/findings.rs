//! The findings' lifecycle (reconcile): open → resolved → reopened, and the rule that must
//! never break — a finding is resolved only when its scope was collected completely in this
//! scan and its rule ran cleanly on it; otherwise it stays open and is marked stale.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, OptionalExtension as _, Transaction};

use super::scans::{Lifecycle, ScanInput};
use super::{query_rows, sql, Result, Store};
use crate::model::{CoverageStatus, Finding, FindingStatus, Severity};

pub(super) fn row_to_finding(r: &rusqlite::Row) -> rusqlite::Result<Finding> {
    let controls: String = r.get(5)?;
    let severity: String = r.get(4)?;
    let status: String = r.get(8)?;
    Ok(Finding {
        id: r.get(0)?,
        rule_id: r.get(1)?,
        resource_id: r.get(2)?,
        resource_type: r.get(3)?,
        severity: severity.parse().unwrap_or(Severity::Info),
        controls: serde_json::from_str(&controls).unwrap_or_default(),
        message: r.get(6)?,
        path: r.get(7)?,
        status: FindingStatus::parse(&status).unwrap_or(FindingStatus::Open),
        stale: r.get::<_, i64>(9)? != 0,
        first_seen: r.get(10)?,
        last_seen: r.get(11)?,
        resolved_at: r.get(12)?,
        waiver: None,
    })
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

pub(super) fn reconcile(tx: &Transaction, scan_id: i64, input: &ScanInput) -> Result<Lifecycle> {
    let now = input.finished_at;
    let snapshot = input.snapshot;
    let report = input.report;
    let resource_scope: HashMap<&str, String> = snapshot
        .resources
        .iter()
        .map(|r| (r.id.as_str(), r.scope()))
        .collect();
    let complete: HashSet<&str> = snapshot
        .coverage
        .iter()
        .filter(|c| c.status == CoverageStatus::Complete)
        .map(|c| c.scope.as_str())
        .collect();

    // Group FAIL verdicts by (rule, resource): one finding each, every message kept.
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

    let mut life = Lifecycle::default();
    let mut event = tx
        .prepare(
            "INSERT INTO finding_events (finding_id, scan_id, event, at) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(sql("preparing finding event"))?;

    // Existing findings that are active: still failing, resolved, or stale.
    let active: Vec<(i64, String, String, String)> = query_rows(
        tx,
        "reading active findings",
        "SELECT id, rule_id, resource_id, scope FROM findings WHERE status != 'resolved'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    // Accounts and clusters this scan looked at: findings elsewhere (another target, another
    // cluster) are neither re-checked nor marked stale by it.
    let attempted: HashSet<(&str, &str)> = snapshot
        .coverage
        .iter()
        .filter_map(|c| provider_account(&c.scope))
        .collect();
    for (id, rule, resource, scope) in active {
        let key = (rule.clone(), resource.clone());
        if fails.contains_key(&key) {
            continue; // updated below
        }
        if !snapshot.coverage.is_empty()
            && provider_account(&scope).is_some_and(|pa| !attempted.contains(&pa))
        {
            continue;
        }
        let rule_ran = report.counts.contains_key(&rule);
        let errored = report.errored.contains(&key);
        if super::covers(&complete, &scope) && rule_ran && !errored {
            tx.execute(
                "UPDATE findings SET status = 'resolved', stale = 0, resolved_at = ?2, last_scan = ?3 WHERE id = ?1",
                params![id, now, scan_id],
            )
            .map_err(sql("resolving finding"))?;
            event
                .execute(params![id, scan_id, "resolved", now])
                .map_err(sql("writing finding event"))?;
            life.resolved += 1;
        } else {
            tx.execute("UPDATE findings SET stale = 1 WHERE id = ?1", [id])
                .map_err(sql("marking finding stale"))?;
            life.stale += 1;
        }
    }

    for ((rule, resource), f) in fails {
        let controls = serde_json::to_string(&f.controls).expect("controls serialize");
        let message = f.messages.join("; ");
        let path = f.paths.join(", ");
        let existing: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, status FROM findings WHERE rule_id = ?1 AND resource_id = ?2",
                params![rule, resource],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sql("reading finding"))?;
        match existing {
            None => {
                tx.execute(
                    "INSERT INTO findings (rule_id, resource_id, resource_type, scope, severity, controls, message, path,
                         status, stale, first_seen, last_seen, first_scan, last_scan)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open', 0, ?9, ?9, ?10, ?10)",
                    params![rule, resource, f.resource_type, f.scope, f.severity.as_str(), controls, message, path, now, scan_id],
                )
                .map_err(sql("inserting finding"))?;
                let id = tx.last_insert_rowid();
                event
                    .execute(params![id, scan_id, "opened", now])
                    .map_err(sql("writing finding event"))?;
                life.opened += 1;
            }
            Some((id, status)) => {
                let reopen = status == "resolved";
                tx.execute(
                    "UPDATE findings SET resource_type = ?2, scope = ?3, severity = ?4, controls = ?5, message = ?6, path = ?7,
                         status = CASE WHEN status = 'resolved' THEN 'reopened' ELSE status END,
                         stale = 0, last_seen = ?8, last_scan = ?9, resolved_at = NULL
                     WHERE id = ?1",
                    params![id, f.resource_type, f.scope, f.severity.as_str(), controls, message, path, now, scan_id],
                )
                .map_err(sql("updating finding"))?;
                if reopen {
                    event
                        .execute(params![id, scan_id, "reopened", now])
                        .map_err(sql("writing finding event"))?;
                    life.reopened += 1;
                } else {
                    life.still_open += 1;
                }
            }
        }
    }
    Ok(life)
}

impl Store {
    /// The findings a scan reports: every active finding in the scan's scopes, and those the
    /// scan resolved, with waivers applied as of the scan's time. Sorted by severity (highest
    /// first), rule, resource.
    pub fn scan_findings(&self, scan_id: i64) -> Result<Vec<Finding>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT f.id, f.rule_id, f.resource_id, f.resource_type, f.severity, f.controls, f.message, f.path,
                        f.status, f.stale, f.first_seen, f.last_seen, f.resolved_at
                 FROM findings f
                 WHERE (f.status != 'resolved' AND (f.last_scan = ?1 OR f.scope IN (SELECT scope FROM scan_coverage WHERE scan_id = ?1)
                        OR EXISTS (SELECT 1 FROM scan_coverage c WHERE c.scan_id = ?1 AND instr(c.scope, '/*/') > 0 AND f.scope GLOB c.scope)))
                    OR (f.status = 'resolved' AND f.last_scan = ?1)",
            )
            .map_err(sql("reading findings"))?;
        let mut out: Vec<Finding> = stmt
            .query_map([scan_id], row_to_finding)
            .and_then(|rows| rows.collect())
            .map_err(sql("reading findings"))?;
        // Waivers as of the scan's time.
        let at: Option<String> = self
            .conn
            .query_row(
                "SELECT finished_at FROM scans WHERE id = ?1",
                [scan_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql("reading scan"))?;
        let now = at
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_else(chrono::Utc::now);
        crate::model::waiver::apply(&mut out, &self.waivers()?, now);
        out.sort_by(|a, b| {
            (b.status.is_active(), b.severity, &a.rule_id, &a.resource_id).cmp(&(
                a.status.is_active(),
                a.severity,
                &b.rule_id,
                &b.resource_id,
            ))
        });
        Ok(out)
    }
}
