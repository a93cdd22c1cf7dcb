//! The TOML config file. The structs here are the one list of keys: adding a key touches
//! its struct only. Reading a file reports every problem at once, each at its line
//! (`validate`: the TOML parser's spans, serde's errors, the field validators).

mod aws;
mod de;
mod notify;
mod plans;
mod posture;
mod reports;
mod validate;

pub use aws::{Account, Aws, AwsSource, AwsTarget, Organization};
pub use notify::{Digest, Llm, LlmProvider, Notify, Smtp, SmtpTls};
pub use plans::{Approvers, Plans, Remediation, RemediationAws, RemediationKubernetes};
pub use posture::{parse_expiry, Posture, PostureControl};
pub use reports::{parse_s3_url, Report, ReportFormat};

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Severity;

/// The commented template written by `vigil config init`.
pub const TEMPLATE: &str = include_str!("../../deploy/config.example.toml");

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("reading config {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem in a config file, with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub storage: Storage,
    #[serde(default)]
    pub collectors: Collectors,
    #[serde(default)]
    pub rules: Rules,
    #[serde(default)]
    pub scan: Scan,
    #[serde(default)]
    pub daemon: Daemon,
    /// When `vigil run` scans each target.
    #[serde(default)]
    pub schedules: Vec<Schedule>,
    #[serde(default)]
    pub plans: Plans,
    #[serde(default)]
    pub approvers: Approvers,
    #[serde(default)]
    pub remediation: Remediation,
    /// Who writes plan summaries.
    #[serde(default)]
    pub llm: Llm,
    /// Mail about plans and the daily digest.
    #[serde(default)]
    pub notify: Notify,
    /// The baseline reports use, and declarations about controls.
    #[serde(default)]
    pub posture: Posture,
    /// Reports the daemon makes on a cron.
    #[serde(default)]
    pub reports: Vec<Report>,
    /// Infrastructure code live findings are located in.
    #[serde(default)]
    pub iac: Iac,
}

/// `[iac]`: CloudFormation templates the daemon locates live findings in: each finding on a
/// resource they declare names the template's file and line (`/api/v1/findings`'
/// `declared_at`), as `vigil scan --templates` does.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Iac {
    /// Template files or directories.
    #[serde(default)]
    pub templates: Vec<PathBuf>,
    /// Parameter values for them, as `vigil scan --parameters` takes them.
    pub parameters: Option<PathBuf>,
}

/// `vigil run`: where it listens and how it behaves.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Daemon {
    /// Address of the HTTP server (health, readiness, metrics, API).
    #[serde(default = "default_listen", deserialize_with = "de::listen")]
    pub listen: String,
    /// API tokens: a TOML file of `[[tokens]]` with name, role and the token's SHA-256.
    pub tokens_file: Option<PathBuf>,
    /// Seconds a running scan may take to finish after SIGTERM before it is abandoned.
    #[serde(default = "default_grace", deserialize_with = "de::positive")]
    pub shutdown_grace_seconds: u64,
    /// `/readyz` fails when a scheduled target's scans have been failing this long.
    #[serde(default = "default_max_failing", deserialize_with = "de::positive")]
    pub ready_max_failing_seconds: u64,
    /// A scan still collecting or evaluating after this long is stopped; nothing of it is
    /// recorded, and it counts as failing for readiness.
    #[serde(default = "default_scan_timeout", deserialize_with = "de::positive")]
    pub scan_timeout_seconds: u64,
    /// How often the rules directories and the config file are checked for changes.
    #[serde(default = "default_poll", deserialize_with = "de::positive")]
    pub reload_poll_seconds: u64,
    /// When to prune history older than `storage.retention_days` (cron, with seconds).
    #[serde(default = "default_prune_schedule", deserialize_with = "de::cron")]
    pub prune_schedule: String,
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}
fn default_grace() -> u64 {
    25
}
fn default_max_failing() -> u64 {
    3600
}
fn default_scan_timeout() -> u64 {
    3600
}
fn default_poll() -> u64 {
    10
}
fn default_prune_schedule() -> String {
    "0 15 3 * * *".into()
}

impl Default for Daemon {
    fn default() -> Self {
        Daemon {
            listen: default_listen(),
            tokens_file: None,
            shutdown_grace_seconds: default_grace(),
            ready_max_failing_seconds: default_max_failing(),
            scan_timeout_seconds: default_scan_timeout(),
            reload_poll_seconds: default_poll(),
            prune_schedule: default_prune_schedule(),
        }
    }
}

/// One `[[schedules]]` entry: scan `target` on `cron`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// A target's name: `aws`, `kubernetes`, a `[[collectors.aws.targets]]` name or a
    /// `[[collectors.kubernetes.clusters]]` name.
    #[serde(default)]
    pub target: String,
    /// Six fields, seconds first: `0 0 * * * *` is every hour on the hour.
    #[serde(default, deserialize_with = "de::cron")]
    pub cron: String,
}

/// Parses a six-field cron expression (seconds first) the way the scheduler does.
pub fn parse_cron(expr: &str) -> std::result::Result<croner::Cron, String> {
    croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Required)
        .dom_and_dow(true)
        .build()
        .parse(expr)
        .map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// SQLite database file. Default: the user's data directory.
    pub path: Option<PathBuf>,
    /// Days of scans, drift and superseded resource versions to keep (`vigil prune`; the
    /// daemon prunes daily). None: keep everything.
    #[serde(default, deserialize_with = "de::positive_opt")]
    pub retention_days: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collectors {
    #[serde(default)]
    pub aws: Aws,
    #[serde(default)]
    pub kubernetes: Kubernetes,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kubernetes {
    /// Clusters to scan; empty: the kubeconfig's current context (or the pod's service
    /// account in a cluster).
    #[serde(default)]
    pub clusters: Vec<Cluster>,
    /// Objects per list page (`limit`); the rest follows with `continue` tokens.
    #[serde(default = "default_page_size", deserialize_with = "de::positive")]
    pub page_size: u32,
    /// List requests in flight at once per cluster.
    #[serde(default = "default_k8s_concurrency", deserialize_with = "de::positive")]
    pub max_concurrency: usize,
    /// Timeout of one API request, in seconds.
    #[serde(default = "default_k8s_timeout", deserialize_with = "de::positive")]
    pub timeout_seconds: u64,
    /// Attempts per request when the API answers 429, 503 or 504.
    #[serde(default = "default_k8s_attempts", deserialize_with = "de::positive")]
    pub max_attempts: u32,
}

fn default_page_size() -> u32 {
    500
}
fn default_k8s_concurrency() -> usize {
    8
}
fn default_k8s_timeout() -> u64 {
    30
}
fn default_k8s_attempts() -> u32 {
    4
}

impl Default for Kubernetes {
    fn default() -> Self {
        Kubernetes {
            clusters: Vec::new(),
            page_size: default_page_size(),
            max_concurrency: default_k8s_concurrency(),
            timeout_seconds: default_k8s_timeout(),
            max_attempts: default_k8s_attempts(),
        }
    }
}

/// One cluster to scan.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Name in resource ids (`k8s://<name>/...`). Default: the context's name.
    pub name: Option<String>,
    /// Kubeconfig file. Default: $KUBECONFIG, else ~/.kube/config.
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context. Default: the current context.
    pub context: Option<String>,
    /// Use the pod's service account instead of a kubeconfig.
    #[serde(default)]
    pub in_cluster: bool,
    /// Only these namespaces (for credentials limited to them); empty: all.
    #[serde(default, deserialize_with = "de::namespaces")]
    pub namespaces: Vec<String>,
    /// Only these kinds (Pod, Deployment, ...); empty: all that vigil reads.
    #[serde(default, deserialize_with = "de::kinds")]
    pub kinds: Vec<String>,
}

impl Cluster {
    /// The name this cluster is scanned under on its own: `name`, else the context's
    /// cluster name (an EKS ARN's part after `cluster/`); None for the current context.
    pub fn target_name(&self) -> Option<String> {
        self.name
            .as_deref()
            .or(self.context.as_deref())
            .map(crate::model::k8s::cluster_name)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Use the rule pack built into vigil.
    #[serde(default = "yes")]
    pub bundled: bool,
    /// Extra rule directories; a rule with the id of a bundled one replaces it.
    #[serde(default)]
    pub dirs: Vec<PathBuf>,
    /// Rule parameters, visible to rules as `data.vigil.context.params`.
    #[serde(default)]
    pub params: toml::Table,
}

fn yes() -> bool {
    true
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            bundled: true,
            dirs: Vec::new(),
            params: toml::Table::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scan {
    /// Exit 1 when an open finding is at or above this severity.
    #[serde(default = "default_fail_on", deserialize_with = "de::severity")]
    pub fail_on: String,
}

fn default_fail_on() -> String {
    "high".into()
}

impl Default for Scan {
    fn default() -> Self {
        Scan {
            fail_on: default_fail_on(),
        }
    }
}

/// Default rule parameters; the config's `[rules.params]` overrides them key by key.
pub fn default_params() -> serde_json::Map<String, serde_json::Value> {
    let v = serde_json::json!({
        "required_tags": ["owner", "environment", "cost-center", "data-classification"],
        "idle_hours": 72,
        "unused_credential_days": 90,
        "allowed_environments": ["prod", "production", "staging", "stage", "dev", "test", "sandbox"],
        "data_classifications": ["public", "internal", "confidential", "restricted"],
        "allowed_ssl_ports": [],
        "allowed_registries": [],
        "cluster_admin_subjects": ["system:masters"],
        "secret_reader_roles": [],
        "required_labels": ["app.kubernetes.io/name", "app.kubernetes.io/part-of", "owner"],
        "required_namespace_labels": ["owner", "environment", "data-classification"],
        "system_namespaces": ["kube-system", "kube-public", "kube-node-lease"],
        "reapable_tags": {"environment": ["dev"]},
        "reapable_namespace_labels": {"environment": ["dev"]},
        "log_retention_days": 365,
        "secret_rotation_days": 90,
        "unused_secret_days": 90,
        "certificate_expiry_days": 30,
        "rds_backup_retention_days": 7,
        "eks_required_log_types": ["api", "audit", "authenticator"],
    });
    match v {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    }
}

impl Config {
    /// Reads and validates a config file. Every problem is reported at once.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&path.display().to_string(), &text)
    }

    /// Parses a config text; `file` names it in problems.
    pub fn parse(file: &str, text: &str) -> Result<Config> {
        validate::parse(file, text).map_err(Error::Invalid)
    }

    /// The rule parameters: defaults overridden by `[rules.params]`.
    pub fn params(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut p = default_params();
        for (k, v) in &self.rules.params {
            p.insert(
                k.clone(),
                serde_json::to_value(v).unwrap_or(serde_json::Value::Null),
            );
        }
        p
    }

    /// Rule sources in order: the bundled pack (unless disabled here or by `no_bundled`),
    /// `rules.dirs`, then `extra` (`--rules`).
    pub fn rule_sources(
        &self,
        extra: &[PathBuf],
        no_bundled: bool,
    ) -> Vec<crate::policy::RuleSource> {
        use crate::policy::RuleSource;
        let mut s = Vec::new();
        if self.rules.bundled && !no_bundled {
            s.push(RuleSource::Bundled);
        }
        s.extend(self.rules.dirs.iter().cloned().map(RuleSource::Dir));
        s.extend(extra.iter().cloned().map(RuleSource::Dir));
        s
    }

    /// A target's name as scans record it: `k8s` is `kubernetes`.
    pub fn canonical_target(name: &str) -> &str {
        if name == "k8s" {
            "kubernetes"
        } else {
            name
        }
    }

    /// The names a scan can target: `aws` (every AWS target together), `kubernetes` (every
    /// cluster together), then each `[[collectors.aws.targets]]` and each cluster by its
    /// name (`name`, else its context's cluster name).
    pub fn target_names(&self) -> Vec<String> {
        let mut names = vec!["aws".to_string(), "kubernetes".to_string()];
        names.extend(self.collectors.aws.targets.iter().map(|t| t.name.clone()));
        names.extend(
            self.collectors
                .kubernetes
                .clusters
                .iter()
                .filter_map(Cluster::target_name),
        );
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| !n.is_empty() && seen.insert(n.clone()));
        names
    }

    pub fn fail_on(&self) -> Severity {
        self.scan.fail_on.parse().unwrap_or(Severity::High)
    }
}

#[cfg(test)]
mod tests;
