//! `vigil drift`, `vigil baseline`, `vigil audit`: what changed, against what, and who did what.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};

use super::Format;
use vigil::report::short_id;
use vigil::store::{DriftEvent, Store};

#[derive(Debug, clap::Args)]
pub struct DbArgs {
    /// SQLite database. Default: config `storage.path`, else the user's data directory.
    #[arg(long, env = "VIGIL_DB")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DriftArgs {
    /// Changes after this scan (default: the changes the latest scan found).
    #[arg(long, conflicts_with = "baseline")]
    pub since: Option<i64>,
    /// How the current state differs from each accepted baseline instead.
    #[arg(long)]
    pub baseline: bool,
    /// Only resources whose id matches this pattern (`*` wildcards).
    #[arg(long)]
    pub resource: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum BaselineCommand {
    /// Accept a scan (default: the latest) as its target's baseline.
    Accept {
        /// Scan id.
        scan: Option<i64>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Show the accepted baselines.
    Show {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain: an edited or deleted entry is reported (exit 1).
    Verify {
        /// A head hash printed by an earlier verify: it must still be in the log (detects a
        /// removed tail).
        #[arg(long)]
        head: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List the audit log, oldest first.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// Delete history older than this many days (default: `storage.retention_days`).
    #[arg(long)]
    pub older_than: Option<u32>,
    /// Only say what would go.
    #[arg(long)]
    pub dry_run: bool,
    /// Then rewrite the file to give the freed space back to the filesystem.
    #[arg(long)]
    pub vacuum: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn prune(args: PruneArgs, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let Some(days) = args.older_than.or(cfg.storage.retention_days) else {
        bail!("how much history to keep? pass --older-than DAYS or set storage.retention_days");
    };
    let mut store = open(&args.db, config)?;
    // A prune deletes in bulk: not while a daemon or a scan writes (a dry run only reads).
    let _lock = if args.dry_run {
        None
    } else {
        Some(vigil::store::lock::acquire(store.path())?)
    };
    let now = chrono::Utc::now();
    let cutoff = (now - chrono::Duration::days(i64::from(days)))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let before = store.size_bytes()?;
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let p = store.prune(&cutoff, &actor(), &stamp, args.dry_run)?;
    println!(
        "{} history before {cutoff}: {} scans (with their drift events), {} superseded resource versions, {} removed resources, {} resolved findings",
        if args.dry_run { "would prune" } else { "pruned" },
        p.scans,
        p.resource_versions,
        p.removed_resources,
        p.resolved_findings
    );
    if args.vacuum && !args.dry_run {
        store.vacuum()?;
    }
    println!(
        "database: {:.1} MB in use before, {:.1} MB after",
        before as f64 / 1e6,
        store.size_bytes()? as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}

/// Who is acting: the operating-system user.
pub fn actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        // SAFETY: getuid has no preconditions and cannot fail.
        .unwrap_or_else(|_| format!("uid:{}", unsafe { libc::getuid() }))
}

pub fn open(db: &DbArgs, config: Option<&std::path::Path>) -> anyhow::Result<Store> {
    let cfg = super::load_config(config)?;
    let path = db
        .db
        .clone()
        .or(cfg.storage.path.clone())
        .unwrap_or_else(super::default_db);
    if !path.exists() {
        bail!(
            "no database at {} (run `vigil scan` first, or pass --db)",
            path.display()
        );
    }
    Ok(Store::open(&path)?)
}

fn value(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 40 {
                let mut t: String = s.chars().take(39).collect();
                t.push('…');
                t
            } else {
                s
            }
        }
    }
}

fn print_drift(events: &[DriftEvent], format: Format, what: &str) -> anyhow::Result<()> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(events)?),
        Format::Table => {
            if events.is_empty() {
                println!("No drift {what}.");
                return Ok(());
            }
            println!(
                "{:<5} {:<9} {:<48} {:<44} BEFORE → AFTER",
                "SCAN", "CHANGE", "RESOURCE", "PATH"
            );
            for e in events {
                let id = short_id(&e.resource_id);
                if e.changes.is_empty() {
                    println!("{:<5} {:<9} {:<48}", e.scan_id, e.change.as_str(), id);
                }
                for c in &e.changes {
                    println!(
                        "{:<5} {:<9} {:<48} {:<44} {} → {}",
                        e.scan_id,
                        e.change.as_str(),
                        id,
                        c.path,
                        value(&c.before),
                        value(&c.after)
                    );
                }
            }
            let count = |k: vigil::drift::Kind| events.iter().filter(|e| e.change == k).count();
            println!(
                "\n{} resources changed {what}: {} added, {} removed, {} modified",
                events.len(),
                count(vigil::drift::Kind::Added),
                count(vigil::drift::Kind::Removed),
                count(vigil::drift::Kind::Modified)
            );
        }
    }
    Ok(())
}

pub fn drift(args: DriftArgs, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let store = open(&args.db, config)?;
    if args.baseline {
        let baselines = store.baselines()?;
        if baselines.is_empty() {
            bail!("no baseline accepted yet: run `vigil baseline accept [SCAN]`");
        }
        let mut all = Vec::new();
        for b in &baselines {
            let mut events = store.drift_from_baseline(b)?;
            if let Some(p) = &args.resource {
                let re = vigil::model::waiver::glob(p);
                events.retain(|e| re.is_match(&e.resource_id));
            }
            all.extend(events);
        }
        let what = baselines
            .iter()
            .map(|b| format!("scan {} ({})", b.scan_id, b.target))
            .collect::<Vec<_>>()
            .join(", ");
        print_drift(&all, args.format, &format!("since the baseline {what}"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(latest) = store.latest_scan(None)? else {
        bail!("the database holds no scan yet");
    };
    let since = args.since.unwrap_or(latest - 1);
    let events = store.drift_since(since, args.resource.as_deref())?;
    let what = if args.since.is_some() {
        format!("after scan {since}")
    } else {
        format!("in scan {latest}")
    };
    print_drift(&events, args.format, &what)?;
    Ok(ExitCode::SUCCESS)
}

pub fn baseline(
    cmd: BaselineCommand,
    config: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    match cmd {
        BaselineCommand::Accept { scan, db } => {
            let mut store = open(&db, config)?;
            let scan = match scan {
                Some(s) => s,
                None => store
                    .latest_scan(None)?
                    .context("the database holds no scan yet")?,
            };
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let b = store.accept_baseline(scan, &actor(), &now)?;
            println!(
                "scan {} is now the baseline of {} (accepted {})",
                b.scan_id, b.target, b.accepted_at
            );
        }
        BaselineCommand::Show { format, db } => {
            let store = open(&db, config)?;
            let b = store.baselines()?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&b)?),
                Format::Table => {
                    if b.is_empty() {
                        println!("No baseline accepted yet.");
                    }
                    for b in b {
                        println!(
                            "{:<24} scan {:<6} accepted {}",
                            b.target, b.scan_id, b.accepted_at
                        );
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn audit(cmd: AuditCommand, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify { head, format, db } => {
            let store = open(&db, config)?;
            let mut check = store.verify_audit()?;
            if let Some(h) = head {
                if !store.audit_entries()?.iter().any(|e| e.hash == h) {
                    check.problems.push(format!(
                        "the head {h} recorded earlier is no longer in the log: entries were removed from its end"
                    ));
                }
            }
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&check)?),
                Format::Table => {
                    for p in &check.problems {
                        println!("TAMPERED  {p}");
                    }
                    if check.problems.is_empty() {
                        println!(
                            "audit log intact: {} entries, head {}",
                            check.entries, check.head
                        );
                    } else {
                        println!(
                            "audit log NOT intact: {} problem(s) in {} entries",
                            check.problems.len(),
                            check.entries
                        );
                    }
                }
            }
            Ok(ExitCode::from(if check.problems.is_empty() {
                0
            } else {
                1
            }))
        }
        AuditCommand::List { format, db } => {
            let store = open(&db, config)?;
            let entries = store.audit_entries()?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&entries)?),
                Format::Table => {
                    for e in &entries {
                        println!(
                            "{:<5} {:<20} {:<12} {:<18} {:<24} {}",
                            e.id, e.at, e.actor, e.action, e.subject, e.details
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
