//! Retention: pruning history older than a cutoff, the database's size, and VACUUM.

use serde::Serialize;

use super::audit::append_audit;
use super::{query_rows, sql, Result, Store};

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
        // Scans to delete: finished before the cutoff, not a baseline, not a target's latest
        // finished one, not one being recorded.
        let doomed: Vec<i64> = query_rows(
            &tx,
            "reading scans to prune",
            "SELECT id FROM scans WHERE finished_at < ?1 AND recording = 0
                       AND id NOT IN (SELECT scan_id FROM baselines)
                       AND id NOT IN (SELECT max(id) FROM scans WHERE recording = 0 GROUP BY target)",
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
        let bound = if oldest_kept == 0 {
            i64::MAX
        } else {
            oldest_kept
        };
        let out = count(&tx, cutoff, bound, doomed.len())?;
        if dry_run {
            return Ok(out);
        }
        delete(&tx, cutoff, bound, &doomed)?;
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

/// A version is needed while it was written at or after the oldest kept scan (`?1`), or is
/// the one current at that scan (the state the kept history starts from), or is its
/// resource's latest, or the one current at a baseline scan.
const NEEDED: &str = "resource_versions.scan_id >= ?1
    OR resource_versions.scan_id = (SELECT max(v.scan_id) FROM resource_versions v WHERE v.resource_id = resource_versions.resource_id AND v.scan_id <= ?1)
    OR resource_versions.scan_id = (SELECT max(v.scan_id) FROM resource_versions v WHERE v.resource_id = resource_versions.resource_id)
    OR EXISTS (SELECT 1 FROM baselines b WHERE resource_versions.scan_id =
        (SELECT max(v.scan_id) FROM resource_versions v WHERE v.resource_id = resource_versions.resource_id AND v.scan_id <= b.scan_id))";

/// A removed resource goes only when no baseline could still show it (every baseline was
/// accepted after its removal).
const REMOVED_GONE: &str = "SELECT r.id FROM resources r JOIN scans s ON s.id = r.removed_scan
    WHERE s.finished_at < ?1 AND NOT EXISTS (SELECT 1 FROM baselines b WHERE b.scan_id < r.removed_scan)";

/// What a prune at `cutoff` would remove.
fn count(tx: &rusqlite::Transaction, cutoff: &str, bound: i64, scans: usize) -> Result<Pruned> {
    let n = |op: &'static str, q: &str, p: &dyn rusqlite::ToSql| -> Result<usize> {
        tx.query_row(q, [p], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(sql(op))
    };
    Ok(Pruned {
        scans,
        resource_versions: n(
            "counting versions to prune",
            &format!("SELECT count(*) FROM resource_versions WHERE NOT ({NEEDED})"),
            &bound,
        )?,
        removed_resources: n(
            "counting removed resources",
            &format!("SELECT count(*) FROM ({REMOVED_GONE})"),
            &cutoff,
        )?,
        resolved_findings: n(
            "counting resolved findings",
            "SELECT count(*) FROM findings WHERE status = 'resolved' AND resolved_at < ?1",
            &cutoff,
        )?,
    })
}

/// Deletes what [`count`] counted.
fn delete(tx: &rusqlite::Transaction, cutoff: &str, bound: i64, doomed: &[i64]) -> Result<()> {
    tx.execute(
        &format!("DELETE FROM resource_versions WHERE NOT ({NEEDED})"),
        [bound],
    )
    .map_err(sql("pruning versions"))?;
    tx.execute(
        &format!("DELETE FROM resource_versions WHERE resource_id IN ({REMOVED_GONE})"),
        [cutoff],
    )
    .map_err(sql("pruning removed resources"))?;
    tx.execute(
        &format!("DELETE FROM resources WHERE id IN ({REMOVED_GONE})"),
        [cutoff],
    )
    .map_err(sql("pruning removed resources"))?;
    tx.execute(
        "DELETE FROM findings WHERE status = 'resolved' AND resolved_at < ?1",
        [cutoff],
    )
    .map_err(sql("pruning resolved findings"))?;
    for id in doomed {
        tx.execute("DELETE FROM scans WHERE id = ?1", [id])
            .map_err(sql("pruning scans"))?;
    }
    Ok(())
}
