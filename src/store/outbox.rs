//! Mail waiting to go (the outbox), the approval-page links mails carry, and what a digest
//! counts. A mail is written here before any delivery is tried, so a mail server that is
//! down loses nothing: the daemon's sender retries with backoff until `max_attempts`, and a
//! mail given up stays here as `failed`, with the server's last answer.

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;

use super::plans::stamp;
use super::{query_opt, query_rows, sql, Result, Store};

/// A mail to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    /// `plan.proposed`, `plan.approved`, …, `reaping`, `digest`, `test`.
    pub kind: String,
    pub plan: Option<i64>,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A mail in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub id: i64,
    pub mail: Mail,
    pub attempts: u32,
    pub state: String,
    pub last_error: Option<String>,
}

/// What a link token names: a plan at one hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub plan: i64,
    pub hash: String,
    pub recipient: String,
    pub expires_at: String,
    pub used_at: Option<String>,
}

/// Counts for a digest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DigestCounts {
    /// (event `opened` | `reopened`, severity, count).
    pub findings: Vec<(String, String, i64)>,
    pub drifted_resources: i64,
}

const MAIL_COLUMNS: &str =
    "id, kind, plan_id, recipients, subject, text_body, html_body, attempts, state, last_error";

fn row_to_mail(r: &rusqlite::Row<'_>) -> rusqlite::Result<Queued> {
    Ok(Queued {
        id: r.get(0)?,
        mail: Mail {
            kind: r.get(1)?,
            plan: r.get(2)?,
            to: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
            subject: r.get(4)?,
            text: r.get(5)?,
            html: r.get(6)?,
        },
        attempts: r.get(7)?,
        state: r.get(8)?,
        last_error: r.get(9)?,
    })
}

/// The SHA-256 a link token is kept as.
pub fn token_sha256(token: &str) -> String {
    crate::digest::sha256_hex(token)
}

impl Store {
    /// Puts a mail in the outbox, due now.
    pub fn enqueue_mail(&mut self, m: &Mail, now: DateTime<Utc>) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO mail_outbox (kind, plan_id, recipients, subject, text_body, html_body,
                   created_at, next_attempt, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 'queued')",
                params![
                    m.kind,
                    m.plan,
                    serde_json::to_string(&m.to).expect("addresses serialize"),
                    m.subject,
                    m.text,
                    m.html,
                    stamp(now)
                ],
            )
            .map_err(sql("queueing a mail"))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Mails due at `now`, oldest first.
    pub fn due_mail(&self, now: DateTime<Utc>) -> Result<Vec<Queued>> {
        query_rows(
            &self.conn,
            "reading the outbox",
            &format!("SELECT {MAIL_COLUMNS} FROM mail_outbox WHERE state = 'queued' AND next_attempt <= ?1 ORDER BY id"),
            [stamp(now)],
            row_to_mail,
        )
    }

    /// Every mail in the outbox, newest first.
    pub fn outbox(&self) -> Result<Vec<Queued>> {
        query_rows(
            &self.conn,
            "reading the outbox",
            &format!("SELECT {MAIL_COLUMNS} FROM mail_outbox ORDER BY id DESC"),
            [],
            row_to_mail,
        )
    }

    /// Records a delivery: `Ok(answer)` sent; `Err(error)` tried again after a backoff
    /// (30 s doubling, at most an hour), or given up once `max_attempts` are made.
    /// Answers the mail's state now.
    pub fn mail_attempted(
        &mut self,
        id: i64,
        outcome: std::result::Result<&str, &str>,
        max_attempts: u32,
        now: DateTime<Utc>,
    ) -> Result<&'static str> {
        let attempts: u32 = query_opt(
            &self.conn,
            "reading a mail",
            "SELECT attempts FROM mail_outbox WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?
        .unwrap_or(0)
            + 1;
        let (state, next, answer, error) = match outcome {
            Ok(a) => ("sent", now, Some(a), None),
            Err(e) if attempts >= max_attempts => ("failed", now, None, Some(e)),
            Err(e) => {
                let backoff = Duration::seconds((30i64 << (attempts - 1).min(7)).min(3600));
                ("queued", now + backoff, None, Some(e))
            }
        };
        self.conn
            .execute(
                "UPDATE mail_outbox SET attempts = ?2, state = ?3, next_attempt = ?4,
                   answer = COALESCE(?5, answer), last_error = COALESCE(?6, last_error)
                 WHERE id = ?1",
                params![id, attempts, state, stamp(next), answer, error],
            )
            .map_err(sql("recording a mail delivery"))?;
        Ok(state)
    }

    /// Mails waiting to go.
    pub fn mail_queued(&self) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM mail_outbox WHERE state = 'queued'",
                [],
                |r| r.get(0),
            )
            .map_err(sql("counting the outbox"))
    }

    /// Keeps a link token for plan `id` at `hash` (only its SHA-256), valid `hours`.
    pub fn add_link(
        &mut self,
        token: &str,
        id: i64,
        hash: &str,
        recipient: &str,
        hours: u32,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO plan_links (token_sha256, plan_id, plan_hash, recipient, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    token_sha256(token),
                    id,
                    hash,
                    recipient,
                    stamp(now),
                    stamp(now + Duration::hours(i64::from(hours)))
                ],
            )
            .map_err(sql("keeping a plan link"))?;
        Ok(())
    }

    /// What a link token names, if it is one.
    pub fn link(&self, token: &str) -> Result<Option<Link>> {
        query_opt(
            &self.conn,
            "reading a plan link",
            "SELECT plan_id, plan_hash, recipient, expires_at, used_at FROM plan_links
             WHERE token_sha256 = ?1",
            [token_sha256(token)],
            |r| {
                Ok(Link {
                    plan: r.get(0)?,
                    hash: r.get(1)?,
                    recipient: r.get(2)?,
                    expires_at: r.get(3)?,
                    used_at: r.get(4)?,
                })
            },
        )
    }

    /// Marks a link used, once: false when it already was.
    pub fn use_link(&mut self, token: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE plan_links SET used_at = ?2 WHERE token_sha256 = ?1 AND used_at IS NULL",
                params![token_sha256(token), stamp(now)],
            )
            .map_err(sql("using a plan link"))?;
        Ok(n == 1)
    }

    /// Findings opened or reopened, and resources that drifted, since `since`.
    pub fn digest_counts(&self, since: DateTime<Utc>) -> Result<DigestCounts> {
        let since = stamp(since);
        let findings = query_rows(
            &self.conn,
            "counting new findings",
            "SELECT e.event, f.severity, COUNT(*) FROM finding_events e
             JOIN findings f ON f.id = e.finding_id
             WHERE e.at >= ?1 AND e.event IN ('opened', 'reopened')
             GROUP BY e.event, f.severity ORDER BY e.event, f.severity",
            [&since],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let drifted_resources = self
            .conn
            .query_row(
                "SELECT COUNT(DISTINCT resource_id) FROM resource_versions v
                 JOIN scans s ON s.id = v.scan_id WHERE s.finished_at >= ?1",
                [&since],
                |r| r.get(0),
            )
            .map_err(sql("counting drift"))?;
        Ok(DigestCounts {
            findings,
            drifted_resources,
        })
    }
}
