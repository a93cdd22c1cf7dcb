//! `vigil run`: the daemon.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// SQLite database. Default: config `storage.path`, else the user's data directory.
    #[arg(long, env = "VIGIL_DB")]
    pub db: Option<PathBuf>,
    /// Address of the HTTP server (default: config `daemon.listen`, else 127.0.0.1:8080).
    #[arg(long, env = "VIGIL_LISTEN")]
    pub listen: Option<String>,
    #[command(flatten)]
    pub rule_set: super::args::RulesArgs,
}

pub fn run(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let opts = vigil::daemon::Options {
        config: config.map(PathBuf::from),
        db: args.db,
        listen: args.listen,
        extra_rules: args.rule_set.rules,
        no_bundled_rules: args.rule_set.no_bundled_rules,
        default_db: super::default_db(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(vigil::daemon::run(opts));
    // Work still running after `run` returned (an abandoned evaluation) is not waited for.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(vigil::daemon::Error::Invalid(problems)) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!(
                "error: vigil run did not start: {} problem(s) in the config, rules or tokens",
                problems.len()
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
