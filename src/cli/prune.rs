//! `vigil prune`: delete history older than the retention period.

use std::process::ExitCode;

use anyhow::bail;

use super::args::{actor, open, DbArgs};

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
