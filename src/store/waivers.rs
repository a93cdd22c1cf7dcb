//! Waivers and finding queries.

use rusqlite::params;

use super::audit::append_audit;
use super::{query_opt, query_rows, sql, Error, Result, Store};
use crate::model::Waiver;

impl Store {
    /// Adds a waiver (audited) and returns its id.
    pub fn add_waiver(&mut self, w: &Waiver) -> Result<i64> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting waiver transaction"))?;
        tx.execute(
            "INSERT INTO waivers (rule, resource, reason, owner, expires_at, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![w.rule, w.resource, w.reason, w.owner, w.expires_at, w.created_at, w.created_by],
        )
        .map_err(sql("writing waiver"))?;
        let id = tx.last_insert_rowid();
        append_audit(
            &tx,
            &w.created_at,
            &w.created_by,
            "waiver.add",
            &format!("waiver {id}"),
            &serde_json::json!({"rule": w.rule, "resource": w.resource, "reason": w.reason,
                "owner": w.owner, "expires_at": w.expires_at}),
        )?;
        tx.commit().map_err(sql("committing waiver"))?;
        Ok(id)
    }

    /// Removes a waiver (kept in the database as removed; audited).
    pub fn remove_waiver(&mut self, id: i64, actor: &str, now: &str) -> Result<Waiver> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting waiver transaction"))?;
        let changed = tx
            .execute(
                "UPDATE waivers SET removed_at = ?2, removed_by = ?3 WHERE id = ?1 AND removed_at IS NULL",
                params![id, now, actor],
            )
            .map_err(sql("removing waiver"))?;
        if changed == 0 {
            return Err(Error::NotFound(format!("waiver {id} in force")));
        }
        let w = read_waiver(&tx, id)?.expect("just updated");
        append_audit(
            &tx,
            now,
            actor,
            "waiver.remove",
            &format!("waiver {id}"),
            &serde_json::json!({"rule": w.rule, "resource": w.resource}),
        )?;
        tx.commit().map_err(sql("committing waiver"))?;
        Ok(w)
    }

    /// Waivers not removed (expired ones included), by id.
    pub fn waivers(&self) -> Result<Vec<Waiver>> {
        let rows: Vec<_> = query_rows(
            &self.conn,
            "reading waivers",
            &format!("SELECT {WAIVER_COLUMNS} FROM waivers WHERE removed_at IS NULL ORDER BY id"),
            [],
            row_to_waiver,
        )?;
        Ok(rows)
    }

    /// Every waiver not removed, with how many present findings (open, reopened) it matches.
    /// A waiver overlapped by another still counts its own matches.
    pub fn waiver_matches(
        &self,
        _now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<(Waiver, usize)>> {
        let waivers = self.waivers()?;
        if waivers.is_empty() {
            return Ok(Vec::new());
        }
        let globs: Vec<(regex::Regex, regex::Regex)> = waivers
            .iter()
            .map(|w| {
                (
                    crate::model::waiver::glob(&w.rule),
                    crate::model::waiver::glob(&w.resource),
                )
            })
            .collect();
        let mut counts = vec![0; waivers.len()];
        // Row by row: an organization's present findings are millions.
        let mut stmt = self
            .conn
            .prepare("SELECT rule_id, resource_id FROM findings WHERE status != 'resolved'")
            .map_err(sql("reading findings"))?;
        let mut rows = stmt.query([]).map_err(sql("reading findings"))?;
        while let Some(r) = rows.next().map_err(sql("reading findings"))? {
            let rule = r.get_ref(0).and_then(|v| v.as_str().map_err(Into::into));
            let resource = r.get_ref(1).and_then(|v| v.as_str().map_err(Into::into));
            let (rule, resource) = (
                rule.map_err(sql("reading findings"))?,
                resource.map_err(sql("reading findings"))?,
            );
            for (i, (rg, rs)) in globs.iter().enumerate() {
                if rg.is_match(rule) && rs.is_match(resource) {
                    counts[i] += 1;
                }
            }
        }
        Ok(waivers.into_iter().zip(counts).collect())
    }
}

const WAIVER_COLUMNS: &str =
    "id, rule, resource, reason, owner, expires_at, created_at, created_by";

fn row_to_waiver(r: &rusqlite::Row) -> rusqlite::Result<Waiver> {
    Ok(Waiver {
        id: r.get(0)?,
        rule: r.get(1)?,
        resource: r.get(2)?,
        reason: r.get(3)?,
        owner: r.get(4)?,
        expires_at: r.get(5)?,
        created_at: r.get(6)?,
        created_by: r.get(7)?,
    })
}

fn read_waiver(tx: &rusqlite::Transaction, id: i64) -> Result<Option<Waiver>> {
    query_opt(
        tx,
        "reading waiver",
        &format!("SELECT {WAIVER_COLUMNS} FROM waivers WHERE id = ?1"),
        [id],
        row_to_waiver,
    )
}
