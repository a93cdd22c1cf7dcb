//! `vigil rules list` and `vigil rules test` as tables.

use std::fmt::Write as _;

use crate::policy::testing::TestOutcome;
use crate::policy::RuleSet;

/// One line per rule, by id: severity, controls (the first four), resource types.
pub fn catalog_table(rules: &RuleSet) -> String {
    let mut out = format!(
        "{:<12} {:<9} {:<44} {:<40} TITLE\n",
        "ID", "SEVERITY", "CONTROLS", "RESOURCE TYPES"
    );
    let mut sorted: Vec<_> = rules.rules.iter().collect();
    sorted.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    for r in sorted {
        let m = &r.meta;
        let controls = if m.controls.len() > 4 {
            format!("{} +{}", m.controls[..4].join(","), m.controls.len() - 4)
        } else {
            m.controls.join(",")
        };
        let types = if m.resource_types.len() > 3 {
            format!("{} types", m.resource_types.len())
        } else {
            m.resource_types
                .iter()
                .map(|t| t.trim_start_matches("AWS::"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let _ = writeln!(
            out,
            "{:<12} {:<9} {:<44} {:<40} {}",
            m.id,
            m.severity.as_str(),
            controls,
            types,
            m.title
        );
    }
    let _ = writeln!(out, "\n{} rules", rules.rules.len());
    out
}

/// Each failed test and skipped rule file, the rules without a test file, then the count.
pub fn test_table(rules: &RuleSet, outcomes: &[TestOutcome]) -> String {
    let mut out = String::new();
    let failed: Vec<&TestOutcome> = outcomes.iter().filter(|o| !o.passed).collect();
    for f in &failed {
        let message = f.message.as_deref().unwrap_or("");
        let _ = writeln!(out, "FAIL {}:{}: {}: {message}", f.file, f.line, f.name);
    }
    for p in &rules.problems {
        let _ = writeln!(out, "FAIL {p}");
    }
    for r in &rules.rules {
        let test = r.file.trim_end_matches(".rego").to_string() + "_test.rego";
        if !rules.tests.iter().any(|t| t.path == test) {
            let _ = writeln!(out, "warning: {} ({}) has no test file", r.meta.id, r.file);
        }
    }
    let _ = writeln!(
        out,
        "{} passed, {} failed",
        outcomes.len() - failed.len(),
        failed.len() + rules.problems.len()
    );
    out
}
