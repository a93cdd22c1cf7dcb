//! Command-line interface: one file per subcommand, and `args` for the arguments several
//! share (`--db`, `--rules`). Subcommands parse arguments, call the library and print what
//! `vigil::report` renders.

pub mod approver;
pub mod args;
pub mod audit;
pub mod baseline;
pub mod bench;
pub mod config;
pub mod drift;
pub mod findings;
pub mod idle;
pub mod keys;
pub mod notify;
pub mod plan;
pub mod prune;
pub mod report;
pub mod rules;
pub mod run;
pub mod scan;
pub mod templates;
pub mod token;
pub mod waive;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};

use vigil::config::Config;
use vigil::policy::{RuleSet, RuleSource};

#[derive(Debug, Parser)]
#[command(
    name = "vigil",
    version,
    about = "Compliance and drift scanning for AWS accounts and Kubernetes clusters, with Rego rules mapped to NIST SP 800-53 Rev. 5"
)]
pub struct Cli {
    /// Config file (TOML). Default: $VIGIL_CONFIG, else ~/.config/vigil/config.toml if it exists.
    #[arg(long, global = true, env = "VIGIL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log level: error, warn, info, debug, trace (or a tracing filter). Default: info for
    /// `run`, warn otherwise.
    #[arg(long, global = true, env = "VIGIL_LOG")]
    pub log_level: Option<String>,
    /// Log format. auto: JSON lines for `run` when stderr is not a terminal, text otherwise.
    #[arg(
        long,
        global = true,
        env = "VIGIL_LOG_FORMAT",
        value_enum,
        default_value = "auto"
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Auto,
    Json,
    Text,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run as a service: scheduled scans, HTTP health, metrics and API.
    Run(run::Args),
    /// Collect, evaluate and store one scan; print its findings.
    Scan(Box<scan::Args>),
    /// Make API tokens for `vigil run`.
    #[command(subcommand)]
    Token(token::Command),
    /// List or test rules.
    #[command(subcommand)]
    Rules(rules::Command),
    /// Write a config template or check a config file.
    #[command(subcommand)]
    Config(config::Command),
    /// List findings with filters, or show one with its history.
    #[command(subcommand)]
    Findings(findings::FindingsCommand),
    /// Accept a finding's risk for a while: add, list or remove waivers.
    #[command(subcommand)]
    Waive(waive::WaiveCommand),
    /// Idle resources: since when, their environment, and which are reaping candidates.
    Idle(idle::IdleArgs),
    /// Delete history older than the retention period.
    Prune(prune::PruneArgs),
    /// What changed between scans, or since an accepted baseline.
    Drift(drift::DriftArgs),
    /// Accept a scan as the baseline drift is measured against.
    #[command(subcommand)]
    Baseline(baseline::BaselineCommand),
    /// Remediation plans: propose, list, show, approve, reject, apply.
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Enroll the approvers of plans (TOTP).
    #[command(subcommand)]
    Approver(approver::ApproverCommand),
    /// Mail: send a test mail through [notify.smtp]; read the outbox.
    #[command(subcommand)]
    Notify(notify::NotifyCommand),
    /// Verify or list the hash-chained audit log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// NIST SP 800-53 baseline posture: HTML, Markdown, CSV, JSON, OSCAL, SARIF, OCSF and
    /// signed evidence packs; `report verify PACK.zip` checks a pack.
    Report(Box<report::Args>),
    /// Signing keys for evidence packs.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Measure evaluation speed and memory on a synthetic estate.
    Bench(bench::Args),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
}

/// Loads the config: an explicit file must exist; the default location is optional.
pub fn load_config(explicit: Option<&Path>) -> anyhow::Result<Config> {
    if let Some(p) = explicit {
        return Ok(Config::load(p)?);
    }
    if let Some(dirs) = directories::ProjectDirs::from("", "", "vigil") {
        let p = dirs.config_dir().join("config.toml");
        if p.is_file() {
            return Config::load(&p).with_context(|| format!("default config {}", p.display()));
        }
    }
    Ok(Config::default())
}

/// Rule sources in order: the bundled pack (unless disabled), config dirs, then `--rules`.
pub fn rule_sources(cfg: &Config, extra: &[PathBuf], no_bundled: bool) -> Vec<RuleSource> {
    cfg.rule_sources(extra, no_bundled)
}

pub fn load_rules(sources: &[RuleSource]) -> anyhow::Result<RuleSet> {
    let rules = RuleSet::load(sources)?;
    for p in &rules.problems {
        eprintln!("warning: skipped rule file: {p}");
    }
    Ok(rules)
}

/// Default database path: `vigil.db` in the user's data directory.
pub fn default_db() -> PathBuf {
    directories::ProjectDirs::from("", "", "vigil")
        .map(|d| d.data_dir().join("vigil.db"))
        .unwrap_or_else(|| PathBuf::from("vigil.db"))
}
