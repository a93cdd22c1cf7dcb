//! `vigil drift`: what changed between scans, or since an accepted baseline.

use std::process::ExitCode;

use anyhow::bail;

use super::args::{open, DbArgs};
use super::Format;
use vigil::store::DriftEvent;

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

fn print_drift(events: &[DriftEvent], format: Format, what: &str) -> anyhow::Result<()> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(events)?),
        Format::Table => print!("{}", vigil::report::drift::table(events, what)),
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
