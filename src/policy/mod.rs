//! Rules: loading Rego files with their METADATA, evaluating them on snapshots (pure), and
//! running their tests.

mod compile;
mod data;
pub mod evaluate;
pub mod inventory;
pub mod loader;
pub mod metadata;
pub mod testing;
mod types;

pub use evaluate::{evaluate, EvalContext, EvalReport, NotEvaluated, RuleError};
pub use loader::{LoadProblem, Rule, RuleSet, RuleSource};
pub use metadata::RuleMeta;
pub use types::RuleCount;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{file}:{line}: invalid METADATA: {message}")]
    Metadata {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("reading rules from {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("rule directory {0} does not exist")]
    MissingDir(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
