//! SQLite storage: one file, WAL mode, versioned migrations. A scan's writes happen in one
//! transaction, or one per account when an organization is recorded account by account: a
//! crash leaves each account's previous state, or its new one, whole.
//!
//! The rule that must never break: a finding is resolved only when its scope was collected
//! completely in this scan and its rule ran cleanly on it. Otherwise it stays open and is
//! marked stale.
//!
//! Files: `record` (recording a scan, at once or account by account), `scans` (what a scan
//! brings and did, reading scans), `resources`
//! (versions and drift events), `idle` (idle-since), `findings` (the lifecycle: reconcile),
//! `waivers` (waivers and finding queries), `drift` (drift and baselines read back),
//! `audit` (the hash-chained audit log), `retention` (prune, size, vacuum), `history` (the
//! scans list, one resource's versions), `plans` (remediation plans, the calls applies made),
//! `approvals` (approvals, TOTP steps, lockouts), `redaction` (the redaction key, history redaction),
//! `migrations` (the schema), `lock` (one writer per database: the lock file).

mod approvals;
mod audit;
mod drift;
mod findings;
mod history;
mod idle;
pub mod lock;
mod migrations;
mod outbox;
mod plans;
mod reconcile;
mod record;
mod redaction;
mod resources;
mod retention;
mod scans;
mod summaries;
mod waivers;

pub use idle::IdleResource;
pub use record::{Part, ScanHead, ScanWriter};
pub use resources::{content_hash, DriftSummary};
pub use scans::{Lifecycle, ScanInput, ScanRecord};

pub use redaction::Scrubbed;

pub use findings::{FilterQuery, FindingEvent, FindingFilter};

pub use approvals::{ApprovalRequest, Approved};
pub use audit::{entry_hash, AuditCheck, AuditEntry, GENESIS};
pub use drift::{Baseline, DriftEvent};
pub use history::{ResourceHistory, ResourceVersion, ScanSummary};
pub use outbox::{token_sha256, DigestCounts, Link, Mail, Queued};
pub use retention::Pruned;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

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
    /// A request the store turned down (a lifecycle move not allowed, an approval refused):
    /// the message says why.
    #[error("refused: {0}")]
    Refused(String),
    #[error("{op}: {source}")]
    Sql {
        op: &'static str,
        #[source]
        source: rusqlite::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a scan's set of scopes covers a resource's scope: it is in the set, or its
/// wildcard form is (a kind listed across all namespaces covers every namespace). The one
/// coverage check behind resolving findings, removing resources and telling drift apart
/// from inventory.
fn covers<S>(scopes: &std::collections::HashSet<S>, scope: &str) -> bool
where
    S: std::borrow::Borrow<str> + std::hash::Hash + Eq,
{
    scopes.contains(scope)
        || crate::model::resource::scope_wildcard(scope)
            .is_some_and(|w| scopes.contains(w.as_str()))
}

/// The stored rows a scan (or one part of it) may touch: those of the accounts and clusters
/// its coverage names, as `provider/account/` scope prefixes; all rows when its coverage is
/// empty (a saved snapshot without coverage). Reading only these keeps recording an
/// organization account by account linear in its size.
pub(super) struct Reach(Option<Vec<String>>);

impl Reach {
    pub(super) fn of(snapshot: &crate::model::Snapshot) -> Reach {
        if snapshot.coverage.is_empty() {
            return Reach(None);
        }
        let mut prefixes: Vec<String> = snapshot
            .coverage
            .iter()
            .filter_map(|c| crate::model::resource::parse_scope(&c.scope))
            .map(|p| format!("{}/{}/", p.provider, p.account))
            .collect();
        prefixes.sort();
        prefixes.dedup();
        Reach(Some(prefixes))
    }

    /// `query`'s rows, where `{scope}` in it stands for the condition that `scope` is in
    /// reach (its own parameters come after `params`).
    pub(super) fn rows<T, F>(
        &self,
        conn: &Connection,
        op: &'static str,
        query: &str,
        params: &[&dyn rusqlite::ToSql],
        mut map: F,
    ) -> Result<Vec<T>>
    where
        F: FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        let Some(prefixes) = &self.0 else {
            return query_rows(conn, op, &query.replace("{scope}", "1"), params, map);
        };
        let n = params.len();
        let bounded = query.replace(
            "{scope}",
            &format!("(scope >= ?{} AND scope < ?{})", n + 1, n + 2),
        );
        let mut stmt = conn.prepare(&bounded).map_err(sql(op))?;
        let mut out = Vec::new();
        for lo in prefixes {
            // `aws/123/` .. `aws/1230`: '0' is the byte after '/'.
            let hi = format!("{}0", &lo[..lo.len() - 1]);
            let mut all: Vec<&dyn rusqlite::ToSql> = params.to_vec();
            all.push(lo);
            all.push(&hi);
            let rows = stmt
                .query_map(all.as_slice(), &mut map)
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<T>>>())
                .map_err(sql(op))?;
            out.extend(rows);
        }
        Ok(out)
    }
}

/// Runs a query and collects its mapped rows: prepare, query_map, collect, each failure
/// named by `op`, in one place.
fn query_rows<C, T, P, F>(
    conn: &Connection,
    op: &'static str,
    query: &str,
    params: P,
    map: F,
) -> Result<C>
where
    C: FromIterator<T>,
    P: rusqlite::Params,
    F: FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
{
    let mut stmt = conn.prepare(query).map_err(sql(op))?;
    let rows = stmt
        .query_map(params, map)
        .and_then(|rows| rows.collect::<rusqlite::Result<C>>())
        .map_err(sql(op))?;
    Ok(rows)
}

/// Runs a query that answers at most one row: None when it answers none.
fn query_opt<T, P, F>(
    conn: &Connection,
    op: &'static str,
    query: &str,
    params: P,
    map: F,
) -> Result<Option<T>>
where
    P: rusqlite::Params,
    F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
{
    use rusqlite::OptionalExtension as _;
    conn.query_row(query, params, map)
        .optional()
        .map_err(sql(op))
}

fn sql(op: &'static str) -> impl FnOnce(rusqlite::Error) -> Error {
    move |source| Error::Sql { op, source }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
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
            // 32 MB of pages (SQLite's default is 2 MB): recording an organization touches
            // every index of the findings and resources tables.
            .and_then(|_| conn.pragma_update(None, "cache_size", -32_768))
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
