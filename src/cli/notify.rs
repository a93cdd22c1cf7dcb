//! `vigil notify test --to ADDRESS`: one mail through `[notify.smtp]`, and what the server
//! answered; `vigil notify outbox`: the mails waiting, sent and given up.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use super::args::DbArgs;

#[derive(Debug, clap::Subcommand)]
pub enum NotifyCommand {
    /// Send one test mail through [notify.smtp] and print the server's answer.
    Test {
        #[arg(long)]
        to: String,
    },
    /// The outbox: every mail the daemon queued, with its state and last error.
    Outbox {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn notify(cmd: NotifyCommand, config: Option<&Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    match cmd {
        NotifyCommand::Test { to } => {
            let smtp = cfg
                .notify
                .smtp
                .as_ref()
                .context("no [notify.smtp] in the config: nothing to send through")?;
            let mail = vigil::mail::test_mail(&to);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            // The transport (and its connection pool) lives and ends inside the runtime.
            let sent = rt.block_on(async {
                let sender = vigil::mail::smtp::Sender::new(smtp)?;
                sender.send(&mail).await
            });
            match sent {
                Ok(answer) => {
                    println!(
                        "{}:{} accepted the mail for {to}: {answer}",
                        smtp.host,
                        smtp.port()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!(
                        "error: {}:{} did not take the mail for {to}: {e}",
                        smtp.host,
                        smtp.port()
                    );
                    Ok(ExitCode::from(2))
                }
            }
        }
        NotifyCommand::Outbox { db } => {
            let store = super::args::open(&db, config)?;
            for q in store.outbox()? {
                println!(
                    "{:>5}  {:<7}  {:<18}  tries {}  to {}  {}{}",
                    q.id,
                    q.state,
                    q.mail.kind,
                    q.attempts,
                    q.mail.to.join(", "),
                    q.mail.subject,
                    q.last_error.map(|e| format!("  ({e})")).unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
