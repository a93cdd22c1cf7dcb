//! Whether an applied plan is verified: the move out of `applied`, decided in plain code. A
//! plan waits until every scope it touched was collected completely after its apply and no
//! finding of it is stale (its rule did not run cleanly); then it is verified when all its
//! findings are resolved, or verify_failed naming those still open. The store loads what
//! this reads and moves the plan.

/// One finding a plan answers, as it stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub finding_id: i64,
    /// `RULE resource-id`, as the reason names it.
    pub what: String,
    /// `open`, `resolved`, ...; None when the finding is gone (pruned).
    pub status: Option<String>,
    pub stale: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not yet: a scope not collected completely since the apply, or a stale finding.
    Wait,
    Verified,
    /// The reason names the findings still open.
    Failed(String),
}

/// `covered(scope)`: whether scans after the apply collected that scope completely.
pub fn verdict(
    scopes: &[String],
    covered: impl Fn(&str) -> bool,
    findings: &[Answered],
    scan_id: i64,
) -> Verdict {
    if !scopes.iter().all(|s| covered(s)) || findings.iter().any(|f| f.stale) {
        return Verdict::Wait;
    }
    let open: Vec<String> = findings
        .iter()
        .filter(|f| f.status.as_deref().is_some_and(|s| s != "resolved"))
        .map(|f| format!("#{} {}", f.finding_id, f.what))
        .collect();
    if open.is_empty() {
        Verdict::Verified
    } else {
        Verdict::Failed(format!(
            "still open after scan {scan_id}: {}",
            open.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: i64, status: Option<&str>, stale: bool) -> Answered {
        Answered {
            finding_id: id,
            what: format!("EBS-AWS-001 vol-{id}"),
            status: status.map(str::to_string),
            stale,
        }
    }

    #[test]
    fn waits_for_complete_scopes_and_clean_rules_then_names_what_is_still_open() {
        let scopes = vec!["aws/1/us-east-1/AWS::EC2::Volume".to_string()];
        let resolved = [f(1, Some("resolved"), false), f(2, None, false)];
        assert_eq!(verdict(&scopes, |_| false, &resolved, 9), Verdict::Wait);
        assert_eq!(verdict(&scopes, |_| true, &resolved, 9), Verdict::Verified);
        let stale = [f(1, Some("open"), true)];
        assert_eq!(verdict(&scopes, |_| true, &stale, 9), Verdict::Wait);
        let open = [f(1, Some("resolved"), false), f(2, Some("reopened"), false)];
        assert_eq!(
            verdict(&scopes, |_| true, &open, 9),
            Verdict::Failed("still open after scan 9: #2 EBS-AWS-001 vol-2".into())
        );
    }
}
