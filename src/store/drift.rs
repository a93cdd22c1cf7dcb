//! Drift read back: the events of past scans, accepted baselines, and how a target's
//! current state differs from its baseline.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rusqlite::params;
use serde::Serialize;

use super::audit::append_audit;
use super::{query_opt, query_rows, sql, Error, Result, Store};
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

fn parse_changes(text: &str) -> Vec<Change> {
    serde_json::from_str(text).unwrap_or_default()
}

impl Store {
    /// Drift events of the scans after `since` (exclusive), oldest first; only those whose
    /// resource id matches `pattern` (`*` wildcards) when given.
    pub fn drift_since(&self, since: i64, pattern: Option<&str>) -> Result<Vec<DriftEvent>> {
        query_rows(
            &self.conn,
            "reading drift",
            "SELECT d.scan_id, s.finished_at, d.resource_id, d.resource_type, d.account, d.change, d.changes
             FROM drift_events d JOIN scans s ON s.id = d.scan_id
             WHERE d.scan_id > ?1 AND (?2 IS NULL OR d.resource_id GLOB ?2)
             ORDER BY d.scan_id, d.resource_id",
            params![since, pattern],
            |r| {
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
            },
        )
    }

    /// Makes a scan the accepted baseline of its target (audited).
    pub fn accept_baseline(&mut self, scan_id: i64, actor: &str, now: &str) -> Result<Baseline> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting baseline transaction"))?;
        let target: Option<String> = query_opt(
            &tx,
            "reading scan",
            "SELECT target FROM scans WHERE id = ?1",
            [scan_id],
            |r| r.get(0),
        )?;
        let Some(target) = target else {
            return Err(Error::NotFound(format!("scan {scan_id}")));
        };
        let previous: Option<i64> = query_opt(
            &tx,
            "reading baselines",
            "SELECT scan_id FROM baselines WHERE target = ?1",
            [&target],
            |r| r.get(0),
        )?;
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
        let rows: Vec<(String, String, String, Option<String>, String, String)> = query_rows(
            &self.conn,
            "reading resource versions",
            "SELECT v.resource_id, r.type, r.provider, r.account, v.hash, v.document
             FROM resource_versions v
             JOIN (SELECT resource_id, max(scan_id) AS m FROM resource_versions
                   WHERE ?1 IS NULL OR scan_id <= ?1 GROUP BY resource_id) x
               ON v.resource_id = x.resource_id AND v.scan_id = x.m
             JOIN resources r ON r.id = v.resource_id",
            [at],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )?;
        Ok(rows
            .into_iter()
            .filter(|(_, _, provider, account, hash, _)| {
                hash != super::resources::REMOVED
                    && accounts.contains(&(provider.clone(), account.clone().unwrap_or_default()))
            })
            .map(|(id, ty, _, account, hash, doc)| {
                (
                    id,
                    Stored {
                        ty,
                        account,
                        hash,
                        doc,
                    },
                )
            })
            .collect())
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
        let ids: BTreeSet<&String> = then.keys().chain(now.keys()).collect();
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
}
