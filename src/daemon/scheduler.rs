//! The cron jobs (scheduled scans, the history prune) and reloading: a new set is checked
//! whole and replaces the one in force only when it passes, schedules included.

use std::sync::Arc;

use super::loaded::{load, Loaded, Problem};
use super::state::State;
use super::{metrics, Error};

pub(super) struct Scheduler {
    pub(super) sched: tokio_cron_scheduler::JobScheduler,
    jobs: Vec<uuid::Uuid>,
    schedules: Vec<(String, String)>,
    prune: Option<String>,
}

impl Scheduler {
    pub(super) async fn new() -> Result<Scheduler, Error> {
        let sched = tokio_cron_scheduler::JobScheduler::new()
            .await
            .map_err(|e| Error::Scheduler(e.to_string()))?;
        sched
            .start()
            .await
            .map_err(|e| Error::Scheduler(e.to_string()))?;
        Ok(Scheduler {
            sched,
            jobs: Vec::new(),
            schedules: Vec::new(),
            prune: None,
        })
    }

    /// Replaces the jobs when the schedules changed.
    pub(super) async fn apply(&mut self, state: &Arc<State>, loaded: &Loaded) -> Result<(), Error> {
        let schedules = loaded.schedules();
        let prune = loaded
            .config
            .storage
            .retention_days
            .map(|_| loaded.config.daemon.prune_schedule.clone());
        if schedules == self.schedules && prune == self.prune && !self.jobs.is_empty() {
            return Ok(());
        }
        // The new jobs are added before the old ones go: a failure leaves the old set whole.
        let mut added = Vec::new();
        let result = self.add_jobs(state, &schedules, &prune, &mut added).await;
        if let Err(e) = result {
            for id in added {
                let _ = self.sched.remove(&id).await;
            }
            return Err(e);
        }
        for id in std::mem::replace(&mut self.jobs, added) {
            let _ = self.sched.remove(&id).await;
        }
        for (target, cron) in &schedules {
            tracing::info!(target: "daemon", scan_target = %target, cron = %cron, "scheduled (UTC)");
        }
        if let Some(cron) = &prune {
            tracing::info!(target: "daemon", cron = %cron, "history pruning scheduled (UTC)");
        }
        if schedules.is_empty() {
            tracing::warn!(target: "daemon", "no [[schedules]] in the config: scans run only when asked (POST /api/v1/scans)");
        }
        self.schedules = schedules;
        self.prune = prune;
        Ok(())
    }

    async fn add_jobs(
        &mut self,
        state: &Arc<State>,
        schedules: &[(String, String)],
        prune: &Option<String>,
        added: &mut Vec<uuid::Uuid>,
    ) -> Result<(), Error> {
        let err = |e: tokio_cron_scheduler::JobSchedulerError| Error::Scheduler(e.to_string());
        for (target, cron) in schedules {
            let (st, t) = (state.clone(), target.clone());
            let job = tokio_cron_scheduler::Job::new_async(cron.as_str(), move |_, _| {
                let (st, t) = (st.clone(), t.clone());
                Box::pin(async move { st.scheduled(t) })
            })
            .map_err(err)?;
            added.push(self.sched.add(job).await.map_err(err)?);
        }
        if let Some(cron) = prune {
            let st = state.clone();
            let job = tokio_cron_scheduler::Job::new_async(cron.as_str(), move |_, _| {
                let st = st.clone();
                Box::pin(async move { st.prune().await })
            })
            .map_err(err)?;
            added.push(self.sched.add(job).await.map_err(err)?);
        }
        Ok(())
    }
}

/// Checks a new set and, if it passes, puts it in force.
pub(super) async fn reload(
    state: &Arc<State>,
    sched: &mut Scheduler,
    why: &str,
) -> Result<usize, Vec<Problem>> {
    let opts = state.opts.clone();
    let result = tokio::task::spawn_blocking(move || load(&opts))
        .await
        .unwrap_or_else(|e| Err(vec![Problem::Panicked(e.to_string())]));
    match result {
        Err(problems) => {
            for p in &problems {
                tracing::error!(target: "daemon", problem = %p, "reload rejected");
            }
            tracing::error!(target: "daemon", why, problems = problems.len(),
                "the new rules or config are invalid; the set in force stays");
            state
                .metrics
                .reloads
                .get_or_create(&metrics::ResultLabels {
                    result: "rejected".into(),
                })
                .inc();
            Err(problems)
        }
        Ok(new) => {
            let old = state.current();
            if new.config.daemon.listen != old.config.daemon.listen
                || new.config.storage.path != old.config.storage.path
            {
                tracing::warn!(target: "daemon", "daemon.listen or storage.path changed: that takes a restart");
            }
            let new = Arc::new(new);
            if let Err(e) = sched.apply(state, &new).await {
                tracing::error!(target: "daemon", error = %e, "rescheduling failed; the old schedules stay");
                return Err(vec![Problem::Schedule(e.to_string())]);
            }
            let n = new.rules.rules.len();
            state.metrics.rules_loaded.set(n as i64);
            *state.loaded.write().unwrap_or_else(|e| e.into_inner()) = new;
            state
                .metrics
                .reloads
                .get_or_create(&metrics::ResultLabels {
                    result: "ok".into(),
                })
                .inc();
            tracing::info!(target: "daemon", why, rules = n, "rules and config reloaded");
            Ok(n)
        }
    }
}
