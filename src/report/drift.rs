//! `vigil drift` as a table: one line per changed path, before → after.

use std::fmt::Write as _;

use super::short_id;
use crate::drift::Kind;
use crate::store::DriftEvent;

fn value(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => super::cut(&v.to_string(), 40),
    }
}

/// `what` says what the drift is relative to (`since scan 3`, `since the baseline`).
pub fn table(events: &[DriftEvent], what: &str) -> String {
    if events.is_empty() {
        return format!("No drift {what}.\n");
    }
    let mut out = format!(
        "{:<5} {:<9} {:<48} {:<44} BEFORE → AFTER\n",
        "SCAN", "CHANGE", "RESOURCE", "PATH"
    );
    for e in events {
        let id = short_id(&e.resource_id);
        if e.changes.is_empty() {
            let _ = writeln!(out, "{:<5} {:<9} {:<48}", e.scan_id, e.change.as_str(), id);
        }
        for c in &e.changes {
            let _ = writeln!(
                out,
                "{:<5} {:<9} {:<48} {:<44} {} → {}",
                e.scan_id,
                e.change.as_str(),
                id,
                c.path,
                value(&c.before),
                value(&c.after)
            );
        }
    }
    let count = |k: Kind| events.iter().filter(|e| e.change == k).count();
    let _ = writeln!(
        out,
        "\n{} resources changed {what}: {} added, {} removed, {} modified",
        events.len(),
        count(Kind::Added),
        count(Kind::Removed),
        count(Kind::Modified)
    );
    out
}
