//! The `vigil` binary: parses the command line, sets up logging, and hands each
//! subcommand to `cli`.

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
    let daemon = matches!(args.command, cli::Command::Run(_));
    let level = args
        .log_level
        .clone()
        .unwrap_or_else(|| if daemon { "info" } else { "warn" }.into());
    let directive = if level.contains('=') || level.contains(',') {
        level
    } else {
        format!("{level},aws_config=error,aws_smithy_runtime=error,tokio_cron_scheduler=warn")
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directive)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let json = match args.log_format {
        cli::LogFormat::Json => true,
        cli::LogFormat::Text => false,
        cli::LogFormat::Auto => {
            use std::io::IsTerminal as _;
            daemon && !std::io::stderr().is_terminal()
        }
    };
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        // One JSON object per line, with the current span (a scan's run id) on each.
        logs.json()
            .with_current_span(true)
            .with_span_list(false)
            .flatten_event(true)
            .init();
    } else {
        logs.init();
    }
    let config = args.config.as_deref();
    let result = match args.command {
        cli::Command::Run(a) => cli::run::run(a, config),
        cli::Command::Token(c) => cli::token::run(c),
        cli::Command::Scan(a) => cli::scan::run(*a, config),
        cli::Command::Rules(c) => cli::rules::run(c, config),
        cli::Command::Config(c) => cli::config::run(c, config),
        cli::Command::Bench(a) => cli::bench::run(a, config),
        cli::Command::Drift(a) => cli::drift::drift(a, config),
        cli::Command::Findings(c) => cli::findings::findings(c, config),
        cli::Command::Idle(a) => cli::idle::idle(a, config),
        cli::Command::Prune(a) => cli::prune::prune(a, config),
        cli::Command::Waive(c) => cli::waive::waive(c, config),
        cli::Command::Baseline(c) => cli::baseline::baseline(c, config),
        cli::Command::Plan(c) => cli::plan::plan(c, config),
        cli::Command::Approver(c) => cli::approver::approver(c, config),
        cli::Command::Audit(c) => cli::audit::audit(c, config),
        cli::Command::Notify(c) => cli::notify::notify(c, config),
        cli::Command::Report(a) => cli::report::report(*a, config),
        cli::Command::Keys(c) => cli::keys::keys(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
