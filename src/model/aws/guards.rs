//! The account's own guards, one document per region (or per account for IAM's and S3's
//! account settings), present whether or not the guard is on, so a rule can fail a region
//! that has none: GuardDuty's detector, Security Hub, the AWS Config recorder, IAM Access
//! Analyzer's analyzers, the IAM password policy and S3's account-level public access block.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

/// A region's GuardDuty detector: the one detector a region can have, or
/// `detector/none` with `Status` `NONE`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Detector {
    pub detector_id: Option<String>,
    /// `ENABLED`, `DISABLED`, or `NONE` when the region has no detector.
    pub status: String,
    pub finding_publishing_frequency: Option<String>,
    pub features: Vec<Feature>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Feature {
    pub name: Option<String>,
    pub status: Option<String>,
}

impl Document for Detector {
    const TYPE: &'static str = "AWS::GuardDuty::Detector";
    fn id(&self, at: &Place) -> String {
        format!(
            "arn:aws:guardduty:{}:{}:detector/{}",
            at.region,
            at.account,
            self.detector_id.as_deref().unwrap_or("none")
        )
    }
}

/// A region's Security Hub subscription.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Hub {
    pub enabled: bool,
    pub hub_arn: Option<String>,
    #[serde(deserialize_with = "super::epoch_or_text")]
    pub subscribed_at: Option<String>,
    pub auto_enable_controls: Option<bool>,
}

impl Document for Hub {
    const TYPE: &'static str = "AWS::SecurityHub::Hub";
    fn id(&self, at: &Place) -> String {
        format!(
            "arn:aws:securityhub:{}:{}:hub/default",
            at.region, at.account
        )
    }
}

/// A region's AWS Config recorder and its status, or `configuration-recorder/none`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ConfigurationRecorder {
    pub name: Option<String>,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    /// The recording group records every supported type.
    pub all_supported: bool,
    pub include_global_resource_types: bool,
    /// Types left out by an exclusion list.
    pub exclusion_types: Vec<String>,
    /// Types recorded when the group lists them (`AllSupported` false).
    pub resource_types: Vec<String>,
    /// The recorder is recording now.
    pub recording: bool,
    /// `Success`, `Failure` or `Pending`.
    pub last_status: Option<String>,
}

impl Document for ConfigurationRecorder {
    const TYPE: &'static str = "AWS::Config::ConfigurationRecorder";
    fn id(&self, at: &Place) -> String {
        format!(
            "arn:aws:config:{}:{}:configuration-recorder/{}",
            at.region,
            at.account,
            self.name.as_deref().unwrap_or("none")
        )
    }
    fn name(&self, _: &Place) -> Option<String> {
        self.name.clone()
    }
}

/// A region's IAM Access Analyzer analyzers (ListAnalyzers).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AnalyzerCoverage {
    pub analyzers: Vec<Analyzer>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Analyzer {
    pub name: Option<String>,
    pub arn: Option<String>,
    /// `ACCOUNT`, `ORGANIZATION`, or their `_UNUSED_ACCESS` forms.
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// `ACTIVE`, `CREATING`, `DISABLED` or `FAILED`.
    pub status: Option<String>,
}

impl Document for AnalyzerCoverage {
    const TYPE: &'static str = "AWS::AccessAnalyzer::RegionCoverage";
    fn id(&self, at: &Place) -> String {
        format!(
            "arn:aws:access-analyzer:{}:{}:region-coverage",
            at.region, at.account
        )
    }
}

/// The account's IAM password policy (GetAccountPasswordPolicy); `Present` false when the
/// account has none (IAM's defaults apply).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PasswordPolicy {
    pub present: bool,
    pub minimum_password_length: Option<i32>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    pub expire_passwords: bool,
    pub max_password_age: Option<i32>,
    pub password_reuse_prevention: Option<i32>,
    pub hard_expiry: Option<bool>,
}

impl Document for PasswordPolicy {
    const TYPE: &'static str = "AWS::IAM::PasswordPolicy";
    fn id(&self, at: &Place) -> String {
        format!("arn:aws:iam::{}:account-password-policy", at.account)
    }
}

/// The account-level S3 public access block (S3 Control's GetPublicAccessBlock); every
/// setting false when the account has none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AccountPublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl Document for AccountPublicAccessBlock {
    const TYPE: &'static str = "AWS::S3::AccountPublicAccessBlock";
    fn id(&self, at: &Place) -> String {
        format!("arn:aws:s3::{}:account-public-access-block", at.account)
    }
}
