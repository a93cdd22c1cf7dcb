//! Graceful shutdown: no new scans; running ones may finish within the grace period; past
//! it, scans still collecting or evaluating are abandoned (they record nothing), and a scan
//! already writing finishes its transaction.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::scheduler::Scheduler;
use super::state::{Phase, State};

/// Stops the schedules and waits for the running scans as the grace period allows.
pub(super) async fn drain(state: &Arc<State>, sched: &mut Scheduler, why: &str, grace: Duration) {
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
}
