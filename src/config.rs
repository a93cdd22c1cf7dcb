//! The TOML config file: parsed, then validated in one pass that reports every problem with
//! its line, then turned into [`Config`].

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Severity;

/// The commented template written by `vigil config init`.
pub const TEMPLATE: &str = include_str!("../deploy/config.example.toml");

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
}

/// `vigil run`: where it listens and how it behaves.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Daemon {
    /// Address of the HTTP server (health, readiness, metrics, API).
    #[serde(default = "default_listen")]
    pub listen: String,
    /// API tokens: a TOML file of `[[tokens]]` with name, role and the token's SHA-256.
    pub tokens_file: Option<PathBuf>,
    /// Seconds a running scan may take to finish after SIGTERM before it is abandoned.
    #[serde(default = "default_grace")]
    pub shutdown_grace_seconds: u64,
    /// `/readyz` fails when a scheduled target's scans have been failing this long.
    #[serde(default = "default_max_failing")]
    pub ready_max_failing_seconds: u64,
    /// A scan still collecting or evaluating after this long is stopped; nothing of it is
    /// recorded, and it counts as failing for readiness.
    #[serde(default = "default_scan_timeout")]
    pub scan_timeout_seconds: u64,
    /// How often the rules directories and the config file are checked for changes.
    #[serde(default = "default_poll")]
    pub reload_poll_seconds: u64,
    /// When to prune history older than `storage.retention_days` (cron, with seconds).
    #[serde(default = "default_prune_schedule")]
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
    pub target: String,
    /// Six fields, seconds first: `0 0 * * * *` is every hour on the hour.
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
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// List requests in flight at once per cluster.
    #[serde(default = "default_k8s_concurrency")]
    pub max_concurrency: usize,
    /// Timeout of one API request, in seconds.
    #[serde(default = "default_k8s_timeout")]
    pub timeout_seconds: u64,
    /// Attempts per request when the API answers 429, 503 or 504.
    #[serde(default = "default_k8s_attempts")]
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
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// Only these kinds (Pod, Deployment, ...); empty: all that vigil reads.
    #[serde(default)]
    pub kinds: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aws {
    /// Regions to scan. Empty: the region of the environment / profile.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Named profile from the shared AWS config files.
    pub profile: Option<String>,
    /// Endpoint override (emulators such as moto).
    pub endpoint_url: Option<String>,
    /// Services to collect; empty means all.
    #[serde(default)]
    pub services: Vec<String>,
    /// Bound on API calls in flight at once, across services and regions.
    #[serde(default = "default_concurrency")]
    pub max_concurrency: usize,
    /// Attempts per call (1 = no retry); throttling backs off exponentially.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
}

fn default_concurrency() -> usize {
    16
}
fn default_attempts() -> u32 {
    5
}

impl Default for Aws {
    fn default() -> Self {
        Aws {
            regions: Vec::new(),
            profile: None,
            endpoint_url: None,
            services: Vec::new(),
            max_concurrency: default_concurrency(),
            max_attempts: default_attempts(),
        }
    }
}

pub const AWS_SERVICES: &[&str] = &["ec2", "iam", "s3", "kms", "rds", "cloudtrail"];

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
    #[serde(default = "default_fail_on")]
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

    pub fn parse(file: &str, text: &str) -> Result<Config> {
        let problems = validate(file, text);
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        toml::from_str(text).map_err(|e| {
            Error::Invalid(vec![Problem {
                file: file.into(),
                line: e.span().map(|s| line_of_offset(text, s.start)).unwrap_or(1),
                message: e.message().to_string(),
            }])
        })
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

    pub fn fail_on(&self) -> Severity {
        self.scan.fail_on.parse().unwrap_or(Severity::High)
    }
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Expected shape of each key, for validation that reports every problem.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Bool,
    PosInt,
    StrList,
    Table,
    TableList,
    /// A table whose values are lists of strings (`{environment = ["dev"]}`).
    StrListTable,
    Severity,
}

/// Keys of one `[[collectors.kubernetes.clusters]]` entry.
const CLUSTER_KEYS: &[(&str, Kind)] = &[
    ("name", Kind::Str),
    ("kubeconfig", Kind::Str),
    ("context", Kind::Str),
    ("in_cluster", Kind::Bool),
    ("namespaces", Kind::StrList),
    ("kinds", Kind::StrList),
];

const SCHEMA: &[(&str, &[(&str, Kind)])] = &[
    (
        "",
        &[
            ("storage", Kind::Table),
            ("collectors", Kind::Table),
            ("rules", Kind::Table),
            ("scan", Kind::Table),
            ("daemon", Kind::Table),
            ("schedules", Kind::TableList),
        ],
    ),
    (
        "daemon",
        &[
            ("listen", Kind::Str),
            ("tokens_file", Kind::Str),
            ("shutdown_grace_seconds", Kind::PosInt),
            ("ready_max_failing_seconds", Kind::PosInt),
            ("scan_timeout_seconds", Kind::PosInt),
            ("reload_poll_seconds", Kind::PosInt),
            ("prune_schedule", Kind::Str),
        ],
    ),
    (
        "storage",
        &[("path", Kind::Str), ("retention_days", Kind::PosInt)],
    ),
    (
        "collectors",
        &[("aws", Kind::Table), ("kubernetes", Kind::Table)],
    ),
    (
        "collectors.kubernetes",
        &[
            ("clusters", Kind::TableList),
            ("page_size", Kind::PosInt),
            ("max_concurrency", Kind::PosInt),
            ("timeout_seconds", Kind::PosInt),
            ("max_attempts", Kind::PosInt),
        ],
    ),
    (
        "collectors.aws",
        &[
            ("regions", Kind::StrList),
            ("profile", Kind::Str),
            ("endpoint_url", Kind::Str),
            ("services", Kind::StrList),
            ("max_concurrency", Kind::PosInt),
            ("max_attempts", Kind::PosInt),
        ],
    ),
    (
        "rules",
        &[
            ("bundled", Kind::Bool),
            ("dirs", Kind::StrList),
            ("params", Kind::Table),
        ],
    ),
    ("scan", &[("fail_on", Kind::Severity)]),
];

/// Known parameters and their shapes; other parameters pass through to custom rules.
const PARAMS: &[(&str, Kind)] = &[
    ("required_tags", Kind::StrList),
    ("idle_hours", Kind::PosInt),
    ("unused_credential_days", Kind::PosInt),
    ("allowed_environments", Kind::StrList),
    ("data_classifications", Kind::StrList),
    ("allowed_registries", Kind::StrList),
    ("cluster_admin_subjects", Kind::StrList),
    ("secret_reader_roles", Kind::StrList),
    ("required_labels", Kind::StrList),
    ("required_namespace_labels", Kind::StrList),
    ("system_namespaces", Kind::StrList),
    ("reapable_tags", Kind::StrListTable),
    ("reapable_namespace_labels", Kind::StrListTable),
];

/// Checks a config text and returns every problem found, each with its line.
pub fn validate(file: &str, text: &str) -> Vec<Problem> {
    let doc: toml::Table = match toml::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            return vec![Problem {
                file: file.into(),
                line: e.span().map(|s| line_of_offset(text, s.start)).unwrap_or(1),
                message: e.message().trim().to_string(),
            }]
        }
    };
    let mut problems = Vec::new();
    let mut push = |section: &str, key: &str, message: String| {
        problems.push(Problem {
            file: file.into(),
            line: locate(text, section, key),
            message,
        })
    };
    for (section, keys) in SCHEMA {
        let table = if section.is_empty() {
            Some(&doc)
        } else {
            section
                .split('.')
                .try_fold(&doc, |t, part| t.get(part).and_then(|v| v.as_table()))
        };
        let Some(table) = table else { continue };
        for (key, value) in table {
            let full = if section.is_empty() {
                key.clone()
            } else {
                format!("{section}.{key}")
            };
            match keys.iter().find(|(k, _)| k == key) {
                None => {
                    let known: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
                    push(
                        section,
                        key,
                        format!("unknown key `{full}` (known here: {})", known.join(", ")),
                    )
                }
                Some((_, kind)) => {
                    if let Some(msg) = check(*kind, value) {
                        push(section, key, format!("`{full}` {msg}"))
                    }
                }
            }
        }
    }
    if let Some(params) = doc
        .get("rules")
        .and_then(|r| r.get("params"))
        .and_then(|p| p.as_table())
    {
        for (key, kind) in PARAMS {
            if let Some(v) = params.get(*key) {
                if let Some(msg) = check(*kind, v) {
                    push("rules.params", key, format!("`rules.params.{key}` {msg}"))
                }
            }
        }
    }
    if let Some(services) = doc
        .get("collectors")
        .and_then(|c| c.get("aws"))
        .and_then(|a| a.get("services"))
        .and_then(|s| s.as_array())
    {
        for s in services.iter().filter_map(|s| s.as_str()) {
            if !AWS_SERVICES.contains(&s) {
                push(
                    "collectors.aws",
                    "services",
                    format!(
                        "unknown AWS service `{s}` (known: {})",
                        AWS_SERVICES.join(", ")
                    ),
                );
            }
        }
    }
    if let Some(regions) = doc
        .get("collectors")
        .and_then(|c| c.get("aws"))
        .and_then(|a| a.get("regions"))
        .and_then(|s| s.as_array())
    {
        for r in regions.iter().filter_map(|s| s.as_str()) {
            if !looks_like_region(r) {
                push(
                    "collectors.aws",
                    "regions",
                    format!("`{r}` is not an AWS region name (like us-east-1)"),
                );
            }
        }
    }
    let daemon = doc.get("daemon").and_then(|d| d.as_table());
    if let Some(listen) = daemon
        .and_then(|d| d.get("listen"))
        .and_then(|v| v.as_str())
    {
        if listen.parse::<std::net::SocketAddr>().is_err() {
            push(
                "daemon",
                "listen",
                format!(
                    "`daemon.listen` `{listen}` is not an address and port (like 0.0.0.0:8080)"
                ),
            );
        }
    }
    if let Some(cron) = daemon
        .and_then(|d| d.get("prune_schedule"))
        .and_then(|v| v.as_str())
    {
        if let Err(e) = parse_cron(cron) {
            push(
                "daemon",
                "prune_schedule",
                format!("`daemon.prune_schedule` `{cron}`: {e} (six fields, seconds first: `0 15 3 * * *`)"),
            );
        }
    }
    for (i, entry) in doc
        .get("schedules")
        .and_then(|c| c.as_array())
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(entry) = entry.as_table() else {
            continue;
        };
        let at = |key: &str| locate_in_array(text, "schedules", i, key);
        let mut push = |line: usize, message: String| {
            problems.push(Problem {
                file: file.into(),
                line,
                message,
            })
        };
        let what = format!("schedule {}", i + 1);
        for (key, value) in entry {
            match key.as_str() {
                "target" => match value.as_str() {
                    Some("aws" | "kubernetes") => {}
                    Some(t) => push(
                        at(key),
                        format!("{what}: unknown target `{t}` (known: aws, kubernetes)"),
                    ),
                    None => push(at(key), format!("{what}: `target` must be a string")),
                },
                "cron" => match value.as_str() {
                    Some(c) => {
                        if let Err(e) = parse_cron(c) {
                            push(
                                at(key),
                                format!("{what}: cron `{c}`: {e} (six fields, seconds first: `0 0 * * * *` is hourly)"),
                            )
                        }
                    }
                    None => push(at(key), format!("{what}: `cron` must be a string")),
                },
                _ => push(
                    at(key),
                    format!("{what}: unknown key `{key}` (known here: target, cron)"),
                ),
            }
        }
        for key in ["target", "cron"] {
            if !entry.contains_key(key) {
                push(at(key), format!("{what}: `{key}` is missing"));
            }
        }
    }
    let clusters = doc
        .get("collectors")
        .and_then(|c| c.get("kubernetes"))
        .and_then(|k| k.get("clusters"))
        .and_then(|c| c.as_array());
    let mut names: Vec<String> = Vec::new();
    for (i, entry) in clusters.into_iter().flatten().enumerate() {
        let Some(entry) = entry.as_table() else {
            continue;
        };
        let at = |key: &str| locate_in_array(text, "collectors.kubernetes.clusters", i, key);
        let mut push = |line: usize, message: String| {
            problems.push(Problem {
                file: file.into(),
                line,
                message,
            })
        };
        let what = format!("cluster {}", i + 1);
        for (key, value) in entry {
            match CLUSTER_KEYS.iter().find(|(k, _)| k == key) {
                None => {
                    let known: Vec<&str> = CLUSTER_KEYS.iter().map(|(k, _)| *k).collect();
                    push(
                        at(key),
                        format!(
                            "{what}: unknown key `{key}` (known here: {})",
                            known.join(", ")
                        ),
                    )
                }
                Some((_, kind)) => {
                    if let Some(msg) = check(*kind, value) {
                        push(at(key), format!("{what}: `{key}` {msg}"))
                    }
                }
            }
        }
        for k in entry
            .get("kinds")
            .and_then(|k| k.as_array())
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_str())
        {
            if !crate::model::k8s::KINDS
                .iter()
                .any(|known| known.kind.eq_ignore_ascii_case(k))
            {
                let known: Vec<&str> = crate::model::k8s::KINDS.iter().map(|k| k.kind).collect();
                push(
                    at("kinds"),
                    format!("{what}: unknown kind `{k}` (known: {})", known.join(", ")),
                );
            }
        }
        for ns in entry
            .get("namespaces")
            .and_then(|k| k.as_array())
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_str())
        {
            if !crate::model::k8s::valid_namespace(ns) {
                push(
                    at("namespaces"),
                    format!("{what}: `{ns}` is not a Kubernetes namespace name (lower-case letters, digits and `-`, at most 63)"),
                );
            }
        }
        let in_cluster = entry.get("in_cluster").and_then(|v| v.as_bool()) == Some(true);
        if in_cluster && (entry.contains_key("kubeconfig") || entry.contains_key("context")) {
            push(
                at("in_cluster"),
                format!("{what}: `in_cluster = true` takes no `kubeconfig` or `context`"),
            );
        }
        let name = entry
            .get("name")
            .or(entry.get("context"))
            .and_then(|v| v.as_str())
            .map(crate::model::k8s::cluster_name)
            .unwrap_or_else(|| {
                if in_cluster {
                    "in-cluster".into()
                } else {
                    "(current context)".into()
                }
            });
        if names.contains(&name) {
            push(
                at("name"),
                format!("{what}: another cluster is already named `{name}`; set distinct `name`s"),
            );
        }
        names.push(name);
    }
    problems.sort_by_key(|p| p.line);
    problems
}

/// The line of `key` in the `index`-th `[[header]]` entry (its header line when the key is
/// not found).
fn locate_in_array(text: &str, header: &str, index: usize, key: &str) -> usize {
    let want = format!("[[{header}]]");
    let mut seen = 0usize;
    let mut inside = false;
    let mut header_line = 1;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            let header = t.split('#').next().unwrap_or("").replace(' ', "");
            if header == want {
                inside = seen == index;
                if inside {
                    header_line = i + 1;
                }
                seen += 1;
            } else {
                inside = false;
            }
            continue;
        }
        let k = t.split('=').next().unwrap_or("").trim().trim_matches('"');
        if inside && k == key && t.contains('=') {
            return i + 1;
        }
    }
    header_line
}

pub fn looks_like_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

fn check(kind: Kind, v: &toml::Value) -> Option<String> {
    match kind {
        Kind::Str => (!v.is_str()).then(|| "must be a string".into()),
        Kind::Bool => (!v.is_bool()).then(|| "must be true or false".into()),
        Kind::Table => (!v.is_table()).then(|| "must be a table".into()),
        Kind::StrListTable => match v.as_table() {
            Some(t)
                if t.values()
                    .all(|x| x.as_array().is_some_and(|a| a.iter().all(|s| s.is_str()))) =>
            {
                None
            }
            _ => Some("must be a table of string lists, like { environment = [\"dev\"] }".into()),
        },
        Kind::TableList => match v.as_array() {
            Some(a) if a.iter().all(|x| x.is_table()) => None,
            _ => Some("must be a list of tables ([[...]])".into()),
        },
        Kind::PosInt => match v.as_integer() {
            Some(n) if n > 0 => None,
            _ => Some("must be a positive integer".into()),
        },
        Kind::StrList => match v.as_array() {
            Some(a) if a.iter().all(|x| x.is_str()) => None,
            _ => Some("must be a list of strings".into()),
        },
        Kind::Severity => match v.as_str().map(str::parse::<Severity>) {
            Some(Ok(_)) => None,
            Some(Err(e)) => Some(e),
            None => Some("must be a string".into()),
        },
    }
}

/// The line of `key` inside `[section]` (best effort: 1 when not found).
fn locate(text: &str, section: &str, key: &str) -> usize {
    let mut current = String::new();
    let mut section_line = 1;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('[') {
            current = h
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
                .to_string();
            if current == section {
                section_line = i + 1;
            }
            continue;
        }
        let k = t.split('=').next().unwrap_or("").trim().trim_matches('"');
        if current == section && k == key && t.contains('=') {
            return i + 1;
        }
        // Dotted keys and sub-tables: `[collectors]` + `aws.regions = ...`.
        if !t.starts_with('#') && t.contains('=') {
            let full = if current.is_empty() {
                k.to_string()
            } else {
                format!("{current}.{k}")
            };
            let want = if section.is_empty() {
                key.to_string()
            } else {
                format!("{section}.{key}")
            };
            if full == want {
                return i + 1;
            }
        }
    }
    // An unknown table `[foo]` is located at its header.
    let header = if section.is_empty() {
        key.to_string()
    } else {
        format!("{section}.{key}")
    };
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t == format!("[{header}]") || t == format!("[[{header}]]") {
            return i + 1;
        }
    }
    section_line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_is_valid() {
        let c = Config::parse("template", TEMPLATE).unwrap();
        assert!(c.rules.bundled);
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let text = "[storage]\npath = 3\n\n[collectors.aws]\nregions = [\"us-east-1\", \"mars\"]\nmax_concurrency = 0\ncolour = \"red\"\n\n[rules.params]\nidle_hours = \"soon\"\n\n[scan]\nfail_on = \"urgent\"\n";
        let problems = validate("vigil.toml", text);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 5, 6, 7, 10, 13], "{problems:#?}");
        assert!(problems[3].message.contains("colour"));
        assert!(problems[5].message.contains("urgent"));
    }

    #[test]
    fn syntax_error_has_a_line() {
        let problems = validate("v.toml", "[scan]\nfail_on = \n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2, "{problems:?}");
    }

    #[test]
    fn params_override_defaults() {
        let c = Config::parse(
            "c",
            "[rules.params]\nrequired_tags = [\"team\"]\ncustom = 5\n",
        )
        .unwrap();
        let p = c.params();
        assert_eq!(p["required_tags"], serde_json::json!(["team"]));
        assert_eq!(p["idle_hours"], serde_json::json!(72));
        assert_eq!(p["custom"], serde_json::json!(5));
    }

    #[test]
    fn cluster_entries_are_checked_one_by_one() {
        let text = "[collectors.kubernetes]\npage_size = 100\n\n[[collectors.kubernetes.clusters]]\nname = \"prod\"\ncontext = \"prod-admin\"\n\n[[collectors.kubernetes.clusters]] # the second\nname = \"prod\"\nkinds = [\"Pod\", \"Secret\"]\nzone = 3\nnamespaces = [\"*\"]\n";
        let problems = validate("vigil.toml", text);
        let got: Vec<(usize, bool)> = problems
            .iter()
            .map(|p| (p.line, p.message.starts_with("cluster 2")))
            .collect();
        assert_eq!(
            got,
            vec![(9, true), (10, true), (11, true), (12, true)],
            "{problems:#?}"
        );
        assert!(problems[0].message.contains("already named `prod`"));
        assert!(problems[1].message.contains("unknown kind `Secret`"));
        assert!(problems[2].message.contains("zone"));
        assert!(problems[3]
            .message
            .contains("`*` is not a Kubernetes namespace"));
        let ok = Config::parse(
            "c",
            "[[collectors.kubernetes.clusters]]\ncontext = \"kind-dev\"\nnamespaces = [\"shop\"]\n",
        )
        .unwrap();
        assert_eq!(
            ok.collectors.kubernetes.clusters[0].namespaces,
            vec!["shop"]
        );
        assert_eq!(ok.collectors.kubernetes.page_size, 500);
    }
}
