//! `vigil findings list|show`: findings with filters, or one with its history.

use std::process::ExitCode;

use anyhow::bail;
use chrono::Utc;

use super::args::{open, DbArgs};
use super::Format;
use vigil::model::Severity;
use vigil::store::{FilterQuery, FindingFilter};

#[derive(Debug, clap::Subcommand)]
pub enum FindingsCommand {
    /// Findings with filters (default: open, reopened and waived).
    List(ListArgs),
    /// One finding with its history.
    Show {
        /// Finding id (the first column of `findings list`).
        id: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// open, reopened, waived, resolved or all (repeatable).
    #[arg(long = "status")]
    pub statuses: Vec<String>,
    /// This severity and above.
    #[arg(long)]
    pub severity: Option<Severity>,
    /// Rule id.
    #[arg(long)]
    pub rule: Option<String>,
    /// NIST SP 800-53 control (AC-6, sc-28(1)).
    #[arg(long)]
    pub control: Option<String>,
    /// Resource id pattern, `*` wildcards (`arn:aws:s3:::*`, `k8s://prod/shop/*`).
    #[arg(long)]
    pub resource: Option<String>,
    /// AWS account id, or its name (an organization's or `[[collectors.aws.accounts]]`), or Kubernetes cluster name.
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn findings(
    cmd: FindingsCommand,
    config: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    match cmd {
        FindingsCommand::List(a) => {
            let filter = FindingFilter::parse(FilterQuery {
                statuses: a.statuses.clone(),
                severity: a.severity.map(|s| s.to_string()),
                rule: a.rule.clone(),
                control: a.control.clone(),
                resource: a.resource.clone(),
                account: a.account.clone(),
            })
            .map_err(anyhow::Error::msg)?;
            let store = open(&a.db, config)?;
            let list = store.findings(&filter, now)?;
            match a.format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&list)?),
                Format::Table => print!("{}", vigil::report::findings::list_table(&list)),
            }
        }
        FindingsCommand::Show { id, format, db } => {
            let store = open(&db, config)?;
            let Some((f, events)) = store.finding(id, now)? else {
                bail!("no finding {id} in this database");
            };
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"finding": f, "history": events})
                    )?
                ),
                Format::Table => print!("{}", vigil::report::findings::detail(&f, &events)),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
