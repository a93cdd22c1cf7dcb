//! `vigil idle`: idle resources, since when, their environment, and which are reaping
//! candidates ([`vigil::idle::reaping`]).

use std::process::ExitCode;

use super::args::{open, DbArgs};
use super::Format;

#[derive(Debug, clap::Args)]
pub struct IdleArgs {
    /// Only reaping candidates (idle longer than idle_hours in a reapable environment).
    #[arg(long)]
    pub candidates: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `vigil idle`: every resource vigil's history knows idle, since when, its environment, and
/// whether an idle rule reports it as a reaping candidate.
pub fn idle(args: IdleArgs, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let params = cfg.params();
    let store = open(&args.db, config)?;
    // The idle rules are those the rule set's METADATA marks `idle:`.
    let rules = super::load_rules(&super::rule_sources(&cfg, &[], false))?;
    let mut rows =
        vigil::idle::reaping::idle_rows(&store, &params, &rules.idle_rules(), chrono::Utc::now())?;
    if args.candidates {
        rows.retain(|r| r.candidate);
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
        Format::Table => {
            let hours = params
                .get("idle_hours")
                .and_then(|v| v.as_i64())
                .unwrap_or(72);
            print!("{}", vigil::report::idle::table(&rows, hours));
        }
    }
    Ok(ExitCode::SUCCESS)
}
