//! Since when each resource has been idle, from vigil's own history.

use std::collections::BTreeMap;

use rusqlite::{params, Transaction};
use serde::Serialize;

use super::{query_rows, sql, Result, Store};
use crate::model::Snapshot;

/// Idle-since of the snapshot's resources: idle ones keep (or get) their time, resources in
/// use again lose theirs, removed resources too. Resources this scan did not see keep theirs.
pub(super) fn record_idle(
    tx: &Transaction,
    scan_id: i64,
    snapshot: &Snapshot,
    idle: &BTreeMap<String, crate::model::idle::Idle>,
) -> Result<()> {
    let mut upsert = tx
        .prepare(
            "INSERT INTO idle (resource_id, since, reason, first_scan) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(resource_id) DO UPDATE SET since = ?2, reason = ?3",
        )
        .map_err(sql("preparing idle upsert"))?;
    let mut clear = tx
        .prepare("DELETE FROM idle WHERE resource_id = ?1")
        .map_err(sql("preparing idle delete"))?;
    for r in &snapshot.resources {
        match idle.get(&r.id) {
            Some(i) => upsert
                .execute(params![
                    r.id,
                    i.since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    i.reason,
                    scan_id
                ])
                .map_err(sql("recording idle resource"))?,
            None => clear
                .execute([&r.id])
                .map_err(sql("clearing idle resource"))?,
        };
    }
    Ok(())
}

/// Removed resources are no longer idle (once per scan, after its parts).
pub(super) fn clear_removed_idle(tx: &Transaction) -> Result<()> {
    tx.execute(
        "DELETE FROM idle WHERE resource_id IN (SELECT id FROM resources WHERE removed_scan IS NOT NULL)",
        [],
    )
    .map_err(sql("clearing removed idle resources"))?;
    Ok(())
}

/// An idle resource as `vigil idle` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct IdleResource {
    pub resource_id: String,
    pub resource_type: String,
    pub account: Option<String>,
    pub since: String,
    pub reason: String,
    /// Its latest document (tags, namespace), not serialized.
    #[serde(skip)]
    pub document: serde_json::Value,
}

impl Store {
    /// Since when each resource known idle has been idle.
    pub fn idle_since(&self) -> Result<BTreeMap<String, chrono::DateTime<chrono::Utc>>> {
        let rows: Vec<_> = query_rows(
            &self.conn,
            "reading idle resources",
            "SELECT resource_id, since FROM idle",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, t)| {
                chrono::DateTime::parse_from_rfc3339(&t)
                    .ok()
                    .map(|t| (id, t.with_timezone(&chrono::Utc)))
            })
            .collect())
    }

    /// Idle resources with their type, reason and since when, and the latest document.
    pub fn idle_resources(&self) -> Result<Vec<IdleResource>> {
        query_rows(
            &self.conn,
            "reading idle resources",
            "SELECT i.resource_id, r.type, r.account, i.since, i.reason,
                    (SELECT document FROM resource_versions v WHERE v.resource_id = i.resource_id
                     ORDER BY v.scan_id DESC LIMIT 1)
             FROM idle i JOIN resources r ON r.id = i.resource_id
             WHERE r.removed_scan IS NULL ORDER BY i.since",
            [],
            |r| {
                let doc: Option<String> = r.get(5)?;
                Ok(IdleResource {
                    resource_id: r.get(0)?,
                    resource_type: r.get(1)?,
                    account: r.get(2)?,
                    since: r.get(3)?,
                    reason: r.get(4)?,
                    document: doc
                        .and_then(|d| serde_json::from_str(&d).ok())
                        .unwrap_or(serde_json::Value::Null),
                })
            },
        )
    }
}
