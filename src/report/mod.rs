//! Rendering: what vigil prints. A scan's table and JSON document here; SARIF, manifest
//! findings, the findings list, idle resources and drift in their own files. The CLI only
//! chooses a renderer and prints.

pub mod drift;
pub mod findings;
pub mod idle;
pub mod manifests;
pub mod pack;
pub mod plans;
pub mod posture;
pub mod rules;
pub mod sarif;
pub mod stream;
pub mod templates;

use std::path::PathBuf;

use serde::Serialize;

/// Why a report, an export or a pack could not be written. The message names the file and
/// the step; [`Error::metric_label`] is the kind, for metrics and logs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Writing or reading `path` failed (the cause says how).
    #[error("{verb} {}: {cause}", path.display())]
    File {
        verb: &'static str,
        path: PathBuf,
        cause: Box<Error>,
    },
    #[error("writing {}: there is no directory {}", path.display(), dir.display())]
    NoDirectory { path: PathBuf, dir: PathBuf },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Zip(#[from] zip::result::ZipError),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error(transparent)]
    Template(#[from] posture::render::Error),
    #[error(transparent)]
    Sign(#[from] pack::sign::Error),
    /// A format that has nothing to say for this posture (a POA&M without open failures).
    #[error("{0}")]
    Empty(String),
    /// A writer given by the caller failed (a test's, an export's template).
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// This error while reading or writing `path`.
    pub fn at(self, verb: &'static str, path: impl Into<PathBuf>) -> Self {
        Error::File {
            verb,
            path: path.into(),
            cause: Box::new(self),
        }
    }

    pub fn metric_label(&self) -> &'static str {
        match self {
            Error::File { cause, .. } => cause.metric_label(),
            Error::NoDirectory { .. } | Error::Io(_) => "io",
            Error::Json(_) | Error::Csv(_) | Error::Zip(_) => "encode",
            Error::Store(_) => "store",
            Error::Template(_) => "template",
            Error::Sign(_) => "signing",
            Error::Empty(_) => "empty",
            Error::Other(_) => "other",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

use crate::model::{Coverage, Finding, FindingStatus, ScanStatus};
use crate::policy::RuleError;
use crate::store::{Lifecycle, ScanRecord};

#[derive(Debug, Serialize)]
pub struct ScanJson<'a> {
    pub scan: ScanSection<'a>,
    pub findings: &'a [Finding],
    pub summary: Summary,
    pub errors: Errors<'a>,
    /// With `--templates` on a live scan: where each resource with findings is declared
    /// (resource id → template file, line, logical id).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub declared_at: std::collections::BTreeMap<String, crate::iac::cfn::Origin>,
}

#[derive(Debug, Serialize)]
pub struct ScanSection<'a> {
    pub id: i64,
    pub status: ScanStatus,
    pub started_at: &'a str,
    pub finished_at: &'a str,
    pub target: &'a str,
    pub resources: i64,
    pub coverage: &'a [Coverage],
}

#[derive(Debug, Serialize, Default)]
pub struct Summary {
    pub open: usize,
    pub resolved: usize,
    pub waived: usize,
    pub by_severity: std::collections::BTreeMap<String, usize>,
    pub lifecycle: Lifecycle,
    pub rules: usize,
    pub evaluations: u64,
}

#[derive(Debug, Serialize)]
pub struct Errors<'a> {
    pub rules: &'a [RuleError],
    pub rule_files: &'a [crate::policy::LoadProblem],
}

pub fn summarize(
    findings: &[Finding],
    lifecycle: Lifecycle,
    rules: usize,
    evaluations: u64,
) -> Summary {
    let mut s = Summary {
        lifecycle,
        rules,
        evaluations,
        ..Default::default()
    };
    for f in findings {
        match f.status {
            FindingStatus::Open | FindingStatus::Reopened => {
                s.open += 1;
                *s.by_severity.entry(f.severity.to_string()).or_default() += 1;
            }
            FindingStatus::Waived => s.waived += 1,
            FindingStatus::Resolved => s.resolved += 1,
        }
    }
    s
}

pub(crate) fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The human table: active findings first (highest severity first), then resolved ones.
pub fn table(scan: &ScanRecord, findings: &[Finding], summary: &Summary) -> String {
    let mut out = String::new();
    let active: Vec<&Finding> = findings.iter().filter(|f| f.status.is_active()).collect();
    if active.is_empty() {
        out.push_str("No open findings.\n");
    } else {
        out.push_str(&format!(
            "{:<9} {:<12} {:<48} {:<60} {}\n",
            "SEVERITY", "RULE", "RESOURCE", "MESSAGE", "CONTROLS"
        ));
        for f in &active {
            let mut sev = f.severity.to_string();
            if f.stale {
                sev.push('*');
            }
            let controls = if f.controls.len() > 3 {
                format!("{} +{}", f.controls[..3].join(","), f.controls.len() - 3)
            } else {
                f.controls.join(",")
            };
            let message = match &f.waiver {
                Some(w) if w.expired => {
                    format!("[waiver {} expired {}] {}", w.id, w.expires_at, f.message)
                }
                _ => f.message.clone(),
            };
            out.push_str(&format!(
                "{:<9} {:<12} {:<48} {:<60} {}\n",
                sev,
                f.rule_id,
                cut(&short_id(&f.resource_id), 48),
                cut(&message, 60),
                controls
            ));
        }
        if active.iter().any(|f| f.stale) {
            out.push_str(
                "* stale: its scope was not collected completely in this scan, so it stays open\n",
            );
        }
    }
    let resolved = summary.resolved;
    out.push('\n');
    out.push_str(&format!(
        "scan {} {}: {} resources, {} open findings ({}){}, {} resolved in this scan; {} new, {} reopened\n",
        scan.id,
        scan.status.as_str(),
        scan.resources,
        summary.open,
        summary
            .by_severity
            .iter()
            .rev()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", "),
        if summary.waived > 0 {
            format!(", {} waived", summary.waived)
        } else {
            String::new()
        },
        resolved,
        summary.lifecycle.opened,
        summary.lifecycle.reopened,
    ));
    let d = summary.lifecycle.drift;
    if d.added + d.removed + d.modified > 0 {
        out.push_str(&format!(
            "drift since the previous scan: {} added, {} removed, {} modified (`vigil drift` shows what changed)\n",
            d.added, d.removed, d.modified
        ));
    }
    out.push_str(&scope_problems(&scan.coverage));
    out
}

/// Failed and skipped scopes, one line each; scopes that failed for the same reason (a whole
/// cluster unreachable, a region's endpoint down) are folded into one line.
pub fn scope_problems(coverage: &[Coverage]) -> String {
    let mut groups: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for c in coverage.iter().filter(|c| c.error.is_some()) {
        let err = c.error.as_deref().unwrap_or_default();
        match groups
            .iter_mut()
            .find(|(status, e, _)| *e == err && *status == c.status.as_str())
        {
            Some(g) => g.2.push(&c.scope),
            None => groups.push((c.status.as_str(), err, vec![&c.scope])),
        }
    }
    let mut out = String::new();
    for (status, err, scopes) in groups {
        if scopes.len() <= 2 {
            for s in scopes {
                out.push_str(&format!("  {status} scope {s}: {err}\n"));
            }
        } else {
            // provider/account/region/type: name the common prefix and list the types.
            let prefix = |s: &str| s.rsplit_once('/').map(|x| x.0).unwrap_or("").to_string();
            let first = prefix(scopes[0]);
            let what = if scopes.iter().all(|s| prefix(s) == first) {
                let same_prefix = coverage
                    .iter()
                    .filter(|c| prefix(&c.scope) == first)
                    .count();
                if same_prefix == scopes.len() {
                    format!("all {} scopes of {first}", scopes.len())
                } else {
                    let types: Vec<&str> = scopes
                        .iter()
                        .map(|s| s.rsplit("::").next().unwrap_or(s))
                        .collect();
                    format!("{} scopes of {first} ({})", scopes.len(), types.join(", "))
                }
            } else {
                format!("{} scopes ({})", scopes.len(), scopes.join(", "))
            };
            out.push_str(&format!("  {status}: {what}: {err}\n"));
        }
    }
    out
}

/// Drops the `arn:aws:<svc>:<region>:<account>:` prefix for display; a Kubernetes id
/// `k8s://<cluster>/<namespace>/<group>/<Kind>/<name>` becomes `<cluster>/<namespace>/<Kind>/<name>`
/// (`<cluster>/<Kind>/<name>` for cluster-scoped kinds).
pub fn short_id(id: &str) -> String {
    if let Some(rest) = id.strip_prefix("k8s://") {
        let parts: Vec<&str> = rest.splitn(5, '/').collect();
        if let [cluster, ns, _group, kind, name] = parts[..] {
            return if ns == "_cluster" {
                format!("{cluster}/{kind}/{name}")
            } else {
                format!("{cluster}/{ns}/{kind}/{name}")
            };
        }
    }
    if let Some(rest) = id.strip_prefix("arn:aws:") {
        let parts: Vec<&str> = rest.splitn(4, ':').collect();
        if parts.len() == 4 {
            return format!("{}:{}", parts[0], parts[3]);
        }
    }
    id.to_string()
}

#[cfg(test)]
mod tests {
    use super::{scope_problems, short_id};
    use crate::model::{Coverage, CoverageStatus};

    #[test]
    fn scopes_failing_alike_fold_into_one_line() {
        let c = |scope: &str, status, error: Option<&str>| Coverage {
            scope: scope.into(),
            status,
            error: error.map(str::to_string),
        };
        let down = Some("connection refused");
        let cov = vec![
            c(
                "kubernetes/a/*/K8s::core::Pod",
                CoverageStatus::Failed,
                down,
            ),
            c(
                "kubernetes/a/*/K8s::apps::Deployment",
                CoverageStatus::Failed,
                down,
            ),
            c(
                "kubernetes/a/*/K8s::batch::Job",
                CoverageStatus::Failed,
                down,
            ),
            c(
                "kubernetes/b/*/K8s::core::Pod",
                CoverageStatus::Complete,
                None,
            ),
            c(
                "kubernetes/b/*/K8s::batch::CronJob",
                CoverageStatus::Skipped,
                Some("not served"),
            ),
        ];
        assert_eq!(
            scope_problems(&cov),
            "  failed: all 3 scopes of kubernetes/a/*: connection refused\n  skipped scope kubernetes/b/*/K8s::batch::CronJob: not served\n"
        );
    }

    #[test]
    fn short_ids() {
        assert_eq!(
            short_id("k8s://prod/shop/apps/Deployment/web"),
            "prod/shop/Deployment/web"
        );
        assert_eq!(
            short_id("k8s://prod/_cluster/rbac.authorization.k8s.io/ClusterRole/admin"),
            "prod/ClusterRole/admin"
        );
        assert_eq!(
            short_id("arn:aws:ec2:us-east-1:123456789012:volume/vol-1"),
            "ec2:volume/vol-1"
        );
    }
}
