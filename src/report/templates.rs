//! `vigil scan --templates` output: each finding, and each verdict left to deploy time, with
//! the template file, line and logical id of its resource; then what was read.

use std::fmt::Write as _;

use serde::Serialize;

use crate::iac::cfn::{Loaded, Origin};
use crate::iac::verdict::{Undecided, Verdicts};
use crate::model::RuleResult;

/// A verdict located in its template.
#[derive(Debug, Clone, Serialize)]
pub struct Located<T: Serialize> {
    #[serde(flatten)]
    pub verdict: T,
    pub file: Option<String>,
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logical_id: Option<String>,
    /// A Terraform resource's full address, in place of a logical id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

fn locate<T: Serialize + Clone>(v: &T, id: &str, loaded: &Loaded) -> Located<T> {
    let o: Option<&Origin> = loaded.origins.get(id);
    Located {
        verdict: v.clone(),
        file: o.map(|o| o.file.clone()),
        line: o.map(|o| o.line),
        logical_id: o
            .filter(|o| o.address.is_none())
            .map(|o| o.logical_id.clone()),
        address: o.and_then(|o| o.address.clone()),
    }
}

/// The failures, highest severity first, then by file and line.
pub fn findings(v: &Verdicts, loaded: &Loaded) -> Vec<Located<RuleResult>> {
    let mut out: Vec<_> = v
        .fail
        .iter()
        .map(|r| locate(r, &r.resource_id, loaded))
        .collect();
    out.sort_by(|a, b| {
        b.verdict
            .severity
            .cmp(&a.verdict.severity)
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.verdict.rule_id.cmp(&b.verdict.rule_id))
    });
    out
}

/// The verdicts left to deploy time, by file and line.
pub fn not_evaluated(v: &Verdicts, loaded: &Loaded) -> Vec<Located<Undecided>> {
    let mut out: Vec<_> = v
        .unknown
        .iter()
        .map(|u| locate(u, &u.result.resource_id, loaded))
        .collect();
    out.sort_by(|a, b| {
        a.file
            .cmp(&b.file)
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.verdict.result.rule_id.cmp(&b.verdict.result.rule_id))
    });
    out
}

/// What was read, as the JSON report's `templates` section.
pub fn counts(loaded: &Loaded) -> serde_json::Value {
    serde_json::json!({
        "files": loaded.files,
        "templates": loaded.templates,
        "plans": loaded.plans,
        "other_files": loaded.other_files,
        "resources": loaded.resources.len(),
        "not_created": loaded.not_created,
        "joined": loaded.joined,
        "unsupported_types": loaded.unsupported,
        "errors": loaded.errors,
    })
}

impl<T: Serialize> Located<T> {
    /// The logical id, or the Terraform address.
    fn name(&self) -> &str {
        self.address
            .as_deref()
            .or(self.logical_id.as_deref())
            .unwrap_or("?")
    }
}

fn at(file: &Option<String>, line: Option<usize>) -> String {
    format!(
        "{}:{}",
        file.as_deref().unwrap_or("?"),
        line.map_or("?".into(), |l| l.to_string())
    )
}

/// One line per finding and per verdict left to deploy time, then the counts.
pub fn table(v: &Verdicts, loaded: &Loaded) -> String {
    let mut out = String::new();
    let fails = findings(v, loaded);
    if fails.is_empty() {
        out.push_str("No findings.\n");
    } else {
        let width = fails
            .iter()
            .map(|f| at(&f.file, f.line).len())
            .max()
            .unwrap_or(8)
            .max(8);
        let names = fails.iter().map(|f| f.name().len()).max().unwrap_or(8);
        let names = names.clamp(8, 60);
        let _ = writeln!(
            out,
            "{:<9} {:<12} {:<names$} {:<width$} MESSAGE",
            "SEVERITY", "RULE", "RESOURCE", "LOCATION"
        );
        for f in &fails {
            let _ = writeln!(
                out,
                "{:<9} {:<12} {:<names$} {:<width$} {}",
                f.verdict.severity.to_string(),
                f.verdict.rule_id,
                f.name(),
                at(&f.file, f.line),
                f.verdict.message
            );
        }
    }
    let open = not_evaluated(v, loaded);
    if !open.is_empty() {
        let _ = writeln!(
            out,
            "\nNot evaluated, unknown until deploy (the live scan decides):"
        );
        for u in &open {
            let _ = writeln!(
                out,
                "  {:<12} {:<28} {} {}",
                u.verdict.result.rule_id,
                u.name(),
                at(&u.file, u.line),
                u.verdict.reason
            );
        }
    }
    let unsupported: Vec<String> = loaded
        .unsupported
        .iter()
        .map(|(t, n)| format!("{t} ({n})"))
        .collect();
    if !unsupported.is_empty() {
        let _ = writeln!(
            out,
            "\nTypes vigil has no document for, not checked: {}",
            unsupported.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "\n{} files: {} templates, {} plans, {} other files skipped, {} unreadable. {} resources checked ({} joined into another, {} not created with these parameters). PASS {}, FAIL {}, not evaluated {}.",
        loaded.files,
        loaded.templates,
        loaded.plans,
        loaded.other_files,
        loaded.errors.len(),
        loaded.resources.len(),
        loaded.joined,
        loaded.not_created,
        v.counts.pass,
        v.counts.fail,
        v.counts.unknown
    );
    out
}

/// After a live scan's table, with `--templates`: each open finding on a resource a template
/// declares, with the file and line to change.
pub fn declared_at(
    findings: &[crate::model::Finding],
    at: &std::collections::BTreeMap<String, Origin>,
) -> String {
    let mut out = String::new();
    for f in findings.iter().filter(|f| f.status.is_active()) {
        let Some(o) = at.get(&f.resource_id) else {
            continue;
        };
        if out.is_empty() {
            out.push_str("\nDeclared in templates (change them there):\n");
        }
        let _ = writeln!(
            out,
            "  {:<12} {:<44} {}:{} {}",
            f.rule_id, f.resource_id, o.file, o.line, o.logical_id
        );
    }
    out
}
