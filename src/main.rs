use std::process::ExitCode;

use clap::Parser as _;

mod cli;

fn main() -> ExitCode {
    // Like other Unix filters, stop quietly when the reader goes away (`vigil rules list | head`).
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = cli::Cli::parse();
    // The SDK's credential chain logs every provider it tries at WARN; vigil reports the
    // outcome itself, so keep those quiet unless asked for.
    let directive = if args.log_level.contains('=') || args.log_level.contains(',') {
        args.log_level.clone()
    } else {
        format!(
            "{},aws_config=error,aws_smithy_runtime=error",
            args.log_level
        )
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directive)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let config = args.config.as_deref();
    let result = match args.command {
        cli::Command::Scan(a) => cli::scan::run(*a, config),
        cli::Command::Rules(c) => cli::rules::run(c, config),
        cli::Command::Config(c) => cli::config::run(c, config),
        cli::Command::Bench(a) => cli::bench::run(a, config),
        cli::Command::Drift(a) => cli::history::drift(a, config),
        cli::Command::Findings(c) => cli::findings::findings(c, config),
        cli::Command::Idle(a) => cli::findings::idle(a, config),
        cli::Command::Prune(a) => cli::history::prune(a, config),
        cli::Command::Waive(c) => cli::findings::waive(c, config),
        cli::Command::Baseline(c) => cli::history::baseline(c, config),
        cli::Command::Audit(c) => cli::history::audit(c, config),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
