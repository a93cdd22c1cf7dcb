//! A plan's summary as stored and shown: the text for a human and who wrote it. Never part
//! of the plan's hash; what writes it is in `remediate::summary` and `llm`.

use serde::{Deserialize, Serialize};

/// Who wrote a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A model, and its answer passed every check.
    Llm,
    /// The deterministic template.
    Template,
}

/// A plan's summary and where it came from. In a plan's JSON these are the fields
/// `summary`, `summary_source` (`llm` | `template`), `summary_reason` (why the template was
/// used when a model was asked), `summary_provider` and `summary_model`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    #[serde(rename = "summary", alias = "text")]
    pub text: String,
    #[serde(rename = "summary_source", alias = "source")]
    pub source: Source,
    #[serde(
        rename = "summary_reason",
        alias = "note",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub reason: Option<String>,
    #[serde(
        rename = "summary_provider",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub provider: Option<String>,
    #[serde(
        rename = "summary_model",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub model: Option<String>,
}

impl Summary {
    /// Who wrote it, as every view labels it: `template`, or `machine-written by PROVIDER
    /// MODEL, unverified`.
    pub fn label(&self) -> String {
        match (self.source, &self.provider, &self.model) {
            (Source::Llm, Some(p), Some(m)) => format!("machine-written by {p} {m}, unverified"),
            (Source::Llm, ..) => "machine-written, unverified".to_string(),
            (Source::Template, ..) => "template".to_string(),
        }
    }
}
