//! `vigil run`: scheduled scans, reloads, graceful shutdown, and the HTTP server.
//!
//! The daemon only schedules and serves: a scan is the same pipeline `vigil scan` runs
//! ([`crate::scan`]). One process writes to a database ([`crate::store::lock`]); scans of one target never
//! overlap; a rule or config change is checked whole before it replaces the set in force.

pub mod auth;
pub mod http;
pub mod metrics;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};
use tokio::sync::{mpsc, oneshot, watch};
use tracing::Instrument as _;

use crate::collect::ApiStats;
use crate::config::Config;
use crate::policy::{EvalContext, RuleSet};
use crate::scan::Target;
use crate::store::Store;

/// How `vigil run` was started.
#[derive(Debug, Clone)]
pub struct Options {
    pub config: Option<PathBuf>,
    pub db: Option<PathBuf>,
    pub listen: Option<String>,
    pub extra_rules: Vec<PathBuf>,
    pub no_bundled_rules: bool,
    /// The database when neither `--db` nor `storage.path` names one.
    pub default_db: PathBuf,
}

/// A config, rule set and tokens that passed every check, and what they were made from.
pub struct Loaded {
    pub config: Config,
    pub rules: Arc<RuleSet>,
    pub tokens: Arc<auth::Tokens>,
    pub fingerprint: String,
    pub loaded_at: DateTime<Utc>,
}

impl Loaded {
    pub fn schedules(&self) -> Vec<(Target, String)> {
        self.config
            .schedules
            .iter()
            .filter_map(|s| Target::parse(&s.target).map(|t| (t, s.cron.clone())))
            .collect()
    }
}

/// What a reload compares: the config file's bytes, every file under the rule directories,
/// the tokens file. Unreadable files count by their error, so a fix is seen as a change.
fn fingerprint(opts: &Options, cfg: &Config, config_bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(config_bytes);
    h.update([0]);
    let mut file = |p: &Path| {
        h.update(p.as_os_str().as_encoded_bytes());
        h.update([0]);
        match std::fs::read(p) {
            Ok(b) => h.update(&b),
            Err(e) => h.update(e.to_string().as_bytes()),
        }
        h.update([0]);
    };
    for dir in cfg.rules.dirs.iter().chain(&opts.extra_rules) {
        let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        paths.sort();
        if paths.is_empty() {
            file(dir);
        }
        for p in paths {
            file(&p);
        }
    }
    if let Some(t) = &cfg.daemon.tokens_file {
        file(t);
    }
    if let Ok(env) = std::env::var("VIGIL_API_TOKENS") {
        h.update(env.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn read_config(opts: &Options) -> (Vec<u8>, Result<Config, Vec<String>>) {
    let Some(p) = &opts.config else {
        return (Vec::new(), Ok(Config::default()));
    };
    let bytes = match std::fs::read(p) {
        Ok(b) => b,
        Err(e) => {
            let msg = format!("reading config {}: {e}", p.display());
            return (msg.clone().into_bytes(), Err(vec![msg]));
        }
    };
    let parsed = match Config::parse(&p.display().to_string(), &String::from_utf8_lossy(&bytes)) {
        Ok(c) => Ok(c),
        Err(crate::config::Error::Invalid(ps)) => Err(ps.iter().map(|p| p.to_string()).collect()),
        Err(e) => Err(vec![e.to_string()]),
    };
    (bytes, parsed)
}

/// The fingerprint of what a reload would load now: the config file as it is (or, when it
/// does not parse, the paths of the set in force).
fn current_fingerprint(opts: &Options, in_force: &Config) -> String {
    let (bytes, parsed) = read_config(opts);
    match parsed {
        Ok(cfg) => fingerprint(opts, &cfg, &bytes),
        Err(_) => fingerprint(opts, in_force, &bytes),
    }
}

/// Loads and checks the config, the rules and the API tokens, reporting every problem.
pub fn load(opts: &Options) -> Result<Loaded, Vec<String>> {
    let mut problems = Vec::new();
    let (bytes, parsed) = read_config(opts);
    let config = parsed?;
    if let Some(l) = &opts.listen {
        if l.parse::<std::net::SocketAddr>().is_err() {
            problems.push(format!(
                "--listen `{l}` is not an address and port (like 0.0.0.0:8080)"
            ));
        }
    }
    // Taken before the rules and tokens are read: a change made while loading shows as a
    // change at the next poll.
    let fp = fingerprint(opts, &config, &bytes);
    let rules = match RuleSet::load(&config.rule_sources(&opts.extra_rules, opts.no_bundled_rules))
    {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(format!("rules: {e}"));
            None
        }
    };
    if let Some(rules) = &rules {
        for p in &rules.problems {
            problems.push(format!("rule file {p}"));
        }
        if rules.rules.is_empty() && rules.problems.is_empty() {
            problems.push("no rules loaded (check --rules and [rules] in the config)".into());
        }
        let ctx = EvalContext {
            now: Utc::now(),
            params: config.params(),
            mode: Default::default(),
            threads: 1,
            idle_since: Default::default(),
        };
        for e in crate::policy::evaluate::compile_check(rules, &ctx) {
            problems.push(format!("rule {e}"));
        }
    }
    let env = std::env::var("VIGIL_API_TOKENS").ok();
    let tokens = match auth::Tokens::load(config.daemon.tokens_file.as_deref(), env.as_deref()) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    match (rules, tokens) {
        (Some(rules), Some(tokens)) if problems.is_empty() => Ok(Loaded {
            config,
            rules: Arc::new(rules),
            tokens: Arc::new(tokens),
            fingerprint: fp,
            loaded_at: Utc::now(),
        }),
        _ => Err(problems),
    }
}

/// Where shutdown is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Running,
    /// No new scans; running ones may finish.
    Draining,
    /// The grace period is over: scans still collecting stop and record nothing.
    Abandon,
}

/// A scan in progress.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Running {
    pub run_id: String,
    pub target: Target,
    pub trigger: &'static str,
    pub started_at: String,
}

/// The recent outcome of a target's scans, for readiness.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TargetHealth {
    pub last_status: Option<String>,
    pub last_finished_at: Option<String>,
    pub last_scan_id: Option<i64>,
    /// Since when every scan of this target has failed (None: the last one did not).
    pub failing_since: Option<DateTime<Utc>>,
}

/// Why a scan could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("a scan of {target} is already running (run {run_id})")]
    Busy {
        target: &'static str,
        run_id: String,
    },
    #[error("vigil is shutting down")]
    ShuttingDown,
}

pub struct State {
    pub opts: Options,
    pub db_path: PathBuf,
    pub metrics: metrics::Metrics,
    pub started_at: DateTime<Utc>,
    loaded: RwLock<Arc<Loaded>>,
    /// The one connection that writes; a scan holds it only while it records.
    writer: Arc<tokio::sync::Mutex<Store>>,
    running: Mutex<BTreeMap<Target, Running>>,
    pruning: std::sync::atomic::AtomicBool,
    health: Mutex<BTreeMap<Target, TargetHealth>>,
    phase: watch::Sender<Phase>,
    reload_tx: mpsc::Sender<oneshot::Sender<Result<usize, Vec<String>>>>,
    /// Redacts every collected snapshot with the database's key.
    redactor: crate::redact::Redactor,
    /// Held for the life of the state, so it is released after the last write.
    _lock: crate::store::lock::Lock,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes a scan from the running set however its task ends (a panic included).
struct RunGuard {
    state: Arc<State>,
    target: Target,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        lock(&self.state.running).remove(&self.target);
    }
}

/// How a scan ended without a record.
enum Unrecorded {
    Abandoned(&'static str),
    TimedOut,
}

impl State {
    /// The config, rules and tokens in force.
    pub fn current(&self) -> Arc<Loaded> {
        self.loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn phase(&self) -> Phase {
        *self.phase.borrow()
    }

    /// Moves shutdown on; under the running set's lock, so no scan starts after it.
    fn set_phase(&self, p: Phase) {
        let _running = lock(&self.running);
        self.phase.send_replace(p);
    }

    pub fn running(&self) -> Vec<Running> {
        lock(&self.running).values().cloned().collect()
    }

    fn busy(&self) -> bool {
        !lock(&self.running).is_empty() || self.pruning.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn health(&self) -> BTreeMap<Target, TargetHealth> {
        lock(&self.health).clone()
    }

    /// Asks the main loop to reload rules, config and tokens; the answer is the number of
    /// rules now in force, or why the new set was rejected.
    pub async fn reload(&self) -> Result<usize, Vec<String>> {
        let (tx, rx) = oneshot::channel();
        if self.reload_tx.send(tx).await.is_err() {
            return Err(vec!["vigil is shutting down".into()]);
        }
        rx.await
            .unwrap_or_else(|_| Err(vec!["vigil is shutting down".into()]))
    }

    /// Starts a scan of `target` now, unless one is running; returns its run id.
    pub fn start_scan(
        self: &Arc<Self>,
        target: Target,
        trigger: &'static str,
    ) -> Result<String, StartError> {
        let run_id = {
            let mut running = lock(&self.running);
            if self.phase() != Phase::Running {
                return Err(StartError::ShuttingDown);
            }
            if let Some(r) = running.get(&target) {
                return Err(StartError::Busy {
                    target: target.as_str(),
                    run_id: r.run_id.clone(),
                });
            }
            let run_id = new_run_id(target);
            running.insert(
                target,
                Running {
                    run_id: run_id.clone(),
                    target,
                    trigger,
                    started_at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                },
            );
            run_id
        };
        let span = tracing::info_span!("scan", run = %run_id, target = target.as_str(), trigger);
        let guard = RunGuard {
            state: self.clone(),
            target,
        };
        let state = self.clone();
        let id = run_id.clone();
        tokio::spawn(
            async move {
                let _guard = guard;
                state.scan(target, &id).await;
            }
            .instrument(span),
        );
        Ok(run_id)
    }

    /// A scheduled run: skipped (logged and counted) while the previous one still runs.
    fn scheduled(self: &Arc<Self>, target: Target) {
        match self.start_scan(target, "schedule") {
            Ok(_) => {}
            Err(StartError::Busy { run_id, .. }) => {
                tracing::warn!(target: "daemon", scan_target = target.as_str(), running = %run_id,
                    "the previous scan of this target is still running; this scheduled run is skipped");
                self.metrics
                    .scans_skipped
                    .get_or_create(&metrics::TargetLabels {
                        target: target.as_str().into(),
                    })
                    .inc();
            }
            Err(StartError::ShuttingDown) => {}
        }
    }

    fn note_outcome(&self, target: Target, status: &str, scan_id: Option<i64>) {
        let now = Utc::now();
        let mut h = lock(&self.health);
        let e = h.entry(target).or_default();
        e.last_status = Some(status.to_string());
        e.last_finished_at = Some(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        if scan_id.is_some() {
            e.last_scan_id = scan_id;
        }
        if matches!(status, "failed" | "error" | "timeout") {
            e.failing_since.get_or_insert(now);
        } else if status != "abandoned" {
            e.failing_since = None;
        }
    }

    /// Waits for `work`, unless shutdown's grace runs out (or the scan's time does) first.
    async fn unless_stopped<T>(
        &self,
        work: impl std::future::Future<Output = T>,
        deadline: tokio::time::Instant,
        stage: &'static str,
    ) -> Result<T, Unrecorded> {
        let mut phase = self.phase.subscribe();
        tokio::select! {
            r = work => Ok(r),
            _ = phase.wait_for(|p| *p == Phase::Abandon) => Err(Unrecorded::Abandoned(stage)),
            _ = tokio::time::sleep_until(deadline) => Err(Unrecorded::TimedOut),
        }
    }

    /// One scan, start to end. Every log line inside carries the run id (the span).
    async fn scan(self: &Arc<Self>, target: Target, run_id: &str) {
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
                target,
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
            Ok(Ok((rec, snapshot))) => {
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
                self.metrics.scan_recorded(
                    target.as_str(),
                    rec.scan.status,
                    seconds,
                    &snapshot,
                    &rec.eval,
                );
                self.note_outcome(target, status, Some(rec.scan.id));
            }
            Ok(Err(e)) => {
                tracing::error!(target: "daemon", error = %e, "scan failed; nothing was recorded");
                self.metrics
                    .scan_finished(target.as_str(), "error", seconds);
                self.note_outcome(target, "error", None);
            }
            Err(Unrecorded::Abandoned(stage)) => {
                tracing::warn!(target: "daemon", seconds, stage,
                    "scan abandoned at shutdown; nothing was recorded");
                self.metrics
                    .scan_finished(target.as_str(), "abandoned", seconds);
                self.note_outcome(target, "abandoned", None);
            }
            Err(Unrecorded::TimedOut) => {
                tracing::error!(target: "daemon", seconds, timeout_seconds = timeout.as_secs(),
                    "scan timed out (daemon.scan_timeout_seconds); nothing was recorded");
                self.metrics
                    .scan_finished(target.as_str(), "timeout", seconds);
                self.note_outcome(target, "timeout", None);
            }
        }
    }

    /// Collect, evaluate (both abandonable), then record (one transaction, never cut short).
    async fn run_stages(
        self: &Arc<Self>,
        collecting: tokio::task::JoinHandle<Result<crate::model::Snapshot, String>>,
        loaded: &Arc<Loaded>,
        target: Target,
        run_id: &str,
        started: DateTime<Utc>,
        deadline: tokio::time::Instant,
    ) -> Result<Result<(crate::scan::Recorded, crate::model::Snapshot), String>, Unrecorded> {
        let snapshot = match self
            .unless_stopped(collecting, deadline, "collecting")
            .await?
        {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Ok(Err(format!("collection: {e}"))),
            Err(e) => return Ok(Err(format!("collection panicked: {e}"))),
        };
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
        let evaluated = match self
            .unless_stopped(evaluating, deadline, "evaluating")
            .await?
        {
            Ok(Ok(e)) => e,
            Ok(Err(e)) => return Ok(Err(format!("reading idle history: {e}"))),
            Err(e) => return Ok(Err(format!("evaluation panicked: {e}"))),
        };
        let store = self
            .unless_stopped(
                self.writer.clone().lock_owned(),
                deadline,
                "waiting to record",
            )
            .await?;
        if self.phase() == Phase::Abandon {
            return Err(Unrecorded::Abandoned("waiting to record"));
        }
        // From here the scan is one transaction: it finishes even during shutdown.
        let (state, rules, run, span) = (
            self.clone(),
            loaded.rules.clone(),
            run_id.to_string(),
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
                started,
                crate::scan::Finish::Now,
                target.as_str(),
                Some(&run),
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
        Ok(match recorded {
            Ok(Ok(x)) => Ok(x),
            Ok(Err(e)) => Err(format!(
                "recording: {e}; the database is as before the scan"
            )),
            Err(e) => Err(format!(
                "recording panicked: {e}; the database is as before the scan"
            )),
        })
    }

    /// Prunes history older than `storage.retention_days`, unless shutting down.
    async fn prune(self: &Arc<Self>) {
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

/// Collects one target with the config in force when the scan started.
async fn collect_target(
    config: Config,
    target: Target,
    stats: Arc<ApiStats>,
    redactor: crate::redact::Redactor,
    started: DateTime<Utc>,
) -> Result<crate::model::Snapshot, String> {
    let progress = |scope: &str| tracing::debug!(target: "collect", scope, "collected");
    match target {
        Target::Aws => {
            let opts = crate::scan::aws_options(&config, stats);
            crate::scan::collect_aws(&opts, &redactor, started, &progress)
                .await
                .map_err(|e| e.to_string())
        }
        Target::Kubernetes => {
            let clusters = crate::scan::configured_clusters(&config, stats);
            let c = crate::scan::collect_kubernetes(&clusters, &redactor, started, &progress)
                .await
                .map_err(|e| e.to_string())?;
            for p in &c.problems {
                tracing::error!(target: "collect", problem = %p, "cluster not collected");
            }
            for n in &c.notes {
                tracing::warn!(target: "collect", note = %n, "cluster read in part");
            }
            Ok(c.snapshot)
        }
    }
}

fn new_run_id(target: Target) -> String {
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    format!(
        "{}-{}-{}",
        target.as_str(),
        Utc::now().format("%Y%m%dT%H%M%SZ"),
        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
    )
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
    #[error(transparent)]
    Lock(#[from] crate::store::lock::Error),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error("cannot listen on {addr} (set daemon.listen or --listen)")]
    Listen {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("scheduler: {0}")]
    Scheduler(String),
    #[error("signal handler: {0}")]
    Signal(#[source] std::io::Error),
}

struct Scheduler {
    sched: tokio_cron_scheduler::JobScheduler,
    jobs: Vec<uuid::Uuid>,
    schedules: Vec<(Target, String)>,
    prune: Option<String>,
}

impl Scheduler {
    async fn new() -> Result<Scheduler, Error> {
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
    async fn apply(&mut self, state: &Arc<State>, loaded: &Loaded) -> Result<(), Error> {
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
            tracing::info!(target: "daemon", scan_target = target.as_str(), cron = %cron, "scheduled (UTC)");
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
        schedules: &[(Target, String)],
        prune: &Option<String>,
        added: &mut Vec<uuid::Uuid>,
    ) -> Result<(), Error> {
        let err = |e: tokio_cron_scheduler::JobSchedulerError| Error::Scheduler(e.to_string());
        for (target, cron) in schedules {
            let (st, t) = (state.clone(), *target);
            let job = tokio_cron_scheduler::Job::new_async(cron.as_str(), move |_, _| {
                let st = st.clone();
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
async fn reload(
    state: &Arc<State>,
    sched: &mut Scheduler,
    why: &str,
) -> Result<usize, Vec<String>> {
    let opts = state.opts.clone();
    let result = tokio::task::spawn_blocking(move || load(&opts))
        .await
        .unwrap_or_else(|e| Err(vec![format!("loading panicked: {e}")]));
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
                return Err(vec![e.to_string()]);
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

/// Runs the daemon until SIGTERM or SIGINT.
pub async fn run(opts: Options) -> Result<(), Error> {
    // Signals first: a SIGHUP or SIGTERM while starting must not kill the process outright.
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).map_err(Error::Signal)?;
    let mut int = signal(SignalKind::interrupt()).map_err(Error::Signal)?;
    let mut hup = signal(SignalKind::hangup()).map_err(Error::Signal)?;
    let loaded = {
        let o = opts.clone();
        tokio::task::spawn_blocking(move || load(&o))
            .await
            .map_err(|e| Error::Invalid(vec![e.to_string()]))?
            .map_err(Error::Invalid)?
    };
    let db_path = opts
        .db
        .clone()
        .or(loaded.config.storage.path.clone())
        .unwrap_or_else(|| opts.default_db.clone());
    let db_lock = crate::store::lock::acquire(&db_path)?;
    let mut store = Store::open(&db_path)?;
    store.scrub_history()?;
    let redactor = store.redactor()?;
    let listen = opts
        .listen
        .clone()
        .unwrap_or_else(|| loaded.config.daemon.listen.clone());
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|source| Error::Listen {
            addr: listen.clone(),
            source,
        })?;
    let bound = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or(listen);
    let metrics = metrics::Metrics::new();
    metrics.rules_loaded.set(loaded.rules.rules.len() as i64);
    if let Ok(open) = store.findings(&Default::default(), Utc::now()) {
        metrics.set_findings(&open);
    }
    let (phase_tx, _) = watch::channel(Phase::Running);
    let (reload_tx, mut reload_rx) = mpsc::channel(4);
    let grace = Duration::from_secs(loaded.config.daemon.shutdown_grace_seconds);
    let poll = Duration::from_secs(loaded.config.daemon.reload_poll_seconds.max(1));
    let tokens = loaded.tokens.len();
    let rules = loaded.rules.rules.len();
    let state = Arc::new(State {
        opts: opts.clone(),
        db_path: db_path.clone(),
        metrics,
        started_at: Utc::now(),
        loaded: RwLock::new(Arc::new(loaded)),
        writer: Arc::new(tokio::sync::Mutex::new(store)),
        running: Mutex::new(BTreeMap::new()),
        pruning: Default::default(),
        health: Mutex::new(BTreeMap::new()),
        phase: phase_tx,
        reload_tx,
        redactor,
        _lock: db_lock,
    });
    let mut sched = Scheduler::new().await?;
    sched.apply(&state, &state.current()).await?;
    if tokens == 0 {
        tracing::warn!(target: "daemon", "no API tokens (daemon.tokens_file, VIGIL_API_TOKENS): every /api/v1 request will be refused");
    }

    let app = http::router(state.clone());
    let mut phase_rx = state.phase.subscribe();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = phase_rx.wait_for(|p| *p != Phase::Running).await;
            })
            .await
    });
    tracing::info!(target: "daemon", listen = %bound, db = %db_path.display(), rules, tokens,
        pid = std::process::id(), "vigil is running");

    let mut tick = tokio::time::interval(poll);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The fingerprint of the last set rejected: reported once, not at every poll.
    let mut rejected: Option<String> = None;
    let why = loop {
        let trigger = tokio::select! {
            _ = term.recv() => break "SIGTERM",
            _ = int.recv() => break "SIGINT",
            _ = hup.recv() => Some(("SIGHUP", None)),
            Some(answer) = reload_rx.recv() => Some(("API", Some(answer))),
            _ = tick.tick() => None,
        };
        let current = state.current();
        let (opts, cfg) = (state.opts.clone(), current.config.clone());
        let fp = tokio::task::spawn_blocking(move || current_fingerprint(&opts, &cfg))
            .await
            .unwrap_or_default();
        let (why, answer) = match trigger {
            Some(t) => t,
            None if fp != current.fingerprint && rejected.as_deref() != Some(fp.as_str()) => {
                ("files changed", None)
            }
            None => continue,
        };
        let result = reload(&state, &mut sched, why).await;
        rejected = result.is_err().then_some(fp);
        if let Some(answer) = answer {
            let _ = answer.send(result);
        }
    };
    drop(reload_rx);
    tracing::info!(target: "daemon", signal = why, grace_seconds = grace.as_secs(),
        running = state.running().len(), "shutting down: no new scans; running scans may finish within the grace period");
    state.set_phase(Phase::Draining);
    let _ = sched.sched.shutdown().await;
    let deadline = Instant::now() + grace;
    while state.busy() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if state.busy() {
        tracing::warn!(target: "daemon", "grace period over: abandoning scans still collecting or evaluating (a scan already writing finishes its transaction)");
        state.set_phase(Phase::Abandon);
        // Scans not yet writing return at once; a transaction in progress takes well under
        // a second for 10k resources. Past this bound, exiting rolls it back.
        let bound = Instant::now() + Duration::from_secs(10);
        while state.busy() && Instant::now() < bound {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if state.busy() {
            tracing::error!(target: "daemon", "a write is still running; exiting anyway: SQLite rolls back its unfinished transaction");
        }
    }
    match tokio::time::timeout(Duration::from_secs(5), server).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => tracing::error!(target: "daemon", error = %e, "HTTP server"),
        _ => tracing::warn!(target: "daemon", "HTTP connections still open at exit"),
    }
    tracing::info!(target: "daemon", "stopped");
    Ok(())
}
