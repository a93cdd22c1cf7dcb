//! Remediation plans in the daemon: proposing after complete scans (`[plans] auto_propose`),
//! the periodic sweep (approvals that ran out expire; with `[plans] apply = "on-approval"`
//! approved plans are applied), applying on request, and the report at start of plans an
//! earlier process left applying. Plan writes use connections of their own (SQLite's
//! busy timeout orders them with the scans' writer), off the async threads.

use std::sync::Arc;

use chrono::Utc;

use super::state::with_store;
use super::State;
use crate::remediate::select::Selection;
use crate::remediate::PlanState;
use crate::store::Store;

/// Who the daemon's own proposals and applies are recorded as.
pub const REAPER: &str = "vigil:reaper";

/// Announces plan `id` in the state it is in now.
pub(super) async fn notify(state: &Arc<State>, id: i64) {
    let plan = with_store(state, move |s| s.plan(id).map_err(|e| e.to_string())).await;
    if let Ok(Some(p)) = plan {
        if let Some(e) = crate::remediate::notify::Event::of(p.state) {
            announce(state, e, p).await;
        }
    }
}

/// Every plan event goes out the same two ways: the log line ([`State::notifier`]) and the
/// mails `[notify]` names (queued in the outbox). Neither blocks nor fails the step that
/// raised it.
pub(super) async fn announce(
    state: &Arc<State>,
    e: crate::remediate::notify::Event,
    p: crate::remediate::Plan,
) {
    state.notifier.notify(e, &p);
    super::mail::queue_plan(state, e, p).await;
}

/// After a scan: the plans it verified (or found still failing) are told about.
pub(super) async fn after_scan(state: &Arc<State>, scan_id: i64) {
    let done = with_store(state, |s| {
        s.plans(&[PlanState::Verified, PlanState::VerifyFailed])
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_default();
    let tag = format!("\"scan_id\":{scan_id}");
    for p in done {
        let subject = format!("plan {}", p.id);
        let audit = with_store(state, move |s| {
            s.audit_of(&subject).map_err(|e| e.to_string())
        })
        .await
        .unwrap_or_default();
        let by_this_scan = audit.iter().any(|e| {
            (e.action == "plan.verified" || e.action == "plan.verify_failed")
                && e.details.to_string().contains(&tag)
        });
        if by_this_scan {
            if let Some(e) = crate::remediate::notify::Event::of(p.state) {
                announce(state, e, p).await;
            }
        }
    }
}

/// Asks `[llm]`'s model for plan `id`'s summary (the template stays when there is none,
/// and replaces whatever fails). The store is not held while the model answers.
pub(super) async fn summarize(state: &Arc<State>, id: i64) {
    let loaded = state.current();
    let cfg = loaded.config.llm.clone();
    if cfg.provider == crate::config::LlmProvider::None {
        return;
    }
    let titles = crate::llm::titles(&loaded.rules);
    let job_cfg = cfg.clone();
    let job = with_store(state, move |s| {
        crate::llm::Job::prepare(s, &job_cfg, &titles, id, Utc::now()).map_err(|e| e.to_string())
    })
    .await;
    let job = match job {
        Ok(Some(j)) => j,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(target: "llm", plan = id, error = %e, "reading the plan for its summary");
            return;
        }
    };
    let done = job.ask(&cfg).await;
    let source = match done.summary.source {
        crate::remediate::summary::Source::Llm => "llm",
        crate::remediate::summary::Source::Template => "template",
    };
    super::metrics::Metrics::count(&state.metrics.summaries, source);
    if let Err(e) = with_store(state, move |s| done.record(s).map_err(|e| e.to_string())).await {
        tracing::warn!(target: "llm", plan = id, error = %e, "recording the plan's summary");
    }
}

/// After a complete scan: the open findings of the `auto_propose` rules not yet in a plan
/// become one plan, requested by [`REAPER`] (so any approver may approve it).
pub(super) async fn auto_propose(state: &Arc<State>) {
    let loaded = state.current();
    let rules =
        (loaded.config.plans.auto_propose.clone()).unwrap_or_else(|| loaded.rules.reaping_rules());
    if rules.is_empty() {
        return;
    }
    let done = with_store(state, move |store| {
        let sel = Selection::Rules(rules);
        match crate::remediate::flow::propose_plan(
            store,
            &loaded.config,
            &loaded.rules,
            &sel,
            REAPER,
            Default::default(),
            Utc::now(),
        ) {
            Ok(p) => Ok(Some(p.id)),
            Err(crate::remediate::flow::Error::Propose(
                crate::remediate::propose::Error::Nothing,
            )) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    })
    .await;
    match done {
        Ok(Some(id)) => {
            state.metrics.plans_proposed.inc();
            // The summary (a model may take its timeout) and the mail that carries it run
            // apart from the scan, which is done.
            let s = state.clone();
            tokio::spawn(async move {
                summarize(&s, id).await;
                notify(&s, id).await;
            });
            tracing::info!(target: "remediate", plan = id, requester = REAPER, "plan proposed for the open findings of [plans] auto_propose; it waits for approval")
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(target: "remediate", error = %e, "auto-propose"),
    }
}

/// Applies one approved plan as `actor`; answers the plan after the apply.
pub(super) async fn apply(
    state: &Arc<State>,
    id: i64,
    actor: String,
    dry_run: bool,
) -> Result<crate::remediate::apply::Applied, crate::remediate::apply::Error> {
    let config = state.current().config.clone();
    let db = state.db_path.clone();
    let handle = tokio::runtime::Handle::current();
    let out = tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&db)?;
        handle.block_on(crate::remediate::apply::apply(
            &mut store, &config, id, &actor, dry_run,
        ))
    })
    .await
    .unwrap_or_else(|e| {
        Err(crate::remediate::apply::Error::Credentials(format!(
            "the apply panicked: {e}"
        )))
    });
    if let Ok(a) = &out {
        for e in &a.plan.executions {
            state.metrics.plan_call(&e.outcome);
        }
        if !a.dry_run {
            state.metrics.plan_applied(&a.plan);
        }
        if !a.dry_run {
            notify(state, id).await;
        }
        tracing::info!(target: "remediate", plan = id, state = %a.plan.state, dry_run, "plan applied");
    }
    out
}

/// The sweep: expire approvals that ran out; apply approved plans when the config says
/// `on-approval`; refresh the plans-by-state gauge.
pub(super) async fn sweep(state: &Arc<State>) {
    let expired = with_store(state, |store| {
        store
            .expire_plans("vigil", Utc::now())
            .map_err(|e| e.to_string())
    })
    .await;
    match expired {
        Ok(ids) if !ids.is_empty() => {
            tracing::info!(target: "remediate", plans = ?ids, "approvals ran out: plans expired")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(target: "remediate", error = %e, "expiring plans"),
    }
    if state.current().config.plans.apply == "on-approval" {
        let approved = with_store(state, |store| {
            store
                .plans(&[PlanState::Approved])
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap_or_default();
        for p in approved {
            if let Err(e) = apply(state, p.id, REAPER.to_string(), false).await {
                tracing::warn!(target: "remediate", plan = p.id, error = %e, "apply on approval");
            }
        }
    }
    refresh_gauge(state).await;
}

/// Sweeps every `every` until shutdown begins.
pub(super) async fn sweep_loop(state: Arc<State>, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if state.phase() != super::Phase::Running {
            return;
        }
        sweep(&state).await;
    }
}

/// Plans by state, for `vigil_plans`.
pub(super) async fn refresh_gauge(state: &Arc<State>) {
    let all = with_store(state, |store| store.plans(&[]).map_err(|e| e.to_string())).await;
    if let Ok(all) = all {
        state.metrics.set_plans(&all);
    }
}

/// At start: plans an earlier process left `applying` were interrupted (this process holds
/// the database's lock, so nothing else applies them). They are reported, never re-run.
pub(super) async fn report_interrupted(state: &Arc<State>) {
    let left = with_store(state, |store| {
        store
            .plans(&[PlanState::Applying])
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_default();
    for p in left {
        tracing::warn!(target: "remediate", plan = p.id, since = %p.updated_at, calls = p.executions.len(),
            "plan was being applied when vigil stopped; it is not run again: check its recorded calls (vigil plan show) and the resources, then propose anew");
    }
}
