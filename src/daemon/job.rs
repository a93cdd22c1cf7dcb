//! One scan job, start to end: collect, evaluate (both abandonable at shutdown and bounded
//! by `daemon.scan_timeout_seconds`), record (one transaction, never cut short); and the
//! scheduled history prune.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tracing::Instrument as _;

use super::state::{lock, Phase, Running, StartError, State};
use super::{metrics, Loaded};
use crate::collect::ApiStats;
use crate::config::Config;
use crate::store::Store;

/// Removes a scan from the running set however its task ends (a panic included).
struct RunGuard {
    state: Arc<State>,
    target: String,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        lock(&self.state.running).remove(&self.target);
    }
}

/// Why a scan recorded nothing. The database is as before the scan in every case.
#[derive(Debug, thiserror::Error)]
enum ScanFailure {
    #[error("collection: {0}")]
    Collection(String),
    #[error("reading idle history: {0}")]
    IdleHistory(crate::store::Error),
    #[error("recording: {0}; the database is as before the scan")]
    Recording(crate::scan::Error),
    /// A stage's task panicked.
    #[error("{stage} panicked: {message}")]
    Panicked {
        stage: &'static str,
        message: String,
    },
    /// Shutdown's grace ran out during this stage.
    #[error("abandoned at shutdown while {0}")]
    Abandoned(&'static str),
    /// `daemon.scan_timeout_seconds` ran out.
    #[error("timed out")]
    TimedOut,
}

impl ScanFailure {
    fn panicked(stage: &'static str) -> impl FnOnce(tokio::task::JoinError) -> ScanFailure {
        move |e| ScanFailure::Panicked {
            stage,
            message: e.to_string(),
        }
    }

    /// The outcome as metrics and health name it.
    fn status(&self) -> &'static str {
        match self {
            ScanFailure::Abandoned(_) => "abandoned",
            ScanFailure::TimedOut => "timeout",
            _ => "error",
        }
    }
}

impl State {
    /// Starts a scan of `target` now, unless one is running; returns its run id.
    pub fn start_scan(
        self: &Arc<Self>,
        target: String,
        trigger: &'static str,
    ) -> Result<String, StartError> {
        let run_id = {
            let mut running = lock(&self.running);
            if self.phase() != Phase::Running {
                return Err(StartError::ShuttingDown);
            }
            if let Some(r) = running.get(&target) {
                return Err(StartError::Busy {
                    target: target.clone(),
                    run_id: r.run_id.clone(),
                });
            }
            let run_id = new_run_id(&target);
            running.insert(
                target.clone(),
                Running {
                    run_id: run_id.clone(),
                    target: target.clone(),
                    trigger,
                    started_at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                },
            );
            run_id
        };
        let span = tracing::info_span!("scan", run = %run_id, target = %target, trigger);
        let guard = RunGuard {
            state: self.clone(),
            target: target.clone(),
        };
        let state = self.clone();
        let id = run_id.clone();
        tokio::spawn(
            async move {
                let _guard = guard;
                state.scan(&target, &id).await;
            }
            .instrument(span),
        );
        Ok(run_id)
    }

    /// A scheduled run: skipped (logged and counted) while the previous one still runs.
    pub(super) fn scheduled(self: &Arc<Self>, target: String) {
        match self.start_scan(target.clone(), "schedule") {
            Ok(_) => {}
            Err(StartError::Busy { run_id, .. }) => {
                tracing::warn!(target: "daemon", scan_target = %target, running = %run_id,
                    "the previous scan of this target is still running; this scheduled run is skipped");
                self.metrics
                    .scans_skipped
                    .get_or_create(&metrics::TargetLabels { target })
                    .inc();
            }
            Err(StartError::ShuttingDown) => {}
        }
    }

    /// Waits for `work`, unless shutdown's grace runs out (or the scan's time does) first.
    async fn unless_stopped<T>(
        &self,
        work: impl std::future::Future<Output = T>,
        deadline: tokio::time::Instant,
        stage: &'static str,
    ) -> Result<T, ScanFailure> {
        let mut phase = self.phase.subscribe();
        tokio::select! {
            r = work => Ok(r),
            _ = phase.wait_for(|p| *p == Phase::Abandon) => Err(ScanFailure::Abandoned(stage)),
            _ = tokio::time::sleep_until(deadline) => Err(ScanFailure::TimedOut),
        }
    }

    /// One scan, start to end. Every log line inside carries the run id (the span).
    async fn scan(self: &Arc<Self>, target: &str, run_id: &str) {
        let loaded = self.current();
        let t0 = Instant::now();
        let timeout = Duration::from_secs(loaded.config.daemon.scan_timeout_seconds);
        let deadline = tokio::time::Instant::now() + timeout;
        let started = Utc::now();
        tracing::info!(target: "daemon", rules = loaded.rules.rules.len(), "scan started");
        let stats = Arc::new(ApiStats::default());
        let collecting = tokio::spawn(
            collect_target(
                loaded.config.clone(),
                target.to_string(),
                stats.clone(),
                self.redactor.clone(),
                started,
            )
            .in_current_span(),
        );
        let abort = collecting.abort_handle();
        let result = self
            .run_stages(collecting, &loaded, target, run_id, started, deadline)
            .await;
        abort.abort();
        self.metrics.api_stats(&stats.counts());
        let seconds = t0.elapsed().as_secs_f64();
        match result {
            Ok((rec, snapshot)) => {
                self.recorded(target, &rec, &snapshot, seconds);
                // Reaping is mark → notify → plan: a complete scan proposes, nothing applies.
                if rec.lifecycle.plans_verified + rec.lifecycle.plans_verify_failed > 0 {
                    super::plans::after_scan(self, rec.scan.id).await;
                }
                if rec.scan.status == crate::model::ScanStatus::Complete {
                    super::plans::auto_propose(self).await;
                }
                super::plans::refresh_gauge(self).await;
            }
            Err(failure) => {
                match &failure {
                    ScanFailure::Abandoned(stage) => {
                        tracing::warn!(target: "daemon", seconds, stage,
                            "scan abandoned at shutdown; nothing was recorded")
                    }
                    ScanFailure::TimedOut => {
                        tracing::error!(target: "daemon", seconds, timeout_seconds = timeout.as_secs(),
                            "scan timed out (daemon.scan_timeout_seconds); nothing was recorded")
                    }
                    e => {
                        tracing::error!(target: "daemon", error = %e, "scan failed; nothing was recorded")
                    }
                }
                let status = failure.status();
                self.metrics.scan_finished(target, status, seconds);
                self.note_outcome(target, status, None);
            }
        }
    }

    /// Logs what a recorded scan found and puts it in the metrics and health.
    fn recorded(
        &self,
        target: &str,
        rec: &crate::scan::Recorded,
        snapshot: &crate::model::Snapshot,
        seconds: f64,
    ) {
        for e in &rec.eval.errors {
            tracing::warn!(target: "policy", rule = %e.rule_id, file = %e.file,
                resource = e.resource_id.as_deref().unwrap_or(""), error = %e.message, "rule error");
        }
        for n in &rec.eval.not_evaluated {
            tracing::info!(target: "policy", rule = %n.rule_id, account = %n.account,
                missing = %n.missing.join(","), resources = n.resources,
                "rule not evaluated where its inventory was not collected completely; its findings there stay open");
        }
        for c in rec
            .scan
            .coverage
            .iter()
            .filter(|c| c.status == crate::model::CoverageStatus::Failed)
        {
            tracing::warn!(target: "collect", scope = %c.scope, error = c.error.as_deref().unwrap_or(""), "scope not collected");
        }
        for w in &rec.unmatched_waivers {
            tracing::warn!(target: "daemon", waiver = w.id, rule = %w.rule, resource = %w.resource, "waiver matches no finding");
        }
        let status = rec.scan.status.as_str();
        let l = &rec.lifecycle;
        tracing::info!(target: "daemon", scan_id = rec.scan.id, status, resources = rec.scan.resources,
            opened = l.opened, reopened = l.reopened, resolved = l.resolved, still_open = l.still_open,
            stale = l.stale, added = l.drift.added, removed = l.drift.removed, modified = l.drift.modified,
            seconds, "scan recorded");
        self.metrics
            .scan_recorded(target, rec.scan.status, seconds, snapshot, &rec.eval);
        self.note_outcome(target, status, Some(rec.scan.id));
    }

    /// Collect, evaluate (both abandonable), then record (one transaction, never cut short).
    async fn run_stages(
        self: &Arc<Self>,
        collecting: tokio::task::JoinHandle<Result<crate::model::Snapshot, String>>,
        loaded: &Arc<Loaded>,
        target: &str,
        run_id: &str,
        started: DateTime<Utc>,
        deadline: tokio::time::Instant,
    ) -> Result<(crate::scan::Recorded, crate::model::Snapshot), ScanFailure> {
        let snapshot = self
            .unless_stopped(collecting, deadline, "collecting")
            .await?
            .map_err(ScanFailure::panicked("collection"))?
            .map_err(ScanFailure::Collection)?;
        let snapshot = Arc::new(snapshot);
        // Evaluation reads the idle history on its own connection and holds no lock.
        let (db, rules, params, snap, span) = (
            self.db_path.clone(),
            loaded.rules.clone(),
            loaded.config.params(),
            snapshot.clone(),
            tracing::Span::current(),
        );
        let evaluating = tokio::task::spawn_blocking(move || {
            let _enter = span.enter();
            let history = Store::open(&db)?.idle_since()?;
            Ok::<_, crate::store::Error>(crate::scan::evaluate(
                &rules, params, &snap, started, &history,
            ))
        });
        let evaluated = self
            .unless_stopped(evaluating, deadline, "evaluating")
            .await?
            .map_err(ScanFailure::panicked("evaluation"))?
            .map_err(ScanFailure::IdleHistory)?;
        let store = self
            .unless_stopped(
                self.writer.clone().lock_owned(),
                deadline,
                "waiting to record",
            )
            .await?;
        if self.phase() == Phase::Abandon {
            return Err(ScanFailure::Abandoned("waiting to record"));
        }
        // From here the scan is one transaction: it finishes even during shutdown.
        let (state, rules, run, name, span) = (
            self.clone(),
            loaded.rules.clone(),
            run_id.to_string(),
            target.to_string(),
            tracing::Span::current(),
        );
        let recorded = tokio::task::spawn_blocking(move || {
            let _enter = span.enter();
            let mut store = store;
            let r = crate::scan::record(
                &mut store,
                &rules,
                evaluated,
                &snapshot,
                crate::scan::ScanRun {
                    target: &name,
                    run_id: Some(&run),
                    started,
                    finish: crate::scan::Finish::Now,
                },
            );
            if r.is_ok() {
                // Under the writer's lock, so the newest scan's counts are the ones shown.
                match store.findings(&Default::default(), Utc::now()) {
                    Ok(open) => state.metrics.set_findings(&open),
                    Err(e) => tracing::warn!(target: "daemon", error = %e, "reading open findings for metrics"),
                }
            }
            r.map(|rec| (rec, Arc::try_unwrap(snapshot).unwrap_or_else(|s| (*s).clone())))
        })
        .await;
        recorded
            .map_err(ScanFailure::panicked("recording"))?
            .map_err(ScanFailure::Recording)
    }

    /// Prunes history older than `storage.retention_days`, unless shutting down.
    pub(super) async fn prune(self: &Arc<Self>) {
        use std::sync::atomic::Ordering;
        let Some(days) = self.current().config.storage.retention_days else {
            return;
        };
        {
            let _running = lock(&self.running);
            if self.phase() != Phase::Running || self.pruning.swap(true, Ordering::SeqCst) {
                return;
            }
        }
        struct Done<'a>(&'a std::sync::atomic::AtomicBool);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::SeqCst);
            }
        }
        let _done = Done(&self.pruning);
        let store = self.writer.clone().lock_owned().await;
        let r = tokio::task::spawn_blocking(move || {
            let mut store = store;
            let now = Utc::now();
            let cutoff = (now - chrono::Duration::days(days as i64))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            store.prune(
                &cutoff,
                "vigil run",
                &now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                false,
            )
        })
        .await;
        let result = match r {
            Ok(Ok(p)) => {
                tracing::info!(target: "daemon", retention_days = days, pruned = ?p, "history pruned");
                "ok"
            }
            Ok(Err(e)) => {
                tracing::error!(target: "daemon", error = %e, "pruning failed; nothing was removed");
                "failed"
            }
            Err(e) => {
                tracing::error!(target: "daemon", error = %e, "pruning panicked; nothing was removed");
                "failed"
            }
        };
        self.metrics
            .prunes
            .get_or_create(&metrics::ResultLabels {
                result: result.into(),
            })
            .inc();
    }
}

/// Resolves and collects one target with the config in force when the scan started.
async fn collect_target(
    config: Config,
    target: String,
    stats: Arc<ApiStats>,
    redactor: crate::redact::Redactor,
    started: DateTime<Utc>,
) -> Result<crate::model::Snapshot, String> {
    let progress = |scope: &str| tracing::debug!(target: "collect", scope, "collected");
    let t = crate::scan::resolve(&config, &target, &Default::default(), stats)
        .map_err(|e| e.to_string())?;
    let c = crate::scan::collect(&t, &redactor, started, &progress)
        .await
        .map_err(|e| e.to_string())?;
    for p in &c.problems {
        tracing::error!(target: "collect", problem = %p, "not collected");
    }
    for n in &c.notes {
        tracing::warn!(target: "collect", note = %n, "read in part");
    }
    Ok(c.snapshot)
}

fn new_run_id(target: &str) -> String {
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    format!(
        "{}-{}-{}",
        target,
        Utc::now().format("%Y%m%dT%H%M%SZ"),
        hex::encode(b)
    )
}
