//! Waivers and finding queries.

use rusqlite::{params, OptionalExtension as _};
use serde::Serialize;

use super::findings::row_to_finding;
use super::history::append_audit;
use super::{query_rows, sql, Error, Result, Store};
use crate::model::{Finding, FindingStatus, Severity, Waiver};

/// A step in a finding's life.
#[derive(Debug, Clone, Serialize)]
pub struct FindingEvent {
    pub scan_id: i64,
    pub event: String,
    pub at: String,
}

/// Which findings `findings list` shows. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// open, reopened, waived, resolved; empty: open, reopened and waived.
    pub statuses: Vec<FindingStatus>,
    /// At or above.
    pub min_severity: Option<Severity>,
    pub rule: Option<String>,
    /// A NIST control (`AC-6`, `ac-6`); an enhancement matches its own id only.
    pub control: Option<String>,
    /// Resource id pattern (`*` wildcards).
    pub resource: Option<String>,
    /// Account or cluster name.
    pub account: Option<String>,
}

const FINDING_COLUMNS: &str =
    "f.id, f.rule_id, f.resource_id, f.resource_type, f.severity, f.controls, f.message, f.path,
     f.status, f.stale, f.first_seen, f.last_seen, f.resolved_at";

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
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<(Waiver, usize)>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {FINDING_COLUMNS} FROM findings f WHERE f.status != 'resolved'"
            ))
            .map_err(sql("reading findings"))?;
        let mut present = stmt
            .query_map([], row_to_finding)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading findings"))?;
        let waivers = self.waivers()?;
        let counts = crate::model::waiver::apply(&mut present, &waivers, now);
        Ok(waivers.into_iter().zip(counts).collect())
    }

    /// Rule ids this database has seen (in findings or per-scan counts).
    pub fn known_rule_ids(&self) -> Result<Vec<String>> {
        let rows: Vec<String> = query_rows(
            &self.conn,
            "reading rule ids",
            "SELECT rule_id FROM findings UNION SELECT rule_id FROM rule_results",
            [],
            |r| r.get(0),
        )?;
        Ok(rows)
    }

    /// Findings matching a filter, waivers applied as of `now`, highest severity first.
    pub fn findings(
        &self,
        filter: &FindingFilter,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Finding>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {FINDING_COLUMNS}, f.scope FROM findings f
                 WHERE (?1 IS NULL OR f.rule_id = ?1) AND (?2 OR f.status != 'resolved')"
            ))
            .map_err(sql("reading findings"))?;
        // Resolved findings pile up with history; read them only when asked for.
        let with_resolved = filter.statuses.contains(&FindingStatus::Resolved);
        let rows = stmt
            .query_map(params![filter.rule.as_deref(), with_resolved], |r| {
                Ok((row_to_finding(r)?, r.get::<_, String>(13)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading findings"))?;
        let resource = filter.resource.as_deref().map(crate::model::waiver::glob);
        let control = filter.control.as_deref().map(|c| c.to_ascii_uppercase());
        let mut out: Vec<Finding> = rows
            .into_iter()
            .filter(|(f, scope)| {
                filter.min_severity.is_none_or(|s| f.severity >= s)
                    && resource
                        .as_ref()
                        .is_none_or(|re| re.is_match(&f.resource_id))
                    && control
                        .as_ref()
                        .is_none_or(|c| f.controls.iter().any(|x| x.eq_ignore_ascii_case(c)))
                    && filter.account.as_ref().is_none_or(|a| {
                        crate::model::resource::parse_scope(scope).is_some_and(|p| p.account == a)
                    })
            })
            .map(|(f, _)| f)
            .collect();
        crate::model::waiver::apply(&mut out, &self.waivers()?, now);
        let wanted = if filter.statuses.is_empty() {
            vec![
                FindingStatus::Open,
                FindingStatus::Reopened,
                FindingStatus::Waived,
            ]
        } else {
            filter.statuses.clone()
        };
        out.retain(|f| wanted.contains(&f.status));
        out.sort_by(|a, b| {
            (b.severity, &a.rule_id, &a.resource_id).cmp(&(a.severity, &b.rule_id, &b.resource_id))
        });
        Ok(out)
    }

    /// One page of [`Store::findings`], filtered, sorted and paged by SQLite, with the
    /// number of matches. Waivers only change how a present finding shows (`waived`), so
    /// this works when every present status is wanted (the default); otherwise it answers
    /// None and the caller filters in memory.
    pub fn findings_page(
        &self,
        filter: &FindingFilter,
        now: chrono::DateTime<chrono::Utc>,
        limit: usize,
        offset: usize,
    ) -> Result<Option<(Vec<Finding>, usize)>> {
        let present = [
            FindingStatus::Open,
            FindingStatus::Reopened,
            FindingStatus::Waived,
        ];
        if !filter.statuses.is_empty() && !present.iter().all(|s| filter.statuses.contains(s)) {
            return Ok(None);
        }
        let with_resolved = filter.statuses.contains(&FindingStatus::Resolved);
        let severities: Vec<&str> = [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .filter(|s| filter.min_severity.is_none_or(|m| *s >= m))
        .map(Severity::as_str)
        .collect();
        // `*` is the only wildcard of vigil's patterns; GLOB's own `?` and `[` are literal.
        let resource = filter.resource.as_deref().map(|p| {
            p.chars()
                .map(|c| match c {
                    '?' => "[?]".to_string(),
                    '[' => "[[]".to_string(),
                    c => c.to_string(),
                })
                .collect::<String>()
        });
        let wheres = "(?1 IS NULL OR f.rule_id = ?1)
             AND (?2 OR f.status != 'resolved')
             AND f.severity IN (SELECT value FROM json_each(?3))
             AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(f.controls) c WHERE upper(c.value) = upper(?4)))
             AND (?5 IS NULL OR f.resource_id GLOB ?5)
             AND (?6 IS NULL OR (f.scope GLOB '*/*/*/*' AND substr(f.scope, instr(f.scope, '/') + 1,
                  instr(substr(f.scope, instr(f.scope, '/') + 1), '/') - 1) = ?6))";
        let severities = serde_json::to_string(&severities).expect("strings serialize");
        let args = params![
            filter.rule.as_deref(),
            with_resolved,
            severities,
            filter.control.as_deref(),
            resource,
            filter.account.as_deref(),
        ];
        let total: i64 = self
            .conn
            .query_row(
                &format!("SELECT count(*) FROM findings f WHERE {wheres}"),
                args,
                |r| r.get(0),
            )
            .map_err(sql("counting findings"))?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {FINDING_COLUMNS} FROM findings f WHERE {wheres}
                 ORDER BY CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1
                   WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
                   f.rule_id, f.resource_id, f.id
                 LIMIT ?7 OFFSET ?8"
            ))
            .map_err(sql("reading findings"))?;
        let mut page = stmt
            .query_map(
                params![
                    filter.rule.as_deref(),
                    with_resolved,
                    severities,
                    filter.control.as_deref(),
                    resource,
                    filter.account.as_deref(),
                    limit as i64,
                    offset as i64,
                ],
                row_to_finding,
            )
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql("reading findings"))?;
        crate::model::waiver::apply(&mut page, &self.waivers()?, now);
        Ok(Some((page, total as usize)))
    }

    /// One finding with its history, waivers applied as of `now`.
    pub fn finding(
        &self,
        id: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<(Finding, Vec<FindingEvent>)>> {
        let f = self
            .conn
            .query_row(
                &format!("SELECT {FINDING_COLUMNS} FROM findings f WHERE f.id = ?1"),
                [id],
                row_to_finding,
            )
            .optional()
            .map_err(sql("reading finding"))?;
        let Some(f) = f else { return Ok(None) };
        let mut one = [f];
        crate::model::waiver::apply(&mut one, &self.waivers()?, now);
        let [f] = one;
        let events: Vec<_> = query_rows(&self.conn, "reading finding events", "SELECT scan_id, event, at FROM finding_events WHERE finding_id = ?1 ORDER BY scan_id, rowid", [id], |r| {
                Ok(FindingEvent {
                    scan_id: r.get(0)?,
                    event: r.get(1)?,
                    at: r.get(2)?,
                })
            })?;
        Ok(Some((f, events)))
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
    tx.query_row(
        &format!("SELECT {WAIVER_COLUMNS} FROM waivers WHERE id = ?1"),
        [id],
        row_to_waiver,
    )
    .optional()
    .map_err(sql("reading waiver"))
}
