//! Remediation plans: findings grouped into actions that are data, approved by their
//! content hash, applied with separate credentials, verified by the next complete scan.
//!
//! Rooms: `plan` (the plan model: actions with their exact API calls, the content hash that
//! approvals name, the states and the moves between them). The proposing, approving and
//! applying steps build on it.

pub mod apply;
pub mod approvers;
pub mod flow;
pub mod k8s;
pub mod notify;
pub mod plan;
pub mod propose;
pub mod record;
pub mod select;
pub mod summary;

pub use plan::{Action, ActionKind, Call, PlanState, Precondition, Reversibility};
pub use record::{Approval, Execution, NewPlan, Plan, PlanFinding};
