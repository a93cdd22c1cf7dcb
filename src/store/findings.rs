//! Reading findings back: a filtered list, one page of it, one finding with its history,
//! a scan's findings. Waivers apply as of the time asked about.

use rusqlite::params;
use serde::Serialize;

use super::{query_opt, query_rows, sql, Result, Store};
use crate::model::{Finding, FindingStatus, Severity};

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

/// A finding filter as users write it (`vigil findings list` flags, the API's query
/// parameters), before it is checked.
#[derive(Debug, Clone, Default)]
pub struct FilterQuery {
    /// open, reopened, waived, resolved, or all.
    pub statuses: Vec<String>,
    pub severity: Option<String>,
    pub rule: Option<String>,
    pub control: Option<String>,
    pub resource: Option<String>,
    pub account: Option<String>,
}

impl FindingFilter {
    /// Checks a filter and spells it as the store does: every status known (`all` for all
    /// four), a known severity, a NIST SP 800-53 Rev. 5 control written any way the catalog
    /// reads it (`sc-28.1`, `SC-28(1)`) as its label. The error says what is wrong.
    pub fn parse(q: FilterQuery) -> std::result::Result<FindingFilter, String> {
        let mut statuses = Vec::new();
        for s in q
            .statuses
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            if s == "all" {
                statuses.extend([
                    FindingStatus::Open,
                    FindingStatus::Reopened,
                    FindingStatus::Waived,
                    FindingStatus::Resolved,
                ]);
                continue;
            }
            statuses.push(FindingStatus::parse(s).ok_or_else(|| {
                format!("unknown status `{s}` (known: open, reopened, waived, resolved, all)")
            })?);
        }
        let min_severity = match &q.severity {
            Some(s) => Some(s.parse::<Severity>()?),
            None => None,
        };
        let control = match &q.control {
            Some(c) => Some(
                crate::controls::catalog()
                    .get(c)
                    .map(|x| x.label.clone())
                    .ok_or_else(|| format!("`{c}` is not a NIST SP 800-53 Rev. 5 control"))?,
            ),
            None => None,
        };
        Ok(FindingFilter {
            statuses,
            min_severity,
            rule: q.rule,
            control,
            resource: q.resource,
            account: q.account,
        })
    }
}

pub(super) const FINDING_COLUMNS: &str =
    "f.id, f.rule_id, f.resource_id, f.resource_type, f.severity, f.controls, f.message, f.path,
     f.status, f.stale, f.first_seen, f.last_seen, f.resolved_at";

pub(super) fn row_to_finding(r: &rusqlite::Row) -> rusqlite::Result<Finding> {
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

impl Store {
    /// The findings a scan reports: every active finding in the scan's scopes, and those the
    /// scan resolved, with waivers applied as of the scan's time. Sorted by severity (highest
    /// first), rule, resource.
    pub fn scan_findings(&self, scan_id: i64) -> Result<Vec<Finding>> {
        self.scan_findings_in(scan_id, None)
    }

    /// [`Store::scan_findings`] of these accounts or clusters only (None: all).
    pub fn scan_findings_in(
        &self,
        scan_id: i64,
        accounts: Option<&[String]>,
    ) -> Result<Vec<Finding>> {
        let rows: Vec<(Finding, String)> = query_rows(
            &self.conn,
            "reading findings",
            &format!(
                "SELECT {FINDING_COLUMNS}, f.scope FROM findings f
                 WHERE (f.status != 'resolved' AND (f.last_scan = ?1 OR f.scope IN (SELECT scope FROM scan_coverage WHERE scan_id = ?1)
                        OR EXISTS (SELECT 1 FROM scan_coverage c WHERE c.scan_id = ?1 AND instr(c.scope, '/*/') > 0 AND f.scope GLOB c.scope)))
                    OR (f.status = 'resolved' AND f.last_scan = ?1)"
            ),
            [scan_id],
            |r| Ok((row_to_finding(r)?, r.get::<_, String>(13)?)),
        )?;
        let mut out: Vec<Finding> = rows
            .into_iter()
            .filter(|(_, scope)| {
                accounts.is_none_or(|ids| {
                    crate::model::resource::parse_scope(scope)
                        .is_some_and(|p| ids.iter().any(|id| *id == p.account))
                })
            })
            .map(|(f, _)| f)
            .collect();
        // Waivers as of the scan's time.
        let at: Option<String> = query_opt(
            &self.conn,
            "reading scan",
            "SELECT finished_at FROM scans WHERE id = ?1",
            [scan_id],
            |r| r.get(0),
        )?;
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
        // Resolved findings pile up with history; read them only when asked for.
        let with_resolved = filter.statuses.contains(&FindingStatus::Resolved);
        let rows: Vec<(Finding, String)> = query_rows(
            &self.conn,
            "reading findings",
            &format!(
                "SELECT {FINDING_COLUMNS}, f.scope FROM findings f
                 WHERE (?1 IS NULL OR f.rule_id = ?1) AND (?2 OR f.status != 'resolved')"
            ),
            params![filter.rule.as_deref(), with_resolved],
            |r| Ok((row_to_finding(r)?, r.get::<_, String>(13)?)),
        )?;
        let resource = filter.resource.as_deref().map(crate::model::waiver::glob);
        let control = filter.control.as_deref().map(|c| c.to_ascii_uppercase());
        let accounts = match &filter.account {
            Some(a) => Some(self.account_ids(a)?),
            None => None,
        };
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
                    && accounts.as_ref().is_none_or(|ids| {
                        crate::model::resource::parse_scope(scope)
                            .is_some_and(|p| ids.iter().any(|id| *id == p.account))
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

    /// The accounts `account` names: itself (an id, a cluster) and the AWS accounts of that
    /// name.
    pub fn account_ids(&self, account: &str) -> Result<Vec<String>> {
        let mut ids: Vec<String> = query_rows(
            &self.conn,
            "reading account names",
            "SELECT id FROM aws_accounts WHERE name = ?1",
            [account],
            |r| r.get(0),
        )?;
        ids.insert(0, account.to_string());
        Ok(ids)
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
                  instr(substr(f.scope, instr(f.scope, '/') + 1), '/') - 1)
                  IN (SELECT ?6 UNION SELECT id FROM aws_accounts WHERE name = ?6)))";
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
        let mut page: Vec<Finding> = query_rows(
            &self.conn,
            "reading findings",
            &format!(
                "SELECT {FINDING_COLUMNS} FROM findings f WHERE {wheres}
                 ORDER BY CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1
                   WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
                   f.rule_id, f.resource_id, f.id
                 LIMIT ?7 OFFSET ?8"
            ),
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
        )?;
        crate::model::waiver::apply(&mut page, &self.waivers()?, now);
        Ok(Some((page, total as usize)))
    }

    /// One finding with its history, waivers applied as of `now`.
    pub fn finding(
        &self,
        id: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<(Finding, Vec<FindingEvent>)>> {
        let f = query_opt(
            &self.conn,
            "reading finding",
            &format!("SELECT {FINDING_COLUMNS} FROM findings f WHERE f.id = ?1"),
            [id],
            row_to_finding,
        )?;
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
