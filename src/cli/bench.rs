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
    #[command(flatten)]
    pub rule_set: super::args::RulesArgs,
    /// Measure `vigil report` instead: the MODERATE posture and every format (and an
    /// evidence pack) of the latest scans in this database (one `vigil bench --db` made).
    #[arg(long, conflicts_with_all = ["db", "history"])]
    pub report: Option<PathBuf>,
    /// Record this many scans of the estate in `--db`, changing `--change` of the resources
    /// between scans, and report the database's growth (history storage cost).
    #[arg(long, requires = "db")]
    pub history: Option<usize>,
    /// Share of resources changed between two scans of `--history`.
    #[arg(long, default_value_t = 0.01)]
    pub change: f64,
    /// Measure an organization instead: this many synthetic AWS accounts of `--resources`
    /// each, recorded twice into `--db` through the scan's own path (each account evaluated
    /// and recorded as it comes, then dropped); prints time per account and peak RSS.
    #[arg(long, requires = "db", conflicts_with_all = ["history", "report"])]
    pub accounts: Option<usize>,
}

pub fn run(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let rules = args.rule_set.load(&cfg)?;
    if let Some(db) = &args.report {
        return report(db, &cfg, &rules);
    }
    if let Some(scans) = args.history {
        return history(&args, &cfg, &rules, scans);
    }
    if let Some(accounts) = args.accounts {
        return organization(&args, &cfg, &rules, accounts);
    }
    let t0 = Instant::now();
    let mut snapshot = match args.estate {
        Estate::Aws => vigil::collect::synthetic::estate(args.resources),
        Estate::Kubernetes => vigil::collect::synthetic::cluster(args.resources),
    };
    let gen = t0.elapsed();
    // Every collected snapshot goes through redaction before evaluation; its cost belongs
    // to a scan's.
    let t_redact = Instant::now();
    let redacted = vigil::redact::Redactor::ephemeral().snapshot(&mut snapshot);
    let redaction = t_redact.elapsed();
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
        idle_since: Default::default(),
    };
    let t1 = Instant::now();
    let report = policy::evaluate(&rules, &snapshot, &ctx);
    let eval = t1.elapsed();
    println!("rules:            {}", rules.rules.len());
    println!("resources:        {}", snapshot.resources.len());
    println!("generated in:     {:.2?}", gen);
    println!(
        "redacted in:      {:.2?} ({:.0} resources/s, {redacted} values replaced)",
        redaction,
        snapshot.resources.len() as f64 / redaction.as_secs_f64()
    );
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
        record(
            &mut store,
            &now,
            &snapshot,
            &report,
            &rules,
            &Default::default(),
        )?;
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

/// `--history`: the storage cost of keeping history.
fn history(
    args: &Args,
    cfg: &vigil::config::Config,
    rules: &vigil::policy::RuleSet,
    scans: usize,
) -> anyhow::Result<ExitCode> {
    use chrono::TimeZone as _;
    let db = args.db.as_ref().expect("clap requires --db");
    if db.exists() {
        anyhow::bail!("{} exists: --history measures a new database", db.display());
    }
    let mut store = vigil::store::Store::open(db)?;
    let mut snapshot = match args.estate {
        Estate::Aws => vigil::collect::synthetic::estate(args.resources),
        Estate::Kubernetes => vigil::collect::synthetic::cluster(args.resources),
    };
    let n = snapshot.resources.len();
    let per_scan = ((n as f64) * args.change).round() as usize;
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let t0 = Instant::now();
    let mut stored = std::time::Duration::ZERO;
    let mut sizes = Vec::new();
    for scan in 0..scans {
        if scan > 0 {
            // A different slice of the estate changes each time: a tag value and, for every
            // other one, a configuration field.
            for k in 0..per_scan {
                let i = (scan * per_scan * 7 + k * 13) % n;
                let r = &mut snapshot.resources[i];
                r.tags.insert("revision".into(), scan.to_string());
                if k % 2 == 0 {
                    if let Some(m) = r.config.as_object_mut() {
                        m.insert("BenchRevision".into(), serde_json::json!(scan));
                    }
                }
            }
        }
        let now = start + chrono::Duration::hours(scan as i64);
        let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let idle = vigil::idle::track(&snapshot, &store.idle_since()?, now);
        let ctx = EvalContext {
            now,
            params: cfg.params(),
            mode: Default::default(),
            threads: args.threads,
            idle_since: vigil::idle::context(&idle),
        };
        let report = policy::evaluate(rules, &snapshot, &ctx);
        let t = Instant::now();
        record(&mut store, &stamp, &snapshot, &report, rules, &idle)?;
        stored += t.elapsed();
        if scan == 0 || scan + 1 == scans || (scan + 1) % 25 == 0 {
            sizes.push((scan + 1, store.size_bytes()?));
        }
    }
    let total = t0.elapsed();
    println!("resources:        {n}, {per_scan} changed between scans");
    println!(
        "scans:            {scans} in {:.1?} (storing: {:.1?}, {:.0?} per scan)",
        total,
        stored,
        stored / scans as u32
    );
    for (s, b) in &sizes {
        println!("database after {:>4} scans: {:.1} MB", s, *b as f64 / 1e6);
    }
    println!(
        "resource versions: {}, drift events: {}",
        store.count("resource_versions")?,
        store.count("drift_events")?
    );
    Ok(ExitCode::SUCCESS)
}

/// `--accounts N`: an organization of N synthetic accounts through `scan::stream`, the path
/// `vigil scan` and the daemon record by (collection synthetic, one account made at a time
/// as a collector would finish it; redaction, evaluation and the store real), twice.
fn organization(
    args: &Args,
    cfg: &vigil::config::Config,
    rules: &vigil::policy::RuleSet,
    accounts: usize,
) -> anyhow::Result<ExitCode> {
    let db = args.db.as_ref().expect("clap requires --db");
    if db.exists() {
        anyhow::bail!(
            "{} exists: --accounts measures a new database",
            db.display()
        );
    }
    if args.estate != Estate::Aws {
        anyhow::bail!("--accounts measures AWS accounts (--estate aws)");
    }
    let store = tokio::sync::Mutex::new(vigil::store::Store::open(db)?);
    let redactor = vigil::redact::Redactor::ephemeral();
    let rt = tokio::runtime::Builder::new_current_thread().build()?;
    let per = args.resources;
    for round in ["first scan", "re-scan"] {
        let started = Utc::now();
        let (feed, intake) = vigil::scan::stream::channel();
        let recorder = vigil::scan::stream::Recorder {
            store: &store,
            rules,
            params: cfg.params(),
            redactor: &redactor,
            run: vigil::scan::ScanRun {
                target: "bench-organization",
                run_id: None,
                started,
                finish: vigil::scan::Finish::Now,
            },
            keep: false,
            findings: false,
        };
        let t0 = Instant::now();
        let mut arrivals: Vec<std::time::Duration> = Vec::with_capacity(accounts);
        let streamed = std::thread::scope(|s| {
            let arrivals = &mut arrivals;
            let recording = s.spawn(move || {
                let mut seen = |_: &vigil::collect::Collected| arrivals.push(t0.elapsed());
                vigil::scan::stream::record(recorder, intake, &mut seen, &|| None)
            });
            rt.block_on(async {
                for a in 0..accounts {
                    let id = format!("{:012}", 100_000_000_000u64 + a as u64);
                    let part = vigil::collect::Collected {
                        snapshot: vigil::collect::synthetic::estate_in(&id, per),
                        ..Default::default()
                    };
                    if !feed.part(part).await {
                        break;
                    }
                }
                feed.done();
            });
            recording.join().expect("the recording thread panicked")
        })?;
        let total = t0.elapsed();
        let rec = &streamed.recorded;
        let n = rec.scan.resources as f64;
        println!(
            "{round}: {accounts} accounts × {per} resources: {:.1?}, {:.0} resources/s; status {}, findings opened {} / still open {}, {} evaluations",
            total,
            n / total.as_secs_f64(),
            rec.scan.status.as_str(),
            rec.lifecycle.opened,
            rec.lifecycle.still_open,
            rec.eval.evaluations
        );
        // Linear time: the last tenth of the accounts takes as long as the first.
        let tenth = (accounts / 10).max(1);
        if arrivals.len() > 2 * tenth {
            let first = arrivals[tenth] - arrivals[0];
            let last = arrivals[arrivals.len() - 1] - arrivals[arrivals.len() - 1 - tenth];
            println!(
                "  per account: first tenth {:.1?}, last tenth {:.1?} (ratio {:.2})",
                first / tenth as u32,
                last / tenth as u32,
                last.as_secs_f64() / first.as_secs_f64()
            );
        }
    }
    if let Some(kb) = peak_rss_kb() {
        println!("peak RSS:         {:.1} MB", kb as f64 / 1024.0);
    }
    println!(
        "database:         {:.1} MB",
        store.blocking_lock().size_bytes()? as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Records a benchmark scan (target `bench`) at `at`.
fn record(
    store: &mut vigil::store::Store,
    at: &str,
    snapshot: &vigil::model::Snapshot,
    report: &vigil::policy::EvalReport,
    rules: &vigil::policy::RuleSet,
    idle: &std::collections::BTreeMap<String, vigil::idle::Idle>,
) -> anyhow::Result<()> {
    store.record_scan(&vigil::store::ScanInput {
        started_at: at,
        finished_at: at,
        target: "bench",
        snapshot,
        report,
        rules_loaded: rules.rules.len(),
        rule_problems: Vec::new(),
        run_id: None,
        idle,
    })?;
    Ok(())
}

/// `--report DB`: the posture of the database's latest scans and every format, timed, and
/// this process's peak RSS (the estate is not generated here).
fn report(
    db: &std::path::Path,
    cfg: &vigil::config::Config,
    rules: &vigil::policy::RuleSet,
) -> anyhow::Result<ExitCode> {
    use vigil::report::posture::{export, load};
    if !db.exists() {
        anyhow::bail!(
            "no database at {} (make one with `vigil bench --db {}`)",
            db.display(),
            db.display()
        );
    }
    let store = vigil::store::Store::open(db)?;
    let t0 = Instant::now();
    let sel = load::Selection {
        target: None,
        scan: None,
        trend: 10,
        accounts: Vec::new(),
    };
    let level = vigil::controls::Level::Moderate;
    let p = load::posture(&store, rules, &cfg.posture, level, &sel, Utc::now())?;
    let posture = t0.elapsed();
    let resources: i64 = p.scans.iter().map(|s| s.resources).sum();
    println!(
        "scans:            {} ({resources} resources, {} open or waived findings)",
        p.scans.len(),
        p.findings.len()
    );
    println!(
        "posture in:       {posture:.2?} ({} controls)",
        p.controls.len()
    );
    // Each format goes to a file, as `vigil report --output` writes it.
    let dir = tempfile::tempdir()?;
    if let Some(kb) = peak_rss_kb() {
        println!(
            "peak RSS:         {:.1} MB after the posture",
            kb as f64 / 1024.0
        );
    }
    let mut total = posture;
    use clap::ValueEnum as _;
    for f in export::Format::value_variants() {
        let path = dir.path().join(format!("report.{}", f.extension()));
        let t = Instant::now();
        vigil::report::stream::atomic(&path, |w| export::write(*f, &p, rules, None, "1.1.3", w))?;
        let d = t.elapsed();
        total += d;
        println!(
            "{:<17} {d:.2?} ({:.1} MB)",
            format!("{}:", f.name()),
            std::fs::metadata(&path)?.len() as f64 / 1e6
        );
        std::fs::remove_file(&path)?;
    }
    println!("posture + formats: {total:.2?}");
    if let Some(kb) = peak_rss_kb() {
        println!(
            "peak RSS:         {:.1} MB after the formats",
            kb as f64 / 1024.0
        );
    }
    let path = dir.path().join("bench.zip");
    let t = Instant::now();
    let pack = vigil::report::pack::make(&store, rules, &p, None, "bench", None, "1.1.3", &path)?;
    let d = t.elapsed();
    println!(
        "{:<17} {d:.2?} ({:.1} MB zip, {} files)",
        "pack:",
        pack.size as f64 / 1e6,
        pack.files
    );
    if let Some(kb) = peak_rss_kb() {
        println!(
            "peak RSS:         {:.1} MB after the pack",
            kb as f64 / 1024.0
        );
    }
    Ok(ExitCode::SUCCESS)
}
