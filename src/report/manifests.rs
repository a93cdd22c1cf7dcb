//! `vigil scan --manifests` output: each finding with the file, document and line of the
//! object it is about, as JSON rows or a table.

use std::fmt::Write as _;

use serde::Serialize;

use crate::collect::Collected;
use crate::model::RuleResult;

/// A finding on a manifest object: the rule's verdict and where the object is.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestFinding {
    #[serde(flatten)]
    pub result: RuleResult,
    pub file: Option<String>,
    /// The document's index in its file, from 0.
    pub document: Option<usize>,
    pub line: Option<usize>,
}

/// The results located in their files, highest severity first, then by file and document.
pub fn findings(results: &[RuleResult], loaded: &Collected) -> Vec<ManifestFinding> {
    let mut out: Vec<ManifestFinding> = results
        .iter()
        .map(|r| {
            let origin = loaded.origins.get(&r.resource_id);
            ManifestFinding {
                result: r.clone(),
                file: origin.map(|o| o.file.clone()),
                document: origin.map(|o| o.document),
                line: origin.map(|o| o.line),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.result
            .severity
            .cmp(&a.result.severity)
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.document.cmp(&b.document))
    });
    out
}

/// `Kind/name` of a manifest object's id (`k8s://manifests/<ns>/<group>/<Kind>/<name>`).
fn object(id: &str) -> String {
    let mut parts = id.rsplitn(3, '/');
    let name = parts.next().unwrap_or_default();
    let kind = parts.next().unwrap_or_default();
    format!("{kind}/{name}")
}

/// One line per finding with its `file:line`, then what was read.
pub fn table(findings: &[ManifestFinding], loaded: &Collected) -> String {
    let counts = loaded.files.unwrap_or_default();
    let mut out = String::new();
    if findings.is_empty() {
        out.push_str("No findings.\n");
    } else {
        let at = |f: &ManifestFinding| {
            let line = f.line.map_or("null".to_string(), |l| l.to_string());
            format!("{}:{line}", f.file.as_deref().unwrap_or("?"))
        };
        let width = findings
            .iter()
            .map(|f| at(f).len())
            .max()
            .unwrap_or(8)
            .max(8);
        let _ = writeln!(
            out,
            "{:<9} {:<12} {:<36} {:<width$} MESSAGE",
            "SEVERITY", "RULE", "OBJECT", "LOCATION"
        );
        for f in findings {
            let _ = writeln!(
                out,
                "{:<9} {:<12} {:<36} {:<width$} {}",
                f.result.severity.to_string(),
                f.result.rule_id,
                object(&f.result.resource_id),
                at(f),
                f.result.message
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{} files, {} documents, {} objects checked ({} of kinds no rule covers), {} findings, {} unreadable files",
        counts.files,
        counts.documents,
        loaded.snapshot.resources.len(),
        counts.skipped_objects,
        findings.len(),
        loaded.problems.len()
    );
    out
}
