//! Collectors do I/O and nothing else: they call provider APIs and turn the answers into
//! [`Resource`] documents (pure `normalize_*` functions), reporting coverage per scope.

pub mod aws;
pub mod k8s;
pub mod manifests;
pub mod source;
pub mod synthetic;

pub use source::{Collected, Source, SourceConfig};

use crate::model::{Coverage, CoverageStatus, Resource};

/// What one collector task produced for one scope: its resources (possibly some, even when
/// the scope failed part-way) and whether the scope is complete.
#[derive(Debug)]
pub struct ScopeResult {
    pub scope: String,
    pub resources: Vec<Resource>,
    pub error: Option<String>,
}

impl ScopeResult {
    pub fn ok(scope: String, resources: Vec<Resource>) -> Self {
        ScopeResult {
            scope,
            resources,
            error: None,
        }
    }
    pub fn failed(scope: String, error: String) -> Self {
        ScopeResult {
            scope,
            resources: Vec::new(),
            error: Some(error),
        }
    }
    /// The resources read, and the scope failed when something of it could not be read
    /// (the documents are kept; the scope's findings stay open).
    pub fn partial(scope: String, resources: Vec<Resource>, error: Option<String>) -> Self {
        ScopeResult {
            scope,
            resources,
            error,
        }
    }
    /// A scope with some of its resources and the errors met reading the rest, joined.
    pub fn with_errors(scope: String, resources: Vec<Resource>, errors: Vec<String>) -> Self {
        let error = (!errors.is_empty()).then(|| errors.join("; "));
        Self::partial(scope, resources, error)
    }
    /// A listing's outcome: all of the scope, or why none of it.
    pub fn of(scope: String, listed: Result<Vec<Resource>, String>) -> Self {
        match listed {
            Ok(v) => Self::ok(scope, v),
            Err(e) => Self::failed(scope, e),
        }
    }
    pub fn coverage(&self) -> Coverage {
        Coverage {
            scope: self.scope.clone(),
            status: if self.error.is_some() {
                CoverageStatus::Failed
            } else {
                CoverageStatus::Complete
            },
            error: self.error.clone(),
        }
    }
}

/// An error and its causes, each once, joined by `: ` (a cause whose text its parent
/// already quotes is not repeated). Used by every collector; Kubernetes first sets aside the
/// errors that may quote credentials.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(cause) = src {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(&c);
        }
        src = cause.source();
    }
    s
}

pub use crate::model::doc::prune;

/// API calls and throttled answers, per provider and service, counted by the collectors of
/// one scan (or of many, in the daemon) for metrics.
#[derive(Debug, Default)]
pub struct ApiStats {
    counts: std::sync::Mutex<std::collections::BTreeMap<(String, String), ApiCount>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApiCount {
    /// Requests sent, retries included.
    pub calls: u64,
    /// Answers that said "slow down" (HTTP 429, or a throttling error code).
    pub throttles: u64,
}

impl ApiStats {
    pub fn record(&self, provider: &str, service: &str, throttled: bool) {
        let mut m = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let c = m
            .entry((provider.to_string(), service.to_string()))
            .or_default();
        if throttled {
            c.throttles += 1;
        } else {
            c.calls += 1;
        }
    }

    /// The counts so far, by (provider, service).
    pub fn counts(&self) -> std::collections::BTreeMap<(String, String), ApiCount> {
        self.counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
