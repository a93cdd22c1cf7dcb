//! Mail in the daemon: plan events and reaping marks become mails in the store's outbox
//! (with the approval-page links a proposal carries), the digest is queued on its cron, and
//! one sender delivers what is due through `[notify.smtp]`. A mail server that is down or
//! refuses never blocks a scan or a plan: the mail waits in the outbox and is tried again
//! with backoff (`vigil_mails_total{result="retry"}`), and one given up stays there as
//! `failed`.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::state::with_store;
use super::State;
use crate::remediate::notify::Event;
use crate::remediate::Plan;

/// Queues the mails of event `e` on plan `p` and wakes the sender.
pub(super) async fn queue_plan(state: &Arc<State>, e: Event, p: Plan) {
    let loaded = state.current();
    if loaded.config.notify.smtp.is_none() {
        return;
    }
    let (cfg, reaping_rules) = (loaded.config.clone(), loaded.rules.reaping_rules());
    let id = p.id;
    let queued = with_store(state, move |s| {
        let now = Utc::now();
        let n = &cfg.notify;
        let mut mails = crate::mail::plan_mails(s, n, cfg.plans.approval_ttl_hours, &p, e, now)
            .map_err(|e| e.to_string())?;
        let reaping = !p.findings.is_empty()
            && p.findings
                .iter()
                .all(|f| reaping_rules.contains(&f.rule_id));
        if e == Event::Proposed && reaping {
            let link = n
                .base_url
                .as_ref()
                .map(|b| format!("{}/plans/{}", b.trim_end_matches('/'), p.id));
            mails.extend(crate::mail::reaping_mail(s, n, &p, link));
        }
        for m in &mails {
            s.enqueue_mail(m, now).map_err(|e| e.to_string())?;
        }
        Ok(mails.len())
    })
    .await;
    match queued {
        Ok(0) => {}
        Ok(n) => {
            tracing::info!(target: "notify", plan = id, event = ?e, mails = n, "mail queued");
            state.mail_wake.notify_one();
        }
        Err(err) => tracing::warn!(target: "notify", plan = id, error = %err, "queueing mail"),
    }
}

/// Queues the digest of what happened since the last one (see `scheduler`) and wakes the
/// sender.
pub(super) async fn queue_digest(state: &Arc<State>) {
    let Some(d) = state.current().config.notify.digest.clone() else {
        return;
    };
    let now = Utc::now();
    let since = std::mem::replace(&mut *super::state::lock(&state.last_digest), now);
    let r = with_store(state, move |s| {
        let m = crate::mail::digest_mail(s, &d.to, since, now).map_err(|e| e.to_string())?;
        s.enqueue_mail(&m, now).map_err(|e| e.to_string())
    })
    .await;
    match r {
        Ok(_) => state.mail_wake.notify_one(),
        Err(e) => tracing::warn!(target: "notify", error = %e, "queueing the digest"),
    }
}

/// Delivers due mail when woken (a mail queued) or every 5 s (retries coming due); runs
/// until aborted.
pub(super) async fn sender_loop(state: Arc<State>) {
    loop {
        let cfg = state.current().config.clone();
        if let Some(smtp) = &cfg.notify.smtp {
            deliver(&state, smtp, cfg.notify.max_attempts).await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), state.mail_wake.notified()).await;
    }
}

async fn deliver(state: &Arc<State>, smtp: &crate::config::Smtp, max_attempts: u32) {
    let due = with_store(state, |s| s.due_mail(Utc::now()).map_err(|e| e.to_string()))
        .await
        .unwrap_or_default();
    if !due.is_empty() {
        let sender = crate::mail::smtp::Sender::new(smtp);
        for q in due {
            let outcome = match &sender {
                Ok(s) => s.send(&q.mail).await,
                Err(e) => Err(e.clone()),
            };
            let (result, text) = match &outcome {
                Ok(answer) => (Ok(answer.clone()), answer.clone()),
                Err(e) => (Err(e.message.clone()), e.message.clone()),
            };
            // A permanent refusal is not tried again.
            let attempts = match &outcome {
                Err(e) if e.permanent => 1,
                _ => max_attempts,
            };
            let id = q.id;
            let st = with_store(state, move |s| {
                s.mail_attempted(
                    id,
                    result.as_deref().map_err(String::as_str),
                    attempts,
                    Utc::now(),
                )
                .map_err(|e| e.to_string())
            })
            .await;
            match st {
                Ok(st) => {
                    let result = if st == "queued" { "retry" } else { st };
                    super::metrics::Metrics::count(&state.metrics.mails, result);
                    if st == "sent" {
                        tracing::info!(target: "notify", mail = id, kind = %q.mail.kind, to = ?q.mail.to, answer = %text, "mail sent");
                    } else {
                        tracing::warn!(target: "notify", mail = id, kind = %q.mail.kind, state = st, error = %text, "mail not delivered");
                    }
                }
                Err(e) => {
                    tracing::warn!(target: "notify", mail = id, error = %e, "recording a delivery")
                }
            }
        }
    }
    if let Ok(n) = with_store(state, |s| s.mail_queued().map_err(|e| e.to_string())).await {
        state.metrics.mail_queued.set(n);
    }
}
