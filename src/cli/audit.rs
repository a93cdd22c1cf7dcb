//! `vigil audit`: verify or list the hash-chained audit log.

use std::process::ExitCode;

use super::args::{open, DbArgs};
use super::Format;

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
