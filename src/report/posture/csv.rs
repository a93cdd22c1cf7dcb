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
fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

fn status(c: &ControlPosture) -> &'static str {
    c.status.map(|s| s.as_str()).unwrap_or("")
}

pub fn render(p: &Posture) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
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
            p.baseline.to_string(),
            c.id.clone(),
            c.title.clone(),
            c.family.clone(),
            c.class.as_str().to_string(),
            status(c).to_string(),
        ];
        if c.rules.is_empty() {
            let mut row: Vec<String> = head.to_vec();
            row.extend(std::iter::repeat_n(
                String::new(),
                HEADER.len() - head.len(),
            ));
            row[12] = c.class.as_str().to_uppercase();
            row[13] = c
                .status_reason
                .clone()
                .unwrap_or_else(|| c.class_reason.clone());
            w.write_record(row.iter().map(|s| cell(s)))?;
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
            let mut row: Vec<String> = head.to_vec();
            row.extend([
                r.id.clone(),
                r.title.clone(),
                r.severity.clone(),
                String::new(),
                "*".to_string(),
                String::new(),
                rule_status.to_string(),
                format!("{} pass, {} fail, {} error", r.pass, r.fail, r.error),
                String::new(),
                String::new(),
                r.pass.to_string(),
                r.fail.to_string(),
                r.error.to_string(),
                r.waived.to_string(),
            ]);
            w.write_record(row.iter().map(|s| cell(s)))?;
            for f in of_rule.get(r.id.as_str()).into_iter().flatten() {
                let mut row: Vec<String> = head.to_vec();
                row.extend([
                    r.id.clone(),
                    r.title.clone(),
                    f.severity.clone(),
                    f.target.clone(),
                    f.resource.clone(),
                    f.resource_type.clone(),
                    if f.status == "waived" {
                        "WAIVED"
                    } else {
                        "FAIL"
                    }
                    .to_string(),
                    f.message.clone(),
                    f.path.clone(),
                    f.first_seen.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                w.write_record(row.iter().map(|s| cell(s)))?;
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of strings is UTF-8"))
}
