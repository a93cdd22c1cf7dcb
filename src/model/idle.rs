//! An idle resource as vigil's history knows it: since when, and why (`available`,
//! `stopped`, `unassociated`, `0 replicas`, ...). Decided in `idle`, kept by `store`.

use chrono::{DateTime, Utc};

/// One idle resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Idle {
    pub since: DateTime<Utc>,
    pub reason: &'static str,
}

/// What a rule about idle resources is for (`custom.idle`): `reap` — its resources are
/// reaped through plans (proposed by default, `[plans] auto_propose`), or `report` — they
/// are listed as idle (`vigil idle`) and left to their owners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Reap,
    Report,
}
