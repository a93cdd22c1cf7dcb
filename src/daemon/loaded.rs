//! What the daemon runs with: the config, rule set and tokens, loaded and checked whole,
//! and the fingerprint a reload compares to see whether anything changed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use super::{auth, Options};
use crate::config::Config;
use crate::policy::{EvalContext, RuleSet};

/// Why a config, rule set or tokens file was not put in force (at start or at a reload).
#[derive(Debug, Clone, thiserror::Error)]
pub enum Problem {
    #[error("reading config {path}: {message}")]
    ReadConfig { path: String, message: String },
    /// A key or value of the config file, with its file and line.
    #[error("{0}")]
    Config(crate::config::Problem),
    #[error("--listen `{0}` is not an address and port (like 0.0.0.0:8080)")]
    Listen(String),
    #[error("rules: {0}")]
    Rules(String),
    #[error("rule file {0}")]
    RuleFile(String),
    #[error("no rules loaded (check --rules and [rules] in the config)")]
    NoRules,
    /// A rule that does not compile against the config's parameters.
    #[error("rule {0}")]
    Rule(String),
    #[error("{0}")]
    Tokens(String),
    /// `[iac] parameters` that cannot be read.
    #[error("[iac] parameters: {0}")]
    Templates(String),
    #[error("loading panicked: {0}")]
    Panicked(String),
    #[error("rescheduling: {0}")]
    Schedule(String),
    #[error("vigil is shutting down")]
    ShuttingDown,
    #[error("{0}")]
    Other(String),
}

/// A config, rule set and tokens that passed every check, and what they were made from.
pub struct Loaded {
    pub config: Config,
    pub rules: Arc<RuleSet>,
    pub tokens: Arc<auth::Tokens>,
    pub fingerprint: String,
    pub loaded_at: DateTime<Utc>,
    /// The `[iac]` templates, read: where each declared resource is.
    pub iac: Arc<crate::iac::cfn::Loaded>,
}

impl Loaded {
    /// Each scheduled target's name (`k8s` read as `kubernetes`) and its cron.
    pub fn schedules(&self) -> Vec<(String, String)> {
        self.config
            .schedules
            .iter()
            .map(|s| {
                (
                    Config::canonical_target(&s.target).to_string(),
                    s.cron.clone(),
                )
            })
            .collect()
    }
}

/// What a reload compares: the config file's bytes, every file under the rule directories,
/// the tokens file, the `[iac]` templates and their parameter file. Unreadable files count
/// by their error, so a fix is seen as a change.
fn fingerprint(opts: &Options, cfg: &Config, config_bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(config_bytes);
    h.update([0]);
    let mut file = |p: &Path| {
        h.update(p.as_os_str().as_encoded_bytes());
        h.update([0]);
        match std::fs::read(p) {
            Ok(b) => h.update(&b),
            Err(e) => h.update(e.to_string().as_bytes()),
        }
        h.update([0]);
    };
    let mut tree = |dir: &Path, wanted: &dyn Fn(&Path) -> bool| {
        let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file() && (e.depth() == 0 || wanted(e.path())))
            .map(|e| e.into_path())
            .collect();
        paths.sort();
        if paths.is_empty() {
            file(dir);
        }
        for p in paths {
            file(&p);
        }
    };
    for dir in cfg.rules.dirs.iter().chain(&opts.extra_rules) {
        tree(dir, &|_| true);
    }
    for t in cfg.iac.templates.iter().chain(&cfg.iac.parameters) {
        tree(t, &crate::iac::cfn::is_candidate);
    }
    if let Some(t) = &cfg.daemon.tokens_file {
        file(t);
    }
    if let Ok(env) = std::env::var("VIGIL_API_TOKENS") {
        h.update(env.as_bytes());
    }
    hex::encode(h.finalize())
}

fn read_config(opts: &Options) -> (Vec<u8>, Result<Config, Vec<Problem>>) {
    let Some(p) = &opts.config else {
        return (Vec::new(), Ok(Config::default()));
    };
    let bytes = match std::fs::read(p) {
        Ok(b) => b,
        Err(e) => {
            let problem = Problem::ReadConfig {
                path: p.display().to_string(),
                message: e.to_string(),
            };
            return (problem.to_string().into_bytes(), Err(vec![problem]));
        }
    };
    let parsed = match Config::parse(&p.display().to_string(), &String::from_utf8_lossy(&bytes)) {
        Ok(c) => Ok(c),
        Err(crate::config::Error::Invalid(ps)) => {
            Err(ps.into_iter().map(Problem::Config).collect())
        }
        Err(e) => Err(vec![Problem::Other(e.to_string())]),
    };
    (bytes, parsed)
}

/// The fingerprint of what a reload would load now: the config file as it is (or, when it
/// does not parse, the paths of the set in force).
pub(super) fn current_fingerprint(opts: &Options, in_force: &Config) -> String {
    let (bytes, parsed) = read_config(opts);
    match parsed {
        Ok(cfg) => fingerprint(opts, &cfg, &bytes),
        Err(_) => fingerprint(opts, in_force, &bytes),
    }
}

/// The `[iac]` templates. A parameter file that cannot be read is a problem; a template that
/// cannot be read is logged, and the rest still locate findings.
fn read_templates(
    iac: &crate::config::Iac,
    problems: &mut Vec<Problem>,
) -> crate::iac::cfn::Loaded {
    if iac.templates.is_empty() {
        return Default::default();
    }
    let parameters = match &iac.parameters {
        Some(p) => match crate::iac::cfn::parameters_file(p) {
            Ok(p) => p,
            Err(e) => {
                problems.push(Problem::Templates(e));
                Default::default()
            }
        },
        None => Default::default(),
    };
    let loaded = crate::iac::cfn::load(&iac.templates, &parameters);
    for e in &loaded.errors {
        tracing::warn!(error = %e, "[iac] template not read");
    }
    loaded
}

/// Loads and checks the config, the rules and the API tokens, reporting every problem.
pub fn load(opts: &Options) -> Result<Loaded, Vec<Problem>> {
    let mut problems = Vec::new();
    let (bytes, parsed) = read_config(opts);
    let config = parsed?;
    if let Some(l) = &opts.listen {
        if l.parse::<std::net::SocketAddr>().is_err() {
            problems.push(Problem::Listen(l.clone()));
        }
    }
    // Taken before the rules and tokens are read: a change made while loading shows as a
    // change at the next poll.
    let fp = fingerprint(opts, &config, &bytes);
    let rules = match RuleSet::load(&config.rule_sources(&opts.extra_rules, opts.no_bundled_rules))
    {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(Problem::Rules(e.to_string()));
            None
        }
    };
    if let Some(rules) = &rules {
        for p in &rules.problems {
            problems.push(Problem::RuleFile(p.to_string()));
        }
        if rules.rules.is_empty() && rules.problems.is_empty() {
            problems.push(Problem::NoRules);
        }
        let ctx = EvalContext {
            now: Utc::now(),
            params: config.params(),
            mode: Default::default(),
            threads: 1,
            idle_since: Default::default(),
        };
        for e in crate::policy::evaluate::compile_check(rules, &ctx) {
            problems.push(Problem::Rule(e.to_string()));
        }
    }
    let env = std::env::var("VIGIL_API_TOKENS").ok();
    let tokens = match auth::Tokens::load(config.daemon.tokens_file.as_deref(), env.as_deref()) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(Problem::Tokens(e.to_string()));
            None
        }
    };
    let iac = read_templates(&config.iac, &mut problems);
    match (rules, tokens) {
        (Some(rules), Some(tokens)) if problems.is_empty() => Ok(Loaded {
            config,
            rules: Arc::new(rules),
            tokens: Arc::new(tokens),
            fingerprint: fp,
            loaded_at: Utc::now(),
            iac: Arc::new(iac),
        }),
        _ => Err(problems),
    }
}
