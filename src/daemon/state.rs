//! The daemon's shared state: the set in force, the scans running, each target's recent
//! outcome, where shutdown is, and the one connection that writes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot, watch};

use super::loaded::{Loaded, Problem};
use super::{metrics, Options};
use crate::store::Store;

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
    pub target: String,
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
    Busy { target: String, run_id: String },
    #[error("vigil is shutting down")]
    ShuttingDown,
}

pub struct State {
    pub opts: Options,
    pub db_path: PathBuf,
    pub metrics: metrics::Metrics,
    pub started_at: DateTime<Utc>,
    pub(super) loaded: RwLock<Arc<Loaded>>,
    /// The one connection that writes; a scan holds it only while it records.
    pub(super) writer: Arc<tokio::sync::Mutex<Store>>,
    pub(super) running: Mutex<BTreeMap<String, Running>>,
    pub(super) pruning: std::sync::atomic::AtomicBool,
    pub(super) health: Mutex<BTreeMap<String, TargetHealth>>,
    pub(super) phase: watch::Sender<Phase>,
    pub(super) reload_tx: mpsc::Sender<oneshot::Sender<Result<usize, Vec<Problem>>>>,
    /// Redacts every collected snapshot with the database's key.
    pub(super) redactor: crate::redact::Redactor,
    /// Where plan events go (the log; mail plugs in here).
    pub(super) notifier: Arc<dyn crate::remediate::notify::Notifier>,
    /// Wakes the mail sender when a mail is queued.
    pub(super) mail_wake: tokio::sync::Notify,
    /// When the last digest was queued (the next covers what happened since).
    pub(super) last_digest: Mutex<DateTime<Utc>>,
    /// The `[[reports]]` being made now, by name (a run is not stacked on another).
    pub(super) reports_running: Mutex<std::collections::HashSet<String>>,
    /// Held for the life of the state, so it is released after the last write.
    pub(super) _lock: crate::store::lock::Lock,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
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

    /// Moves shutdown on; under the running set's lock, so no scan starts after it.
    pub(super) fn set_phase(&self, p: Phase) {
        let _running = lock(&self.running);
        self.phase.send_replace(p);
    }

    pub fn running(&self) -> Vec<Running> {
        lock(&self.running).values().cloned().collect()
    }

    pub(super) fn busy(&self) -> bool {
        !lock(&self.running).is_empty() || self.pruning.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn health(&self) -> BTreeMap<String, TargetHealth> {
        lock(&self.health).clone()
    }

    /// Asks the main loop to reload rules, config and tokens; the answer is the number of
    /// rules now in force, or why the new set was rejected.
    pub async fn reload(&self) -> Result<usize, Vec<Problem>> {
        let (tx, rx) = oneshot::channel();
        if self.reload_tx.send(tx).await.is_err() {
            return Err(vec![Problem::ShuttingDown]);
        }
        rx.await
            .unwrap_or_else(|_| Err(vec![Problem::ShuttingDown]))
    }

    pub(super) fn note_outcome(&self, target: &str, status: &str, scan_id: Option<i64>) {
        let now = Utc::now();
        let mut h = lock(&self.health);
        let e = h.entry(target.to_string()).or_default();
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
}

/// Runs `f` with a connection of its own on a blocking thread (apply's async calls run on
/// this runtime from there).
pub(crate) async fn with_store<T, F>(state: &Arc<State>, f: F) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, String> + Send + 'static,
{
    let db = state.db_path.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&db).map_err(|e| e.to_string())?;
        f(&mut store)
    })
    .await
    .map_err(|e| format!("store task panicked: {e}"))?
}
