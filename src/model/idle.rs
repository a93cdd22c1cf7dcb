//! An idle resource as vigil's history knows it: since when, and why (`available`,
//! `stopped`, `unassociated`, `0 replicas`, ...). Decided in `idle`, kept by `store`.

use chrono::{DateTime, Utc};

/// One idle resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Idle {
    pub since: DateTime<Utc>,
    pub reason: &'static str,
}
