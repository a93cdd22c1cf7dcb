//! `vigil keys new`: an Ed25519 key that signs evidence packs.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};

#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// Make a signing key: the secret key (PKCS#8 PEM, mode 0600) and its public key
    /// (minisign's format) beside it as KEY.pub.
    New {
        /// Where to write the secret key.
        #[arg(long, default_value = "vigil-signing.key")]
        out: PathBuf,
    },
}

pub fn keys(cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    let KeysCommand::New { out } = cmd;
    if out.exists() {
        bail!("{} exists: not overwriting a key", out.display());
    }
    let (pem, key) = vigil::report::pack::sign::SigningKey::generate();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(&out)
        .with_context(|| format!("writing {}", out.display()))?;
    f.write_all(pem.as_bytes())?;
    let public = key.public();
    let pub_path = out.with_extension("pub");
    std::fs::write(&pub_path, public.to_minisign())
        .with_context(|| format!("writing {}", pub_path.display()))?;
    eprintln!(
        "secret key: {} (mode 0600; keep it where `vigil report --pack --sign` runs)",
        out.display()
    );
    eprintln!(
        "public key: {} (key id {}); publish it where auditors can fetch it",
        pub_path.display(),
        public.id_hex()
    );
    print!("{}", public.to_minisign());
    Ok(ExitCode::SUCCESS)
}
