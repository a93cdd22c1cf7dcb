//! The findings' lifecycle (reconcile): open → resolved → reopened, and the rule that must
//! never break — a finding is resolved only when its scope was collected completely in this
//! scan and its rule ran cleanly on it; otherwise it stays open and is marked stale.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, Transaction};

use super::scans::{Lifecycle, ScanInput};
use super::{query_opt, query_rows, sql, Result};
use crate::model::{CoverageStatus, Severity};

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
        let existing: Option<(i64, String)> = query_opt(
            tx,
            "reading finding",
            "SELECT id, status FROM findings WHERE rule_id = ?1 AND resource_id = ?2",
            params![rule, resource],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
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
