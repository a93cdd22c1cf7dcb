//! The baseline posture: every control of a NIST SP 800-53 baseline, classified (what
//! configuration can show of it) and, where rules assess it, passed, failed or not assessed
//! in the scans it rests on. One model; every report format renders from it.
//!
//! A control is **not assessed**, never passed, when no applicable resource was evaluated or
//! when a scope holding resources its rules read was not collected completely.

mod build;
pub mod csv;
pub mod export;
pub mod load;
pub mod ocsf;
pub mod oscal;
pub mod render;
mod svg;
#[cfg(test)]
mod tests;

pub use build::{build, Inputs, RuleInfo, TargetScan};

use std::collections::BTreeMap;

use serde::Serialize;

use crate::controls::Assessment;

/// SHA-256 of a report's bytes, in hex.
pub use crate::digest::sha256_hex as sha256;

/// The posture document (`vigil report --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct Posture {
    /// `low`, `moderate` or `high`.
    pub baseline: &'static str,
    /// NIST's baseline profile version (`5.1.1+u4`) and the catalog's.
    pub baseline_version: String,
    pub catalog_version: String,
    pub generated_at: String,
    pub vigil_version: &'static str,
    /// SHA-256 over the rules in force (ids and texts), so two reports can be compared.
    pub rules_digest: String,
    /// The audit log's head hash when the report was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<String>,
    /// The accounts and clusters this posture is cut to (`vigil report --account`); empty:
    /// all that the scans read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    pub scans: Vec<ScanRef>,
    pub summary: Summary,
    pub families: Vec<FamilySummary>,
    /// Per family over the last scans (oldest first).
    pub trend: Vec<TrendPoint>,
    pub controls: Vec<ControlPosture>,
    /// The open and waived findings behind the controls, each once.
    pub findings: Vec<ControlFinding>,
    /// The live resources compared with the templates or plans given
    /// (`vigil report --against-template | --against-plan`, the daemon's `[iac] templates`):
    /// evidence for CM-2, CM-3 and CM-6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_drift: Option<crate::iac::drift::CodeDrift>,
}

impl Posture {
    /// Each rule's remediation text, by rule id.
    pub fn remediations(&self) -> BTreeMap<&str, &str> {
        self.controls
            .iter()
            .flat_map(|c| &c.rules)
            .map(|r| (r.id.as_str(), r.remediation.as_str()))
            .collect()
    }
}

/// A scan a report rests on.
#[derive(Debug, Clone, Serialize)]
pub struct ScanRef {
    pub id: i64,
    pub target: String,
    pub status: String,
    pub started_at: String,
    pub finished_at: String,
    pub resources: i64,
    /// Scopes collected completely.
    pub complete_scopes: usize,
    /// Scopes not collected completely, and why.
    pub failed_scopes: Vec<FailedScope>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedScope {
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A control's status in the scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    NotAssessed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotAssessed => "not-assessed",
        }
    }
}

/// Controls by class and by status.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Counts {
    pub controls: usize,
    pub automated: usize,
    pub partial: usize,
    pub organizational: usize,
    #[serde(rename = "not-applicable")]
    pub not_applicable: usize,
    pub gap: usize,
    pub pass: usize,
    pub fail: usize,
    #[serde(rename = "not-assessed")]
    pub not_assessed: usize,
    /// Organizational controls with an attestation in force.
    pub attested: usize,
}

impl Counts {
    pub(crate) fn add(&mut self, c: &ControlPosture) {
        self.controls += 1;
        match c.class {
            Class::Automated => self.automated += 1,
            Class::Partial => self.partial += 1,
            Class::Organizational => self.organizational += 1,
            Class::NotApplicable => self.not_applicable += 1,
            Class::Gap => self.gap += 1,
        }
        match c.status {
            Some(Status::Pass) => self.pass += 1,
            Some(Status::Fail) => self.fail += 1,
            Some(Status::NotAssessed) => self.not_assessed += 1,
            None => {}
        }
        if c.attestation.as_ref().is_some_and(|a| !a.expired) {
            self.attested += 1;
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub counts: Counts,
    /// Open findings (not waived) behind the baseline's controls, by severity.
    pub open_findings: BTreeMap<String, usize>,
    pub waived_findings: usize,
    /// Per target: its scan and its controls' statuses there.
    pub targets: Vec<TargetSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetSummary {
    pub target: String,
    pub scan: i64,
    pub pass: usize,
    pub fail: usize,
    #[serde(rename = "not-assessed")]
    pub not_assessed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FamilySummary {
    /// `AC`
    pub id: String,
    pub title: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    /// The newest scan time among the scans of this point.
    pub at: String,
    pub scans: Vec<i64>,
    /// Family id (`AC`) → counts of its assessed controls.
    pub families: BTreeMap<String, TrendCounts>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct TrendCounts {
    pub pass: usize,
    pub fail: usize,
    #[serde(rename = "not-assessed")]
    pub not_assessed: usize,
}

/// A control's class in the posture: what configuration can show of it, or the operator's
/// declaration that it does not apply or is inherited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    Automated,
    Partial,
    Organizational,
    NotApplicable,
    Gap,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Automated => "automated",
            Class::Partial => "partial",
            Class::Organizational => "organizational",
            Class::NotApplicable => "not-applicable",
            Class::Gap => "gap",
        }
    }
    pub fn of(a: Assessment) -> Class {
        match a {
            Assessment::Automated => Class::Automated,
            Assessment::Partial => Class::Partial,
            Assessment::Organizational => Class::Organizational,
            Assessment::Gap => Class::Gap,
        }
    }
    /// Rules assess it: it has a pass / fail / not-assessed status.
    pub fn assessed(self) -> bool {
        matches!(self, Class::Automated | Class::Partial)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlPosture {
    /// As NIST spells it: `AC-2(1)`.
    pub id: String,
    /// OSCAL's id: `ac-2.1`.
    pub oscal_id: String,
    pub title: String,
    /// `AC`
    pub family: String,
    pub class: Class,
    /// Why this class (NIST's data and the rules, the reviewed file, or the operator).
    pub class_reason: String,
    /// `derived`, `curated` (nist-controls/assessment.toml) or `declared` (vigil.toml).
    pub class_source: &'static str,
    pub implementation_level: Vec<String>,
    pub methods: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    /// pass / fail / not-assessed for assessed controls, from an attestation for
    /// organizational ones; null otherwise.
    pub status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    pub rules: Vec<RuleCount>,
    /// The ids of its rules' open and waived findings (in the posture's `findings`).
    pub findings: Vec<i64>,
    /// Of those, how many are open and how many waived.
    pub open_findings: usize,
    pub waived_findings: usize,
    /// Waivers in force over its findings.
    pub waivers: Vec<WaiverRef>,
    /// Per target: its status there (targets where its rules evaluated something or a
    /// relevant scope failed).
    pub targets: BTreeMap<String, Status>,
    /// Scopes not collected completely that its rules read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed_scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration: Option<Declaration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Declaration>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RuleCount {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub pass: i64,
    pub fail: i64,
    pub error: i64,
    /// Of the failing resources, how many a waiver covers.
    pub waived: i64,
    /// What fixes a failure (the rule's own text).
    pub remediation: String,
    /// The counts per target.
    pub targets: BTreeMap<String, TargetCount>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct TargetCount {
    pub pass: i64,
    pub fail: i64,
    pub error: i64,
}

/// An open or waived finding behind the baseline's controls, listed once.
#[derive(Debug, Clone, Serialize)]
pub struct ControlFinding {
    pub id: i64,
    /// The baseline's controls its rule maps to (as NIST spells them).
    pub controls: Vec<String>,
    pub rule: String,
    pub resource: String,
    pub resource_type: String,
    pub severity: String,
    /// open, reopened or waived.
    pub status: String,
    pub message: String,
    pub path: String,
    pub first_seen: String,
    pub target: String,
    pub stale: bool,
    /// The waiver in force, for a waived finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverRef>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct WaiverRef {
    pub id: i64,
    pub owner: String,
    pub reason: String,
    pub expires_at: String,
}

/// An operator's declaration from `[[posture.controls]]`: not applicable, inherited, or
/// attested.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Declaration {
    /// `not-applicable`, `inherited`, `satisfied` or `not-satisfied`.
    pub kind: String,
    pub owner: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    pub expires: String,
    pub expired: bool,
}
