//! Kubernetes collection: the kinds vigil's rules read, listed page by page from each
//! cluster's API with the real `kube::Client`, at the API version the server offers.
//!
//! Coverage scopes are `kubernetes/<cluster>/<namespace>/<type>`: `*` for a namespaced kind
//! listed across all namespaces, `_cluster` for cluster-scoped kinds, the namespace's name
//! when `namespaces` restricts collection. A kind the credentials may not list (403), a
//! group whose discovery fails or a page that cannot be read fails only its scope.
//! Secrets are never listed: their kind is not in [`KINDS`], and [`normalize`] refuses them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use futures::StreamExt as _;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{ApiGroup, ApiResource, Scope};
use serde_json::Value;

mod fallback;

use super::ScopeResult;
use crate::model::resource::is_known_type;
use crate::model::Resource;

/// A kind vigil collects: its API group (`""` for core) and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub group: &'static str,
    pub kind: &'static str,
}

const fn k(group: &'static str, kind: &'static str) -> Kind {
    Kind { group, kind }
}

/// Every kind collected, in the order they are listed. Secrets are deliberately absent.
pub const KINDS: &[Kind] = &[
    k("", "Namespace"),
    k("", "Pod"),
    k("", "Service"),
    k("", "ServiceAccount"),
    k("", "PersistentVolume"),
    k("", "PersistentVolumeClaim"),
    k("apps", "Deployment"),
    k("apps", "StatefulSet"),
    k("apps", "DaemonSet"),
    k("apps", "ReplicaSet"),
    k("batch", "Job"),
    k("batch", "CronJob"),
    k("networking.k8s.io", "Ingress"),
    k("networking.k8s.io", "NetworkPolicy"),
    k("rbac.authorization.k8s.io", "Role"),
    k("rbac.authorization.k8s.io", "ClusterRole"),
    k("rbac.authorization.k8s.io", "RoleBinding"),
    k("rbac.authorization.k8s.io", "ClusterRoleBinding"),
];

impl Kind {
    /// `K8s::apps::Deployment`, `K8s::core::Pod`.
    pub fn resource_type(&self) -> String {
        let group = if self.group.is_empty() {
            "core"
        } else {
            self.group
        };
        format!("K8s::{group}::{}", self.kind)
    }
}

/// How to reach one cluster and what to collect there.
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// The cluster's name in resource ids and scopes. Default: the kubeconfig context's name
    /// (for an EKS ARN, the part after `cluster/`), `in-cluster` for the service account.
    pub name: Option<String>,
    /// Kubeconfig file. Default: $KUBECONFIG, else ~/.kube/config.
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context. Default: the current context.
    pub context: Option<String>,
    /// Use the pod's service account (in a cluster).
    pub in_cluster: bool,
    /// Namespaces to collect namespaced kinds from; empty: all, in one list per kind.
    pub namespaces: Vec<String>,
    /// Kinds to collect (`Pod`, `Deployment`, ...); empty: all of [`KINDS`].
    pub kinds: Vec<String>,
    /// Objects per page (`limit`); the rest follows with `continue` tokens.
    pub page_size: u32,
    /// Requests in flight at once.
    pub max_concurrency: usize,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Attempts per request when the API is overloaded or unavailable (429, 503, 504).
    pub max_attempts: u32,
    /// Where API calls and throttled answers are counted.
    pub stats: std::sync::Arc<crate::collect::ApiStats>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("kubeconfig {path}: {message}")]
    Kubeconfig { path: String, message: String },
    #[error("Kubernetes client for {cluster}: {message}")]
    Client { cluster: String, message: String },
    #[error("unknown Kubernetes kind `{0}` (known: {1})")]
    UnknownKind(String, String),
    #[error(
        "`{0}` is not a Kubernetes namespace name (lower-case letters, digits and `-`, at most 63)"
    )]
    BadNamespace(String),
}

/// Makes a name safe for ids and scopes: an EKS context ARN becomes its cluster name, and
/// characters other than letters, digits, `.`, `_` and `-` become `-`.
pub fn cluster_name(raw: &str) -> String {
    let short = match raw.rsplit_once(":cluster/") {
        Some((_, name)) => name,
        None => raw,
    };
    let s: String = short
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() {
        "cluster".into()
    } else {
        s
    }
}

/// Builds the client configuration and the cluster's name.
async fn client_config(opts: &ClusterOptions) -> Result<(kube::Config, String), Error> {
    if opts.in_cluster {
        let cfg = kube::Config::incluster().map_err(|e| Error::Client {
            cluster: opts.name.clone().unwrap_or_else(|| "in-cluster".into()),
            message: format!(
                "in-cluster configuration (the pod's KUBERNETES_SERVICE_HOST/PORT and its mounted service account token; --in-cluster works only inside a pod): {}",
                chain(&e)
            ),
        })?;
        let name = opts.name.clone().unwrap_or_else(|| "in-cluster".into());
        return Ok((cfg, cluster_name(&name)));
    }
    let (kubeconfig, path) = match &opts.kubeconfig {
        Some(p) => (Kubeconfig::read_from(p), p.display().to_string()),
        None => (
            Kubeconfig::read(),
            std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".into()),
        ),
    };
    let kubeconfig = match kubeconfig {
        Ok(k) => k,
        Err(e) if opts.kubeconfig.is_none() => {
            // No kubeconfig at all: in a pod, the service account is the natural default —
            // unless a context was asked for, which names another cluster.
            if let (None, Ok(cfg)) = (&opts.context, kube::Config::incluster()) {
                let name = opts.name.clone().unwrap_or_else(|| "in-cluster".into());
                return Ok((cfg, cluster_name(&name)));
            }
            let missing = std::env::var_os("KUBECONFIG").is_none()
                && !std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(".kube/config"))
                    .is_some_and(|p| p.exists());
            return Err(Error::Kubeconfig {
                path,
                message: if missing {
                    "not found ($KUBECONFIG is not set and ~/.kube/config does not exist), and \
                     vigil is not running in a cluster; pass --kubeconfig FILE, or --in-cluster in a pod"
                        .into()
                } else {
                    format!("{} (and vigil is not running in a cluster)", chain(&e))
                },
            });
        }
        Err(e) => {
            return Err(Error::Kubeconfig {
                path,
                message: chain(&e),
            })
        }
    };
    let context = opts
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone());
    let Some(context) = context else {
        return Err(Error::Kubeconfig {
            path,
            message: "no current context; pass --context".into(),
        });
    };
    if !kubeconfig.contexts.iter().any(|c| c.name == context) {
        let known: Vec<&str> = kubeconfig
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        return Err(Error::Kubeconfig {
            path,
            message: format!(
                "no context `{context}` (contexts here: {})",
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ),
        });
    }
    let options = KubeConfigOptions {
        context: Some(context.clone()),
        ..Default::default()
    };
    let cfg = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| Error::Kubeconfig {
            path: path.clone(),
            message: format!("context `{context}`: {}", chain(&e)),
        })?;
    let name = opts.name.clone().unwrap_or(context);
    Ok((cfg, cluster_name(&name)))
}

/// An error and its causes on one line.
///
/// Errors that may quote credentials are never displayed as they are: an exec credential
/// plugin's failure carries its environment and output, and a YAML parse error quotes the
/// kubeconfig (or the plugin's output) around the fault, where tokens and keys live.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cur {
        if let Some(a) = c.downcast_ref::<kube::client::AuthError>() {
            return auth_error(a);
        }
        if let Some(kube::config::KubeconfigError::Parse(_)) =
            c.downcast_ref::<kube::config::KubeconfigError>()
        {
            return "the kubeconfig is not valid YAML (vigil does not quote it: it may hold credentials)".into();
        }
        cur = c.source();
    }
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

/// Authentication failures, said without what they may carry.
fn auth_error(e: &kube::client::AuthError) -> String {
    use kube::client::AuthError as A;
    match e {
        A::AuthExecStart(io) => format!(
            "authenticating: the kubeconfig's exec credential plugin could not be started: {io}"
        ),
        A::AuthExecRun { out, .. } => format!(
            "authenticating: the kubeconfig's exec credential plugin failed ({}); run it by hand to see why (vigil does not print its output or environment: they may hold credentials)",
            out.status
        ),
        A::AuthExecParse(_) => "authenticating: the exec credential plugin's output is not a valid ExecCredential (not quoted: it may hold credentials)".into(),
        A::InvalidBasicAuth(_) | A::InvalidBearerToken(_) => {
            "authenticating: the kubeconfig's credentials cannot be sent as an HTTP header".into()
        }
        other => format!("authenticating: {other}"),
    }
}

/// A kube error as one readable line: the API's own status for API errors.
fn describe(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(status) => {
            let reason = if status.reason.is_empty() {
                String::new()
            } else {
                format!(" {}", status.reason)
            };
            format!("HTTP {}{reason}: {}", status.code, status.message)
        }
        other => chain(other),
    }
}

/// A namespace name as Kubernetes allows it (an RFC 1123 label): `*`, `_cluster` or an empty
/// name would otherwise become a scope that covers the wrong objects.
pub fn valid_namespace(ns: &str) -> bool {
    !ns.is_empty()
        && ns.len() <= 63
        && ns
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !ns.starts_with('-')
        && !ns.ends_with('-')
}

fn selected_kinds(opts: &ClusterOptions) -> Result<Vec<Kind>, Error> {
    if let Some(bad) = opts.namespaces.iter().find(|n| !valid_namespace(n)) {
        return Err(Error::BadNamespace(bad.clone()));
    }
    if opts.kinds.is_empty() {
        return Ok(KINDS.to_vec());
    }
    let mut out = Vec::new();
    for want in &opts.kinds {
        match KINDS.iter().find(|k| k.kind.eq_ignore_ascii_case(want)) {
            Some(k) if !out.contains(k) => out.push(*k),
            Some(_) => {}
            None => {
                let known: Vec<&str> = KINDS.iter().map(|k| k.kind).collect();
                return Err(Error::UnknownKind(want.clone(), known.join(", ")));
            }
        }
    }
    Ok(out)
}

/// Checks a cluster's options (kinds, namespaces) without contacting anything.
pub fn check(opts: &ClusterOptions) -> Result<(), Error> {
    selected_kinds(opts).map(|_| ())
}

/// The cluster's name as [`collect`] will use it, without contacting the cluster.
pub async fn resolve_name(opts: &ClusterOptions) -> Result<String, Error> {
    client_config(opts).await.map(|(_, name)| name)
}

/// Collects one cluster. A configuration that cannot produce a client is an error of this
/// cluster only; callers record it as failed scopes (see [`failed_scopes`]).
/// What one cluster's collection produced.
#[derive(Debug)]
pub struct Collected {
    pub cluster: String,
    /// `kube-system-uid:<uid>`: the UID of the `kube-system` namespace, which a cluster keeps
    /// for its whole life and no other cluster has. None when Namespaces could not be listed.
    pub identity: Option<String>,
    pub scopes: Vec<ScopeResult>,
    /// What the scan should tell its user about this cluster's collection (the namespaces
    /// it fell back to when cluster-wide lists were forbidden).
    pub notes: Vec<String>,
}

pub async fn collect(
    opts: &ClusterOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Collected, Error> {
    let kinds = selected_kinds(opts)?;
    let (mut cfg, cluster) = client_config(opts).await?;
    cfg.read_timeout = Some(opts.timeout);
    cfg.connect_timeout = Some(opts.timeout);
    // kube's own retry policy backs off for up to 15 attempts and 1000 s on 429/503/504,
    // which would stall a scan on one unavailable aggregated API for many minutes; vigil
    // retries a bounded number of times itself (`max_attempts`).
    cfg.default_retry = false;
    // The context's namespace (`default` when it names none), as kubectl reads it.
    let default_namespace = cfg.default_namespace.clone();
    let client = kube::Client::try_from(cfg).map_err(|e| Error::Client {
        cluster: cluster.clone(),
        message: chain(&e),
    })?;

    // Discovery: one query per API group, so a broken group fails only its kinds.
    let mut groups: Vec<&'static str> = kinds.iter().map(|k| k.group).collect();
    groups.sort_unstable();
    groups.dedup();
    let discovered: BTreeMap<&str, Result<ApiGroup, String>> =
        // Futures are collected first: a `Map` with a closure in the stream's type makes the
        // whole collection non-`Send` (rust-lang/rust#102211), and the daemon spawns it.
        futures::stream::iter(groups.iter().copied().map(|g: &'static str| {
            let client = client.clone();
            async move {
                let r = retrying(&opts.stats, opts.max_attempts, || kube::discovery::group(&client, g))
                    .await
                    .map_err(|e| describe(&e));
                // A group's discovery is one request for the group and one per version.
                if let Ok(group) = &r {
                    for _ in group.versions() {
                        opts.stats.record("kubernetes", "apiserver", false);
                    }
                }
                (g, r)
            }
        }).collect::<Vec<_>>())
        .buffer_unordered(opts.max_concurrency.max(1))
        .collect()
        .await;

    let mut jobs: Vec<Job> = Vec::new();
    let mut results: Vec<ScopeResult> = Vec::new();
    for kind in &kinds {
        let ty = kind.resource_type();
        let group = discovered.get(kind.group).expect("every group was queried");
        let group_name = if kind.group.is_empty() {
            "core"
        } else {
            kind.group
        };
        let (ar, namespaced) = match group {
            Err(e) => {
                results.push(ScopeResult::failed(
                    scope(&cluster, "*", &ty),
                    format!("discovering API group {group_name}: {e}"),
                ));
                continue;
            }
            Ok(g) => match best_version(g, kind.kind) {
                Found::Listable(ar, namespaced) => (ar, namespaced),
                Found::NotServed => {
                    // A kind the server does not serve has no objects: its scope is complete
                    // and empty, so findings on objects of it resolve.
                    tracing::info!(target: "collect", %cluster, kind = kind.kind, group = group_name,
                        "not served by this cluster; nothing to collect");
                    results.push(ScopeResult::ok(scope(&cluster, "*", &ty), Vec::new()));
                    continue;
                }
                Found::NotListable(version) => {
                    results.push(ScopeResult::failed(
                        scope(&cluster, "*", &ty),
                        format!(
                            "{} is served at {group_name}/{version} without the list verb",
                            kind.kind
                        ),
                    ));
                    continue;
                }
            },
        };
        if namespaced && !opts.namespaces.is_empty() {
            for ns in &opts.namespaces {
                jobs.push(Job {
                    ar: ar.clone(),
                    namespace: Some(ns.clone()),
                    scope: scope(&cluster, ns, &ty),
                });
            }
        } else {
            jobs.push(Job {
                ar,
                namespace: None,
                scope: scope(&cluster, if namespaced { "*" } else { "_cluster" }, &ty),
            });
        }
    }

    let mut listed = list_jobs(&client, &cluster, jobs, opts, progress).await;
    let mut notes = Vec::new();
    if opts.namespaces.is_empty() {
        // Credentials that may not list a kind across all namespaces may still read it in
        // some: the context's namespace, and those a SelfSubjectRulesReview grants.
        if let Some(mut plan) =
            fallback::plan(&client, opts, &cluster, &default_namespace, &listed).await
        {
            let jobs = std::mem::take(&mut plan.jobs);
            let more = list_jobs(&client, &cluster, jobs, opts, progress).await;
            for l in &mut listed {
                if let (Some(why), Some(e)) = (plan.explain(&l.result.scope), &mut l.result.error) {
                    e.push_str("; ");
                    e.push_str(&why);
                }
            }
            notes.push(plan.note);
            listed.extend(more);
        }
    }
    let mut identity = None;
    for l in listed {
        identity = identity.or(l.identity);
        results.push(l.result);
    }
    results.sort_by(|a, b| a.scope.cmp(&b.scope));
    Ok(Collected {
        cluster,
        identity: identity.map(|uid| format!("kube-system-uid:{uid}")),
        scopes: results,
        notes,
    })
}

/// One listing's outcome.
struct Listed {
    result: ScopeResult,
    /// The kube-system namespace's UID, from the Namespace listing.
    identity: Option<String>,
    /// The HTTP status of a failed listing, when the API answered.
    code: Option<u16>,
    job: Job,
}

/// Lists jobs concurrently (at most `max_concurrency` at once) and normalizes their objects.
async fn list_jobs(
    client: &kube::Client,
    cluster: &str,
    jobs: Vec<Job>,
    opts: &ClusterOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Vec<Listed> {
    futures::stream::iter(
        jobs.into_iter()
            .map(|job| {
                let client = client.clone();
                async move {
                    let r = list_all(
                        &client,
                        &job,
                        opts.page_size,
                        opts.max_attempts,
                        &opts.stats,
                    )
                    .await;
                    match r {
                        Ok(objects) => {
                            let identity = (job.ar.kind == "Namespace" && job.ar.group.is_empty())
                                .then(|| {
                                    objects.iter().find_map(|o| {
                                        let m = o.get("metadata")?;
                                        (m.get("name")? == "kube-system")
                                            .then(|| m.get("uid")?.as_str().map(str::to_string))?
                                    })
                                })
                                .flatten();
                            let resources = objects
                                .into_iter()
                                .filter_map(|mut o| {
                                    // List items carry no apiVersion/kind on the wire.
                                    if let Some(m) = o.as_object_mut() {
                                        m.insert(
                                            "apiVersion".into(),
                                            job.ar.api_version.clone().into(),
                                        );
                                        m.insert("kind".into(), job.ar.kind.clone().into());
                                    }
                                    normalize(o, cluster)
                                })
                                .collect();
                            Listed {
                                result: ScopeResult::ok(job.scope.clone(), resources),
                                identity,
                                code: None,
                                job,
                            }
                        }
                        Err(e) => Listed {
                            result: ScopeResult::failed(job.scope.clone(), e.message),
                            identity: None,
                            code: e.code,
                            job,
                        },
                    }
                }
            })
            .collect::<Vec<_>>(),
    )
    .buffer_unordered(opts.max_concurrency.max(1))
    .inspect(|l| progress(&l.result.scope))
    .collect()
    .await
}

/// Failed scopes for every selected kind of a cluster whose client could not be built.
pub fn failed_scopes(opts: &ClusterOptions, cluster: &str, error: &str) -> Vec<ScopeResult> {
    let kinds = selected_kinds(opts).unwrap_or_else(|_| KINDS.to_vec());
    kinds
        .iter()
        .map(|k| ScopeResult::failed(scope(cluster, "*", &k.resource_type()), error.into()))
        .collect()
}

fn scope(cluster: &str, namespace: &str, ty: &str) -> String {
    format!("kubernetes/{cluster}/{namespace}/{ty}")
}

enum Found {
    Listable(ApiResource, bool),
    NotServed,
    NotListable(String),
}

/// The version to read a kind at: the group's preferred version when it serves the kind,
/// else the most stable and recent version that does (an older cluster serves CronJob only
/// at batch/v1beta1), with whether it is namespaced.
fn best_version(group: &ApiGroup, kind: &str) -> Found {
    let preferred = group.preferred_version_or_latest().to_string();
    let versions = std::iter::once(preferred.clone()).chain(group.versions().map(str::to_string));
    let mut unlistable = None;
    for v in versions {
        for (ar, caps) in group.versioned_resources(&v) {
            if ar.kind != kind {
                continue;
            }
            if caps.supports_operation(kube::discovery::verbs::LIST) {
                return Found::Listable(ar, caps.scope == Scope::Namespaced);
            }
            unlistable.get_or_insert(v.clone());
        }
    }
    match unlistable {
        Some(v) => Found::NotListable(v),
        None => Found::NotServed,
    }
}

/// Runs a request again when the API answers 429, 503 or 504 (overloaded, or an aggregated
/// API briefly unavailable): `attempts` in all, waiting 0.5 s, 1 s, 2 s, ... in between, or
/// the server's `retryAfterSeconds` when it gives one (at most 10 s).
async fn retrying<T, F, Fut>(
    stats: &crate::collect::ApiStats,
    attempts: u32,
    mut f: F,
) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, kube::Error>>,
{
    let mut attempt = 1;
    loop {
        let result = f().await;
        stats.record("kubernetes", "apiserver", false);
        if matches!(&result, Err(kube::Error::Api(s)) if s.code == 429) {
            stats.record("kubernetes", "apiserver", true);
        }
        match result {
            Err(kube::Error::Api(s))
                if matches!(s.code, 429 | 503 | 504) && attempt < attempts.max(1) =>
            {
                let backoff = Duration::from_millis(500 << (attempt - 1).min(6));
                let server = s
                    .details
                    .as_ref()
                    .map(|d| Duration::from_secs(u64::from(d.retry_after_seconds)))
                    .filter(|d| !d.is_zero());
                let wait = server.unwrap_or(backoff).min(Duration::from_secs(10));
                tracing::debug!(target: "collect", code = s.code, attempt, ?wait, "retrying");
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

struct Job {
    ar: ApiResource,
    namespace: Option<String>,
    scope: String,
}

/// A listing that failed: the API's HTTP status when it answered, and the message.
struct ListError {
    code: Option<u16>,
    message: String,
}

/// Lists every object of a job, page by page. A continue token that expires mid-way (410)
/// restarts the list, twice at most.
async fn list_all(
    client: &kube::Client,
    job: &Job,
    page_size: u32,
    max_attempts: u32,
    stats: &crate::collect::ApiStats,
) -> Result<Vec<Value>, ListError> {
    use kube::Resource as _;
    let path = kube::api::DynamicObject::url_path(&job.ar, job.namespace.as_deref());
    let request = kube::core::Request::new(path);
    let mut restarts = 0;
    'restart: loop {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0u32;
        loop {
            let mut lp = kube::api::ListParams::default().limit(page_size.max(1));
            if let Some(t) = &token {
                lp = lp.continue_token(t);
            }
            let page = retrying(stats, max_attempts, || {
                let req = request.list(&lp).map_err(kube::Error::BuildRequest);
                async move { client.request::<Value>(req?).await }
            })
            .await;
            let page: Value = match page {
                Ok(p) => p,
                Err(kube::Error::Api(s)) if s.code == 410 && token.is_some() && restarts < 2 => {
                    restarts += 1;
                    tracing::warn!(target: "collect", scope = %job.scope, "continue token expired; listing again");
                    continue 'restart;
                }
                Err(e) => {
                    let code = match &e {
                        kube::Error::Api(s) => Some(s.code),
                        _ => None,
                    };
                    let message = if pages == 0 {
                        describe(&e)
                    } else {
                        format!("page {} of the list: {}", pages + 1, describe(&e))
                    };
                    return Err(ListError { code, message });
                }
            };
            pages += 1;
            match page.get("items") {
                Some(Value::Array(a)) => items.extend(a.iter().cloned()),
                Some(Value::Null) | None => {}
                Some(_) => {
                    return Err(ListError {
                        code: None,
                        message: "the list's `items` is not an array".into(),
                    })
                }
            }
            token = page
                .pointer("/metadata/continue")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if token.is_none() {
                tracing::debug!(target: "collect", scope = %job.scope, objects = items.len(), pages, "listed");
                return Ok(items);
            }
        }
    }
}

/// Annotations that are never kept: a copy of the whole object as last applied (bulky, and
/// it would carry env values and arguments past redaction).
const DROPPED_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

/// A Kubernetes object as a resource; None for kinds vigil has no rules for, and always for
/// Secrets (their values are never read).
///
/// Normalization removes what changes on every read or duplicates the object
/// (`managedFields`, `resourceVersion`, `generation`, `uid`, `selfLink`, the last-applied
/// annotation), keeps only the status fields rules read (phases, a Deployment's conditions,
/// a PV's last phase transition). Credentials in env values, arguments, labels and
/// annotations are replaced by [`crate::redact`], which every collected snapshot goes
/// through before anything stores or prints it.
pub fn normalize(mut obj: Value, cluster: &str) -> Option<Resource> {
    let api = obj.get("apiVersion")?.as_str()?.to_string();
    let kind = obj.get("kind")?.as_str()?.to_string();
    if kind == "Secret" {
        return None;
    }
    let group = group_of(&api).to_string();
    let resource_type = format!("K8s::{group}::{kind}");
    if !is_known_type(&resource_type) {
        return None;
    }
    let root = obj.as_object_mut()?;
    let meta = root.get_mut("metadata")?.as_object_mut()?;
    for volatile in [
        "managedFields",
        "resourceVersion",
        "uid",
        "generation",
        "selfLink",
    ] {
        meta.remove(volatile);
    }
    if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
        for a in DROPPED_ANNOTATIONS {
            ann.remove(*a);
        }
        if ann.is_empty() {
            meta.remove("annotations");
        }
    }
    let name = meta.get("name")?.as_str()?.to_string();
    let namespace = meta
        .get("namespace")
        .and_then(Value::as_str)
        .map(str::to_string);
    let labels: BTreeMap<String, String> = meta
        .get("labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    keep_status(&kind, root);
    let scope = namespace.clone().unwrap_or_else(|| "_cluster".into());
    Some(Resource {
        id: format!("k8s://{cluster}/{scope}/{group}/{kind}/{name}"),
        resource_type,
        provider: "kubernetes".into(),
        account: Some(cluster.into()),
        region: namespace,
        name: Some(name),
        tags: labels,
        config: obj,
    })
}

/// `apps/v1` → `apps`, `v1` → `core`, `batch/v1beta1` → `batch`.
pub fn group_of(api_version: &str) -> &str {
    match api_version.split_once('/') {
        Some((group, _)) => group,
        None => "core",
    }
}

fn keep_status(kind: &str, root: &mut serde_json::Map<String, Value>) {
    let keep: &[&str] = match kind {
        "Pod" | "PersistentVolumeClaim" | "Namespace" => &["phase"],
        "PersistentVolume" => &["phase", "lastPhaseTransitionTime"],
        "Deployment" => &["conditions"],
        _ => &[],
    };
    let Some(Value::Object(status)) = root.remove("status") else {
        return;
    };
    let kept: serde_json::Map<String, Value> = status
        .into_iter()
        .filter(|(k, _)| keep.contains(&k.as_str()))
        .map(|(k, mut v)| {
            if k == "conditions" {
                // lastUpdateTime moves with rollouts; messages name ReplicaSets: both real,
                // but `lastHeartbeatTime`-style fields would not be.
                if let Value::Array(cs) = &mut v {
                    for c in cs {
                        if let Value::Object(c) = c {
                            c.remove("lastHeartbeatTime");
                            c.remove("lastProbeTime");
                        }
                    }
                }
            }
            (k, v)
        })
        .collect();
    if !kept.is_empty() {
        root.insert("status".into(), Value::Object(kept));
    }
}

/// Where a kind keeps its pod spec, as a JSON pointer: a Pod's own spec, a workload's
/// template, a CronJob's job template.
pub fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Pod" => Some("/spec"),
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
            Some("/spec/template/spec")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn groups_and_types() {
        assert_eq!(group_of("apps/v1"), "apps");
        assert_eq!(group_of("v1"), "core");
        assert_eq!(group_of("networking.k8s.io/v1"), "networking.k8s.io");
        let r = normalize(json!({"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "ns", "resourceVersion": "9"}}), "c1").unwrap();
        assert_eq!(r.resource_type, "K8s::batch::CronJob");
        assert_eq!(r.id, "k8s://c1/ns/batch/CronJob/c");
        assert!(r.config["metadata"].get("resourceVersion").is_none());
        assert!(normalize(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "c2VjcmV0"}}), "c1").is_none());
        assert!(normalize(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}}),
            "c1"
        )
        .is_none());
    }

    #[test]
    fn volatile_fields_go_and_env_values_are_redacted() {
        let pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "a", "uid": "u", "resourceVersion": "1",
                "managedFields": [{}], "creationTimestamp": "2026-01-01T00:00:00Z",
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}"}},
            "spec": {"containers": [{"name": "c", "env": [
                {"name": "DB_PASSWORD", "value": "hunter2"},
                {"name": "EMPTY", "value": ""},
                {"name": "FROM", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}]},
            "status": {"phase": "Running", "podIP": "10.0.0.1",
                "containerStatuses": [{"restartCount": 3}]}
        });
        let mut r = normalize(pod, "c1").unwrap();
        crate::redact::Redactor::new([7; 32]).resource(&mut r);
        let m = &r.config["metadata"];
        assert!(m.get("uid").is_none() && m.get("managedFields").is_none());
        assert!(m.get("annotations").is_none());
        assert_eq!(m["creationTimestamp"], "2026-01-01T00:00:00Z");
        let env = &r.config["spec"]["containers"][0]["env"];
        assert!(env[0]["value"]
            .as_str()
            .unwrap()
            .starts_with(crate::redact::REDACTED));
        assert_eq!(env[1]["value"], "");
        assert_eq!(env[2]["valueFrom"]["secretKeyRef"]["name"], "s");
        assert!(!r.config.to_string().contains("hunter2"));
        assert_eq!(r.config["status"], json!({"phase": "Running"}));
        let rs = normalize(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r", "namespace": "a"}, "status": {"replicas": 2}}), "c1").unwrap();
        assert!(rs.config.get("status").is_none());
    }

    #[test]
    fn cluster_names_are_safe() {
        assert_eq!(
            cluster_name("arn:aws:eks:us-east-1:123456789012:cluster/prod-1"),
            "prod-1"
        );
        assert_eq!(cluster_name("kind-dev"), "kind-dev");
        assert_eq!(cluster_name("gke_proj_zone/x y"), "gke_proj_zone-x-y");
    }
}
