//! `vigil token new`: a random API token and the hashed entry that grants it.

use std::process::ExitCode;

use vigil::daemon::auth::{self, Role};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Make a token: the token goes to standard output (once), its hashed entry to stderr.
    New(NewArgs),
    /// Print the SHA-256 of a token read from standard input (to check an entry).
    Hash,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// Who or what holds the token (shown in logs, never the token).
    #[arg(long)]
    pub name: String,
    /// viewer (read), operator (also start scans), admin (also reload).
    #[arg(long, value_parser = ["viewer", "operator", "admin"])]
    pub role: String,
    /// The holder may also approve remediation plans (with a TOTP code from
    /// `vigil approver add NAME`); no role implies it.
    #[arg(long)]
    pub approver: bool,
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::New(a) => {
            if a.name.is_empty()
                || a.name.contains([':', ',', '"', '\n'])
                || a.name.contains(char::is_whitespace)
            {
                anyhow::bail!("--name `{}`: use letters, digits, `-`, `_` or `.`", a.name);
            }
            let role = Role::parse(&a.role).expect("clap checked the role");
            let token =
                auth::new_token().map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
            let sha = auth::hash(&token);
            eprintln!("# Add to the tokens file (daemon.tokens_file):");
            eprintln!(
                "[[tokens]]\nname = \"{}\"\nrole = \"{}\"\nsha256 = \"{sha}\"{}",
                a.name,
                role.as_str(),
                if a.approver { "\napprover = true" } else { "" }
            );
            eprintln!(
                "# or to VIGIL_API_TOKENS: {}:{}{}:{sha}",
                a.name,
                role.as_str(),
                if a.approver { "+approver" } else { "" }
            );
            eprintln!(
                "# The token is printed once, on standard output; vigil keeps only its hash."
            );
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Hash => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            println!("{}", auth::hash(line.trim()));
            Ok(ExitCode::SUCCESS)
        }
    }
}
