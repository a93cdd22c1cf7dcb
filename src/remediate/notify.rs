//! Plan events (proposed, approved, rejected, applied, failed, verified). The daemon
//! announces each in one place (`daemon::plans::announce`): a log line through the
//! [`Notifier`] it holds ([`Log`]), and the mails `[notify]` names, queued in the outbox
//! (composed by [`crate::mail`]). Neither blocks or fails the step that raised the event.

use super::{Plan, PlanState};

/// What happened to a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Proposed,
    Approved,
    Rejected,
    Applied,
    Failed,
    Verified,
    VerifyFailed,
}

impl Event {
    /// The event a plan's new state is, if any.
    pub fn of(state: PlanState) -> Option<Event> {
        Some(match state {
            PlanState::Proposed => Event::Proposed,
            PlanState::Approved => Event::Approved,
            PlanState::Rejected => Event::Rejected,
            PlanState::Applied => Event::Applied,
            PlanState::Failed | PlanState::PartiallyApplied | PlanState::Stale => Event::Failed,
            PlanState::Verified => Event::Verified,
            PlanState::VerifyFailed => Event::VerifyFailed,
            PlanState::Expired | PlanState::Applying => return None,
        })
    }
}

pub trait Notifier: Send + Sync {
    fn notify(&self, event: Event, plan: &Plan);
}

/// Notifications as log lines (target `notify`).
pub struct Log;

impl Notifier for Log {
    fn notify(&self, event: Event, p: &Plan) {
        tracing::info!(target: "notify", event = ?event, plan = p.id, state = %p.state,
            requester = %p.requester, actions = p.actions.len(), findings = p.findings.len(), "plan event");
    }
}
