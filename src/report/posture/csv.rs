//! The CSV export: one row per control × rule × failing resource, one per control × rule
//! with its counts, and one per control without rules, so every baseline control is listed.
//! Cells that a spreadsheet would run as a formula are prefixed with `'`.

use super::{ControlPosture, Posture};

const HEADER: &[&str] = &[
    "baseline",
    "control",
    "control_title",
    "family",
    "class",
    "control_status",
    "rule",
    "rule_title",
    "severity",
    "target",
    "resource",
    "resource_type",
    "status",
    "message",
    "path",
    "first_seen",
    "pass",
    "fail",
    "error",
    "waived",
];

/// A cell a spreadsheet would not evaluate.
fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

fn status(c: &ControlPosture) -> &'static str {
    c.status.map(|s| s.as_str()).unwrap_or("")
}

/// Writes the CSV, row by row.
pub fn write(p: &Posture, out: &mut dyn std::io::Write) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let by_id: std::collections::HashMap<i64, &super::ControlFinding> =
        p.findings.iter().map(|f| (f.id, f)).collect();
    for c in &p.controls {
        let mut of_rule: std::collections::HashMap<&str, Vec<&super::ControlFinding>> =
            std::collections::HashMap::new();
        for f in c.findings.iter().filter_map(|id| by_id.get(id)) {
            of_rule.entry(f.rule.as_str()).or_default().push(f);
        }
        let head = [
            p.baseline,
            c.id.as_str(),
            c.title.as_str(),
            c.family.as_str(),
            c.class.as_str(),
            status(c),
        ];
        drift_rows(&mut w, p, c, &head)?;
        if c.rules.is_empty() {
            let class = c.class.as_str().to_uppercase();
            let reason = c.status_reason.as_deref().unwrap_or(&c.class_reason);
            let mut cells = [""; HEADER.len()];
            cells[..head.len()].copy_from_slice(&head);
            cells[12] = &class;
            cells[13] = reason;
            w.write_record(cells.iter().map(|s| cell(s).into_owned()))?;
            continue;
        }
        for r in &c.rules {
            let rule_status = if r.fail + r.error > 0 {
                "FAIL"
            } else if r.pass > 0 {
                "PASS"
            } else {
                "NOT-ASSESSED"
            };
            let counts = format!("{} pass, {} fail, {} error", r.pass, r.fail, r.error);
            let (pass, fail, error, waived) = (
                r.pass.to_string(),
                r.fail.to_string(),
                r.error.to_string(),
                r.waived.to_string(),
            );
            let mut row: Vec<std::borrow::Cow<str>> = Vec::with_capacity(HEADER.len());
            row.extend(head.iter().map(|s| cell(s)));
            row.extend(
                [
                    r.id.as_str(),
                    &r.title,
                    &r.severity,
                    "",
                    "*",
                    "",
                    rule_status,
                    &counts,
                    "",
                    "",
                    &pass,
                    &fail,
                    &error,
                    &waived,
                ]
                .map(cell),
            );
            w.write_record(row.iter().map(|c| c.as_bytes()))?;
            for f in of_rule.get(r.id.as_str()).into_iter().flatten() {
                row.clear();
                row.extend(head.iter().map(|s| cell(s)));
                row.extend(
                    [
                        r.id.as_str(),
                        &r.title,
                        &f.severity,
                        &f.target,
                        &f.resource,
                        &f.resource_type,
                        if f.status == "waived" {
                            "WAIVED"
                        } else {
                            "FAIL"
                        },
                        &f.message,
                        &f.path,
                        &f.first_seen,
                        "",
                        "",
                        "",
                        "",
                    ]
                    .map(cell),
                );
                w.write_record(row.iter().map(|c| c.as_bytes()))?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// The rule column of a drift row: drift from the code is evidence, not a rule's verdict.
const DRIFT: &str = "drift-from-code";

/// One row per resource that departs from the code, under each control drift bears on.
fn drift_rows<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    p: &Posture,
    c: &ControlPosture,
    head: &[&str; 6],
) -> Result<(), csv::Error> {
    let Some(d) = p
        .code_drift
        .as_ref()
        .filter(|d| d.controls.contains(&c.id.as_str()))
    else {
        return Ok(());
    };
    for r in &d.resources {
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_uppercase))
            .unwrap_or_default();
        let at = r.declared.as_ref().map_or(String::new(), |o| {
            let name = o.address.as_deref().unwrap_or(&o.logical_id);
            format!("declared at {}:{} ({name})", o.file, o.line)
        });
        let show =
            |v: &Option<serde_json::Value>| v.as_ref().map_or("absent".into(), |v| v.to_string());
        let changes: Vec<String> = r
            .changes
            .iter()
            .map(|x| format!("{}: {} → {}", x.path, show(&x.declared), show(&x.live)))
            .collect();
        let message = [at, changes.join("; ")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let paths: Vec<&str> = r.changes.iter().map(|x| x.path.as_str()).collect();
        let resource = r.live.as_deref().unwrap_or("");
        let paths = paths.join(" ");
        let mut row: Vec<std::borrow::Cow<str>> = head.iter().map(|s| cell(s)).collect();
        row.extend(
            [
                DRIFT,
                "Live resource departs from the declared configuration",
                "",
                "aws",
                resource,
                &r.resource_type,
                &status,
                &message,
                &paths,
                "",
                "",
                "",
                "",
                "",
            ]
            .map(cell),
        );
        w.write_record(row.iter().map(|c| c.as_bytes()))?;
    }
    Ok(())
}

/// The CSV as a string.
pub fn render(p: &Posture) -> Result<String, csv::Error> {
    let mut out = Vec::new();
    write(p, &mut out)?;
    Ok(String::from_utf8(out).expect("CSV of strings is UTF-8"))
}
