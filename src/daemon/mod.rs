//! `vigil run`: scheduled scans, reloads, graceful shutdown, and the HTTP server.
//!
//! The daemon only schedules and serves: a scan is the same pipeline `vigil scan` runs
//! ([`crate::scan`]). One process writes to a database ([`crate::store::lock`]); scans of
//! one target never overlap; a rule or config change is checked whole before it replaces
//! the set in force.
//!
//! Rooms: `loaded` (the config, rules and tokens in force, checked whole; typed problems),
//! `state` (what every task shares: running scans, health, shutdown phase), `job` (one scan,
//! start to end, and the prune), `scheduler` (cron jobs and reloads), `shutdown` (drain,
//! then abandon), `http` (the API), `auth` (tokens and roles), `metrics` (Prometheus).

pub mod auth;
pub mod http;
mod job;
mod loaded;
pub mod metrics;
mod scheduler;
mod shutdown;
mod state;

pub use loaded::{load, Loaded, Problem};
pub use state::{Phase, Running, StartError, State, TargetHealth};

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{mpsc, watch};

use crate::store::Store;
use scheduler::{reload, Scheduler};

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

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
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
            .map_err(|e| Error::Invalid(vec![Problem::Panicked(e.to_string())]))?
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
        let fp = tokio::task::spawn_blocking(move || loaded::current_fingerprint(&opts, &cfg))
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
    shutdown::drain(&state, &mut sched, why, grace).await;
    match tokio::time::timeout(Duration::from_secs(5), server).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => tracing::error!(target: "daemon", error = %e, "HTTP server"),
        _ => tracing::warn!(target: "daemon", "HTTP connections still open at exit"),
    }
    tracing::info!(target: "daemon", "stopped");
    Ok(())
}
