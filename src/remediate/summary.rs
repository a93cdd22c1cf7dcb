//! What an approver reads about a plan: a summary for a human (what changes, risk, undo),
//! kept apart from the actions and never part of the hash. [`template`] is the deterministic
//! summary every plan gets, and the one used whenever a provider fails or its answer does
//! not pass validation ([`fallback`]); a model's summary is written by [`crate::llm`].

use super::Plan;
use crate::model::plan::{ActionKind, Reversibility};

pub use crate::model::plan::summary::{Source, Summary};

/// The template's summary with the reason a model's was not used.
pub fn fallback(p: &Plan, reason: impl Into<String>) -> Summary {
    Summary {
        reason: Some(reason.into()),
        ..template(p)
    }
}

/// The deterministic summary, built from the actions alone.
pub fn template(p: &Plan) -> Summary {
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
            !matches!(a.reversibility, Reversibility::Yes { .. }) && a.kind != ActionKind::Manual
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
