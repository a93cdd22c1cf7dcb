//! `vigil bench`: evaluation speed and peak memory on a synthetic estate of mixed AWS types
//! or a synthetic Kubernetes cluster, with the whole rule pack.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chrono::Utc;

use vigil::policy::{self, EvalContext};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Estate {
    Aws,
    #[value(alias = "k8s")]
    Kubernetes,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which synthetic estate: AWS resources or a Kubernetes cluster.
    #[arg(long, value_enum, default_value = "aws")]
    pub estate: Estate,
    /// Number of synthetic resources.
    #[arg(long, default_value_t = 100_000)]
    pub resources: usize,
    /// Evaluation threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Also record the scan in a SQLite database at this path (measures the store).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Use the interpreter for every rule instead of the bytecode VM.
    #[arg(long)]
    pub interpreter: bool,
    /// Extra rule directory (repeatable), e.g. to measure your own rules.
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Do not load the bundled rule pack.
    #[arg(long)]
    pub no_bundled_rules: bool,
}

pub fn run(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let rules = super::load_rules(&super::rule_sources(
        &cfg,
        &args.rules,
        args.no_bundled_rules,
    ))?;
    let t0 = Instant::now();
    let snapshot = match args.estate {
        Estate::Aws => vigil::model::synthetic::estate(args.resources),
        Estate::Kubernetes => vigil::model::synthetic::cluster(args.resources),
    };
    let gen = t0.elapsed();
    let rss_after_generation = peak_rss_kb();
    let ctx = EvalContext {
        now: Utc::now(),
        params: cfg.params(),
        mode: if args.interpreter {
            policy::evaluate::EngineMode::Interpreter
        } else {
            Default::default()
        },
        threads: args.threads,
    };
    let t1 = Instant::now();
    let report = policy::evaluate(&rules, &snapshot, &ctx);
    let eval = t1.elapsed();
    println!("rules:            {}", rules.rules.len());
    println!("resources:        {}", snapshot.resources.len());
    println!("generated in:     {:.2?}", gen);
    println!(
        "evaluated in:     {:.2?} ({} rule evaluations, {} failing results, {} errors)",
        eval,
        report.evaluations,
        report.results.len(),
        report.errors.len()
    );
    println!(
        "resources/s:      {:.0}",
        snapshot.resources.len() as f64 / eval.as_secs_f64()
    );
    println!(
        "evaluations/s:    {:.0}",
        report.evaluations as f64 / eval.as_secs_f64()
    );
    if let Some(db) = &args.db {
        let mut store = vigil::store::Store::open(db)?;
        let t2 = Instant::now();
        let now = Utc::now().to_rfc3339();
        store.record_scan(&vigil::store::ScanInput {
            started_at: &now,
            finished_at: &now,
            target: "bench",
            snapshot: &snapshot,
            report: &report,
            rules_loaded: rules.rules.len(),
            rule_problems: Vec::new(),
        })?;
        println!("stored in:        {:.2?}", t2.elapsed());
    }
    let mut slow: Vec<_> = report.rule_time.iter().collect();
    slow.sort_by(|a, b| b.1.cmp(a.1));
    println!(
        "slowest rules (thread time): {}",
        slow.iter()
            .take(5)
            .map(|(r, d)| format!("{r} {d:.2?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let (Some(kb), Some(base)) = (peak_rss_kb(), rss_after_generation) {
        println!(
            "peak RSS:         {:.1} MB ({:.1} MB after generating the estate)",
            kb as f64 / 1024.0,
            base as f64 / 1024.0
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
