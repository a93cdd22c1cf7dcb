//! `vigil scan`: collect (or read a snapshot), evaluate, store, report, exit by severity.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use chrono::{SecondsFormat, Utc};
use clap::ValueEnum;

use vigil::collect::k8s;
use vigil::model::{ScanStatus, Severity, Snapshot};
use vigil::policy::{self, EvalContext};
use vigil::report;
use vigil::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    Aws,
    #[value(alias = "k8s")]
    Kubernetes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ScanFormat {
    #[default]
    Table,
    Json,
    /// SARIF 2.1.0 for code-scanning UIs (with --manifests).
    Sarif,
}

impl Target {
    fn as_str(self) -> &'static str {
        match self {
            Target::Aws => "aws",
            Target::Kubernetes => "kubernetes",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to scan.
    #[arg(long, value_enum, default_value = "aws")]
    pub target: Target,
    /// AWS region to scan (repeatable). Default: config, then AWS_REGION / the profile.
    #[arg(long = "region")]
    pub regions: Vec<String>,
    /// AWS endpoint override, for emulators such as moto.
    #[arg(long, env = "VIGIL_AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// AWS named profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// Only these AWS services (repeatable): ec2, iam, s3, kms, rds, cloudtrail.
    #[arg(long = "service")]
    pub services: Vec<String>,
    /// Kubernetes: kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// Kubernetes: kubeconfig context (default: the current context).
    #[arg(long)]
    pub context: Option<String>,
    /// Kubernetes: the cluster's name in resource ids (default: the context's name).
    #[arg(long)]
    pub cluster_name: Option<String>,
    /// Kubernetes: use the pod's service account.
    #[arg(long, conflicts_with_all = ["kubeconfig", "context"])]
    pub in_cluster: bool,
    /// Kubernetes: only this namespace (repeatable), for credentials limited to some.
    #[arg(long = "namespace")]
    pub namespaces: Vec<String>,
    /// Kubernetes: only this kind (repeatable): Pod, Deployment, ClusterRole, ...
    #[arg(long = "kind")]
    pub kinds: Vec<String>,
    #[command(flatten)]
    pub rule_set: super::args::RulesArgs,
    /// SQLite database. Default: config `storage.path`, else the user's data directory.
    #[arg(long, env = "VIGIL_DB")]
    pub db: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ScanFormat,
    /// Exit 1 when an open finding is at or above this severity (default: config, else high).
    #[arg(long)]
    pub fail_on: Option<Severity>,
    /// The scan's clock (RFC 3339 or YYYY-MM-DD) instead of now: for tests and for replaying
    /// old snapshots in order.
    #[arg(long, hide = true)]
    pub now: Option<String>,
    /// Write the collected snapshot to this file (JSON).
    #[arg(long)]
    pub save_snapshot: Option<PathBuf>,
    /// Evaluate this snapshot file instead of collecting (offline).
    #[arg(long, conflicts_with_all = ["regions", "endpoint_url", "profile", "services", "kubeconfig", "context", "cluster_name", "in_cluster", "namespaces", "kinds"])]
    pub snapshot: Option<PathBuf>,
    /// Evaluate Kubernetes manifests (YAML or JSON files or directories, `-` for standard
    /// input) before they are deployed; nothing is stored.
    #[arg(long, num_args = 1.., conflicts_with_all = ["regions", "endpoint_url", "profile", "services", "snapshot", "save_snapshot", "kubeconfig", "context", "cluster_name", "in_cluster", "namespaces", "kinds"])]
    pub manifests: Vec<PathBuf>,
}

pub fn read_snapshot(path: &std::path::Path) -> anyhow::Result<Snapshot> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading snapshot {}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: invalid snapshot: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

pub fn run(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let fail_on = args.fail_on.unwrap_or_else(|| cfg.fail_on());
    let rules = super::load_rules(&super::rule_sources(
        &cfg,
        &args.rule_set.rules,
        args.rule_set.no_bundled_rules,
    ))?;
    if rules.rules.is_empty() {
        bail!("no rules loaded (check --rules and [rules] in the config)");
    }
    if !args.manifests.is_empty() {
        return scan_manifests(&args, &cfg, &rules, fail_on);
    }
    if args.format == ScanFormat::Sarif {
        bail!("--format sarif locates findings in files: use it with --manifests (cloud and cluster scans print table or json)");
    }
    // The clock of this scan: now, or `--now` (tests and replays of old snapshots).
    let started = match &args.now {
        Some(t) => super::waive::parse_when(t)?,
        None => Utc::now(),
    };
    let db_path = args
        .db
        .clone()
        .or(cfg.storage.path.clone())
        .unwrap_or_else(super::default_db);
    let _lock = vigil::store::lock::acquire(&db_path)?;
    let mut store = Store::open(&db_path)?;
    store.scrub_history()?;
    let snapshot = snapshot(&args, &cfg, &store.redactor()?, started)?;
    let target = match &args.snapshot {
        Some(p) => format!("snapshot:{}", p.display()),
        None => args.target.as_str().to_string(),
    };
    let finish = if args.now.is_some() {
        vigil::scan::Finish::AtStart
    } else {
        vigil::scan::Finish::Now
    };
    let run = vigil::scan::ScanRun {
        target: &target,
        run_id: None,
        started,
        finish,
    };
    let recorded =
        vigil::scan::evaluate_and_record(&mut store, &rules, cfg.params(), &snapshot, run)?;
    print_recorded(&args, &rules, recorded, fail_on)
}

/// The snapshot to evaluate: collected now, or read from `--snapshot` (redacted again: an
/// older vigil may have kept what this one redacts); written to `--save-snapshot`.
fn snapshot(
    args: &Args,
    cfg: &vigil::config::Config,
    redactor: &vigil::redact::Redactor,
    started: chrono::DateTime<Utc>,
) -> anyhow::Result<Snapshot> {
    let stats = std::sync::Arc::new(vigil::collect::ApiStats::default());
    let snapshot = match (&args.snapshot, args.target) {
        (Some(p), _) => {
            let mut s = read_snapshot(p)?;
            vigil::scan::redact(redactor, &mut s);
            s
        }
        (None, Target::Aws) => collect(args, cfg, redactor, started, stats)?,
        (None, Target::Kubernetes) => collect_kubernetes(args, cfg, redactor, started, stats)?,
    };
    if let Some(p) = &args.save_snapshot {
        let text = serde_json::to_string_pretty(&snapshot)?;
        std::fs::write(p, text).with_context(|| format!("writing snapshot {}", p.display()))?;
    }
    Ok(snapshot)
}

/// Prints a recorded scan (warnings to stderr, the result as a table or JSON) and returns
/// its exit code: 2 when nothing was collected, 1 when an open finding is at or above
/// `fail_on`.
fn print_recorded(
    args: &Args,
    rules: &vigil::policy::RuleSet,
    recorded: vigil::scan::Recorded,
    fail_on: Severity,
) -> anyhow::Result<ExitCode> {
    let (scan, findings, life, eval) = (
        recorded.scan,
        recorded.findings,
        recorded.lifecycle,
        recorded.eval,
    );
    for e in &eval.errors {
        eprintln!("warning: rule error: {e}");
    }
    for n in &eval.not_evaluated {
        eprintln!("note: {n}; its findings there stay open");
    }
    if life.plans_verified + life.plans_verify_failed > 0 {
        eprintln!(
            "note: remediation plans: {} verified, {} still failing (`vigil plan list`)",
            life.plans_verified, life.plans_verify_failed
        );
    }
    for w in &recorded.unmatched_waivers {
        eprintln!(
            "warning: waiver {} ({} on {}) matches no finding: remove it with `vigil waive remove {}`",
            w.id, w.rule, w.resource, w.id
        );
    }
    let summary = report::summarize(&findings, life, rules.rules.len(), eval.evaluations);
    match args.format {
        ScanFormat::Json => {
            let doc = report::ScanJson {
                scan: report::ScanSection {
                    id: scan.id,
                    status: scan.status,
                    started_at: &scan.started_at,
                    finished_at: &scan.finished_at,
                    target: &scan.target,
                    resources: scan.resources,
                    coverage: &scan.coverage,
                },
                findings: &findings,
                summary,
                errors: report::Errors {
                    rules: &eval.errors,
                    rule_files: &rules.problems,
                },
            };
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        ScanFormat::Table => print!("{}", report::table(&scan, &findings, &summary)),
        ScanFormat::Sarif => unreachable!("refused before the scan"),
    }
    if scan.status == ScanStatus::Failed {
        eprintln!("error: the scan failed: no scope was collected (see the failed scopes above)");
        return Ok(ExitCode::from(2));
    }
    if scan.status == ScanStatus::Partial {
        eprintln!("warning: the scan is partial; findings in failed scopes stay open and were not re-checked");
    }
    let gate = findings
        .iter()
        .any(|f| f.status.is_active() && f.severity >= fail_on);
    Ok(ExitCode::from(if gate { 1 } else { 0 }))
}

fn collect(
    args: &Args,
    cfg: &vigil::config::Config,
    redactor: &vigil::redact::Redactor,
    started: chrono::DateTime<Utc>,
    stats: std::sync::Arc<vigil::collect::ApiStats>,
) -> anyhow::Result<Snapshot> {
    let mut opts = vigil::scan::aws_options(cfg, stats);
    if !args.regions.is_empty() {
        opts.regions = args.regions.clone();
    }
    if args.profile.is_some() {
        opts.profile = args.profile.clone();
    }
    if args.endpoint_url.is_some() {
        opts.endpoint_url = args.endpoint_url.clone();
    }
    if !args.services.is_empty() {
        opts.services = args.services.clone();
    }
    for s in &opts.services {
        if vigil::collect::aws::services::service(s).is_none() {
            bail!(
                "unknown AWS service `{s}` (known: {})",
                vigil::collect::aws::services::names().join(", ")
            );
        }
    }
    if args.kubeconfig.is_some()
        || args.context.is_some()
        || args.cluster_name.is_some()
        || args.in_cluster
        || !args.namespaces.is_empty()
        || !args.kinds.is_empty()
    {
        bail!("--kubeconfig, --context, --cluster-name, --in-cluster, --namespace and --kind need --target kubernetes");
    }
    let spinner = spinner("collecting AWS resources…");
    let progress = |scope: &str| {
        if let Some(pb) = &spinner {
            pb.set_message(format!("collected {scope}"));
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(vigil::scan::collect_aws(
        &opts, redactor, started, &progress,
    ));
    if let Some(pb) = &spinner {
        pb.finish_and_clear();
    }
    Ok(result?)
}

/// The clusters to scan: one from the command line when any cluster flag is given, else the
/// config's, else the kubeconfig's current context.
fn clusters(
    args: &Args,
    cfg: &vigil::config::Config,
    stats: std::sync::Arc<vigil::collect::ApiStats>,
) -> Vec<k8s::ClusterOptions> {
    // Flags that name a cluster replace the configured ones; --namespace and --kind alone
    // narrow every configured cluster.
    let names_a_cluster = args.kubeconfig.is_some()
        || args.context.is_some()
        || args.cluster_name.is_some()
        || args.in_cluster;
    if names_a_cluster || cfg.collectors.kubernetes.clusters.is_empty() {
        return vec![k8s::ClusterOptions {
            name: args.cluster_name.clone(),
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
            in_cluster: args.in_cluster,
            namespaces: args.namespaces.clone(),
            kinds: args.kinds.clone(),
            ..vigil::scan::cluster_defaults(cfg, stats)
        }];
    }
    let mut clusters = vigil::scan::configured_clusters(cfg, stats);
    for c in &mut clusters {
        if !args.namespaces.is_empty() {
            c.namespaces = args.namespaces.clone();
        }
        if !args.kinds.is_empty() {
            c.kinds = args.kinds.clone();
        }
    }
    clusters
}

fn collect_kubernetes(
    args: &Args,
    cfg: &vigil::config::Config,
    redactor: &vigil::redact::Redactor,
    started: chrono::DateTime<Utc>,
    stats: std::sync::Arc<vigil::collect::ApiStats>,
) -> anyhow::Result<Snapshot> {
    if !args.regions.is_empty() || args.endpoint_url.is_some() || !args.services.is_empty() {
        bail!("--region, --endpoint-url and --service are AWS options; they do not apply to --target kubernetes");
    }
    let clusters = clusters(args, cfg, stats);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let spinner = spinner("collecting Kubernetes objects…");
    let progress = |scope: &str| {
        if let Some(pb) = &spinner {
            pb.set_message(format!("collected {scope}"));
        }
    };
    let result = rt.block_on(vigil::scan::collect_kubernetes(
        &clusters, redactor, started, &progress,
    ));
    if let Some(pb) = &spinner {
        pb.finish_and_clear();
    }
    let collection = result?;
    for p in &collection.problems {
        eprintln!("error: {p}");
    }
    for n in &collection.notes {
        eprintln!("note: {n}");
    }
    Ok(collection.snapshot)
}

fn spinner(message: &'static str) -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(message);
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    })
}

/// `--manifests`: evaluate files, print findings with file and document, store nothing.
fn scan_manifests(
    args: &Args,
    cfg: &vigil::config::Config,
    rules: &vigil::policy::RuleSet,
    fail_on: Severity,
) -> anyhow::Result<ExitCode> {
    use vigil::collect::manifests;
    let mut loaded = manifests::load(&args.manifests);
    for e in &loaded.errors {
        eprintln!("error: {e}");
    }
    let mut snapshot = Snapshot {
        version: 1,
        collected_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        coverage: Vec::new(),
        resources: std::mem::take(&mut loaded.resources),
        identities: Default::default(),
    };
    // Nothing is kept from a manifest scan: a fresh key, whose hashes mean nothing later.
    vigil::scan::redact(&vigil::redact::Redactor::ephemeral(), &mut snapshot);
    let ctx = EvalContext {
        now: Utc::now(),
        params: cfg.params(),
        mode: Default::default(),
        threads: 0,
        idle_since: Default::default(),
    };
    let eval = policy::evaluate(rules, &snapshot, &ctx);
    for e in &eval.errors {
        eprintln!("warning: rule error: {e}");
    }
    let findings = report::manifests::findings(&eval.results, &loaded);
    match args.format {
        ScanFormat::Sarif => {
            let locate = |r: &vigil::model::RuleResult| {
                loaded
                    .origins
                    .get(&r.resource_id)
                    .filter(|o| o.file != manifests::STDIN)
                    .map(|o| report::sarif::Location {
                        path: o.file.clone(),
                        line: o.line,
                    })
            };
            let log = report::sarif::log(rules, &eval.results, &locate);
            println!("{}", serde_json::to_string_pretty(&log)?);
        }
        ScanFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "manifests": {
                    "files": loaded.files, "documents": loaded.documents,
                    "resources": snapshot.resources.len(), "skipped_objects": loaded.skipped,
                    "errors": loaded.errors,
                },
                "findings": findings,
                "errors": {"rules": eval.errors},
            }))?
        ),
        ScanFormat::Table => print!(
            "{}",
            report::manifests::table(&findings, &loaded, snapshot.resources.len())
        ),
    }
    if !loaded.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    let gate = eval.results.iter().any(|r| r.severity >= fail_on);
    Ok(ExitCode::from(if gate { 1 } else { 0 }))
}
