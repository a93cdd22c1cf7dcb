//! Remediation plans: findings grouped into actions that are data, approved by their
//! content hash, applied with separate credentials, verified by the next complete scan.
//!
//! Rooms: `plan` (the plan model: actions with their exact API calls, the content hash that
//! approvals name, the states and the moves between them). The proposing, approving and
//! applying steps build on it.

pub mod plan;

pub use plan::{Action, ActionKind, Call, PlanState, Reversibility};
