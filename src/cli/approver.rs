//! `vigil approver add|list`: who may approve plans, each with a TOTP secret.

use std::path::Path;
use std::process::ExitCode;

use vigil::remediate::approvers::Approvers;

#[derive(Debug, clap::Subcommand)]
pub enum ApproverCommand {
    /// Enroll an approver: prints their otpauth:// URI (and a QR code on a terminal) once.
    Add { name: String },
    /// The enrolled approvers' names.
    List,
}

pub fn approver(cmd: ApproverCommand, config: Option<&Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let mut a = Approvers::load(cfg.approvers.totp_file.as_deref(), cfg.approvers.totp_skew)?;
    match cmd {
        ApproverCommand::Add { name } => {
            let uri = a.add(&name)?;
            println!("{uri}");
            // On a terminal, the same URI as a QR code for the authenticator app to scan.
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                if let Ok(code) = qrcode::QrCode::new(uri.as_bytes()) {
                    let art = code
                        .render::<qrcode::render::unicode::Dense1x2>()
                        .quiet_zone(true)
                        .build();
                    eprintln!("{art}");
                }
            }
            eprintln!(
                "{name} is an approver. Add the URI above to their authenticator app now: it is not shown again."
            );
        }
        ApproverCommand::List => {
            for n in a.names() {
                println!("{n}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
