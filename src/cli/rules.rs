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
        Command::List(c) => {
            let rules = super::load_rules(&super::rule_sources(
                &cfg,
                &c.rule_set.rules,
                c.rule_set.no_bundled_rules,
            ))?;
            match c.format {
                Format::Json => {
                    let list: Vec<_> = rules.rules.iter().map(|r| serde_json::json!({
                        "id": r.meta.id, "title": r.meta.title, "severity": r.meta.severity,
                        "controls": r.meta.controls, "resource_types": r.meta.resource_types,
                        "remediation": r.meta.remediation, "file": r.file,
                    })).collect();
                    println!("{}", serde_json::to_string_pretty(&list)?);
                }
                Format::Table => {
                    println!(
                        "{:<12} {:<9} {:<44} {:<40} TITLE",
                        "ID", "SEVERITY", "CONTROLS", "RESOURCE TYPES"
                    );
                    let mut sorted: Vec<_> = rules.rules.iter().collect();
                    sorted.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
                    for r in sorted {
                        let controls = if r.meta.controls.len() > 4 {
                            format!(
                                "{} +{}",
                                r.meta.controls[..4].join(","),
                                r.meta.controls.len() - 4
                            )
                        } else {
                            r.meta.controls.join(",")
                        };
                        let types = if r.meta.resource_types.len() > 3 {
                            format!("{} types", r.meta.resource_types.len())
                        } else {
                            r.meta
                                .resource_types
                                .iter()
                                .map(|t| t.trim_start_matches("AWS::"))
                                .collect::<Vec<_>>()
                                .join(",")
                        };
                        println!(
                            "{:<12} {:<9} {:<44} {:<40} {}",
                            r.meta.id,
                            r.meta.severity.as_str(),
                            controls,
                            types,
                            r.meta.title
                        );
                    }
                    println!("\n{} rules", rules.rules.len());
                }
            }
            Ok(ExitCode::from(if rules.problems.is_empty() {
                0
            } else {
                1
            }))
        }
        Command::Test { common, filter } => {
            let rules = super::load_rules(&super::rule_sources(
                &cfg,
                &common.rule_set.rules,
                common.rule_set.no_bundled_rules,
            ))?;
            let outcomes = testing::run_tests(&rules, cfg.params(), filter.as_deref());
            let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
            let passed = outcomes.len() - failed.len();
            match common.format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "passed": passed, "failed": failed.len(), "load_problems": rules.problems, "tests": outcomes,
                    }))?
                ),
                Format::Table => {
                    for f in &failed {
                        println!(
                            "FAIL {}:{}: {}: {}",
                            f.file,
                            f.line,
                            f.name,
                            f.message.as_deref().unwrap_or("")
                        );
                    }
                    for p in &rules.problems {
                        println!("FAIL {p}");
                    }
                    let untested: Vec<_> = rules
                        .rules
                        .iter()
                        .filter(|r| {
                            let test = r.file.trim_end_matches(".rego").to_string() + "_test.rego";
                            !rules.tests.iter().any(|t| t.path == test)
                        })
                        .collect();
                    for r in &untested {
                        println!("warning: {} ({}) has no test file", r.meta.id, r.file);
                    }
                    println!(
                        "{} passed, {} failed",
                        passed,
                        failed.len() + rules.problems.len()
                    );
                }
            }
            Ok(ExitCode::from(
                if failed.is_empty() && rules.problems.is_empty() && !outcomes.is_empty() {
                    0
                } else {
                    1
                },
            ))
        }
    }
}
