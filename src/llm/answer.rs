//! The answer a model must give: its JSON schema (sent with the request where the provider
//! takes one), its limits, and the parsed [`Answer`]. `prompt` asks for it, `check` holds
//! an answer to it.

use serde::Deserialize;
use serde_json::{json, Value};

pub const MAX_SUMMARY: usize = 600;
pub const MAX_CHANGES: usize = 20;
pub const MAX_CHANGE: usize = 200;
pub const MAX_PARAGRAPH: usize = 400;
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub summary: String,
    pub changes: Vec<String>,
    pub risk: String,
    pub impact: String,
    pub rollback: String,
}

impl Answer {
    /// The summary as people read it: paragraphs of plain text.
    pub fn text(&self) -> String {
        let mut t = self.summary.trim().to_string();
        if !self.changes.is_empty() {
            t.push_str("\n\nChanges:");
            for c in &self.changes {
                t.push_str("\n- ");
                t.push_str(c.trim());
            }
        }
        t.push_str(&format!("\n\nRisk: {}. {}", self.risk, self.impact.trim()));
        t.push_str(&format!("\n\nRollback: {}", self.rollback.trim()));
        t
    }

    pub(super) fn fields(&self) -> impl Iterator<Item = &str> {
        [
            self.summary.as_str(),
            &self.risk,
            &self.impact,
            &self.rollback,
        ]
        .into_iter()
        .chain(self.changes.iter().map(String::as_str))
    }
}

/// The JSON schema an answer must have.
pub fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "summary": {"type": "string", "maxLength": MAX_SUMMARY},
            "changes": {"type": "array", "maxItems": MAX_CHANGES,
                        "items": {"type": "string", "maxLength": MAX_CHANGE}},
            "risk": {"type": "string", "enum": ["low", "medium", "high"]},
            "impact": {"type": "string", "maxLength": MAX_PARAGRAPH},
            "rollback": {"type": "string", "maxLength": MAX_PARAGRAPH},
        },
        "required": ["summary", "changes", "risk", "impact", "rollback"],
        "additionalProperties": false,
    })
}
