//! Remediation plans: findings grouped into actions that are data, approved by their
//! content hash, applied with separate credentials, verified by the next complete scan.
//!
//! The vocabulary (actions with their exact API calls, the content hash that approvals name,
//! the states and the moves between them, a plan as stored) is [`crate::model::plan`]; this
//! folder is the workflow. Files: `select` (which findings), `propose`, `aws` and `k8s` (findings → actions), `approvers`
//! (TOTP secrets in their file), `flow` (propose and approve, shared by the CLI and the API),
//! `apply/` (re-reading targets, running the calls), `summary` (the summary a plan
//! carries: the template, or a model's through [`crate::llm`]) and `notify` (plan events), `untrusted` (estate strings made inert for prompts and pages). The SQL is in `store::plans` and `store::approvals`.

pub mod apply;
pub mod approval;
pub mod approvers;
pub mod aws;
pub mod flow;
pub mod k8s;
pub mod notify;
pub mod propose;
pub mod select;
pub mod summary;
pub mod untrusted;

pub use crate::model::plan::{
    Action, ActionKind, Approval, Call, Execution, NewPlan, Plan, PlanFinding, PlanState,
    Precondition, Reversibility, SummaryRequest,
};
