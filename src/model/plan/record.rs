//! A plan as stored and shown: its actions and hash, the findings it answers, who asked and
//! who approved, and every call its apply made.

use serde::{Deserialize, Serialize};

use super::{Action, PlanState};

/// A plan to record: made by `propose`, stored with its hash by the store.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub requester: String,
    pub production: bool,
    pub approvals_required: u32,
    pub actions: Vec<Action>,
    pub findings: Vec<PlanFinding>,
    /// The coverage scopes of the targets: a complete scan of all of them verifies the plan.
    pub scopes: Vec<String>,
}

/// A finding a plan answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanFinding {
    pub id: i64,
    pub rule_id: String,
    pub resource_id: String,
    pub severity: String,
    pub controls: Vec<String>,
    pub message: String,
}

/// One approver's approval of one plan hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub principal: String,
    pub at: String,
    pub hash: String,
}

/// One API call an apply made (or a read it did first), with its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    /// Index of the action in the plan, from 0.
    pub action: usize,
    /// The call as shown in the plan (`ec2:DeleteVolume VolumeId=vol-1`).
    pub call: String,
    pub at: String,
    /// `ok` or `failed`.
    pub outcome: String,
    /// What the API answered (ids it made, request ids), or the error.
    pub answer: serde_json::Value,
}

/// A stored plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub id: i64,
    pub state: PlanState,
    pub hash: String,
    pub requester: String,
    pub created_at: String,
    pub updated_at: String,
    pub production: bool,
    pub approvals_required: u32,
    /// When the approval runs out (set once the plan is approved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Why it was rejected, went stale, failed or did not verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub scopes: Vec<String>,
    /// What an approver reads: written apart from the actions, never hashed (the fields
    /// `summary`, `summary_source`, `summary_reason`, ...).
    #[serde(flatten)]
    pub summary: Option<super::summary::Summary>,
    pub actions: Vec<Action>,
    pub findings: Vec<PlanFinding>,
    pub approvals: Vec<Approval>,
    pub executions: Vec<Execution>,
    /// Each request made for its summary (kept for audit).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub summary_requests: Vec<SummaryRequest>,
}

/// One request for a plan's summary: what the model was told and answered, and what the
/// checks made of it (`accepted`, or why the template was used).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRequest {
    pub at: String,
    pub provider: String,
    pub model: String,
    /// Requests made, retries included (0: none was sent).
    pub requests: u32,
    pub prompt_sha256: String,
    pub system: String,
    pub prompt: String,
    pub answer: Option<String>,
    pub outcome: String,
    pub latency_ms: i64,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
}
