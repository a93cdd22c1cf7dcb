//! What an approver reads about a plan: a summary for a human (what changes, risk, undo),
//! kept apart from the actions and never part of the hash. [`Summarizer`] is the seam the
//! LLM providers plug into; [`Template`] is the deterministic summary every plan gets, and
//! the one used whenever a provider fails or its answer does not pass validation.

use serde::{Deserialize, Serialize};

use super::plan::{ActionKind, Reversibility};
use super::Plan;

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

    /// The template's summary, saying why a model's was not used.
    pub fn fallback(p: &Plan, reason: impl Into<String>) -> Summary {
        Summary {
            reason: Some(reason.into()),
            ..Template.summarize(p)
        }
    }
}

/// Writes a plan's summary. It reads the plan; it never changes the actions (they and the
/// hash are fixed before it runs).
pub trait Summarizer: Send + Sync {
    fn summarize(&self, plan: &Plan) -> Summary;
}

/// The deterministic summary, built from the actions alone.
pub struct Template;

impl Summarizer for Template {
    fn summarize(&self, p: &Plan) -> Summary {
        let executable = p
            .actions
            .iter()
            .filter(|a| a.kind != ActionKind::Manual)
            .count();
        let manual = p.actions.len() - executable;
        let mut targets: Vec<&str> = p.actions.iter().map(|a| a.target.as_str()).collect();
        targets.dedup();
        let calls: usize = p.actions.iter().map(|a| a.calls.len()).sum();
        let irreversible: Vec<&str> = p
            .actions
            .iter()
            .filter(|a| {
                !matches!(a.reversibility, Reversibility::Yes { .. })
                    && a.kind != ActionKind::Manual
            })
            .map(|a| a.target.as_str())
            .collect();
        let mut text = format!(
            "What changes: {executable} action(s) vigil would run ({calls} API calls) and {manual} manual step(s), on {} resource(s), answering {} finding(s).",
            targets.len(),
            p.findings.len()
        );
        text.push_str(if p.production {
            " Impact: production resources are among the targets."
        } else {
            " Impact: no target is tagged as production."
        });
        if irreversible.is_empty() {
            text.push_str(
                " Rollback: every action vigil runs can be undone with the calls listed under it.",
            );
        } else {
            text.push_str(&format!(
                " Risk: {} action(s) can be undone only in part: {}.",
                irreversible.len(),
                irreversible.join(", ")
            ));
        }
        if manual > 0 {
            text.push_str(
                " The manual steps belong in the infrastructure's code; vigil does not run them.",
            );
        }
        Summary {
            text,
            source: Source::Template,
            reason: None,
            provider: None,
            model: None,
        }
    }
}
