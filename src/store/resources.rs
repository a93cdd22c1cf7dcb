//! Resource versions and drift: a new version only when a resource's document changed,
//! with the drift event that names what changed; removals only in complete scopes.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension as _, Transaction};
use serde::Serialize;

use super::{query_opt, query_rows, sql, Reach, Result, Store};
use crate::digest::sha256_hex;
use crate::drift::{self, Change, Kind};
use crate::model::{Resource, Snapshot};

/// The hash and stored text of a resource: its document without volatile fields, keys in
/// sorted order.
pub fn content_hash(r: &Resource) -> (String, String) {
    let mut value = serde_json::to_value(r).expect("resources serialize");
    crate::drift::strip_volatile(&r.resource_type, &mut value);
    let doc = serde_json::to_string(&value).expect("resources serialize");
    (sha256_hex(&doc), doc)
}

/// The hash of a document in today's canonical form.
pub(super) fn canonical_hash(doc: &serde_json::Value) -> String {
    sha256_hex(serde_json::to_string(doc).expect("documents serialize"))
}

/// The hash a removal is recorded under in `resource_versions` (with an empty document).
pub(super) const REMOVED: &str = "removed";

/// Resource versions and drift: a new version only when a resource's document changed (with
/// a drift event naming the changed paths), `added` for a resource not seen before in an
/// account already scanned, `removed` for a resource missing from a scope collected
/// completely. A resource missing from a failed scope is neither removed nor changed.
pub(super) fn record_resources(
    tx: &Transaction,
    scan_id: i64,
    snapshot: &Snapshot,
) -> Result<DriftSummary> {
    // Scopes collected completely before: a resource new in one of them was added; a resource
    // in a scope seen for the first time (a first scan, a new region or kind, a scope that
    // failed until now) is inventory, not drift.
    let reach = Reach::of(snapshot);
    let known_scopes: HashSet<String> = reach
        .rows(
            tx,
            "reading earlier coverage",
            "SELECT DISTINCT scope FROM scan_coverage WHERE status = 'complete' AND scan_id < ?1 AND {scope}",
            &[&scan_id],
            |r| r.get(0),
        )?
        .into_iter()
        .collect();
    // The stored hashes of the accounts in reach at once (one query, not one per resource);
    // a resource stored under another account's scope is looked up on its own.
    let hashes: HashMap<String, String> = reach
        .rows(
            tx,
            "reading resource hashes",
            "SELECT id, current_hash FROM resources WHERE {scope}",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .into_iter()
        .collect();
    let mut w = Writer::prepare(tx, scan_id)?;
    let mut summary = DriftSummary::default();
    for r in &snapshot.resources {
        let elsewhere;
        let prev = match hashes.get(&r.id) {
            Some(h) => Some(h.as_str()),
            None => {
                elsewhere = w.stored_hash(&r.id)?;
                elsewhere.as_deref()
            }
        };
        match w.present(r, prev, &known_scopes)? {
            Some(Kind::Added) => summary.added += 1,
            Some(Kind::Modified) => summary.modified += 1,
            _ => {}
        }
    }
    summary.removed = w.removals(tx, snapshot, &reach)?;
    Ok(summary)
}

/// The statements one scan's resource writes reuse.
struct Writer<'t> {
    scan_id: i64,
    stored: rusqlite::Statement<'t>,
    previous_doc: rusqlite::Statement<'t>,
    upsert: rusqlite::Statement<'t>,
    seen_again: rusqlite::Statement<'t>,
    rehash: rusqlite::Statement<'t>,
    version: rusqlite::Statement<'t>,
    event: rusqlite::Statement<'t>,
    remove: rusqlite::Statement<'t>,
}

impl<'t> Writer<'t> {
    fn prepare(tx: &'t Transaction, scan_id: i64) -> Result<Writer<'t>> {
        let prepare = |op: &'static str, q: &str| tx.prepare(q).map_err(sql(op));
        Ok(Writer {
            scan_id,
            stored: prepare(
                "preparing hash lookup",
                "SELECT current_hash FROM resources WHERE id = ?1",
            )?,
            previous_doc: prepare(
                "preparing version lookup",
                "SELECT document FROM resource_versions WHERE resource_id = ?1 ORDER BY scan_id DESC LIMIT 1",
            )?,
            upsert: prepare(
                "preparing resource upsert",
                "INSERT INTO resources (id, type, provider, account, region, name, scope, current_hash, first_seen_scan, last_seen_scan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
                 ON CONFLICT(id) DO UPDATE SET type = ?2, provider = ?3, account = ?4, region = ?5, name = ?6,
                     scope = ?7, current_hash = ?8, last_seen_scan = ?9, removed_scan = NULL",
            )?,
            seen_again: prepare(
                "preparing resource update",
                "UPDATE resources SET last_seen_scan = ?2 WHERE id = ?1",
            )?,
            rehash: prepare(
                "preparing resource update",
                "UPDATE resources SET current_hash = ?2, last_seen_scan = ?3 WHERE id = ?1",
            )?,
            version: prepare(
                "preparing version insert",
                "INSERT OR REPLACE INTO resource_versions (resource_id, scan_id, hash, document) VALUES (?1, ?2, ?3, ?4)",
            )?,
            event: prepare(
                "preparing drift event",
                "INSERT INTO drift_events (scan_id, resource_id, resource_type, account, change, changes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            remove: prepare(
                "preparing removal",
                "UPDATE resources SET removed_scan = ?2, current_hash = ?3 WHERE id = ?1",
            )?,
        })
    }

    /// A resource's stored hash, read on its own.
    fn stored_hash(&mut self, id: &str) -> Result<Option<String>> {
        self.stored
            .query_row([id], |row| row.get(0))
            .optional()
            .map_err(sql("reading a resource's hash"))
    }

    fn drift_event(
        &mut self,
        id: &str,
        ty: &str,
        account: Option<&str>,
        kind: Kind,
        changes: &[Change],
    ) -> Result<()> {
        let changes = serde_json::to_string(changes).expect("changes serialize");
        self.event
            .execute(params![
                self.scan_id,
                id,
                ty,
                account,
                kind.as_str(),
                changes
            ])
            .map(|_| ())
            .map_err(sql("writing drift event"))
    }

    /// The resource's previous document, in today's canonical form; None for a resource
    /// new or removed until now.
    fn before(&mut self, r: &Resource, prev: Option<&str>) -> Result<Option<serde_json::Value>> {
        if matches!(prev, Some(REMOVED) | None) {
            return Ok(None);
        }
        let text = self
            .previous_doc
            .query_row([&r.id], |row| row.get::<_, String>(0))
            .optional()
            .map_err(sql("reading previous version"))?;
        Ok(text
            .and_then(|t| serde_json::from_str(&t).ok())
            .map(|mut b| {
                drift::strip_volatile(&r.resource_type, &mut b);
                b
            }))
    }

    /// Records one collected resource: seen again, or a new version with its drift event.
    /// Returns the drift it counts as.
    fn present(
        &mut self,
        r: &Resource,
        prev: Option<&str>,
        known_scopes: &HashSet<String>,
    ) -> Result<Option<Kind>> {
        let (hash, doc) = content_hash(r);
        if prev == Some(hash.as_str()) {
            self.seen_again
                .execute(params![r.id, self.scan_id])
                .map_err(sql("writing resource"))?;
            return Ok(None);
        }
        let before = self.before(r, prev)?;
        // A version written by an older vigil hashes differently (key order, volatile
        // fields): the same document in today's form is not a change.
        if before.as_ref().is_some_and(|b| canonical_hash(b) == hash) {
            self.rehash
                .execute(params![r.id, hash, self.scan_id])
                .map_err(sql("writing resource"))?;
            return Ok(None);
        }
        let scope = r.scope();
        self.upsert
            .execute(params![
                r.id,
                r.resource_type,
                r.provider,
                r.account,
                r.region,
                r.name,
                scope,
                hash,
                self.scan_id
            ])
            .map_err(sql("writing resource"))?;
        let account = r.account.as_deref();
        let drift = match before {
            None if super::covers(known_scopes, &scope) => {
                self.drift_event(&r.id, &r.resource_type, account, Kind::Added, &[])?;
                Some(Kind::Added)
            }
            None => None,
            Some(before) => {
                let after: serde_json::Value = serde_json::from_str(&doc).expect("just serialized");
                let changes = drift::diff_resources(&before, &after);
                // Nothing left once legacy redaction markers are set aside: no drift.
                if changes.is_empty() {
                    None
                } else {
                    self.drift_event(&r.id, &r.resource_type, account, Kind::Modified, &changes)?;
                    Some(Kind::Modified)
                }
            }
        };
        self.version
            .execute(params![r.id, self.scan_id, hash, doc])
            .map_err(sql("writing resource version"))?;
        Ok(drift)
    }

    /// Removed: present before, absent now, in a scope this scan collected completely.
    /// Returns how many.
    fn removals(&mut self, tx: &Transaction, snapshot: &Snapshot, reach: &Reach) -> Result<usize> {
        let complete = snapshot.complete_scopes();
        let seen: HashSet<&str> = snapshot.resources.iter().map(|r| r.id.as_str()).collect();
        let candidates: Vec<(String, String, Option<String>, String)> = reach.rows(
            tx,
            "reading present resources",
            "SELECT id, type, account, scope FROM resources WHERE removed_scan IS NULL AND last_seen_scan < ?1 AND {scope}",
            &[&self.scan_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut removed = 0;
        for (id, ty, account, scope) in candidates {
            if !super::covers(&complete, &scope) || seen.contains(id.as_str()) {
                continue;
            }
            self.remove
                .execute(params![id, self.scan_id, REMOVED])
                .map_err(sql("recording removal"))?;
            self.version
                .execute(params![id, self.scan_id, REMOVED, ""])
                .map_err(sql("recording removal"))?;
            self.drift_event(&id, &ty, account.as_deref(), Kind::Removed, &[])?;
            removed += 1;
        }
        Ok(removed)
    }
}

/// Resources added, removed and modified in one scan.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct DriftSummary {
    pub added: usize,
    pub removed: usize,
    pub modified: usize,
}

impl Store {
    /// The latest stored document of a resource.
    pub fn document(&self, resource_id: &str) -> Result<Option<serde_json::Value>> {
        let doc: Option<String> = query_opt(&self.conn, "reading resource version", "SELECT document FROM resource_versions WHERE resource_id = ?1 ORDER BY scan_id DESC LIMIT 1",
                [resource_id],
                |r| r.get(0))?;
        Ok(doc.and_then(|d| serde_json::from_str(&d).ok()))
    }

    /// The resource types whose scopes the latest scan to read them read whole, in any
    /// account or region: what the current resources hold all of, whichever target or
    /// services each scan read (a scan of S3 alone leaves EC2's last complete read standing).
    pub fn covered_types(&self) -> Result<HashSet<String>> {
        let scopes: Vec<String> = query_rows(
            &self.conn,
            "reading coverage",
            "SELECT c.scope FROM scan_coverage c
             WHERE c.status = 'complete'
               AND c.scan_id = (SELECT max(scan_id) FROM scan_coverage WHERE scope = c.scope)",
            [],
            |r| r.get(0),
        )?;
        Ok(scopes
            .iter()
            .filter_map(|s| s.rsplit('/').next().map(str::to_string))
            .collect())
    }

    /// Every resource the latest scans hold (removed ones left out), as last stored.
    pub fn current_resources(&self) -> Result<Vec<Resource>> {
        let docs: Vec<String> = query_rows(
            &self.conn,
            "reading current resources",
            "SELECT v.document FROM resources r
             JOIN resource_versions v ON v.resource_id = r.id AND v.hash = r.current_hash
             WHERE r.removed_scan IS NULL
             GROUP BY r.id",
            [],
            |r| r.get(0),
        )?;
        Ok(docs
            .iter()
            .filter_map(|d| serde_json::from_str::<Resource>(d).ok())
            .collect())
    }

    /// A resource as last stored and its version hash; None when it is unknown or was
    /// removed.
    pub fn current(&self, resource_id: &str) -> Result<Option<(Resource, String)>> {
        let hash: Option<String> = query_opt(
            &self.conn,
            "reading resource",
            "SELECT current_hash FROM resources WHERE id = ?1 AND removed_scan IS NULL",
            [resource_id],
            |r| r.get(0),
        )?;
        let Some(hash) = hash else { return Ok(None) };
        Ok(self
            .document(resource_id)?
            .and_then(|d| serde_json::from_value::<Resource>(d).ok())
            .map(|r| (r, hash)))
    }
}
