//! `vigil waive add|list|remove`: accept a finding's risk for a while.

use std::process::ExitCode;

use anyhow::bail;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::args::{actor, open, DbArgs};
use super::Format;
use vigil::model::Waiver;

#[derive(Debug, clap::Subcommand)]
pub enum WaiveCommand {
    /// Accept a finding's risk until a date.
    Add {
        /// Rule id (or pattern with `*`).
        #[arg(long)]
        rule: String,
        /// Resource id pattern with `*` wildcards.
        #[arg(long)]
        resource: String,
        /// Why the risk is accepted.
        #[arg(long)]
        reason: String,
        /// Who answers for it.
        #[arg(long)]
        owner: String,
        /// When it stops applying: YYYY-MM-DD (start of that day, UTC) or RFC 3339.
        #[arg(long)]
        expires: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Waivers in force and expired, with the findings each matches now.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Remove a waiver (it stays in the audit log).
    Remove {
        id: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// `YYYY-MM-DD` or RFC 3339 as an instant.
pub fn parse_when(s: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    }
    bail!("`{s}` is not a date (YYYY-MM-DD) or an RFC 3339 time")
}

pub fn waive(cmd: WaiveCommand, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    let stamp = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    match cmd {
        WaiveCommand::Add {
            rule,
            resource,
            reason,
            owner,
            expires,
            db,
        } => add(rule, resource, reason, owner, &expires, &db, config)?,
        WaiveCommand::List { format, db } => list(format, &db, config)?,
        WaiveCommand::Remove { id, db } => {
            let mut store = open(&db, config)?;
            let w = store.remove_waiver(id, &actor(), &stamp)?;
            println!("waiver {id} ({} on {}) removed", w.rule, w.resource);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `vigil waive add`: a waiver for a rule (pattern) a loaded or an earlier scan's rule
/// matches, with a reason, an owner and an expiry in the future (audited).
fn add(
    rule: String,
    resource: String,
    reason: String,
    owner: String,
    expires: &str,
    db: &DbArgs,
    config: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let stamp = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let expires = parse_when(expires)?;
    if expires <= now {
        bail!("--expires {} is in the past", expires.to_rfc3339());
    }
    if reason.trim().is_empty() || owner.trim().is_empty() {
        bail!("a waiver needs a --reason and an --owner");
    }
    let cfg = super::load_config(config)?;
    let rules = super::load_rules(&super::rule_sources(&cfg, &[], false))?;
    let mut store = open(db, config)?;
    let pattern = vigil::model::waiver::glob(&rule);
    // Rules loaded now, or seen by earlier scans (rules from `scan --rules DIR`).
    let known = store.known_rule_ids()?;
    if !rules.rules.iter().any(|r| pattern.is_match(&r.meta.id))
        && !known.iter().any(|r| pattern.is_match(r))
    {
        bail!("no rule matches `{rule}` (see `vigil rules list`)");
    }
    let w = Waiver {
        id: 0,
        rule,
        resource,
        reason,
        owner,
        expires_at: expires.to_rfc3339_opts(SecondsFormat::Secs, true),
        created_at: stamp,
        created_by: actor(),
    };
    let id = store.add_waiver(&w)?;
    let matched = store
        .waiver_matches(now)?
        .into_iter()
        .find(|(w, _)| w.id == id)
        .map_or(0, |(_, n)| n);
    println!(
        "waiver {id}: {} on {} until {} ({} finding(s) waived now)",
        w.rule, w.resource, w.expires_at, matched
    );
    if matched == 0 {
        eprintln!("warning: waiver {id} matches no open finding");
    }
    Ok(())
}

/// `vigil waive list`: every waiver in force or expired, with how many findings it matches.
fn list(format: Format, db: &DbArgs, config: Option<&std::path::Path>) -> anyhow::Result<()> {
    let now = Utc::now();
    let store = open(db, config)?;
    let counted = store.waiver_matches(now)?;
    let waivers: Vec<Waiver> = counted.iter().map(|(w, _)| w.clone()).collect();
    let matched = |id: i64| {
        counted
            .iter()
            .find(|(w, _)| w.id == id)
            .map_or(0, |(_, n)| *n)
    };
    match format {
        Format::Json => {
            let list: Vec<_> = waivers
                .iter()
                .map(|w| serde_json::json!({"waiver": w, "expired": w.expired(now), "matches": matched(w.id)}))
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        Format::Table => {
            if waivers.is_empty() {
                println!("No waivers.");
            }
            for w in &waivers {
                let n = matched(w.id);
                println!(
                    "{:<4} {:<8} {:<14} {:<44} {:<16} until {}  {}  {}",
                    w.id,
                    if w.expired(now) { "expired" } else { "active" },
                    w.rule,
                    w.resource,
                    w.owner,
                    w.expires_at,
                    if n == 0 {
                        "matches nothing".to_string()
                    } else {
                        format!("{n} finding(s)")
                    },
                    w.reason
                );
            }
        }
    }
    Ok(())
}
