//! `vigil findings list` and `vigil findings show` as a person reads them.

use std::fmt::Write as _;

use super::short_id;
use crate::model::Finding;
use crate::store::FindingEvent;

/// One line per finding: id, status (`*` stale), severity, rule, resource, first seen, and
/// the message with the waiver that applies to it.
pub fn list_table(list: &[Finding]) -> String {
    if list.is_empty() {
        return "No findings match.\n".into();
    }
    let mut out = format!(
        "{:<6} {:<9} {:<9} {:<12} {:<44} {:<20} MESSAGE\n",
        "ID", "STATUS", "SEVERITY", "RULE", "RESOURCE", "FIRST SEEN"
    );
    for f in list {
        let mut status = f.status.as_str().to_string();
        if f.stale {
            status.push('*');
        }
        let note = match &f.waiver {
            Some(w) if w.expired => format!("[waiver {} expired] ", w.id),
            Some(w) => format!("[waiver {}, {}] ", w.id, w.owner),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "{:<6} {:<9} {:<9} {:<12} {:<44} {:<20} {note}{}",
            f.id,
            status,
            f.severity.to_string(),
            f.rule_id,
            short_id(&f.resource_id),
            f.first_seen,
            f.message
        );
    }
    let _ = writeln!(out, "\n{} findings", list.len());
    out
}

/// One finding with its waiver and its history, a field per line.
pub fn detail(f: &Finding, events: &[FindingEvent]) -> String {
    let mut out = String::new();
    let stale = if f.stale {
        " (stale: its scope was not collected completely in the latest scan)"
    } else {
        ""
    };
    let _ = writeln!(out, "finding {}: {} on {}", f.id, f.rule_id, f.resource_id);
    let _ = writeln!(out, "  status     {}{stale}", f.status.as_str());
    let _ = writeln!(out, "  severity   {}", f.severity);
    let _ = writeln!(out, "  controls   {}", f.controls.join(", "));
    let _ = writeln!(out, "  message    {}", f.message);
    if !f.path.is_empty() {
        let _ = writeln!(out, "  path       {}", f.path);
    }
    let _ = writeln!(out, "  first seen {}", f.first_seen);
    let _ = writeln!(out, "  last seen  {}", f.last_seen);
    if let Some(r) = &f.resolved_at {
        let _ = writeln!(out, "  resolved   {r}");
    }
    if let Some(w) = &f.waiver {
        let state = if w.expired { "EXPIRED" } else { "in force," };
        let _ = writeln!(
            out,
            "  waiver     {} {state} by {} until {}: {}",
            w.id, w.owner, w.expires_at, w.reason
        );
    }
    let _ = writeln!(out, "  history");
    for e in events {
        let _ = writeln!(out, "    scan {:<5} {:<9} {}", e.scan_id, e.event, e.at);
    }
    out
}
