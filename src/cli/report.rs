//! `vigil report`: the NIST baseline posture of the latest scans (or one past scan) in a
//! format auditors and tools read.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;

use super::args::{actor, open, DbArgs, RulesArgs};
use vigil::controls::Level;
use vigil::report::posture::{self, load::Selection};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<ReportCommand>,
    #[command(flatten)]
    pub export: ExportArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// NIST SP 800-53 baseline: low, moderate or high. Default: config `posture.baseline`,
    /// else moderate.
    #[arg(long, value_parser = parse_level)]
    pub baseline: Option<Level>,
    /// Only this target's scans (`aws`, `kubernetes`).
    #[arg(long)]
    pub target: Option<String>,
    /// Report this scan instead of the latest complete one per target.
    #[arg(long)]
    pub scan: Option<i64>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: ReportFormat,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// A directory with your own `posture.html.j2` / `posture.md.j2` (minijinja); the
    /// bundled ones are in reports/templates/.
    #[arg(long)]
    pub template: Option<PathBuf>,
    /// Scans per target in the trend.
    #[arg(long, default_value_t = 10)]
    pub trend: usize,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML page (print it to PDF from a browser).
    Html,
    /// The posture model itself.
    Json,
    /// Markdown, for CI job summaries and pull-request comments.
    Md,
    /// One row per control × rule × failing resource (and per control × rule).
    Csv,
}

impl ReportFormat {
    fn name(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Json => "json",
            ReportFormat::Md => "md",
            ReportFormat::Csv => "csv",
        }
    }
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| format!("unknown baseline `{s}` (known: low, moderate, high)"))
}

pub fn report(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    if let Some(cmd) = args.command {
        match cmd {}
    }
    let a = args.export;
    let cfg = super::load_config(config)?;
    let rules = super::load_rules(&super::rule_sources(
        &cfg,
        &a.rules.rules,
        a.rules.no_bundled_rules,
    ))?;
    let mut store = open(&a.db, config)?;
    let level = a.baseline.unwrap_or_else(|| cfg.posture.level());
    let sel = Selection {
        target: a.target.clone(),
        scan: a.scan,
        trend: a.trend,
    };
    let p = posture::load::posture(&store, &rules, &cfg.posture, level, &sel, Utc::now())?;
    let body = match a.format {
        ReportFormat::Html => vigil::report::posture::render::html(&p, a.template.as_deref())?,
        ReportFormat::Json => serde_json::to_string_pretty(&p)? + "\n",
        ReportFormat::Md => vigil::report::posture::render::markdown(&p, a.template.as_deref())?,
        ReportFormat::Csv => vigil::report::posture::csv::render(&p)?,
    };
    match &a.output {
        Some(path) => {
            std::fs::write(path, &body).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{body}"),
    }
    let scans: Vec<i64> = p.scans.iter().map(|s| s.id).collect();
    store.audit_event(
        &actor(),
        "report.export",
        &format!("posture/{}", p.baseline),
        &serde_json::json!({
            "format": a.format.name(),
            "scans": scans,
            "sha256": vigil::report::posture::sha256(body.as_bytes()),
            "output": a.output.as_ref().map(|p| p.display().to_string()),
        }),
    )?;
    Ok(ExitCode::SUCCESS)
}
