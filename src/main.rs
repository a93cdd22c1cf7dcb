use std::process::ExitCode;

use clap::Parser as _;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let config = args.config.as_deref();
    let result = match args.command {
        cli::Command::Scan(a) => cli::scan::run(a, config),
        cli::Command::Rules(c) => cli::rules::run(c, config),
        cli::Command::Config(c) => cli::config::run(c, config),
        cli::Command::Bench(a) => cli::bench::run(a, config),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
