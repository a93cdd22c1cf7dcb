//! Plan summaries written by a model (`[llm]`: bedrock, openai, anthropic), the other half
//! of "an LLM summarizes and an operator approves".
//!
//! The model never chooses, adds or alters actions: a plan's actions and hash are stored
//! before it is asked, its answer goes into the summary column only and is never parsed
//! for anything but the summary's own fields. Files: `prompt` (facts apart from estate
//! strings, which go in quoted and made inert), `client` (the three wire formats, retries,
//! timeouts), `check` (the answer's deterministic checks). Every request is kept on the plan
//! (`summary_requests`: prompt, answer, outcome); anything that fails gives the template.
//!
//! A summary is made in three steps so the store's lock is never held across a request:
//! [`Job::prepare`] reads the plan and its targets, [`Job::run`] asks, [`Done::record`]
//! writes.

pub mod answer;
pub mod check;
pub mod client;
pub mod prompt;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, SecondsFormat, Utc};

pub use client::Client;
use prompt::Prompt;

use crate::config::{Llm, LlmProvider};
use crate::model::plan::SummaryRequest;
use crate::remediate::summary::{Source, Summary};
use crate::remediate::Plan;
use crate::store::Store;

/// A summary to ask for: the plan as stored and its prompt, or why no model is asked.
pub struct Job {
    plan: Plan,
    prompt: Prompt,
    /// Set when the template is used without asking (the daily budget is spent).
    skip: Option<String>,
    at: DateTime<Utc>,
}

/// A summary made, and the request behind it.
pub struct Done {
    plan: i64,
    pub summary: Summary,
    pub request: Option<SummaryRequest>,
}

/// The names of the rules, by id, for the facts of a prompt.
pub fn titles(rules: &crate::policy::RuleSet) -> BTreeMap<String, String> {
    rules
        .rules
        .iter()
        .map(|r| (r.meta.id.clone(), r.meta.title.clone()))
        .collect()
}

impl Job {
    /// Reads plan `id` and its targets; None when `[llm]` names no provider or there is no
    /// such plan.
    pub fn prepare(
        store: &Store,
        cfg: &Llm,
        titles: &BTreeMap<String, String>,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Job>, crate::store::Error> {
        if cfg.provider == LlmProvider::None {
            return Ok(None);
        }
        let Some(plan) = store.plan(id)? else {
            return Ok(None);
        };
        let mut resources = Vec::new();
        for a in &plan.actions {
            if let Some((r, _)) = store.current(&a.target)? {
                resources.push(r);
            }
        }
        let day = now
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc();
        let used = store.summary_requests_since(&stamp(day))?;
        Ok(Some(Job::new(plan, &resources, titles, cfg, used, now)))
    }

    /// A job for `plan`, its targets as last stored, and the requests already made today.
    pub fn new(
        plan: Plan,
        resources: &[crate::model::Resource],
        titles: &BTreeMap<String, String>,
        cfg: &Llm,
        used_today: i64,
        now: DateTime<Utc>,
    ) -> Job {
        let skip = (used_today >= i64::from(cfg.max_requests_per_day)).then(|| {
            format!(
                "budget: the day's {} requests to the model are spent",
                cfg.max_requests_per_day
            )
        });
        let prompt = prompt::build(&plan, titles, resources);
        Job {
            plan,
            prompt,
            skip,
            at: now,
        }
    }

    /// Makes the client `[llm]` describes (a key that cannot be read is the reason the
    /// template is used), then [`Job::run`].
    pub async fn ask(self, cfg: &Llm) -> Done {
        let client = Client::new(cfg).await;
        self.run(client.as_ref().map(Option::as_ref), cfg).await
    }

    /// The prompt the model is given.
    pub fn prompt(&self) -> &Prompt {
        &self.prompt
    }

    /// Asks the model (unless the budget is spent) and checks its answer.
    pub async fn run(self, client: Result<Option<&Client>, &client::Error>, cfg: &Llm) -> Done {
        let id = self.plan.id;
        let model = cfg.model.clone().unwrap_or_default();
        let record = |requests: u32,
                      answer: Option<String>,
                      outcome: &str,
                      started: Option<Instant>,
                      tokens: (Option<i64>, Option<i64>)| SummaryRequest {
            at: stamp(self.at),
            provider: cfg.provider.as_str().to_string(),
            model: model.clone(),
            requests,
            prompt_sha256: crate::digest::sha256_hex(format!(
                "{}\n\n{}",
                self.prompt.system, self.prompt.user
            )),
            system: self.prompt.system.clone(),
            prompt: self.prompt.user.clone(),
            answer,
            outcome: outcome.to_string(),
            latency_ms: started.map(client::millis).unwrap_or(0),
            input_tokens: tokens.0,
            output_tokens: tokens.1,
        };
        let fallback = |reason: String, request: SummaryRequest| Done {
            plan: id,
            summary: crate::remediate::summary::fallback(&self.plan, reason),
            request: Some(request),
        };
        if let Some(why) = &self.skip {
            return fallback(why.clone(), record(0, None, why, None, (None, None)));
        }
        let client = match client {
            Ok(Some(c)) => c,
            Ok(None) => {
                let why = "provider: no model is configured".to_string();
                return fallback(why.clone(), record(0, None, &why, None, (None, None)));
            }
            Err(e) => {
                let why = format!("provider: {e}");
                return fallback(why.clone(), record(0, None, &why, None, (None, None)));
            }
        };
        let started = Instant::now();
        let (reply, made) = client.ask(&self.prompt).await;
        let reply = match reply {
            Ok(r) => r,
            Err(e) => {
                let why = format!("{}: {}", e.class, e.detail);
                tracing::warn!(target: "llm", plan = id, provider = cfg.provider.as_str(), error = %why, "no summary from the model; the template is used");
                return fallback(
                    why.clone(),
                    record(made, None, &why, Some(started), (None, None)),
                );
            }
        };
        let tokens = (reply.input_tokens, reply.output_tokens);
        match check::check(&reply.text, &self.prompt) {
            Ok(answer) => Done {
                plan: id,
                summary: Summary {
                    text: answer.text(),
                    source: Source::Llm,
                    reason: None,
                    provider: Some(cfg.provider.as_str().to_string()),
                    model: Some(model.clone()),
                },
                request: Some(record(
                    made,
                    Some(reply.text),
                    "accepted",
                    Some(started),
                    tokens,
                )),
            },
            Err(refused) => {
                let why = format!("refused: {refused}");
                tracing::warn!(target: "llm", plan = id, error = %why, "the model's summary failed its checks; the template is used");
                fallback(
                    why.clone(),
                    record(made, Some(reply.text), &why, Some(started), tokens),
                )
            }
        }
    }
}

impl Done {
    /// Writes the summary and the request onto the plan.
    pub fn record(&self, store: &mut Store) -> Result<(), crate::store::Error> {
        if let Some(r) = &self.request {
            store.record_summary_request(self.plan, r)?;
        }
        store.set_summary(self.plan, &self.summary)
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The summary step for a plan just proposed, when the caller owns the store (the CLI).
pub async fn summarize_now(
    store: &mut Store,
    cfg: &Llm,
    titles: &BTreeMap<String, String>,
    id: i64,
) -> Result<Option<Summary>, crate::store::Error> {
    let Some(job) = Job::prepare(store, cfg, titles, id, Utc::now())? else {
        return Ok(None);
    };
    let done = job.ask(cfg).await;
    done.record(store)?;
    Ok(Some(done.summary))
}
