//! `vigil rules list|test`.

use std::process::ExitCode;

use super::Format;
use vigil::policy::testing;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List rules: id, severity, controls, resource types.
    List(Common),
    /// Run every `test_*` rule of the `_test.rego` files.
    Test {
        #[command(flatten)]
        common: Common,
        /// Only tests whose name or file contains this text.
        #[arg(long)]
        filter: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct Common {
    #[command(flatten)]
    pub rule_set: super::args::RulesArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(cmd: Command, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    match cmd {
        Command::List(c) => list(&c, &cfg),
        Command::Test { common, filter } => test(&common, filter.as_deref(), &cfg),
    }
}

/// `vigil rules list`: the catalog; exit 1 when a rule file was skipped.
fn list(c: &Common, cfg: &vigil::config::Config) -> anyhow::Result<ExitCode> {
    let rules = super::load_rules(&super::rule_sources(
        cfg,
        &c.rule_set.rules,
        c.rule_set.no_bundled_rules,
    ))?;
    match c.format {
        Format::Json => {
            let list: Vec<_> = rules
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.meta.id, "title": r.meta.title, "severity": r.meta.severity,
                        "controls": r.meta.controls, "resource_types": r.meta.resource_types,
                        "remediation": r.meta.remediation, "file": r.file,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        Format::Table => print!("{}", vigil::report::rules::catalog_table(&rules)),
    }
    Ok(ExitCode::from(if rules.problems.is_empty() {
        0
    } else {
        1
    }))
}

/// `vigil rules test`: every `test_*` rule; exit 1 on a failure, a skipped file, or no test.
fn test(
    common: &Common,
    filter: Option<&str>,
    cfg: &vigil::config::Config,
) -> anyhow::Result<ExitCode> {
    let rules = super::load_rules(&super::rule_sources(
        cfg,
        &common.rule_set.rules,
        common.rule_set.no_bundled_rules,
    ))?;
    let outcomes = testing::run_tests(&rules, cfg.params(), filter);
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    let passed = outcomes.len() - failed.len();
    match common.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "passed": passed, "failed": failed.len(), "load_problems": rules.problems, "tests": outcomes,
            }))?
        ),
        Format::Table => print!("{}", vigil::report::rules::test_table(&rules, &outcomes)),
    }
    let ok = failed.is_empty() && rules.problems.is_empty() && !outcomes.is_empty();
    Ok(ExitCode::from(if ok { 0 } else { 1 }))
}
