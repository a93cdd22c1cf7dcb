//! Reading history back: the scans list and one resource's stored versions.

use serde::Serialize;

use super::{query_opt, query_rows, sql, Error, Result, Store};

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
    /// The newest finished scan's id, optionally of one target.
    pub fn latest_scan(&self, target: Option<&str>) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT max(id) FROM scans WHERE recording = 0 AND (?1 IS NULL OR target = ?1)",
                [target],
                |r| r.get(0),
            )
            .map_err(sql("reading scans"))
    }

    /// Finished scans, newest first: at most `limit`, with ids below `before` when given
    /// (a scan being recorded account by account shows once it is finished).
    pub fn scans(
        &self,
        target: Option<&str>,
        run_id: Option<&str>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<ScanSummary>> {
        let rows: Vec<_> = query_rows(&self.conn, "listing scans", "SELECT id, run_id, target, status, started_at, finished_at, resources, rules, evaluations
                 FROM scans
                 WHERE recording = 0 AND (?1 IS NULL OR target = ?1) AND (?2 IS NULL OR run_id = ?2)
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
        let head = query_opt(
            &self.conn,
            "reading resource",
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
        )?;
        let Some(mut head) = head else {
            return Ok(None);
        };
        head.versions = query_rows(
            &self.conn,
            "reading resource versions",
            "SELECT v.scan_id, COALESCE(s.started_at, ''), v.hash, v.document
             FROM resource_versions v LEFT JOIN scans s ON s.id = v.scan_id
             WHERE v.resource_id = ?1 ORDER BY v.scan_id DESC",
            [id],
            |r| {
                let doc: String = r.get(3)?;
                Ok(ResourceVersion {
                    scan_id: r.get(0)?,
                    collected_at: r.get(1)?,
                    hash: r.get(2)?,
                    document: serde_json::from_str(&doc).unwrap_or(serde_json::Value::Null),
                })
            },
        )?;
        Ok(Some(head))
    }

    /// The documents of the resources a scan saw (in the scopes it covered), each as its
    /// latest version at that scan, in id order, handed to `each` one at a time: id,
    /// type, document. What an evidence pack keeps.
    pub fn for_each_scan_document<E: From<Error>>(
        &self,
        scan_id: i64,
        mut each: impl FnMut(&str, &str, &str) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        const OP: &str = "reading a scan's documents";
        let mut stmt = self.conn.prepare(SCAN_DOCUMENTS).map_err(sql(OP))?;
        let mut rows = stmt.query([scan_id]).map_err(sql(OP))?;
        while let Some(r) = rows.next().map_err(sql(OP))? {
            let text = |i| -> Result<String> { r.get(i).map_err(sql(OP)) };
            each(&text(0)?, &text(1)?, &text(2)?)?;
        }
        Ok(())
    }
}

const SCAN_DOCUMENTS: &str = "SELECT r.id, r.type, v.document
             FROM resources r
             JOIN scans s ON s.id = ?1
             JOIN resource_versions v ON v.resource_id = r.id
              AND v.scan_id = (SELECT max(scan_id) FROM resource_versions
                               WHERE resource_id = r.id AND scan_id <= ?1)
             WHERE r.first_seen_scan <= ?1 AND r.last_seen_scan >= ?1
               AND EXISTS (SELECT 1 FROM scan_coverage c WHERE c.scan_id = s.id
                           AND (c.scope = r.scope
                                OR c.scope = r.provider || '/' || r.account || '/*/' || r.type))
               AND v.document != ''
             ORDER BY r.id";
