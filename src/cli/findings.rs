//! `vigil findings list|show` and `vigil waive add|list|remove`.

use std::process::ExitCode;

use anyhow::bail;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::history::{actor, open, DbArgs};
use super::Format;
use vigil::model::{FindingStatus, Severity, Waiver};
use vigil::report::short_id;
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
    /// AWS account id or Kubernetes cluster name.
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub db: DbArgs,
}

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
                Format::Table => {
                    if list.is_empty() {
                        println!("No findings match.");
                    } else {
                        println!(
                            "{:<6} {:<9} {:<9} {:<12} {:<44} {:<20} MESSAGE",
                            "ID", "STATUS", "SEVERITY", "RULE", "RESOURCE", "FIRST SEEN"
                        );
                    }
                    for f in &list {
                        let mut status = f.status.as_str().to_string();
                        if f.stale {
                            status.push('*');
                        }
                        let note = match &f.waiver {
                            Some(w) if w.expired => format!("[waiver {} expired] ", w.id),
                            Some(w) => format!("[waiver {}, {}] ", w.id, w.owner),
                            None => String::new(),
                        };
                        println!(
                            "{:<6} {:<9} {:<9} {:<12} {:<44} {:<20} {note}{}",
                            f.id,
                            status,
                            f.severity.to_string(),
                            f.rule_id,
                            short_id(&f.resource_id),
                            f.first_seen,
                            f.message
                        );
                    }
                    if !list.is_empty() {
                        println!("\n{} findings", list.len());
                    }
                }
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
                Format::Table => {
                    println!("finding {}: {} on {}", f.id, f.rule_id, f.resource_id);
                    println!(
                        "  status     {}{}",
                        f.status.as_str(),
                        if f.stale {
                            " (stale: its scope was not collected completely in the latest scan)"
                        } else {
                            ""
                        }
                    );
                    println!("  severity   {}", f.severity);
                    println!("  controls   {}", f.controls.join(", "));
                    println!("  message    {}", f.message);
                    if !f.path.is_empty() {
                        println!("  path       {}", f.path);
                    }
                    println!("  first seen {}", f.first_seen);
                    println!("  last seen  {}", f.last_seen);
                    if let Some(r) = &f.resolved_at {
                        println!("  resolved   {r}");
                    }
                    if let Some(w) = &f.waiver {
                        println!(
                            "  waiver     {} {} by {} until {}: {}",
                            w.id,
                            if w.expired { "EXPIRED" } else { "in force," },
                            w.owner,
                            w.expires_at,
                            w.reason
                        );
                    }
                    println!("  history");
                    for e in events {
                        println!("    scan {:<5} {:<9} {}", e.scan_id, e.event, e.at);
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
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
        } => {
            let expires = parse_when(&expires)?;
            if expires <= now {
                bail!("--expires {} is in the past", expires.to_rfc3339());
            }
            if reason.trim().is_empty() || owner.trim().is_empty() {
                bail!("a waiver needs a --reason and an --owner");
            }
            let cfg = super::load_config(config)?;
            let rules = super::load_rules(&super::rule_sources(&cfg, &[], false))?;
            let mut store = open(&db, config)?;
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
        }
        WaiveCommand::List { format, db } => {
            let store = open(&db, config)?;
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
        }
        WaiveCommand::Remove { id, db } => {
            let mut store = open(&db, config)?;
            let w = store.remove_waiver(id, &actor(), &stamp)?;
            println!("waiver {id} ({} on {}) removed", w.rule, w.resource);
        }
    }
    Ok(ExitCode::SUCCESS)
}

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
    let now = Utc::now();
    let findings = store.findings(
        &FindingFilter {
            statuses: vec![FindingStatus::Open, FindingStatus::Reopened],
            ..Default::default()
        },
        now,
    )?;
    let mut idle_rules: std::collections::HashMap<&str, Vec<&str>> = Default::default();
    for f in findings.iter().filter(|f| f.rule_id.starts_with("IDLE-")) {
        idle_rules
            .entry(f.resource_id.as_str())
            .or_default()
            .push(f.rule_id.as_str());
    }
    let env_keys = |param: &str| -> Vec<String> {
        params
            .get(param)
            .and_then(|v| v.as_object())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (tag_keys, label_keys) = (
        env_keys("reapable_tags"),
        env_keys("reapable_namespace_labels"),
    );
    let mut rows = Vec::new();
    for r in store.idle_resources()? {
        let since = DateTime::parse_from_rfc3339(&r.since)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        let hours = (now - since).num_hours();
        // AWS: the resource's tags; Kubernetes: its namespace's labels (a PV: its claim's).
        let labels = if r.resource_type.starts_with("K8s::") {
            let ns = r
                .document
                .pointer("/region")
                .or_else(|| r.document.pointer("/config/spec/claimRef/namespace"))
                .and_then(|v| v.as_str());
            match (ns, &r.account) {
                (Some(ns), Some(cluster)) => store
                    .document(&vigil::model::k8s::resource_id(
                        cluster,
                        None,
                        "core",
                        "Namespace",
                        ns,
                    ))?
                    .and_then(|d| d.get("tags").cloned())
                    .unwrap_or_default(),
                _ => serde_json::Value::Null,
            }
        } else {
            r.document.get("tags").cloned().unwrap_or_default()
        };
        let keys = if r.resource_type.starts_with("K8s::") {
            &label_keys
        } else {
            &tag_keys
        };
        let environment: Vec<String> = keys
            .iter()
            .filter_map(|k| {
                labels
                    .get(k)
                    .and_then(|v| v.as_str())
                    .map(|v| format!("{k}={v}"))
            })
            .collect();
        let rules: Vec<&str> = idle_rules
            .get(r.resource_id.as_str())
            .cloned()
            .unwrap_or_default();
        if args.candidates && rules.is_empty() {
            continue;
        }
        rows.push(serde_json::json!({
            "resource_id": r.resource_id, "resource_type": r.resource_type, "account": r.account,
            "idle_since": r.since, "idle_hours": hours, "reason": r.reason,
            "environment": environment, "candidate": !rules.is_empty(), "rules": rules,
        }));
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
        Format::Table => {
            if rows.is_empty() {
                println!("No idle resources.");
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{:<48} {:<21} {:>6} {:<30} {:<24} CANDIDATE",
                "RESOURCE", "IDLE SINCE", "HOURS", "WHY", "ENVIRONMENT"
            );
            for r in &rows {
                let rules: Vec<&str> = r["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|x| x.as_str())
                    .collect();
                println!(
                    "{:<48} {:<21} {:>6} {:<30} {:<24} {}",
                    short_id(r["resource_id"].as_str().unwrap_or_default()),
                    r["idle_since"].as_str().unwrap_or_default(),
                    r["idle_hours"],
                    r["reason"].as_str().unwrap_or_default(),
                    r["environment"]
                        .as_array()
                        .map(|a| a
                            .iter()
                            .filter_map(|x| x.as_str())
                            .collect::<Vec<_>>()
                            .join(","))
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "-".into()),
                    if rules.is_empty() {
                        "no".to_string()
                    } else {
                        format!("yes ({})", rules.join(", "))
                    }
                );
            }
            let n = rows.iter().filter(|r| r["candidate"] == true).count();
            println!(
                "\n{} idle resources, {n} reaping candidates (idle over {} h in a reapable environment)",
                rows.len(),
                params.get("idle_hours").and_then(|v| v.as_i64()).unwrap_or(72)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
