//! `vigil plan propose|list|show|approve|reject|apply`: remediation plans.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{SecondsFormat, Utc};

use super::args::{actor, open, DbArgs, RulesArgs};
use super::Format;
use vigil::remediate::flow;
use vigil::remediate::select::Selection;
use vigil::remediate::{Plan, PlanState};
use vigil::store::Store;

#[derive(Debug, clap::Subcommand)]
pub enum PlanCommand {
    /// Group open findings into a plan of actions, for approval.
    Propose(ProposeArgs),
    /// Plans, newest first.
    List {
        /// Only plans in this state (repeatable).
        #[arg(long = "state")]
        states: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
    /// A plan in full: its findings, each action's preconditions and exact calls, approvals
    /// and the calls an apply made.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Approve a plan's hash, with a current TOTP code.
    Approve {
        id: i64,
        /// The plan's hash as `vigil plan show` prints it: what is approved.
        #[arg(long)]
        hash: String,
        /// The approver's current TOTP code.
        #[arg(long)]
        totp: String,
        /// Who approves (default: the OS user); an enrolled approver.
        #[arg(long = "as")]
        principal: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Reject a proposed plan.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long = "as")]
        principal: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Apply an approved plan with the remediation credentials; --dry-run reads every
    /// target again and says what would happen, writing nothing.
    Apply {
        id: i64,
        #[arg(long)]
        dry_run: bool,
        #[arg(long = "as")]
        principal: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["finding", "rule", "reaping"])))]
pub struct ProposeArgs {
    /// Finding ids (repeatable).
    #[arg(long, num_args = 1..)]
    finding: Vec<i64>,
    /// Rule id or pattern with `*`: its open findings.
    #[arg(long)]
    rule: Option<String>,
    /// With --rule: only resources whose id matches this pattern.
    #[arg(long, requires = "rule")]
    resource: Option<String>,
    /// The reaping candidates: open findings of the idle-resource rules.
    #[arg(long)]
    reaping: bool,
    /// A value for a tag the plan adds, KEY=VALUE (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Who requests the plan (default: the OS user). They can never approve it.
    #[arg(long = "as")]
    principal: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    #[command(flatten)]
    rules: RulesArgs,
    #[command(flatten)]
    db: DbArgs,
}

pub fn plan(cmd: PlanCommand, config: Option<&Path>) -> anyhow::Result<ExitCode> {
    match cmd {
        PlanCommand::Propose(a) => propose_cmd(a, config),
        PlanCommand::List { states, format, db } => {
            let states = states
                .iter()
                .map(|s| {
                    PlanState::parse(s).with_context(|| {
                        format!("unknown plan state `{s}` (known: {})", PlanState::names())
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let plans = open(&db, config)?.plans(&states)?;
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &plans
                            .iter()
                            .map(vigil::report::plans::json)
                            .collect::<Vec<_>>()
                    )?
                ),
                Format::Table => print!("{}", vigil::report::plans::table(&plans)),
            }
            Ok(ExitCode::SUCCESS)
        }
        PlanCommand::Show { id, format, db } => {
            print_plan(&get(&open(&db, config)?, id)?, format);
            Ok(ExitCode::SUCCESS)
        }
        PlanCommand::Approve {
            id,
            hash,
            totp,
            principal,
            format,
            db,
        } => approve(id, &hash, &totp, principal, format, &db, config),
        PlanCommand::Apply {
            id,
            dry_run,
            principal,
            format,
            db,
        } => apply(id, dry_run, principal, format, &db, config),
        PlanCommand::Reject {
            id,
            reason,
            principal,
            format,
            db,
        } => {
            let who = principal.unwrap_or_else(actor);
            let mut store = open(&db, config)?;
            let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
            let p = store.move_plan(
                id,
                PlanState::Rejected,
                &who,
                &now,
                Some(&reason),
                serde_json::json!({}),
            )?;
            print_plan(&p, format);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn get(store: &Store, id: i64) -> anyhow::Result<Plan> {
    store
        .plan(id)?
        .with_context(|| format!("no plan {id} in this database (`vigil plan list`)"))
}

fn print_plan(p: &Plan, format: Format) {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&vigil::report::plans::json(p)).expect("json")
        ),
        Format::Table => print!("{}", vigil::report::plans::detail(p)),
    }
}

fn propose_cmd(a: ProposeArgs, config: Option<&Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let rules = a.rules.load(&cfg)?;
    let mut store = super::args::open_with(&a.db, &cfg)?;
    let sel = if !a.finding.is_empty() {
        Selection::Findings(a.finding.clone())
    } else if let Some(rule) = a.rule.clone() {
        Selection::Rule {
            rule,
            resource: a.resource.clone(),
        }
    } else {
        Selection::Rules(rules.reaping_rules())
    };
    let mut tag_values = BTreeMap::new();
    for t in &a.tags {
        let (k, v) = t
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .with_context(|| format!("--tag `{t}`: expected KEY=VALUE"))?;
        tag_values.insert(k.to_string(), v.to_string());
    }
    let who = a.principal.unwrap_or_else(actor);
    let done = flow::propose_plan(&mut store, &cfg, &rules, &sel, &who, tag_values, Utc::now())?;
    if !done.skipped.is_empty() {
        eprintln!(
            "note: left out findings already in open plans: {}",
            done.skipped
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let id = done.id;
    if cfg.llm.provider != vigil::config::LlmProvider::None {
        let titles = vigil::llm::titles(&rules);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        if let Some(s) =
            rt.block_on(vigil::llm::summarize_now(&mut store, &cfg.llm, &titles, id))?
        {
            if let Some(r) = &s.reason {
                eprintln!("note: the plan carries the template summary: {r}");
            }
        }
    }
    print_plan(&get(&store, id)?, a.format);
    Ok(ExitCode::SUCCESS)
}

fn approve(
    id: i64,
    hash: &str,
    code: &str,
    principal: Option<String>,
    format: Format,
    db: &DbArgs,
    config: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let who = principal.unwrap_or_else(actor);
    let mut store = open(db, config)?;
    let ok = flow::approve_plan(&mut store, &cfg, id, &who, hash, code, Utc::now())?;
    let p = get(&store, id)?;
    match format {
        Format::Json => print_plan(&p, format),
        Format::Table => println!(
            "plan {id}: approved by {who} ({} of {} approvals); it is {}",
            ok.approvals, ok.required, ok.state
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn apply(
    id: i64,
    dry_run: bool,
    principal: Option<String>,
    format: Format,
    db: &DbArgs,
    config: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let who = principal.unwrap_or_else(actor);
    let mut store = open(db, config)?;
    // One writer at a time: a plan left `applying` under this lock was interrupted.
    let _lock = match vigil::store::lock::acquire(store.path()) {
        Err(vigil::store::lock::Error::Busy { db, holder }) => anyhow::bail!(
            "database {db} is in use by another vigil ({holder}): while `vigil run` holds it, apply through its API (POST /api/v1/plans/{id}/apply with an operator token), or stop it first"
        ),
        other => other?,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let done = rt.block_on(vigil::remediate::apply::apply(
        &mut store, &cfg, id, &who, dry_run,
    ))?;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "plan": vigil::report::plans::json(&done.plan),
                "checks": done.checks,
                "dry_run": done.dry_run,
            }))?
        ),
        Format::Table => {
            for c in &done.checks {
                match &c.problem {
                    None => println!(
                        "ok    action {} {}: as the plan expects",
                        c.action + 1,
                        c.target
                    ),
                    Some(p) => println!("STALE action {} {}: {p}", c.action + 1, c.target),
                }
            }
            if done.dry_run {
                println!(
                    "dry run: nothing written. `vigil plan apply {id}` would make these calls:"
                );
                for a in &done.plan.actions {
                    for c in &a.calls {
                        println!("  {c}");
                    }
                }
            } else {
                print!("{}", vigil::report::plans::detail(&done.plan));
            }
        }
    }
    Ok(match done.plan.state {
        PlanState::Failed | PlanState::PartiallyApplied => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}
