//! `vigil config init|check`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use vigil::config::{self, Config};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write a commented config template (to stdout with `-`).
    Init {
        /// Where to write it.
        #[arg(default_value = "vigil.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Report every problem in a config file (and its rule directories) at once.
    Check {
        /// The file to check (default: --config).
        path: Option<PathBuf>,
    },
}

pub fn run(cmd: Command, global: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Init { path, force } => {
            if path.as_os_str() == "-" {
                print!("{}", config::TEMPLATE);
                return Ok(ExitCode::SUCCESS);
            }
            if path.exists() && !force {
                bail!("{} exists; pass --force to overwrite it", path.display());
            }
            std::fs::write(&path, config::TEMPLATE)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { path } => {
            let Some(path) = path.or(global.map(PathBuf::from)) else {
                bail!("which file? pass a path or --config FILE");
            };
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let file = path.display().to_string();
            let mut problems: Vec<String> = Vec::new();
            let mut targets = Vec::new();
            match Config::parse(&file, &text) {
                Ok(cfg) => {
                    targets = describe_targets(&cfg);
                    for d in &cfg.rules.dirs {
                        let source = vigil::policy::RuleSource::Dir(d.clone());
                        match vigil::policy::RuleSet::load(&[source]) {
                            Ok(rs) => problems.extend(rs.problems.iter().map(|p| p.to_string())),
                            Err(e) => problems.push(format!("{file}: rules.dirs: {e}")),
                        }
                    }
                }
                Err(config::Error::Invalid(ps)) => {
                    problems.extend(ps.iter().map(|p| p.to_string()))
                }
                Err(e) => problems.push(e.to_string()),
            }
            for p in &problems {
                println!("{p}");
            }
            if problems.is_empty() {
                println!("{file}: ok");
                for t in &targets {
                    println!("  {t}");
                }
                Ok(ExitCode::SUCCESS)
            } else {
                println!("{} problem(s)", problems.len());
                Ok(ExitCode::from(2))
            }
        }
    }
}

/// One line per target a scan can name (`vigil scan --target`, `[[schedules]] target`):
/// what it reads and when the daemon scans it.
fn describe_targets(cfg: &Config) -> Vec<String> {
    let when = |name: &str| {
        let crons: Vec<String> = cfg
            .schedules
            .iter()
            .filter(|s| Config::canonical_target(&s.target) == name)
            .map(|s| format!("`{}`", s.cron))
            .collect();
        if crons.is_empty() {
            "not scheduled".to_string()
        } else {
            format!("scheduled {}", crons.join(", "))
        }
    };
    let aws = &cfg.collectors.aws.targets;
    let clusters = &cfg.collectors.kubernetes.clusters;
    let names = |v: Vec<String>| v.join(", ");
    let mut out = vec!["targets:".to_string()];
    let base = &cfg.collectors.aws;
    // What an AWS target reads: its organization's members and listed accounts, or the one
    // account its credentials reach.
    let reach = |org: Option<&vigil::config::Organization>, listed: &[vigil::config::Account]| {
        let mut parts = Vec::new();
        if let Some(o) = org {
            let mut s = format!(
                "the active accounts of the organization, each through role {}",
                o.role_name
            );
            if !o.include.is_empty() {
                s += &format!(", only {}", o.include.join(", "));
            }
            if !o.exclude.is_empty() {
                s += &format!(", not {}", o.exclude.join(", "));
            }
            parts.push(s);
        }
        if !listed.is_empty() {
            parts.push(format!(
                "{} listed account{} ({})",
                listed.len(),
                if listed.len() == 1 { "" } else { "s" },
                listed
                    .iter()
                    .map(|a| a.name.clone().unwrap_or_else(|| a.id.clone()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        parts.join(" and ")
    };
    let via = match (base.source, &base.aggregator) {
        (vigil::config::AwsSource::Config, _) => {
            "; the types AWS Config records read from its configuration items".to_string()
        }
        (vigil::config::AwsSource::ConfigAggregator, Some(name)) => format!(
            "; the types AWS Config records read from aggregator {name}'s configuration items"
        ),
        _ => String::new(),
    };
    out.push(format!(
        "aws: {}{via} ({})",
        if aws.is_empty() && (base.organization.is_some() || !base.accounts.is_empty()) {
            reach(base.organization.as_ref(), &base.accounts)
        } else if aws.is_empty() {
            "the one AWS account [collectors.aws] reaches".to_string()
        } else {
            format!(
                "every AWS target together: {}",
                names(aws.iter().map(|t| t.name.clone()).collect())
            )
        },
        when("aws")
    ));
    out.push(format!(
        "kubernetes: {} ({})",
        if clusters.is_empty() {
            "the kubeconfig's current context (or the pod's service account)".to_string()
        } else {
            format!(
                "every cluster together: {}",
                names(
                    clusters
                        .iter()
                        .map(|c| c
                            .target_name()
                            .unwrap_or_else(|| "(current context)".into()))
                        .collect()
                )
            )
        },
        when("kubernetes")
    ));
    for t in aws {
        let org = t.organization.as_ref().or(base.organization.as_ref());
        let listed = if t.accounts.is_empty() {
            &base.accounts
        } else {
            &t.accounts
        };
        let what = if org.is_some() || !listed.is_empty() {
            format!(": {}", reach(org, listed))
        } else {
            String::new()
        };
        out.push(format!("{}: AWS target ({}){what}", t.name, when(&t.name)));
    }
    for n in clusters.iter().filter_map(|c| c.target_name()) {
        out.push(format!("{n}: Kubernetes cluster ({})", when(&n)));
    }
    out
}
