//! `vigil scan`: collect (or read a snapshot), evaluate, store, report, exit by severity.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use chrono::{SecondsFormat, Utc};
use clap::ValueEnum;

use vigil::collect::aws::{self, AwsOptions};
use vigil::collect::k8s;
use vigil::model::{ScanStatus, Severity, Snapshot};
use vigil::policy::{self, EvalContext};
use vigil::report;
use vigil::store::{ScanInput, Store};

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
    /// Extra rule directory (repeatable); its rules add to or replace bundled ones by id.
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Do not load the bundled rule pack.
    #[arg(long)]
    pub no_bundled_rules: bool,
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
        &args.rules,
        args.no_bundled_rules,
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
        Some(t) => super::findings::parse_when(t)?,
        None => Utc::now(),
    };
    let db_path = args
        .db
        .clone()
        .or(cfg.storage.path.clone())
        .unwrap_or_else(super::default_db);
    let mut store = Store::open(&db_path)?;
    let snapshot = match (&args.snapshot, args.target) {
        (Some(p), _) => read_snapshot(p)?,
        (None, Target::Aws) => collect(&args, &cfg, started)?,
        (None, Target::Kubernetes) => collect_kubernetes(&args, &cfg, started)?,
    };
    if let Some(p) = &args.save_snapshot {
        let text = serde_json::to_string_pretty(&snapshot)?;
        std::fs::write(p, text).with_context(|| format!("writing snapshot {}", p.display()))?;
    }
    let idle = vigil::idle::track(&snapshot, &store.idle_since()?, started);
    let ctx = EvalContext {
        now: started,
        params: cfg.params(),
        mode: Default::default(),
        threads: 0,
        idle_since: vigil::idle::context(&idle),
    };
    let eval = policy::evaluate(&rules, &snapshot, &ctx);
    for e in &eval.errors {
        eprintln!("warning: rule error: {e}");
    }
    for n in &eval.not_evaluated {
        eprintln!("note: {n}; its findings there stay open");
    }
    let started_s = started.to_rfc3339_opts(SecondsFormat::Secs, true);
    let finished_s = match &args.now {
        Some(_) => started_s.clone(),
        None => Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    let target = match &args.snapshot {
        Some(p) => format!("snapshot:{}", p.display()),
        None => args.target.as_str().to_string(),
    };
    let (scan_id, life) = store.record_scan(&ScanInput {
        started_at: &started_s,
        finished_at: &finished_s,
        target: &target,
        snapshot: &snapshot,
        report: &eval,
        rules_loaded: rules.rules.len(),
        rule_problems: rules
            .problems
            .iter()
            .map(|p| (p.file.clone(), p.message.clone()))
            .collect(),
        idle: &idle,
    })?;
    let scan = store.scan(scan_id)?.expect("scan just written");
    let findings = store.scan_findings(scan_id)?;
    // Waivers in force that no present finding matches (cargo-deny's unmatched-source).
    for (w, matches) in store.waiver_matches(started)? {
        if !w.expired(started) && matches == 0 {
            eprintln!(
                "warning: waiver {} ({} on {}) matches no finding: remove it with `vigil waive remove {}`",
                w.id, w.rule, w.resource, w.id
            );
        }
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
        ScanFormat::Sarif => unreachable!("refused above"),
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
    started: chrono::DateTime<Utc>,
) -> anyhow::Result<Snapshot> {
    let a = &cfg.collectors.aws;
    let opts = AwsOptions {
        regions: if args.regions.is_empty() {
            a.regions.clone()
        } else {
            args.regions.clone()
        },
        profile: args.profile.clone().or(a.profile.clone()),
        endpoint_url: args.endpoint_url.clone().or(a.endpoint_url.clone()),
        services: if args.services.is_empty() {
            a.services.clone()
        } else {
            args.services.clone()
        },
        max_concurrency: a.max_concurrency,
        max_attempts: a.max_attempts,
    };
    for s in &opts.services {
        if !vigil::config::AWS_SERVICES.contains(&s.as_str()) {
            bail!(
                "unknown AWS service `{s}` (known: {})",
                vigil::config::AWS_SERVICES.join(", ")
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
    let result = rt.block_on(aws::collect(&opts, &progress));
    if let Some(pb) = &spinner {
        pb.finish_and_clear();
    }
    let (_account, scopes) = result?;
    let mut snapshot = Snapshot {
        version: 1,
        collected_at: started.to_rfc3339_opts(SecondsFormat::Secs, true),
        ..Default::default()
    };
    for s in scopes {
        snapshot.coverage.push(s.coverage());
        snapshot.resources.extend(s.resources);
    }
    snapshot.coverage.sort_by(|a, b| a.scope.cmp(&b.scope));
    Ok(snapshot)
}

/// The clusters to scan: one from the command line when any cluster flag is given, else the
/// config's, else the kubeconfig's current context.
fn clusters(args: &Args, cfg: &vigil::config::Config) -> Vec<k8s::ClusterOptions> {
    let k = &cfg.collectors.kubernetes;
    let base = k8s::ClusterOptions {
        page_size: k.page_size,
        max_concurrency: k.max_concurrency,
        timeout: std::time::Duration::from_secs(k.timeout_seconds),
        max_attempts: k.max_attempts,
        ..Default::default()
    };
    // Flags that name a cluster replace the configured ones; --namespace and --kind alone
    // narrow every configured cluster.
    let names_a_cluster = args.kubeconfig.is_some()
        || args.context.is_some()
        || args.cluster_name.is_some()
        || args.in_cluster;
    let narrow = |configured: &[String], flag: &[String]| {
        if flag.is_empty() {
            configured.to_vec()
        } else {
            flag.to_vec()
        }
    };
    if names_a_cluster || k.clusters.is_empty() {
        return vec![k8s::ClusterOptions {
            name: args.cluster_name.clone(),
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
            in_cluster: args.in_cluster,
            namespaces: args.namespaces.clone(),
            kinds: args.kinds.clone(),
            ..base
        }];
    }
    k.clusters
        .iter()
        .map(|c| k8s::ClusterOptions {
            name: c.name.clone(),
            kubeconfig: c.kubeconfig.clone(),
            context: c.context.clone(),
            in_cluster: c.in_cluster,
            namespaces: narrow(&c.namespaces, &args.namespaces),
            kinds: narrow(&c.kinds, &args.kinds),
            ..base.clone()
        })
        .collect()
}

/// The name a cluster goes by when its client cannot even be built.
fn fallback_name(opts: &k8s::ClusterOptions) -> String {
    match (&opts.name, &opts.context, opts.in_cluster) {
        (Some(n), _, _) | (None, Some(n), _) => k8s::cluster_name(n),
        (None, None, true) => "in-cluster".into(),
        (None, None, false) => "current-context".into(),
    }
}

fn collect_kubernetes(
    args: &Args,
    cfg: &vigil::config::Config,
    started: chrono::DateTime<Utc>,
) -> anyhow::Result<Snapshot> {
    if !args.regions.is_empty() || args.endpoint_url.is_some() || !args.services.is_empty() {
        bail!("--region, --endpoint-url and --service are AWS options; they do not apply to --target kubernetes");
    }
    let clusters = clusters(args, cfg);
    for c in &clusters {
        k8s::check(c)?;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // Every cluster's name is settled before anything is collected: two clusters under one
    // name would resolve each other's findings.
    let names: Vec<String> = rt
        .block_on(futures::future::join_all(
            clusters.iter().map(k8s::resolve_name),
        ))
        .into_iter()
        .zip(&clusters)
        .map(|(r, c)| r.unwrap_or_else(|_| fallback_name(c)))
        .collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            bail!("two clusters are named `{n}`; give them distinct names (`name` in [[collectors.kubernetes.clusters]], or --cluster-name)");
        }
    }
    let spinner = spinner("collecting Kubernetes objects…");
    let progress = |scope: &str| {
        if let Some(pb) = &spinner {
            pb.set_message(format!("collected {scope}"));
        }
    };
    let results = rt.block_on(futures::future::join_all(
        clusters.iter().map(|c| k8s::collect(c, &progress)),
    ));
    if let Some(pb) = &spinner {
        pb.finish_and_clear();
    }
    let mut snapshot = Snapshot {
        version: 1,
        collected_at: started.to_rfc3339_opts(SecondsFormat::Secs, true),
        ..Default::default()
    };
    for ((opts, name), result) in clusters.iter().zip(&names).zip(results) {
        let scopes = match result {
            Ok(c) => {
                if let Some(id) = c.identity {
                    snapshot
                        .identities
                        .insert(format!("kubernetes/{}", c.cluster), id);
                }
                c.scopes
            }
            Err(e) => {
                // This cluster cannot be reached at all: its scopes fail, the others go on.
                eprintln!("error: cluster {name}: {e}");
                k8s::failed_scopes(opts, name, &e.to_string())
            }
        };
        for s in scopes {
            snapshot.coverage.push(s.coverage());
            snapshot.resources.extend(s.resources);
        }
    }
    snapshot.coverage.sort_by(|a, b| a.scope.cmp(&b.scope));
    Ok(snapshot)
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
    let loaded = manifests::load(&args.manifests);
    for e in &loaded.errors {
        eprintln!("error: {e}");
    }
    let snapshot = Snapshot {
        version: 1,
        collected_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        coverage: Vec::new(),
        resources: loaded.resources,
        identities: Default::default(),
    };
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
    let mut findings: Vec<serde_json::Value> = eval
        .results
        .iter()
        .map(|r| {
            let origin = loaded.origins.get(&r.resource_id);
            serde_json::json!({
                "rule_id": r.rule_id, "resource_id": r.resource_id, "resource_type": r.resource_type,
                "severity": r.severity, "controls": r.controls, "message": r.message, "path": r.path,
                "file": origin.map(|o| o.file.clone()), "document": origin.map(|o| o.document),
                "line": origin.map(|o| o.line),
            })
        })
        .collect();
    let sev = |v: &serde_json::Value| {
        v["severity"]
            .as_str()
            .and_then(|s| s.parse::<Severity>().ok())
    };
    findings.sort_by(|a, b| {
        sev(b)
            .cmp(&sev(a))
            .then_with(|| a["file"].as_str().cmp(&b["file"].as_str()))
            .then_with(|| a["document"].as_u64().cmp(&b["document"].as_u64()))
    });
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
        ScanFormat::Table => {
            if findings.is_empty() {
                println!("No findings.");
            } else {
                let at = |f: &serde_json::Value| {
                    format!("{}:{}", f["file"].as_str().unwrap_or("?"), f["line"])
                };
                let width = findings
                    .iter()
                    .map(|f| at(f).len())
                    .max()
                    .unwrap_or(8)
                    .max(8);
                println!(
                    "{:<9} {:<12} {:<36} {:<width$} MESSAGE",
                    "SEVERITY", "RULE", "OBJECT", "LOCATION"
                );
                for f in &findings {
                    // k8s://manifests/<ns>/<group>/<Kind>/<name> -> <Kind>/<name>
                    let id = f["resource_id"].as_str().unwrap_or_default();
                    let object: Vec<&str> = id.rsplitn(3, '/').take(2).collect();
                    let object = format!(
                        "{}/{}",
                        object.get(1).unwrap_or(&""),
                        object.first().unwrap_or(&"")
                    );
                    println!(
                        "{:<9} {:<12} {:<36} {:<width$} {}",
                        f["severity"].as_str().unwrap_or_default(),
                        f["rule_id"].as_str().unwrap_or_default(),
                        object,
                        at(f),
                        f["message"].as_str().unwrap_or_default()
                    );
                }
            }
            println!(
                "\n{} files, {} documents, {} objects checked ({} of kinds no rule covers), {} findings, {} unreadable files",
                loaded.files,
                loaded.documents,
                snapshot.resources.len(),
                loaded.skipped,
                findings.len(),
                loaded.errors.len()
            );
        }
    }
    if !loaded.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    let gate = eval.results.iter().any(|r| r.severity >= fail_on);
    Ok(ExitCode::from(if gate { 1 } else { 0 }))
}
