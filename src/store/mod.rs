//! SQLite storage: one file, WAL mode, versioned migrations. Every scan's writes happen in
//! one transaction, so a crash leaves the previous state intact.
//!
//! The rule that must never break: a finding is resolved only when its scope was collected
//! completely in this scan and its rule ran cleanly on it. Otherwise it stays open and is
//! marked stale.

mod history;
mod migrations;
mod redaction;
mod waivers;

pub use redaction::Scrubbed;

pub use waivers::{FindingEvent, FindingFilter};

pub use history::{
    AuditCheck, AuditEntry, Baseline, DriftEvent, Pruned, ResourceHistory, ResourceVersion,
    ScanSummary,
};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{
    CoverageStatus, Finding, FindingStatus, Resource, ScanStatus, Severity, Snapshot,
};
use crate::policy::EvalReport;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("opening database {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("creating database directory {path}: {source}")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("migrating database {path} to version {version}: {source}")]
    Migrate {
        path: String,
        version: usize,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database {path} has schema version {found}, newer than this vigil knows ({known}); upgrade vigil")]
    TooNew {
        path: String,
        found: usize,
        known: usize,
    },
    #[error("`{account}` was {stored} in earlier scans of this database, and is {found} now: another cluster under the same name would resolve the first one's findings. Give it its own name (--cluster-name, `name` in the config) or use another database")]
    IdentityMismatch {
        account: String,
        stored: String,
        found: String,
    },
    #[error("no {0} in this database")]
    NotFound(String),
    #[error("{op}: {source}")]
    Sql {
        op: &'static str,
        #[source]
        source: rusqlite::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn sql(op: &'static str) -> impl FnOnce(rusqlite::Error) -> Error {
    move |source| Error::Sql { op, source }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

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
    pub idle: &'a BTreeMap<String, crate::idle::Idle>,
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
}

impl Store {
    /// Opens (creating if needed) the database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let p = path.display().to_string();
        let conn = Connection::open(path).map_err(|source| Error::Open {
            path: p.clone(),
            source,
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .and_then(|_| conn.pragma_update(None, "foreign_keys", "ON"))
            .and_then(|_| conn.pragma_update(None, "synchronous", "NORMAL"))
            .and_then(|_| conn.busy_timeout(std::time::Duration::from_secs(10)))
            .map_err(|source| Error::Open {
                path: p.clone(),
                source,
            })?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> Result<()> {
        let p = self.path.display().to_string();
        let version: usize = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map_err(|source| Error::Open {
                path: p.clone(),
                source,
            })? as usize;
        let known = migrations::MIGRATIONS.len();
        if version > known {
            return Err(Error::TooNew {
                path: p,
                found: version,
                known,
            });
        }
        for (i, m) in migrations::MIGRATIONS.iter().enumerate().skip(version) {
            let v = i + 1;
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(|source| Error::Migrate {
                    path: p.clone(),
                    version: v,
                    source,
                })?;
            tx.execute_batch(m)
                .and_then(|_| tx.pragma_update(None, "user_version", v as i64))
                .and_then(|_| tx.commit())
                .map_err(|source| Error::Migrate {
                    path: p.clone(),
                    version: v,
                    source,
                })?;
        }
        Ok(())
    }

    /// Records a whole scan in one transaction: the scan, its coverage, resource versions,
    /// per-rule counts, errors and the findings' lifecycle.
    pub fn record_scan(&mut self, input: &ScanInput) -> Result<(i64, Lifecycle)> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting scan transaction"))?;
        let snapshot = input.snapshot;
        for (account, identity) in &snapshot.identities {
            let stored: Option<String> = tx
                .query_row(
                    "SELECT identity FROM identities WHERE account = ?1",
                    [account],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql("reading identities"))?;
            if let Some(stored) = stored.filter(|s| s != identity) {
                return Err(Error::IdentityMismatch {
                    account: account.clone(),
                    stored,
                    found: identity.clone(),
                });
            }
        }
        tx.execute(
            "INSERT INTO scans (started_at, finished_at, target, status, resources, rules, evaluations, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                input.started_at,
                input.finished_at,
                input.target,
                snapshot.status().as_str(),
                snapshot.resources.len() as i64,
                input.rules_loaded as i64,
                input.report.evaluations as i64,
                input.run_id,
            ],
        )
        .map_err(sql("inserting scan"))?;
        let scan_id = tx.last_insert_rowid();
        {
            let mut stmt = tx
                .prepare("INSERT OR REPLACE INTO scan_coverage (scan_id, scope, status, error) VALUES (?1, ?2, ?3, ?4)")
                .map_err(sql("preparing coverage insert"))?;
            for c in &snapshot.coverage {
                stmt.execute(params![scan_id, c.scope, c.status.as_str(), c.error])
                    .map_err(sql("inserting coverage"))?;
            }
            let mut err = tx
                .prepare("INSERT INTO scan_errors (scan_id, kind, subject, resource_id, message) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(sql("preparing error insert"))?;
            for c in snapshot
                .coverage
                .iter()
                .filter(|c| c.status == CoverageStatus::Failed)
            {
                err.execute(params![
                    scan_id,
                    "collector",
                    c.scope,
                    None::<String>,
                    c.error.clone().unwrap_or_default()
                ])
                .map_err(sql("inserting collector error"))?;
            }
            for e in &input.report.errors {
                err.execute(params![
                    scan_id,
                    "rule",
                    e.rule_id,
                    e.resource_id,
                    format!("{}: {}", e.file, e.message)
                ])
                .map_err(sql("inserting rule error"))?;
            }
            for (file, msg) in &input.rule_problems {
                err.execute(params![scan_id, "rule-file", file, None::<String>, msg])
                    .map_err(sql("inserting rule file error"))?;
            }
            let mut rr = tx
                .prepare("INSERT INTO rule_results (scan_id, rule_id, pass, fail, error) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(sql("preparing rule results insert"))?;
            for (rule, c) in &input.report.counts {
                rr.execute(params![
                    scan_id,
                    rule,
                    c.pass as i64,
                    c.fail as i64,
                    c.error as i64
                ])
                .map_err(sql("inserting rule results"))?;
            }
        }
        for (account, identity) in &snapshot.identities {
            tx.execute(
                "INSERT INTO identities (account, identity, first_scan, last_scan) VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT(account) DO UPDATE SET last_scan = ?3",
                params![account, identity, scan_id],
            )
            .map_err(sql("recording identity"))?;
        }
        let drift = record_resources(&tx, scan_id, snapshot)?;
        record_idle(&tx, scan_id, snapshot, input.idle)?;
        let mut lifecycle = reconcile(&tx, scan_id, input)?;
        lifecycle.drift = drift;
        // The audit log keeps the wall clock, whatever clock the scan itself ran on (`--now`).
        let wall = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let audit = history::append_audit(
            &tx,
            &wall,
            "vigil",
            "scan.record",
            input.target,
            &serde_json::json!({
                "scan_id": scan_id,
                "scan_time": input.finished_at,
                "status": snapshot.status().as_str(),
                "resources": snapshot.resources.len(),
                "opened": lifecycle.opened, "reopened": lifecycle.reopened,
                "resolved": lifecycle.resolved, "stale": lifecycle.stale,
                "drift": drift,
                "failed_scopes": snapshot.coverage.iter()
                    .filter(|c| c.status == CoverageStatus::Failed).count(),
            }),
        )?;
        tx.execute(
            "UPDATE scans SET audit_hash = ?2 WHERE id = ?1",
            params![scan_id, audit],
        )
        .map_err(sql("recording the scan's audit entry"))?;
        tx.commit().map_err(sql("committing scan"))?;
        Ok((scan_id, lifecycle))
    }

    pub fn scan(&self, id: i64) -> Result<Option<ScanRecord>> {
        let row = self
            .conn
            .query_row(
                "SELECT id, started_at, finished_at, target, status, resources, run_id FROM scans WHERE id = ?1",
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
                    })
                },
            )
            .optional()
            .map_err(sql("reading scan"))?;
        let Some(mut scan) = row else { return Ok(None) };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT scope, status, error FROM scan_coverage WHERE scan_id = ?1 ORDER BY scope",
            )
            .map_err(sql("reading coverage"))?;
        scan.coverage = stmt
            .query_map([id], |r| {
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
            })
            .and_then(|rows| rows.collect())
            .map_err(sql("reading coverage"))?;
        Ok(Some(scan))
    }

    /// The findings a scan reports: every active finding in the scan's scopes, and those the
    /// scan resolved, with waivers applied as of the scan's time. Sorted by severity (highest
    /// first), rule, resource.
    pub fn scan_findings(&self, scan_id: i64) -> Result<Vec<Finding>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT f.id, f.rule_id, f.resource_id, f.resource_type, f.severity, f.controls, f.message, f.path,
                        f.status, f.stale, f.first_seen, f.last_seen, f.resolved_at
                 FROM findings f
                 WHERE (f.status != 'resolved' AND (f.last_scan = ?1 OR f.scope IN (SELECT scope FROM scan_coverage WHERE scan_id = ?1)
                        OR EXISTS (SELECT 1 FROM scan_coverage c WHERE c.scan_id = ?1 AND instr(c.scope, '/*/') > 0 AND f.scope GLOB c.scope)))
                    OR (f.status = 'resolved' AND f.last_scan = ?1)",
            )
            .map_err(sql("reading findings"))?;
        let mut out: Vec<Finding> = stmt
            .query_map([scan_id], row_to_finding)
            .and_then(|rows| rows.collect())
            .map_err(sql("reading findings"))?;
        // Waivers as of the scan's time.
        let at: Option<String> = self
            .conn
            .query_row(
                "SELECT finished_at FROM scans WHERE id = ?1",
                [scan_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql("reading scan"))?;
        let now = at
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_else(chrono::Utc::now);
        crate::model::waiver::apply(&mut out, &self.waivers()?, now);
        out.sort_by(|a, b| {
            (b.status.is_active(), b.severity, &a.rule_id, &a.resource_id).cmp(&(
                a.status.is_active(),
                a.severity,
                &b.rule_id,
                &b.resource_id,
            ))
        });
        Ok(out)
    }

    /// Since when each resource known idle has been idle.
    pub fn idle_since(&self) -> Result<BTreeMap<String, chrono::DateTime<chrono::Utc>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT resource_id, since FROM idle")
            .map_err(sql("reading idle resources"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading idle resources"))?;
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
        let mut stmt = self
            .conn
            .prepare(
                "SELECT i.resource_id, r.type, r.account, i.since, i.reason,
                        (SELECT document FROM resource_versions v WHERE v.resource_id = i.resource_id
                         ORDER BY v.scan_id DESC LIMIT 1)
                 FROM idle i JOIN resources r ON r.id = i.resource_id
                 WHERE r.removed_scan IS NULL ORDER BY i.since",
            )
            .map_err(sql("reading idle resources"))?;
        let rows = stmt
            .query_map([], |r| {
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
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading idle resources"))?;
        Ok(rows)
    }

    /// The latest stored document of a resource.
    pub fn document(&self, resource_id: &str) -> Result<Option<serde_json::Value>> {
        let doc: Option<String> = self
            .conn
            .query_row(
                "SELECT document FROM resource_versions WHERE resource_id = ?1 ORDER BY scan_id DESC LIMIT 1",
                [resource_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql("reading resource version"))?;
        Ok(doc.and_then(|d| serde_json::from_str(&d).ok()))
    }

    /// PASS / FAIL / error counts per rule for one scan.
    pub fn rule_results(&self, scan_id: i64) -> Result<BTreeMap<String, (i64, i64, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT rule_id, pass, fail, error FROM rule_results WHERE scan_id = ?1")
            .map_err(sql("reading rule results"))?;
        let rows = stmt
            .query_map([scan_id], |r| {
                Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading rule results"))?;
        Ok(rows.into_iter().collect())
    }

    pub fn count(&self, table: &str) -> Result<i64> {
        // Table names come from our own code, never from input.
        debug_assert!(table.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        self.conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map_err(sql("counting rows"))
    }

    pub fn integrity_check(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(sql("checking integrity"))
    }
}

fn row_to_finding(r: &rusqlite::Row) -> rusqlite::Result<Finding> {
    let controls: String = r.get(5)?;
    let severity: String = r.get(4)?;
    let status: String = r.get(8)?;
    Ok(Finding {
        id: r.get(0)?,
        rule_id: r.get(1)?,
        resource_id: r.get(2)?,
        resource_type: r.get(3)?,
        severity: severity.parse().unwrap_or(Severity::Info),
        controls: serde_json::from_str(&controls).unwrap_or_default(),
        message: r.get(6)?,
        path: r.get(7)?,
        status: FindingStatus::parse(&status).unwrap_or(FindingStatus::Open),
        stale: r.get::<_, i64>(9)? != 0,
        first_seen: r.get(10)?,
        last_seen: r.get(11)?,
        resolved_at: r.get(12)?,
        waiver: None,
    })
}

/// Adds a resource version only when the document changed.
/// The hash and stored text of a resource: its document without volatile fields, keys in
/// sorted order.
pub fn content_hash(r: &Resource) -> (String, String) {
    let mut value = serde_json::to_value(r).expect("resources serialize");
    crate::drift::strip_volatile(&r.resource_type, &mut value);
    let doc = serde_json::to_string(&value).expect("resources serialize");
    (sha256_hex(&doc), doc)
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash of a document in today's canonical form.
fn canonical_hash(doc: &serde_json::Value) -> String {
    sha256_hex(&serde_json::to_string(doc).expect("documents serialize"))
}

/// The hash a removal is recorded under in `resource_versions` (with an empty document).
const REMOVED: &str = "removed";

/// Resource versions and drift: a new version only when a resource's document changed (with
/// a drift event naming the changed paths), `added` for a resource not seen before in an
/// account already scanned, `removed` for a resource missing from a scope collected
/// completely. A resource missing from a failed scope is neither removed nor changed.
fn record_resources(tx: &Transaction, scan_id: i64, snapshot: &Snapshot) -> Result<DriftSummary> {
    use crate::drift::{self, Change, Kind};
    use crate::model::resource::scope_wildcard;
    let mut summary = DriftSummary::default();
    // Scopes collected completely before: a resource new in one of them was added; a resource
    // in a scope seen for the first time (a first scan, a new region or kind, a scope that
    // failed until now) is inventory, not drift.
    let known_scopes: HashSet<String> = {
        let mut stmt = tx
            .prepare("SELECT DISTINCT scope FROM scan_coverage WHERE status = 'complete' AND scan_id < ?1")
            .map_err(sql("reading earlier coverage"))?;
        let rows = stmt
            .query_map([scan_id], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<HashSet<String>, _>>())
            .map_err(sql("reading earlier coverage"))?;
        rows
    };
    let known = |scope: &str| {
        known_scopes.contains(scope)
            || scope_wildcard(scope).is_some_and(|w| known_scopes.contains(&w))
    };
    // Every stored hash at once (one query, not one per resource).
    let hashes: HashMap<String, String> = {
        let mut stmt = tx
            .prepare("SELECT id, current_hash FROM resources")
            .map_err(sql("reading resource hashes"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<HashMap<_, _>, _>>())
            .map_err(sql("reading resource hashes"))?;
        rows
    };
    let mut previous_doc = tx
        .prepare("SELECT document FROM resource_versions WHERE resource_id = ?1 ORDER BY scan_id DESC LIMIT 1")
        .map_err(sql("preparing version lookup"))?;
    let mut upsert = tx
        .prepare(
            "INSERT INTO resources (id, type, provider, account, region, name, scope, current_hash, first_seen_scan, last_seen_scan)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
             ON CONFLICT(id) DO UPDATE SET type = ?2, provider = ?3, account = ?4, region = ?5, name = ?6,
                 scope = ?7, current_hash = ?8, last_seen_scan = ?9, removed_scan = NULL",
        )
        .map_err(sql("preparing resource upsert"))?;
    let mut seen_again = tx
        .prepare("UPDATE resources SET last_seen_scan = ?2 WHERE id = ?1")
        .map_err(sql("preparing resource update"))?;
    let mut rehash = tx
        .prepare("UPDATE resources SET current_hash = ?2, last_seen_scan = ?3 WHERE id = ?1")
        .map_err(sql("preparing resource update"))?;
    let mut version = tx
        .prepare("INSERT OR REPLACE INTO resource_versions (resource_id, scan_id, hash, document) VALUES (?1, ?2, ?3, ?4)")
        .map_err(sql("preparing version insert"))?;
    let mut event = tx
        .prepare(
            "INSERT INTO drift_events (scan_id, resource_id, resource_type, account, change, changes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(sql("preparing drift event"))?;
    let mut record = |id: &str, ty: &str, account: Option<&str>, kind: Kind, changes: &[Change]| {
        event
            .execute(params![
                scan_id,
                id,
                ty,
                account,
                kind.as_str(),
                serde_json::to_string(changes).expect("changes serialize")
            ])
            .map(|_| ())
            .map_err(sql("writing drift event"))
    };
    for r in &snapshot.resources {
        let (hash, doc) = content_hash(r);
        let prev = hashes.get(&r.id).map(String::as_str);
        if prev == Some(hash.as_str()) {
            seen_again
                .execute(params![r.id, scan_id])
                .map_err(sql("writing resource"))?;
            continue;
        }
        let scope = r.scope();
        let before: Option<serde_json::Value> = match prev {
            Some(REMOVED) | None => None,
            Some(_) => previous_doc
                .query_row([&r.id], |row| row.get::<_, String>(0))
                .optional()
                .map_err(sql("reading previous version"))?
                .and_then(|t| serde_json::from_str(&t).ok()),
        };
        // A version written by an older vigil hashes differently (key order, volatile
        // fields): the same document in today's form is not a change.
        let before = before.map(|mut b| {
            drift::strip_volatile(&r.resource_type, &mut b);
            b
        });
        if before.as_ref().is_some_and(|b| canonical_hash(b) == hash) {
            rehash
                .execute(params![r.id, hash, scan_id])
                .map_err(sql("writing resource"))?;
            continue;
        }
        upsert
            .execute(params![
                r.id,
                r.resource_type,
                r.provider,
                r.account,
                r.region,
                r.name,
                scope,
                hash,
                scan_id
            ])
            .map_err(sql("writing resource"))?;
        match before {
            None if known(&scope) => {
                record(
                    &r.id,
                    &r.resource_type,
                    r.account.as_deref(),
                    Kind::Added,
                    &[],
                )?;
                summary.added += 1;
            }
            None => {}
            Some(before) => {
                let after: serde_json::Value = serde_json::from_str(&doc).expect("just serialized");
                let changes = drift::diff_resources(&before, &after);
                // Nothing left once legacy redaction markers are set aside: no drift.
                if !changes.is_empty() {
                    record(
                        &r.id,
                        &r.resource_type,
                        r.account.as_deref(),
                        Kind::Modified,
                        &changes,
                    )?;
                    summary.modified += 1;
                }
            }
        }
        version
            .execute(params![r.id, scan_id, hash, doc])
            .map_err(sql("writing resource version"))?;
    }

    // Removed: present before, absent now, in a scope this scan collected completely.
    let complete: HashSet<&str> = snapshot
        .coverage
        .iter()
        .filter(|c| c.status == CoverageStatus::Complete)
        .map(|c| c.scope.as_str())
        .collect();
    let seen: HashSet<&str> = snapshot.resources.iter().map(|r| r.id.as_str()).collect();
    let candidates: Vec<(String, String, Option<String>, String)> = {
        let mut stmt = tx
            .prepare("SELECT id, type, account, scope FROM resources WHERE removed_scan IS NULL AND last_seen_scan < ?1")

            .map_err(sql("reading present resources"))?;
        let rows = stmt
            .query_map([scan_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading present resources"))?;
        rows
    };
    let mut remove = tx
        .prepare("UPDATE resources SET removed_scan = ?2, current_hash = ?3 WHERE id = ?1")
        .map_err(sql("preparing removal"))?;
    for (id, ty, account, scope) in candidates {
        let covered = complete.contains(scope.as_str())
            || crate::model::resource::scope_wildcard(&scope)
                .is_some_and(|w| complete.contains(w.as_str()));
        if !covered || seen.contains(id.as_str()) {
            continue;
        }
        remove
            .execute(params![id, scan_id, REMOVED])
            .map_err(sql("recording removal"))?;
        version
            .execute(params![id, scan_id, REMOVED, ""])
            .map_err(sql("recording removal"))?;
        record(&id, &ty, account.as_deref(), Kind::Removed, &[])?;
        summary.removed += 1;
    }
    Ok(summary)
}

/// Idle-since of the snapshot's resources: idle ones keep (or get) their time, resources in
/// use again lose theirs, removed resources too. Resources this scan did not see keep theirs.
fn record_idle(
    tx: &Transaction,
    scan_id: i64,
    snapshot: &Snapshot,
    idle: &BTreeMap<String, crate::idle::Idle>,
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

/// Resources added, removed and modified in one scan.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct DriftSummary {
    pub added: usize,
    pub removed: usize,
    pub modified: usize,
}

struct Fail {
    resource_type: String,
    scope: String,
    severity: Severity,
    controls: std::sync::Arc<[String]>,
    messages: Vec<String>,
    paths: Vec<String>,
}

/// `aws/123456789012/us-east-1/AWS::EC2::Volume` → (`aws`, `123456789012`).
fn provider_account(scope: &str) -> Option<(&str, &str)> {
    crate::model::resource::parse_scope(scope).map(|p| (p.provider, p.account))
}

fn reconcile(tx: &Transaction, scan_id: i64, input: &ScanInput) -> Result<Lifecycle> {
    let now = input.finished_at;
    let snapshot = input.snapshot;
    let report = input.report;
    let resource_scope: HashMap<&str, String> = snapshot
        .resources
        .iter()
        .map(|r| (r.id.as_str(), r.scope()))
        .collect();
    let complete: HashSet<&str> = snapshot
        .coverage
        .iter()
        .filter(|c| c.status == CoverageStatus::Complete)
        .map(|c| c.scope.as_str())
        .collect();

    // Group FAIL verdicts by (rule, resource): one finding each, every message kept.
    let mut fails: BTreeMap<(String, String), Fail> = BTreeMap::new();
    for r in &report.results {
        let f = fails
            .entry((r.rule_id.clone(), r.resource_id.clone()))
            .or_insert_with(|| Fail {
                resource_type: r.resource_type.clone(),
                scope: resource_scope
                    .get(r.resource_id.as_str())
                    .cloned()
                    .unwrap_or_default(),
                severity: r.severity,
                controls: r.controls.clone(),
                messages: Vec::new(),
                paths: Vec::new(),
            });
        if !f.messages.contains(&r.message) {
            f.messages.push(r.message.clone());
        }
        if !r.path.is_empty() && !f.paths.contains(&r.path) {
            f.paths.push(r.path.clone());
        }
    }

    let mut life = Lifecycle::default();
    let mut event = tx
        .prepare(
            "INSERT INTO finding_events (finding_id, scan_id, event, at) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(sql("preparing finding event"))?;

    // Existing findings that are active: still failing, resolved, or stale.
    let active: Vec<(i64, String, String, String)> = {
        let mut stmt = tx
            .prepare(
                "SELECT id, rule_id, resource_id, scope FROM findings WHERE status != 'resolved'",
            )
            .map_err(sql("reading active findings"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading active findings"))?;
        rows
    };
    // Accounts and clusters this scan looked at: findings elsewhere (another target, another
    // cluster) are neither re-checked nor marked stale by it.
    let attempted: HashSet<(&str, &str)> = snapshot
        .coverage
        .iter()
        .filter_map(|c| provider_account(&c.scope))
        .collect();
    for (id, rule, resource, scope) in active {
        let key = (rule.clone(), resource.clone());
        if fails.contains_key(&key) {
            continue; // updated below
        }
        if !snapshot.coverage.is_empty()
            && provider_account(&scope).is_some_and(|pa| !attempted.contains(&pa))
        {
            continue;
        }
        let rule_ran = report.counts.contains_key(&rule);
        let errored = report.errored.contains(&key);
        let covered = complete.contains(scope.as_str())
            || crate::model::resource::scope_wildcard(&scope)
                .is_some_and(|w| complete.contains(w.as_str()));
        if covered && rule_ran && !errored {
            tx.execute(
                "UPDATE findings SET status = 'resolved', stale = 0, resolved_at = ?2, last_scan = ?3 WHERE id = ?1",
                params![id, now, scan_id],
            )
            .map_err(sql("resolving finding"))?;
            event
                .execute(params![id, scan_id, "resolved", now])
                .map_err(sql("writing finding event"))?;
            life.resolved += 1;
        } else {
            tx.execute("UPDATE findings SET stale = 1 WHERE id = ?1", [id])
                .map_err(sql("marking finding stale"))?;
            life.stale += 1;
        }
    }

    for ((rule, resource), f) in fails {
        let controls = serde_json::to_string(&f.controls).expect("controls serialize");
        let message = f.messages.join("; ");
        let path = f.paths.join(", ");
        let existing: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, status FROM findings WHERE rule_id = ?1 AND resource_id = ?2",
                params![rule, resource],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sql("reading finding"))?;
        match existing {
            None => {
                tx.execute(
                    "INSERT INTO findings (rule_id, resource_id, resource_type, scope, severity, controls, message, path,
                         status, stale, first_seen, last_seen, first_scan, last_scan)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open', 0, ?9, ?9, ?10, ?10)",
                    params![rule, resource, f.resource_type, f.scope, f.severity.as_str(), controls, message, path, now, scan_id],
                )
                .map_err(sql("inserting finding"))?;
                let id = tx.last_insert_rowid();
                event
                    .execute(params![id, scan_id, "opened", now])
                    .map_err(sql("writing finding event"))?;
                life.opened += 1;
            }
            Some((id, status)) => {
                let reopen = status == "resolved";
                tx.execute(
                    "UPDATE findings SET resource_type = ?2, scope = ?3, severity = ?4, controls = ?5, message = ?6, path = ?7,
                         status = CASE WHEN status = 'resolved' THEN 'reopened' ELSE status END,
                         stale = 0, last_seen = ?8, last_scan = ?9, resolved_at = NULL
                     WHERE id = ?1",
                    params![id, f.resource_type, f.scope, f.severity.as_str(), controls, message, path, now, scan_id],
                )
                .map_err(sql("updating finding"))?;
                if reopen {
                    event
                        .execute(params![id, scan_id, "reopened", now])
                        .map_err(sql("writing finding event"))?;
                    life.reopened += 1;
                } else {
                    life.still_open += 1;
                }
            }
        }
    }
    Ok(life)
}
