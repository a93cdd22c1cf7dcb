//! A rule's verdict on a resource, and a finding: a FAIL remembered across scans.

use serde::{Deserialize, Serialize};

use super::Severity;

/// One rule's verdict on one resource: a FAIL carries a message and the offending path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    pub rule_id: String,
    pub resource_id: String,
    pub resource_type: String,
    pub severity: Severity,
    /// Shared with the rule's metadata: one allocation per rule, not per result.
    pub controls: std::sync::Arc<[String]>,
    pub message: String,
    pub path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingStatus {
    Open,
    Resolved,
    Reopened,
    /// Open, but a waiver in force accepts it (never stored: applied when findings are read).
    Waived,
}

impl FindingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::Resolved => "resolved",
            FindingStatus::Reopened => "reopened",
            FindingStatus::Waived => "waived",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(FindingStatus::Open),
            "resolved" => Some(FindingStatus::Resolved),
            "reopened" => Some(FindingStatus::Reopened),
            "waived" => Some(FindingStatus::Waived),
            _ => None,
        }
    }
    /// Open or reopened: the problem is there and nothing accepts it.
    pub fn is_active(self) -> bool {
        matches!(self, FindingStatus::Open | FindingStatus::Reopened)
    }
}

/// A finding as stored and reported: keyed by (rule id, resource id), with its lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: i64,
    pub rule_id: String,
    pub resource_id: String,
    pub resource_type: String,
    pub severity: Severity,
    pub controls: Vec<String>,
    pub message: String,
    pub path: String,
    pub status: FindingStatus,
    /// True when the finding's scope was not collected completely in the latest scan:
    /// the finding stays open but was not re-checked.
    pub stale: bool,
    pub first_seen: String,
    pub last_seen: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// The waiver that applies, or the one that expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<super::WaiverNote>,
}
