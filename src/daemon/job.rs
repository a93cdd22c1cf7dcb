//! One scan job, start to end: collect, then evaluate and record each part as it comes
//! (an organization's accounts one by one; each part's transaction never cut short, the
//! collection stopped at shutdown or at `daemon.scan_timeout_seconds`); and the scheduled
//! history prune.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tracing::Instrument as _;

use super::state::{lock, Phase, Running, StartError, State};
use super::{metrics, Loaded};
use crate::collect::ApiStats;
use crate::config::Config;

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

/// Why a scan recorded nothing. The database is as before the scan in every case (a part
/// that fails after others were recorded ends the scan as recorded instead: see
/// `scan::stream::record`).
#[derive(Debug, thiserror::Error)]
enum ScanFailure {
    #[error("collection: {0}")]
    Collection(String),
    #[error("recording: {0}; the accounts recorded before it stand, the database is otherwise as before the scan")]
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

    /// One scan, start to end. Every log line inside carries the run id (the span).
    async fn scan(self: &Arc<Self>, target: &str, run_id: &str) {
        let loaded = self.current();
        let t0 = Instant::now();
        let timeout = Duration::from_secs(loaded.config.daemon.scan_timeout_seconds);
        let deadline = tokio::time::Instant::now() + timeout;
        let started = Utc::now();
        tracing::info!(target: "daemon", rules = loaded.rules.rules.len(), "scan started");
        let stats = Arc::new(ApiStats::default());
        let (feed, intake) = crate::scan::stream::channel();
        let collecting = tokio::spawn(
            collect_target(
                loaded.config.clone(),
                target.to_string(),
                stats.clone(),
                started,
                feed,
            )
            .in_current_span(),
        );
        let abort = collecting.abort_handle();
        let result = self
            .run_stages(
                abort.clone(),
                intake,
                &loaded,
                target,
                run_id,
                started,
                deadline,
            )
            .await;
        abort.abort();
        self.metrics.api_stats(&stats.counts());
        let seconds = t0.elapsed().as_secs_f64();
        match result {
            Ok(streamed) => {
                let rec = &streamed.recorded;
                self.recorded(target, rec, &streamed.by_type, seconds);
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
        by_type: &std::collections::BTreeMap<String, u64>,
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
        if let Some(why) = &rec.scan.stopped {
            tracing::warn!(target: "daemon", reason = %why, "the scan stopped before every account was read; the accounts it recorded stand");
        }
        let status = rec.scan.status.as_str();
        let l = &rec.lifecycle;
        tracing::info!(target: "daemon", scan_id = rec.scan.id, status, resources = rec.scan.resources,
            opened = l.opened, reopened = l.reopened, resolved = l.resolved, still_open = l.still_open,
            stale = l.stale, added = l.drift.added, removed = l.drift.removed, modified = l.drift.modified,
            seconds, "scan recorded");
        self.metrics
            .scan_recorded(target, &rec.scan, seconds, by_type, &rec.eval);
        self.note_outcome(target, status, Some(rec.scan.id));
    }

    /// Records the parts the collection sends, each evaluated then recorded in its own
    /// transaction under the writer's lock (never cut short). Shutdown's grace or the scan's
    /// time running out stops the collection; the parts recorded by then stand and the scan
    /// is recorded as stopped (nothing at all is recorded when it stops before its first).
    #[allow(clippy::too_many_arguments)]
    async fn run_stages(
        self: &Arc<Self>,
        collecting: tokio::task::AbortHandle,
        intake: crate::scan::stream::Intake,
        loaded: &Arc<Loaded>,
        target: &str,
        run_id: &str,
        started: DateTime<Utc>,
        deadline: tokio::time::Instant,
    ) -> Result<crate::scan::stream::Streamed, ScanFailure> {
        // 0: running, 1: shutdown's grace ran out, 2: the scan's time ran out.
        let stop = Arc::new(std::sync::atomic::AtomicU8::new(0));
        let (state, rules, run, name, span, flag) = (
            self.clone(),
            loaded.rules.clone(),
            run_id.to_string(),
            target.to_string(),
            tracing::Span::current(),
            stop.clone(),
        );
        let params = loaded.config.params();
        let mut recording = tokio::task::spawn_blocking(move || {
            let _enter = span.enter();
            let writer = state.writer.clone();
            let recorder = crate::scan::stream::Recorder {
                store: &writer,
                rules: &rules,
                params,
                redactor: &state.redactor,
                run: crate::scan::ScanRun {
                    target: &name,
                    run_id: Some(&run),
                    started,
                    finish: crate::scan::Finish::Now,
                },
                keep: false,
                findings: false,
            };
            let mut seen = |part: &crate::collect::Collected| {
                for p in &part.problems {
                    tracing::error!(target: "collect", problem = %p, "not collected");
                }
                for n in &part.notes {
                    tracing::warn!(target: "collect", note = %n, "read in part");
                }
            };
            let stopped = || match flag.load(std::sync::atomic::Ordering::SeqCst) {
                0 => None,
                1 => Some("stopped at shutdown before every account was read".to_string()),
                _ => Some(
                    "timed out (daemon.scan_timeout_seconds) before every account was read"
                        .to_string(),
                ),
            };
            let r = crate::scan::stream::record(recorder, intake, &mut seen, &stopped);
            if r.is_ok() {
                // Under the writer's lock, so the newest scan's counts are the ones shown.
                let store = writer.blocking_lock();
                match store.findings(&Default::default(), Utc::now()) {
                    Ok(open) => state.metrics.set_findings(&open),
                    Err(e) => {
                        tracing::warn!(target: "daemon", error = %e, "reading open findings for metrics")
                    }
                }
            }
            r
        });
        let mut phase = self.phase.subscribe();
        let early = tokio::select! {
            r = &mut recording => Some(r),
            _ = async { let _ = phase.wait_for(|p| *p == Phase::Abandon).await; } => {
                stop.store(1, std::sync::atomic::Ordering::SeqCst);
                None
            }
            _ = tokio::time::sleep_until(deadline) => {
                stop.store(2, std::sync::atomic::Ordering::SeqCst);
                None
            }
        };
        let joined = match early {
            Some(r) => r,
            None => {
                // The collection ends; the part being recorded, if any, is finished.
                collecting.abort();
                recording.await
            }
        };
        match joined.map_err(ScanFailure::panicked("recording"))? {
            Ok(streamed) => Ok(streamed),
            Err(crate::scan::Error::Stopped(why)) => {
                Err(match stop.load(std::sync::atomic::Ordering::SeqCst) {
                    0 => ScanFailure::Collection(why),
                    2 => ScanFailure::TimedOut,
                    _ => ScanFailure::Abandoned("collecting"),
                })
            }
            Err(e @ crate::scan::Error::Store(_)) => Err(ScanFailure::Recording(e)),
            Err(e) => Err(ScanFailure::Collection(e.to_string())),
        }
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

/// Resolves one target with the config in force when the scan started and collects it into
/// `feed`, part by part.
async fn collect_target(
    config: Config,
    target: String,
    stats: Arc<ApiStats>,
    started: DateTime<Utc>,
    feed: crate::scan::stream::Feed,
) {
    let progress = |scope: &str| tracing::debug!(target: "collect", scope, "collected");
    match crate::scan::resolve(&config, &target, &Default::default(), stats) {
        Ok(t) => crate::scan::stream::collect(&t, started, &progress, feed).await,
        Err(e) => feed.fail(e),
    }
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
