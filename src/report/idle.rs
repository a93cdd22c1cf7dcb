//! `vigil idle` as a table.

use std::fmt::Write as _;

use super::short_id;
use crate::idle::reaping::IdleRow;

/// One line per idle resource, then how many are reaping candidates.
pub fn table(rows: &[IdleRow], idle_hours: i64) -> String {
    if rows.is_empty() {
        return "No idle resources.\n".into();
    }
    let mut out = format!(
        "{:<48} {:<21} {:>6} {:<30} {:<24} CANDIDATE\n",
        "RESOURCE", "IDLE SINCE", "HOURS", "WHY", "ENVIRONMENT"
    );
    for r in rows {
        let environment = if r.environment.is_empty() {
            "-".to_string()
        } else {
            r.environment.join(",")
        };
        let candidate = if r.rules.is_empty() {
            "no".to_string()
        } else {
            format!("yes ({})", r.rules.join(", "))
        };
        let _ = writeln!(
            out,
            "{:<48} {:<21} {:>6} {:<30} {:<24} {candidate}",
            short_id(&r.resource_id),
            r.idle_since,
            r.idle_hours,
            r.reason,
            environment,
        );
    }
    let n = rows.iter().filter(|r| r.candidate).count();
    let _ = writeln!(
        out,
        "\n{} idle resources, {n} reaping candidates (idle over {idle_hours} h in a reapable environment)",
        rows.len()
    );
    out
}
