//! The one shape every source has: configured ([`SourceConfig`]), built ([`Source`]: its
//! options checked, nothing contacted), then collected ([`Source::collect`] → [`Collected`]).
//!
//! A source kind is one variant here and one folder (or file) beside this one: `aws/` (live
//! AWS APIs, one or several accounts), `k8s/` (one or several clusters), `manifests.rs`
//! (Kubernetes YAML/JSON files), and a saved snapshot (`vigil scan --snapshot`). Whatever
//! the kind, the result is the same: coverage per scope, `Resource` documents in the shapes
//! of `docs/resources.md`, identities, notes and problems for the user, and the file:line
//! each resource came from when the input is a file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};
use futures::StreamExt as _;
use tokio::sync::mpsc;

use super::manifests::{self, Origin};
use super::{aws, k8s, ScopeResult};
use crate::model::Snapshot;

/// What a source reads: the options of its kind, as the config file and the command line
/// resolved them.
#[derive(Debug, Clone)]
pub enum SourceConfig {
    /// Live AWS APIs: one or several accounts (each its own credentials and regions).
    Aws(Vec<aws::AwsOptions>),
    /// Kubernetes API servers: one or several clusters.
    Kubernetes(Vec<k8s::ClusterOptions>),
    /// Kubernetes manifests in files or directories (`-` is standard input).
    Manifests(Vec<PathBuf>),
    /// A snapshot saved by `vigil scan --save-snapshot`.
    Snapshot(PathBuf),
}

/// Why a source could not be built or collected at all. A region, kind or file that fails
/// later is a failed scope or a problem in [`Collected`], never this.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Aws(#[from] aws::Error),
    #[error(transparent)]
    Kubernetes(#[from] k8s::Error),
    #[error("two clusters are named `{0}`; give them distinct names (`name` in [[collectors.kubernetes.clusters]], or --cluster-name)")]
    DuplicateCluster(String),
    #[error("reading snapshot {path}: {message}")]
    Snapshot { path: String, message: String },
    #[error("{path}:{line}:{column}: invalid snapshot: {message}")]
    BadSnapshot {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

impl Error {
    /// The error's kind, as a metric label.
    pub fn metric_label(&self) -> &'static str {
        match self {
            Error::Aws(_) => "aws",
            Error::Kubernetes(_) => "kubernetes",
            Error::DuplicateCluster(_) => "duplicate_cluster",
            Error::Snapshot { .. } | Error::BadSnapshot { .. } => "snapshot",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the collection of one target needs besides its options.
pub struct Cx<'a> {
    /// The scan's clock: the snapshot's `collected_at`.
    pub started: DateTime<Utc>,
    /// Called with each scope as it is collected (a spinner, a debug log line).
    pub progress: &'a (dyn Fn(&str) + Sync),
}

/// Counts of a file source's input, for its summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileCounts {
    pub files: usize,
    pub documents: usize,
    /// Objects of kinds no rule looks at (ConfigMap, Secret, CRDs, ...), skipped unread.
    pub skipped_objects: usize,
}

/// What any source produced.
#[derive(Debug, Default)]
pub struct Collected {
    /// Coverage per scope, the resources, and the identities of accounts and clusters.
    pub snapshot: Snapshot,
    /// What the user should know about how the source was read (namespaces fallen back to).
    pub notes: Vec<String>,
    /// What could not be read at all (an unreachable cluster, a file that does not parse).
    /// A live target's problems are failed scopes too; a file source has no scopes, so its
    /// problems fail the scan's exit code.
    pub problems: Vec<String>,
    /// Resource id → the file and line it came from (file sources).
    pub origins: BTreeMap<String, Origin>,
    /// The counts of a file source's input; None for live sources.
    pub files: Option<FileCounts>,
}

impl Collected {
    /// Adds another part of the same collection to this one.
    pub fn absorb(&mut self, part: Collected) {
        let s = &mut self.snapshot;
        s.coverage.extend(part.snapshot.coverage);
        s.resources.extend(part.snapshot.resources);
        s.identities.extend(part.snapshot.identities);
        s.accounts.extend(part.snapshot.accounts);
        self.notes.extend(part.notes);
        self.problems.extend(part.problems);
        self.origins.extend(part.origins);
        if self.files.is_none() {
            self.files = part.files;
        }
    }
}

/// A source whose options were checked; [`Source::collect`] reads it.
#[derive(Debug, Clone)]
pub struct Source {
    config: SourceConfig,
}

impl SourceConfig {
    /// The kind's name: `aws`, `kubernetes`, `manifests`, `snapshot`.
    pub fn kind(&self) -> &'static str {
        match self {
            SourceConfig::Aws(_) => "aws",
            SourceConfig::Kubernetes(_) => "kubernetes",
            SourceConfig::Manifests(_) => "manifests",
            SourceConfig::Snapshot(_) => "snapshot",
        }
    }

    /// Checks the options without contacting anything: regions and services, kinds and
    /// namespaces.
    pub fn build(self) -> Result<Source> {
        match &self {
            SourceConfig::Aws(accounts) => {
                for a in accounts {
                    aws::check(a)?;
                }
            }
            SourceConfig::Kubernetes(clusters) => {
                for c in clusters {
                    k8s::check(c)?;
                }
            }
            SourceConfig::Manifests(_) | SourceConfig::Snapshot(_) => {}
        }
        Ok(Source { config: self })
    }
}

impl Source {
    pub fn config(&self) -> &SourceConfig {
        &self.config
    }

    /// Collects the source in parts, each sent as soon as it is read: an AWS account (or
    /// an organization's listing), or the whole of any other kind. Sending waits while the
    /// reader is busy, which bounds what is held; a reader that hangs up ends the
    /// collection. Resources come as read: the reader redacts them before anything is
    /// stored, printed or evaluated.
    pub async fn collect_parts(&self, cx: &Cx<'_>, parts: mpsc::Sender<Collected>) -> Result<()> {
        let whole = match &self.config {
            SourceConfig::Aws(accounts) => return aws_accounts(accounts, cx, &parts).await,
            SourceConfig::Kubernetes(clusters) => kubernetes(clusters, cx).await?,
            SourceConfig::Manifests(paths) => files(paths, cx),
            SourceConfig::Snapshot(path) => saved(path)?,
        };
        let _ = parts.send(whole).await;
        Ok(())
    }

    /// Collects the source whole: its parts as one (coverage sorted by scope).
    pub async fn collect(&self, cx: &Cx<'_>) -> Result<Collected> {
        let (tx, mut rx) = mpsc::channel(1);
        let mut all: Option<Collected> = None;
        let gather = async {
            while let Some(part) = rx.recv().await {
                match all.as_mut() {
                    None => all = Some(part),
                    Some(a) => a.absorb(part),
                }
            }
        };
        let (r, ()) = tokio::join!(self.collect_parts(cx, tx), gather);
        r?;
        let mut all = all.unwrap_or_else(|| Collected {
            snapshot: empty_snapshot(cx.started),
            ..Default::default()
        });
        all.snapshot.coverage.sort_by(|a, b| a.scope.cmp(&b.scope));
        Ok(all)
    }
}

fn empty_snapshot(started: DateTime<Utc>) -> Snapshot {
    Snapshot {
        version: 1,
        collected_at: started.to_rfc3339_opts(SecondsFormat::Secs, true),
        ..Default::default()
    }
}

/// Adds scopes and their resources to a snapshot.
fn add(snapshot: &mut Snapshot, scopes: Vec<ScopeResult>) {
    for s in scopes {
        snapshot.coverage.push(s.coverage());
        snapshot.resources.extend(s.resources);
    }
}

/// Every account, at most `max_accounts_in_flight` at once; an organization's accounts are
/// listed first. Each account is sent as its own part the moment it is read (a failed
/// organization listing too), so a reader that records parts as they come holds at most the
/// accounts in flight and the one it is recording. One account that cannot be read fails
/// only its own scopes (all of them, by its id when it is known: a listed or discovered
/// account), so none of its findings resolves; only the one plain account of a target fails
/// the call.
async fn aws_accounts(
    accounts: &[aws::AwsOptions],
    cx: &Cx<'_>,
    parts: &mpsc::Sender<Collected>,
) -> Result<()> {
    let label =
        |o: &aws::AwsOptions, i: usize| o.label.clone().unwrap_or_else(|| format!("#{}", i + 1));
    let part = |scopes: Vec<ScopeResult>| {
        let mut c = Collected {
            snapshot: empty_snapshot(cx.started),
            ..Default::default()
        };
        add(&mut c.snapshot, scopes);
        c
    };
    let mut expanded = Vec::new();
    // Aggregators, each connected once with the hub's credentials (a target's own keys,
    // not a member's role), by (profile, endpoint, name, region).
    type Hub = (Option<String>, Option<String>, String, Option<String>);
    type Connected = std::sync::Arc<Result<aws::config_query::Aggregate, String>>;
    let mut aggregators: BTreeMap<Hub, Connected> = BTreeMap::new();
    for (i, o) in accounts.iter().enumerate() {
        let session = aws::scan_session(o.label.as_deref(), cx.started);
        let mut o = o.clone();
        if let aws::Inventory::Aggregator { name, region, .. } = &o.source {
            let key = (
                o.profile.clone(),
                o.endpoint_url.clone(),
                name.clone(),
                region.clone(),
            );
            if !aggregators.contains_key(&key) {
                let hub = aws::AwsOptions {
                    role: None,
                    account: None,
                    organization: None,
                    ..o.clone()
                };
                let agg =
                    aws::config_query::Aggregate::connect(&hub, name, region.as_deref()).await;
                aggregators.insert(key.clone(), std::sync::Arc::new(agg));
            }
            o.aggregate = aggregators.get(&key).cloned();
        }
        let o = &o;
        let Some(org) = &o.organization else {
            // A listed account's role is named for this scan.
            let mut o = o.clone();
            if let Some(r) = o.role.as_mut().filter(|r| r.session_name.is_empty()) {
                r.session_name = session;
            }
            expanded.push(o);
            continue;
        };
        let name = label(o, i);
        let listed = match aws::organization::members(o, org, &session).await {
            Ok(members) => {
                let note = format!(
                    "AWS target {name}: {} accounts of the organization to read",
                    members.len()
                );
                expanded.extend(members);
                Collected {
                    notes: vec![note],
                    ..part(Vec::new())
                }
            }
            Err(e) => Collected {
                problems: vec![format!("AWS target {name}: {e}")],
                ..part(vec![ScopeResult::failed(
                    crate::model::resource::scope_key("aws", &name, "global", "organization"),
                    e.to_string(),
                )])
            },
        };
        if parts.send(listed).await.is_err() {
            return Ok(()); // the reader stopped
        }
    }
    let alone = expanded.len() == 1 && expanded[0].account.is_none() && accounts.len() == 1;
    let in_flight = expanded
        .iter()
        .map(|o| o.max_accounts_in_flight)
        .max()
        .unwrap_or(1)
        .max(1);
    // Futures are collected first: a closure in the stream's type makes the collection
    // non-`Send` (rust-lang/rust#102211), and the daemon spawns it.
    let asks: Vec<_> = expanded
        .iter()
        .enumerate()
        .map(|(i, o)| async move { (i, aws::collect(o, cx.progress).await) })
        .collect();
    let mut results = futures::stream::iter(asks).buffer_unordered(in_flight);
    while let Some((i, result)) = results.next().await {
        let o = &expanded[i];
        let mut c = match (result, &o.account) {
            (Ok((_account, scopes)), _) => part(scopes),
            (Err(e), _) if alone => return Err(e.into()),
            (Err(e), Some(meta)) => {
                let who = match &meta.name {
                    Some(n) => format!("{} ({n})", meta.id),
                    None => meta.id.clone(),
                };
                Collected {
                    problems: vec![format!("AWS account {who}: {e}")],
                    ..part(aws::failed_scopes(o, &meta.id, &e.to_string()).await)
                }
            }
            (Err(e), None) => {
                let name = label(o, i);
                Collected {
                    problems: vec![format!("AWS target {name}: {e}")],
                    ..part(vec![ScopeResult::failed(
                        crate::model::resource::scope_key("aws", &name, "global", "account"),
                        e.to_string(),
                    )])
                }
            }
        };
        if let Some(meta) = &o.account {
            c.snapshot.accounts.insert(meta.id.clone(), meta.clone());
        }
        c.snapshot.coverage.sort_by(|a, b| a.scope.cmp(&b.scope));
        if parts.send(c).await.is_err() {
            return Ok(()); // the reader stopped
        }
    }
    Ok(())
}

/// The name a cluster goes by when its client cannot even be built.
fn fallback_name(opts: &k8s::ClusterOptions) -> String {
    match (&opts.name, &opts.context, opts.in_cluster) {
        (Some(n), _, _) | (None, Some(n), _) => crate::model::k8s::cluster_name(n),
        (None, None, true) => "in-cluster".into(),
        (None, None, false) => "current-context".into(),
    }
}

/// Several clusters concurrently; one unreachable cluster fails only its scopes.
async fn kubernetes(clusters: &[k8s::ClusterOptions], cx: &Cx<'_>) -> Result<Collected> {
    // Every cluster's name is settled before anything is collected: two clusters under one
    // name would resolve each other's findings.
    let names: Vec<String> = futures::future::join_all(clusters.iter().map(k8s::resolve_name))
        .await
        .into_iter()
        .zip(clusters)
        .map(|(r, c)| r.unwrap_or_else(|_| fallback_name(c)))
        .collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(Error::DuplicateCluster(n.clone()));
        }
    }
    let results =
        futures::future::join_all(clusters.iter().map(|c| k8s::collect(c, cx.progress))).await;
    let mut out = Collected {
        snapshot: empty_snapshot(cx.started),
        ..Default::default()
    };
    for ((opts, name), result) in clusters.iter().zip(&names).zip(results) {
        let scopes = match result {
            Ok(c) => {
                if let Some(id) = c.identity {
                    out.snapshot
                        .identities
                        .insert(format!("kubernetes/{}", c.cluster), id);
                }
                out.notes.extend(c.notes);
                c.scopes
            }
            Err(e) => {
                out.problems.push(format!("cluster {name}: {e}"));
                k8s::failed_scopes(opts, name, &e.to_string())
            }
        };
        add(&mut out.snapshot, scopes);
    }
    out.snapshot.coverage.sort_by(|a, b| a.scope.cmp(&b.scope));
    Ok(out)
}

/// Manifest files: every object a rule looks at, with its file and line; files that cannot
/// be read or parsed are problems (the others are still read).
fn files(paths: &[PathBuf], cx: &Cx<'_>) -> Collected {
    let loaded = manifests::load(paths);
    Collected {
        snapshot: Snapshot {
            resources: loaded.resources,
            ..empty_snapshot(cx.started)
        },
        notes: Vec::new(),
        problems: loaded.errors,
        origins: loaded.origins,
        files: Some(FileCounts {
            files: loaded.files,
            documents: loaded.documents,
            skipped_objects: loaded.skipped,
        }),
    }
}

/// A snapshot saved earlier, as it was collected.
fn saved(path: &std::path::Path) -> Result<Collected> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Snapshot {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let snapshot = serde_json::from_str(&text).map_err(|e| Error::BadSnapshot {
        path: path.display().to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    Ok(Collected {
        snapshot,
        ..Default::default()
    })
}
