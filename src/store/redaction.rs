//! The database's redaction key, and the one-time redaction of history stored by a vigil
//! that redacted less (container args, annotations and tags were kept verbatim before).

use rusqlite::params;

use super::{content_hash, query_opt, query_rows, sql, Result, Store};
use crate::drift::Change;
use crate::model::Resource;
use crate::redact::Redactor;

/// The redaction rules stored history was last brought up to. Raise it when
/// [`crate::redact`] learns to redact something it did not before.
const SCRUB_LEVEL: i64 = 1;

/// What [`Store::scrub_history`] rewrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Scrubbed {
    pub versions: usize,
    pub drift_events: usize,
    pub findings: usize,
    pub coverage: usize,
}

impl Scrubbed {
    pub fn total(&self) -> usize {
        self.versions + self.drift_events + self.findings + self.coverage
    }
}

impl Store {
    /// This database's redaction key, made (32 random bytes from the OS) on first use. It
    /// never leaves the database: the hashes beside redacted values mean nothing without it.
    pub fn redaction_key(&self) -> Result<[u8; 32]> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the OS gives random bytes");
        self.conn
            .execute(
                "INSERT OR IGNORE INTO redaction (id, key) VALUES (1, ?1)",
                [&key[..]],
            )
            .map_err(sql("making the redaction key"))?;
        let stored: Vec<u8> = self
            .conn
            .query_row("SELECT key FROM redaction WHERE id = 1", [], |r| r.get(0))
            .map_err(sql("reading the redaction key"))?;
        key.copy_from_slice(&stored);
        Ok(key)
    }

    /// The redactor of this database.
    pub fn redactor(&self) -> Result<Redactor> {
        Ok(Redactor::new(self.redaction_key()?))
    }

    /// Redacts what an older vigil stored verbatim: resource versions (with their hashes,
    /// so the next scan sees no drift), resource names, drift events, finding messages and
    /// coverage errors, then rewrites the file so no freed page keeps the old text. Runs
    /// once per redaction level (`SCRUB_LEVEL`); nothing to do on a database that is up to date.
    pub fn scrub_history(&mut self) -> Result<Scrubbed> {
        let redactor = self.redactor()?;
        let level: i64 = query_opt(
            &self.conn,
            "reading the redaction level",
            "SELECT scrubbed FROM redaction WHERE id = 1",
            [],
            |r| r.get(0),
        )?
        .unwrap_or(0);
        if level >= SCRUB_LEVEL {
            return Ok(Scrubbed::default());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting the history redaction"))?;
        let mut done = Scrubbed::default();
        scrub_versions(&tx, &redactor, &mut done)?;
        scrub_drift(&tx, &redactor, &mut done)?;
        scrub_text(&tx, &redactor, "findings", "message", &mut done.findings)?;
        scrub_text(&tx, &redactor, "scan_coverage", "error", &mut done.coverage)?;
        scrub_text(&tx, &redactor, "scan_errors", "message", &mut done.coverage)?;
        scrub_text(&tx, &redactor, "resources", "name", &mut done.versions)?;
        tx.commit()
            .map_err(sql("committing the history redaction"))?;
        // Old text lives on in freed pages and in the write-ahead log until both go; the
        // level is recorded only once they have, so a failure here is retried next time.
        self.conn
            .execute_batch("VACUUM;")
            .map_err(sql("compacting the database after redaction"))?;
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(sql("checkpointing the database after redaction"))?;
        if busy != 0 {
            tracing::warn!(target: "store", "the write-ahead log is in use by another reader; its redaction is retried at the next start");
            return Ok(done);
        }
        self.conn
            .execute(
                "UPDATE redaction SET scrubbed = ?1 WHERE id = 1",
                [SCRUB_LEVEL],
            )
            .map_err(sql("recording the history redaction"))?;
        if done.total() > 0 {
            tracing::warn!(target: "store", versions = done.versions, drift_events = done.drift_events,
                findings = done.findings, coverage = done.coverage,
                "redacted credential-looking values stored by an earlier vigil");
        }
        Ok(done)
    }
}

fn scrub_versions(
    tx: &rusqlite::Transaction,
    redactor: &Redactor,
    done: &mut Scrubbed,
) -> Result<()> {
    let rows: Vec<(String, i64, String)> = query_rows(
        tx,
        "reading resource versions",
        "SELECT resource_id, scan_id, document FROM resource_versions WHERE document != ''",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut write = tx
        .prepare("UPDATE resource_versions SET hash = ?3, document = ?4 WHERE resource_id = ?1 AND scan_id = ?2")
        .map_err(sql("preparing version rewrite"))?;
    for (id, scan, doc) in rows {
        let Ok(mut r) = serde_json::from_str::<Resource>(&doc) else {
            continue;
        };
        if redactor.resource(&mut r) == 0 {
            continue;
        }
        let (hash, doc) = content_hash(&r);
        write
            .execute(params![id, scan, hash, doc])
            .map_err(sql("rewriting a resource version"))?;
        done.versions += 1;
    }
    // A resource's current hash is its latest version's (removed ones stay removed).
    tx.execute(
        "UPDATE resources SET current_hash = (SELECT v.hash FROM resource_versions v
             WHERE v.resource_id = resources.id ORDER BY v.scan_id DESC LIMIT 1)
         WHERE removed_scan IS NULL AND EXISTS (SELECT 1 FROM resource_versions v
             WHERE v.resource_id = resources.id AND v.document != '')",
        [],
    )
    .map_err(sql("rewriting resource hashes"))?;
    Ok(())
}

fn scrub_drift(tx: &rusqlite::Transaction, redactor: &Redactor, done: &mut Scrubbed) -> Result<()> {
    let rows: Vec<(i64, String)> = query_rows(
        tx,
        "reading drift events",
        "SELECT id, changes FROM drift_events WHERE changes != '[]'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut write = tx
        .prepare("UPDATE drift_events SET changes = ?2 WHERE id = ?1")
        .map_err(sql("preparing drift rewrite"))?;
    for (id, text) in rows {
        let Ok(mut changes) = serde_json::from_str::<Vec<Change>>(&text) else {
            continue;
        };
        let mut n = 0;
        for c in &mut changes {
            for v in [&mut c.before, &mut c.after].into_iter().flatten() {
                n += redactor.at_path(&c.path, v);
            }
        }
        if n > 0 {
            write
                .execute(params![
                    id,
                    serde_json::to_string(&changes).expect("changes serialize")
                ])
                .map_err(sql("rewriting a drift event"))?;
            done.drift_events += 1;
        }
    }
    Ok(())
}

fn scrub_text(
    tx: &rusqlite::Transaction,
    redactor: &Redactor,
    table: &str,
    column: &str,
    count: &mut usize,
) -> Result<()> {
    let rows: Vec<(i64, String)> = query_rows(
        tx,
        "reading stored text",
        &format!("SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL"),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut write = tx
        .prepare(&format!(
            "UPDATE {table} SET {column} = ?2 WHERE rowid = ?1"
        ))
        .map_err(sql("preparing text rewrite"))?;
    for (rowid, mut text) in rows {
        if redactor.text(&mut text) {
            write
                .execute(params![rowid, text])
                .map_err(sql("rewriting stored text"))?;
            *count += 1;
        }
    }
    Ok(())
}
