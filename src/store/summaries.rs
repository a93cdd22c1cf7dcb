//! A plan's summary and the requests made for it. Not audited: the summary is text for a
//! human, outside the hash and the lifecycle; the requests are kept whole instead (prompt,
//! answer, outcome), and their count is the model's daily budget.

use rusqlite::params;

use super::{query_rows, sql, Result, Store};
use crate::model::plan::summary::Summary;
use crate::model::plan::SummaryRequest;

impl Store {
    /// Stores a plan's summary.
    pub fn set_summary(&mut self, id: i64, summary: &Summary) -> Result<()> {
        self.conn
            .execute(
                "UPDATE plans SET summary = ?2 WHERE id = ?1",
                params![
                    id,
                    serde_json::to_string(summary).expect("summaries serialize")
                ],
            )
            .map_err(sql("writing the plan summary"))?;
        Ok(())
    }

    /// Keeps one request made for plan `id`'s summary.
    pub fn record_summary_request(&mut self, id: i64, r: &SummaryRequest) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO summary_requests (plan_id, at, provider, model, requests,
                   prompt_sha256, system, prompt, answer, outcome, latency_ms, input_tokens,
                   output_tokens)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    id,
                    r.at,
                    r.provider,
                    r.model,
                    r.requests,
                    r.prompt_sha256,
                    r.system,
                    r.prompt,
                    r.answer,
                    r.outcome,
                    r.latency_ms,
                    r.input_tokens,
                    r.output_tokens
                ],
            )
            .map_err(sql("recording a summary request"))?;
        Ok(())
    }

    /// Requests made to a model since `since` (RFC 3339), retries included.
    pub fn summary_requests_since(&self, since: &str) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT COALESCE(SUM(requests), 0) FROM summary_requests WHERE at >= ?1",
                [since],
                |r| r.get(0),
            )
            .map_err(sql("counting summary requests"))
    }

    /// The requests made for plan `id`'s summary, oldest first.
    pub fn summary_requests(&self, id: i64) -> Result<Vec<SummaryRequest>> {
        query_rows(
            &self.conn,
            "reading summary requests",
            "SELECT at, provider, model, requests, prompt_sha256, system, prompt, answer,
                    outcome, latency_ms, input_tokens, output_tokens
             FROM summary_requests WHERE plan_id = ?1 ORDER BY id",
            [id],
            |r| {
                Ok(SummaryRequest {
                    at: r.get(0)?,
                    provider: r.get(1)?,
                    model: r.get(2)?,
                    requests: r.get(3)?,
                    prompt_sha256: r.get(4)?,
                    system: r.get(5)?,
                    prompt: r.get(6)?,
                    answer: r.get(7)?,
                    outcome: r.get(8)?,
                    latency_ms: r.get(9)?,
                    input_tokens: r.get(10)?,
                    output_tokens: r.get(11)?,
                })
            },
        )
    }
}
