//! Waivers: an accepted risk on a rule and a resource pattern, with a reason, an owner and an
//! expiry. A waived finding shows as `waived`, not open, and does not fail `--fail-on`; once
//! the waiver expires it stops applying and the finding says which waiver expired.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Finding, FindingStatus};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiver {
    pub id: i64,
    /// Rule id, or a pattern with `*` (`IDLE-*`).
    pub rule: String,
    /// Resource id pattern with `*` (`arn:aws:s3:::public-*`, `k8s://prod/kube-system/*`).
    pub resource: String,
    pub reason: String,
    pub owner: String,
    /// RFC 3339.
    pub expires_at: String,
    pub created_at: String,
    pub created_by: String,
}

/// What a finding says about the waiver that applies (or applied) to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaiverNote {
    pub id: i64,
    pub reason: String,
    pub owner: String,
    pub expires_at: String,
    /// The waiver has expired: the finding is open again.
    pub expired: bool,
}

/// A `*` pattern as a regex matching the whole string.
pub fn glob(pattern: &str) -> regex::Regex {
    let re = pattern
        .split('*')
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join(".*");
    regex::Regex::new(&format!("^{re}$")).expect("escaped pattern")
}

impl Waiver {
    pub fn matches(&self, rule_id: &str, resource_id: &str) -> bool {
        glob(&self.rule).is_match(rule_id) && glob(&self.resource).is_match(resource_id)
    }

    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        DateTime::parse_from_rfc3339(&self.expires_at)
            .map(|t| t.with_timezone(&Utc) <= now)
            .unwrap_or(true)
    }

    fn note(&self, expired: bool) -> WaiverNote {
        WaiverNote {
            id: self.id,
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            expires_at: self.expires_at.clone(),
            expired,
        }
    }
}

/// Applies waivers to findings as of `now`: a present finding matched by a waiver in force
/// becomes `waived`; one matched only by expired waivers stays open and names the waiver that
/// expired last. Returns, per waiver (same order), how many findings it matched.
pub fn apply(findings: &mut [Finding], waivers: &[Waiver], now: DateTime<Utc>) -> Vec<usize> {
    let compiled: Vec<(regex::Regex, regex::Regex, bool)> = waivers
        .iter()
        .map(|w| (glob(&w.rule), glob(&w.resource), w.expired(now)))
        .collect();
    let mut counts = vec![0; waivers.len()];
    for f in findings.iter_mut() {
        if f.status == FindingStatus::Resolved {
            continue;
        }
        let mut in_force: Option<usize> = None;
        let mut lapsed: Option<usize> = None;
        for (i, (rule, resource, expired)) in compiled.iter().enumerate() {
            if !rule.is_match(&f.rule_id) || !resource.is_match(&f.resource_id) {
                continue;
            }
            counts[i] += 1;
            if *expired {
                if lapsed.is_none_or(|j| waivers[j].expires_at < waivers[i].expires_at) {
                    lapsed = Some(i);
                }
            } else if in_force.is_none() {
                in_force = Some(i);
            }
        }
        if let Some(i) = in_force {
            f.status = FindingStatus::Waived;
            f.waiver = Some(waivers[i].note(false));
        } else if let Some(i) = lapsed {
            f.waiver = Some(waivers[i].note(true));
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn finding(rule: &str, resource: &str) -> Finding {
        Finding {
            id: 1,
            rule_id: rule.into(),
            resource_id: resource.into(),
            resource_type: "AWS::S3::Bucket".into(),
            severity: super::super::Severity::High,
            controls: vec![],
            message: String::new(),
            path: String::new(),
            status: FindingStatus::Open,
            stale: false,
            first_seen: String::new(),
            last_seen: String::new(),
            resolved_at: None,
            waiver: None,
        }
    }

    fn waiver(id: i64, rule: &str, resource: &str, expires: &str) -> Waiver {
        Waiver {
            id,
            rule: rule.into(),
            resource: resource.into(),
            reason: "accepted".into(),
            owner: "sec".into(),
            expires_at: expires.into(),
            created_at: String::new(),
            created_by: String::new(),
        }
    }

    #[test]
    fn waivers_in_force_waive_and_expired_ones_are_named() {
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let mut f = vec![
            finding("S3-AWS-001", "arn:aws:s3:::public-site"),
            finding("S3-AWS-001", "arn:aws:s3:::private"),
            finding("IDLE-AWS-002", "arn:aws:ec2:us-east-1:1:volume/vol-1"),
        ];
        let w = vec![
            waiver(
                1,
                "S3-AWS-*",
                "arn:aws:s3:::public-*",
                "2026-12-31T00:00:00Z",
            ),
            waiver(2, "IDLE-AWS-002", "*", "2026-05-01T00:00:00Z"),
            waiver(3, "NET-AWS-001", "*", "2027-01-01T00:00:00Z"),
        ];
        let counts = apply(&mut f, &w, now);
        assert_eq!(counts, vec![1, 1, 0]);
        assert_eq!(f[0].status, FindingStatus::Waived);
        assert_eq!(f[0].waiver.as_ref().unwrap().id, 1);
        assert_eq!(f[1].status, FindingStatus::Open);
        assert!(f[1].waiver.is_none());
        assert_eq!(
            f[2].status,
            FindingStatus::Open,
            "expired waivers stop applying"
        );
        assert!(f[2].waiver.as_ref().unwrap().expired);
        // Dots and other regex characters in patterns are literal; `*` spans anything.
        assert!(!waiver(4, "S3-AWS-001", "a.b", "").matches("S3-AWS-001", "aXb"));
        assert!(waiver(4, "S3-AWS-001", "a.b", "").matches("S3-AWS-001", "a.b"));
        assert!(!waiver(5, "S3-AWS-001", "arn:(x)", "").matches("S3-AWS-001", "arn:x"));
        assert!(
            waiver(6, "*", "k8s://c/*/Pod/*", "").matches("POD-K8S-001", "k8s://c/ns/core/Pod/p")
        );
        assert!(!waiver(7, "S3-AWS-001", "x", "").matches("S3-AWS-0011", "x"));
    }
}
