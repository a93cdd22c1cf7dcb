//! A snapshot: what one scan collected, and per scope whether it was collected completely.

use serde::{Deserialize, Serialize};

use super::Resource;

/// What one scan collected: resources plus, per scope, whether it was collected completely.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Format version of the snapshot file.
    #[serde(default = "default_version")]
    pub version: u32,
    /// When collection started (RFC 3339).
    pub collected_at: String,
    pub coverage: Vec<Coverage>,
    pub resources: Vec<Resource>,
    /// `provider/account` → what identifies that account or cluster beyond its name (a
    /// cluster's `kube-system` namespace UID). The store refuses a scan whose name now
    /// belongs to another cluster: their findings would resolve each other.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub identities: std::collections::BTreeMap<String, String>,
    /// AWS account id → its name, OU path and tags, for accounts read from an organization
    /// or a configured list.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub accounts: std::collections::BTreeMap<String, super::aws::AccountMeta>,
}

fn default_version() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CoverageStatus {
    Complete,
    Failed,
    Skipped,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Complete => "complete",
            CoverageStatus::Failed => "failed",
            CoverageStatus::Skipped => "skipped",
        }
    }
}

/// Coverage of one scope: `provider/account/region/resource type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub scope: String,
    pub status: CoverageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanStatus {
    Complete,
    Partial,
    Failed,
}

impl ScanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ScanStatus::Complete => "complete",
            ScanStatus::Partial => "partial",
            ScanStatus::Failed => "failed",
        }
    }

    /// A scan's status from its counts of failed and complete scopes: complete when none
    /// failed, failed when none is complete, partial otherwise.
    pub fn of(failed: usize, complete: usize) -> ScanStatus {
        if failed == 0 {
            ScanStatus::Complete
        } else if complete == 0 {
            ScanStatus::Failed
        } else {
            ScanStatus::Partial
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "complete" => Some(ScanStatus::Complete),
            "partial" => Some(ScanStatus::Partial),
            "failed" => Some(ScanStatus::Failed),
            _ => None,
        }
    }
}

impl Snapshot {
    /// The scopes this snapshot collected completely.
    pub fn complete_scopes(&self) -> std::collections::HashSet<&str> {
        self.coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Complete)
            .map(|c| c.scope.as_str())
            .collect()
    }

    /// complete when every scope is complete or skipped, failed when nothing was collected,
    /// partial otherwise.
    pub fn status(&self) -> ScanStatus {
        let failed = self
            .coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Failed)
            .count();
        let complete = self
            .coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Complete)
            .count();
        ScanStatus::of(failed, complete)
    }
}
