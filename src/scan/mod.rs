//! One scan from start to end: resolve a named target from the config (and the command
//! line's overrides), collect it through its source, evaluate the rules, record the result
//! in one transaction. Shared by `vigil scan` and the daemon, which differ only in where the
//! overrides come from and how they report; manifest scans take the same path and stop
//! before recording.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::collect::aws::{self, AwsOptions};
use crate::collect::{k8s, ApiStats, Collected, Source, SourceConfig};
use crate::config::Config;
use crate::model::{Finding, Snapshot};
use crate::policy::{self, EvalContext, EvalReport, RuleSet};
use crate::redact::Redactor;
use crate::store::{Lifecycle, ScanInput, ScanRecord, Store};

pub mod stream;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Source(#[from] crate::collect::source::Error),
    #[error("unknown target `{0}` (known: {1})")]
    UnknownTarget(String, String),
    #[error("{0}")]
    Flags(&'static str),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    /// The scan stopped before anything was recorded (shutdown, its time ran out).
    #[error("stopped before anything was recorded: {0}")]
    Stopped(String),
}

impl Error {
    /// The error's kind, as a metric label.
    pub fn metric_label(&self) -> &'static str {
        match self {
            Error::Source(e) => e.metric_label(),
            Error::UnknownTarget(..) | Error::Flags(_) => "target",
            Error::Store(_) => "store",
            Error::Stopped(_) => "stopped",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a scan an earlier process left unfinished is closed (see
/// [`Store::close_interrupted_scans`]).
pub const INTERRUPTED: &str = "the vigil that ran this scan stopped before it was recorded whole; the accounts it recorded stand, the others were not read";

/// A named target: what a scheduled or on-demand scan collects, and the name its scans,
/// coverage, metrics and reports go by.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub source: Source,
}

/// Command-line settings that override the config's for one scan (`vigil scan`'s flags);
/// the daemon has none. Resolved once, by [`resolve`].
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub regions: Vec<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub services: Vec<String>,
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub cluster_name: Option<String>,
    pub in_cluster: bool,
    pub namespaces: Vec<String>,
    pub kinds: Vec<String>,
    /// Evaluate these manifest files instead of a live target.
    pub manifests: Vec<PathBuf>,
    /// Evaluate this saved snapshot instead of a live target.
    pub snapshot: Option<PathBuf>,
}

impl Overrides {
    fn aws(&self) -> bool {
        !self.regions.is_empty()
            || self.profile.is_some()
            || self.endpoint_url.is_some()
            || !self.services.is_empty()
    }
    /// Flags that name one cluster (they replace the configured clusters).
    fn names_a_cluster(&self) -> bool {
        self.kubeconfig.is_some()
            || self.context.is_some()
            || self.cluster_name.is_some()
            || self.in_cluster
    }
    fn kubernetes(&self) -> bool {
        self.names_a_cluster() || !self.namespaces.is_empty() || !self.kinds.is_empty()
    }
}

/// The target `name` names in the config (`aws`, `kubernetes` or `k8s`, an AWS target's or
/// a cluster's name), with the command line's overrides applied, built (its options checked).
/// `--manifests` and `--snapshot` are targets of their own (`manifests`, `snapshot:PATH`).
pub fn resolve(cfg: &Config, name: &str, over: &Overrides, stats: Arc<ApiStats>) -> Result<Target> {
    let (name, source) = if !over.manifests.is_empty() {
        (
            "manifests".to_string(),
            SourceConfig::Manifests(over.manifests.clone()),
        )
    } else if let Some(p) = &over.snapshot {
        (
            format!("snapshot:{}", p.display()),
            SourceConfig::Snapshot(p.clone()),
        )
    } else {
        let name = Config::canonical_target(name);
        let aws_targets = &cfg.collectors.aws.targets;
        let clusters = &cfg.collectors.kubernetes.clusters;
        let source = if name == "aws" {
            SourceConfig::Aws(aws_accounts(cfg, aws_targets.iter(), over, &stats)?)
        } else if name == "kubernetes" {
            SourceConfig::Kubernetes(kubernetes_clusters(cfg, clusters.iter(), over, &stats)?)
        } else if let Some(t) = aws_targets.iter().find(|t| t.name == name) {
            SourceConfig::Aws(aws_accounts(cfg, std::iter::once(t), over, &stats)?)
        } else if let Some(c) = clusters
            .iter()
            .find(|c| c.target_name().as_deref() == Some(name))
        {
            SourceConfig::Kubernetes(kubernetes_clusters(cfg, std::iter::once(c), over, &stats)?)
        } else {
            let mut known = cfg.target_names();
            known.insert(2, "k8s".into());
            return Err(Error::UnknownTarget(name.to_string(), known.join(", ")));
        };
        (name.to_string(), source)
    };
    Ok(Target {
        name,
        source: source.build()?,
    })
}

/// `[collectors.aws]` with each named target's keys over it (none listed: the one account
/// the keys reach), then the command line's over both.
fn aws_accounts<'a>(
    cfg: &Config,
    targets: impl ExactSizeIterator<Item = &'a crate::config::AwsTarget>,
    over: &Overrides,
    stats: &Arc<ApiStats>,
) -> Result<Vec<AwsOptions>> {
    if over.kubernetes() {
        return Err(Error::Flags("--kubeconfig, --context, --cluster-name, --in-cluster, --namespace and --kind need --target kubernetes"));
    }
    let a = &cfg.collectors.aws;
    let base = AwsOptions {
        label: None,
        regions: a.regions.clone(),
        profile: a.profile.clone(),
        endpoint_url: a.endpoint_url.clone(),
        services: a.services.clone(),
        max_concurrency: a.max_concurrency,
        max_attempts: a.max_attempts,
        role: None,
        account: None,
        organization: None,
        max_accounts_in_flight: a.max_accounts_in_flight,
        source: match a.source {
            crate::config::AwsSource::Api => aws::Inventory::Api,
            crate::config::AwsSource::Config => aws::Inventory::Config {
                max_item_age_hours: a.max_item_age_hours,
            },
            crate::config::AwsSource::ConfigAggregator => aws::Inventory::Aggregator {
                name: a.aggregator.clone().unwrap_or_default(),
                region: a.aggregator_region.clone(),
                max_item_age_hours: a.max_item_age_hours,
            },
        },
        profile_only: false,
        aggregate: None,
        stats: stats.clone(),
    };
    let plain = crate::config::AwsTarget::default();
    let targets: Vec<&crate::config::AwsTarget> = if targets.len() == 0 {
        vec![&plain]
    } else {
        targets.collect()
    };
    let mut accounts = Vec::new();
    for t in targets {
        let mut o = AwsOptions {
            label: (!t.name.is_empty()).then(|| t.name.clone()),
            regions: pick(&t.regions, &base.regions),
            profile: t.profile.clone().or(base.profile.clone()),
            endpoint_url: t.endpoint_url.clone().or(base.endpoint_url.clone()),
            services: pick(&t.services, &base.services),
            ..base.clone()
        };
        o.regions = pick(&over.regions, &o.regions);
        o.services = pick(&over.services, &o.services);
        o.profile = over.profile.clone().or(o.profile.take());
        o.endpoint_url = over.endpoint_url.clone().or(o.endpoint_url.take());
        let org = t.organization.as_ref().or(a.organization.as_ref());
        let listed = if t.accounts.is_empty() {
            &a.accounts
        } else {
            &t.accounts
        };
        if org.is_none() && listed.is_empty() {
            accounts.push(o);
            continue;
        }
        for l in listed {
            let arn = l
                .role_arn
                .clone()
                .or_else(|| org.map(|g| format!("arn:aws:iam::{}:role/{}", l.id, g.role_name)));
            let Some(arn) = arn else {
                return Err(Error::Flags("an account in [[collectors.aws.accounts]] has no role_arn and there is no [collectors.aws.organization] role_name (vigil config check names it)"));
            };
            accounts.push(AwsOptions {
                regions: pick(&over.regions, &pick(&l.regions, &o.regions)),
                role: Some(aws::AssumeRole {
                    arn,
                    // Named when the scan starts, with its clock (collect::source).
                    session_name: String::new(),
                    external_id: l
                        .external_id
                        .clone()
                        .or_else(|| org.and_then(|g| g.external_id.clone())),
                }),
                account: Some(crate::model::aws::AccountMeta {
                    id: l.id.clone(),
                    name: l.name.clone(),
                    tags: l.tags.clone(),
                    ..Default::default()
                }),
                ..o.clone()
            });
        }
        if let Some(g) = org {
            accounts.push(AwsOptions {
                organization: Some(aws::organization::OrgOptions {
                    role_name: g.role_name.clone(),
                    external_id: g.external_id.clone(),
                    include: g.include.clone(),
                    // Listed accounts are read as listed, not again as members.
                    exclude: g
                        .exclude
                        .iter()
                        .cloned()
                        .chain(listed.iter().map(|l| l.id.clone()))
                        .collect(),
                }),
                ..o
            });
        }
    }
    Ok(accounts)
}

/// `first` unless empty, else `second`.
fn pick<T: Clone>(first: &[T], second: &[T]) -> Vec<T> {
    if first.is_empty() { second } else { first }.to_vec()
}

/// The configured clusters (none: the kubeconfig's current context), with `[collectors.
/// kubernetes]`'s settings; flags that name a cluster replace them, `--namespace` and
/// `--kind` alone narrow each.
fn kubernetes_clusters<'a>(
    cfg: &Config,
    clusters: impl ExactSizeIterator<Item = &'a crate::config::Cluster>,
    over: &Overrides,
    stats: &Arc<ApiStats>,
) -> Result<Vec<k8s::ClusterOptions>> {
    if over.aws() {
        return Err(Error::Flags("--region, --endpoint-url, --profile and --service are AWS options; they do not apply to --target kubernetes"));
    }
    let k = &cfg.collectors.kubernetes;
    let base = k8s::ClusterOptions {
        page_size: k.page_size,
        max_concurrency: k.max_concurrency,
        timeout: std::time::Duration::from_secs(k.timeout_seconds),
        max_attempts: k.max_attempts,
        stats: stats.clone(),
        ..Default::default()
    };
    if over.names_a_cluster() || clusters.len() == 0 {
        return Ok(vec![k8s::ClusterOptions {
            name: over.cluster_name.clone(),
            kubeconfig: over.kubeconfig.clone(),
            context: over.context.clone(),
            in_cluster: over.in_cluster,
            namespaces: over.namespaces.clone(),
            kinds: over.kinds.clone(),
            ..base
        }]);
    }
    Ok(clusters
        .map(|c| k8s::ClusterOptions {
            name: c.name.clone(),
            kubeconfig: c.kubeconfig.clone(),
            context: c.context.clone(),
            in_cluster: c.in_cluster,
            namespaces: pick(&over.namespaces, &c.namespaces),
            kinds: pick(&over.kinds, &c.kinds),
            ..base.clone()
        })
        .collect())
}

/// Collects a target and redacts what it read (see [`crate::redact`]): nothing a caller
/// stores, prints or evaluates carries a credential-looking value.
pub async fn collect(
    target: &Target,
    redactor: &Redactor,
    started: DateTime<Utc>,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Collected> {
    let cx = crate::collect::source::Cx { started, progress };
    let mut collected = target.source.collect(&cx).await?;
    redact(redactor, &mut collected.snapshot);
    Ok(collected)
}

/// Redacts a snapshot (see [`crate::redact`]) and logs how many values it replaced.
pub fn redact(redactor: &Redactor, snapshot: &mut Snapshot) {
    let n = redactor.snapshot(snapshot);
    if n > 0 {
        tracing::info!(target: "collect", values = n, "redacted credential-looking values");
    }
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
    let unmatched_waivers = unmatched_waivers(store, started)?;
    Ok(Recorded {
        scan,
        findings,
        lifecycle,
        eval,
        unmatched_waivers,
    })
}

/// Waivers in force that no present finding matches.
fn unmatched_waivers(
    store: &Store,
    at: DateTime<Utc>,
) -> Result<Vec<crate::model::waiver::Waiver>> {
    Ok(store
        .waiver_matches(at)?
        .into_iter()
        .filter(|(w, matches)| !w.expired(at) && *matches == 0)
        .map(|(w, _)| w)
        .collect())
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
