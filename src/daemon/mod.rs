//! `vigil run`: scheduled scans, reloads, graceful shutdown, and the HTTP server.
//!
//! The daemon only schedules and serves: a scan is the same pipeline `vigil scan` runs
//! ([`crate::scan`]). One process writes to a database ([`lock`]); scans of one target never
//! overlap; a rule or config change is checked whole before it replaces the set in force.

pub mod auth;
pub mod http;
pub mod lock;
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
use crate::policy::{EvalContext, RuleSet, RuleSource};
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

fn rule_sources(cfg: &Config, opts: &Options) -> Vec<RuleSource> {
    let mut s = Vec::new();
    if cfg.rules.bundled && !opts.no_bundled_rules {
        s.push(RuleSource::Bundled);
    }
    s.extend(cfg.rules.dirs.iter().cloned().map(RuleSource::Dir));
    s.extend(opts.extra_rules.iter().cloned().map(RuleSource::Dir));
    s
}

/// What a reload compares: the config file, every file under the rule directories, the
/// tokens file. Unreadable files count by their error, so a fix is seen as a change.
fn fingerprint(opts: &Options, cfg: &Config) -> String {
    let mut h = Sha256::new();
    let mut file = |p: &Path| {
        h.update(p.as_os_str().as_encoded_bytes());
        h.update([0]);
        match std::fs::read(p) {
            Ok(b) => h.update(&b),
            Err(e) => h.update(e.to_string().as_bytes()),
        }
        h.update([0]);
    };
    if let Some(c) = &opts.config {
        file(c);
    }
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

/// Loads and checks the config, the rules and the API tokens, reporting every problem.
pub fn load(opts: &Options) -> Result<Loaded, Vec<String>> {
    let mut problems = Vec::new();
    let config = match &opts.config {
        Some(p) => match Config::load(p) {
            Ok(c) => c,
            Err(crate::config::Error::Invalid(ps)) => {
                return Err(ps.iter().map(|p| p.to_string()).collect());
            }
            Err(e) => return Err(vec![e.to_string()]),
        },
        None => Config::default(),
    };
    if let Some(l) = &opts.listen {
        if l.parse::<std::net::SocketAddr>().is_err() {
            problems.push(format!(
                "--listen `{l}` is not an address and port (like 0.0.0.0:8080)"
            ));
        }
    }
    let fp = fingerprint(opts, &config);
    let rules = match RuleSet::load(&rule_sources(&config, opts)) {
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
    writer: Mutex<Store>,
    running: Mutex<BTreeMap<Target, Running>>,
    health: Mutex<BTreeMap<Target, TargetHealth>>,
    phase: watch::Sender<Phase>,
    reload_tx: mpsc::Sender<oneshot::Sender<Result<usize, Vec<String>>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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

    pub fn running(&self) -> Vec<Running> {
        lock(&self.running).values().cloned().collect()
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
        if self.phase() != Phase::Running {
            return Err(StartError::ShuttingDown);
        }
        let run_id = {
            let mut running = lock(&self.running);
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
        let state = self.clone();
        let id = run_id.clone();
        tokio::spawn(
            async move {
                state.scan(target, &id).await;
                lock(&state.running).remove(&target);
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
        if matches!(status, "failed" | "error") {
            e.failing_since.get_or_insert(now);
        } else if status != "abandoned" {
            e.failing_since = None;
        }
    }

    /// One scan, start to end. Every log line inside carries the run id (the span).
    async fn scan(self: &Arc<Self>, target: Target, run_id: &str) {
        let loaded = self.current();
        let t0 = Instant::now();
        let started = Utc::now();
        tracing::info!(target: "daemon", rules = loaded.rules.rules.len(), "scan started");
        let stats = Arc::new(ApiStats::default());
        let mut collecting = tokio::spawn(
            collect_target(loaded.config.clone(), target, stats.clone(), started).in_current_span(),
        );
        let mut phase = self.phase.subscribe();
        let abandon = async move {
            let _ = phase.wait_for(|p| *p == Phase::Abandon).await;
        };
        let collected = tokio::select! {
            r = &mut collecting => r.unwrap_or_else(|e| Err(format!("collection panicked: {e}"))),
            _ = abandon => {
                collecting.abort();
                tracing::warn!(target: "daemon", seconds = t0.elapsed().as_secs_f64(),
                    "scan abandoned at shutdown while collecting; nothing was recorded");
                self.metrics.api_stats(&stats.counts());
                self.metrics.scan_finished(target.as_str(), "abandoned", t0.elapsed().as_secs_f64());
                self.note_outcome(target, "abandoned", None);
                return;
            }
        };
        self.metrics.api_stats(&stats.counts());
        let snapshot = match collected {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(target: "daemon", error = %e, "scan failed before anything was collected");
                self.metrics
                    .scan_finished(target.as_str(), "error", t0.elapsed().as_secs_f64());
                self.note_outcome(target, "error", None);
                return;
            }
        };
        // Recording runs to its end even during shutdown: it is one transaction, and
        // takes well under a second for 10k resources.
        let state = self.clone();
        let span = tracing::Span::current();
        let (run, rules, params) = (
            run_id.to_string(),
            loaded.rules.clone(),
            loaded.config.params(),
        );
        let recorded = tokio::task::spawn_blocking(move || {
            let _enter = span.enter();
            let mut store = lock(&state.writer);
            let r = crate::scan::evaluate_and_record(
                &mut store,
                &rules,
                params,
                &snapshot,
                started,
                crate::scan::Finish::Now,
                target.as_str(),
                Some(&run),
            );
            let open = store.findings(&Default::default(), Utc::now());
            (r, open, snapshot)
        })
        .await;
        let (recorded, open, snapshot) = match recorded {
            Ok(x) => x,
            Err(e) => {
                tracing::error!(target: "daemon", error = %e, "recording the scan panicked; nothing was recorded");
                self.metrics
                    .scan_finished(target.as_str(), "error", t0.elapsed().as_secs_f64());
                self.note_outcome(target, "error", None);
                return;
            }
        };
        let seconds = t0.elapsed().as_secs_f64();
        match recorded {
            Ok(rec) => {
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
                    .scan_recorded(target.as_str(), status, seconds, &snapshot, &rec.eval);
                if let Ok(open) = open {
                    self.metrics.set_findings(&open);
                }
                self.note_outcome(target, status, Some(rec.scan.id));
            }
            Err(e) => {
                tracing::error!(target: "daemon", error = %e, "the scan could not be recorded; the database is as before it");
                self.metrics
                    .scan_finished(target.as_str(), "error", seconds);
                self.note_outcome(target, "error", None);
            }
        }
    }

    /// Prunes history older than `storage.retention_days`.
    async fn prune(self: &Arc<Self>) {
        let Some(days) = self.current().config.storage.retention_days else {
            return;
        };
        let state = self.clone();
        let r = tokio::task::spawn_blocking(move || {
            let now = Utc::now();
            let cutoff = (now - chrono::Duration::days(days as i64))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let mut store = lock(&state.writer);
            store.prune(
                &cutoff,
                "vigil run",
                &now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                false,
            )
        })
        .await;
        match r {
            Ok(Ok(p)) => {
                tracing::info!(target: "daemon", retention_days = days, pruned = ?p, "history pruned");
                self.metrics
                    .prunes
                    .get_or_create(&metrics::ResultLabels {
                        result: "ok".into(),
                    })
                    .inc();
            }
            Ok(Err(e)) => {
                tracing::error!(target: "daemon", error = %e, "pruning failed; nothing was removed");
                self.metrics
                    .prunes
                    .get_or_create(&metrics::ResultLabels {
                        result: "failed".into(),
                    })
                    .inc();
            }
            Err(e) => tracing::error!(target: "daemon", error = %e, "pruning panicked"),
        }
    }
}

/// Collects one target with the config in force when the scan started.
async fn collect_target(
    config: Config,
    target: Target,
    stats: Arc<ApiStats>,
    started: DateTime<Utc>,
) -> Result<crate::model::Snapshot, String> {
    let progress = |scope: &str| tracing::debug!(target: "collect", scope, "collected");
    match target {
        Target::Aws => {
            let opts = crate::scan::aws_options(&config, stats);
            crate::scan::collect_aws(&opts, started, &progress)
                .await
                .map_err(|e| e.to_string())
        }
        Target::Kubernetes => {
            let clusters = crate::scan::configured_clusters(&config, stats);
            let c = crate::scan::collect_kubernetes(&clusters, started, &progress)
                .await
                .map_err(|e| e.to_string())?;
            for p in &c.problems {
                tracing::error!(target: "collect", problem = %p, "cluster not collected");
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
    Lock(#[from] lock::Error),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error("listening on {addr}: {source}")]
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
        for id in self.jobs.drain(..) {
            let _ = self.sched.remove(&id).await;
        }
        let err = |e: tokio_cron_scheduler::JobSchedulerError| Error::Scheduler(e.to_string());
        for (target, cron) in &schedules {
            let (st, t) = (state.clone(), *target);
            let job = tokio_cron_scheduler::Job::new_async(cron.as_str(), move |_, _| {
                let st = st.clone();
                Box::pin(async move { st.scheduled(t) })
            })
            .map_err(err)?;
            self.jobs.push(self.sched.add(job).await.map_err(err)?);
            tracing::info!(target: "daemon", scan_target = target.as_str(), cron = %cron, "scheduled");
        }
        if let Some(cron) = &prune {
            let st = state.clone();
            let job = tokio_cron_scheduler::Job::new_async(cron.as_str(), move |_, _| {
                let st = st.clone();
                Box::pin(async move { st.prune().await })
            })
            .map_err(err)?;
            self.jobs.push(self.sched.add(job).await.map_err(err)?);
            tracing::info!(target: "daemon", cron = %cron, "history pruning scheduled");
        }
        if schedules.is_empty() {
            tracing::warn!(target: "daemon", "no [[schedules]] in the config: scans run only when asked (POST /api/v1/scans)");
        }
        self.schedules = schedules;
        self.prune = prune;
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
            // Remember the bad set's fingerprint so it is reported once, not every poll.
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
    let _lock = lock::acquire(&db_path)?;
    let store = Store::open(&db_path)?;
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
        writer: Mutex::new(store),
        running: Mutex::new(BTreeMap::new()),
        health: Mutex::new(BTreeMap::new()),
        phase: phase_tx,
        reload_tx,
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
    tracing::info!(target: "daemon", listen = %listen, db = %db_path.display(), rules, tokens,
        pid = std::process::id(), "vigil is running");

    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).map_err(Error::Signal)?;
    let mut int = signal(SignalKind::interrupt()).map_err(Error::Signal)?;
    let mut hup = signal(SignalKind::hangup()).map_err(Error::Signal)?;
    let mut tick = tokio::time::interval(poll);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut rejected: Option<String> = None;
    let why = loop {
        tokio::select! {
            _ = term.recv() => break "SIGTERM",
            _ = int.recv() => break "SIGINT",
            _ = hup.recv() => {
                let _ = reload(&state, &mut sched, "SIGHUP").await;
            }
            Some(answer) = reload_rx.recv() => {
                let _ = answer.send(reload(&state, &mut sched, "API").await);
            }
            _ = tick.tick() => {
                let current = state.current();
                let opts = state.opts.clone();
                let cfg = current.config.clone();
                let fp = tokio::task::spawn_blocking(move || fingerprint(&opts, &cfg)).await.unwrap_or_default();
                if fp != current.fingerprint && rejected.as_deref() != Some(fp.as_str()) {
                    rejected = reload(&state, &mut sched, "files changed").await.err().map(|_| fp);
                }
            }
        }
    };
    tracing::info!(target: "daemon", signal = why, grace_seconds = grace.as_secs(),
        running = state.running().len(), "shutting down: no new scans; running scans may finish within the grace period");
    state.phase.send_replace(Phase::Draining);
    let _ = sched.sched.shutdown().await;
    let deadline = Instant::now() + grace;
    while !state.running().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !state.running().is_empty() {
        tracing::warn!(target: "daemon", "grace period over: abandoning scans still collecting (a scan already writing finishes its transaction)");
        state.phase.send_replace(Phase::Abandon);
        while !state.running().is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
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
