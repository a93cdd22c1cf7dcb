//! `vigil run`: scheduled scans, reloads, graceful shutdown, and the HTTP server.
//!
//! The daemon only schedules and serves: a scan is the same pipeline `vigil scan` runs
//! ([`crate::scan`]). One process writes to a database ([`crate::store::lock`]); scans of
//! one target never overlap; a rule or config change is checked whole before it replaces
//! the set in force.
//!
//! Files: `loaded` (the config, rules and tokens in force, checked whole; typed problems),
//! `state` (what every task shares: running scans, health, shutdown phase), `job` (one scan,
//! start to end, and the prune), `scheduler` (cron jobs and reloads), `shutdown` (drain,
//! then abandon), `http` (the API), `auth` (tokens and roles), `metrics` (Prometheus).

pub mod auth;
pub mod http;
mod job;
mod loaded;
mod mail;
pub mod metrics;
pub(crate) mod plans;
mod reports;
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
use tokio::sync::{mpsc, oneshot, watch};

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

/// Runs the daemon until SIGTERM or SIGINT: load and check everything, open the database,
/// listen, schedule, serve; reload on SIGHUP, the API or changed files; then drain.
pub async fn run(opts: Options) -> Result<(), Error> {
    // Signals first: a SIGHUP or SIGTERM while starting must not kill the process outright.
    let mut signals = Signals::install()?;
    let loaded = {
        let o = opts.clone();
        tokio::task::spawn_blocking(move || load(&o))
            .await
            .map_err(|e| Error::Invalid(vec![Problem::Panicked(e.to_string())]))?
            .map_err(Error::Invalid)?
    };
    let listen = opts
        .listen
        .clone()
        .unwrap_or_else(|| loaded.config.daemon.listen.clone());
    let grace = Duration::from_secs(loaded.config.daemon.shutdown_grace_seconds);
    let poll = Duration::from_secs(loaded.config.daemon.reload_poll_seconds.max(1));
    let (tokens, rules) = (loaded.tokens.len(), loaded.rules.rules.len());
    let (reload_tx, mut reload_rx) = mpsc::channel(4);
    let state = open_state(opts, loaded, reload_tx)?;
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
    let mut sched = Scheduler::new().await?;
    sched.apply(&state, &state.current()).await?;
    if tokens == 0 {
        tracing::warn!(target: "daemon", "no API tokens (daemon.tokens_file, VIGIL_API_TOKENS): every /api/v1 request will be refused");
    }
    plans::report_interrupted(&state).await;
    let sweeper = tokio::spawn(plans::sweep_loop(state.clone(), poll));
    let mailer = tokio::spawn(mail::sender_loop(state.clone()));
    let server = serve(&state, listener);
    tracing::info!(target: "daemon", listen = %bound, db = %state.db_path.display(), rules, tokens,
        pid = std::process::id(), "vigil is running");
    let why = watch_for_changes(&state, &mut sched, &mut signals, &mut reload_rx, poll).await;
    drop(reload_rx);
    sweeper.abort();
    mailer.abort();
    shutdown::drain(&state, &mut sched, why, grace).await;
    match tokio::time::timeout(Duration::from_secs(5), server).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => tracing::error!(target: "daemon", error = %e, "HTTP server"),
        _ => tracing::warn!(target: "daemon", "HTTP connections still open at exit"),
    }
    tracing::info!(target: "daemon", "stopped");
    Ok(())
}

/// SIGTERM, SIGINT (stop) and SIGHUP (reload).
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> Result<Signals, Error> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            term: signal(SignalKind::terminate()).map_err(Error::Signal)?,
            int: signal(SignalKind::interrupt()).map_err(Error::Signal)?,
            hup: signal(SignalKind::hangup()).map_err(Error::Signal)?,
        })
    }
}

/// The database (locked, its history redacted) and the state every task shares.
fn open_state(
    opts: Options,
    loaded: Loaded,
    reload_tx: mpsc::Sender<oneshot::Sender<Result<usize, Vec<Problem>>>>,
) -> Result<Arc<State>, Error> {
    let db_path = opts
        .db
        .clone()
        .or(loaded.config.storage.path.clone())
        .unwrap_or_else(|| opts.default_db.clone());
    let db_lock = crate::store::lock::acquire(&db_path)?;
    let mut store = Store::open(&db_path)?;
    for id in store.close_interrupted_scans(crate::scan::INTERRUPTED)? {
        tracing::warn!(target: "daemon", scan_id = id, "a scan the last run left unfinished is closed; the accounts it recorded stand");
    }
    store.scrub_history()?;
    let redactor = store.redactor()?;
    let metrics = metrics::Metrics::new();
    metrics.rules_loaded.set(loaded.rules.rules.len() as i64);
    if let Ok(open) = store.findings(&Default::default(), Utc::now()) {
        metrics.set_findings(&open);
    }
    let (phase_tx, _) = watch::channel(Phase::Running);
    let started_at = Utc::now();
    Ok(Arc::new(State {
        opts,
        db_path,
        metrics,
        started_at,
        loaded: RwLock::new(Arc::new(loaded)),
        writer: Arc::new(tokio::sync::Mutex::new(store)),
        running: Mutex::new(BTreeMap::new()),
        pruning: Default::default(),
        health: Mutex::new(BTreeMap::new()),
        phase: phase_tx,
        reload_tx,
        redactor,
        notifier: Arc::new(crate::remediate::notify::Log),
        mail_wake: tokio::sync::Notify::new(),
        last_digest: Mutex::new(started_at),
        reports_running: Default::default(),
        _lock: db_lock,
    }))
}

/// The HTTP server, until shutdown begins.
fn serve(
    state: &Arc<State>,
    listener: tokio::net::TcpListener,
) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let app = http::router(state.clone());
    let mut phase_rx = state.phase.subscribe();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = phase_rx.wait_for(|p| *p != Phase::Running).await;
            })
            .await
    })
}

/// Reloads on SIGHUP, on an API request, or when the files changed (polled), until SIGTERM
/// or SIGINT; returns which stopped it.
async fn watch_for_changes(
    state: &Arc<State>,
    sched: &mut Scheduler,
    signals: &mut Signals,
    reload_rx: &mut mpsc::Receiver<oneshot::Sender<Result<usize, Vec<Problem>>>>,
    poll: Duration,
) -> &'static str {
    let mut tick = tokio::time::interval(poll);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The fingerprint of the last set rejected: reported once, not at every poll.
    let mut rejected: Option<String> = None;
    loop {
        let trigger = tokio::select! {
            _ = signals.term.recv() => return "SIGTERM",
            _ = signals.int.recv() => return "SIGINT",
            _ = signals.hup.recv() => Some(("SIGHUP", None)),
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
        let result = reload(state, sched, why).await;
        rejected = result.is_err().then_some(fp);
        if let Some(answer) = answer {
            let _ = answer.send(result);
        }
    }
}
