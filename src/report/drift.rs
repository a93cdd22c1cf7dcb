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

/// `vigil drift --against-template | --against-plan` as a table: one line per resource, and
/// one per attribute that differs, declared → live.
pub fn against_code(
    rows: &[crate::iac::drift::Row],
    summary: &crate::iac::drift::Summary,
) -> String {
    use crate::iac::drift::Status;
    let at_of = |r: &crate::iac::drift::Row| {
        r.declared.as_ref().map_or("-".into(), |o| {
            let name = o.address.as_deref().unwrap_or(&o.logical_id);
            format!("{}:{} {name}", o.file, o.line)
        })
    };
    let shown = rows.iter().filter(|r| r.status != Status::Managed);
    let w = shown
        .clone()
        .map(|r| at_of(r).len())
        .max()
        .unwrap_or(0)
        .clamp(11, 80);
    let mut out = format!(
        "{:<10} {:<w$} {:<44} {:<40} DECLARED → LIVE\n",
        "STATUS", "DECLARED AT", "RESOURCE", "PATH"
    );
    for r in shown {
        let at = at_of(r);
        let id = r
            .live
            .as_deref()
            .map_or_else(|| r.resource_type.clone(), short_id);
        let status = serde_json::to_value(r.status).ok();
        let status = status.as_ref().and_then(|s| s.as_str()).unwrap_or("?");
        if r.changes.is_empty() {
            let _ = writeln!(out, "{status:<10} {at:<w$} {id:<44}");
        }
        for c in &r.changes {
            let _ = writeln!(
                out,
                "{status:<10} {at:<w$} {id:<44} {:<40} {} → {}",
                c.path,
                value(&c.declared),
                value(&c.live)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{} managed and alike, {} changed, {} missing (declared, not live), {} unmanaged (live, not declared), {} of types the latest scan did not read. Controls: {}.",
        summary.managed,
        summary.changed,
        summary.missing,
        summary.unmanaged,
        summary.not_scanned,
        crate::iac::drift::CONTROLS.join(", ")
    );
    out
}
