//! `vigil baseline`: accept a scan as the state drift is measured against.

use std::process::ExitCode;

use anyhow::Context as _;

use super::args::{actor, open, DbArgs};
use super::Format;

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
