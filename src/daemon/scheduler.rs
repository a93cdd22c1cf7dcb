//! Every cron job of the daemon (scheduled scans, the history prune, `[[reports]]`, the
//! digest) in one scheduler, and reloading: a new set is checked whole and replaces the one
//! in force only when it passes, schedules included.

use std::sync::Arc;

use super::loaded::{load, Loaded, Problem};
use super::state::State;
use super::{metrics, Error};

/// What a cron job does.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Job {
    /// Scan a target (`[[schedules]]`).
    Scan(String),
    /// Prune history (`daemon.prune_schedule`, with `storage.retention_days`).
    Prune,
    /// Make a report (`[[reports]]`, by name).
    Report(String),
    /// Queue the digest mail (`[notify.digest]`).
    Digest,
}

/// Every cron of a set in force, with what it runs.
fn jobs(loaded: &Loaded) -> Vec<(Job, String)> {
    let c = &loaded.config;
    let mut out: Vec<(Job, String)> = loaded
        .schedules()
        .into_iter()
        .map(|(t, cron)| (Job::Scan(t), cron))
        .collect();
    if c.storage.retention_days.is_some() {
        out.push((Job::Prune, c.daemon.prune_schedule.clone()));
    }
    out.extend(
        c.reports
            .iter()
            .map(|r| (Job::Report(r.name.clone()), r.cron.clone())),
    );
    if let Some(d) = &c.notify.digest {
        out.push((Job::Digest, d.cron.clone()));
    }
    out
}

/// The daemon's one scheduler: scans, the prune, reports and the digest, each on its cron.
pub(super) struct Scheduler {
    pub(super) sched: tokio_cron_scheduler::JobScheduler,
    ids: Vec<uuid::Uuid>,
    jobs: Vec<(Job, String)>,
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
            ids: Vec::new(),
            jobs: Vec::new(),
        })
    }

    /// Replaces the jobs when the crons changed.
    pub(super) async fn apply(&mut self, state: &Arc<State>, loaded: &Loaded) -> Result<(), Error> {
        let jobs = jobs(loaded);
        if jobs == self.jobs && !self.ids.is_empty() {
            return Ok(());
        }
        // The new jobs are added before the old ones go: a failure leaves the old set whole.
        let mut added = Vec::new();
        let result = self.add_jobs(state, &jobs, &mut added).await;
        if let Err(e) = result {
            for id in added {
                let _ = self.sched.remove(&id).await;
            }
            return Err(e);
        }
        for id in std::mem::replace(&mut self.ids, added) {
            let _ = self.sched.remove(&id).await;
        }
        for (job, cron) in &jobs {
            match job {
                Job::Scan(t) => {
                    tracing::info!(target: "daemon", scan_target = %t, cron = %cron, "scheduled (UTC)")
                }
                Job::Prune => {
                    tracing::info!(target: "daemon", cron = %cron, "history pruning scheduled (UTC)")
                }
                Job::Report(r) => {
                    tracing::info!(target: "daemon", report = %r, cron = %cron, "report scheduled (UTC)")
                }
                Job::Digest => {
                    tracing::info!(target: "daemon", cron = %cron, "digest mail scheduled (UTC)")
                }
            }
        }
        if !jobs.iter().any(|(j, _)| matches!(j, Job::Scan(_))) {
            tracing::warn!(target: "daemon", "no [[schedules]] in the config: scans run only when asked (POST /api/v1/scans)");
        }
        self.jobs = jobs;
        Ok(())
    }

    async fn add_jobs(
        &mut self,
        state: &Arc<State>,
        jobs: &[(Job, String)],
        added: &mut Vec<uuid::Uuid>,
    ) -> Result<(), Error> {
        let err = |e: tokio_cron_scheduler::JobSchedulerError| Error::Scheduler(e.to_string());
        for (job, cron) in jobs {
            let (st, job) = (state.clone(), job.clone());
            let j = tokio_cron_scheduler::Job::new_async(cron.as_str(), move |_, _| {
                let (st, job) = (st.clone(), job.clone());
                Box::pin(async move {
                    match job {
                        Job::Scan(t) => st.scheduled(t),
                        Job::Prune => st.prune().await,
                        Job::Report(name) => super::reports::scheduled(&st, &name).await,
                        Job::Digest => super::mail::queue_digest(&st).await,
                    }
                })
            })
            .map_err(err)?;
            added.push(self.sched.add(j).await.map_err(err)?);
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
