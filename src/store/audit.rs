//! The hash-chained audit log: appending an entry inside a transaction, reading the log
//! back, and verifying the chain against the scans, waivers and baselines it vouches for.

use std::collections::HashSet;

use rusqlite::{params, Transaction};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::{query_opt, query_rows, sql, Result, Store};

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

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry's hash: SHA-256 over each part (previous hash, id, time, actor, action,
/// subject, details text) prefixed by its length as 8 big-endian bytes.
pub fn entry_hash(
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
    hex::encode(h.finalize())
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
    let last: Option<(i64, String)> = query_opt(
        tx,
        "reading the audit log",
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
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

/// A row of the audit log as stored, `details` still text: the hash covers that text.
struct Row {
    id: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    details: String,
    prev_hash: String,
    hash: String,
}

impl Row {
    fn details(&self) -> serde_json::Value {
        serde_json::from_str(&self.details).unwrap_or(serde_json::Value::Null)
    }
}

impl Store {
    fn audit_rows(&self) -> Result<Vec<Row>> {
        query_rows(
            &self.conn,
            "reading the audit log",
            "SELECT id, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY id",
            [],
            |r| {
                Ok(Row {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    subject: r.get(4)?,
                    details: r.get(5)?,
                    prev_hash: r.get(6)?,
                    hash: r.get(7)?,
                })
            },
        )
    }

    /// The entries about one subject (`plan 3`), oldest first.
    pub fn audit_of(&self, subject: &str) -> Result<Vec<AuditEntry>> {
        query_rows(
            &self.conn,
            "reading the audit log",
            "SELECT id, at, actor, action, subject, details, prev_hash, hash FROM audit_log
             WHERE subject = ?1 ORDER BY id",
            [subject],
            |r| {
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
            },
        )
    }

    /// The audit log, oldest first.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        Ok(self
            .audit_rows()?
            .into_iter()
            .map(|r| AuditEntry {
                details: serde_json::from_str(&r.details)
                    .unwrap_or(serde_json::Value::String(r.details)),
                id: r.id,
                at: r.at,
                actor: r.actor,
                action: r.action,
                subject: r.subject,
                prev_hash: r.prev_hash,
                hash: r.hash,
            })
            .collect())
    }

    /// Walks the chain: every entry's hash must match its contents and the previous entry's
    /// hash, ids must follow each other, every scan must have its entry, and the waivers and
    /// baselines in force must be what the log says was done.
    /// Appends one entry of its own (an export, an upload); its hash.
    pub fn audit_event(
        &mut self,
        actor: &str,
        action: &str,
        subject: &str,
        details: &serde_json::Value,
    ) -> Result<String> {
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting an audit entry"))?;
        let hash = append_audit(&tx, &at, actor, action, subject, details)?;
        tx.commit().map_err(sql("committing an audit entry"))?;
        Ok(hash)
    }

    /// Every entry as stored (details as the exact text its hash covers), oldest first:
    /// what an evidence pack carries, so anyone can recompute the chain.
    pub fn audit_export(&self) -> Result<Vec<serde_json::Value>> {
        Ok(self
            .audit_rows()?
            .into_iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "at": r.at, "actor": r.actor, "action": r.action,
                    "subject": r.subject, "details": r.details,
                    "prev_hash": r.prev_hash, "hash": r.hash,
                })
            })
            .collect())
    }

    /// The last entry's hash (None for an empty log).
    pub fn audit_head(&self) -> Result<Option<String>> {
        query_opt(
            &self.conn,
            "reading the audit log",
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
    }

    pub fn verify_audit(&self) -> Result<AuditCheck> {
        let rows = self.audit_rows()?;
        let (head, mut problems) = chain_problems(&rows);
        problems.extend(self.scan_link_problems(&rows)?);
        problems.extend(self.waiver_problems(&rows)?);
        problems.extend(self.baseline_problems(&rows)?);
        problems.extend(self.plan_problems(&rows)?);
        Ok(AuditCheck {
            entries: rows.len(),
            head,
            problems,
        })
    }

    /// Each scan wrote an entry and keeps that entry's hash in its row: a removed tail, or a
    /// link removed from a scan, shows.
    fn scan_link_problems(&self, rows: &[Row]) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let linked: Vec<(i64, String)> = query_rows(
            &self.conn,
            "reading scans",
            "SELECT id, audit_hash FROM scans WHERE audit_hash IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let hashes: HashSet<&String> = rows.iter().map(|r| &r.hash).collect();
        for (scan, h) in linked {
            if !hashes.contains(&h) {
                problems.push(format!("scan {scan}: its audit entry is missing"));
            }
        }
        // Every scan since auditing began has its entry's hash (once it is finished: a scan
        // being recorded writes its entry last).
        let unlinked: Vec<i64> = query_rows(
            &self.conn,
            "reading scans",
            "SELECT id FROM scans WHERE audit_hash IS NULL AND recording = 0
               AND id > (SELECT coalesce(min(id), 1 << 62) FROM scans WHERE audit_hash IS NOT NULL)",
            [],
            |r| r.get(0),
        )?;
        for scan in unlinked {
            problems.push(format!(
                "scan {scan}: its link to the audit log was removed"
            ));
        }
        Ok(problems)
    }

    /// Every waiver was added, and removed if it is, by an audited action that recorded it
    /// as it stands.
    fn waiver_problems(&self, rows: &[Row]) -> Result<Vec<String>> {
        let mut problems = Vec::new();
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
            match rows
                .iter()
                .find(|r| r.action == "waiver.add" && r.subject == subject)
            {
                None => problems.push(format!("waiver {id}: no audit entry added it")),
                Some(r) if r.details() != recorded => problems.push(format!(
                    "waiver {id}: differs from what the audit log recorded when it was added"
                )),
                _ => {}
            }
            let logged_removal = rows
                .iter()
                .any(|r| r.action == "waiver.remove" && r.subject == subject);
            if removed_at.is_some() != logged_removal {
                problems.push(format!(
                    "waiver {id}: its removal does not match the audit log"
                ));
            }
        }
        Ok(problems)
    }

    /// Each plan was proposed with the hash it has, is in the state the log moved it to
    /// last, and each approval it holds was audited with that approver and hash.
    fn plan_problems(&self, rows: &[Row]) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let plans: Vec<(i64, String, String)> = query_rows(
            &self.conn,
            "reading plans",
            "SELECT id, state, plan_hash FROM plans",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let approvals: Vec<(i64, String, String)> = query_rows(
            &self.conn,
            "reading approvals",
            "SELECT plan_id, principal, plan_hash FROM approvals",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        for (id, state, hash) in plans {
            let subject = format!("plan {id}");
            let mine: Vec<&Row> = rows.iter().filter(|r| r.subject == subject).collect();
            let hash_of = |r: &Row| {
                r.details()
                    .get("hash")
                    .and_then(|v| v.as_str().map(str::to_string))
            };
            match mine.iter().find(|r| r.action == "plan.propose") {
                None => problems.push(format!("plan {id}: no audit entry proposed it")),
                Some(r) if hash_of(r).as_deref() != Some(hash.as_str()) => problems.push(
                    format!("plan {id}: its actions differ from what the audit log recorded when it was proposed (hash)"),
                ),
                _ => {}
            }
            let last = mine.iter().rev().find_map(|r| {
                r.details()
                    .get("to")
                    .and_then(|v| v.as_str().map(str::to_string))
            });
            if last.as_deref() != Some(state.as_str()) {
                problems.push(format!(
                    "plan {id}: it is {state}, but the audit log last moved it to {}",
                    last.as_deref().unwrap_or("nothing")
                ));
            }
        }
        for (id, principal, hash) in approvals {
            let subject = format!("plan {id}");
            let logged = rows.iter().any(|r| {
                r.action == "plan.approve"
                    && r.subject == subject
                    && r.actor == principal
                    && r.details().get("hash").and_then(|v| v.as_str()) == Some(hash.as_str())
            });
            if !logged {
                problems.push(format!(
                    "plan {id}: the approval by {principal} has no audit entry"
                ));
            }
        }
        Ok(problems)
    }

    /// Each target's baseline is the scan the log accepted last for it.
    fn baseline_problems(&self, rows: &[Row]) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        for b in self.baselines()? {
            let last = rows
                .iter()
                .rev()
                .find(|r| r.action == "baseline.accept" && r.subject == b.target);
            if last.and_then(|r| r.details().get("scan_id").and_then(|v| v.as_i64()))
                != Some(b.scan_id)
            {
                problems.push(format!(
                    "baseline of {}: scan {} is not the one the audit log accepted last",
                    b.target, b.scan_id
                ));
            }
        }
        Ok(problems)
    }
}

/// The chain itself: ids follow each other, each entry names the previous entry's hash, and
/// each hash matches its entry. Returns the head (the last entry's hash) and the problems.
fn chain_problems(rows: &[Row]) -> (String, Vec<String>) {
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    let mut expected_id = 1;
    for r in rows {
        let (id, action, subject) = (r.id, &r.action, &r.subject);
        if id != expected_id {
            let range = if id > expected_id + 1 {
                format!("..{}", id - 1)
            } else {
                String::new()
            };
            problems.push(format!(
                "entry {expected_id}{range}: missing (the next entry is {id})"
            ));
        }
        if r.prev_hash != prev {
            problems.push(format!(
                "entry {id} ({action} {subject}): does not follow the entry before it (its prev_hash is not that entry's hash)"
            ));
        }
        let recomputed = entry_hash(
            &r.prev_hash,
            id,
            &r.at,
            &r.actor,
            action,
            subject,
            &r.details,
        );
        if recomputed != r.hash {
            problems.push(format!(
                "entry {id} ({action} {subject}): its contents were changed after it was written (hash mismatch)"
            ));
        }
        prev = r.hash.clone();
        expected_id = id + 1;
    }
    (prev, problems)
}
