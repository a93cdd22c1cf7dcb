//! `vigil scan`: collect (or read a snapshot), evaluate, store, report, exit by severity.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use chrono::Utc;
use clap::ValueEnum;

use vigil::model::{ScanStatus, Severity};
use vigil::report;
use vigil::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ScanFormat {
    #[default]
    Table,
    Json,
    /// SARIF 2.1.0 for code-scanning UIs (with --manifests or --templates).
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to scan: `aws`, `kubernetes` (or `k8s`), or a target the config names
    /// (`[[collectors.aws.targets]]`, `[[collectors.kubernetes.clusters]]`).
    #[arg(long, default_value = "aws")]
    pub target: String,
    /// AWS region to scan (repeatable). Default: config, then AWS_REGION / the profile.
    #[arg(long = "region")]
    pub regions: Vec<String>,
    /// AWS endpoint override, for emulators such as moto.
    #[arg(long, env = "VIGIL_AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// AWS named profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// Only these AWS services (repeatable), as the README's "Collected from AWS" names them:
    /// ec2, iam, s3, s3control, kms, rds, cloudtrail, eks, ecs, lambda, ecr,
    /// elasticloadbalancingv2, wafv2, acm, secretsmanager, cloudwatchlogs, sns, sqs, dynamodb,
    /// elasticache, efs, guardduty, securityhub, config, accessanalyzer.
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
    /// Check CloudFormation templates (YAML or JSON files, or directories) before they are
    /// deployed, with the AWS rules; nothing is stored.
    /// With a live target (`--target NAME`, `--region`, `--profile`, `--endpoint-url`,
    /// `--service` or `--snapshot`), the live scan runs and each finding on a resource the
    /// templates declare names the template's file and line.
    #[arg(long, num_args = 1.., conflicts_with_all = ["kubeconfig", "context", "cluster_name", "in_cluster", "namespaces", "kinds", "manifests"])]
    pub templates: Vec<PathBuf>,
    /// Parameter values for --templates: a JSON file as `aws cloudformation deploy
    /// --parameter-overrides` or `create-stack --parameters` takes.
    #[arg(long, requires = "templates")]
    pub parameters: Option<PathBuf>,
    /// Check Terraform plans (`terraform show -json plan.out` output, formats 0.1 to 1.2; a
    /// state's JSON also reads) before apply, with the AWS rules; nothing is stored.
    #[arg(long = "terraform-plan", num_args = 1.., conflicts_with_all = ["regions", "endpoint_url", "profile", "services", "snapshot", "save_snapshot", "kubeconfig", "context", "cluster_name", "in_cluster", "namespaces", "kinds", "manifests"])]
    pub terraform_plan: Vec<PathBuf>,
    /// The Terraform configuration's directory (where `terraform plan` ran), so findings on
    /// --terraform-plan name the file and line of each `resource` block.
    #[arg(long = "terraform-dir", requires = "terraform_plan")]
    pub terraform_dir: Option<PathBuf>,
}

impl Args {
    /// The command line's settings over the config's, resolved once.
    fn overrides(&self) -> vigil::scan::Overrides {
        vigil::scan::Overrides {
            regions: self.regions.clone(),
            profile: self.profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
            services: self.services.clone(),
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            cluster_name: self.cluster_name.clone(),
            in_cluster: self.in_cluster,
            namespaces: self.namespaces.clone(),
            kinds: self.kinds.clone(),
            manifests: self.manifests.clone(),
            snapshot: self.snapshot.clone(),
        }
    }
}

pub fn run(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let fail_on = args.fail_on.unwrap_or_else(|| cfg.fail_on());
    let rules = args.rule_set.load(&cfg)?;
    if rules.rules.is_empty() {
        bail!("no rules loaded (check --rules and [rules] in the config)");
    }
    // An endpoint from the environment (`VIGIL_AWS_ENDPOINT_URL`) is not a target asked for.
    let endpoint_given =
        args.endpoint_url.is_some() && std::env::var_os("VIGIL_AWS_ENDPOINT_URL").is_none();
    let live = endpoint_given
        || !args.regions.is_empty()
        || args.profile.is_some()
        || !args.services.is_empty()
        || args.snapshot.is_some()
        || args.target != "aws";
    if (!args.templates.is_empty() && !live) || !args.terraform_plan.is_empty() {
        return super::templates::scan(&args, &cfg, &rules, fail_on);
    }
    let stats = std::sync::Arc::new(vigil::collect::ApiStats::default());
    let target = vigil::scan::resolve(&cfg, &args.target, &args.overrides(), stats)?;
    if !args.manifests.is_empty() {
        return scan_manifests(&args, &cfg, &rules, &target, fail_on);
    }
    if args.format == ScanFormat::Sarif {
        bail!("--format sarif locates findings in files: use it with --manifests, --templates or --terraform-plan (cloud and cluster scans print table or json)");
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
    for id in store.close_interrupted_scans(vigil::scan::INTERRUPTED)? {
        eprintln!("note: scan {id} was stopped before it was recorded whole; it is closed as such");
    }
    store.scrub_history()?;
    let redactor = store.redactor()?;
    let finish = if args.now.is_some() {
        vigil::scan::Finish::AtStart
    } else {
        vigil::scan::Finish::Now
    };
    let run = vigil::scan::ScanRun {
        target: &target.name,
        run_id: None,
        started,
        finish,
    };
    let store = tokio::sync::Mutex::new(store);
    let recorder = vigil::scan::stream::Recorder {
        store: &store,
        rules: &rules,
        params: cfg.params(),
        redactor: &redactor,
        run,
        keep: args.save_snapshot.is_some(),
        findings: true,
    };
    let streamed = record_streamed(&target, recorder)?;
    let declared_at = match args.templates.is_empty() {
        true => Default::default(),
        false => super::templates::declared_at(&args, &store.into_inner())?,
    };
    if let (Some(p), Some(kept)) = (&args.save_snapshot, &streamed.kept) {
        let text = serde_json::to_string_pretty(&kept.snapshot)?;
        std::fs::write(p, text).with_context(|| format!("writing snapshot {}", p.display()))?;
    }
    print_recorded(&args, &rules, streamed.recorded, declared_at, fail_on)
}

/// Collects a target and records it part by part (an organization's accounts as each is
/// read; see `vigil::scan::stream`), with a spinner on a terminal; prints each part's
/// problems and notes as it comes.
fn record_streamed(
    target: &vigil::scan::Target,
    recorder: vigil::scan::stream::Recorder,
) -> anyhow::Result<vigil::scan::stream::Streamed> {
    let spinner = match target.source.config() {
        vigil::collect::SourceConfig::Aws(_) => spinner("collecting AWS resources…"),
        vigil::collect::SourceConfig::Kubernetes(_) => spinner("collecting Kubernetes objects…"),
        _ => None,
    };
    let progress = |scope: &str| {
        if let Some(pb) = &spinner {
            pb.set_message(format!("collected {scope}"));
        }
    };
    let mut seen = |part: &vigil::collect::Collected| {
        let say = |line: String| match &spinner {
            Some(pb) => pb.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        };
        for p in &part.problems {
            say(format!("error: {p}"));
        }
        for n in &part.notes {
            say(format!("note: {n}"));
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = vigil::scan::stream::run(&rt, target, recorder, &progress, &mut seen);
    if let Some(pb) = &spinner {
        pb.finish_and_clear();
    }
    Ok(result?)
}

/// Prints a recorded scan (warnings to stderr, the result as a table or JSON) and returns
/// its exit code: 2 when nothing was collected, 1 when an open finding is at or above
/// `fail_on`.
fn print_recorded(
    args: &Args,
    rules: &vigil::policy::RuleSet,
    recorded: vigil::scan::Recorded,
    mut declared_at: std::collections::BTreeMap<String, vigil::iac::cfn::Origin>,
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
    if let Some(why) = &scan.stopped {
        eprintln!("warning: the scan stopped before every account was read: {why}");
    }
    for w in &recorded.unmatched_waivers {
        eprintln!(
            "warning: waiver {} ({} on {}) matches no finding: remove it with `vigil waive remove {}`",
            w.id, w.rule, w.resource, w.id
        );
    }
    let summary = report::summarize(&findings, life, rules.rules.len(), eval.evaluations);
    declared_at.retain(|id, _| findings.iter().any(|f| &f.resource_id == id));
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
                declared_at,
            };
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        ScanFormat::Table => {
            print!("{}", report::table(&scan, &findings, &summary));
            print!(
                "{}",
                report::templates::declared_at(&findings, &declared_at)
            );
        }
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
    target: &vigil::scan::Target,
    fail_on: Severity,
) -> anyhow::Result<ExitCode> {
    use vigil::collect::manifests;
    let now = Utc::now();
    // Nothing is kept from a manifest scan: a fresh key, whose hashes mean nothing later.
    let redactor = vigil::redact::Redactor::ephemeral();
    let rt = tokio::runtime::Builder::new_current_thread().build()?;
    let loaded = rt.block_on(vigil::scan::collect(target, &redactor, now, &|_: &str| {}))?;
    for e in &loaded.problems {
        eprintln!("error: {e}");
    }
    // No history: nothing in a file has been idle for any time yet.
    let eval = vigil::scan::evaluate(
        rules,
        cfg.params(),
        &loaded.snapshot,
        now,
        &Default::default(),
    )
    .eval;
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
        ScanFormat::Json => {
            let counts = loaded.files.unwrap_or_default();
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "manifests": {
                        "files": counts.files, "documents": counts.documents,
                        "resources": loaded.snapshot.resources.len(),
                        "skipped_objects": counts.skipped_objects,
                        "errors": loaded.problems,
                    },
                    "findings": findings,
                    "errors": {"rules": eval.errors},
                }))?
            )
        }
        ScanFormat::Table => print!("{}", report::manifests::table(&findings, &loaded)),
    }
    if !loaded.problems.is_empty() {
        return Ok(ExitCode::from(2));
    }
    let gate = eval.results.iter().any(|r| r.severity >= fail_on);
    Ok(ExitCode::from(if gate { 1 } else { 0 }))
}
