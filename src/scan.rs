//! One scan from start to end: collect a target, evaluate the rules, record the result in
//! one transaction. Shared by `vigil scan` and the daemon, which differ only in where the
//! options come from and how they report.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::collect::aws::{self, AwsOptions};
use crate::collect::{k8s, ApiStats};
use crate::config::Config;
use crate::model::{Finding, Snapshot};
use crate::policy::{self, EvalContext, EvalReport, RuleSet};
use crate::redact::Redactor;
use crate::store::{Lifecycle, ScanInput, ScanRecord, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Aws(#[from] crate::collect::aws::Error),
    #[error(transparent)]
    Kubernetes(#[from] k8s::Error),
    #[error("two clusters are named `{0}`; give them distinct names (`name` in [[collectors.kubernetes.clusters]], or --cluster-name)")]
    DuplicateCluster(String),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a scheduled or on-demand scan collects.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Aws,
    Kubernetes,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Aws => "aws",
            Target::Kubernetes => "kubernetes",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        match s {
            "aws" => Some(Target::Aws),
            "kubernetes" | "k8s" => Some(Target::Kubernetes),
            _ => None,
        }
    }
}

/// The AWS collector's options from `[collectors.aws]`.
pub fn aws_options(cfg: &Config, stats: Arc<ApiStats>) -> AwsOptions {
    let a = &cfg.collectors.aws;
    AwsOptions {
        regions: a.regions.clone(),
        profile: a.profile.clone(),
        endpoint_url: a.endpoint_url.clone(),
        services: a.services.clone(),
        max_concurrency: a.max_concurrency,
        max_attempts: a.max_attempts,
        role: None,
        profile_only: false,
        stats,
    }
}

/// `[collectors.kubernetes]` settings every cluster shares.
pub fn cluster_defaults(cfg: &Config, stats: Arc<ApiStats>) -> k8s::ClusterOptions {
    let k = &cfg.collectors.kubernetes;
    k8s::ClusterOptions {
        page_size: k.page_size,
        max_concurrency: k.max_concurrency,
        timeout: std::time::Duration::from_secs(k.timeout_seconds),
        max_attempts: k.max_attempts,
        stats,
        ..Default::default()
    }
}

/// The configured clusters, or the kubeconfig's current context when none is configured.
pub fn configured_clusters(cfg: &Config, stats: Arc<ApiStats>) -> Vec<k8s::ClusterOptions> {
    let base = cluster_defaults(cfg, stats);
    let k = &cfg.collectors.kubernetes;
    if k.clusters.is_empty() {
        return vec![base];
    }
    k.clusters
        .iter()
        .map(|c| k8s::ClusterOptions {
            name: c.name.clone(),
            kubeconfig: c.kubeconfig.clone(),
            context: c.context.clone(),
            in_cluster: c.in_cluster,
            namespaces: c.namespaces.clone(),
            kinds: c.kinds.clone(),
            ..base.clone()
        })
        .collect()
}

fn empty_snapshot(started: DateTime<Utc>) -> Snapshot {
    Snapshot {
        version: 1,
        collected_at: started.to_rfc3339_opts(SecondsFormat::Secs, true),
        ..Default::default()
    }
}

/// Collects one AWS account. An account that cannot be identified fails the whole call;
/// a region or service that fails is a failed scope in the snapshot.
///
/// Every resource goes through `redactor` before the snapshot is returned: nothing a
/// caller stores, prints or evaluates carries a credential-looking value.
pub async fn collect_aws(
    opts: &AwsOptions,
    redactor: &Redactor,
    started: DateTime<Utc>,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Snapshot> {
    let (_account, scopes) = aws::collect(opts, progress).await?;
    let mut snapshot = empty_snapshot(started);
    for s in scopes {
        snapshot.coverage.push(s.coverage());
        snapshot.resources.extend(s.resources);
    }
    snapshot.coverage.sort_by(|a, b| a.scope.cmp(&b.scope));
    redact(redactor, &mut snapshot);
    Ok(snapshot)
}

/// Redacts a snapshot (see [`crate::redact`]) and logs how many values it replaced.
pub fn redact(redactor: &Redactor, snapshot: &mut Snapshot) {
    let n = redactor.snapshot(snapshot);
    if n > 0 {
        tracing::info!(target: "collect", values = n, "redacted credential-looking values");
    }
}

/// The name a cluster goes by when its client cannot even be built.
fn fallback_name(opts: &k8s::ClusterOptions) -> String {
    match (&opts.name, &opts.context, opts.in_cluster) {
        (Some(n), _, _) | (None, Some(n), _) => crate::model::k8s::cluster_name(n),
        (None, None, true) => "in-cluster".into(),
        (None, None, false) => "current-context".into(),
    }
}

/// A snapshot and what went wrong on the way that is not in its coverage already.
pub struct Collection {
    pub snapshot: Snapshot,
    /// Clusters that could not be reached at all (`cluster NAME: reason`); their scopes are
    /// failed in the snapshot, the other clusters' are not affected.
    pub problems: Vec<String>,
    /// What the user should know about how clusters were read (namespaces fallen back to).
    pub notes: Vec<String>,
}

/// Collects several clusters concurrently; one unreachable cluster fails only its scopes.
/// Every object goes through `redactor` before the snapshot is returned.
pub async fn collect_kubernetes(
    clusters: &[k8s::ClusterOptions],
    redactor: &Redactor,
    started: DateTime<Utc>,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Collection> {
    for c in clusters {
        k8s::check(c)?;
    }
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
        futures::future::join_all(clusters.iter().map(|c| k8s::collect(c, progress))).await;
    let mut snapshot = empty_snapshot(started);
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    for ((opts, name), result) in clusters.iter().zip(&names).zip(results) {
        let scopes = match result {
            Ok(c) => {
                if let Some(id) = c.identity {
                    snapshot
                        .identities
                        .insert(format!("kubernetes/{}", c.cluster), id);
                }
                notes.extend(c.notes);
                c.scopes
            }
            Err(e) => {
                problems.push(format!("cluster {name}: {e}"));
                k8s::failed_scopes(opts, name, &e.to_string())
            }
        };
        for s in scopes {
            snapshot.coverage.push(s.coverage());
            snapshot.resources.extend(s.resources);
        }
    }
    snapshot.coverage.sort_by(|a, b| a.scope.cmp(&b.scope));
    redact(redactor, &mut snapshot);
    Ok(Collection {
        snapshot,
        problems,
        notes,
    })
}

/// A recorded scan and what it found.
pub struct Recorded {
    pub scan: ScanRecord,
    pub findings: Vec<Finding>,
    pub lifecycle: Lifecycle,
    pub eval: EvalReport,
    /// Waivers in force that no present finding matches (cargo-deny's unmatched-source).
    pub unmatched_waivers: Vec<crate::model::waiver::Waiver>,
}

/// Where the finish time comes from: the wall clock, or the scan's own clock (`--now`).
#[derive(Debug, Clone, Copy)]
pub enum Finish {
    Now,
    AtStart,
}

/// One scan's identity and clock, as recorded: which target, which daemon run (None for
/// `vigil scan`), when it started, and how its finish time is taken.
#[derive(Debug, Clone, Copy)]
pub struct ScanRun<'a> {
    pub target: &'a str,
    pub run_id: Option<&'a str>,
    pub started: DateTime<Utc>,
    pub finish: Finish,
}

/// A snapshot's verdicts, not yet recorded.
pub struct Evaluated {
    pub eval: EvalReport,
    pub idle: BTreeMap<String, crate::idle::Idle>,
}

/// Evaluates a snapshot with vigil's idle-since history (`idle_history`: the store's
/// [`Store::idle_since`]). Pure and possibly long: no store is held.
pub fn evaluate(
    rules: &RuleSet,
    params: serde_json::Map<String, serde_json::Value>,
    snapshot: &Snapshot,
    started: DateTime<Utc>,
    idle_history: &BTreeMap<String, DateTime<Utc>>,
) -> Evaluated {
    let idle = crate::idle::track(snapshot, idle_history, started);
    let ctx = EvalContext {
        now: started,
        params,
        mode: Default::default(),
        threads: 0,
        idle_since: crate::idle::context(&idle),
    };
    Evaluated {
        eval: policy::evaluate(rules, snapshot, &ctx),
        idle,
    }
}

/// Records an evaluated snapshot in one transaction and reads back what it found.
pub fn record(
    store: &mut Store,
    rules: &RuleSet,
    evaluated: Evaluated,
    snapshot: &Snapshot,
    run: ScanRun,
) -> Result<Recorded> {
    let ScanRun {
        target,
        run_id,
        started,
        finish,
    } = run;
    let Evaluated { eval, idle } = evaluated;
    let started_s = started.to_rfc3339_opts(SecondsFormat::Secs, true);
    let finished_s = match finish {
        Finish::AtStart => started_s.clone(),
        Finish::Now => Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    let (scan_id, lifecycle) = store.record_scan(&ScanInput {
        started_at: &started_s,
        finished_at: &finished_s,
        target,
        snapshot,
        report: &eval,
        rules_loaded: rules.rules.len(),
        rule_problems: rules
            .problems
            .iter()
            .map(|p| (p.file.clone(), p.message.clone()))
            .collect(),
        idle: &idle,
        run_id,
    })?;
    let scan = store
        .scan(scan_id)?
        .ok_or_else(|| crate::store::Error::NotFound(format!("scan {scan_id}")))?;
    let findings = store.scan_findings(scan_id)?;
    let unmatched_waivers = store
        .waiver_matches(started)?
        .into_iter()
        .filter(|(w, matches)| !w.expired(started) && *matches == 0)
        .map(|(w, _)| w)
        .collect();
    Ok(Recorded {
        scan,
        findings,
        lifecycle,
        eval,
        unmatched_waivers,
    })
}

/// [`evaluate`] then [`record`], for one process that owns the store (`vigil scan`).
pub fn evaluate_and_record(
    store: &mut Store,
    rules: &RuleSet,
    params: serde_json::Map<String, serde_json::Value>,
    snapshot: &Snapshot,
    run: ScanRun,
) -> Result<Recorded> {
    let evaluated = evaluate(rules, params, snapshot, run.started, &store.idle_since()?);
    record(store, rules, evaluated, snapshot, run)
}

/// Resource counts by type in a snapshot, for metrics.
pub fn resources_by_type(snapshot: &Snapshot) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for r in &snapshot.resources {
        *m.entry(r.resource_type.clone()).or_insert(0) += 1;
    }
    m
}
