//! Kubernetes collection: the kinds vigil's rules read, listed page by page from each
//! cluster's API with the real `kube::Client`, at the API version the server offers.
//!
//! Coverage scopes are `kubernetes/<cluster>/<namespace>/<type>`: `*` for a namespaced kind
//! listed across all namespaces, `_cluster` for cluster-scoped kinds, the namespace's name
//! when `namespaces` restricts collection. A kind the credentials may not list (403), a
//! group whose discovery fails or a page that cannot be read fails only its scope.
//! Secrets are never listed: their kind is not in [`KINDS`], and [`normalize`] refuses them.

use std::path::PathBuf;
use std::time::Duration;

mod client;
mod discovery;
mod fallback;
mod list;
mod normalize;

use crate::model::k8s::{Kind, KINDS};
pub use normalize::normalize;

use super::ScopeResult;
use client::{chain, client_config, describe};
use list::{list_jobs, retrying, Job, Listed};

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

fn selected_kinds(opts: &ClusterOptions) -> Result<Vec<Kind>, Error> {
    if let Some(bad) = opts
        .namespaces
        .iter()
        .find(|n| !crate::model::k8s::valid_namespace(n))
    {
        return Err(Error::BadNamespace(bad.clone()));
    }
    if opts.kinds.is_empty() {
        return Ok(KINDS.to_vec());
    }
    let mut out = Vec::new();
    for want in &opts.kinds {
        match crate::model::k8s::kind(want) {
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

/// Collects one cluster: discovery, then one list per kind (per namespace when `namespaces`
/// restricts collection), then, when cluster-wide lists were forbidden, the namespaces the
/// credentials may read. A configuration that cannot produce a client is an error of this
/// cluster only; callers record it as failed scopes (see [`failed_scopes`]).
pub async fn collect(
    opts: &ClusterOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Collected, Error> {
    let kinds = selected_kinds(opts)?;
    let (client, cluster, default_namespace) = connect(opts).await?;
    let discovered = discovery::discover(&client, &kinds, opts).await;
    let (jobs, mut results) = discovery::plan(&kinds, &discovered, opts, &cluster);
    let mut listed = list_jobs(&client, &cluster, jobs, opts, progress).await;
    let mut notes = Vec::new();
    if opts.namespaces.is_empty() {
        if let Some(note) = fall_back(
            &client,
            opts,
            &cluster,
            &default_namespace,
            &mut listed,
            progress,
        )
        .await
        {
            notes.push(note);
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

/// The client, the cluster's name and the context's namespace (`default` when it names
/// none, as kubectl reads it).
/// A client for the cluster, its name, and the context's default namespace.
pub async fn connect(opts: &ClusterOptions) -> Result<(kube::Client, String, String), Error> {
    let (mut cfg, cluster) = client_config(opts).await?;
    cfg.read_timeout = Some(opts.timeout);
    cfg.connect_timeout = Some(opts.timeout);
    // kube's own retry policy backs off for up to 15 attempts and 1000 s on 429/503/504,
    // which would stall a scan on one unavailable aggregated API for many minutes; vigil
    // retries a bounded number of times itself (`max_attempts`).
    cfg.default_retry = false;
    let default_namespace = cfg.default_namespace.clone();
    let client = kube::Client::try_from(cfg).map_err(|e| Error::Client {
        cluster: cluster.clone(),
        message: chain(&e),
    })?;
    Ok((client, cluster, default_namespace))
}

/// Credentials that may not list a kind across all namespaces may still read it in some:
/// the context's namespace, and those a SelfSubjectRulesReview grants. Lists those, says
/// why on each forbidden scope, and returns the note for the user.
async fn fall_back(
    client: &kube::Client,
    opts: &ClusterOptions,
    cluster: &str,
    default_namespace: &str,
    listed: &mut Vec<Listed>,
    progress: &(dyn Fn(&str) + Sync),
) -> Option<String> {
    let mut plan = fallback::plan(client, opts, cluster, default_namespace, listed).await?;
    let jobs = std::mem::take(&mut plan.jobs);
    let more = list_jobs(client, cluster, jobs, opts, progress).await;
    for l in listed.iter_mut() {
        if let (Some(why), Some(e)) = (plan.explain(&l.result.scope), &mut l.result.error) {
            e.push_str("; ");
            e.push_str(&why);
        }
    }
    listed.extend(more);
    Some(plan.note)
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
