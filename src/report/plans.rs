//! Plans as `vigil plan list|show` and the API print them: the table, the detail with every
//! call as a user reads it, and the JSON (the stored plan plus each action's `dry_run`
//! lines).

use std::fmt::Write as _;

use serde_json::Value;

use crate::remediate::{Plan, Reversibility};

/// The JSON of a plan: `{"id", "state", "hash", "actions": [{"kind", "target", "calls",
/// "reversible", "dry_run": ["ec2:DeleteVolume VolumeId=vol-1", ...], ...}], "findings",
/// "approvals", "executions", ...}`.
pub fn json(p: &Plan) -> Value {
    let mut v = serde_json::to_value(p).expect("plans serialize");
    if let Some(actions) = v.get_mut("actions").and_then(Value::as_array_mut) {
        for (a, action) in actions.iter_mut().zip(&p.actions) {
            a["dry_run"] = action.calls.iter().map(|c| c.to_string()).collect();
            a["preconditions_text"] = action.preconditions.iter().map(|c| c.to_string()).collect();
        }
    }
    v
}

/// One line per plan: id, state, actions, findings, approvals, requester.
pub fn table(plans: &[Plan]) -> String {
    if plans.is_empty() {
        return "no plans\n".into();
    }
    let mut out = format!(
        "{:>4}  {:<17}  {:>7}  {:>8}  {:>9}  {:<16}  {}\n",
        "ID", "STATE", "ACTIONS", "FINDINGS", "APPROVALS", "REQUESTER", "CREATED"
    );
    for p in plans {
        let _ = writeln!(
            out,
            "{:>4}  {:<17}  {:>7}  {:>8}  {:>9}  {:<16}  {}",
            p.id,
            p.state.as_str(),
            p.actions.len(),
            p.findings.len(),
            format!("{}/{}", p.approvals.len(), p.approvals_required),
            p.requester,
            p.created_at
        );
    }
    out
}

/// A plan in full: what it answers, each action with its preconditions, exact calls and
/// how to undo it, approvals, and the calls an apply made.
pub fn detail(p: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "plan {} · {}", p.id, p.state);
    let _ = writeln!(o, "hash       {}", p.hash);
    let _ = writeln!(
        o,
        "requested  by {} at {}{}",
        p.requester,
        p.created_at,
        if p.production { " · production" } else { "" }
    );
    let _ = writeln!(
        o,
        "approvals  {} of {} needed{}",
        p.approvals.len(),
        p.approvals_required,
        p.approvals
            .iter()
            .map(|a| format!("; {} at {}", a.principal, a.at))
            .collect::<String>()
    );
    if let Some(e) = &p.expires_at {
        let _ = writeln!(o, "expires    {e}");
    }
    if let Some(r) = &p.reason {
        let _ = writeln!(o, "reason     {r}");
    }
    if let Some(s) = &p.summary {
        let _ = writeln!(
            o,
            "\nsummary ({}; not part of what is approved):",
            s.label()
        );
        for para in s.text.split("\n\n") {
            let _ = writeln!(o, "  {}", para.replace('\n', "\n  "));
        }
        if let Some(r) = &s.reason {
            let _ = writeln!(o, "  (the template, because {r})");
        }
    }
    let _ = writeln!(o, "\nfindings ({}):", p.findings.len());
    for f in &p.findings {
        let _ = writeln!(
            o,
            "  #{} {} {} {}\n     {}",
            f.id, f.rule_id, f.severity, f.resource_id, f.message
        );
    }
    let _ = writeln!(o, "\nactions ({}):", p.actions.len());
    for (i, a) in p.actions.iter().enumerate() {
        let kind = serde_json::to_value(a.kind).expect("kinds serialize");
        let _ = writeln!(
            o,
            "  {}. {} {}",
            i + 1,
            kind.as_str().unwrap_or("?"),
            a.target
        );
        if !a.preconditions.is_empty() || a.version.is_some() {
            let mut pre: Vec<String> = a.preconditions.iter().map(|c| c.to_string()).collect();
            if let Some(v) = &a.version {
                pre.push(format!(
                    "the document still hashes as last scanned (version {})",
                    &v[..v.len().min(12)]
                ));
            }
            let _ = writeln!(o, "     preconditions: {}", pre.join("; "));
        }
        for c in &a.calls {
            let _ = writeln!(o, "     {c}");
        }
        if let Some(u) = undo_text(&a.reversibility) {
            let _ = writeln!(o, "     reversible: {u}");
        }
        if let Some(s) = &a.suggestion {
            for line in s.lines() {
                let _ = writeln!(o, "     | {line}");
            }
        }
    }
    if !p.executions.is_empty() {
        let _ = writeln!(o, "\ncalls made:");
        for e in &p.executions {
            let _ = writeln!(
                o,
                "  {} action {} {} → {} {}",
                e.at,
                e.action + 1,
                e.call,
                e.outcome,
                e.answer
            );
        }
    }
    if p.state == crate::remediate::PlanState::Proposed {
        let _ = writeln!(
            o,
            "\nto approve: vigil plan approve {} --hash {} --totp CODE",
            p.id, p.hash
        );
    }
    o
}

/// Whether and how an action is undone, as one line (`yes, by …`, `partly, by …; lost: …`,
/// `no (why)`); None for an irreversible action that says no more.
pub fn undo_text(r: &Reversibility) -> Option<String> {
    match r {
        Reversibility::Yes { undo } => Some(format!("yes, by {}", calls(undo))),
        Reversibility::Partly { undo, loses } => {
            Some(format!("partly, by {}; lost: {loses}", calls(undo)))
        }
        Reversibility::No { why } if !why.is_empty() => Some(format!("no ({why})")),
        Reversibility::No { .. } => None,
    }
}

fn calls(list: &[crate::remediate::Call]) -> String {
    list.iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" then ")
}
