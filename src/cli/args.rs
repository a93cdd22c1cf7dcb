//! Arguments several subcommands share, and opening the database they name.

use std::path::{Path, PathBuf};

use anyhow::bail;

use vigil::store::Store;

#[derive(Debug, clap::Args)]
pub struct DbArgs {
    /// SQLite database. Default: config `storage.path`, else the user's data directory.
    #[arg(long, env = "VIGIL_DB")]
    pub db: Option<PathBuf>,
}

/// Rule sources beyond the config's: `--rules DIR` (repeatable) and `--no-bundled-rules`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RulesArgs {
    /// Extra rule directory (repeatable)
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Do not load the bundled rule pack
    #[arg(long)]
    pub no_bundled_rules: bool,
}

/// Who is acting: the operating-system user.
pub fn actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        // SAFETY: getuid has no preconditions and cannot fail.
        .unwrap_or_else(|_| format!("uid:{}", unsafe { libc::getuid() }))
}

impl RulesArgs {
    /// The config's rule sources with these over them, loaded (every problem reported).
    pub fn load(&self, cfg: &vigil::config::Config) -> anyhow::Result<vigil::policy::RuleSet> {
        super::load_rules(&super::rule_sources(
            cfg,
            &self.rules,
            self.no_bundled_rules,
        ))
    }
}

pub fn open(db: &DbArgs, config: Option<&Path>) -> anyhow::Result<Store> {
    open_with(db, &super::load_config(config)?)
}

/// Opens the database `--db` names, else the config's, which must exist.
pub fn open_with(db: &DbArgs, cfg: &vigil::config::Config) -> anyhow::Result<Store> {
    let path = db
        .db
        .clone()
        .or(cfg.storage.path.clone())
        .unwrap_or_else(super::default_db);
    if !path.exists() {
        bail!(
            "no database at {} (run `vigil scan` first, or pass --db)",
            path.display()
        );
    }
    Ok(Store::open(&path)?)
}
