//! What a scan brings to the store and what it did ([`ScanInput`], [`Lifecycle`]; the
//! writing is `record.rs`), and reading scans back.

use std::collections::BTreeMap;

use serde::Serialize;

use super::resources::DriftSummary;
use super::{query_opt, query_rows, Result, Store};
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
    /// Why the scan ended before every account was read (shutdown, its time ran out, a
    /// stopped process, an account that could not be recorded): the accounts it recorded
    /// stand, the others keep their findings as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
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
                        stopped: None,
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
        scan.stopped = query_opt(
            &self.conn,
            "reading why the scan stopped",
            "SELECT message FROM scan_errors WHERE scan_id = ?1 AND kind = 'scan' LIMIT 1",
            [id],
            |r| r.get(0),
        )?;
        Ok(Some(scan))
    }

    /// PASS / FAIL / error counts per rule for one scan.
    pub fn rule_results(&self, scan_id: i64) -> Result<BTreeMap<String, (i64, i64, i64)>> {
        let rows: Vec<_> = query_rows(
            &self.conn,
            "reading rule results",
            "SELECT rule_id, sum(pass), sum(fail), sum(error) FROM rule_results WHERE scan_id = ?1 GROUP BY rule_id",
            [scan_id],
            |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))),
        )?;
        Ok(rows.into_iter().collect())
    }

    /// Like [`Store::rule_results`], counting only the resources of these accounts (AWS
    /// account ids, cluster names); every rule that ran in the scan is there, with zeros
    /// where it judged nothing of theirs.
    pub fn rule_results_in(
        &self,
        scan_id: i64,
        accounts: &[String],
    ) -> Result<BTreeMap<String, (i64, i64, i64)>> {
        let list = serde_json::to_string(accounts).expect("strings serialize");
        let rows: Vec<_> = query_rows(
            &self.conn,
            "reading rule results",
            "SELECT rule_id,
                    sum(CASE WHEN account IN (SELECT value FROM json_each(?2)) THEN pass ELSE 0 END),
                    sum(CASE WHEN account IN (SELECT value FROM json_each(?2)) THEN fail ELSE 0 END),
                    sum(CASE WHEN account IN (SELECT value FROM json_each(?2)) THEN error ELSE 0 END)
             FROM rule_results WHERE scan_id = ?1 GROUP BY rule_id",
            rusqlite::params![scan_id, list],
            |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))),
        )?;
        Ok(rows.into_iter().collect())
    }

    /// The resources of these accounts or clusters present as of a scan: seen by then and not
    /// removed by then.
    pub fn resources_in(&self, scan_id: i64, accounts: &[String]) -> Result<i64> {
        let list = serde_json::to_string(accounts).expect("strings serialize");
        Ok(query_opt(
            &self.conn,
            "counting resources",
            "SELECT count(*) FROM resources WHERE account IN (SELECT value FROM json_each(?2))
               AND first_seen_scan <= ?1 AND (removed_scan IS NULL OR removed_scan > ?1)",
            rusqlite::params![scan_id, list],
            |r| r.get(0),
        )?
        .unwrap_or(0))
    }

    /// Whether any scan read this account or cluster (an id or a cluster name).
    pub fn knows_account(&self, id: &str) -> Result<bool> {
        Ok(query_opt(
            &self.conn,
            "reading accounts",
            "SELECT EXISTS (SELECT 1 FROM aws_accounts WHERE id = ?1)
                 OR EXISTS (SELECT 1 FROM scan_coverage
                            WHERE (scope >= 'aws/' || ?1 || '/' AND scope < 'aws/' || ?1 || '0')
                               OR (scope >= 'kubernetes/' || ?1 || '/' AND scope < 'kubernetes/' || ?1 || '0'))",
            [id],
            |r| r.get(0),
        )?
        .unwrap_or(false))
    }
}
