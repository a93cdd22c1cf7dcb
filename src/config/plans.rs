//! `[plans]`, `[approvers]` and `[remediation.*]`: how remediation plans are proposed,
//! approved and applied, and the credentials that apply them (never the scanner's).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::de;

/// `[plans]`: proposing and approving remediation plans.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plans {
    /// Rules whose open findings the daemon puts into plans after each complete scan.
    /// Default (None): the rules whose METADATA says `idle: reap`, so reaping is mark →
    /// notify → plan.
    #[serde(default)]
    pub auto_propose: Option<Vec<String>>,
    /// `manual`: approved plans wait for `vigil plan apply`; `on-approval`: the daemon
    /// applies a plan once it is approved.
    #[serde(default = "default_apply", deserialize_with = "de::apply_mode")]
    pub apply: String,
    /// Hours an approval stays valid; a plan not applied by then expires.
    #[serde(default = "default_ttl", deserialize_with = "de::positive")]
    pub approval_ttl_hours: u32,
    /// Distinct approvers a plan needs (none of them its requester).
    #[serde(default = "one", deserialize_with = "de::positive")]
    pub approvals_required: u32,
    /// Distinct approvers a production plan needs.
    #[serde(default = "two", deserialize_with = "de::positive")]
    pub prod_approvals_required: u32,
    /// AWS tags that make a resource production: tag key → values.
    #[serde(default = "default_prod")]
    pub prod_tags: BTreeMap<String, Vec<String>>,
    /// Namespace labels that make a Kubernetes object production: label key → values.
    #[serde(default = "default_prod")]
    pub prod_namespace_labels: BTreeMap<String, Vec<String>>,
    /// Most actions one plan may hold; a proposal with more is refused.
    #[serde(default = "default_max_actions", deserialize_with = "de::positive")]
    pub max_actions: usize,
}

fn default_apply() -> String {
    "manual".into()
}
fn default_ttl() -> u32 {
    24
}
fn one() -> u32 {
    1
}
fn two() -> u32 {
    2
}
fn default_prod() -> BTreeMap<String, Vec<String>> {
    BTreeMap::from([(
        "environment".to_string(),
        vec!["prod".to_string(), "production".to_string()],
    )])
}
fn default_max_actions() -> usize {
    50
}

impl Default for Plans {
    fn default() -> Self {
        Plans {
            auto_propose: None,
            apply: default_apply(),
            approval_ttl_hours: default_ttl(),
            approvals_required: one(),
            prod_approvals_required: two(),
            prod_tags: default_prod(),
            prod_namespace_labels: default_prod(),
            max_actions: default_max_actions(),
        }
    }
}

/// `[approvers]`: who may approve, and where their TOTP secrets are.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approvers {
    /// The approvers' TOTP secrets: a TOML file only its owner may read (mode 0600),
    /// written by `vigil approver add`. Never kept in the database.
    pub totp_file: Option<PathBuf>,
    /// Time steps (30 s each) a code may be off by, before or after (RFC 6238 §5.2).
    #[serde(default = "one_step")]
    pub totp_skew: u8,
    /// Failed codes in a row after which an approver is locked out for `lockout_minutes`.
    #[serde(default = "default_max_failures", deserialize_with = "de::positive")]
    pub max_failures: u32,
    #[serde(default = "default_lockout", deserialize_with = "de::positive")]
    pub lockout_minutes: u32,
}

fn one_step() -> u8 {
    1
}
fn default_max_failures() -> u32 {
    5
}
fn default_lockout() -> u32 {
    15
}

impl Default for Approvers {
    fn default() -> Self {
        Approvers {
            totp_file: None,
            totp_skew: one_step(),
            max_failures: default_max_failures(),
            lockout_minutes: default_lockout(),
        }
    }
}

/// `[remediation]`: the credentials plans are applied with, apart from the scanner's.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    #[serde(default)]
    pub aws: RemediationAws,
    #[serde(default)]
    pub kubernetes: RemediationKubernetes,
}

/// `[remediation.aws]`: a profile, a role to assume, or both; an endpoint for emulators.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemediationAws {
    /// Named profile from the shared AWS config files.
    pub profile: Option<String>,
    /// Role assumed for the apply (its session names the plan, so CloudTrail shows it).
    pub role_arn: Option<String>,
    /// Endpoint override (emulators such as moto).
    pub endpoint_url: Option<String>,
}

/// `[remediation.kubernetes]`: the kubeconfig and context patches are applied with.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemediationKubernetes {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    /// The cluster's name in resource ids, as scans name it; default: the context's name.
    /// Plans for other clusters are refused.
    pub name: Option<String>,
}

impl RemediationKubernetes {
    /// Whether a kubeconfig or context is named: without one, nothing is patched.
    pub fn is_set(&self) -> bool {
        self.kubeconfig.is_some() || self.context.is_some()
    }
}

impl RemediationAws {
    /// Whether any remediation credentials are named: without them, nothing is applied.
    pub fn is_set(&self) -> bool {
        self.profile.is_some() || self.role_arn.is_some()
    }
}
