//! `vigil scan`: collect (or read a snapshot), evaluate, store, report, exit by severity.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use chrono::{SecondsFormat, Utc};
use clap::ValueEnum;

use super::Format;
use vigil::collect::aws::{self, AwsOptions};
use vigil::model::{ScanStatus, Severity, Snapshot};
use vigil::policy::{self, EvalContext};
use vigil::report;
use vigil::store::{ScanInput, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    Aws,
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
    pub format: Format,
    /// Exit 1 when an open finding is at or above this severity (default: config, else high).
    #[arg(long)]
    pub fail_on: Option<Severity>,
    /// Write the collected snapshot to this file (JSON).
    #[arg(long)]
    pub save_snapshot: Option<PathBuf>,
    /// Evaluate this snapshot file instead of collecting (offline).
    #[arg(long, conflicts_with_all = ["regions", "endpoint_url", "profile", "services"])]
    pub snapshot: Option<PathBuf>,
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
    let started = Utc::now();
    let snapshot = match &args.snapshot {
        Some(p) => read_snapshot(p)?,
        None => collect(&args, &cfg, started)?,
    };
    if let Some(p) = &args.save_snapshot {
        let text = serde_json::to_string_pretty(&snapshot)?;
        std::fs::write(p, text).with_context(|| format!("writing snapshot {}", p.display()))?;
    }
    let ctx = EvalContext {
        now: started,
        params: cfg.params(),
        mode: Default::default(),
        threads: 0,
    };
    let eval = policy::evaluate(&rules, &snapshot, &ctx);
    for e in &eval.errors {
        eprintln!("warning: rule error: {e}");
    }
    let db_path = args
        .db
        .clone()
        .or(cfg.storage.path.clone())
        .unwrap_or_else(super::default_db);
    let mut store = Store::open(&db_path)?;
    let started_s = started.to_rfc3339_opts(SecondsFormat::Secs, true);
    let finished_s = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let target = match &args.snapshot {
        Some(p) => format!("snapshot:{}", p.display()),
        None => "aws".to_string(),
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
    })?;
    let scan = store.scan(scan_id)?.expect("scan just written");
    let findings = store.scan_findings(scan_id)?;
    let summary = report::summarize(&findings, life, rules.rules.len(), eval.evaluations);
    match args.format {
        Format::Json => {
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
        Format::Table => print!("{}", report::table(&scan, &findings, &summary)),
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
    let spinner = if std::io::stderr().is_terminal() {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message("collecting AWS resources…");
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        Some(pb)
    } else {
        None
    };
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
