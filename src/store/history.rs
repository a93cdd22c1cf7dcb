//! History queries: drift events, baselines, and the hash-chained audit log.

use std::collections::{BTreeMap, HashSet};

use rusqlite::{params, OptionalExtension as _, Transaction};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::{query_rows, sql, Error, Result, Store};
use crate::drift::{Change, Kind};

/// One resource's change in one scan.
#[derive(Debug, Clone, Serialize)]
pub struct DriftEvent {
    pub scan_id: i64,
    /// When the scan finished.
    pub at: String,
    pub resource_id: String,
    pub resource_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub change: Kind,
    pub changes: Vec<Change>,
}

/// An accepted baseline: the state a target's drift is measured against.
#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    pub target: String,
    pub scan_id: i64,
    pub accepted_at: String,
}

/// A resource as stored at some scan: its type, account, hash and document text.
struct Stored {
    ty: String,
    account: Option<String>,
    hash: String,
    doc: String,
}

/// One entry of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// What `audit verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct AuditCheck {
    pub entries: usize,
    /// The hash of the last entry: record it elsewhere to detect a removed tail later.
    pub head: String,
    /// Every broken link, each naming the entry.
    pub problems: Vec<String>,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn entry_hash(
    prev: &str,
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    details: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, &id.to_string(), at, actor, action, subject, details] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends an entry to the audit log inside a transaction; returns its hash.
pub(super) fn append_audit(
    tx: &Transaction,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    details: &serde_json::Value,
) -> Result<String> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(sql("reading the audit log"))?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let details = serde_json::to_string(details).expect("details serialize");
    let hash = entry_hash(&prev, id, at, actor, action, subject, &details);
    tx.execute(
        "INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, at, actor, action, subject, details, prev, hash],
    )
    .map_err(sql("appending to the audit log"))?;
    Ok(hash)
}

fn parse_changes(text: &str) -> Vec<Change> {
    serde_json::from_str(text).unwrap_or_default()
}

impl Store {
    /// The newest scan's id, optionally of one target.
    pub fn latest_scan(&self, target: Option<&str>) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT max(id) FROM scans WHERE ?1 IS NULL OR target = ?1",
                [target],
                |r| r.get(0),
            )
            .map_err(sql("reading scans"))
    }

    /// Drift events of the scans after `since` (exclusive), oldest first; only those whose
    /// resource id matches `pattern` (`*` wildcards) when given.
    pub fn drift_since(&self, since: i64, pattern: Option<&str>) -> Result<Vec<DriftEvent>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT d.scan_id, s.finished_at, d.resource_id, d.resource_type, d.account, d.change, d.changes
                 FROM drift_events d JOIN scans s ON s.id = d.scan_id
                 WHERE d.scan_id > ?1 AND (?2 IS NULL OR d.resource_id GLOB ?2)
                 ORDER BY d.scan_id, d.resource_id",
            )
            .map_err(sql("reading drift"))?;
        let rows = stmt
            .query_map(params![since, pattern], |r| {
                let change: String = r.get(5)?;
                let changes: String = r.get(6)?;
                Ok(DriftEvent {
                    scan_id: r.get(0)?,
                    at: r.get(1)?,
                    resource_id: r.get(2)?,
                    resource_type: r.get(3)?,
                    account: r.get(4)?,
                    change: Kind::parse(&change).unwrap_or(Kind::Modified),
                    changes: parse_changes(&changes),
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading drift"))?;
        Ok(rows)
    }

    /// Makes a scan the accepted baseline of its target (audited).
    pub fn accept_baseline(&mut self, scan_id: i64, actor: &str, now: &str) -> Result<Baseline> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting baseline transaction"))?;
        let target: Option<String> = tx
            .query_row("SELECT target FROM scans WHERE id = ?1", [scan_id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql("reading scan"))?;
        let Some(target) = target else {
            return Err(Error::NotFound(format!("scan {scan_id}")));
        };
        let previous: Option<i64> = tx
            .query_row(
                "SELECT scan_id FROM baselines WHERE target = ?1",
                [&target],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql("reading baselines"))?;
        tx.execute(
            "INSERT INTO baselines (target, scan_id, accepted_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(target) DO UPDATE SET scan_id = ?2, accepted_at = ?3",
            params![target, scan_id, now],
        )
        .map_err(sql("writing baseline"))?;
        append_audit(
            &tx,
            now,
            actor,
            "baseline.accept",
            &target,
            &serde_json::json!({"scan_id": scan_id, "previous_scan_id": previous}),
        )?;
        tx.commit().map_err(sql("committing baseline"))?;
        Ok(Baseline {
            target,
            scan_id,
            accepted_at: now.to_string(),
        })
    }

    pub fn baselines(&self) -> Result<Vec<Baseline>> {
        let rows: Vec<_> = query_rows(
            &self.conn,
            "reading baselines",
            "SELECT target, scan_id, accepted_at FROM baselines ORDER BY target",
            [],
            |r| {
                Ok(Baseline {
                    target: r.get(0)?,
                    scan_id: r.get(1)?,
                    accepted_at: r.get(2)?,
                })
            },
        )?;
        Ok(rows)
    }

    /// Every resource of the accounts and clusters a baseline scan covered, as of scan
    /// `at` (None: now): resource id → (type, account, hash, document text). Removed
    /// resources are absent.
    fn state_at(
        &self,
        at: Option<i64>,
        accounts: &HashSet<(String, String)>,
    ) -> Result<BTreeMap<String, Stored>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT v.resource_id, r.type, r.provider, r.account, v.hash, v.document
                 FROM resource_versions v
                 JOIN (SELECT resource_id, max(scan_id) AS m FROM resource_versions
                       WHERE ?1 IS NULL OR scan_id <= ?1 GROUP BY resource_id) x
                   ON v.resource_id = x.resource_id AND v.scan_id = x.m
                 JOIN resources r ON r.id = v.resource_id",
            )
            .map_err(sql("reading resource versions"))?;
        let mut out = BTreeMap::new();
        let rows = stmt
            .query_map([at], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .map_err(sql("reading resource versions"))?;
        for row in rows {
            let (id, ty, provider, account, hash, doc) =
                row.map_err(sql("reading resource versions"))?;
            if hash == super::resources::REMOVED
                || !accounts.contains(&(provider, account.clone().unwrap_or_default()))
            {
                continue;
            }
            out.insert(
                id,
                Stored {
                    ty,
                    account,
                    hash,
                    doc,
                },
            );
        }
        Ok(out)
    }

    /// How the current state of a target's accounts and clusters differs from its accepted
    /// baseline: one entry per added, removed or modified resource.
    pub fn drift_from_baseline(&self, baseline: &Baseline) -> Result<Vec<DriftEvent>> {
        let accounts: HashSet<(String, String)> = {
            let scopes: Vec<_> = query_rows(
                &self.conn,
                "reading coverage",
                "SELECT scope FROM scan_coverage WHERE scan_id = ?1",
                [baseline.scan_id],
                |r| r.get::<_, String>(0),
            )?;
            scopes
                .iter()
                .filter_map(|s| {
                    let p = crate::model::resource::parse_scope(s)?;
                    Some((p.provider.to_string(), p.account.to_string()))
                })
                .collect()
        };
        let then = self.state_at(Some(baseline.scan_id), &accounts)?;
        let now = self.state_at(None, &accounts)?;
        let latest = self.latest_scan(None)?.unwrap_or(baseline.scan_id);
        let at: String = self
            .conn
            .query_row(
                "SELECT finished_at FROM scans WHERE id = ?1",
                [latest],
                |r| r.get(0),
            )
            .map_err(sql("reading scans"))?;
        let mut out = Vec::new();
        let ids: std::collections::BTreeSet<&String> = then.keys().chain(now.keys()).collect();
        for id in ids {
            let event = |change, ty: &str, account: &Option<String>, changes| DriftEvent {
                scan_id: latest,
                at: at.clone(),
                resource_id: id.clone(),
                resource_type: ty.to_string(),
                account: account.clone(),
                change,
                changes,
            };
            match (then.get(id), now.get(id)) {
                (
                    Some(Stored {
                        ty,
                        account,
                        hash: ha,
                        doc: a,
                    }),
                    Some(Stored {
                        hash: hb, doc: b, ..
                    }),
                ) if ha != hb => {
                    let parse =
                        |t: &str| serde_json::from_str(t).unwrap_or(serde_json::Value::Null);
                    let changes = crate::drift::diff_resources(&parse(a), &parse(b));
                    // Versions hashed by an older vigil can differ only in form.
                    if !changes.is_empty() {
                        out.push(event(Kind::Modified, ty, account, changes));
                    }
                }
                (Some(Stored { ty, account, .. }), None) => {
                    out.push(event(Kind::Removed, ty, account, vec![]))
                }
                (None, Some(Stored { ty, account, .. })) => {
                    out.push(event(Kind::Added, ty, account, vec![]))
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// The audit log, oldest first.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY id")
            .map_err(sql("reading the audit log"))?;
        let rows = stmt
            .query_map([], |r| {
                let details: String = r.get(5)?;
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    subject: r.get(4)?,
                    details: serde_json::from_str(&details)
                        .unwrap_or(serde_json::Value::String(details)),
                    prev_hash: r.get(6)?,
                    hash: r.get(7)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading the audit log"))?;
        Ok(rows)
    }

    /// Walks the chain: every entry's hash must match its contents and the previous entry's
    /// hash, ids must follow each other, and every scan must have its entry.
    pub fn verify_audit(&self) -> Result<AuditCheck> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY id")
            .map_err(sql("reading the audit log"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading the audit log"))?;
        let mut problems = Vec::new();
        let mut prev = GENESIS.to_string();
        let mut expected_id = 1;
        for (id, at, actor, action, subject, details, prev_hash, hash) in &rows {
            if *id != expected_id {
                problems.push(format!(
                    "entry {expected_id}{}: missing (the next entry is {id})",
                    if *id > expected_id + 1 {
                        format!("..{}", id - 1)
                    } else {
                        String::new()
                    }
                ));
            }
            if *prev_hash != prev {
                problems.push(format!(
                    "entry {id} ({action} {subject}): does not follow the entry before it (its prev_hash is not that entry's hash)"
                ));
            }
            let recomputed = entry_hash(prev_hash, *id, at, actor, action, subject, details);
            if recomputed != *hash {
                problems.push(format!(
                    "entry {id} ({action} {subject}): its contents were changed after it was written (hash mismatch)"
                ));
            }
            prev = hash.clone();
            expected_id = id + 1;
        }
        // Each scan wrote an entry with its hash into the scan's row: a removed tail shows.
        let mut stmt = self
            .conn
            .prepare("SELECT id, audit_hash FROM scans WHERE audit_hash IS NOT NULL")
            .map_err(sql("reading scans"))?;
        let scans = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading scans"))?;
        let hashes: HashSet<&String> = rows.iter().map(|r| &r.7).collect();
        for (scan, h) in scans {
            if !hashes.contains(&h) {
                problems.push(format!("scan {scan}: its audit entry is missing"));
            }
        }
        // Every scan since auditing began has its entry's hash.
        let unlinked: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT id FROM scans WHERE audit_hash IS NULL
                       AND id > (SELECT coalesce(min(id), 1 << 62) FROM scans WHERE audit_hash IS NOT NULL)",
                )
                .map_err(sql("reading scans"))?;
            let rows = stmt
                .query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>())
                .map_err(sql("reading scans"))?;
            rows
        };
        for scan in unlinked {
            problems.push(format!(
                "scan {scan}: its link to the audit log was removed"
            ));
        }
        // The waivers and baselines in force must be what the log says was done.
        let entries: Vec<(String, String, serde_json::Value)> = rows
            .iter()
            .map(|r| {
                (
                    r.3.clone(),
                    r.4.clone(),
                    serde_json::from_str(&r.5).unwrap_or(serde_json::Value::Null),
                )
            })
            .collect();
        let waivers: Vec<_> = query_rows(
            &self.conn,
            "reading waivers",
            "SELECT id, rule, resource, reason, owner, expires_at, removed_at FROM waivers",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    serde_json::json!({"rule": r.get::<_, String>(1)?, "resource": r.get::<_, String>(2)?,
                        "reason": r.get::<_, String>(3)?, "owner": r.get::<_, String>(4)?,
                        "expires_at": r.get::<_, String>(5)?}),
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )?;
        for (id, recorded, removed_at) in waivers {
            let subject = format!("waiver {id}");
            match entries
                .iter()
                .find(|(a, s, _)| a == "waiver.add" && *s == subject)
            {
                None => problems.push(format!("waiver {id}: no audit entry added it")),
                Some((_, _, details)) if *details != recorded => problems.push(format!(
                    "waiver {id}: differs from what the audit log recorded when it was added"
                )),
                _ => {}
            }
            let logged_removal = entries
                .iter()
                .any(|(a, s, _)| a == "waiver.remove" && *s == subject);
            if removed_at.is_some() != logged_removal {
                problems.push(format!(
                    "waiver {id}: its removal does not match the audit log"
                ));
            }
        }
        for b in self.baselines()? {
            let last = entries
                .iter()
                .rev()
                .find(|(a, s, _)| a == "baseline.accept" && *s == b.target);
            if last.and_then(|(_, _, d)| d.get("scan_id").and_then(|v| v.as_i64()))
                != Some(b.scan_id)
            {
                problems.push(format!(
                    "baseline of {}: scan {} is not the one the audit log accepted last",
                    b.target, b.scan_id
                ));
            }
        }
        Ok(AuditCheck {
            entries: rows.len(),
            head: prev,
            problems,
        })
    }
}

/// What a prune removed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Pruned {
    pub scans: usize,
    pub resource_versions: usize,
    pub removed_resources: usize,
    pub resolved_findings: usize,
}

impl Store {
    /// Deletes history older than `cutoff` (RFC 3339): scans that finished before it with
    /// their coverage, errors, counts and drift events; resource versions superseded before
    /// it; resources removed before it; findings resolved before it. Kept whatever the age:
    /// each target's latest scan, accepted baselines and the versions they need, every
    /// resource's current version, the audit log (the prune itself is audited).
    pub fn prune(&mut self, cutoff: &str, actor: &str, now: &str, dry_run: bool) -> Result<Pruned> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting prune"))?;
        // Scans to delete: finished before the cutoff, not a baseline, not a target's latest.
        let doomed: Vec<i64> = query_rows(
            &tx,
            "reading scans to prune",
            "SELECT id FROM scans WHERE finished_at < ?1
                       AND id NOT IN (SELECT scan_id FROM baselines)
                       AND id NOT IN (SELECT max(id) FROM scans GROUP BY target)",
            [cutoff],
            |r| r.get(0),
        )?;
        let oldest_kept: i64 = tx
            .query_row(
                "SELECT coalesce(min(id), 0) FROM scans WHERE finished_at >= ?1",
                [cutoff],
                |r| r.get(0),
            )
            .map_err(sql("reading scans"))?;
        let mut out = Pruned {
            scans: doomed.len(),
            ..Default::default()
        };
        // A version is needed while it was written at or after the oldest kept scan, or is
        // the one current at that scan (the state the kept history starts from), or is its
        // resource's latest, or the one current at a baseline scan.
        let needed = "resource_versions.scan_id >= ?1
            OR resource_versions.scan_id = (SELECT max(v.scan_id) FROM resource_versions v WHERE v.resource_id = resource_versions.resource_id AND v.scan_id <= ?1)
            OR resource_versions.scan_id = (SELECT max(v.scan_id) FROM resource_versions v WHERE v.resource_id = resource_versions.resource_id)
            OR EXISTS (SELECT 1 FROM baselines b WHERE resource_versions.scan_id =
                (SELECT max(v.scan_id) FROM resource_versions v WHERE v.resource_id = resource_versions.resource_id AND v.scan_id <= b.scan_id))";
        // A removed resource goes only when no baseline could still show it (every baseline
        // was accepted after its removal).
        let removed_gone = "SELECT r.id FROM resources r JOIN scans s ON s.id = r.removed_scan
            WHERE s.finished_at < ?1 AND NOT EXISTS (SELECT 1 FROM baselines b WHERE b.scan_id < r.removed_scan)";
        let bound = if oldest_kept == 0 {
            i64::MAX
        } else {
            oldest_kept
        };
        out.resource_versions = tx
            .query_row(
                &format!("SELECT count(*) FROM resource_versions WHERE NOT ({needed})"),
                [bound],
                |r| r.get::<_, i64>(0),
            )
            .map_err(sql("counting versions to prune"))? as usize;
        out.removed_resources = tx
            .query_row(
                &format!("SELECT count(*) FROM ({removed_gone})"),
                [cutoff],
                |r| r.get::<_, i64>(0),
            )
            .map_err(sql("counting removed resources"))? as usize;
        out.resolved_findings = tx
            .query_row(
                "SELECT count(*) FROM findings WHERE status = 'resolved' AND resolved_at < ?1",
                [cutoff],
                |r| r.get::<_, i64>(0),
            )
            .map_err(sql("counting resolved findings"))? as usize;
        if dry_run {
            return Ok(out);
        }
        tx.execute(
            &format!("DELETE FROM resource_versions WHERE NOT ({needed})"),
            [bound],
        )
        .map_err(sql("pruning versions"))?;
        tx.execute(
            &format!("DELETE FROM resource_versions WHERE resource_id IN ({removed_gone})"),
            [cutoff],
        )
        .map_err(sql("pruning removed resources"))?;
        tx.execute(
            &format!("DELETE FROM resources WHERE id IN ({removed_gone})"),
            [cutoff],
        )
        .map_err(sql("pruning removed resources"))?;
        tx.execute(
            "DELETE FROM findings WHERE status = 'resolved' AND resolved_at < ?1",
            [cutoff],
        )
        .map_err(sql("pruning resolved findings"))?;
        for id in &doomed {
            tx.execute("DELETE FROM scans WHERE id = ?1", [id])
                .map_err(sql("pruning scans"))?;
        }
        append_audit(
            &tx,
            now,
            actor,
            "history.prune",
            "database",
            &serde_json::json!({"before": cutoff, "pruned": out}),
        )?;
        tx.commit().map_err(sql("committing prune"))?;
        Ok(out)
    }

    /// The database file's size in bytes (pages in use × page size).
    pub fn size_bytes(&self) -> Result<i64> {
        let pages: i64 = self
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .map_err(sql("reading page count"))?;
        let size: i64 = self
            .conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .map_err(sql("reading page size"))?;
        let free: i64 = self
            .conn
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))
            .map_err(sql("reading free pages"))?;
        Ok((pages - free) * size)
    }

    /// Rewrites the file without free pages.
    pub fn vacuum(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
            .map_err(sql("vacuuming"))
    }
}

/// One row of the scans list.
#[derive(Debug, Clone, Serialize)]
pub struct ScanSummary {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    pub target: String,
    pub status: String,
    pub started_at: String,
    pub finished_at: String,
    pub resources: i64,
    pub rules: i64,
    pub evaluations: i64,
}

/// A resource as the store knows it: where it is, its current document, and its versions.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceHistory {
    pub id: String,
    pub resource_type: String,
    pub scope: String,
    pub first_seen_scan: i64,
    pub last_seen_scan: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_scan: Option<i64>,
    pub versions: Vec<ResourceVersion>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceVersion {
    pub scan_id: i64,
    pub collected_at: String,
    pub hash: String,
    pub document: serde_json::Value,
}

impl Store {
    /// Scans, newest first: at most `limit`, with ids below `before` when given.
    pub fn scans(
        &self,
        target: Option<&str>,
        run_id: Option<&str>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<ScanSummary>> {
        let rows: Vec<_> = query_rows(&self.conn, "listing scans", "SELECT id, run_id, target, status, started_at, finished_at, resources, rules, evaluations
                 FROM scans
                 WHERE (?1 IS NULL OR target = ?1) AND (?2 IS NULL OR run_id = ?2)
                   AND (?3 IS NULL OR id < ?3)
                 ORDER BY id DESC LIMIT ?4", rusqlite::params![target, run_id, before, limit as i64],
                |r| {
                    Ok(ScanSummary {
                        id: r.get(0)?,
                        run_id: r.get(1)?,
                        target: r.get(2)?,
                        status: r.get(3)?,
                        started_at: r.get(4)?,
                        finished_at: r.get(5)?,
                        resources: r.get(6)?,
                        rules: r.get(7)?,
                        evaluations: r.get(8)?,
                    })
                },)?;
        Ok(rows)
    }

    /// A resource and its stored versions, newest first.
    pub fn resource_history(&self, id: &str) -> Result<Option<ResourceHistory>> {
        let head = self
            .conn
            .query_row(
                "SELECT id, type, scope, first_seen_scan, last_seen_scan, removed_scan
                 FROM resources WHERE id = ?1",
                [id],
                |r| {
                    Ok(ResourceHistory {
                        id: r.get(0)?,
                        resource_type: r.get(1)?,
                        scope: r.get(2)?,
                        first_seen_scan: r.get(3)?,
                        last_seen_scan: r.get(4)?,
                        removed_scan: r.get(5)?,
                        versions: Vec::new(),
                    })
                },
            )
            .optional()
            .map_err(sql("reading resource"))?;
        let Some(mut head) = head else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT v.scan_id, COALESCE(s.started_at, ''), v.hash, v.document
                 FROM resource_versions v LEFT JOIN scans s ON s.id = v.scan_id
                 WHERE v.resource_id = ?1 ORDER BY v.scan_id DESC",
            )
            .map_err(sql("reading resource versions"))?;
        head.versions = stmt
            .query_map([id], |r| {
                let doc: String = r.get(3)?;
                Ok(ResourceVersion {
                    scan_id: r.get(0)?,
                    collected_at: r.get(1)?,
                    hash: r.get(2)?,
                    document: serde_json::from_str(&doc).unwrap_or(serde_json::Value::Null),
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading resource versions"))?;
        Ok(Some(head))
    }
}
