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
    /// Compare the latest live scan with what these CloudFormation templates (files or
    /// directories) declare: managed, changed (attribute by attribute), missing, unmanaged.
    #[arg(long = "against-template", num_args = 1.., conflicts_with_all = ["since", "baseline"])]
    pub against_template: Vec<std::path::PathBuf>,
    /// Parameter values for --against-template, as `vigil scan --parameters` takes them.
    #[arg(long, requires = "against_template")]
    pub parameters: Option<std::path::PathBuf>,
    /// Compare the latest live scan with what these Terraform plans (`terraform show -json`)
    /// declare.
    #[arg(long = "against-plan", num_args = 1.., conflicts_with_all = ["since", "baseline"])]
    pub against_plan: Vec<std::path::PathBuf>,
    /// The Terraform configuration's directory, for the file and line of each resource.
    #[arg(long = "terraform-dir", requires = "against_plan")]
    pub terraform_dir: Option<std::path::PathBuf>,
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

/// Drift against the code: exit 2 when a template or plan could not be read.
fn against_code(args: &DriftArgs, store: &vigil::store::Store) -> anyhow::Result<ExitCode> {
    let loaded = super::templates::read_code(
        &args.against_template,
        args.parameters.as_deref(),
        &args.against_plan,
        args.terraform_dir.as_deref(),
    )?;
    if store.latest_scan(None)?.is_none() {
        bail!("the database holds no scan yet: run `vigil scan` first");
    }
    let live = store.current_resources()?;
    let covered = store.covered_types()?;
    let (mut rows, summary) = vigil::iac::drift::compare(&loaded, &live, &covered);
    if let Some(p) = &args.resource {
        let re = vigil::model::waiver::glob(p);
        rows.retain(|r| r.live.as_deref().is_some_and(|id| re.is_match(id)));
    }
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "resources": rows,
                "summary": summary,
                "errors": loaded.errors,
            }))?
        ),
        Format::Table => print!("{}", vigil::report::drift::against_code(&rows, &summary)),
    }
    Ok(ExitCode::from(if loaded.errors.is_empty() { 0 } else { 2 }))
}

pub fn drift(args: DriftArgs, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let store = open(&args.db, config)?;
    if !args.against_template.is_empty() || !args.against_plan.is_empty() {
        return against_code(&args, &store);
    }
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
